"""How residents commute, 2010 vs 2020: a horizontal grouped bar chart (city transport report)."""

import matplotlib.pyplot as plt
import numpy as np

modes = ["Car", "Bus", "Train", "Bicycle", "Walking"]
y2010 = [52, 18, 12, 6, 12]
y2020 = [41, 15, 16, 14, 14]
y = np.arange(len(modes))
h = 0.38
fig, ax = plt.subplots(figsize=(7, 4.2))
b1 = ax.barh(y - h / 2, y2010, height=h, color="#bdbdbd", label="2010")
b2 = ax.barh(y + h / 2, y2020, height=h, color="#2c7fb8", label="2020")
ax.bar_label(b1, padding=2, fontsize=8, color="dimgray")
ax.bar_label(b2, padding=2, fontsize=8)
ax.set_yticks(y, modes)
ax.invert_yaxis()
ax.set_xlabel("Share of commuters (%)")
ax.set_xlim(0, 60)
ax.legend(title="Year", loc="lower right")
ax.set_title("Commuting by mode")
ax.spines[["top", "right"]].set_visible(False)
