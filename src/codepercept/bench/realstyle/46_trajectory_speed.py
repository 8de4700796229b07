# domain: physics
# Trajectory of a particle in a double-well potential, LineCollection coloured by speed
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

# damped driven particle in V(x, y) = (x^2 - 1)^2 + y^2, integrated with semi-implicit Euler
dt, steps, gamma = 0.01, 3000, 0.15
pos = np.zeros((steps, 2))
vel = np.zeros((steps, 2))
pos[0], vel[0] = (-1.2, 0.8), (1.4, 0.0)
for i in range(1, steps):
    x, y = pos[i - 1]
    force = np.array([-4 * x * (x**2 - 1), -2 * y]) - gamma * vel[i - 1]
    force[0] += 0.6 * np.cos(1.1 * i * dt)
    vel[i] = vel[i - 1] + dt * force
    pos[i] = pos[i - 1] + dt * vel[i]
speed = np.linalg.norm(vel, axis=1)

segments = np.stack([pos[:-1], pos[1:]], axis=1)
lc = LineCollection(segments, cmap="viridis", linewidths=2)
lc.set_array(0.5 * (speed[:-1] + speed[1:]))

fig, ax = plt.subplots(figsize=(9, 6))
gx, gy = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-1.6, 1.6, 160))
ax.contour(gx, gy, (gx**2 - 1) ** 2 + gy**2, levels=12, colors="0.8", linewidths=0.7)
ax.add_collection(lc)
ax.plot(*pos[0], marker="o", color="green", markersize=9, ls="")
ax.plot(*pos[-1], marker="s", color="red", markersize=9, ls="")
ax.annotate("start", pos[0], xytext=(-30, 12), textcoords="offset points")
ax.annotate("end", pos[-1], xytext=(10, -14), textcoords="offset points")
for xm in (-1, 1):
    ax.text(xm, -1.45, f"well at x = {xm:+d}", ha="center", fontsize=9, color="0.35")

cbar = fig.colorbar(lc, ax=ax)
cbar.set_label("speed |v|")
ax.set_xlim(-2, 2)
ax.set_ylim(-1.6, 1.6)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Driven damped particle in a double well, coloured by speed")
plt.show()
