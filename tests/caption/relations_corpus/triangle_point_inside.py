"""Point-in-triangle exercise: P lies inside triangle ABC, Q outside."""

import matplotlib.pyplot as plt
from matplotlib.patches import Polygon

A, B, C = (0.0, 0.0), (6.0, 0.0), (2.0, 4.5)
P, Q = (2.5, 1.5), (5.0, 3.5)
fig, ax = plt.subplots(figsize=(6, 4.8))
ax.add_patch(Polygon([A, B, C], closed=True, fill=False, edgecolor="tab:blue", lw=2))
for name, (x, y), dx, dy in (
    ("A", A, -0.3, -0.3),
    ("B", B, 0.15, -0.3),
    ("C", C, -0.1, 0.2),
):
    ax.text(x + dx, y + dy, name, fontsize=15)
ax.plot([P[0], Q[0]], [P[1], Q[1]], "o", color="tab:red", ms=7)
ax.text(P[0] + 0.15, P[1] + 0.1, "P", fontsize=14, color="tab:red")
ax.text(Q[0] + 0.15, Q[1] + 0.1, "Q", fontsize=14, color="tab:red")
ax.set_xlim(-1, 7)
ax.set_ylim(-1, 5.5)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Is the point inside triangle ABC?")
