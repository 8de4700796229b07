"""Shared pieces of the charts families: topics, palettes, literal formatting, axes styling."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from codepercept.synth.base import fmt

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
