"""The ray optics family: lenses and mirrors with principal rays obeying the lens equation."""

from __future__ import annotations

import random

from codepercept.synth.base import Emitted, fmt, register
from codepercept.synth.families.physics._common import _join

# ------------------------------------------------------------------------------------------------
# Ray optics: thin lenses and spherical mirrors
# ------------------------------------------------------------------------------------------------


@register(
    "ray_optics",
    "physics",
    "Ray diagram for a converging/diverging lens or a concave/convex mirror: principal axis, focal "
    "points, object and image arrows and three principal rays obeying 1/f = 1/do + 1/di.",
)
def ray_optics(rng: random.Random) -> Emitted:
    kind = rng.choice(["converging_lens", "diverging_lens", "concave_mirror", "convex_mirror"])
    is_lens = kind.endswith("lens")
    focusing = kind in ("converging_lens", "concave_mirror")
    f_abs = rng.choice([2.0, 2.5, 3.0])
    f = f_abs if focusing else -f_abs
    if focusing:
        case = rng.choice(["beyond_2f", "between_f_2f", "inside_f"])
        lo, hi = {"beyond_2f": (2.3, 3.0), "between_f_2f": (1.3, 1.8), "inside_f": (0.45, 0.7)}[
            case
        ]
    else:
        case = "any"
        lo, hi = 0.9, 2.5
    d_o = round(rng.uniform(lo, hi) * f_abs, 1)
    h_o = rng.choice([1.0, 1.2, 1.5])
    d_i = 1 / (1 / f - 1 / d_o)
    h_i = -h_o * d_i / d_o
    real = d_i > 0
    y3 = h_o * f / (f - d_o)
    image_x = d_i if is_lens else -d_i
    half = max(h_o, abs(y3)) + 0.5
    y_lim = max(half, abs(h_i)) + 0.8
    if is_lens:
        x_end = max(d_i * 1.25, d_i + 2) if real else 2.5 * f_abs
        x_left, x_right = min(-d_o, image_x) - 1.5, x_end + 0.3
    else:
        x_end = max(d_o, d_i) + 1.5 if real else d_o + 1.0
        x_left, x_right = -x_end - 0.3, (image_x + 1.5 if not real else 2 * f_abs + 1.0)
    sym = rng.choice(["symbol", "shape"])
    name_style = rng.choice(["words", "letters", "none"])
    colors = rng.choice(
        [
            ("tab:red", "tab:green", "tab:purple"),
            ("#c0392b", "#2471a3", "#1e8449"),
            ("black", "black", "black"),
        ]
    )
    out = "" if is_lens else "-"  # outgoing rays of a mirror go back to the left
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
    ]
    if is_lens and sym == "shape":
        lines.append(f"from matplotlib.patches import {'Ellipse' if focusing else 'Polygon'}")
    lines += [
        "",
        f"f = {fmt(f)}  # focal length ({'positive: ' if focusing else 'negative: '}{kind.replace('_', ' ')})",
        f"d_o = {fmt(d_o)}  # object distance",
        f"h_o = {fmt(h_o)}  # object height",
        f"d_i = 1 / (1 / f - 1 / d_o)  # {'thin lens' if is_lens else 'mirror'} equation 1/f = 1/d_o + 1/d_i",
        "h_i = -h_o * d_i / d_o  # magnification m = -d_i / d_o",
        f"image_x = {'' if is_lens else '-'}d_i  # {'positive: right of the lens' if is_lens else 'negative: in front of the mirror'}",
        "y3 = h_o * f / (f - d_o)  # height where the focal ray meets the "
        + ("lens" if is_lens else "mirror"),
        f"x_end = {fmt(x_end)}  # how far the outgoing rays are drawn",
        "",
        "fig, ax = plt.subplots(figsize=(9, 4.5))",
        "",
        "# Principal axis",
        'ax.axhline(0, color="black", linewidth=1)',
        "",
    ]
    half_s = fmt(half)
    if is_lens:
        lines.append(f"# {'Converging' if focusing else 'Diverging'} lens at x = 0")
        if sym == "symbol":
            top, bottom = ("^", "v") if focusing else ("v", "^")
            lines += [
                f'ax.plot([0, 0], [-{half_s}, {half_s}], color="steelblue", linewidth=2.5)',
                f'ax.plot([0], [{half_s}], "{top}", color="steelblue", markersize=10)',
                f'ax.plot([0], [-{half_s}], "{bottom}", color="steelblue", markersize=10)',
            ]
        elif focusing:
            lines.append(
                f'ax.add_patch(Ellipse((0, 0), 0.45, {fmt(2 * half)}, facecolor="lightblue", edgecolor="steelblue", alpha=0.8))'
            )
        else:
            lines += [
                f"y = np.linspace(-{half_s}, {half_s}, 40)",
                f"x = 0.08 + 0.25 * (y / {half_s}) ** 2",
                'ax.add_patch(Polygon(np.column_stack([np.r_[x, -x[::-1]], np.r_[y, y[::-1]]]), facecolor="lightblue", edgecolor="steelblue", alpha=0.8))',
            ]
    else:
        bend = "-" if focusing else ""
        lines += [
            f"# {'Concave' if focusing else 'Convex'} mirror at x = 0, silvered (hatched) on the back",
            f"y = np.linspace(-{half_s}, {half_s}, 60)",
            f"x = {bend}0.03 * y ** 2",
            'ax.plot(x, y, color="steelblue", linewidth=2.5)',
            f"for yk in np.linspace(-{half_s}, {half_s}, 13):",
            f'    ax.plot([{bend}0.03 * yk ** 2, {bend}0.03 * yk ** 2 + 0.25], [yk, yk - 0.2], color="steelblue", linewidth=1)',
        ]
    # Focal points
    if is_lens:
        pts = [(f_abs, "F"), (-f_abs, "F")]
        if rng.random() < 0.5:
            pts += [(2 * f_abs, "2F"), (-2 * f_abs, "2F")]
    else:
        sgn = -1 if focusing else 1
        pts = [(sgn * f_abs, "F"), (sgn * 2 * f_abs, "C")]
    pts = [p for p in pts if x_left < p[0] < x_right]
    labels = [p[1] for p in pts]
    xs = ", ".join(fmt(p[0]) for p in pts)
    lines += [
        "",
        "# Focal points" + (" and centre of curvature" if not is_lens else ""),
        f'ax.plot([{xs}], [{", ".join("0" for _ in pts)}], "o", color="black", markersize=4)',
        f"for x, name in [{', '.join(f'({fmt(x)}, {chr(34)}{n}{chr(34)})' for x, n in pts)}]:",
        '    ax.text(x, -0.35, name, ha="center", va="top", fontsize=11)',
        "",
        "# Object arrow",
        'ax.annotate("", xy=(-d_o, h_o), xytext=(-d_o, 0), arrowprops=dict(arrowstyle="-|>", color="tab:blue", linewidth=2.5))',
        "",
    ]
    c1, c2, c3 = colors
    lines += [
        "# Ray 1: parallel to the axis, then through (or away from) the focal point",
        f'ax.plot([-d_o, 0], [h_o, h_o], color="{c1}", linewidth=1.2)',
        f'ax.plot([0, {out}x_end], [h_o, h_o * (1 - x_end / f)], color="{c1}", linewidth=1.2)',
    ]
    if is_lens:
        lines += [
            "# Ray 2: through the optical centre, undeviated",
            f'ax.plot([-d_o, x_end], [h_o, -h_o * x_end / d_o], color="{c2}", linewidth=1.2)',
        ]
    else:
        lines += [
            "# Ray 2: to the vertex, reflected symmetrically about the axis",
            f'ax.plot([-d_o, 0, -x_end], [h_o, 0, -h_o * x_end / d_o], color="{c2}", linewidth=1.2)',
        ]
    lines += [
        "# Ray 3: towards the focal point, then parallel to the axis",
        f'ax.plot([-d_o, 0], [h_o, y3], color="{c3}", linewidth=1.2)',
        f'ax.plot([0, {out}x_end], [y3, y3], color="{c3}", linewidth=1.2)',
    ]
    if not real:
        starts = ["(0, h_o)", "(0, y3)"]
        if kind == "converging_lens":
            starts.append("(-d_o, h_o)")
        elif not is_lens:
            starts.append("(0, 0)")
        lines += [
            "",
            "# Virtual image: dashed backward extensions of the outgoing rays meet at its tip",
            f"for x0, y0 in [{', '.join(starts)}]:",
            '    ax.plot([x0, image_x], [y0, h_i], color="gray", linestyle="--", linewidth=1)',
        ]
    lines += [
        "",
        f"# {'Real' if real else 'Virtual'} image arrow" + ("" if real else " (dashed)"),
        f'ax.annotate("", xy=(image_x, h_i), xytext=(image_x, 0), arrowprops=dict(arrowstyle="-|>", color="tab:orange", linewidth=2.5{"" if real else ", linestyle=(0, (4, 2))"}))',
    ]
    if name_style != "none":
        obj, img = ("object", "image") if name_style == "words" else ("A", "A′")
        lines += [
            f'ax.text(-d_o, h_o + 0.15, "{obj}", ha="center", va="bottom", fontsize=11)',
            f'ax.text(image_x, h_i + (0.15 if h_i > 0 else -0.15), "{img}", ha="center", va="{"bottom" if h_i > 0 else "top"}", fontsize=11)',
        ]
        labels += [obj, img]
    lines += [
        "",
        f"ax.set_xlim({fmt(x_left)}, {fmt(x_right)})",
        f"ax.set_ylim(-{fmt(y_lim)}, {fmt(y_lim)})",
        'ax.set_aspect("equal")',
        'ax.axis("off")',
        "plt.show()",
    ]
    nature = (
        ("real" if real else "virtual")
        + ", "
        + ("inverted" if h_i < 0 else "upright")
        + ", "
        + ("magnified" if abs(h_i) > h_o else "diminished")
    )
    statements = [
        f"The figure shows a {kind.replace('_', ' ')} with focal length {fmt(f_abs)}.",
        f"The object stands {fmt(d_o)} from the {'lens' if is_lens else 'mirror'} and is {fmt(h_o)} tall.",
        f"The image forms {fmt(abs(d_i), 2)} {'behind' if (is_lens == real) else 'in front of'} the {'lens' if is_lens else 'mirror'}"
        if is_lens
        else f"The image forms {fmt(abs(d_i), 2)} {'in front of' if real else 'behind'} the mirror",
        f"The image is {nature} (height {fmt(abs(h_i), 2)}).",
    ]
    statements[2] += "."
    return Emitted(
        _join(lines),
        {"kind": kind, "f": f, "d_o": d_o, "h_o": h_o, "case": case, "symbol": sym},
        {
            "statements": statements,
            "labels": labels,
            "kind": kind,
            "focal_length": f,
            "object_distance": d_o,
            "object_height": h_o,
            "image_distance": round(d_i, 4),
            "image_height": round(h_i, 4),
            "image_x": round(image_x, 4),
            "image_real": real,
            "image_nature": nature,
            "n_rays": 3,
        },
    )
