"""The inscribed solids family: spheres, cubes, cones and cylinders inscribed in one another."""

from __future__ import annotations

import math
import random

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.solid_geometry import _solids as S
from codepercept.synth.families.solid_geometry._common import (
    _ROUND_VIEW,
    DOMAIN,
    INKS,
    PALE,
    _elev_view,
    _name_dict,
    _pairs,
    _revolution_silhouette,
)


def _turned_cube(a: float, turn: float, centre_z: float) -> S.Polyhedron:
    """Cube of edge ``a`` centred on the z axis (centre at height centre_z), turned by
    ``turn`` degrees about the z axis."""
    cube = S.box(a, a, a, (-a / 2, -a / 2, centre_z - a / 2))
    t = math.radians(turn)
    rot = np.array([[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0], [0, 0, 1]])
    cube.vertices = cube.vertices @ rot.T
    return cube


def _cube_wire_code(cube: S.Polyhedron, names, view: S.Projection, ink: str) -> tuple[list, int]:
    visible, hidden = cube.split_edges(view.view)
    lines = [
        _name_dict("cube", [(names[i], p) for i, p in enumerate(cube.vertices)]),
        "corners = {name: np.array(project(*p)) for name, p in cube.items()}",
        "# Cube edges: hidden (dashed) when both faces meeting there face away",
        _pairs("visible_edges", [(names[i], names[j]) for i, j in visible]),
        _pairs("hidden_edges", [(names[i], names[j]) for i, j in hidden]),
        "for a, b in visible_edges:",
        f'    ax.plot(*zip(corners[a], corners[b]), color="{ink}", linewidth=1.6)',
        "for a, b in hidden_edges:",
        f'    ax.plot(*zip(corners[a], corners[b]), color="{ink}", linewidth=1.1, linestyle="--")',
    ]
    return lines, len(hidden)


@register(
    "inscribed_solids",
    DOMAIN,
    "Sphere inscribed in a cube, cube inscribed in a sphere, cone inscribed in a cylinder or "
    "sphere inscribed in a cylinder, in an orthographic view; each solid's hidden edges dashed.",
)
def inscribed_solids(rng: random.Random) -> Emitted:
    kind = rng.choice(
        ["sphere_in_cube", "cube_in_sphere", "cone_in_cylinder", "sphere_in_cylinder"]
    )
    elev = rng.choice([15, 18, 20, 24])
    view = _elev_view(elev)
    ink = rng.choice(INKS)
    accent = rng.choice(["#1f77b4", "#c0392b", "#2ca02c", "#8e44ad"])
    fill = rng.choice(PALE)
    shaded = rng.random() < 0.5
    show_dims = rng.random() < 0.6
    lines = ["import matplotlib.pyplot as plt", "import numpy as np", ""]
    labels: list[str] = []
    statements: list[str] = []
    n_hidden = 0
    names = list("ABCDEFGH")
    if kind in ("sphere_in_cube", "cube_in_sphere"):
        a = rng.choice([2, 3, 4])
        turn = rng.choice([15, 20, 25, 30, -20, -25])
        cube = _turned_cube(a, turn, a / 2 if kind == "sphere_in_cube" else 0)
        radius = a / 2 if kind == "sphere_in_cube" else a * math.sqrt(3) / 2
        cz = a / 2 if kind == "sphere_in_cube" else 0
        title = (
            "Sphere inscribed in a cube"
            if kind == "sphere_in_cube"
            else "Cube inscribed in a sphere"
        )
        wire, n_cube_hidden = _cube_wire_code(cube, names, view, ink)
        lines += [
            f"# {title}: cube edge {a}, sphere radius {fmt(radius, 3)}",
            f"edge = {a}",
            f"R = {fmt(radius, 4)}",
            f"elev = np.radians({elev})",
            _ROUND_VIEW,
            "",
            "fig, ax = plt.subplots(figsize=(6, 6))",
            "",
            f"# The cube, turned {turn}° about the vertical axis",
            *wire,
            "",
            "# Sphere: outline circle around the projected centre, equator with its back half "
            "hidden",
            f"cx, cy = project(0, 0, {fmt(cz)})",
            "t = np.linspace(0, 2 * np.pi, 200)",
        ]
        if shaded:
            lines.append(
                f'ax.fill(cx + R * np.cos(t), cy + R * np.sin(t), color="{fill}", alpha=0.5)'
            )
        lines += [
            f'ax.plot(cx + R * np.cos(t), cy + R * np.sin(t), color="{accent}", linewidth=1.6)',
            "front = np.linspace(np.pi, 2 * np.pi, 100)",
            "back = np.linspace(0, np.pi, 100)",
            f"ax.plot(*project(R * np.cos(front), R * np.sin(front), {fmt(cz)}), "
            f'color="{accent}", linewidth=1.2)',
            f"ax.plot(*project(R * np.cos(back), R * np.sin(back), {fmt(cz)}), "
            f'color="{accent}", linewidth=1,\n        linestyle="--")',
            f'ax.plot(cx, cy, "o", color="{ink}", markersize=3)',
            'ax.text(cx + 0.05 * edge, cy + 0.05 * edge, "O", fontsize=13)',
        ]
        labels.append("O")
        n_hidden = n_cube_hidden + 1
        statements += [
            f"the sphere has radius {fmt(radius, 3)} and the cube edge {a}",
            f"the cube shows {n_cube_hidden} hidden edges and the back half of the sphere's "
            "equator is hidden",
        ]
        if kind == "sphere_in_cube":
            statements.append("the sphere touches all six faces of the cube")
        else:
            statements.append("all eight vertices of the cube lie on the sphere")
        if show_dims:
            text = f"a = {a}"
            lines.append(
                "# Edge length beside the front bottom edge\n"
                "bottom = min(corners.values(), key=lambda p: p[1])\n"
                f'ax.text(bottom[0], bottom[1] - 0.12 * edge, "{text}", fontsize=12, '
                'color="#b03030", ha="center", va="top")'
            )
            labels.append(text)
    else:
        r = rng.choice([1.5, 2, 2.5])
        h = 2 * r if kind == "sphere_in_cylinder" else rng.choice([3, 4, 5])
        title = (
            "Cone inscribed in a cylinder"
            if kind == "cone_in_cylinder"
            else "Sphere inscribed in a cylinder"
        )
        lines += [
            f"# {title}: radius {fmt(r)}, height {fmt(h)}",
            f"r, h = {fmt(r)}, {fmt(h)}",
            f"elev = np.radians({elev})",
            _ROUND_VIEW,
            "",
            "fig, ax = plt.subplots(figsize=(5, 6))",
            "t = np.linspace(0, 2 * np.pi, 200)",
            "front = np.linspace(np.pi, 2 * np.pi, 100)",
            "back = np.linspace(0, np.pi, 100)",
            "",
            "# Cylinder: top rim visible, bottom rim's back half hidden, silhouettes at x = +-r",
            f'ax.plot(*project(r * np.cos(t), r * np.sin(t), h), color="{ink}", linewidth=1.6)',
            f'ax.plot(*project(r * np.cos(front), r * np.sin(front), 0), color="{ink}", '
            "linewidth=1.6)",
            f'ax.plot(*project(r * np.cos(back), r * np.sin(back), 0), color="{ink}", '
            'linewidth=1.1, linestyle="--")',
            "for x in (-r, r):",
            f'    ax.plot(*project(np.array([x, x]), np.zeros(2), np.array([0, h])), color="{ink}",'
            " linewidth=1.6)",
            "",
        ]
        n_hidden = 1
        if kind == "cone_in_cylinder":
            t1 = _revolution_silhouette(r, 0, h, elev)
            lines += [
                "# Cone on the same base with its apex P at the centre of the top: its side is",
                "# edge-on at angles t1 and pi - t1",
                f"t1 = {fmt(t1, 4)}",
                "apex = project(0, 0, h)",
                "for s in (t1, np.pi - t1):",
                "    base_x, base_y = project(r * np.cos(s), r * np.sin(s), 0)",
                f'    ax.plot([apex[0], base_x], [apex[1], base_y], color="{accent}", '
                "linewidth=1.6)",
            ]
            if shaded:
                lines += [
                    "rim = np.linspace(np.pi - t1, 2 * np.pi + t1, 100)",
                    "xb, yb = project(r * np.cos(rim), r * np.sin(rim), 0)",
                    f'ax.fill(np.append(xb, apex[0]), np.append(yb, apex[1]), color="{fill}", '
                    "alpha=0.7)",
                ]
            lines += [
                'ax.text(apex[0], apex[1] + 0.1, "P", fontsize=13, ha="center", va="bottom")',
                'ax.text(*project(0, 0, 0), "O", fontsize=13, ha="left", va="top")',
            ]
            labels += ["P", "O"]
            statements += [
                "the cone and the cylinder share the base circle and the height",
                "the cone's volume is one third of the cylinder's",
            ]
        else:
            lines += [
                "# Sphere of radius r centred half way up: it touches both bases and the side",
                "cx, cy = project(0, 0, r)",
            ]
            if shaded:
                lines.append(
                    f'ax.fill(cx + r * np.cos(t), cy + r * np.sin(t), color="{fill}", alpha=0.7)'
                )
            lines += [
                f'ax.plot(cx + r * np.cos(t), cy + r * np.sin(t), color="{accent}", linewidth=1.6)',
                f'ax.plot(*project(r * np.cos(front), r * np.sin(front), r), color="{accent}", '
                "linewidth=1.2)",
                f'ax.plot(*project(r * np.cos(back), r * np.sin(back), r), color="{accent}", '
                'linewidth=1,\n        linestyle="--")',
                f'ax.plot(cx, cy, "o", color="{ink}", markersize=3)',
                'ax.text(cx + 0.1, cy + 0.05, "O", fontsize=13)',
            ]
            labels.append("O")
            n_hidden = 2
            statements += [
                "the sphere touches both bases and the side of the cylinder",
                "the cylinder's height equals the sphere's diameter",
            ]
        if show_dims:
            text = f"r = {fmt(r)}"
            lines += [
                "# Radius of the top rim",
                "x0, y0 = project(0, 0, h)",
                'ax.plot([x0, x0 + r], [y0, y0], color="#b03030", linewidth=1, linestyle=":")',
                f'ax.text(x0 + r / 2, y0 + 0.05, "{text}", fontsize=11, color="#b03030", '
                'ha="center", va="bottom")',
            ]
            labels.append(text)
        statements.append("the back half of each bottom rim and equator is hidden")
    lines += [
        "",
        f'ax.set_title("{title}")',
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        "plt.show()",
        "",
    ]
    labels.append(title)
    facts = {
        "statements": statements,
        "labels": labels,
        "configuration": kind,
        "hidden_edges": n_hidden,
        "dashed_lines": n_hidden,
    }
    return Emitted(
        "\n".join(lines),
        {"configuration": kind, "elev": elev, "shaded": shaded, "dimensions": show_dims},
        facts,
    )
