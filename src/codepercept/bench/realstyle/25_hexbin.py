# domain: statistics
# Hexbin density of 20k correlated points with a log-count colorbar and marginal means
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(19680801)
n = 20_000
x = rng.standard_normal(n)
y = 2.0 + 3.0 * x + 4.0 * rng.standard_normal(n)

fig, ax = plt.subplots(figsize=(7, 6))
hb = ax.hexbin(x, y, gridsize=40, bins="log", cmap="inferno", mincnt=1)
cb = fig.colorbar(hb, ax=ax, label="log10(N)")

xs = np.linspace(-4, 4, 10)
ax.plot(xs, 2.0 + 3.0 * xs, color="cyan", lw=1.5, ls="--", label="y = 2 + 3x")
ax.axvline(x.mean(), color="white", lw=0.8)
ax.axhline(y.mean(), color="white", lw=0.8)
ax.set(xlim=(-4, 4), ylim=(-20, 25))
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Hexagon binning, log color scale")
ax.legend(loc="upper left", facecolor="0.2", labelcolor="white")
plt.show()
