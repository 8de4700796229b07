# domain: chart
# Treemap of a disk-usage breakdown: slice-and-dice rectangles in a PatchCollection, labelled
import matplotlib.pyplot as plt
from matplotlib.collections import PatchCollection
from matplotlib.patches import Rectangle

folders = [
    ("videos", 182.0, "#4e79a7"),
    ("photos", 96.0, "#f28e2b"),
    ("games", 74.0, "#e15759"),
    ("projects", 41.0, "#76b7b2"),
    ("music", 28.0, "#59a14f"),
    ("documents", 12.0, "#edc948"),
    ("downloads", 9.5, "#b07aa1"),
    ("other", 5.5, "#9c755f"),
]
total = sum(size for _, size, _ in folders)


def slice_and_dice(items, x, y, w, h, vertical=True):
    """Split the box (x, y, w, h) among items in proportion to their sizes, alternating axis."""
    if not items:
        return []
    first, rest = items[0], items[1:]
    frac = first[1] / sum(size for _, size, _ in items)
    if vertical:
        box = (x, y, w * frac, h)
        return [(first, box), *slice_and_dice(rest, x + w * frac, y, w * (1 - frac), h, False)]
    box = (x, y, w, h * frac)
    return [(first, box), *slice_and_dice(rest, x, y + h * frac, w, h * (1 - frac), True)]


layout = slice_and_dice(folders, 0.0, 0.0, 100.0, 60.0)
rects = [Rectangle((bx, by), bw, bh) for _, (bx, by, bw, bh) in layout]
colours = [c for (_, _, c), _ in layout]

fig, ax = plt.subplots(figsize=(10, 6))
ax.add_collection(PatchCollection(rects, facecolor=colours, edgecolor="white", linewidth=2.5))
for (name, size, _), (bx, by, bw, bh) in layout:
    fs = 12 if bw * bh > 600 else 8
    ax.text(
        bx + bw / 2,
        by + bh / 2,
        f"{name}\n{size:g} GB\n{100 * size / total:.0f}%",
        ha="center",
        va="center",
        fontsize=fs,
        color="white",
        weight="bold",
    )

ax.set_xlim(0, 100)
ax.set_ylim(0, 60)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title(f"Disk usage of /home, {total:g} GB in total")
plt.show()
