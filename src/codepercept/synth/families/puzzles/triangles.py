"""The counting triangles family, and the brute-force triangle counter it relies on."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.puzzles._common import _join

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
