"""The spring and pulley family: Atwood machines, hanging masses and spring-mass systems."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.physics._common import G, _hatch_ground, _join

# ------------------------------------------------------------------------------------------------
# Springs and pulleys
# ------------------------------------------------------------------------------------------------

_SPRING_HELPERS = {
    "zigzag": '''def spring(start, end, coils=8, width=0.25):
    """Zig-zag spring from start to end with short straight ends."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    d = end - start
    n = np.array([-d[1], d[0]]) / np.hypot(*d)  # unit normal to the spring axis
    t = np.linspace(0.1, 0.9, 2 * coils + 1)
    offset = width * np.array([0] + [(-1) ** k for k in range(2 * coils - 1)] + [0])
    pts = start + np.outer(t, d) + np.outer(offset, n)
    pts = np.vstack([start, pts, end])
    ax.plot(pts[:, 0], pts[:, 1], color="black", linewidth=1.4)
''',
    "coil": '''def spring(start, end, coils=8, width=0.25):
    """Looped coil spring from start to end: each turn is a small loop across the axis."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    d = end - start
    length = np.hypot(*d)
    u, n = d / length, np.array([-d[1], d[0]]) / length
    phi = np.linspace(0, 2 * np.pi * coils, 60 * coils)
    along = length * (0.1 + 0.8 * phi / phi[-1]) + 0.6 * width * (np.cos(phi) - 1)
    across = width * np.sin(phi)
    pts = start + np.outer(along, u) + np.outer(across, n)
    pts = np.vstack([start, pts, end])
    ax.plot(pts[:, 0], pts[:, 1], color="black", linewidth=1.4)
''',
}


@register(
    "spring_pulley",
    "physics",
    "Mechanics set-ups with springs and pulleys: Atwood machine, block on a table with a hanging "
    "mass, vertical or horizontal spring-mass systems.",
)
def spring_pulley(rng: random.Random) -> Emitted:
    kind = rng.choice(["atwood", "table", "vertical_spring", "horizontal_spring"])
    fill = rng.choice(["#9cc3e6", "#f4b183", "#c5e0b4", "#d9d9d9"])
    mass_style = rng.choice(["symbol", "value"])
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Circle, Rectangle",
        "",
        "fig, ax = plt.subplots(figsize=(6, 6))",
        "",
    ]
    labels: list[str] = []
    statements: list[str] = []
    facts: dict = {"setup": kind}
    subs = "₁₂"

    def mass_text(i: int, m: float) -> str:
        name = "m" if i < 0 else f"m{subs[i]}"
        return name if mass_style == "symbol" else f"{fmt(m)} kg"

    def block(x: float, y: float, w: float, h: float, text: str) -> None:
        lines.append(
            f'ax.add_patch(Rectangle(({fmt(x)}, {fmt(y)}), {fmt(w)}, {fmt(h)}, facecolor="{fill}", edgecolor="black", linewidth=1.5))'
        )
        lines.append(
            f'ax.text({fmt(x + w / 2)}, {fmt(y + h / 2)}, "{text}", ha="center", va="center", fontsize=12)'
        )
        labels.append(text)

    if kind == "atwood":
        m1, m2 = rng.sample([1, 2, 3, 4, 5, 6], 2)
        r = rng.choice([0.5, 0.6, 0.7])
        y1, y2 = rng.sample([-3.2, -3.8, -4.4, -5.0], 2)
        lines.append("# Ceiling and the rod holding the pulley")
        _hatch_ground(lines, -2.0, 2.0, 0.0, below=False)
        lines += [
            f"radius = {fmt(r)}",
            "center = (0, -1.3)",
            'ax.plot([0, 0], [0, center[1]], color="black", linewidth=2)',
            "",
            "# Pulley wheel and axle",
            'ax.add_patch(Circle(center, radius, facecolor="white", edgecolor="black", linewidth=2))',
            'ax.add_patch(Circle(center, 0.08, color="black"))',
            "",
            "# Strings over the pulley down to the two masses",
            f'ax.plot([-radius, -radius], [center[1], {fmt(y1 + 0.9)}], color="black", linewidth=1.2)',
            f'ax.plot([radius, radius], [center[1], {fmt(y2 + 0.9)}], color="black", linewidth=1.2)',
            "",
            "# Hanging masses",
        ]
        block(-r - 0.45, y1, 0.9, 0.9, mass_text(0, m1))
        block(r - 0.45, y2, 0.9, 0.9, mass_text(1, m2))
        accel = (max(m1, m2) - min(m1, m2)) * G / (m1 + m2)
        heavy_left = m1 > m2
        if rng.random() < 0.6:
            lines += ["", "# Acceleration arrows: the heavier mass moves down"]
            xl, xr = -r - 0.8, r + 0.8
            yl, yr = y1 + 0.45, y2 + 0.45
            dl, dr = (-0.8, 0.8) if heavy_left else (0.8, -0.8)
            for x, y, dy in ((xl, yl, dl), (xr, yr, dr)):
                lines.append(
                    f'ax.annotate("", xy=({fmt(x)}, {fmt(y + dy / 2)}), xytext=({fmt(x)}, {fmt(y - dy / 2)}), arrowprops=dict(arrowstyle="-|>", color="tab:red", linewidth=1.5))'
                )
                lines.append(
                    f'ax.text({fmt(x + (-0.2 if x < 0 else 0.2))}, {fmt(y)}, "a", color="tab:red", ha="{"right" if x < 0 else "left"}", va="center", fontsize=12)'
                )
                labels.append("a")
            facts["acceleration_arrows"] = True
        statements += [
            f"An Atwood machine: masses of {m1} kg (left) and {m2} kg (right) hang over a pulley.",
            f"The {'left' if heavy_left else 'right'} mass is heavier and accelerates downward at {fmt(accel, 2)} m/s².",
        ]
        facts.update(
            masses=[m1, m2], acceleration=round(accel, 2), heavier="left" if heavy_left else "right"
        )
        lines += ["", "ax.set_xlim(-3, 3)", "ax.set_ylim(-5.5, 0.6)"]
    elif kind == "table":
        m1 = rng.choice([2, 3, 4, 5])
        m2 = rng.choice([1, 2, 3])
        mu = rng.choice([0.0, 0.1, 0.2, 0.25])
        r = 0.3
        hb = 0.8
        lines += [
            "# Table top and legs",
            'ax.add_patch(Rectangle((-5, -0.25), 5, 0.25, facecolor="#b08d57", edgecolor="black"))',
            "for leg_x in (-4.8, -0.45):",
            '    ax.add_patch(Rectangle((leg_x, -3), 0.25, 2.75, facecolor="#b08d57", edgecolor="black"))',
            "",
            "# Block on the table",
        ]
        block(-3.6, 0.0, 1.3, hb, mass_text(0, m1))
        lines += [
            "",
            "# Pulley clamped at the table edge",
            f"center = (0.4, {fmt(hb / 2 - r)})",
            'ax.plot([0, center[0]], [0, center[1]], color="black", linewidth=2)',
            f'ax.add_patch(Circle(center, {fmt(r)}, facecolor="white", edgecolor="black", linewidth=2))',
            "",
            "# String: horizontal to the pulley, then down to the hanging mass",
            f'ax.plot([-2.3, center[0]], [{fmt(hb / 2)}, {fmt(hb / 2)}], color="black", linewidth=1.2)',
            f'ax.plot([center[0] + {fmt(r)}, center[0] + {fmt(r)}], [center[1], -1.8], color="black", linewidth=1.2)',
            "",
            "# Hanging mass",
        ]
        block(0.7 - 0.45, -2.7, 0.9, 0.9, mass_text(1, m2))
        if mu > 0:
            text = f"μ = {fmt(mu)}"
            lines.append(f'ax.text(-4.3, 0.08, "{text}", ha="center", va="bottom", fontsize=11)')
            labels.append(text)
        net = m2 * G - mu * m1 * G
        accel = max(net, 0.0) / (m1 + m2)
        statements += [
            f"A {m1} kg block on a table is tied over a pulley at the edge to a hanging {m2} kg mass.",
            "The table surface is frictionless."
            if mu == 0
            else f"The coefficient of friction on the table is {fmt(mu)}.",
            f"The system accelerates at {fmt(accel, 2)} m/s²."
            if accel > 0
            else "The system stays at rest.",
        ]
        facts.update(masses=[m1, m2], mu=mu, acceleration=round(accel, 2))
        lines += ["", "ax.set_xlim(-5.5, 2)", "ax.set_ylim(-3.2, 1.8)"]
    else:
        coil_style = rng.choice(["zigzag", "coil"])
        k = rng.choice([50, 100, 150, 200, 250, 400])
        m = rng.choice([0.5, 1, 2, 3])
        coils = rng.choice([6, 8, 10])
        lines.insert(-2, _SPRING_HELPERS[coil_style])
        k_text = rng.choice(["k", f"k = {k} N/m"])
        m_text = mass_text(-1, m)
        if kind == "vertical_spring":
            length = rng.choice([2.5, 3.0, 3.5])
            lines.append("# Ceiling")
            _hatch_ground(lines, -1.5, 1.5, 0.0, below=False)
            lines += [
                "",
                "# Spring hanging from the ceiling",
                f"spring((0, 0), (0, {fmt(-length)}), coils={coils})",
            ]
            lines.append(
                f'ax.text(0.45, {fmt(-length / 2)}, "{k_text}", ha="left", va="center", fontsize=12)'
            )
            labels.append(k_text)
            lines += ["", "# Hanging mass"]
            block(-0.6, -length - 1.0, 1.2, 1.0, m_text)
            ext = m * G / k * 100
            if rng.random() < 0.5:
                x_text = f"x = {fmt(ext, 1)} cm"
                y_nat = -length + 0.8
                lines += [
                    "",
                    "# Natural length (dashed) and the extension x",
                    f'ax.plot([-1.3, 0.6], [{fmt(y_nat)}, {fmt(y_nat)}], color="gray", linestyle="--")',
                    f'ax.plot([-1.3, -0.6], [{fmt(-length)}, {fmt(-length)}], color="gray", linestyle="--")',
                    f'ax.annotate("", xy=(-1.1, {fmt(-length)}), xytext=(-1.1, {fmt(y_nat)}), arrowprops=dict(arrowstyle="<->", color="black"))',
                    f'ax.text(-1.25, {fmt(-length + 0.4)}, "{x_text}", ha="right", va="center", fontsize=11)',
                ]
                labels.append(x_text)
                facts["extension_cm"] = round(ext, 1)
            statements += [
                f"A {fmt(m)} kg mass hangs from a vertical spring of stiffness {k} N/m.",
                f"At equilibrium the spring is stretched by mg/k = {fmt(ext, 1)} cm.",
            ]
            lines += ["", "ax.set_xlim(-3, 3)", f"ax.set_ylim({fmt(-length - 1.5)}, 0.6)"]
        else:
            xb = rng.choice([3.5, 4.0, 4.5])
            lines.append("# Wall and floor")
            lines += [
                'ax.add_patch(Rectangle((-0.3, 0), 0.3, 2.2, facecolor="none", edgecolor="none", hatch="///"))',
                'ax.plot([0, 0], [0, 2.2], color="black", linewidth=1.5)',
            ]
            _hatch_ground(lines, 0.0, 8.0, 0.0)
            lines += [
                "",
                "# Spring from the wall to the block",
                f"spring((0, 0.5), ({fmt(xb)}, 0.5), coils={coils})",
            ]
            lines.append(
                f'ax.text({fmt(xb / 2)}, 1.15, "{k_text}", ha="center", va="bottom", fontsize=12)'
            )
            labels.append(k_text)
            lines += ["", "# Block on the frictionless floor"]
            block(xb, 0.0, 1.2, 1.0, m_text)
            if rng.random() < 0.5:
                f_text = rng.choice(["F", "v"])
                lines += [
                    "",
                    f"# {'Applied force' if f_text == 'F' else 'Velocity'} arrow on the block",
                    f'ax.annotate("", xy=({fmt(xb + 2.4)}, 0.5), xytext=({fmt(xb + 1.2)}, 0.5), arrowprops=dict(arrowstyle="-|>", color="tab:red", linewidth=2))',
                    f'ax.text({fmt(xb + 2.5)}, 0.5, "{f_text}", color="tab:red", ha="left", va="center", fontsize=12)',
                ]
                labels.append(f_text)
                facts["arrow"] = f_text
            statements += [
                f"A {fmt(m)} kg block on a frictionless floor is attached to a wall by a spring of stiffness {k} N/m.",
                f"The angular frequency of oscillation is sqrt(k/m) = {fmt(math.sqrt(k / m), 2)} rad/s.",
            ]
            lines += ["", "ax.set_xlim(-0.8, 8.5)", "ax.set_ylim(-1, 3)"]
        facts.update(k=k, mass=m, spring_style=coil_style, coils=coils)
    lines += ['ax.set_aspect("equal")', 'ax.axis("off")', "plt.show()"]
    facts.update(statements=statements, labels=labels)
    return Emitted(_join(lines), {"setup": kind, "mass_style": mass_style}, facts)
