# domain: other
# Log-log plot of measured sorting runtimes against reference complexity curves
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(1)
n = np.logspace(2, 6, 9)


def noise():
    return rng.lognormal(0, 0.08, n.size)


runtime = {
    "insertion sort": 2e-9 * n**2 * noise(),
    "merge sort": 4e-8 * n * np.log2(n) * noise(),
    "radix sort": 9e-8 * n * noise(),
}
markers = {"insertion sort": "o", "merge sort": "s", "radix sort": "^"}

fig, ax = plt.subplots(figsize=(7, 5))
for name, t in runtime.items():
    ax.loglog(n, t, marker=markers[name], linestyle="-", label=name)

ref = np.logspace(2, 6, 50)
ax.loglog(ref, 1e-9 * ref**2, "k--", lw=0.8, alpha=0.6)
ax.loglog(ref, 1e-8 * ref, "k:", lw=0.8, alpha=0.6)
ax.text(3e4, 1e-9 * 3e4**2 * 1.6, r"$O(n^2)$", fontsize=10)
ax.text(3e5, 1e-8 * 3e5 * 0.35, r"$O(n)$", fontsize=10)

ax.set_xlabel("input size n")
ax.set_ylabel("wall time (s)")
ax.set_title("Empirical complexity of sorting algorithms")
ax.grid(True, which="both", ls="-", color="0.9")
ax.legend()
plt.show()
