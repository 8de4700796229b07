"""The 3D coordinate space family: labelled points, guide lines and vectors in mplot3d."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, register
from codepercept.synth.families.solid_geometry._common import DOMAIN, STRONG, _tup

# -- 8. points and vectors in a 3D coordinate system --------------------------------------------


@register(
    "coordinate_space_3d",
    DOMAIN,
    "A right-handed x, y, z coordinate system (mplot3d) with labelled points, dashed guide "
    "lines to the xy-plane and the axes, and vectors drawn as arrows between points.",
)
def coordinate_space_3d(rng: random.Random) -> Emitted:
    n_points = rng.choice([1, 2, 2, 3])
    names = rng.sample(["A", "B", "C", "P", "Q", "M"], n_points)
    points = {}
    while len(points) < n_points:
        p = (rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 4))
        if p not in points.values():
            points[names[len(points)]] = p
    from_origin = rng.random() < 0.5
    vectors = []
    if n_points >= 2:
        vectors.append((names[0], names[1]))
    if from_origin:
        vectors.append(("O", names[-1]))
    guides = rng.random() < 0.75
    show_panes = rng.random() < 0.4
    elev = rng.choice([20, 25, 30])
    azim = rng.choice([20, 30, 35, 45, 60])
    colors = rng.sample(STRONG, 3)
    top = max(max(p) for p in points.values()) + 1
    point_labels = {k: f"{k}({v[0]}, {v[1]}, {v[2]})" for k, v in points.items()}
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        "# Points with integer coordinates",
        "points = {" + ", ".join(f'"{k}": {_tup(v)}' for k, v in points.items()) + "}",
        "",
        "fig = plt.figure(figsize=(5, 5))",
        'ax = fig.add_subplot(projection="3d")',
        "",
        "# Coordinate axes from the origin, with arrowheads",
        f"length = {top}",
        'for direction, name in (((1, 0, 0), "x"), ((0, 1, 0), "y"), ((0, 0, 1), "z")):',
        "    dx, dy, dz = (length * c for c in direction)",
        '    ax.quiver(0, 0, 0, dx, dy, dz, color="black", arrow_length_ratio=0.08, linewidth=1.2)',
        "    ax.text(1.08 * dx, 1.08 * dy, 1.08 * dz, name, fontsize=14)",
        'ax.text(0, 0, -0.4, "O", fontsize=13)',
        "",
        "# Points, labelled with their coordinates",
        "for name, (x, y, z) in points.items():",
        f'    ax.scatter(x, y, z, color="{colors[0]}", s=25, depthshade=False)',
        '    ax.text(x, y, z + 0.25, f"{name}({x}, {y}, {z})", fontsize=11)',
    ]
    n_dashed = 0
    if guides:
        lines += [
            "",
            "# Dashed guides: down to the foot (x, y, 0), then parallel to the axes",
            "for x, y, z in points.values():",
            '    ax.plot([x, x], [y, y], [z, 0], color="gray", linestyle="--", linewidth=1)',
            '    ax.plot([x, x], [y, 0], [0, 0], color="gray", linestyle="--", linewidth=1)',
            '    ax.plot([x, 0], [y, y], [0, 0], color="gray", linestyle="--", linewidth=1)',
        ]
        n_dashed = 3 * n_points
    labels = ["x", "y", "z", "O", *point_labels.values()]
    comps = {}
    if vectors:
        lines += ["", "# Vectors as arrows from tail to head"]
        for tail, head in vectors:
            t = (0, 0, 0) if tail == "O" else points[tail]
            h = points[head]
            comps[f"{tail}{head}"] = [h[i] - t[i] for i in range(3)]
        lines.append("vectors = [" + ", ".join(f'("{t}", "{h}")' for t, h in vectors) + "]")
        lines += [
            'positions = {"O": (0, 0, 0), **points}',
            "for tail, head in vectors:",
            "    x0, y0, z0 = positions[tail]",
            "    x1, y1, z1 = positions[head]",
            f'    ax.quiver(x0, y0, z0, x1 - x0, y1 - y0, z1 - z0, color="{colors[1]}", '
            "linewidth=2,",
            "              arrow_length_ratio=0.12)",
        ]
    lines += [
        "",
        f"ax.set_xlim(0, {top})",
        f"ax.set_ylim(0, {top})",
        f"ax.set_zlim(0, {top})",
        "ax.set_box_aspect((1, 1, 1))",
        f"ax.view_init(elev={elev}, azim={azim})",
    ]
    if not show_panes:
        lines.append("ax.set_axis_off()")
    lines += ["plt.show()", ""]
    facts = {
        "statements": [f"point {k} has coordinates {v}" for k, v in points.items()]
        + [f"vector {k} = ({', '.join(map(str, c))})" for k, c in comps.items()],
        "labels": labels,
        "points": {k: list(v) for k, v in points.items()},
        "vectors": comps,
        "hidden_edges": 0,
        "dashed_lines": n_dashed,
        "arrows": 3 + len(vectors),
    }
    params = {
        "n_points": n_points,
        "guides": guides,
        "panes": show_panes,
        "elev": elev,
        "azim": azim,
    }
    return Emitted("\n".join(lines), params, facts)
