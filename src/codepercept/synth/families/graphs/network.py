"""The network graph family: undirected graphs in circular, two-row or random layouts."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, register
from codepercept.synth.families.graphs._common import (
    _degrees,
    _draw_nodes,
    _figsize,
    _layout,
    _limits,
    _positions_literal,
    _random_edges,
    _s,
)

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
