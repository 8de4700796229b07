"""The number line family: inequality solution sets, labelled points, or jumps."""

from __future__ import annotations

import random
from itertools import pairwise

from codepercept.synth.base import Emitted, fmt, register, tries
from codepercept.synth.families.graphs._common import ACCENTS, _s

# -- number line ---------------------------------------------------------------------------------


def _tick(v: int) -> str:
    """Tick label as matplotlib draws it (a true minus sign)."""
    return f"\u2212{-v}" if v < 0 else str(v)


@register(
    "number_line",
    "graphs",
    "Number line: an inequality's solution set (segments, rays, open/closed circles), labelled "
    "points, or jumps drawn as arcs.",
)
def number_line(rng: random.Random) -> Emitted:
    mode = rng.choice(["interval", "rays", "points", "jumps"])
    lo = rng.randint(-8, -3)
    hi = lo + rng.randint(9, 13)
    color = rng.choice(ACCENTS)
    # jumps: sampled before the axis is written, since tall arcs need head room
    start = rng.randint(lo + 1, lo + (hi - lo) // 2)
    big = rng.random() < 0.4
    n_jumps = 1 if big else rng.randint(2, 4)
    size = (
        rng.randint(3, hi - start - 1)
        if big
        else rng.randint(1, max(1, (hi - 1 - start) // n_jumps))
    )
    top = max(1.5, 0.25 * size + 0.9) if mode == "jumps" else 1.5
    lines = ["import matplotlib.pyplot as plt"]
    if mode == "jumps":
        lines.append("from matplotlib.patches import FancyArrowPatch")
    lines += ["", f"fig, ax = plt.subplots(figsize=({fmt(0.55 * (hi - lo) + 1.5, 1)}, 2.0))"]
    axis = [
        "# The x-axis is the number line: one tick per integer, nothing else",
        'for side in ("left", "right", "top"):',
        "    ax.spines[side].set_visible(False)",
        'ax.spines["bottom"].set_position(("data", 0))',
        "ax.set_yticks([])",
        f"ax.set_xticks(range({lo}, {hi + 1}))",
        f"ax.set_xlim({fmt(lo - 0.7)}, {fmt(hi + 0.7)})",
        f"ax.set_ylim(-1, {fmt(top)})",
        "# Arrowheads at both ends",
        'ax.plot(1, 0, ">k", transform=ax.get_yaxis_transform(), clip_on=False)',
        'ax.plot(0, 0, "<k", transform=ax.get_yaxis_transform(), clip_on=False)',
    ]
    facts: dict = {"ticks": list(range(lo, hi + 1))}
    labels = [_tick(v) for v in range(lo, hi + 1)]
    statements = [f"the number line runs from {lo} to {hi} with integer ticks"]
    endpoints: list[tuple[int, bool]] = []  # (value, closed)
    title = None
    if mode == "interval":
        a = rng.randint(lo + 1, hi - 4)
        b = rng.randint(a + 2, hi - 1)
        ca, cb = rng.random() < 0.5, rng.random() < 0.5
        ineq = f"{a} {'≤' if ca else '<'} x {'≤' if cb else '<'} {b}"
        endpoints = [(a, ca), (b, cb)]
        lines += [
            *axis,
            "# Solution set: the segment between the endpoints",
            f'ax.plot([{a}, {b}], [0, 0], color="{color}", linewidth=5, solid_capstyle="butt")',
        ]
        statements.append(f"the shaded segment shows {ineq}")
        facts["inequality"] = ineq
        facts["interval"] = [a, b]
    elif mode == "rays":
        union = rng.random() < 0.5
        if union:
            a = rng.randint(lo + 1, lo + (hi - lo) // 2 - 1)
            b = rng.randint(a + 2, hi - 2)
            ca, cb = rng.random() < 0.5, rng.random() < 0.5
            ineq = f"x {'≤' if ca else '<'} {a} or x {'≥' if cb else '>'} {b}"
            endpoints = [(a, ca), (b, cb)]
            rays = [(a, lo - 0.6), (b, hi + 0.6)]
        else:
            a = rng.randint(lo + 2, hi - 2)
            ca = rng.random() < 0.5
            right = rng.random() < 0.5
            ineq = f"x {('≥' if ca else '>') if right else ('≤' if ca else '<')} {a}"
            endpoints = [(a, ca)]
            rays = [(a, hi + 0.6 if right else lo - 0.6)]
        lines += [*axis, "# Solution set: ray(s) running off the end of the line"]
        for start, end in rays:
            lines.append(
                f'ax.annotate("", xy=({fmt(end)}, 0), xytext=({start}, 0), '
                f'arrowprops={{"arrowstyle": "-|>", "color": "{color}", "linewidth": 4, '
                '"shrinkA": 0, "shrinkB": 0})'
            )
        statements.append(f"the shaded part shows {ineq}")
        facts["inequality"] = ineq
        facts["n_rays"] = len(rays)
    if mode in ("interval", "rays"):
        lines.append("# Endpoints: filled when included, open when excluded")
        for v, closed in endpoints:
            face = color if closed else "white"
            lines.append(
                f'ax.plot({v}, 0, "o", markersize=11, markerfacecolor="{face}", '
                f'markeredgecolor="{color}", markeredgewidth=2, zorder=3)'
            )
            statements.append(
                f"{v} is {'included (closed circle)' if closed else 'excluded (open circle)'}"
            )
        if rng.random() < 0.5:
            title = facts["inequality"]
    elif mode == "points":
        m = rng.randint(3, 4)
        halves = rng.random() < 0.5
        step = 0.5 if halves else 1
        grid = [lo + step * i for i in range(1, int((hi - lo) / step))]
        for _ in tries("set of points one unit apart"):
            vals = sorted(rng.sample(grid, m))
            if all(b - a >= 1 for a, b in pairwise(vals)):
                break
        names = rng.sample(list("ABCDEPQR"), m)
        lines += [
            *axis,
            "# Labelled points",
            f"points = {{{', '.join(f'{_s(n)}: {fmt(v)}' for n, v in zip(names, vals, strict=True))}}}",
            "for name, x in points.items():",
            f'    ax.plot(x, 0, "o", markersize=9, color="{color}", zorder=3)',
            '    ax.text(x, 0.35, name, ha="center", fontsize=14, fontweight="bold")',
        ]
        labels += names
        for n_, v in zip(names, vals, strict=True):
            statements.append(f"point {n_} is at {fmt(v)}")
        far = max(zip(names, vals, strict=True), key=lambda t: t[1])
        statements.append(f"{far[0]} is the point furthest to the right")
        facts["points"] = dict(zip(names, vals, strict=True))
        endpoints = [(v, True) for v in vals]
    else:  # jumps
        end = start + size * n_jumps
        lines += [
            *axis,
            "# Start and end points",
            f'ax.plot({start}, 0, "o", markersize=9, color="black", zorder=3)',
            f'ax.plot({end}, 0, "o", markersize=9, color="{color}", zorder=3)',
            f"# {n_jumps} jump(s) of +{size}, each an arc with its size on top",
            f"for x in range({start}, {end}, {size}):",
            f"    ax.add_patch(FancyArrowPatch((x, 0.05), (x + {size}, 0.05), "
            'connectionstyle="arc3,rad=-0.5",',
            f'                                 arrowstyle="-|>", mutation_scale=14, color="{color}", '
            "linewidth=1.6))",
            f'    ax.text(x + {fmt(size / 2)}, {fmt(0.25 * size + 0.12)}, "+{size}", ha="center", '
            "fontsize=12)",
        ]
        labels += [f"+{size}"] * n_jumps
        sentence = (
            f"{start} + {n_jumps * size} = {end}"
            if n_jumps == 1
            else f"{start} + {' + '.join([str(size)] * n_jumps)} = {end}"
        )
        statements += [
            f"{n_jumps} jump(s) of {size} go from {start} to {end}",
            f"the figure shows {sentence}",
        ]
        facts.update(start=start, end=end, jump=size, n_jumps=n_jumps)
        endpoints = [(start, True), (end, True)]
    if title:
        lines.append(f"ax.set_title({_s(title)}, fontsize=14)")
        labels.append(title)
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"
    facts.update(
        statements=statements,
        labels=labels,
        mode=mode,
        markers=[[v, closed] for v, closed in endpoints],
        n_open=sum(1 for _, c in endpoints if not c),
        n_closed=sum(1 for _, c in endpoints if c),
    )
    params = {"mode": mode, "lo": lo, "hi": hi, "color": color}
    return Emitted(code, params, facts)
