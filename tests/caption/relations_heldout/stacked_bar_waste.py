"""Household waste per town, split by what happens to it: stacked bars with a legend outside."""

import matplotlib.pyplot as plt

towns = ["Ashford", "Brampton", "Colby", "Dunmore"]
layers = [
    ("Recycled", [210, 180, 260, 150], "#2a9d8f"),
    ("Composted", [90, 60, 120, 40], "#8d6e63"),
    ("Landfill", [150, 260, 80, 190], "#6c757d"),
]
fig, ax = plt.subplots(figsize=(7.5, 4.5))
base = [0, 0, 0, 0]
for name, values, colour in layers:
    ax.bar(towns, values, bottom=base, color=colour, label=name, width=0.55, edgecolor="white")
    base = [b + v for b, v in zip(base, values, strict=True)]
ax.set_ylabel("kg per household per year")
ax.set_ylim(0, 560)
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
ax.set_title("Where household waste goes")
fig.tight_layout()
