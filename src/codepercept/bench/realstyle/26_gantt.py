# domain: other
# Gantt-style project schedule with broken_barh, per-team colours and a release milestone
import matplotlib.pyplot as plt

tasks = [
    ("Requirements", [(0, 3)], "#4e79a7"),
    ("Design", [(2, 4)], "#4e79a7"),
    ("Backend", [(5, 6), (12, 2)], "#f28e2b"),
    ("Frontend", [(6, 5), (12, 3)], "#e15759"),
    ("Testing", [(10, 2), (14, 3)], "#76b7b2"),
    ("Deployment", [(17, 1.5)], "#59a14f"),
]

fig, ax = plt.subplots(figsize=(9, 4.5))
for i, (_name, spans, color) in enumerate(tasks):
    ax.broken_barh(spans, (i * 10 + 2, 6), facecolors=color, edgecolor="black", linewidth=0.5)
    for start, dur in spans:
        ax.text(
            start + dur / 2,
            i * 10 + 5,
            f"{dur:g}w",
            ha="center",
            va="center",
            color="white",
            fontsize=8,
            fontweight="bold",
        )

ax.set_yticks([i * 10 + 5 for i in range(len(tasks))], labels=[t[0] for t in tasks])
ax.invert_yaxis()
ax.set_xlim(0, 20)
ax.set_xlabel("week")
ax.axvline(18.5, color="red", ls="--", lw=1.5)
ax.text(18.6, -2, "v1.0 release", color="red", fontsize=9, va="bottom")
ax.grid(axis="x", alpha=0.4)
ax.set_title("Project timeline", pad=18)
fig.tight_layout()
plt.show()
