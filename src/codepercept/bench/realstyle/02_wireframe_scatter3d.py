# domain: 3d
# Saddle surface as a wireframe with noisy 3D sample points coloured by class
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(42)

x = np.linspace(-2, 2, 25)
y = np.linspace(-2, 2, 25)
X, Y = np.meshgrid(x, y)
Z = X**2 - Y**2

fig = plt.figure(figsize=(7, 6))
ax = fig.add_subplot(111, projection="3d")
ax.plot_wireframe(X, Y, Z, rstride=2, cstride=2, color="gray", linewidth=0.6, alpha=0.7)

# sampled measurements: above and below the fitted saddle
xs = rng.uniform(-2, 2, 60)
ys = rng.uniform(-2, 2, 60)
zs = xs**2 - ys**2 + rng.normal(0, 0.6, 60)
above = zs > xs**2 - ys**2
ax.scatter(xs[above], ys[above], zs[above], c="crimson", marker="o", s=25, label="above fit")
ax.scatter(xs[~above], ys[~above], zs[~above], c="#1f77b4", marker="^", s=25, label="below fit")

ax.scatter([0], [0], [0], marker="*", s=200, color="gold", edgecolors="k", label="saddle point")
ax.text(0, 0, 1.2, "saddle (0, 0, 0)", fontsize=9, ha="center")

ax.set_xlabel("X")
ax.set_ylabel("Y")
ax.set_zlabel("Z")
ax.set_title("Hyperbolic paraboloid fit with residuals")
ax.legend(loc="upper left")
plt.show()
