"""The revolution solid 3D view family: solids of revolution as mplot3d surfaces."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.solid_geometry._common import DOMAIN, INKS, STRONG

# -- 11. solids of revolution in mplot3d --------------------------------------------------------


@register(
    "revolution_solid_3d_view",
    DOMAIN,
    "Cylinder, cone, truncated cone or sphere as an mplot3d surface with an orthographic camera; "
    "the rim arc behind the side (from the camera's normal test) dashed, centres labelled.",
)
def revolution_solid_3d_view(rng: random.Random) -> Emitted:
    kind = rng.choice(["cylinder", "cone", "frustum", "sphere"])
    elev = rng.choice([15, 20, 25, 30])
    azim = rng.choice([-75, -60, -45, -30, 30, 45, 60])
    color = rng.choice(STRONG)
    alpha = rng.choice([0.2, 0.3, 0.4])
    ink = rng.choice(INKS)
    fontsize = rng.choice([12, 13])
    show_axes = rng.random() < 0.3
    lines = ["import matplotlib.pyplot as plt", "import numpy as np", ""]
    labels: list[str]
    if kind == "sphere":
        radius = rng.choice([1.5, 2, 3])
        desc = f"sphere with radius {fmt(radius)}"
        lines += [
            f"# A {desc}, centre O",
            f"R = {fmt(radius)}",
            f"elev, azim = {elev}, {azim}",
            "",
            "fig = plt.figure(figsize=(5, 5))",
            'ax = fig.add_subplot(projection="3d")',
            "",
            "# Surface",
            "u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 48), np.linspace(0, np.pi, 24))",
            "ax.plot_surface(R * np.cos(u) * np.sin(v), R * np.sin(u) * np.sin(v), "
            f'R * np.cos(v), color="{color}",',
            f"                alpha={alpha}, linewidth=0)",
            "",
            "# Equator: the half facing the camera (within 90° of its azimuth) is visible",
            "a = np.radians(azim)",
            "front = np.linspace(a - np.pi / 2, a + np.pi / 2, 100)",
            "back = np.linspace(a + np.pi / 2, a + 3 * np.pi / 2, 100)",
            f'ax.plot(R * np.cos(front), R * np.sin(front), 0, color="{ink}", linewidth=1.5)',
            f'ax.plot(R * np.cos(back), R * np.sin(back), 0, color="{ink}", linewidth=1.1, '
            'linestyle="--")',
            "",
            "# Centre and a radius",
            f'ax.plot([0, R * np.cos(a - 0.6)], [0, R * np.sin(a - 0.6)], [0, 0], color="{ink}", '
            'linestyle=":")',
            f'ax.text(0, 0, 0.12 * R, "O", fontsize={fontsize})',
            "",
            "ax.set_xlim(-R, R)",
            "ax.set_ylim(-R, R)",
            "ax.set_zlim(-R, R)",
            "ax.set_box_aspect((1, 1, 1))",
        ]
        labels = ["O"]
        facts_extra = {"radius": radius}
    else:
        r_bottom = rng.choice([1.5, 2, 2.5])
        h = rng.choice([3, 4, 5])
        r_top = {
            "cylinder": r_bottom,
            "cone": 0.0,
            "frustum": r_bottom * rng.choice([0.4, 0.5, 0.6]),
        }[kind]
        # side normal (h cos t, h sin t, r_bottom - r_top) against the eye direction
        c = -(r_bottom - r_top) * math.tan(math.radians(elev)) / h
        phi = math.acos(c)
        top_name = "O'" if kind != "cone" else rng.choice(["P", "S", "V"])
        desc = {
            "cylinder": f"cylinder with radius {fmt(r_bottom)} and height {h}",
            "cone": f"cone with base radius {fmt(r_bottom)} and height {h}",
            "frustum": f"truncated cone with radii {fmt(r_bottom)} and {fmt(r_top)}, height {h}",
        }[kind]
        lines += [
            f"# A {desc}",
            f"r_bottom, r_top, h = {fmt(r_bottom)}, {fmt(r_top)}, {h}",
            f"elev, azim = {elev}, {azim}",
            "",
            "fig = plt.figure(figsize=(5, 5))",
            'ax = fig.add_subplot(projection="3d")',
            "",
            "# Lateral surface",
            "t, z = np.meshgrid(np.linspace(0, 2 * np.pi, 60), np.linspace(0, h, 2))",
            "radius = r_bottom + (r_top - r_bottom) * z / h",
            "ax.plot_surface(radius * np.cos(t), radius * np.sin(t), z, "
            f'color="{color}", alpha={alpha}, linewidth=0)',
            "",
            "# The side is edge-on to the camera at azimuth +- phi; the bottom rim between those",
            "# angles on the far side is hidden",
            "a = np.radians(azim)",
            f"phi = {fmt(phi, 4)}",
            "front = np.linspace(a - phi, a + phi, 100)",
            "back = np.linspace(a + phi, a + 2 * np.pi - phi, 100)",
            f"ax.plot(r_bottom * np.cos(front), r_bottom * np.sin(front), 0, "
            f'color="{ink}", linewidth=1.6)',
            f"ax.plot(r_bottom * np.cos(back), r_bottom * np.sin(back), 0, "
            f'color="{ink}", linewidth=1.1,\n        linestyle="--")',
        ]
        if kind != "cone":
            lines += [
                "",
                "# Top rim: the top face looks at the camera, so all of it is visible",
                "full = np.linspace(0, 2 * np.pi, 200)",
                f'ax.plot(r_top * np.cos(full), r_top * np.sin(full), h, color="{ink}", '
                "linewidth=1.6)",
            ]
        lines += [
            "",
            "# Silhouette generators",
            "for s in (a - phi, a + phi):",
            "    ax.plot([r_bottom * np.cos(s), r_top * np.cos(s)], "
            "[r_bottom * np.sin(s), r_top * np.sin(s)], [0, h],",
            f'            color="{ink}", linewidth=1.6)',
            "",
            "# Axis and labels",
            f'ax.plot([0, 0], [0, 0], [0, h], color="{ink}", linewidth=1, linestyle="-.")',
            f'ax.text(0, 0, -0.08 * h, "O", fontsize={fontsize}, ha="center", va="top")',
            f'ax.text(0, 0, 1.04 * h, "{top_name}", fontsize={fontsize}, ha="center", va="bottom")',
            "",
            "ax.set_xlim(-r_bottom, r_bottom)",
            "ax.set_ylim(-r_bottom, r_bottom)",
            "ax.set_zlim(0, h)",
            "ax.set_box_aspect((2 * r_bottom, 2 * r_bottom, h))",
        ]
        labels = ["O", top_name]
        facts_extra = {
            "radius_bottom": r_bottom,
            "radius_top": r_top,
            "height": h,
            "silhouette_azimuths": [
                round(azim - math.degrees(phi), 2),
                round(azim + math.degrees(phi), 2),
            ],
        }
    lines += ["ax.view_init(elev=elev, azim=azim)", 'ax.set_proj_type("ortho")']
    lines.append("ax.set_axis_off()" if not show_axes else 'ax.set_xlabel("x")')
    if show_axes:
        lines += ['ax.set_ylabel("y")', 'ax.set_zlabel("z")']
    lines += ["plt.show()", ""]
    facts = {
        "statements": [
            f"the figure shows a {desc} in a 3D view",
            "the rim arc on the far side of the solid is hidden and drawn dashed",
            f"the camera is at elevation {elev} degrees and azimuth {azim} degrees",
        ],
        "labels": labels,
        "solid": kind,
        "hidden_edges": 1,
        "dashed_lines": 1,
        **facts_extra,
    }
    params = {"solid": kind, "elev": elev, "azim": azim, "axes": show_axes}
    return Emitted("\n".join(lines), params, facts)
