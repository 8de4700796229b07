"""Four points plotted in the coordinate plane, one in each quadrant."""

import matplotlib.pyplot as plt

pts = {"A": (2, 3), "B": (-3, 1), "C": (-2, -2), "D": (4, -1)}
fig, ax = plt.subplots(figsize=(5.5, 5))
ax.axhline(0, color="black", lw=1)
ax.axvline(0, color="black", lw=1)
xs, ys = zip(*pts.values(), strict=True)
ax.plot(xs, ys, "o", color="tab:red", ms=7)
for name, (x, y) in pts.items():
    ax.text(x + 0.2, y + 0.2, name, fontsize=13)
ax.set_xlim(-5, 5)
ax.set_ylim(-4, 4)
ax.set_xticks(range(-5, 6))
ax.set_yticks(range(-4, 5))
ax.grid(True, alpha=0.3)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Points in the coordinate plane")
