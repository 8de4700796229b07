# domain: physics
# Potential flow around a cylinder: streamplot coloured by speed, cylinder patch, colorbar
import matplotlib.pyplot as plt
import numpy as np

U, R = 1.0, 1.0
Y, X = np.mgrid[-3:3:60j, -4:4:80j]
r2 = X**2 + Y**2
u = U * (1 - R**2 * (X**2 - Y**2) / r2**2)
v = -2 * U * R**2 * X * Y / r2**2
inside = r2 < R**2
speed = np.ma.array(np.hypot(u, v), mask=inside)
u = np.ma.array(u, mask=inside)
v = np.ma.array(v, mask=inside)

fig, ax = plt.subplots(figsize=(9, 5.5))
strm = ax.streamplot(
    X, Y, u, v, color=speed, cmap="plasma", density=1.3, linewidth=1, arrowsize=0.9
)
fig.colorbar(strm.lines, ax=ax, label=r"$|\mathbf{u}| / U_\infty$")
ax.add_patch(plt.Circle((0, 0), R, color="0.35", zorder=3))
ax.text(0, 0, "cylinder", color="white", ha="center", va="center", zorder=4)
ax.plot([-R, R], [0, 0], "wo", markersize=5, zorder=5)
ax.annotate(
    "stagnation point", xy=(-R, 0), xytext=(-3.8, 1.9), arrowprops=dict(arrowstyle="->", color="k")
)

ax.set_aspect("equal")
ax.set_xlim(-4, 4)
ax.set_ylim(-3, 3)
ax.set_xlabel("x / R")
ax.set_ylabel("y / R")
ax.set_title("Inviscid flow past a circular cylinder")
plt.show()
