# domain: chart
# Wind rose: polar bar chart of wind frequency by direction, coloured by magnitude
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(3)

n = 16
theta = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
freq = 4 + 6 * np.abs(np.sin(theta + 0.6)) + rng.uniform(0, 3, n)
width = 2 * np.pi / n * 0.9

fig = plt.figure(figsize=(6, 6))
ax = fig.add_subplot(projection="polar")
colors = plt.cm.viridis(freq / freq.max())
bars = ax.bar(
    theta, freq, width=width, bottom=0.5, color=colors, alpha=0.85, edgecolor="k", linewidth=0.5
)

ax.set_theta_zero_location("N")
ax.set_theta_direction(-1)
ax.set_xticks(np.linspace(0, 2 * np.pi, 8, endpoint=False))
ax.set_xticklabels(["N", "NE", "E", "SE", "S", "SW", "W", "NW"])
ax.set_rlabel_position(22.5)
ax.set_title("Wind direction frequency (%), station 12", va="bottom", fontsize=13)
plt.show()
