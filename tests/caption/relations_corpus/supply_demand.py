"""Supply and demand with the market equilibrium E at Q* = 50, P* = 30."""

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 4.8))
q = [0, 100]
ax.plot(q, [10, 50], color="tab:blue", lw=2.5)  # supply: P = 10 + 0.4 Q
ax.plot(q, [55, 5], color="tab:red", lw=2.5)  # demand: P = 55 - 0.5 Q
ax.plot([50, 50], [0, 30], color="gray", linestyle=":", lw=1.5)
ax.plot([0, 50], [30, 30], color="gray", linestyle=":", lw=1.5)
ax.plot([50], [30], "ko", ms=7)
ax.text(52, 31.5, "E", fontsize=14)
ax.text(96, 51, "S", fontsize=14, color="tab:blue")
ax.text(96, 2, "D", fontsize=14, color="tab:red")
ax.text(1, 31, "P* = 30", fontsize=11)
ax.text(51, 1, "Q* = 50", fontsize=11)
ax.set_xlim(0, 105)
ax.set_ylim(0, 60)
ax.set_xlabel("Quantity")
ax.set_ylabel("Price")
ax.set_title("Market equilibrium")
