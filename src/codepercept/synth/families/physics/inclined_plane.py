"""The inclined plane family: a free-body diagram of a block on a slope."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.physics._common import G, _hatch_ground, _join

# ------------------------------------------------------------------------------------------------
# Inclined plane with free-body diagram
# ------------------------------------------------------------------------------------------------


@register(
    "inclined_plane_fbd",
    "physics",
    "Block on an inclined plane with labelled free-body force arrows and the incline angle arc.",
)
def inclined_plane_fbd(rng: random.Random) -> Emitted:
    theta = rng.choice([20, 25, 30, 35, 37, 40, 45])
    rises_right = rng.random() < 0.5
    mass = rng.choice([2, 3, 4, 5, 8, 10])
    friction = rng.random() < 0.7
    applied = rng.random() < 0.4
    components = rng.random() < 0.35
    weight_label = rng.choice(["mg", "W", "Fg"])
    normal_label = rng.choice(["N", "Fn", "R"])
    friction_label = rng.choice(["f", "Ff"])
    angle_label = rng.choice(["θ", f"{theta}°"])
    block_label = rng.choice(["m", f"{mass} kg"])
    palette = rng.choice(
        [
            ("#e9e2cf", "#8fb3d9", ["tab:red", "tab:blue", "tab:green", "tab:purple"]),
            ("#dddddd", "#f2c36b", ["black", "black", "black", "black"]),
            ("#d8e8d0", "#c9a0dc", ["#c0392b", "#2471a3", "#1e8449", "#b9770e"]),
        ]
    )
    base = rng.choice([6.0, 7.0, 8.0])
    along = rng.uniform(0.45, 0.6) * base / math.cos(math.radians(theta))
    side = rng.choice([1.3, 1.5])

    w = mass * G
    w_par = w * math.sin(math.radians(theta))
    forces: list[tuple[str, str, float, str]] = []  # (name, label, magnitude, direction)
    push = 0.0
    if applied:
        push = round(w_par * rng.choice([0.4, 0.6, 1.5, 1.8]), 1)
    forces.append(("weight", weight_label, w, "straight down"))
    forces.append(
        (
            "normal",
            normal_label,
            w * math.cos(math.radians(theta)),
            "perpendicular to the incline, away from it",
        )
    )
    if applied:
        forces.append(("applied", "F", push, "up the slope, parallel to the incline"))
    friction_dir = ""
    if friction:
        net_down = w_par - push
        friction_dir = "up the slope" if net_down > 0 else "down the slope"
        forces.append(
            ("friction", friction_label, abs(net_down), f"{friction_dir}, along the incline")
        )
    scale = 1.6 / w  # arrow length per newton

    sgn = 1 if rises_right else -1
    t_rad = math.radians(theta)
    center_y = (along + side / 2) * math.sin(t_rad) + side / 2 * math.cos(t_rad)
    top = max(base * math.tan(t_rad), center_y + max(f[2] for f in forces) * scale) + 0.9
    foot_x = 0.0 if rises_right else base
    incline, block, fc = palette
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Arc, Polygon, Rectangle",
        "",
        f"theta = np.radians({theta})  # incline angle",
        f"base = {fmt(base)}  # horizontal length of the incline",
        "height = base * np.tan(theta)",
        f"foot = np.array([{fmt(foot_x)}, 0.0])  # lower corner of the slope",
        f"up_slope = np.array([{'' if rises_right else '-'}np.cos(theta), np.sin(theta)])  # unit vector up the incline",
        f"normal = np.array([{'-' if rises_right else ''}np.sin(theta), np.cos(theta)])  # unit normal out of the surface",
        "",
        "fig, ax = plt.subplots(figsize=(7, 5.5))",
        "",
        "# Ground and the incline (a right triangle)",
    ]
    _hatch_ground(lines, -1.0, base + 1.0, 0.0)
    top_x = base if rises_right else 0.0
    lines += [
        f'ax.add_patch(Polygon([foot, [{fmt(base - foot_x)}, 0], [{fmt(top_x)}, height]], closed=True, facecolor="{incline}", edgecolor="black", linewidth=1.5))',
        "",
        "# Block resting on the slope",
        f"side = {fmt(side)}",
        f"corner = foot + {fmt(along)} * up_slope",
        "block = [corner, corner + side * up_slope, corner + side * (up_slope + normal), corner + side * normal]",
        f'ax.add_patch(Polygon(block, closed=True, facecolor="{block}", edgecolor="black", linewidth=1.5))',
        "center = corner + side / 2 * (up_slope + normal)",
        f'ax.text(*(center + 0.28 * side * (normal - up_slope)), "{block_label}", ha="center", va="center", fontsize=9, rotation={fmt(sgn * theta)})',
        'ax.plot(*center, "o", color="black", markersize=4)  # point of application',
        "",
        "# Angle arc at the foot of the incline",
        f"arc_start = {0 if rises_right else 180 - theta}",
        f"ax.add_patch(Arc(foot, 2.4, 2.4, theta1=arc_start, theta2=arc_start + {theta}, linewidth=1.2))",
        f"label_dir = np.radians({fmt(theta / 2 if rises_right else 180 - theta / 2)})",
        f'ax.text(*(foot + 1.65 * np.array([np.cos(label_dir), np.sin(label_dir)])), "{angle_label}", ha="center", va="center", fontsize=12)',
        "",
        f"scale = {fmt(scale, 4)}  # arrow length per newton",
    ]
    vec_expr = {
        "weight": "np.array([0.0, -1.0])",
        "normal": "normal",
        "applied": "up_slope",
        "friction": "up_slope" if friction_dir == "up the slope" else "-up_slope",
    }
    lines.append("forces = [  # (label, magnitude in N, direction, colour)")
    for i, (name, label, mag, _) in enumerate(forces):
        lines.append(f'    ("{label}", {fmt(mag, 1)}, {vec_expr[name]}, "{fc[i]}"),')
    lines += [
        "]",
        "",
        "# Free-body force arrows from the centre of the block",
        "for label, magnitude, direction, color in forces:",
        "    tip = center + scale * magnitude * direction",
        '    ax.annotate("", xy=tip, xytext=center, arrowprops=dict(arrowstyle="-|>", color=color, linewidth=2, mutation_scale=18))',
        '    ax.text(*(tip + 0.35 * direction), label, color=color, ha="center", va="center", fontsize=12)',
    ]
    labels = [block_label, angle_label] + [f[1] for f in forces]
    if components:
        comp_par = f"{weight_label} sin θ"
        comp_perp = f"{weight_label} cos θ"
        lines += [
            "",
            "# Components of the weight along and perpendicular to the slope (dashed)",
            f'for magnitude, direction, label in [({fmt(w_par, 1)}, -up_slope, "{comp_par}"), ({fmt(forces[1][2], 1)}, -normal, "{comp_perp}")]:',
            "    tip = center + scale * magnitude * direction",
            '    ax.annotate("", xy=tip, xytext=center, arrowprops=dict(arrowstyle="-|>", color="gray", linestyle="--", linewidth=1.2))',
            '    ax.text(*(tip + 0.45 * direction), label, color="gray", ha="center", va="center", fontsize=9)',
        ]
        labels += [comp_par, comp_perp]
    lines += [
        "",
        'ax.set_aspect("equal")',
        f"ax.set_xlim(-1.5, {fmt(base + 1.5)})",
        f"ax.set_ylim(-0.6, {fmt(top)})",
        'ax.axis("off")',
        "plt.show()",
    ]
    statements = [
        f"The incline makes an angle of {theta}° with the horizontal.",
        f"The slope rises to the {'right' if rises_right else 'left'}.",
        f"The block has mass {mass} kg, so its weight is {fmt(w, 1)} N.",
    ]
    for name, label, mag, direction in forces:
        statements.append(f"The {name} force {label} ({fmt(mag, 1)} N) points {direction}.")
    statements.append(
        "Friction acts on the block."
        if friction
        else "The incline is frictionless (no friction arrow)."
    )
    return Emitted(
        _join(lines),
        {
            "theta_deg": theta,
            "mass": mass,
            "rises_right": rises_right,
            "friction": friction,
            "applied_force": push,
            "components": components,
        },
        {
            "statements": statements,
            "labels": labels,
            "theta_deg": theta,
            "n_forces": len(forces),
            "forces": {
                name: {"label": label, "magnitude": round(mag, 1), "direction": d}
                for name, label, mag, d in forces
            },
            "friction_direction": friction_dir or None,
            "n_arrows": len(forces) + (2 if components else 0),
        },
    )
