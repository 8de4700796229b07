"""Element matching for the scene score: per-scene features, pairwise similarities, assignment.

Private to :mod:`codepercept.score.scene` (formulas in its docstring and ``docs/scores.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np
from scipy.optimize import linear_sum_assignment

from codepercept.scene.model import Element, Scene
from codepercept.score._common import edit_similarity, normalise_text, rgb_to_lab

#: Kinds that may be matched with one another (a kind not listed forms its own group).
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    # line and points are both Line2D; a program may draw the same marks either way.
    "stroke": (
        "line",
        "line_collection",
        "line3d",
        "points",
        "scatter",
        "path_collection",
        "path3d",
    ),
    "area": ("polygon", "rectangle", "patch", "fill", "poly_collection", "poly3d"),
    "round": ("circle", "ellipse", "wedge", "arc"),
    "arrow": ("arrow", "quiver"),
    "text": ("text", "annotation"),
    "image": ("image",),
}
GROUP_OF: dict[str, str] = {k: g for g, kinds in KIND_GROUPS.items() for k in kinds}

#: Kinds that are the same drawn thing: markers at points, whether from ``scatter`` or from
#: ``plot(..., "o")`` (both count one item per point).
SAME_KIND: dict[str, str] = {"scatter": "points"}


def canonical_kind(kind: str) -> str:
    return SAME_KIND.get(kind, kind)


#: Matched pairs costing more than this (0..1) are treated as unmatched.
MAX_COST = 0.5
#: Distance (in union-normalised coordinates) at which position similarity reaches 0.
POS_TOL = 0.25
#: CIE76 colour difference at which a colour similarity reaches 0.
DELTA_E_MAX = 50.0
#: Largest assignment problem solved exactly per side; larger groups are split (see _match).
MAX_ASSIGN = 400
_FORBIDDEN = 1e3  # added to cross-group pairs: far above MAX_COST, so they are never kept
_W_KIND, _W_POS, _W_STYLE, _W_TEXT, _W_STACK = 1.0, 3.0, 1.0, 1.0, 0.01
_W_SUM = _W_KIND + _W_POS + _W_STYLE + _W_TEXT
_LINESTYLE_ALIASES = {"-": "solid", "--": "dashed", ":": "dotted", "-.": "dashdot", "": "none"}
_NO_MARKER = {None, "", "None", "none", " "}


# -- per-scene features ----------------------------------------------------------------------


def _element_box(e: Element) -> Sequence[float] | None:
    if e.bbox is not None and len(e.bbox) == 4:
        return e.bbox
    if e.fig:
        pts = np.asarray(e.fig, dtype=np.float64)
        if pts.ndim == 2 and pts.shape[0] and pts.shape[1] >= 2:
            pts = pts[np.isfinite(pts[:, :2]).all(axis=1)]
            if pts.shape[0]:
                return [pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()]
    return None


_NO_COLOUR = (1.0, 1.0, 1.0, 0.0)


def _rgba(c: list[float] | None) -> Sequence[float]:
    """A colour as RGBA; absent or malformed colours become transparent (non-finite ones are
    made transparent later, vectorised)."""
    if c is None:
        return _NO_COLOUR
    if len(c) == 4:
        return c
    if len(c) == 3:
        return (*c, 1.0)
    return _NO_COLOUR


def _width(lw: float | None) -> float:
    """Linewidth, NaN when absent or not finite (NaN means "not set" below)."""
    return float(lw) if lw is not None and math.isfinite(lw) else math.nan


@dataclass
class SceneFeatures:
    """Column arrays over the visible elements of one scene."""

    elements: list[Element]
    kind: list[str]
    group: list[str]
    figure: np.ndarray
    has_pos: np.ndarray  # (n,) bool
    box: np.ndarray  # (n, 4) normalised x0, y0, x1, y1 (0 where has_pos is False)
    lab: np.ndarray  # (n, 3, 3) Lab of edge, face, text colour
    has_col: np.ndarray  # (n, 3) bool
    linestyle: list[str | None]
    linewidth: np.ndarray  # nan when absent
    marker: list[str | None]
    text: list[str | None]
    rank: np.ndarray  # stacking rank normalised to 0..1
    items: list[np.ndarray | None]  # per-item (or colormap) colours in Lab, None if uniform
    scale: np.ndarray  # (n, 2) size of the element's axes frame in normalised units (v2), else 1
    index: np.ndarray  # position of each visible element in scene.elements
    centre: np.ndarray = field(init=False)  # (n, 2)
    size: np.ndarray = field(init=False)  # (n, 2)
    codes: dict[str, np.ndarray] = field(init=False)  # int codes, see encode_pair

    def __post_init__(self) -> None:
        b = self.box
        self.centre = np.stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2], 1)
        self.size = np.stack([b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], 1)
        self.codes = {}


def _item_lab(e: Element) -> np.ndarray | None:
    """What a multi-coloured element paints, in Lab: its per-item colours (a scatter with one
    colour per point), else its colormap's samples (an image, a mesh, a colorbar); None when
    it paints one colour. Alpha is composited over white."""
    for key in ("item_colors", "cmap_colors"):
        raw = e.props.get(key)
        if not raw:
            continue
        try:
            arr = np.asarray(raw, dtype=np.float64).reshape(-1, 4)
        except (TypeError, ValueError):
            continue
        arr = arr[np.isfinite(arr).all(axis=1)]
        if len(arr) < 2:
            continue
        alpha = np.clip(arr[:, 3:], 0, 1)
        return rgb_to_lab(np.clip(arr[:, :3], 0, 1) * alpha + (1 - alpha))
    return None


#: Version 2: each side of the union box used to normalise positions is at least this share of
#: the other side, so a flat figure (a number line, one row of labels) does not turn a small
#: vertical move into a large normalised one.
MIN_SPAN_RATIO = 0.5
#: Version 2: smallest share of the union box an element's own axes may count as (its distance
#: scale, see ``SceneFeatures.scale``).
MIN_SCALE = 0.1


def scene_features(scene: Scene, version: int = 2) -> SceneFeatures:
    index = [i for i, e in enumerate(scene.elements) if e.visible and not e.clipped_out]
    vis = [scene.elements[i] for i in index]  # in drawing order
    n = len(vis)
    box = np.zeros((n, 4))
    has_pos = np.zeros(n, dtype=bool)
    for i, e in enumerate(vis):
        b = _element_box(e)
        if b is not None:
            box[i] = b
            has_pos[i] = True
    finite = np.isfinite(box).all(axis=1)
    has_pos &= finite
    box[~finite] = 0.0
    figure = np.fromiter((e.figure for e in vis), dtype=np.int64, count=n)
    scale = np.ones((n, 2))
    # Normalise per figure by the union box of its positioned elements (version 2: and of its
    # axes that show their frame, so content that moves inside its chart is seen as moved).
    frames: dict[int, list[Sequence[float]]] = {}
    if version >= 2:
        for ax in scene.axes:
            if (
                ax.axis_on
                and ax.bbox is not None
                and len(ax.bbox) == 4
                and all(math.isfinite(v) for v in ax.bbox)
            ):
                frames.setdefault(ax.figure, []).append(ax.bbox)
    for f in np.unique(figure):
        sel = (figure == f) & has_pos
        if not sel.any():
            continue
        lo = np.array([box[sel, 0].min(), box[sel, 1].min()])
        hi = np.array([box[sel, 2].max(), box[sel, 3].max()])
        for fb in frames.get(int(f), []):
            lo = np.minimum(lo, [fb[0], fb[1]])
            hi = np.maximum(hi, [fb[2], fb[3]])
        span = hi - lo
        if version >= 2:
            span = np.maximum(span, MIN_SPAN_RATIO * span[::-1])
        span = np.where(span > 1e-9, span, 1.0)
        box[sel] = (box[sel] - np.tile(lo, 2)) / np.tile(span, 2)
        if version >= 2:
            # an element's distances are measured against its own chart: a subplot of a 2x2
            # grid is a quarter of the figure, and a move of 10 % of it is a 10 % move
            for i in np.flatnonzero(sel):
                ax_i = vis[i].axes
                if ax_i is None or not 0 <= ax_i < len(scene.axes):
                    continue
                ax = scene.axes[ax_i]
                if ax.axis_on and ax.bbox is not None and len(ax.bbox) == 4:
                    w = (ax.bbox[2] - ax.bbox[0]) / span[0]
                    h = (ax.bbox[3] - ax.bbox[1]) / span[1]
                    if math.isfinite(w) and math.isfinite(h):
                        scale[i] = np.clip([w, h], MIN_SCALE, 1.0)

    # Colours: alpha composited over white; fully transparent counts as absent.
    rgba = np.array(
        [(_rgba(e.edgecolor), _rgba(e.facecolor), _rgba(e.color)) for e in vis], dtype=np.float64
    ).reshape(n, 3, 4)
    rgba[~np.isfinite(rgba).all(axis=-1)] = _NO_COLOUR
    alpha = np.clip(rgba[..., 3:], 0, 1)
    has_col = alpha[..., 0] > 0
    lab = rgb_to_lab(np.clip(rgba[..., :3], 0, 1) * alpha + (1 - alpha))

    # Stacking rank: by zorder, then drawing order (a stable sort keeps drawing order).
    z = np.fromiter((float(e.zorder) for e in vis), dtype=np.float64, count=n)
    rank = np.empty(n)
    rank[np.argsort(z, kind="stable")] = np.arange(n) / max(n - 1, 1)
    widths = np.fromiter((_width(e.linewidth) for e in vis), dtype=np.float64, count=n)
    stroke = has_col[:, 0] & ~(widths <= 0) if version >= 2 else np.ones(n, dtype=bool)
    # markers at points draw no line: a 3D scatter (path3d) is markers too in version 2
    marks = ("points", "path3d") if version >= 2 else ("points",)
    return SceneFeatures(
        elements=vis,
        kind=[canonical_kind(e.kind) for e in vis],
        group=[GROUP_OF.get(e.kind, e.kind) for e in vis],
        figure=figure,
        has_pos=has_pos,
        box=box,
        lab=lab,
        has_col=has_col,
        # Markers-only elements draw no line: their linestyle and linewidth are not compared.
        # Version 2: an element without a visible edge (a bar with no edge colour) draws no
        # stroke, so its recorded linestyle and linewidth are not compared either.
        linestyle=[
            None
            if canonical_kind(e.kind) in marks or not stroke[i]
            else _LINESTYLE_ALIASES.get(e.linestyle, e.linestyle)
            for i, e in enumerate(vis)
        ],
        linewidth=np.fromiter(
            (
                np.nan if canonical_kind(e.kind) in marks or not stroke[i] else _width(e.linewidth)
                for i, e in enumerate(vis)
            ),
            dtype=np.float64,
            count=n,
        ),
        marker=[None if e.marker in _NO_MARKER else e.marker for e in vis],
        text=[None if e.text is None else normalise_text(e.text) for e in vis],
        rank=rank,
        items=[_item_lab(e) for e in vis],
        scale=scale,
        index=np.asarray(index, dtype=np.int64),
    )


# -- pairwise similarities (vectorised over index arrays ia x ib) ------------------------------


def _position_sim(a: SceneFeatures, b: SceneFeatures, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    ca, cb = a.centre[ia][:, None], b.centre[ib][None]
    sa, sb = a.size[ia][:, None], b.size[ib][None]
    unit = (a.scale[ia][:, None] + b.scale[ib][None]) / 2  # 1 everywhere in version 1
    d = np.hypot((ca[..., 0] - cb[..., 0]) / unit[..., 0], (ca[..., 1] - cb[..., 1]) / unit[..., 1])
    ds = (np.abs(sa - sb) / unit).sum(axis=-1)
    sim = 0.75 * np.maximum(0.0, 1 - d / POS_TOL) + 0.25 * np.maximum(0.0, 1 - ds / POS_TOL)
    pa, pb = a.has_pos[ia][:, None], b.has_pos[ib][None]
    sim = np.where(pa & pb, sim, np.where(~pa & ~pb, 1.0, 0.0))
    fig_ok = a.figure[ia][:, None] == b.figure[ib][None]
    return np.where(fig_ok, sim, 0.0)


_CODED = ("kind", "group", "linestyle", "marker")


def encode_pair(a: SceneFeatures, b: SceneFeatures) -> None:
    """Give both scenes' categorical columns shared integer codes (-1 for None).

    Integer comparisons over the pair matrices are much faster than comparing Python strings.
    """
    for attr in _CODED:
        vocab: dict[str, int] = {}
        for f in (a, b):
            f.codes[attr] = np.array(
                [-1 if v is None else vocab.setdefault(v, len(vocab)) for v in getattr(f, attr)],
                dtype=np.int64,
            )


def _eq_matrix(xa: np.ndarray, xb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(equal, counted) for code arrays: counted where either is set, equal where both agree."""
    counted = (xa[:, None] >= 0) | (xb[None] >= 0)
    equal = (xa[:, None] == xb[None]) & counted
    return equal, counted


def _style_sim(a: SceneFeatures, b: SceneFeatures, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Mean agreement over the style attributes either element sets (1 if neither sets any)."""
    ha, hb = a.has_col[ia].astype(np.float64), b.has_col[ib].astype(np.float64)
    # Colour slots: both set -> max(0, 1 - dE/50); one set -> 0 (counted); none -> not counted.
    both = np.einsum("is,js->sij", ha, hb)
    count = ha.sum(1)[:, None] + hb.sum(1)[None] - both.sum(0)
    total = np.zeros_like(count)
    for s in range(3):
        sel = both[s] > 0
        if not sel.any():
            continue
        la, lb = a.lab[ia, s], b.lab[ib, s]
        # |x - y|^2 by expansion (a matrix product); squared distances below 1e-9 are rounding
        # noise of equal colours and count as 0 so that equal colours score exactly 1.
        d2 = (la * la).sum(1)[:, None] + (lb * lb).sum(1)[None] - 2.0 * (la @ lb.T)
        d2[d2 < 1e-9] = 0.0
        sim = np.maximum(0.0, 1.0 - np.sqrt(d2) / DELTA_E_MAX)
        total += np.where(sel, sim, 0.0)
    for attr in ("linestyle", "marker"):
        eq, counted = _eq_matrix(a.codes[attr][ia], b.codes[attr][ib])
        total += eq
        count += counted
    wa, wb = a.linewidth[ia], b.linewidth[ib]
    sa, sb = ~np.isnan(wa), ~np.isnan(wb)
    count += sa[:, None] | sb[None]
    if sa.any() and sb.any():
        wa0, wb0 = np.where(sa, wa, 0.0)[:, None], np.where(sb, wb, 0.0)[None]
        top = np.maximum(wa0, wb0)
        lw = 1.0 - np.abs(wa0 - wb0) / np.where(top > 0, top, 1.0)
        total += np.where(sa[:, None] & sb[None], lw, 0.0)
    return np.where(count > 0, total / np.maximum(count, 1), 1.0)


def _text_sim(a: SceneFeatures, b: SceneFeatures, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Edit similarity of element texts; 1 where neither has text, 0 where only one has."""
    ta = [a.text[i] for i in ia]
    tb = [b.text[j] for j in ib]
    sa = np.array([t is not None for t in ta])
    sb = np.array([t is not None for t in tb])
    out = (~sa[:, None] & ~sb[None]).astype(np.float64)
    rows, cols = np.flatnonzero(sa), np.flatnonzero(sb)
    for r in rows:
        x = ta[r]
        assert x is not None
        for c in cols:
            y = tb[c]
            assert y is not None
            out[r, c] = edit_similarity(x, y)
    return out


# -- matching ----------------------------------------------------------------------------------


@dataclass
class Matches:
    ia: np.ndarray
    ib: np.ndarray
    position: np.ndarray
    style: np.ndarray
    cost: np.ndarray


def _solve(a: SceneFeatures, b: SceneFeatures, ia: np.ndarray, ib: np.ndarray) -> Matches:
    kind_c = a.codes["kind"][ia][:, None] != b.codes["kind"][ib][None]
    pos = _position_sim(a, b, ia, ib)
    sty = _style_sim(a, b, ia, ib)
    txt = _text_sim(a, b, ia, ib)
    cost = (_W_KIND * kind_c + _W_POS * (1 - pos) + _W_STYLE * (1 - sty) + _W_TEXT * (1 - txt)) / (
        _W_SUM
    )
    fig_mismatch = a.figure[ia][:, None] != b.figure[ib][None]
    cross_group = a.codes["group"][ia][:, None] != b.codes["group"][ib][None]
    cost = cost + fig_mismatch + _FORBIDDEN * cross_group
    tie = _W_STACK * np.abs(a.rank[ia][:, None] - b.rank[ib][None])
    r, c = linear_sum_assignment(cost + tie)
    keep = cost[r, c] <= MAX_COST
    r, c = r[keep], c[keep]
    return Matches(ia[r], ib[c], pos[r, c], sty[r, c], cost[r, c])


def _chunks(f: SceneFeatures, idx: np.ndarray, k: int) -> list[np.ndarray]:
    """Split ``idx`` into ``k`` nearly equal runs after sorting by (centre y, centre x)."""
    c = f.centre[idx]
    order = idx[np.lexsort((c[:, 0], c[:, 1]))]
    return np.array_split(order, k)


def match_elements(a: SceneFeatures, b: SceneFeatures) -> Matches:
    """Optimal one-to-one matching within kind groups.

    Up to MAX_ASSIGN elements a side, one assignment over everything with cross-group pairs
    priced out (:data:`_FORBIDDEN`) — this has the same optimum as one assignment per group,
    with less overhead. Beyond that, one assignment per group, then per kind in spatial chunks.
    """
    na, nb = len(a.kind), len(b.kind)
    if max(na, nb) <= MAX_ASSIGN:
        return _solve(a, b, np.arange(na), np.arange(nb))
    parts: list[Matches] = []
    groups_a: dict[str, list[int]] = {}
    groups_b: dict[str, list[int]] = {}
    for i, g in enumerate(a.group):
        groups_a.setdefault(g, []).append(i)
    for j, g in enumerate(b.group):
        groups_b.setdefault(g, []).append(j)
    for g in sorted(set(groups_a) & set(groups_b)):
        ia = np.array(groups_a[g], dtype=np.int64)
        ib = np.array(groups_b[g], dtype=np.int64)
        if max(len(ia), len(ib)) <= MAX_ASSIGN:
            parts.append(_solve(a, b, ia, ib))
            continue
        # Huge group: solve per exact kind, and split a still-huge kind into spatial chunks
        # matched chunk to chunk (an approximation; documented in docs/scores.md).
        for kind in sorted({a.kind[i] for i in ia} & {b.kind[j] for j in ib}):
            ka = ia[[a.kind[i] == kind for i in ia]]
            kb = ib[[b.kind[j] == kind for j in ib]]
            k = -(-max(len(ka), len(kb)) // MAX_ASSIGN)
            for ca, cb in zip(_chunks(a, ka, k), _chunks(b, kb, k), strict=True):
                if len(ca) and len(cb):
                    parts.append(_solve(a, b, ca, cb))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Matches(empty, empty, np.zeros(0), np.zeros(0), np.zeros(0))
    names = [f.name for f in fields(Matches)]
    return Matches(*(np.concatenate([getattr(p, k) for p in parts]) for k in names))
