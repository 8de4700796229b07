"""Euler diagram of the number systems: N inside Z inside Q inside R, with sample numbers."""

import matplotlib.pyplot as plt
from matplotlib.patches import Ellipse

fig, ax = plt.subplots(figsize=(8, 5))
sets = [
    ("ℝ real numbers", (0.0, 0.0), 9.0, 5.6, "#caf0f8", (0.0, 2.35)),
    ("ℚ rationals", (-0.6, -0.3), 6.6, 4.3, "#90e0ef", (-0.6, 1.45)),
    ("ℤ integers", (-1.1, -0.55), 4.2, 2.9, "#48cae4", (-1.1, 0.55)),
    ("ℕ naturals", (-1.5, -0.75), 1.9, 1.4, "#0096c7", (-1.5, -0.3)),
]
for name, centre, w, h, colour, (lx, ly) in sets:
    ax.add_patch(Ellipse(centre, w, h, facecolor=colour, edgecolor="#023e8a", lw=1.2))
    ax.text(lx, ly, name, ha="center", va="center", fontsize=11, style="italic")
samples = {
    "7": (-1.5, -0.95),
    "−4": (-0.3, -1.0),
    "3/4": (1.6, -0.6),
    "0.25": (1.55, 0.35),
    "π": (3.5, 0.0),
    "√2": (2.9, -1.5),
}
for s, (x, y) in samples.items():
    ax.text(x, y, s, ha="center", va="center", fontsize=13)
ax.set_xlim(-4.8, 4.8)
ax.set_ylim(-3.0, 3.0)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Number systems")
