# domain: geometry
# Unit circle diagram: angle theta, its sine and cosine segments and the tangent, labelled
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Arc

theta = np.deg2rad(35)
c, s = np.cos(theta), np.sin(theta)

fig, ax = plt.subplots(figsize=(6, 6))
t = np.linspace(0, 2 * np.pi, 300)
ax.plot(np.cos(t), np.sin(t), color="black", lw=1.5)
ax.axhline(0, color="gray", lw=0.8)
ax.axvline(0, color="gray", lw=0.8)

ax.plot([0, c], [0, s], color="black", lw=2)
ax.plot([c, c], [0, s], color="tab:red", lw=2.5, label=r"$\sin\theta$")
ax.plot([0, c], [0, 0], color="tab:blue", lw=2.5, label=r"$\cos\theta$")
ax.plot([1, 1], [0, np.tan(theta)], color="tab:green", lw=2.5, label=r"$\tan\theta$")
ax.plot([0, 1], [0, np.tan(theta)], color="0.5", lw=1, ls="--")
ax.add_patch(Arc((0, 0), 0.5, 0.5, theta1=0, theta2=35, color="purple", lw=1.5))
ax.text(0.3, 0.08, r"$\theta$", fontsize=14, color="purple")
ax.plot(c, s, "ko", markersize=6)
ax.annotate(
    r"$P = (\cos\theta, \sin\theta)$",
    xy=(c, s),
    xytext=(-0.6, 1.1),
    fontsize=11,
    arrowprops=dict(arrowstyle="->"),
)
ax.text(1.03, -0.1, "1", fontsize=11)

ax.set_xlim(-1.25, 1.25)
ax.set_ylim(-1.25, 1.25)
ax.set_aspect("equal")
ax.set_title("Trigonometric functions on the unit circle")
ax.legend(loc="lower left")
plt.show()
