# domain: statistics
# Notched box plots with coloured boxes and jittered raw observations on top
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(19680801)
labels = ["Mon", "Tue", "Wed", "Thu", "Fri"]
data = [rng.normal(mu, sd, 60) for mu, sd in [(32, 6), (28, 5), (35, 8), (30, 4), (41, 9)]]

fig, ax = plt.subplots(figsize=(8, 5))
bplot = ax.boxplot(
    data,
    notch=True,
    patch_artist=True,
    tick_labels=labels,
    widths=0.5,
    medianprops=dict(color="black", linewidth=1.5),
    flierprops=dict(marker="o", markerfacecolor="red", markersize=4),
)
for patch, color in zip(
    bplot["boxes"], ["pink", "lightblue", "lightgreen", "wheat", "plum"], strict=True
):
    patch.set_facecolor(color)

for i, d in enumerate(data, start=1):
    xj = rng.normal(i, 0.05, len(d))
    ax.plot(xj, d, ".", color="0.3", alpha=0.35, markersize=4)

ax.set_ylabel("commute time (min)")
ax.set_title("Commute time by weekday")
ax.yaxis.grid(True, linestyle=":")
plt.show()
