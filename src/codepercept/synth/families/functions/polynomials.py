"""The polynomial features family: factored polynomials with roots and turning points marked."""

from __future__ import annotations

import itertools
import random

import numpy as np

from codepercept.synth.base import Emitted, fmt, register, tries
from codepercept.synth.families._geom import Script
from codepercept.synth.families.functions._common import (
    AXES_STYLES,
    IMPORTS,
    PALETTES,
    _canvas,
    _mark_points,
    _pt_label,
    _samples,
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
    for _ in tries("polynomial with well-separated roots"):
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
