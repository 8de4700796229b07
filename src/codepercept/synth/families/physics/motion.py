"""The motion graph family: piecewise-linear displacement-time or velocity-time graphs."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.physics._common import _join

# ------------------------------------------------------------------------------------------------
# Motion graphs
# ------------------------------------------------------------------------------------------------


@register(
    "motion_graph",
    "physics",
    "Piecewise-linear displacement-time or velocity-time graph (shaded area = displacement), in "
    "grid, graph-paper or textbook-axes style with optional vertex letters and drop lines.",
)
def motion_graph(rng: random.Random) -> Emitted:
    kind = rng.choice(["v-t", "s-t"])
    n_seg = rng.choice([2, 3, 4])
    times = [0]
    for _ in range(n_seg):
        times.append(times[-1] + rng.choice([1, 2, 2, 3, 4]))
    if kind == "v-t":
        values = [rng.choice([0, 0, 2, 4])] + [
            rng.choice([0, 2, 3, 4, 5, 6, 8, 10]) for _ in range(n_seg)
        ]
        unit, qty = "m/s", "v"
    else:
        values = [rng.choice([0, 0, 5, 10])] + [
            rng.choice([0, 5, 10, 15, 20, 25, 30]) for _ in range(n_seg)
        ]
        unit, qty = "m", "s"
    style = rng.choice(["grid", "paper", "textbook"])
    shade = kind == "v-t" and rng.random() < 0.7
    letters = rng.random() < 0.5
    drops = rng.random() < 0.5
    color = rng.choice(["tab:blue", "tab:red", "black", "darkgreen"])
    y_top = max(values) * 1.25 + (1 if kind == "v-t" else 5)
    y_step = 2 if kind == "v-t" else 5
    xlabel, ylabel = "t (s)", f"{qty} ({unit})"
    lines = [
        "import matplotlib.pyplot as plt",
        "",
        f"t = [{', '.join(str(x) for x in times)}]  # times (s)",
        f"{qty} = [{', '.join(str(x) for x in values)}]  # {'velocity' if qty == 'v' else 'displacement'} ({unit})",
        "",
        "fig, ax = plt.subplots(figsize=(6.5, 4.5))",
        "",
        "# The graph",
        f'ax.plot(t, {qty}, color="{color}", linewidth=2{", marker=" + chr(34) + "o" + chr(34) if letters else ""})',
    ]
    area = sum((times[i + 1] - times[i]) * (values[i] + values[i + 1]) / 2 for i in range(n_seg))
    labels = [xlabel, ylabel]
    if shade:
        lines += [
            "",
            "# Area under the v-t graph = displacement",
            f'ax.fill_between(t, v, color="{color}", alpha=0.2)',
        ]
    if drops:
        lines += [
            "",
            "# Dashed guide lines from the corners to the axes",
            f"for ti, yi in zip(t[1:], {qty}[1:]):",
            '    ax.plot([ti, ti, 0], [0, yi, yi], color="gray", linestyle="--", linewidth=0.8)',
        ]
    if letters:
        names = "ABCDE"[: n_seg + 1]
        lines += [
            "",
            "# Letters at the corners of the graph",
            f'for name, ti, yi in zip("{names}", t, {qty}):',
            '    ax.annotate(name, (ti, yi), textcoords="offset points", xytext=(4, 6), fontsize=11)',
        ]
        labels += list(names)
    lines += [
        "",
        f'ax.set_xlabel("{xlabel}")',
        f'ax.set_ylabel("{ylabel}")',
        f"ax.set_xticks(range(0, {times[-1] + 1}))",
        f"ax.set_yticks(range(0, {int(y_top) + 1}, {y_step}))",
        f"ax.set_xlim(0, {fmt(times[-1] + 0.5)})",
        f"ax.set_ylim(0, {fmt(y_top)})",
    ]
    if style == "grid":
        lines.append('ax.grid(True, linestyle=":", color="gray")')
    elif style == "paper":
        lines += [
            "ax.minorticks_on()",
            'ax.grid(which="major", color="#e07b7b", linewidth=0.8)',
            'ax.grid(which="minor", color="#f3c6c6", linewidth=0.4)',
        ]
    else:
        lines += [
            "# Textbook axes: only the left and bottom spines, with arrowheads",
            'ax.spines[["top", "right"]].set_visible(False)',
            'ax.plot(1, 0, ">k", transform=ax.get_yaxis_transform(), clip_on=False)',
            'ax.plot(0, 1, "^k", transform=ax.get_xaxis_transform(), clip_on=False)',
        ]
    lines.append("plt.show()")
    statements = []
    for i in range(n_seg):
        t0, t1, a, b = times[i], times[i + 1], values[i], values[i + 1]
        rate = (b - a) / (t1 - t0)
        if kind == "v-t":
            desc = (
                f"constant at {a} m/s"
                if a == b
                else f"{'increasing' if b > a else 'decreasing'} from {a} to {b} m/s (a = {fmt(rate, 2)} m/s²)"
            )
            statements.append(f"From t = {t0} s to t = {t1} s the velocity is {desc}.")
        else:
            desc = f"at rest at s = {a} m" if a == b else f"moving with velocity {fmt(rate, 2)} m/s"
            statements.append(f"From t = {t0} s to t = {t1} s the object is {desc}.")
    facts: dict = {
        "graph": kind,
        "times": times,
        "values": values,
        "n_segments": n_seg,
        "shaded": shade,
    }
    if kind == "v-t":
        statements.append(
            f"The displacement over {times[-1]} s (area under the graph) is {fmt(area, 2)} m."
        )
        facts["displacement"] = area
    else:
        dist = sum(abs(values[i + 1] - values[i]) for i in range(n_seg))
        statements.append(
            f"The total distance travelled is {dist} m; the final displacement is {values[-1] - values[0]} m."
        )
        facts["distance"] = dist
    facts.update(statements=statements, labels=labels)
    return Emitted(
        _join(lines),
        {"kind": kind, "style": style, "shade": shade, "letters": letters, "drops": drops},
        facts,
    )
