"""Families of the puzzles domain.

Competition-style puzzle figures whose answers are computed while the figure is generated:
dominoes (pip totals), matchstick figures (stick counts, truth of equations), clock faces (hand
angles), "how many triangles" figures (brute-force count), grid colouring and dissections.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

from codepercept.synth.base import Emitted, fmt, register


def _join(lines: list[str]) -> str:
    """Join code lines, dropping imports (numpy, patch classes) that this variant never uses."""
    code = "\n".join(lines).rstrip() + "\n"
    head, sep, body = code.partition("\n\n")
    kept = []
    for line in head.splitlines():
        if line == "import numpy as np" and "np." not in body:
            continue
        if line.startswith("from matplotlib.patches import "):
            names = [n for n in line.split(" import ")[1].split(", ") if f"{n}(" in body]
            if not names:
                continue
            line = f"from matplotlib.patches import {', '.join(names)}"
        kept.append(line)
    return "\n".join(kept) + sep + body


def _q(s: str) -> str:
    return '"' + s + '"'


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


# ------------------------------------------------------------------------------------------------
# Clock faces
# ------------------------------------------------------------------------------------------------

_ROMAN = ["XII", "I", "II", "III", "IIII", "V", "VI", "VII", "VIII", "IX", "X", "XI"]


@register(
    "clock_face",
    "puzzles",
    "Analog clock face at a sampled time: Arabic, Roman or no numerals, hour/minute ticks, "
    "optional second hand; hand angles are exact for the time.",
)
def clock_face(rng: random.Random) -> Emitted:
    hour = rng.randint(1, 12)
    minute = rng.choice(range(0, 60, rng.choice([1, 5, 5])))
    numerals = rng.choice(["arabic", "roman", "quarters", "none"])
    minute_ticks = rng.random() < 0.6
    second = rng.randint(0, 59) if rng.random() < 0.3 else None
    face, rim = rng.choice(
        [("white", "black"), ("#fff8e7", "#8b5a2b"), ("#eef5ff", "#1f3b73"), ("#f4f4f4", "#444444")]
    )
    hour_angle = 90 - (30 * (hour % 12) + 0.5 * minute)
    minute_angle = 90 - 6 * minute
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Circle",
        "",
        f"hour, minute = {hour}, {minute}",
        "",
        "fig, ax = plt.subplots(figsize=(5, 5))",
        "",
        "# Dial",
        f'ax.add_patch(Circle((0, 0), 1.0, facecolor="{face}", edgecolor="{rim}", linewidth=4))',
        "",
        "# Tick marks: long ones at the hours",
        f"for k in range({60 if minute_ticks else 12}):",
        f"    a = np.radians(90 - {6 if minute_ticks else 30} * k)",
    ]
    if minute_ticks:
        lines += [
            "    inner = 0.85 if k % 5 == 0 else 0.92",
            f'    ax.plot([inner * np.cos(a), 0.97 * np.cos(a)], [inner * np.sin(a), 0.97 * np.sin(a)], color="{rim}", linewidth=2.5 if k % 5 == 0 else 1)',
        ]
    else:
        lines.append(
            f'    ax.plot([0.85 * np.cos(a), 0.97 * np.cos(a)], [0.85 * np.sin(a), 0.97 * np.sin(a)], color="{rim}", linewidth=2.5)'
        )
    labels: list[str] = []
    if numerals != "none":
        if numerals == "arabic":
            names = [str(h) for h in [12, *range(1, 12)]]
        elif numerals == "roman":
            names = _ROMAN
        else:
            names = ["12", "", "", "3", "", "", "6", "", "", "9", "", ""]
        shown = [(k, s) for k, s in enumerate(names) if s]
        lines += [
            "",
            "# Numerals",
            f"for k, text in [{', '.join(f'({k}, {_q(s)})' for k, s in shown)}]:",
            "    a = np.radians(90 - 30 * k)",
            '    ax.text(0.72 * np.cos(a), 0.72 * np.sin(a), text, ha="center", va="center", fontsize=15)',
        ]
        labels = [s for _, s in shown]
    lines += [
        "",
        "# Hands: angles measured anticlockwise from 3 o'clock",
        "hour_angle = np.radians(90 - (30 * (hour % 12) + 0.5 * minute))",
        "minute_angle = np.radians(90 - 6 * minute)",
        'ax.plot([0, 0.5 * np.cos(hour_angle)], [0, 0.5 * np.sin(hour_angle)], color="black", linewidth=6, solid_capstyle="round")',
        'ax.plot([0, 0.8 * np.cos(minute_angle)], [0, 0.8 * np.sin(minute_angle)], color="black", linewidth=3.5, solid_capstyle="round")',
    ]
    if second is not None:
        lines += [
            f"second_angle = np.radians(90 - 6 * {second})",
            'ax.plot([0, 0.88 * np.cos(second_angle)], [0, 0.88 * np.sin(second_angle)], color="tab:red", linewidth=1)',
        ]
    lines += [
        'ax.add_patch(Circle((0, 0), 0.04, color="black", zorder=5))',
        "",
        "ax.set_xlim(-1.1, 1.1)",
        "ax.set_ylim(-1.1, 1.1)",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        "plt.show()",
    ]
    time = f"{hour}:{minute:02d}"
    between = abs(hour_angle - minute_angle) % 360
    between = min(between, 360 - between)
    statements = [
        f"The clock shows {time}.",
        f"The angle between the hour and minute hands is {fmt(between, 1)}°.",
    ]
    if second is not None:
        statements.append(f"The red second hand points at {second} seconds.")
    return Emitted(
        _join(lines),
        {"hour": hour, "minute": minute, "numerals": numerals, "minute_ticks": minute_ticks},
        {
            "statements": statements,
            "labels": labels,
            "time": time,
            "hour": hour,
            "minute": minute,
            "second": second,
            "hour_hand_deg": hour_angle,
            "minute_hand_deg": minute_angle,
            "angle_between_hands": between,
            "n_ticks": 60 if minute_ticks else 12,
        },
    )


# ------------------------------------------------------------------------------------------------
# How many triangles?
# ------------------------------------------------------------------------------------------------


def _intersect(s1, s2):
    (x1, y1), (x2, y2) = s1
    (x3, y3), (x4, y4) = s2
    den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    if den == 0:
        return None
    t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
    u = -((x1 - x2) * (y1 - y3) - (y1 - y2) * (x1 - x3)) / den
    if 0 <= t <= 1 and 0 <= u <= 1:
        return (x1 + t * (x2 - x1), y1 + t * (y2 - y1))
    return None


def _on_segment(p, seg) -> bool:
    (x1, y1), (x2, y2) = seg
    cross = (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1)
    return cross == 0 and min(x1, x2) <= p[0] <= max(x1, x2) and min(y1, y2) <= p[1] <= max(y1, y2)


def count_triangles(
    segments: list[tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]],
) -> int:
    """Triangles whose three sides lie along drawn segments (exact rational arithmetic)."""
    points = {p for s in segments for p in s}
    for s1, s2 in itertools.combinations(segments, 2):
        p = _intersect(s1, s2)
        if p is not None:
            points.add(p)
    pts = sorted(points)
    on = [frozenset(k for k, s in enumerate(segments) if _on_segment(p, s)) for p in pts]
    total = 0
    for i, j, k in itertools.combinations(range(len(pts)), 3):
        (ax_, ay), (bx, by), (cx, cy) = pts[i], pts[j], pts[k]
        if (bx - ax_) * (cy - ay) - (by - ay) * (cx - ax_) == 0:
            continue
        if on[i] & on[j] and on[j] & on[k] and on[i] & on[k]:
            total += 1
    return total


@register(
    "counting_triangles",
    "puzzles",
    '"How many triangles?" figure: a triangle cut by cevians from one or two vertices, with an '
    "optional cross line, or a triangular grid; the true count is computed by brute force.",
)
def counting_triangles(rng: random.Random) -> Emitted:
    variant = rng.choice(["fan", "two_fans", "fan_with_line", "grid"])
    F = Fraction
    apex_x = F(rng.choice([2, 3, 4, 5]), 1) if variant != "grid" else F(3)
    width = F(6)
    height = F(rng.choice([4, 5])) if variant != "grid" else F(6)
    A, B, C = (apex_x, height), (F(0), F(0)), (width, F(0))
    segments = [(B, C), (C, A), (A, B)]
    labels: list[str] = []
    if variant in ("fan", "fan_with_line", "two_fans"):
        k = rng.randint(1, 4) if variant != "two_fans" else rng.randint(1, 2)
        feet = sorted(rng.sample(range(1, 6), k))
        for f in feet:
            segments.append((A, (F(f), F(0))))
        if variant == "two_fans":
            q = rng.randint(1, 2)
            for t in sorted(rng.sample([F(1, 4), F(1, 2), F(3, 4)], q)):
                segments.append((B, (C[0] + t * (A[0] - C[0]), C[1] + t * (A[1] - C[1]))))
        if variant == "fan_with_line":
            t = F(rng.choice([1, 2, 3]), 4)  # quarters keep every endpoint exact in decimals
            p = (B[0] + t * (A[0] - B[0]), B[1] + t * (A[1] - B[1]))
            q = (C[0] + t * (A[0] - C[0]), C[1] + t * (A[1] - C[1]))
            segments.append((p, q))
    else:  # triangular grid: lines parallel to each side at fractions i/n
        n = rng.choice([2, 3])
        for i in range(1, n):
            t = F(i, n)
            segments.append(
                ((A[0] * t, A[1] * t), (C[0] + t * (A[0] - C[0]), t * A[1]))
            )  # parallel to BC
            base = (width * t, F(0))
            segments.append((base, (base[0] + (1 - t) * A[0], (1 - t) * A[1])))  # parallel to AB
            segments.append((base, (t * A[0], t * A[1])))  # parallel to AC
    total = count_triangles(segments)
    show_letters = rng.random() < 0.5
    question = rng.random() < 0.6
    color = rng.choice(["black", "navy", "darkgreen"])
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        "# Every straight segment of the figure: ((x0, y0), (x1, y1))",
        "segments = [",
    ]
    for p, q in segments:
        lines.append(f"    (({fmt(p[0], 4)}, {fmt(p[1], 4)}), ({fmt(q[0], 4)}, {fmt(q[1], 4)})),")
    lines += [
        "]",
        "",
        "fig, ax = plt.subplots(figsize=(6, 5))",
        "for (x0, y0), (x1, y1) in segments:",
        f'    ax.plot([x0, x1], [y0, y1], color="{color}", linewidth=2)',
    ]
    if show_letters:
        lines += [
            "",
            "# Vertex letters",
            f'ax.text({fmt(A[0])}, {fmt(A[1] + F(1, 5))}, "A", ha="center", va="bottom", fontsize=14)',
            'ax.text(-0.2, -0.1, "B", ha="right", va="top", fontsize=14)',
            f'ax.text({fmt(C[0] + F(1, 5))}, -0.1, "C", ha="left", va="top", fontsize=14)',
        ]
        labels += ["A", "B", "C"]
    if question:
        lines += [
            "",
            'ax.set_title("How many triangles are there in the figure?", fontsize=13, pad=24)',
        ]
        labels.append("How many triangles are there in the figure?")
    lines += ["", 'ax.set_aspect("equal")', "ax.margins(0.08)", 'ax.axis("off")', "plt.show()"]
    return Emitted(
        _join(lines),
        {"variant": variant},
        {
            "statements": [
                f"The figure is made of {len(segments)} straight segments.",
                f"There are {total} triangles in the figure.",
            ],
            "labels": labels,
            "n_triangles": total,
            "n_segments": len(segments),
            "variant": variant,
        },
    )


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


# ------------------------------------------------------------------------------------------------
# Dissections
# ------------------------------------------------------------------------------------------------

_TANGRAM = [  # pieces of a 4 x 4 square
    [(0, 0), (4, 0), (2, 2)],
    [(0, 0), (2, 2), (0, 4)],
    [(4, 0), (4, 2), (3, 1)],
    [(3, 1), (4, 2), (3, 3), (2, 2)],
    [(2, 2), (3, 3), (1, 3)],
    [(4, 2), (4, 4), (2, 4)],
    [(0, 4), (1, 3), (3, 3), (2, 4)],
]


def _area(poly) -> float:
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1], strict=True)
            )
        )
        / 2
    )


@register(
    "dissection",
    "puzzles",
    "A square cut into pieces (tangram, guillotine rectangles, or triangles fanning from an inner "
    "point), pieces coloured and numbered, optionally pulled apart; piece areas are recorded.",
)
def dissection(rng: random.Random) -> Emitted:
    variant = rng.choice(["tangram", "rectangles", "fan"])
    pieces: list[list[tuple[float, float]]] = []
    if variant == "tangram":
        side = 4
        pieces = [list(p) for p in _TANGRAM]
    elif variant == "rectangles":
        side = rng.choice([6, 8])
        rects = [(0, 0, side, side)]
        for _ in range(rng.randint(3, 6)):
            rects.sort(key=lambda r: r[2] * r[3])
            x, y, w, h = rects.pop()
            if (w >= h and w > 1) or h <= 1:
                cut = rng.randint(1, w - 1)
                rects += [(x, y, cut, h), (x + cut, y, w - cut, h)]
            else:
                cut = rng.randint(1, h - 1)
                rects += [(x, y, w, cut), (x, y + cut, w, h - cut)]
        rects.sort(key=lambda r: (-r[1], r[0]))
        pieces = [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)] for x, y, w, h in rects]
    else:
        side = 6
        p = (rng.randint(2, 4), rng.randint(2, 4))
        boundary = [(0, 0), (6, 0), (6, 6), (0, 6)]
        extra = rng.sample([(3, 0), (6, 2), (6, 4), (4, 6), (2, 6), (0, 3)], rng.randint(0, 3))
        order = {
            (0, 0): 0,
            (3, 0): 1,
            (6, 0): 2,
            (6, 2): 3,
            (6, 4): 4,
            (6, 6): 5,
            (4, 6): 6,
            (2, 6): 7,
            (0, 6): 8,
            (0, 3): 9,
        }
        ring = sorted(boundary + extra, key=order.__getitem__)
        pieces = [[p, ring[i], ring[(i + 1) % len(ring)]] for i in range(len(ring))]
    exploded = rng.random() < 0.4
    rotate = variant == "tangram" and rng.random() < 0.5
    names = rng.choice(["numbers", "letters", "none"])
    cmap = rng.choice(["tab10", "Pastel1", "Set3", "Accent"])
    areas = [_area(pc) for pc in pieces]
    centre = side / 2
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Polygon",
        "",
        f"side = {side}  # the square being cut",
        "pieces = [",
    ]
    for pc in pieces:
        lines.append("    [" + ", ".join(f"({fmt(x)}, {fmt(y)})" for x, y in pc) + "],")
    lines += [
        "]",
        "",
        "fig, ax = plt.subplots(figsize=(6, 6))",
        f'colors = plt.get_cmap("{cmap}").colors',
        "",
    ]
    if rotate:
        lines += [
            "# Turn the whole square by 45 degrees about its centre",
            "turn = np.radians(45)",
            "rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])",
            "",
        ]
    lines.append("for i, piece in enumerate(pieces):")
    lines.append("    xy = np.array(piece, dtype=float)")
    if exploded:
        lines += [
            "    # Pull each piece away from the centre of the square",
            "    xy += 0.25 * (xy.mean(axis=0) - side / 2)",
        ]
    if rotate:
        lines.append("    xy = (xy - side / 2) @ rotation.T + side / 2")
    lines.append(
        '    ax.add_patch(Polygon(xy, closed=True, facecolor=colors[i % len(colors)], edgecolor="black", linewidth=2))'
    )
    labels: list[str] = []
    if names != "none":
        tags = (
            [str(i + 1) for i in range(len(pieces))]
            if names == "numbers"
            else [chr(65 + i) for i in range(len(pieces))]
        )
        lines.insert(
            lines.index("for i, piece in enumerate(pieces):"),
            f"tags = [{', '.join(_q(t) for t in tags)}]",
        )
        lines.append(
            '    ax.text(*xy.mean(axis=0), tags[i], ha="center", va="center", fontsize=14, fontweight="bold")'
        )
        labels = tags
    lines += [
        "",
        'ax.set_aspect("equal")',
        "ax.autoscale_view()",
        "ax.margins(0.08)",
        'ax.axis("off")',
        "plt.show()",
    ]
    total = side * side
    statements = [
        f"A {side} by {side} square is cut into {len(pieces)} pieces ({variant}).",
        f"The piece areas add up to {fmt(total)}.",
    ]
    if names != "none":
        statements += [
            f"Piece {t} has area {fmt(a)} ({fmt(a / total * 100, 2)}% of the square)."
            for t, a in zip(labels, areas, strict=True)
        ]
    if exploded:
        statements.append("The pieces are drawn pulled apart from the centre.")
    return Emitted(
        _join(lines),
        {"variant": variant, "exploded": exploded, "rotate": rotate, "names": names},
        {
            "statements": statements,
            "labels": labels,
            "n_pieces": len(pieces),
            "areas": areas,
            "side": side,
            "variant": variant,
            "center": centre,
        },
    )
