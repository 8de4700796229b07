"""The vector fields family: quiver fields on a grid, or labelled vectors with their sum."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families._geom import Script
from codepercept.synth.families.functions._common import IMPORTS, PALETTES, _canvas

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
