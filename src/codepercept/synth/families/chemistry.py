"""Families of the chemistry domain.

Skeletal formulas built from 2D atom coordinates (the molecular formula is computed from the same
graph that is drawn), lab apparatus schematics built from patches, and reaction energy profiles.
"""

from __future__ import annotations

import math
import random
from collections import Counter

from codepercept.synth.base import Emitted, fmt, register


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


# ------------------------------------------------------------------------------------------------
# Skeletal formulas
# ------------------------------------------------------------------------------------------------

_VALENCE = {"C": 4, "N": 3, "O": 2, "F": 1, "Cl": 1, "Br": 1}
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class _Mol:
    """A tiny molecular graph: heavy atoms with positions, bonds with orders."""

    def __init__(self) -> None:
        self.atoms: list[list] = []  # [element, x, y]
        self.bonds: list[list] = []  # [i, j, order, inner_side]

    def add(self, element: str, x: float, y: float) -> int:
        self.atoms.append([element, x, y])
        return len(self.atoms) - 1

    def bond(self, i: int, j: int, order: int = 1, inner: int = 0) -> None:
        self.bonds.append([i, j, order, inner])

    def hydrogens(self, i: int) -> int:
        used = sum(b[2] for b in self.bonds if i in (b[0], b[1]))
        return _VALENCE[self.atoms[i][0]] - used

    def formula(self) -> str:
        counts: Counter[str] = Counter(a[0] for a in self.atoms)
        counts["H"] = sum(self.hydrogens(i) for i in range(len(self.atoms)))
        order = ["C", "H", *sorted(k for k in counts if k not in ("C", "H"))]
        return "".join(f"{k}{counts[k] if counts[k] > 1 else ''}" for k in order if counts[k])


def _substituent(mol: _Mol, at: int, dx: float, dy: float, group: str) -> None:
    """Attach a functional group to atom ``at`` in the unit direction (dx, dy)."""
    x, y = mol.atoms[at][1], mol.atoms[at][2]
    if group in ("OH", "NH2", "F", "Cl", "Br"):
        el = {"OH": "O", "NH2": "N"}.get(group, group)
        mol.bond(at, mol.add(el, x + dx, y + dy))
    elif group == "CH3":
        mol.bond(at, mol.add("C", x + dx, y + dy))
    elif group in ("COOH", "CHO"):
        c = mol.add("C", x + dx, y + dy)
        mol.bond(at, c)
        cx, cy = x + dx, y + dy
        for k, rot in enumerate((60, -60)):
            a = math.radians(rot)
            ex, ey = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
            if k == 0:
                mol.bond(c, mol.add("O", cx + ex, cy + ey), 2)
            elif group == "COOH":
                mol.bond(c, mol.add("O", cx + ex, cy + ey))
    elif group == "OCH3":
        o = mol.add("O", x + dx, y + dy)
        mol.bond(at, o)
        a = math.radians(60)
        ex, ey = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
        mol.bond(o, mol.add("C", x + dx + ex, y + dy + ey))


_GROUP_NAMES = {
    "OH": "hydroxyl",
    "NH2": "amino",
    "F": "fluoro",
    "Cl": "chloro",
    "Br": "bromo",
    "CH3": "methyl",
    "COOH": "carboxylic acid",
    "CHO": "aldehyde",
    "OCH3": "methoxy",
    "ketone": "ketone C=O",
    "alkene": "C=C double bond",
    "ether": "ether oxygen",
}


@register(
    "skeletal_formula",
    "chemistry",
    "Skeletal formula of a small organic molecule (substituted benzene or a zig-zag chain with "
    "heteroatoms, C=O and C=C double bonds) drawn from 2D coordinates at a random orientation.",
)
def skeletal_formula(rng: random.Random) -> Emitted:
    mol = _Mol()
    scaffold = rng.choice(["benzene", "chain"])
    groups: list[str] = []
    ring_center = None
    if scaffold == "benzene":
        ring = [
            mol.add("C", math.cos(math.radians(90 + 60 * k)), math.sin(math.radians(90 + 60 * k)))
            for k in range(6)
        ]
        shift = rng.randint(0, 1)
        for k in range(6):
            double = (k + shift) % 2 == 0
            mol.bond(ring[k], ring[(k + 1) % 6], 2 if double else 1, 1 if double else 0)
        ring_center = (0.0, 0.0)
        n_sub = rng.choice([1, 2, 2, 3])
        positions = rng.choice([[0], [0, 1], [0, 2], [0, 3], [0, 2, 4], [0, 1, 3]])[:n_sub]
        for p in positions:
            g = rng.choice(["OH", "NH2", "CH3", "Cl", "Br", "COOH", "CHO", "OCH3", "F"])
            groups.append(g)
            a = math.radians(90 + 60 * p)
            _substituent(mol, ring[p], math.cos(a), math.sin(a), g)
    else:
        n = rng.randint(3, 6)
        step = math.radians(30)
        chain = []
        for i in range(n):
            chain.append(mol.add("C", i * math.cos(step), 0.5 * (i % 2)))
        feature = rng.choice(["OH", "ketone", "COOH", "NH2", "alkene", "ether", "Cl", "Br"])
        groups.append(feature)
        if feature == "ether":
            mid = rng.randint(1, n - 2)
            mol.atoms[chain[mid]][0] = "O"
        for i in range(n - 1):
            order = 1
            if feature == "alkene" and i == 0:
                order = 2
            mol.bond(chain[i], chain[i + 1], order)

        def up(i: int) -> float:  # substituents point away from the zig-zag
            return 1.0 if i % 2 else -1.0

        if feature in ("OH", "NH2", "Cl", "Br"):
            at = rng.randint(1, n - 2) if feature in ("OH", "Cl", "Br") else n - 1
            if at == n - 1:
                a = math.radians(30 if (n - 1) % 2 == 0 else -30)
                _substituent(mol, chain[at], math.cos(a), math.sin(a), feature)
            else:
                _substituent(mol, chain[at], 0.0, up(at), feature)
        elif feature == "ketone":
            at = rng.randint(1, n - 2)
            mol.bond(
                chain[at],
                mol.add("O", mol.atoms[chain[at]][1], mol.atoms[chain[at]][2] + up(at)),
                2,
            )
        elif feature == "COOH":
            last = chain[-1]
            x, y = mol.atoms[last][1], mol.atoms[last][2]
            mol.bond(last, mol.add("O", x, y + up(n - 1)), 2)
            a = math.radians(30 if (n - 1) % 2 == 0 else -30)
            mol.bond(last, mol.add("O", x + math.cos(a), y + math.sin(a)))
    # Orientation: rotate (and maybe mirror) the whole molecule.
    angle = math.radians(
        rng.choice([0, 30, 60, 90, 150, 180, 210, 270])
        if scaffold == "benzene"
        else rng.choice([0, 180])
    )
    mirror = rng.random() < 0.5
    cx = sum(a[1] for a in mol.atoms) / len(mol.atoms)
    cy = sum(a[2] for a in mol.atoms) / len(mol.atoms)
    for a in mol.atoms:
        x, y = a[1] - cx, a[2] - cy
        if mirror:
            x = -x
        a[1], a[2] = (
            x * math.cos(angle) - y * math.sin(angle),
            x * math.sin(angle) + y * math.cos(angle),
        )
    if ring_center is not None:
        x, y = -cx, -cy
        if mirror:
            x = -x
        ring_center = (
            x * math.cos(angle) - y * math.sin(angle),
            x * math.sin(angle) + y * math.cos(angle),
        )
        for b in mol.bonds:  # inner side of ring double bonds: toward the ring centre
            if b[3]:
                (_, x1, y1), (_, x2, y2) = mol.atoms[b[0]], mol.atoms[b[1]]
                cross = (x2 - x1) * (ring_center[1] - y1) - (y2 - y1) * (ring_center[0] - x1)
                b[3] = 1 if cross > 0 else -1
    # Atom labels: heteroatoms with their hydrogens; H written first when the group points left.
    colored = rng.random() < 0.5
    colors = {"O": "red", "N": "blue", "Cl": "green", "Br": "brown", "F": "darkgreen"}
    atom_labels: dict[int, str] = {}
    for i, (el, x, _) in enumerate(mol.atoms):
        if el == "C":
            continue
        h = mol.hydrogens(i)
        hs = "" if h == 0 else ("H" if h == 1 else f"H{h}".translate(_SUB))
        nb = [b[1] if b[0] == i else b[0] for b in mol.bonds if i in (b[0], b[1])]
        mean_dx = sum(x - mol.atoms[j][1] for j in nb) / max(len(nb), 1)
        atom_labels[i] = (hs + el) if (hs and mean_dx < -0.3) else (el + hs)
    lw = rng.choice([1.8, 2.2])
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "",
        "# Heavy-atom positions (bond length 1)",
        "atoms = [",
    ]
    for el, x, y in mol.atoms:
        lines.append(f"    ({fmt(x, 3)}, {fmt(y, 3)}),  # {el}")
    lines += [
        "]",
        "# Bonds: (atom i, atom j, order, side of the inner line for ring double bonds)",
        "bonds = [",
    ]
    for i, j, order, inner in mol.bonds:
        lines.append(f"    ({i}, {j}, {order}, {inner}),")
    lines += ["]", "# Heteroatom labels; bonds stop short of them", "labels = {"]
    for i, text in atom_labels.items():
        lines.append(f'    {i}: "{text}",')
    lines += [
        "}",
    ]
    if colored:
        lines.append(
            "label_colors = {"
            + ", ".join(f'{i}: "{colors[mol.atoms[i][0]]}"' for i in atom_labels)
            + "}"
        )
    lines += [
        "",
        "fig, ax = plt.subplots(figsize=(6, 6))",
        "",
        "",
        "def draw_bond(p, q, trim_p, trim_q, offset=0.0):",
        '    """One straight bond line, trimmed at both ends and shifted sideways by offset."""',
        "    p, q = np.asarray(p), np.asarray(q)",
        "    u = (q - p) / np.linalg.norm(q - p)",
        "    n = np.array([-u[1], u[0]])",
        "    a, b = p + u * trim_p + n * offset, q - u * trim_q + n * offset",
        f'    ax.plot([a[0], b[0]], [a[1], b[1]], color="black", linewidth={lw}, solid_capstyle="round")',
        "",
        "",
        "# Bonds: double bonds get a second line (inside the ring, or on both sides)",
        "for i, j, order, inner in bonds:",
        "    trim_i, trim_j = (0.3 if i in labels else 0), (0.3 if j in labels else 0)",
        "    if order == 2 and inner == 0:",
        "        draw_bond(atoms[i], atoms[j], trim_i, trim_j, -0.07)",
        "        draw_bond(atoms[i], atoms[j], trim_i, trim_j, 0.07)",
        "    else:",
        "        draw_bond(atoms[i], atoms[j], trim_i, trim_j)",
        "    if inner:",
        "        draw_bond(atoms[i], atoms[j], trim_i + 0.15, trim_j + 0.15, 0.16 * inner)",
        "",
        "# Heteroatom labels",
        "for i, text in labels.items():",
        f'    ax.text(*atoms[i], text, ha="center", va="center", fontsize=15{", color=label_colors[i]" if colored else ""})',
        "",
        'ax.set_aspect("equal")',
        "ax.margins(0.15)",
        'ax.axis("off")',
        "plt.show()",
    ]
    formula = mol.formula()
    n_double = sum(1 for b in mol.bonds if b[2] == 2)
    n_c = sum(1 for a in mol.atoms if a[0] == "C")
    statements = [
        f"The molecule has the molecular formula {formula}.",
        f"It has {n_c} carbon atoms and {n_double} double bond{'s' if n_double != 1 else ''} in the drawing.",
    ]
    if scaffold == "benzene":
        statements.append(
            f"A benzene ring carries {len(groups)} substituent{'s' if len(groups) > 1 else ''}: "
            + ", ".join(_GROUP_NAMES[g] for g in groups)
            + "."
        )
    else:
        statements.append(f"A zig-zag chain with a {_GROUP_NAMES.get(groups[0], groups[0])} group.")
    return Emitted(
        _join(lines),
        {
            "scaffold": scaffold,
            "groups": groups,
            "angle_deg": round(math.degrees(angle)),
            "mirror": mirror,
        },
        {
            "statements": statements,
            "labels": list(atom_labels.values()),
            "formula": formula,
            "n_heavy_atoms": len(mol.atoms),
            "n_carbons": n_c,
            "n_bonds": len(mol.bonds),
            "n_double_bonds": n_double,
            "n_bond_lines": len(mol.bonds) + n_double,
            "groups": groups,
            "scaffold": scaffold,
        },
    )


# ------------------------------------------------------------------------------------------------
# Laboratory apparatus
# ------------------------------------------------------------------------------------------------

_LIQUIDS = ["#7fb3d5", "#f5b041", "#ec7063", "#82e0aa", "#bb8fce", "#f7dc6f"]


@register(
    "lab_apparatus",
    "chemistry",
    "Lab apparatus schematic built from patches: titration (stand, graduated burette, conical "
    "flask), a rack of test tubes with liquid levels, or a graduated beaker / measuring cylinder.",
)
def lab_apparatus(rng: random.Random) -> Emitted:
    setup = rng.choice(["titration", "test_tubes", "beaker", "cylinder"])
    liquid = rng.choice(_LIQUIDS)
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Polygon, Rectangle",
        "",
    ]
    labels: list[str] = []
    statements: list[str] = []
    facts: dict = {"setup": setup}
    if setup == "titration":
        reading = rng.randint(2, 35) + rng.choice([0, 0.5])
        flask_level = rng.choice([0.5, 0.8, 1.1])
        flask_liquid = rng.choice(_LIQUIDS)
        lines += [
            f"reading = {fmt(reading)}  # burette reading (mL), 0 at the top",
            "top, scale = 8.5, 0.1  # height of the 0 mL mark, height per mL",
            "",
            "fig, ax = plt.subplots(figsize=(5, 7))",
            "",
            "# Retort stand: base, rod and clamp",
            'ax.add_patch(Rectangle((-2.5, -0.3), 3.2, 0.3, facecolor="#555555"))',
            'ax.add_patch(Rectangle((-2.1, 0), 0.15, 9.5, facecolor="#777777"))',
            'ax.add_patch(Rectangle((-2.0, 7.0), 1.85, 0.15, facecolor="#777777"))',
            "",
            "# Burette: liquid from the tap up to the reading, then the glass outline",
            'ax.add_patch(Rectangle((-0.15, 3.0), 0.3, top - scale * reading - 3.0, facecolor="'
            + liquid
            + '"))',
            'ax.add_patch(Rectangle((-0.15, 3.0), 0.3, 6.5, facecolor="none", edgecolor="black", linewidth=1.2))',
            "for ml in range(0, 51):",
            "    y = top - scale * ml",
            "    width = 0.15 if ml % 10 == 0 else 0.07",
            '    ax.plot([0.15 - width, 0.15], [y, y], color="black", linewidth=0.6)',
            "    if ml % 10 == 0:",
            '        ax.text(0.25, y, str(ml), va="center", fontsize=8)',
            "",
            "# Tap and jet",
            'ax.add_patch(Rectangle((-0.3, 2.8), 0.6, 0.2, facecolor="#444444"))',
            'ax.add_patch(Polygon([[-0.08, 2.8], [0.08, 2.8], [0.02, 2.3], [-0.02, 2.3]], facecolor="white", edgecolor="black"))',
            "",
            "# Conical flask with its solution",
            "flask = np.array([[-0.3, 2.6], [-0.3, 2.0], [-1.2, 0.0], [1.2, 0.0], [0.3, 2.0], [0.3, 2.6]])",
            f"level = {fmt(flask_level)}",
            "half = 1.2 - 0.9 / 2.0 * level  # half-width of the flask at the liquid level",
            f'ax.add_patch(Polygon([[-half, level], [-1.2, 0], [1.2, 0], [half, level]], facecolor="{flask_liquid}"))',
            'ax.add_patch(Polygon(flask, closed=False, facecolor="none", edgecolor="black", linewidth=1.5))',
        ]
        if rng.random() < 0.5:
            lines += [
                "",
                "# Labels",
                'ax.annotate("burette", xy=(-0.15, 5.5), xytext=(-1.7, 5.5), ha="right", va="center", arrowprops=dict(arrowstyle="-"))',
                'ax.annotate("conical flask", xy=(1.0, 0.5), xytext=(1.7, 1.5), va="center", arrowprops=dict(arrowstyle="-"))',
            ]
            labels += ["burette", "conical flask"]
        labels += [str(v) for v in range(0, 51, 10)]
        lines += ["", "ax.set_xlim(-3, 3)", "ax.set_ylim(-0.5, 9.8)"]
        statements += [
            f"The burette reads {fmt(reading)} mL.",
            "A conical flask stands under the burette on the retort stand base.",
        ]
        facts["reading_ml"] = reading
    elif setup == "test_tubes":
        n = rng.randint(2, 5)
        levels = [round(rng.uniform(0.8, 3.2), 1) for _ in range(n)]
        colors = [rng.choice(_LIQUIDS) for _ in range(n)]
        names = (
            [chr(65 + i) for i in range(n)]
            if rng.random() < 0.6
            else [str(i + 1) for i in range(n)]
        )
        lines += [
            "radius, height = 0.35, 4.0",
            "theta = np.linspace(np.pi, 2 * np.pi, 30)",
            f"levels = [{', '.join(fmt(v) for v in levels)}]  # liquid heights",
            f"colors = [{', '.join(chr(34) + c + chr(34) for c in colors)}]",
            f"names = [{', '.join(chr(34) + s + chr(34) for s in names)}]",
            "",
            "",
            "def tube(x0, top):",
            '    """Outline of a round-bottomed tube centred at x0, cut off at height `top`."""',
            "    xs = np.r_[x0 - radius, x0 + radius * np.cos(theta), x0 + radius]",
            "    ys = np.r_[top, radius + radius * np.sin(theta), top]",
            "    return np.column_stack([xs, ys])",
            "",
            "",
            "fig, ax = plt.subplots(figsize=(7, 5))",
            "",
            "# Rack behind the tubes",
            f'ax.add_patch(Rectangle((-0.8, 2.6), {fmt(1.2 * n + 0.4)}, 0.3, facecolor="#c8a165", edgecolor="black"))',
            f'ax.add_patch(Rectangle((-0.8, -0.2), {fmt(1.2 * n + 0.4)}, 0.2, facecolor="#c8a165", edgecolor="black"))',
            "",
            "# Test tubes: liquid, glass, label",
            "for i, (level, color, name) in enumerate(zip(levels, colors, names)):",
            "    x0 = 1.2 * i",
            "    ax.add_patch(Polygon(tube(x0, level), facecolor=color))",
            '    ax.add_patch(Polygon(tube(x0, height), closed=False, facecolor="none", edgecolor="black", linewidth=1.5))',
            '    ax.text(x0, height + 0.3, name, ha="center", fontsize=13)',
            "",
            f"ax.set_xlim(-1.2, {fmt(1.2 * n)})",
            "ax.set_ylim(-0.5, 5)",
        ]
        labels += names
        hi = max(range(n), key=lambda i: levels[i])
        lo = min(range(n), key=lambda i: levels[i])
        statements += [
            f"{n} test tubes stand in a rack, labelled {', '.join(names)}.",
            f"Tube {names[hi]} holds the most liquid and tube {names[lo]} the least.",
        ]
        facts.update(n_tubes=n, levels=levels, names=names)
    else:
        beaker = setup == "beaker"
        capacity = rng.choice([100, 250, 500]) if beaker else rng.choice([50, 100])
        step = capacity // 5 if beaker else capacity // 10
        volume = step * rng.randint(1, 4 if beaker else 9) + (
            step // 2 if rng.random() < 0.4 else 0
        )
        width = 3.0 if beaker else 1.0
        lines += [
            f"capacity, volume = {capacity}, {volume}  # mL",
            f"width, full = {fmt(width)}, 4.0  # glass width, height of the top mark",
            "per_ml = full / capacity",
            "",
            "fig, ax = plt.subplots(figsize=(5, 6))",
            "",
            "# Liquid up to the measured volume",
            f'ax.add_patch(Rectangle((0, 0), width, volume * per_ml, facecolor="{liquid}", alpha=0.8))',
            "",
            f"# {'Beaker with a spout' if beaker else 'Measuring cylinder on a foot'}",
            'ax.plot([-0.25, 0, 0, width, width], [full + 0.8, full + 0.6, 0, 0, full + 0.6], color="black", linewidth=2)'
            if beaker
            else 'ax.plot([0, 0, width, width], [full + 0.6, 0, 0, full + 0.6], color="black", linewidth=2)',
        ]
        if not beaker:
            lines.append(
                'ax.add_patch(Polygon([[-0.6, -0.3], [width + 0.6, -0.3], [width + 0.2, 0], [-0.2, 0]], facecolor="#999999", edgecolor="black"))'
            )
        lines += [
            "",
            "# Graduation marks every step mL, labelled",
            f"for ml in range({step}, capacity + 1, {step}):",
            "    y = ml * per_ml",
            '    ax.plot([0, 0.3], [y, y], color="black", linewidth=1)',
            '    ax.text(0.35, y, str(ml), va="center", fontsize=9)',
            'ax.text(width / 2, full + 0.3, "mL", ha="center", fontsize=10)',
            "",
            "ax.set_xlim(-1, width + 1)",
            "ax.set_ylim(-0.5, full + 1.2)",
        ]
        labels += [str(v) for v in range(step, capacity + 1, step)] + ["mL"]
        statements += [
            f"A {capacity} mL {'beaker' if beaker else 'measuring cylinder'} holds {volume} mL of liquid.",
            f"The graduations are {step} mL apart.",
        ]
        facts.update(capacity_ml=capacity, volume_ml=volume)
    lines += ['ax.set_aspect("equal")', 'ax.axis("off")', "plt.show()"]
    facts.update(statements=statements, labels=labels)
    return Emitted(_join(lines), {"setup": setup}, facts)


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
