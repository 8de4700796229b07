# domain: chart
# Monthly sales bars coloured by whether they hit the target, with an axhline and labels
import matplotlib.pyplot as plt
import numpy as np

months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
sales = np.array([82, 91, 104, 97, 112, 125, 118, 96, 108, 131, 142, 160])
target = 110

colors = ["tab:green" if s >= target else "lightgray" for s in sales]
fig, ax = plt.subplots(figsize=(9, 5))
bars = ax.bar(months, sales, color=colors, edgecolor="dimgray")
ax.axhline(target, color="crimson", linestyle="--", linewidth=2)
ax.text(
    -0.4,
    target + 2,
    f"target {target}k",
    color="crimson",
    ha="left",
    fontsize=10,
    fontweight="bold",
)
ax.bar_label(bars, labels=[f"{s}" for s in sales], padding=2, fontsize=8)

ax.set_ylabel("sales (k units)")
ax.set_title("2023 monthly sales vs. target")
ax.set_ylim(0, 175)
ax.spines[["top", "right"]].set_visible(False)
hit = int(np.sum(sales >= target))
ax.text(0.01, 0.95, f"{hit}/12 months on target", transform=ax.transAxes, fontsize=10, va="top")
plt.show()
