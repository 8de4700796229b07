"""A regular hexagon ABCDEF inscribed in a circle of radius 2, with points P and Q."""

import math

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, Polygon

verts = [(2 * math.cos(math.radians(60 * k)), 2 * math.sin(math.radians(60 * k))) for k in range(6)]
fig, ax = plt.subplots(figsize=(5.5, 5.5))
ax.add_patch(Circle((0, 0), 2, fill=False, edgecolor="black", linestyle="--"))
ax.add_patch(Polygon(verts, closed=True, fill=False, edgecolor="tab:green", lw=2))
for name, (x, y) in zip("ABCDEF", verts, strict=True):
    ax.text(1.13 * x - 0.07, 1.13 * y - 0.07, name, fontsize=14)
P, Q = (2.6, 1.6), (0.5, 0.3)
ax.plot([P[0], Q[0]], [P[1], Q[1]], "o", color="tab:orange", ms=6)
ax.text(P[0] + 0.1, P[1] + 0.1, "P", fontsize=14)
ax.text(Q[0] + 0.1, Q[1] + 0.1, "Q", fontsize=14)
ax.plot([0, 2], [0, 0], color="black", lw=1)
ax.text(0.8, -0.3, "r = 2", fontsize=11)
ax.set_xlim(-2.7, 3.2)
ax.set_ylim(-2.7, 2.7)
ax.set_aspect("equal")
ax.axis("off")
