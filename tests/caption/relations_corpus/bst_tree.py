"""A binary search tree after inserting 8, 3, 10, 1, 6, 14, 4, 7, 13."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

pos = {
    "8": (0, 0),
    "3": (-2, -1),
    "10": (2, -1),
    "1": (-3, -2),
    "6": (-1, -2),
    "14": (3, -2),
    "4": (-1.5, -3),
    "7": (-0.5, -3),
    "13": (2.5, -3),
}
edges = [
    ("8", "3"),
    ("8", "10"),
    ("3", "1"),
    ("3", "6"),
    ("10", "14"),
    ("6", "4"),
    ("6", "7"),
    ("14", "13"),
]
fig, ax = plt.subplots(figsize=(6.5, 4.5))
for u, v in edges:
    ax.plot(*zip(pos[u], pos[v], strict=True), color="black", lw=1.2, zorder=1)
for key, (x, y) in pos.items():
    ax.add_patch(Circle((x, y), 0.3, facecolor="white", edgecolor="black", lw=1.5, zorder=2))
    ax.text(x, y, key, ha="center", va="center", fontsize=12, zorder=3)
ax.set_xlim(-3.6, 3.6)
ax.set_ylim(-3.5, 0.5)
ax.set_aspect("equal")
ax.axis("off")
