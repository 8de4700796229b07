"""The piecewise function family: linear, constant or quadratic pieces with open/closed dots."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families._geom import Script
from codepercept.synth.families.functions._common import (
    AXES_STYLES,
    IMPORTS,
    PALETTES,
    _canvas,
    _poly_text,
    _samples,
)


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
