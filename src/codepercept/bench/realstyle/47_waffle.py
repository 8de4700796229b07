# domain: chart
# Waffle chart (10 x 10 dot matrix of squares) of electricity sources, one colour per square
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

sources = ["Wind", "Solar", "Hydro", "Nuclear", "Gas", "Coal"]
shares = [27, 12, 9, 15, 22, 15]  # percent, sums to 100
palette = ["#4c9be8", "#f4c430", "#2a9d8f", "#9b5de5", "#f08a4b", "#555555"]

cells = np.repeat(np.arange(len(sources)), shares)
idx = np.arange(100)
col, row = idx // 10, 9 - idx % 10  # fill column by column from the top
colours = [palette[k] for k in cells]

fig, ax = plt.subplots(figsize=(8.5, 6))
ax.scatter(col, row, marker="s", s=520, c=colours, edgecolors="white", linewidths=1.5)
# brackets over the columns holding the renewable (first 48) and fossil (last 37) squares
for label, x0, x1 in (("renewables 48%", -0.4, 4.4), ("fossil 37%", 6.6, 9.4)):
    ax.plot([x0, x0, x1, x1], [10.0, 10.3, 10.3, 10.0], color="0.3", lw=1.2)
    ax.text((x0 + x1) / 2, 10.45, label, ha="center", va="bottom", fontsize=10)
ax.set_xlim(-0.7, 9.7)
ax.set_ylim(-0.7, 11.2)
ax.set_aspect("equal")
ax.axis("off")

handles = [
    Patch(facecolor=c, label=f"{s} ({p}%)")
    for s, p, c in zip(sources, shares, palette, strict=True)
]
ax.legend(
    handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False, title="Source"
)
ax.set_title("Where our electricity came from in 2023\n(each square = 1% of generation)")
fig.text(0.02, 0.02, "Data: grid operator annual report (illustrative)", fontsize=8, color="0.4")
plt.tight_layout()
plt.show()
