"""The classic "lamp doesn't work" troubleshooting flowchart, with two decision diamonds."""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch, Polygon


def box(x, y, text, colour):
    ax.add_patch(
        FancyBboxPatch(
            (x - 1.2, y - 0.4),
            2.4,
            0.8,
            boxstyle="round,pad=0.08",
            facecolor=colour,
            edgecolor="black",
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=10)


def diamond(x, y, text):
    ax.add_patch(
        Polygon(
            [(x, y + 0.9), (x + 1.6, y), (x, y - 0.9), (x - 1.6, y)],
            closed=True,
            facecolor="#ffe066",
            edgecolor="black",
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=9.5)


def arrow(p, q, label=None, at=None):
    ax.annotate("", xy=q, xytext=p, arrowprops=dict(arrowstyle="-|>", color="black", lw=1.2))
    if label:
        ax.text(*at, label, fontsize=9, fontweight="bold", ha="center", va="center")


fig, ax = plt.subplots(figsize=(7, 7.5))
box(0, 6.5, "Lamp doesn't work", "#ffadad")
diamond(0, 4.6, "Lamp\nplugged in?")
box(4.0, 4.6, "Plug in lamp", "#caffbf")
diamond(0, 2.3, "Bulb\nburned out?")
box(4.0, 2.3, "Replace bulb", "#caffbf")
box(0, 0.2, "Repair lamp", "#caffbf")
arrow((0, 6.02), (0, 5.5))
arrow((1.6, 4.6), (2.72, 4.6), "No", (2.15, 4.85))
arrow((0, 3.7), (0, 3.2), "Yes", (0.35, 3.45))
arrow((1.6, 2.3), (2.72, 2.3), "Yes", (2.15, 2.55))
arrow((0, 1.4), (0, 0.68), "No", (0.35, 1.05))
ax.set_xlim(-2.2, 5.6)
ax.set_ylim(-0.5, 7.2)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Lamp troubleshooting")
