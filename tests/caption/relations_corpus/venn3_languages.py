"""Three-set Venn diagram: which foreign languages 57 pupils study."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(6, 6))
sets = [
    ((-0.6, 0.35), "tab:blue", "French", (-1.55, 1.5)),
    ((0.6, 0.35), "tab:orange", "German", (1.55, 1.5)),
    ((0.0, -0.65), "tab:green", "Spanish", (0.0, -1.95)),
]
for centre, colour, name, at in sets:
    ax.add_patch(Circle(centre, 1.1, facecolor=colour, alpha=0.3, edgecolor=colour, lw=2))
    ax.text(*at, name, ha="center", va="center", fontsize=13, color=colour)
regions = {
    (-1.1, 0.6): "14",
    (1.1, 0.6): "9",
    (0.0, -1.2): "11",
    (0.0, 0.75): "4",
    (-0.65, -0.45): "6",
    (0.65, -0.45): "3",
    (0.0, 0.05): "2",
    (1.7, -1.6): "8",
}
for (x, y), n in regions.items():
    ax.text(x, y, n, ha="center", va="center", fontsize=14)
ax.set_xlim(-2.2, 2.2)
ax.set_ylim(-2.2, 2.0)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Languages studied by 57 pupils")
