# domain: chart
# Horizontal lollipop chart of CO2 emissions per capita, sorted, with a mean line
import matplotlib.pyplot as plt
import numpy as np

countries = [
    "Qatar",
    "Australia",
    "USA",
    "Canada",
    "Russia",
    "Germany",
    "Japan",
    "China",
    "UK",
    "France",
    "Brazil",
    "India",
]
co2 = np.array([35.6, 15.3, 14.9, 14.3, 11.4, 8.1, 8.5, 8.0, 5.2, 4.6, 2.2, 1.9])

order = np.argsort(co2)
vals = co2[order]
names = [countries[i] for i in order]
y = np.arange(len(vals))

fig, ax = plt.subplots(figsize=(7, 6))
ax.hlines(y, 0, vals, color="skyblue", linewidth=2)
ax.plot(vals, y, "o", color="#d7301f", markersize=8)
ax.axvline(co2.mean(), color="gray", ls="--", lw=1)
ax.text(co2.mean() + 0.4, 0.2, f"mean {co2.mean():.1f} t", color="gray", fontsize=9)

ax.set_yticks(y, labels=names)
ax.set_xlabel("tonnes CO$_2$ per person per year")
ax.set_title("Per-capita CO$_2$ emissions, 2021")
ax.spines[["top", "right"]].set_visible(False)
ax.set_xlim(0, 40)
plt.tight_layout()
plt.show()
