"""Families of the graphs domain: discrete-maths figures (networks, trees, flows, Venn diagrams,
number lines, lattice paths).

Layouts are computed at generation time (circular, layered, or random with a minimum spacing that
also keeps every edge clear of the vertices it does not join) and emitted as coordinate literals,
so the program a person reads is the figure: positions, edges, weights, then drawing loops.
"""

from __future__ import annotations

import heapq
import json
import math
import random
import string
from collections import deque
from itertools import pairwise

from codepercept.synth.base import Emitted, fmt, register

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
    while True:
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


# -- network -------------------------------------------------------------------------------------


@register(
    "network_graph",
    "graphs",
    "Undirected graph: lettered vertices (circles or dots) joined by edges, circular, two-row "
    "or spaced random layout.",
)
def network_graph(rng: random.Random) -> Emitted:
    n = rng.randint(5, 9)
    layout = rng.choice(["circular", "random", "rows"])
    pos = _layout(rng, n, layout)
    names = list(pos)
    radius = 0.22
    edges = _random_edges(rng, pos, rng.randint(1, n - 1), 1.3 * radius)
    edge_color = rng.choice(["black", "#555555", "#1F4E79"])
    title = rng.choice([None, "Graph G", f"A graph with {n} vertices"])

    lines = ["import matplotlib.pyplot as plt", ""]
    lines += ["# Vertex positions", *_positions_literal(names, pos)]
    lines.append("edges = [" + ", ".join(f"({_s(u)}, {_s(v)})" for u, v in edges) + "]")
    lines += ["", f"fig, ax = plt.subplots(figsize={_figsize(pos, 0.6)})"]
    lines += [
        "# Edges: straight segments between vertex centres",
        "for u, v in edges:",
        "    (x1, y1), (x2, y2) = positions[u], positions[v]",
        f'    ax.plot([x1, x2], [y1, y2], color="{edge_color}", linewidth=2, zorder=1)',
    ]
    style, _ = _draw_nodes(lines, rng, radius, pos, edges)
    lines.append("")
    _limits(lines, pos, 0.6)
    if title:
        lines.append(f"ax.set_title({_s(title)})")
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"

    deg = _degrees(names, edges)
    odd = [v for v in names if deg[v] % 2]
    top = max(deg.values())
    tops = [v for v in names if deg[v] == top]
    statements = [
        f"the graph has {n} vertices and {len(edges)} edges",
        *[f"vertex {v} has degree {deg[v]}" for v in names],
        f"the sum of the degrees is {2 * len(edges)}",
        f"the graph has {len(odd)} vertices of odd degree"
        + (f" ({', '.join(odd)})" if odd else ""),
        f"the largest degree is {top}, at {', '.join(tops)}",
    ]
    if not odd:
        statements.append("the graph has an Euler circuit")
    elif len(odd) == 2:
        statements.append(f"the graph has an Euler path from {odd[0]} to {odd[1]}")
    facts = {
        "statements": statements,
        "labels": [*names, *([title] if title else [])],
        "nodes": names,
        "positions": {k: list(v) for k, v in pos.items()},
        "edges": [[u, v] for u, v in edges],
        "n_nodes": n,
        "n_edges": len(edges),
        "degrees": deg,
        "odd_vertices": odd,
    }
    params = {"layout": layout, "node_style": style, "edge_color": edge_color, "n": n}
    return Emitted(code, params, facts)


# -- rooted tree ---------------------------------------------------------------------------------


def _general_tree(rng: random.Random) -> dict[int, list[int]]:
    """children lists of a random rooted tree with 6-13 nodes, depth 2-3, node 0 the root."""
    while True:
        children: dict[int, list[int]] = {0: []}
        frontier, nxt = [0], 1
        depth = rng.randint(2, 3)
        for d in range(depth):
            new = []
            for v in frontier:
                k = rng.choice([0, 1, 2, 2, 3]) if d else rng.randint(2, 3)
                for _ in range(k):
                    children[v].append(nxt)
                    children[nxt] = []
                    new.append(nxt)
                    nxt += 1
            frontier = new
            if not frontier:
                break
        if 6 <= nxt <= 13 and frontier:
            return children


def _layered_positions(children: dict[int, list[int]]) -> dict[int, tuple[float, int]]:
    """(x, depth): leaves at consecutive x in depth-first order, parents centred over children."""
    out: dict[int, tuple[float, int]] = {}
    next_leaf = [0.0]

    def place(v: int, d: int) -> float:
        if not children[v]:
            x = next_leaf[0]
            next_leaf[0] += 1.0
        else:
            xs = [place(c, d + 1) for c in children[v]]
            x = (xs[0] + xs[-1]) / 2
        out[v] = (x, d)
        return x

    place(0, 0)
    return out


def _bst(rng: random.Random) -> tuple[int, dict[int, list[int | None]]]:
    """A binary search tree from random keys: (root, key -> [left, right])."""
    keys = rng.sample(range(1, 100), rng.randint(7, 11))
    root = keys[0]
    kids: dict[int, list[int | None]] = {root: [None, None]}
    for k in keys[1:]:
        v = root
        while True:
            side = 0 if k < v else 1
            if kids[v][side] is None:
                kids[v][side] = k
                kids[k] = [None, None]
                break
            v = kids[v][side]
    return root, kids


@register(
    "rooted_tree",
    "graphs",
    "Rooted tree in a layered layout (top-down or left-to-right): a lettered general tree or a "
    "binary search tree of numbers.",
)
def rooted_tree(rng: random.Random) -> Emitted:
    kind = rng.choice(["general", "general", "bst"])
    if kind == "general":
        children = _general_tree(rng)
        order = sorted(children)  # breadth-first numbering already
        name = {v: LETTERS[i] for i, v in enumerate(order)}
        xy = _layered_positions(children)
        edges = [(name[p], name[c]) for p in order for c in children[p]]
        depth = {name[v]: d for v, (_, d) in xy.items()}
        raw = {name[v]: (x, d) for v, (x, d) in xy.items()}
        names = [name[v] for v in order]
        kids = {name[p]: [name[c] for c in children[p]] for p in order}
        sideways = rng.random() < 0.3
    else:
        root, bkids = _bst(rng)
        inorder: list[int] = []

        def walk(v: int | None, d: int) -> None:
            if v is None:
                return
            walk(bkids[v][0], d + 1)
            inorder.append(v)
            bdepth[v] = d
            walk(bkids[v][1], d + 1)

        bdepth: dict[int, int] = {}
        walk(root, 0)
        raw = {str(k): (float(i), bdepth[k]) for i, k in enumerate(inorder)}
        bfs = deque([root])
        names = []
        edges = []
        while bfs:
            v = bfs.popleft()
            names.append(str(v))
            for c in bkids[v]:
                if c is not None:
                    edges.append((str(v), str(c)))
                    bfs.append(c)
        depth = {str(k): d for k, d in bdepth.items()}
        kids = {str(k): [str(c) for c in bkids[k] if c is not None] for k in bkids}
        sideways = False
    gap_x = rng.choice([0.9, 1.0, 1.1])
    gap_y = rng.choice([1.1, 1.3])
    if sideways:
        pos = {v: (round(d * gap_y * 1.4, 2), round(-x * gap_x, 2)) for v, (x, d) in raw.items()}
    else:
        pos = {v: (round(x * gap_x, 2), round(-d * gap_y, 2)) for v, (x, d) in raw.items()}
    radius = 0.3
    height = max(depth.values())
    show_levels = not sideways and rng.random() < 0.4
    edge_color = rng.choice(["black", "#444444", "#7B241C"])

    lines = ["import matplotlib.pyplot as plt", ""]
    lines += ["# Node positions: one row per level, parents centred over their children"]
    lines += _positions_literal(names, pos)
    lines.append("edges = [" + ", ".join(f"({_s(u)}, {_s(v)})" for u, v in edges) + "]")
    lines += ["", f"fig, ax = plt.subplots(figsize={_figsize(pos, 0.7, 1.0)})"]
    lines += [
        "# Parent-child edges",
        "for parent, child in edges:",
        "    (x1, y1), (x2, y2) = positions[parent], positions[child]",
        f'    ax.plot([x1, x2], [y1, y2], color="{edge_color}", linewidth=1.8, zorder=1)',
    ]
    face, edge, ink = rng.choice(NODE_STYLES)
    fs = 12 if kind == "bst" else 14
    lines += [
        "# Nodes",
        "for name, (x, y) in positions.items():",
        f'    ax.add_patch(plt.Circle((x, y), {fmt(radius)}, facecolor="{face}", '
        f'edgecolor="{edge}", linewidth=1.8, zorder=2))',
        f'    ax.text(x, y, name, ha="center", va="center", fontsize={fs}, color="{ink}", '
        "zorder=3)",
    ]
    level_labels = []
    lo_x = min(p[0] for p in pos.values())
    if show_levels:
        level_labels = [f"Level {d}" for d in range(height + 1)]
        lines += [
            "# Level numbers down the left side",
            f"for level in range({height + 1}):",
            f'    ax.text({fmt(lo_x - 1.0)}, -level * {fmt(gap_y)}, f"Level {{level}}", '
            'ha="right", va="center", fontsize=11, color="gray")',
        ]
    lines.append("")
    x0, x1, y0, y1 = _bounds(pos, 0.6)
    if show_levels:
        x0 -= 1.9
    lines += [
        f"ax.set_xlim({fmt(x0)}, {fmt(x1)})",
        f"ax.set_ylim({fmt(y0)}, {fmt(y1)})",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
    ]
    title = "Binary search tree" if kind == "bst" and rng.random() < 0.5 else None
    if title:
        lines.append(f"ax.set_title({_s(title)})")
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"

    root = names[0]
    leaves = [v for v in names if not kids[v]]
    statements = [
        f"the tree has {len(names)} nodes and {len(edges)} edges",
        f"the root is {root}",
        f"the tree has height {height}",
        f"the leaves are {', '.join(leaves)}",
        f"the root has {len(kids[root])} children",
        *[f"{v} is the parent of {', '.join(kids[v])}" for v in names if kids[v]],
    ]
    if kind == "bst":
        statements.append("an in-order traversal visits " + ", ".join(str(k) for k in inorder))
    facts = {
        "statements": statements,
        "labels": [*names, *level_labels, *([title] if title else [])],
        "nodes": names,
        "edges": [[u, v] for u, v in edges],
        "n_nodes": len(names),
        "n_edges": len(edges),
        "root": root,
        "leaves": leaves,
        "height": height,
        "depths": depth,
        "children": kids,
    }
    if kind == "bst":
        facts["inorder"] = [str(k) for k in inorder]
    params = {"kind": kind, "sideways": sideways, "levels": show_levels, "n": len(names)}
    return Emitted(code, params, facts)


# -- weighted graph ------------------------------------------------------------------------------


def _dijkstra(adj: dict[str, list[tuple[str, int]]], src: str) -> tuple[dict[str, int], dict]:
    dist = {src: 0}
    count = {src: 1}  # number of shortest paths
    prev: dict[str, str] = {}
    heap = [(0, src)]
    done: set[str] = set()
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        for v, w in adj[u]:
            nd = d + w
            if v not in dist or nd < dist[v]:
                dist[v], prev[v], count[v] = nd, u, count[u]
                heapq.heappush(heap, (nd, v))
            elif nd == dist[v]:
                count[v] += count[u]
    return dist, {"prev": prev, "count": count}


def _mst(names: list[str], edges: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    parent = {v: v for v in names}

    def find(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    out = []
    for u, v, w in sorted(edges, key=lambda e: e[2]):
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[ru] = rv
            out.append((u, v, w))
    return out


@register(
    "weighted_graph",
    "graphs",
    "Weighted undirected graph with weights at edge midpoints; optionally a highlighted "
    "shortest path or minimum spanning tree.",
)
def weighted_graph(rng: random.Random) -> Emitted:
    n = rng.randint(5, 8)
    layout = rng.choice(["circular", "random", "rows"])
    pos = _layout(rng, n, layout)
    names = list(pos)
    radius = 0.24
    pairs = _random_edges(rng, pos, rng.randint(2, n), 1.4 * radius, planar=True)
    weights = rng.sample(range(1, 21), len(pairs))  # distinct: one minimum spanning tree
    edges = [(u, v, w) for (u, v), w in zip(pairs, weights, strict=True)]
    adj: dict[str, list[tuple[str, int]]] = {v: [] for v in names}
    for u, v, w in edges:
        adj[u].append((v, w))
        adj[v].append((u, w))
    target = names[-1]
    dist, info = _dijkstra(adj, "A")
    mode = rng.choice(["plain", "path", "mst"])
    if mode == "path" and info["count"][target] != 1:
        mode = "plain"
    path: list[str] = []
    if mode != "plain":
        v = target
        path = [v]
        while v != "A":
            v = info["prev"][v]
            path.append(v)
        path.reverse()
    mst = _mst(names, edges)
    if mode == "path":
        marked = {tuple(sorted(p)) for p in pairwise(path)}
    elif mode == "mst":
        marked = {(u, v) for u, v, _ in mst}
    else:
        marked = set()
    accent = rng.choice(ACCENTS)

    lines = ["import matplotlib.pyplot as plt", ""]
    lines += ["# Vertex positions", *_positions_literal(names, pos)]
    lines.append("# Edges as (u, v, weight)")
    lines.append("edges = [")
    lines += [f"    ({_s(u)}, {_s(v)}, {w})," for u, v, w in edges]
    lines.append("]")
    if marked:
        what = "shortest path from A to " + target if mode == "path" else "minimum spanning tree"
        lines.append(f"# Edges of the {what}, drawn thick")
        lines.append(
            "highlight = {" + ", ".join(f"({_s(u)}, {_s(v)})" for u, v in sorted(marked)) + "}"
        )
    lines += ["", f"fig, ax = plt.subplots(figsize={_figsize(pos, 0.6)})"]
    lines += [
        "# Edges, with the weight in a small white box at the midpoint",
        "for u, v, w in edges:",
    ]
    lines.append("    (x1, y1), (x2, y2) = positions[u], positions[v]")
    if marked:
        lines += [
            "    if (u, v) in highlight:",
            f'        ax.plot([x1, x2], [y1, y2], color="{accent}", linewidth=4, zorder=1)',
            "    else:",
            '        ax.plot([x1, x2], [y1, y2], color="gray", linewidth=1.5, zorder=1)',
        ]
    else:
        lines.append('    ax.plot([x1, x2], [y1, y2], color="black", linewidth=1.5, zorder=1)')
    lines += [
        '    ax.text((x1 + x2) / 2, (y1 + y2) / 2, str(w), ha="center", va="center", fontsize=11,',
        '            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", '
        '"edgecolor": "none"}, zorder=4)',
    ]
    style, _ = _draw_nodes(lines, rng, radius, pos, pairs)
    lines.append("")
    _limits(lines, pos, 0.6)
    title = None
    if mode == "path":
        title = f"Shortest path from A to {target}"
    elif mode == "mst":
        title = "Minimum spanning tree"
    elif rng.random() < 0.4:
        title = "Weighted graph"
    if title:
        lines.append(f"ax.set_title({_s(title)})")
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"

    mst_w = sum(w for *_, w in mst)
    statements = [
        f"the graph has {n} vertices and {len(edges)} weighted edges",
        *[f"the edge {u}{v} has weight {w}" for u, v, w in edges],
        f"the shortest distance from A to {target} is {dist[target]}",
        f"the minimum spanning tree has total weight {mst_w}",
    ]
    if mode == "path":
        statements.append(f"the highlighted path {'-'.join(path)} has length {dist[target]}")
    if mode == "mst":
        statements.append(f"the {len(mst)} highlighted edges form the minimum spanning tree")
    facts = {
        "statements": statements,
        "labels": [*names, *[str(w) for *_, w in edges], *([title] if title else [])],
        "nodes": names,
        "edges": [[u, v, w] for u, v, w in edges],
        "n_nodes": n,
        "n_edges": len(edges),
        "shortest_distances_from_A": dist,
        "mst_weight": mst_w,
        "mst_edges": [[u, v, w] for u, v, w in mst],
        "highlighted": sorted([u, v] for u, v in marked),
        "shortest_path": path if mode == "path" else None,
    }
    params = {"layout": layout, "mode": mode, "node_style": style, "n": n, "weights": weights}
    return Emitted(code, params, facts)


# -- flow network --------------------------------------------------------------------------------


def _max_flow(
    nodes: list[str], edges: list[tuple[str, str, int]], s: str, t: str
) -> tuple[int, dict[tuple[str, str], int], set[str]]:
    """Edmonds-Karp: (value, flow per edge, source side of a minimum cut)."""
    cap: dict[tuple[str, str], int] = {}
    adj: dict[str, set[str]] = {v: set() for v in nodes}
    for u, v, c in edges:
        cap[(u, v)] = cap.get((u, v), 0) + c
        cap.setdefault((v, u), 0)
        adj[u].add(v)
        adj[v].add(u)
    flow = dict.fromkeys(cap, 0)
    value = 0
    while True:
        prev = {s: s}
        q = deque([s])
        while q and t not in prev:
            u = q.popleft()
            for v in sorted(adj[u]):
                if v not in prev and cap[(u, v)] - flow[(u, v)] > 0:
                    prev[v] = u
                    q.append(v)
        if t not in prev:
            return value, {(u, v): flow[(u, v)] for u, v, _ in edges}, set(prev)
        path, v = [], t
        while v != s:
            path.append((prev[v], v))
            v = prev[v]
        push = min(cap[e] - flow[e] for e in path)
        for u, v in path:
            flow[(u, v)] += push
            flow[(v, u)] -= push
        value += push


@register(
    "flow_network",
    "graphs",
    "Directed flow network from s to t in layers, arrows labelled with capacities or flow/capacity.",
)
def flow_network(rng: random.Random) -> Emitted:
    n_layers = rng.randint(1, 3)
    layers = [rng.randint(2, 3) for _ in range(n_layers)]
    letters = iter(LETTERS.lower() if rng.random() < 0.5 else LETTERS)
    numbered = rng.random() < 0.3
    names_by_layer: list[list[str]] = [["s"]]
    k = 1
    for size in layers:
        layer = []
        for _ in range(size):
            layer.append(str(k) if numbered else next(letters))
            k += 1
        names_by_layer.append(layer)
    names_by_layer.append(["t"])
    gap_x = rng.choice([2.0, 2.3])
    pos: dict[str, Point] = {}
    for i, layer in enumerate(names_by_layer):
        for j, v in enumerate(layer):
            y = (len(layer) - 1) / 2 - j
            pos[v] = (
                round(i * gap_x, 2),
                round(1.5 * y + rng.uniform(-0.15, 0.15) * (0 < i < len(names_by_layer) - 1), 2),
            )
    edges: list[tuple[str, str, int]] = []
    for a, b in pairwise(names_by_layer):
        # A monotone staircase between consecutive layers: every vertex is used and, since
        # both indices only grow, no two arrows cross.
        i = j = 0
        edges.append((a[0], b[0], rng.randint(2, 12)))
        while (i, j) != (len(a) - 1, len(b) - 1):
            steps = [s for s, ok in (("i", i < len(a) - 1), ("j", j < len(b) - 1)) if ok]
            if len(steps) == 2:
                steps.append("ij")
            step = rng.choice(steps)
            i += "i" in step
            j += "j" in step
            edges.append((a[i], b[j], rng.randint(2, 12)))
    # a vertical edge inside one middle layer
    if rng.random() < 0.5:
        layer = rng.choice(names_by_layer[1:-1])
        u, v = layer[0], layer[1]
        edges.append((u, v, rng.randint(1, 6)))
    edges = sorted(set(edges), key=lambda e: (list(pos).index(e[0]), list(pos).index(e[1])))
    nodes = list(pos)
    value, flow, cut_side = _max_flow(nodes, edges, "s", "t")
    show_flow = rng.random() < 0.5
    radius = 0.3
    face, edge_c, ink = rng.choice(NODE_STYLES[:4])
    accent = rng.choice(ACCENTS)
    labels_for = {(u, v): f"{flow[(u, v)]}/{c}" if show_flow else str(c) for u, v, c in edges}

    lines = [
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "from matplotlib.patches import FancyArrowPatch",
        "",
    ]
    lines += ["# Vertex positions: source s on the left, sink t on the right"]
    lines += _positions_literal(nodes, pos)
    if show_flow:
        lines.append("# Directed edges as (tail, head, flow, capacity)")
        lines.append("edges = [")
        lines += [f"    ({_s(u)}, {_s(v)}, {flow[(u, v)]}, {c})," for u, v, c in edges]
    else:
        lines.append("# Directed edges as (tail, head, capacity)")
        lines.append("edges = [")
        lines += [f"    ({_s(u)}, {_s(v)}, {c})," for u, v, c in edges]
    lines += ["]", f"radius = {fmt(radius)}", ""]
    lines.append(f"fig, ax = plt.subplots(figsize={_figsize(pos, 0.7, 1.1)})")
    loop = "for u, v, f, c in edges:" if show_flow else "for u, v, c in edges:"
    text = 'f"{f}/{c}"' if show_flow else "str(c)"
    lines += [
        "# Arrows from circle edge to circle edge, label beside the midpoint",
        loop,
        "    start, end = np.array(positions[u]), np.array(positions[v])",
        "    direction = (end - start) / np.linalg.norm(end - start)",
        "    ax.add_patch(FancyArrowPatch(start + radius * direction, end - radius * direction,",
        '                                 arrowstyle="-|>", mutation_scale=18, linewidth=1.6,',
        '                                 color="#333333", shrinkA=0, shrinkB=0))',
        "    normal = np.array([-direction[1], direction[0]])",
        "    label_x, label_y = (start + end) / 2 + 0.3 * normal",
        f'    ax.text(label_x, label_y, {text}, ha="center", va="center", fontsize=11, '
        f'color="{accent}",',
        '            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})',
        "# Vertices; source and sink shaded",
        "for name, (x, y) in positions.items():",
        f'    color = "#D5D8DC" if name in ("s", "t") else "{face}"',
        "    ax.add_patch(plt.Circle((x, y), radius, facecolor=color, "
        f'edgecolor="{edge_c}", linewidth=1.8, zorder=2))',
        f'    ax.text(x, y, name, ha="center", va="center", fontsize=14, color="{ink}", '
        'fontweight="bold", zorder=3)',
        "",
    ]
    _limits(lines, pos, 0.7)
    title = rng.choice([None, "Flow network", f"Maximum flow = {value}" if show_flow else None])
    if title:
        lines.append(f"ax.set_title({_s(title)})")
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"

    cut = [(u, v, c) for u, v, c in edges if u in cut_side and v not in cut_side]
    statements = [
        f"the network has {len(nodes)} vertices and {len(edges)} directed edges",
        "the source is s and the sink is t",
        *[f"the edge {u}->{v} has capacity {c}" for u, v, c in edges],
        f"the maximum flow from s to t is {value}",
        "a minimum cut separates {" + ", ".join(sorted(cut_side)) + "} from the rest, "
        f"with capacity {sum(c for *_, c in cut)}",
    ]
    if show_flow:
        statements.append("each edge is labelled flow/capacity with a maximum flow")
    facts = {
        "statements": statements,
        "labels": [*nodes, *labels_for.values(), *([title] if title else [])],
        "nodes": nodes,
        "edges": [[u, v, c] for u, v, c in edges],
        "flows": [[u, v, flow[(u, v)]] for u, v, _ in edges] if show_flow else None,
        "n_nodes": len(nodes),
        "n_edges": len(edges),
        "max_flow": value,
        "min_cut": [[u, v, c] for u, v, c in cut],
    }
    params = {"layers": layers, "show_flow": show_flow, "numbered": numbered}
    return Emitted(code, params, facts)


# -- Venn diagram --------------------------------------------------------------------------------

VENN_TOPICS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Sports played by students", ("Football", "Tennis", "Swimming"), "Students"),
    ("Languages studied", ("French", "Spanish", "German"), "Pupils"),
    ("Pets owned", ("Dog", "Cat", "Fish"), "Families"),
    ("Clubs joined", ("Chess", "Drama", "Music"), "Members"),
    ("", ("A", "B", "C"), "U"),
)


@register(
    "venn_diagram",
    "graphs",
    "Venn diagram of 2 or 3 sets with the number of elements in every region, in or without a "
    "universal rectangle.",
)
def venn_diagram(rng: random.Random) -> Emitted:
    title, set_names_all, universe = rng.choice(VENN_TOPICS)
    k = rng.choice([2, 3])
    sets = list(set_names_all[:k])
    r = 1.0
    if k == 2:
        centers = [(-0.6, 0.0), (0.6, 0.0)]
        regions = {"10": (-1.0, 0.0), "01": (1.0, 0.0), "11": (0.0, 0.0)}
        label_at = [(-1.1, 1.18), (1.1, 1.18)]
    else:
        centers = [(-0.6, 0.4), (0.6, 0.4), (0.0, -0.55)]
        regions = {
            "100": (-1.0, 0.65), "010": (1.0, 0.65), "001": (0.0, -1.05),
            "110": (0.0, 0.85), "101": (-0.62, -0.25), "011": (0.62, -0.25), "111": (0.0, 0.1),
        }  # fmt: skip
        label_at = [(-1.3, 1.55), (1.3, 1.55), (0.0, -1.85)]
    counts = {
        code: rng.randint(0 if len(code) == 3 and code == "111" else 1, 15) for code in regions
    }
    with_universe = universe == "U" or rng.random() < 0.6
    outside = rng.randint(0, 12) if with_universe else 0
    colored = rng.random() < 0.65
    colors = rng.sample(["#E74C3C", "#3498DB", "#2ECC71", "#F1C40F", "#9B59B6", "#E67E22"], k)
    x0, x1 = (-2.0, 2.0) if k == 2 else (-2.1, 2.1)
    y0, y1 = (-1.5, 1.6) if k == 2 else (-2.1, 1.9)

    lines = ["import matplotlib.pyplot as plt", ""]
    lines += [
        "# Sets: name, centre of its circle, colour",
        f"set_names = {json.dumps(sets)}",
        "centers = [" + ", ".join(_pt(c) for c in centers) + "]",
    ]
    if colored:
        lines.append(f"colors = {json.dumps(colors)}")
    lines += [f"radius = {fmt(r)}", "# Number of elements in each region, placed at its middle"]
    lines.append("region_counts = [")
    for code, p in regions.items():
        inside = [sets[i] for i, b in enumerate(code) if b == "1"]
        lines.append(
            f"    ({_pt(p)}, {counts[code]}),  # {' and '.join(inside)} only"
            if code.count("1") < k
            else f"    ({_pt(p)}, {counts[code]}),  # all {k} sets"
        )
    lines += [
        "]",
        "",
        f"fig, ax = plt.subplots(figsize=({fmt((x1 - x0) * 1.3, 1)}, {fmt((y1 - y0) * 1.3, 1)}))",
    ]
    if with_universe:
        lines += [
            "# The universal set",
            f"ax.add_patch(plt.Rectangle(({fmt(x0 + 0.1)}, {fmt(y0 + 0.1)}), {fmt(x1 - x0 - 0.2)}, "
            f'{fmt(y1 - y0 - 0.2)}, fill=False, edgecolor="black", linewidth=1.5))',
            f"ax.text({fmt(x0 + 0.25)}, {fmt(y0 + 0.35)}, {_s(universe)}, fontsize=14, "
            'fontstyle="italic")',
            f'ax.text({fmt(x1 - 0.45)}, {fmt(y0 + 0.35)}, "{outside}", fontsize=13, ha="center")',
        ]
    lines.append("# One circle per set, its name outside the top")
    if colored:
        lines += [
            "for name, center, color, (lx, ly) in zip(set_names, centers, colors, "
            + "["
            + ", ".join(_pt(p) for p in label_at)
            + "]):",
            "    ax.add_patch(plt.Circle(center, radius, facecolor=color, alpha=0.3, "
            "edgecolor=color, linewidth=2))",
            '    ax.text(lx, ly, name, ha="center", va="center", fontsize=14, color=color, '
            'fontweight="bold")',
        ]
    else:
        lines += [
            "for name, center, (lx, ly) in zip(set_names, centers, "
            + "["
            + ", ".join(_pt(p) for p in label_at)
            + "]):",
            '    ax.add_patch(plt.Circle(center, radius, fill=False, edgecolor="black", '
            "linewidth=1.8))",
            '    ax.text(lx, ly, name, ha="center", va="center", fontsize=14)',
        ]
    lines += [
        "# Region counts",
        "for (x, y), count in region_counts:",
        '    ax.text(x, y, str(count), ha="center", va="center", fontsize=13)',
        "",
        f"ax.set_xlim({fmt(x0)}, {fmt(x1)})",
        f"ax.set_ylim({fmt(y0)}, {fmt(y1)})",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
    ]
    if title:
        lines.append(f"ax.set_title({_s(title)})")
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"

    size = [sum(c for code, c in counts.items() if code[i] == "1") for i in range(k)]
    union = sum(counts.values())
    statements = [f"the diagram shows {k} overlapping sets: {', '.join(sets)}"]
    statements += [f"{s} has {n} elements" for s, n in zip(sets, size, strict=True)]
    if k == 2:
        statements += [
            f"{counts['11']} elements are in both {sets[0]} and {sets[1]}",
            f"{counts['10']} are in {sets[0]} only and {counts['01']} in {sets[1]} only",
        ]
    else:
        statements.append(f"{counts['111']} elements are in all three sets")
        statements.append(
            f"{counts['110'] + counts['111']} elements are in both {sets[0]} and {sets[1]}"
        )
    statements.append(f"the union has {union} elements")
    if with_universe:
        statements.append(
            f"{outside} elements are outside every set; the total is {union + outside}"
        )
    labels = [*sets, *[str(c) for c in counts.values()]]
    if with_universe:
        labels += [universe, str(outside)]
    if title:
        labels.append(title)
    facts = {
        "statements": statements,
        "labels": labels,
        "sets": sets,
        "n_sets": k,
        "regions": counts,
        "set_sizes": dict(zip(sets, size, strict=True)),
        "union": union,
        "outside": outside if with_universe else None,
        "total": union + outside,
        "universe": with_universe,
    }
    params = {"k": k, "topic": title or "abstract", "colored": colored, "universe": with_universe}
    return Emitted(code, params, facts)


# -- number line ---------------------------------------------------------------------------------


def _tick(v: int) -> str:
    """Tick label as matplotlib draws it (a true minus sign)."""
    return f"\u2212{-v}" if v < 0 else str(v)


@register(
    "number_line",
    "graphs",
    "Number line: an inequality's solution set (segments, rays, open/closed circles), labelled "
    "points, or jumps drawn as arcs.",
)
def number_line(rng: random.Random) -> Emitted:
    mode = rng.choice(["interval", "rays", "points", "jumps"])
    lo = rng.randint(-8, -3)
    hi = lo + rng.randint(9, 13)
    color = rng.choice(ACCENTS)
    # jumps: sampled before the axis is written, since tall arcs need head room
    start = rng.randint(lo + 1, lo + (hi - lo) // 2)
    big = rng.random() < 0.4
    n_jumps = 1 if big else rng.randint(2, 4)
    size = (
        rng.randint(3, hi - start - 1)
        if big
        else rng.randint(1, max(1, (hi - 1 - start) // n_jumps))
    )
    top = max(1.5, 0.25 * size + 0.9) if mode == "jumps" else 1.5
    lines = ["import matplotlib.pyplot as plt"]
    if mode == "jumps":
        lines.append("from matplotlib.patches import FancyArrowPatch")
    lines += ["", f"fig, ax = plt.subplots(figsize=({fmt(0.55 * (hi - lo) + 1.5, 1)}, 2.0))"]
    axis = [
        "# The x-axis is the number line: one tick per integer, nothing else",
        'for side in ("left", "right", "top"):',
        "    ax.spines[side].set_visible(False)",
        'ax.spines["bottom"].set_position(("data", 0))',
        "ax.set_yticks([])",
        f"ax.set_xticks(range({lo}, {hi + 1}))",
        f"ax.set_xlim({fmt(lo - 0.7)}, {fmt(hi + 0.7)})",
        f"ax.set_ylim(-1, {fmt(top)})",
        "# Arrowheads at both ends",
        'ax.plot(1, 0, ">k", transform=ax.get_yaxis_transform(), clip_on=False)',
        'ax.plot(0, 0, "<k", transform=ax.get_yaxis_transform(), clip_on=False)',
    ]
    facts: dict = {"ticks": list(range(lo, hi + 1))}
    labels = [_tick(v) for v in range(lo, hi + 1)]
    statements = [f"the number line runs from {lo} to {hi} with integer ticks"]
    endpoints: list[tuple[int, bool]] = []  # (value, closed)
    title = None
    if mode == "interval":
        a = rng.randint(lo + 1, hi - 4)
        b = rng.randint(a + 2, hi - 1)
        ca, cb = rng.random() < 0.5, rng.random() < 0.5
        ineq = f"{a} {'≤' if ca else '<'} x {'≤' if cb else '<'} {b}"
        endpoints = [(a, ca), (b, cb)]
        lines += [
            *axis,
            "# Solution set: the segment between the endpoints",
            f'ax.plot([{a}, {b}], [0, 0], color="{color}", linewidth=5, solid_capstyle="butt")',
        ]
        statements.append(f"the shaded segment shows {ineq}")
        facts["inequality"] = ineq
        facts["interval"] = [a, b]
    elif mode == "rays":
        union = rng.random() < 0.5
        if union:
            a = rng.randint(lo + 1, lo + (hi - lo) // 2 - 1)
            b = rng.randint(a + 2, hi - 2)
            ca, cb = rng.random() < 0.5, rng.random() < 0.5
            ineq = f"x {'≤' if ca else '<'} {a} or x {'≥' if cb else '>'} {b}"
            endpoints = [(a, ca), (b, cb)]
            rays = [(a, lo - 0.6), (b, hi + 0.6)]
        else:
            a = rng.randint(lo + 2, hi - 2)
            ca = rng.random() < 0.5
            right = rng.random() < 0.5
            ineq = f"x {('≥' if ca else '>') if right else ('≤' if ca else '<')} {a}"
            endpoints = [(a, ca)]
            rays = [(a, hi + 0.6 if right else lo - 0.6)]
        lines += [*axis, "# Solution set: ray(s) running off the end of the line"]
        for start, end in rays:
            lines.append(
                f'ax.annotate("", xy=({fmt(end)}, 0), xytext=({start}, 0), '
                f'arrowprops={{"arrowstyle": "-|>", "color": "{color}", "linewidth": 4, '
                '"shrinkA": 0, "shrinkB": 0})'
            )
        statements.append(f"the shaded part shows {ineq}")
        facts["inequality"] = ineq
        facts["n_rays"] = len(rays)
    if mode in ("interval", "rays"):
        lines.append("# Endpoints: filled when included, open when excluded")
        for v, closed in endpoints:
            face = color if closed else "white"
            lines.append(
                f'ax.plot({v}, 0, "o", markersize=11, markerfacecolor="{face}", '
                f'markeredgecolor="{color}", markeredgewidth=2, zorder=3)'
            )
            statements.append(
                f"{v} is {'included (closed circle)' if closed else 'excluded (open circle)'}"
            )
        if rng.random() < 0.5:
            title = facts["inequality"]
    elif mode == "points":
        m = rng.randint(3, 4)
        halves = rng.random() < 0.5
        step = 0.5 if halves else 1
        grid = [lo + step * i for i in range(1, int((hi - lo) / step))]
        while True:
            vals = sorted(rng.sample(grid, m))
            if all(b - a >= 1 for a, b in pairwise(vals)):
                break
        names = rng.sample(list("ABCDEPQR"), m)
        lines += [
            *axis,
            "# Labelled points",
            f"points = {{{', '.join(f'{_s(n)}: {fmt(v)}' for n, v in zip(names, vals, strict=True))}}}",
            "for name, x in points.items():",
            f'    ax.plot(x, 0, "o", markersize=9, color="{color}", zorder=3)',
            '    ax.text(x, 0.35, name, ha="center", fontsize=14, fontweight="bold")',
        ]
        labels += names
        for n_, v in zip(names, vals, strict=True):
            statements.append(f"point {n_} is at {fmt(v)}")
        far = max(zip(names, vals, strict=True), key=lambda t: t[1])
        statements.append(f"{far[0]} is the point furthest to the right")
        facts["points"] = dict(zip(names, vals, strict=True))
        endpoints = [(v, True) for v in vals]
    else:  # jumps
        end = start + size * n_jumps
        lines += [
            *axis,
            "# Start and end points",
            f'ax.plot({start}, 0, "o", markersize=9, color="black", zorder=3)',
            f'ax.plot({end}, 0, "o", markersize=9, color="{color}", zorder=3)',
            f"# {n_jumps} jump(s) of +{size}, each an arc with its size on top",
            f"for x in range({start}, {end}, {size}):",
            f"    ax.add_patch(FancyArrowPatch((x, 0.05), (x + {size}, 0.05), "
            'connectionstyle="arc3,rad=-0.5",',
            f'                                 arrowstyle="-|>", mutation_scale=14, color="{color}", '
            "linewidth=1.6))",
            f'    ax.text(x + {fmt(size / 2)}, {fmt(0.25 * size + 0.12)}, "+{size}", ha="center", '
            "fontsize=12)",
        ]
        labels += [f"+{size}"] * n_jumps
        sentence = (
            f"{start} + {n_jumps * size} = {end}"
            if n_jumps == 1
            else f"{start} + {' + '.join([str(size)] * n_jumps)} = {end}"
        )
        statements += [
            f"{n_jumps} jump(s) of {size} go from {start} to {end}",
            f"the figure shows {sentence}",
        ]
        facts.update(start=start, end=end, jump=size, n_jumps=n_jumps)
        endpoints = [(start, True), (end, True)]
    if title:
        lines.append(f"ax.set_title({_s(title)}, fontsize=14)")
        labels.append(title)
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"
    facts.update(
        statements=statements,
        labels=labels,
        mode=mode,
        markers=[[v, closed] for v, closed in endpoints],
        n_open=sum(1 for _, c in endpoints if not c),
        n_closed=sum(1 for _, c in endpoints if c),
    )
    params = {"mode": mode, "lo": lo, "hi": hi, "color": color}
    return Emitted(code, params, facts)


# -- lattice paths -------------------------------------------------------------------------------


def _count_paths(m: int, n: int, blocked: set[tuple[int, int]]) -> int:
    """Monotone (right/up) paths from (0, 0) to (m, n) avoiding the blocked points."""
    ways = [[0] * (n + 1) for _ in range(m + 1)]
    for x in range(m + 1):
        for y in range(n + 1):
            if (x, y) in blocked:
                continue
            if x == 0 and y == 0:
                ways[x][y] = 1
                continue
            ways[x][y] = (ways[x - 1][y] if x else 0) + (ways[x][y - 1] if y else 0)
    return ways[m][n]


def _random_path(
    rng: random.Random, m: int, n: int, blocked: set[tuple[int, int]]
) -> list[tuple[int, int]] | None:
    """A uniformly chosen monotone path avoiding ``blocked`` (None if there is none)."""
    # ways_to_end[x][y]: paths from (x, y) to (m, n)
    ways = [[0] * (n + 2) for _ in range(m + 2)]
    for x in range(m, -1, -1):
        for y in range(n, -1, -1):
            if (x, y) in blocked:
                continue
            ways[x][y] = 1 if (x, y) == (m, n) else ways[x + 1][y] + ways[x][y + 1]
    if ways[0][0] == 0:
        return None
    path = [(0, 0)]
    x = y = 0
    while (x, y) != (m, n):
        r, u = ways[x + 1][y], ways[x][y + 1]
        if rng.random() < r / (r + u):
            x += 1
        else:
            y += 1
        path.append((x, y))
    return path


@register(
    "lattice_path",
    "graphs",
    "Lattice paths on a street grid or a grid of cells from A to B, with blocked points or "
    "cells, a required stop C, and one highlighted path.",
)
def lattice_path(rng: random.Random) -> Emitted:
    mode = rng.choice(["streets", "cells", "via"])
    color = rng.choice(ACCENTS)
    grid_color = rng.choice(["#888888", "black", "#5D6D7E"])
    lines = ["import matplotlib.pyplot as plt", ""]
    if mode == "cells":
        cols, rows = rng.randint(4, 7), rng.randint(3, 5)
        m, n = cols - 1, rows - 1  # moves between cell centres
        while True:
            nb = rng.randint(2, 4)
            cells = [
                (x, y) for x in range(cols) for y in range(rows) if (x, y) not in ((0, 0), (m, n))
            ]
            blocked = set(rng.sample(cells, nb))
            path = _random_path(rng, m, n, blocked)
            if path is not None:
                break
        count = _count_paths(m, n, blocked)
        lines += [
            f"columns, rows = {cols}, {rows}",
            "# Blocked cells (column, row), counted from the bottom-left",
            "blocked = [" + ", ".join(f"({x}, {y})" for x, y in sorted(blocked)) + "]",
            "# One path from A to B through cell centres, moving only right or up",
            "path = [" + ", ".join(f"({x}, {y})" for x, y in path) + "]",
            "",
            f"fig, ax = plt.subplots(figsize=({fmt(0.8 * cols + 0.6, 1)}, {fmt(0.8 * rows + 0.6, 1)}))",
            "# Grid of unit cells",
            "for x in range(columns + 1):",
            f'    ax.plot([x, x], [0, rows], color="{grid_color}", linewidth=1)',
            "for y in range(rows + 1):",
            f'    ax.plot([0, columns], [y, y], color="{grid_color}", linewidth=1)',
            "# Blocked cells are shaded",
            "for x, y in blocked:",
            '    ax.add_patch(plt.Rectangle((x, y), 1, 1, facecolor="#404040"))',
            "# The path, through the centres of the cells",
            "xs = [x + 0.5 for x, _ in path]",
            "ys = [y + 0.5 for _, y in path]",
            f'ax.plot(xs, ys, color="{color}", linewidth=3, marker="o", markersize=5)',
            "# Start and end cells",
            'ax.text(0.5, 0.5, "A", ha="center", va="center", fontsize=15, fontweight="bold", '
            'bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})',
            f'ax.text({m + 0.5}, {n + 0.5}, "B", ha="center", va="center", fontsize=15, '
            'fontweight="bold", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})',
            "",
            "ax.set_xlim(-0.2, columns + 0.2)",
            "ax.set_ylim(-0.2, rows + 0.2)",
        ]
        via = None
    else:
        m, n = rng.randint(3, 6), rng.randint(2, 4)
        blocked = set()
        via = None
        if mode == "streets":
            while True:
                nb = rng.randint(1, 2)
                pts = [
                    (x, y)
                    for x in range(m + 1)
                    for y in range(n + 1)
                    if (x, y) not in ((0, 0), (m, n))
                ]
                blocked = set(rng.sample(pts, nb))
                path = _random_path(rng, m, n, blocked)
                if path is not None:
                    break
            count = _count_paths(m, n, blocked)
        else:
            via = (rng.randint(1, m - 1), rng.randint(1, n - 1))
            first = _random_path(rng, via[0], via[1], set())
            second = _random_path(rng, m - via[0], n - via[1], set())
            assert first is not None and second is not None
            path = first + [(via[0] + x, via[1] + y) for x, y in second[1:]]
            count = math.comb(via[0] + via[1], via[0]) * math.comb(
                m - via[0] + n - via[1], m - via[0]
            )
        lines += [
            f"width, height = {m}, {n}",
        ]
        if blocked:
            lines += [
                "# Blocked intersections",
                "blocked = [" + ", ".join(f"({x}, {y})" for x, y in sorted(blocked)) + "]",
            ]
        lines += [
            "# One shortest route from A to B along the streets (right and up only)",
            "path = [" + ", ".join(f"({x}, {y})" for x, y in path) + "]",
            "",
            f"fig, ax = plt.subplots(figsize=({fmt(0.9 * m + 1.4, 1)}, {fmt(0.9 * n + 1.2, 1)}))",
            "# Street grid",
            "for x in range(width + 1):",
            f'    ax.plot([x, x], [0, height], color="{grid_color}", linewidth=1.5)',
            "for y in range(height + 1):",
            f'    ax.plot([0, width], [y, y], color="{grid_color}", linewidth=1.5)',
            "# The route",
            f'ax.plot([x for x, _ in path], [y for _, y in path], color="{color}", linewidth=4, '
            'solid_capstyle="round")',
        ]
        if blocked:
            lines += [
                "# Crosses mark the blocked intersections",
                "for x, y in blocked:",
                '    ax.plot(x, y, "X", markersize=16, color="black", markeredgecolor="white")',
            ]
        lines += [
            "# Labelled corners",
            'ax.plot([0, width], [0, height], "o", markersize=9, color="black")',
            'ax.text(-0.15, -0.15, "A", ha="right", va="top", fontsize=15, fontweight="bold")',
            f'ax.text({fmt(m + 0.15)}, {fmt(n + 0.15)}, "B", ha="left", va="bottom", fontsize=15, '
            'fontweight="bold")',
        ]
        if via:
            lines += [
                "# The route must pass through C",
                f'ax.plot({via[0]}, {via[1]}, "o", markersize=10, color="{color}", '
                'markeredgecolor="black")',
                f'ax.text({fmt(via[0] + 0.12)}, {fmt(via[1] + 0.12)}, "C", ha="left", '
                'va="bottom", fontsize=15, fontweight="bold")',
            ]
        lines += [
            "",
            "ax.set_xlim(-0.6, width + 0.6)",
            "ax.set_ylim(-0.6, height + 0.6)",
        ]
    lines += ['ax.set_aspect("equal")', 'ax.axis("off")']
    title = rng.choice([None, "Shortest routes from A to B", "Paths from A to B"])
    if title:
        lines.append(f"ax.set_title({_s(title)})")
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"

    moves = "".join("R" if b[0] > a[0] else "U" for a, b in pairwise(path))
    statements = [
        f"every shortest path from A to B has {m} moves right and {n} moves up",
        f"the highlighted path is {moves}",
        f"there are {count} such paths",
    ]
    if mode == "cells":
        statements.insert(
            0,
            f"the grid has {cols} columns and {rows} rows of cells, {len(blocked)} of them blocked",
        )
    elif mode == "streets":
        statements.insert(
            0,
            f"the street grid is {m} blocks wide and {n} blocks high, "
            f"with {len(blocked)} blocked intersection(s)",
        )
        statements.append(f"without the blocks there would be {math.comb(m + n, n)} paths")
    else:
        statements.insert(0, f"the street grid is {m} blocks wide and {n} blocks high")
        statements.append(f"the path must pass through C at ({via[0]}, {via[1]})")
    labels = ["A", "B", *(["C"] if via else []), *([title] if title else [])]
    facts = {
        "statements": statements,
        "labels": labels,
        "mode": mode,
        "size": [m, n],
        "blocked": sorted([x, y] for x, y in blocked),
        "n_blocked": len(blocked),
        "path": [list(p) for p in path],
        "moves": moves,
        "n_paths": count,
        "via": list(via) if via else None,
    }
    params = {"mode": mode, "m": m, "n": n, "color": color}
    return Emitted(code, params, facts)
