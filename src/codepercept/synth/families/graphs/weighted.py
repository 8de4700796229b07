"""The weighted graph family: edge weights, with a shortest path or minimum spanning tree."""

from __future__ import annotations

import heapq
import random
from itertools import pairwise

from codepercept.synth.base import Emitted, register
from codepercept.synth.families.graphs._common import (
    ACCENTS,
    _draw_nodes,
    _figsize,
    _layout,
    _limits,
    _positions_literal,
    _random_edges,
    _s,
)

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
