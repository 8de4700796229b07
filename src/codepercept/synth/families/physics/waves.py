"""The transverse wave family: a wave with wavelength and amplitude annotations."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.physics._common import _join

# ------------------------------------------------------------------------------------------------
# Transverse waves
# ------------------------------------------------------------------------------------------------


@register(
    "transverse_wave",
    "physics",
    "Transverse wave with wavelength and amplitude annotations (crest-to-crest, trough-to-trough or "
    "along the axis), optional propagation arrow, on graph axes or as a bare rope.",
)
def transverse_wave(rng: random.Random) -> Emitted:
    wavelength = rng.choice([2.0, 3.0, 4.0, 5.0])
    amplitude = rng.choice([1.0, 1.5, 2.0, 2.5])
    n_waves = rng.choice([1.5, 2.0, 2.5, 3.0])
    func = rng.choice(["sin", "cos"])
    mode = rng.choice(["crests", "troughs", "axis"])
    amp_at = rng.choice(["crest", "trough"])
    show_values = rng.random() < 0.5
    axes_style = rng.choice(["axes", "rope"])
    direction = rng.choice(["right", "left", None])
    color = rng.choice(["tab:blue", "black", "tab:red", "purple"])
    lam_text = f"λ = {fmt(wavelength)} m" if show_values else "λ"
    amp_text = f"A = {fmt(amplitude)} m" if show_values else "A"
    # Positions of crests, troughs and upward zero crossings of the drawn function.
    first_crest = wavelength / 4 if func == "sin" else 0.0
    if func == "cos":
        first_crest = wavelength  # skip the crest at the left edge for annotations
    first_trough = (
        first_crest - wavelength / 2
        if first_crest >= wavelength / 2
        else first_crest + wavelength / 2
    )
    first_up = first_crest - wavelength / 4
    if first_up < 0:
        first_up += wavelength
    start = {"crests": first_crest, "troughs": first_trough, "axis": first_up}[mode]
    x_max = n_waves * wavelength
    if start + wavelength > x_max:
        start -= wavelength
    if start < 0:
        start = start + wavelength if start + 2 * wavelength <= x_max else 0.0
    level = {"crests": amplitude + 0.5, "troughs": -amplitude - 0.5, "axis": -amplitude - 0.5}[mode]
    amp_x = first_crest if amp_at == "crest" else first_trough
    if amp_x > x_max:
        amp_x -= wavelength
    amp_sign = 1 if amp_at == "crest" else -1
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "",
        f"wavelength = {fmt(wavelength)}",
        f"amplitude = {fmt(amplitude)}",
        f"x = np.linspace(0, {fmt(n_waves)} * wavelength, 600)",
        f"y = amplitude * np.{func}(2 * np.pi * x / wavelength)",
        "",
        "fig, ax = plt.subplots(figsize=(8, 4))",
        "",
        "# The wave and its equilibrium line",
        f'ax.plot(x, y, color="{color}", linewidth=2)',
        'ax.axhline(0, color="gray", linestyle="--", linewidth=1)',
        "",
        f"# Wavelength: one full cycle from x = {fmt(start, 3)}",
        f"x0, x1 = {fmt(start, 3)}, {fmt(start, 3)} + wavelength",
        f"level = {fmt(level, 2)}",
        "for xv in (x0, x1):",
        f'    ax.plot([xv, xv], [{"0" if mode == "axis" else fmt(amplitude * (1 if mode == "crests" else -1))}, level], color="gray", linewidth=0.8, linestyle=":")',
        'ax.annotate("", xy=(x1, level), xytext=(x0, level), arrowprops=dict(arrowstyle="<->", color="black"))',
        f'ax.text((x0 + x1) / 2, level + {fmt(0.15 if level > 0 else -0.15)}, "{lam_text}", ha="center", va="{"bottom" if level > 0 else "top"}", fontsize=12)',
        "",
        f"# Amplitude: equilibrium to a {amp_at}",
        f'ax.annotate("", xy=({fmt(amp_x, 3)}, {"" if amp_sign > 0 else "-"}amplitude), xytext=({fmt(amp_x, 3)}, 0), arrowprops=dict(arrowstyle="<->", color="tab:green"))',
        f'ax.text({fmt(amp_x + 0.15, 3)}, {fmt(amp_sign * amplitude / 2, 3)}, "{amp_text}", color="tab:green", ha="left", va="center", fontsize=12)',
    ]
    labels = [lam_text, amp_text]
    if direction:
        xa = x_max * 0.75
        dx = wavelength * 0.6 * (1 if direction == "right" else -1)
        y_arrow = amplitude + 1.2
        lines += [
            "",
            "# Direction of propagation",
            f'ax.annotate("", xy=({fmt(xa + dx / 2, 3)}, {fmt(y_arrow)}), xytext=({fmt(xa - dx / 2, 3)}, {fmt(y_arrow)}), arrowprops=dict(arrowstyle="-|>", color="tab:red", linewidth=2))',
            f'ax.text({fmt(xa, 3)}, {fmt(y_arrow + 0.15)}, "v", color="tab:red", ha="center", va="bottom", fontsize=12)',
        ]
        labels.append("v")
    lines += ["", f"ax.set_ylim({fmt(-amplitude - 1.3)}, {fmt(amplitude + 1.8)})"]
    if axes_style == "axes":
        lines += [
            'ax.set_xlabel("x (m)")',
            'ax.set_ylabel("y (m)")',
            'ax.spines[["top", "right"]].set_visible(False)',
        ]
        labels += ["x (m)", "y (m)"]
    else:
        lines.append('ax.axis("off")')
    lines.append("plt.show()")
    crests = [k * wavelength + (wavelength / 4 if func == "sin" else 0.0) for k in range(10)]
    crests = [c for c in crests if c <= x_max + 1e-9]
    statements = [
        f"The wave has wavelength {fmt(wavelength)} m and amplitude {fmt(amplitude)} m.",
        f"{fmt(n_waves)} wavelengths are drawn, with {len(crests)} crests.",
        f"The wavelength is marked {'between two crests' if mode == 'crests' else 'between two troughs' if mode == 'troughs' else 'along the axis between two upward zero crossings'}.",
    ]
    if direction:
        statements.append(f"The wave travels to the {direction}.")
    return Emitted(
        _join(lines),
        {
            "wavelength": wavelength,
            "amplitude": amplitude,
            "n_waves": n_waves,
            "func": func,
            "mode": mode,
        },
        {
            "statements": statements,
            "labels": labels,
            "wavelength": wavelength,
            "amplitude": amplitude,
            "n_wavelengths": n_waves,
            "n_crests": len(crests),
            "direction": direction,
        },
    )
