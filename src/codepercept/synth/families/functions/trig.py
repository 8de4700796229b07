"""The trig wave family: sine and cosine waves with pi-multiple ticks, amplitude and period."""

from __future__ import annotations

import math
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families._geom import Script
from codepercept.synth.families.functions._common import IMPORTS, PALETTES, _canvas, _samples

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
