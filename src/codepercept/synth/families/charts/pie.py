"""The pie chart family: pie or donut charts with percentage and category labels."""

from __future__ import annotations

import random
from fractions import Fraction

from codepercept.synth.base import Emitted, register, tries
from codepercept.synth.families.charts._common import _colors, _finish, _header, _nums, _s, _strs

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
    for _ in tries("split into distinct parts"):
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
