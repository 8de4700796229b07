"""Worksheet Venn diagram: which foods are fruits and which are red; sets named only in a legend."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.add_patch(
    Circle(
        (-0.7, 0.0), 1.3, facecolor="#f4a261", alpha=0.45, edgecolor="#e76f51", lw=2, label="Fruit"
    )
)
ax.add_patch(
    Circle(
        (0.7, 0.0),
        1.3,
        facecolor="#e63946",
        alpha=0.35,
        edgecolor="#9d0208",
        lw=2,
        label="Red foods",
    )
)
members = {
    "banana": (-1.35, 0.45),
    "pear": (-1.45, -0.35),
    "cherry": (0.0, 0.4),
    "strawberry": (0.0, -0.35),
    "beetroot": (1.35, 0.4),
    "radish": (1.4, -0.35),
    "bread": (2.45, -1.15),
    "rice": (-2.45, -1.15),
}
for word, (x, y) in members.items():
    ax.text(x, y, word, ha="center", va="center", fontsize=11, family="serif")
ax.legend(loc="upper right", frameon=True, fontsize=10)
ax.set_xlim(-2.9, 2.9)
ax.set_ylim(-1.5, 1.6)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Sorting foods", fontsize=13)
