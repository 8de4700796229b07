"""The cube cross-section family: the plane through three edge points and its section."""

from __future__ import annotations

import random

import numpy as np

from codepercept.synth.base import Emitted, register, tries
from codepercept.synth.families.solid_geometry import _solids as S
from codepercept.synth.families.solid_geometry._common import (
    DOMAIN,
    INKS,
    _label_block,
    _name_dict,
    _oblique_code,
    _pairs,
    _vertex_names,
)

# -- 6. plane sections of a cube ---------------------------------------------------------------

_FRACTIONS = [(1, 2), (1, 3), (2, 3), (1, 4), (3, 4)]


@register(
    "cube_cross_section",
    DOMAIN,
    "The plane through three points on the edges of a cube or cuboid, its section polygon "
    "shaded; cube edges and section sides on faces turned away from the viewer dashed.",
)
def cube_cross_section(rng: random.Random) -> Emitted:
    is_cube = rng.random() < 0.7
    for _ in tries("cube with a clean cross-section"):
        a = rng.choice([4, 6])
        dims = (
            (a, a, a) if is_cube else (rng.choice([5, 6]), rng.choice([3, 4]), rng.choice([4, 5]))
        )
        poly = S.box(*dims)
        scale = rng.choice([0.5, 0.6])
        angle = rng.choice([30, 40, 45, 135, 140, 150])
        proj = S.oblique(scale, angle)
        edges = sorted(poly.edges())
        chosen = rng.sample(edges, 3)
        given = []
        for i, j in chosen:
            p, q = rng.choice(_FRACTIONS)
            given.append(
                (poly.vertices[i] + p / q * (poly.vertices[j] - poly.vertices[i]), (i, j, p, q))
            )
        pts = [g[0] for g in given]
        if np.linalg.norm(np.cross(pts[1] - pts[0], pts[2] - pts[0])) < 1e-6:
            continue
        section, sides = S.plane_section(poly, *pts)
        # keep section vertices clear of the corners and of each other, so that every one of
        # them lies inside an edge and no side runs along an edge
        gap = 0.2 * min(dims)
        near_corner = min(np.linalg.norm(poly.vertices - v, axis=1).min() for v in section)
        near_other = min(
            np.linalg.norm(u - v) for k, u in enumerate(section) for v in section[k + 1 :]
        )
        if near_corner < gap or near_other < gap:
            continue
        a2 = proj(section)
        area = 0.5 * abs(
            sum(a2[k][0] * a2[k - 1][1] - a2[k - 1][0] * a2[k][1] for k in range(len(a2)))
        )
        if area > 0.08 * dims[0] * dims[2]:
            break
    front = poly.front_faces(proj.view)
    visible, hidden = poly.split_edges(proj.view)
    base, top = _vertex_names(4, 1, rng)
    names = base + top
    # name the section's vertices: the three given points first, in their cyclic order
    given_names = ["P", "Q", "R"]
    extra = iter(["S", "T", "U"])
    sec_names = []
    for v in section:
        match = [k for k, g in enumerate(given) if np.linalg.norm(g[0] - v) < 1e-6]
        sec_names.append(given_names[match[0]] if match else next(extra))
    m = len(section)
    sec_pairs = [(sec_names[k], sec_names[(k + 1) % m]) for k in range(m)]
    sec_hidden = [sec_pairs[k] for k in range(m) if not front[sides[k]]]
    sec_visible = [sec_pairs[k] for k in range(m) if front[sides[k]]]
    vis_pairs = [(names[i], names[j]) for i, j in visible]
    hid_pairs = [(names[i], names[j]) for i, j in hidden]
    all_pts = [(names[i], p) for i, p in enumerate(poly.vertices)]
    all_pts += list(zip(sec_names, section, strict=True))
    pts2d = {k: proj(p) for k, p in all_pts}
    dirs = S.label_directions(pts2d, vis_pairs + hid_pairs + sec_pairs)
    fill = rng.choice(["#f4a6a6", "#a6c8f4", "#b6e3b0", "#f7d08a"])
    ink = rng.choice(INKS)
    fontsize = rng.choice([12, 13])
    size = float(np.ptp(proj(poly.vertices), axis=0).max())
    shape = {3: "triangle", 4: "quadrilateral", 5: "pentagon", 6: "hexagon"}[m]
    where = []
    for _, (i, j, p, q) in given:
        frac = f"{p}/{q}" if (p, q) != (1, 2) else "the midpoint"
        where.append(
            f"{given_names[len(where)]} is the midpoint of {names[i]}{names[j]}"
            if (p, q) == (1, 2)
            else f"{given_names[len(where)]} lies {frac} of the way from {names[i]} to {names[j]}"
        )
    lines = [
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "",
        f"# {'Cube' if is_cube else 'Cuboid'} {''.join(base)}-{''.join(top)} "
        f"({dims[0]} x {dims[1]} x {dims[2]}) and the points P, Q, R on its edges",
        _name_dict("vertices", all_pts),
        "",
        _oblique_code(scale, angle),
        "",
        "points = {name: project(p) for name, p in vertices.items()}",
        "",
        "# Cube edges: hidden when both adjacent faces face away from the viewer",
        _pairs("visible_edges", vis_pairs),
        _pairs("hidden_edges", hid_pairs),
        f"# The section {''.join(sec_names)} of the plane PQR: a side is hidden when the face",
        "# it lies on faces away from the viewer",
        f"section = [{', '.join(repr(n).replace(chr(39), chr(34)) for n in sec_names)}]",
        _pairs("section_visible", sec_visible),
        _pairs("section_hidden", sec_hidden),
        "",
        "fig, ax = plt.subplots(figsize=(5.5, 5.5))",
        "",
        "# Shade the section polygon",
        "corners = np.array([points[v] for v in section])",
        f'ax.fill(corners[:, 0], corners[:, 1], color="{fill}", alpha=0.6)',
        "",
        "# Edges and section sides: visible solid, hidden dashed",
        "for a, b in visible_edges + section_visible:",
        f'    ax.plot(*zip(points[a], points[b]), color="{ink}", linewidth=1.6)',
        "for a, b in hidden_edges + section_hidden:",
        f'    ax.plot(*zip(points[a], points[b]), color="{ink}", linewidth=1.1, linestyle="--")',
        "",
        "# Mark the section's vertices",
        "for v in section:",
        f'    ax.plot(*points[v], "o", color="{ink}", markersize=3.5)',
        "",
        _label_block(dirs, round(0.05 * size + 0.1, 2), fontsize, ink, "Labels"),
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        "plt.show()",
        "",
    ]
    n_hidden = len(hid_pairs) + len(sec_hidden)
    facts = {
        "statements": [
            *where,
            f"the plane PQR cuts the {'cube' if is_cube else 'cuboid'} in a {shape} "
            f"{''.join(sec_names)}",
            f"{n_hidden} lines are hidden and drawn dashed",
        ],
        "labels": names + sec_names,
        "vertices": {k: [float(x) for x in p] for k, p in all_pts},
        "section_sides": m,
        "section_shape": shape,
        "section_vertices": sec_names,
        "hidden_edges": n_hidden,
        "dashed_lines": n_hidden,
        "hidden_section_sides": len(sec_hidden),
    }
    params = {"dims": list(dims), "angle": angle, "scale": scale, "sides": m}
    return Emitted("\n".join(lines), params, facts)
