"""The lab apparatus family: titration set-ups, test-tube racks and graduated vessels."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.chemistry._common import _join

# ------------------------------------------------------------------------------------------------
# Laboratory apparatus
# ------------------------------------------------------------------------------------------------

_LIQUIDS = ["#7fb3d5", "#f5b041", "#ec7063", "#82e0aa", "#bb8fce", "#f7dc6f"]


@register(
    "lab_apparatus",
    "chemistry",
    "Lab apparatus schematic built from patches: titration (stand, graduated burette, conical "
    "flask), a rack of test tubes with liquid levels, or a graduated beaker / measuring cylinder.",
)
def lab_apparatus(rng: random.Random) -> Emitted:
    setup = rng.choice(["titration", "test_tubes", "beaker", "cylinder"])
    liquid = rng.choice(_LIQUIDS)
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "from matplotlib.patches import Polygon, Rectangle",
        "",
    ]
    labels: list[str] = []
    statements: list[str] = []
    facts: dict = {"setup": setup}
    if setup == "titration":
        reading = rng.randint(2, 35) + rng.choice([0, 0.5])
        flask_level = rng.choice([0.5, 0.8, 1.1])
        flask_liquid = rng.choice(_LIQUIDS)
        lines += [
            f"reading = {fmt(reading)}  # burette reading (mL), 0 at the top",
            "top, scale = 8.5, 0.1  # height of the 0 mL mark, height per mL",
            "",
            "fig, ax = plt.subplots(figsize=(5, 7))",
            "",
            "# Retort stand: base, rod and clamp",
            'ax.add_patch(Rectangle((-2.5, -0.3), 3.2, 0.3, facecolor="#555555"))',
            'ax.add_patch(Rectangle((-2.1, 0), 0.15, 9.5, facecolor="#777777"))',
            'ax.add_patch(Rectangle((-2.0, 7.0), 1.85, 0.15, facecolor="#777777"))',
            "",
            "# Burette: liquid from the tap up to the reading, then the glass outline",
            'ax.add_patch(Rectangle((-0.15, 3.0), 0.3, top - scale * reading - 3.0, facecolor="'
            + liquid
            + '"))',
            'ax.add_patch(Rectangle((-0.15, 3.0), 0.3, 6.5, facecolor="none", edgecolor="black", linewidth=1.2))',
            "for ml in range(0, 51):",
            "    y = top - scale * ml",
            "    width = 0.15 if ml % 10 == 0 else 0.07",
            '    ax.plot([0.15 - width, 0.15], [y, y], color="black", linewidth=0.6)',
            "    if ml % 10 == 0:",
            '        ax.text(0.25, y, str(ml), va="center", fontsize=8)',
            "",
            "# Tap and jet",
            'ax.add_patch(Rectangle((-0.3, 2.8), 0.6, 0.2, facecolor="#444444"))',
            'ax.add_patch(Polygon([[-0.08, 2.8], [0.08, 2.8], [0.02, 2.3], [-0.02, 2.3]], facecolor="white", edgecolor="black"))',
            "",
            "# Conical flask with its solution",
            "flask = np.array([[-0.3, 2.6], [-0.3, 2.0], [-1.2, 0.0], [1.2, 0.0], [0.3, 2.0], [0.3, 2.6]])",
            f"level = {fmt(flask_level)}",
            "half = 1.2 - 0.9 / 2.0 * level  # half-width of the flask at the liquid level",
            f'ax.add_patch(Polygon([[-half, level], [-1.2, 0], [1.2, 0], [half, level]], facecolor="{flask_liquid}"))',
            'ax.add_patch(Polygon(flask, closed=False, facecolor="none", edgecolor="black", linewidth=1.5))',
        ]
        if rng.random() < 0.5:
            lines += [
                "",
                "# Labels",
                'ax.annotate("burette", xy=(-0.15, 5.5), xytext=(-1.7, 5.5), ha="right", va="center", arrowprops=dict(arrowstyle="-"))',
                'ax.annotate("conical flask", xy=(1.0, 0.5), xytext=(1.7, 1.5), va="center", arrowprops=dict(arrowstyle="-"))',
            ]
            labels += ["burette", "conical flask"]
        labels += [str(v) for v in range(0, 51, 10)]
        lines += ["", "ax.set_xlim(-3, 3)", "ax.set_ylim(-0.5, 9.8)"]
        statements += [
            f"The burette reads {fmt(reading)} mL.",
            "A conical flask stands under the burette on the retort stand base.",
        ]
        facts["reading_ml"] = reading
    elif setup == "test_tubes":
        n = rng.randint(2, 5)
        levels = [round(rng.uniform(0.8, 3.2), 1) for _ in range(n)]
        colors = [rng.choice(_LIQUIDS) for _ in range(n)]
        names = (
            [chr(65 + i) for i in range(n)]
            if rng.random() < 0.6
            else [str(i + 1) for i in range(n)]
        )
        lines += [
            "radius, height = 0.35, 4.0",
            "theta = np.linspace(np.pi, 2 * np.pi, 30)",
            f"levels = [{', '.join(fmt(v) for v in levels)}]  # liquid heights",
            f"colors = [{', '.join(chr(34) + c + chr(34) for c in colors)}]",
            f"names = [{', '.join(chr(34) + s + chr(34) for s in names)}]",
            "",
            "",
            "def tube(x0, top):",
            '    """Outline of a round-bottomed tube centred at x0, cut off at height `top`."""',
            "    xs = np.r_[x0 - radius, x0 + radius * np.cos(theta), x0 + radius]",
            "    ys = np.r_[top, radius + radius * np.sin(theta), top]",
            "    return np.column_stack([xs, ys])",
            "",
            "",
            "fig, ax = plt.subplots(figsize=(7, 5))",
            "",
            "# Rack behind the tubes",
            f'ax.add_patch(Rectangle((-0.8, 2.6), {fmt(1.2 * n + 0.4)}, 0.3, facecolor="#c8a165", edgecolor="black"))',
            f'ax.add_patch(Rectangle((-0.8, -0.2), {fmt(1.2 * n + 0.4)}, 0.2, facecolor="#c8a165", edgecolor="black"))',
            "",
            "# Test tubes: liquid, glass, label",
            "for i, (level, color, name) in enumerate(zip(levels, colors, names)):",
            "    x0 = 1.2 * i",
            "    ax.add_patch(Polygon(tube(x0, level), facecolor=color))",
            '    ax.add_patch(Polygon(tube(x0, height), closed=False, facecolor="none", edgecolor="black", linewidth=1.5))',
            '    ax.text(x0, height + 0.3, name, ha="center", fontsize=13)',
            "",
            f"ax.set_xlim(-1.2, {fmt(1.2 * n)})",
            "ax.set_ylim(-0.5, 5)",
        ]
        labels += names
        hi = max(range(n), key=lambda i: levels[i])
        lo = min(range(n), key=lambda i: levels[i])
        statements += [
            f"{n} test tubes stand in a rack, labelled {', '.join(names)}.",
            f"Tube {names[hi]} holds the most liquid and tube {names[lo]} the least.",
        ]
        facts.update(n_tubes=n, levels=levels, names=names)
    else:
        beaker = setup == "beaker"
        capacity = rng.choice([100, 250, 500]) if beaker else rng.choice([50, 100])
        step = capacity // 5 if beaker else capacity // 10
        volume = step * rng.randint(1, 4 if beaker else 9) + (
            step // 2 if rng.random() < 0.4 else 0
        )
        width = 3.0 if beaker else 1.0
        lines += [
            f"capacity, volume = {capacity}, {volume}  # mL",
            f"width, full = {fmt(width)}, 4.0  # glass width, height of the top mark",
            "per_ml = full / capacity",
            "",
            "fig, ax = plt.subplots(figsize=(5, 6))",
            "",
            "# Liquid up to the measured volume",
            f'ax.add_patch(Rectangle((0, 0), width, volume * per_ml, facecolor="{liquid}", alpha=0.8))',
            "",
            f"# {'Beaker with a spout' if beaker else 'Measuring cylinder on a foot'}",
            'ax.plot([-0.25, 0, 0, width, width], [full + 0.8, full + 0.6, 0, 0, full + 0.6], color="black", linewidth=2)'
            if beaker
            else 'ax.plot([0, 0, width, width], [full + 0.6, 0, 0, full + 0.6], color="black", linewidth=2)',
        ]
        if not beaker:
            lines.append(
                'ax.add_patch(Polygon([[-0.6, -0.3], [width + 0.6, -0.3], [width + 0.2, 0], [-0.2, 0]], facecolor="#999999", edgecolor="black"))'
            )
        lines += [
            "",
            "# Graduation marks every step mL, labelled",
            f"for ml in range({step}, capacity + 1, {step}):",
            "    y = ml * per_ml",
            '    ax.plot([0, 0.3], [y, y], color="black", linewidth=1)',
            '    ax.text(0.35, y, str(ml), va="center", fontsize=9)',
            'ax.text(width / 2, full + 0.3, "mL", ha="center", fontsize=10)',
            "",
            "ax.set_xlim(-1, width + 1)",
            "ax.set_ylim(-0.5, full + 1.2)",
        ]
        labels += [str(v) for v in range(step, capacity + 1, step)] + ["mL"]
        statements += [
            f"A {capacity} mL {'beaker' if beaker else 'measuring cylinder'} holds {volume} mL of liquid.",
            f"The graduations are {step} mL apart.",
        ]
        facts.update(capacity_ml=capacity, volume_ml=volume)
    lines += ['ax.set_aspect("equal")', 'ax.axis("off")', "plt.show()"]
    facts.update(statements=statements, labels=labels)
    return Emitted(_join(lines), {"setup": setup}, facts)
