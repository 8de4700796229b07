"""Two parallel lines l and m cut by a transversal t at 60°, and a dashed perpendicular n."""

import math

import matplotlib.pyplot as plt
from matplotlib.patches import Arc

k = math.tan(math.radians(60))
fig, ax = plt.subplots(figsize=(6.5, 5))
ax.plot([-3, 3], [1, 1], color="black", lw=1.8)
ax.plot([-3, 3], [-1, -1], color="black", lw=1.8)
ax.plot([-1.6, 1.6], [-1.6 * k, 1.6 * k], color="tab:blue", lw=1.8)
ax.plot([2.5, 2.5], [-2.5, 2.5], color="tab:gray", lw=1.5, linestyle="--")
ax.text(3.1, 1.0, "l", fontsize=15, style="italic", va="center")
ax.text(3.1, -1.0, "m", fontsize=15, style="italic", va="center")
ax.text(1.7, 2.85, "t", fontsize=15, style="italic", color="tab:blue")
ax.text(2.6, 2.4, "n", fontsize=15, style="italic", color="tab:gray")
x1, x2 = 1 / k, -1 / k
ax.add_patch(Arc((x1, 1), 0.7, 0.7, theta1=0, theta2=60, color="tab:red"))
ax.text(x1 + 0.4, 1.15, "60°", fontsize=11, color="tab:red")
ax.add_patch(Arc((x2, -1), 0.7, 0.7, theta1=60, theta2=180, color="tab:red"))
ax.text(x2 - 0.75, -0.8, "120°", fontsize=11, color="tab:red")
ax.set_xlim(-3.3, 3.5)
ax.set_ylim(-3.0, 3.2)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("Angles formed by a transversal")
