# domain: chart
# Candlestick chart built from bars (bodies) and vlines (wicks) with a moving average
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(99)
n = 40
close = 50 + np.cumsum(rng.normal(0, 1.2, n))
open_ = np.r_[50, close[:-1]] + rng.normal(0, 0.4, n)
high = np.maximum(open_, close) + rng.uniform(0.2, 1.5, n)
low = np.minimum(open_, close) - rng.uniform(0.2, 1.5, n)
days = np.arange(n)

up = close >= open_
colors = np.where(up, "#26a69a", "#ef5350")

fig, ax = plt.subplots(figsize=(10, 5))
ax.vlines(days, low, high, color=colors, linewidth=1)
ax.bar(
    days,
    np.abs(close - open_),
    bottom=np.minimum(open_, close),
    color=colors,
    width=0.6,
    edgecolor=colors,
)

ma = np.convolve(close, np.ones(5) / 5, mode="valid")
ax.plot(days[4:], ma, color="royalblue", lw=1.5, label="5-day MA")

ax.set_xlabel("trading day")
ax.set_ylabel("price (USD)")
ax.set_title("XYZ Corp. daily OHLC")
ax.legend(loc="upper left")
ax.grid(True, ls=":", alpha=0.6)
ax.set_xlim(-1, n)
plt.show()
