"""Tangents from an external point P to a circle, and a secant through M and N."""

import math

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

r, d = 2.0, 5.0
tx, ty = r * r / d, r * math.sqrt(1 - (r / d) ** 2)
pts = {
    "O": (0.0, 0.0),
    "P": (d, 0.0),
    "A": (tx, ty),
    "B": (tx, -ty),
    "M": (1.9016, 0.6197),
    "N": (-1.5170, 1.3034),
}
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.add_patch(Circle((0, 0), r, fill=False, edgecolor="black", lw=1.5))
ax.plot([d, tx], [0, ty], color="tab:red", lw=2)
ax.plot([d, tx], [0, -ty], color="tab:red", lw=2)
ax.plot([d, -2.5], [0, 1.5], color="tab:gray", lw=1.5)
ax.plot([0, tx], [0, ty], "k--", lw=1)
ax.plot(*zip(*pts.values(), strict=True), "ko", ms=4)
offsets = {"O": (-0.3, -0.3), "P": (0.1, 0.15), "A": (0.0, 0.2), "B": (0.0, -0.4)}
for name, (x, y) in pts.items():
    dx, dy = offsets.get(name, (0.05, 0.15))
    ax.text(x + dx, y + dy, name, fontsize=13)
ax.text(0.15, 0.55, "r = 2", fontsize=11)
ax.set_xlim(-3, 6)
ax.set_ylim(-2.6, 2.6)
ax.set_aspect("equal")
ax.axis("off")
