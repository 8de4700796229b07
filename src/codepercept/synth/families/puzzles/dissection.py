"""The dissection family: a square cut into pieces, with the piece areas recorded."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.puzzles._common import _join, _q

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
