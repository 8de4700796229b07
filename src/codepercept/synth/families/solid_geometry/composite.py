"""The composite solid family: stacked or notched solids, hidden parts found by ray casting."""

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
    _elev_view,
    _revolution_silhouette,
    _tup,
)

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
