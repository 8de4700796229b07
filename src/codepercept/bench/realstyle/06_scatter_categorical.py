# domain: statistics
# Iris-like scatter: three species with a list of categorical colours and markers, legend
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(7)

species = ["setosa", "versicolor", "virginica"]
colors = ["tab:blue", "#ff7f0e", "forestgreen"]
markers = ["o", "s", "D"]
centres = [(5.0, 3.4), (5.9, 2.8), (6.6, 3.0)]
spread = [(0.35, 0.38), (0.5, 0.31), (0.6, 0.32)]

fig, ax = plt.subplots(figsize=(7, 5))
for name, col, mk, (mx, my), (sx, sy) in zip(
    species, colors, markers, centres, spread, strict=True
):
    x = rng.normal(mx, sx, 50)
    y = rng.normal(my, sy, 50)
    ax.scatter(x, y, c=col, marker=mk, label=name, alpha=0.8, edgecolors="white", s=45)
    ax.plot(mx, my, marker="*", color=col, markersize=16, markeredgecolor="black")

ax.set_xlabel("sepal length (cm)")
ax.set_ylabel("sepal width (cm)")
ax.set_title("Sepal dimensions by species")
ax.legend(title="species", frameon=True)
ax.grid(alpha=0.3)
plt.show()
