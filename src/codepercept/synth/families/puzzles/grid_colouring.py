"""The grid colouring family: nonograms, multi-colour maps and mirror patterns."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.puzzles._common import _join, _q

# ------------------------------------------------------------------------------------------------
# Grid colouring
# ------------------------------------------------------------------------------------------------


def _runs(cells: list[int]) -> list[int]:
    out, run = [], 0
    for v in [*cells, 0]:
        if v:
            run += 1
        elif run:
            out.append(run)
            run = 0
    return out or [0]


@register(
    "grid_colouring",
    "puzzles",
    "Grid colouring puzzles: nonogram with row/column clues (solved or blank), multi-colour maps, "
    "or a half-shaded pattern with a dashed mirror line.",
)
def grid_colouring(rng: random.Random) -> Emitted:
    variant = rng.choice(["nonogram", "colours", "symmetry"])
    rows, cols = rng.choice([(5, 5), (6, 6), (5, 7), (7, 7), (6, 8)])
    palette = rng.choice(
        [
            ["#2c3e50", "#e74c3c", "#f1c40f", "#27ae60"],
            ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"],
            ["#555555", "#8e44ad", "#16a085", "#e67e22"],
        ]
    )
    grid = [[0] * cols for _ in range(rows)]
    facts: dict = {"variant": variant, "rows": rows, "cols": cols}
    labels: list[str] = []
    statements: list[str] = []
    lines = ["import matplotlib.pyplot as plt", "from matplotlib.patches import Rectangle", ""]
    if variant == "colours":
        k = rng.choice([2, 3, 4])
        grid = [[rng.randint(0, k) for _ in range(cols)] for _ in range(rows)]
    elif variant == "nonogram":
        grid = [[1 if rng.random() < 0.5 else 0 for _ in range(cols)] for _ in range(rows)]
    else:
        half = cols // 2
        for r in range(rows):
            for c in range(half):
                grid[r][c] = 1 if rng.random() < 0.45 else 0
    shown = [row[:] for row in grid]
    solved = True
    if variant == "nonogram":
        solved = rng.random() < 0.5
        if not solved:
            shown = [[0] * cols for _ in range(rows)]
    colors = palette if variant == "colours" else [palette[0]]
    lines += [
        "# 0 = empty, k > 0 = colour k (row 0 at the top)",
        "grid = [",
    ]
    for row in shown:
        lines.append("    [" + ", ".join(str(v) for v in row) + "],")
    lines += [
        "]",
        f"colors = {{{', '.join(f'{i + 1}: {_q(c)}' for i, c in enumerate(colors))}}}",
        "",
        "fig, ax = plt.subplots(figsize=(6, 6))",
        "",
        "# Cells",
        "for r, row in enumerate(grid):",
        "    for c, value in enumerate(row):",
        '        face = colors[value] if value else "white"',
        f'        ax.add_patch(Rectangle((c, {rows - 1} - r), 1, 1, facecolor=face, edgecolor="black", linewidth=1))',
    ]
    if variant == "nonogram":
        row_clues = [_runs(row) for row in grid]
        col_clues = [_runs([grid[r][c] for r in range(rows)]) for c in range(cols)]
        lines += [
            "",
            "# Clues: lengths of the shaded runs in each row (left) and column (top)",
            f"row_clues = {row_clues}",
            f"col_clues = {col_clues}",
            "for r, clue in enumerate(row_clues):",
            f'    ax.text(-0.3, {rows - 1} - r + 0.5, " ".join(map(str, clue)), ha="right", va="center", fontsize=11)',
            "for c, clue in enumerate(col_clues):",
            f'    ax.text(c + 0.5, {rows} + 0.2, "\\n".join(map(str, clue)), ha="center", va="bottom", fontsize=11)',
        ]
        labels += [" ".join(map(str, c)) for c in row_clues] + [
            "\n".join(map(str, c)) for c in col_clues
        ]
        facts.update(row_clues=row_clues, col_clues=col_clues, solved=solved)
        statements.append(
            "The grid is shown solved."
            if solved
            else "The grid is blank; only the clues are given."
        )
    if variant == "symmetry":
        axis_x = cols / 2
        lines += [
            "",
            "# Mirror line: the right half should mirror the shaded left half",
            f'ax.plot([{fmt(axis_x)}, {fmt(axis_x)}], [-0.4, {rows} + 0.4], color="tab:red", linestyle="--", linewidth=2.5)',
        ]
        facts["mirror_x"] = axis_x
        statements.append(
            "A dashed vertical mirror line splits the grid; only the left half is shaded."
        )
    counts = {}
    for v in range(1, len(colors) + 1):
        counts[colors[v - 1]] = sum(row.count(v) for row in shown)
    n_shaded = sum(counts.values())
    lines += [
        "",
        'ax.set_aspect("equal")',
        "ax.autoscale_view()",
        "ax.margins(0.05)",
        'ax.axis("off")',
        "plt.show()",
    ]
    statements.append(
        f"The grid has {rows} rows and {cols} columns with {n_shaded} coloured cells."
    )
    if variant == "colours":
        statements += [f"{n} cells are coloured {c}." for c, n in counts.items()]
    facts.update(statements=statements, labels=labels, n_shaded=n_shaded, color_counts=counts)
    return Emitted(_join(lines), {"variant": variant, "rows": rows, "cols": cols}, facts)
