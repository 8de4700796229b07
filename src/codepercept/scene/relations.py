"""The relation graph of a scene: what lies in which region, what names what, what connects to
what, and what is drawn over what, derived once from a :class:`~codepercept.scene.Scene` and
shared by captions, the caption checker and corrector, and the scores.

Everything is computed in figure inches (normalised figure coordinates scaled by the figure's
size), so a relation holds or not whatever the axes' limits, and tolerances are physical:

* **closed shapes** — visible circles, ellipses, rectangles, wedges, closed polygons and
  fills with at least three vertices, of one figure;
* **regions** — the sets of closed shapes a point lies in (a Venn diagram's "A and B only" is
  the signature ``{A, B}``); a text is in the region of its box's centre;
* **shape names** — a shape's legend label; else the short non-numeric text outside every
  shape whose box centre is nearest the shape's outline, within :data:`NAME_TOL_IN` (0.6 in);
  else a short non-numeric text inside the shape's exclusive region set larger than the
  region's other texts (a set label drawn inside its circle);
* **label of** — a text names the nearest marker, vertex, line end or shape within
  :data:`LABEL_TOL_IN` (0.35 in) of its box;
* **edges** — a two-point line, line-collection segment or arrow whose two ends each touch a
  node (a closed shape, or a labelled point) within :data:`TOUCH_TOL_IN` (0.12 in); arrows are
  directed (from their tail to their head), lines are not; an annotation's arrow goes from its
  text to the point it marks;
* **stacking** — of two visible elements whose boxes overlap, the one with the higher
  (zorder, draw order) is drawn over the other, as matplotlib draws them.

The graph is bounded: at most :data:`MAX_SHAPES` shapes and :data:`MAX_TEXTS` texts take part
(the largest shapes and the first texts), so a scene of thousands of elements finishes in
milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from codepercept.scene.model import Element, Scene

__all__ = [
    "LABEL_TOL_IN",
    "NAME_TOL_IN",
    "TOUCH_TOL_IN",
    "Edge",
    "RelationGraph",
    "Shape",
    "describe_edges",
    "describe_regions",
    "relation_graph",
]

NAME_TOL_IN = 0.6
LABEL_TOL_IN = 0.35
TOUCH_TOL_IN = 0.12
MAX_SHAPES = 64
MAX_TEXTS = 512
_SETS = ("circle", "ellipse")  # the shapes a set (Venn, Euler) diagram draws its sets with
_BOXES = ("rectangle", "patch", "circle", "ellipse")  # shapes a flow chart or graph uses as nodes
_CLOSED = ("circle", "ellipse", "rectangle", "wedge", "polygon", "fill", "patch")
_NUMERIC = re.compile(r"^[-−+]?\$?\d[\d,.]*%?\$?$")


@dataclass
class Shape:
    """A closed shape: its element index, outline (figure inches) and name (None if unnamed)."""

    index: int
    kind: str
    outline: np.ndarray
    figure: int
    name: str | None = None
    name_index: int | None = None  # the text element that names it
    frame: bool = False  # holds two or more whole shapes: a universe box, not a set

    area: float = 0.0
    prev: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # outline shifted by one

    def __post_init__(self) -> None:
        self.prev = np.concatenate((self.outline[-1:], self.outline[:-1]))
        x, y, px, py = self.outline[:, 0], self.outline[:, 1], self.prev[:, 0], self.prev[:, 1]
        self.area = float(abs(np.dot(x, py) - np.dot(y, px)) / 2)


@dataclass(frozen=True)
class Edge:
    """A connection between two nodes (names), drawn by element ``index``."""

    a: str
    b: str
    directed: bool  # an arrow from ``a`` to ``b``
    index: int


@dataclass
class RelationGraph:
    """Relations of one scene (see the module docstring)."""

    scene: Scene
    shapes: list[Shape] = field(default_factory=list)
    text_region: dict[int, frozenset[str]] = field(default_factory=dict)  # text -> shape names
    label_of: dict[int, int] = field(default_factory=dict)  # text element -> named element
    edges: list[Edge] = field(default_factory=list)
    nodes: dict[str, int] = field(default_factory=dict)  # node name -> element
    points: dict[str, np.ndarray] = field(default_factory=dict)  # labelled point -> inches

    # -- regions ---------------------------------------------------------------------------

    def named_shapes(self) -> dict[str, Shape]:
        """Named sets: circles and ellipses with a name (a set diagram draws its sets so;
        a polygon's face, a wedge or a filled band is not a set, and a frame holds the sets)."""
        return {s.name: s for s in self.shapes if s.name and not s.frame and s.kind in _SETS}

    def region_texts(self, inside: frozenset[str] | set[str]) -> list[str]:
        """Texts whose region is exactly ``inside`` (shape names; empty: outside every named
        shape), in draw order."""
        want = frozenset(inside)
        return [self.scene.elements[i].text or "" for i, r in self.text_region.items() if r == want]

    def regions_of(self, text: str) -> list[frozenset[str]]:
        """The regions (shape-name sets) where ``text`` is written."""
        norm = _norm(text)
        return [
            r
            for i, r in self.text_region.items()
            if _norm(self.scene.elements[i].text or "") == norm
        ]

    # -- connections -------------------------------------------------------------------------

    def connected(self, a: str, b: str) -> bool | None:
        """Whether an edge joins nodes ``a`` and ``b`` (either way); None if either is not a
        node of the graph."""
        na, nb = _norm(a), _norm(b)
        names = {_norm(n) for n in self.nodes}
        if na not in names or nb not in names:
            return None
        return any({_norm(e.a), _norm(e.b)} == {na, nb} for e in self.edges)

    def arrow(self, a: str, b: str) -> bool | None:
        """Whether an arrow goes from ``a`` to ``b``; None if either is not a node."""
        na, nb = _norm(a), _norm(b)
        names = {_norm(n) for n in self.nodes}
        if na not in names or nb not in names:
            return None
        return any(e.directed and _norm(e.a) == na and _norm(e.b) == nb for e in self.edges)

    def neighbours(self, name: str) -> list[str]:
        n = _norm(name)
        out = []
        for e in self.edges:
            if _norm(e.a) == n:
                out.append(e.b)
            elif _norm(e.b) == n:
                out.append(e.a)
        return out

    # -- membership of labelled points ---------------------------------------------------------

    def point_in(self, point: str, kind: str) -> bool | None:
        """Whether the labelled point ``point`` lies inside a closed shape of ``kind``
        ("triangle", "circle", "polygon", "rectangle", "square", "ellipse", "quadrilateral");
        None when the point is not labelled or no such shape exists, or several disagree."""
        p = self.points.get(point.strip())
        if p is None:
            return None
        shapes = [s for s in self.shapes if _shape_is(s, kind, self.scene)]
        if not shapes:
            return None
        votes = {bool(_inside(s.outline, p[None, :], s.prev)[0]) for s in shapes}
        return votes.pop() if len(votes) == 1 else None

    # -- bars ----------------------------------------------------------------------------------

    def bars(self) -> dict[str, float]:
        """Category -> the length of its bar, for bars named by a tick label (one axes only;
        none when bars of several axes would mix). A vertical bar reads its x tick and height,
        a horizontal one its y tick and width; a stacked bar is as long as its segments
        together (lowest start to highest end)."""
        spans: dict[int, dict[str, list[float]]] = {}
        for e in self.scene.elements:
            if (
                e.kind != "rectangle"
                or not e.visible
                or e.axes is None
                or e.axes >= len(self.scene.axes)
            ):
                continue
            p = e.props
            if not all(k in p for k in ("x", "y", "width", "height")) or p.get("angle"):
                continue
            ax = self.scene.axes[e.axes]
            x, y, w, h = (float(p[k]) for k in ("x", "y", "width", "height"))
            for ticks, labels, (lo, hi), (start, end) in (
                (ax.xticks, ax.xticklabels, sorted((x, x + w)), sorted((y, y + h))),  # vertical
                (ax.yticks, ax.yticklabels, sorted((y, y + h)), sorted((x, x + w))),  # horizontal
            ):
                names = [lab.strip() for t, lab in zip(ticks, labels, strict=False)
                         if lo <= t <= hi and lab.strip() and not _NUMERIC.match(lab.strip())]  # fmt: skip
                if len(names) == 1:
                    ext = spans.setdefault(e.axes, {}).setdefault(names[0], [start, end])
                    ext[0], ext[1] = min(ext[0], start), max(ext[1], end)
                    break
        if len(spans) != 1:
            return {}
        return {name: hi - lo for name, (lo, hi) in next(iter(spans.values())).items()}

    def slices(self) -> dict[str, float]:
        """Name -> angle (degrees) of each named pie wedge."""
        out = {}
        for sh in self.shapes:
            e = self.scene.elements[sh.index]
            if sh.kind == "wedge" and sh.name and "theta1" in e.props and "theta2" in e.props:
                out[sh.name] = (float(e.props["theta2"]) - float(e.props["theta1"])) % 360 or 360.0
        return out

    # -- stacking ----------------------------------------------------------------------------

    def over(self, i: int, j: int) -> bool | None:
        """Whether element ``i`` is drawn over element ``j``; None when their boxes do not
        overlap (then neither hides the other)."""
        a, b = self.scene.elements[i], self.scene.elements[j]
        if not (a.bbox and b.bbox) or a.figure != b.figure:
            return None
        if (
            a.bbox[2] < b.bbox[0]
            or b.bbox[2] < a.bbox[0]
            or a.bbox[3] < b.bbox[1]
            or b.bbox[3] < a.bbox[1]
        ):
            return None
        return (a.zorder, i) > (b.zorder, j)


_KIND_OF = {
    "triangle": ("polygon", 3), "quadrilateral": ("polygon", 4), "pentagon": ("polygon", 5),
    "hexagon": ("polygon", 6), "polygon": ("polygon", 0), "circle": ("circle", 0),
    "ellipse": ("ellipse", 0), "rectangle": ("rectangle", 0), "square": ("rectangle", 0),
}  # fmt: skip


def _shape_is(s: Shape, kind: str, scene: Scene) -> bool:
    want = _KIND_OF.get(kind.lower())
    if want is None:
        return False
    k, corners = want
    if kind.lower() in ("rectangle", "square", "polygon") and s.kind in ("polygon", "rectangle"):
        pass
    elif s.kind != k:
        return False
    if corners:
        e = scene.elements[s.index]
        verts = [tuple(round(v, 9) for v in p[:2]) for p in (e.data or [])]
        if len(verts) > 1 and verts[0] == verts[-1]:
            verts = verts[:-1]
        return len(set(verts)) == corners
    return True


def _norm(s: str) -> str:
    return " ".join(s.replace("−", "-").split()).strip().lower()


def _inches(scene: Scene, el: Element) -> tuple[float, float]:
    f = scene.figures[el.figure] if 0 <= el.figure < len(scene.figures) else None
    if f is not None and f.width_in > 0 and f.height_in > 0:
        return float(f.width_in), float(f.height_in)
    return 1.0, 1.0


def _data_to_fig(el: Element, pts: list[list[float]]) -> list[np.ndarray] | None:
    """Map data points to normalised figure coordinates with the affine map that takes the
    element's own data vertices to its figure vertices (exact on linear axes)."""
    if not el.data or not el.fig or len(el.data) != len(el.fig) or len(el.data) < 3:
        return None
    d = np.asarray([p[:2] for p in el.data], dtype=float)
    f = np.asarray([p[:2] for p in el.fig], dtype=float)
    a = np.hstack([d, np.ones((len(d), 1))])
    m, *_ = np.linalg.lstsq(a, f, rcond=None)
    if not np.isfinite(m).all():
        return None
    return [np.array([p[0], p[1], 1.0]) @ m for p in pts]


def _outline(scene: Scene, el: Element) -> np.ndarray | None:
    if not el.fig or len(el.fig) < 3:
        return None
    w, h = _inches(scene, el)
    pts = np.asarray([p[:2] for p in el.fig], dtype=float)
    if not np.isfinite(pts).all():
        return None
    return pts * (w, h)


def _text_centre(scene: Scene, el: Element) -> np.ndarray | None:
    w, h = _inches(scene, el)
    if el.bbox:
        x0, y0, x1, y1 = el.bbox
        return np.array([(x0 + x1) / 2 * w, (y0 + y1) / 2 * h])
    if el.fig:
        return np.array([el.fig[0][0] * w, el.fig[0][1] * h])
    return None


def _prev(poly: np.ndarray) -> np.ndarray:
    return np.concatenate((poly[-1:], poly[:-1]))


def _inside(poly: np.ndarray, pts: np.ndarray, prev: np.ndarray | None = None) -> np.ndarray:
    """Even-odd point-in-polygon for many points at once (``prev``: the outline shifted by one
    vertex, when the caller keeps it)."""
    prev = _prev(poly) if prev is None else prev
    x, y = pts[:, 0][:, None], pts[:, 1][:, None]
    x1, y1 = poly[:, 0][None, :], poly[:, 1][None, :]
    x2, y2 = prev[:, 0][None, :], prev[:, 1][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = ((y1 > y) != (y2 > y)) & (x < x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return (cross.sum(axis=1) % 2) == 1


def _dist_to_outline(poly: np.ndarray, p: np.ndarray, prev: np.ndarray | None = None) -> float:
    a, b = poly, (_prev(poly) if prev is None else prev)
    d = b - a
    dd = (d * d).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(dd > 0, np.clip(((p - a) * d).sum(axis=1) / dd, 0, 1), 0.0)
    proj = a + d * t[:, None]
    return float(np.min(np.hypot(*(proj - p).T)))


def _box_distance(scene: Scene, el: Element, pts: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Distance (inches) from each point to the text's box (0 inside it); from its centre when
    it has no box. A label sits beside its point, so its box, not its centre, is what is near."""
    if not el.bbox:
        return np.hypot(*(pts - centre).T)
    w, h = _inches(scene, el)
    x0, y0, x1, y1 = el.bbox[0] * w, el.bbox[1] * h, el.bbox[2] * w, el.bbox[3] * h
    dx = np.maximum(np.maximum(x0 - pts[:, 0], 0.0), pts[:, 0] - x1)
    dy = np.maximum(np.maximum(y0 - pts[:, 1], 0.0), pts[:, 1] - y1)
    return np.hypot(dx, dy)


def _is_name(text: str) -> bool:
    t = text.strip()
    return 0 < len(t) <= 16 and not _NUMERIC.match(t) and "\n" not in t


def relation_graph(scene: Scene) -> RelationGraph:
    """The relation graph of ``scene`` (see the module docstring); built once per scene object
    (describe, verify and correct of one scene share it), again if its elements change."""
    key = (id(scene.elements), len(scene.elements))
    cached = scene.__dict__.get("_relation_graph")
    if cached is not None and cached[0] == key:
        return cached[1]
    g = _build(scene)
    scene.__dict__["_relation_graph"] = (key, g)  # not a field: never serialised or compared
    return g


def _build(scene: Scene) -> RelationGraph:
    g = RelationGraph(scene)
    els = scene.elements
    visible = [i for i, e in enumerate(els) if e.visible and not e.clipped_out]
    texts = [
        i for i in visible if els[i].kind in ("text", "annotation") and (els[i].text or "").strip()
    ][:MAX_TEXTS]
    centres = {i: c for i in texts if (c := _text_centre(scene, els[i])) is not None}

    shapes = []
    for i in visible:
        e = els[i]
        if e.kind in _CLOSED and (e.facecolor is not None or e.edgecolor is not None):
            poly = _outline(scene, e)
            if poly is not None and len(poly) >= 3:
                shapes.append(Shape(i, e.kind, poly, e.figure))
    shapes = sorted(shapes, key=lambda s: -s.area)[:MAX_SHAPES]
    shapes = [s for s in shapes if s.area > 1e-4]
    shapes.sort(key=lambda s: s.index)
    g.shapes = shapes

    # where each text lies: the set of shapes (by position in ``shapes``) containing its centre
    ids = [i for i in texts if i in centres]
    pts = np.array([centres[i] for i in ids]) if ids else np.zeros((0, 2))
    member = np.zeros((len(ids), len(shapes)), dtype=bool)
    for k, s in enumerate(shapes):
        if len(ids):
            same_fig = np.array([els[i].figure == s.figure for i in ids])
            member[:, k] = _inside(s.outline, pts, s.prev) & same_fig

    # frames: a shape holding two or more whole others (a Venn diagram's universe box) is a
    # frame, not a set; texts inside it but outside every set are "outside" the sets
    # (a shape can only hold another whose bounding box lies within its own: a cheap test
    # first, the polygon test only for those)
    boxes = [(*s.outline.min(axis=0), *s.outline.max(axis=0)) for s in shapes]
    for k, s in enumerate(shapes):
        bx = boxes[k]
        held = sum(
            1 for j, o in enumerate(shapes)
            if j != k and o.figure == s.figure and o.area < s.area
            and bx[0] <= boxes[j][0] and bx[1] <= boxes[j][1] and boxes[j][2] <= bx[2] and boxes[j][3] <= bx[3]
            and _inside(s.outline, o.outline, s.prev).all()
        )  # fmt: skip
        s.frame = held >= 2
    frame_cols = np.array([s.frame for s in shapes], dtype=bool)
    if len(shapes):
        member[:, frame_cols] = False

    # names: legend labels, then texts outside every shape nearest an outline, then a larger
    # label inside a shape's exclusive region
    used: set[int] = set()
    for s in shapes:
        lab = els[s.index].label
        if lab and _is_name(lab):
            s.name = lab.strip()
    # each outside text names its nearest shape, nearest pairs first: a universe's label drawn
    # before a set's own label must not take the set's name because it came first
    offers = []
    for row, i in enumerate(ids):
        text = els[i].text or ""
        if member[row].any() or not _is_name(text):
            continue
        # (a shape whose bounding box is farther than the tolerance cannot be named by it:
        # skip the outline distance there; the nearest shape within tolerance is unchanged)
        px, py = pts[row]
        dists = [(_dist_to_outline(s.outline, pts[row], s.prev), k) for k, s in enumerate(shapes)
                 if s.figure == els[i].figure and not s.frame
                 and max(boxes[k][0] - px, px - boxes[k][2], 0.0) <= NAME_TOL_IN
                 and max(boxes[k][1] - py, py - boxes[k][3], 0.0) <= NAME_TOL_IN]  # fmt: skip
        if dists:
            d, k = min(dists)
            if d <= NAME_TOL_IN:
                offers.append((d, row, k))
    for _d, row, k in sorted(offers):
        i = ids[row]
        if shapes[k].name is None and i not in used:
            shapes[k].name, shapes[k].name_index = (els[i].text or "").strip(), i
            used.add(i)
    sizes = [els[i].fontsize or 0.0 for i in ids]
    areas = np.array([sh.area for sh in shapes]) if shapes else np.zeros(0)
    innermost = [
        int(np.flatnonzero(member[r])[np.argmin(areas[member[r]])]) if member[r].any() else -1
        for r in range(len(ids))
    ]
    for k, s in enumerate(shapes):
        if s.name is not None:
            continue
        # texts whose innermost shape is this one (nested sets: a subset's label lies in the
        # superset too)
        alone = [r for r in range(len(ids)) if ids[r] not in used and innermost[r] == k]
        named = [r for r in alone if _is_name(els[ids[r]].text or "")]
        if named:
            best = max(named, key=lambda r: sizes[r])
            others = [sizes[r] for r in alone if r != best]
            # the one label set larger than everything else in its shape's own region, and
            # larger than the figure's usual text (a lone member word is not a set's name)
            typical = float(np.median(sizes)) if sizes else 0.0
            if sizes[best] > typical and (not others or sizes[best] > max(others)):
                s.name, s.name_index = (els[ids[best]].text or "").strip(), ids[best]
                used.add(ids[best])

    for row, i in enumerate(ids):
        if i in used:
            continue
        g.text_region[i] = frozenset(
            shapes[k].name
            for k in np.flatnonzero(member[row])
            if shapes[k].name and shapes[k].kind in _SETS
        )

    inside_of = {
        i: {shapes[k].index for k in np.flatnonzero(member[row])} for row, i in enumerate(ids)
    }
    _nodes_and_edges(g, scene, visible, ids, centres, used, inside_of)
    return g


def _nodes_and_edges(
    g: RelationGraph, scene: Scene, visible: list[int], texts: list[int],
    centres: dict[int, np.ndarray], used: set[int], inside_of: dict[int, set[int]],
) -> None:  # fmt: skip
    """Nodes: closed shapes named by the text inside them (or by their own name), and points
    named by a text within LABEL_TOL_IN; edges: lines and arrows whose two ends touch nodes."""
    els = scene.elements
    node_polys: dict[str, tuple[int, np.ndarray | None, np.ndarray | None]] = {}
    # labelled points: markers and vertices named by a nearby text (one array for all of them)
    owners: list[int] = []
    chunks: list[np.ndarray] = []
    for i in visible:
        e = els[i]
        if e.kind in ("points", "scatter", "line", "polygon") and e.fig:
            arr = np.asarray([p[:2] for p in e.fig[:256]], dtype=float) * _inches(scene, e)
            chunks.append(arr)
            owners += [i] * len(arr)
    pts = np.vstack(chunks) if chunks else np.zeros((0, 2))
    owner = np.asarray(owners, dtype=np.int64)
    # a marker beats a line's vertex anywhere within the tolerance: a node's label sits on its
    # marker, and the edges to the node end there too
    marker = np.asarray([els[i].kind in ("points", "scatter") for i in owners], dtype=bool)

    used_as_point: set[int] = set()

    def label_points(markers_only: bool) -> None:
        for t in texts:
            if (
                t in used
                or t in used_as_point
                or t not in centres
                or t in g.label_of
                or not _is_name(els[t].text or "")
            ):
                continue
            if g.text_region.get(t) or not len(pts):  # inside a named region: its content
                continue
            d = _box_distance(scene, els[t], pts, centres[t])
            near = (d <= LABEL_TOL_IN) & (marker | (not markers_only))
            if not near.any():
                continue
            pool = np.flatnonzero(near & marker) if (near & marker).any() else np.flatnonzero(near)
            k = pool[np.argmin(d[pool])]
            g.label_of[t] = int(owner[k])
            g.points.setdefault((els[t].text or "").strip(), pts[k])
            node_polys.setdefault((els[t].text or "").strip(), (int(owner[k]), None, pts[k]))

    # 0. an annotation names the point its arrow or offset refers to (its xy)
    for t in texts:
        e = els[t]
        name = (e.text or "").strip()
        xy = e.props.get("xy_fig") if e.kind == "annotation" else None
        if t in used or not xy or not _is_name(name) or g.text_region.get(t):
            continue
        w, h = _inches(scene, e)
        at = np.asarray(xy[:2], dtype=float) * (w, h)
        if not np.isfinite(at).all():
            continue
        g.points.setdefault(name, at)
        if len(pts):
            d = np.hypot(*(pts - at).T)
            k = int(np.argmin(d))
            if d[k] <= TOUCH_TOL_IN:
                g.label_of[t] = int(owner[k])
        node_polys.setdefault(name, (g.label_of.get(t, t), None, at))
        used_as_point.add(t)
    # 1. texts next to a marker name that point
    label_points(markers_only=True)
    # 2. boxes and round nodes named by the one text inside them (not a text that labels a
    # marker: a point labelled inside a triangle names the point, not the triangle)
    for s in g.shapes:
        inner = [i for i in texts if i not in used and i not in g.label_of
                 and s.index in inside_of.get(i, ())]  # fmt: skip
        if len(inner) == 1 and s.area < 4.0 and s.kind in _BOXES:
            name = (els[inner[0]].text or "").strip()
            g.label_of[inner[0]] = s.index
        elif s.name:
            name = s.name
        else:
            continue
        node_polys.setdefault(name, (s.index, s.outline, None))
    # 3. the remaining texts name the line or polygon vertex next to them (geometry labels)
    label_points(markers_only=False)
    # 4. a short text that names nothing else is a node itself (a food web, a state diagram
    # drawn with plain words): its box is the node
    for t in texts:
        name = (els[t].text or "").strip()
        if (
            t in used
            or t in g.label_of
            or not _is_name(name)
            or g.text_region.get(t)
            or name in node_polys
        ):
            continue
        box = els[t].bbox
        if not box:
            continue
        w, h = _inches(scene, els[t])
        x0, y0, x1, y1 = box[0] * w, box[1] * h, box[2] * w, box[3] * h
        outline = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        node_polys[name] = (t, outline, None)
    g.nodes = {name: v[0] for name, v in node_polys.items()}
    if len(node_polys) < 2:
        return

    boxes = {
        name: (poly.min(axis=0) - TOUCH_TOL_IN, poly.max(axis=0) + TOUCH_TOL_IN)
        for name, (_, poly, _) in node_polys.items()
        if poly is not None
    }

    prevs = {name: _prev(poly) for name, (_, poly, _) in node_polys.items() if poly is not None}

    def node_at(p: np.ndarray) -> str | None:
        best = None
        for name, (_, poly, pt) in node_polys.items():
            if poly is not None:
                lo, hi = boxes[name]
                if (p < lo).any() or (p > hi).any():
                    continue
                pv = prevs[name]
                d = 0.0 if _inside(poly, p[None, :], pv)[0] else _dist_to_outline(poly, p, pv)
            else:
                d = float(np.hypot(*(pt - p)))
            if d <= TOUCH_TOL_IN and (best is None or d < best[0]):
                best = (d, name)
        return best[1] if best else None

    for i in visible:
        e = els[i]
        w, h = _inches(scene, e)
        ends: list[tuple[np.ndarray, np.ndarray, bool]] = []
        fig = [np.asarray(p[:2], dtype=float) for p in (e.fig or [])]
        if e.kind == "line" and e.n_points == 2 and len(fig) == 2:
            ends.append((fig[0] * (w, h), fig[1] * (w, h), False))
        elif e.kind == "line_collection" and e.count > 0 and e.n_points == 2 * e.count:
            for k in range(0, min(len(fig), 512) - 1, 2):  # two vertices per segment
                ends.append((fig[k] * (w, h), fig[k + 1] * (w, h), False))
        elif e.kind in ("arrow", "annotation"):
            if e.kind == "annotation" and not e.props.get("has_arrow"):
                continue
            tail = e.props.get("start_fig") or e.props.get("xytext_fig")
            head = e.props.get("end_fig") or e.props.get("xy_fig")
            if not (tail and head) and e.props.get("start") and e.props.get("end"):
                mapped = _data_to_fig(e, [e.props["start"], e.props["end"]])
                if mapped is not None:
                    tail, head = mapped
            if tail is not None and head is not None:
                ends.append((np.asarray(tail[:2], dtype=float) * (w, h),
                             np.asarray(head[:2], dtype=float) * (w, h), True))  # fmt: skip
        for p, q, directed in ends:
            a, b = node_at(p), node_at(q)
            if a and b and a != b:
                g.edges.append(Edge(a, b, directed, i))


def describe_regions(g: RelationGraph) -> list[str]:
    """One sentence per non-empty region of named shapes, e.g. "5 lies in A and B only" (texts
    that are not numbers quoted)."""
    out = []
    names = sorted(g.named_shapes())
    if len(names) < 2:
        return out
    seen: dict[frozenset[str], list[str]] = {}
    for i, region in g.text_region.items():
        text = (g.scene.elements[i].text or "").strip()
        seen.setdefault(region, []).append(text if _NUMERIC.match(text) else f'"{text}"')
    for region, items in sorted(seen.items(), key=lambda kv: (-len(kv[0]), sorted(kv[0]))):
        verb = "lies" if len(items) == 1 else "lie"
        where = (
            f"in {' and '.join(sorted(region))} only"
            if region
            else f"outside {' and '.join(names)}"
        )
        out.append(f"{', '.join(items)} {verb} {where}")
    return out


def describe_edges(g: RelationGraph, limit: int = 24) -> list[str]:
    """One sentence per edge: "A is connected to B" or "an arrow goes from A to B"."""
    out: list[str] = []
    for e in g.edges:
        s = f"an arrow goes from {e.a} to {e.b}" if e.directed else f"{e.a} is connected to {e.b}"
        if s not in out:
            out.append(s)
    return out[:limit]
