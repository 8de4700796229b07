# domain: statistics
# Linear regression with 95% confidence band and prediction interval (fill_between)
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(0)
n = 40
x = np.sort(rng.uniform(0, 10, n))
y = 1.8 * x + 3.0 + rng.normal(0, 2.5, n)

coef = np.polyfit(x, y, 1)
xx = np.linspace(0, 10, 200)
yy = np.polyval(coef, xx)

resid = y - np.polyval(coef, x)
s = np.sqrt(np.sum(resid**2) / (n - 2))
se_mean = s * np.sqrt(1 / n + (xx - x.mean()) ** 2 / np.sum((x - x.mean()) ** 2))
se_pred = s * np.sqrt(1 + 1 / n + (xx - x.mean()) ** 2 / np.sum((x - x.mean()) ** 2))
t = 2.024

fig, ax = plt.subplots(figsize=(8, 5))
ax.fill_between(
    xx,
    yy - t * se_pred,
    yy + t * se_pred,
    color="lightsteelblue",
    alpha=0.4,
    label="95% prediction interval",
)
ax.fill_between(
    xx,
    yy - t * se_mean,
    yy + t * se_mean,
    color="steelblue",
    alpha=0.5,
    label="95% confidence band",
)
ax.plot(xx, yy, color="navy", lw=2, label=f"fit: y = {coef[0]:.2f}x + {coef[1]:.2f}")
ax.scatter(x, y, color="darkorange", edgecolor="k", zorder=3, label="observations")

ax.set_xlabel("dose (mg)")
ax.set_ylabel("response")
ax.set_title("Dose-response regression")
ax.legend(loc="upper left")
ax.grid(True, alpha=0.3)
plt.show()
