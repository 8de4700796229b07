"""The revolution solid family: cylinders, cones, frusta and spheres, orthographic view."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.solid_geometry._common import (
    _ROUND_VIEW,
    DOMAIN,
    INKS,
    PALE,
    _revolution_silhouette,
)


@register(
    "revolution_solid",
    DOMAIN,
    "Cylinder, cone, truncated cone or sphere in an orthographic view; the back arc of the "
    "base rim (behind the side surface) and the sphere's back equator dashed, radius/height "
    "annotated, optional shading.",
)
def revolution_solid(rng: random.Random) -> Emitted:
    kind = rng.choice(["cylinder", "cone", "frustum", "sphere"])
    elev = rng.choice([12, 15, 18, 20, 25])
    ink = rng.choice(INKS)
    fill = rng.choice(PALE)
    shaded = rng.random() < 0.5
    show_dims = rng.random() < 0.6
    fontsize = rng.choice([12, 13, 14])
    centre = rng.choice(["O", "O"])
    lines = ["import matplotlib.pyplot as plt", "import numpy as np", ""]
    labels: list[str] = []
    if kind == "sphere":
        radius = rng.choice([2, 2.5, 3, 4])
        point = rng.choice(["A", "P", "M"])
        t_a = rng.uniform(-0.6, 0.4)
        lines += [
            f"# Sphere with centre {centre} and radius {fmt(radius)}, seen from {elev}° above "
            "its equator",
            f"R = {fmt(radius)}",
            f"elev = np.radians({elev})",
            _ROUND_VIEW,
            "",
            "fig, ax = plt.subplots(figsize=(5, 5))",
            "",
            "# Outline: an orthographic view of a sphere is a circle of the same radius",
            "t = np.linspace(0, 2 * np.pi, 200)",
        ]
        if shaded:
            lines.append(f'ax.fill(R * np.cos(t), R * np.sin(t), color="{fill}", alpha=0.8)')
        lines += [
            f'ax.plot(R * np.cos(t), R * np.sin(t), color="{ink}", linewidth=1.8)',
            "",
            "# Equator: its front half (y < 0) is visible, its back half hidden",
            "front = np.linspace(np.pi, 2 * np.pi, 100)",
            "back = np.linspace(0, np.pi, 100)",
            f'ax.plot(*project(R * np.cos(front), R * np.sin(front), 0), color="{ink}", '
            "linewidth=1.4)",
            f'ax.plot(*project(R * np.cos(back), R * np.sin(back), 0), color="{ink}", '
            'linewidth=1.1, linestyle="--")',
            "",
            f"# Radius from the centre to the point {point} on the front of the equator",
            f"t_{point.lower()} = {fmt(t_a - math.pi / 2, 3)}",
            f"x_{point.lower()}, y_{point.lower()} = project(R * np.cos(t_{point.lower()}), "
            f"R * np.sin(t_{point.lower()}), 0)",
            f'ax.plot([0, x_{point.lower()}], [0, y_{point.lower()}], color="{ink}", '
            'linewidth=1.1, linestyle=":")',
            f'ax.plot([0, x_{point.lower()}], [0, y_{point.lower()}], "o", color="{ink}", '
            "markersize=3)",
            f'ax.text(-0.08 * R, 0.08 * R, "{centre}", fontsize={fontsize}, ha="right")',
            f"ax.text(x_{point.lower()} * 1.08, y_{point.lower()} * 1.08 - 0.06 * R, "
            f'"{point}", fontsize={fontsize}, ha="center", va="top")',
        ]
        labels += [centre, point]
        if show_dims:
            text = f"R = {fmt(radius)}"
            lines.append(
                f'ax.text(x_{point.lower()} / 2, y_{point.lower()} / 2 + 0.05 * R, "{text}", '
                f'fontsize={fontsize - 2}, color="#b03030", ha="center", va="bottom")'
            )
            labels.append(text)
        lines += ["", 'ax.set_aspect("equal")', 'ax.axis("off")', "plt.show()", ""]
        facts = {
            "statements": [
                f"the figure shows a sphere with radius {fmt(radius)}",
                "the back half of the equator is hidden and drawn dashed",
            ],
            "labels": labels,
            "solid": "sphere",
            "radius": radius,
            "hidden_edges": 1,
            "dashed_lines": 1,
        }
        return Emitted("\n".join(lines), {"solid": kind, "elev": elev, "shaded": shaded}, facts)

    r_bottom = rng.choice([1.5, 2, 2.5, 3])
    h = rng.choice([3, 4, 5, 6])
    r_top = {"cylinder": r_bottom, "cone": 0.0, "frustum": r_bottom * rng.choice([0.4, 0.5, 0.6])}[
        kind
    ]
    t1 = _revolution_silhouette(r_bottom, r_top, h, elev)
    top_name = {"cylinder": "O'", "frustum": "O'", "cone": rng.choice(["P", "S", "V"])}[kind]
    rim = rng.choice(["A", "B"])
    t_rim = rng.uniform(-2.4, -0.7)
    desc = {
        "cylinder": f"cylinder with radius {fmt(r_bottom)} and height {h}",
        "cone": f"cone with base radius {fmt(r_bottom)} and height {h}",
        "frustum": f"truncated cone with radii {fmt(r_bottom)} and {fmt(r_top)}, height {h}",
    }[kind]
    lines += [
        f"# A {desc}, seen from {elev}° above its base plane",
        f"r_bottom, r_top, h = {fmt(r_bottom)}, {fmt(r_top)}, {h}",
        f"elev = np.radians({elev})",
        _ROUND_VIEW,
        "",
        "# The side surface is edge-on at angles t1 and t2 (silhouette generators); between",
        "# them it faces away, so that arc of the bottom rim is hidden",
        f"t1 = {fmt(t1, 4)}",
        "t2 = np.pi - t1",
        "front = np.linspace(t2, 2 * np.pi + t1, 150)",
        "back = np.linspace(t1, t2, 150)",
        "",
        "fig, ax = plt.subplots(figsize=(5, 6))",
        "",
    ]
    if shaded:
        lines += [
            "# Shade the body: its outline is the front bottom arc and the back top arc",
            "xb, yb = project(r_bottom * np.cos(front), r_bottom * np.sin(front), 0)",
            "xt, yt = project(r_top * np.cos(back), r_top * np.sin(back), h)",
            f'ax.fill(np.concatenate([xb, xt]), np.concatenate([yb, yt]), color="{fill}", '
            "alpha=0.8)",
            "",
        ]
    lines += [
        "# Bottom rim: visible front arc, hidden back arc",
        f'ax.plot(*project(r_bottom * np.cos(front), r_bottom * np.sin(front), 0), color="{ink}",'
        " linewidth=1.8)",
        f'ax.plot(*project(r_bottom * np.cos(back), r_bottom * np.sin(back), 0), color="{ink}", '
        'linewidth=1.2,\n        linestyle="--")',
        "",
    ]
    if kind != "cone":
        lines += [
            "# Top rim: the top face faces the viewer, so all of it is visible",
            "t = np.linspace(0, 2 * np.pi, 200)",
            f'ax.plot(*project(r_top * np.cos(t), r_top * np.sin(t), h), color="{ink}", '
            "linewidth=1.8)",
            "",
        ]
    lines += [
        "# Silhouette generators",
        "for s in (t1, t2):",
        "    xs = [r_bottom * np.cos(s), r_top * np.cos(s)]",
        "    ys = [r_bottom * np.sin(s), r_top * np.sin(s)]",
        f'    ax.plot(*project(np.array(xs), np.array(ys), np.array([0, h])), color="{ink}", '
        "linewidth=1.8)",
        "",
        f"# Axis {centre}{top_name} (dash-dot) and radius {centre}{rim} (dotted)",
        f"t_{rim.lower()} = {fmt(t_rim, 3)}",
        "x0, y0 = project(0, 0, 0)",
        "x1, y1 = project(0, 0, h)",
        f"xa, ya = project(r_bottom * np.cos(t_{rim.lower()}), r_bottom * "
        f"np.sin(t_{rim.lower()}), 0)",
        f'ax.plot([x0, x1], [y0, y1], color="{ink}", linewidth=1, linestyle="-.")',
        f'ax.plot([x0, xa], [y0, ya], color="{ink}", linewidth=1, linestyle=":")',
        f'ax.plot([x0, x1, xa], [y0, y1, ya], "o", color="{ink}", markersize=3)',
        "",
        "# Point labels",
        f'ax.text(x0 - 0.12, y0 + 0.08, "{centre}", fontsize={fontsize}, ha="right", va="bottom")',
        f'ax.text(x1, y1 + 0.15, "{top_name}", fontsize={fontsize}, ha="center", va="bottom")',
        f'ax.text(xa * 1.08, ya - 0.15, "{rim}", fontsize={fontsize}, ha="center", va="top")',
    ]
    labels += [centre, top_name, rim]
    if show_dims:
        r_text, h_text = f"r = {fmt(r_bottom)}", f"h = {h}"
        lines += [
            "",
            "# Dimensions",
            f'ax.text((x0 + xa) / 2, (y0 + ya) / 2 + 0.1, "{r_text}", fontsize={fontsize - 2}, '
            'color="#b03030",\n        ha="center", va="bottom")',
            f'ax.text(0.12, (y0 + y1) / 2, "{h_text}", fontsize={fontsize - 2}, '
            'color="#b03030", ha="left")',
        ]
        labels += [r_text, h_text]
    lines += ["", 'ax.set_aspect("equal")', 'ax.axis("off")', "plt.show()", ""]
    facts = {
        "statements": [
            f"the figure shows a {desc}",
            f"the arc of the bottom rim between angles {fmt(t1, 2)} and {fmt(math.pi - t1, 2)} "
            "rad is hidden and drawn dashed",
            f"the axis {centre}{top_name} is drawn dash-dot",
        ],
        "labels": labels,
        "solid": kind,
        "radius_bottom": r_bottom,
        "radius_top": r_top,
        "height": h,
        "silhouette_angles": [round(t1, 4), round(math.pi - t1, 4)],
        "hidden_edges": 1,
        "dashed_lines": 1,
    }
    return Emitted(
        "\n".join(lines),
        {"solid": kind, "elev": elev, "shaded": shaded, "dimensions": show_dims},
        facts,
    )
