# domain: statistics
# Residual plot of a linear fit: points coloured by residual (coolwarm), colorbar, zero line
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(2024)
n = 160
size_m2 = rng.uniform(35, 180, n)
price = 1.8 * size_m2 + 0.004 * (size_m2 - 100) ** 2 + rng.normal(0, 18, n) + 40

slope, intercept = np.polyfit(size_m2, price, 1)
fitted = slope * size_m2 + intercept
resid = price - fitted
lim = np.abs(resid).max()

fig, ax = plt.subplots(figsize=(9, 5.5))
sc = ax.scatter(
    fitted,
    resid,
    c=resid,
    cmap="coolwarm",
    vmin=-lim,
    vmax=lim,
    s=36,
    edgecolors="0.3",
    linewidths=0.4,
)
ax.axhline(0, color="black", lw=1)
sd = resid.std()
for k in (-2, 2):
    ax.axhline(k * sd, color="gray", lw=0.8, ls="--")
ax.text(fitted.max(), 2 * sd + 2, r"$+2\sigma$", ha="right", va="bottom", color="gray")
ax.text(fitted.max(), -2 * sd - 2, r"$-2\sigma$", ha="right", va="top", color="gray")

worst = np.argmax(np.abs(resid))
ax.annotate(
    f"largest residual\n{resid[worst]:+.0f} kEUR",
    (fitted[worst], resid[worst]),
    xytext=(30, -30 if resid[worst] > 0 else 30),
    textcoords="offset points",
    arrowprops=dict(arrowstyle="->", color="0.2"),
    fontsize=9,
)

cbar = fig.colorbar(sc, ax=ax)
cbar.set_label("residual (kEUR)")
ax.set_xlabel("fitted price (kEUR)")
ax.set_ylabel("observed - fitted (kEUR)")
ax.set_title(f"Residuals of price ~ size (slope {slope:.2f} kEUR/m$^2$): curvature left in")
plt.tight_layout()
plt.show()
