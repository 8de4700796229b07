"""The flow network family: a layered directed network from s to t with capacities."""

from __future__ import annotations

import random
from collections import deque
from itertools import pairwise

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.graphs._common import (
    ACCENTS,
    LETTERS,
    NODE_STYLES,
    Point,
    _figsize,
    _limits,
    _positions_literal,
    _s,
)

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
