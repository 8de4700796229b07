"""Monthly rainfall in Bergen, January to June, wettest month highlighted."""

import matplotlib.pyplot as plt

months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
rain = [78, 62, 95, 54, 41, 47]
colours = ["tab:red" if r == max(rain) else "tab:blue" for r in rain]
fig, ax = plt.subplots(figsize=(6.5, 4))
bars = ax.bar(months, rain, color=colours)
ax.bar_label(bars, fmt="%d")
ax.set_ylabel("Rainfall (mm)")
ax.set_ylim(0, 110)
ax.set_title("Monthly rainfall, Bergen")
