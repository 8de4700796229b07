"""The shaded regions family: areas between curves, under a curve, or feasible regions."""

from __future__ import annotations

import math
import random

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families._geom import Script
from codepercept.synth.families.functions._common import (
    AXES_STYLES,
    IMPORTS,
    PALETTES,
    _canvas,
    _mark_points,
    _poly_text,
    _samples,
)


# ------------------------------------------------------------------------------------------------
@register(
    "shaded_regions",
    "functions",
    "Shaded regions: between a parabola and a line with labelled intersections, the area under "
    "a curve over [a, b], or the feasible region of two linear inequalities (dashed = strict).",
)
def shaded_regions(rng: random.Random) -> Emitted:
    kind = rng.choice(("between", "under", "inequalities"))
    pal = rng.choice(PALETTES)
    hatch = rng.random() < 0.3
    s = Script(*IMPORTS)
    statements: list[str] = []
    points: dict[str, list[float]] = {}
    curves = []
    n_dashed = 0
    fill_kw = f'color="{pal[2]}", alpha=0.3' + (', hatch="//"' if hatch else "")
    if kind == "between":
        r1, r2 = sorted(rng.sample((-3, -2, -1, 0, 1, 2, 3), 2))
        while r2 - r1 < 2:
            r1, r2 = sorted(rng.sample((-3, -2, -1, 0, 1, 2, 3), 2))
        m, c = rng.choice((-1, -0.5, 0, 0.5, 1)), rng.randint(-1, 2)
        # parabola p(x) = (x - r1)(x - r2) + m x + c meets the line y = m x + c at r1 and r2

        def line(x: float) -> float:
            return m * x + c

        def par(x: float) -> float:
            return (x - r1) * (x - r2) + m * x + c

        x0, x1 = r1 - 1.5, r2 + 1.5
        ys = [par(x) for x in np.linspace(x0, x1, 100)] + [line(x0), line(x1)]
        labels = _canvas(s, rng, (x0, x1), (min(ys) - 1, max(ys) + 1), rng.choice(AXES_STYLES))
        pcode = f"(x - {r1}) * (x - {r2}) + {fmt(m)} * x + {c}".replace("- -", "+ ").replace(
            "+ -", "- "
        )
        lcode = f"{fmt(m)} * x + {c}".replace("+ -", "- ")
        s.step(
            "a parabola and a line",
            f"x = np.linspace({fmt(x0)}, {fmt(x1)}, 400)",
            f"parabola = {pcode}",
            f"line = {lcode}",
            f'ax.plot(x, parabola, color="{pal[0]}", linewidth=2, label="parabola")',
            f'ax.plot(x, line, color="{pal[1]}", linewidth=2, label="line")',
            'ax.legend(loc="upper center")',
        )
        s.step(
            "the region enclosed between them",
            f"ax.fill_between(x, parabola, line, where=(x >= {r1}) & (x <= {r2}), {fill_kw})",
        )
        pts = [
            (f"({r1}, {fmt(line(r1))})", r1, line(r1), (-26, 8)),
            (f"({r2}, {fmt(line(r2))})", r2, line(r2), (26, 8)),
        ]
        _mark_points(s, "intersection points", pts, pal[3])
        labels += ["parabola", "line"] + [p[0] for p in pts]
        points = {p[0]: [float(p[1]), float(p[2])] for p in pts}
        curves = [
            {"name": "parabola", "samples": _samples(par, [x0 + 0.5, 0.0, x1 - 0.5])},
            {"name": "line", "samples": _samples(line, [x0 + 0.5, x1 - 0.5])},
        ]
        area = (r2 - r1) ** 3 / 6
        statements += [
            f"the parabola and the line meet at x = {r1} and x = {r2}",
            f"the shaded region between them has area {fmt(area, 3)}",
        ]
    elif kind == "under":
        func = rng.choice(("sqrt", "quad", "sin"))
        a_, b_ = rng.choice(((1, 4), (0, 3), (0.5, 2.5), (1, 3)))
        if func == "sqrt":
            code, pretty, f = "np.sqrt(x) + 1", "y = √x + 1", lambda x: math.sqrt(x) + 1
        elif func == "quad":
            code, pretty, f = "0.25 * x**2 + 1", "y = 0.25x² + 1", lambda x: 0.25 * x * x + 1
        else:
            code, pretty, f = "np.sin(x) + 2", "y = sin(x) + 2", lambda x: math.sin(x) + 2
        top = max(f(x) for x in np.linspace(0, 5, 50))
        labels = _canvas(s, rng, (-0.5, 5.2), (-0.6, top + 1.0), rng.choice(AXES_STYLES))
        s.step(
            f"the curve {pretty}",
            "x = np.linspace(0, 5, 400)",
            f'ax.plot(x, {code}, color="{pal[0]}", linewidth=2)',
        )
        s.step(
            f"area under the curve from x = {a_} to x = {b_}",
            f"xs = np.linspace({a_}, {b_}, 200)",
            f"ax.fill_between(xs, 0, {code.replace('x', 'xs')}, {fill_kw})",
            f'ax.vlines([{a_}, {b_}], 0, [{fmt(f(a_), 3)}, {fmt(f(b_), 3)}], color="{pal[3]}", linestyles="--")',
        )
        name_a, name_b = f"x = {a_}", f"x = {b_}"
        s.step(
            "labels",
            f'ax.text({fmt(a_)}, {fmt(f(a_) + 0.25, 3)}, "{name_a}", ha="right", va="bottom", fontsize=10)',
            f'ax.text({fmt(b_)}, {fmt(f(b_) + 0.25, 3)}, "{name_b}", ha="right", va="bottom", fontsize=10)',
            f'ax.text({fmt((a_ + b_) / 2)}, {fmt(f((a_ + b_) / 2) / 2)}, "A", fontsize=16, '
            'ha="center", va="center")',
            f'ax.text(4.9, {fmt(f(4.9) + 0.35, 3)}, "{pretty}", color="{pal[0]}", fontsize=11, ha="right")',
        )
        labels += [name_a, name_b, "A", pretty]
        curves = [{"name": pretty, "samples": _samples(f, [0.5, 2.0, 4.0])}]
        area = sum(f(a_ + (i + 0.5) * (b_ - a_) / 2000) for i in range(2000)) * (b_ - a_) / 2000
        statements += [
            f"the region A under {pretty} between x = {a_} and x = {b_} is shaded",
            f"its area is about {fmt(area, 2)}",
        ]
        facts_vl = 2
        n_dashed = facts_vl
    else:
        m1, c1 = rng.choice((0.5, 1, 2)), rng.randint(-2, 1)
        m2, c2 = rng.choice((-0.5, -1, -2)), rng.randint(2, 4)
        strict1, strict2 = rng.random() < 0.5, rng.random() < 0.5
        labels = _canvas(s, rng, (-5, 5), (-5, 5), rng.choice(("grid", "textbook")), (5.5, 5.5))
        op1, op2 = (">" if strict1 else "≥"), ("<" if strict2 else "≤")
        t1 = f"y {op1} {_poly_text(m1, 'x', c1)}"
        t2 = f"y {op2} {_poly_text(m2, 'x', c2)}"
        s.step(
            "boundary lines: dashed when the inequality is strict",
            "x = np.linspace(-5, 5, 400)",
            f"lower = {fmt(m1)} * x + {c1}".replace("+ -", "- "),
            f"upper = {fmt(m2)} * x + {c2}",
            f'ax.plot(x, lower, color="{pal[0]}", linewidth=1.8'
            + (', linestyle="--")' if strict1 else ")"),
            f'ax.plot(x, upper, color="{pal[1]}", linewidth=1.8'
            + (', linestyle="--")' if strict2 else ")"),
        )
        n_dashed = int(strict1) + int(strict2)
        s.step(
            "the region satisfying both inequalities",
            f"ax.fill_between(x, lower, upper, where=upper >= lower, {fill_kw})",
        )
        xi = (c2 - c1) / (m1 - m2)
        yi = m1 * xi + c1
        ipt = (f"({fmt(xi, 1)}, {fmt(yi, 1)})", round(xi, 3), round(yi, 3), (0, 14))
        _mark_points(s, "corner of the region", [ipt], pal[3], filled=not (strict1 or strict2))
        # each inequality written near its own line, on the left where the lines are apart
        s.step(
            "the inequalities",
            f'ax.text(-4.8, 4.6, "{t1}", color="{pal[0]}", fontsize=11, va="top")',
            f'ax.text(-4.8, 3.9, "{t2}", color="{pal[1]}", fontsize=11, va="top")',
        )
        labels += [ipt[0], t1, t2]
        points = {ipt[0]: [ipt[1], ipt[2]]}
        curves = [
            {"name": "lower", "samples": _samples(lambda x: m1 * x + c1, [-3.0, 0.0, 3.0])},
            {"name": "upper", "samples": _samples(lambda x: m2 * x + c2, [-1.0, 0.0, 1.0])},
        ]
        statements += [
            f"the shaded region is where {t1} and {t2}",
            f"the boundary lines cross at {ipt[0]}",
            f"{n_dashed} boundary lines are dashed (strict inequalities)",
        ]
    facts = {
        "statements": statements,
        "labels": labels,
        "points": points,
        "curves": curves,
        "n_dashed": n_dashed,
        "kind": kind,
    }
    return Emitted(s.finish(), {"kind": kind, "hatch": hatch}, facts)
