"""Cube net families: the 11 nets of a cube, and a net beside the cube it folds into."""

from __future__ import annotations

import random
import string

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.solid_geometry import _solids as S
from codepercept.synth.families.solid_geometry._common import (
    DOMAIN,
    INKS,
    PALE,
    _name_dict,
    _pairs,
    _seg_list,
)

# -- 4. nets: unfolding and folding ------------------------------------------------------------

_NETS = S.all_cube_nets()


def _net_name(cells) -> str:
    """Row pattern of a cube net, e.g. "1-4-1", read along its longer direction."""
    xs = {x for x, _ in cells}
    ys = {y for _, y in cells}
    if len(xs) < len(ys):
        cells = [(y, x) for x, y in cells]
    rows: dict[int, int] = {}
    for _, y in cells:
        rows[y] = rows.get(y, 0) + 1
    return "-".join(str(rows[y]) for y in sorted(rows))


def _random_pose(cells, rng: random.Random) -> list[tuple[int, int]]:
    """Rotate/reflect a net at random and move it to the origin."""
    pts = list(cells)
    for _ in range(rng.randrange(4)):
        pts = [(-y, x) for x, y in pts]
    if rng.random() < 0.5:
        pts = [(-x, y) for x, y in pts]
    mx, my = min(p[0] for p in pts), min(p[1] for p in pts)
    pts = [(x - mx, y - my) for x, y in pts]
    rng.shuffle(pts)
    return pts


def _cell_segments(cells):
    """Unit edges of a set of unit cells: (outline, folds), merged into maximal segments."""
    count: dict[tuple, int] = {}
    for x, y in cells:
        for seg in (("u", x, y), ("u", x, y + 1), ("v", x, y), ("v", x + 1, y)):
            count[seg] = count.get(seg, 0) + 1
    outline = {s for s, c in count.items() if c == 1}
    folds = {s for s, c in count.items() if c == 2}
    return S._merge(outline), sorted(
        ((s[1], s[2]), (s[1] + 1, s[2])) if s[0] == "u" else ((s[1], s[2]), (s[1], s[2] + 1))
        for s in folds
    )


def _face_marks(rng: random.Random) -> tuple[list[str], str]:
    style = rng.choice(["digits", "letters"])
    if style == "digits":
        marks = [str(i) for i in range(1, 7)]
    else:
        start = rng.choice([0, 0, 15])
        marks = list(string.ascii_uppercase[start : start + 6])
    rng.shuffle(marks)
    return marks, style


def _net_drawing(
    cells, marks, colors, fold_dashed: bool, ink: str, fontsize: int, ax: str = "ax"
) -> tuple[list[str], int]:
    outline, folds = _cell_segments(cells)
    body = ", ".join(f'"{m}": ({x}, {y})' for m, (x, y) in zip(marks, cells, strict=True))
    squares = "squares = {" + body + "}"
    if len(squares) > 96:
        squares = (
            "squares = {\n"
            + "".join(f'    "{m}": ({x}, {y}),\n' for m, (x, y) in zip(marks, cells, strict=True))
            + "}"
        )
    lines = [
        "# Squares of the net (lower-left corners), named by the mark on each face",
        squares,
    ]
    lines += [
        "# Cut edges around the outside; fold edges between neighbouring squares",
        _seg_list("outline", outline),
        _seg_list("folds", folds),
        "",
        "for mark, (x, y) in squares.items():",
        f"    {ax}.add_patch(plt.Rectangle((x, y), 1, 1, facecolor="
        + ("colors[mark]" if colors else '"white"')
        + ', edgecolor="none"))',
        f'    {ax}.text(x + 0.5, y + 0.5, mark, fontsize={fontsize}, ha="center", va="center")',
        "for (x0, y0), (x1, y1) in outline:",
        f'    {ax}.plot([x0, x1], [y0, y1], color="{ink}", linewidth=2)',
        "for (x0, y0), (x1, y1) in folds:",
        f'    {ax}.plot([x0, x1], [y0, y1], color="{ink}", linewidth=1'
        + (', linestyle="--")' if fold_dashed else ")"),
    ]
    return lines, len(folds)


def _colors_line(marks, colors) -> str:
    return (
        "colors = {" + ", ".join(f'"{m}": "{c}"' for m, c in zip(marks, colors, strict=True)) + "}"
    )


def _opposites(cells, marks) -> dict[str, str]:
    normals = S.fold_net(list(cells))
    by_normal = {normals[c]: m for c, m in zip(cells, marks, strict=True)}
    return {m: by_normal[tuple(-v for v in normals[c])] for c, m in zip(cells, marks, strict=True)}


@register(
    "cube_net",
    DOMAIN,
    "One of the 11 nets of a cube, posed at random, with marked faces, cut outline and "
    "(optionally dashed) fold lines; facts give the net type and which faces end up opposite.",
)
def cube_net(rng: random.Random) -> Emitted:
    index = rng.randrange(len(_NETS))
    cells = _random_pose(_NETS[index], rng)
    marks, style = _face_marks(rng)
    colored = rng.random() < 0.5
    colors = rng.sample(PALE, 6) if colored else []
    fold_dashed = rng.random() < 0.7
    ink = rng.choice(INKS)
    fontsize = rng.choice([14, 16, 18])
    opposite = _opposites(cells, marks)
    draw, n_folds = _net_drawing(cells, marks, colors, fold_dashed, ink, fontsize)
    w = max(x for x, _ in cells) + 1
    h = max(y for _, y in cells) + 1
    name = _net_name(cells)
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        f"# Net {index + 1} of the 11 nets of a cube (rows {name})",
        f"fig, ax = plt.subplots(figsize=({fmt(1 + 1.1 * w)}, {fmt(1 + 1.1 * h)}))",
        "",
        *([_colors_line(marks, colors)] if colors else []),
        *draw,
        "",
        'ax.set_aspect("equal")',
        f"ax.set_xlim(-0.2, {fmt(w + 0.2)})",
        f"ax.set_ylim(-0.2, {fmt(h + 0.2)})",
        'ax.axis("off")',
        "plt.show()",
        "",
    ]
    pairs = sorted({tuple(sorted((a, b))) for a, b in opposite.items()})
    facts = {
        "statements": [f"the net has rows {name} and folds into a cube"]
        + [f"faces {a} and {b} are opposite on the folded cube" for a, b in pairs],
        "labels": list(marks),
        "net_type": index + 1,
        "net_rows": name,
        "cells": {m: list(c) for m, c in zip(marks, cells, strict=True)},
        "opposite_pairs": [list(p) for p in pairs],
        "n_squares": 6,
        "fold_lines": n_folds,
        "hidden_edges": 0,
        "dashed_lines": n_folds if fold_dashed else 0,
    }
    params = {"net": index + 1, "marks": style, "colored": colored, "fold_dashed": fold_dashed}
    return Emitted("\n".join(lines), params, facts)


def _rotations() -> list[np.ndarray]:
    """The 24 proper rotations of a cube, as signed permutation matrices."""
    out = []
    for perm in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        for signs in (
            (1, 1, 1),
            (1, 1, -1),
            (1, -1, 1),
            (1, -1, -1),
            (-1, 1, 1),
            (-1, 1, -1),
            (-1, -1, 1),
            (-1, -1, -1),
        ):
            m = np.zeros((3, 3), dtype=int)
            for i, (j, s) in enumerate(zip(perm, signs, strict=True)):
                m[i, j] = s
            if round(np.linalg.det(m)) == 1:
                out.append(m)
    return out


_ROTATIONS = _rotations()


@register(
    "cube_folding",
    DOMAIN,
    "A cube net with marked faces beside the cube it folds into (cabinet projection, hidden "
    "edges dashed, the three visible faces carrying their marks); facts give the folding.",
)
def cube_folding(rng: random.Random) -> Emitted:
    index = rng.randrange(len(_NETS))
    cells = _random_pose(_NETS[index], rng)
    marks, style = _face_marks(rng)
    colors = rng.sample([*PALE, "#d0e0e3", "#ead1dc"], 6)
    ink = rng.choice(INKS)
    normals = S.fold_net(list(cells))
    rot = rng.choice(_ROTATIONS)
    angle = rng.choice([30, 40, 45, 135, 140, 150])
    scale = rng.choice([0.5, 0.6])
    proj = S.oblique(scale, angle)
    cube = S.box(1, 1, 1)
    names = list("ABCDEFGH")
    visible, hidden = cube.split_edges(proj.view)
    front = cube.front_faces(proj.view)
    # each visible face of the drawn cube shows the net square whose folded normal lands there
    shown = []
    for f, loop in enumerate(cube.faces):
        if not front[f]:
            continue
        n = tuple(int(v) for v in np.rint(cube.normal(f)))
        for c, m, col in zip(cells, marks, colors, strict=True):
            if tuple(rot @ np.array(normals[c])) == n:
                shown.append(("".join(names[v] for v in loop), m, col))
    opposite = _opposites(cells, marks)
    w = max(x for x, _ in cells) + 1
    draw, n_folds = _net_drawing(cells, marks, colors, True, ink, 16, ax="ax_net")
    vis_pairs = [(names[i], names[j]) for i, j in visible]
    hid_pairs = [(names[i], names[j]) for i, j in hidden]
    lines = [
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "",
        "fig, (ax_net, ax_cube) = plt.subplots(1, 2, figsize=(8, 4), "
        f"width_ratios=[{fmt(w)}, 2.2])",
        _colors_line(marks, colors),
        "",
        *draw,
        'ax_net.set_aspect("equal")',
        'ax_net.axis("off")',
        'ax_net.set_title("Net")',
        "",
        "# The folded unit cube in cabinet-style oblique projection",
        _name_dict("vertices", [(names[i], p) for i, p in enumerate(cube.vertices)], 0),
        f"angle = np.radians({angle})",
        f"k = {fmt(scale)}",
        "points = {",
        "    name: np.array([x + k * y * np.cos(angle), z + k * y * np.sin(angle)])",
        "    for name, (x, y, z) in vertices.items()",
        "}",
        "",
        "# Faces turned toward the viewer, with the net square that folds onto each",
        "visible_faces = {" + ", ".join(f'"{loop}": "{m}"' for loop, m, _ in shown) + "}",
        "for face, mark in visible_faces.items():",
        "    corners = np.array([points[v] for v in face])",
        "    ax_cube.fill(corners[:, 0], corners[:, 1], color=colors[mark], alpha=0.8)",
        '    ax_cube.text(*corners.mean(axis=0), mark, fontsize=16, ha="center", va="center",',
        '                 bbox={"facecolor": colors[mark], "edgecolor": "none"})',
        "",
        "# Edges: hidden ones (both faces turned away) dashed",
        _pairs("visible_edges", vis_pairs),
        _pairs("hidden_edges", hid_pairs),
        "for a, b in visible_edges:",
        f'    ax_cube.plot(*zip(points[a], points[b]), color="{ink}", linewidth=2)',
        "for a, b in hidden_edges:",
        f'    ax_cube.plot(*zip(points[a], points[b]), color="{ink}", linewidth=1, '
        'linestyle="--", zorder=0)',
        'ax_cube.set_aspect("equal")',
        'ax_cube.axis("off")',
        'ax_cube.set_title("Folded cube")',
        "plt.show()",
        "",
    ]
    pairs = sorted({tuple(sorted((a, b))) for a, b in opposite.items()})
    facts = {
        "statements": ["the net folds into the cube drawn on the right"]
        + [f"face {m} is visible on the cube" for _, m, _ in shown]
        + [f"faces {a} and {b} are opposite" for a, b in pairs],
        "labels": [*marks, "Net", "Folded cube"],
        "net_type": index + 1,
        "net_rows": _net_name(cells),
        "visible_marks": [m for _, m, _ in shown],
        "opposite_pairs": [list(p) for p in pairs],
        "fold_lines": n_folds,
        "hidden_edges": len(hid_pairs),
        "dashed_lines": len(hid_pairs) + n_folds,
        "vertices": {k: list(map(float, v)) for k, v in zip(names, cube.vertices, strict=True)},
    }
    params = {"net": index + 1, "angle": angle, "marks": style}
    return Emitted("\n".join(lines), params, facts)
