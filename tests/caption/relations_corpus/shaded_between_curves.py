"""The region R between y = x² and y = x + 2, shaded between their intersections."""

import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-2.5, 3, 200)
fig, ax = plt.subplots(figsize=(6, 4.8))
ax.plot(x, x**2, color="tab:blue", lw=2, label="f(x) = x²")
ax.plot(x, x + 2, color="tab:purple", lw=2, label="g(x) = x + 2")
xs = np.linspace(-1, 2, 100)
ax.fill_between(xs, xs**2, xs + 2, color="tab:orange", alpha=0.4)
ax.plot([-1, 2], [1, 4], "ko", ms=5)
ax.text(-1.55, 1.25, "(-1, 1)", fontsize=10)
ax.text(2.1, 3.7, "(2, 4)", fontsize=10)
ax.text(0.4, 1.4, "R", fontsize=16)
ax.axhline(0, color="black", lw=0.8)
ax.axvline(0, color="black", lw=0.8)
ax.set_xlim(-2.5, 3)
ax.set_ylim(-0.5, 6.5)
ax.legend(loc="upper left")
ax.set_title("Area between two curves")
