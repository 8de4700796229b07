"""Unemployment rate, five countries: Portugal highlighted on top, the others in grey behind."""

import matplotlib.pyplot as plt

years = list(range(2008, 2021))
rates = {
    "Germany": [7.4, 7.6, 6.9, 5.8, 5.4, 5.2, 5.0, 4.6, 4.1, 3.8, 3.4, 3.1, 3.8],
    "France": [7.4, 9.1, 9.3, 9.2, 9.8, 10.3, 10.3, 10.4, 10.1, 9.4, 9.0, 8.4, 8.0],
    "Italy": [6.7, 7.7, 8.4, 8.4, 10.7, 12.1, 12.7, 11.9, 11.7, 11.2, 10.6, 10.0, 9.2],
    "Spain": [11.3, 17.9, 19.9, 21.4, 24.8, 26.1, 24.5, 22.1, 19.6, 17.2, 15.3, 14.1, 15.5],
    "Portugal": [8.8, 10.7, 12.0, 12.9, 15.8, 16.4, 14.1, 12.6, 11.2, 9.0, 7.1, 6.5, 7.0],
}
fig, ax = plt.subplots(figsize=(7.5, 4.5))
for country, r in rates.items():
    if country == "Portugal":
        ax.plot(years, r, color="darkorange", lw=3, zorder=5, label=country)
    else:
        ax.plot(years, r, color="#c0c0c0", lw=1.2, zorder=1, label=country)
        ax.text(years[-1] + 0.2, r[-1], country, va="center", fontsize=8, color="gray")
ax.annotate(
    "peak 16.4% (2013)",
    xy=(2013, 16.4),
    xytext=(2008.5, 19.5),
    arrowprops=dict(arrowstyle="->", color="darkorange"),
    color="darkorange",
    fontsize=9,
)
ax.annotate(
    "low 6.5% (2019)",
    xy=(2019, 6.5),
    xytext=(2015.2, 2.5),
    arrowprops=dict(arrowstyle="->", color="darkorange"),
    color="darkorange",
    fontsize=9,
)
ax.text(2020.2, 7.0, "Portugal", va="center", fontsize=9, color="darkorange", fontweight="bold")
ax.set_xlim(2008, 2022)
ax.set_ylim(0, 28)
ax.set_ylabel("Unemployment rate (%)")
ax.set_title("Portugal's unemployment cycle")
ax.spines[["top", "right"]].set_visible(False)
