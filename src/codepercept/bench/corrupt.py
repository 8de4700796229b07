"""Controlled corruptions and rendering-equivalent rewrites of matplotlib programs.

Corruptions act on the *program* — the thing a model writes — so that what is scored went
through the real sandbox, renderer and tracer. :func:`corrupt_program` appends a post-processing
snippet to the program; the snippet runs after the program's own ``plt.show()`` (the sandbox
captures figures that are still open when the program ends) and mutates the live figures'
artists with a seeded RNG.

Every corruption draws its random choices for *all* artists before looking at the severity, so
for one program and seed the corrupted set grows (or the perturbation grows) monotonically with
severity, and severity 0 changes nothing. The snippet prints one line
``CP_CORRUPT {"kind": ..., "candidates": n, "changed": k, ...}`` to stdout so callers can tell a
corruption that did not apply (a pie chart has no series to swap) from one that did (a few
corruptions add further counts, kept in :attr:`CorruptionReport.extra`).

Rewrites (:func:`rename_variables`, :func:`scale_figsize`) are source-level transforms that must
not change what is drawn.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from dataclasses import dataclass, field
from typing import Any

#: What each corruption does and which scores are meant to see it (``"scene.<part>"``,
#: ``"image.<part>"``, or a total). ``None`` target: the scores should be *invariant*.
CORRUPTIONS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "drop_elements": (
        "remove ceil(0.75 s n) of the n content artists (a fixed random order)",
        ("scene.completeness", "image.total"),
    ),
    "jitter": (
        "translate every content artist by N(0, (0.1 s)^2) x its axes' size, per axis",
        ("scene.position", "image.total"),
    ),
    "recolour": (
        "mix every colour of every content artist towards a far saturated colour, weight 0.5 s "
        "(Delta E76 about 50 s for typical colours)",
        ("scene.style", "image.colour"),
    ),
    "labels": (
        "replace (random characters) or drop ceil(s n) of the n text labels and titles",
        ("scene.text",),
    ),
    "text": (
        "replace ceil(s n) of the n content strings (titles, suptitle, axis labels, legend "
        "entries, text and annotations; not tick labels) by as many random letters",
        ("scene.text",),
    ),
    "item_colours": (
        "in every collection with per-item face colours (scatter and bubble charts with c=..., "
        "patch collections; not colormapped meshes, images or contours) mix each item's colour "
        "towards its own far saturated colour, weight 0.5 s; candidates and changed count items",
        ("scene.style", "image.colour"),
    ),
    "hue": (
        "rotate the hue of every saturated colour (HSV saturation >= 0.05) of every content "
        "artist by 180 s degrees, colormaps included (greys stay; legend keys follow)",
        ("scene.style", "image.colour"),
    ),
    "linestyle": (
        "change the line style of ceil(s n) of the n stroked artists (solid -> dashed -> dotted)",
        ("scene.style",),
    ),
    "zorder": (
        "reverse the stacking order of ceil(s n) of the n content artists of each axes whose "
        "display bounding box overlaps another's (only there can the order show); the report "
        "adds pairs_flipped, the overlapping pairs whose order changed",
        ("scene.relations",),
    ),
    "chart_swap": (
        "in every chart series (axes with a visible axis) turn the first ceil(s m) of its m "
        "marks into another chart type: bars -> line through their tops, line -> scatter, "
        "scatter -> line",
        ("scene.completeness", "image.total"),
    ),
    "scale": (
        "figure size x (1 + 0.6 s), same axes fractions (fonts keep their point size)",
        None,
    ),
    "translate": (
        "canvas padded by 0.6 s of its width on the left and 0.3 s of its height on top; "
        "the axes keep their size",
        None,
    ),
}

MARKER = "CP_CORRUPT "

# The snippet is plain source appended to the program; every name it binds starts with _cp so it
# cannot collide with the program's own names.
_RUNTIME = r"""

def _cp_corrupt(_cp_kind, _cp_sev, _cp_seed):
    import json as _json
    import math as _math
    import random as _random

    import matplotlib.pyplot as _plt
    import numpy as _np
    from matplotlib import collections as _mc, lines as _ml, patches as _mp, text as _mt
    from matplotlib import colors as _mcolors, image as _mi, transforms as _mtr
    from matplotlib._pylab_helpers import Gcf as _Gcf
    from matplotlib.axes import Axes as _Axes
    from matplotlib.axis import Axis as _Axis
    from matplotlib.container import BarContainer as _Bars
    from matplotlib.legend import Legend as _Legend
    from matplotlib.spines import Spine as _Spine

    try:
        from mpl_toolkits.mplot3d import art3d as _a3
    except Exception:  # no mplot3d: nothing is 3D
        _a3 = None

    rng = _random.Random(_cp_seed)
    figs = [m.canvas.figure for m in _Gcf.get_all_fig_managers()]
    figs.sort(key=lambda f: f.number)

    def is3d(ax):
        return ax is not None and getattr(ax, "name", "") == "3d"

    def every_axes(fig):
        # the figure's axes and their child axes (an inset made with ax.inset_axes is not in
        # fig.axes), parents first
        out, todo = [], list(fig.axes)
        while todo:
            ax = todo.pop(0)
            if ax not in out:
                out.append(ax)
                todo += list(getattr(ax, "child_axes", []))
        return out

    def content(fig):
        out = []
        for ax in every_axes(fig):
            if getattr(ax, "_colorbar", None) is not None:
                continue  # a colorbar is a guide, like a legend: one element of the scene
            decor = {id(ax.patch)} | {id(s) for s in ax.spines.values()}
            for name in ("title", "_left_title", "_right_title"):
                if getattr(ax, name, None) is not None:
                    decor.add(id(getattr(ax, name)))
            for ch in ax.get_children():
                if id(ch) in decor or isinstance(ch, (_Axis, _Spine, _Legend, _Axes)):
                    continue
                if ch.get_visible():
                    out.append((ax, ch))
        for group in (fig.texts, fig.lines, fig.patches, fig.artists, fig.images):
            out += [(None, a) for a in group if a.get_visible()]
        return out

    items = [(fig, ax, a) for fig in figs for ax, a in content(fig)]
    rng.shuffle(items)
    changed = 0
    n_cand = len(items)
    extra = {}  # further counts for the report line

    def count(frac, n):
        return 0 if frac <= 0 or n == 0 else min(n, _math.ceil(frac * n - 1e-9))

    def ax_size_in(fig, ax):
        if ax is None:
            return fig.get_size_inches()
        bb = ax.get_position()
        w, h = fig.get_size_inches()
        return _np.array([bb.width * w, bb.height * h])

    def base_fc(a, mapped=False):
        # A collection's own face colours as N x 4, in item order (mplot3d's getters shade and
        # depth-sort them; its 3D copy is stale for colours mapped since the last draw).
        fc = None if mapped else getattr(a, "_facecolor3d", None)
        fc = _mc.Collection.get_facecolor(a) if fc is None else fc
        return _np.asarray(fc, float).reshape(-1, 4)

    def edge_is_face(a):
        ec = getattr(a, "_edgecolors", None)
        return isinstance(ec, str) and ec == "face"

    def base_ec(a, mapped=False):
        ec = None if mapped else getattr(a, "_edgecolor3d", None)
        ec = _mc.Collection.get_edgecolor(a) if ec is None else ec
        return _np.asarray(ec, float).reshape(-1, 4)

    # -------------------------------------------------------------------------------------
    if _cp_kind == "drop_elements":
        k = count(0.75 * _cp_sev, len(items))
        for fig, ax, a in items[:k]:
            try:
                a.remove()
            except Exception:
                a.set_visible(False)
            changed += 1

    elif _cp_kind == "jitter":
        sigma = 0.1 * _cp_sev
        draws = [(rng.gauss(0, 1), rng.gauss(0, 1)) for _ in items]

        def shift(fig, ax, a, u, v):
            if is3d(ax):
                if _a3 is None:
                    return False
                spans = [abs(b - c) for c, b in (ax.get_xlim3d(), ax.get_ylim3d())]
                dx, dy = sigma * u * spans[0], sigma * v * spans[1]
                if isinstance(a, _a3.Line3D):
                    xs, ys, zs = (_np.asarray(t, float) for t in a.get_data_3d())
                    a.set_data_3d(xs + dx, ys + dy, zs)
                elif isinstance(a, _a3.Text3D):
                    x, y, z = a.get_position_3d()
                    a.set_position_3d((x + dx, y + dy, z))
                else:
                    return False
                return True
            size = ax_size_in(fig, ax)
            dxi, dyi = sigma * u * size[0], sigma * v * size[1]
            off = _mtr.ScaledTranslation(dxi, dyi, fig.dpi_scale_trans)
            if isinstance(a, _mt.Annotation):
                xyc, annc = a.xycoords, a.anncoords
                if xyc == "data" and ax is not None:
                    d, step = ax.transData, _np.array([dxi, dyi]) * fig.dpi

                    def moved(xy):
                        xy = (ax.convert_xunits(xy[0]), ax.convert_yunits(xy[1]))
                        return tuple(d.inverted().transform(d.transform(xy) + step))

                    a.xy = moved(a.xy)
                    if annc == "data":
                        a.xyann = moved(a.xyann)
                elif isinstance(annc, str) and annc == "offset points":
                    x, y = a.xyann
                    a.xyann = (x + 72 * dxi, y + 72 * dyi)
                else:
                    return False
            elif isinstance(a, _mc.Collection) and len(a.get_offsets()) and not isinstance(
                a.get_offset_transform(), _mtr.IdentityTransform
            ):
                a.set_offset_transform(a.get_offset_transform() + off)
            elif isinstance(a, _mp.Patch):
                a.set_transform(a.get_data_transform() + off)
            else:
                a.set_transform(a.get_transform() + off)
            return True

        for (fig, ax, a), (u, v) in zip(items, draws):
            if sigma <= 0:
                break
            try:
                changed += bool(shift(fig, ax, a, u, v))
            except Exception:  # an artist this corruption cannot move stays where it is
                pass

    elif _cp_kind == "recolour":
        palette = [(0.85, 0.1, 0.1), (0.1, 0.6, 0.1), (0.1, 0.2, 0.9), (0.8, 0.1, 0.8),
                   (0.95, 0.55, 0.0), (0.0, 0.65, 0.7), (0.55, 0.3, 0.1), (0.9, 0.8, 0.0)]
        w = 0.5 * max(0.0, min(1.0, _cp_sev))
        draws = [rng.random() for _ in items]

        def mix(c, target):
            if c is None:
                return c
            if isinstance(c, str) and c.lower() in ("none", "face", "auto"):
                return c
            rgba = _np.asarray(_mcolors.to_rgba_array(c), float)
            if rgba.size == 0:
                return c
            rgba[:, :3] = (1 - w) * rgba[:, :3] + w * _np.asarray(target)
            return rgba if len(rgba) > 1 else tuple(rgba[0])

        def main_colour(a):
            for getter in ("get_color", "get_edgecolor", "get_facecolor"):
                try:
                    c = _np.asarray(_mcolors.to_rgba_array(getattr(a, getter)()), float)
                except Exception:
                    continue
                if c.size and c[0, 3] > 0:
                    return c[0, :3]
            return _np.zeros(3)

        for (fig, ax, a), r in zip(items, draws):
            base = main_colour(a)
            far = [p for p in palette if _np.abs(_np.asarray(p) - base).sum() > 0.9] or palette
            target = far[int(r * len(far)) % len(far)]
            if w <= 0:
                continue
            if isinstance(a, _ml.Line2D):
                a.set_color(mix(a.get_color(), target))
                a.set_markerfacecolor(mix(a.get_markerfacecolor(), target))
                a.set_markeredgecolor(mix(a.get_markeredgecolor(), target))
            elif isinstance(a, _mt.Text):
                a.set_color(mix(a.get_color(), target))
                arrow = getattr(a, "arrow_patch", None)
                if arrow is not None:
                    arrow.set_edgecolor(mix(arrow.get_edgecolor(), target))
                    arrow.set_facecolor(mix(arrow.get_facecolor(), target))
                box = a.get_bbox_patch()
                if box is not None:
                    box.set_edgecolor(mix(box.get_edgecolor(), target))
            elif isinstance(a, _mp.Patch):
                if a.get_fill() and a.get_facecolor()[3] > 0:
                    a.set_facecolor(mix(a.get_facecolor(), target))
                if a.get_edgecolor()[3] > 0:
                    a.set_edgecolor(mix(a.get_edgecolor(), target))
            elif isinstance(a, _mc.Collection):
                # The collection's own colours in item order (mplot3d's getters shade and
                # depth-sort them); edges drawn in the face colour follow the face.
                mapped = a.get_array() is not None
                if mapped:
                    a.update_scalarmappable()  # the colours mapped from the values, now
                fc = base_fc(a, mapped)
                ec = [] if edge_is_face(a) else base_ec(a, mapped)
                a.set_array(None)
                if len(fc):
                    a.set_facecolor(mix(fc, target))
                if len(ec):
                    a.set_edgecolor(mix(ec, target))
            else:
                continue
            changed += 1

    elif _cp_kind == "labels":
        slots = []
        drawn = set()

        def tick_slots(axis):
            # Freeze the visible ticks with their current labels, one slot per label.
            try:
                ticks = [t for t in axis._update_ticks() if t.label1.get_visible()]
            except Exception:
                return []
            locs = [t.get_loc() for t in ticks]
            labels = [t.label1.get_text() for t in ticks]
            if not any(s.strip() for s in labels):
                return []
            axis.set_ticks(locs, labels=labels)

            def setter(i):
                def put(text):
                    labels[i] = text
                    axis.set_ticks(locs, labels=labels)
                return put

            return [(s, setter(i), False) for i, s in enumerate(labels) if s.strip()]

        for fig, ax, a in items:
            if isinstance(a, _mt.Text) and a.get_text().strip():
                slots.append((a.get_text(), a.set_text, getattr(a, "arrow_patch", None) is not None))
        for fig in figs:
            if fig._suptitle is not None and fig._suptitle.get_text():
                slots.append((fig._suptitle.get_text(), fig._suptitle.set_text, False))
            for ax in fig.axes:
                for get, put in ((ax.get_title, ax.set_title), (ax.get_xlabel, ax.set_xlabel),
                                 (ax.get_ylabel, ax.set_ylabel)):
                    if get().strip():
                        slots.append((get(), put, False))
                if is3d(ax) or not ax.axison:
                    continue
                if id(fig) not in drawn:
                    fig.draw_without_rendering()
                    drawn.add(id(fig))
                for axis in (ax.xaxis, ax.yaxis):
                    slots += tick_slots(axis)
        n_cand = len(slots)
        rng.shuffle(slots)
        alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        draws = [(rng.random(), [rng.choice(alphabet) for _ in range(max(2, len(t)))])
                 for t, _, _ in slots]
        k = count(_cp_sev, len(slots))
        for (text, put, has_arrow), (r, chars) in list(zip(slots, draws))[:k]:
            # An empty annotation with an arrow turns into a bare arrow; replace those instead.
            put("" if r < 0.5 and not has_arrow else "".join(chars))
            changed += 1

    elif _cp_kind == "linestyle":
        nxt = {"solid": "dashed", "dashed": "dotted", "dotted": "dashdot", "dashdot": "solid"}
        names = {"-": "solid", "--": "dashed", ":": "dotted", "-.": "dashdot"}
        cand = []
        for fig, ax, a in items:
            if isinstance(a, _ml.Line2D):
                ls = a.get_linestyle()
                if ls not in ("None", "none", "", " "):
                    cand.append((a, names.get(ls, "solid")))
            elif isinstance(a, _mp.Patch) and a.get_linewidth() > 0 and a.get_edgecolor()[3] > 0:
                ls = a.get_linestyle()
                cand.append((a, names.get(ls, ls if ls in nxt else "solid")))
            elif isinstance(a, _mc.LineCollection):
                dashes = a.get_linestyle()
                solid = all(d[1] is None for d in dashes)
                cand.append((a, "solid" if solid else "dashed"))
            elif (isinstance(a, _mc.Collection) and not isinstance(a, _mc.PathCollection)
                  and len(a.get_linewidth()) and max(a.get_linewidth()) > 0
                  and len(a.get_edgecolor()) and max(_np.asarray(a.get_edgecolor())[:, 3]) > 0):
                # outlined areas: fill_between, broken_barh, polygons drawn as a collection
                # (a scatter's marker edges are not a line style)
                dashes = a.get_linestyle()
                solid = all(d[1] is None for d in dashes)
                cand.append((a, "solid" if solid else "dashed"))
        n_cand = len(cand)
        for a, ls in cand[: count(_cp_sev, len(cand))]:
            a.set_linestyle(nxt[ls])
            changed += 1

    elif _cp_kind == "zorder":
        # Only where the stacking order can show: artists whose display boxes overlap another's.
        renderers = {}

        def renderer_of(fig):
            if id(fig) not in renderers:
                try:
                    fig.canvas.draw()
                    renderers[id(fig)] = fig.canvas.get_renderer()
                except Exception:
                    renderers[id(fig)] = None
            return renderers[id(fig)]

        def extent(fig, a):
            r = renderer_of(fig)
            if r is None:
                return None
            try:
                bb = a.get_window_extent(r)
                clip = a.get_clip_box() if a.get_clip_on() else None
                if bb is not None and clip is not None:
                    bb = _mtr.Bbox.intersection(bb, clip)
                if bb is None:
                    return None
                (x0, y0), (x1, y1) = _np.sort(_np.asarray(bb.get_points(), float), axis=0)
            except Exception:
                return None
            if not _np.isfinite([x0, y0, x1, y1]).all() or (x1 <= x0 and y1 <= y0):
                return None
            return x0, y0, x1, y1

        def overlapping_pairs(boxes):
            # (i, j), i < j, whose boxes overlap by more than a pixel along both axes (a
            # zero-height box, a horizontal line, overlaps what it crosses; bars that only
            # touch, side by side or stacked, do not overlap: their order does not show).
            idx = [i for i, b in enumerate(boxes) if b is not None]
            if len(idx) < 2:
                return []
            b = _np.asarray([boxes[i] for i in idx], float)
            hit = ((b[:, None, 0] + 1 < b[None, :, 2]) & (b[None, :, 0] + 1 < b[:, None, 2])
                   & (b[:, None, 1] + 1 < b[None, :, 3]) & (b[None, :, 1] + 1 < b[:, None, 3]))
            ii, jj = _np.nonzero(_np.triu(hit, 1))
            return [(idx[i], idx[j]) for i, j in zip(ii.tolist(), jj.tolist())]

        def restacked(ax, a):
            # mplot3d re-assigns depth-sorted zorders to collections and patches at draw time.
            return (is3d(ax) and getattr(ax, "computed_zorder", False)
                    and isinstance(a, (_mc.Collection, _mp.Patch)))

        by_axes = {}
        for fig, ax, a in items:
            by_axes.setdefault(id(ax) if ax is not None else id(fig), []).append((fig, ax, a))
        # Current stack: by zorder, then drawing order (children order of the axes / figure).
        pos = {}
        for fig in figs:
            for parent in [fig] + list(fig.axes):
                for i, ch in enumerate(parent.get_children()):
                    pos.setdefault(id(ch), i)
        n_cand, pairs_flipped = 0, 0
        for group in by_axes.values():
            arts = [a for _, _, a in group]  # the fixed random order
            boxes = [None if restacked(ax, a) else extent(fig, a) for fig, ax, a in group]
            pairs = overlapping_pairs(boxes)
            involved = {i for p in pairs for i in p}
            cand = [a for i, a in enumerate(arts) if i in involved]
            n_cand += len(cand)
            chosen = cand[: count(_cp_sev, len(cand))]
            if len(chosen) < 2:
                continue
            stack = sorted(arts, key=lambda a: (a.get_zorder(), pos.get(id(a), 0)))
            n = len(stack)
            # Distinct zorders that keep the current stack, so reversing them is exact.
            exact = {id(a): a.get_zorder() + 1e-3 * i / max(n, 1) for i, a in enumerate(stack)}
            for a in stack:
                a.set_zorder(exact[id(a)])
            chosen.sort(key=lambda a: exact[id(a)])
            values = [exact[id(a)] for a in chosen]
            for a, z in zip(chosen, reversed(values)):
                if z != exact[id(a)]:
                    a.set_zorder(z)
                    changed += 1
            for i, j in pairs:
                a, b = arts[i], arts[j]
                before = exact[id(a)] < exact[id(b)]
                pairs_flipped += before != (a.get_zorder() < b.get_zorder())
        extra["pairs_flipped"] = pairs_flipped

    elif _cp_kind == "chart_swap":
        # Chart series only: 2D axes whose axis is drawn (geometry figures turn it off).
        series = []
        for fig in figs:
            for ax in fig.axes:
                if is3d(ax) or not ax.axison:
                    continue
                for c in ax.containers:
                    if isinstance(c, _Bars) and len(c.patches) >= 2:
                        series.append(("bars", ax, c))
                for ln in ax.get_lines():
                    if ln.get_visible() and len(ln.get_xydata()) >= 3:
                        if ln.get_transform() == ax.transData:
                            series.append(("line", ax, ln))
                for c in ax.collections:
                    if type(c) is _mc.PathCollection and len(c.get_offsets()) >= 3:
                        series.append(("scatter", ax, c))
        n_cand = len(series)
        for what, ax, s in series:
            # The first ceil(s m) of the series' m marks (in x order) change type.
            if what == "bars":
                horiz = getattr(s, "orientation", "vertical") == "horizontal"
                bars = []
                for p in s.patches:
                    x, y, w, h = p.get_x(), p.get_y(), p.get_width(), p.get_height()
                    bars.append(((x + w, y + h / 2) if horiz else (x + w / 2, y + h), p))
                bars.sort(key=lambda t: t[0][1] if horiz else t[0][0])
                k = count(_cp_sev, len(bars))
                if k == 0:
                    continue
                colour = bars[0][1].get_facecolor()
                for _, p in bars[:k]:
                    p.remove()
                xs, ys = zip(*[xy for xy, _ in bars[:k]])
                ax.plot(xs, ys, color=colour, marker="o", linewidth=2)
            elif what == "line":
                xy = _np.asarray(s.get_xydata(), float)
                k = count(_cp_sev, len(xy))
                if k == 0:
                    continue
                ax.scatter(xy[:k, 0], xy[:k, 1], color=s.get_color(), s=20, zorder=s.get_zorder())
                if k >= len(xy) - 1:
                    s.remove()
                else:
                    s.set_data(xy[k - 1 :, 0], xy[k - 1 :, 1])
            else:
                xy = _np.asarray(s.get_offsets(), float)
                xy = xy[_np.argsort(xy[:, 0], kind="stable")]
                k = count(_cp_sev, len(xy))
                if k == 0:
                    continue
                fc = s.get_facecolor()
                colour = fc[0] if len(fc) else "C0"
                ax.plot(xy[:k, 0], xy[:k, 1], color=colour, linewidth=1.5, zorder=s.get_zorder())
                if k >= len(xy):
                    s.remove()
                else:
                    s.set_offsets(xy[k:])
            changed += 1

    elif _cp_kind == "text":
        # Content strings only (titles, axis labels, legend entries, text and annotations):
        # tick labels stay. Replaced by as many random letters (whitespace kept), never emptied.
        slots = []
        seen = set()

        def add_text(t):
            if t is None or id(t) in seen or not isinstance(t, _mt.Text):
                return
            if t.get_visible() and t.get_text().strip():
                seen.add(id(t))
                slots.append(t)

        def legend_texts(leg):
            if leg is not None and leg.get_visible():
                add_text(leg.get_title())
                for t in leg.get_texts():
                    add_text(t)

        for fig in figs:
            for t in fig.texts:  # suptitle, supxlabel / supylabel, fig.text
                add_text(t)
            for leg in fig.legends:
                legend_texts(leg)
            for ax in fig.axes:
                for name in ("title", "_left_title", "_right_title"):
                    add_text(getattr(ax, name, None))
                if ax.axison or (is3d(ax) and getattr(ax, "_axis3don", True)):
                    for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)):
                        if axis is not None and axis.get_visible():
                            add_text(axis.label)
                legends = [c for c in ax.get_children() if isinstance(c, _Legend)]
                for leg in legends + [ax.get_legend()]:
                    legend_texts(leg)
            for ax, a in content(fig):
                add_text(a)  # ax.text, annotate, bar_label, Text3D
        n_cand = len(slots)
        rng.shuffle(slots)
        letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        draws = ["".join(ch if ch.isspace() else rng.choice(letters) for ch in t.get_text())
                 for t in slots]
        for t, new in list(zip(slots, draws))[: count(_cp_sev, n_cand)]:
            t.set_text(new)
            changed += 1

    elif _cp_kind == "item_colours":
        # Collections with one face colour per item (scatter with c=..., bubble charts, patch
        # collections, meshes with explicit face colours). Colormapped meshes, images and
        # contours are out of scope; a colormapped scatter is turned into explicit colours.
        pal = _np.asarray([(0.85, 0.1, 0.1), (0.1, 0.6, 0.1), (0.1, 0.2, 0.9), (0.8, 0.1, 0.8),
                           (0.95, 0.55, 0.0), (0.0, 0.65, 0.7), (0.55, 0.3, 0.1),
                           (0.9, 0.8, 0.0)])
        w = 0.5 * max(0.0, min(1.0, _cp_sev))
        cand = []
        for fig, ax, a in items:
            if not isinstance(a, _mc.Collection):
                continue
            try:
                arr = a.get_array()
                if arr is not None:
                    face = getattr(a, "_original_facecolor", None)
                    if not isinstance(a, _mc.PathCollection) or (
                            isinstance(face, str) and face.lower() == "none"):
                        continue
                    n = int(_np.size(arr))
                else:
                    n = len(base_fc(a))
            except Exception:
                continue
            if n > 1:
                cand.append((a, arr is not None, n, rng.getrandbits(32)))
        n_cand = sum(n for _, _, n, _ in cand)
        extra["collections"] = len(cand)
        for a, mapped, n, sub in cand:
            if w <= 0:
                break
            if mapped:
                rgba = _np.asarray(a.to_rgba(a.get_array(), a.get_alpha()), float).reshape(-1, 4)
                a.set_array(None)  # else the colours are mapped from the values again at draw
            else:
                rgba = _np.array(base_fc(a), float).reshape(-1, 4)
            r = _np.random.default_rng(sub).random(len(rgba))
            far = _np.abs(rgba[:, None, :3] - pal[None, :, :]).sum(axis=2) > 0.9
            far[~far.any(axis=1)] = True
            pick = _np.floor(r * far.sum(axis=1)).astype(int)
            target = pal[_np.argmax(far.cumsum(axis=1) > pick[:, None], axis=1)]
            rgba[:, :3] = (1 - w) * rgba[:, :3] + w * target
            a.set_facecolor(rgba)
            changed += len(rgba)

    elif _cp_kind == "hue":
        shift = 0.5 * max(0.0, min(1.0, _cp_sev))  # of a full turn: 180 s degrees

        def rot_array(rgba):
            # (rotated copy, any visible saturated colour) of an N x 4 float array.
            rgba = _np.array(rgba, float)
            hsv = _mcolors.rgb_to_hsv(_np.clip(rgba[..., :3], 0, 1))
            sat = hsv[..., 1] >= 0.05
            hsv[..., 0] = _np.where(sat, (hsv[..., 0] + shift) % 1.0, hsv[..., 0])
            rgba[..., :3] = _np.where(sat[..., None], _mcolors.hsv_to_rgb(hsv), rgba[..., :3])
            visible = sat if rgba.shape[-1] < 4 else sat & (rgba[..., 3] > 0)
            return rgba, bool(visible.any())

        def rot(c):
            if c is None or (isinstance(c, str) and c.lower() in ("none", "face", "auto")):
                return None, False
            try:
                rgba = _mcolors.to_rgba_array(c)
            except Exception:
                return None, False
            if rgba.size == 0:
                return None, False
            return rot_array(rgba)

        def slot(get, put, out):
            try:
                new, sat = rot(get())
            except Exception:
                return
            if sat:
                out.append(lambda put=put, new=new: put(new if len(new) > 1 else tuple(new[0])))

        def cmap_slot(m, out):
            try:
                cmap = m.get_cmap()
                new, sat = rot_array(cmap(_np.arange(cmap.N)))
                ext = [rot_array(_mcolors.to_rgba_array(c)) for c in
                       (cmap.get_under(), cmap.get_over(), cmap.get_bad())]
            except Exception:
                return
            if sat or any(s for _, s in ext):

                def put(m=m, cmap=cmap, new=new, ext=ext):
                    under, over, bad = (tuple(e[0][0]) for e in ext)
                    nc = _mcolors.ListedColormap(new, name=cmap.name + "_hue")
                    nc = nc.with_extremes(under=under, over=over, bad=bad)
                    nc.colorbar_extend = getattr(cmap, "colorbar_extend", False)
                    m.set_cmap(nc)  # a colorbar of m follows (it listens to m's changes)

                out.append(put)

        def patch_slots(p, out):
            slot(p.get_facecolor, p.set_facecolor, out)
            slot(p.get_edgecolor, p.set_edgecolor, out)

        def hue_slots(a):
            out = []
            if isinstance(a, _ml.Line2D):
                for what in ("color", "markerfacecolor", "markerfacecoloralt", "markeredgecolor"):
                    slot(getattr(a, "get_" + what), getattr(a, "set_" + what), out)
            elif isinstance(a, _mt.Text):
                slot(a.get_color, a.set_color, out)
                for p in (getattr(a, "arrow_patch", None), a.get_bbox_patch()):
                    if p is not None:
                        patch_slots(p, out)
            elif isinstance(a, _mp.Patch):
                patch_slots(a, out)
            elif isinstance(a, _mc.Collection):
                face_mapped = edge_mapped = False
                if a.get_array() is not None:
                    cmap_slot(a, out)
                    of = getattr(a, "_original_facecolor", None)
                    oe = getattr(a, "_original_edgecolor", None)
                    face_mapped = not (isinstance(of, str) and of.lower() == "none")
                    edge_mapped = (isinstance(oe, str) and oe == "face") if face_mapped else (
                        oe is None)
                if not face_mapped:
                    slot(lambda: base_fc(a), a.set_facecolor, out)
                if not edge_mapped and not edge_is_face(a):
                    slot(lambda: base_ec(a), a.set_edgecolor, out)
            elif isinstance(a, getattr(_mi, "_ImageBase", _mi.AxesImage)):
                arr = a.get_array()
                if arr is not None and _np.ndim(arr) == 2:
                    cmap_slot(a, out)
                elif arr is not None and _np.ndim(arr) == 3 and _np.shape(arr)[2] in (3, 4):
                    data = _np.asarray(arr)
                    data = data / 255.0 if data.dtype.kind in "ui" else data.astype(float)
                    new, sat = rot_array(data)
                    if sat:
                        out.append(lambda a=a, new=new: a.set_data(new))
            return out

        done = set()
        todo = []
        for fig, ax, a in items:
            done.add(id(a))
            if ax is not None and getattr(ax, "_colorbar", None) is not None:
                continue  # a colorbar's own parts: it redraws from its mappable's colormap
            todo.append(hue_slots(a))
        for fig in figs:
            for ax in fig.axes:
                cb = getattr(ax, "_colorbar", None)
                if cb is not None and getattr(cb, "mappable", None) is not None and id(
                        cb.mappable) not in done:
                    done.add(id(cb.mappable))  # a colorbar of a mappable that is not drawn
                    out = []
                    cmap_slot(cb.mappable, out)
                    todo.append(out)
        todo = [s for s in todo if s]
        n_cand = len(todo)
        # Legend keys follow their artists (not counted: the legend is not content).
        keys = []
        for fig in figs:
            legends = list(fig.legends)
            for ax in fig.axes:
                legends += [c for c in ax.get_children() if isinstance(c, _Legend)]
                if ax.get_legend() is not None and ax.get_legend() not in legends:
                    legends.append(ax.get_legend())
            for leg in legends:
                handles = getattr(leg, "legend_handles", None) or []
                keys += [hue_slots(h) for h in handles if h is not None]
        if shift > 0:
            for slots in todo + keys:
                for put in slots:
                    put()
            changed = n_cand

    elif _cp_kind in ("scale", "translate"):
        # scale: every size grows by (1 + 0.6 s). translate: pad the figure on the left and
        # top; every axes keeps its size in inches, so the content only moves on a larger canvas.
        n_cand = len(figs)
        for fig in figs if _cp_sev > 0 else ():
            w, h = fig.get_size_inches()
            if _cp_kind == "scale":
                fig.set_size_inches(w * (1 + 0.6 * _cp_sev), h * (1 + 0.6 * _cp_sev), forward=False)
            else:
                pw, ph = 0.6 * _cp_sev * w, 0.3 * _cp_sev * h
                fig.set_size_inches(w + pw, h + ph, forward=False)
                for ax in fig.axes:
                    bb = ax.get_position(original=True)
                    ax.set_position([(pw + bb.x0 * w) / (w + pw), bb.y0 * h / (h + ph),
                                     bb.width * w / (w + pw), bb.height * h / (h + ph)])
                for t in fig.texts:
                    x, y = t.get_position()
                    t.set_position(((pw + x * w) / (w + pw), y * h / (h + ph)))
            changed += 1
    else:
        raise ValueError(f"unknown corruption {_cp_kind!r}")

    extra.setdefault("artists", len(items))
    report = {"kind": _cp_kind, "candidates": n_cand, "changed": changed, **extra}
    print("CP_CORRUPT " + _json.dumps(report))

"""


def corrupt_program(code: str, kind: str, severity: float, seed: int = 0) -> str:
    """``code`` with the ``kind`` corruption at ``severity`` (0..1) appended.

    Severity 0 leaves every figure as it was (the snippet still runs and reports). Raises
    ``ValueError`` for an unknown ``kind`` or a severity outside 0..1.
    """
    if kind not in CORRUPTIONS:
        raise ValueError(f"unknown corruption {kind!r}; choose one of {', '.join(CORRUPTIONS)}")
    if not 0.0 <= severity <= 1.0:
        raise ValueError(f"severity must be within 0..1, got {severity}")
    call = f"_cp_corrupt({kind!r}, {float(severity)!r}, {int(seed)!r})\n"
    return code.rstrip("\n") + "\n" + _RUNTIME + call


@dataclass(frozen=True)
class CorruptionReport:
    kind: str
    candidates: int  # artists (or series, texts, figures) the corruption could act on
    changed: int  # how many it changed
    #: Further counts some corruptions report (``zorder``: ``pairs_flipped``; every one:
    #: ``artists``, the content artists of the figures).
    extra: dict[str, Any] = field(default_factory=dict)


def parse_report(stdout: str) -> CorruptionReport | None:
    """The snippet's ``CP_CORRUPT`` line from a run's stdout (``None`` when it did not print)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            try:
                d = json.loads(line[len(MARKER) :])
                rest = {k: v for k, v in d.items() if k not in ("kind", "candidates", "changed")}
                return CorruptionReport(
                    str(d["kind"]), int(d["candidates"]), int(d["changed"]), rest
                )
            except (ValueError, KeyError, TypeError):
                return None
    return None


# -- rendering-equivalent rewrites ------------------------------------------------------------


class _Renamer(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.mapping.get(node.id, node.id)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = self.mapping.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_Global(self, node: ast.Global) -> ast.Global:
        node.names = [self.mapping.get(n, n) for n in node.names]
        return node


def rename_variables(code: str, prefix: str = "v") -> str:
    """Rename every variable and function the program binds (``A`` -> ``v0_A`` ...).

    Imports, builtins and function parameters (which callers may pass by keyword) keep their
    names. The output is ``ast.unparse`` of the renamed tree, so comments are gone; what it
    draws is unchanged.
    """
    tree = ast.parse(code)
    bound: set[str] = set()
    params: set[str] = set()
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            params.add(node.arg)
        elif isinstance(node, ast.alias):
            imported.add((node.asname or node.name).split(".")[0])
    names = sorted(bound - params - imported - set(dir(builtins)))
    mapping = {n: f"{prefix}{i}_{n}" for i, n in enumerate(names)}
    return ast.unparse(_Renamer(mapping).visit(tree)) + "\n"


_FIGSIZE = re.compile(r"figsize\s*=\s*\(\s*([0-9.]+)\s*,\s*([0-9.]+)\s*\)")


def scale_figsize(code: str, factor: float = 1.25) -> str | None:
    """Every literal ``figsize=(w, h)`` scaled by ``factor`` (same aspect); ``None`` if none."""
    if not _FIGSIZE.search(code):
        return None

    def sub(m: re.Match[str]) -> str:
        w, h = float(m.group(1)) * factor, float(m.group(2)) * factor
        return f"figsize=({w:.4g}, {h:.4g})"

    return _FIGSIZE.sub(sub, code)
