"""Parallelogram ABCD; its diagonals AC and BD bisect each other at O."""

import matplotlib.pyplot as plt
from matplotlib.patches import Polygon

V = {"A": (0.0, 0.0), "B": (4.0, 0.0), "C": (5.5, 2.5), "D": (1.5, 2.5)}
MID = (2.75, 1.25)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.add_patch(Polygon(list(V.values()), closed=True, facecolor="#ffe680", edgecolor="black", lw=2))
ax.plot([V["A"][0], V["C"][0]], [V["A"][1], V["C"][1]], color="tab:blue", linestyle="--")
ax.plot([V["B"][0], V["D"][0]], [V["B"][1], V["D"][1]], color="tab:blue", linestyle="--")
ax.plot([MID[0]], [MID[1]], "ko", ms=5)
for name, (x, y), (dx, dy) in (
    ("A", V["A"], (-0.3, -0.3)),
    ("B", V["B"], (0.1, -0.3)),
    ("C", V["C"], (0.1, 0.1)),
    ("D", V["D"], (-0.3, 0.1)),
    ("O", MID, (0.1, -0.35)),
):
    ax.text(x + dx, y + dy, name, fontsize=14)
ax.set_xlim(-0.7, 6.2)
ax.set_ylim(-0.7, 3.1)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Parallelogram ABCD")
