"""Families of the functions domain.

Every family writes the function(s) it plots into the program as plain numpy expressions and
records, in its facts, the marked points (``points``: label -> [x, y]), a few sample points on
each curve (``curves``: [{"name", "samples"}]) and every string it draws (``labels``). Numbers are
rounded the way :func:`fmt` writes them before any fact is computed from them.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families._geom import Script

IMPORTS = ("import matplotlib.pyplot as plt", "import numpy as np")
PALETTES = (
    ("#1f77b4", "#d62728", "#2ca02c", "#555555"),
    ("#0b3c5d", "#d9534f", "#328cc1", "#777777"),
    ("#6a1b9a", "#ef6c00", "#00897b", "#616161"),
    ("black", "#c0392b", "#2471a3", "#7f8c8d"),
    ("#2e7d32", "#1565c0", "#ad1457", "#6d6d6d"),
)
AXES_STYLES = ("textbook", "grid", "plain")


def _num(x: float) -> str:
    """A number as it appears in a label: at most two decimals, ASCII minus."""
    return fmt(x, 2)


def _pt_label(x: float, y: float) -> str:
    return f"({fmt(x, 1)}, {fmt(y, 1)})"


def _canvas(
    s: Script,
    rng: random.Random,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    style: str,
    figsize: tuple[float, float] | None = None,
) -> list[str]:
    """Open the figure and style its axes; returns the axis-name labels it draws."""
    w, h = figsize or rng.choice(((6, 4.5), (6.4, 4.8), (5.5, 4.5), (7, 4.5), (5, 5)))
    s.step("figure", f"fig, ax = plt.subplots(figsize=({fmt(w)}, {fmt(h)}))")
    s.step(
        "viewing window",
        f"ax.set_xlim({fmt(xlim[0])}, {fmt(xlim[1])})",
        f"ax.set_ylim({fmt(ylim[0])}, {fmt(ylim[1])})",
    )
    if style == "textbook":
        s.step(
            "axes through the origin, with arrowheads, as in a textbook",
            'ax.spines[["top", "right"]].set_visible(False)',
            'ax.spines[["left", "bottom"]].set_position("zero")',
            'ax.plot(1, 0, ">k", transform=ax.get_yaxis_transform(), clip_on=False)',
            'ax.plot(0, 1, "^k", transform=ax.get_xaxis_transform(), clip_on=False)',
            'ax.set_xlabel("x", loc="right")',
            'ax.set_ylabel("y", loc="top", rotation=0)',
        )
    elif style == "grid":
        s.step(
            "boxed axes with a light grid",
            'ax.grid(True, color="#dddddd", linewidth=0.8)',
            'ax.axhline(0, color="black", linewidth=0.8)',
            'ax.axvline(0, color="black", linewidth=0.8)',
            'ax.set_xlabel("x")',
            'ax.set_ylabel("y")',
        )
    else:
        s.step(
            "plain axes with the coordinate axes drawn in",
            'ax.axhline(0, color="gray", linewidth=0.8)',
            'ax.axvline(0, color="gray", linewidth=0.8)',
            'ax.set_xlabel("x")',
            'ax.set_ylabel("y")',
        )
    return ["x", "y"]


def _samples(f: Callable[[float], float], xs: list[float]) -> list[list[float]]:
    return [[round(float(x), 4), round(float(f(x)), 4)] for x in xs]


def _mark_points(
    s: Script,
    comment: str,
    pts: list[tuple[str, float, float, tuple[int, int]]],
    color: str,
    filled: bool = True,
) -> None:
    """Dots at the points with a text label each, offset (in points) away from the curve."""
    face = color if filled else "white"
    rows = ", ".join(f'("{t}", {fmt(x, 3)}, {fmt(y, 3)}, ({o[0]}, {o[1]}))' for t, x, y, o in pts)
    s.step(
        comment,
        f"for text, px, py, offset in [{rows}]:",
        f'    ax.plot(px, py, "o", color="{color}", markerfacecolor="{face}", markersize=6, zorder=3)',
        '    ax.annotate(text, (px, py), xytext=offset, textcoords="offset points", fontsize=10, '
        'ha="center", va="center")',
    )


# ------------------------------------------------------------------------------------------------
@register(
    "polynomial_features",
    "functions",
    "Quadratic, cubic or quartic in factored form with its real roots and turning points marked "
    "and labelled (coordinates, or max/min), on textbook, grid or plain axes.",
)
def polynomial_features(rng: random.Random) -> Emitted:
    deg = rng.choice((2, 3, 3, 4))
    while True:
        roots = sorted(rng.sample([x / 2 for x in range(-8, 9)], deg))
        if min(b - a for a, b in itertools.pairwise(roots)) < 2.0:
            continue
        base = np.poly(roots)
        x0, x1 = roots[0] - 1.2, roots[-1] + 1.2
        turning = [r.real for r in np.roots(np.polyder(base)) if abs(r.imag) < 1e-9]
        heights = [abs(float(np.polyval(base, c))) for c in turning]
        peak = max(heights)
        # every hump must stand clear of the x-axis, or its label would sit on the root labels
        if min(heights) > 0.3 * peak:
            break
    sign = rng.choice((1, -1))
    a = sign * float(fmt(rng.uniform(3.0, 5.0) / peak, 3))
    coeffs = a * base

    def f(x: float) -> float:
        return float(np.polyval(coeffs, x))

    crit = sorted(r.real for r in np.roots(np.polyder(coeffs)) if abs(r.imag) < 1e-9)
    # the window frames the turning points; the arms leave through the top or bottom
    ys = [f(c) for c in crit]
    lo, hi = min(*ys, 0.0), max(*ys, 0.0)
    pad = 0.3 * (hi - lo) + 0.8
    style = rng.choice(AXES_STYLES)
    pal = rng.choice(PALETTES)
    label_mode = rng.choice(("coords", "words"))
    s = Script(*IMPORTS)
    factors = " * ".join(f"(x - {fmt(r)})" if r >= 0 else f"(x + {fmt(-r)})" for r in roots)
    s.step(
        f"degree-{deg} polynomial in factored form",
        "def f(x):",
        f"    return {fmt(a, 3)} * {factors}",
    )
    labels = _canvas(s, rng, (x0, x1), (lo - pad, hi + pad), style)
    s.step(
        "the curve",
        f"x = np.linspace({fmt(x0)}, {fmt(x1)}, 400)",
        f'ax.plot(x, f(x), color="{pal[0]}", linewidth=2)',
    )
    points: dict[str, list[float]] = {}
    root_pts = []
    for r in roots:
        text = f"({fmt(r)}, 0)" if label_mode == "coords" else f"x = {fmt(r)}"
        # above the axis (tick labels are below): upper-left is free where the curve rises
        # through the root, upper-right where it falls
        dx = 6 + 2.5 * len(text)
        off = (-dx, 11) if f(r + 0.3) > f(r - 0.3) else (dx, 11)
        root_pts.append((text, r, 0.0, off))
        points[text] = [r, 0.0]
    _mark_points(s, "roots on the x-axis", root_pts, pal[1])
    ext_pts = []
    for c in crit:
        xc = float(fmt(c, 2))
        yc = f(xc)
        is_max = f(xc - 0.2) < yc and f(xc + 0.2) < yc
        is_min = f(xc - 0.2) > yc and f(xc + 0.2) > yc
        if not (is_max or is_min):
            continue
        text = _pt_label(xc, yc) if label_mode == "coords" else ("max" if is_max else "min")
        ext_pts.append((text, xc, yc, (0, 13) if is_max else (0, -13)))
        points[text] = [xc, round(yc, 4)]
    _mark_points(s, "turning points", ext_pts, pal[2])
    if rng.random() < 0.5:
        title = f"y = f(x), degree {deg}"
        s.step("title", f'ax.set_title("{title}", loc="left")')
        labels.append(title)
    labels += [p[0] for p in root_pts + ext_pts]
    statements = [
        f"the graph is a degree-{deg} polynomial with leading coefficient {fmt(a, 3)}",
        f"its real roots are {', '.join(fmt(r) for r in roots)}",
        f"it has {len(ext_pts)} turning points",
    ]
    facts = {
        "statements": statements,
        "labels": labels,
        "points": points,
        "roots": roots,
        "curves": [{"name": "f", "samples": _samples(f, list(np.linspace(x0, x1, 7)))}],
        "kind": f"degree{deg}",
    }
    return Emitted(s.finish(), {"degree": deg, "roots": roots, "a": a, "style": style}, facts)


# ------------------------------------------------------------------------------------------------


def _pi_label(k: int, den: int) -> str:
    """Label for k*pi/den in lowest terms: "π/2", "3π/2", "-π", "0"."""
    if k == 0:
        return "0"
    g_ = math.gcd(abs(k), den)
    k, den = k // g_, den // g_
    num = {1: "π", -1: "-π"}.get(k, f"{k}π")
    return num if den == 1 else f"{num}/{den}"


@register(
    "trig_wave",
    "functions",
    "Sine or cosine wave y = A·sin(Bx + C) + D with π-multiple ticks and annotated amplitude, "
    "period and midline; sometimes the sine/cosine pair with a legend.",
)
def trig_wave(rng: random.Random) -> Emitted:
    kind = rng.choice(("annotated", "annotated", "pair"))
    pal = rng.choice(PALETTES)
    amp = rng.choice((1, 1.5, 2, 3))
    B = rng.choice((1, 2, 0.5)) if kind == "annotated" else 1
    period_pi = 2 / B  # period in multiples of pi
    shift = rng.choice((0, 0, 1, -1)) if kind == "annotated" else 0
    func = rng.choice(("sin", "cos"))
    s = Script(*IMPORTS)
    xmin_pi = -period_pi / 2 if rng.random() < 0.5 else 0.0
    # first crest at or after x = 0: B*x = pi/2 (sin) or 0 (cos); the window holds one more period
    crest = (math.pi / 2 if func == "sin" else 0.0) / B
    if crest < 0.25:
        crest += 2 * math.pi / B
    period = 2 * math.pi / B
    xmax_pi = max(
        period_pi * (1 if period_pi >= 2 else 2), math.ceil(4 * (crest + period) / math.pi) / 4
    )
    ylim = (shift - amp - 1.0, shift + amp + 1.2)
    style = rng.choice(("textbook", "grid")) if shift == 0 else "grid"
    labels = _canvas(
        s,
        rng,
        (xmin_pi * math.pi - 0.3, xmax_pi * math.pi + 0.3),
        ylim,
        style,
        rng.choice(((7, 4), (8, 4), (7, 3.8))),
    )
    # ticks every quarter or half period, written as multiples of pi
    step_den = 4 if period_pi <= 1 else 2
    ks = list(range(math.ceil(xmin_pi * step_den), math.floor(xmax_pi * step_den) + 1))
    tick_text = [_pi_label(k, step_den) for k in ks]
    s.step(
        "x ticks at multiples of π",
        f"ticks = np.array([{', '.join(str(k) for k in ks)}]) * np.pi / {step_den}",
        "ax.set_xticks(ticks)",
        f"ax.set_xticklabels({tick_text!r})",
    )
    labels += [t for t in tick_text if t != "0" or style != "textbook"]
    b_txt = "" if B == 1 else f"{fmt(B)} * "
    amp_txt = "" if amp == 1 else f"{fmt(amp)} * "
    shift_txt = "" if shift == 0 else f" {'+' if shift > 0 else '-'} {abs(shift)}"
    expr = f"{amp_txt}np.{func}({b_txt}x){shift_txt}"

    def f(x: float) -> float:
        return amp * (math.sin if func == "sin" else math.cos)(B * x) + shift

    s.step(
        "the wave",
        f"x = np.linspace({fmt(xmin_pi * math.pi - 0.3)}, {fmt(xmax_pi * math.pi + 0.3)}, 600)",
        f"y = {expr}",
    )
    curves = [{"name": func, "samples": _samples(f, [0.3, 1.0, 2.0, 2.7])}]
    pretty_b = "" if B == 1 else fmt(B)
    pretty = f"y = {'' if amp == 1 else fmt(amp)}{func}({pretty_b}x)" + (
        "" if shift == 0 else f" {'+' if shift > 0 else '-'} {abs(shift)}"
    )
    statements = [f"the curve is {pretty}"]
    if kind == "pair":
        other = "cos" if func == "sin" else "sin"

        def f2(x: float) -> float:
            return amp * (math.cos if func == "sin" else math.sin)(x)

        pretty2 = f"y = {'' if amp == 1 else fmt(amp)}{other}(x)"
        s.add(
            f'ax.plot(x, y, color="{pal[0]}", linewidth=2, label="{pretty}")',
            f'ax.plot(x, {amp_txt}np.{other}(x), color="{pal[1]}", linewidth=2, linestyle="--", '
            f'label="{pretty2}")',
            'ax.legend(loc="upper right", framealpha=0.9)',
        )
        labels += [pretty, pretty2]
        curves.append({"name": other, "samples": _samples(f2, [0.3, 1.0, 2.0, 2.7])})
        statements += [
            f"the dashed curve is {pretty2}",
            f"both have amplitude {fmt(amp)} and period 2π",
        ]
        facts_extra = {"n_dashed": 1}
    else:
        s.add(f'ax.plot(x, y, color="{pal[0]}", linewidth=2)')
        per_text = "T = " + _pi_label(round(period_pi * 2), 2)
        amp_text = f"A = {fmt(amp)}"
        s.step(
            "amplitude: from the midline up to a crest",
            f'ax.annotate("", xy=({fmt(crest, 3)}, {fmt(shift + amp)}), xytext=({fmt(crest, 3)}, {fmt(shift)}), '
            f'arrowprops=dict(arrowstyle="<->", color="{pal[1]}"))',
            f'ax.text({fmt(crest + 0.12, 3)}, {fmt(shift + amp / 2)}, "{amp_text}", color="{pal[1]}", '
            'fontsize=11, va="center", bbox=dict(facecolor="white", edgecolor="none", pad=1))',
        )
        y_per = shift + amp + 0.55
        s.step(
            "period: from one crest to the next",
            f'ax.annotate("", xy=({fmt(crest + period, 3)}, {fmt(y_per)}), xytext=({fmt(crest, 3)}, {fmt(y_per)}), '
            f'arrowprops=dict(arrowstyle="<->", color="{pal[2]}"))',
            f'ax.text({fmt(crest + period / 2, 3)}, {fmt(y_per + 0.15)}, "{per_text}", color="{pal[2]}", '
            'fontsize=11, ha="center", va="bottom")',
        )
        labels += [amp_text, per_text]
        statements += [f"the amplitude is {fmt(amp)}", f"the period is {per_text[4:]}"]
        n_dashed = 0
        if shift != 0:
            s.step(
                "midline",
                f'ax.axhline({shift}, color="{pal[3]}", linewidth=1, linestyle="--")',
            )
            statements.append(f"the midline is y = {shift}")
            n_dashed = 1
        facts_extra = {
            "n_dashed": n_dashed,
            "crest": [round(crest, 4), shift + amp],
            "period": round(period, 4),
        }
    facts = {
        "statements": statements,
        "labels": labels,
        "points": {},
        "curves": curves,
        "kind": kind,
        **facts_extra,
    }
    return Emitted(s.finish(), {"func": func, "A": amp, "B": B, "D": shift, "kind": kind}, facts)


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


# ------------------------------------------------------------------------------------------------
def _poly_text(m: float, power: str, c: float) -> str:
    """Readable "mx^k + c": drops a unit coefficient and a zero constant ("-x² + 3", "2x")."""
    coef = {1.0: "", -1.0: "-"}.get(float(m), fmt(m))
    head = f"{coef}{power}"
    if c == 0:
        return head
    return f"{head} {'+' if c > 0 else '-'} {fmt(abs(c))}"


def _piece_expr(kind: str, m: float, c: float) -> tuple[str, str, Callable[[float], float]]:
    """(numpy code, pretty text, function) for a linear, constant or quadratic piece."""
    if kind == "const":
        return f"np.full_like(x, {fmt(c)})", fmt(c), lambda x: c
    sign = "+" if c >= 0 else "-"
    if kind == "quad":
        return (
            f"{fmt(m)} * x**2 {sign} {fmt(abs(c))}",
            _poly_text(m, "x²", c),
            lambda x: m * x * x + c,
        )
    return f"{fmt(m)} * x {sign} {fmt(abs(c))}", _poly_text(m, "x", c), lambda x: m * x + c


@register(
    "piecewise_function",
    "functions",
    "Piecewise function of two or three linear, constant or quadratic pieces, with filled (closed) "
    "and hollow (open) endpoint dots where it jumps, and each piece's formula written beside it.",
)
def piecewise_function(rng: random.Random) -> Emitted:
    n = rng.choice((2, 3, 3))
    cuts = sorted(rng.sample((-2, -1, 0, 1, 2), n - 1))
    edges = [-4, *cuts, 4]
    pal = rng.choice(PALETTES)
    style = rng.choice(AXES_STYLES)
    pieces = []
    for i in range(n):
        kind = rng.choice(("line", "line", "const", "quad"))
        if kind == "quad" and max(abs(edges[i]), abs(edges[i + 1])) > 2:
            kind = "line"  # a parabola arm out to |x| = 4 would dwarf the other pieces
        m = (
            rng.choice((-1.5, -1, -0.5, 0.5, 1, 2))
            if kind == "line"
            else rng.choice((0.5, -0.5, 1, -1))
        )
        c = float(rng.randint(-3, 3))
        pieces.append((edges[i], edges[i + 1], kind, m, c))
    funcs = [_piece_expr(k, m, c) for _, _, k, m, c in pieces]
    ys = [
        f(x)
        for (a, b, *_), (_, _, f) in zip(pieces, funcs, strict=True)
        for x in np.linspace(a, b, 50)
    ]
    lo, hi = min(*ys, -1.0), max(*ys, 1.0)
    s = Script(*IMPORTS)
    labels = _canvas(s, rng, (-4.6, 4.6), (lo - 1.2, hi + 1.2), style)
    # at each cut the left piece owns the point (closed) or the right piece does
    closed_left = [rng.random() < 0.5 for _ in cuts]
    closed_pts, open_pts = [], []
    rows = []
    for i, ((a, b, *_), (code, _txt, f)) in enumerate(zip(pieces, funcs, strict=True)):
        rows.append(f"x = np.linspace({a}, {b}, 100)")
        rows.append(f'ax.plot(x, {code}, color="{pal[0]}", linewidth=2)')
        if i > 0:  # left end at cut i-1
            (closed_pts if not closed_left[i - 1] else open_pts).append((float(a), round(f(a), 3)))
        if i < n - 1:  # right end at cut i
            (closed_pts if closed_left[i] else open_pts).append((float(b), round(f(b), 3)))
    s.step("each piece on its own interval", *rows)
    # a point that is both an open end and a closed end is continuous there: drop the hollow dot
    open_pts = [p for p in open_pts if all(math.dist(p, q) > 1e-9 for q in closed_pts)]
    s.step(
        "closed endpoints (included) and open endpoints (excluded)",
        f"closed = np.array({[list(p) for p in closed_pts]!r})",
        f'ax.plot(closed[:, 0], closed[:, 1], "o", color="{pal[0]}", markersize=7, zorder=3)',
        *(
            [
                f"hollow = np.array({[list(p) for p in open_pts]!r})",
                f'ax.plot(hollow[:, 0], hollow[:, 1], "o", markerfacecolor="white", '
                f'markeredgecolor="{pal[0]}", markersize=7, zorder=3)',
            ]
            if open_pts
            else []
        ),
    )
    texts = []
    rows = []
    for (a, b, *_), (_code, txt, f) in zip(pieces, funcs, strict=True):
        xm = (a + b) / 2
        ym = f(xm)
        # above the piece unless that runs off the top of the window
        dy = 0.6 if ym + 0.9 < hi + 1.2 else -0.6
        text = f"y = {txt}"
        texts.append(text)
        rows.append(
            f'ax.text({fmt(xm)}, {fmt(ym + dy)}, "{text}", color="{pal[1]}", fontsize=10, '
            'ha="center", va="center", bbox=dict(facecolor="white", edgecolor="none", pad=1))'
        )
    s.step("formula of each piece", *rows)
    labels += texts
    statements = [
        f"the function has {n} pieces, on " + ", ".join(f"[{a}, {b}]" for a, b, *_ in pieces)
    ]
    statements += [f"on [{a}, {b}] it is {t}" for (a, b, *_), t in zip(pieces, texts, strict=True)]
    statements.append(f"{len(closed_pts)} endpoints are filled and {len(open_pts)} are hollow")
    facts = {
        "statements": statements,
        "labels": labels,
        "points": {},
        "closed": [list(p) for p in closed_pts],
        "open": [list(p) for p in open_pts],
        "curves": [
            {"name": t, "samples": _samples(f, [a + 0.25 * (b - a), a + 0.75 * (b - a)])}
            for (a, b, *_), t, (_, _, f) in zip(pieces, texts, funcs, strict=True)
        ],
        "kind": f"{n}_pieces",
    }
    return Emitted(s.finish(), {"pieces": [list(p) for p in pieces], "style": style}, facts)


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


# ------------------------------------------------------------------------------------------------
@register(
    "polar_parametric",
    "functions",
    "Polar curves (rose, cardioid/limaçon, Archimedean spiral) on polar axes, or parametric "
    "curves (Lissajous figure, cycloid) on Cartesian axes with the direction of travel marked.",
)
def polar_parametric(rng: random.Random) -> Emitted:
    kind = rng.choice(("rose", "limacon", "spiral", "lissajous", "cycloid"))
    pal = rng.choice(PALETTES)
    s = Script(*IMPORTS)
    statements: list[str] = []
    labels: list[str] = []
    facts_extra: dict = {}
    if kind in ("rose", "limacon", "spiral"):
        size = rng.choice((4.5, 5, 5.5))
        s.step(
            "polar axes",
            f'fig, ax = plt.subplots(figsize=({fmt(size)}, {fmt(size)}), subplot_kw={{"projection": "polar"}})',
        )
        if kind == "rose":
            k = rng.choice((2, 3, 4, 5))
            a = rng.choice((1, 2, 3))
            trig = rng.choice(("cos", "sin"))
            pretty = f"r = {'' if a == 1 else a}{trig}({k}θ)"
            petals = k if k % 2 else 2 * k
            s.step(
                f"rose with {petals} petals",
                "theta = np.linspace(0, 2 * np.pi, 1000)",
                f"r = {a} * np.{trig}({k} * theta)",
            )

            def f(th: float) -> float:
                return a * (math.cos if trig == "cos" else math.sin)(k * th)

            statements += [
                f"the curve is the rose {pretty}",
                f"it has {petals} petals of length {a}",
            ]
            facts_extra = {"petals": petals}
            rmax = a
        elif kind == "limacon":
            a = rng.choice((1, 2))
            b = rng.choice((1, 2, 3)) if a == 2 else rng.choice((1, 2))
            pretty = f"r = {a} + {'' if b == 1 else b}cos(θ)"
            name = (
                "cardioid"
                if a == b
                else ("limaçon with an inner loop" if b > a else "dimpled limaçon")
            )
            s.step(
                name,
                "theta = np.linspace(0, 2 * np.pi, 1000)",
                f"r = {a} + {b} * np.cos(theta)",
            )

            def f(th: float) -> float:
                return a + b * math.cos(th)

            statements += [f"the curve is the {name} {pretty}"]
            rmax = a + b
        else:
            a = rng.choice((0.5, 1))
            turns = rng.choice((2, 3))
            pretty = f"r = {fmt(a)}θ"
            s.step(
                f"Archimedean spiral over {turns} turns",
                f"theta = np.linspace(0, {2 * turns} * np.pi, 1000)",
                f"r = {fmt(a)} * theta",
            )

            def f(th: float) -> float:
                return a * th

            statements += [f"the curve is the Archimedean spiral {pretty}, {turns} turns"]
            rmax = a * 2 * math.pi * turns
        fill = rng.random() < 0.4 and kind != "spiral"
        if kind != "spiral":
            s.step(
                "a negative radius points the opposite way: (r, θ) is the point (-r, θ + π)",
                "theta = np.where(r < 0, theta + np.pi, theta)",
                "r = np.abs(r)",
            )
        s.add(f'ax.plot(theta, r, color="{pal[0]}", linewidth=2)')
        if fill:
            s.add(f'ax.fill(theta, r, color="{pal[0]}", alpha=0.15)')
        s.step(
            "radial ticks and title",
            f"ax.set_rlim(0, {fmt(rmax * 1.1)})",
            f"ax.set_rticks([{fmt(rmax / 2)}, {fmt(rmax)}])",
            "ax.set_rlabel_position(112.5)",
            f'ax.set_title("{pretty}", pad=16)',
        )
        labels.append(pretty)
        # sample points in (theta, r) data coordinates where r >= 0 (matplotlib flips r < 0)
        ths = [0.3, 1.1, 2.0, 4.0]
        curves = [{"name": pretty, "samples": _samples(f, ths), "polar": True}]
    else:
        labels += _canvas(s, rng, (-1, 1), (-1, 1), "grid", (5, 5)) if kind == "lissajous" else []
        if kind == "lissajous":
            p, q = rng.choice(((1, 2), (3, 2), (2, 3), (3, 4), (1, 3)))
            d = rng.choice((0, 0.25, 0.5))
            pt = "t" if p == 1 else f"{p}t"
            pretty = (
                f"x = sin({pt} + {fmt(d)}π), y = sin({q}t)"
                if d
                else f"x = sin({pt}), y = sin({q}t)"
            )
            s.lines = [
                ln.replace("ax.set_xlim(-1, 1)", "ax.set_xlim(-1.2, 1.2)").replace(
                    "ax.set_ylim(-1, 1)", "ax.set_ylim(-1.2, 1.2)"
                )
                for ln in s.lines
            ]
            s.step(
                "Lissajous curve",
                "t = np.linspace(0, 2 * np.pi, 1000)",
                f"x = np.sin({p} * t + {fmt(d)} * np.pi)",
                f"y = np.sin({q} * t)",
                f'ax.plot(x, y, color="{pal[0]}", linewidth=2)',
                'ax.set_aspect("equal")',
            )

            def fx(tt: float) -> float:
                return math.sin(p * tt + d * math.pi)

            def fy(tt: float) -> float:
                return math.sin(q * tt)

            t_arrow = 0.2
            statements += [f"the parametric curve {pretty}, 0 ≤ t ≤ 2π", f"frequency ratio {p}:{q}"]
        else:
            r = rng.choice((0.5, 1, 1.5))
            arches = rng.choice((2, 3))
            width = 2 * math.pi * r * arches
            labels += _canvas(
                s, rng, (-0.3, width + 0.3), (-0.3, 2 * r + 1), rng.choice(AXES_STYLES), (8, 3.6)
            )
            pretty = f"x = {fmt(r)}(t - sin t), y = {fmt(r)}(1 - cos t)"
            s.step(
                f"cycloid: a point on a rolling circle of radius {fmt(r)}, {arches} arches",
                f"t = np.linspace(0, {2 * arches} * np.pi, 800)",
                f"x = {fmt(r)} * (t - np.sin(t))",
                f"y = {fmt(r)} * (1 - np.cos(t))",
                f'ax.plot(x, y, color="{pal[0]}", linewidth=2)',
                'ax.set_aspect("equal")',
            )
            s.step(
                "the rolling circle at t = π",
                f"ax.add_patch(plt.Circle(({fmt(math.pi * r, 3)}, {fmt(r)}), {fmt(r)}, fill=False, "
                f'color="{pal[3]}", linestyle="--"))',
            )

            def fx(tt: float) -> float:
                return r * (tt - math.sin(tt))

            def fy(tt: float) -> float:
                return r * (1 - math.cos(tt))

            t_arrow = 1.2
            statements += [f"the cycloid {pretty} has {arches} arches of height {fmt(2 * r)}"]
            facts_extra = {
                "arches": arches,
                "circle": {"center": [round(math.pi * r, 3), r], "radius": r},
            }
        # an arrowhead showing the direction of increasing t
        p0 = (fx(t_arrow), fy(t_arrow))
        p1 = (fx(t_arrow + 0.05), fy(t_arrow + 0.05))
        s.step(
            "direction of increasing t",
            f'ax.annotate("", xy=({fmt(p1[0], 3)}, {fmt(p1[1], 3)}), xytext=({fmt(p0[0], 3)}, {fmt(p0[1], 3)}), '
            f'arrowprops=dict(arrowstyle="-|>", color="{pal[1]}", mutation_scale=20))',
        )
        s.step("title", f'ax.set_title("{pretty}")')
        labels.append(pretty)
        ts = [0.4, 1.3, 2.5]
        curves = [{"name": pretty, "samples": [[round(fx(tt), 4), round(fy(tt), 4)] for tt in ts]}]
    facts = {
        "statements": statements,
        "labels": labels,
        "points": {},
        "curves": curves,
        "kind": kind,
        **facts_extra,
    }
    return Emitted(s.finish(), {"kind": kind}, facts)


# ------------------------------------------------------------------------------------------------
_FIELDS = (
    ("-y", "x", "F(x, y) = (-y, x)", "rotation about the origin"),
    ("x", "y", "F(x, y) = (x, y)", "a source at the origin"),
    ("-x", "-y", "F(x, y) = (-x, -y)", "a sink at the origin"),
    ("y", "-x", "F(x, y) = (y, -x)", "clockwise rotation"),
    ("np.ones_like(x)", "x - y", "F(x, y) = (1, x - y)", "slope field of y' = x - y"),
    ("x", "-y", "F(x, y) = (x, -y)", "a saddle at the origin"),
)


@register(
    "vector_fields",
    "functions",
    "Vector fields drawn with quiver on a grid (rotation, source, sink, saddle, slope field), "
    "optionally coloured by magnitude, or a few labelled vectors with their sum.",
)
def vector_fields(rng: random.Random) -> Emitted:
    kind = rng.choice(("field", "field", "vectors"))
    pal = rng.choice(PALETTES)
    s = Script(*IMPORTS)
    statements: list[str] = []
    facts_extra: dict = {}
    if kind == "field":
        u, v, pretty, what = rng.choice(_FIELDS)
        n = rng.choice((7, 9, 11, 13))
        lim = rng.choice((2, 3))
        coloured = rng.random() < 0.5
        w = rng.choice((5, 5.5, 6))
        s.step("figure", f"fig, ax = plt.subplots(figsize=({fmt(w)}, {fmt(w)}))")
        s.step(
            f"a {n} x {n} grid of sample points",
            f"x, y = np.meshgrid(np.linspace({-lim}, {lim}, {n}), np.linspace({-lim}, {lim}, {n}))",
            f"u = {u}",
            f"v = {v}",
        )
        if coloured:
            s.step(
                "arrows coloured by the field's magnitude",
                "speed = np.hypot(u, v)",
                f'arrows = ax.quiver(x, y, u, v, speed, cmap="{rng.choice(("viridis", "plasma", "coolwarm"))}")',
                'fig.colorbar(arrows, ax=ax, label="|F|", shrink=0.8)',
            )
        else:
            s.step("arrows", f'ax.quiver(x, y, u, v, color="{pal[0]}")')
        s.step(
            "axes",
            'ax.set_aspect("equal")',
            'ax.axhline(0, color="gray", linewidth=0.8)',
            'ax.axvline(0, color="gray", linewidth=0.8)',
            'ax.set_xlabel("x")',
            'ax.set_ylabel("y")',
            f'ax.set_title("{pretty}")',
        )
        labels = ["x", "y", pretty] + (["|F|"] if coloured else [])
        statements += [f"the vector field {pretty}: {what}", f"{n * n} arrows on a {n} x {n} grid"]
        facts_extra = {"n_arrows": n * n, "field": [u, v]}
    else:
        a = (rng.randint(1, 4), rng.randint(-1, 3))
        b = (rng.randint(-3, 1), rng.randint(1, 4))
        while a[0] * b[1] - a[1] * b[0] == 0:
            b = (b[0] - 1, b[1])
        c = (a[0] + b[0], a[1] + b[1])
        names = rng.choice((("u", "v"), ("a", "b"), ("p", "q")))
        xs = [0, a[0], b[0], c[0]]
        ys = [0, a[1], b[1], c[1]]
        labels = _canvas(
            s,
            rng,
            (min(xs) - 1.2, max(xs) + 1.2),
            (min(ys) - 1.2, max(ys) + 1.2),
            rng.choice(("grid", "textbook")),
            (5.5, 5),
        )
        s.step("equal scales so angles are true", 'ax.set_aspect("equal")')
        s.step(
            "two vectors from the origin and their sum",
            f"{names[0]} = np.array({list(a)})",
            f"{names[1]} = np.array({list(b)})",
            f"total = {names[0]} + {names[1]}",
            "origin = np.zeros((3, 2))",
            f"vectors = np.array([{names[0]}, {names[1]}, total])",
            "ax.quiver(origin[:, 0], origin[:, 1], vectors[:, 0], vectors[:, 1], "
            f'angles="xy", scale_units="xy", scale=1, color=["{pal[0]}", "{pal[1]}", "{pal[2]}"], width=0.012)',
        )
        s.step(
            "parallelogram completed with dashed sides",
            f'ax.plot([{a[0]}, {c[0]}], [{a[1]}, {c[1]}], color="gray", linestyle="--")',
            f'ax.plot([{b[0]}, {c[0]}], [{b[1]}, {c[1]}], color="gray", linestyle="--")',
        )
        plus = f"{names[0]} + {names[1]}"
        rows = []
        for text, (px, py), col in (
            (names[0], a, pal[0]),
            (names[1], b, pal[1]),
            (plus, c, pal[2]),
        ):
            d = math.hypot(px, py)
            off = (round(14 * px / d), round(14 * py / d))
            rows.append(
                f'ax.annotate("{text}", ({px}, {py}), xytext={off}, textcoords="offset points", '
                f'color="{col}", fontsize=13, fontweight="bold", ha="center", va="center")'
            )
        s.step("names at the arrow tips", *rows)
        labels += [names[0], names[1], plus]
        statements += [
            f"{names[0]} = {a} and {names[1]} = {b} are drawn from the origin",
            f"their sum {plus} = {c} is the diagonal of the dashed parallelogram",
        ]
        facts_extra = {
            "n_arrows": 3,
            "tips": {names[0]: list(a), names[1]: list(b), plus: list(c)},
            "n_dashed": 2,
        }
    facts = {
        "statements": statements,
        "labels": labels,
        "points": {},
        "curves": [],
        "kind": kind,
        **facts_extra,
    }
    return Emitted(s.finish(), {"kind": kind}, facts)


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
