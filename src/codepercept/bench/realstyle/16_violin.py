# domain: statistics
# Violin plots with custom colours, means, and quartile markers
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(2024)
data = [
    rng.normal(0, 1, 300),
    rng.gamma(2.0, 1.0, 300) - 1,
    np.concatenate([rng.normal(-1.5, 0.5, 150), rng.normal(1.5, 0.5, 150)]),
    rng.standard_t(3, 300) * 0.7,
]
names = ["normal", "gamma", "bimodal", "Student t"]

fig, ax = plt.subplots(figsize=(8, 5))
parts = ax.violinplot(data, showmeans=True, showextrema=False)
for pc, color in zip(parts["bodies"], ["#D43F3A", "#3A87D4", "#5CB85C", "#F0AD4E"], strict=True):
    pc.set_facecolor(color)
    pc.set_edgecolor("black")
    pc.set_alpha(0.7)
parts["cmeans"].set_color("black")

q1, med, q3 = np.array([np.percentile(d, [25, 50, 75]) for d in data]).T
inds = np.arange(1, len(data) + 1)
ax.vlines(inds, q1, q3, color="k", linestyle="-", lw=5)
ax.scatter(inds, med, marker="o", color="white", s=30, zorder=3)

ax.set_xticks(inds, labels=names)
ax.set_ylabel("value")
ax.set_title("Distribution shapes")
ax.set_ylim(-5, 8)
plt.show()
