"""Electricity generation by source, 2000-2020, as a stacked area chart."""

import matplotlib.pyplot as plt

years = [2000, 2005, 2010, 2015, 2020]
coal = [50, 48, 42, 35, 25]
gas = [20, 25, 30, 33, 35]
renewables = [5, 8, 14, 22, 35]
fig, ax = plt.subplots(figsize=(6.5, 4.2))
ax.stackplot(
    years,
    coal,
    gas,
    renewables,
    labels=["Coal", "Gas", "Renewables"],
    colors=["tab:gray", "tab:orange", "tab:green"],
    alpha=0.85,
)
ax.set_xlabel("Year")
ax.set_ylabel("Generation (TWh)")
ax.set_xlim(2000, 2020)
ax.set_ylim(0, 100)
ax.set_title("Electricity generation by source")
ax.legend(loc="upper left")
