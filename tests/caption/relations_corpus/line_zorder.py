"""Model prediction against measurements, the model line deliberately drawn on top."""

import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 10, 11)
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.axhline(2, color="tab:green", linestyle="--", lw=2, label="Baseline", zorder=1)
ax.plot(x, 5 - 0.3 * x, color="tab:blue", lw=4, label="Data", zorder=2)
ax.plot(x, 0.5 * x, color="tab:red", lw=4, label="Model", zorder=3)
ax.set_xlim(0, 10)
ax.set_ylim(0, 6)
ax.set_xlabel("Time (h)")
ax.set_ylabel("Concentration (mg/L)")
ax.set_title("Model vs. measurement")
ax.legend(loc="upper left")
