"""The scatter-with-fit family: a point cloud and its least-squares line."""

from __future__ import annotations

import random

import numpy as np

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.charts._common import _colors, _finish, _header, _nums, _rnd, _s

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
