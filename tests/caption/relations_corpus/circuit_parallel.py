"""Two resistors in parallel across a 12 V battery, with an ammeter in the main line."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(7, 4.6))
wire = dict(color="black", lw=1.8)


def zigzag(x0, x1, y):
    xs = np.linspace(x0, x1, 9)
    ax.plot(xs, y + 0.18 * np.array([0, 1, -1, 1, -1, 1, -1, 1, 0]), **wire)


# battery on the left
ax.plot([0, 0], [0, 1.35], **wire)
ax.plot([0, 0], [1.65, 3], **wire)
ax.plot([-0.45, 0.45], [1.65, 1.65], color="black", lw=2.5)
ax.plot([-0.22, 0.22], [1.35, 1.35], color="black", lw=4)
ax.text(-1.3, 1.5, "12 V", fontsize=13, va="center")
# main line with the ammeter, up to the left junction
ax.plot([0, 0.8], [3, 3], **wire)
ax.add_patch(Circle((1.2, 3), 0.4, fill=False, edgecolor="black", lw=1.8))
ax.text(1.2, 3, "A", ha="center", va="center", fontsize=13)
ax.plot([1.6, 2.5], [3, 3], **wire)
# two branches between the junctions at x = 2.5 and x = 5.5
ax.plot([2.5, 2.5], [3, 4], **wire)
ax.plot([2.5, 2.5], [3, 2], **wire)
ax.plot([5.5, 5.5], [3, 4], **wire)
ax.plot([5.5, 5.5], [3, 2], **wire)
for y, label in ((4, "R1 = 3 Ω"), (2, "R2 = 6 Ω")):
    ax.plot([2.5, 3.5], [y, y], **wire)
    zigzag(3.5, 4.5, y)
    ax.plot([4.5, 5.5], [y, y], **wire)
    ax.text(3.45, y + 0.3, label, fontsize=12)
ax.plot([2.5, 5.5], [3, 3], "o", color="black", ms=7)
# return path
ax.plot([5.5, 6.5, 6.5, 0], [3, 3, 0, 0], **wire)
ax.set_xlim(-1.6, 7.0)
ax.set_ylim(-0.5, 4.8)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Two resistors in parallel")
