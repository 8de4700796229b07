"""The dominoes family: domino arrangements with pips, some halves hidden."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.puzzles._common import _join

# ------------------------------------------------------------------------------------------------
# Dominoes
# ------------------------------------------------------------------------------------------------

_PIPS_CODE = """PIPS = {  # pip positions on a 3x3 lattice for each value
    0: [],
    1: [(0, 0)],
    2: [(-1, 1), (1, -1)],
    3: [(-1, 1), (0, 0), (1, -1)],
    4: [(-1, 1), (1, 1), (-1, -1), (1, -1)],
    5: [(-1, 1), (1, 1), (0, 0), (-1, -1), (1, -1)],
    6: [(-1, 1), (-1, 0), (-1, -1), (1, 1), (1, 0), (1, -1)],
}"""


@register(
    "dominoes",
    "puzzles",
    "Domino arrangements (grid, circular wheel, matching chain) with pips drawn as dots; some "
    "puzzles hide one half behind a question mark.",
)
def dominoes(rng: random.Random) -> Emitted:
    layout = rng.choice(["grid", "wheel", "chain"])
    tile_color, pip_color = rng.choice(
        [("white", "black"), ("#fdf6e3", "#222222"), ("#222222", "white"), ("#e8f1fb", "#1f4e79")]
    )
    tiles: list[tuple[int, int | None]] = []
    placements: list[tuple[float, float, float]] = []  # (x, y, angle of the long axis)
    if layout == "grid":
        rows, cols = rng.choice([(2, 3), (2, 4), (3, 3), (3, 2)])
        vertical = rng.random() < 0.5
        for r in range(rows):
            for c in range(cols):
                tiles.append((rng.randint(0, 6), rng.randint(0, 6)))
                if vertical:
                    placements.append((1.4 * c, -2.4 * r, 90))
                else:
                    placements.append((2.4 * c, -1.4 * r, 0))
    elif layout == "wheel":
        k = rng.choice([6, 8, 10])
        radius = {6: 2.4, 8: 2.9, 10: 3.5}[k]
        for i in range(k):
            ang = 90 - 360 * i / k
            tiles.append((rng.randint(0, 6), rng.randint(0, 6)))
            placements.append(
                (radius * math.cos(math.radians(ang)), radius * math.sin(math.radians(ang)), ang)
            )
    else:
        k = rng.choice([4, 5, 6, 7, 8])
        per_row = 4 if k > 5 else k
        v = rng.randint(0, 6)
        for i in range(k):
            w = rng.randint(0, 6)
            row, col = divmod(i, per_row)
            if row % 2 == 0:
                placements.append((2.0 * col, -1.6 * row, 0))
                tiles.append((v, w))
            else:
                placements.append((2.0 * (per_row - 1 - col), -1.6 * row, 180))
                tiles.append((v, w))
            v = w
    mystery = rng.random() < 0.4
    if mystery:
        idx = rng.randrange(len(tiles))
        tiles[idx] = (tiles[idx][0], None)
    pip_total = sum(a + (b or 0) for a, b in tiles)
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Circle, Polygon",
        "",
        _PIPS_CODE,
        "",
        "fig, ax = plt.subplots(figsize=(7, 7))",
        "",
        "",
        "def domino(x, y, angle, first, second):",
        '    """A 2x1 domino centred at (x, y), long axis at `angle` degrees; None shows a "?"."""',
        "    u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])",
        "    n = np.array([-u[1], u[0]])",
        "    c = np.array([x, y])",
        "    corners = [c - u - 0.5 * n, c + u - 0.5 * n, c + u + 0.5 * n, c - u + 0.5 * n]",
        f'    ax.add_patch(Polygon(corners, closed=True, facecolor="{tile_color}", edgecolor="{pip_color if tile_color == "#222222" else "black"}", linewidth=1.5))',
        f'    ax.plot(*zip(c - 0.4 * n, c + 0.4 * n), color="{pip_color}", linewidth=1)',
        "    for value, side in ((first, -0.5), (second, 0.5)):",
        "        half = c + side * u",
        "        if value is None:",
        f'            ax.text(*half, "?", ha="center", va="center", fontsize=16, color="{pip_color}", rotation=angle % 180)',
        "            continue",
        "        for px, py in PIPS[value]:",
        f'            ax.add_patch(Circle(half + 0.27 * (px * u + py * n), 0.08, color="{pip_color}"))',
        "",
        "",
        "# (x, y, angle, first half, second half) for every tile",
        "tiles = [",
    ]
    for (x, y, ang), (a, b) in zip(placements, tiles, strict=True):
        lines.append(f"    ({fmt(x, 3)}, {fmt(y, 3)}, {fmt(ang)}, {a}, {b}),")
    lines += [
        "]",
        "for tile in tiles:",
        "    domino(*tile)",
        "",
        'ax.set_aspect("equal")',
        "ax.autoscale_view()",
        "ax.margins(0.08)",
        'ax.axis("off")',
        "plt.show()",
    ]
    statements = [
        f"The figure shows {len(tiles)} dominoes arranged as a {layout}.",
        f"There are {pip_total} pips in total.",
    ]
    if layout == "chain":
        statements.append("Touching halves of neighbouring dominoes show the same number.")
    if mystery:
        statements.append("One domino half is hidden behind a question mark.")
    return Emitted(
        _join(lines),
        {"layout": layout, "mystery": mystery},
        {
            "statements": statements,
            "labels": ["?"] if mystery else [],
            "layout": layout,
            "n_tiles": len(tiles),
            "n_pips": pip_total,
            "tiles": [list(t) for t in tiles],
        },
    )
