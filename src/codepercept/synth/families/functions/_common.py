"""Shared pieces of the functions families: palettes, axes styles, the canvas, sampling and point marks."""

from __future__ import annotations

import random
from collections.abc import Callable

from codepercept.synth.base import fmt
from codepercept.synth.families._geom import Script

IMPORTS = ("import matplotlib.pyplot as plt", "import numpy as np")
PALETTES = (
    ("#1f77b4", "#d62728", "#2ca02c", "#555555"),
    ("#0b3c5d", "#d9534f", "#328cc1", "#777777"),
    ("#6a1b9a", "#ef6c00", "#00897b", "#616161"),
    ("black", "#c0392b", "#2471a3", "#7f8c8d"),
    ("#2e7d32", "#1565c0", "#ad1457", "#6d6d6d"),
)
AXES_STYLES = ("textbook", "grid", "plain")


def _num(x: float) -> str:
    """A number as it appears in a label: at most two decimals, ASCII minus."""
    return fmt(x, 2)


def _pt_label(x: float, y: float) -> str:
    return f"({fmt(x, 1)}, {fmt(y, 1)})"


def _canvas(
    s: Script,
    rng: random.Random,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    style: str,
    figsize: tuple[float, float] | None = None,
) -> list[str]:
    """Open the figure and style its axes; returns the axis-name labels it draws."""
    w, h = figsize or rng.choice(((6, 4.5), (6.4, 4.8), (5.5, 4.5), (7, 4.5), (5, 5)))
    s.step("figure", f"fig, ax = plt.subplots(figsize=({fmt(w)}, {fmt(h)}))")
    s.step(
        "viewing window",
        f"ax.set_xlim({fmt(xlim[0])}, {fmt(xlim[1])})",
        f"ax.set_ylim({fmt(ylim[0])}, {fmt(ylim[1])})",
    )
    if style == "textbook":
        s.step(
            "axes through the origin, with arrowheads, as in a textbook",
            'ax.spines[["top", "right"]].set_visible(False)',
            'ax.spines[["left", "bottom"]].set_position("zero")',
            'ax.plot(1, 0, ">k", transform=ax.get_yaxis_transform(), clip_on=False)',
            'ax.plot(0, 1, "^k", transform=ax.get_xaxis_transform(), clip_on=False)',
            'ax.set_xlabel("x", loc="right")',
            'ax.set_ylabel("y", loc="top", rotation=0)',
        )
    elif style == "grid":
        s.step(
            "boxed axes with a light grid",
            'ax.grid(True, color="#dddddd", linewidth=0.8)',
            'ax.axhline(0, color="black", linewidth=0.8)',
            'ax.axvline(0, color="black", linewidth=0.8)',
            'ax.set_xlabel("x")',
            'ax.set_ylabel("y")',
        )
    else:
        s.step(
            "plain axes with the coordinate axes drawn in",
            'ax.axhline(0, color="gray", linewidth=0.8)',
            'ax.axvline(0, color="gray", linewidth=0.8)',
            'ax.set_xlabel("x")',
            'ax.set_ylabel("y")',
        )
    return ["x", "y"]


def _samples(f: Callable[[float], float], xs: list[float]) -> list[list[float]]:
    return [[round(float(x), 4), round(float(f(x)), 4)] for x in xs]


def _mark_points(
    s: Script,
    comment: str,
    pts: list[tuple[str, float, float, tuple[int, int]]],
    color: str,
    filled: bool = True,
) -> None:
    """Dots at the points with a text label each, offset (in points) away from the curve."""
    face = color if filled else "white"
    rows = ", ".join(f'("{t}", {fmt(x, 3)}, {fmt(y, 3)}, ({o[0]}, {o[1]}))' for t, x, y, o in pts)
    s.step(
        comment,
        f"for text, px, py, offset in [{rows}]:",
        f'    ax.plot(px, py, "o", color="{color}", markerfacecolor="{face}", markersize=6, zorder=3)',
        '    ax.annotate(text, (px, py), xytext=offset, textcoords="offset points", fontsize=10, '
        'ha="center", va="center")',
    )


# ------------------------------------------------------------------------------------------------
def _poly_text(m: float, power: str, c: float) -> str:
    """Readable "mx^k + c": drops a unit coefficient and a zero constant ("-x² + 3", "2x")."""
    coef = {1.0: "", -1.0: "-"}.get(float(m), fmt(m))
    head = f"{coef}{power}"
    if c == 0:
        return head
    return f"{head} {'+' if c > 0 else '-'} {fmt(abs(c))}"
