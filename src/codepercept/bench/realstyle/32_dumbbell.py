# domain: chart
# Dumbbell chart: employment rate in 2010 vs 2020 per region, connected by grey segments
import matplotlib.pyplot as plt
import numpy as np

regions = ["North", "North-East", "East", "South-East", "South", "South-West", "West", "Centre"]
y2010 = np.array([64.2, 61.0, 66.8, 70.1, 58.4, 60.9, 67.3, 69.0])
y2020 = np.array([68.9, 63.5, 70.2, 73.4, 63.1, 59.7, 71.8, 70.2])
y = np.arange(len(regions))

fig, ax = plt.subplots(figsize=(8, 5))
ax.hlines(y, y2010, y2020, color="lightgray", linewidth=4, zorder=1)
ax.scatter(y2010, y, color="#8c510a", s=80, zorder=2, label="2010")
ax.scatter(y2020, y, color="#01665e", s=80, zorder=2, label="2020")

for yi, a, b in zip(y, y2010, y2020, strict=True):
    diff = b - a
    ax.text(
        max(a, b) + 0.5,
        yi,
        f"{diff:+.1f}",
        va="center",
        fontsize=9,
        color="green" if diff > 0 else "red",
    )

ax.set_yticks(y, labels=regions)
ax.set_xlabel("employment rate (%)")
ax.set_title("Change in employment rate by region")
ax.set_xlim(55, 77)
ax.legend(loc="lower left", ncol=2, frameon=False)
ax.grid(axis="x", color="0.92")
ax.set_axisbelow(True)
plt.show()
