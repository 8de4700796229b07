"""A simple food web: arrows point from the eaten to the eater (the direction energy flows)."""

import matplotlib.pyplot as plt

pos = {
    "Grass": (2.0, 0.0),
    "Rabbit": (0.5, 1.5),
    "Grasshopper": (3.5, 1.5),
    "Fox": (0.0, 3.0),
    "Frog": (3.5, 3.0),
    "Hawk": (2.0, 4.5),
}
eats = [
    ("Grass", "Rabbit"),
    ("Grass", "Grasshopper"),
    ("Grasshopper", "Frog"),
    ("Rabbit", "Fox"),
    ("Frog", "Hawk"),
    ("Rabbit", "Hawk"),
]
fig, ax = plt.subplots(figsize=(6, 6))
for name, (x, y) in pos.items():
    ax.text(
        x,
        y,
        name,
        ha="center",
        va="center",
        fontsize=12,
        bbox=dict(boxstyle="round,pad=0.4", facecolor="honeydew", edgecolor="darkgreen"),
    )
for prey, eater in eats:
    ax.annotate(
        "",
        xy=pos[eater],
        xytext=pos[prey],
        arrowprops=dict(arrowstyle="-|>", color="darkgreen", lw=1.5, shrinkA=16, shrinkB=16),
    )
ax.set_xlim(-1.0, 4.8)
ax.set_ylim(-0.7, 5.2)
ax.axis("off")
ax.set_title("A simple food web")
