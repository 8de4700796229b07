"""Engine size against fuel economy for 30 cars; three outliers are named."""

import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(7)
engine = rng.uniform(1.0, 4.0, 27)
mpg = 55 - 8.5 * engine + rng.normal(0, 2.0, 27)
outliers = {"Prius": (1.8, 58.0), "Hummer H2": (6.2, 14.0), "Tesla Roadster": (0.2, 49.0)}
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.scatter(engine, mpg, s=28, color="#9e9e9e", label="other models")
ox, oy = zip(*outliers.values(), strict=True)
ax.scatter(ox, oy, s=60, color="#d00000", marker="D", label="outliers", zorder=3)
for name, (x, y) in outliers.items():
    ax.annotate(
        name, xy=(x, y), xytext=(8, 6), textcoords="offset points", fontsize=9, color="#d00000"
    )
xx = np.linspace(0, 6.5, 2)
ax.plot(xx, 55 - 8.5 * xx, color="black", lw=1, linestyle=":", label="trend")
ax.set_xlim(0, 7)
ax.set_ylim(0, 65)
ax.set_xlabel("Engine size (litres)")
ax.set_ylabel("Fuel economy (mpg)")
ax.legend(loc="upper right", fontsize=9)
ax.set_title("Bigger engines, fewer miles")
