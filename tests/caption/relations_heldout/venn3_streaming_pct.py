"""Survey of 400 households: subscriptions to three streaming services, as percentages."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(6.2, 6.2))
services = [
    ("Netflix", (-0.55, 0.4), "#d62828", (-1.35, 1.75)),
    ("Disney+", (0.55, 0.4), "#1d3557", (1.35, 1.75)),
    ("Prime", (0.0, -0.55), "#2a9d8f", (0.0, -2.0)),
]
for name, centre, colour, (lx, ly) in services:
    ax.add_patch(Circle(centre, 1.15, facecolor="none", edgecolor=colour, lw=2.5))
    ax.text(lx, ly, name, ha="center", va="center", fontsize=14, color=colour, fontweight="bold")
shares = {
    "22%": (-1.05, 0.75),
    "9%": (1.05, 0.75),
    "14%": (0.0, -1.2),
    "11%": (0.0, 0.95),
    "8%": (-0.65, -0.35),
    "5%": (0.65, -0.35),
    "16%": (0.0, 0.1),
    "15%": (1.75, -1.7),
}
for label, (x, y) in shares.items():
    ax.text(x, y, label, ha="center", va="center", fontsize=12)
ax.set_xlim(-2.3, 2.3)
ax.set_ylim(-2.35, 2.1)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Streaming subscriptions (% of households)")
