"""The polar and parametric curves family: roses, cardioids, spirals, Lissajous and cycloids."""

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
    _samples,
)


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
