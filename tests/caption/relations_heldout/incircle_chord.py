"""Incircle of a right triangle, its points of contact, a chord DE and a point P on the circle."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

A, B, C = (0.0, 0.0), (6.0, 0.0), (0.0, 8.0)
centre, r = (2.0, 2.0), 2.0  # the incentre I
D, E, F = (2.0, 0.0), (0.0, 2.0), (3.6, 3.2)  # contact points on AB, AC, BC
P = (0.8, 3.6)
Q = (4.0, 1.0)
fig, ax = plt.subplots(figsize=(5, 6))
ax.plot([A[0], B[0], C[0], A[0]], [A[1], B[1], C[1], A[1]], color="black", lw=1.5)
ax.add_patch(Circle(centre, r, fill=False, edgecolor="#7b2cbf", lw=1.8))
ax.plot([D[0], E[0]], [D[1], E[1]], color="#f77f00", lw=1.8)  # the chord DE
ax.plot([centre[0], F[0]], [centre[1], F[1]], color="gray", lw=1, linestyle="--")  # radius IF
ax.plot([0, 0.35, 0.35], [0.35, 0.35, 0], color="black", lw=1)  # right angle at A
pts = {"D": D, "E": E, "F": F, "P": P, "Q": Q, "I": centre}
ax.plot(*zip(*pts.values(), strict=True), "o", color="black", markersize=4)
offsets = {
    "A": (-0.35, -0.35),
    "B": (0.25, -0.35),
    "C": (-0.35, 0.2),
    "D": (0.0, -0.45),
    "E": (-0.4, 0.0),
    "F": (0.3, 0.15),
    "P": (-0.35, 0.2),
    "Q": (0.3, 0.0),
    "I": (0.25, -0.3),
}
for name, (x, y) in {**{"A": A, "B": B, "C": C}, **pts}.items():
    dx, dy = offsets[name]
    ax.text(x + dx, y + dy, name, ha="center", va="center", fontsize=12)
ax.set_xlim(-1, 7)
ax.set_ylim(-1, 9)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Incircle of triangle ABC")
