"""Bar chart families: single-series, grouped and stacked bar charts."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.charts._common import (
    HATCHES,
    _colors,
    _distinct_ints,
    _finish,
    _g,
    _header,
    _num,
    _nums,
    _pick_topic,
    _s,
    _strs,
    _style_axes,
)

# -- bar chart -----------------------------------------------------------------------------------


@register(
    "bar_chart",
    "charts",
    "Single-series bar chart, vertical or horizontal, with value labels on the bars.",
)
def bar_chart(rng: random.Random) -> Emitted:
    topic, cats = _pick_topic(rng, 4, 7)
    values = _distinct_ints(rng, len(cats), topic.low, topic.high)
    horizontal = rng.random() < 0.4
    color_mode = rng.choice(["single", "each", "highlight", "hatched"])
    label_pos = rng.choice(["edge", "center"])
    n = len(cats)
    imax = values.index(max(values))
    imin = values.index(min(values))
    base = _colors(rng, n)

    lines = _header()
    lines += [
        f"# Data: {topic.title.lower()}",
        f"categories = {_strs(cats)}",
        f"values = {_nums(values)}",
        "",
    ]
    if horizontal:
        lines.append(f"fig, ax = plt.subplots(figsize=(6.4, {fmt(1.6 + 0.45 * n, 1)}))")
    else:
        lines.append(f"fig, ax = plt.subplots(figsize=({fmt(2.4 + 0.75 * n, 1)}, 4.2))")
    bar_fn = "ax.barh" if horizontal else "ax.bar"
    size_kw = "height" if horizontal else "width"
    width = rng.choice([0.5, 0.6, 0.7])
    if color_mode == "single":
        lines += [
            "# One bar per category",
            f'bars = {bar_fn}(categories, values, {size_kw}={fmt(width)}, color="{base[0]}", '
            'edgecolor="black")',
        ]
    elif color_mode == "each":
        lines += [
            "# One bar per category, each in its own colour",
            f"colors = {_strs(base)}",
            f"bars = {bar_fn}(categories, values, {size_kw}={fmt(width)}, color=colors, "
            'edgecolor="black")',
        ]
    elif color_mode == "highlight":
        colors = ["#B0B0B0"] * n
        colors[imax] = base[0]
        lines += [
            "# Grey bars, with the largest value highlighted",
            f"colors = {_strs(colors)}",
            f"bars = {bar_fn}(categories, values, {size_kw}={fmt(width)}, color=colors, "
            'edgecolor="black")',
        ]
    else:
        hatch = rng.choice(HATCHES[:4])
        lines += [
            "# Black-and-white bars with a hatch pattern",
            f'bars = {bar_fn}(categories, values, {size_kw}={fmt(width)}, color="white", '
            f'edgecolor="black", hatch="{hatch}")',
        ]
    top = max(values)
    if label_pos == "edge":
        lines += ["# Value label at the end of each bar", "ax.bar_label(bars, padding=3)"]
    else:
        text_color = "black" if color_mode in ("hatched", "highlight") else "white"
        if color_mode == "hatched":
            lines += [
                "# Value label inside each bar, on a white box so the hatch does not hide it",
                'ax.bar_label(bars, label_type="center", '
                'bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})',
            ]
        else:
            lines += [
                "# Value label in the middle of each bar",
                f'ax.bar_label(bars, label_type="center", color="{text_color}", fontweight="bold")',
            ]
    limit = _num(top * 1.15, 0)
    if horizontal:
        lines += [
            "# Room for the labels; first category on top",
            f"ax.set_xlim(0, {limit})",
            "ax.invert_yaxis()",
            f"ax.set_xlabel({_s(topic.value_axis)})",
            f"ax.set_ylabel({_s(topic.category_axis)})",
        ]
    else:
        lines += [
            "# Room above the tallest bar for its label",
            f"ax.set_ylim(0, {limit})",
            f"ax.set_xlabel({_s(topic.category_axis)})",
            f"ax.set_ylabel({_s(topic.value_axis)})",
        ]
    lines.append(f"ax.set_title({_s(topic.title)})")
    style = _style_axes(lines, rng, "x" if horizontal else "y")
    code = _finish(lines)

    value_labels = [_g(v) for v in values]
    word = "longest" if horizontal else "tallest"
    short = "shortest"
    facts = {
        "statements": [
            f"the chart has {n} {'horizontal' if horizontal else 'vertical'} bars",
            f"the {word} bar is {cats[imax]} with {values[imax]}",
            f"the {short} bar is {cats[imin]} with {values[imin]}",
            f"the values add up to {sum(values)}",
            *[f"{c} has the value {v}" for c, v in zip(cats, values, strict=True)],
        ],
        "labels": [topic.title, topic.category_axis, topic.value_axis, *cats, *value_labels],
        "categories": cats,
        "values": values,
        "value_labels": value_labels,
        "n_bars": n,
        "orientation": "horizontal" if horizontal else "vertical",
        "max_category": cats[imax],
        "max_value": values[imax],
        "min_category": cats[imin],
        "min_value": values[imin],
        "total": sum(values),
        "mean": round(sum(values) / n, 4),
    }
    params = {
        "topic": topic.title,
        "horizontal": horizontal,
        "color_mode": color_mode,
        "label_pos": label_pos,
        "width": width,
        "style": style,
        "values": values,
    }
    return Emitted(code, params, facts)


# -- grouped bar chart ---------------------------------------------------------------------------


@register(
    "grouped_bar_chart",
    "charts",
    "Grouped (clustered) bar chart with 2-3 series, a legend and optional value labels.",
)
def grouped_bar_chart(rng: random.Random) -> Emitted:
    topic, cats = _pick_topic(rng, 3, 5)
    k = rng.randint(2, min(3, len(topic.series)))
    series = list(topic.series[:k])
    data = [[rng.randint(topic.low, topic.high) for _ in cats] for _ in series]
    horizontal = rng.random() < 0.3
    with_labels = rng.random() < 0.6
    hatched = rng.random() < 0.25
    colors = _colors(rng, k)
    legend_loc = rng.choice(["upper left", "upper right", "below", "outside"])
    n = len(cats)
    width = {2: 0.38, 3: 0.27}[k]

    lines = _header(numpy=True)
    lines += [f"# Data: {topic.title.lower()}", f"categories = {_strs(cats)}", "series = {"]
    lines += [f"    {_s(name)}: {_nums(vals)}," for name, vals in zip(series, data, strict=True)]
    lines += ["}", f"colors = {_strs(colors)}"]
    if hatched:
        lines.append(f"hatches = {_strs(list(HATCHES[:k]))}")
    lines.append("")
    if horizontal:
        lines.append(f"fig, ax = plt.subplots(figsize=(6.6, {fmt(1.4 + 0.35 * n * k, 1)}))")
    else:
        lines.append(
            f"fig, ax = plt.subplots(figsize=({fmt(min(8.5, 3.2 + 0.5 * n * k), 1)}, 4.4))"
        )
    lines += [
        "",
        "# One cluster of bars per category, shifted so each cluster is centred on its tick",
        "positions = np.arange(len(categories))",
        f"width = {fmt(width)}",
        "for i, (name, values) in enumerate(series.items()):",
        f"    offset = (i - {fmt((k - 1) / 2, 1)}) * width",
    ]
    fn = "ax.barh" if horizontal else "ax.bar"
    style = ', color="white", hatch=hatches[i]' if hatched else ", color=colors[i]"
    edge = ", edgecolor=colors[i], linewidth=1.5" if hatched else ', edgecolor="black"'
    lines.append(f"    bars = {fn}(positions + offset, values, width, label=name{style}{edge})")
    if with_labels:
        lines.append("    ax.bar_label(bars, padding=2, fontsize=8)")
    top = max(max(r) for r in data)
    ticks = "yticks" if horizontal else "xticks"
    lines += ["", "# Category names under each cluster", f"ax.set_{ticks}(positions, categories)"]
    if horizontal:
        lines += [
            "ax.invert_yaxis()",
            f"ax.set_xlim(0, {_num(top * 1.18, 0)})",
            f"ax.set_xlabel({_s(topic.value_axis)})",
            f"ax.set_ylabel({_s(topic.category_axis)})",
        ]
    else:
        headroom = 1.35 if legend_loc in ("upper left", "upper right") else 1.15
        lines += [
            f"ax.set_ylim(0, {_num(top * headroom, 0)})",
            f"ax.set_xlabel({_s(topic.category_axis)})",
            f"ax.set_ylabel({_s(topic.value_axis)})",
        ]
    lines.append(f"ax.set_title({_s(topic.title)})")
    lines.append("# Legend naming the series")
    if legend_loc == "below":
        lines.append(
            f'ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol={k}, frameon=False)'
        )
    elif legend_loc == "outside":
        lines.append('ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))')
    elif horizontal:
        lines.append(
            f'ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol={k}, frameon=False)'
        )
    else:
        lines.append(f'ax.legend(loc="{legend_loc}", ncol={k})')
    grid_style = _style_axes(lines, rng, "x" if horizontal else "y")
    code = _finish(lines)

    totals = [sum(r) for r in data]
    flat = [(data[s][c], series[s], cats[c]) for s in range(k) for c in range(n)]
    vmax, smax, cmax = max(flat, key=lambda t: t[0])
    n_max = sum(1 for t in flat if t[0] == vmax)
    statements = [
        f"the chart has {n} groups of {k} bars ({n * k} bars in all)",
        f"the series are {', '.join(series)}",
        *[f"{s} totals {t}" for s, t in zip(series, totals, strict=True)],
    ]
    if n_max == 1:
        statements.append(f"the tallest bar is {smax} in {cmax} with {vmax}")
    for c in range(n):
        row = ", ".join(f"{series[s]} {data[s][c]}" for s in range(k))
        statements.append(f"{cats[c]}: {row}")
    value_labels = [_g(v) for r in data for v in r] if with_labels else []
    facts = {
        "statements": statements,
        "labels": [
            topic.title,
            topic.category_axis,
            topic.value_axis,
            *cats,
            *series,
            *value_labels,
        ],
        "categories": cats,
        "series": series,
        "values": data,
        "n_bars": n * k,
        "n_series": k,
        "orientation": "horizontal" if horizontal else "vertical",
        "series_totals": dict(zip(series, totals, strict=True)),
        "max_value": vmax,
        "max_category": cmax if n_max == 1 else None,
        "max_series": smax if n_max == 1 else None,
    }
    params = {
        "topic": topic.title,
        "horizontal": horizontal,
        "value_labels": with_labels,
        "hatched": hatched,
        "legend": legend_loc,
        "style": grid_style,
        "values": data,
    }
    return Emitted(code, params, facts)


# -- stacked bar chart ---------------------------------------------------------------------------


@register(
    "stacked_bar_chart",
    "charts",
    "Stacked bar chart (vertical or horizontal) with segment values and totals on top.",
)
def stacked_bar_chart(rng: random.Random) -> Emitted:
    topic, cats = _pick_topic(rng, 3, 6, additive=True)
    k = rng.randint(2, min(3, len(topic.series)))
    series = list(topic.series[:k])
    low = max(4, topic.low // 2)
    high = max(low + 8, topic.high // 2)
    data = [[rng.randint(low, high) for _ in cats] for _ in series]
    horizontal = rng.random() < 0.35
    segment_labels = rng.random() < 0.7
    colors = _colors(rng, k)
    n = len(cats)
    totals = [sum(data[s][c] for s in range(k)) for c in range(n)]
    width = rng.choice([0.5, 0.6, 0.7])

    lines = _header(numpy=True)
    lines += [f"# Data: {topic.title.lower()}", f"categories = {_strs(cats)}", "series = {"]
    lines += [f"    {_s(name)}: {_nums(vals)}," for name, vals in zip(series, data, strict=True)]
    lines += ["}", f"colors = {_strs(colors)}", ""]
    if horizontal:
        lines.append(f"fig, ax = plt.subplots(figsize=(6.8, {fmt(1.6 + 0.5 * n, 1)}))")
    else:
        lines.append(f"fig, ax = plt.subplots(figsize=({fmt(3.0 + 0.8 * n, 1)}, 4.6))")
    fn, base_kw, size_kw = (
        ("ax.barh", "left", "height") if horizontal else ("ax.bar", "bottom", "width")
    )
    lines += [
        "",
        "# Stack the series: each segment starts where the previous one ended",
        "base = np.zeros(len(categories))",
        "for (name, values), color in zip(series.items(), colors):",
        f"    bars = {fn}(categories, values, {size_kw}={fmt(width)}, {base_kw}=base, label=name,",
        '                  color=color, edgecolor="white")',
    ]
    if segment_labels:
        lines.append('    ax.bar_label(bars, label_type="center", fontsize=9)')
    lines += ["    base += values", ""]
    lines += [
        "# Total at the end of each stack",
        f"totals = {_nums(totals)}",
        "for i, total in enumerate(totals):",
    ]
    if horizontal:
        lines.append('    ax.text(total + 1, i, str(total), va="center", fontweight="bold")')
    else:
        lines.append(
            '    ax.text(i, total + 1, str(total), ha="center", va="bottom", fontweight="bold")'
        )
    top = max(totals)
    if horizontal:
        lines += [
            "",
            "ax.invert_yaxis()",
            f"ax.set_xlim(0, {_num(top * 1.15, 0)})",
            f"ax.set_xlabel({_s(topic.value_axis)})",
        ]
    else:
        lines += [
            "",
            f"ax.set_ylim(0, {_num(top * 1.3, 0)})",
            f"ax.set_xlabel({_s(topic.category_axis)})",
            f"ax.set_ylabel({_s(topic.value_axis)})",
        ]
    lines.append(f"ax.set_title({_s(topic.title)})")
    if horizontal:
        lines.append(
            f'ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol={k}, frameon=False)'
        )
    else:
        lines.append(f'ax.legend(loc="upper left", ncol={k}, frameon=False)')
    lines += [
        'ax.spines["top"].set_visible(False)',
        'ax.spines["right"].set_visible(False)',
    ]
    code = _finish(lines)

    imax = totals.index(max(totals))
    unique_max = totals.count(totals[imax]) == 1
    statements = [
        f"the chart has {n} stacked bars, each made of {k} segments",
        f"the segments from the {'left' if horizontal else 'bottom'} are {', '.join(series)}",
        *[f"the total for {c} is {t}" for c, t in zip(cats, totals, strict=True)],
    ]
    if unique_max:
        statements.append(f"{cats[imax]} has the largest total, {totals[imax]}")
    seg_labels = [_g(v) for r in data for v in r] if segment_labels else []
    facts = {
        "statements": statements,
        "labels": [
            topic.title,
            topic.value_axis,
            *([] if horizontal else [topic.category_axis]),
            *cats,
            *series,
            *[str(t) for t in totals],
            *seg_labels,
        ],
        "categories": cats,
        "series": series,
        "values": data,
        "totals": totals,
        "n_bars": n * k,
        "n_stacks": n,
        "orientation": "horizontal" if horizontal else "vertical",
        "max_category": cats[imax] if unique_max else None,
        "max_total": totals[imax],
    }
    params = {
        "topic": topic.title,
        "horizontal": horizontal,
        "segment_labels": segment_labels,
        "width": width,
        "values": data,
    }
    return Emitted(code, params, facts)
