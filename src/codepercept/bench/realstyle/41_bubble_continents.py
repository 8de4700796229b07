# domain: chart
# Bubble chart of countries: size = population, one hex colour per continent, proxy-artist legend
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

continent_colours = {
    "Africa": "#e6550d",
    "Americas": "#3182bd",
    "Asia": "#31a354",
    "Europe": "#756bb1",
    "Oceania": "#d6a100",
}
# (country, continent, CO2 per capita t, renewable share %, population M)
rows = [
    ("Nigeria", "Africa", 0.6, 19, 213),
    ("Kenya", "Africa", 0.4, 78, 54),
    ("Egypt", "Africa", 2.3, 12, 109),
    ("South Africa", "Africa", 6.7, 8, 60),
    ("Brazil", "Americas", 2.3, 47, 214),
    ("USA", "Americas", 14.9, 12, 332),
    ("Canada", "Americas", 14.3, 30, 38),
    ("Mexico", "Americas", 3.0, 11, 127),
    ("China", "Asia", 8.0, 16, 1412),
    ("India", "Asia", 1.9, 36, 1393),
    ("Japan", "Asia", 8.5, 11, 125),
    ("Indonesia", "Asia", 2.2, 20, 274),
    ("Germany", "Europe", 8.1, 19, 83),
    ("France", "Europe", 4.7, 17, 67),
    ("Norway", "Europe", 7.5, 61, 5),
    ("Poland", "Europe", 8.2, 13, 38),
    ("Australia", "Oceania", 15.1, 13, 26),
    ("New Zealand", "Oceania", 6.2, 31, 5),
]
names = [r[0] for r in rows]
co2 = [r[2] for r in rows]
renew = [r[3] for r in rows]
sizes = [20 + 2.2 * r[4] ** 0.85 for r in rows]
colours = [continent_colours[r[1]] for r in rows]

fig, ax = plt.subplots(figsize=(10, 6.5))
ax.scatter(co2, renew, s=sizes, c=colours, alpha=0.7, edgecolors="white", linewidths=1.2)

offsets = {"USA": (-28, -14), "Australia": (8, 6)}
for name, x, y, r in zip(names, co2, renew, rows, strict=True):
    if r[4] > 200 or y > 45 or x > 14:
        dxy = offsets.get(name, (6, 6))
        ax.annotate(name, (x, y), xytext=dxy, textcoords="offset points", fontsize=9)

handles = [
    Line2D(
        [],
        [],
        marker="o",
        ls="",
        markersize=10,
        markerfacecolor=c,
        markeredgecolor="white",
        label=name,
    )
    for name, c in continent_colours.items()
]
ax.legend(handles=handles, title="Continent", loc="upper right", frameon=False)

ax.set_xlabel("CO$_2$ emissions per capita (tonnes)")
ax.set_ylabel("renewables in primary energy (%)")
ax.set_title("Emissions and renewables by country, 2021 (bubble area ~ population)")
ax.set_xlim(-0.5, 17)
ax.set_ylim(0, 85)
ax.grid(True, ls=":", alpha=0.6)
plt.show()
