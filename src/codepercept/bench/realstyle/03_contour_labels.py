# domain: function
# Filled contour of Himmelblau's function with labelled contour lines, minima and a colorbar
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-5, 5, 200)
y = np.linspace(-5, 5, 200)
X, Y = np.meshgrid(x, y)
Z = (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2

fig, ax = plt.subplots(figsize=(7, 6))
cf = ax.contourf(X, Y, np.log10(Z + 1), levels=14, cmap="viridis")
cs = ax.contour(X, Y, np.log10(Z + 1), levels=7, colors="k", linewidths=0.8)
ax.clabel(cs, inline=True, fontsize=8, fmt="%.1f")

minima = np.array([[3.0, 2.0], [-2.805, 3.131], [-3.779, -3.283], [3.584, -1.848]])
ax.plot(minima[:, 0], minima[:, 1], "rx", markersize=10, markeredgewidth=2, label="minima")
ax.annotate(
    "global min (3, 2)",
    xy=(3, 2),
    xytext=(1.2, 4.2),
    color="white",
    arrowprops=dict(arrowstyle="->", color="white"),
)

cbar = fig.colorbar(cf, ax=ax)
cbar.set_label(r"$\log_{10}(f(x, y) + 1)$")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Himmelblau's function")
ax.legend(loc="lower right")
plt.show()
