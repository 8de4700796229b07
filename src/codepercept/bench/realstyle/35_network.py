# domain: graph
# Network diagram of a small office LAN: nodes as circles, weighted edges as lines, labels
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

ring = ["router", "srv-1", "srv-2", "nas", "printer", "pc-c", "pc-b", "pc-a"]
angles = np.pi / 2 - np.linspace(0, 2 * np.pi, len(ring), endpoint=False)
pos = {"switch": (0.0, 0.0)}
for name, a in zip(ring, angles, strict=True):
    pos[name] = (2.0 * np.cos(a), 2.0 * np.sin(a))

edges = [
    ("router", "switch", 10),
    ("switch", "srv-1", 10),
    ("switch", "srv-2", 10),
    ("switch", "pc-a", 1),
    ("switch", "pc-b", 1),
    ("switch", "pc-c", 1),
    ("switch", "printer", 0.1),
    ("switch", "nas", 10),
    ("srv-1", "nas", 1),
    ("srv-2", "srv-1", 1),
]
kind_color = {
    "router": "#e15759",
    "switch": "#f28e2b",
    "srv": "#4e79a7",
    "pc": "#59a14f",
    "printer": "#bab0ac",
    "nas": "#b07aa1",
}

fig, ax = plt.subplots(figsize=(7, 7))
for u, v, gbit in edges:
    (x1, y1), (x2, y2) = pos[u], pos[v]
    ax.plot([x1, x2], [y1, y2], color="0.4", lw=0.8 + 1.2 * np.log10(gbit * 10), zorder=1)
    ax.text(
        (x1 + x2) / 2,
        (y1 + y2) / 2,
        f"{gbit:g}G",
        fontsize=7,
        color="0.3",
        ha="center",
        va="center",
        bbox=dict(fc="white", ec="none", pad=0.5),
    )

for name, (x, y) in pos.items():
    color = kind_color[name.split("-")[0]]
    ax.add_patch(Circle((x, y), 0.32, facecolor=color, edgecolor="black", zorder=2))
    ax.text(
        x, y, name, ha="center", va="center", fontsize=8, color="white", fontweight="bold", zorder=3
    )

ax.set_xlim(-2.7, 2.7)
ax.set_ylim(-2.7, 2.7)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Office network topology (link speed in Gbit/s)")
plt.show()
