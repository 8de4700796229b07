# domain: chart
# Annotated heatmap of harvest per farmer and vegetable (imshow, cell values, colorbar)
import matplotlib.pyplot as plt
import numpy as np

vegetables = ["cucumber", "tomato", "lettuce", "asparagus", "potato", "wheat", "barley"]
farmers = [
    "Farmer Joe",
    "Upland Bros.",
    "Smith Gardening",
    "Agrifun",
    "Organiculture",
    "BioGoods Ltd.",
    "Cornylee Corp.",
]

harvest = np.array(
    [
        [0.8, 2.4, 2.5, 3.9, 0.0, 4.0, 0.0],
        [2.4, 0.0, 4.0, 1.0, 2.7, 0.0, 0.0],
        [1.1, 2.4, 0.8, 4.3, 1.9, 4.4, 0.0],
        [0.6, 0.0, 0.3, 0.0, 3.1, 0.0, 0.0],
        [0.7, 1.7, 0.6, 2.6, 2.2, 6.2, 0.0],
        [1.3, 1.2, 0.0, 0.0, 0.0, 3.2, 5.1],
        [0.1, 2.0, 0.0, 1.4, 0.0, 1.9, 6.3],
    ]
)

fig, ax = plt.subplots(figsize=(8, 7))
im = ax.imshow(harvest, cmap="YlGn")

ax.set_xticks(np.arange(len(farmers)), labels=farmers)
ax.set_yticks(np.arange(len(vegetables)), labels=vegetables)
plt.setp(ax.get_xticklabels(), rotation=45, ha="right", rotation_mode="anchor")

for i in range(len(vegetables)):
    for j in range(len(farmers)):
        color = "white" if harvest[i, j] > 3.5 else "black"
        ax.text(j, i, f"{harvest[i, j]:.1f}", ha="center", va="center", color=color)

cbar = fig.colorbar(im, ax=ax, shrink=0.8)
cbar.ax.set_ylabel("harvest [t/year]", rotation=-90, va="bottom")
ax.set_title("Harvest of local farmers (in tons/year)")
fig.tight_layout()
plt.show()
