"""A series circuit: a 9 V battery, resistors R1 and R2 and a lamp L in one loop."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(7, 5))
wire = dict(color="black", lw=1.8)


def zigzag(x0, x1, y):
    xs = np.linspace(x0, x1, 9)
    ys = y + np.array([0, 0.2, -0.2, 0.2, -0.2, 0.2, -0.2, 0.2, 0])
    ax.plot(xs, ys, **wire)


# battery on the left side (long plate = + on top)
ax.plot([0, 0], [0, 1.85], **wire)
ax.plot([0, 0], [2.15, 4], **wire)
ax.plot([-0.45, 0.45], [2.15, 2.15], color="black", lw=2.5)
ax.plot([-0.22, 0.22], [1.85, 1.85], color="black", lw=4)
ax.text(-1.1, 2.0, "9 V", fontsize=13, va="center")
ax.text(0.55, 2.25, "+", fontsize=13)
# top wire with R1 and R2
ax.plot([0, 1.5], [4, 4], **wire)
zigzag(1.5, 2.5, 4)
ax.plot([2.5, 3.5], [4, 4], **wire)
zigzag(3.5, 4.5, 4)
ax.plot([4.5, 6], [4, 4], **wire)
ax.text(1.35, 4.45, "R1 = 4 Ω", fontsize=12)
ax.text(3.35, 4.45, "R2 = 6 Ω", fontsize=12)
# right side with the lamp
ax.plot([6, 6], [4, 2.4], **wire)
ax.add_patch(Circle((6, 2.0), 0.4, fill=False, edgecolor="black", lw=1.8))
ax.plot([5.72, 6.28], [1.72, 2.28], color="black", lw=1.2)
ax.plot([5.72, 6.28], [2.28, 1.72], color="black", lw=1.2)
ax.plot([6, 6], [1.6, 0], **wire)
ax.text(6.55, 1.9, "L", fontsize=14)
ax.plot([6, 0], [0, 0], **wire)
# conventional current along the top wire, left to right
ax.annotate(
    "", xy=(1.2, 3.6), xytext=(0.4, 3.6), arrowprops=dict(arrowstyle="->", color="tab:red", lw=1.5)
)
ax.text(0.7, 3.2, "I", fontsize=13, color="tab:red")
ax.set_xlim(-1.5, 7.2)
ax.set_ylim(-0.6, 5.0)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("A series circuit")
