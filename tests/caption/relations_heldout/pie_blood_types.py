"""Blood-type distribution of a donor register: pie chart with labels and percentages."""

import matplotlib.pyplot as plt

types = ["O", "A", "B", "AB"]
share = [45, 40, 11, 4]
colours = ["#c1121f", "#fdf0d5", "#669bbc", "#003049"]
fig, ax = plt.subplots(figsize=(5.5, 5.5))
ax.pie(
    share,
    labels=[f"Type {t}" for t in types],
    colors=colours,
    autopct="%1.0f%%",
    startangle=90,
    counterclock=False,
    pctdistance=0.75,
    wedgeprops=dict(edgecolor="white", linewidth=1.5),
    textprops=dict(fontsize=11),
)
ax.set_title("Donors by blood type")
