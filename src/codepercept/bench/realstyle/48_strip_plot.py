# domain: statistics
# Categorical strip plot: jittered points per diet group in one scatter call, group means drawn
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(11)
groups = ["Control", "Low-carb", "Low-fat", "Mediterranean", "Fasting"]
means = [0.4, -4.8, -3.1, -3.9, -5.6]
sds = [2.2, 3.0, 2.5, 2.1, 3.6]
sizes = [24, 31, 28, 35, 22]
palette = ["#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]

xs, ys, cs = [], [], []
for k, (mu, sd, n) in enumerate(zip(means, sds, sizes, strict=True)):
    ys.append(rng.normal(mu, sd, n))
    xs.append(k + rng.uniform(-0.22, 0.22, n))
    cs += [palette[k]] * n
x, y = np.concatenate(xs), np.concatenate(ys)

fig, ax = plt.subplots(figsize=(9, 5.5))
ax.scatter(x, y, c=cs, s=28, alpha=0.75, edgecolors="white", linewidths=0.5)
for k, vals in enumerate(ys):
    m = vals.mean()
    ax.hlines(m, k - 0.32, k + 0.32, colors="black", lw=2.2)
    ax.text(k + 0.35, m, f"{m:+.1f}", va="center", fontsize=9)
ax.axhline(0, color="0.5", lw=0.8, ls=":")

ax.set_xticks(
    range(len(groups)), labels=[f"{g}\n(n={n})" for g, n in zip(groups, sizes, strict=True)]
)
ax.set_ylabel("weight change after 12 weeks (kg)")
ax.set_title("Weight change by diet group (black bars: group means)")
ax.set_xlim(-0.6, len(groups) - 0.4)
ax.grid(axis="y", ls=":", alpha=0.5)
plt.tight_layout()
plt.show()
