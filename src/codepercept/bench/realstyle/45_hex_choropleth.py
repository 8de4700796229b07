# domain: chart
# Choropleth-style hexagon grid of regional unemployment: RegularPolygon patches, colour scale
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cm
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.patches import RegularPolygon

rng = np.random.default_rng(31)
n_cols, n_rows = 9, 7
radius = 1.0
dx, dy = np.sqrt(3) * radius, 1.5 * radius

centres, rate = [], []
for r in range(n_rows):
    for q in range(n_cols):
        x = q * dx + (dx / 2 if r % 2 else 0)
        y = r * dy
        # a gradient from the industrial south-west plus regional noise
        base = 11 - 0.5 * q - 0.6 * r + rng.normal(0, 0.8)
        centres.append((x, y))
        rate.append(np.clip(base, 2.0, 14.0))
rate = np.array(rate)

norm = Normalize(vmin=2, vmax=14)
cmap = plt.get_cmap("YlOrRd")
hexes = [RegularPolygon(c, numVertices=6, radius=0.97 * radius) for c in centres]
coll = PatchCollection(hexes, facecolor=cmap(norm(rate)), edgecolor="white", linewidth=1.0)

fig, ax = plt.subplots(figsize=(9, 6.5))
ax.add_collection(coll)
for (x, y), v in zip(centres, rate, strict=True):
    ax.text(
        x, y, f"{v:.1f}", ha="center", va="center", fontsize=7, color="white" if v > 9 else "0.2"
    )

capital = int(np.argmin(rate))
ax.annotate(
    "capital region",
    centres[capital],
    xytext=(centres[capital][0] + 2.5, centres[capital][1] - 3),
    arrowprops=dict(arrowstyle="->"),
    fontsize=10,
)

sm = cm.ScalarMappable(norm=norm, cmap=cmap)
cbar = fig.colorbar(sm, ax=ax, shrink=0.8)
cbar.set_label("unemployment rate (%)")
ax.set_xlim(-radius * 1.5, n_cols * dx + 4 * radius)
ax.set_ylim(-radius * 1.5, (n_rows - 1) * dy + radius * 1.5)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Unemployment by district, Q3 (equal-area hexagon map)")
plt.show()
