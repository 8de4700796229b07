"""The matchsticks family: seven-segment equations, grids of squares, rows of triangles."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.puzzles._common import _join

# ------------------------------------------------------------------------------------------------
# Matchstick figures
# ------------------------------------------------------------------------------------------------

# Seven-segment strokes of a 1 x 2 digit cell: a top, b upper right, c lower right, d bottom,
# e lower left, f upper left, g middle.
_SEG = {
    "a": ((0, 2), (1, 2)),
    "b": ((1, 1), (1, 2)),
    "c": ((1, 0), (1, 1)),
    "d": ((0, 0), (1, 0)),
    "e": ((0, 0), (0, 1)),
    "f": ((0, 1), (0, 2)),
    "g": ((0, 1), (1, 1)),
}
_DIGITS = {
    "0": "abcdef",
    "1": "bc",
    "2": "abged",
    "3": "abgcd",
    "4": "fgbc",
    "5": "afgcd",
    "6": "afgedc",
    "7": "abc",
    "8": "abcdefg",
    "9": "abcdfg",
}


@register(
    "matchsticks",
    "puzzles",
    "Matchstick figures: seven-segment equations (true or to be fixed), grids of squares, or rows "
    "of triangles, each stick drawn with a coloured head.",
)
def matchsticks(rng: random.Random) -> Emitted:
    variant = rng.choice(["equation", "squares", "triangles"])
    sticks: list[tuple[float, float, float, float]] = []
    facts: dict = {"variant": variant}
    statements: list[str] = []
    if variant == "equation":
        a, b = rng.randint(0, 9), rng.randint(0, 9)
        op = rng.choice(["+", "-"])
        if op == "-" and a < b:
            a, b = b, a
        c = a + b if op == "+" else a - b
        if c > 9 or rng.random() < 0.5:  # a false equation: off by one match somewhere
            c = rng.choice([d for d in range(10) if d != c])
        text = f"{a}{op}{b}={c}"
        x = 0.0
        for ch in text:
            if ch.isdigit():
                for seg in _DIGITS[ch]:
                    (x0, y0), (x1, y1) = _SEG[seg]
                    sticks.append((x + x0, y0, x + x1, y1))
                x += 1.8
            elif ch == "+":
                sticks += [(x - 0.1, 1, x + 0.9, 1), (x + 0.4, 0.5, x + 0.4, 1.5)]
                x += 1.6
            elif ch == "-":
                sticks.append((x - 0.1, 1, x + 0.9, 1))
                x += 1.6
            else:
                sticks += [(x - 0.1, 0.75, x + 0.9, 0.75), (x - 0.1, 1.25, x + 0.9, 1.25)]
                x += 1.6
        true = (a + b if op == "+" else a - b) == c
        shown = text.replace("-", "−")
        statements += [
            f"The matchsticks spell the equation {shown}.",
            f"As shown the equation is {'true' if true else 'false'}.",
        ]
        facts.update(equation=text, is_true=true)
    elif variant == "squares":
        rows, cols = rng.choice([(1, 3), (1, 4), (2, 2), (2, 3), (3, 3)])
        for r in range(rows + 1):
            for c in range(cols):
                sticks.append((c, r, c + 1, r))
        for c in range(cols + 1):
            for r in range(rows):
                sticks.append((c, r, c, r + 1))
        n_sq = sum((rows - s + 1) * (cols - s + 1) for s in range(1, min(rows, cols) + 1))
        statements += [
            f"The sticks form a {rows} by {cols} grid of unit squares.",
            f"There are {n_sq} squares of all sizes.",
        ]
        facts.update(rows=rows, cols=cols, n_squares=n_sq)
    else:
        n = rng.randint(2, 6)
        h = math.sqrt(3) / 2
        for i in range(n):
            if i % 2 == 0:  # upward triangle: its left side and base
                x = i / 2
                sticks += [(x, 0, x + 1, 0), (x, 0, x + 0.5, h)]
            else:  # downward triangle: its top side and left side
                x = (i - 1) / 2 + 0.5
                sticks += [(x, h, x + 1, h), (x + 0.5, 0, x, h)]
        last = (n - 1) / 2
        sticks.append((last + 1, 0, last + 0.5, h) if n % 2 == 1 else (last + 1, h, last + 0.5, 0))
        statements.append(f"{n} triangles are laid in a row, sharing sides.")
        facts["n_triangles"] = n
    head = rng.choice(["#c0392b", "#1f618d", "#196f3d"])
    wood = rng.choice(["#e3b778", "#d9a75f", "#f0c987"])
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        "# Matchsticks as (x0, y0, x1, y1); the head is at (x1, y1)",
        "sticks = [",
    ]
    for s in sticks:
        lines.append("    (" + ", ".join(fmt(v, 3) for v in s) + "),")
    lines += [
        "]",
        "",
        "fig, ax = plt.subplots(figsize=(7, 4))",
        "for x0, y0, x1, y1 in sticks:",
        "    # Shorten each stick slightly so neighbours do not touch",
        "    dx, dy = x1 - x0, y1 - y0",
        "    x0, y0, x1, y1 = x0 + 0.08 * dx, y0 + 0.08 * dy, x1 - 0.08 * dx, y1 - 0.08 * dy",
        f'    ax.plot([x0, x1], [y0, y1], color="{wood}", linewidth=5, solid_capstyle="butt")',
        f'    ax.plot(x1, y1, "o", color="{head}", markersize=8)',
        "",
        'ax.set_aspect("equal")',
        "ax.margins(0.1)",
        'ax.axis("off")',
        "plt.show()",
    ]
    statements.append(f"The figure uses {len(sticks)} matchsticks.")
    facts.update(statements=statements, labels=[], n_matchsticks=len(sticks), wood_color=wood)
    return Emitted(_join(lines), {"variant": variant}, facts)
