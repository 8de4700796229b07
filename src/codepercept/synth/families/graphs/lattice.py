"""The lattice path family: paths on a grid from A to B, with blocked points and stops."""

from __future__ import annotations

import math
import random
from itertools import pairwise

from codepercept.synth.base import Emitted, fmt, register, tries
from codepercept.synth.families.graphs._common import ACCENTS, _s

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
        for _ in tries("a lattice path around the blocked cells"):
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
            for _ in tries("a street grid with a shortest route"):
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
