"""DFA over {0, 1} accepting the strings that end in 01 (automata-theory lecture notes)."""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch

pos = {"q0": (0.0, 0.0), "q1": (3.0, 0.0), "q2": (6.0, 0.0)}
fig, ax = plt.subplots(figsize=(8, 3.6))
for name, (x, y) in pos.items():
    ax.add_patch(Circle((x, y), 0.5, facecolor="white", edgecolor="black", lw=1.6))
    ax.text(x, y, name, ha="center", va="center", fontsize=14, family="serif", style="italic")
# the accepting state is drawn as a double circle
ax.add_patch(Circle(pos["q2"], 0.4, facecolor="none", edgecolor="black", lw=1.6))


def edge(a, b, symbol, rad, at):
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle="-|>",
            connectionstyle=f"arc3,rad={rad}",
            mutation_scale=16,
            lw=1.3,
            color="black",
        )
    )
    ax.text(*at, symbol, ha="center", va="center", fontsize=13)


# transitions between distinct states (shrunk by hand to the circle boundaries)
edge((0.5, 0.0), (2.5, 0.0), "0", 0.0, (1.5, 0.25))
edge((3.5, 0.0), (5.5, 0.0), "1", 0.0, (4.5, 0.25))
edge((5.65, -0.35), (3.35, -0.35), "0", -0.35, (4.5, -0.95))
edge((5.75, 0.45), (0.4, 0.3), "1", 0.3, (3.0, 1.55))
# self-loops: above q0, below q1
edge((-0.25, 0.45), (0.25, 0.45), "1", -1.8, (0.0, 1.1))
edge((2.75, -0.45), (3.25, -0.45), "0", 1.8, (3.0, -1.15))
# start arrow
ax.add_patch(
    FancyArrowPatch(
        (-1.6, 0.0), (-0.5, 0.0), arrowstyle="-|>", mutation_scale=16, lw=1.3, color="black"
    )
)
ax.text(-1.7, 0.0, "start", ha="right", va="center", fontsize=11)
ax.set_xlim(-2.6, 7.0)
ax.set_ylim(-1.9, 2.0)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("DFA for strings ending in 01")
