"""Distribution chart families: histograms and box plots."""

from __future__ import annotations

import random

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.charts._common import (
    _colors,
    _finish,
    _g,
    _header,
    _nums,
    _rnd,
    _s,
    _strs,
)

# -- histogram -----------------------------------------------------------------------------------

HIST_TOPICS: tuple[tuple[str, str, float, float, int], ...] = (
    # title, x label, mean, sd, bin width
    ("Heights of Students", "Height (cm)", 158, 9, 5),
    ("Exam Marks", "Mark", 62, 14, 10),
    ("Waiting Times at a Clinic", "Waiting time (min)", 24, 8, 5),
    ("Masses of Apples", "Mass (g)", 152, 15, 10),
    ("Daily Maximum Temperature", "Temperature (°C)", 21, 5, 2),
    ("Reaction Times", "Reaction time (ms)", 260, 35, 20),
)


@register(
    "histogram",
    "charts",
    "Histogram of raw data or a frequency table, with counts, optional frequency polygon.",
)
def histogram(rng: random.Random) -> Emitted:
    title, xlab, mu, sd, w = rng.choice(HIST_TOPICS)
    n = rng.randint(25, 45)
    data = [round(rng.gauss(mu, sd)) for _ in range(n)]
    lo = (min(data) // w) * w
    hi = (max(data) // w + 1) * w
    edges = list(range(int(lo), int(hi) + 1, w))
    counts = [int(c) for c in np.histogram(data, bins=edges)[0]]
    mode = rng.choice(["raw", "raw", "table"])
    labels_on = rng.random() < 0.7
    polygon = rng.random() < 0.35
    color = _colors(rng, 1)[0]
    ylab = rng.choice(["Frequency", "Number of students" if "Student" in title else "Count"])
    n_bins = len(counts)

    lines = _header(numpy=polygon)
    if mode == "raw":
        body = _nums(sorted(data) if rng.random() < 0.5 else data, 0)
        lines += [
            f"# Data: {title.lower()} ({n} measurements)",
            f"data = {body}",
            f"bin_edges = {_nums(edges, 0)}",
            "",
            f"fig, ax = plt.subplots(figsize=({fmt(4.4 + 0.35 * n_bins, 1)}, 4.2))",
            "# Histogram: bars touch, one per class interval",
            f'counts, edges, bars = ax.hist(data, bins=bin_edges, color="{color}", '
            'edgecolor="black")',
        ]
    else:
        lines += [
            f"# Frequency table: {title.lower()}",
            f"bin_edges = {_nums(edges, 0)}",
            f"counts = {_nums(counts, 0)}",
            "",
            f"fig, ax = plt.subplots(figsize=({fmt(4.4 + 0.35 * n_bins, 1)}, 4.2))",
            "# Histogram from the table: bars of the class width, starting at each lower edge",
            f'bars = ax.bar(bin_edges[:-1], counts, width={w}, align="edge", color="{color}", '
            'edgecolor="black")',
        ]
    if labels_on:
        lines += ["# Frequency above each bar", "ax.bar_label(bars, padding=2)"]
    if polygon:
        lines += [
            "# Frequency polygon through the mid-points of the bar tops",
            f"midpoints = np.array(bin_edges[:-1]) + {fmt(w / 2)}",
            'ax.plot(midpoints, counts, marker="o", color="black", linewidth=1.5)',
        ]
    lines += [
        "",
        "# Class boundaries as tick marks",
        "ax.set_xticks(bin_edges)",
        f"ax.set_ylim(0, {max(counts) + 2})",
        f"ax.set_xlabel({_s(xlab)})",
        f"ax.set_ylabel({_s(ylab)})",
        f"ax.set_title({_s(title)})",
        'ax.grid(axis="y", alpha=0.4)',
        "ax.set_axisbelow(True)",
    ]
    code = _finish(lines)

    imax = counts.index(max(counts))
    unique_mode = counts.count(counts[imax]) == 1
    statements = [
        f"the histogram has {n_bins} bars of width {w}",
        f"the frequencies add up to {sum(counts)}",
        *[
            f"the class {a}-{b} has frequency {c}"
            for a, b, c in zip(edges, edges[1:], counts, strict=False)
        ],
    ]
    if unique_mode:
        statements.append(f"the modal class is {edges[imax]}-{edges[imax + 1]}")
    facts = {
        "statements": statements,
        "labels": [
            title,
            xlab,
            ylab,
            *[str(e) for e in edges],
            *([str(c) for c in counts] if labels_on else []),
        ],
        "bin_edges": edges,
        "values": counts,
        "n_bars": n_bins,
        "n": sum(counts),
        "modal_class": [edges[imax], edges[imax + 1]] if unique_mode else None,
        "data_mean": round(float(np.mean(data)), 4),
    }
    params = {
        "topic": title,
        "mode": mode,
        "value_labels": labels_on,
        "polygon": polygon,
        "data": data,
        "bin_width": w,
    }
    return Emitted(code, params, facts)


# -- box plot ------------------------------------------------------------------------------------

BOX_TOPICS: tuple[tuple[str, str, tuple[str, ...], float, float], ...] = (
    ("Test Scores by Class", "Score", ("Class A", "Class B", "Class C", "Class D"), 68, 12),
    ("Commute Times", "Time (min)", ("Bus", "Car", "Bicycle", "Train"), 30, 9),
    ("Plant Growth by Fertiliser", "Growth (cm)", ("None", "Type 1", "Type 2", "Type 3"), 14, 4),
    ("Battery Life", "Hours", ("Brand X", "Brand Y", "Brand Z"), 11, 2.5),
    ("Daily Steps", "Steps (thousands)", ("Mon", "Wed", "Fri", "Sun"), 8, 2.5),
)


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return float(q1), float(med), float(q3)


@register(
    "box_plot",
    "charts",
    "Box-and-whisker plots of 2-4 groups, vertical or horizontal, with optional mean markers.",
)
def box_plot(rng: random.Random) -> Emitted:
    title, vlab, names, mu, sd = rng.choice(BOX_TOPICS)
    k = rng.randint(2, len(names))
    groups = list(names[:k])
    nd = 1 if sd < 5 else 0
    data = []
    for _ in groups:
        m = mu + rng.uniform(-1.2, 1.2) * sd
        s = sd * rng.uniform(0.6, 1.3)
        size = rng.randint(9, 15)
        vals = [_rnd(rng.gauss(m, s), nd) for _ in range(size)]
        if rng.random() < 0.3:  # an outlier
            vals.append(_rnd(m + rng.choice([-1, 1]) * 3.6 * s, nd))
        data.append(sorted(vals) if nd == 0 else vals)
    horizontal = rng.random() < 0.35
    filled = rng.random() < 0.7
    show_means = rng.random() < 0.35
    colors = _colors(rng, k)

    lines = _header()
    lines += [f"# Data: {title.lower()}", f"groups = {_strs(groups)}", "data = ["]
    lines += [f"    {_nums(v, nd)}," for v in data]
    lines += ["]", ""]
    lines.append(
        f"fig, ax = plt.subplots(figsize=(6.4, {fmt(1.6 + 0.7 * k, 1)}))"
        if horizontal
        else f"fig, ax = plt.subplots(figsize=({fmt(2.6 + 1.1 * k, 1)}, 4.6))"
    )
    kw = ["data", "tick_labels=groups"]
    if horizontal:
        kw.append('orientation="horizontal"')
    if filled:
        kw.append("patch_artist=True")
    if show_means:
        kw.append("showmeans=True")
    kw.append('medianprops={"color": "black", "linewidth": 2}')
    lines += [
        "# One box per group: quartiles, median line, whiskers to 1.5 IQR, outliers",
        f"boxes = ax.boxplot({', '.join(kw)})",
    ]
    if filled:
        lines += [
            f"colors = {_strs(colors)}",
            'for box, color in zip(boxes["boxes"], colors):',
            "    box.set_facecolor(color)",
        ]
    lines.append("# Value axis label and a light grid along it")
    if horizontal:
        lines += [f"ax.set_xlabel({_s(vlab)})", 'ax.grid(axis="x", linestyle="--", alpha=0.5)']
    else:
        lines += [f"ax.set_ylabel({_s(vlab)})", 'ax.grid(axis="y", linestyle="--", alpha=0.5)']
    lines.append(f"ax.set_title({_s(title)})")
    code = _finish(lines)

    stats = []
    for vals in data:
        q1, med, q3 = _quartiles(vals)
        iqr = q3 - q1
        inside = [v for v in vals if q1 - 1.5 * iqr <= v <= q3 + 1.5 * iqr]
        outliers = sorted(v for v in vals if v not in inside)
        stats.append(
            {
                "q1": round(q1, 4),
                "median": round(med, 4),
                "q3": round(q3, 4),
                "iqr": round(iqr, 4),
                "whisker_low": min(inside),
                "whisker_high": max(inside),
                "outliers": outliers,
                "mean": round(float(np.mean(vals)), 4),
                "n": len(vals),
            }
        )
    meds = [s["median"] for s in stats]
    imax = meds.index(max(meds))
    iqrs = [s["iqr"] for s in stats]
    statements = [f"there are {k} box plots"]
    for g, s in zip(groups, stats, strict=True):
        statements.append(
            f"{g} has median {_g(s['median'])} and interquartile range {_g(s['iqr'])}"
        )
        if s["outliers"]:
            statements.append(
                f"{g} has {len(s['outliers'])} outlier(s): "
                + ", ".join(_g(v) for v in s["outliers"])
            )
    if meds.count(meds[imax]) == 1:
        statements.append(f"{groups[imax]} has the highest median")
    if iqrs.count(max(iqrs)) == 1:
        statements.append(f"{groups[iqrs.index(max(iqrs))]} has the widest box")
    facts = {
        "statements": statements,
        "labels": [title, vlab, *groups],
        "groups": groups,
        "values": data,
        "stats": stats,
        "medians": meds,
        "n_boxes": k,
        "orientation": "horizontal" if horizontal else "vertical",
        "n_outliers": sum(len(s["outliers"]) for s in stats),
    }
    params = {
        "topic": title,
        "horizontal": horizontal,
        "filled": filled,
        "show_means": show_means,
        "data": data,
    }
    return Emitted(code, params, facts)
