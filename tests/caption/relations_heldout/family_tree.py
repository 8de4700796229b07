"""Three-generation family tree with elbow connectors (genealogy-worksheet style)."""

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

people = {
    "George": (3.0, 4.0, "m"),
    "Martha": (6.0, 4.0, "f"),
    "Paul": (0.0, 2.0, "m"),
    "Alice": (3.0, 2.0, "f"),
    "Henry": (6.0, 2.0, "m"),
    "Emma": (0.0, 0.0, "f"),
    "Leo": (3.0, 0.0, "m"),
}
W, H = 1.6, 0.6
fig, ax = plt.subplots(figsize=(8, 5))
for name, (x, y, sex) in people.items():
    fc = "#ffd6e0" if sex == "f" else "#cfe8ff"
    ax.add_patch(Rectangle((x - W / 2, y - H / 2), W, H, facecolor=fc, edgecolor="black"))
    ax.text(x, y, name, ha="center", va="center", fontsize=12)


def segs(*pts):
    xs, ys = zip(*pts, strict=True)
    ax.plot(xs, ys, color="black", lw=1.2)


# marriages: a horizontal line between the spouses' boxes
segs((3.8, 4.0), (5.2, 4.0))
segs((0.8, 2.0), (2.2, 2.0))
# George and Martha's children: Alice and Henry
segs((4.5, 4.0), (4.5, 3.0))
segs((3.0, 3.0), (6.0, 3.0))
segs((3.0, 3.0), (3.0, 2.3))
segs((6.0, 3.0), (6.0, 2.3))
# Paul and Alice's children: Emma and Leo
segs((1.5, 2.0), (1.5, 1.0))
segs((0.0, 1.0), (3.0, 1.0))
segs((0.0, 1.0), (0.0, 0.3))
segs((3.0, 1.0), (3.0, 0.3))
ax.text(4.5, 4.15, "m. 1950", ha="center", va="bottom", fontsize=8, color="dimgray")
ax.text(1.5, 2.15, "m. 1978", ha="center", va="bottom", fontsize=8, color="dimgray")
ax.set_xlim(-1.2, 7.2)
ax.set_ylim(-0.6, 4.6)
ax.axis("off")
ax.set_title("The Whitfield family")
