"""Two-set Venn diagram of a class survey: Art (A) and Biology (B) enrolments."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, Rectangle

fig, ax = plt.subplots(figsize=(6, 4.5))
ax.add_patch(Rectangle((-2.4, -1.6), 4.8, 3.2, fill=False, edgecolor="black", linewidth=1.2))
ax.add_patch(Circle((-0.6, 0.0), 1.1, facecolor="tab:red", alpha=0.35, edgecolor="darkred"))
ax.add_patch(Circle((0.6, 0.0), 1.1, facecolor="tab:blue", alpha=0.35, edgecolor="navy"))
for x, n in ((-1.15, "12"), (0.0, "5"), (1.15, "7")):
    ax.text(x, 0.0, n, ha="center", va="center", fontsize=15)
ax.text(2.0, -1.3, "4", ha="center", va="center", fontsize=15)
ax.text(-0.6, 1.25, "A", ha="center", va="bottom", fontsize=16, fontweight="bold")
ax.text(0.6, 1.25, "B", ha="center", va="bottom", fontsize=16, fontweight="bold")
ax.text(-2.25, 1.35, "U", fontsize=14, style="italic")
ax.set_xlim(-2.6, 2.6)
ax.set_ylim(-1.8, 1.8)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Students taking Art (A) and Biology (B)")
