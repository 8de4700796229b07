# domain: chart
# Climate chart: monthly precipitation bars and temperature line on twin y axes
import matplotlib.pyplot as plt
import numpy as np

months = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"]
precip = np.array([78, 61, 67, 55, 70, 64, 71, 80, 62, 74, 86, 91])
temp = np.array([2.1, 3.0, 6.4, 10.1, 14.3, 17.5, 19.6, 19.2, 15.4, 10.8, 6.0, 2.9])
x = np.arange(12)

fig, ax1 = plt.subplots(figsize=(8, 5))
ax1.bar(x, precip, color="#6baed6", width=0.6, label="precipitation")
ax1.set_ylabel("precipitation (mm)", color="#2171b5")
ax1.tick_params(axis="y", labelcolor="#2171b5")
ax1.set_ylim(0, 120)
ax1.set_xticks(x, months)

ax2 = ax1.twinx()
ax2.plot(x, temp, color="firebrick", marker="o", lw=2, label="mean temperature")
ax2.set_ylabel("temperature (\u00b0C)", color="firebrick")
ax2.tick_params(axis="y", labelcolor="firebrick")
ax2.set_ylim(-5, 25)
ax2.axhline(0, color="firebrick", lw=0.8, ls=":")

h1, l1 = ax1.get_legend_handles_labels()
h2, l2 = ax2.get_legend_handles_labels()
ax1.legend(h1 + h2, l1 + l2, loc="upper left")
ax1.set_title("Climate of Bergenhaven (1991-2020 normals)")
fig.tight_layout()
plt.show()
