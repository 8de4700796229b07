# domain: chart
# Horizontal bar chart of language popularity with value labels and a highlighted leader
import matplotlib.pyplot as plt
import numpy as np

langs = ["Python", "JavaScript", "Java", "C#", "C++", "TypeScript", "PHP", "Go", "Rust"]
share = np.array([28.6, 17.9, 15.4, 7.1, 6.5, 5.9, 4.8, 2.3, 1.6])

order = np.argsort(share)
y = np.arange(len(langs))
colors = ["#9ecae1"] * len(langs)
colors[-1] = "#08519c"

fig, ax = plt.subplots(figsize=(7, 5))
bars = ax.barh(y, share[order], color=colors, height=0.7)
ax.set_yticks(y)
ax.set_yticklabels([langs[i] for i in order])

for bar, value in zip(bars, share[order], strict=True):
    ax.text(
        bar.get_width() + 0.4,
        bar.get_y() + bar.get_height() / 2,
        f"{value:.1f}%",
        va="center",
        fontsize=9,
        color="dimgray",
    )

ax.spines[["top", "right"]].set_visible(False)
ax.set_xlabel("Share of tutorial searches (%)")
ax.set_title("PYPL popularity index, June", loc="left", fontweight="bold")
ax.set_xlim(0, 33)
plt.tight_layout()
plt.show()
