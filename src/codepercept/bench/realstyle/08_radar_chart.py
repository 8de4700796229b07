# domain: chart
# Radar (spider) chart comparing three laptops on six attributes
import matplotlib.pyplot as plt
import numpy as np

labels = ["Battery", "Display", "Performance", "Weight", "Keyboard", "Price"]
data = {
    "Model A": [8, 7, 6, 9, 7, 5],
    "Model B": [6, 9, 9, 5, 8, 4],
    "Model C": [7, 5, 7, 7, 6, 9],
}
colors = ["#1b9e77", "#d95f02", "#7570b3"]

angles = np.linspace(0, 2 * np.pi, len(labels), endpoint=False).tolist()
angles += angles[:1]

fig, ax = plt.subplots(figsize=(7.5, 6), subplot_kw=dict(polar=True))
for (name, values), color in zip(data.items(), colors, strict=True):
    values = values + values[:1]
    ax.plot(angles, values, color=color, linewidth=2, label=name)
    ax.fill(angles, values, color=color, alpha=0.2)

ax.set_theta_offset(np.pi / 2)
ax.set_theta_direction(-1)
ax.set_thetagrids(np.degrees(angles[:-1]), labels)
ax.set_ylim(0, 10)
ax.set_rgrids([2, 4, 6, 8, 10], angle=0, fontsize=8)
ax.set_title("Laptop comparison", y=1.08, fontsize=14)
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.05))
fig.tight_layout()
plt.show()
