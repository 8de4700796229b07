"""The line chart family: one to three series with markers and a legend."""

from __future__ import annotations

import itertools
import random

from codepercept.synth.base import Emitted, fmt, register, tries
from codepercept.synth.families.charts._common import (
    MONTHS,
    _colors,
    _finish,
    _g,
    _header,
    _nums,
    _rnd,
    _s,
    _strs,
)

# -- line chart ----------------------------------------------------------------------------------

LINE_TOPICS: tuple[tuple[str, str, str, tuple[str, ...], float, float, int], ...] = (
    # title, x label, y label, series names, low, high, decimals
    (
        "Average Monthly Temperature",
        "Month",
        "Temperature (°C)",
        ("Lisbon", "Oslo", "Cairo"),
        -2,
        32,
        1,
    ),
    ("Website Visits", "Month", "Visits (thousands)", ("Desktop", "Mobile", "Tablet"), 5, 60, 0),
    ("Plant Height Over Time", "Week", "Height (cm)", ("Sunlight", "Shade", "No water"), 2, 40, 1),
    ("Monthly Sales", "Month", "Units sold", ("Store A", "Store B", "Store C"), 20, 140, 0),
    (
        "Population Growth",
        "Year",
        "Population (thousands)",
        ("Town A", "Town B", "Town C"),
        40,
        160,
        0,
    ),
    ("Rainfall", "Month", "Rainfall (mm)", ("2022", "2023", "2024"), 10, 110, 0),
)
MARKERS = ("o", "s", "^", "D", "v")
LINESTYLES = ("-", "--", "-.", ":")


def _walk(rng: random.Random, n: int, low: float, high: float, nd: int) -> list[float]:
    """A smooth-ish random walk inside [low, high], rounded to nd decimals."""
    span = high - low
    v = rng.uniform(low + 0.2 * span, low + 0.8 * span)
    out = []
    for _ in range(n):
        out.append(_rnd(v, nd))
        v = min(high, max(low, v + rng.uniform(-0.22, 0.22) * span))
    return out


@register(
    "line_chart",
    "charts",
    "Line chart with 1-3 series, markers, legend, and optional point labels or shading.",
)
def line_chart(rng: random.Random) -> Emitted:
    title, xlab, ylab, names, low, high, nd = rng.choice(LINE_TOPICS)
    n = rng.randint(5, 8)
    if xlab == "Month":
        start = rng.randint(0, 12 - n)
        xs = MONTHS[start : start + n]
    elif xlab == "Week":
        xs = [str(i) for i in range(1, n + 1)]
    else:
        y0 = rng.choice([1990, 1995, 2000, 2005, 2010])
        xs = [str(y0 + 5 * i) for i in range(n)]
    k = rng.choice([1, 1, 2, 2, 3])
    series = list(names[:k])
    for _ in tries("set of series with distinct values"):
        data = [_walk(rng, n, low, high, nd) for _ in range(k)]
        if all(len(set(r)) == n for r in data):
            break
    colors = _colors(rng, k)
    markers = rng.sample(MARKERS, k)
    dashed = rng.random() < 0.4
    styles = ["-", *rng.sample(LINESTYLES[1:], k - 1)] if dashed else ["-"] * k
    point_labels = k == 1 and rng.random() < 0.6
    shade = k == 1 and not point_labels and rng.random() < 0.5
    legend = k > 1 or rng.random() < 0.5
    legend_loc = rng.choice(["best", "upper left", "lower right", "outside"])

    lines = _header()
    lines += [f"# Data: {title.lower()}", f"x_labels = {_strs(xs)}"]
    if k == 1:
        lines.append(f"values = {_nums(data[0], nd)}")
    else:
        lines.append("series = {")
        lines += [f"    {_s(s)}: {_nums(r, nd)}," for s, r in zip(series, data, strict=True)]
        lines.append("}")
    lines += ["", f"fig, ax = plt.subplots(figsize=({fmt(4.6 + 0.3 * n, 1)}, 4.2))"]
    if k == 1:
        lines += [
            "# Line through the data points, one marker per point",
            f'ax.plot(x_labels, values, marker="{markers[0]}", linestyle="{styles[0]}", '
            f'color="{colors[0]}", linewidth=2, markersize=7, label={_s(series[0])})',
        ]
        if point_labels:
            lines += [
                "# Value above each point",
                "for x, y in zip(x_labels, values):",
                '    ax.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 8),',
                '                ha="center", fontsize=9)',
            ]
        if shade:
            lines += [
                "# Shade the area under the line",
                f'ax.fill_between(x_labels, values, {fmt(min(0, low))}, color="{colors[0]}", '
                "alpha=0.15)",
            ]
    else:
        lines += [
            "# One line per series, each with its own marker and line style",
            f"markers = {_strs(markers)}",
            f"linestyles = {_strs(styles)}",
            f"colors = {_strs(colors)}",
            "for (name, values), marker, style, color in zip(series.items(), markers, "
            "linestyles, colors):",
            "    ax.plot(x_labels, values, marker=marker, linestyle=style, color=color, "
            "linewidth=2, label=name)",
        ]
    flat = [v for r in data for v in r]
    span = max(flat) - min(flat)
    ylo = min(0, low) if shade else min(flat) - 0.15 * span
    yhi = max(flat) + (0.25 if point_labels or legend else 0.12) * span
    lines += [
        "",
        f"ax.set_ylim({fmt(ylo, 1)}, {fmt(yhi, 1)})",
        f"ax.set_xlabel({_s(xlab)})",
        f"ax.set_ylabel({_s(ylab)})",
        f"ax.set_title({_s(title)})",
    ]
    if legend:
        if legend_loc == "outside":
            lines.append('ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))')
        else:
            lines.append(f'ax.legend(loc="{legend_loc}")')
    lines += ["# Grid lines to read values", 'ax.grid(True, linestyle=":", alpha=0.7)']
    code = _finish(lines)

    statements = [f"the chart has {k} line{'s' if k > 1 else ''} over {n} points"]
    for s, r in zip(series, data, strict=True):
        i_hi, i_lo = r.index(max(r)), r.index(min(r))
        statements.append(f"{s} is highest at {xs[i_hi]} ({_g(r[i_hi])})")
        statements.append(f"{s} is lowest at {xs[i_lo]} ({_g(r[i_lo])})")
        rises = sum(1 for a, b in itertools.pairwise(r) if b > a)
        statements.append(f"{s} rises {rises} times and falls {n - 1 - rises} times")
    labels = [title, xlab, ylab, *xs]
    if legend:
        labels += series
    if point_labels:
        labels += [_g(v) for v in data[0]]
    facts = {
        "statements": statements,
        "labels": labels,
        "x": xs,
        "series": series,
        "values": data,
        "n_lines": k,
        "n_points": n,
        "markers": markers,
        "max_points": {s: xs[r.index(max(r))] for s, r in zip(series, data, strict=True)},
    }
    params = {
        "topic": title,
        "k": k,
        "dashed": dashed,
        "point_labels": point_labels,
        "shade": shade,
        "legend": legend_loc if legend else None,
        "values": data,
    }
    return Emitted(code, params, facts)
