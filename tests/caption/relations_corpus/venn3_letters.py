"""Three sets P, Q, R with their elements a to h (a textbook set-notation exercise)."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

fig, ax = plt.subplots(figsize=(5.5, 5.5))
for (cx, cy), name, (lx, ly) in (
    ((-0.55, 0.3), "P", (-1.75, 1.2)),
    ((0.55, 0.3), "Q", (1.75, 1.2)),
    ((0.0, -0.6), "R", (0.0, -1.95)),
):
    ax.add_patch(Circle((cx, cy), 1.0, fill=False, edgecolor="black", lw=1.5))
    ax.text(lx, ly, name, ha="center", va="center", fontsize=16, style="italic")
elements = {
    "a": (-1.0, 0.55),
    "b": (1.0, 0.55),
    "c": (0.0, -1.15),
    "d": (0.0, 0.7),
    "e": (-0.6, -0.4),
    "f": (0.6, -0.4),
    "g": (0.0, 0.0),
    "h": (1.6, -1.5),
}
for name, (x, y) in elements.items():
    ax.plot([x], [y], "k.", ms=6)
    ax.text(x + 0.08, y + 0.05, name, fontsize=13)
ax.set_xlim(-2.1, 2.1)
ax.set_ylim(-2.2, 1.6)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Three sets and their elements")
