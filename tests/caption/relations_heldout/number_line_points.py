"""Points on a number line (a middle-school worksheet on ordering real numbers)."""

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(9, 2.2))
ax.annotate(
    "", xy=(5.4, 0), xytext=(-5.4, 0), arrowprops=dict(arrowstyle="<|-|>", color="black", lw=1.2)
)
for k in range(-5, 6):
    ax.plot([k, k], [-0.12, 0.12], color="black", lw=1)
    ax.text(k, -0.35, f"{k}" if k >= 0 else f"−{-k}", ha="center", va="top", fontsize=10)
points = {"A": -3.5, "B": -1.0, "C": 0.5, "D": 2**0.5, "E": 4.0}
colours = {"A": "#e63946", "B": "#457b9d", "C": "#2a9d8f", "D": "#f4a261", "E": "#6d597a"}
for name, x in points.items():
    ax.plot([x], [0], "o", color=colours[name], markersize=9, zorder=3)
    ax.text(
        x, 0.3, name, ha="center", va="bottom", fontsize=13, fontweight="bold", color=colours[name]
    )
ax.text(2**0.5, 0.85, "√2", ha="center", va="bottom", fontsize=10, color="#f4a261")
ax.set_xlim(-5.8, 5.8)
ax.set_ylim(-1.0, 1.4)
ax.axis("off")
ax.set_title("Place the numbers on the line")
