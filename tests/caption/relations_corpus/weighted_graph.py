"""A weighted graph of five towns; the shortest route from P to T is highlighted."""

import matplotlib.pyplot as plt

pos = {"P": (0, 1), "Q": (2, 2.5), "R": (2, -0.2), "S": (4.5, 2.2), "T": (4.5, 0)}
edges = {
    ("P", "Q"): 7,
    ("P", "R"): 9,
    ("Q", "R"): 10,
    ("Q", "S"): 15,
    ("R", "S"): 11,
    ("S", "T"): 6,
    ("R", "T"): 2,
}
path = {("P", "R"), ("R", "T")}
fig, ax = plt.subplots(figsize=(6.5, 4))
for (u, v), w in edges.items():
    (x1, y1), (x2, y2) = pos[u], pos[v]
    on = (u, v) in path
    ax.plot(
        [x1, x2], [y1, y2], color="tab:red" if on else "tab:gray", lw=3 if on else 1.5, zorder=1
    )
    ax.text((x1 + x2) / 2 + 0.12, (y1 + y2) / 2 + 0.12, str(w), fontsize=11)
for name, (x, y) in pos.items():
    ax.plot([x], [y], "o", ms=22, color="white", mec="black", zorder=2)
    ax.text(x, y, name, ha="center", va="center", fontsize=12, zorder=3)
ax.set_xlim(-0.6, 5.1)
ax.set_ylim(-0.8, 3.0)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Shortest route from P to T")
