"""Euler diagram: Dogs inside Mammals, Birds disjoint from both, with example animals."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.add_patch(Circle((-0.6, 0.0), 1.5, facecolor="tab:blue", alpha=0.2, edgecolor="tab:blue"))
ax.add_patch(Circle((-0.3, -0.3), 0.6, facecolor="tab:brown", alpha=0.45, edgecolor="tab:brown"))
ax.add_patch(Circle((2.0, 0.0), 0.7, facecolor="gold", alpha=0.6, edgecolor="goldenrod"))
ax.text(-0.6, 1.15, "Mammals", ha="center", fontsize=12, fontweight="bold")
ax.text(-0.3, 0.05, "Dogs", ha="center", fontsize=11, fontweight="bold")
ax.text(2.0, 0.35, "Birds", ha="center", fontsize=11, fontweight="bold")
for name, (x, y) in {
    "Poodle": (-0.3, -0.3),
    "Bat": (-1.3, 0.5),
    "Penguin": (2.0, -0.1),
    "Lizard": (1.3, -1.3),
}.items():
    ax.text(x, y, name, ha="center", va="center", fontsize=10, style="italic")
ax.set_xlim(-2.3, 3.0)
ax.set_ylim(-1.7, 1.7)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Mammals, dogs and birds")
