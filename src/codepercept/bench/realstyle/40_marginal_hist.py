# domain: statistics
# Scatter plot with marginal histograms on a gridspec (joint distribution of two variables)
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(19680801)
x = rng.gamma(4.0, 1.5, 600)
y = 0.6 * x + rng.normal(0, 1.4, 600)

fig = plt.figure(figsize=(7, 7))
gs = fig.add_gridspec(
    2,
    2,
    width_ratios=(4, 1),
    height_ratios=(1, 4),
    left=0.1,
    right=0.9,
    bottom=0.1,
    top=0.9,
    wspace=0.05,
    hspace=0.05,
)
ax = fig.add_subplot(gs[1, 0])
ax_histx = fig.add_subplot(gs[0, 0], sharex=ax)
ax_histy = fig.add_subplot(gs[1, 1], sharey=ax)
ax_histx.tick_params(axis="x", labelbottom=False)
ax_histy.tick_params(axis="y", labelleft=False)

ax.scatter(x, y, s=12, alpha=0.5, color="teal", edgecolors="none")
m, b = np.polyfit(x, y, 1)
xs = np.array([x.min(), x.max()])
ax.plot(xs, m * xs + b, color="darkred", lw=2, label=f"OLS slope {m:.2f}")
ax.legend(loc="upper left")

bins = 30
ax_histx.hist(x, bins=bins, color="teal", alpha=0.7)
ax_histy.hist(y, bins=bins, orientation="horizontal", color="salmon", alpha=0.8)

ax.set_xlabel("waiting time (min)")
ax.set_ylabel("service time (min)")
ax_histx.set_title("Queue times at a ticket office, n = 600")
plt.show()
