"""Families of the physics domain.

Every family draws a textbook-style mechanics, electricity, optics or waves figure. The physics is
computed, not faked: force arrows follow the equilibrium of the block, optical rays obey the thin
lens / mirror equation, motion-graph areas are the true displacements.
"""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register

G = 9.8  # m/s^2, used in every statement about weight


def _join(lines: list[str]) -> str:
    """Join code lines, dropping imports (numpy, patch classes) that this variant never uses."""
    code = "\n".join(lines).rstrip() + "\n"
    head, sep, body = code.partition("\n\n")
    kept = []
    for line in head.splitlines():
        if line == "import numpy as np" and "np." not in body:
            continue
        if line.startswith("from matplotlib.patches import "):
            names = [n for n in line.split(" import ")[1].split(", ") if f"{n}(" in body]
            if not names:
                continue
            line = f"from matplotlib.patches import {', '.join(names)}"
        kept.append(line)
    return "\n".join(kept) + sep + body


def _hatch_ground(lines: list[str], x0: float, x1: float, y: float, below: bool = True) -> None:
    """Emit a hatched support surface (ground or ceiling) from x0 to x1 at height y."""
    depth = -0.3 if below else 0.3
    lines += [
        f"ax.add_patch(Rectangle(({fmt(x0)}, {fmt(min(y, y + depth))}), {fmt(x1 - x0)}, 0.3, "
        'facecolor="none", edgecolor="none", hatch="///"))',
        f'ax.plot([{fmt(x0)}, {fmt(x1)}], [{fmt(y)}, {fmt(y)}], color="black", linewidth=1.5)',
    ]


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


# ------------------------------------------------------------------------------------------------
# DC circuits drawn from primitives
# ------------------------------------------------------------------------------------------------

_CIRCUIT_HELPERS = {
    "frame": '''def frame(start, end):
    """Unit vector along start->end, unit normal to it, and the segment length."""
    d = np.subtract(end, start, dtype=float)
    length = np.hypot(*d)
    return d / length, np.array([-d[1], d[0]]) / length, length
''',
    "leads": '''def leads(start, end, body):
    """Wire from each end to a centred component body of the given length; returns body ends."""
    u, n, length = frame(start, end)
    a = np.asarray(start, float) + u * (length - body) / 2
    b = a + u * body
    ax.plot([start[0], a[0]], [start[1], a[1]], color="black", linewidth=1.5)
    ax.plot([b[0], end[0]], [b[1], end[1]], color="black", linewidth=1.5)
    return a, u, n
''',
    "label": '''def label(start, end, text, side):
    """Write a component label beside the middle of its segment."""
    _, n, _ = frame(start, end)
    x, y = (np.add(start, end) / 2) + side * 0.45 * n
    ha = "center" if abs(n[0]) < 0.5 else ("left" if side * n[0] > 0 else "right")
    ax.text(x, y, text, ha=ha, va="center", fontsize=11)
''',
    "zigzag": '''def resistor(start, end, text, side=1):
    """Zig-zag resistor between two points."""
    a, u, n = leads(start, end, 0.9)
    t = np.linspace(0, 0.9, 8)
    offset = 0.18 * np.array([0, 1, -1, 1, -1, 1, -1, 0])
    pts = a + np.outer(t, u) + np.outer(offset, n)
    ax.plot(pts[:, 0], pts[:, 1], color="black", linewidth=1.5)
    label(start, end, text, side)
''',
    "box": '''def resistor(start, end, text, side=1):
    """Rectangular (IEC) resistor between two points."""
    a, u, n = leads(start, end, 0.9)
    corners = [a + 0.15 * n, a + 0.9 * u + 0.15 * n, a + 0.9 * u - 0.15 * n, a - 0.15 * n]
    ax.add_patch(Polygon(corners, closed=True, facecolor="white", edgecolor="black", linewidth=1.5))
    label(start, end, text, side)
''',
    "cell": '''def cell(start, end, text, side=1):
    """Cell: long thin plate (+) and short thick plate (-); the long plate faces `end`."""
    a, u, n = leads(start, end, 0.2)
    b = a + 0.2 * u
    ax.plot(*zip(b - 0.4 * n, b + 0.4 * n), color="black", linewidth=1.5)
    ax.plot(*zip(a - 0.2 * n, a + 0.2 * n), color="black", linewidth=4)
    label(start, end, text, side)
''',
    "capacitor": '''def capacitor(start, end, text, side=1):
    """Capacitor: two equal parallel plates."""
    a, u, n = leads(start, end, 0.2)
    for plate in (a, a + 0.2 * u):
        ax.plot(*zip(plate - 0.35 * n, plate + 0.35 * n), color="black", linewidth=2)
    label(start, end, text, side)
''',
    "switch": '''def switch(start, end, text, closed, side=1):
    """Knife switch: two terminals and a blade, lifted when open."""
    a, u, n = leads(start, end, 0.8)
    b = a + 0.8 * u
    blade_end = b if closed else a + 0.8 * (np.cos(0.5) * u + np.sin(0.5) * n)
    ax.plot(*zip(a, blade_end), color="black", linewidth=1.5)
    ax.plot(*zip(a, b), "o", color="black", markersize=5, markerfacecolor="white")
    label(start, end, text, side)
''',
    "meter": '''def meter(start, end, letter, side=1):
    """Ammeter or voltmeter: a circle with its letter."""
    a, u, _ = leads(start, end, 0.7)
    center = a + 0.35 * u
    ax.add_patch(Circle(center, 0.35, facecolor="white", edgecolor="black", linewidth=1.5))
    ax.text(*center, letter, ha="center", va="center", fontsize=12, fontweight="bold")
''',
}


@register(
    "dc_circuit",
    "physics",
    "DC circuit drawn from primitives (resistors, cells, switch, meters, capacitor) on a loop or "
    "ladder topology with component labels and values.",
)
def dc_circuit(rng: random.Random) -> Emitted:
    topology = rng.choice(["loop", "ladder"])
    style = rng.choice(["zigzag", "box"])
    label_style = rng.choice(["both", "value", "name"])
    subs = "₁₂₃₄₅₆"
    emf = rng.choice([1.5, 3, 4.5, 6, 9, 12])
    n_cells = rng.choice([1, 1, 2])
    used = {"frame", "leads", "label", "cell"}
    resistances: list[int] = []

    def r_label(value: int) -> str:
        name = f"R{subs[len(resistances)]}"
        resistances.append(value)
        return {"both": f"{name} = {value} Ω", "value": f"{value} Ω", "name": name}[label_style]

    battery_text = {"both": f"E = {fmt(emf)} V", "value": f"{fmt(emf)} V", "name": "E"}[label_style]
    calls: list[str] = []  # emitted drawing calls
    labels: list[str] = []
    meters: list[str] = []
    statements: list[str] = []
    has_switch = rng.random() < 0.5
    switch_closed = rng.random() < 0.5
    has_cap = False
    junctions: list[tuple[float, float]] = []

    def component(kind: str, start: tuple, end: tuple, side: int = 1) -> None:
        nonlocal has_cap
        s, e = f"({fmt(start[0])}, {fmt(start[1])})", f"({fmt(end[0])}, {fmt(end[1])})"
        if kind == "R":
            used.add(style)
            text = r_label(rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 20]))
            calls.append(f'resistor({s}, {e}, "{text}", side={side})')
            labels.append(text)
        elif kind == "wire":
            calls.append(
                f'ax.plot([{fmt(start[0])}, {fmt(end[0])}], [{fmt(start[1])}, {fmt(end[1])}], color="black", linewidth=1.5)'
            )
        elif kind in ("A", "V"):
            used.add("meter")
            meters.append(kind)
            calls.append(f'meter({s}, {e}, "{kind}")')
            labels.append(kind)
        elif kind == "S":
            used.add("switch")
            calls.append(f'switch({s}, {e}, "S", closed={switch_closed}, side={side})')
            labels.append("S")
        elif kind == "C":
            used.add("capacitor")
            has_cap = True
            c = rng.choice([2, 4, 10, 22, 47])
            text = {"both": f"C = {c} μF", "value": f"{c} μF", "name": "C"}[label_style]
            calls.append(f'capacitor({s}, {e}, "{text}", side={side})')
            labels.append(text)

    width, height = (6.0, 4.0) if topology == "loop" else (3.0 * rng.choice([2, 3]), 4.0)
    # Battery on the left side, positive plate towards the top.
    if n_cells == 1:
        calls.append(f'cell((0, 0), (0, {fmt(height)}), "{battery_text}", side=1)')
    else:
        calls.append(f'cell((0, 0), (0, {fmt(height / 2)}), "", side=1)')
        calls.append(f'cell((0, {fmt(height / 2)}), (0, {fmt(height)}), "{battery_text}", side=1)')
    labels.append(battery_text)
    if topology == "loop":
        top = ["R", *rng.sample(["R", "A", "S" if has_switch else "R"], 2)]
        rng.shuffle(top)
        right = rng.choice(["R", "C", "wire"])
        bottom = rng.choice([["R"], ["R", "R"], ["wire"]])
        seg = width / len(top)
        voltmeter_at = None
        voltmeter_index = 0
        for i, kind in enumerate(top):
            a, b = (i * seg, height), ((i + 1) * seg, height)
            if kind == "R" and voltmeter_at is None and rng.random() < 0.6:
                voltmeter_at = (a, b)
                voltmeter_index = len(resistances)
                component(kind, a, b, side=-1)
            else:
                component(kind, a, b)
        component(right, (width, height), (width, 0), side=1)
        seg = width / len(bottom)
        for i, kind in enumerate(bottom):
            component(kind, (width - i * seg, 0), (width - (i + 1) * seg, 0), side=1)
        if voltmeter_at is not None:
            (x0, y0), (x1, _) = voltmeter_at
            lift = y0 + 1.4
            component("wire", (x0, y0), (x0, lift))
            component("V", (x0, lift), (x1, lift))
            component("wire", (x1, lift), (x1, y0))
            junctions += [(x0, y0), (x1, y0)]
            statements.append(
                f"The voltmeter is connected in parallel with R{subs[voltmeter_index]}."
            )
        n_branches = 1
    else:
        rungs = int(width / 3)
        rail_kinds = ["A" if rng.random() < 0.5 else "wire"] + [
            "R" if rng.random() < 0.5 else "wire" for _ in range(rungs - 1)
        ]
        if has_switch:
            rail_kinds[0] = "S"
        for i, kind in enumerate(rail_kinds):
            component(kind, (3.0 * i, height), (3.0 * (i + 1), height))
            component("wire", (3.0 * (i + 1), 0), (3.0 * i, 0))
        for j in range(1, rungs + 1):
            x = 3.0 * j
            kind = "R" if j < rungs or rng.random() < 0.6 else rng.choice(["C", "V"])
            component(kind, (x, height), (x, 0), side=1)
            if j < rungs:
                junctions += [(x, height), (x, 0)]
        n_branches = rungs
    if has_switch and "S" not in labels:
        has_switch = False
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
    ]
    patches = sorted(
        {"Polygon"} & ({"Polygon"} if "box" in used else set())
        | ({"Circle"} if "meter" in used else set())
    )
    if patches:
        lines.append(f"from matplotlib.patches import {', '.join(patches)}")
    lines += ["", "fig, ax = plt.subplots(figsize=(7, 5.5))", ""]
    for key in ["frame", "leads", "label", "zigzag", "box", "cell", "capacitor", "switch", "meter"]:
        if key in used:
            lines += [_CIRCUIT_HELPERS[key]]
    lines.append("# Components and wires around the circuit")
    lines += calls
    if junctions:
        xs = ", ".join(fmt(p[0]) for p in junctions)
        ys = ", ".join(fmt(p[1]) for p in junctions)
        lines += [
            "",
            "# Junction dots",
            f'ax.plot([{xs}], [{ys}], "o", color="black", markersize=6)',
        ]
    lines += ["", 'ax.set_aspect("equal")', 'ax.axis("off")', "ax.margins(0.12)", "plt.show()"]
    labels = [t for t in labels if t]
    statements += [
        f"The circuit has {len(resistances)} resistor{'s' if len(resistances) != 1 else ''}.",
        f"The battery ({fmt(emf)} V) is drawn as {n_cells} cell{'s' if n_cells > 1 else ''} on the left side.",
    ]
    if "A" in meters:
        statements.append("An ammeter is connected in series.")
    if has_switch:
        statements.append(f"The switch S is {'closed' if switch_closed else 'open'}.")
    if has_cap:
        statements.append("The circuit contains a capacitor.")
    if topology == "ladder":
        statements.append(
            f"The circuit is a ladder with {n_branches} parallel branches across the battery."
        )
    return Emitted(
        _join(lines),
        {"topology": topology, "style": style, "label_style": label_style, "emf": emf},
        {
            "statements": statements,
            "labels": labels,
            "topology": topology,
            "n_resistors": len(resistances),
            "resistances": resistances,
            "n_cells": n_cells,
            "emf": emf,
            "meters": meters,
            "has_switch": has_switch,
            "switch_closed": switch_closed if has_switch else None,
            "has_capacitor": has_cap,
            "n_junctions": len(junctions),
        },
    )


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


# ------------------------------------------------------------------------------------------------
# Ray optics: thin lenses and spherical mirrors
# ------------------------------------------------------------------------------------------------


@register(
    "ray_optics",
    "physics",
    "Ray diagram for a converging/diverging lens or a concave/convex mirror: principal axis, focal "
    "points, object and image arrows and three principal rays obeying 1/f = 1/do + 1/di.",
)
def ray_optics(rng: random.Random) -> Emitted:
    kind = rng.choice(["converging_lens", "diverging_lens", "concave_mirror", "convex_mirror"])
    is_lens = kind.endswith("lens")
    focusing = kind in ("converging_lens", "concave_mirror")
    f_abs = rng.choice([2.0, 2.5, 3.0])
    f = f_abs if focusing else -f_abs
    if focusing:
        case = rng.choice(["beyond_2f", "between_f_2f", "inside_f"])
        lo, hi = {"beyond_2f": (2.3, 3.0), "between_f_2f": (1.3, 1.8), "inside_f": (0.45, 0.7)}[
            case
        ]
    else:
        case = "any"
        lo, hi = 0.9, 2.5
    d_o = round(rng.uniform(lo, hi) * f_abs, 1)
    h_o = rng.choice([1.0, 1.2, 1.5])
    d_i = 1 / (1 / f - 1 / d_o)
    h_i = -h_o * d_i / d_o
    real = d_i > 0
    y3 = h_o * f / (f - d_o)
    image_x = d_i if is_lens else -d_i
    half = max(h_o, abs(y3)) + 0.5
    y_lim = max(half, abs(h_i)) + 0.8
    if is_lens:
        x_end = max(d_i * 1.25, d_i + 2) if real else 2.5 * f_abs
        x_left, x_right = min(-d_o, image_x) - 1.5, x_end + 0.3
    else:
        x_end = max(d_o, d_i) + 1.5 if real else d_o + 1.0
        x_left, x_right = -x_end - 0.3, (image_x + 1.5 if not real else 2 * f_abs + 1.0)
    sym = rng.choice(["symbol", "shape"])
    name_style = rng.choice(["words", "letters", "none"])
    colors = rng.choice(
        [
            ("tab:red", "tab:green", "tab:purple"),
            ("#c0392b", "#2471a3", "#1e8449"),
            ("black", "black", "black"),
        ]
    )
    out = "" if is_lens else "-"  # outgoing rays of a mirror go back to the left
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
    ]
    if is_lens and sym == "shape":
        lines.append(f"from matplotlib.patches import {'Ellipse' if focusing else 'Polygon'}")
    lines += [
        "",
        f"f = {fmt(f)}  # focal length ({'positive: ' if focusing else 'negative: '}{kind.replace('_', ' ')})",
        f"d_o = {fmt(d_o)}  # object distance",
        f"h_o = {fmt(h_o)}  # object height",
        f"d_i = 1 / (1 / f - 1 / d_o)  # {'thin lens' if is_lens else 'mirror'} equation 1/f = 1/d_o + 1/d_i",
        "h_i = -h_o * d_i / d_o  # magnification m = -d_i / d_o",
        f"image_x = {'' if is_lens else '-'}d_i  # {'positive: right of the lens' if is_lens else 'negative: in front of the mirror'}",
        "y3 = h_o * f / (f - d_o)  # height where the focal ray meets the "
        + ("lens" if is_lens else "mirror"),
        f"x_end = {fmt(x_end)}  # how far the outgoing rays are drawn",
        "",
        "fig, ax = plt.subplots(figsize=(9, 4.5))",
        "",
        "# Principal axis",
        'ax.axhline(0, color="black", linewidth=1)',
        "",
    ]
    half_s = fmt(half)
    if is_lens:
        lines.append(f"# {'Converging' if focusing else 'Diverging'} lens at x = 0")
        if sym == "symbol":
            top, bottom = ("^", "v") if focusing else ("v", "^")
            lines += [
                f'ax.plot([0, 0], [-{half_s}, {half_s}], color="steelblue", linewidth=2.5)',
                f'ax.plot([0], [{half_s}], "{top}", color="steelblue", markersize=10)',
                f'ax.plot([0], [-{half_s}], "{bottom}", color="steelblue", markersize=10)',
            ]
        elif focusing:
            lines.append(
                f'ax.add_patch(Ellipse((0, 0), 0.45, {fmt(2 * half)}, facecolor="lightblue", edgecolor="steelblue", alpha=0.8))'
            )
        else:
            lines += [
                f"y = np.linspace(-{half_s}, {half_s}, 40)",
                f"x = 0.08 + 0.25 * (y / {half_s}) ** 2",
                'ax.add_patch(Polygon(np.column_stack([np.r_[x, -x[::-1]], np.r_[y, y[::-1]]]), facecolor="lightblue", edgecolor="steelblue", alpha=0.8))',
            ]
    else:
        bend = "-" if focusing else ""
        lines += [
            f"# {'Concave' if focusing else 'Convex'} mirror at x = 0, silvered (hatched) on the back",
            f"y = np.linspace(-{half_s}, {half_s}, 60)",
            f"x = {bend}0.03 * y ** 2",
            'ax.plot(x, y, color="steelblue", linewidth=2.5)',
            f"for yk in np.linspace(-{half_s}, {half_s}, 13):",
            f'    ax.plot([{bend}0.03 * yk ** 2, {bend}0.03 * yk ** 2 + 0.25], [yk, yk - 0.2], color="steelblue", linewidth=1)',
        ]
    # Focal points
    if is_lens:
        pts = [(f_abs, "F"), (-f_abs, "F")]
        if rng.random() < 0.5:
            pts += [(2 * f_abs, "2F"), (-2 * f_abs, "2F")]
    else:
        sgn = -1 if focusing else 1
        pts = [(sgn * f_abs, "F"), (sgn * 2 * f_abs, "C")]
    pts = [p for p in pts if x_left < p[0] < x_right]
    labels = [p[1] for p in pts]
    xs = ", ".join(fmt(p[0]) for p in pts)
    lines += [
        "",
        "# Focal points" + (" and centre of curvature" if not is_lens else ""),
        f'ax.plot([{xs}], [{", ".join("0" for _ in pts)}], "o", color="black", markersize=4)',
        f"for x, name in [{', '.join(f'({fmt(x)}, {chr(34)}{n}{chr(34)})' for x, n in pts)}]:",
        '    ax.text(x, -0.35, name, ha="center", va="top", fontsize=11)',
        "",
        "# Object arrow",
        'ax.annotate("", xy=(-d_o, h_o), xytext=(-d_o, 0), arrowprops=dict(arrowstyle="-|>", color="tab:blue", linewidth=2.5))',
        "",
    ]
    c1, c2, c3 = colors
    lines += [
        "# Ray 1: parallel to the axis, then through (or away from) the focal point",
        f'ax.plot([-d_o, 0], [h_o, h_o], color="{c1}", linewidth=1.2)',
        f'ax.plot([0, {out}x_end], [h_o, h_o * (1 - x_end / f)], color="{c1}", linewidth=1.2)',
    ]
    if is_lens:
        lines += [
            "# Ray 2: through the optical centre, undeviated",
            f'ax.plot([-d_o, x_end], [h_o, -h_o * x_end / d_o], color="{c2}", linewidth=1.2)',
        ]
    else:
        lines += [
            "# Ray 2: to the vertex, reflected symmetrically about the axis",
            f'ax.plot([-d_o, 0, -x_end], [h_o, 0, -h_o * x_end / d_o], color="{c2}", linewidth=1.2)',
        ]
    lines += [
        "# Ray 3: towards the focal point, then parallel to the axis",
        f'ax.plot([-d_o, 0], [h_o, y3], color="{c3}", linewidth=1.2)',
        f'ax.plot([0, {out}x_end], [y3, y3], color="{c3}", linewidth=1.2)',
    ]
    if not real:
        starts = ["(0, h_o)", "(0, y3)"]
        if kind == "converging_lens":
            starts.append("(-d_o, h_o)")
        elif not is_lens:
            starts.append("(0, 0)")
        lines += [
            "",
            "# Virtual image: dashed backward extensions of the outgoing rays meet at its tip",
            f"for x0, y0 in [{', '.join(starts)}]:",
            '    ax.plot([x0, image_x], [y0, h_i], color="gray", linestyle="--", linewidth=1)',
        ]
    lines += [
        "",
        f"# {'Real' if real else 'Virtual'} image arrow" + ("" if real else " (dashed)"),
        f'ax.annotate("", xy=(image_x, h_i), xytext=(image_x, 0), arrowprops=dict(arrowstyle="-|>", color="tab:orange", linewidth=2.5{"" if real else ", linestyle=(0, (4, 2))"}))',
    ]
    if name_style != "none":
        obj, img = ("object", "image") if name_style == "words" else ("A", "A′")
        lines += [
            f'ax.text(-d_o, h_o + 0.15, "{obj}", ha="center", va="bottom", fontsize=11)',
            f'ax.text(image_x, h_i + (0.15 if h_i > 0 else -0.15), "{img}", ha="center", va="{"bottom" if h_i > 0 else "top"}", fontsize=11)',
        ]
        labels += [obj, img]
    lines += [
        "",
        f"ax.set_xlim({fmt(x_left)}, {fmt(x_right)})",
        f"ax.set_ylim(-{fmt(y_lim)}, {fmt(y_lim)})",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        "plt.show()",
    ]
    nature = (
        ("real" if real else "virtual")
        + ", "
        + ("inverted" if h_i < 0 else "upright")
        + ", "
        + ("magnified" if abs(h_i) > h_o else "diminished")
    )
    statements = [
        f"The figure shows a {kind.replace('_', ' ')} with focal length {fmt(f_abs)}.",
        f"The object stands {fmt(d_o)} from the {'lens' if is_lens else 'mirror'} and is {fmt(h_o)} tall.",
        f"The image forms {fmt(abs(d_i), 2)} {'behind' if (is_lens == real) else 'in front of'} the {'lens' if is_lens else 'mirror'}"
        if is_lens
        else f"The image forms {fmt(abs(d_i), 2)} {'in front of' if real else 'behind'} the mirror",
        f"The image is {nature} (height {fmt(abs(h_i), 2)}).",
    ]
    statements[2] += "."
    return Emitted(
        _join(lines),
        {"kind": kind, "f": f, "d_o": d_o, "h_o": h_o, "case": case, "symbol": sym},
        {
            "statements": statements,
            "labels": labels,
            "kind": kind,
            "focal_length": f,
            "object_distance": d_o,
            "object_height": h_o,
            "image_distance": round(d_i, 4),
            "image_height": round(h_i, 4),
            "image_x": round(image_x, 4),
            "image_real": real,
            "image_nature": nature,
            "n_rays": 3,
        },
    )


# ------------------------------------------------------------------------------------------------
# Motion graphs
# ------------------------------------------------------------------------------------------------


@register(
    "motion_graph",
    "physics",
    "Piecewise-linear displacement-time or velocity-time graph (shaded area = displacement), in "
    "grid, graph-paper or textbook-axes style with optional vertex letters and drop lines.",
)
def motion_graph(rng: random.Random) -> Emitted:
    kind = rng.choice(["v-t", "s-t"])
    n_seg = rng.choice([2, 3, 4])
    times = [0]
    for _ in range(n_seg):
        times.append(times[-1] + rng.choice([1, 2, 2, 3, 4]))
    if kind == "v-t":
        values = [rng.choice([0, 0, 2, 4])] + [
            rng.choice([0, 2, 3, 4, 5, 6, 8, 10]) for _ in range(n_seg)
        ]
        unit, qty = "m/s", "v"
    else:
        values = [rng.choice([0, 0, 5, 10])] + [
            rng.choice([0, 5, 10, 15, 20, 25, 30]) for _ in range(n_seg)
        ]
        unit, qty = "m", "s"
    style = rng.choice(["grid", "paper", "textbook"])
    shade = kind == "v-t" and rng.random() < 0.7
    letters = rng.random() < 0.5
    drops = rng.random() < 0.5
    color = rng.choice(["tab:blue", "tab:red", "black", "darkgreen"])
    y_top = max(values) * 1.25 + (1 if kind == "v-t" else 5)
    y_step = 2 if kind == "v-t" else 5
    xlabel, ylabel = "t (s)", f"{qty} ({unit})"
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        f"t = [{', '.join(str(x) for x in times)}]  # times (s)",
        f"{qty} = [{', '.join(str(x) for x in values)}]  # {'velocity' if qty == 'v' else 'displacement'} ({unit})",
        "",
        "fig, ax = plt.subplots(figsize=(6.5, 4.5))",
        "",
        "# The graph",
        f'ax.plot(t, {qty}, color="{color}", linewidth=2{", marker=" + chr(34) + "o" + chr(34) if letters else ""})',
    ]
    area = sum((times[i + 1] - times[i]) * (values[i] + values[i + 1]) / 2 for i in range(n_seg))
    labels = [xlabel, ylabel]
    if shade:
        lines += [
            "",
            "# Area under the v-t graph = displacement",
            f'ax.fill_between(t, v, color="{color}", alpha=0.2)',
        ]
    if drops:
        lines += [
            "",
            "# Dashed guide lines from the corners to the axes",
            f"for ti, yi in zip(t[1:], {qty}[1:]):",
            '    ax.plot([ti, ti, 0], [0, yi, yi], color="gray", linestyle="--", linewidth=0.8)',
        ]
    if letters:
        names = "ABCDE"[: n_seg + 1]
        lines += [
            "",
            "# Letters at the corners of the graph",
            f'for name, ti, yi in zip("{names}", t, {qty}):',
            '    ax.annotate(name, (ti, yi), textcoords="offset points", xytext=(4, 6), fontsize=11)',
        ]
        labels += list(names)
    lines += [
        "",
        f'ax.set_xlabel("{xlabel}")',
        f'ax.set_ylabel("{ylabel}")',
        f"ax.set_xticks(range(0, {times[-1] + 1}))",
        f"ax.set_yticks(range(0, {int(y_top) + 1}, {y_step}))",
        f"ax.set_xlim(0, {fmt(times[-1] + 0.5)})",
        f"ax.set_ylim(0, {fmt(y_top)})",
    ]
    if style == "grid":
        lines.append('ax.grid(True, linestyle=":", color="gray")')
    elif style == "paper":
        lines += [
            "ax.minorticks_on()",
            'ax.grid(which="major", color="#e07b7b", linewidth=0.8)',
            'ax.grid(which="minor", color="#f3c6c6", linewidth=0.4)',
        ]
    else:
        lines += [
            "# Textbook axes: only the left and bottom spines, with arrowheads",
            'ax.spines[["top", "right"]].set_visible(False)',
            'ax.plot(1, 0, ">k", transform=ax.get_yaxis_transform(), clip_on=False)',
            'ax.plot(0, 1, "^k", transform=ax.get_xaxis_transform(), clip_on=False)',
        ]
    lines.append("plt.show()")
    statements = []
    for i in range(n_seg):
        t0, t1, a, b = times[i], times[i + 1], values[i], values[i + 1]
        rate = (b - a) / (t1 - t0)
        if kind == "v-t":
            desc = (
                f"constant at {a} m/s"
                if a == b
                else f"{'increasing' if b > a else 'decreasing'} from {a} to {b} m/s (a = {fmt(rate, 2)} m/s²)"
            )
            statements.append(f"From t = {t0} s to t = {t1} s the velocity is {desc}.")
        else:
            desc = f"at rest at s = {a} m" if a == b else f"moving with velocity {fmt(rate, 2)} m/s"
            statements.append(f"From t = {t0} s to t = {t1} s the object is {desc}.")
    facts: dict = {
        "graph": kind,
        "times": times,
        "values": values,
        "n_segments": n_seg,
        "shaded": shade,
    }
    if kind == "v-t":
        statements.append(
            f"The displacement over {times[-1]} s (area under the graph) is {fmt(area, 2)} m."
        )
        facts["displacement"] = area
    else:
        dist = sum(abs(values[i + 1] - values[i]) for i in range(n_seg))
        statements.append(
            f"The total distance travelled is {dist} m; the final displacement is {values[-1] - values[0]} m."
        )
        facts["distance"] = dist
    facts.update(statements=statements, labels=labels)
    return Emitted(
        _join(lines),
        {"kind": kind, "style": style, "shade": shade, "letters": letters, "drops": drops},
        facts,
    )


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
