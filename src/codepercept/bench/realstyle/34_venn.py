# domain: geometry
# Three-set Venn diagram drawn with translucent circles and region counts as text
import matplotlib.pyplot as plt
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(7, 6.5))
sets = [
    ("Python", (-0.6, 0.35), "#1f77b4"),
    ("Statistics", (0.6, 0.35), "#ff7f0e"),
    ("Domain\nknowledge", (0.0, -0.65), "#2ca02c"),
]
for _name, (cx, cy), color in sets:
    ax.add_patch(Circle((cx, cy), 1.0, facecolor=color, alpha=0.35, edgecolor=color, lw=2))

ax.text(-1.9, 1.25, "Python", fontsize=13, color="#1f77b4", fontweight="bold")
ax.text(1.2, 1.25, "Statistics", fontsize=13, color="#ff7f0e", fontweight="bold")
ax.text(
    0.0, -1.85, "Domain knowledge", fontsize=13, color="#2ca02c", fontweight="bold", ha="center"
)

counts = {
    (-1.0, 0.6): "42",
    (1.0, 0.6): "35",
    (0.0, -1.05): "28",
    (0.0, 0.75): "17",
    (-0.6, -0.35): "11",
    (0.6, -0.35): "9",
    (0.0, 0.0): "6",
}
for (x, y), c in counts.items():
    ax.text(x, y, c, ha="center", va="center", fontsize=12)
ax.annotate(
    "data\nscience",
    xy=(0.0, 0.0),
    xytext=(1.6, -1.2),
    ha="center",
    fontsize=10,
    arrowprops=dict(arrowstyle="->", color="k"),
)

ax.set_xlim(-2.2, 2.2)
ax.set_ylim(-2.1, 1.6)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Survey: skills of 148 respondents")
plt.show()
