"""An undirected graph on six named vertices (a discrete-maths exercise on degrees)."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

pos = {"A": (0, 2), "B": (2, 3), "C": (2, 1), "D": (4, 2), "E": (6, 1.2), "F": (7.5, 2.5)}
edges = [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D"), ("D", "E"), ("E", "F"), ("C", "E")]
fig, ax = plt.subplots(figsize=(7, 3.6))
for u, v in edges:
    (x1, y1), (x2, y2) = pos[u], pos[v]
    ax.plot([x1, x2], [y1, y2], color="black", lw=1.5, zorder=1)
for name, (x, y) in pos.items():
    ax.add_patch(Circle((x, y), 0.3, facecolor="tab:orange", edgecolor="black", zorder=2))
    ax.text(x, y, name, ha="center", va="center", fontsize=13, zorder=3)
ax.set_xlim(-0.6, 8.1)
ax.set_ylim(0.4, 3.6)
ax.set_aspect("equal")
ax.axis("off")
