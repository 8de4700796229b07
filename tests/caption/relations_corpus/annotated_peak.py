"""Sensor voltage over time with the peak and the trough annotated."""

import matplotlib.pyplot as plt

t = list(range(11))
v = [2.0, 4.5, 7.8, 9.1, 7.0, 4.2, 2.1, 1.2, 2.5, 4.8, 6.0]
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.plot(t, v, "o-", color="tab:blue", lw=1.8)
ax.annotate("peak", xy=(3, 9.1), xytext=(5, 9.5), arrowprops=dict(arrowstyle="->", color="black"))
ax.annotate(
    "trough", xy=(7, 1.2), xytext=(8.3, 0.4), arrowprops=dict(arrowstyle="->", color="black")
)
ax.set_xlim(-0.5, 10.5)
ax.set_ylim(0, 11)
ax.set_xlabel("Time (s)")
ax.set_ylabel("Voltage (V)")
ax.set_title("Sensor response")
