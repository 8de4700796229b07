"""The electric field family: point-charge fields or the uniform field between plates."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.physics._common import _join

# ------------------------------------------------------------------------------------------------
# Electric fields
# ------------------------------------------------------------------------------------------------


@register(
    "electric_field",
    "physics",
    "Electric field of point charges (field lines via streamplot, or a quiver of field "
    "directions) or the uniform field between charged parallel plates.",
)
def electric_field(rng: random.Random) -> Emitted:
    variant = rng.choice(["lines", "lines", "arrows", "plates"])
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Circle, Rectangle",
        "",
    ]
    labels: list[str] = []
    statements: list[str] = []
    facts: dict = {"variant": variant}
    if variant in ("lines", "arrows"):
        config = rng.choice(["single", "dipole", "like_pair", "unequal", "three"])
        if config == "single":
            charges = [(rng.choice([1, -1]), 0.0, 0.0)]
        elif config == "dipole":
            charges = [(1, -1.5, 0.0), (-1, 1.5, 0.0)]
        elif config == "like_pair":
            s = rng.choice([1, -1])
            charges = [(s, -1.5, 0.0), (s, 1.5, 0.0)]
        elif config == "unequal":
            charges = [(2, -1.5, 0.0), (-1, 1.5, 0.0)]
        else:
            charges = [(1, -2.0, -1.0), (1, 2.0, -1.0), (-1, 0.0, 1.5)]
        if rng.random() < 0.5 and config != "three":  # turn the arrangement vertical
            charges = [(q, y, x) for q, x, y in charges]
        show_q = rng.random() < 0.5
        sources = [c for c in charges if c[0] > 0] or charges  # lines start on + charges
        per_unit = rng.choice([8, 10, 12])
        lines += [
            "# Point charges: (charge in units of q, x, y)",
            "charges = [" + ", ".join(f"({q}, {fmt(x)}, {fmt(y)})" for q, x, y in charges) + "]",
            "",
            "",
            "def field(px, py):",
            '    """Coulomb field (up to a constant): E = sum of q * r_vec / |r|^3."""',
            "    ex, ey = np.zeros_like(px), np.zeros_like(py)",
            "    for q, cx, cy in charges:",
            "        r3 = np.hypot(px - cx, py - cy) ** 3 + 1e-12",
            "        ex += q * (px - cx) / r3",
            "        ey += q * (py - cy) / r3",
            "    return ex, ey",
            "",
            "",
            "fig, ax = plt.subplots(figsize=(7, 5.5))",
            "",
        ]
        if variant == "lines":
            src_expr = (
                "charges" if len(sources) == len(charges) else "[c for c in charges if c[0] > 0]"
            )
            lines += [
                "# Field lines: start evenly around each source charge and step along E",
                f"for q, cx, cy in {src_expr}:",
                f"    a = np.linspace(0, 2 * np.pi, {per_unit} * abs(q), endpoint=False) + 0.2",
                "    px, py = cx + 0.32 * np.cos(a), cy + 0.32 * np.sin(a)",
                "    path = [np.column_stack([px, py])]",
                "    for _ in range(400):",
                "        ex, ey = field(px, py)",
                "        step = 0.03 * np.sign(q) / np.hypot(ex, ey)  # away from + charges, into - charges",
                "        px, py = px + step * ex, py + step * ey",
                "        path.append(np.column_stack([px, py]))",
                "    path = np.array(path)",
                "    for k in range(path.shape[1]):",
                "        line = path[:, k]",
                "        # Stop at the frame or on reaching another charge",
                "        ok = (np.abs(line[:, 0]) < 4) & (np.abs(line[:, 1]) < 3)",
                "        for _, ox, oy in charges:",
                "            ok[1:] &= np.hypot(line[1:, 0] - ox, line[1:, 1] - oy) > 0.3",
                "        line = line[: np.argmin(ok) if not ok.all() else len(ok)]",
                '        ax.plot(line[:, 0], line[:, 1], color="#555555", linewidth=1)',
                "        # Arrowhead halfway along, pointing along E",
                "        mid = len(line) // 3",
                "        tail, head = (line[mid], line[mid + 2]) if q > 0 else (line[mid + 2], line[mid])",
                '        ax.annotate("", xy=head, xytext=tail, arrowprops=dict(arrowstyle="-|>", color="#555555", mutation_scale=14))',
            ]
        else:
            lines += [
                "# Unit arrows showing the field direction on a grid (hidden next to the charges)",
                "x, y = np.meshgrid(np.linspace(-4, 4, 17), np.linspace(-3, 3, 13))",
                "ex, ey = field(x, y)",
                "magnitude = np.hypot(ex, ey) + 1e-12  # avoid 0/0 where fields cancel",
                "near = np.zeros_like(x, dtype=bool)",
                "for _, cx, cy in charges:",
                "    near |= np.hypot(x - cx, y - cy) < 0.6",
                "ux, uy = np.ma.masked_where(near, ex / magnitude), np.ma.masked_where(near, ey / magnitude)",
                'ax.quiver(x, y, ux, uy, color="#555555", pivot="middle", scale=30, width=0.004)',
            ]
        facts["n_field_lines"] = (
            per_unit * sum(abs(q) for q, _, _ in sources) if variant == "lines" else None
        )
        lines += [
            "",
            "# Charges: red positive, blue negative",
            "for q, cx, cy in charges:",
            '    ax.add_patch(Circle((cx, cy), 0.3, color="tab:red" if q > 0 else "tab:blue", zorder=3))',
            '    ax.text(cx, cy, "+" if q > 0 else "−", color="white", ha="center", va="center", fontsize=16, fontweight="bold", zorder=4)',
        ]
        labels += ["+" if q > 0 else "−" for q, _, _ in charges]
        if show_q:
            names = [
                ("+" if q > 0 else "−") + (f"{abs(q)}q" if abs(q) > 1 else "q")
                for q, _, _ in charges
            ]
            lines += [
                f"for (_, cx, cy), name in zip(charges, [{', '.join(_qt(n) for n in names)}]):",
                "    ax.text(cx + 0.4, cy + 0.4, name, fontsize=12)",
            ]
            labels += names
        lines += ["", "ax.set_xlim(-4, 4)", "ax.set_ylim(-3, 3)"]
        n_pos = sum(1 for q, _, _ in charges if q > 0)
        statements += [
            f"There are {len(charges)} point charge{'s' if len(charges) > 1 else ''}: {n_pos} positive and {len(charges) - n_pos} negative.",
            "Field lines point away from positive charges and toward negative charges.",
            f"The net charge is {sum(q for q, _, _ in charges)}q.",
        ]
        facts.update(
            config=config,
            charges=[list(c) for c in charges],
            n_charges=len(charges),
            n_positive=n_pos,
            net_charge=sum(q for q, _, _ in charges),
        )
    else:
        positive_top = rng.random() < 0.5
        n_lines = rng.choice([5, 6, 7])
        gap = rng.choice([3.0, 4.0])
        top_sign, bottom_sign = ("+", "−") if positive_top else ("−", "+")
        e_label = rng.choice(["E", "E = 500 V/m", "E = 2000 N/C"])
        lines += [
            f"gap = {fmt(gap)}  # distance between the plates",
            "",
            "fig, ax = plt.subplots(figsize=(7, 5.5))",
            "",
            "# The two plates",
            'ax.add_patch(Rectangle((-3, gap), 6, 0.25, facecolor="#bbbbbb", edgecolor="black"))',
            'ax.add_patch(Rectangle((-3, -0.25), 6, 0.25, facecolor="#bbbbbb", edgecolor="black"))',
            "",
            "# Surface charges along each plate",
            "for xs in np.linspace(-2.6, 2.6, 9):",
            f'    ax.text(xs, gap + 0.45, "{top_sign}", ha="center", va="center", fontsize=14, color="{"tab:red" if positive_top else "tab:blue"}")',
            f'    ax.text(xs, -0.45, "{bottom_sign}", ha="center", va="center", fontsize=14, color="{"tab:blue" if positive_top else "tab:red"}")',
            "",
            "# Uniform field lines from the positive plate to the negative plate",
            f"for xl in np.linspace(-2.4, 2.4, {n_lines}):",
            f'    ax.annotate("", xy=(xl, {"0.05" if positive_top else "gap - 0.05"}), xytext=(xl, {"gap - 0.05" if positive_top else "0.05"}), arrowprops=dict(arrowstyle="-|>", color="tab:orange", linewidth=1.5))',
            f'ax.text(3.3, gap / 2, "{e_label}", ha="left", va="center", fontsize=13)',
            "",
            "ax.set_xlim(-3.5, 5.5)",
            "ax.set_ylim(-1, gap + 1)",
        ]
        labels += [top_sign, bottom_sign, e_label]
        statements += [
            f"The {'top' if positive_top else 'bottom'} plate is positive and the field points {'down' if positive_top else 'up'}.",
            f"{n_lines} parallel, equally spaced field lines show a uniform field between the plates.",
        ]
        facts.update(
            positive_plate="top" if positive_top else "bottom",
            field_direction="down" if positive_top else "up",
            n_field_lines=n_lines,
        )
    lines += ['ax.set_aspect("equal")', 'ax.axis("off")', "plt.show()"]
    facts.update(statements=statements, labels=labels)
    return Emitted(_join(lines), {"variant": variant}, facts)


def _qt(s: str) -> str:
    return '"' + s + '"'
