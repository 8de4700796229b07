"""Build a :class:`~codepercept.scene.model.Scene` from live matplotlib figures.

The tracer walks each figure's *artist tree* after the figure has been rendered, so it sees every
artist however it was added (``plot``, ``add_patch``, ``add_collection``, ``add_artist``,
``fig.text``, ``annotate``, mplot3d collections …) — nothing is monkeypatched.

Contract of :func:`trace_figures`
---------------------------------
* Figures in the given order (default: open pyplot figures in creation order). For each figure:
  one :class:`FigureInfo`, one :class:`AxesInfo` per axes (``fig.axes`` order, inset axes after
  their parent), and one :class:`Element` per content artist.
* Element order is draw order: the figure-level artists (stable-sorted by zorder), then each axes'
  content artists stable-sorted by zorder, as ``Axes.draw`` does (mplot3d assigns depth-sorted
  zorders to its collections and patches while drawing, so the order after a draw is the painted
  order).
* Axes decorations (spines, axis lines, ticks, the background patch, titles, legends) are not
  elements; they are summarised in :class:`AxesInfo`. The root figure's suptitle is in
  :class:`FigureInfo`; legends are in ``AxesInfo.legend``. A colorbar is one element of kind
  ``colorbar`` (cmap, limits, label … in its props) instead of the artists that draw its bar.
* Geometry: ``data`` holds vertices in data coordinates (3D for mplot3d artists); it is ``None``
  for artists that live in figure/axes coordinates only. ``fig`` holds the same vertices in
  normalised figure coordinates. Both are samples: lists longer than :data:`MAX_POINTS` are
  decimated *before* any transform (first and last kept), collections keep items evenly spread
  over the whole collection; ``n_points`` and ``count`` are the true numbers. ``bbox`` is the
  extent of everything the element paints — all vertices, marker sizes, arrow heads, arcs of
  patches on polar axes, the area each image class paints (docs/scene.md gives each rule and
  its tolerance against matplotlib). Non-finite vertices are dropped, non-finite scalars become
  ``None``: the Scene always serialises with ``allow_nan=False``.
* Bounds: strings are cut to :data:`~codepercept.scene.model.MAX_STRING` characters and lists
  (elements, ticks, warnings, …) to :data:`~codepercept.scene.model.MAX_ITEMS` entries, so every
  traced scene passes the checks of ``Scene.from_dict`` (a program may draw anything).
* ``visible`` is ``get_visible()`` and alpha != 0 and the parent axes / subfigure visible, and
  the artist paints something (a line with neither linestyle nor marker, an empty string, a patch
  with no face, edge or hatch paint nothing). ``clipped_out`` is set when clipping is on and the
  element's figure bbox does not meet its clip box.
* The tracer never raises because of an artist: a failure while reading one artist yields an
  element of kind ``"other"`` and a line in ``Scene.warnings``.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import collections as mcoll
from matplotlib import colorbar as mcolorbar
from matplotlib import image as mimage
from matplotlib import lines as mlines
from matplotlib import patches as mpatches
from matplotlib import quiver as mquiver
from matplotlib import text as mtext
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure, FigureBase, SubFigure
from matplotlib.legend import Legend
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.spines import Spine
from matplotlib.transforms import Transform
from mpl_toolkits.mplot3d import art3d, proj3d

from codepercept.scene.model import (
    MAX_ITEMS,
    MAX_POINTS,
    MAX_STRING,
    AxesInfo,
    Element,
    FigureInfo,
    Scene,
)

log = logging.getLogger(__name__)

__all__ = ["trace_figures"]

#: At most this many distinct colours are listed in a collection's ``props["facecolors"]``.
MAX_COLORS = 16
#: At most this many per-item colours, evenly sampled, in a collection's ``props["item_colors"]``.
MAX_ITEM_COLORS = 64
#: Most points mapped one by one to find the extent of a long vertex list through a transform
#: that is not separable (polar axes, 3D projections); longer lists are evenly sampled first.
_MAX_EXTENT_POINTS = 1_000_000
#: Paths with more vertices than this are not curve-flattened (their raw vertices are used).
_MAX_FLATTEN_VERTICES = 4096
#: Samples per Bezier curve segment when flattening circles, ellipses, arcs, wedges.
_BEZIER_SAMPLES = np.linspace(0.0, 1.0, 9)
# Per curve order k (2: quadratic, 3: cubic): the binomial weights and the Bernstein basis at
# the samples, computed exactly as matplotlib's BezierSegment computes them.
_BINOMIAL = {k: [math.comb(k, i) for i in range(k + 1)] for k in (2, 3)}
_BERNSTEIN = {
    k: np.power.outer(1 - _BEZIER_SAMPLES, np.arange(k + 1)[::-1])
    * np.power.outer(_BEZIER_SAMPLES, np.arange(k + 1))
    for k in (2, 3)
}

_FillBetween = getattr(mcoll, "FillBetweenPolyCollection", None)


# ------------------------------------------------------------------------------------------------
# public entry point
# ------------------------------------------------------------------------------------------------
def trace_figures(figures: Sequence[Figure] | None = None) -> Scene:
    """Trace ``figures`` (default: every open pyplot figure, in creation order) into a Scene.

    Figures are expected to have been drawn already (e.g. saved to PNG); a figure whose canvas
    has never been drawn is drawn once here, so tick labels, layouts and 3D projections are
    final. Never raises because of an unusual artist (see the module docstring).
    """
    if figures is None:
        import matplotlib.pyplot as plt

        figures = [plt.figure(num) for num in plt.get_fignums()]
    scene = Scene()
    for index, figure in enumerate(figures):
        try:
            _FigureTracer(scene, figure, index).run()
        except Exception as exc:  # a broken figure must not lose the others
            log.warning("could not trace figure %d", index, exc_info=True)
            scene.warnings.append(f"figure {index}: {type(exc).__name__}: {exc}")
    _bound(scene)
    return scene


def _cut(s: str) -> str:
    return s if len(s) <= MAX_STRING else s[:MAX_STRING]


def _bound(scene: Scene) -> None:
    """Cut every string to MAX_STRING characters and every list to MAX_ITEMS entries (the
    bounds ``Scene.from_dict`` enforces on what crosses the sandbox); a no-op on usual figures."""
    for f in scene.figures:
        f.suptitle = _cut(f.suptitle)
        f.legend = [_cut(t) for t in f.legend[:MAX_ITEMS]]
    for a in scene.axes:
        for name in ("xlabel", "ylabel", "zlabel", "title", "xscale", "yscale"):
            setattr(a, name, _cut(getattr(a, name)))
        if isinstance(a.aspect, str):
            a.aspect = _cut(a.aspect)
        for name in ("xticklabels", "yticklabels", "zticklabels", "legend"):
            setattr(a, name, [_cut(t) for t in getattr(a, name)[:MAX_ITEMS]])
        for name in ("xticks", "yticks", "zticks"):
            setattr(a, name, getattr(a, name)[:MAX_ITEMS])
    for e in scene.elements:
        e.cls = _cut(e.cls)
        for name in ("text", "label", "marker", "hatch", "linestyle"):
            v = getattr(e, name)
            if v is not None and len(v) > MAX_STRING:
                setattr(e, name, v[:MAX_STRING])
    scene.warnings = [_cut(w) for w in scene.warnings[:MAX_ITEMS]]


# ------------------------------------------------------------------------------------------------
# small conversions
# ------------------------------------------------------------------------------------------------
def _num(x: Any) -> float | None:
    """A finite float, or None."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _rgba(c: Any, alpha: float | None = None) -> list[float] | None:
    """RGBA floats, or None for 'none' / fully transparent / unreadable colours."""
    if c is None:
        return None
    if isinstance(c, str) and c.lower() == "none":
        return None
    try:
        arr = np.asarray(c, dtype=float) if not isinstance(c, str) else None
        if arr is not None and arr.ndim == 2:
            if len(arr) == 0:
                return None
            c = arr[0]
        rgba = to_rgba(c, alpha)
    except (TypeError, ValueError):
        return None
    if rgba[3] == 0:
        return None
    return [round(float(v), 4) for v in rgba]


def _clean(obj: Any) -> Any:
    """Make ``obj`` JSON-safe: numpy to Python, tuples to lists, non-finite floats to None."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _num(obj)
    if obj is None:
        return obj
    return _cut(obj if isinstance(obj, str) else str(obj))


def _label(artist: Artist) -> str | None:
    lab = artist.get_label()
    if isinstance(lab, str) and lab and not lab.startswith("_"):
        return lab
    return None


def _decimate_index(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    """At most ``limit`` evenly spread indices into ``range(n)``, first and last included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.intp))


def _as_float_2d(xy: Any, width: int) -> np.ndarray:
    if type(xy) is np.ndarray:  # the usual case, without the masked-array round trip
        if xy.size == 0:
            return np.zeros((0, width))
        return xy.astype(float, copy=False).reshape(-1, width)
    arr = np.ma.asarray(xy)
    if np.ma.isMaskedArray(arr) and arr.mask is not np.ma.nomask:
        arr = arr.astype(float).filled(np.nan)
    arr = np.asarray(arr, dtype=float)
    if arr.size == 0:
        return np.zeros((0, width))
    return arr.reshape(-1, width)


# ------------------------------------------------------------------------------------------------
# linestyles
# ------------------------------------------------------------------------------------------------
_LS_NAMES = {
    "-": "solid",
    "solid": "solid",
    "--": "dashed",
    "dashed": "dashed",
    ":": "dotted",
    "dotted": "dotted",
    "-.": "dashdot",
    "dashdot": "dashdot",
    "None": "none",
    "none": "none",
    " ": "none",
    "": "none",
}


def _classify_dashes(pattern: Any) -> str:
    """Name an *unscaled* ``(offset, dashes)`` pattern: solid/dashed/dotted/dashdot/custom."""
    try:
        _offset, seq = pattern
    except (TypeError, ValueError):
        return "custom"
    if seq is None:
        return "solid"
    seq = [float(s) for s in seq]
    if not seq or sum(seq) <= 0:
        return "solid"
    for name in ("dashed", "dotted", "dashdot"):
        ref = [float(s) for s in mpl.rcParams[f"lines.{name}_pattern"]]
        if len(ref) == len(seq) and np.allclose(ref, seq):
            return name
    if len(seq) == 2:
        on, off = seq
        return "dotted" if on <= 1.5 or on <= 0.5 * off else "dashed"
    if len(seq) == 4 and seq[2] < seq[0]:
        return "dashdot"
    return "custom"


def _linestyle(value: Any, unscaled: Any = None) -> str | None:
    """Normalise a matplotlib linestyle value (plus its unscaled dash pattern, if known)."""
    if isinstance(value, str) and _LS_NAMES.get(value) == "none":
        return "none"
    if unscaled is not None:
        return _classify_dashes(unscaled)
    if isinstance(value, str):
        return _LS_NAMES.get(value, "custom")
    if isinstance(value, tuple) and len(value) == 2:
        return _classify_dashes(value)
    return None


# ------------------------------------------------------------------------------------------------
# paths
# ------------------------------------------------------------------------------------------------
def _path_vertices(path: Path) -> np.ndarray:
    """The drawn outline of ``path`` as an ``(n, 2)`` array.

    Curves are flattened (so a circle gives points on the circle, not Bezier control points) and
    each CLOSEPOLY becomes its subpath's first vertex, so closed shapes are closed rings.
    """
    verts = np.asarray(path.vertices, dtype=float)
    codes = path.codes
    if codes is None or len(verts) == 0:
        return verts
    codes = np.asarray(codes)
    curved = np.isin(codes, (Path.CURVE3, Path.CURVE4)).any()
    if curved and len(verts) <= _MAX_FLATTEN_VERTICES:
        return _flatten(path)
    keep = codes != Path.STOP
    closes = np.nonzero(codes == Path.CLOSEPOLY)[0]
    if len(closes):
        verts = verts.copy()
        starts = np.nonzero(codes == Path.MOVETO)[0]
        if len(starts) == 0:
            starts = np.array([0])
        pos = np.searchsorted(starts, closes, side="right") - 1
        verts[closes] = verts[starts[np.maximum(pos, 0)]]
    return verts[keep]


def _flatten(path: Path) -> np.ndarray:
    """The vertices ``path.iter_bezier(simplify=False)`` walks, each curve sampled at
    :data:`_BEZIER_SAMPLES`: a MOVETO or LINETO gives its vertex, a CLOSEPOLY its subpath's
    first vertex, a curve its samples after the start. The same segments and the same
    arithmetic as matplotlib's ``BezierSegment`` (so the same floats), without building one
    object per segment (which was half the cost of tracing a patch)."""
    cleaned = path.cleaned(remove_nans=True, simplify=False, curves=True)  # as iter_segments
    verts, codes = cleaned.vertices, cleaned.codes
    out: list[np.ndarray] = []
    first: np.ndarray | None = None
    prev = None
    i, n = 0, len(codes)
    while i < n:
        code = codes[i]
        if code == Path.STOP:
            break
        if first is None and code != Path.MOVETO:
            raise ValueError("Malformed path, must start with MOVETO.")
        if code == Path.MOVETO or code == Path.LINETO:
            out.append(verts[i : i + 1])
            if code == Path.MOVETO:
                first = verts[i]
            prev, i = verts[i], i + 1
        elif code == Path.CLOSEPOLY:
            assert first is not None
            out.append(first[None, :])
            prev, i = verts[i], i + 1
        else:  # CURVE3 or CURVE4: 2 or 3 more control points after the current vertex
            k = 2 if code == Path.CURVE3 else 3
            ctrl = np.concatenate([[prev], verts[i : i + k]])
            weighted = (ctrl.T * _BINOMIAL[k]).T
            out.append((_BERNSTEIN[k] @ weighted)[1:])
            prev, i = verts[i + k - 1], i + k
    return np.concatenate(out) if out else np.zeros((0, 2))


def _path_extents(path: Path) -> np.ndarray | None:
    """``[x0, y0, x1, y1]`` of what ``path`` draws — what ``Path.get_extents`` computes (its
    MOVETO/LINETO vertices, each Bezier segment's end point and its axis-aligned extrema), with
    every segment of a kind solved at once instead of one Python object per segment (a polar
    bar's arcs cost ~1 ms that way). None if nothing finite is drawn."""
    cleaned = path.cleaned(remove_nans=True, simplify=False, curves=True)
    v, codes = np.asarray(cleaned.vertices, dtype=float), cleaned.codes
    if codes is None:
        pts = [v]
    else:
        codes = np.asarray(codes)
        pts = [v[(codes == Path.MOVETO) | (codes == Path.LINETO)]]
        for code, k in ((Path.CURVE3, 2), (Path.CURVE4, 3)):
            idx = np.nonzero(codes == code)[0]
            idx = idx[idx > 0]
            if len(idx) == 0:
                continue
            # a run of curve codes holds k vertices per segment: each segment starts every k-th
            run_start = np.concatenate([[True], np.diff(idx) != 1])
            first = np.maximum.accumulate(np.where(run_start, np.arange(len(idx)), 0))
            starts = idx[(np.arange(len(idx)) - first) % k == 0]
            starts = starts[starts + k - 1 < len(v)]
            ctrl = [v[starts - 1]] + [v[starts + j] for j in range(k)]
            pts.append(ctrl[-1])
            pts.append(_bezier_extrema(ctrl))
    allv = np.concatenate(pts) if pts else np.zeros((0, 2))
    allv = allv[np.isfinite(allv).all(axis=1)]
    if len(allv) == 0:
        return None
    lo, hi = _column_extremes(allv)
    return np.concatenate([lo, hi])


def _bezier_extrema(ctrl: list[np.ndarray]) -> np.ndarray:
    """Points where quadratic (3 control arrays) or cubic (4) Bezier segments reach an
    axis-aligned extremum inside (0, 1): the roots of the derivative, per axis."""
    with np.errstate(all="ignore"):
        if len(ctrl) == 3:  # B'(t) / 2 = (P1 - P0) + t (P0 - 2 P1 + P2)
            p0, p1, p2 = ctrl
            t = ((p0 - p1) / (p0 - 2 * p1 + p2))[..., None]  # (m, 2 axes, 1 root)
        else:  # B'(t) / 3 = a t^2 + b t + c
            p0, p1, p2, p3 = ctrl
            a, b, c = -p0 + 3 * p1 - 3 * p2 + p3, 2 * (p0 - 2 * p1 + p2), p1 - p0
            sq = np.sqrt(b * b - 4 * a * c)
            linear = np.abs(a) < 1e-12 * (np.abs(b) + np.abs(c) + 1e-300)
            t = np.stack([np.where(linear, -c / b, (-b + sq) / (2 * a)),
                          np.where(linear, np.nan, (-b - sq) / (2 * a))], axis=-1)  # fmt: skip
        t = np.where((t > 0) & (t < 1), t, np.nan).reshape(len(t), -1)  # (m, roots)
        u = 1 - t
        if len(ctrl) == 3:
            w = [u * u, 2 * u * t, t * t]
        else:
            w = [u**3, 3 * u * u * t, 3 * u * t * t, t**3]
        pts = sum(wk[..., None] * pk[:, None, :] for wk, pk in zip(w, ctrl, strict=True))
    return np.asarray(pts).reshape(-1, 2)


# ------------------------------------------------------------------------------------------------
# per-figure tracing
# ------------------------------------------------------------------------------------------------
class _FigureTracer:
    """Traces one figure into ``scene`` (figure info, axes info, elements, warnings)."""

    def __init__(self, scene: Scene, figure: Figure, index: int) -> None:
        self.scene = scene
        self.figure = figure
        self.index = index
        self.renderer = _renderer_after_draw(figure)
        self.wh = np.array([float(figure.bbox.width), float(figure.bbox.height)])
        self.wh[self.wh <= 0] = 1.0
        self.element_of: dict[int, int] = {}  # id(artist) -> its index in scene.elements
        self.colorbars: list[tuple[Element, Any]] = []  # colorbar elements and their mappables
        self.clip_extents: dict[int, np.ndarray] = {}  # id(clip path) -> its display extents

    # -- walking ---------------------------------------------------------------------------------
    def run(self) -> None:
        fig = self.figure
        w, h = fig.get_size_inches()
        suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
        self.scene.figures.append(
            FigureInfo(
                index=self.index,
                width_in=_num(w) or 0.0,
                height_in=_num(h) or 0.0,
                dpi=_num(fig.dpi) or 0.0,
                facecolor=_rgba(fig.get_facecolor()),
                suptitle=suptitle,
                legend=[t for lg in getattr(fig, "legends", []) for t in _legend_texts(lg)],
            )
        )
        for artist, visible in self._figure_level_artists(fig, True):
            self._add_element(artist, None, None, visible)
        seen: set[int] = set()
        for ax in self._all_axes(fig):
            if id(ax) in seen:
                continue
            seen.add(id(ax))
            self._trace_axes(ax)
        for el, mappable in self.colorbars:  # mappables may be traced after their colorbar
            index = self.element_of.get(id(mappable))
            if index is not None:
                el.props["mappable"] = index

    def _figure_level_artists(
        self, container: FigureBase, parent_visible: bool
    ) -> Iterable[tuple[Artist, bool]]:
        """Content artists owned by a figure/subfigure (not axes), stable-sorted by zorder."""
        skip = {id(container.patch), id(getattr(self.figure, "_suptitle", None))}
        own: list[Artist] = []
        subfigs: list[SubFigure] = []
        for child in container.get_children():
            if id(child) in skip or isinstance(child, (Axes, Legend)):
                continue
            if isinstance(child, SubFigure):
                subfigs.append(child)
                continue
            own.append(child)
        for artist in sorted(own, key=_zorder):
            yield artist, parent_visible
        for sub in subfigs:
            yield from self._figure_level_artists(sub, parent_visible and sub.get_visible())

    def _all_axes(self, container: FigureBase) -> Iterable[Axes]:
        for ax in container.axes:
            yield ax
            yield from self._child_axes(ax)
        for sub in getattr(container, "subfigs", []):
            yield from self._all_axes(sub)

    def _child_axes(self, ax: Axes) -> Iterable[Axes]:
        for child in getattr(ax, "child_axes", []):
            yield child
            yield from self._child_axes(child)

    def _trace_axes(self, ax: Axes) -> None:
        ax_index = len(self.scene.axes)
        try:
            info = self._axes_info(ax, ax_index)
        except Exception as exc:
            log.warning("could not read axes %d", ax_index, exc_info=True)
            self.scene.warnings.append(
                f"figure {self.index} axes {ax_index}: {type(exc).__name__}: {exc}"
            )
            info = AxesInfo(index=ax_index, figure=self.index)
        self.scene.axes.append(info)
        visible = _tree_visible(ax)
        colorbar = _colorbar_of(ax)
        owned: set[int] = set()
        if colorbar is not None:  # one element for the bar, not its 256-cell mesh
            owned = _colorbar_artists(colorbar)
            self._add_colorbar(colorbar, ax_index, visible)
        for artist in sorted(_axes_content(ax), key=_zorder):
            if id(artist) not in owned:
                self._add_element(artist, ax, ax_index, visible)

    # -- axes info -------------------------------------------------------------------------------
    def _axes_info(self, ax: Axes, ax_index: int) -> AxesInfo:
        is3d = getattr(ax, "name", "") == "3d"
        info = AxesInfo(index=ax_index, figure=self.index, is3d=is3d)
        info.bbox = self._bbox_of(np.asarray(ax.bbox.extents, dtype=float))
        info.xlim = _limits(ax.get_xlim())
        info.ylim = _limits(ax.get_ylim())
        info.xscale = str(ax.get_xscale())
        info.yscale = str(ax.get_yscale())
        aspect = ax.get_aspect()
        info.aspect = aspect if isinstance(aspect, str) else (_num(aspect) or "auto")
        info.axis_on = bool(getattr(ax, "_axis3don" if is3d else "axison", True))
        info.xticks, info.xticklabels, xgrid = _major_ticks(ax.xaxis)
        info.yticks, info.yticklabels, ygrid = _major_ticks(ax.yaxis)
        info.grid = xgrid or ygrid
        info.xlabel = ax.get_xlabel()
        info.ylabel = ax.get_ylabel()
        titles = [ax.get_title(loc) for loc in ("left", "center", "right")]
        info.title = " | ".join(t for t in titles if t)
        info.legend = [t for leg in _legends(ax) for t in _legend_texts(leg)]
        info.facecolor = _rgba(ax.get_facecolor())
        if is3d:
            info.zlim = _limits(ax.get_zlim())
            info.zticks, info.zticklabels, _ = _major_ticks(ax.zaxis)
            info.zlabel = ax.get_zlabel()
            info.grid = bool(getattr(ax, "_draw_grid", info.grid))
            info.elev = _num(getattr(ax, "elev", None))
            info.azim = _num(getattr(ax, "azim", None))
            info.roll = _num(getattr(ax, "roll", None))
        return info

    # -- elements --------------------------------------------------------------------------------
    def _add_element(
        self, artist: Artist, ax: Axes | None, ax_index: int | None, parent_visible: bool
    ) -> None:
        if len(self.scene.elements) >= MAX_ITEMS:
            if not self.scene.warnings or not self.scene.warnings[-1].startswith("more than"):
                self.scene.warnings.append(f"more than {MAX_ITEMS} elements; the rest are left out")
            return
        try:
            el = self._element(artist, ax, ax_index)
            el.visible = bool(el.visible and parent_visible and _artist_visible(artist))
            if el.clipped_out is False:
                el.clipped_out = self._is_clipped_out(artist, el.bbox)
            el.props = _clean(el.props)
        except Exception as exc:
            cls = type(artist).__name__
            log.debug("could not read %s", cls, exc_info=True)
            where = f"figure {self.index}" + (f" axes {ax_index}" if ax_index is not None else "")
            self.scene.warnings.append(f"{where}: {cls}: {type(exc).__name__}: {exc}")
            el = Element(kind="other", cls=cls, figure=self.index, axes=ax_index)
            try:
                el.zorder = _num(artist.get_zorder()) or 0.0
                el.visible = bool(parent_visible and _artist_visible(artist))
            except Exception:
                el.visible = False
        self.element_of[id(artist)] = len(self.scene.elements)
        self.scene.elements.append(el)

    def _add_colorbar(self, cb: Any, ax_index: int, parent_visible: bool) -> None:
        if len(self.scene.elements) >= MAX_ITEMS:
            return
        try:
            el = _colorbar_element(self, cb, ax_index)
            el.visible = bool(el.visible and parent_visible)
            el.props = _clean(el.props)
        except Exception as exc:
            log.debug("could not read a colorbar", exc_info=True)
            self.scene.warnings.append(
                f"figure {self.index} axes {ax_index}: Colorbar: {type(exc).__name__}: {exc}"
            )
            el = Element(kind="colorbar", cls=type(cb).__name__, figure=self.index, axes=ax_index)
            el.visible = parent_visible
        self.scene.elements.append(el)
        self.colorbars.append((el, getattr(cb, "mappable", None)))

    def _element(self, artist: Artist, ax: Axes | None, ax_index: int | None) -> Element:
        el = Element(kind="other", cls=type(artist).__name__, figure=self.index, axes=ax_index)
        el.zorder = _num(artist.get_zorder()) or 0.0
        el.alpha = _num(artist.get_alpha())
        el.label = _label(artist)
        handler = _handler_for(artist)
        handler(self, artist, ax, el)
        return el

    # geometry helpers -------------------------------------------------------------------------
    def _bbox_of(self, extents: np.ndarray) -> list[float] | None:
        """Display-pixel ``[x0, y0, x1, y1]`` to normalised figure coords (None if not finite)."""
        e = np.asarray(extents, dtype=float).reshape(4)
        if not np.isfinite(e).all():
            return None
        e = e / np.concatenate([self.wh, self.wh])
        return [round(float(v), 6) for v in e]

    def _set_display(self, el: Element, disp: np.ndarray, data: np.ndarray | None) -> None:
        """Store display vertices (and matching data vertices), dropping non-finite rows."""
        fig = np.asarray(disp, dtype=float).reshape(-1, 2) / self.wh
        ok = np.isfinite(fig).all(axis=1)
        if data is not None:
            ok &= np.isfinite(data).all(axis=1)
            el.data = data[ok].tolist()
        fig = np.round(fig[ok], 6)
        el.fig = fig.tolist()
        if len(fig):
            el.bbox = [*(fig.min(axis=0).tolist()), *(fig.max(axis=0).tolist())]

    def _set_geometry(
        self,
        el: Element,
        xy: Any,
        transform: Transform,
        ax: Axes | None,
        n_total: int | None = None,
    ) -> None:
        """Geometry of 2D vertices ``xy`` given in ``transform``'s input coordinates.

        ``xy`` may be the full vertex list (decimated here) or an already decimated selection
        with ``n_total`` the true count. Data vertices are exact when ``transform`` is the axes'
        data transform, derived through it when only partly data (``axhline``), else None.
        """
        arr = _as_float_2d(xy, 2)
        n_full = len(arr)
        el.n_points = n_full if n_total is None else n_total
        sel = arr[_decimate_index(n_full)] if n_full > MAX_POINTS else arr
        disp = transform.transform(sel) if len(sel) else np.zeros((0, 2))
        data: np.ndarray | None = None
        if ax is not None and len(sel):
            if transform == ax.transData:
                data = sel
            elif any(_contains_branch_separately(transform, ax.transData)):
                with np.errstate(all="ignore"):
                    data = ax.transData.inverted().transform(disp)
        self._set_display(el, disp, data)
        if n_full > MAX_POINTS:
            # The decimated vertices may miss the extremes: take the bbox of all of them.
            ext = _display_extent(arr, transform)
            if ext is not None:
                el.bbox = self._bbox_of(ext)

    def _set_geometry3d(self, el: Element, xyz: Any, ax: Axes, n_total: int | None = None) -> None:
        """Geometry of 3D data vertices, projected with the axes' current view."""
        arr = _as_float_2d(xyz, 3)
        el.n_points = len(arr) if n_total is None else n_total
        sel = arr[_decimate_index(len(arr))] if len(arr) > MAX_POINTS else arr
        if len(sel) == 0:
            el.data, el.fig = [], []
            return
        self._set_display(el, _project3d(ax, sel), sel)
        if len(arr) > MAX_POINTS:  # the bbox of every vertex, not of the sample
            self._set_bbox3d(el, arr, ax)

    def _set_bbox3d(self, el: Element, xyz: np.ndarray, ax: Axes) -> None:
        """``el.bbox`` from 3D data points ``xyz`` (``(n, 3)``, all of them, at most
        :data:`_MAX_EXTENT_POINTS` evenly spread) projected with the axes' view."""
        if len(xyz) > _MAX_EXTENT_POINTS:
            xyz = xyz[_decimate_index(len(xyz), _MAX_EXTENT_POINTS)]
        if len(xyz) == 0:
            return
        lo, hi = _column_extremes(_project3d(ax, xyz))
        if np.isfinite(lo).all() and np.isfinite(hi).all():
            el.bbox = self._bbox_of(np.concatenate([lo, hi]))

    def _set_items_geometry(
        self,
        el: Element,
        items: Sequence[Any],
        width: int,
        to_display: Callable[[np.ndarray], np.ndarray],
        data_is_exact: bool,
        ax: Axes | None,
    ) -> None:
        """Geometry of a list of vertex arrays (polygons, segments, faces): items sampled evenly
        across the whole list within MAX_POINTS vertices (:func:`_sample_items`).
        ``props["item_sizes"]`` tells how to split ``data``/``fig`` back into items; when it is
        shorter than the list, the items kept are ``_decimate_index(len(items), len(sizes))``
        (the ``count`` of every caller is ``len(items)``). ``n_points`` is the true total. The
        bbox is left to the caller (it covers every item)."""
        sizes_all = np.fromiter(map(len, items), dtype=np.intp, count=len(items))
        el.n_points = int(sizes_all.sum())
        chosen, quota = _sample_items(sizes_all, MAX_POINTS)
        chunks: list[np.ndarray] = []
        sizes: list[int] = []
        for i, q in zip(chosen.tolist(), quota.tolist(), strict=True):
            a = _as_float_2d(items[i], width)
            if len(a) > q:
                a = a[_decimate_index(len(a), q)]
            a = a[np.isfinite(a).all(axis=1)]
            chunks.append(a)
            sizes.append(len(a))
        sel = np.concatenate(chunks) if chunks else np.zeros((0, width))
        disp = to_display(sel) if len(sel) else np.zeros((0, 2))
        data: np.ndarray | None = None
        if len(sel) and data_is_exact:
            data = sel
        elif len(sel) and ax is not None and width == 2:
            with np.errstate(all="ignore"):
                data = ax.transData.inverted().transform(disp)
        fig = np.asarray(disp, dtype=float).reshape(-1, 2) / self.wh
        ok = np.isfinite(fig).all(axis=1)
        if data is not None:
            ok &= np.isfinite(data).all(axis=1)
        if not ok.all():  # keep item_sizes consistent with the rows kept
            owner = np.repeat(np.arange(len(sizes)), sizes)
            sizes = np.bincount(owner[ok], minlength=len(sizes)).tolist()
        self._set_display(el, disp, data)
        el.props["item_sizes"] = sizes

    def _pad_bbox(self, el: Element, px: float) -> None:
        """Grow ``el.bbox`` by ``px`` display pixels on every side."""
        if el.bbox is None or not px > 0:
            return
        dx, dy = (px / self.wh).tolist()
        x0, y0, x1, y1 = el.bbox
        el.bbox = [round(x0 - dx, 6), round(y0 - dy, 6), round(x1 + dx, 6), round(y1 + dy, 6)]

    def _set_collection_bbox(self, el: Element, c: mcoll.Collection) -> None:
        """``el.bbox`` from everything ``c`` paints (:func:`_collection_extent`); the sampled
        vertices' bbox stays when the extent cannot be read."""
        try:
            ext = _collection_extent(c)
        except Exception:
            log.debug("no extent for %s", type(c).__name__, exc_info=True)
            return
        if ext is not None:
            el.bbox = self._bbox_of(ext)

    def _text_extent(self, text: mtext.Text) -> list[float] | None:
        if not text.get_text():
            return None
        bb = text.get_window_extent(self.renderer)
        return self._bbox_of(bb.extents)

    # clipping ----------------------------------------------------------------------------------
    def _is_clipped_out(self, artist: Artist, bbox: list[float] | None) -> bool:
        if bbox is None or not artist.get_clip_on():
            return False
        regions: list[np.ndarray] = []
        clip_box = artist.get_clip_box()
        if clip_box is not None:
            regions.append(np.asarray(clip_box.extents, dtype=float))
        clip_path = artist.get_clip_path()
        if clip_path is not None:
            # Every artist of an axes shares its clip path (a polar axes' circle: 36 Bezier
            # segments, slow to bound): bound each once per trace.
            extents = self.clip_extents.get(id(clip_path))
            if extents is None:
                path, affine = clip_path.get_transformed_path_and_affine()
                extents = _path_extents(affine.transform_path(path))
                if extents is None:
                    extents = np.full(4, np.nan)
                self.clip_extents[id(clip_path)] = extents
            regions.append(extents)
        eps = 1e-9
        for region in regions:
            r = self._bbox_of(region)
            if r is None:
                continue
            if (
                bbox[0] > r[2] + eps
                or bbox[2] < r[0] - eps
                or bbox[1] > r[3] + eps
                or bbox[3] < r[1] - eps
            ):
                return True
        return False


# ------------------------------------------------------------------------------------------------
# rendering state, axes helpers
# ------------------------------------------------------------------------------------------------
def _renderer_after_draw(figure: Figure) -> Any:
    """The canvas renderer, drawing the figure once first if it has never been drawn."""
    canvas = figure.canvas
    if hasattr(canvas, "get_renderer"):
        if getattr(canvas, "renderer", None) is None:
            log.debug("figure was never drawn; drawing it once before tracing")
            canvas.draw()
        return canvas.get_renderer()
    figure.draw_without_rendering()
    return figure._get_renderer()


def _zorder(artist: Artist) -> float:
    try:
        return float(artist.get_zorder())
    except Exception:
        return 0.0


def _tree_visible(artist: Artist) -> bool:
    """The artist and every figure/subfigure above it are visible."""
    node: Any = artist
    while node is not None:
        if not node.get_visible():
            return False
        if isinstance(node, SubFigure):
            node = getattr(node, "_parent", None)
        elif isinstance(node, Axes):
            node = node.figure  # the axes' (sub)figure
        else:
            node = None
    return True


def _artist_visible(artist: Artist) -> bool:
    if not artist.get_visible():
        return False
    alpha = artist.get_alpha()
    try:
        return alpha is None or float(np.max(alpha)) != 0.0
    except (TypeError, ValueError):
        return True


def _axes_content(ax: Axes) -> list[Artist]:
    """The axes' content artists (no spines, axis, titles, legends, background, child axes)."""
    decor: set[int] = {id(ax.patch)}
    decor.update(id(s) for s in ax.spines.values())
    for name in ("title", "_left_title", "_right_title"):
        if getattr(ax, name, None) is not None:
            decor.add(id(getattr(ax, name)))
    out = []
    for child in ax.get_children():
        if id(child) in decor or isinstance(child, (Axis, Spine, Legend, Axes)):
            continue
        out.append(child)
    return out


def _legends(ax: Axes) -> list[Legend]:
    found = [c for c in ax.get_children() if isinstance(c, Legend)]
    main = ax.get_legend()
    if main is not None and all(main is not f for f in found):
        found.append(main)
    return found


def _legend_texts(legend: Legend) -> list[str]:
    if not legend.get_visible():
        return []
    texts = []
    title = legend.get_title().get_text()
    if title:
        texts.append(title)
    texts += [t.get_text() for t in legend.get_texts() if t.get_visible()]
    return texts


def _limits(lim: Sequence[Any]) -> list[float] | None:
    vals = [_num(v) for v in lim]
    return None if any(v is None for v in vals) else vals  # type: ignore[return-value]


def _major_ticks(axis: Axis) -> tuple[list[float], list[str], bool]:
    """Major tick locations within the view, their labels as displayed, and grid on/off.

    Read from the axis' locator and formatter (what ``Axis._update_ticks`` draws) rather than
    from Tick objects, which matplotlib creates lazily and expensively.
    """
    if not axis.get_visible():
        return [], [], False
    kw = getattr(axis, "_major_tick_kw", {})
    grid = bool(kw.get("gridOn", False))
    try:
        locs = np.asarray(axis.major.locator(), dtype=float)
        lo, hi = sorted(float(v) for v in axis.get_view_interval())
        tol = 1e-10 * max(abs(lo), abs(hi), 1e-300) + 1e-12 * (hi - lo)
        keep = [i for i, v in enumerate(locs) if lo - tol <= v <= hi + tol and np.isfinite(v)]
        all_labels = axis.major.formatter.format_ticks(locs)
    except Exception:
        log.debug("tick locator/formatter failed; using the public tick API", exc_info=True)
        locs = np.asarray(axis.get_majorticklocs(), dtype=float)
        lo, hi = sorted(axis.get_view_interval())
        keep = [i for i, v in enumerate(locs) if lo <= v <= hi and np.isfinite(v)]
        all_labels = [t.get_text() for t in axis.get_majorticklabels()]
        all_labels += [""] * (len(locs) - len(all_labels))
    shown = bool(kw.get("label1On", True) or kw.get("label2On", False))
    locs_out = [float(locs[i]) for i in keep]
    labels = [str(all_labels[i]) if shown else "" for i in keep]
    return locs_out, labels, grid


def _column_extremes(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column NaN-ignoring min and max without copying (column reductions are much faster
    than ``axis=0`` ones; the NaN-skipping fmin/fmax only run when a NaN is present)."""
    lo, hi = [], []
    with np.errstate(all="ignore"):
        for k in range(arr.shape[1]):
            col = arr[:, k]
            mn, mx = col.min(), col.max()
            if np.isnan(mn) or np.isnan(mx):
                mn, mx = np.fmin.reduce(col), np.fmax.reduce(col)
            lo.append(mn)
            hi.append(mx)
    return np.array(lo, dtype=float), np.array(hi, dtype=float)


def _display_extent(arr: np.ndarray, transform: Transform) -> np.ndarray | None:
    """Display ``[x0, y0, x1, y1]`` of every finite point of ``arr`` (``(n, 2)``) through
    ``transform``; None if none is finite. A separable transform is monotonic along each axis
    (every matplotlib scale is), so the per-column extremes suffice; any other (polar) maps all
    the points, at most :data:`_MAX_EXTENT_POINTS` of them evenly spread."""
    if transform.is_separable:
        lo, hi = _column_extremes(arr)
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            return None
        with np.errstate(all="ignore"):
            pts = transform.transform(np.array([lo, hi]))
    else:
        if len(arr) > _MAX_EXTENT_POINTS:
            arr = arr[_decimate_index(len(arr), _MAX_EXTENT_POINTS)]
        with np.errstate(all="ignore"):
            pts = transform.transform(arr)
    lo, hi = _column_extremes(pts)
    ext = np.concatenate([lo, hi])
    return ext if np.isfinite(ext).all() else None


def _sample_items(sizes: np.ndarray, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """Which items of a collection to keep, and how many vertices of each, within ``budget``
    vertices: every item whole if they fit; else items ``_decimate_index(n, k)``, evenly spread
    over the collection (first and last included, ``k`` about ``budget / min(mean size, 8)``),
    with vertex quotas in proportion to their sizes (each keeps at least its first and last
    vertex). A reader finds the kept items again from ``n`` and ``k`` alone."""
    n = len(sizes)
    if n == 0 or int(sizes.sum()) <= budget:
        return np.arange(n), sizes
    per_item = min(max(math.ceil(float(sizes.mean())), 2), 8)
    chosen = _decimate_index(n, max(budget // per_item, 1))
    s = sizes[chosen]
    if int(s.sum()) <= budget:
        return chosen, s
    base = np.minimum(s, 2)
    extra = s - base
    spare = budget - int(base.sum())
    quota = base + (extra * spare) // max(int(extra.sum()), 1)
    return chosen, np.minimum(quota, s)


def _paths_extents(paths: Sequence[Path]) -> np.ndarray:
    """``(len(paths), 4)`` extents ``[x0, y0, x1, y1]`` of each path's vertices (NaN rows for
    empty paths). STOP and CLOSEPOLY vertices are left out (they are not drawn); curve control
    points are kept, and bound the curve (the exact extreme for circles and ellipses)."""
    if len(paths) == 1:
        v = np.asarray(paths[0].vertices, dtype=float)
        codes = paths[0].codes
        if codes is not None and len(v):
            v = v[(codes != Path.STOP) & (codes != Path.CLOSEPOLY)]
        if len(v) == 0:
            return np.full((1, 4), np.nan)
        lo, hi = _column_extremes(v)
        return np.concatenate([lo, hi])[None, :]
    verts = [p.vertices for p in paths]
    lengths = np.fromiter(map(len, verts), dtype=np.intp, count=len(verts))
    out = np.full((len(paths), 4), np.nan)
    nonempty = lengths > 0
    if not nonempty.any():
        return out
    allv = np.concatenate(verts).astype(float, copy=False).reshape(-1, 2)
    codes = [p.codes for p in paths]
    if any(c is not None for c in codes):
        full = np.concatenate(
            [c if c is not None else np.full(n, Path.LINETO, dtype=Path.code_type)
             for c, n in zip(codes, lengths.tolist(), strict=True)]
        )  # fmt: skip
        hidden = (full == Path.STOP) | (full == Path.CLOSEPOLY)
        if hidden.any():
            allv = allv.copy()
            allv[hidden] = np.nan
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[nonempty]
    with np.errstate(all="ignore"):
        out[nonempty, 0:2] = np.fmin.reduceat(allv, starts, axis=0)
        out[nonempty, 2:4] = np.fmax.reduceat(allv, starts, axis=0)
    return out


def _affine_boxes(boxes: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The boxes ``(n, 4)`` through the affine matrices ``m`` (``(n, 3, 3)`` or ``(3, 3)``):
    the extents of each transformed box (exact for scales and translations, a bound for
    rotations), by interval arithmetic without building corner arrays."""
    x0, y0, x1, y1 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    a, b, tx = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    c, d, ty = m[..., 1, 0], m[..., 1, 1], m[..., 1, 2]
    with np.errstate(all="ignore"):
        ax0, ax1 = a * x0, a * x1
        by0, by1 = b * y0, b * y1
        cx0, cx1 = c * x0, c * x1
        dy0, dy1 = d * y0, d * y1
        return np.column_stack([
            tx + np.minimum(ax0, ax1) + np.minimum(by0, by1),
            ty + np.minimum(cx0, cx1) + np.minimum(dy0, dy1),
            tx + np.maximum(ax0, ax1) + np.maximum(by0, by1),
            ty + np.maximum(cx0, cx1) + np.maximum(dy0, dy1),
        ])  # fmt: skip


def _collection_extent(c: mcoll.Collection) -> np.ndarray | None:
    """Display ``[x0, y0, x1, y1]`` of everything collection ``c`` paints, over *all* its
    items: each path through its item transform (marker sizes), the collection's transform
    and its offset, as ``Collection.draw`` places them (``max(paths, offsets)`` items, paths,
    item transforms and offsets cycled). Stroke widths are left out, as in matplotlib's own
    extents. Read after a draw (mplot3d collections then hold their projected 2D state).
    None when nothing finite is drawn."""
    paths = c.get_paths()
    if not len(paths):
        return None
    master = c.get_transform()
    if not master.is_affine:  # log or polar axes: as Collection._prepare_points does
        paths = [master.transform_path_non_affine(p) for p in paths]
        master = master.get_affine()
    boxes = _paths_extents(paths)
    offsets = np.ma.filled(np.ma.asarray(c.get_offsets(), dtype=float), np.nan).reshape(-1, 2)
    with np.errstate(all="ignore"):
        disp = c.get_offset_transform().transform(offsets)  # the default offset is (0, 0)
    item_tr = np.asarray(c.get_transforms(), dtype=float).reshape(-1, 3, 3)
    if len(boxes) == 1 and len(item_tr) <= 1:  # one shape for every item (most scatters)
        if len(item_tr):
            boxes = _affine_boxes(boxes, item_tr[0])
        boxes = _affine_boxes(boxes, np.asarray(master.get_matrix(), dtype=float))
        dlo, dhi = _column_extremes(disp) if len(disp) else (np.zeros(2), np.zeros(2))
        lo, hi = boxes[0, :2] + dlo, boxes[0, 2:] + dhi
    else:
        idx = np.arange(max(len(boxes), len(disp)))
        boxes = boxes[idx % len(boxes)]
        if len(item_tr):
            boxes = _affine_boxes(boxes, item_tr[idx % len(item_tr)])
        boxes = _affine_boxes(boxes, np.asarray(master.get_matrix(), dtype=float))
        if len(disp):
            d = disp[idx % len(disp)]
            boxes += np.concatenate([d, d], axis=1)
        lo = np.array([np.fmin.reduce(boxes[:, 0]), np.fmin.reduce(boxes[:, 1])])
        hi = np.array([np.fmax.reduce(boxes[:, 2]), np.fmax.reduce(boxes[:, 3])])
    ext = np.concatenate([lo, hi])
    return ext if np.isfinite(ext).all() else None


def _contains_branch_separately(transform: Transform, other: Transform) -> tuple[bool, bool]:
    try:
        x, y = transform.contains_branch_seperately(other)
        return bool(x), bool(y)
    except Exception:
        return False, False


def _project3d(ax: Any, xyz: np.ndarray) -> np.ndarray:
    """Project ``(n, 3)`` data points with the 3D axes' view to display pixels."""
    xs, ys, zs = xyz[:, 0], xyz[:, 1], xyz[:, 2]
    with np.errstate(all="ignore"):
        try:
            px, py, _ = proj3d._scale_proj_transform(xs, ys, zs, ax)  # honours 3D log scales
        except Exception:
            m = ax.M if getattr(ax, "M", None) is not None else ax.get_proj()
            px, py, _ = proj3d.proj_transform(xs, ys, zs, m)
        return ax.transData.transform(np.column_stack([np.asarray(px), np.asarray(py)]))


# ------------------------------------------------------------------------------------------------
# colour summaries
# ------------------------------------------------------------------------------------------------
def _colors_summary(colors: Any) -> tuple[list[float] | None, list[Any], int]:
    """(first painted colour, up to MAX_COLORS distinct colours, number of distinct colours)."""
    arr = np.asarray(colors, dtype=float).reshape(-1, 4) if np.size(colors) else np.zeros((0, 4))
    if len(arr) == 0:
        return None, [], 0
    if len(arr) > 20000:  # summarise a sample: exact distinct counts are not worth a big sort
        arr = arr[_decimate_index(len(arr), 20000)]
    uniq, first_idx = np.unique(np.round(arr, 4), axis=0, return_index=True)
    order = np.argsort(first_idx)
    uniq = uniq[order]
    painted = [u for u in uniq if u[3] > 0]
    first = _rgba(arr[0])
    distinct = [[round(float(v), 4) for v in u] for u in painted[:MAX_COLORS]]
    return first, distinct, len(painted)


def _style_collection(el: Element, coll: mcoll.Collection) -> None:
    face = getattr(coll, "_facecolor3d", None)
    edge = getattr(coll, "_edgecolor3d", None)
    # The base-class getters give the user's colours (mplot3d overrides add depth shading).
    face = mcoll.Collection.get_facecolor(coll) if face is None else face
    if edge is None or len(edge) == 0:
        edge_spec = getattr(coll, "_edgecolors", None)
        if isinstance(edge_spec, str) and edge_spec == "face":
            edge = face
        else:
            edge = mcoll.Collection.get_edgecolor(coll)
    el.facecolor, faces, n_faces = _colors_summary(face)
    el.edgecolor, edges, n_edges = _colors_summary(edge)
    if n_faces > 1:
        el.props["facecolors"] = faces
        el.props["n_facecolors"] = n_faces
    if n_edges > 1:
        el.props["edgecolors"] = edges
        el.props["n_edgecolors"] = n_edges
    if n_faces > 1:
        _item_colors(el, face, n_faces)
    elif n_edges > 1:  # line collections, or one face colour with varied edges
        _item_colors(el, edge, n_edges)
    widths = np.asarray(coll.get_linewidth(), dtype=float).ravel()
    el.linewidth = _num(widths[0]) if len(widths) else None
    unscaled = getattr(coll, "_us_linestyles", None)
    styles = unscaled if unscaled else coll.get_linestyle()
    el.linestyle = _classify_dashes(styles[0]) if len(styles) else None
    hatch = coll.get_hatch()
    el.hatch = hatch or None
    if coll.get_array() is not None and coll.get_cmap() is not None:
        el.props["cmap"] = coll.get_cmap().name
        el.props["clim"] = list(coll.get_clim())
        el.props["cmap_colors"] = _cmap_colors(coll.get_cmap())


def _item_colors(el: Element, colors: Any, n_distinct: int) -> None:
    """``props["item_colors"]``: the RGBA of items ``_decimate_index(count, MAX_ITEM_COLORS)``
    (every item up to MAX_ITEM_COLORS, else that many evenly spread, first and last included;
    a shorter colour list is cycled as matplotlib cycles it) and ``props["n_item_colors"]``,
    the number of distinct painted colours (of at most 20,000 sampled items)."""
    arr = np.asarray(colors, dtype=float).reshape(-1, 4)
    if el.count < 2 or len(arr) < 2:
        return
    idx = _decimate_index(el.count, MAX_ITEM_COLORS)
    el.props["item_colors"] = np.round(arr[idx % len(arr)], 4).tolist()
    el.props["n_item_colors"] = n_distinct


#: Colours sampled evenly along a colormap for ``props["cmap_colors"]`` (first and last included).
CMAP_SAMPLES = 8


def _cmap_colors(cmap: Any) -> list[list[float]]:
    """``CMAP_SAMPLES`` RGBA colours evenly spaced along ``cmap``: what a colormapped artist
    paints, comparable between two colormaps of any name (a renamed copy, a reversed one)."""
    try:
        arr = np.asarray(cmap(np.linspace(0.0, 1.0, CMAP_SAMPLES)), dtype=float).reshape(-1, 4)
    except Exception:  # a broken user colormap: nothing to record
        return []
    return np.round(arr, 4).tolist()


def _paints_nothing(el: Element) -> bool:
    return el.facecolor is None and el.edgecolor is None and not el.hatch


# ------------------------------------------------------------------------------------------------
# per-kind handlers: each fills ``el`` for one artist
# ------------------------------------------------------------------------------------------------
Handler = Callable[[_FigureTracer, Any, Axes | None, Element], None]


def _text_common(t: _FigureTracer, a: mtext.Text, el: Element) -> None:
    el.text = a.get_text()
    el.fontsize = _num(a.get_fontsize())
    el.rotation = _num(a.get_rotation())
    el.color = _rgba(a.get_color(), a.get_alpha())
    el.props["ha"] = a.get_horizontalalignment()
    el.props["va"] = a.get_verticalalignment()
    el.props["fontweight"] = str(a.get_fontweight())
    box = a.get_bbox_patch()
    if box is not None:
        el.props["box_facecolor"] = _rgba(box.get_facecolor())
        el.props["box_edgecolor"] = _rgba(box.get_edgecolor())
    if not el.text:
        el.visible = False


def _handle_text(t: _FigureTracer, a: mtext.Text, ax: Axes | None, el: Element) -> None:
    el.kind = "text"
    _text_common(t, a, el)
    if isinstance(a, art3d.Text3D) and ax is not None:
        x, y, z = a.get_position_3d()
        t._set_geometry3d(el, [[x, y, z]], ax)
        el.bbox = _text3d_extent(t, a, ax)
        return
    t._set_geometry(el, [a.get_unitless_position()], a.get_transform(), ax)
    el.bbox = t._text_extent(a) or el.bbox


def _text3d_extent(t: _FigureTracer, a: Any, ax: Any) -> list[float] | None:
    """Window extent of a Text3D where Text3D.draw puts it (projected position and angle)."""
    if not a.get_text():
        return None
    pos = np.array(a.get_position_3d(), dtype=float)
    pts = np.array([pos, pos + np.asarray(a._dir_vec, dtype=float)])
    with np.errstate(all="ignore"):
        try:
            px, py, _ = proj3d._scale_proj_transform(pts[:, 0], pts[:, 1], pts[:, 2], ax)
        except Exception:
            px, py, _ = proj3d.proj_transform(pts[:, 0], pts[:, 1], pts[:, 2], ax.M)
    angle = math.degrees(math.atan2(py[1] - py[0], px[1] - px[0]))
    angle = angle % 180
    if angle > 90:
        angle -= 180
    saved = (a._x, a._y, a._rotation)
    try:
        a._x, a._y, a._rotation = float(px[0]), float(py[0]), angle
        bb = mtext.Text.get_window_extent(a, t.renderer)
    finally:
        a._x, a._y, a._rotation = saved
    return t._bbox_of(bb.extents)


def _coords_to_data(
    t: _FigureTracer, a: mtext.Annotation, ax: Axes | None, xy: Any, coords: Any
) -> tuple[list[float] | None, list[float] | None]:
    """An annotation point as (data coords or None, normalised figure coords)."""
    disp = np.asarray(a._get_xy(t.renderer, xy, coords), dtype=float).reshape(1, 2)
    fig = (disp / t.wh)[0].tolist()
    if ax is None:
        return None, fig
    if coords == "data":
        return [float(xy[0]), float(xy[1])], fig
    return ax.transData.inverted().transform(disp)[0].tolist(), fig


def _handle_annotation(t: _FigureTracer, a: mtext.Annotation, ax: Axes | None, el: Element) -> None:
    arrow = a.arrow_patch
    el.props["has_arrow"] = arrow is not None
    try:
        el.props["xy"], el.props["xy_fig"] = _coords_to_data(t, a, ax, a.xy, a.xycoords)
        el.props["xytext"], el.props["xytext_fig"] = _coords_to_data(t, a, ax, a.xyann, a.anncoords)
    except Exception:  # exotic coordinate systems: keep the raw values
        log.debug("annotation coordinates unreadable", exc_info=True)
        el.props["xy"] = list(a.xy)
        el.props["xytext"] = list(a.xyann)
    _text_common(t, a, el)
    try:
        el.clipped_out = not a._check_xy(t.renderer)
    except Exception:
        log.debug("Annotation._check_xy unavailable", exc_info=True)
    if a.get_text() or arrow is None:
        el.kind = "annotation"
        t._set_geometry(el, [a.get_unitless_position()], a.get_transform(), ax)
        el.bbox = t._text_extent(a) or el.bbox
        return
    # An empty annotation with an arrow draws only the arrow.
    el.kind = "arrow"
    el.text = None
    el.visible = bool(arrow.get_visible())
    el.props["start"] = el.props.get("xytext")
    el.props["end"] = el.props.get("xy")
    verts = _path_vertices(arrow.get_path())
    t._set_geometry(el, verts, arrow.get_transform(), ax)
    _style_patch(el, arrow)


def _handle_line(t: _FigureTracer, a: mlines.Line2D, ax: Axes | None, el: Element) -> None:
    ls = a.get_linestyle()
    marker = a.get_marker()
    has_marker = marker is not None and not (
        isinstance(marker, str) and marker in ("None", "none", "", " ")
    )
    has_line = _LS_NAMES.get(ls) != "none" if isinstance(ls, str) else True
    el.kind = "line" if has_line or not has_marker else "points"
    el.linestyle = _linestyle(ls, getattr(a, "_unscaled_dash_pattern", None))
    el.linewidth = _num(a.get_linewidth())
    el.edgecolor = _rgba(a.get_color(), a.get_alpha())
    if has_marker:
        el.marker = str(marker)
        el.markersize = _num(a.get_markersize())
        el.facecolor = _rgba(a.get_markerfacecolor(), a.get_alpha())
        el.props["markeredgecolor"] = _rgba(a.get_markeredgecolor(), a.get_alpha())
    if a.get_drawstyle() not in (None, "default"):
        el.props["drawstyle"] = a.get_drawstyle()
    if isinstance(a, art3d.Line3D) and ax is not None:
        el.kind = "line3d"
        xs, ys, zs = (np.asarray(v, dtype=float) for v in a.get_data_3d())
        xs, ys, zs = np.broadcast_arrays(xs, ys, zs)
        t._set_geometry3d(el, np.column_stack([xs.ravel(), ys.ravel(), zs.ravel()]), ax)
    else:
        t._set_geometry(el, a.get_xydata(), a.get_transform(), ax)
    if has_marker:  # as Line2D.get_window_extent: the box reaches half a marker size further
        t._pad_bbox(el, (_num(a.get_markersize()) or 0.0) * t.figure.dpi / 72.0 * 0.5)
    if not has_line and has_marker:  # markers only: count the points
        el.count = el.n_points
        if el.kind == "line3d":
            el.props["markers_only"] = True
    if not has_line and not has_marker:
        el.visible = False


def _style_patch(el: Element, p: mpatches.Patch) -> None:
    el.edgecolor = _rgba(p.get_edgecolor())
    el.facecolor = _rgba(p.get_facecolor()) if p.get_fill() else None
    el.linewidth = _num(p.get_linewidth())
    el.linestyle = _linestyle(p.get_linestyle(), getattr(p, "_unscaled_dash_pattern", None))
    if el.linestyle == "none" or not el.linewidth:
        el.edgecolor = None
    el.hatch = p.get_hatch() or None


def _patch_geometry(t: _FigureTracer, p: mpatches.Patch, ax: Axes | None, el: Element) -> None:
    if isinstance(p, art3d.Patch3D) and ax is not None:
        seg = np.asarray(p._segment3d, dtype=float).reshape(-1, 3)
        t._set_geometry3d(el, seg, ax)
        return
    verts = _path_vertices(p.get_path())
    local = p.get_patch_transform().transform(verts) if len(verts) else verts
    t._set_geometry(el, local, p.get_data_transform(), ax)


#: Display pixels between the vertices kept of a patch drawn through a non-separable transform.
_CURVE_STEP_PX = 8.0


def _projected_patch_geometry(
    t: _FigureTracer, p: mpatches.Patch, ax: Axes | None, el: Element
) -> None:
    """A patch on polar axes (or any axes whose transform is not separable: geographic
    projections), as ``Patch.draw`` paints it: its path in data coordinates goes through the
    transform's ``transform_path``, which on polar axes turns every side of constant radius
    into an arc when the path carries ``_interpolation_steps`` (bars do). The bbox is the exact
    extent of that drawn path; ``data``/``fig`` are the outline interpolated in data coordinates
    the same way (each side in ``_interpolation_steps`` pieces, straight in data space), keeping
    a vertex every :data:`_CURVE_STEP_PX` pixels. (Through a separable transform — log axes —
    an axis-aligned side stays straight, and the vertices' bbox is already the drawn one.)"""
    data_tr = p.get_data_transform()
    local = p.get_patch_transform().transform_path(p.get_path())
    drawn = data_tr.transform_path(local)
    verts = _path_vertices(local)
    steps = int(getattr(p.get_path(), "_interpolation_steps", 1) or 1)
    if steps > 1 and len(verts) > 1:
        frac = np.arange(steps) / steps
        dense = verts[:-1, None, :] + frac[None, :, None] * np.diff(verts, axis=0)[:, None, :]
        dense = np.concatenate([dense.reshape(-1, 2), verts[-1:]])
        with np.errstate(all="ignore"):
            disp = data_tr.transform(dense)
            step = np.hypot(*np.diff(disp, axis=0).T)
        bins = np.floor(np.concatenate([[0.0], np.nancumsum(step)]) / _CURVE_STEP_PX)
        keep = np.concatenate([[True], bins[1:] != bins[:-1]])
        keep[::steps] = True  # the corners
        keep[-1] = True
        verts = dense[keep]
    t._set_geometry(el, verts, data_tr, ax)
    ext = _path_extents(drawn)
    if ext is not None:
        el.bbox = t._bbox_of(ext)


def _handle_patch(t: _FigureTracer, p: mpatches.Patch, ax: Axes | None, el: Element) -> None:
    _style_patch(el, p)
    kind = "patch"
    props = el.props
    if isinstance(p, (mpatches.FancyArrow, mpatches.Arrow)):
        kind = "arrow"
        x, y, dx, dy = (getattr(p, n, None) for n in ("_x", "_y", "_dx", "_dy"))
        if None not in (x, y, dx, dy):
            props["start"] = [x, y]
            props["end"] = [x + dx, y + dy]
    elif isinstance(p, mpatches.FancyArrowPatch):
        kind = "arrow"
        pos = getattr(p, "_posA_posB", None)
        if pos is not None:
            disp = p.get_transform().transform(np.asarray(pos, dtype=float))
            props["start_fig"], props["end_fig"] = (disp / t.wh).tolist()
            if ax is not None:
                start, end = ax.transData.inverted().transform(disp).tolist()
                props["start"], props["end"] = start, end
    elif isinstance(p, mpatches.Rectangle):
        kind = "rectangle"
        props.update(
            x=p.get_x(), y=p.get_y(), width=p.get_width(), height=p.get_height(),
            angle=p.get_angle(),
        )  # fmt: skip
    elif isinstance(p, mpatches.Circle):
        kind = "circle"
        props.update(center=list(p.get_center()), radius=p.get_radius())
    elif isinstance(p, mpatches.Arc):
        kind = "arc"
        props.update(
            center=list(p.get_center()), width=p.get_width(), height=p.get_height(),
            theta1=p.theta1, theta2=p.theta2, angle=p.get_angle(),
        )  # fmt: skip
    elif isinstance(p, mpatches.Ellipse):
        kind = "ellipse"
        props.update(
            center=list(p.get_center()), width=p.get_width(), height=p.get_height(),
            angle=p.get_angle(),
        )  # fmt: skip
    elif isinstance(p, mpatches.Wedge):
        kind = "wedge"
        props.update(center=list(p.center), r=p.r, theta1=p.theta1, theta2=p.theta2, width=p.width)
    elif isinstance(p, mpatches.Polygon):
        kind = "polygon"
        props["closed"] = bool(p.get_closed())
    el.kind = kind
    if not isinstance(p, art3d.Patch3D) and not p.get_data_transform().is_separable:
        _projected_patch_geometry(t, p, ax, el)
    elif isinstance(p, mpatches.Polygon) and not isinstance(p, art3d.Patch3D):
        t._set_geometry(el, p.get_xy(), p.get_transform(), ax)
    else:
        _patch_geometry(t, p, ax, el)
    if _paints_nothing(el):
        el.visible = False


def _handle_quiver(t: _FigureTracer, q: mquiver.Quiver, ax: Axes | None, el: Element) -> None:
    el.kind = "quiver"
    offsets = np.asarray(q.get_offsets(), dtype=float).reshape(-1, 2)
    el.count = int(getattr(q, "N", len(offsets)))
    _style_collection(el, q)
    t._set_geometry(el, offsets, q.get_offset_transform(), ax)
    t._set_collection_bbox(el, q)  # the drawn arrows, heads included
    u = np.asarray(np.ma.filled(np.ma.asarray(q.U, dtype=float), np.nan)).ravel()
    v = np.asarray(np.ma.filled(np.ma.asarray(q.V, dtype=float), np.nan)).ravel()
    if len(u):
        with np.errstate(all="ignore"):
            mag = np.hypot(u, v)
        if np.isfinite(mag).any():
            el.props["magnitude_range"] = [float(np.nanmin(mag)), float(np.nanmax(mag))]
    if _paints_nothing(el):
        el.visible = False


def _handle_collection(t: _FigureTracer, c: mcoll.Collection, ax: Axes | None, el: Element) -> None:
    props = el.props
    if isinstance(c, (art3d.Path3DCollection, art3d.Patch3DCollection)) and ax is not None:
        # 3D scatter (paths) or 3D patch collections: geometry is the 3D offsets, projected
        is_path = isinstance(c, art3d.Path3DCollection)
        el.kind = "path3d" if is_path else "path_collection"
        xs, ys, zs = (np.ravel(np.asarray(v, dtype=float)) for v in c._offsets3d)
        xs, ys, zs = np.broadcast_arrays(xs, ys, zs)
        el.count = len(xs)
        idx = _decimate_index(len(xs))
        t._set_geometry3d(el, np.column_stack([xs[idx], ys[idx], zs[idx]]), ax, el.count)
        _style_collection(el, c)
        if is_path:
            _sizes(c, props)
    elif isinstance(c, mcoll.PathCollection):
        el.kind = "scatter"
        offsets = np.asarray(c.get_offsets(), dtype=float).reshape(-1, 2)
        el.count = len(offsets)
        t._set_geometry(el, offsets, c.get_offset_transform(), ax)
        _style_collection(el, c)
        _sizes(c, props)
        el.marker = _scatter_marker(c)
    elif isinstance(c, art3d.Poly3DCollection) and ax is not None:
        el.kind = "poly3d"
        items = _poly3d_faces(c)
        el.count = len(items)
        t._set_items_geometry(el, items, 3, lambda v: _project3d(ax, v), True, ax)
        t._set_bbox3d(el, _concat3d(items), ax)  # every face, as mplot3d projects them
        _style_collection(el, c)
    elif isinstance(c, art3d.Line3DCollection) and ax is not None:
        el.kind = "line3d"
        segs = list(c._segments3d)
        el.count = len(segs)
        t._set_items_geometry(el, segs, 3, lambda v: _project3d(ax, v), True, ax)
        t._set_bbox3d(el, _concat3d(segs), ax)
        _style_collection(el, c)
        _segment_styles(c, el)
    elif isinstance(c, mcoll.QuadMesh):
        el.kind = "path_collection"
        coords = np.asarray(c.get_coordinates(), dtype=float)
        ny, nx = coords.shape[0] - 1, coords.shape[1] - 1
        el.count = max(nx, 0) * max(ny, 0)
        props["shape"] = [ny, nx]
        t._set_geometry(el, coords.reshape(-1, 2), c.get_transform(), ax)
        _style_collection(el, c)
    else:
        if _FillBetween is not None and isinstance(c, _FillBetween):
            el.kind = "fill"
        elif isinstance(c, mcoll.PolyCollection):
            el.kind = "poly_collection"
        elif isinstance(c, mcoll.LineCollection):
            el.kind = "line_collection"
        else:
            el.kind = "path_collection"
        _generic_collection_geometry(t, c, ax, el)
        _style_collection(el, c)
        if isinstance(c, mcoll.LineCollection):
            _segment_styles(c, el)
        levels = getattr(c, "levels", None)
        if levels is not None:
            props["levels"] = list(np.asarray(levels, dtype=float).ravel()[:64])
            props["filled"] = bool(getattr(c, "filled", False))
    if not isinstance(c, (mcoll.QuadMesh, art3d.Poly3DCollection, art3d.Line3DCollection)):
        t._set_collection_bbox(el, c)  # (meshes and 3D faces/segments: done above, from all)
    is_lines = el.kind in ("line_collection", "line3d")
    paints_nothing = (el.edgecolor is None and el.facecolor is None) if is_lines else None
    if paints_nothing or (not is_lines and _paints_nothing(el)):
        el.visible = False
    if el.count == 0:
        el.visible = False


def _generic_collection_geometry(
    t: _FigureTracer, c: mcoll.Collection, ax: Axes | None, el: Element
) -> None:
    """Offset collections (hexbin, CircleCollection …) by their offsets, the rest by paths."""
    paths = c.get_paths()
    offsets = np.asarray(c.get_offsets(), dtype=float).reshape(-1, 2)
    if len(offsets) > 1 and len(offsets) >= len(paths):
        el.count = len(offsets)
        t._set_geometry(el, offsets, c.get_offset_transform(), ax)
        return
    el.count = len(paths)
    tr = c.get_transform()
    if isinstance(c, mcoll.LineCollection):
        items = [p.vertices for p in paths]
    else:
        items = [_path_vertices(p) if len(p.vertices) <= MAX_POINTS else p.vertices for p in paths]
    exact = ax is not None and tr == ax.transData
    partly = ax is not None and any(_contains_branch_separately(tr, ax.transData))
    t._set_items_geometry(el, items, 2, tr.transform, exact, ax if partly else None)


def _concat3d(items: Sequence[Any]) -> np.ndarray:
    """Every finite vertex of a list of 3D vertex arrays, as one ``(n, 3)`` array."""
    if not len(items):
        return np.zeros((0, 3))
    allv = np.concatenate([_as_float_2d(it, 3) for it in items])
    return allv[np.isfinite(allv).all(axis=1)]


def _poly3d_faces(c: Any) -> list[np.ndarray]:
    faces = getattr(c, "_faces", None)
    if faces is None:  # older mplot3d kept no _faces; fall back on the user's 3D verts
        return [np.asarray(f, dtype=float).reshape(-1, 3) for f in getattr(c, "_segments3d", [])]
    faces = np.asarray(faces, dtype=float)
    invalid = np.asarray(getattr(c, "_invalid_vertices", False))
    if invalid.ndim == 0:
        return list(faces) if not invalid else []
    return [f[~m] for f, m in zip(faces, invalid, strict=False)]


def _sizes(c: mcoll.Collection, props: dict[str, Any]) -> None:
    sizes = np.asarray(c.get_sizes(), dtype=float).ravel()
    if len(sizes):
        props["size_range"] = [float(sizes.min()), float(sizes.max())]


_MARKER_PATHS: list[tuple[str, Path]] = []


def _scatter_marker(c: mcoll.PathCollection) -> str | None:
    """The marker code whose path scatter() used for the first point (None if no standard one)."""
    paths = c.get_paths()
    if not paths:
        return None
    if not _MARKER_PATHS:
        for code in ("o", "s", "^", "v", "<", ">", "D", "d", "p", "h", "H", "8", "*", "+",
                     "x", "P", "X", ".", ",", "1", "2", "3", "4", "|", "_"):  # fmt: skip
            style = MarkerStyle(code)
            _MARKER_PATHS.append((code, style.get_path().transformed(style.get_transform())))
    verts = np.asarray(paths[0].vertices, dtype=float)
    for code, ref in _MARKER_PATHS:
        if ref.vertices.shape == verts.shape and np.allclose(ref.vertices, verts, atol=1e-6):
            return code
    return None


def _segment_styles(c: mcoll.LineCollection, el: Element) -> None:
    """Per-segment linestyle counts: props["linestyles"] and props["dashed_segments"] (segments
    drawn with any dash pattern: dashed, dotted, dashdot or custom)."""
    styles = getattr(c, "_us_linestyles", None) or c.get_linestyle()
    n = el.count
    if not styles or n == 0:
        return
    classes = [_classify_dashes(s) for s in styles]
    if len(classes) == 1:
        counts = Counter({classes[0]: n})
    else:
        counts = Counter(classes[i % len(classes)] for i in range(n))
    el.props["linestyles"] = dict(counts)
    el.props["dashed_segments"] = sum(v for k, v in counts.items() if k not in ("solid", "none"))
    el.linestyle = counts.most_common(1)[0][0]


def _handle_image(t: _FigureTracer, im: Any, ax: Axes | None, el: Element) -> None:
    """Images by where each class paints (see docs/scene.md): an ``AxesImage`` over its
    extent; a ``PcolorImage`` over its cell edges ``x[0]..x[-1]``, ``y[0]..y[-1]``; a
    ``NonUniformImage`` over its whole axes (cells reach half-way to their neighbours and the
    outer ones to the axes' edges; ``props["extent"]`` is the span of the cell centres); a
    ``FigureImage`` over ``ncols x nrows`` pixels from its offset (``xo``, ``yo``)."""
    el.kind = "image"
    arr = im.get_array()
    if arr is not None:
        el.props["shape"] = list(np.shape(arr))
    if isinstance(im, mimage.FigureImage):
        nrows, ncols = np.shape(arr)[:2] if arr is not None else (0, 0)
        x0, y0 = float(im.ox), float(im.oy)
        x1, y1 = x0 + ncols, y0 + nrows
        el.props["extent"] = [x0, x1, y0, y1]
        el.data = None
        t._set_display(el, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]), None)
    else:
        gx, gy = getattr(im, "_Ax", None), getattr(im, "_Ay", None)  # cell centres / edges
        gridded = isinstance(im, (mimage.NonUniformImage, mimage.PcolorImage))
        if gridded and gx is not None and gy is not None:
            xs, ys = np.asarray(gx, dtype=float).ravel(), np.asarray(gy, dtype=float).ravel()
            ext = [float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])]
        else:
            ext = [float(v) for v in im.get_extent()]
        el.props["extent"] = ext
        x0, x1, y0, y1 = ext
        if isinstance(im, mimage.NonUniformImage) and ax is not None:
            (x0, y0), (x1, y1) = np.asarray(ax.viewLim.get_points(), dtype=float)
        corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]])
        t._set_geometry(el, corners, im.get_transform(), ax)
        el.props["origin"] = getattr(im, "origin", None)
    cmap = im.get_cmap()
    if arr is not None and np.ndim(arr) == 2 and cmap is not None:
        el.props["cmap"] = cmap.name
        el.props["clim"] = list(im.get_clim())
        el.props["cmap_colors"] = _cmap_colors(cmap)


def _colorbar_of(ax: Axes) -> Any:
    """The Colorbar drawn in ``ax`` (matplotlib links its axes to it), or None."""
    cb = getattr(ax, "_colorbar", None)
    return cb if isinstance(cb, mcolorbar.Colorbar) else None


def _colorbar_artists(cb: Any) -> set[int]:
    """Ids of the artists a Colorbar draws its bar with (they make one ``colorbar`` element)."""
    owned = [cb.solids, getattr(cb, "dividers", None)]
    for name in ("solids_patches", "_extend_patches", "lines"):
        owned += list(getattr(cb, name, None) or [])
    return {id(a) for a in owned if a is not None}


#: At most this many colours sampled along a colorbar, low to high, in ``props["colors"]``.
COLORBAR_COLORS = 16


def _colorbar_element(t: _FigureTracer, cb: Any, ax_index: int) -> Element:
    """A colorbar as one element: geometry from its outline (the bar with its extend tips),
    ``props``: orientation, cmap, clim, norm, label, extend, n_colors (bands drawn), colors
    (sampled along the bar) and, once resolved, mappable (the index of the element it
    describes)."""
    el = Element(kind="colorbar", cls=type(cb).__name__, figure=t.index, axes=ax_index)
    ax = cb.ax
    parts = [a for a in (cb.solids, *(getattr(cb, "solids_patches", None) or [])) if a is not None]
    el.zorder = (_num(parts[0].get_zorder()) or 0.0) if parts else 0.0
    el.alpha = _num(getattr(cb, "alpha", None))
    outline = getattr(cb, "outline", None)
    if outline is not None:
        disp = outline.get_transform().transform(_path_vertices(outline.get_path()))
        t._set_display(el, disp, None)
        el.n_points = len(el.fig or [])
        el.edgecolor = _rgba(outline.get_edgecolor()) if outline.get_visible() else None
        el.linewidth = _num(outline.get_linewidth())
    else:
        x0, y0, x1, y1 = np.asarray(ax.bbox.extents, dtype=float)
        t._set_display(el, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]), None)
        el.n_points = 5
    # Visible while some of its bands (or contour lines) are still drawn in its axes: a bar
    # whose artists were removed or hidden leaves only an empty frame and ticks.
    drawn = [*parts, *(getattr(cb, "lines", None) or [])]
    el.visible = any(a.axes is not None and _artist_visible(a) for a in drawn)
    props = el.props
    props["orientation"] = str(getattr(cb, "orientation", ""))
    cmap = getattr(cb, "cmap", None)
    if cmap is not None:
        props["cmap"] = cmap.name
        props["cmap_colors"] = _cmap_colors(cmap)
    norm = getattr(cb, "norm", None)
    vmin = getattr(cb, "vmin", getattr(norm, "vmin", None))
    vmax = getattr(cb, "vmax", getattr(norm, "vmax", None))
    props["clim"] = [_num(vmin), _num(vmax)]
    if norm is not None:
        props["norm"] = type(norm).__name__
    try:
        label = cb._long_axis().get_label().get_text()
    except Exception:
        label = ax.get_ylabel() if props["orientation"] == "vertical" else ax.get_xlabel()
    props["label"] = label
    props["extend"] = str(getattr(cb, "extend", "neither"))
    values = getattr(cb, "_values", None)
    if values is not None and cmap is not None and norm is not None:
        values = np.asarray(values, dtype=float).ravel()
        props["n_colors"] = len(values)
        if len(values):
            with np.errstate(all="ignore"):
                rgba = cmap(norm(values[_decimate_index(len(values), COLORBAR_COLORS)]))
            props["colors"] = np.round(np.asarray(rgba, dtype=float).reshape(-1, 4), 4).tolist()
    return el


def _handle_other(t: _FigureTracer, a: Artist, ax: Axes | None, el: Element) -> None:
    el.kind = "other"
    texts = _descendant_texts(a)
    if texts:
        el.text = "\n".join(texts)
    try:
        bb = a.get_window_extent(t.renderer)
        if bb is not None and bb.width > 0 and bb.height > 0:
            el.bbox = t._bbox_of(bb.extents)
    except Exception:
        log.debug("no window extent for %s", type(a).__name__, exc_info=True)


def _descendant_texts(a: Artist, limit: int = 200) -> list[str]:
    """Strings of Text artists inside a composite artist (tables, offset boxes)."""
    out: list[str] = []
    stack = list(a.get_children())
    seen = 0
    while stack and seen < limit:
        child = stack.pop(0)
        seen += 1
        if isinstance(child, mtext.Text):
            if child.get_visible() and child.get_text():
                out.append(child.get_text())
            continue
        getter = getattr(child, "get_text", None)
        if callable(getter):
            inner = getter()
            if isinstance(inner, mtext.Text) and inner.get_visible() and inner.get_text():
                out.append(inner.get_text())
        stack.extend(child.get_children())
    return out


def _handler_for(artist: Artist) -> Handler:
    # Most specific classes first (Annotation is a Text, Line3D a Line2D, Quiver a PolyCollection).
    if isinstance(artist, mtext.Annotation):
        return _handle_annotation
    if isinstance(artist, mtext.Text):
        return _handle_text
    if isinstance(artist, mlines.Line2D):
        return _handle_line
    if isinstance(artist, mpatches.Patch):
        return _handle_patch
    if isinstance(artist, mquiver.Quiver):
        return _handle_quiver
    if isinstance(artist, mcoll.Collection):
        return _handle_collection
    if isinstance(artist, (mimage.AxesImage, mimage.FigureImage)):
        return _handle_image
    return _handle_other
