# domain: chart
# Donut chart of a monthly budget with percentage labels, a legend and a centre total
import matplotlib.pyplot as plt

labels = ["Rent", "Groceries", "Transport", "Utilities", "Leisure", "Savings"]
amounts = [1200, 450, 180, 160, 300, 510]
colors = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a6d854"]

fig, ax = plt.subplots(figsize=(7, 6), subplot_kw=dict(aspect="equal"))
wedges, texts, autotexts = ax.pie(
    amounts,
    colors=colors,
    autopct="%1.1f%%",
    pctdistance=0.8,
    startangle=90,
    counterclock=False,
    explode=[0, 0, 0, 0, 0, 0.05],
    wedgeprops=dict(width=0.4, edgecolor="white", linewidth=2),
)
plt.setp(autotexts, size=9, weight="bold", color="white")

ax.text(0, 0, f"${sum(amounts):,}\nper month", ha="center", va="center", fontsize=13)
ax.legend(wedges, labels, title="Category", loc="center left", bbox_to_anchor=(1, 0, 0.5, 1))
ax.set_title("Household budget, March")
plt.show()
