"""Flowchart of a countdown loop: read n, print and decrement while n > 0."""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch, Polygon

fig, ax = plt.subplots(figsize=(6, 7))


def box(x, y, text, colour="white", rounded=False):
    style = "round,pad=0.1,rounding_size=0.3" if rounded else "square,pad=0.1"
    ax.add_patch(
        FancyBboxPatch(
            (x - 0.9, y - 0.3), 1.8, 0.6, boxstyle=style, facecolor=colour, edgecolor="black"
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=12)


def arrow(start, end, **kw):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", color="black", **kw))


box(0, 6, "Start", "tab:green", rounded=True)
box(0, 4.8, "Read n")
ax.add_patch(
    Polygon(
        [(0, 4.0), (1.1, 3.4), (0, 2.8), (-1.1, 3.4)],
        closed=True,
        facecolor="khaki",
        edgecolor="black",
    )
)
ax.text(0, 3.4, "n > 0 ?", ha="center", va="center", fontsize=12)
box(0, 2.0, "Print n")
box(0, 0.8, "n = n - 1")
box(3.0, 3.4, "End", "tab:green", rounded=True)
arrow((0, 5.6), (0, 5.2))
arrow((0, 4.4), (0, 4.0))
arrow((0, 2.8), (0, 2.4))
arrow((0, 1.6), (0, 1.2))
arrow((-1.0, 0.8), (-1.1, 3.4), connectionstyle="bar,fraction=-0.3")
arrow((1.1, 3.4), (2.0, 3.4))
ax.text(0.15, 2.6, "yes", fontsize=11)
ax.text(1.45, 3.55, "no", fontsize=11)
ax.set_xlim(-2.2, 4.4)
ax.set_ylim(0.1, 6.7)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Countdown loop")
