"""Polyhedron families: cubes, prisms, pyramids and frusta in oblique and mplot3d views."""

from __future__ import annotations

import math
import random
import string

import numpy as np

from codepercept.synth.base import Emitted, fmt, register, tries
from codepercept.synth.families.solid_geometry import _solids as S
from codepercept.synth.families.solid_geometry._common import (
    DOMAIN,
    INKS,
    PALE,
    STRONG,
    _dims_block,
    _label_block,
    _name_dict,
    _oblique_code,
    _pairs,
    _tup,
    _vertex_names,
)

# -- polyhedra shared by the projection families -----------------------------------------------


def _sample_polyhedron(rng: random.Random):
    """A convex polyhedron with names for its vertices and a few dimensions to annotate.

    Returns (kind, description, Polyhedron, names, dims) where dims are
    ((name_a, name_b), text) for edges whose length is written next to them.
    """
    kind = rng.choice(["cube", "cuboid", "prism", "prism", "pyramid", "pyramid", "frustum", "cube"])
    if kind == "cube":
        a = rng.choice([2, 3, 4, 5, 6])
        poly = S.box(a, a, a)
        base, top = _vertex_names(4, 1, rng)
        names = base + top
        desc = f"cube {''.join(base)}-{''.join(top)} with edge {a}"
        return kind, desc, poly, names, [((names[0], names[1]), str(a))]
    if kind == "cuboid":
        dx, dy, dz = rng.choice([3, 4, 5, 6]), rng.choice([2, 3, 4]), rng.choice([2, 3, 4, 5])
        poly = S.box(dx, dy, dz)
        base, top = _vertex_names(4, 1, rng)
        names = base + top
        desc = f"cuboid {''.join(base)}-{''.join(top)} measuring {dx} x {dy} x {dz}"
        dims = [
            ((names[0], names[1]), str(dx)),
            ((names[1], names[2]), str(dy)),
            ((names[1], names[5]), str(dz)),
        ]
        return kind, desc, poly, names, dims
    if kind == "prism":
        n = rng.choice([3, 3, 5, 6])
        side = rng.choice([2, 3, 4])
        h = rng.choice([3, 4, 5, 6])
        radius = side / (2 * math.sin(math.pi / n))
        poly = S.prism(S.regular_polygon(n, radius, rng.uniform(0, 2 * math.pi)), h)
        base, top = _vertex_names(n, 1, rng)
        names = base + top
        shape = {3: "triangular", 5: "pentagonal", 6: "hexagonal"}[n]
        desc = f"regular {shape} prism with base edge {side} and height {h}"
        dims = [((names[0], names[1]), str(side)), ((names[0], names[n]), str(h))]
        return kind, desc, poly, names, dims
    if kind == "pyramid":
        n = rng.choice([3, 4, 4, 6])
        side = rng.choice([3, 4, 5])
        h = rng.choice([3, 4, 5, 6])
        radius = side / (2 * math.sin(math.pi / n))
        poly = S.pyramid(S.regular_polygon(n, radius, rng.uniform(0, 2 * math.pi)), (0, 0, h))
        apex = rng.choice(["P", "S", "V"])
        names = [*string.ascii_uppercase[:n], apex]
        shape = {3: "triangular", 4: "square", 6: "hexagonal"}[n]
        lateral = math.sqrt(radius**2 + h**2)
        desc = f"regular {shape} pyramid {apex}-{''.join(names[:n])} with base edge {side}"
        dims = [((names[0], names[1]), str(side)), ((names[0], apex), fmt(lateral, 1))]
        return kind, desc, poly, names, dims
    n = rng.choice([3, 4, 4, 6])
    side = rng.choice([4, 5, 6])
    ratio = rng.choice([0.4, 0.5, 0.6])
    h = rng.choice([2, 3, 4])
    radius = side / (2 * math.sin(math.pi / n))
    phase = rng.uniform(0, 2 * math.pi)
    poly = S.frustum(
        S.regular_polygon(n, radius, phase), S.regular_polygon(n, radius * ratio, phase), h
    )
    base, top = _vertex_names(n, 1, rng)
    names = base + top
    shape = {3: "triangular", 4: "square", 6: "hexagonal"}[n]
    desc = f"regular {shape} frustum with base edge {side} and top edge {fmt(side * ratio)}"
    dims = [((names[0], names[1]), str(side)), ((names[n], names[n + 1]), fmt(side * ratio))]
    return "frustum", desc, poly, names, dims


def _generic(poly: S.Polyhedron, view: np.ndarray) -> bool:
    """No face is seen edge-on (the back-face test is then unambiguous)."""
    return all(abs(float(np.dot(poly.normal(f), view))) > 0.08 for f in range(len(poly.faces)))


# -- 1. oblique drawings of polyhedra ----------------------------------------------------------


@register(
    "oblique_polyhedron",
    DOMAIN,
    "Cube, cuboid, prism, pyramid or frustum in cabinet/cavalier oblique projection; hidden "
    "edges (both faces turned away) dashed, vertices labelled, optional shading and lengths.",
)
def oblique_polyhedron(rng: random.Random) -> Emitted:
    for _ in tries("polyhedron in a generic oblique view"):
        kind, desc, poly, names, dims = _sample_polyhedron(rng)
        scale = rng.choice([0.5, 0.5, 0.6, 1.0])
        angle = rng.choice([30, 40, 45, 45, 135, 140, 150])
        proj = S.oblique(scale, angle)
        if _generic(poly, proj.view):
            break
    poly.check()
    visible, hidden = poly.split_edges(proj.view)
    front = poly.front_faces(proj.view)
    shaded = rng.random() < 0.5
    show_dims = rng.random() < 0.5
    fill = rng.choice(PALE)
    ink = rng.choice(INKS)
    fontsize = rng.choice([12, 13, 14])
    size = float(np.ptp(proj(poly.vertices), axis=0).max())
    offset = round(0.07 * size + 0.1, 2)

    pts2d = {names[i]: q for i, q in enumerate(proj(poly.vertices))}
    vis_pairs = [(names[i], names[j]) for i, j in visible]
    hid_pairs = [(names[i], names[j]) for i, j in hidden]
    lines = [
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "",
        f"# Vertices of the {desc} (x, y, z); y recedes into the page",
        _name_dict("vertices", [(names[i], p) for i, p in enumerate(poly.vertices)]),
        "",
        _oblique_code(scale, angle),
        "",
        "points = {name: project(p) for name, p in vertices.items()}",
        "",
        "# An edge is hidden when both faces that meet there face away from the viewer",
        _pairs("visible_edges", vis_pairs),
        _pairs("hidden_edges", hid_pairs),
    ]
    front_faces = [[names[v] for v in poly.faces[f]] for f in range(len(poly.faces)) if front[f]]
    if shaded:
        lines.append(
            "front_faces = [" + ", ".join('"' + "".join(f) + '"' for f in front_faces) + "]"
            if all(len(n) == 1 for n in names)
            else "front_faces = [\n"
            + "".join("    [" + ", ".join(f'"{v}"' for v in f) + "],\n" for f in front_faces)
            + "]"
        )
    lines += ["", "fig, ax = plt.subplots(figsize=(5.5, 5.5))", ""]
    if shaded:
        lines += [
            "# Shade the faces turned toward the viewer",
            "for face in front_faces:",
            "    corners = np.array([points[v] for v in face])",
            f'    ax.fill(corners[:, 0], corners[:, 1], color="{fill}", alpha=0.7, '
            'edgecolor="none")',
            "",
        ]
    lines += [
        "# Visible edges solid, hidden edges dashed",
        "for a, b in visible_edges:",
        f'    ax.plot(*zip(points[a], points[b]), color="{ink}", linewidth=1.8)',
        "for a, b in hidden_edges:",
        f'    ax.plot(*zip(points[a], points[b]), color="{ink}", linewidth=1.2, linestyle="--")',
        "",
        _label_block(S.label_directions(pts2d, vis_pairs + hid_pairs), offset, fontsize, ink),
    ]
    labels = list(names)
    if show_dims:
        lines += [
            _dims_block(dims, pts2d, offset * 0.9, fontsize - 2),
        ]
        labels += [t for _, t in dims]
    lines += ['ax.set_aspect("equal")', 'ax.axis("off")', "plt.show()", ""]
    vertices = {names[i]: [float(v) for v in p] for i, p in enumerate(poly.vertices)}
    facts = {
        "statements": [
            f"the figure shows a {desc}",
            f"{len(hid_pairs)} edges are hidden and drawn dashed",
            f"{sum(front)} of the {len(poly.faces)} faces face the viewer",
            f"the receding axis is drawn at {angle} degrees with scale {fmt(scale)}",
        ],
        "labels": labels,
        "solid": kind,
        "vertices": vertices,
        "hidden_edges": len(hid_pairs),
        "dashed_lines": len(hid_pairs),
        "hidden_edge_names": ["".join(p) for p in hid_pairs],
        "edges": len(vis_pairs) + len(hid_pairs),
        "filled_faces": sum(front) if shaded else 0,
    }
    params = {
        "solid": kind,
        "scale": scale,
        "angle": angle,
        "shaded": shaded,
        "dimensions": show_dims,
    }
    return Emitted("\n".join(lines), params, facts)


# -- 2. the same solids as mplot3d views --------------------------------------------------------


@register(
    "polyhedron_3d_view",
    DOMAIN,
    "Cube, cuboid, prism, pyramid or frustum drawn with mplot3d: translucent Poly3DCollection "
    "faces, labelled vertices, hidden edges (back-face test for the camera) dashed.",
)
def polyhedron_3d_view(rng: random.Random) -> Emitted:
    for _ in tries("polyhedron in a generic 3D view"):
        kind, desc, poly, names, _ = _sample_polyhedron(rng)
        elev = rng.choice([15, 20, 25, 30, 35])
        azim = rng.choice([-70, -60, -50, -40, -30, 20, 30, 40, 60, 120, 150])
        proj = S.axonometric(elev, azim)
        if _generic(poly, proj.view):
            break
    poly.check()
    visible, hidden = poly.split_edges(proj.view)
    color = rng.choice(STRONG)
    alpha = rng.choice([0.15, 0.25, 0.35])
    show_axes = rng.random() < 0.3
    fontsize = rng.choice([11, 12, 13])
    lo, hi = poly.vertices.min(axis=0), poly.vertices.max(axis=0)
    size = float((hi - lo).max())
    pts2d = {names[i]: q for i, q in enumerate(proj(poly.vertices))}
    vis_pairs = [(names[i], names[j]) for i, j in visible]
    hid_pairs = [(names[i], names[j]) for i, j in hidden]
    dirs2d = S.label_directions(pts2d, vis_pairs + hid_pairs)
    # lift each 2D label direction back to 3D along the screen's right/up axes
    dirs3d = {k: tuple(d[0] * proj.matrix[0] + d[1] * proj.matrix[1]) for k, d in dirs2d.items()}
    faces = ", ".join("[" + ", ".join(f'"{names[v]}"' for v in f) + "]" for f in poly.faces)
    lines = [
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "from mpl_toolkits.mplot3d.art3d import Poly3DCollection",
        "",
        f"# Vertices of the {desc}",
        _name_dict("vertices", [(names[i], p) for i, p in enumerate(poly.vertices)]),
        "faces = [" + faces + "]"
        if len(faces) < 80
        else "faces = [\n    "
        + ",\n    ".join("[" + ", ".join(f'"{names[v]}"' for v in f) + "]" for f in poly.faces)
        + ",\n]",
        "",
        f"# Seen from elevation {elev}° and azimuth {azim}°, an edge is hidden when both of its",
        "# faces point away from the camera",
        _pairs("visible_edges", vis_pairs),
        _pairs("hidden_edges", hid_pairs),
        "",
        "fig = plt.figure(figsize=(5, 5))",
        'ax = fig.add_subplot(projection="3d")',
        "",
        "# Translucent faces",
        "polygons = [[vertices[v] for v in face] for face in faces]",
        f'ax.add_collection3d(Poly3DCollection(polygons, facecolor="{color}", alpha={alpha}, '
        'edgecolor="none"))',
        "",
        "# Edges: visible solid, hidden dashed",
        "for a, b in visible_edges:",
        '    ax.plot(*zip(vertices[a], vertices[b]), color="black", linewidth=1.6)',
        "for a, b in hidden_edges:",
        '    ax.plot(*zip(vertices[a], vertices[b]), color="black", linewidth=1.1, linestyle="--")',
        "",
        "# Vertex labels, nudged away from the edges that meet at each vertex",
        _name_dict("label_dirs", list(dirs3d.items())),
        "for name, direction in label_dirs.items():",
        f"    x, y, z = np.array(vertices[name]) + {fmt(0.08 * size)} * np.array(direction)",
        f'    ax.text(x, y, z, name, fontsize={fontsize}, ha="center", va="center")',
        "",
        "# Orthographic camera with equal scales on all three axes",
        f"ax.view_init(elev={elev}, azim={azim})",
        'ax.set_proj_type("ortho")',
        f"ax.set_xlim({fmt(lo[0])}, {fmt(hi[0])})",
        f"ax.set_ylim({fmt(lo[1])}, {fmt(hi[1])})",
        f"ax.set_zlim({fmt(lo[2])}, {fmt(hi[2])})",
        f"ax.set_box_aspect({_tup(hi - lo)})",
    ]
    if show_axes:
        lines += ['ax.set_xlabel("x")', 'ax.set_ylabel("y")', 'ax.set_zlabel("z")']
    else:
        lines.append("ax.set_axis_off()")
    lines += ["plt.show()", ""]
    facts = {
        "statements": [
            f"the figure shows a {desc} in a 3D view",
            f"{len(hid_pairs)} edges are hidden from the camera and drawn dashed",
            f"the camera is at elevation {elev} degrees and azimuth {azim} degrees",
        ],
        "labels": list(names),
        "solid": kind,
        "vertices": {names[i]: [float(v) for v in p] for i, p in enumerate(poly.vertices)},
        "hidden_edges": len(hid_pairs),
        "dashed_lines": len(hid_pairs),
        "hidden_edge_names": ["".join(p) for p in hid_pairs],
        "faces": len(poly.faces),
    }
    params = {"solid": kind, "elev": elev, "azim": azim, "alpha": alpha, "axes": show_axes}
    return Emitted("\n".join(lines), params, facts)
