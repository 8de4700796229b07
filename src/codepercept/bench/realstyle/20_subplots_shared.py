# domain: function
# 2x2 grid of signals with shared axes: sine, damped cosine, square-wave partial sums, chirp
import matplotlib.pyplot as plt
import numpy as np

t = np.linspace(0, 4 * np.pi, 400)

fig, axs = plt.subplots(2, 2, figsize=(9, 6), sharex=True, sharey=True)
axs[0, 0].plot(t, np.sin(t), color="C0")
axs[0, 0].set_title("sin(t)")

axs[0, 1].plot(t, np.exp(-t / 6) * np.cos(2 * t), color="C1", ls="--")
axs[0, 1].plot(t, np.exp(-t / 6), color="gray", lw=0.8)
axs[0, 1].plot(t, -np.exp(-t / 6), color="gray", lw=0.8)
axs[0, 1].set_title("damped cosine")

for n_terms, style in [(1, ":"), (3, "-."), (15, "-")]:
    k = np.arange(1, 2 * n_terms, 2)
    sq = 4 / np.pi * np.sum(np.sin(np.outer(k, t)) / k[:, None], axis=0)
    axs[1, 0].plot(t, sq, ls=style, label=f"N = {n_terms}")
axs[1, 0].set_title("square wave, Fourier partial sums")
axs[1, 0].legend(fontsize=8, loc="lower left")

axs[1, 1].plot(t, np.sin(t**2 / 4), color="purple")
axs[1, 1].set_title("chirp sin(t\u00b2/4)")

for ax in axs.flat:
    ax.grid(alpha=0.3)
    ax.axhline(0, color="k", lw=0.5)
for ax in axs[1, :]:
    ax.set_xlabel("t (s)")
for ax in axs[:, 0]:
    ax.set_ylabel("amplitude")
fig.suptitle("Elementary signals", fontsize=14)
fig.tight_layout()
plt.show()
