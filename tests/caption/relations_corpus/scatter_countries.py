"""Life expectancy against GDP per capita for six countries, each point labelled."""

import matplotlib.pyplot as plt

data = {
    "Norway": (82, 83.2),
    "Japan": (40, 84.5),
    "Brazil": (9, 75.9),
    "India": (2.4, 70.8),
    "Chad": (0.7, 54.2),
    "USA": (76, 77.5),
}
fig, ax = plt.subplots(figsize=(6.5, 4.5))
xs, ys = zip(*data.values(), strict=True)
ax.scatter(xs, ys, s=50, color="tab:blue", zorder=2)
for name, (x, y) in data.items():
    ax.annotate(name, (x, y), xytext=(5, 5), textcoords="offset points", fontsize=10)
ax.set_xlim(-5, 95)
ax.set_ylim(50, 90)
ax.set_xlabel("GDP per capita (thousand USD)")
ax.set_ylabel("Life expectancy (years)")
ax.set_title("Wealth and health")
ax.grid(alpha=0.3)
