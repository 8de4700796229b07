"""The value table family: a styled ax.table with totals, or a hand-drawn frequency grid."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.charts._common import (
    _finish,
    _header,
    _nums,
    _pick_topic,
    _s,
    _strs,
)

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
