"""Bundled example: triangle ABC with its incircle and the altitude from A."""

import matplotlib.pyplot as plt
import numpy as np

# Vertices of the triangle
A = np.array([1.0, 4.0])
B = np.array([0.0, 0.0])
C = np.array([6.0, 0.0])

fig, ax = plt.subplots(figsize=(6, 4.5))

# Sides of the triangle
triangle = plt.Polygon([A, B, C], closed=True, fill=False, edgecolor="black", linewidth=1.5)
ax.add_patch(triangle)

# Incircle: centre is the side-length-weighted mean of the vertices
a, b, c = np.linalg.norm(B - C), np.linalg.norm(C - A), np.linalg.norm(A - B)
incentre = (a * A + b * B + c * C) / (a + b + c)
s = (a + b + c) / 2
radius = np.sqrt(s * (s - a) * (s - b) * (s - c)) / s
ax.add_patch(plt.Circle(incentre, radius, fill=False, edgecolor="tab:blue", linewidth=1.2))
ax.plot(*incentre, "o", color="tab:blue", markersize=3)

# Altitude from A to BC, dashed, with a right-angle mark at its foot
foot = np.array([A[0], 0.0])
ax.plot([A[0], foot[0]], [A[1], foot[1]], "--", color="gray", linewidth=1)
ax.plot([foot[0], foot[0] + 0.25, foot[0] + 0.25], [0.25, 0.25, 0.0], color="gray", linewidth=1)

# Vertex labels
for name, point, offset in [("A", A, (0, 0.2)), ("B", B, (-0.3, -0.1)), ("C", C, (0.15, -0.1))]:
    ax.text(point[0] + offset[0], point[1] + offset[1], name, fontsize=14)
ax.text(incentre[0] + 0.1, incentre[1] + 0.1, "I", fontsize=12, color="tab:blue")
ax.text(foot[0] + 0.1, -0.35, "D", fontsize=12)

ax.set_aspect("equal")
ax.set_xlim(-0.8, 6.8)
ax.set_ylim(-0.8, 4.8)
ax.axis("off")
plt.show()
