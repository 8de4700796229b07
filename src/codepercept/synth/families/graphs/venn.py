"""The Venn diagram family: two or three sets with the count in every region."""

from __future__ import annotations

import json
import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.graphs._common import _pt, _s

# -- Venn diagram --------------------------------------------------------------------------------

VENN_TOPICS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Sports played by students", ("Football", "Tennis", "Swimming"), "Students"),
    ("Languages studied", ("French", "Spanish", "German"), "Pupils"),
    ("Pets owned", ("Dog", "Cat", "Fish"), "Families"),
    ("Clubs joined", ("Chess", "Drama", "Music"), "Members"),
    ("", ("A", "B", "C"), "U"),
)


@register(
    "venn_diagram",
    "graphs",
    "Venn diagram of 2 or 3 sets with the number of elements in every region, in or without a "
    "universal rectangle.",
)
def venn_diagram(rng: random.Random) -> Emitted:
    title, set_names_all, universe = rng.choice(VENN_TOPICS)
    k = rng.choice([2, 3])
    sets = list(set_names_all[:k])
    r = 1.0
    if k == 2:
        centers = [(-0.6, 0.0), (0.6, 0.0)]
        regions = {"10": (-1.0, 0.0), "01": (1.0, 0.0), "11": (0.0, 0.0)}
        label_at = [(-1.1, 1.18), (1.1, 1.18)]
    else:
        centers = [(-0.6, 0.4), (0.6, 0.4), (0.0, -0.55)]
        regions = {
            "100": (-1.0, 0.65), "010": (1.0, 0.65), "001": (0.0, -1.05),
            "110": (0.0, 0.85), "101": (-0.62, -0.25), "011": (0.62, -0.25), "111": (0.0, 0.1),
        }  # fmt: skip
        label_at = [(-1.3, 1.55), (1.3, 1.55), (0.0, -1.85)]
    counts = {
        code: rng.randint(0 if len(code) == 3 and code == "111" else 1, 15) for code in regions
    }
    with_universe = universe == "U" or rng.random() < 0.6
    outside = rng.randint(0, 12) if with_universe else 0
    colored = rng.random() < 0.65
    colors = rng.sample(["#E74C3C", "#3498DB", "#2ECC71", "#F1C40F", "#9B59B6", "#E67E22"], k)
    x0, x1 = (-2.0, 2.0) if k == 2 else (-2.1, 2.1)
    y0, y1 = (-1.5, 1.6) if k == 2 else (-2.1, 1.9)

    lines = ["import matplotlib.pyplot as plt", ""]
    lines += [
        "# Sets: name, centre of its circle, colour",
        f"set_names = {json.dumps(sets)}",
        "centers = [" + ", ".join(_pt(c) for c in centers) + "]",
    ]
    if colored:
        lines.append(f"colors = {json.dumps(colors)}")
    lines += [f"radius = {fmt(r)}", "# Number of elements in each region, placed at its middle"]
    lines.append("region_counts = [")
    for code, p in regions.items():
        inside = [sets[i] for i, b in enumerate(code) if b == "1"]
        lines.append(
            f"    ({_pt(p)}, {counts[code]}),  # {' and '.join(inside)} only"
            if code.count("1") < k
            else f"    ({_pt(p)}, {counts[code]}),  # all {k} sets"
        )
    lines += [
        "]",
        "",
        f"fig, ax = plt.subplots(figsize=({fmt((x1 - x0) * 1.3, 1)}, {fmt((y1 - y0) * 1.3, 1)}))",
    ]
    if with_universe:
        lines += [
            "# The universal set",
            f"ax.add_patch(plt.Rectangle(({fmt(x0 + 0.1)}, {fmt(y0 + 0.1)}), {fmt(x1 - x0 - 0.2)}, "
            f'{fmt(y1 - y0 - 0.2)}, fill=False, edgecolor="black", linewidth=1.5))',
            f"ax.text({fmt(x0 + 0.25)}, {fmt(y0 + 0.35)}, {_s(universe)}, fontsize=14, "
            'fontstyle="italic")',
            f'ax.text({fmt(x1 - 0.45)}, {fmt(y0 + 0.35)}, "{outside}", fontsize=13, ha="center")',
        ]
    lines.append("# One circle per set, its name outside the top")
    if colored:
        lines += [
            "for name, center, color, (lx, ly) in zip(set_names, centers, colors, "
            + "["
            + ", ".join(_pt(p) for p in label_at)
            + "]):",
            "    ax.add_patch(plt.Circle(center, radius, facecolor=color, alpha=0.3, "
            "edgecolor=color, linewidth=2))",
            '    ax.text(lx, ly, name, ha="center", va="center", fontsize=14, color=color, '
            'fontweight="bold")',
        ]
    else:
        lines += [
            "for name, center, (lx, ly) in zip(set_names, centers, "
            + "["
            + ", ".join(_pt(p) for p in label_at)
            + "]):",
            '    ax.add_patch(plt.Circle(center, radius, fill=False, edgecolor="black", '
            "linewidth=1.8))",
            '    ax.text(lx, ly, name, ha="center", va="center", fontsize=14)',
        ]
    lines += [
        "# Region counts",
        "for (x, y), count in region_counts:",
        '    ax.text(x, y, str(count), ha="center", va="center", fontsize=13)',
        "",
        f"ax.set_xlim({fmt(x0)}, {fmt(x1)})",
        f"ax.set_ylim({fmt(y0)}, {fmt(y1)})",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
    ]
    if title:
        lines.append(f"ax.set_title({_s(title)})")
    lines += ["plt.tight_layout()", "plt.show()"]
    code = "\n".join(lines) + "\n"

    size = [sum(c for code, c in counts.items() if code[i] == "1") for i in range(k)]
    union = sum(counts.values())
    statements = [f"the diagram shows {k} overlapping sets: {', '.join(sets)}"]
    statements += [f"{s} has {n} elements" for s, n in zip(sets, size, strict=True)]
    if k == 2:
        statements += [
            f"{counts['11']} elements are in both {sets[0]} and {sets[1]}",
            f"{counts['10']} are in {sets[0]} only and {counts['01']} in {sets[1]} only",
        ]
    else:
        statements.append(f"{counts['111']} elements are in all three sets")
        statements.append(
            f"{counts['110'] + counts['111']} elements are in both {sets[0]} and {sets[1]}"
        )
    statements.append(f"the union has {union} elements")
    if with_universe:
        statements.append(
            f"{outside} elements are outside every set; the total is {union + outside}"
        )
    labels = [*sets, *[str(c) for c in counts.values()]]
    if with_universe:
        labels += [universe, str(outside)]
    if title:
        labels.append(title)
    facts = {
        "statements": statements,
        "labels": labels,
        "sets": sets,
        "n_sets": k,
        "regions": counts,
        "set_sizes": dict(zip(sets, size, strict=True)),
        "union": union,
        "outside": outside if with_universe else None,
        "total": union + outside,
        "universe": with_universe,
    }
    params = {"k": k, "topic": title or "abstract", "colored": colored, "universe": with_universe}
    return Emitted(code, params, facts)
