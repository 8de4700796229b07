"""The energy profile family: reaction energy profiles with activation energy arrows."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.chemistry._common import _join

# ------------------------------------------------------------------------------------------------
# Reaction energy profiles
# ------------------------------------------------------------------------------------------------


@register(
    "energy_profile",
    "chemistry",
    "Reaction energy profile: reactant and product levels, one or two transition states, activation "
    "energy and enthalpy arrows, optional lower catalysed path.",
)
def energy_profile(rng: random.Random) -> Emitted:
    e_r = rng.choice([40, 50, 60, 80, 100])
    exo = rng.random() < 0.6
    dh = rng.choice([20, 30, 40, 50]) * (-1 if exo else 1)
    e_p = e_r + dh
    ea = rng.choice([50, 60, 70, 80, 90])
    e_ts = e_r + ea
    two_step = rng.random() < 0.3
    catalysed = (not two_step) and rng.random() < 0.5
    values = rng.random() < 0.5
    ea_text = f"Ea = {ea} kJ/mol" if values else "Ea"
    dh_text = f"ΔH = {dh:+d} kJ/mol".replace("+", "+") if values else "ΔH"
    color = rng.choice(["black", "tab:blue", "darkred"])
    if two_step:
        e_int = min(e_r, e_p) + rng.choice([10, 20, 30]) + max(0, dh)
        e_int = min(e_int, e_ts - 20)
        e_ts2 = min(e_int + rng.choice([15, 25, 35]), e_ts - 10)
        knots_x, knots_e = [0, 1.5, 3.5, 5, 6.5, 8.5, 10], [e_r, e_r, e_ts, e_int, e_ts2, e_p, e_p]
    else:
        knots_x, knots_e = [0, 1.5, 5, 8.5, 10], [e_r, e_r, e_ts, e_p, e_p]
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "",
        "",
        "def smooth_path(knots_x, knots_e, x):",
        '    """Join energy levels at the knots with smoothstep curves (flat at every knot)."""',
        '    seg = np.clip(np.searchsorted(knots_x, x, side="right") - 1, 0, len(knots_x) - 2)',
        "    x0, x1 = np.take(knots_x, seg), np.take(knots_x, seg + 1)",
        "    e0, e1 = np.take(knots_e, seg), np.take(knots_e, seg + 1)",
        "    t = (x - x0) / (x1 - x0)",
        "    return e0 + (e1 - e0) * (3 * t**2 - 2 * t**3)",
        "",
        "",
        "x = np.linspace(0, 10, 501)  # reaction coordinate",
        f"knots_x = [{', '.join(fmt(v) for v in knots_x)}]",
        f"knots_e = [{', '.join(str(v) for v in knots_e)}]  # kJ/mol",
        "",
        "fig, ax = plt.subplots(figsize=(7, 5))",
        "",
        "# Uncatalysed path",
        f'ax.plot(x, smooth_path(knots_x, knots_e, x), color="{color}", linewidth=2)',
    ]
    labels = []
    facts: dict = {}
    if catalysed:
        e_cat = e_r + ea - rng.choice([20, 30, 40])
        e_cat = max(e_cat, max(e_r, e_p) + 10)
        lines += [
            "",
            "# Catalysed path: same reactants and products, lower barrier",
            f"cat_e = [{', '.join(str(v) for v in [e_r, e_r, e_cat, e_p, e_p])}]",
            'ax.plot(x, smooth_path(knots_x, cat_e, x), color="tab:green", linestyle="--", linewidth=2)',
            f'ax.text(5, {e_cat - 6}, "catalysed", color="tab:green", ha="center", va="top", fontsize=10)',
        ]
        labels.append("catalysed")
        facts["catalysed_peak"] = e_cat
    lines += [
        "",
        "# Reactant and product levels",
        f'ax.plot([0, 3], [{e_r}, {e_r}], color="gray", linestyle=":")',
        f'ax.plot([7, 10], [{e_p}, {e_p}], color="gray", linestyle=":")',
        f'ax.text(0.75, {e_r + 3}, "Reactants", ha="center", va="bottom", fontsize=11)',
        f'ax.text(9.25, {e_p + 3}, "Products", ha="center", va="bottom", fontsize=11)',
        "",
        "# Activation energy: reactant level up to the first transition state",
        f'ax.plot([3, 5], [{e_ts}, {e_ts}], color="gray", linestyle=":")',
        f'ax.annotate("", xy=(3, {e_ts}), xytext=(3, {e_r}), arrowprops=dict(arrowstyle="<->", color="tab:red"))',
        f'ax.text(2.85, {fmt((e_r + e_ts) / 2)}, "{ea_text}", color="tab:red", ha="right", va="center", fontsize=11)',
        "",
        "# Enthalpy change: reactant level to product level",
        f'ax.plot([7, 8.5], [{e_r}, {e_r}], color="gray", linestyle=":")',
        f'ax.annotate("", xy=(7.8, {e_p}), xytext=(7.8, {e_r}), arrowprops=dict(arrowstyle="-|>", color="tab:blue"))',
        f'ax.text(7.65, {fmt((e_r + e_p) / 2)}, "{dh_text}", color="tab:blue", ha="right", va="center", fontsize=11)',
        "",
        'ax.set_xlabel("Reaction coordinate")',
        'ax.set_ylabel("Energy (kJ/mol)")',
        "ax.set_xticks([])",
        f"ax.set_ylim(0, {max(knots_e) + 30})",
        'ax.spines[["top", "right"]].set_visible(False)',
        "plt.show()",
    ]
    labels += ["Reactants", "Products", ea_text, dh_text, "Reaction coordinate", "Energy (kJ/mol)"]
    statements = [
        f"The reaction is {'exothermic' if exo else 'endothermic'}: ΔH = {dh:+d} kJ/mol.",
        f"The activation energy of the uncatalysed path is {ea} kJ/mol (peak at {e_ts} kJ/mol).",
        f"Reactants sit at {e_r} kJ/mol and products at {e_p} kJ/mol.",
    ]
    if two_step:
        statements.append(f"The reaction has two steps with an intermediate at {e_int} kJ/mol.")
        facts["intermediate"] = e_int
    if catalysed:
        statements.append(
            f"The catalysed path (dashed) peaks lower, at {facts['catalysed_peak']} kJ/mol."
        )
    facts.update(
        statements=statements,
        labels=labels,
        reactants=e_r,
        products=e_p,
        peak=max(knots_e),
        activation_energy=ea,
        delta_h=dh,
        exothermic=exo,
        n_steps=2 if two_step else 1,
        catalysed=catalysed,
    )
    return Emitted(
        _join(lines), {"two_step": two_step, "catalysed": catalysed, "values": values}, facts
    )
