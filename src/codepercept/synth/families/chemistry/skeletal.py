"""The skeletal formula family: small organic molecules drawn from 2D coordinates."""

from __future__ import annotations

import math
import random
from collections import Counter

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.chemistry._common import _join

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
