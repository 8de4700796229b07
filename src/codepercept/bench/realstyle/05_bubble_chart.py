# domain: chart
# Gapminder-style bubble chart: size = population, colour = fertility (plasma), log x axis
import matplotlib.pyplot as plt
import numpy as np

countries = [
    "A-land",
    "Borduria",
    "Carpania",
    "Dorne",
    "Elbonia",
    "Freedonia",
    "Genovia",
    "Hyrule",
    "Illyria",
    "Jumanji",
    "Krakozhia",
    "Latveria",
]
gdp = np.array([1200, 3400, 45000, 8800, 650, 23000, 61000, 15000, 4100, 980, 31000, 7200])
life = np.array([58.1, 66.4, 81.2, 72.5, 54.3, 77.9, 83.0, 75.1, 69.8, 57.2, 79.4, 71.0])
pop = np.array([35, 120, 60, 210, 18, 45, 9, 80, 140, 25, 330, 55])  # millions
fert = np.array([4.8, 3.1, 1.6, 2.4, 5.6, 1.9, 1.4, 2.1, 2.9, 5.1, 1.7, 2.6])

fig, ax = plt.subplots(figsize=(9, 6))
sc = ax.scatter(
    gdp, life, s=pop * 6, c=fert, cmap="plasma", alpha=0.75, edgecolors="k", linewidths=0.7
)
ax.set_xscale("log")

for name, xg, yl in zip(countries, gdp, life, strict=True):
    if yl > 80 or yl < 56:
        ax.text(xg, yl + 1.2, name, ha="center", fontsize=9)

cbar = fig.colorbar(sc, ax=ax)
cbar.set_label("fertility rate (births per woman)")

handles, labels = sc.legend_elements(prop="sizes", num=4, alpha=0.5, func=lambda s: s / 6)
ax.legend(handles, labels, loc="lower right", title="population (M)", labelspacing=1.3)

ax.set_xlabel("GDP per capita (USD, log scale)")
ax.set_ylabel("life expectancy (years)")
ax.set_title("Health and wealth of nations, 2020")
ax.grid(True, which="both", ls=":", alpha=0.5)
plt.show()
