"""The exponential and logarithm family: a^x with its inverse, growth vs decay, asymptotes."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families._geom import Script
from codepercept.synth.families.functions._common import (
    AXES_STYLES,
    IMPORTS,
    PALETTES,
    _canvas,
    _mark_points,
    _samples,
)


# ------------------------------------------------------------------------------------------------
@register(
    "exp_log_pair",
    "functions",
    "Exponential and logarithm: a^x with its inverse log_a x mirrored in y = x, growth vs decay "
    "a^x and (1/a)^x, or a shifted exponential with its horizontal asymptote.",
)
def exp_log_pair(rng: random.Random) -> Emitted:
    kind = rng.choice(("inverse", "growth_decay", "shifted"))
    pal = rng.choice(PALETTES)
    base = rng.choice((2, 3, "e"))
    bval = math.e if base == "e" else float(base)
    b_code = "np.e" if base == "e" else str(base)
    style = rng.choice(AXES_STYLES)
    s = Script(*IMPORTS)
    labels: list[str] = []
    curves = []
    points: dict[str, list[float]] = {}
    statements = []
    n_dashed = 0
    if kind == "inverse":
        lim = rng.choice((4.0, 5.0))
        labels += _canvas(s, rng, (-lim, lim), (-lim, lim), style, rng.choice(((5, 5), (5.5, 5.5))))
        s.step("equal scales so the mirror symmetry shows", 'ax.set_aspect("equal")')
        ln = "ln(x)" if base == "e" else f"log{'₂' if base == 2 else '₃'}(x)"
        ex = "e^x" if base == "e" else f"{base}^x"
        log_code = "np.log(x_pos)" if base == "e" else f"np.log(x_pos) / np.log({base})"
        s.step(
            f"y = {ex} and its inverse y = {ln}",
            f"x = np.linspace({fmt(-lim)}, {fmt(lim)}, 400)",
            f"x_pos = np.linspace(0.01, {fmt(lim)}, 400)",
            f'ax.plot(x, {b_code} ** x, color="{pal[0]}", linewidth=2, label="y = {ex}")',
            f'ax.plot(x_pos, {log_code}, color="{pal[1]}", linewidth=2, label="y = {ln}")',
            f'ax.plot(x, x, color="{pal[3]}", linewidth=1, linestyle="--", label="y = x")',
            'ax.legend(loc="lower right")',
        )
        n_dashed = 1
        labels += [f"y = {ex}", f"y = {ln}", "y = x"]
        _mark_points(
            s,
            "the mirrored intercepts",
            [("(0, 1)", 0, 1, (-18, 8)), ("(1, 0)", 1, 0, (10, -12))],
            pal[2],
        )
        labels += ["(0, 1)", "(1, 0)"]
        points = {"(0, 1)": [0.0, 1.0], "(1, 0)": [1.0, 0.0]}
        curves = [
            {"name": ex, "samples": _samples(lambda x: bval**x, [-2.0, 0.0, 1.0])},
            {
                "name": ln,
                "samples": _samples(lambda x: math.log(x) / math.log(bval), [0.5, 1.0, 3.0]),
            },
        ]
        statements += [
            f"y = {ex} and y = {ln} are inverse functions, mirror images in the dashed line y = x",
            "the exponential passes through (0, 1) and the logarithm through (1, 0)",
        ]
    elif kind == "growth_decay":
        labels += _canvas(s, rng, (-3.5, 3.5), (-0.8, 8.5), style)
        ex = "e^x" if base == "e" else f"{base}^x"
        ex2 = "e^(-x)" if base == "e" else f"(1/{base})^x"
        s.step(
            f"growth y = {ex} and decay y = {ex2}",
            "x = np.linspace(-3.5, 3.5, 400)",
            f'ax.plot(x, {b_code} ** x, color="{pal[0]}", linewidth=2)',
            f'ax.plot(x, {b_code} ** (-x), color="{pal[1]}", linewidth=2)',
        )
        xa = math.log(6.5) / math.log(bval)
        s.step(
            "name each curve next to it",
            f'ax.text({fmt(xa - 0.15, 3)}, 6.5, "y = {ex}", color="{pal[0]}", fontsize=12, ha="right")',
            f'ax.text({fmt(-xa + 0.15, 3)}, 6.5, "y = {ex2}", color="{pal[1]}", fontsize=12, ha="left")',
        )
        _mark_points(
            s, "both curves cross the y-axis at (0, 1)", [("(0, 1)", 0, 1, (22, -6))], pal[2]
        )
        labels += [f"y = {ex}", f"y = {ex2}", "(0, 1)"]
        points = {"(0, 1)": [0.0, 1.0]}
        curves = [
            {"name": ex, "samples": _samples(lambda x: bval**x, [-1.0, 0.5, 1.5])},
            {"name": ex2, "samples": _samples(lambda x: bval ** (-x), [-1.5, -0.5, 1.0])},
        ]
        statements += [
            f"y = {ex} increases, y = {ex2} decreases",
            "they are mirror images in the y-axis",
        ]
    else:
        h = rng.choice((-1, 0, 1, 2))
        k = rng.choice((-3, -2, -1, 1, 2))
        sign = rng.choice((1, -1))
        style = rng.choice(("grid", "plain"))
        lo_y = min(k - 1.5, -1.5) if sign > 0 else k - 7
        hi_y = max(k + 7, 1.5) if sign > 0 else max(k + 1.5, 1.5)
        labels += _canvas(s, rng, (-4.0, 4.5), (lo_y, hi_y), style)

        def f(x: float) -> float:
            return sign * bval ** (x - h) + k

        sgn = "" if sign > 0 else "-"
        inner = "x" if h == 0 else f"(x - {h})" if h > 0 else f"(x + {-h})"
        pretty = f"y = {sgn}{base}^{inner} {'+' if k > 0 else '-'} {abs(k)}"
        s.step(
            f"the shifted exponential {pretty}",
            "x = np.linspace(-4, 4.5, 400)",
            f"y = {sgn}{b_code} ** {inner} {'+' if k > 0 else '-'} {abs(k)}",
            f'ax.plot(x, y, color="{pal[0]}", linewidth=2, label="{pretty}")',
            'ax.legend(loc="upper left")',
        )
        asym = f"y = {k}"
        s.step(
            "horizontal asymptote",
            f'ax.axhline({k}, color="{pal[1]}", linewidth=1.2, linestyle="--")',
            f'ax.text(4.3, {fmt(k + (0.35 if sign < 0 else -0.35))}, "{asym}", color="{pal[1]}", '
            f'fontsize=11, ha="right", va="{"bottom" if sign < 0 else "top"}")',
        )
        n_dashed = 1
        y0 = f(0.0)
        text = f"(0, {fmt(y0, 1)})"
        _mark_points(s, "y-intercept", [(text, 0, round(y0, 3), (28, 0))], pal[2])
        labels += [pretty, asym, text]
        points = {text: [0.0, round(y0, 3)]}
        curves = [{"name": pretty, "samples": _samples(f, [-2.0, 0.0, 1.0, 2.0])}]
        statements += [
            f"the curve is {pretty}",
            f"its horizontal asymptote is the dashed line {asym}",
            f"it crosses the y-axis at {text}",
        ]
    facts = {
        "statements": statements,
        "labels": labels,
        "points": points,
        "curves": curves,
        "n_dashed": n_dashed,
        "kind": kind,
    }
    return Emitted(s.finish(), {"kind": kind, "base": str(base), "style": style}, facts)
