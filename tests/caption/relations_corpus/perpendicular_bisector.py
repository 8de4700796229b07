"""The perpendicular bisector of AB: every point on it (such as P) is equidistant from A and B."""

import matplotlib.pyplot as plt

A, B, M, P, Q = (-3, 0), (3, 0), (0, 0), (0, 2.5), (1.5, 2.0)
fig, ax = plt.subplots(figsize=(6.5, 4.8))
ax.plot([A[0], B[0]], [A[1], B[1]], color="black", lw=2)
ax.plot([0, 0], [-2.5, 3.5], color="tab:green", lw=1.8, linestyle="--")
ax.plot([A[0], P[0]], [A[1], P[1]], color="tab:gray", lw=1.2, linestyle=":")
ax.plot([B[0], P[0]], [B[1], P[1]], color="tab:gray", lw=1.2, linestyle=":")
ax.plot([A[0], B[0], M[0], P[0], Q[0]], [A[1], B[1], M[1], P[1], Q[1]], "ko", ms=5)
for name, (x, y), (dx, dy) in (
    ("A", A, (-0.35, -0.35)),
    ("B", B, (0.15, -0.35)),
    ("M", M, (0.15, -0.4)),
    ("P", P, (0.15, 0.1)),
    ("Q", Q, (0.15, 0.1)),
):
    ax.text(x + dx, y + dy, name, fontsize=14)
for x in (-1.5, 1.5):  # equal-length tick marks on AM and MB
    ax.plot([x, x], [-0.15, 0.15], color="black", lw=1.5)
ax.set_xlim(-3.8, 3.8)
ax.set_ylim(-2.8, 3.8)
ax.set_aspect("equal")
ax.axis("off")
