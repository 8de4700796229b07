# domain: chart
# Multi-line daily price series with a legend and arrow annotations of notable events
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(11)
days = np.arange(250)
tickers = {"ACME": ("tab:blue", 100), "Globex": ("tab:orange", 80), "Initech": ("tab:green", 60)}

fig, ax = plt.subplots(figsize=(10, 5))
series = {}
for name, (color, start) in tickers.items():
    returns = rng.normal(0.0006, 0.018, days.size)
    price = start * np.exp(np.cumsum(returns))
    series[name] = price
    ax.plot(days, price, color=color, lw=1.4, label=name)

acme = series["ACME"]
peak = int(np.argmax(acme))
ax.annotate(
    f"ACME peak\n{acme[peak]:.1f}",
    xy=(peak, acme[peak]),
    xytext=(peak - 60, acme[peak] + 12),
    arrowprops=dict(arrowstyle="->", connectionstyle="arc3,rad=.2", color="black"),
    fontsize=9,
    bbox=dict(boxstyle="round", fc="lightyellow", ec="gray"),
)
low = int(np.argmin(series["Globex"]))
ax.annotate(
    "Globex low",
    xy=(low, series["Globex"][low]),
    xytext=(low + 25, series["Globex"][low] - 15),
    arrowprops=dict(facecolor="black", shrink=0.05, width=1, headwidth=6),
    fontsize=9,
)
ax.set_ylim(top=ax.get_ylim()[1] + 20)
ax.axvspan(120, 140, color="red", alpha=0.1)
ax.text(130, ax.get_ylim()[1] * 0.97, "earnings\nseason", ha="center", va="top", fontsize=8)

ax.set_xlabel("trading day")
ax.set_ylabel("close price (USD)")
ax.set_title("Closing prices, fiscal year 2023")
ax.legend(loc="upper left")
ax.grid(True, color="0.9")
plt.show()
