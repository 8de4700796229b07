"""Families of the charts domain: statistical charts and value tables as drawn in textbooks.

Every family samples a *topic* (a title, axis labels and realistic category names), sampled data,
and a visual style (orientation, palette, label placement, grid), then emits a standalone
matplotlib program whose data appear as literals. The facts record the data and statistics that
the program provably draws.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from codepercept.synth.base import Emitted, fmt, register

# -- topics and palettes -------------------------------------------------------------------------

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass(frozen=True)
class Topic:
    title: str
    category_axis: str  # what the categories are ("Month")
    value_axis: str  # what the values measure ("Rainfall (mm)")
    categories: tuple[str, ...]
    ordered: bool  # categories form a sequence (months): sample a consecutive run
    low: int
    high: int
    series: tuple[str, ...]  # names for a second/third data series


TOPICS: tuple[Topic, ...] = (
    Topic(
        "Quarterly Sales",
        "Quarter",
        "Sales (thousand $)",
        ("Q1", "Q2", "Q3", "Q4"),
        True,
        20,
        95,
        ("2022", "2023", "2024"),
    ),
    Topic(
        "Monthly Rainfall",
        "Month",
        "Rainfall (mm)",
        tuple(MONTHS),
        True,
        10,
        120,
        ("Oakville", "Riverton", "Hillside"),
    ),
    Topic(
        "Favourite Fruit Survey",
        "Fruit",
        "Number of students",
        ("Apple", "Banana", "Cherry", "Grape", "Mango", "Orange", "Pear"),
        False,
        3,
        30,
        ("Class 7A", "Class 7B", "Class 7C"),
    ),
    Topic(
        "Library Books Borrowed",
        "Day",
        "Books borrowed",
        tuple(DAYS),
        True,
        5,
        60,
        ("Week 1", "Week 2", "Week 3"),
    ),
    Topic(
        "Electricity Generation",
        "Source",
        "Energy (TWh)",
        ("Coal", "Gas", "Nuclear", "Wind", "Solar", "Hydro"),
        False,
        5,
        80,
        ("2010", "2020"),
    ),
    Topic(
        "Average Test Scores",
        "Subject",
        "Average score",
        ("Math", "Science", "English", "History", "Art", "Music"),
        False,
        50,
        95,
        ("Boys", "Girls"),
    ),
    Topic(
        "How Students Travel to School",
        "Mode of transport",
        "Number of students",
        ("Walk", "Bus", "Car", "Bicycle", "Train"),
        False,
        4,
        40,
        ("Year 7", "Year 8", "Year 9"),
    ),
    Topic(
        "Park Visitors",
        "Month",
        "Visitors (hundreds)",
        tuple(MONTHS),
        True,
        5,
        70,
        ("North Park", "Lake Park", "City Park"),
    ),
    Topic(
        "Population by Region",
        "Region",
        "Population (millions)",
        ("North", "South", "East", "West", "Central"),
        False,
        3,
        45,
        ("2000", "2010", "2020"),
    ),
    Topic(
        "Pets Owned by Households",
        "Pet",
        "Households",
        ("Dog", "Cat", "Fish", "Bird", "Rabbit", "Hamster"),
        False,
        4,
        50,
        ("Town A", "Town B", "Town C"),
    ),
)

PALETTES: dict[str, tuple[str, ...]] = {
    "tableau": ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1"),
    "pastel": ("#8DD3C7", "#FDB462", "#BEBADA", "#FB8072", "#80B1D3", "#B3DE69", "#FCCDE5"),
    "ocean": ("#08519C", "#3182BD", "#6BAED6", "#9ECAE1", "#2CA25F", "#99D8C9", "#756BB1"),
    "earth": ("#8C510A", "#BF812D", "#DFC27D", "#80CDC1", "#35978F", "#01665E", "#543005"),
    "vivid": ("#E41A1C", "#377EB8", "#4DAF4A", "#984EA3", "#FF7F00", "#A65628", "#F781BF"),
}
HATCHES = ("//", "..", "xx", "\\\\", "oo", "--", "++")


def _s(text: str) -> str:
    """A string literal for emitted code (double quotes)."""
    return json.dumps(text, ensure_ascii=False)


def _strs(items: list[str]) -> str:
    return "[" + ", ".join(_s(t) for t in items) + "]"


def _num(value: float, nd: int = 2) -> str:
    """``fmt`` that also handles ``nd=0`` (whole numbers keep their trailing zeros)."""
    return str(round(value)) if nd == 0 else fmt(value, nd)


def _nums(values: list[float], nd: int = 2) -> str:
    return "[" + ", ".join(_num(v, nd) for v in values) + "]"


def _rnd(value: float, nd: int) -> float:
    """Round to nd decimals; nd=0 gives an int."""
    return round(value) if nd == 0 else round(value, nd)


def _g(v: float) -> str:
    """The text matplotlib's default ``"%g"`` label format gives."""
    return f"{v:g}"


def _pick_topic(
    rng: random.Random, min_cats: int, max_cats: int, additive: bool = False
) -> tuple[Topic, list[str]]:
    """A topic and a subset of its categories; ``additive`` skips topics whose values cannot
    be summed (averages), for stacked charts."""
    pool = [t for t in TOPICS if not (additive and t.title.startswith("Average"))]
    topic = rng.choice(pool)
    n = rng.randint(min(min_cats, len(topic.categories)), min(max_cats, len(topic.categories)))
    if topic.ordered:
        start = rng.randint(0, len(topic.categories) - n)
        cats = list(topic.categories[start : start + n])
    else:
        idx = sorted(rng.sample(range(len(topic.categories)), n))
        cats = [topic.categories[i] for i in idx]
    return topic, cats


def _distinct_ints(rng: random.Random, n: int, low: int, high: int) -> list[int]:
    return rng.sample(range(low, high + 1), n)


def _colors(rng: random.Random, n: int) -> list[str]:
    palette = PALETTES[rng.choice(sorted(PALETTES))]
    start = rng.randrange(len(palette))
    return [palette[(start + i) % len(palette)] for i in range(n)]


def _header(numpy: bool = False) -> list[str]:
    lines = ["import matplotlib.pyplot as plt"]
    if numpy:
        lines.insert(0, "import numpy as np")
    return [*lines, ""]


def _style_axes(lines: list[str], rng: random.Random, grid_axis: str) -> str:
    """Append a grid/spine style; returns a short name for the params."""
    style = rng.choice(["grid", "clean", "boxed"])
    if style == "grid":
        lines += [
            "# Light dashed grid behind the data",
            f'ax.grid(axis="{grid_axis}", linestyle="--", alpha=0.5)',
            "ax.set_axisbelow(True)",
        ]
    elif style == "clean":
        lines += [
            "# Open frame: hide the top and right spines",
            'ax.spines["top"].set_visible(False)',
            'ax.spines["right"].set_visible(False)',
        ]
    return style


def _finish(lines: list[str]) -> str:
    lines += ["", "plt.tight_layout()", "plt.show()"]
    return "\n".join(lines) + "\n"


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
    while True:
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


# -- pie / donut chart ---------------------------------------------------------------------------

PIE_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Household Budget", ("Rent", "Food", "Transport", "Savings", "Leisure", "Utilities")),
    ("Favourite Sport", ("Football", "Tennis", "Swimming", "Basketball", "Cycling", "Running")),
    ("Energy Mix", ("Coal", "Gas", "Nuclear", "Wind", "Solar", "Hydro")),
    ("Land Use", ("Farmland", "Forest", "Urban", "Water", "Grassland")),
    ("Blood Types", ("O", "A", "B", "AB")),
    ("Time Spent on Homework", ("Math", "Science", "English", "History", "Languages")),
    ("Browser Share", ("Chrome", "Safari", "Edge", "Firefox", "Other")),
)


def _split_total(rng: random.Random, total: int, n: int) -> list[int]:
    """n distinct positive integers summing to total, each at least total/20."""
    lo = max(1, total // 20)
    if sum(range(lo, lo + n)) > total:
        raise ValueError(f"cannot split {total} into {n} distinct parts of at least {lo}")
    while True:
        cuts = sorted(rng.sample(range(1, total), n - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        if min(parts) >= lo and len(set(parts)) == n:
            return parts


@register(
    "pie_chart",
    "charts",
    "Pie or donut chart with percentage labels, category labels or a legend, optional explode.",
)
def pie_chart(rng: random.Random) -> Emitted:
    title, names = rng.choice(PIE_TOPICS)
    n = rng.randint(3, min(6, len(names)))
    cats = rng.sample(names, n)
    # Totals for which every share is an exact decimal with one digit, so the printed
    # percentages are unambiguous (no half-way rounding).
    total = rng.choice([20, 25, 40, 50, 100, 200])
    if total <= 25:  # small totals cannot be split into many distinct parts
        n = min(n, 4)
        cats = cats[:n]
    values = _split_total(rng, total, n)
    decimals = 0 if 100 % total == 0 else 1
    donut = rng.random() < 0.45
    use_legend = rng.random() < 0.4
    explode = not donut and rng.random() < 0.4
    clockwise = rng.random() < 0.5
    start = rng.choice([0, 90, 140])
    colors = _colors(rng, n)
    imax = values.index(max(values))
    pct_fmt = f"%1.{decimals}f%%"
    pct_labels = [pct_fmt % (100.0 * (v / total)) for v in values]
    unit = rng.choice(["count", "percent"])

    lines = _header()
    lines += [f"# Data: {title.lower()}", f"labels = {_strs(cats)}", f"sizes = {_nums(values)}"]
    lines += [f"colors = {_strs(colors)}"]
    if explode:
        ex = [0.0] * n
        ex[imax] = 0.1
        lines.append(f"explode = {_nums(ex, 1)}  # pull out the largest slice")
    lines += [
        "",
        "fig, ax = plt.subplots(figsize=(7, 5))"
        if use_legend
        else "fig, ax = plt.subplots(figsize=(5.4, 5))",
    ]
    kwargs = [
        "sizes",
        "labels=None" if use_legend else "labels=labels",
        "colors=colors",
        f'autopct="{pct_fmt}"',
        f"startangle={start}",
    ]
    if clockwise:
        kwargs.append("counterclock=False")
    if explode:
        kwargs.append("explode=explode")
    if donut:
        kwargs += ['wedgeprops={"width": 0.42, "edgecolor": "white"}', "pctdistance=0.79"]
    else:
        kwargs.append('wedgeprops={"edgecolor": "white", "linewidth": 1.5}')
    comment = (
        "# Donut: a pie with a hole, percentages on the ring"
        if donut
        else "# Pie slices with their percentage shares"
    )
    lines += [comment, "wedges, texts, autotexts = ax.pie(" + ", ".join(kwargs) + ")"]
    lines.append('plt.setp(autotexts, fontsize=10, color="black")')
    center_label = None
    if donut:
        center_label = f"Total\n{total}" if unit == "count" else f"n = {total}"
        lines += [
            "# Total in the hole",
            f'ax.text(0, 0, {_s(center_label)}, ha="center", va="center", fontsize=13, '
            'fontweight="bold")',
        ]
    if use_legend:
        lines += [
            "# Legend instead of slice labels",
            'ax.legend(wedges, labels, loc="center left", bbox_to_anchor=(0.95, 0.5))',
        ]
    lines += [
        "# Equal aspect keeps the pie round",
        'ax.set_aspect("equal")',
        f"ax.set_title({_s(title)})",
    ]
    code = _finish(lines)

    statements = [
        f"the {'donut' if donut else 'pie'} chart has {n} slices",
        f"the largest slice is {cats[imax]} with {pct_labels[imax]}",
        *[f"{c} is {p} ({v} of {total})" for c, p, v in zip(cats, pct_labels, values, strict=True)],
    ]
    if explode:
        statements.append(f"the {cats[imax]} slice is pulled out")
    labels = [title, *cats, *pct_labels]
    if center_label:
        labels.append(center_label)
    facts = {
        "statements": statements,
        "labels": labels,
        "categories": cats,
        "values": values,
        "total": total,
        "percentages": [float(Fraction(100 * v, total)) for v in values],
        "percent_labels": pct_labels,
        "n_slices": n,
        "donut": donut,
        "max_category": cats[imax],
        "exploded": cats[imax] if explode else None,
    }
    params = {
        "topic": title,
        "donut": donut,
        "legend": use_legend,
        "explode": explode,
        "clockwise": clockwise,
        "startangle": start,
        "values": values,
    }
    return Emitted(code, params, facts)


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


# -- scatter with least-squares line -------------------------------------------------------------

SCATTER_TOPICS: tuple[tuple[str, str, str, float, float, float, float, int], ...] = (
    # title, x label, y label, x low, x high, slope, noise sd, y decimals
    ("Study Time and Test Score", "Hours studied", "Test score", 1, 10, 5.5, 6, 0),
    ("Temperature and Ice Cream Sales", "Temperature (°C)", "Sales ($)", 14, 34, 12, 35, 0),
    ("Height and Arm Span", "Height (cm)", "Arm span (cm)", 145, 185, 1.0, 3.5, 0),
    ("Car Age and Value", "Age (years)", "Value (thousand $)", 1, 12, -1.6, 1.8, 1),
    ("Fertiliser and Crop Yield", "Fertiliser (kg)", "Yield (t)", 10, 60, 0.08, 0.6, 1),
    ("Screen Time and Sleep", "Screen time (h)", "Sleep (h)", 1, 8, -0.35, 0.45, 1),
)


@register(
    "scatter_fit",
    "charts",
    "Scatter plot with the least-squares line, its equation and r, optional residual segments.",
)
def scatter_fit(rng: random.Random) -> Emitted:
    title, xlab, ylab, xlo, xhi, slope, noise, nd = rng.choice(SCATTER_TOPICS)
    n = rng.randint(8, 14)
    xnd = 0 if xhi - xlo >= 9 else 1
    xs = sorted(_rnd(rng.uniform(xlo, xhi), xnd) for _ in range(n))
    intercept = {
        "Test score": 35,
        "Sales ($)": -40,
        "Arm span (cm)": 2,
        "Value (thousand $)": 24,
        "Yield (t)": 2.5,
        "Sleep (h)": 9.3,
    }[ylab]
    ys = [_rnd(intercept + slope * x + rng.gauss(0, noise), nd) for x in xs]
    x_arr, y_arr = np.array(xs), np.array(ys)
    m, b = np.polyfit(x_arr, y_arr, 1)
    r = float(np.corrcoef(x_arr, y_arr)[0, 1])
    eq_place = rng.choice(["legend", "box"])
    residuals = rng.random() < 0.3
    color = _colors(rng, 2)
    marker = rng.choice(["o", "s", "D", "^"])
    filled = rng.random() < 0.7

    sign = "+" if b >= 0 else "-"
    equation = f"y = {m:.2f}x {sign} {abs(b):.2f}"
    r_label = f"r = {r:.2f}"

    lines = _header(numpy=True)
    lines += [
        f"# Data: {title.lower()}",
        f"x = np.array({_nums(xs, 1)})",
        f"y = np.array({_nums(ys, nd)})",
        "",
        "# Least-squares line and correlation coefficient",
        "slope, intercept = np.polyfit(x, y, 1)",
        "r = np.corrcoef(x, y)[0, 1]",
        'sign = "+" if intercept >= 0 else "-"',
        'equation = f"y = {slope:.2f}x {sign} {abs(intercept):.2f}"',
        "",
        "fig, ax = plt.subplots(figsize=(6, 4.6))",
    ]
    face = color[0] if filled else "none"
    lines += [
        "# Data points",
        f'ax.scatter(x, y, marker="{marker}", s=45, facecolors="{face}", '
        f'edgecolors="{color[0]}", zorder=3, label="data")',
    ]
    if residuals:
        lines += [
            "# Residuals: vertical segments from each point to the line",
            'ax.vlines(x, y, slope * x + intercept, colors="gray", linestyles="dotted")',
        ]
    lines += [
        "# Fitted line across the data range",
        f"x_line = np.linspace({fmt(min(xs), 1)}, {fmt(max(xs), 1)}, 2)",
    ]
    if eq_place == "legend":
        lines += [
            f'ax.plot(x_line, slope * x_line + intercept, color="{color[1]}", linewidth=2,',
            '        label=f"{equation}  (r = {r:.2f})")',
            "# Legend names the points and gives the fitted equation",
            'ax.legend(loc="best")',
        ]
    else:
        corner = "upper left" if m > 0 else "upper right"
        tx, ha = ("0.04", "left") if m > 0 else ("0.96", "right")
        lines += [
            f'ax.plot(x_line, slope * x_line + intercept, color="{color[1]}", linewidth=2)',
            f"# Equation and r in a box, {corner}",
            f'ax.text({tx}, 0.95, f"{{equation}}\\nr = {{r:.2f}}", transform=ax.transAxes, '
            f'ha="{ha}", va="top",',
            '        fontsize=11, bbox={"boxstyle": "round", "facecolor": "white", '
            '"edgecolor": "gray"})',
        ]
    lines += [
        f"ax.set_xlabel({_s(xlab)})",
        f"ax.set_ylabel({_s(ylab)})",
        f"ax.set_title({_s(title)})",
        'ax.grid(True, linestyle="--", alpha=0.4)',
    ]
    code = _finish(lines)

    strength = "strong" if abs(r) >= 0.8 else "moderate" if abs(r) >= 0.5 else "weak"
    direction = "positive" if r > 0 else "negative"
    labels = [title, xlab, ylab]
    labels += (
        [f"{equation}  ({r_label})", "data"] if eq_place == "legend" else [f"{equation}\n{r_label}"]
    )
    facts = {
        "statements": [
            f"the scatter plot has {n} points",
            f"the least-squares line is {equation}",
            f"the correlation coefficient is {r:.2f}, a {strength} {direction} correlation",
            f"the line {'rises' if m > 0 else 'falls'} from left to right",
        ],
        "labels": labels,
        "x": xs,
        "y": ys,
        "n_points": n,
        "slope": round(float(m), 10),
        "intercept": round(float(b), 10),
        "r": round(r, 6),
        "equation": equation,
    }
    params = {
        "topic": title,
        "equation_place": eq_place,
        "residuals": residuals,
        "marker": marker,
        "filled": filled,
        "x": xs,
        "y": ys,
    }
    return Emitted(code, params, facts)


# -- value table ---------------------------------------------------------------------------------


@register(
    "value_table",
    "charts",
    "Table of values: a styled ax.table with totals, or a hand-drawn two-row frequency grid.",
)
def value_table(rng: random.Random) -> Emitted:
    kind = rng.choice(["table", "table", "grid"])
    return _table_emit(rng) if kind == "table" else _grid_emit(rng)


def _table_emit(rng: random.Random) -> Emitted:
    topic, cats = _pick_topic(rng, 3, 6)
    k = rng.randint(2, len(topic.series))
    series = list(topic.series[:k])
    data = [[rng.randint(topic.low, topic.high) for _ in series] for _ in cats]
    with_totals = rng.random() < 0.6
    header_color = rng.choice(["#4E79A7", "#2E7D32", "#6A1B9A", "#37474F", "#B71C1C"])
    zebra = rng.random() < 0.6
    col_labels = [*series, "Total"] if with_totals else list(series)
    rows = [[*r, sum(r)] if with_totals else list(r) for r in data]
    cell_text = [[str(v) for v in r] for r in rows]
    n_rows = len(cats)

    lines = _header()
    lines += [
        f"# Data: {topic.title.lower()}",
        f"row_labels = {_strs(cats)}",
        f"col_labels = {_strs(col_labels)}",
        "cells = [",
        *[f"    {_strs(r)}," for r in cell_text],
        "]",
        "",
        f"fig, ax = plt.subplots(figsize=({fmt(2.2 + 1.1 * len(col_labels), 1)}, "
        f"{fmt(1.3 + 0.42 * n_rows, 1)}))",
        "# The table alone: hide the axes",
        'ax.axis("off")',
        "table = ax.table(cellText=cells, rowLabels=row_labels, colLabels=col_labels,",
        '                 cellLoc="center", loc="center")',
        "table.auto_set_font_size(False)",
        "table.set_fontsize(11)",
        "table.scale(1, 1.6)",
        "# Coloured header row and bold row labels",
        "for (row, col), cell in table.get_celld().items():",
        "    if row == 0:",
        f'        cell.set_facecolor("{header_color}")',
        '        cell.set_text_props(color="white", fontweight="bold")',
        "    elif col == -1:",
        '        cell.set_text_props(fontweight="bold")',
    ]
    if zebra:
        lines += [
            "    elif row % 2 == 0:",
            '        cell.set_facecolor("#EEEEEE")',
        ]
    lines.append(f'ax.set_title({_s(topic.title)}, fontweight="bold")')
    code = _finish(lines)

    col_totals = [sum(data[i][j] for i in range(n_rows)) for j in range(k)]
    flat = [(data[i][j], cats[i], series[j]) for i in range(n_rows) for j in range(k)]
    vmax, rmax, cmax = max(flat, key=lambda t: t[0])
    unique = sum(1 for t in flat if t[0] == vmax) == 1
    statements = [
        f"the table has {n_rows} rows and {len(col_labels)} columns of values",
        *[f"the column {s} adds up to {t}" for s, t in zip(series, col_totals, strict=True)],
    ]
    if with_totals:
        statements += [f"the total for {c} is {r[-1]}" for c, r in zip(cats, rows, strict=True)]
    if unique:
        statements.append(f"the largest entry is {vmax} ({rmax}, {cmax})")
    facts = {
        "statements": statements,
        "labels": [topic.title, *cats, *col_labels, *[t for r in cell_text for t in r]],
        "row_labels": cats,
        "col_labels": col_labels,
        "values": rows,
        "n_rows": n_rows,
        "n_cols": len(col_labels),
        "column_totals": dict(zip(series, col_totals, strict=True)),
        "max_value": vmax,
    }
    params = {
        "kind": "table",
        "topic": topic.title,
        "totals": with_totals,
        "zebra": zebra,
        "header_color": header_color,
        "values": data,
    }
    return Emitted(code, params, facts)


GRID_TOPICS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("Goals Scored per Match", "Goals", "Frequency", ["0", "1", "2", "3", "4", "5"]),
    ("Number of Siblings", "Siblings", "Students", ["0", "1", "2", "3", "4"]),
    ("Shoe Sizes in a Class", "Size", "Frequency", ["36", "37", "38", "39", "40", "41", "42"]),
    ("Rolls of a Die", "Score", "Frequency", ["1", "2", "3", "4", "5", "6"]),
    ("Cars per Household", "Cars", "Households", ["0", "1", "2", "3", "4"]),
)


def _grid_emit(rng: random.Random) -> Emitted:
    title, head_x, head_f, xs = rng.choice(GRID_TOPICS)
    freqs = [rng.randint(1, 14) for _ in xs]
    with_total = rng.random() < 0.5
    shade = rng.choice(["#DDEEFF", "#FFF2CC", "#E2F0D9", "#EEEEEE"])
    cols = [*xs, "Total"] if with_total else list(xs)
    fvals = [*freqs, sum(freqs)] if with_total else list(freqs)
    n = len(cols)
    head_w = 2.2

    lines = _header()
    lines += [
        f"# Frequency table: {title.lower()}",
        f"values = {_strs(cols)}",
        f"frequencies = {_nums(fvals, 0)}",
        "",
        f"fig, ax = plt.subplots(figsize=({fmt(0.9 + 0.62 * (n + head_w), 1)}, 2.1))",
        f"header_width = {fmt(head_w, 1)}",
        f"n_cols = {n}",
        "# Shaded header column",
        f'ax.add_patch(plt.Rectangle((0, 0), header_width, 2, facecolor="{shade}"))',
        "# Grid lines: two rows, a header column and one column per value",
        "for y in (0, 1, 2):",
        '    ax.plot([0, header_width + n_cols], [y, y], color="black", linewidth=1.2)',
        "for i in range(n_cols + 1):",
        '    ax.plot([header_width + i, header_width + i], [0, 2], color="black", linewidth=1.2)',
        'ax.plot([0, 0], [0, 2], color="black", linewidth=1.2)',
        "# Row headers",
        f'ax.text(header_width / 2, 1.5, {_s(head_x)}, ha="center", va="center", '
        'fontweight="bold")',
        f'ax.text(header_width / 2, 0.5, {_s(head_f)}, ha="center", va="center", '
        'fontweight="bold")',
        "# One value and its frequency per column",
        "for i, (value, freq) in enumerate(zip(values, frequencies)):",
        "    x = header_width + i + 0.5",
        '    ax.text(x, 1.5, value, ha="center", va="center", fontsize=12)',
        '    ax.text(x, 0.5, str(freq), ha="center", va="center", fontsize=12)',
        "",
        "ax.set_xlim(-0.1, header_width + n_cols + 0.1)",
        "ax.set_ylim(-0.1, 2.1)",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        f"ax.set_title({_s(title)})",
    ]
    code = _finish(lines)

    imax = freqs.index(max(freqs))
    unique = freqs.count(freqs[imax]) == 1
    total = sum(freqs)
    mean = sum(float(x) * f for x, f in zip(xs, freqs, strict=True)) / total
    statements = [
        f"the table lists {len(xs)} values with their frequencies",
        f"the frequencies add up to {total}",
        *[f"{head_x.lower()} {x} has frequency {f}" for x, f in zip(xs, freqs, strict=True)],
        f"the mean {head_x.lower()} is {mean:.2f}",
    ]
    if unique:
        statements.append(f"the mode is {xs[imax]}")
    facts = {
        "statements": statements,
        "labels": [title, head_x, head_f, *cols, *[str(f) for f in fvals]],
        "row_labels": [head_x, head_f],
        "col_labels": cols,
        "values": freqs,
        "n_rows": 2,
        "n_cols": n,
        "total": total,
        "mode": xs[imax] if unique else None,
        "mean": round(mean, 4),
    }
    params = {"kind": "grid", "topic": title, "totals": with_total, "shade": shade, "values": freqs}
    return Emitted(code, params, facts)
