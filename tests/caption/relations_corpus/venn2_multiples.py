"""U = {1, ..., 12}; A = multiples of 2, B = multiples of 3, elements written in their regions."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, Rectangle

fig, ax = plt.subplots(figsize=(7, 4.8))
ax.add_patch(Rectangle((-3.0, -2.0), 6.0, 4.0, fill=False, edgecolor="black"))
ax.add_patch(Circle((-0.75, 0.0), 1.5, fill=False, edgecolor="tab:purple", lw=2))
ax.add_patch(Circle((0.75, 0.0), 1.5, fill=False, edgecolor="tab:green", lw=2))
placed = {
    "2": (-1.7, 0.5),
    "4": (-1.2, 0.9),
    "8": (-1.7, -0.4),
    "10": (-1.1, -0.9),
    "6": (0.0, 0.45),
    "12": (0.0, -0.45),
    "3": (1.4, 0.5),
    "9": (1.4, -0.5),
    "1": (-2.6, 1.6),
    "5": (2.6, 1.6),
    "7": (-2.6, -1.6),
    "11": (2.6, -1.6),
}
for n, (x, y) in placed.items():
    ax.text(x, y, n, ha="center", va="center", fontsize=13)
ax.text(-0.75, 1.65, "A", ha="center", fontsize=15, color="tab:purple")
ax.text(0.75, 1.65, "B", ha="center", fontsize=15, color="tab:green")
ax.text(-2.9, -2.35, "U = {1, 2, ..., 12}", fontsize=11)
ax.set_xlim(-3.2, 3.2)
ax.set_ylim(-2.5, 2.2)
ax.set_aspect("equal")
ax.axis("off")
