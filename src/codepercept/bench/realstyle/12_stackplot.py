# domain: chart
# Stacked area chart of world population by continent, 1950-2020
import matplotlib.pyplot as plt
import numpy as np

year = np.array([1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020])
population = {
    "Africa": [0.228, 0.284, 0.365, 0.477, 0.631, 0.814, 1.044, 1.340],
    "Americas": [0.340, 0.425, 0.519, 0.619, 0.727, 0.840, 0.943, 1.023],
    "Asia": [1.394, 1.686, 2.120, 2.625, 3.202, 3.714, 4.169, 4.560],
    "Europe": [0.220, 0.253, 0.276, 0.295, 0.310, 0.310, 0.317, 0.328],
    "Oceania": [0.012, 0.015, 0.019, 0.022, 0.026, 0.031, 0.036, 0.042],
}

fig, ax = plt.subplots(figsize=(8, 5))
ax.stackplot(
    year,
    population.values(),
    labels=population.keys(),
    alpha=0.85,
    colors=["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3"],
)
ax.legend(loc="upper left", reverse=True)
ax.set_title("World population")
ax.set_xlabel("Year")
ax.set_ylabel("Number of people (billions)")
ax.set_xlim(1950, 2020)
ax.set_ylim(0, 8.6)
ax.annotate(
    "7.8 B", xy=(2020, 7.29), xytext=(2003, 7.9), arrowprops=dict(arrowstyle="->"), fontsize=10
)
plt.show()
