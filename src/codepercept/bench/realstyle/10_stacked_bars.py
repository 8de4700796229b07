# domain: chart
# Stacked bar chart of electricity generation mix per year with hatches and a legend
import matplotlib.pyplot as plt
import numpy as np

years = ["2016", "2017", "2018", "2019", "2020", "2021", "2022"]
sources = {
    "Coal": np.array([42, 39, 35, 30, 24, 25, 21]),
    "Gas": np.array([22, 24, 26, 27, 28, 26, 25]),
    "Nuclear": np.array([14, 14, 13, 13, 12, 12, 11]),
    "Wind": np.array([12, 13, 15, 17, 20, 20, 23]),
    "Solar": np.array([5, 6, 7, 9, 12, 13, 16]),
}
colors = ["#3b3b3b", "#f28e2b", "#b07aa1", "#4e79a7", "#edc948"]
hatches = ["", "//", "..", "", "xx"]

fig, ax = plt.subplots(figsize=(8, 5))
bottom = np.zeros(len(years))
for (name, vals), color, hatch in zip(sources.items(), colors, hatches, strict=True):
    ax.bar(years, vals, 0.6, bottom=bottom, label=name, color=color, hatch=hatch, edgecolor="white")
    bottom += vals

for i, total in enumerate(bottom):
    ax.text(i, total + 1, f"{total:.0f}", ha="center", fontsize=9)

ax.set_ylabel("Generation (TWh)")
ax.set_xlabel("Year")
ax.set_title("Electricity generation by source")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
ax.set_ylim(0, 110)
fig.tight_layout()
plt.show()
