# domain: 3d
# 3D surface of a damped radial ripple (coolwarm) with a contour projection and a colorbar
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cm

fig = plt.figure(figsize=(8, 6))
ax = fig.add_subplot(projection="3d")

X = np.linspace(-5, 5, 50)
Y = np.linspace(-5, 5, 50)
X, Y = np.meshgrid(X, Y)
R = np.sqrt(X**2 + Y**2)
Z = np.sin(R) * np.exp(-0.15 * R)

surf = ax.plot_surface(X, Y, Z, cmap=cm.coolwarm, linewidth=0, antialiased=False)
ax.contour(X, Y, Z, zdir="z", offset=-1.2, cmap=cm.coolwarm, levels=10)

# mark the highest crest of the ripple
i, j = np.unravel_index(np.argmax(Z), Z.shape)
ax.scatter(X[i, j], Y[i, j], Z[i, j], color="black", s=30, depthshade=False)
ax.text(X[i, j], Y[i, j], Z[i, j] + 0.15, f"max {Z[i, j]:.2f}", color="black", fontsize=9)

ax.set_zlim(-1.2, 1.0)
ax.set_xlabel("x (m)")
ax.set_ylabel("y (m)")
ax.set_zlabel("displacement")
ax.set_title(r"Damped ripple $z = \sin(r)\,e^{-0.15 r}$")
ax.view_init(elev=28, azim=-60)
fig.colorbar(surf, shrink=0.5, aspect=10, label="z")

plt.show()
