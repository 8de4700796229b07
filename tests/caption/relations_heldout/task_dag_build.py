"""Build pipeline as a directed acyclic graph of tasks (from a CI tutorial)."""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

boxes = {
    "checkout": (0.0, 2.0),
    "install deps": (3.0, 3.0),
    "generate code": (3.0, 1.0),
    "compile": (6.0, 2.0),
    "lint": (6.0, 0.0),
    "unit tests": (9.0, 3.0),
    "docs": (9.0, 0.5),
    "release": (12.0, 2.0),
}
edges = [
    ("checkout", "install deps"),
    ("checkout", "generate code"),
    ("install deps", "compile"),
    ("generate code", "compile"),
    ("generate code", "lint"),
    ("compile", "unit tests"),
    ("compile", "docs"),
    ("unit tests", "release"),
    ("docs", "release"),
]
W, H = 2.0, 0.7
fig, ax = plt.subplots(figsize=(10, 4))
for name, (x, y) in boxes.items():
    colour = "#ffd166" if name == "release" else "#e9ecef"
    ax.add_patch(
        FancyBboxPatch(
            (x - W / 2, y - H / 2),
            W,
            H,
            boxstyle="round,pad=0.05",
            facecolor=colour,
            edgecolor="#343a40",
            lw=1.2,
        )
    )
    ax.text(x, y, name, ha="center", va="center", fontsize=10, family="monospace")
for a, b in edges:
    (x1, y1), (x2, y2) = boxes[a], boxes[b]
    ax.annotate(
        "",
        xy=(x2 - W / 2 - 0.05, y2),
        xytext=(x1 + W / 2 + 0.05, y1),
        arrowprops=dict(arrowstyle="->", color="#495057", lw=1.3),
    )
ax.set_xlim(-1.3, 13.3)
ax.set_ylim(-0.7, 3.7)
ax.axis("off")
ax.set_title("CI pipeline: task dependencies", loc="left", fontsize=12)
