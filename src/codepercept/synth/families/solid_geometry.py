"""Families of the solid_geometry domain.

Each family samples a solid (or a net, a stack of unit cubes, a coordinate scene), does the
3D geometry at generation time with :mod:`._solids` (back-face visibility, ray-cast occlusion,
plane sections, net folding, orthographic hidden lines) and emits a standalone matplotlib
program that draws the result with the hidden edges dashed. ``facts["hidden_edges"]`` is the
number of dashed hidden edges drawn; ``facts["dashed_lines"]`` the number of dashed line
artists in the figure.
"""

from __future__ import annotations

import math
import random
import string

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families import _solids as S

DOMAIN = "solid_geometry"

PALE = ["#cfe2f3", "#d9ead3", "#fff2cc", "#f4cccc", "#e6d5f0", "#fce5cd"]
STRONG = ["#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf"]
INKS = ["black", "#1a1a1a", "#22313f", "#2f2f5f"]


# -- emission helpers --------------------------------------------------------------------------


def _tup(p, nd: int = 2) -> str:
    return "(" + ", ".join(fmt(v, nd) for v in p) + ")"


def _name_dict(var: str, items: list[tuple[str, object]], nd: int = 2) -> str:
    lines = [f"{var} = {{"]
    lines += [f'    "{k}": {_tup(v, nd)},' for k, v in items]
    lines.append("}")
    return "\n".join(lines)


def _pairs(var: str, pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return f"{var} = []"
    body = ", ".join(f'("{a}", "{b}")' for a, b in pairs)
    if len(body) < 80:
        return f"{var} = [{body}]"
    lines = [f"{var} = ["]
    row = "   "
    for a, b in pairs:
        item = f' ("{a}", "{b}"),'
        if len(row) + len(item) > 96:
            lines.append(row)
            row = "   "
        row += item
    lines.append(row)
    lines.append("]")
    return "\n".join(lines)


def _vertex_names(n_base: int, top: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Names for a base polygon and (optionally) a top polygon of the same size."""
    base = list(string.ascii_uppercase[:n_base])
    if not top:
        return base, []
    if n_base == 4 and rng.random() < 0.5:
        return base, list("EFGH")
    return base, [c + "'" for c in base]


def _oblique_code(scale: float, angle: int) -> str:
    kind = "Cabinet" if scale == 0.5 else "Cavalier" if scale == 1 else "Oblique"
    return (
        f"# {kind} projection: the receding y axis is drawn at {angle}° and scaled by "
        f"{fmt(scale)}\n"
        f"angle = np.radians({angle})\n"
        f"k = {fmt(scale)}\n\n\n"
        "def project(point):\n"
        "    x, y, z = point\n"
        "    return np.array([x + k * y * np.cos(angle), z + k * y * np.sin(angle)])\n"
    )


def _label_block(
    dirs: dict[str, tuple[float, float]],
    offset: float,
    fontsize: int,
    color: str,
    what: str = "Vertex labels",
) -> str:
    """Code that writes each point's name beside it, in a direction clear of its edges."""
    body = ", ".join(f'"{k}": {_tup(v)}' for k, v in dirs.items())
    head = "label_dirs = {" + body + "}"
    if len(head) > 96:
        head = (
            "label_dirs = {\n" + "".join(f'    "{k}": {_tup(v)},\n' for k, v in dirs.items()) + "}"
        )
    return (
        f"# {what}, placed in the widest gap between the edges at each point\n"
        f"{head}\n"
        "for name, direction in label_dirs.items():\n"
        f"    x, y = points[name] + {fmt(offset)} * np.array(direction)\n"
        f'    ax.text(x, y, name, fontsize={fontsize}, color="{color}", ha="center", '
        'va="center")\n'
    )


def _dims_block(dims, pts2d: dict[str, np.ndarray], offset: float, fontsize: int) -> str:
    """Code that writes edge lengths beside the middle of their edges, on the outer side."""
    centre = np.mean(list(pts2d.values()), axis=0)
    rows = []
    for (a, b), text in dims:
        n = S.side_offset(pts2d[a], pts2d[b], centre)
        rows.append(f'    ("{a}", "{b}", "{text}", {_tup(n)}),')
    return (
        "# Edge lengths beside the middle of each edge, on its outer side\n"
        "lengths = [\n" + "\n".join(rows) + "\n]\n"
        "for a, b, text, normal in lengths:\n"
        f"    x, y = (points[a] + points[b]) / 2 + {fmt(offset)} * np.array(normal)\n"
        f'    ax.text(x, y, text, fontsize={fontsize}, color="#b03030", ha="center", '
        'va="center")\n'
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
    while True:
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
    while True:
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


# -- 3. solids of revolution --------------------------------------------------------------------

_ROUND_VIEW = (
    "\n\ndef project(x, y, z):\n"
    '    """Orthographic view from the front, raised by elev: depth y shrinks by sin(elev),\n'
    '    heights by cos(elev)."""\n'
    "    return x, y * np.sin(elev) + z * np.cos(elev)\n"
)


def _revolution_silhouette(r_bottom: float, r_top: float, h: float, elev: float) -> float:
    """Angle t1 where the side of a cone/frustum/cylinder is edge-on to the viewer.

    The side normal at angle t is (h cos t, h sin t, r_bottom - r_top); the view direction for
    ``project`` is (0, cos e, -sin e). Their product vanishes where
    sin t = (r_bottom - r_top) tan(e) / h, at t1 and pi - t1; the side faces away (and the
    bottom rim behind it is hidden) for t in (t1, pi - t1).
    """
    s = (r_bottom - r_top) * math.tan(math.radians(elev)) / h
    if not -1 < s < 1:
        raise ValueError("the side has no silhouette from this elevation")
    return math.asin(s)


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


def _seg_list(var: str, segs) -> str:
    rows = [f"    (({fmt(a[0])}, {fmt(a[1])}), ({fmt(b[0])}, {fmt(b[1])}))," for a, b in segs]
    return f"{var} = [\n" + "\n".join(rows) + "\n]"


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


# -- 5. unit-cube solids: three views and counting ---------------------------------------------


def _height_map(rng: random.Random, nx: int, ny: int, max_h: int) -> dict[tuple[int, int], int]:
    """Column heights on an nx x ny grid: the back-left column is always filled, the others
    are 0..max_h, and every filled column touches an earlier one (the stack is connected)."""
    while True:
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
    while True:
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


# -- 7. inscribed and circumscribed solids ------------------------------------------------------


def _elev_view(elev: float) -> S.Projection:
    """The projection written by ``_ROUND_VIEW``: (x, y, z) -> (x, y sin e + z cos e)."""
    e = math.radians(elev)
    m = np.array([[1.0, 0.0, 0.0], [0.0, math.sin(e), math.cos(e)]])
    return S.Projection(m, np.array([0.0, math.cos(e), -math.sin(e)]))


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


# -- 9. composite solids ------------------------------------------------------------------------

_SIDES = 96  # polygon used for round parts in the occlusion test


def _cylinder_part(r: float, z0: float, z1: float) -> S.Polyhedron:
    p = S.prism(S.regular_polygon(_SIDES, r), z1 - z0)
    p.vertices[:, 2] += z0
    return p


def _cone_part(r: float, z0: float, h: float) -> S.Polyhedron:
    p = S.pyramid(S.regular_polygon(_SIDES, r), (0.0, 0.0, h))
    p.vertices[:, 2] += z0
    return p


@register(
    "composite_solid",
    DOMAIN,
    "Composite solids (cylinder on a cuboid, cone on a cylinder, cuboid on a cuboid, cuboid "
    "with a corner notch cut out); every edge and rim split into visible and hidden (dashed) "
    "parts by ray casting against all the parts.",
)
def composite_solid(rng: random.Random) -> Emitted:
    kind = rng.choice(["cylinder_on_cuboid", "cone_on_cylinder", "stepped_block", "notched_block"])
    elev = rng.choice([18, 20, 25, 30])
    view = _elev_view(elev)
    turn = rng.choice([20, 25, 30, 35, -25, -30])
    t = math.radians(turn)
    rot = np.array([[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0], [0, 0, 1]])
    ink = rng.choice(INKS)
    segments: list[tuple[np.ndarray, np.ndarray]] = []
    arcs: list[tuple[tuple[float, float, float], float, float, float]] = []  # centre, r, t0, t1
    solids = []
    dims_text: list[str] = []

    def add_box(dx, dy, dz, z0=0.0, skip_edges=()):
        box = S.box(dx, dy, dz, (-dx / 2, -dy / 2, z0))
        box.vertices = box.vertices @ rot.T
        solids.append(box.halfspaces())
        for i, j in sorted(box.edges()):
            if (i, j) not in skip_edges:
                segments.append((box.vertices[i], box.vertices[j]))
        return box

    if kind == "cylinder_on_cuboid":
        dx, dy, dz = rng.choice([5, 6]), rng.choice([4, 5]), rng.choice([1.5, 2])
        r, h = rng.choice([1.2, 1.5, 1.8]), rng.choice([2, 2.5, 3])
        add_box(dx, dy, dz)
        solids.append(_cylinder_part(r, dz, dz + h).halfspaces())
        arcs += [((0, 0, dz), r, 0, 2 * math.pi), ((0, 0, dz + h), r, 0, 2 * math.pi)]
        segments += [(np.array([x, 0, dz]), np.array([x, 0, dz + h])) for x in (-r, r)]
        desc = (
            f"a cylinder (radius {fmt(r)}, height {fmt(h)}) standing on a {dx} x {dy} x "
            f"{fmt(dz)} cuboid"
        )
        title = "Cylinder on a cuboid"
        dims_text = [f"r = {fmt(r)}", f"h = {fmt(h)}"]
    elif kind == "cone_on_cylinder":
        r, h1, h2 = rng.choice([1.5, 2]), rng.choice([2, 3]), rng.choice([2, 2.5, 3])
        solids += [_cylinder_part(r, 0, h1).halfspaces(), _cone_part(r, h1, h2).halfspaces()]
        t1 = _revolution_silhouette(r, 0, h2, elev)
        arcs += [((0, 0, 0), r, 0, 2 * math.pi), ((0, 0, h1), r, 0, 2 * math.pi)]
        segments += [(np.array([x, 0, 0]), np.array([x, 0, h1])) for x in (-r, r)]
        apex = np.array([0, 0, h1 + h2])
        segments += [
            (np.array([r * math.cos(s), r * math.sin(s), h1]), apex) for s in (t1, math.pi - t1)
        ]
        desc = f"a cone (height {fmt(h2)}) on a cylinder (radius {fmt(r)}, height {fmt(h1)})"
        title = "Cone on a cylinder"
        dims_text = [f"r = {fmt(r)}"]
    elif kind == "stepped_block":
        dx, dy, dz = rng.choice([5, 6]), rng.choice([4, 5]), rng.choice([1.5, 2])
        sx, sy, sz = dx - rng.choice([2, 3]), dy - 2, rng.choice([1.5, 2, 2.5])
        add_box(dx, dy, dz)
        add_box(sx, sy, sz, dz)
        desc = f"a {sx} x {sy} x {fmt(sz)} cuboid centred on a {dx} x {dy} x {fmt(dz)} cuboid"
        title = "Stepped block"
    else:
        dx, dy, dz = rng.choice([5, 6]), rng.choice([3, 4]), rng.choice([3, 4])
        nx_, nz = rng.choice([2, 2.5]), rng.choice([1.5, 2])
        # an L-shaped prism along y: the block minus a notch at its top right
        x0, x1, xn = -dx / 2, dx / 2, dx / 2 - nx_
        profile = [(x0, 0), (x1, 0), (x1, dz - nz), (xn, dz - nz), (xn, dz), (x0, dz)]
        near = [np.array([x, -dy / 2, z]) for x, z in profile]
        far = [np.array([x, dy / 2, z]) for x, z in profile]
        for k in range(6):
            segments.append((near[k], near[(k + 1) % 6]))
            segments.append((far[k], far[(k + 1) % 6]))
            segments.append((near[k], far[k]))
        segments = [(a @ rot.T, b @ rot.T) for a, b in segments]
        for bx0, bx1, bz in ((x0, xn, dz), (xn, x1, dz - nz)):
            box = S.box(bx1 - bx0, dy, bz, (bx0, -dy / 2, 0))
            box.vertices = box.vertices @ rot.T
            solids.append(box.halfspaces())
        desc = (
            f"a {dx} x {dy} x {dz} block with a {fmt(nx_)} x {fmt(nz)} notch cut along one top edge"
        )
        title = "Block with a notch"
    vis_seg, hid_seg, vis_arc, hid_arc = [], [], [], []
    for a, b in segments:
        for t0, t1, hidden in S.split_curve(lambda s, a=a, b=b: a + s * (b - a), view.view, solids):
            seg = (a + t0 * (b - a), a + t1 * (b - a))
            (hid_seg if hidden else vis_seg).append(seg)
    for centre, r, a0, a1 in arcs:
        c = np.array(centre, dtype=float)

        def on_arc(s, c=c, r=r, a0=a0, a1=a1):
            ang = a0 + s * (a1 - a0)
            return c + np.array([r * math.cos(ang), r * math.sin(ang), 0.0])

        runs = S.split_curve(on_arc, view.view, solids, n=121, min_frac=0.002)
        # a full circle: join the last run onto the first when they match
        if len(runs) > 1 and runs[0][2] == runs[-1][2]:
            first, last = runs[0], runs.pop()
            runs[0] = (last[0] - 1, first[1], first[2])
        for s0, s1, hidden in runs:
            arc = (centre, r, a0 + s0 * (a1 - a0), a0 + s1 * (a1 - a0))
            (hid_arc if hidden else vis_arc).append(arc)

    def seg_rows(segs):
        return "[\n" + "".join(f"    ({_tup(p)}, {_tup(q)}),\n" for p, q in segs) + "]"

    def arc_rows(arcs_):
        return (
            "[\n"
            + "".join(
                f"    ({_tup(c)}, {fmt(r)}, {fmt(a0, 4)}, {fmt(a1, 4)}),\n"
                for c, r, a0, a1 in arcs_
            )
            + "]"
        )

    lines = [
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "",
        f"# {desc[0].upper() + desc[1:]}, seen from {elev}° above",
        f"elev = np.radians({elev})",
        _ROUND_VIEW,
        "",
        "# Straight edges as 3D end points, already split where a part hides them",
        "visible_segments = " + seg_rows(vis_seg),
        "hidden_segments = " + (seg_rows(hid_seg) if hid_seg else "[]"),
    ]
    if arcs:
        lines += [
            "# Horizontal circular arcs: (centre, radius, start angle, end angle)",
            "visible_arcs = " + arc_rows(vis_arc),
            "hidden_arcs = " + (arc_rows(hid_arc) if hid_arc else "[]"),
        ]
    lines += [
        "",
        "fig, ax = plt.subplots(figsize=(5.5, 5.5))",
        'solid = {"color": "' + ink + '", "linewidth": 1.8}',
        'dashed = {"color": "' + ink + '", "linewidth": 1.1, "linestyle": "--"}',
        "",
        "# Edges",
        "for segments, style in ((visible_segments, solid), (hidden_segments, dashed)):",
        "    for p, q in segments:",
        "        ax.plot(*project(*np.transpose([p, q])), **style)",
    ]
    if arcs:
        lines += [
            "",
            "# Rims",
            "for arcs, style in ((visible_arcs, solid), (hidden_arcs, dashed)):",
            "    for (cx, cy, cz), r, t0, t1 in arcs:",
            "        t = np.linspace(t0, t1, 80)",
            "        ax.plot(*project(cx + r * np.cos(t), cy + r * np.sin(t), cz), **style)",
        ]
    labels = [title]
    show_dims = bool(dims_text) and rng.random() < 0.6
    if show_dims:
        top = max(float(view(p)[1]) for s in vis_seg for p in s)
        right = max(float(view(p)[0]) for s in vis_seg for p in s)
        lines += [
            "",
            "# Dimensions of the round part",
            f'ax.text({fmt(right + 0.3)}, {fmt(top)}, "'
            + "\\n".join(dims_text)
            + '", fontsize=12, color="#b03030", va="top")',
        ]
        labels += dims_text
    lines += [
        "",
        f'ax.set_title("{title}")',
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        "plt.show()",
        "",
    ]
    n_hidden = len(hid_seg) + len(hid_arc)
    facts = {
        "statements": [
            f"the figure shows {desc}",
            f"{n_hidden} edge pieces are hidden by the solid and drawn dashed",
        ],
        "labels": labels,
        "composite": kind,
        "hidden_edges": n_hidden,
        "dashed_lines": n_hidden,
        "visible_pieces": len(vis_seg) + len(vis_arc),
    }
    if show_dims:
        facts["labels"] = [title, "\n".join(dims_text)]
    params = {"composite": kind, "elev": elev, "turn": turn, "dimensions": show_dims}
    return Emitted("\n".join(lines), params, facts)


# -- 10. prism nets ------------------------------------------------------------------------------


def _polygon_on_edge(p0: np.ndarray, p1: np.ndarray, n: int) -> list[np.ndarray]:
    """Regular n-gon with side p0 -> p1, lying to the left of that direction."""
    pts = [p0, p1]
    step = p1 - p0
    turn = 2 * math.pi / n
    rot = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    for _ in range(n - 2):
        step = rot @ step
        pts.append(pts[-1] + step)
    return pts


@register(
    "prism_net",
    DOMAIN,
    "Net of a right prism (triangular, square, pentagonal or hexagonal base): a strip of "
    "lateral rectangles with the two bases attached at random positions, cut outline solid, "
    "fold lines dashed, edge lengths annotated.",
)
def prism_net(rng: random.Random) -> Emitted:
    n = rng.choice([3, 4, 5, 6])
    a = rng.choice([1.5, 2, 2.5])
    h = rng.choice([2.5, 3, 4])
    top_at, bottom_at = rng.randrange(n), rng.randrange(n)
    ink = rng.choice(INKS)
    side_color, base_color = rng.sample(PALE, 2)
    fold_dashed = rng.random() < 0.8
    shape = {3: "triangular", 4: "square", 5: "pentagonal", 6: "hexagonal"}[n]
    top = _polygon_on_edge(np.array([top_at * a, h]), np.array([(top_at + 1) * a, h]), n)
    # the bottom base hangs below its rectangle: walk its edge right to left
    bottom = _polygon_on_edge(
        np.array([(bottom_at + 1) * a, 0.0]), np.array([bottom_at * a, 0.0]), n
    )
    folds = [((k * a, 0.0), (k * a, h)) for k in range(1, n)]
    folds += [(tuple(top[0]), tuple(top[1])), (tuple(bottom[1]), tuple(bottom[0]))]
    outline = [((0.0, 0.0), (0.0, h)), ((n * a, 0.0), (n * a, h))]
    outline += [((k * a, h), ((k + 1) * a, h)) for k in range(n) if k != top_at]
    outline += [((k * a, 0.0), ((k + 1) * a, 0.0)) for k in range(n) if k != bottom_at]
    for poly in (top, bottom):
        outline += [(tuple(poly[k]), tuple(poly[(k + 1) % n])) for k in range(1, n)]

    def poly_code(pts) -> str:
        return "[" + ", ".join(_tup(p) for p in pts) + "]"

    a_text, h_text = f"a = {fmt(a)}", f"h = {fmt(h)}"
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        f"# Net of a right {shape} prism: base edge a = {fmt(a)}, height h = {fmt(h)}",
        f"a, h, n = {fmt(a)}, {fmt(h)}, {n}",
        "",
        f"fig, ax = plt.subplots(figsize=({fmt(1.2 + 0.9 * n * a, 1)}, {fmt(2.5 + 1.2 * h, 1)}))",
        "",
        "# Lateral faces: a strip of n rectangles",
        "for k in range(n):",
        f'    ax.add_patch(plt.Rectangle((k * a, 0), a, h, facecolor="{side_color}", '
        'edgecolor="none"))',
        "",
        f"# The two bases, attached to rectangles {top_at + 1} (top) and {bottom_at + 1} (bottom)",
        f"top_base = {poly_code(top)}",
        f"bottom_base = {poly_code(bottom)}",
        "for base in (top_base, bottom_base):",
        f'    ax.add_patch(plt.Polygon(base, facecolor="{base_color}", edgecolor="none"))',
        "",
        "# Cut edges around the outside; fold edges where two faces meet",
        _seg_list("outline", outline),
        _seg_list("folds", folds),
        "for (x0, y0), (x1, y1) in outline:",
        f'    ax.plot([x0, x1], [y0, y1], color="{ink}", linewidth=2)',
        "for (x0, y0), (x1, y1) in folds:",
        f'    ax.plot([x0, x1], [y0, y1], color="{ink}", linewidth=1'
        + (', linestyle="--")' if fold_dashed else ")"),
        "",
        "# Edge lengths",
        f'ax.text({fmt(((bottom_at + 1) % n + 0.5) * a)}, -0.15, "{a_text}", fontsize=12, '
        'ha="center", va="top")',
        f'ax.text(-0.15, h / 2, "{h_text}", fontsize=12, ha="right", va="center")',
        "",
        'ax.set_aspect("equal")',
        "ax.autoscale()",
        "ax.margins(0.08)",
        'ax.axis("off")',
        "plt.show()",
        "",
    ]
    facts = {
        "statements": [
            f"the net folds into a right {shape} prism",
            f"it has {n} rectangular faces and 2 {shape} bases",
            f"the base edge is {fmt(a)} and the height {fmt(h)}",
        ],
        "labels": [a_text, h_text],
        "net_type": f"{shape} prism",
        "n_faces": n + 2,
        "fold_lines": len(folds),
        "hidden_edges": 0,
        "dashed_lines": len(folds) if fold_dashed else 0,
    }
    params = {"n": n, "a": a, "h": h, "top_at": top_at, "bottom_at": bottom_at}
    return Emitted("\n".join(lines), params, facts)


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
