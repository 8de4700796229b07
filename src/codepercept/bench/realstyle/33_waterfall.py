# domain: chart
# Waterfall chart of a profit bridge: green gains, red losses, blue totals, connector lines
import matplotlib.pyplot as plt
import numpy as np

steps = [
    "Revenue",
    "COGS",
    "Gross\nprofit",
    "R&D",
    "Marketing",
    "Admin",
    "Other\nincome",
    "Net\nprofit",
]
deltas = [420, -180, None, -65, -48, -32, 15, None]

bottoms, heights, colors = [], [], []
running = 0.0
for d in deltas:
    if d is None:  # subtotal bar
        bottoms.append(0)
        heights.append(running)
        colors.append("#1f77b4")
    else:
        bottoms.append(running if d >= 0 else running + d)
        heights.append(abs(d))
        colors.append("#2ca02c" if d >= 0 else "#d62728")
        running += d

x = np.arange(len(steps))
fig, ax = plt.subplots(figsize=(9, 5))
ax.bar(x, heights, bottom=bottoms, color=colors, width=0.6, edgecolor="black", linewidth=0.5)

level = 0.0
for i, d in enumerate(deltas):
    level = level if d is None else level + d
    if i < len(steps) - 1:
        ax.plot([i + 0.3, i + 0.7], [level, level], color="gray", lw=0.8, ls="--")
    label = f"{level:.0f}" if d is None else f"{d:+d}"
    ax.text(i, bottoms[i] + heights[i] + 6, label, ha="center", fontsize=9)

ax.set_xticks(x, labels=steps)
ax.set_ylabel("EUR (thousands)")
ax.set_title("Profit bridge FY2023")
ax.axhline(0, color="black", lw=0.8)
ax.set_ylim(0, 470)
plt.tight_layout()
plt.show()
