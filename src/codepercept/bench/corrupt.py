"""Controlled corruptions and rendering-equivalent rewrites of matplotlib programs.

Corruptions act on the *program* — the thing a model writes — so that what is scored went
through the real sandbox, renderer and tracer. :func:`corrupt_program` appends a post-processing
snippet to the program; the snippet runs after the program's own ``plt.show()`` (the sandbox
captures figures that are still open when the program ends) and mutates the live figures'
artists with a seeded RNG.

Every corruption draws its random choices for *all* artists before looking at the severity, so
for one program and seed the corrupted set grows (or the perturbation grows) monotonically with
severity, and severity 0 changes nothing. The snippet prints one line
``CP_CORRUPT {"kind": ..., "candidates": n, "changed": k}`` to stdout so callers can tell a
corruption that did not apply (a pie chart has no series to swap) from one that did.

Rewrites (:func:`rename_variables`, :func:`scale_figsize`) are source-level transforms that must
not change what is drawn.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from dataclasses import dataclass

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
    "linestyle": (
        "change the line style of ceil(s n) of the n stroked artists (solid -> dashed -> dotted)",
        ("scene.style",),
    ),
    "zorder": (
        "reverse the stacking order of ceil(s n) of the n content artists of each axes",
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
    from matplotlib import colors as _mcolors, transforms as _mtr
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

    def content(fig):
        out = []
        for ax in fig.axes:
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

    def count(frac, n):
        return 0 if frac <= 0 or n == 0 else min(n, _math.ceil(frac * n - 1e-9))

    def ax_size_in(fig, ax):
        if ax is None:
            return fig.get_size_inches()
        bb = ax.get_position()
        w, h = fig.get_size_inches()
        return _np.array([bb.width * w, bb.height * h])

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
                if a.get_array() is not None:
                    a.update_scalarmappable()
                    fc, ec = a.get_facecolor(), a.get_edgecolor()
                    a.set_array(None)
                else:
                    fc, ec = a.get_facecolor(), a.get_edgecolor()
                if len(fc):
                    a.set_facecolor(mix(fc, target))
                if len(ec) and not (isinstance(ec, str)):
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
        n_cand = len(cand)
        for a, ls in cand[: count(_cp_sev, len(cand))]:
            a.set_linestyle(nxt[ls])
            changed += 1

    elif _cp_kind == "zorder":
        by_axes = {}
        for order, (fig, ax, a) in enumerate(items):
            by_axes.setdefault(id(ax) if ax is not None else id(fig), []).append((order, a))
        # Current stack: by zorder, then drawing order (children order within the axes).
        pos = {}
        for fig in figs:
            for ax in fig.axes:
                for i, ch in enumerate(ax.get_children()):
                    pos[id(ch)] = i
        for group in by_axes.values():
            stack = sorted((a for _, a in group), key=lambda a: (a.get_zorder(), pos.get(id(a), 0)))
            n = len(stack)
            chosen = [a for _, a in sorted(group, key=lambda t: t[0])][: count(_cp_sev, n)]
            if len(chosen) < 2:
                continue
            # Distinct zorders that keep the current stack, so reversing them is exact.
            exact = {id(a): a.get_zorder() + 1e-3 * i / max(n, 1) for i, a in enumerate(stack)}
            for a in stack:
                a.set_zorder(exact[id(a)])
            chosen.sort(key=lambda a: exact[id(a)])
            values = [exact[id(a)] for a in chosen]
            for a, z in zip(chosen, reversed(values)):
                a.set_zorder(z)
                changed += 1

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

    print("CP_CORRUPT " + _json.dumps({"kind": _cp_kind, "candidates": n_cand, "changed": changed}))

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


def parse_report(stdout: str) -> CorruptionReport | None:
    """The snippet's ``CP_CORRUPT`` line from a run's stdout (``None`` when it did not print)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            try:
                d = json.loads(line[len(MARKER) :])
                return CorruptionReport(str(d["kind"]), int(d["candidates"]), int(d["changed"]))
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
