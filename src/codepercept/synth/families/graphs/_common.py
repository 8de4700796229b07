"""Shared pieces of the graphs families: node layouts, edge sampling, bounds and node drawing."""

from __future__ import annotations

import json
import math
import random
import string

from codepercept.synth.base import fmt, tries

LETTERS = string.ascii_uppercase
NODE_STYLES: tuple[tuple[str, str, str], ...] = (
    # face colour, edge colour, letter colour
    ("white", "black", "black"),
    ("#AED6F1", "#1B4F72", "black"),
    ("#F9E79F", "#7D6608", "black"),
    ("#D5F5E3", "#196F3D", "black"),
    ("#2E4053", "#2E4053", "white"),
    ("#FADBD8", "#922B21", "black"),
)
ACCENTS = ("#C0392B", "#1F77B4", "#D35400", "#8E44AD", "#16A085")

Point = tuple[float, float]


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _pt(p: Point) -> str:
    return f"({fmt(p[0])}, {fmt(p[1])})"


def _positions_literal(names: list[str], pos: dict[str, Point]) -> list[str]:
    return ["positions = {", *[f"    {_s(n)}: {_pt(pos[n])}," for n in names], "}"]


def _seg_dist(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment ab."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / L2))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def _edge_clear(u: str, v: str, pos: dict[str, Point], clearance: float) -> bool:
    return all(_seg_dist(pos[w], pos[u], pos[v]) > clearance for w in pos if w not in (u, v))


# -- layouts -------------------------------------------------------------------------------------


def _layout(rng: random.Random, n: int, kind: str) -> dict[str, Point]:
    names = list(LETTERS[:n])
    if kind == "circular":
        start = rng.choice([90.0, 90.0 + 180.0 / n, 0.0])
        return {
            name: (
                round(1.6 * math.cos(math.radians(start - 360.0 * i / n)), 2),
                round(1.6 * math.sin(math.radians(start - 360.0 * i / n)), 2),
            )
            for i, name in enumerate(names)
        }
    if kind == "rows":
        top = (n + 1) // 2
        pts = []
        for i in range(top):
            pts.append(
                (
                    round(1.3 * i + rng.uniform(-0.2, 0.2), 2),
                    round(1.2 + rng.uniform(-0.15, 0.15), 2),
                )
            )
        for i in range(n - top):
            pts.append(
                (
                    round(1.3 * i + 0.65 + rng.uniform(-0.2, 0.2), 2),
                    round(rng.uniform(-0.15, 0.15), 2),
                )
            )
        return dict(zip(names, pts, strict=True))
    # random, with a minimum spacing
    w, h = 4.2, 3.0
    for _ in tries("node layout with the minimum spacing"):
        pts: list[Point] = []
        for _ in range(400):
            p = (round(rng.uniform(0, w), 2), round(rng.uniform(0, h), 2))
            if all(math.hypot(p[0] - q[0], p[1] - q[1]) > 1.05 for q in pts):
                pts.append(p)
                if len(pts) == n:
                    break
        if len(pts) == n:
            pts.sort(key=lambda p: (round(-p[1] / 0.9), p[0]))  # reading order: letters go A..
            return dict(zip(names, pts, strict=True))


def _crosses(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    """Whether segments p1p2 and p3p4 cross at a point inside both."""

    def orient(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def _random_edges(
    rng: random.Random,
    pos: dict[str, Point],
    n_extra: int,
    clearance: float,
    planar: bool = False,
) -> list[tuple[str, str]]:
    """A connected edge set: a spanning tree over near neighbours, then extra short edges.

    Every edge stays at least ``clearance`` away from the vertices it does not join; with
    ``planar`` no two edges cross (so labels at their midpoints never collide at a crossing).
    """

    def fits(u: str, v: str, edges: set[tuple[str, str]]) -> bool:
        if not _edge_clear(u, v, pos, clearance):
            return False
        if not planar:
            return True
        return not any(
            _crosses(pos[u], pos[v], pos[a], pos[b]) for a, b in edges if len({a, b, u, v}) == 4
        )

    names = list(pos)
    for _ in range(200):
        order = names[:]
        rng.shuffle(order)
        edges: set[tuple[str, str]] = set()
        ok = True
        for i in range(1, len(order)):
            v = order[i]
            cands = sorted(order[:i], key=lambda u: math.dist(pos[u], pos[v]) + rng.uniform(0, 0.4))
            cands = [u for u in cands if fits(u, v, edges)]
            if not cands:
                ok = False
                break
            u = cands[0]
            edges.add((min(u, v), max(u, v)))
        if not ok:
            continue
        pairs = sorted(
            ((a, b) for a in names for b in names if a < b and (a, b) not in edges),
            key=lambda e: math.dist(pos[e[0]], pos[e[1]]) + rng.uniform(0, 0.8),
        )
        for a, b in pairs:
            if n_extra == 0:
                break
            if fits(a, b, edges):
                edges.add((a, b))
                n_extra -= 1
        return sorted(edges)
    raise RuntimeError("could not build a clear edge set")  # pragma: no cover


def _bounds(pos: dict[str, Point], pad: float) -> tuple[float, float, float, float]:
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad


def _limits(lines: list[str], pos: dict[str, Point], pad: float) -> None:
    x0, x1, y0, y1 = _bounds(pos, pad)
    lines += [
        f"ax.set_xlim({fmt(x0)}, {fmt(x1)})",
        f"ax.set_ylim({fmt(y0)}, {fmt(y1)})",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
    ]


def _figsize(pos: dict[str, Point], pad: float, scale: float = 1.25) -> str:
    x0, x1, y0, y1 = _bounds(pos, pad)
    w, h = (x1 - x0) * scale, (y1 - y0) * scale
    k = min(1.0, 6.5 / w, 6.0 / h)
    return f"({fmt(max(3.0, w * k), 1)}, {fmt(max(2.5, h * k), 1)})"


def _degrees(names: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    deg = dict.fromkeys(names, 0)
    for u, v in edges:
        deg[u] += 1
        deg[v] += 1
    return deg


def _label_offsets(
    pos: dict[str, Point], edges: list[tuple[str, str]], dist: float
) -> dict[str, Point]:
    """For each vertex, an offset for its letter in the widest gap between its edges."""
    out: dict[str, Point] = {}
    for v, (x, y) in pos.items():
        angles = [
            math.atan2(pos[w][1] - y, pos[w][0] - x)
            for a, b in edges
            for w in ((b,) if a == v else (a,) if b == v else ())
        ]

        def gap(t: float, angles: list[float] = angles) -> float:
            return min(
                (abs((t - a + math.pi) % (2 * math.pi) - math.pi) for a in angles), default=math.pi
            )

        cands = [math.radians(45 + 45 * k) for k in range(8)]  # upper right first
        best = max(cands, key=gap)
        out[v] = (round(dist * math.cos(best), 2), round(dist * math.sin(best), 2))
    return out


def _draw_nodes(
    lines: list[str],
    rng: random.Random,
    radius: float,
    pos: dict[str, Point],
    edges: list[tuple[str, str]],
) -> tuple[str, bool]:
    """Append the vertex loop; returns (style name, dots) where dots puts letters beside points."""
    dots = rng.random() < 0.25
    if dots:
        offsets = _label_offsets(pos, edges, radius * 1.2)
        lines += [
            "# Vertices: small dots, each letter set in the widest gap between its edges",
            "label_offsets = {",
            *[f"    {_s(v)}: {_pt(o)}," for v, o in offsets.items()],
            "}",
            "for name, (x, y) in positions.items():",
            f'    ax.add_patch(plt.Circle((x, y), {fmt(radius * 0.45)}, color="black", zorder=2))',
            "    dx, dy = label_offsets[name]",
            '    ax.text(x + dx, y + dy, name, ha="center", va="center", fontsize=14, zorder=3)',
        ]
        return "dots", True
    face, edge, ink = rng.choice(NODE_STYLES)
    lines += [
        "# Vertices: circles drawn over the edges, a letter in each",
        "for name, (x, y) in positions.items():",
        f'    ax.add_patch(plt.Circle((x, y), {fmt(radius)}, facecolor="{face}", '
        f'edgecolor="{edge}", linewidth=1.8, zorder=2))',
        f'    ax.text(x, y, name, ha="center", va="center", fontsize=14, color="{ink}", '
        'fontweight="bold", zorder=3)',
    ]
    return face, False
