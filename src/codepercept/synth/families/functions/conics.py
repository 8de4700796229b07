"""The conic sections family: ellipses, hyperbolas and parabolas with foci and directrices."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families._geom import Script
from codepercept.synth.families.functions._common import IMPORTS, PALETTES, _canvas


# ------------------------------------------------------------------------------------------------
@register(
    "conic_sections",
    "functions",
    "Ellipse, hyperbola or parabola in standard position (horizontal or vertical) with labelled "
    "foci and vertices, dashed asymptotes or directrix, and the focus-directrix property.",
)
def conic_sections(rng: random.Random) -> Emitted:
    kind = rng.choice(("ellipse", "hyperbola", "parabola"))
    vertical = rng.random() < 0.35
    pal = rng.choice(PALETTES)
    # no textbook axes here: their tick labels would sit on the foci and vertices
    style = rng.choice(("grid", "plain"))
    s = Script(*IMPORTS)
    statements: list[str] = []
    points: dict[str, tuple[float, float]] = {}
    n_dashed = 0

    def put(x: float, y: float) -> tuple[float, float]:
        """Swap coordinates for a conic whose axis is vertical."""
        return (y, x) if vertical else (x, y)

    xs, ys = ("y", "x") if vertical else ("x", "y")
    if kind == "ellipse":
        a, b = rng.choice(((5, 3), (5, 4), (4, 2), (3, 2), (6, 4)))
        c = math.sqrt(a * a - b * b)
        lim_x, lim_y = put(a + 1.5, b + 1.5)
        lim = max(lim_x, lim_y)
        labels = _canvas(s, rng, (-lim, lim), (-lim, lim), style, (5.5, 5.5))
        eq = f"{xs}²/{a * a} + {ys}²/{b * b} = 1"
        s.step(
            f"ellipse {eq}",
            "t = np.linspace(0, 2 * np.pi, 400)",
            *(
                (f"x = {b} * np.sin(t)", f"y = {a} * np.cos(t)")
                if vertical
                else (f"x = {a} * np.cos(t)", f"y = {b} * np.sin(t)")
            ),
            f'ax.plot(x, y, color="{pal[0]}", linewidth=2)',
        )
        points = {"F₁": put(-c, 0), "F₂": put(c, 0), "V₁": put(-a, 0), "V₂": put(a, 0)}
        statements += [
            f"the ellipse {eq} has semi-axes {a} and {b}",
            f"its foci F₁ and F₂ are {fmt(c, 2)} from the centre along the major axis",
        ]
        if rng.random() < 0.5:
            # a point P on the ellipse joined to both foci: PF₁ + PF₂ = 2a
            tp = rng.uniform(0.6, 1.2)
            P = put(a * math.cos(tp), b * math.sin(tp))
            P = (round(P[0], 3), round(P[1], 3))
            points["P"] = P
            s.step(
                f"P on the ellipse joined to both foci (PF₁ + PF₂ = {2 * a})",
                f"ax.plot([{fmt(points['F₁'][0], 3)}, {fmt(P[0], 3)}, {fmt(points['F₂'][0], 3)}], "
                f"[{fmt(points['F₁'][1], 3)}, {fmt(P[1], 3)}, {fmt(points['F₂'][1], 3)}], "
                f'color="{pal[3]}", linestyle="--")',
            )
            n_dashed += 1
            statements.append(f"PF₁ + PF₂ = {2 * a} for the point P on the ellipse")
    elif kind == "hyperbola":
        a, b = rng.choice(((2, 1), (2, 3), (3, 2), (1, 1), (3, 4)))
        c = math.sqrt(a * a + b * b)
        lim = max(c, a, b) + 3
        labels = _canvas(s, rng, (-lim, lim), (-lim, lim), style, (5.5, 5.5))
        eq = f"{xs}²/{a * a} - {ys}²/{b * b} = 1"
        u = f"{a} * np.cosh(t)"
        w = f"{b} * np.sinh(t)"
        tmax = math.acosh(lim / a) + 0.1
        s.step(
            f"hyperbola {eq}: two branches",
            f"t = np.linspace({fmt(-tmax)}, {fmt(tmax)}, 300)",
            *((f"x = {w}", f"y = {u}") if vertical else (f"x = {u}", f"y = {w}")),
            f'ax.plot(x, y, color="{pal[0]}", linewidth=2)',
            f'ax.plot({"x, -y" if vertical else "-x, y"}, color="{pal[0]}", linewidth=2)',
        )
        slope = fmt(b / a if not vertical else a / b, 3)
        s.step(
            "asymptotes",
            f"line = np.linspace({-lim}, {lim}, 2)",
            f'ax.plot(line, {slope} * line, color="{pal[3]}", linestyle="--", linewidth=1)',
            f'ax.plot(line, -{slope} * line, color="{pal[3]}", linestyle="--", linewidth=1)',
        )
        n_dashed += 2
        points = {"F₁": put(-c, 0), "F₂": put(c, 0), "V₁": put(-a, 0), "V₂": put(a, 0)}
        statements += [
            f"the hyperbola {eq} has asymptotes y = ±{slope}x, drawn dashed",
            f"its foci are {fmt(c, 2)} from the centre",
        ]
    else:
        p = rng.choice((0.5, 1, 1.5, 2))
        sign = rng.choice((1, -1))
        lim = max(4 * p + 1, 5)
        labels = _canvas(s, rng, (-lim, lim), (-lim, lim), style, (5.5, 5.5))
        eq = f"{ys}² = {fmt(sign * 4 * p)}{xs}"
        tmax = math.sqrt(4 * p * lim) + 0.2
        s.step(
            f"parabola {eq}",
            f"t = np.linspace({fmt(-tmax)}, {fmt(tmax)}, 300)",
            *(
                ("x = t", f"y = {fmt(sign / (4 * p), 4)} * t**2")
                if vertical
                else (f"x = {fmt(sign / (4 * p), 4)} * t**2", "y = t")
            ),
            f'ax.plot(x, y, color="{pal[0]}", linewidth=2)',
        )
        d = -sign * p
        s.step(
            f"directrix {xs} = {fmt(d)}",
            (
                f'ax.axhline({fmt(d)}, color="{pal[3]}", linestyle="--")'
                if vertical
                else f'ax.axvline({fmt(d)}, color="{pal[3]}", linestyle="--")'
            ),
        )
        n_dashed += 1
        points = {"F": put(sign * p, 0), "V": (0.0, 0.0)}
        statements += [
            f"the parabola {eq} has vertex at the origin and focus F at distance {fmt(p)}",
            f"the directrix {xs} = {fmt(d)} is dashed",
        ]
        labels.append(f"{xs} = {fmt(d)}")
        s.add(
            f"ax.text({fmt(put(d, lim - 0.6)[0] + (0.15 if not vertical else 0))}, "
            f'{fmt(put(d, lim - 0.6)[1] + (0.15 if vertical else 0))}, "{xs} = {fmt(d)}", '
            f'color="{pal[3]}", fontsize=11)'
        )

    # foci and vertices can be close: foci are labelled on one side of the axis, vertices on the other
    def offset(name: str) -> tuple[int, int]:
        focus = name.startswith("F")
        if vertical:
            return (-16, 0) if focus else (12, 4)
        return (8, -13) if focus else (8, 10)

    rows = ", ".join(
        f'("{n}", {fmt(x, 3)}, {fmt(y, 3)}, {offset(n)})' for n, (x, y) in points.items()
    )
    s.step(
        "labelled foci and vertices",
        f"for name, px, py, offset in [{rows}]:",
        f'    ax.plot(px, py, "o", color="{pal[1]}", markersize=5, zorder=3)',
        '    ax.annotate(name, (px, py), xytext=offset, textcoords="offset points", fontsize=11, '
        'ha="center", va="center")',
    )
    s.step(
        "equal scales keep the shape true",
        'ax.set_aspect("equal")',
        f'ax.set_title("{eq}", loc="left")',
    )
    labels += [*points, eq]
    facts = {
        "statements": statements,
        "labels": labels,
        "points": {n: [round(x, 3), round(y, 3)] for n, (x, y) in points.items()},
        "curves": [],
        "n_dashed": n_dashed,
        "kind": kind,
        "vertical": vertical,
    }
    return Emitted(s.finish(), {"kind": kind, "vertical": vertical, "style": style}, facts)
