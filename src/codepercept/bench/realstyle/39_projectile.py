# domain: physics
# Projectile trajectories at several launch angles with apex markers and the ground shaded
import matplotlib.pyplot as plt
import numpy as np

g = 9.81
v0 = 20.0
angles = [15, 30, 45, 60, 75]
cmap = plt.get_cmap("viridis")

fig, ax = plt.subplots(figsize=(9, 5))
for i, deg in enumerate(angles):
    th = np.radians(deg)
    t_flight = 2 * v0 * np.sin(th) / g
    t = np.linspace(0, t_flight, 100)
    x = v0 * np.cos(th) * t
    y = v0 * np.sin(th) * t - 0.5 * g * t**2
    color = cmap(i / (len(angles) - 1))
    ax.plot(x, y, color=color, lw=2, label=f"{deg}\u00b0")
    t_top = t_flight / 2
    x_top = v0 * np.cos(th) * t_top
    y_top = v0 * np.sin(th) * t_top - 0.5 * g * t_top**2
    ax.plot(x_top, y_top, marker="v", color=color, markersize=7)

ax.fill_between([-1, 45], -2, 0, color="#8c6d31", alpha=0.4)
ax.annotate(
    "max range at 45\u00b0",
    xy=(v0**2 / g, 0),
    xytext=(30, 6),
    arrowprops=dict(arrowstyle="->", color="black"),
)
ax.set_xlim(-1, 45)
ax.set_ylim(-2, 21)
ax.set_xlabel("horizontal distance (m)")
ax.set_ylabel("height (m)")
ax.set_title(f"Projectile motion, $v_0$ = {v0:.0f} m/s, no drag")
ax.legend(title="launch angle", ncol=5, loc="upper right", fontsize=8)
plt.show()
