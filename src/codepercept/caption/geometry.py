"""Geometry read off a scene: labelled points, segments, and spatial relations between them.

All quantities are in the data coordinates of one axes, as rendered. Relations compare
elements of the same axes only. Tolerances are relative to the axes' data span so the same
figure drawn at another scale yields the same relations.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from codepercept.caption.index import element_vertices, label_points
from codepercept.caption.vocab import format_number
from codepercept.scene.model import Scene

__all__ = ["Relation", "Segment", "geometry_numbers", "relations", "segments"]


@dataclass(frozen=True)
class Segment:
    """A straight two-point line: endpoints, length, direction angle in degrees [0, 180)."""

    axes: int | None
    p: tuple[float, float]
    q: tuple[float, float]

    @property
    def length(self) -> float:
        return math.dist(self.p, self.q)

    @property
    def angle(self) -> float:
        a = math.degrees(math.atan2(self.q[1] - self.p[1], self.q[0] - self.p[0])) % 180.0
        return 0.0 if a > 179.95 else a


@dataclass(frozen=True)
class Relation:
    """``subject relation object``, e.g. ("A", "left of", "B"); names are labels or element names."""

    subject: str
    relation: str  # left of | above | inside | tangent to | intersects | collinear | parallel to
    object: str


def segments(scene: Scene) -> list[Segment]:
    """Visible 2D two-point lines (in draw order)."""
    out = []
    for e in scene.of_kind("line"):
        pts = [p[:2] for p in (e.data or [])]
        if e.n_points == 2 and len(pts) == 2 and math.dist(pts[0], pts[1]) > 0:
            out.append(Segment(e.axes, tuple(pts[0]), tuple(pts[1])))  # type: ignore[arg-type]
    return out


def _span(scene: Scene, axes: int | None) -> float:
    if axes is None or axes >= len(scene.axes):
        return 1.0
    a = scene.axes[axes]
    if a.xlim and a.ylim:
        return max(abs(a.xlim[1] - a.xlim[0]), abs(a.ylim[1] - a.ylim[0]), 1e-9)
    return 1.0


def _point_in_polygon(pt: list[float], poly: list[list[float]]) -> bool:
    x, y = pt
    inside = False
    for i in range(len(poly)):
        (x1, y1), (x2, y2) = poly[i][:2], poly[i - 1][:2]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _seg_dist(c: tuple[float, float], s: Segment) -> float:
    (px, py), (qx, qy) = s.p, s.q
    dx, dy = qx - px, qy - py
    t = max(0.0, min(1.0, ((c[0] - px) * dx + (c[1] - py) * dy) / (dx * dx + dy * dy)))
    return math.dist(c, (px + t * dx, py + t * dy))


def _cross(s: Segment, t: Segment, eps: float) -> bool:
    def orient(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(s.p, s.q, t.p), orient(s.p, s.q, t.q)
    d3, d4 = orient(t.p, t.q, s.p), orient(t.p, t.q, s.q)
    return d1 * d2 < -eps and d3 * d4 < -eps


def _seg_name(s: Segment, names: dict[tuple[float, float], str], i: int) -> str:
    a, b = names.get(_key(s.p)), names.get(_key(s.q))
    return f"segment {a}{b}" if a and b else f"line {i + 1}"


def _key(p: tuple[float, float] | list[float]) -> tuple[float, float]:
    return (round(float(p[0]), 2), round(float(p[1]), 2))


def relations(scene: Scene, limit: int = 12) -> list[Relation]:
    """Spatial relations computed from geometry, in a fixed order, at most ``limit``.

    * ``left of`` / ``above`` between consecutive labelled points (by reading order) when the
      separation exceeds 5 % of the axes span;
    * ``inside``: a labelled point strictly inside a circle or polygon (not on its boundary);
    * ``tangent to``: a circle whose centre is at distance radius (±1 %) from a segment;
    * ``intersects``: two segments crossing at interior points;
    * ``collinear``: three labelled points on one line (area below 0.1 % of span²);
    * ``parallel to``: two non-touching segments whose directions differ by < 0.5°.

    Relations are found lazily in that order and the search stops at ``limit`` (the pairwise
    segment tests are quadratic; a scene of many lines usually fills the limit early).
    """
    return list(itertools.islice(_relations(scene), max(limit, 0)))


def _relations(scene: Scene) -> Iterator[Relation]:
    spans: dict[int | None, float] = {}

    def span(ax: int | None) -> float:
        if ax not in spans:
            spans[ax] = _span(scene, ax)
        return spans[ax]

    pts = label_points(scene)
    names = {_key(p): n for n, (_, p) in pts.items()}
    order = sorted(pts, key=lambda n: (-round(pts[n][1][1], 1), pts[n][1][0]))
    for a, b in itertools.pairwise(order):
        (ax, pa), (_, pb) = pts[a], pts[b]
        tol = 0.05 * span(ax)
        if pa[0] < pb[0] - tol:
            yield Relation(a, "left of", b)
        if pa[1] > pb[1] + tol:
            yield Relation(a, "above", b)
    shapes = [
        (
            f"the circle centred at ({format_number(e.props['center'][0])}, "
            f"{format_number(e.props['center'][1])})",
            e,
        )
        for e in scene.of_kind("circle")
        if "center" in e.props and "radius" in e.props
    ]
    polygons = [(e, element_vertices(e)) for e in scene.of_kind("polygon")]
    for name, (ax, p) in pts.items():
        for sname, e in shapes:
            d = math.dist(p, e.props["center"][:2])
            if e.axes == ax and d < 0.98 * float(e.props["radius"]):
                yield Relation(name, "inside", sname)
        for i, (e, verts) in enumerate(polygons):
            on_vertex = any(math.dist(p, v) < 1e-6 * span(ax) + 1e-9 for v in verts)
            if e.axes == ax and len(verts) >= 3 and not on_vertex and _point_in_polygon(p, verts):
                yield Relation(name, "inside", f"polygon {i + 1}")
    segs = segments(scene)
    for sname, e in shapes:
        r = float(e.props["radius"])
        for i, s in enumerate(segs):
            if s.axes == e.axes and abs(_seg_dist(tuple(e.props["center"][:2]), s) - r) < 0.01 * r:
                yield Relation(sname, "tangent to", _seg_name(s, names, i))
    angles = [s.angle for s in segs]
    for i, s in enumerate(segs):
        eps = (0.001 * span(s.axes)) ** 2
        for j in range(i + 1, len(segs)):
            t = segs[j]
            if s.axes != t.axes:
                continue
            if _cross(s, t, eps):
                yield Relation(_seg_name(s, names, i), "intersects", _seg_name(t, names, j))
            elif abs(angles[i] - angles[j]) < 0.5 and _seg_dist(t.p, s) > 0.01 * span(s.axes):
                yield Relation(_seg_name(s, names, i), "parallel to", _seg_name(t, names, j))
    for i, a in enumerate(order):
        for b, c in zip(order[i + 1 :], order[i + 2 :], strict=False):
            (ax, pa), (bx, pb), (cx, pc) = pts[a], pts[b], pts[c]
            area = abs((pb[0] - pa[0]) * (pc[1] - pa[1]) - (pb[1] - pa[1]) * (pc[0] - pa[0]))
            if ax == bx == cx and area < 1e-3 * span(ax) ** 2:
                yield Relation(f"{a}, {b} and {c}", "collinear", "")


def geometry_numbers(scene: Scene) -> list[float]:
    """Numbers the describer may state from geometry: label coordinates, segment ends/lengths/angles.

    Rounded as the describer rounds them (2 decimals; angles 1 decimal).
    """
    out: list[float] = []
    for _, p in label_points(scene).values():
        out += [round(p[0], 2), round(p[1], 2)]
    for s in segments(scene):
        out += [round(s.length, 2), round(s.angle, 1), *(round(v, 2) for v in s.p + s.q)]
    for e in scene.of_kind("circle"):
        c = e.props.get("center")
        if c:
            out += [round(float(v), 2) for v in c[:2]]
    return out
