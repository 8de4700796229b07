"""Unit-cube stack families: three-view drawings and count-the-cubes figures."""

from __future__ import annotations

import random

import numpy as np

from codepercept.synth.base import Emitted, register, tries
from codepercept.synth.families.solid_geometry import _solids as S
from codepercept.synth.families.solid_geometry._common import (
    DOMAIN,
    INKS,
    PALE,
    STRONG,
    _seg_list,
    _tup,
)

# -- 5. unit-cube solids: three views and counting ---------------------------------------------


def _height_map(rng: random.Random, nx: int, ny: int, max_h: int) -> dict[tuple[int, int], int]:
    """Column heights on an nx x ny grid: the back-left column is always filled, the others
    are 0..max_h, and every filled column touches an earlier one (the stack is connected)."""
    for _ in tries("connected cube stack"):
        heights = {(x, y): rng.randint(0, max_h) for x in range(nx) for y in range(ny)}
        heights[(0, ny - 1)] = max(heights[(0, ny - 1)], 1)
        filled = {c for c, h in heights.items() if h}
        seen, todo = set(), [next(iter(filled))]
        while todo:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            todo += [
                (c[0] + dx, c[1] + dy)
                for dx, dy in S._STEPS.values()
                if (c[0] + dx, c[1] + dy) in filled
            ]
        if seen == filled and len(filled) >= 3 and sum(heights.values()) >= 4:
            return heights


def _stack_cells(heights) -> set[tuple[int, int, int]]:
    return {(x, y, z) for (x, y), h in heights.items() for z in range(h)}


def _cube_painter_code(proj: S.Projection, cells, ax: str, color_expr: str, ink: str) -> list[str]:
    """Code drawing unit cubes back to front, each with its three faces toward the viewer."""
    view = proj.view
    faces = []
    quads = {
        (0, 0, 1): "[(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)]",
        (0, -1, 0): "[(0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1)]",
        (1, 0, 0): "[(1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 0, 1)]",
        (-1, 0, 0): "[(0, 0, 0), (0, 1, 0), (0, 1, 1), (0, 0, 1)]",
    }
    for n, quad in quads.items():
        if float(np.dot(n, view)) < 0:
            faces.append(quad)
    order = sorted(cells, key=lambda c: -float(np.dot(np.array(c) + 0.5, view)))
    rows = []
    row = "   "
    for c in order:
        item = f" {_tup(c)},"
        if len(row) + len(item) > 96:
            rows.append(row)
            row = "   "
        row += item
    rows.append(row)
    m = proj.matrix
    return [
        "# Unit cubes (corner with the smallest x, y, z), sorted from back to front",
        "cubes = [\n" + "\n".join(rows) + "\n]",
        "# Corners of the faces turned toward the viewer, relative to a cube's corner",
        "visible_faces = [\n    " + ",\n    ".join(faces) + ",\n]",
        f"view = np.array([{_tup(m[0], 4)}, {_tup(m[1], 4)}])  # parallel projection, 3D -> 2D",
        "for cube in cubes:",
        "    for face in visible_faces:",
        "        corners = (np.array(cube) + np.array(face)) @ view.T",
        f"        {ax}.fill(corners[:, 0], corners[:, 1], facecolor={color_expr}, "
        f'edgecolor="{ink}", linewidth=1)',
    ], len(faces)


@register(
    "three_view_drawing",
    DOMAIN,
    "A solid of unit cubes in a parallel view with its front, left and top orthographic views "
    "(first-angle layout); view lines computed from the solid's real edges, hidden ones dashed.",
)
def three_view_drawing(rng: random.Random) -> Emitted:
    nx, ny = rng.choice([(2, 2), (3, 2), (2, 3), (3, 3)])
    heights = _height_map(rng, nx, ny, rng.choice([2, 3]))
    cells = _stack_cells(heights)
    views = {v: S.view_lines(cells, v) for v in ("front", "left", "top")}
    color = rng.choice(PALE)
    ink = rng.choice(INKS)
    azim = rng.choice([-60, -50, -40, -35])
    proj = S.axonometric(rng.choice([25, 30, 35]), azim)
    painter, n_faces = _cube_painter_code(proj, cells, "ax_solid", f'"{color}"', ink)
    titles = {"front": "Front view", "left": "Left view", "top": "Top view"}
    panels = {"front": "ax_front", "left": "ax_left", "top": "ax_top"}
    lines = [
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "",
        "fig, ((ax_front, ax_left), (ax_top, ax_solid)) = plt.subplots(2, 2, figsize=(6.5, 6.5))",
        "",
        *painter,
        'ax_solid.set_title("Solid")',
        "",
    ]
    n_hidden = 0
    for v in ("front", "left", "top"):
        vis, hid = views[v]
        n_hidden += len(hid)
        ax = panels[v]
        lines += [
            f"# {titles[v]}: solid lines are visible edges, dashed lines hidden ones",
            _seg_list(f"{v}_visible", vis),
            _seg_list(f"{v}_hidden", hid) if hid else f"{v}_hidden = []",
            f"for (x0, y0), (x1, y1) in {v}_visible:",
            f'    {ax}.plot([x0, x1], [y0, y1], color="{ink}", linewidth=2)',
            f"for (x0, y0), (x1, y1) in {v}_hidden:",
            f'    {ax}.plot([x0, x1], [y0, y1], color="{ink}", linewidth=1.2, linestyle="--")',
            f'{ax}.set_title("{titles[v]}")',
            "",
        ]
    lines += [
        "for ax in (ax_front, ax_left, ax_top, ax_solid):",
        '    ax.set_aspect("equal")',
        "    ax.margins(0.15)",
        '    ax.axis("off")',
        "plt.show()",
        "",
    ]
    n = len(cells)
    facts = {
        "statements": [
            f"the solid is made of {n} unit cubes",
            f"the three views show {n_hidden} hidden lines, drawn dashed",
            "the left view is placed to the right of the front view and the top view below it",
        ],
        "labels": ["Solid", *titles.values()],
        "n_cubes": n,
        "heights": {f"{x},{y}": h for (x, y), h in sorted(heights.items())},
        "view_lines": {v: {"visible": len(views[v][0]), "hidden": len(views[v][1])} for v in views},
        "hidden_edges": n_hidden,
        "dashed_lines": n_hidden,
        "faces_drawn": n * n_faces,
    }
    params = {"grid": [nx, ny], "azim": azim}
    return Emitted("\n".join(lines), params, facts)


@register(
    "cube_stack_count",
    DOMAIN,
    "Count-the-cubes figure: a stack of unit cubes drawn back to front in an isometric-style "
    "view (2D faces or mplot3d voxels), optionally with its top view annotated by heights.",
)
def cube_stack_count(rng: random.Random) -> Emitted:
    nx, ny = rng.choice([(2, 2), (3, 2), (3, 3), (4, 3), (4, 4)])
    heights = _height_map(rng, nx, ny, rng.choice([2, 3, 4]))
    cells = _stack_cells(heights)
    n = len(cells)
    style = rng.choice(["faces", "faces", "voxels"])
    with_map = rng.random() < 0.4
    ink = rng.choice(INKS)
    by_height = rng.random() < 0.5
    palette = rng.sample(STRONG, 4) if by_height else [rng.choice(PALE)] * 4
    lines = ["import matplotlib.pyplot as plt", "import numpy as np", ""]
    faces_drawn = 0
    if style == "faces":
        elev = rng.choice([30, 35.26])
        azim = rng.choice([-45, -55, -35, -135])
        proj = S.axonometric(elev, azim)
        color_expr = "colors[cube[2]]" if by_height else f'"{palette[0]}"'
        painter, per_cube = _cube_painter_code(proj, cells, "ax", color_expr, ink)
        faces_drawn = per_cube * n
        lines.append(
            "fig, (ax, ax_map) = plt.subplots(1, 2, figsize=(9, 4.5))"
            if with_map
            else "fig, ax = plt.subplots(figsize=(5, 5))"
        )
        if by_height:
            lines.append("colors = [" + ", ".join(f'"{c}"' for c in palette) + "]  # by layer")
        lines += ["", *painter, 'ax.set_aspect("equal")', 'ax.axis("off")', ""]
    else:
        elev = rng.choice([25, 30])
        azim = rng.choice([-60, -50, -120])
        lines += [
            f"fig = plt.figure(figsize=({9 if with_map else 5}, {4.5 if with_map else 5}))",
            f'ax = fig.add_subplot(1, {2 if with_map else 1}, 1, projection="3d")',
        ]
        if with_map:
            lines.append("ax_map = fig.add_subplot(1, 2, 2)")
        height_rows = [[heights[(x, y)] for y in range(ny)] for x in range(nx)]
        lines += [
            "",
            "# Column heights on the grid: heights[x][y] cubes stand on cell (x, y)",
            "heights = np.array(" + str(height_rows) + ")",
            f"top = {max(heights.values())}",
            "x, y, z = np.indices((heights.shape[0], heights.shape[1], top))",
            "filled = z < heights[x, y]",
        ]
        if by_height:
            lines += [
                "layer_colors = np.array([" + ", ".join(f'"{c}"' for c in palette) + "])",
                "colors = layer_colors[z]",
                f'ax.voxels(filled, facecolors=colors, edgecolor="{ink}", linewidth=0.8)',
            ]
        else:
            lines.append(
                f'ax.voxels(filled, facecolors="{palette[0]}", edgecolor="{ink}", linewidth=0.8)'
            )
        lines += [
            f"ax.view_init(elev={elev}, azim={azim})",
            'ax.set_proj_type("ortho")',
            "ax.set_box_aspect(filled.shape)",
            "ax.set_axis_off()",
            "",
        ]
        faces_drawn = sum(
            len(S.exposed_faces(cells, d))
            for d in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1))
        )
    labels: list[str] = []
    if with_map:
        lines += [
            "# Top view with the number of cubes standing on each cell",
            "counts = {"
            + ", ".join(f"({x}, {y}): {h}" for (x, y), h in sorted(heights.items()) if h)
            + "}",
            "for (x, y), count in counts.items():",
            f'    ax_map.add_patch(plt.Rectangle((x, y), 1, 1, facecolor="white", '
            f'edgecolor="{ink}"))',
            '    ax_map.text(x + 0.5, y + 0.5, str(count), fontsize=16, ha="center", va="center")',
            'ax_map.set_title("Top view (cubes per column)")',
            'ax_map.set_aspect("equal")',
            "ax_map.autoscale()",
            'ax_map.axis("off")',
            "",
        ]
        labels += [str(h) for _, h in sorted(heights.items()) if h]
        labels.append("Top view (cubes per column)")
    lines += ["plt.show()", ""]
    facts = {
        "statements": [
            f"the stack contains {n} unit cubes",
            f"the tallest column has {max(heights.values())} cubes",
            f"{sum(1 for h in heights.values() if h)} columns stand on the grid",
        ],
        "labels": labels,
        "n_cubes": n,
        "heights": {f"{x},{y}": h for (x, y), h in sorted(heights.items())},
        "style": style,
        "faces_drawn": faces_drawn,
        "hidden_edges": 0,
        "dashed_lines": 0,
    }
    params = {"grid": [nx, ny], "style": style, "with_map": with_map, "by_height": by_height}
    return Emitted("\n".join(lines), params, facts)
