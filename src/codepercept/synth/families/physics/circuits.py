"""The DC circuit family: circuits drawn from primitives on a loop or ladder topology."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.physics._common import _join

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
