# domain: physics
# Pendulum period vs length: measurements with x and y error bars and a sqrt fit
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(8)
L = np.array([0.10, 0.20, 0.30, 0.45, 0.60, 0.75, 0.90, 1.10])
g = 9.81
T_true = 2 * np.pi * np.sqrt(L / g)
T = T_true + rng.normal(0, 0.02, L.size)
T_err = np.full(L.size, 0.03)
L_err = np.full(L.size, 0.01)

# fit T = k sqrt(L)
k = np.sum(T * np.sqrt(L)) / np.sum(L)
g_fit = (2 * np.pi / k) ** 2
Ls = np.linspace(0, 1.2, 200)

fig, ax = plt.subplots(figsize=(7, 5))
ax.errorbar(
    L,
    T,
    xerr=L_err,
    yerr=T_err,
    fmt="o",
    color="black",
    ecolor="tab:red",
    capsize=3,
    elinewidth=1,
    markersize=5,
    label="measured",
)
ax.plot(Ls, k * np.sqrt(Ls), "b-", lw=1.5, label=r"fit $T = k\sqrt{L}$")
ax.text(
    0.05,
    2.0,
    f"k = {k:.3f} s/m$^{{1/2}}$\ng = {g_fit:.2f} m/s$^2$",
    fontsize=10,
    bbox=dict(facecolor="white", edgecolor="0.7"),
)

ax.set_xlabel("pendulum length L (m)")
ax.set_ylabel("period T (s)")
ax.set_title("Simple pendulum")
ax.set_xlim(0, 1.2)
ax.set_ylim(0, 2.4)
ax.legend(loc="lower right")
ax.grid(True, ls=":")
plt.show()
