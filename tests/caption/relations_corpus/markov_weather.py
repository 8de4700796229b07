"""A three-state weather Markov chain with transition probabilities on the arrows."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch

pos = {"Sunny": (0.0, 0.0), "Cloudy": (4.0, 0.0), "Rainy": (2.0, 3.0)}
arrows = [
    ("Sunny", "Cloudy", "0.3", 0.25, (2.0, -0.75)),
    ("Cloudy", "Sunny", "0.2", 0.25, (2.0, 0.75)),
    ("Cloudy", "Rainy", "0.4", 0.0, (3.35, 1.6)),
    ("Rainy", "Sunny", "0.5", 0.0, (0.65, 1.6)),
]
fig, ax = plt.subplots(figsize=(6, 4.8))
for name, (x, y) in pos.items():
    ax.add_patch(Circle((x, y), 0.6, facecolor="lightsteelblue", edgecolor="navy", lw=1.5))
    ax.text(x, y, name, ha="center", va="center", fontsize=11)
for a, b, p, rad, (lx, ly) in arrows:
    ax.add_patch(
        FancyArrowPatch(
            pos[a],
            pos[b],
            connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>",
            mutation_scale=18,
            shrinkA=24,
            shrinkB=24,
            color="black",
        )
    )
    ax.text(lx, ly, p, ha="center", va="center", fontsize=11)
ax.set_xlim(-1, 5)
ax.set_ylim(-1.2, 3.9)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Weather Markov chain")
