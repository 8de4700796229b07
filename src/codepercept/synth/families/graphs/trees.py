"""The rooted tree family: lettered general trees and binary search trees, layered."""

from __future__ import annotations

import random
from collections import deque

from codepercept.synth.base import Emitted, fmt, register, tries
from codepercept.synth.families.graphs._common import (
    LETTERS,
    NODE_STYLES,
    _bounds,
    _figsize,
    _positions_literal,
    _s,
)

# -- rooted tree ---------------------------------------------------------------------------------


def _general_tree(rng: random.Random) -> dict[int, list[int]]:
    """children lists of a random rooted tree with 6-13 nodes, depth 2-3, node 0 the root."""
    for _ in tries("a rooted tree of the wanted size and depth"):
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
