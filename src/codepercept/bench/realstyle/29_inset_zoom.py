# domain: physics
# Emission spectrum with a zoomed inset on a doublet (inset_axes + indicate_inset_zoom)
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(21)
wl = np.linspace(400, 700, 1500)


def lorentz(x, x0, w, a):
    return a * w**2 / ((x - x0) ** 2 + w**2)


spectrum = (
    lorentz(wl, 486.1, 1.2, 0.6)
    + lorentz(wl, 588.99, 0.5, 1.0)
    + lorentz(wl, 589.59, 0.5, 0.8)
    + lorentz(wl, 656.3, 1.5, 0.9)
    + 0.03
    + rng.normal(0, 0.008, wl.size)
)

fig, ax = plt.subplots(figsize=(9, 5))
ax.plot(wl, spectrum, color="k", lw=0.8)
for line, name in [(486.1, r"H$\beta$"), (589.3, "Na D"), (656.3, r"H$\alpha$")]:
    ax.text(line, 1.12, name, ha="center", fontsize=10)
ax.set_xlabel("wavelength (nm)")
ax.set_ylabel("intensity (a.u.)")
ax.set_ylim(0, 1.25)
ax.set_title("Emission spectrum of a sodium-hydrogen lamp")

axins = ax.inset_axes([0.08, 0.45, 0.32, 0.45], xlim=(587.5, 591), ylim=(0, 1.1))
axins.plot(wl, spectrum, color="darkorange", lw=1.2)
axins.axvline(588.99, color="gray", ls=":", lw=0.8)
axins.axvline(589.59, color="gray", ls=":", lw=0.8)
axins.set_title(r"Na D$_1$/D$_2$ doublet", fontsize=9)
axins.tick_params(labelsize=7)
ax.indicate_inset_zoom(axins, edgecolor="black")
plt.show()
