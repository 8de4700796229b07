"""Circles C1 and C2 touching externally at T; the line ℓ is tangent to both C2 and C3."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(7, 4.8))
for (cx, cy), r, colour, name in (
    ((0.0, 0.0), 2.0, "tab:blue", "C1"),
    ((5.0, 0.0), 3.0, "tab:orange", "C2"),
    ((0.0, 4.0), 1.0, "tab:green", "C3"),
):
    ax.add_patch(Circle((cx, cy), r, fill=False, edgecolor=colour, lw=2))
    ax.plot([cx], [cy], "k.", ms=5)
    ax.text(cx + 0.1, cy + 0.15, name, fontsize=13, color=colour)
ax.plot([-2.5, 8.5], [3.0, 3.0], color="black", lw=1.2)
ax.text(8.2, 3.15, "ℓ", fontsize=15)
ax.plot([2.0], [0.0], "ko", ms=5)
ax.text(2.1, -0.45, "T", fontsize=13)
ax.text(5.2, -0.6, "r = 3", fontsize=11, color="tab:orange")
ax.text(0.2, -0.6, "r = 2", fontsize=11, color="tab:blue")
ax.set_xlim(-2.7, 8.7)
ax.set_ylim(-3.3, 5.3)
ax.set_aspect("equal")
ax.axis("off")
