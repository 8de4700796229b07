"""STEM-like figure text drawn in-process (the ``stem_synthetic`` domain): titles, axis
labels, tick labels, legends and annotations of small matplotlib figures in the style of the
ICC programs, with masks from matplotlib's own text layout.

The ``stem`` domain takes its figures from the real ICC programs instead
(:mod:`codepercept.tokenit.render_icc`); both record glyphs with
:class:`codepercept.tokenit.glyphs.GlyphRecorder`. Here mathtext is off
(``text.parse_math``), so every string is drawn literally, and ligatures are off.
"""

from __future__ import annotations

import random

import numpy as np

from codepercept.tokenit import corpus
from codepercept.tokenit.canvas import Rendered
from codepercept.tokenit.glyphs import (
    LIGATURES_OFF,
    GlyphRecorder,
    label_lines,
    require_glyph_layout,
)

# ------------------------------------------------------------------------------------ figures

_FUNCS = [
    ("sin(x)", np.sin),
    ("cos(x)", np.cos),
    ("x² − 2x", lambda x: x**2 - 2 * x),
    ("e^(−x/2)", lambda x: np.exp(-x / 2)),
    ("0.5x + 1", lambda x: 0.5 * x + 1),
    ("√(x + 4)", lambda x: np.sqrt(np.abs(x + 4))),
    ("tanh(x)", np.tanh),
]
_QUANTITIES = [
    ("Time", "s"),
    ("Distance", "m"),
    ("Velocity", "m/s"),
    ("Temperature", "°C"),
    ("Voltage", "V"),
    ("Current", "mA"),
    ("Pressure", "kPa"),
    ("Energy", "J"),
    ("Concentration", "mol/L"),
    ("Frequency", "Hz"),
    ("Population", "thousands"),
    ("Mass", "kg"),
    ("Angle", "°"),
    ("Count", ""),
]


def _label(q: tuple[str, str]) -> str:
    return f"{q[0]} ({q[1]})" if q[1] else q[0]


def _draw_figure(rng: random.Random, fig) -> str:
    kind = rng.choice(["function", "bars", "scatter", "physics", "multi"])
    axes = fig.subplots(1, 2) if kind == "multi" else [fig.subplots()]
    for k, ax in enumerate(axes):
        sub = rng.choice(["function", "bars", "scatter"]) if kind == "multi" else kind
        if sub == "function":
            x = np.linspace(rng.uniform(-6, -1), rng.uniform(1, 6), 200)
            for name, f in rng.sample(_FUNCS, rng.randint(1, 3)):
                ax.plot(x, f(x), label=f"y = {name}")
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            ax.legend(
                loc=rng.choice(["best", "upper left", "lower right"]),
                fontsize=rng.choice([8, 9, 10, 11]),
            )
            ax.set_title(
                rng.choice(
                    [
                        "Graphs of the functions",
                        "Function comparison",
                        f"Figure {rng.randint(1, 9)}",
                    ]
                )
            )
        elif sub == "bars":
            cats = rng.sample(
                corpus.NAMES if rng.random() < 0.5 else [w.capitalize() for w in corpus.WORDS],
                rng.randint(3, 6),
            )
            vals = [rng.uniform(1, 50) for _ in cats]
            bars = ax.bar(cats, vals, color=rng.choice(["C0", "C1", "C2", "tab:gray"]))
            if rng.random() < 0.5:
                ax.bar_label(bars, fmt="%.1f", fontsize=8)
            q = rng.choice(_QUANTITIES)
            ax.set_ylabel(_label(q))
            ax.set_title(f"{q[0]} by {rng.choice(['group', 'sample', 'site', 'year'])}")
        elif sub == "scatter":
            n = rng.randint(10, 40)
            xs = [rng.uniform(0, 10) for _ in range(n)]
            ys = [2 + 0.8 * v + rng.gauss(0, 1) for v in xs]
            ax.scatter(xs, ys, s=12, label="measured")
            ax.plot([0, 10], [2, 10], "--", color="k", label="fit: y = 0.8x + 2")
            qx, qy = rng.sample(_QUANTITIES, 2)
            ax.set_xlabel(_label(qx))
            ax.set_ylabel(_label(qy))
            ax.legend(fontsize=rng.choice([8, 9, 10]))
        else:  # physics: a labelled diagram
            ax.set_xlim(0, 10)
            ax.set_ylim(0, 6)
            ax.set_aspect("equal")
            ax.axis("off")
            ax.add_patch(
                __import__("matplotlib.patches", fromlist=["x"]).Rectangle(
                    (3, 2), 3, 1.5, fill=False, lw=2
                )
            )
            m = rng.randint(1, 20)
            f_ = rng.randint(2, 50)
            ax.annotate(
                "", xy=(8.5, 2.75), xytext=(6, 2.75), arrowprops={"arrowstyle": "->", "lw": 2}
            )
            ax.text(7.2, 3.0, f"F = {f_} N", ha="center", fontsize=rng.choice([11, 12, 14]))
            ax.text(4.5, 2.75, f"m = {m} kg", ha="center", va="center", fontsize=12)
            ax.plot([0.5, 9.5], [2, 2], color="k")
            ax.text(5, 1.3, f"μ = {rng.choice(['0.1', '0.2', '0.25', '0.3'])}", ha="center")
            ax.text(
                5, 5.2, f"a = F/m = {f_ / m:.2f} m/s²", ha="center", fontsize=rng.choice([11, 13])
            )
            ax.set_title("Block pushed along a rough surface", fontsize=12)
        if k == 0 and rng.random() < 0.3 and sub != "physics":
            ax.text(
                0.02,
                0.02,
                rng.choice(["(a)", "Source: lab data", "n = 30"]),
                transform=ax.transAxes,
                fontsize=9,
            )
    if rng.random() < 0.3:
        fig.suptitle(rng.choice(corpus.HEADINGS), fontsize=rng.choice([12, 14, 16]))
    return kind


def render_stem(rng: random.Random, width: int, height: int) -> Rendered:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    require_glyph_layout()
    dpi = 100
    family = rng.choice(["DejaVu Sans", "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono"])
    rc = {
        "text.parse_math": False,
        "font.family": family,
        "text.usetex": False,
        "font.size": rng.choice([9, 10, 11, 12]),
    }
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        canvas = FigureCanvasAgg(fig)
        kind = _draw_figure(rng, fig)
        fig.tight_layout()
        for t in fig.findobj(Text):
            t.set_fontfeatures(list(LIGATURES_OFF))
        rec = GlyphRecorder()
        with rec.installed():
            canvas.draw()
        image = np.asarray(canvas.buffer_rgba())[..., :3].copy()
        with GlyphRecorder(draw=False).installed():
            canvas.draw()
        background = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    h, w = image.shape[:2]
    out = label_lines(rec.lines, h, w)
    return Rendered(
        image,
        out.text,
        out.labels,
        background,
        {"domain": "stem_synthetic", "figure": kind, "font": family},
    )
