# domain: statistics
# Overlapping histograms of three groups (alpha) with dashed mean lines
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(12345)
groups = {
    "control": rng.normal(100, 15, 800),
    "treatment A": rng.normal(112, 12, 800),
    "treatment B": rng.normal(95, 20, 800),
}
colors = ["gray", "tab:red", "tab:blue"]

fig, ax = plt.subplots(figsize=(8, 5))
bins = np.linspace(30, 170, 40)
for i, ((name, data), color) in enumerate(zip(groups.items(), colors, strict=True)):
    ax.hist(data, bins=bins, alpha=0.45, color=color, label=name, edgecolor=color)
    ax.axvline(data.mean(), color=color, linestyle="--", linewidth=1.5)
    ax.text(
        data.mean() + 1,
        0.95 - 0.06 * i,
        f"mean {data.mean():.0f}",
        color=color,
        fontsize=9,
        transform=ax.get_xaxis_transform(),
    )

ax.set_xlabel("score")
ax.set_ylabel("count")
ax.set_title("Score distribution per group (n = 800 each)")
ax.legend()
plt.show()
