"""Generation-time geometry for the solid_geometry families.

Everything here runs when a sample is generated, never inside the emitted program: parallel
projections, back-face visibility of convex polyhedra, ray-cast visibility for composites,
plane sections of convex polyhedra, cube nets and their folding, and hidden lines of
orthographic views of unit-cube solids. The emitted code only receives the results (which
edges are hidden, which faces are visible) as literal data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Vec = tuple[float, float, float]


# -- projections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """A parallel projection: ``matrix`` (2x3) maps 3D to the drawing plane; ``view`` is the
    direction of sight (from the eye into the scene). A face is front-facing iff its outward
    normal ``n`` has ``n . view < 0``."""

    matrix: np.ndarray
    view: np.ndarray

    def __call__(self, p) -> np.ndarray:
        return np.asarray(p, dtype=float) @ self.matrix.T


def oblique(scale: float, angle_deg: float) -> Projection:
    """Oblique projection, y receding: (x, y, z) -> (x + k y cos a, z + k y sin a).

    ``scale`` 0.5 is a cabinet projection, 1 a cavalier one. Points along
    (-k cos a, 1, -k sin a) share an image, and y grows away from the viewer.
    """
    a = math.radians(angle_deg)
    c, s = scale * math.cos(a), scale * math.sin(a)
    m = np.array([[1.0, c, 0.0], [0.0, s, 1.0]])
    return Projection(m, np.array([-c, 1.0, -s]))


def axonometric(elev_deg: float, azim_deg: float) -> Projection:
    """Orthographic view from the direction given by matplotlib's (elev, azim) convention."""
    el, az = math.radians(elev_deg), math.radians(azim_deg)
    eye = np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)])
    right = np.array([-math.sin(az), math.cos(az), 0.0])
    up = np.cross(eye, right)
    return Projection(np.array([right, up]), -eye)


# -- convex polyhedra --------------------------------------------------------------------------


@dataclass
class Polyhedron:
    """Vertices and faces (index loops, counter-clockwise seen from outside)."""

    vertices: np.ndarray
    faces: list[tuple[int, ...]]

    def normal(self, f: int) -> np.ndarray:
        """Outward normal of face ``f`` (Newell's method)."""
        pts = self.vertices[list(self.faces[f])]
        n = np.zeros(3)
        for a, b in zip(pts, np.roll(pts, -1, axis=0), strict=True):
            n += np.array(
                [
                    (a[1] - b[1]) * (a[2] + b[2]),
                    (a[2] - b[2]) * (a[0] + b[0]),
                    (a[0] - b[0]) * (a[1] + b[1]),
                ]
            )
        return n / np.linalg.norm(n)

    def edges(self) -> dict[tuple[int, int], list[int]]:
        """Each undirected edge ``(i, j)`` with i < j, mapped to its two adjacent faces."""
        out: dict[tuple[int, int], list[int]] = {}
        for f, loop in enumerate(self.faces):
            for a, b in zip(loop, loop[1:] + loop[:1], strict=True):
                out.setdefault((min(a, b), max(a, b)), []).append(f)
        return out

    def check(self) -> None:
        """Raise if a face is not planar-outward or an edge is not shared by two faces."""
        centre = self.vertices.mean(axis=0)
        for f, loop in enumerate(self.faces):
            n = self.normal(f)
            if np.dot(n, self.vertices[loop[0]] - centre) <= 0:
                raise ValueError(f"face {f} is not oriented outward")
        for e, fs in self.edges().items():
            if len(fs) != 2:
                raise ValueError(f"edge {e} borders {len(fs)} faces")

    def front_faces(self, view: np.ndarray) -> list[bool]:
        return [float(np.dot(self.normal(f), view)) < -1e-9 for f in range(len(self.faces))]

    def split_edges(self, view: np.ndarray) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Back-face test: an edge is hidden iff both its faces face away from the viewer."""
        front = self.front_faces(view)
        visible, hidden = [], []
        for e, (f1, f2) in sorted(self.edges().items()):
            (visible if front[f1] or front[f2] else hidden).append(e)
        return visible, hidden

    def halfspaces(self) -> tuple[np.ndarray, np.ndarray]:
        """(A, b) with the solid = {x : A x <= b}."""
        normals = np.array([self.normal(f) for f in range(len(self.faces))])
        b = np.array([normals[f] @ self.vertices[loop[0]] for f, loop in enumerate(self.faces)])
        return normals, b


def prism(base: np.ndarray, height: float) -> Polyhedron:
    """Right prism over a convex CCW polygon ``base`` (n x 2) in z = 0, top at z = height."""
    n = len(base)
    verts = [(x, y, 0.0) for x, y in base] + [(x, y, height) for x, y in base]
    faces: list[tuple[int, ...]] = [tuple(range(n - 1, -1, -1)), tuple(range(n, 2 * n))]
    faces += [(i, (i + 1) % n, n + (i + 1) % n, n + i) for i in range(n)]
    return Polyhedron(np.array(verts, dtype=float), faces)


def frustum(base: np.ndarray, top: np.ndarray, height: float) -> Polyhedron:
    """Frustum between CCW polygons ``base`` (z = 0) and ``top`` (z = height), same count."""
    n = len(base)
    verts = [(x, y, 0.0) for x, y in base] + [(x, y, height) for x, y in top]
    faces: list[tuple[int, ...]] = [tuple(range(n - 1, -1, -1)), tuple(range(n, 2 * n))]
    faces += [(i, (i + 1) % n, n + (i + 1) % n, n + i) for i in range(n)]
    return Polyhedron(np.array(verts, dtype=float), faces)


def pyramid(base: np.ndarray, apex: Vec) -> Polyhedron:
    """Pyramid over a convex CCW polygon ``base`` in z = 0 with the given apex."""
    n = len(base)
    verts = [(x, y, 0.0) for x, y in base] + [apex]
    faces: list[tuple[int, ...]] = [tuple(range(n - 1, -1, -1))]
    faces += [(i, (i + 1) % n, n) for i in range(n)]
    return Polyhedron(np.array(verts, dtype=float), faces)


def box(dx: float, dy: float, dz: float, origin: Vec = (0.0, 0.0, 0.0)) -> Polyhedron:
    """Axis-aligned box; vertices ABCD (bottom, CCW from the origin corner) then EFGH above."""
    x0, y0, z0 = origin
    base = np.array([(x0, y0), (x0 + dx, y0), (x0 + dx, y0 + dy), (x0, y0 + dy)])
    p = prism(base, dz)
    p.vertices[:, 2] += z0
    return p


def regular_polygon(n: int, radius: float, phase: float = 0.0) -> np.ndarray:
    t = phase + 2 * math.pi * np.arange(n) / n
    return np.column_stack([radius * np.cos(t), radius * np.sin(t)])


# -- plane sections ----------------------------------------------------------------------------


def plane_section(poly: Polyhedron, p: np.ndarray, q: np.ndarray, r: np.ndarray):
    """Polygon where the plane through p, q, r cuts a convex polyhedron.

    Returns ``(points, faces)``: the section vertices in cyclic order and, for each side
    points[i] -> points[i+1], the index of the polyhedron face that side lies on.
    """
    n = np.cross(q - p, r - p)
    n /= np.linalg.norm(n)
    dist = (poly.vertices - p) @ n
    pts: list[np.ndarray] = []
    for i, j in poly.edges():
        di, dj = dist[i], dist[j]
        if abs(di) < 1e-9:
            pts.append(poly.vertices[i])
        if abs(dj) < 1e-9:
            pts.append(poly.vertices[j])
        if di * dj < 0 and abs(di) > 1e-9 and abs(dj) > 1e-9:
            t = di / (di - dj)
            pts.append(poly.vertices[i] + t * (poly.vertices[j] - poly.vertices[i]))
    uniq: list[np.ndarray] = []
    for x in pts:
        if all(np.linalg.norm(x - y) > 1e-7 for y in uniq):
            uniq.append(x)
    centre = np.mean(uniq, axis=0)
    u = uniq[0] - centre
    u /= np.linalg.norm(u)
    w = np.cross(n, u)
    uniq.sort(key=lambda x: math.atan2((x - centre) @ w, (x - centre) @ u))
    a, b = poly.halfspaces()
    sides = []
    for k in range(len(uniq)):
        mid = (uniq[k] + uniq[(k + 1) % len(uniq)]) / 2
        sides.append(int(np.argmin(np.abs(a @ mid - b))))
    return np.array(uniq), sides


# -- ray-cast visibility (composites) ----------------------------------------------------------


def occluded(point: np.ndarray, view: np.ndarray, solids, eps: float = 1e-6) -> bool:
    """True iff the ray from ``point`` toward the eye passes through the inside of any convex
    solid given as halfspaces (A, b)."""
    for a, b in solids:
        t0, t1 = eps, math.inf
        # the ray is point - t * view, t > 0
        num = b - a @ point
        den = -(a @ view)
        for nu, de in zip(num, den, strict=True):
            if abs(de) < 1e-12:
                if nu < -1e-9:
                    t1 = -math.inf
                    break
                continue
            t = nu / de
            if de > 0:
                t1 = min(t1, t)
            else:
                t0 = max(t0, t)
        if t1 - t0 > 1e-4:
            return True
    return False


def visibility_runs(ts: np.ndarray, hidden: list[bool]) -> list[tuple[float, float, bool]]:
    """Group samples ``ts`` with hidden flags into maximal runs ``(t0, t1, hidden)``."""
    runs: list[tuple[float, float, bool]] = []
    start = 0
    for i in range(1, len(ts) + 1):
        if i == len(ts) or hidden[i] != hidden[start]:
            t_end = ts[i - 1] if i == len(ts) else (ts[i - 1] + ts[i]) / 2
            t_start = ts[0] if start == 0 else runs[-1][1]
            runs.append((float(t_start), float(t_end), hidden[start]))
            start = i
    return runs


# -- cube nets and folding ---------------------------------------------------------------------

_STEPS = {"E": (1, 0), "W": (-1, 0), "N": (0, 1), "S": (0, -1)}


def fold_net(cells: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int, int]] | None:
    """Fold a net of unit squares (drawn with x right, y up, printed side facing us) into a
    cube, squares folding away from us. Returns each cell's outward face normal, or ``None``
    if two cells land on the same face (not a net).

    The first cell becomes the front face (normal -y). Per face we track the outward normal
    ``f`` and the cube directions ``e``, ``n`` that the net's east and north point to on it
    (``e x n = f``); stepping east folds the next square to normal ``e`` with east ``-f``.
    """
    cellset = set(cells)
    start = cells[0]
    state = {start: ((0, -1, 0), (1, 0, 0), (0, 0, 1))}
    queue = [start]
    while queue:
        c = queue.pop(0)
        f, e, n = state[c]
        neg = lambda v: tuple(-x for x in v)  # noqa: E731
        moves = {
            "E": (e, neg(f), n),
            "W": (neg(e), f, n),
            "N": (n, e, neg(f)),
            "S": (neg(n), e, f),
        }
        for d, (dx, dy) in _STEPS.items():
            nb = (c[0] + dx, c[1] + dy)
            if nb in cellset and nb not in state:
                state[nb] = moves[d]
                queue.append(nb)
    normals = {c: s[0] for c, s in state.items()}
    if len(normals) != len(cells) or len(set(normals.values())) != 6:
        return None
    return normals


def _canonical(cells) -> tuple[tuple[int, int], ...]:
    best = None
    for k in range(8):
        pts = list(cells)
        for _ in range(k % 4):
            pts = [(-y, x) for x, y in pts]
        if k >= 4:
            pts = [(-x, y) for x, y in pts]
        mx, my = min(p[0] for p in pts), min(p[1] for p in pts)
        norm = tuple(sorted((x - mx, y - my) for x, y in pts))
        if best is None or norm < best:
            best = norm
    return best


def all_cube_nets() -> list[tuple[tuple[int, int], ...]]:
    """The 11 cube nets (up to rotation and reflection), found by folding every hexomino."""
    shapes = {((0, 0),)}
    for _ in range(5):
        grown = set()
        for s in shapes:
            for x, y in s:
                for dx, dy in _STEPS.values():
                    nb = (x + dx, y + dy)
                    if nb not in s:
                        grown.add(_canonical((*s, nb)))
        shapes = grown
    nets = sorted(s for s in shapes if fold_net(list(s)) is not None)
    return nets


# -- unit-cube solids: orthographic views ------------------------------------------------------


def view_lines(cells: set[tuple[int, int, int]], view: str):
    """Visible and hidden lines of an orthographic view of a union of unit cubes.

    ``view`` is "front" (looking along +y; u = x, v = z), "left" (from -x along +x;
    u = -y, v = z) or "top" (from +z down; u = x, v = y). Returns two lists of maximal
    segments ``((u0, v0), (u1, v1))`` in view coordinates: visible, hidden.
    A unit edge of the solid exists where the four cubes around it are not coplanar
    (1 or 3 filled, or 2 diagonal); it is hidden iff cubes lie strictly in front of it
    on both sides of its image.
    """
    # cells in view coordinates (u, v, w), w = depth, smaller is nearer
    if view == "front":
        vc = {(x, z, y) for x, y, z in cells}
    elif view == "left":
        vc = {(-y - 1, z, x) for x, y, z in cells}
    elif view == "top":
        vc = {(x, y, -z - 1) for x, y, z in cells}
    else:
        raise ValueError(f"unknown view {view!r}")
    us = [c[0] for c in vc]
    vs = [c[1] for c in vc]
    ws = [c[2] for c in vc]

    def is_edge(cs: list[bool]) -> bool:
        # cs: the 4 cells around the edge, in cyclic order
        k = sum(cs)
        return k in (1, 3) or (k == 2 and cs[0] == cs[2])

    def front_cover(u: int, v: int, w: int) -> bool:
        return any((u, v, ww) in vc for ww in range(min(ws), w))

    vis: set[tuple] = set()
    hid: set[tuple] = set()
    for w in range(min(ws), max(ws) + 2):
        # edges along u at (v, w): around cells (u, v-1|v, w-1|w)
        for u in range(min(us), max(us) + 1):
            for v in range(min(vs), max(vs) + 2):
                around = [(u, v - 1, w - 1), (u, v, w - 1), (u, v, w), (u, v - 1, w)]
                if is_edge([c in vc for c in around]):
                    seg = ("u", u, v)
                    if front_cover(u, v - 1, w) and front_cover(u, v, w):
                        hid.add(seg)
                    else:
                        vis.add(seg)
        for v in range(min(vs), max(vs) + 1):
            for u in range(min(us), max(us) + 2):
                around = [(u - 1, v, w - 1), (u, v, w - 1), (u, v, w), (u - 1, v, w)]
                if is_edge([c in vc for c in around]):
                    seg = ("v", u, v)
                    if front_cover(u - 1, v, w) and front_cover(u, v, w):
                        hid.add(seg)
                    else:
                        vis.add(seg)
    hid -= vis
    return _merge(vis), _merge(hid)


def _merge(units: set[tuple]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    out = []
    for axis in ("u", "v"):
        pts = sorted((s[2], s[1]) if axis == "u" else (s[1], s[2]) for s in units if s[0] == axis)
        # pts: (fixed coordinate, running coordinate)
        i = 0
        while i < len(pts):
            fixed, a = pts[i]
            b = a + 1
            while i + 1 < len(pts) and pts[i + 1] == (fixed, b):
                b += 1
                i += 1
            if axis == "u":
                out.append(((a, fixed), (b, fixed)))
            else:
                out.append(((fixed, a), (fixed, b)))
            i += 1
    return out


def exposed_faces(cells: set[tuple[int, int, int]], direction: tuple[int, int, int]) -> list:
    """Cells whose face in ``direction`` has no neighbouring cell."""
    dx, dy, dz = direction
    return sorted(c for c in cells if (c[0] + dx, c[1] + dy, c[2] + dz) not in cells)


# -- label placement ---------------------------------------------------------------------------


def label_directions(points: dict[str, np.ndarray], edges) -> dict[str, tuple[float, float]]:
    """Unit direction per point for its label: the bisector of the widest angular gap
    between the drawn segments leaving that point (so the label sits clear of them)."""
    out = {}
    centre = np.mean(list(points.values()), axis=0)
    for name, p in points.items():
        angles = []
        for a, b in edges:
            if name in (a, b):
                q = points[b if name == a else a]
                angles.append(math.atan2(q[1] - p[1], q[0] - p[0]))
        if not angles:
            d = p - centre
            ang = math.atan2(d[1], d[0])
        else:
            angles.sort()
            gaps = [
                ((angles[(i + 1) % len(angles)] - angles[i]) % (2 * math.pi) or 2 * math.pi, i)
                for i in range(len(angles))
            ]
            width, i = max(gaps)
            ang = angles[i] + width / 2
        out[name] = (math.cos(ang), math.sin(ang))
    return out


def side_offset(a: np.ndarray, b: np.ndarray, centre: np.ndarray) -> tuple[float, float]:
    """Unit normal of segment ab pointing away from ``centre``."""
    d = b - a
    n = np.array([-d[1], d[0]]) / np.linalg.norm(d)
    if np.dot((a + b) / 2 - centre, n) < 0:
        n = -n
    return float(n[0]), float(n[1])


def split_curve(sample, view: np.ndarray, solids, n: int = 61, min_frac: float = 0.004):
    """Split a curve ``sample(t)``, t in [0, 1], into maximal visible/hidden runs.

    Samples ``n`` points, locates each change of visibility by bisection, then drops runs
    shorter than ``min_frac`` (slivers where the curve grazes a silhouette) and merges the
    neighbours they separated. Returns ``[(t0, t1, hidden), ...]`` covering [0, 1].
    """

    def hid(t: float) -> bool:
        return occluded(sample(t), view, solids)

    ts = np.linspace(0.0, 1.0, n)
    flags = [hid(t) for t in ts]
    cuts = []
    for k in range(n - 1):
        if flags[k] != flags[k + 1]:
            lo, hi = ts[k], ts[k + 1]
            for _ in range(20):
                mid = (lo + hi) / 2
                if hid(mid) == flags[k]:
                    lo = mid
                else:
                    hi = mid
            cuts.append(((lo + hi) / 2, flags[k + 1]))
    runs = []
    start, state = 0.0, flags[0]
    for t, new_state in cuts:
        runs.append([start, t, state])
        start, state = t, new_state
    runs.append([start, 1.0, state])
    kept = [r for r in runs if r[1] - r[0] >= min_frac] or [max(runs, key=lambda r: r[1] - r[0])]
    merged: list[list] = []
    for r in kept:
        if merged and merged[-1][2] == r[2]:
            merged[-1][1] = r[1]
        else:
            if merged:  # close the gap left by a dropped sliver at the midpoint
                mid = (merged[-1][1] + r[0]) / 2
                merged[-1][1], r = mid, [mid, r[1], r[2]]
            merged.append(list(r))
    merged[0][0], merged[-1][1] = 0.0, 1.0
    return [(float(a), float(b), bool(h)) for a, b, h in merged]
