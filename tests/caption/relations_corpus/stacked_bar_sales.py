"""Quarterly unit sales of three products as stacked bars."""

import matplotlib.pyplot as plt
import numpy as np

quarters = ["Q1", "Q2", "Q3", "Q4"]
sales = {
    "Widgets": np.array([20, 25, 30, 22]),
    "Gadgets": np.array([15, 10, 18, 20]),
    "Gizmos": np.array([5, 8, 12, 10]),
}
colours = {"Widgets": "tab:blue", "Gadgets": "tab:orange", "Gizmos": "tab:green"}
fig, ax = plt.subplots(figsize=(6.5, 4.5))
bottom = np.zeros(4)
for name, values in sales.items():
    ax.bar(quarters, values, bottom=bottom, label=name, color=colours[name], width=0.6)
    bottom += values
for i, total in enumerate(bottom):
    ax.text(i, total + 1, f"{total:.0f}", ha="center", fontsize=10)
ax.set_ylabel("Units sold (thousands)")
ax.set_ylim(0, 70)
ax.set_title("Quarterly sales by product")
ax.legend(loc="upper left")
