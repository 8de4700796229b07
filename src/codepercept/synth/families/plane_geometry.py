"""Families of the plane_geometry domain.

Each family samples a figure, rounds every coordinate the way it is written into the program
(:func:`_geom.rnd`) and computes its facts from those rounded numbers, so the facts describe
exactly what the emitted code draws. Constructions (feet, centres, intersections) are computed
by the emitted code itself with numpy, as a person would write them.
"""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register, tries
from codepercept.synth.families import _geom as g
from codepercept.synth.families._geom import Pt, Script, Theme

IMPORTS = ("import matplotlib.pyplot as plt", "import numpy as np")
FIGSIZES = ((5, 4.5), (5.5, 4.5), (6, 4.5), (5, 5), (4.5, 4.5), (6, 5))


def _triangle(rng: random.Random, lo: float, hi: float, base: float) -> list[Pt]:
    """A triangle with every angle in [lo, hi] degrees and |AB| = base, AB along the x-axis."""
    for _ in tries("triangle with angles in range"):
        a, b = rng.randint(int(lo), int(hi)), rng.randint(int(lo), int(hi))
        if lo <= 180 - a - b <= hi:
            break
    c_ang = 180 - a - b
    side_b = base * math.sin(math.radians(b)) / math.sin(math.radians(c_ang))
    return [(0.0, 0.0), (base, 0.0), g.polar(side_b, a)]


def _orientation(rng: random.Random) -> tuple[float, bool]:
    """Most textbook figures sit on a horizontal base; some are turned or mirrored."""
    r = rng.random()
    if r < 0.55:
        return 0.0, rng.random() < 0.5
    if r < 0.8:
        return float(rng.choice((180, 90, -90, 15, -15, 30))), False
    return float(rng.randint(0, 359)), rng.random() < 0.5


def _figure(s: Script, rng: random.Random, pts: list[Pt], pad: float) -> tuple[float, float]:
    """Open an equal-aspect, axis-free figure framed around pts; returns the figure size."""
    x0, x1, y0, y1 = g.bounds(pts, pad)
    w = rng.choice(FIGSIZES)[0]
    h = round(max(3.5, min(6.0, w * (y1 - y0) / (x1 - x0))), 1)
    s.step(
        "canvas: equal aspect, no axes",
        f"fig, ax = plt.subplots(figsize=({fmt(w)}, {fmt(h)}))",
        'ax.set_aspect("equal")',
        f"ax.set_xlim({fmt(x0)}, {fmt(x1)})",
        f"ax.set_ylim({fmt(y0)}, {fmt(y1)})",
        'ax.axis("off")',
    )
    return w, h


def _label_points(
    s: Script, theme: Theme, size: int, items: list[tuple[str, Pt]], comment: str
) -> None:
    """Emit one annotate call per (name, (dx, dy) offset in points) for already-defined points."""
    kw = g.text_kw(theme, size)
    lines = [
        f'ax.annotate("{name}", {name}, xytext=({off[0]}, {off[1]}), '
        f'textcoords="offset points", {kw})'
        for name, off in items
    ]
    s.step(comment, *lines)


def _define_points(s: Script, pts: dict[str, Pt], comment: str) -> None:
    s.step(comment, *(f"{n} = {g.vec(p)}" for n, p in pts.items()))


def _polygon(s: Script, theme: Theme, names: list[str], lw: float, comment: str) -> None:
    s.step(
        comment,
        f"ax.add_patch(plt.Polygon([{', '.join(names)}], closed=True, "
        f'facecolor="{theme.fill}", '
        f'edgecolor="{theme.edge}", linewidth={fmt(lw)}, zorder=1))',
    )


def _seg(a: str, b: str, color: str, lw: float, dashed: bool) -> str:
    ls = ', linestyle="--"' if dashed else ""
    return f'ax.plot([{a}[0], {b}[0]], [{a}[1], {b}[1]], color="{color}", linewidth={fmt(lw)}{ls})'


def _angle_deg_label(x: float) -> str:
    return f"{round(x)}°"


# ------------------------------------------------------------------------------------------------
@register(
    "triangle_cevians",
    "plane_geometry",
    "Triangle with an altitude, median or angle bisector (or all three of one kind meeting at "
    "the orthocentre/centroid), right-angle marks, equal-length ticks, optional side lengths.",
)
def triangle_cevians(rng: random.Random) -> Emitted:
    kind = rng.choice(("altitude", "median", "bisector", "medians", "altitudes"))
    theme = g.pick_theme(rng)
    acute = kind in ("altitude", "altitudes")
    tri = _triangle(rng, 42 if acute else 30, 76 if acute else 112, rng.uniform(5, 8))
    deg, flip = _orientation(rng)
    tri = g.place(tri, deg, flip)
    names = g.letters(rng, 4)
    if kind in ("medians", "altitudes") and {"G", "H"} & set(names[:3]):
        names = ["A", "B", "C", "D"]
    v = dict(zip(names[:3], tri, strict=True))
    na, nb, nc = names[:3]
    cen = g.centroid(tri)
    span = max(g.dist(p, q) for p in tri for q in tri)
    mark = round(0.045 * span, 2)
    dashed = rng.random() < 0.5
    lw = rng.choice((1.5, 2.0, 2.5))
    fsize = rng.choice((13, 14, 15, 16))
    s = Script(*IMPORTS)
    _define_points(s, v, f"vertices of triangle {na}{nb}{nc}")
    _figure(s, rng, tri, 0.1 * span + 0.4)
    _polygon(s, theme, [na, nb, nc], lw, f"triangle {na}{nb}{nc}")
    statements = [f"{na}{nb}{nc} is a triangle"]
    labels = [na, nb, nc]
    points = dict(v)
    offsets = [(n, g.offset_away(v[n], cen)) for n in (na, nb, nc)]
    n_dashed = 0
    lines_drawn = 1
    if kind in ("altitude", "median", "bisector"):
        if kind == "bisector":
            # bisect the widest angle so both half-angle labels have room
            apex = max((na, nb, nc), key=lambda n: g.angle_at(v[n], *(v[m] for m in v if m != n)))
        else:
            apex = rng.choice((na, nb, nc))
        p, q = [n for n in (na, nb, nc) if n != apex]
        dn = names[3]
        A, P, Q = v[apex], v[p], v[q]
        if kind == "altitude":
            D = g.foot(A, P, Q)
            s.step(
                f"{dn}: foot of the altitude from {apex} onto {p}{q}",
                f"{p}{q} = {q} - {p}",
                f"{dn} = {p} + np.dot({apex} - {p}, {p}{q}) / np.dot({p}{q}, {p}{q}) * {p}{q}",
                _seg(apex, dn, theme.accent, lw * 0.7, dashed),
            )
            far = p if g.dist(D, P) > g.dist(D, Q) else q
            s.step(
                f"right-angle mark at {dn}",
                f"u = ({far} - {dn}) / np.linalg.norm({far} - {dn})",
                f"w = ({apex} - {dn}) / np.linalg.norm({apex} - {dn})",
                f"corner = np.array([{dn} + {fmt(mark)} * u, {dn} + {fmt(mark)} * (u + w), "
                f"{dn} + {fmt(mark)} * w])",
                f'ax.plot(corner[:, 0], corner[:, 1], color="{theme.aux}", linewidth=1)',
            )
            statements += [
                f"{apex}{dn} is the altitude from {apex} to {p}{q}",
                f"{apex}{dn} is perpendicular to {p}{q}, marked with a right-angle square at {dn}",
            ]
            lines_drawn += 2
            if rng.random() < 0.5:
                h = g.dist(A, D)
                hl = f"{h:.1f}"
                mid = g.lerp(A, D, 0.5)
                side = g.unit(g.sub(P, D)) if g.dist(P, D) > g.dist(Q, D) else g.unit(g.sub(Q, D))
                off = g.offset_dir(side, 11)
                s.step(
                    "length of the altitude",
                    f'ax.annotate("{hl}", ({apex} + {dn}) / 2, xytext=({off[0]}, {off[1]}), '
                    f'textcoords="offset points", fontsize={fsize - 3}, color="{theme.accent}", '
                    'ha="center", va="center")',
                )
                labels.append(hl)
                statements.append(f"the altitude {apex}{dn} has length {hl}")
                points_extra = {"altitude_label_at": list(mid)}
            else:
                points_extra = {}
        elif kind == "median":
            D = g.lerp(P, Q, 0.5)
            s.step(
                f"{dn}: midpoint of {p}{q}, joined to {apex}",
                f"{dn} = ({p} + {q}) / 2",
                _seg(apex, dn, theme.accent, lw * 0.7, dashed),
            )
            s.step(
                f"equal-length ticks on {p}{dn} and {dn}{q}",
                f"for start, end in [({p}, {dn}), ({dn}, {q})]:",
                "    mid = (start + end) / 2",
                "    normal = np.array([start[1] - end[1], end[0] - start[0]])",
                "    normal = normal / np.linalg.norm(normal)",
                f"    tick = np.array([mid - {fmt(mark * 0.6)} * normal, "
                f"mid + {fmt(mark * 0.6)} * normal])",
                f'    ax.plot(tick[:, 0], tick[:, 1], color="{theme.aux}", linewidth=1.2)',
            )
            statements += [
                f"{dn} is the midpoint of {p}{q}",
                f"{apex}{dn} is the median from {apex}",
                f"{p}{dn} = {dn}{q}, shown by tick marks",
            ]
            lines_drawn += 3
            points_extra = {}
        else:
            lb, lc = g.dist(A, Q), g.dist(A, P)
            D = ((lb * P[0] + lc * Q[0]) / (lb + lc), (lb * P[1] + lc * Q[1]) / (lb + lc))
            s.step(
                f"{dn}: where the bisector of angle {apex} meets {p}{q} ({p}{dn} : {dn}{q} = "
                f"{apex}{p} : {apex}{q})",
                f"side_{p.lower()} = np.linalg.norm({p} - {apex})",
                f"side_{q.lower()} = np.linalg.norm({q} - {apex})",
                f"{dn} = (side_{q.lower()} * {p} + side_{p.lower()} * {q}) / "
                f"(side_{p.lower()} + side_{q.lower()})",
                _seg(apex, dn, theme.accent, lw * 0.7, dashed),
            )
            t1, t2 = g.arc_span(A, P, Q)
            tm = g.heading(g.sub(D, A))
            if tm < t1:
                tm += 360
            r = round(0.11 * span, 2)
            half = (t2 - t1) / 2
            hl = _angle_deg_label(half)
            lab1 = g.polar(r * 1.9, (t1 + tm) / 2, A)
            lab2 = g.polar(r * 1.9, (tm + t2) / 2, A)
            s.need("from matplotlib.patches import Arc")
            s.step(
                f"two equal arcs: the bisector halves angle {apex}",
                f"ax.add_patch(Arc({apex}, {fmt(2 * r)}, {fmt(2 * r)}, theta1={fmt(t1, 1)}, "
                f'theta2={fmt(tm, 1)}, color="{theme.aux}", linewidth=1.2))',
                f"ax.add_patch(Arc({apex}, {fmt(2.5 * r)}, {fmt(2.5 * r)}, theta1={fmt(tm, 1)}, "
                f'theta2={fmt(t2, 1)}, color="{theme.aux}", linewidth=1.2))',
                f'ax.text({fmt(lab1[0])}, {fmt(lab1[1])}, "{hl}", fontsize={fsize - 4}, '
                'ha="center", va="center")',
                f'ax.text({fmt(lab2[0])}, {fmt(lab2[1])}, "{hl}", fontsize={fsize - 4}, '
                'ha="center", va="center")',
            )
            labels += [hl, hl]
            statements += [
                f"{apex}{dn} bisects angle {p}{apex}{q}",
                f"each half of angle {apex} is marked {hl}",
            ]
            lines_drawn += 1
            points_extra = {}
        n_dashed += int(dashed)
        points[dn] = D
        labels.append(dn)
        offsets.append((dn, g.offset_dir(g.outward_normal(P, Q, cen))))
        if kind != "median" and rng.random() < 0.6:
            # side lengths of the two sides meeting at the apex
            kw = f'fontsize={fsize - 3}, color="{theme.aux}", ha="center", va="center"'
            side_lines = []
            for x, y in ((apex, p), (apex, q)):
                ln = f"{g.dist(v[x], v[y]):.1f}"
                off = g.offset_dir(g.outward_normal(v[x], v[y], cen), 12)
                side_lines.append(
                    f'ax.annotate("{ln}", ({x} + {y}) / 2, xytext=({off[0]}, {off[1]}), '
                    f'textcoords="offset points", {kw})'
                )
                labels.append(ln)
                statements.append(f"side {x}{y} is labelled {ln}")
            s.step("side lengths", *side_lines)
        facts_extra: dict = {"cevian": [apex, dn], **points_extra}
    else:
        mids = {}
        cname = "G" if kind == "medians" else "H"
        if kind == "medians":
            s.step(
                "the three medians meet at the centroid G",
                "G = (" + " + ".join((na, nb, nc)) + ") / 3",
                f"for vertex, p, q in [({na}, {nb}, {nc}), ({nb}, {nc}, {na}), ({nc}, {na}, {nb})]:",
                "    midpoint = (p + q) / 2",
                "    ax.plot([vertex[0], midpoint[0]], [vertex[1], midpoint[1]], "
                f'color="{theme.accent}", linewidth={fmt(lw * 0.6)}'
                + (', linestyle="--")' if dashed else ")"),
            )
            for x, y in ((nb, nc), (nc, na), (na, nb)):
                mids[x + y] = g.lerp(v[x], v[y], 0.5)
            H = g.centroid(tri)
            statements += [
                "the three medians are drawn from each vertex to the midpoint of the opposite side",
                "the medians meet at the centroid G",
            ]
        else:
            s.step(
                "the three altitudes meet at the orthocentre H",
                f"for vertex, p, q in [({na}, {nb}, {nc}), ({nb}, {nc}, {na}), ({nc}, {na}, {nb})]:",
                "    foot = p + np.dot(vertex - p, q - p) / np.dot(q - p, q - p) * (q - p)",
                "    ax.plot([vertex[0], foot[0]], [vertex[1], foot[1]], "
                f'color="{theme.accent}", linewidth={fmt(lw * 0.6)}'
                + (', linestyle="--")' if dashed else ")"),
                "    far = q if np.linalg.norm(q - foot) > np.linalg.norm(p - foot) else p",
                "    u = (far - foot) / np.linalg.norm(far - foot)",
                "    w = (vertex - foot) / np.linalg.norm(vertex - foot)",
                f"    corner = np.array([foot + {fmt(mark)} * u, foot + {fmt(mark)} * (u + w), "
                f"foot + {fmt(mark)} * w])",
                f'    ax.plot(corner[:, 0], corner[:, 1], color="{theme.aux}", linewidth=1)',
                f"# H satisfies (H - {na})·({nc} - {nb}) = 0 and (H - {nb})·({na} - {nc}) = 0",
                f"H = np.linalg.solve(np.array([{nc} - {nb}, {na} - {nc}]), "
                f"np.array([np.dot({na}, {nc} - {nb}), np.dot({nb}, {na} - {nc})]))",
            )
            A, B, C = tri
            ha = g.foot(A, B, C)
            hb = g.foot(B, C, A)
            # orthocentre: intersection of altitudes A-ha and B-hb
            d1, d2 = g.sub(ha, A), g.sub(hb, B)
            t = g.cross(g.sub(B, A), d2) / g.cross(d1, d2)
            H = g.add(A, g.mul(d1, t))
            statements += [
                "the three altitudes are drawn, each with a right-angle mark at its foot",
                "the altitudes meet at the orthocentre H",
            ]
        n_dashed += 3 * int(dashed)
        lines_drawn += 3
        s.step(
            f"mark {cname}",
            f'ax.plot({cname}[0], {cname}[1], "o", color="{theme.accent}", markersize=4)',
        )
        points[cname] = H
        labels.append(cname)
        # push the label of the interior point away from the nearest vertex
        near = min(tri, key=lambda p: g.dist(p, H))
        offsets.append((cname, g.offset_away(H, near, 11)))
        facts_extra = {"kind_point": cname}
    _label_points(s, theme, fsize, offsets, "point labels, pushed away from the figure")
    code = s.finish()
    facts = {
        "statements": statements,
        "labels": labels,
        "points": {k: [round(p[0], 3), round(p[1], 3)] for k, p in points.items()},
        "vertices": [na, nb, nc],
        "n_dashed": n_dashed,
        "kind": kind,
        **facts_extra,
    }
    return Emitted(code, {"kind": kind, "theme": theme.name, "rotation": deg, "flip": flip}, facts)


def _pfacts(points: dict[str, Pt]) -> dict[str, list[float]]:
    return {k: [round(p[0], 3), round(p[1], 3)] for k, p in points.items()}


# ------------------------------------------------------------------------------------------------
@register(
    "triangle_circles",
    "plane_geometry",
    "Triangle with its incircle (incentre, tangency points, inradius) and/or circumcircle "
    "(circumcentre, radii to the vertices).",
)
def triangle_circles(rng: random.Random) -> Emitted:
    kind = rng.choice(("incircle", "circumcircle", "both"))
    theme = g.pick_theme(rng)
    tri = _triangle(rng, 38, 95 if kind != "incircle" else 110, rng.uniform(5, 8))
    deg, flip = _orientation(rng)
    tri = g.place(tri, deg, flip)
    # vertex names that cannot clash with the program's I, O, R, T, M variables
    names = list(rng.choice(("ABC", "ABC", "DEF", "XYZ", "KLN")))
    na, nb, nc = names
    v = dict(zip(names, tri, strict=True))
    cen = g.centroid(tri)
    lw = rng.choice((1.5, 2.0))
    fsize = rng.choice((13, 14, 15))
    s = Script(*IMPORTS)
    _define_points(s, v, f"vertices of triangle {na}{nb}{nc}")
    frame = list(tri)
    (oc, R) = g.circumcircle(*tri)
    (ic, r) = g.incircle(*tri)
    if kind != "incircle":
        frame += [g.add(oc, (R, R)), g.sub(oc, (R, R))]
    span = max(p[0] for p in frame) - min(p[0] for p in frame)
    _figure(s, rng, frame, 0.08 * span + 0.45)
    _polygon(s, theme, names, lw, f"triangle {na}{nb}{nc}")
    statements = [f"{na}{nb}{nc} is a triangle"]
    labels = list(names)
    points = dict(v)
    offsets = [(n, g.offset_away(v[n], cen if kind == "incircle" else oc)) for n in names]
    circles = []
    n_dashed = 0
    dash = rng.random() < 0.6
    if kind in ("incircle", "both"):
        s.step(
            "incentre I: vertices weighted by the opposite side lengths; inradius = area / s",
            f"a = np.linalg.norm({nb} - {nc})",
            f"b = np.linalg.norm({nc} - {na})",
            f"c = np.linalg.norm({na} - {nb})",
            f"I = (a * {na} + b * {nb} + c * {nc}) / (a + b + c)",
            f"area = 0.5 * abs(({nb} - {na})[0] * ({nc} - {na})[1] - ({nb} - {na})[1] * ({nc} - {na})[0])",
            "r = area / ((a + b + c) / 2)",
            f'ax.add_patch(plt.Circle(I, r, fill=False, edgecolor="{theme.accent}", linewidth={fmt(lw)}))',
            f'ax.plot(I[0], I[1], "o", color="{theme.accent}", markersize=4)',
        )
        circles.append({"center": [round(ic[0], 3), round(ic[1], 3)], "radius": round(r, 3)})
        points["I"] = ic
        labels.append("I")
        t = g.foot(ic, v[na], v[nb])  # tangency point on the first side, where the radius goes
        # I's label goes opposite the drawn radius (and, with both circles, away from O too)
        away = g.unit(g.sub(ic, t))
        if kind == "both" and g.dist(ic, oc) > 1e-6:
            away = g.add(away, g.unit(g.sub(ic, oc)))
        offsets.append(("I", g.offset_dir(away if g.norm(away) > 1e-6 else (0.0, 1.0), 11)))
        statements += [
            f"the incircle of {na}{nb}{nc} has centre I and radius {r:.2f}",
            "the incircle is tangent to all three sides",
        ]
        # radius to the tangency point on the first side (below or beside I)
        p, q = (na, nb)
        s.step(
            f"inradius to the tangency point on {p}{q}",
            f"T = {p} + np.dot(I - {p}, {q} - {p}) / np.dot({q} - {p}, {q} - {p}) * ({q} - {p})",
            _seg("I", "T", theme.aux, 1.2, dash),
        )
        n_dashed += int(dash)
        if rng.random() < 0.5:
            lab = "r"
            labels.append(lab)
            off = g.offset_dir(g.unit(g.sub(v[q], v[p])), 9)
            s.step(
                "name the inradius",
                f'ax.annotate("{lab}", (I + T) / 2, xytext=({off[0]}, {off[1]}), '
                f'textcoords="offset points", fontsize={fsize - 2}, style="italic", ha="center", va="center")',
            )
        statements.append(f"IT is a radius of the incircle, perpendicular to {p}{q}")
        facts_t = {"T": [round(t[0], 3), round(t[1], 3)]}
    else:
        facts_t = {}
    if kind in ("circumcircle", "both"):
        s.step(
            "circumcentre O is equidistant from the three vertices: solve two linear equations",
            f"M = 2 * np.array([{nb} - {na}, {nc} - {na}])",
            f"rhs = np.array([{nb} @ {nb} - {na} @ {na}, {nc} @ {nc} - {na} @ {na}])",
            "O = np.linalg.solve(M, rhs)",
            f"R = np.linalg.norm({na} - O)",
            f'ax.add_patch(plt.Circle(O, R, fill=False, edgecolor="{theme.edge}", linewidth={fmt(lw * 0.8)}))',
            f'ax.plot(O[0], O[1], "o", color="{theme.edge}", markersize=4)',
        )
        circles.append({"center": [round(oc[0], 3), round(oc[1], 3)], "radius": round(R, 3)})
        points["O"] = oc
        labels.append("O")
        nearest = min(tri, key=lambda p: g.dist(p, oc))
        offsets.append(
            ("O", g.offset_away(oc, nearest, 11) if g.dist(nearest, oc) > 1e-6 else (0, 12))
        )
        n_radii = rng.choice((1, 3))
        which = [na, nb, nc][:n_radii]
        s.step(
            "radii of the circumcircle",
            f"for vertex in [{', '.join(which)}]:",
            f'    ax.plot([O[0], vertex[0]], [O[1], vertex[1]], color="{theme.aux}", linewidth=1'
            + (', linestyle="--")' if dash else ")"),
        )
        n_dashed += n_radii * int(dash)
        statements += [
            f"the circumcircle of {na}{nb}{nc} has centre O and radius {R:.2f}",
            "the circumcircle passes through all three vertices",
        ]
    _label_points(s, theme, fsize, offsets, "point labels")
    facts = {
        "statements": statements,
        "labels": labels,
        "points": _pfacts(points),
        "vertices": names,
        "circles": circles,
        "n_dashed": n_dashed,
        "kind": kind,
        **facts_t,
    }
    return Emitted(s.finish(), {"kind": kind, "theme": theme.name, "rotation": deg}, facts)


# ------------------------------------------------------------------------------------------------
def _quad(rng: random.Random, kind: str) -> list[Pt]:
    a = rng.uniform(4.5, 7)
    b = rng.uniform(2.8, 4.5)
    ang = math.radians(rng.uniform(55, 75))
    if kind == "parallelogram":
        d = (b * math.cos(ang), b * math.sin(ang))
        return [(0, 0), (a, 0), (a + d[0], d[1]), d]
    if kind == "rectangle":
        return [(0, 0), (a, 0), (a, b), (0, b)]
    if kind == "square":
        return [(0, 0), (b + 1, 0), (b + 1, b + 1), (0, b + 1)]
    if kind == "rhombus":
        d = (a * 0.7 * math.cos(ang), a * 0.7 * math.sin(ang))
        return [(0, 0), (a * 0.7, 0), (a * 0.7 + d[0], d[1]), d]
    if kind == "trapezoid":
        top = rng.uniform(0.35, 0.65) * a
        shift = rng.uniform(0.1, 0.9) * (a - top) if rng.random() < 0.5 else (a - top) / 2
        return [(0, 0), (a, 0), (shift + top, b), (shift, b)]
    # kite: symmetric about the vertical axis, the short pair of sides at the bottom
    w, cross_y = rng.uniform(1.8, 2.8), rng.uniform(1.6, 2.6)
    return [(0.0, 0.0), (w, cross_y), (0.0, rng.uniform(5.0, 6.5)), (-w, cross_y)]


def _ticks_code(segs: list[tuple[Pt, Pt]], color: str) -> list[str]:
    rows = ", ".join(f"({g.tup(a)}, {g.tup(b)})" for a, b in segs)
    return [
        f"for (x0, y0), (x1, y1) in [{rows}]:",
        f'    ax.plot([x0, x1], [y0, y1], color="{color}", linewidth=1.2)',
    ]


@register(
    "quadrilateral_diagonals",
    "plane_geometry",
    "Parallelogram, rectangle, square, rhombus, trapezoid or kite with its diagonals and their "
    "intersection, equal-side ticks, parallel-side arrows, right-angle marks and side lengths.",
)
def quadrilateral_diagonals(rng: random.Random) -> Emitted:
    kind = rng.choice(("parallelogram", "rectangle", "square", "rhombus", "trapezoid", "kite"))
    theme = g.pick_theme(rng)
    deg = rng.choice((0.0, 0.0, 0.0, 90.0, 180.0, float(rng.randint(-25, 25))))
    flip = rng.random() < 0.3
    quad = g.place(_quad(rng, kind), deg, flip)
    names = g.letters(rng, 4)
    na, nb, nc, nd = names
    iname = "O" if "O" not in names else "E"
    v = dict(zip(names, quad, strict=True))
    cen = g.centroid(quad)
    span = max(g.dist(p, q) for p in quad for q in quad)
    mk = round(0.035 * span, 2)
    lw = rng.choice((1.5, 2.0, 2.5))
    fsize = rng.choice((13, 14, 15))
    dash = rng.random() < 0.55
    s = Script(*IMPORTS)
    _define_points(s, v, f"vertices of {kind} {''.join(names)}")
    _figure(s, rng, quad, 0.1 * span + 0.4)
    _polygon(s, theme, names, lw, f"the {kind}")
    A, B, C, D = quad
    d1, d2 = g.sub(C, A), g.sub(B, D)
    tpar = g.cross(g.sub(B, A), d2) / g.cross(d1, d2)
    X = g.add(A, g.mul(d1, tpar))
    s.step(
        f"diagonals {na}{nc} and {nb}{nd}, and the point {iname} where they cross",
        _seg(na, nc, theme.accent, lw * 0.6, dash),
        _seg(nb, nd, theme.accent, lw * 0.6, dash),
        f"t = np.linalg.solve(np.column_stack([{nc} - {na}, {nb} - {nd}]), {nb} - {na})[0]",
        f"{iname} = {na} + t * ({nc} - {na})",
    )
    statements = [
        f"{''.join(names)} is a {kind}",
        f"the diagonals {na}{nc} and {nb}{nd} meet at {iname}",
    ]
    sides = [(na, nb), (nb, nc), (nc, nd), (nd, na)]
    ticks: list[tuple[Pt, Pt]] = []
    n_right = 0
    # equal sides are shown either by tick marks or by written lengths (both would collide)
    use_ticks = rng.random() < 0.6
    if use_ticks and kind in ("rhombus", "square"):
        for x, y in sides:
            ticks += g.tick_mark(v[x], v[y], 1, mk)
        statements.append("all four sides are equal, shown by tick marks")
    elif use_ticks and kind in ("parallelogram", "rectangle"):
        for (x, y), n in zip(sides, (1, 2, 1, 2), strict=True):
            ticks += g.tick_mark(v[x], v[y], n, mk)
        statements.append("opposite sides are equal, shown by tick marks")
    elif use_ticks and kind == "kite":
        for (x, y), n in zip(sides, (1, 2, 2, 1), strict=True):
            ticks += g.tick_mark(v[x], v[y], n, mk)
        statements.append(f"{na}{nb} = {nd}{na} and {nb}{nc} = {nc}{nd}, shown by tick marks")
    if ticks:
        s.step("equal-length tick marks", *_ticks_code(ticks, theme.aux))
    if kind == "trapezoid":
        arrows = []
        for x, y in ((na, nb), (nd, nc)):
            u = g.unit(g.sub(v[y], v[x]))
            m = g.lerp(v[x], v[y], 0.5)
            arrows.append((g.sub(m, g.mul(u, mk * 1.5)), g.add(m, g.mul(u, mk * 1.5))))
        rows = ", ".join(f"({g.tup(a)}, {g.tup(b)})" for a, b in arrows)
        s.step(
            "arrowheads mark the parallel sides",
            f"for tail, head in [{rows}]:",
            '    ax.annotate("", xy=head, xytext=tail, '
            f'arrowprops=dict(arrowstyle="-|>", mutation_scale=16, color="{theme.aux}", lw=1.2))',
        )
        statements.append(f"{na}{nb} is parallel to {nd}{nc}")
    corner_marks = []
    if kind in ("rhombus", "square", "kite"):
        corner_marks.append(g.right_mark(X, B, C, mk * 1.2))
        statements.append(f"the diagonals are perpendicular at {iname}")
    if kind in ("rectangle", "square"):
        corner_marks.append(g.right_mark(A, B, D, mk * 1.4))
        statements.append(f"the angle at {na} is a right angle")
    if corner_marks:
        n_right = len(corner_marks)
        rows = ", ".join(f"[{', '.join(g.tup(p) for p in cm)}]" for cm in corner_marks)
        s.step(
            "right-angle marks",
            f"for corner in [{rows}]:",
            "    corner = np.array(corner)",
            f'    ax.plot(corner[:, 0], corner[:, 1], color="{theme.aux}", linewidth=1)',
        )
    labels = [*names, iname]
    if not ticks and (kind != "trapezoid" or rng.random() < 0.6):
        kw = f'fontsize={fsize - 3}, color="{theme.aux}", ha="center", va="center"'
        rows = []
        for x, y in sides[:2]:
            ln = f"{g.dist(v[x], v[y]):.1f}"
            off = g.offset_dir(g.outward_normal(v[x], v[y], cen), 20)
            rows.append(
                f'ax.annotate("{ln}", ({x} + {y}) / 2, xytext=({off[0]}, {off[1]}), '
                f'textcoords="offset points", {kw})'
            )
            labels.append(ln)
            statements.append(f"side {x}{y} is labelled {ln}")
        s.step("side lengths", *rows)
    # the intersection label sits inside the sector between the half-diagonals to A and B
    off_x = g.offset_dir(g.bisector_dir(X, A, B), 12)
    offsets = [(n, g.offset_away(v[n], cen)) for n in names] + [(iname, off_x)]
    _label_points(s, theme, fsize, offsets, "point labels")
    facts = {
        "statements": statements,
        "labels": labels,
        "points": _pfacts({**v, iname: X}),
        "vertices": names,
        "n_dashed": 2 * int(dash),
        "n_right_marks": n_right,
        "kind": kind,
    }
    return Emitted(s.finish(), {"kind": kind, "theme": theme.name, "rotation": deg}, facts)


# ------------------------------------------------------------------------------------------------
def _arc_code(center: str, r: float, t1: float, t2: float, color: str, lw: float = 1.2) -> str:
    return (
        f"ax.add_patch(Arc({center}, {fmt(2 * r)}, {fmt(2 * r)}, theta1={fmt(t1, 1)}, "
        f'theta2={fmt(t2, 1)}, color="{color}", linewidth={fmt(lw)}))'
    )


@register(
    "circle_angles",
    "plane_geometry",
    "Circle with chords and radii: central vs inscribed angle on one arc, two inscribed angles "
    "on the same arc, an angle in a semicircle, or a cyclic quadrilateral, with degree labels.",
)
def circle_angles(rng: random.Random) -> Emitted:
    kind = rng.choice(("central_inscribed", "same_arc", "semicircle", "cyclic_quad"))
    theme = g.pick_theme(rng)
    R = round(rng.uniform(2.5, 4), 1)
    centre = (0.0, 0.0)
    start = rng.uniform(190, 350) if rng.random() < 0.7 else rng.uniform(0, 360)
    fsize = rng.choice((13, 14, 15))
    afs = fsize - 3
    s = Script(*IMPORTS)
    s.need("from matplotlib.patches import Arc")
    ar = round(0.18 * R, 2)
    if kind == "semicircle":
        theta = 180
    elif kind == "cyclic_quad":
        theta = 0
    else:
        theta = rng.randrange(70, 150, 2)
    names = g.letters(rng, 4)
    if "O" in names:
        names = ["A", "B", "C", "D"]
    pts: dict[str, Pt] = {}
    if kind == "cyclic_quad":
        angs = sorted(
            start + d
            for d in (0, rng.uniform(70, 110), rng.uniform(160, 200), rng.uniform(250, 290))
        )
        for n, a in zip(names, angs, strict=True):
            pts[n] = g.rnd(g.polar(R, a))
    else:
        pa, pb = names[0], names[1]
        pts[pa] = g.rnd(g.polar(R, start))
        pts[pb] = g.rnd(g.polar(R, start + theta))
        free = 360 - theta
        pts[names[2]] = g.rnd(g.polar(R, start + theta + free * rng.uniform(0.3, 0.45)))
        if kind == "same_arc":
            pts[names[3]] = g.rnd(g.polar(R, start + theta + free * rng.uniform(0.6, 0.75)))
    _define_points(s, {"O": centre, **pts}, f"circle centre O (radius {fmt(R)}) and points on it")
    _figure(s, rng, [(-R, -R), (R, R)], 0.1 * R + 0.5)
    s.step(
        "the circle",
        f'ax.add_patch(plt.Circle(O, {fmt(R)}, fill=False, edgecolor="{theme.edge}", linewidth=2))',
    )
    lw = 1.5
    statements = [f"the circle has centre O and radius {fmt(R)}"]
    labels: list[str] = []
    segs: list[tuple[str, str]] = []
    angle_marks: list[str] = []
    right = []
    show_o = True

    def angle(vn: str, pn: str, qn: str, text: str, rr: float) -> None:
        V, P, Q = ({"O": centre} | pts)[vn], ({"O": centre} | pts)[pn], ({"O": centre} | pts)[qn]
        t1, t2 = g.arc_span(V, P, Q)
        angle_marks.append(_arc_code(vn, rr, t1, t2, theme.accent))
        lab = g.polar(rr + 0.12 * R + 0.1, (t1 + t2) / 2, V)
        angle_marks.append(
            f'ax.text({fmt(lab[0])}, {fmt(lab[1])}, "{text}", fontsize={afs}, '
            f'color="{theme.accent}", ha="center", va="center")'
        )
        labels.append(text)

    if kind == "central_inscribed":
        a_, b_, p_ = names[:3]
        segs += [("O", a_), ("O", b_), (p_, a_), (p_, b_)]
        c_deg = g.angle_at(centre, pts[a_], pts[b_])
        i_deg = g.angle_at(pts[p_], pts[a_], pts[b_])
        ask = rng.random() < 0.4
        angle("O", a_, b_, _angle_deg_label(c_deg), ar)
        angle(p_, a_, b_, "x" if ask else _angle_deg_label(i_deg), ar * 1.3)
        statements += [
            f"central angle {a_}O{b_} is {round(c_deg)}°",
            f"inscribed angle {a_}{p_}{b_} subtends the same arc {a_}{b_}, so it is {round(i_deg)}°",
        ]
    elif kind == "same_arc":
        a_, b_, p_, q_ = names
        segs += [(p_, a_), (p_, b_), (q_, a_), (q_, b_)]
        i1 = g.angle_at(pts[p_], pts[a_], pts[b_])
        i2 = g.angle_at(pts[q_], pts[a_], pts[b_])
        angle(p_, a_, b_, _angle_deg_label(i1), ar * 1.3)
        angle(q_, a_, b_, "x" if rng.random() < 0.5 else _angle_deg_label(i2), ar * 1.3)
        show_o = rng.random() < 0.5
        statements.append(
            f"inscribed angles {a_}{p_}{b_} and {a_}{q_}{b_} stand on the same arc {a_}{b_}, "
            f"both {round(i1)}°"
        )
    elif kind == "semicircle":
        a_, b_, p_ = names[:3]
        segs += [(a_, b_), (p_, a_), (p_, b_)]
        right.append(g.right_mark(pts[p_], pts[a_], pts[b_], 0.09 * R))
        other = g.angle_at(pts[a_], pts[p_], pts[b_])
        angle(a_, p_, b_, _angle_deg_label(other), ar * 1.4)
        statements += [
            f"{a_}{b_} is a diameter through O",
            f"angle {a_}{p_}{b_} is a right angle (angle in a semicircle)",
        ]
    else:
        a_, b_, c_, d_ = names
        segs += [(a_, b_), (b_, c_), (c_, d_), (d_, a_)]
        ang_a = g.angle_at(pts[a_], pts[b_], pts[d_])
        ang_c = g.angle_at(pts[c_], pts[b_], pts[d_])
        angle(a_, b_, d_, _angle_deg_label(ang_a), ar * 1.4)
        angle(c_, b_, d_, "x" if rng.random() < 0.5 else _angle_deg_label(ang_c), ar * 1.4)
        show_o = rng.random() < 0.5
        statements.append(
            f"{a_}{b_}{c_}{d_} is a cyclic quadrilateral: angles {a_} and {c_} sum to 180°"
        )
    s.step(
        "chords and radii",
        *(_seg(p, q, theme.edge if "O" not in (p, q) else theme.aux, lw, False) for p, q in segs),
    )
    if right:
        s.step(
            "right-angle mark",
            f"corner = np.array([{', '.join(g.tup(p) for p in right[0])}])",
            f'ax.plot(corner[:, 0], corner[:, 1], color="{theme.aux}", linewidth=1)',
        )
    s.step("angle arcs and their labels", *angle_marks)
    marks = list(pts) + (["O"] if show_o else [])
    s.step(
        "points",
        f"for point in [{', '.join(marks)}]:",
        f'    ax.plot(point[0], point[1], "o", color="{theme.edge}", markersize=4)',
    )
    offsets = [(n, g.offset_away(p, centre)) for n, p in pts.items()]
    if show_o:
        # O's label goes in the compass direction farthest from every segment leaving O and from
        # the direction of the central-angle label
        taken = [g.heading(pts[q]) for p, q in segs if p == "O"]
        if kind == "central_inscribed":
            t1, t2 = g.arc_span(centre, pts[names[0]], pts[names[1]])
            taken.append((t1 + t2) / 2)
        else:
            taken += [g.heading(p) for p in pts.values()]
        best = max(
            range(0, 360, 15),
            key=lambda a: min(min(abs(a - d) % 360, 360 - abs(a - d) % 360) for d in taken),
        )
        offsets.append(("O", g.offset_dir(g.polar(1.0, best), 11)))
    _label_points(s, theme, fsize, offsets, "point labels outside the circle")
    labels = list(pts) + (["O"] if show_o else []) + labels
    facts = {
        "statements": statements,
        "labels": labels,
        "points": _pfacts({**pts, **({"O": centre} if show_o else {})}),
        "circles": [{"center": [0.0, 0.0], "radius": R}],
        "n_dashed": 0,
        "kind": kind,
    }
    return Emitted(s.finish(), {"kind": kind, "theme": theme.name, "R": R}, facts)


# ------------------------------------------------------------------------------------------------
@register(
    "angle_chase",
    "plane_geometry",
    "Angle facts with degree labels: parallel lines cut by a transversal, the angle sum of a "
    "triangle, or an exterior angle on an extended side.",
)
def angle_chase(rng: random.Random) -> Emitted:
    kind = rng.choice(("parallel_transversal", "triangle_sum", "exterior_angle"))
    theme = g.pick_theme(rng)
    fsize = rng.choice((13, 14, 15))
    afs = fsize - 2
    s = Script(*IMPORTS)
    s.need("from matplotlib.patches import Arc")
    statements: list[str] = []
    labels: list[str] = []
    points: dict[str, Pt] = {}
    arcs: list[str] = []

    def mark(vtx: str, V: Pt, t1: float, t2: float, text: str, r: float) -> None:
        arcs.append(_arc_code(vtx, r, t1, t2, theme.accent))
        lab = g.polar(r + 0.45, (t1 + t2) / 2, V)
        arcs.append(
            f'ax.text({fmt(lab[0])}, {fmt(lab[1])}, "{text}", fontsize={afs}, '
            f'color="{theme.accent}", ha="center", va="center")'
        )
        labels.append(text)

    if kind == "parallel_transversal":
        theta = rng.randrange(40, 140, 5)
        gap = round(rng.uniform(2.2, 3.2), 1)
        width = 8.0
        P = (round(rng.uniform(3, 5), 2), 0.0)
        Q = g.rnd(g.add(P, (gap / math.tan(math.radians(theta)), gap)))
        ends = [g.rnd(g.sub(P, g.polar(1.6, theta))), g.rnd(g.add(Q, g.polar(1.6, theta)))]
        names = ("P", "Q")
        points = {"P": P, "Q": Q}
        s.step(
            "intersection points of the transversal with the two parallel lines",
            f"P = {g.vec(P)}",
            f"Q = {g.vec(Q)}",
        )
        _figure(s, rng, [(0, -1.8), (width, gap + 1.8)], 0.3)
        s.step(
            "two parallel lines and the transversal through P and Q",
            f'ax.plot([0, {fmt(width)}], [0, 0], color="{theme.edge}", linewidth=2)',
            f'ax.plot([0, {fmt(width)}], [{fmt(gap)}, {fmt(gap)}], color="{theme.edge}", linewidth=2)',
            f"ax.plot([{fmt(ends[0][0])}, {fmt(ends[1][0])}], [{fmt(ends[0][1])}, {fmt(ends[1][1])}], "
            f'color="{theme.aux}", linewidth=1.5)',
        )
        s.step(
            "arrowheads show that the lines are parallel",
            f"for y in [0, {fmt(gap)}]:",
            f'    ax.annotate("", xy=({fmt(width - 0.8)}, y), xytext=({fmt(width - 1.4)}, y), '
            f'arrowprops=dict(arrowstyle="-|>", mutation_scale=16, color="{theme.edge}"))',
        )
        line_names = rng.choice((("m", "n"), ("l", "k"), ("a", "b")))
        labels += list(line_names)
        s.step(
            "line names",
            f'ax.text({fmt(width + 0.2)}, 0, "{line_names[0]}", fontsize={fsize}, style="italic", va="center")',
            f'ax.text({fmt(width + 0.2)}, {fmt(gap)}, "{line_names[1]}", fontsize={fsize}, '
            'style="italic", va="center")',
        )
        relation = rng.choice(("corresponding", "alternate", "co-interior"))
        # the given angle at P lies above line m, to the right of the transversal
        mark("P", P, 0.0, float(theta), f"{theta}°", 0.55)
        if relation == "corresponding":
            mark("Q", Q, 0.0, float(theta), "x", 0.55)
            xval = theta
        elif relation == "alternate":
            mark("Q", Q, 180.0, 180.0 + theta, "x", 0.55)
            xval = theta
        else:
            mark("Q", Q, 180.0 + theta, 360.0, "x", 0.55)
            xval = 180 - theta
        statements += [
            f"lines {line_names[0]} and {line_names[1]} are parallel",
            "the transversal meets them at P and Q",
            f"the marked angle at P is {theta}°",
            f"x is the {relation} angle at Q, so x = {xval}°",
        ]
        offsets = [
            ("P", (-10, -10) if theta < 90 else (10, -10)),
            ("Q", (10, 10) if theta < 90 else (-10, 10)),
        ]
        facts_extra = {"x": xval, "relation": relation}
        vertices: list[str] = []
    else:
        tri = _triangle(rng, 35, 100, rng.uniform(5.5, 7.5))
        tri = g.place(tri, 0.0, rng.random() < 0.5)
        names = g.letters(rng, 3)
        if "D" in names:
            names = ["A", "B", "C"]
        A, B, C = tri
        v = dict(zip(names, tri, strict=True))
        na, nb, nc = names
        cen = g.centroid(tri)
        angs = [g.angle_at(A, B, C), g.angle_at(B, C, A), g.angle_at(C, A, B)]
        ints = [round(a) for a in angs]
        frame = list(tri)
        if kind == "exterior_angle":
            ext = g.rnd(g.add(B, g.mul(g.unit(g.sub(B, A)), 2.2)))
            frame.append(ext)
        _define_points(s, v, f"triangle {na}{nb}{nc}")
        _figure(s, rng, frame, 0.9)
        _polygon(s, theme, names, 2, f"triangle {na}{nb}{nc}")
        unknown = rng.randrange(3) if kind == "triangle_sum" else 1
        rr = 0.6
        for i, (vn, V, P, Q) in enumerate(((na, A, B, C), (nb, B, C, A), (nc, C, A, B))):
            if kind == "exterior_angle" and i == 1:
                continue
            t1, t2 = g.arc_span(V, P, Q)
            text = "x" if (kind == "triangle_sum" and i == unknown) else f"{ints[i]}°"
            mark(vn, V, t1, t2, text, rr)
        if kind == "triangle_sum":
            xval = 180 - sum(ints[j] for j in range(3) if j != unknown)
            statements += [
                f"angles of triangle {na}{nb}{nc} are marked; the unknown angle is x",
                f"x = 180° minus the other two angles = {xval}°",
            ]
        else:
            points["D"] = ext
            s.step(
                f"extend {na}{nb} beyond {nb} to D",
                f"D = {g.vec(ext)}",
                _seg(nb, "D", theme.edge, 2, rng.random() < 0.3),
            )
            t1, t2 = g.arc_span(B, ext, C)
            mark(nb, B, t1, t2, "x", 0.5)
            xval = ints[0] + ints[2]
            statements += [
                f"side {na}{nb} is extended past {nb} to D",
                f"x is the exterior angle {nc}{nb}D, equal to the sum of the two remote "
                "interior angles",
                f"x = {ints[0]}° + {ints[2]}° = {xval}°",
            ]
            labels.append("D")
        points.update(v)
        labels = list(names) + labels
        offsets = [(n, g.offset_away(v[n], cen)) for n in names]
        if kind == "exterior_angle":
            offsets.append(("D", g.offset_dir(g.outward_normal(B, ext, C), 12)))
        facts_extra = {"x": xval}
        vertices = list(names)
    s.step("angle arcs and labels", *arcs)
    _label_points(s, theme, fsize, offsets, "point labels")
    n_dashed = sum(1 for ln in s.lines if "ax.plot" in ln and 'linestyle="--"' in ln)
    facts = {
        "statements": statements,
        "labels": labels,
        "points": _pfacts(points),
        "vertices": vertices,
        "n_dashed": n_dashed,
        "kind": kind,
        **facts_extra,
    }
    return Emitted(s.finish(), {"kind": kind, "theme": theme.name}, facts)


# ------------------------------------------------------------------------------------------------
@register(
    "similar_triangles",
    "plane_geometry",
    "A pair of similar (or congruent) triangles side by side, turned or mirrored, with matching "
    "angle arcs and side lengths, or a triangle cut by a segment parallel to its base.",
)
def similar_triangles(rng: random.Random) -> Emitted:
    kind = rng.choice(("side_by_side", "congruent", "nested"))
    theme = g.pick_theme(rng)
    fsize = rng.choice((12, 13, 14))
    s = Script(*IMPORTS)
    s.need("from matplotlib.patches import Arc")
    base = _triangle(rng, 35, 95, 4.0)
    statements: list[str] = []
    labels: list[str] = []
    arcs: list[str] = []
    if kind in ("side_by_side", "congruent"):
        k = 1.0 if kind == "congruent" else rng.choice((1.5, 2.0, 0.5))
        t1 = g.place(base, 0.0, False)
        t2 = g.place(
            base, rng.choice((0.0, 180.0, float(rng.randint(-40, 40)))), rng.random() < 0.5, k
        )
        shift = (max(p[0] for p in t1) + 2.0 - min(p[0] for p in t2), 0.0)
        t2 = [g.rnd(g.add(p, shift)) for p in t2]
        n1, n2 = ["A", "B", "C"], ["D", "E", "F"]
        v = dict(zip(n1 + n2, t1 + t2, strict=True))
        _define_points(s, v, "two triangles; D, E, F correspond to A, B, C")
        _figure(s, rng, t1 + t2, 0.8)
        _polygon(s, theme, n1, 2, "triangle ABC")
        _polygon(s, theme, n2, 2, "triangle DEF")
        # matching angles: one arc at A/D, two arcs at B/E
        for tri, names in ((t1, n1), (t2, n2)):
            for i, n_arcs in ((0, 1), (1, 2)):
                V, P, Q = tri[i], tri[(i + 1) % 3], tri[(i + 2) % 3]
                a1, a2 = g.arc_span(V, P, Q)
                for j in range(n_arcs):
                    arcs.append(_arc_code(names[i], 0.45 + 0.12 * j, a1, a2, theme.accent))
        s.step("matching angle arcs", *arcs)
        lens = []
        kw = f'fontsize={fsize - 2}, color="{theme.aux}", ha="center", va="center"'
        rows = []
        for tri, names in ((t1, n1), (t2, n2)):
            c = g.centroid(tri)
            for i in (0, 1):
                a, b = names[i], names[(i + 1) % 3]
                ln = f"{g.dist(tri[i], tri[(i + 1) % 3]):.1f}"
                off = g.offset_dir(g.outward_normal(tri[i], tri[(i + 1) % 3], c), 13)
                rows.append(
                    f'ax.annotate("{ln}", ({a} + {b}) / 2, xytext=({off[0]}, {off[1]}), '
                    f'textcoords="offset points", {kw})'
                )
                lens.append(ln)
        s.step("side lengths", *rows)
        labels = n1 + n2 + lens
        rel = "congruent" if kind == "congruent" else "similar"
        statements += [
            f"triangles ABC and DEF are {rel}"
            + ("" if k == 1 else f" with ratio DE : AB = {fmt(k)}"),
            "angle A matches angle D (one arc) and angle B matches angle E (two arcs)",
        ]
        offsets = [(n, g.offset_away(v[n], g.centroid(t1 if n in n1 else t2))) for n in n1 + n2]
        points = v
        facts_extra = {"ratio": k}
        vertices = n1 + n2
    else:
        tri = g.place(base, 0.0, rng.random() < 0.5, 1.6)
        A, B, C = tri[2], tri[0], tri[1]
        t = rng.choice((0.4, 0.5, 0.6, 0.375))
        D, E = g.rnd(g.lerp(A, B, t)), g.rnd(g.lerp(A, C, t))
        v = {"A": A, "B": B, "C": C}
        _define_points(s, v, "triangle ABC")
        _figure(s, rng, tri, 0.8)
        _polygon(s, theme, ["A", "B", "C"], 2, "triangle ABC")
        s.step(
            f"DE parallel to BC, cutting AB and AC at the same ratio {fmt(t, 3)}",
            f"D = A + {fmt(t, 3)} * (B - A)",
            f"E = A + {fmt(t, 3)} * (C - A)",
            _seg("D", "E", theme.accent, 2, False),
        )
        D = g.lerp(A, B, t)
        E = g.lerp(A, C, t)
        cen = g.centroid(tri)
        kw = f'fontsize={fsize - 2}, color="{theme.aux}", ha="center", va="center"'
        rows, lens = [], []
        for a, b, P, Q in (("A", "D", A, D), ("D", "B", D, B), ("D", "E", D, E), ("B", "C", B, C)):
            ln = f"{g.dist(P, Q):.1f}"
            if a == "D" and b == "E":
                off = g.offset_dir(g.sub(A, g.lerp(D, E, 0.5)), 10)
            else:
                off = g.offset_dir(g.outward_normal(P, Q, cen), 13)
            rows.append(
                f'ax.annotate("{ln}", ({a} + {b}) / 2, xytext=({off[0]}, {off[1]}), '
                f'textcoords="offset points", {kw})'
            )
            lens.append(ln)
        s.step("segment lengths", *rows)
        labels = ["A", "B", "C", "D", "E", *lens]
        statements += [
            "D lies on AB and E lies on AC with DE parallel to BC",
            f"triangle ADE is similar to triangle ABC with ratio {fmt(t, 3)}",
        ]
        offsets = [(n, g.offset_away(v[n], cen)) for n in "ABC"]
        offsets += [
            ("D", g.offset_dir(g.outward_normal(A, B, cen))),
            ("E", g.offset_dir(g.outward_normal(A, C, cen))),
        ]
        points = {**v, "D": D, "E": E}
        facts_extra = {"ratio": t}
        vertices = ["A", "B", "C"]
    _label_points(s, theme, fsize + 1, offsets, "vertex labels")
    facts = {
        "statements": statements,
        "labels": labels,
        "points": _pfacts(points),
        "vertices": vertices,
        "n_dashed": 0,
        "kind": kind,
        **facts_extra,
    }
    return Emitted(s.finish(), {"kind": kind, "theme": theme.name}, facts)


# ------------------------------------------------------------------------------------------------
def _lattice_polygon(rng: random.Random, nx: int, ny: int) -> list[tuple[int, int]]:
    """A simple polygon with lattice vertices: random points ordered by angle about their mean."""
    for _ in tries("simple lattice polygon"):
        k = rng.choice((3, 4, 4, 5, 5, 6))
        pts = {(rng.randint(0, nx), rng.randint(0, ny)) for _ in range(k)}
        if len(pts) < 3:
            continue
        cx = sum(p[0] for p in pts) / len(pts)
        cy = sum(p[1] for p in pts) / len(pts)
        poly = sorted(pts, key=lambda p: math.atan2(p[1] - cy, p[0] - cx))
        # reject collinear consecutive triples and slivers
        bad = any(
            g.cross(g.sub(poly[i], poly[i - 1]), g.sub(poly[(i + 1) % len(poly)], poly[i])) == 0
            for i in range(len(poly))
        )
        if not bad and _area2(poly) >= 2 * max(4, nx * ny // 6):
            return poly


def _area2(poly: list[tuple[int, int]]) -> int:
    return abs(sum(poly[i - 1][0] * p[1] - p[0] * poly[i - 1][1] for i, p in enumerate(poly)))


@register(
    "lattice_polygon",
    "plane_geometry",
    "Polygon with vertices on a square grid (dot grid, ruled grid or coordinate plane), shaded, "
    "with its area given by the shoelace formula and Pick's theorem counts.",
)
def lattice_polygon(rng: random.Random) -> Emitted:
    style = rng.choice(("dots", "ruled", "coordinates"))
    theme = g.pick_theme(rng)
    nx, ny = rng.randint(5, 9), rng.randint(4, 7)
    poly = _lattice_polygon(rng, nx, ny)
    names = g.letters(rng, len(poly))
    fill = theme.fill if theme.fill != "none" else "#d9d9d9"
    s = Script(*IMPORTS)
    w = round(min(7.0, 0.65 * nx + 1.5), 1)
    h = round(min(6.0, 0.65 * ny + 1.3), 1)
    s.step(f"a {nx} by {ny} grid of unit squares", f"nx, ny = {nx}, {ny}")
    s.step(
        "canvas",
        f"fig, ax = plt.subplots(figsize=({fmt(w)}, {fmt(h)}))",
        'ax.set_aspect("equal")',
    )
    if style == "dots":
        s.step(
            "lattice points",
            "gx, gy = np.meshgrid(np.arange(nx + 1), np.arange(ny + 1))",
            f'ax.plot(gx.ravel(), gy.ravel(), "o", color="{theme.aux}", markersize=3)',
        )
    elif style == "ruled":
        s.step(
            "grid lines",
            "for x in range(nx + 1):",
            f'    ax.plot([x, x], [0, ny], color="{theme.aux}", linewidth=0.6)',
            "for y in range(ny + 1):",
            f'    ax.plot([0, nx], [y, y], color="{theme.aux}", linewidth=0.6)',
        )
    else:
        s.step(
            "coordinate grid with integer ticks",
            "ax.set_xticks(range(nx + 1))",
            "ax.set_yticks(range(ny + 1))",
            'ax.grid(True, color="#bbbbbb", linewidth=0.6)',
            'ax.set_xlabel("x")',
            'ax.set_ylabel("y")',
        )
    verts = ", ".join(f"({x}, {y})" for x, y in poly)
    s.step(
        "the shaded lattice polygon",
        f"vertices = np.array([{verts}])",
        f'ax.add_patch(plt.Polygon(vertices, closed=True, facecolor="{fill}", '
        f'edgecolor="{theme.edge}", linewidth=2, alpha=0.9, zorder=2))',
        f'ax.plot(vertices[:, 0], vertices[:, 1], "o", color="{theme.edge}", markersize=5, zorder=3)',
    )
    cx = sum(p[0] for p in poly) / len(poly)
    cy = sum(p[1] for p in poly) / len(poly)
    offsets = [g.offset_away((float(x), float(y)), (cx, cy), 11) for x, y in poly]
    kw = g.text_kw(theme, 13)
    s.step(
        "vertex labels, pushed away from the polygon",
        f"for name, point, offset in zip({names!r}, vertices, {offsets!r}):",
        f'    ax.annotate(name, point, xytext=offset, textcoords="offset points", {kw}, zorder=4)',
    )
    pad = 0.6
    s.step(
        "frame",
        f"ax.set_xlim({fmt(-pad)}, {fmt(nx + pad)})",
        f"ax.set_ylim({fmt(-pad)}, {fmt(ny + pad)})",
    )
    if style != "coordinates":
        s.add('ax.axis("off")')
    area2 = _area2(poly)
    boundary = sum(
        math.gcd(abs(poly[i][0] - poly[i - 1][0]), abs(poly[i][1] - poly[i - 1][1]))
        for i in range(len(poly))
    )
    interior = (area2 - boundary + 2) // 2
    area = area2 / 2
    labels = list(names) + (["x", "y"] if style == "coordinates" else [])
    statements = [
        f"polygon {''.join(names)} has its {len(poly)} vertices on lattice points of a {nx}×{ny} grid",
        f"its area is {fmt(area)} square units",
        f"{boundary} lattice points lie on its boundary and {interior} inside (Pick's theorem)",
    ]
    facts = {
        "statements": statements,
        "labels": labels,
        "points": {n: [float(x), float(y)] for n, (x, y) in zip(names, poly, strict=True)},
        "vertices": names,
        "area": area,
        "n_boundary": boundary,
        "n_interior": interior,
        "grid": [nx, ny],
        "n_dashed": 0,
        "kind": style,
    }
    return Emitted(s.finish(), {"kind": style, "theme": theme.name, "nx": nx, "ny": ny}, facts)
