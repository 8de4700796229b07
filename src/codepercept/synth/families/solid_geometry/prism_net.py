"""The prism net family: the net of a right prism with fold lines and edge lengths."""

from __future__ import annotations

import math
import random

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.solid_geometry._common import DOMAIN, INKS, PALE, _seg_list, _tup

# -- 10. prism nets ------------------------------------------------------------------------------


def _polygon_on_edge(p0: np.ndarray, p1: np.ndarray, n: int) -> list[np.ndarray]:
    """Regular n-gon with side p0 -> p1, lying to the left of that direction."""
    pts = [p0, p1]
    step = p1 - p0
    turn = 2 * math.pi / n
    rot = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    for _ in range(n - 2):
        step = rot @ step
        pts.append(pts[-1] + step)
    return pts


@register(
    "prism_net",
    DOMAIN,
    "Net of a right prism (triangular, square, pentagonal or hexagonal base): a strip of "
    "lateral rectangles with the two bases attached at random positions, cut outline solid, "
    "fold lines dashed, edge lengths annotated.",
)
def prism_net(rng: random.Random) -> Emitted:
    n = rng.choice([3, 4, 5, 6])
    a = rng.choice([1.5, 2, 2.5])
    h = rng.choice([2.5, 3, 4])
    top_at, bottom_at = rng.randrange(n), rng.randrange(n)
    ink = rng.choice(INKS)
    side_color, base_color = rng.sample(PALE, 2)
    fold_dashed = rng.random() < 0.8
    shape = {3: "triangular", 4: "square", 5: "pentagonal", 6: "hexagonal"}[n]
    top = _polygon_on_edge(np.array([top_at * a, h]), np.array([(top_at + 1) * a, h]), n)
    # the bottom base hangs below its rectangle: walk its edge right to left
    bottom = _polygon_on_edge(
        np.array([(bottom_at + 1) * a, 0.0]), np.array([bottom_at * a, 0.0]), n
    )
    folds = [((k * a, 0.0), (k * a, h)) for k in range(1, n)]
    folds += [(tuple(top[0]), tuple(top[1])), (tuple(bottom[1]), tuple(bottom[0]))]
    outline = [((0.0, 0.0), (0.0, h)), ((n * a, 0.0), (n * a, h))]
    outline += [((k * a, h), ((k + 1) * a, h)) for k in range(n) if k != top_at]
    outline += [((k * a, 0.0), ((k + 1) * a, 0.0)) for k in range(n) if k != bottom_at]
    for poly in (top, bottom):
        outline += [(tuple(poly[k]), tuple(poly[(k + 1) % n])) for k in range(1, n)]

    def poly_code(pts) -> str:
        return "[" + ", ".join(_tup(p) for p in pts) + "]"

    a_text, h_text = f"a = {fmt(a)}", f"h = {fmt(h)}"
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        f"# Net of a right {shape} prism: base edge a = {fmt(a)}, height h = {fmt(h)}",
        f"a, h, n = {fmt(a)}, {fmt(h)}, {n}",
        "",
        f"fig, ax = plt.subplots(figsize=({fmt(1.2 + 0.9 * n * a, 1)}, {fmt(2.5 + 1.2 * h, 1)}))",
        "",
        "# Lateral faces: a strip of n rectangles",
        "for k in range(n):",
        f'    ax.add_patch(plt.Rectangle((k * a, 0), a, h, facecolor="{side_color}", '
        'edgecolor="none"))',
        "",
        f"# The two bases, attached to rectangles {top_at + 1} (top) and {bottom_at + 1} (bottom)",
        f"top_base = {poly_code(top)}",
        f"bottom_base = {poly_code(bottom)}",
        "for base in (top_base, bottom_base):",
        f'    ax.add_patch(plt.Polygon(base, facecolor="{base_color}", edgecolor="none"))',
        "",
        "# Cut edges around the outside; fold edges where two faces meet",
        _seg_list("outline", outline),
        _seg_list("folds", folds),
        "for (x0, y0), (x1, y1) in outline:",
        f'    ax.plot([x0, x1], [y0, y1], color="{ink}", linewidth=2)',
        "for (x0, y0), (x1, y1) in folds:",
        f'    ax.plot([x0, x1], [y0, y1], color="{ink}", linewidth=1'
        + (', linestyle="--")' if fold_dashed else ")"),
        "",
        "# Edge lengths",
        f'ax.text({fmt(((bottom_at + 1) % n + 0.5) * a)}, -0.15, "{a_text}", fontsize=12, '
        'ha="center", va="top")',
        f'ax.text(-0.15, h / 2, "{h_text}", fontsize=12, ha="right", va="center")',
        "",
        'ax.set_aspect("equal")',
        "ax.autoscale()",
        "ax.margins(0.08)",
        'ax.axis("off")',
        "plt.show()",
        "",
    ]
    facts = {
        "statements": [
            f"the net folds into a right {shape} prism",
            f"it has {n} rectangular faces and 2 {shape} bases",
            f"the base edge is {fmt(a)} and the height {fmt(h)}",
        ],
        "labels": [a_text, h_text],
        "net_type": f"{shape} prism",
        "n_faces": n + 2,
        "fold_lines": len(folds),
        "hidden_edges": 0,
        "dashed_lines": len(folds) if fold_dashed else 0,
    }
    params = {"n": n, "a": a, "h": h, "top_at": top_at, "bottom_at": bottom_at}
    return Emitted("\n".join(lines), params, facts)
