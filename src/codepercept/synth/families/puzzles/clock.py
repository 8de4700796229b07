"""The clock face family: an analog clock at a sampled time, hand angles exact."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.puzzles._common import _join, _q

# ------------------------------------------------------------------------------------------------
# Clock faces
# ------------------------------------------------------------------------------------------------

_ROMAN = ["XII", "I", "II", "III", "IIII", "V", "VI", "VII", "VIII", "IX", "X", "XI"]


@register(
    "clock_face",
    "puzzles",
    "Analog clock face at a sampled time: Arabic, Roman or no numerals, hour/minute ticks, "
    "optional second hand; hand angles are exact for the time.",
)
def clock_face(rng: random.Random) -> Emitted:
    hour = rng.randint(1, 12)
    minute = rng.choice(range(0, 60, rng.choice([1, 5, 5])))
    numerals = rng.choice(["arabic", "roman", "quarters", "none"])
    minute_ticks = rng.random() < 0.6
    second = rng.randint(0, 59) if rng.random() < 0.3 else None
    face, rim = rng.choice(
        [("white", "black"), ("#fff8e7", "#8b5a2b"), ("#eef5ff", "#1f3b73"), ("#f4f4f4", "#444444")]
    )
    hour_angle = 90 - (30 * (hour % 12) + 0.5 * minute)
    minute_angle = 90 - 6 * minute
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Circle",
        "",
        f"hour, minute = {hour}, {minute}",
        "",
        "fig, ax = plt.subplots(figsize=(5, 5))",
        "",
        "# Dial",
        f'ax.add_patch(Circle((0, 0), 1.0, facecolor="{face}", edgecolor="{rim}", linewidth=4))',
        "",
        "# Tick marks: long ones at the hours",
        f"for k in range({60 if minute_ticks else 12}):",
        f"    a = np.radians(90 - {6 if minute_ticks else 30} * k)",
    ]
    if minute_ticks:
        lines += [
            "    inner = 0.85 if k % 5 == 0 else 0.92",
            f'    ax.plot([inner * np.cos(a), 0.97 * np.cos(a)], [inner * np.sin(a), 0.97 * np.sin(a)], color="{rim}", linewidth=2.5 if k % 5 == 0 else 1)',
        ]
    else:
        lines.append(
            f'    ax.plot([0.85 * np.cos(a), 0.97 * np.cos(a)], [0.85 * np.sin(a), 0.97 * np.sin(a)], color="{rim}", linewidth=2.5)'
        )
    labels: list[str] = []
    if numerals != "none":
        if numerals == "arabic":
            names = [str(h) for h in [12, *range(1, 12)]]
        elif numerals == "roman":
            names = _ROMAN
        else:
            names = ["12", "", "", "3", "", "", "6", "", "", "9", "", ""]
        shown = [(k, s) for k, s in enumerate(names) if s]
        lines += [
            "",
            "# Numerals",
            f"for k, text in [{', '.join(f'({k}, {_q(s)})' for k, s in shown)}]:",
            "    a = np.radians(90 - 30 * k)",
            '    ax.text(0.72 * np.cos(a), 0.72 * np.sin(a), text, ha="center", va="center", fontsize=15)',
        ]
        labels = [s for _, s in shown]
    lines += [
        "",
        "# Hands: angles measured anticlockwise from 3 o'clock",
        "hour_angle = np.radians(90 - (30 * (hour % 12) + 0.5 * minute))",
        "minute_angle = np.radians(90 - 6 * minute)",
        'ax.plot([0, 0.5 * np.cos(hour_angle)], [0, 0.5 * np.sin(hour_angle)], color="black", linewidth=6, solid_capstyle="round")',
        'ax.plot([0, 0.8 * np.cos(minute_angle)], [0, 0.8 * np.sin(minute_angle)], color="black", linewidth=3.5, solid_capstyle="round")',
    ]
    if second is not None:
        lines += [
            f"second_angle = np.radians(90 - 6 * {second})",
            'ax.plot([0, 0.88 * np.cos(second_angle)], [0, 0.88 * np.sin(second_angle)], color="tab:red", linewidth=1)',
        ]
    lines += [
        'ax.add_patch(Circle((0, 0), 0.04, color="black", zorder=5))',
        "",
        "ax.set_xlim(-1.1, 1.1)",
        "ax.set_ylim(-1.1, 1.1)",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        "plt.show()",
    ]
    time = f"{hour}:{minute:02d}"
    between = abs(hour_angle - minute_angle) % 360
    between = min(between, 360 - between)
    statements = [
        f"The clock shows {time}.",
        f"The angle between the hour and minute hands is {fmt(between, 1)}°.",
    ]
    if second is not None:
        statements.append(f"The red second hand points at {second} seconds.")
    return Emitted(
        _join(lines),
        {"hour": hour, "minute": minute, "numerals": numerals, "minute_ticks": minute_ticks},
        {
            "statements": statements,
            "labels": labels,
            "time": time,
            "hour": hour,
            "minute": minute,
            "second": second,
            "hour_hand_deg": hour_angle,
            "minute_hand_deg": minute_angle,
            "angle_between_hands": between,
            "n_ticks": 60 if minute_ticks else 12,
        },
    )
