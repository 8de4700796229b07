# domain: function
# Function plot with the area under the curve between a and b shaded and the integral written
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Polygon


def func(x):
    return (x - 3) * (x - 5) * (x - 7) + 85


a, b = 2, 9
x = np.linspace(0, 10)
y = func(x)

fig, ax = plt.subplots(figsize=(7, 5))
ax.plot(x, y, "r", linewidth=2)
ax.set_ylim(bottom=0)

ix = np.linspace(a, b)
iy = func(ix)
verts = [(a, 0), *zip(ix, iy, strict=True), (b, 0)]
poly = Polygon(verts, facecolor="0.9", edgecolor="0.5")
ax.add_patch(poly)

ax.text(0.5 * (a + b), 30, r"$\int_a^b f(x)\mathrm{d}x$", horizontalalignment="center", fontsize=20)

fig.text(0.9, 0.05, "$x$")
fig.text(0.1, 0.9, "$y$")

ax.spines[["top", "right"]].set_visible(False)
ax.set_xticks([a, b], labels=["$a$", "$b$"])
ax.set_yticks([])
ax.set_title("Area under a cubic")
plt.show()
