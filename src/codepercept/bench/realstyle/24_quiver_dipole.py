# domain: physics
# Electric field of a dipole: normalised quiver arrows coloured by log field strength
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-3, 3, 25)
y = np.linspace(-2, 2, 17)
X, Y = np.meshgrid(x, y)

charges = [(1.0, (-1.0, 0.0)), (-1.0, (1.0, 0.0))]
Ex = np.zeros_like(X)
Ey = np.zeros_like(Y)
for q, (cx, cy) in charges:
    dx, dy = X - cx, Y - cy
    r3 = np.hypot(dx, dy) ** 3 + 1e-3
    Ex += q * dx / r3
    Ey += q * dy / r3

E = np.hypot(Ex, Ey)
fig, ax = plt.subplots(figsize=(8, 5.5))
q = ax.quiver(
    X, Y, Ex / E, Ey / E, np.log10(E), cmap="coolwarm", pivot="mid", scale=30, width=0.004
)
fig.colorbar(q, ax=ax, label=r"$\log_{10}|E|$")

for charge, (cx, cy) in charges:
    color = "#d62728" if charge > 0 else "#1f77b4"
    ax.add_patch(plt.Circle((cx, cy), 0.15, color=color, zorder=3))
    ax.text(
        cx,
        cy,
        "+" if charge > 0 else "-",
        color="white",
        ha="center",
        va="center",
        fontsize=14,
        fontweight="bold",
        zorder=4,
    )

ax.set_aspect("equal")
ax.set_xlabel("x (cm)")
ax.set_ylabel("y (cm)")
ax.set_title("Electric dipole field")
plt.show()
