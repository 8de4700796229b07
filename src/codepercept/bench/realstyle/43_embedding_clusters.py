# domain: statistics
# t-SNE-like 2-D embedding: 300 points in 6 clusters coloured by label (tab10), names annotated
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(7)
names = ["T cells", "B cells", "NK cells", "Monocytes", "Dendritic", "Platelets"]
centres = np.array([[-20, 8], [-8, 22], [-26, -10], [14, 12], [22, -6], [2, -22]], float)
counts = [80, 55, 40, 60, 35, 30]

points, labels = [], []
for k, (c, m) in enumerate(zip(centres, counts, strict=True)):
    spread = rng.uniform(2.5, 4.5)
    points.append(c + rng.normal(0, spread, (m, 2)) * np.array([1.0, rng.uniform(0.6, 1.2)]))
    labels += [k] * m
xy = np.vstack(points)
labels = np.array(labels)

fig, ax = plt.subplots(figsize=(8, 7))
ax.scatter(
    xy[:, 0],
    xy[:, 1],
    c=labels,
    cmap="tab10",
    vmin=0,
    vmax=9,
    s=14,
    alpha=0.85,
    edgecolors="none",
)
for k, name in enumerate(names):
    cx, cy = xy[labels == k].mean(axis=0)
    ax.text(
        cx,
        cy,
        f"{name}\n(n={counts[k]})",
        ha="center",
        va="center",
        fontsize=9,
        weight="bold",
        bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="0.6", alpha=0.85),
    )

ax.set_xlabel("t-SNE 1")
ax.set_ylabel("t-SNE 2")
ax.set_title("PBMC single-cell embedding, 300 cells, perplexity 30")
ax.set_xticks([])
ax.set_yticks([])
for side in ("top", "right"):
    ax.spines[side].set_visible(False)
plt.show()
