"""Friendships in a small reading club: an undirected network drawn with scatter + LineCollection."""

import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection

people = {
    "Amara": (0.0, 0.0),
    "Bruno": (1.6, 1.1),
    "Chen": (1.7, -1.0),
    "Dalia": (3.4, 0.1),
    "Emil": (5.0, 1.2),
    "Farah": (5.1, -1.1),
    "Greta": (6.8, 0.0),
}
friends = [
    ("Amara", "Bruno"),
    ("Amara", "Chen"),
    ("Bruno", "Chen"),
    ("Bruno", "Dalia"),
    ("Chen", "Dalia"),
    ("Dalia", "Emil"),
    ("Dalia", "Farah"),
    ("Emil", "Greta"),
]
fig, ax = plt.subplots(figsize=(8, 4))
segments = [[people[a], people[b]] for a, b in friends]
ax.add_collection(LineCollection(segments, colors="#adb5bd", linewidths=2, zorder=1))
xs, ys = zip(*people.values(), strict=True)
sizes = [420 if n == "Dalia" else 220 for n in people]
ax.scatter(xs, ys, s=sizes, c="#6a4c93", edgecolors="white", linewidths=1.5, zorder=2)
for name, (x, y) in people.items():
    ax.text(x, y + 0.32, name, ha="center", va="bottom", fontsize=10, color="#333333")
ax.set_xlim(-0.7, 7.5)
ax.set_ylim(-1.6, 1.9)
ax.axis("off")
ax.set_title("Reading club friendships")
