"""Mean monthly temperature in three European cities."""

import matplotlib.pyplot as plt

months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
temps = {
    "London": ([5, 5, 7, 9, 13, 16, 18, 18, 15, 11, 8, 5], "tab:blue", "--"),
    "Madrid": ([6, 8, 11, 13, 17, 22, 25, 25, 21, 15, 10, 7], "tab:red", "-"),
    "Oslo": ([-4, -4, 0, 5, 11, 15, 17, 16, 11, 6, 0, -3], "tab:green", ":"),
}
fig, ax = plt.subplots(figsize=(7, 4.2))
for city, (t, colour, style) in temps.items():
    ax.plot(months, t, color=colour, linestyle=style, lw=2, marker="o", ms=4, label=city)
ax.axhline(0, color="black", lw=0.8)
ax.set_ylabel("Temperature (°C)")
ax.set_title("Mean monthly temperature")
ax.legend()
