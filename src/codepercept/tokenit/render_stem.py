"""STEM figure text: titles, axis labels, tick labels, legends and annotations of matplotlib
figures in the style of the ICC programs, with masks from matplotlib's own text layout.

Matplotlib (>= 3.11) lays out a line of text with ``FT2Font._layout`` and rasterises it glyph
by glyph. While the figure draws, :class:`_GlyphRecorder` wraps the renderer's ``draw_text``:
it repeats the same layout and renders each glyph's coverage bitmap with the same transform
and hinting, labels those pixels with the glyph's character, and then lets Agg draw the line
as usual. The masks are therefore the very glyph bitmaps Agg composited. Ligatures are turned
off so that each glyph is one character (a ligature that still forms is given to its first
character). Mathtext is off (``text.parse_math``), so every string is drawn literally.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from codepercept.tokenit import corpus
from codepercept.tokenit.canvas import INK_THRESHOLD, Rendered, label_ink


@dataclass
class _Line:
    text: str
    anchor: tuple[float, float, float]  # (draw y, angle, size): lines of one row share it
    # (char offset within text, coverage uint8 array, top row, left col)
    glyphs: list[tuple[int, np.ndarray, int, int]] = field(default_factory=list)

    def box(self) -> tuple[float, float, float, float] | None:
        if not self.glyphs:
            return None
        x0 = min(g[3] for g in self.glyphs)
        y0 = min(g[2] for g in self.glyphs)
        x1 = max(g[3] + g[1].shape[1] for g in self.glyphs)
        y1 = max(g[2] + g[1].shape[0] for g in self.glyphs)
        return x0, y0, x1, y1


class _GlyphRecorder:
    """Wraps ``RendererAgg.draw_text`` to record each drawn glyph's coverage bitmap."""

    def __init__(self, renderer, draw: bool = True):
        self.renderer = renderer
        self.original = renderer.draw_text
        self.draw = draw
        self.lines: list[_Line] = []

    def __call__(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.ft2font import RenderMode

        if ismath:  # not produced with text.parse_math off; draw, but there is no layout to record
            return self.original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        r = self.renderer
        font = r._prepare_font(prop)
        items = font._layout(
            s,
            flags=get_hinting_flag(),
            features=mtext.get_fontfeatures() if mtext is not None else None,
            language=mtext.get_language() if mtext is not None else None,
        )
        size = prop.get_size_in_points()
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        line = _Line(s, (round(float(y), 1), round(float(angle), 1), float(size)))
        mode = RenderMode.NORMAL if gc.get_antialiased() else RenderMode.MONO
        cursor = 0
        for item in items:
            ft = item.ft_object
            ft.set_size(size, r.dpi)
            # Exactly the transform RendererAgg._draw_text_glyphs_and_boxes uses.
            ft._set_transform(
                (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int),
                [
                    round(0x40 * (x + item.x * cos - item.y * sin)),
                    round(0x40 * (r.height - y + item.x * sin + item.y * cos)),
                ],
            )
            bitmap = ft._render_glyph(item.glyph_index, get_hinting_flag(), mode)
            buf = np.array(bitmap.buffer, dtype=np.uint8)
            if mode == RenderMode.MONO:
                buf = buf * 0xFF
            idx = s.find(item.char, cursor) if item.char else -1
            idx = cursor if idx < 0 else idx
            cursor = idx + max(len(item.char), 1)
            if buf.size and not item.char.isspace():
                line.glyphs.append((idx, buf, int(r.height) - bitmap.top, bitmap.left))
        self.lines.append(line)
        if self.draw:
            return self.original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        return None


def _reading_order(lines: list[_Line]) -> list[list[_Line]]:
    """Rows of lines, top to bottom, each sorted left to right. Lines share a row when
    matplotlib drew them on the same baseline with the same angle and size (the tick labels
    of one axis); every other line is a row of its own."""
    groups: dict[tuple, list[tuple[_Line, tuple]]] = {}
    for ln in lines:
        b = ln.box()
        if ln.text.strip() and b is not None:
            groups.setdefault(ln.anchor, []).append((ln, b))
    rows = [sorted(g, key=lambda lb: lb[1][0]) for g in groups.values()]
    rows.sort(key=lambda row: (min(b[1] for _, b in row), min(b[0] for _, b in row)))
    return [[ln for ln, _ in row] for row in rows]


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
    from matplotlib.ft2font import FT2Font
    from matplotlib.text import Text

    if not hasattr(FT2Font, "_layout") or not hasattr(FT2Font, "_render_glyph"):
        raise RuntimeError(
            f"the stem domain records matplotlib's glyph-by-glyph text drawing, which needs "
            f"matplotlib >= 3.11 (found {matplotlib.__version__}); upgrade matplotlib or "
            "leave 'stem' out of --domains"
        )
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
            t.set_fontfeatures(["-liga", "-clig", "-dlig"])
        renderer = canvas.get_renderer()
        rec = _GlyphRecorder(renderer)
        renderer.draw_text = rec
        try:
            canvas.draw()
        finally:
            del renderer.draw_text  # back to the class method
        image = np.asarray(canvas.buffer_rgba())[..., :3].copy()
        mute = _GlyphRecorder(renderer, draw=False)
        renderer.draw_text = mute
        try:
            canvas.draw()
        finally:
            del renderer.draw_text
        background = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    h, w = image.shape[:2]
    labels = np.full((h, w), -1, dtype=np.int32)
    best = np.zeros((h, w), dtype=np.uint8)
    thr = math.ceil(INK_THRESHOLD * 255)
    parts: list[str] = []
    n = 0
    for r, row in enumerate(_reading_order(rec.lines)):
        for j, line in enumerate(row):
            if r or j:
                parts.append("\n" if j == 0 else " ")
                n += 1
            for off, buf, top, left in line.glyphs:
                label_ink(labels, best, buf, top, left, n + off, thr)
            parts.append(line.text)
            n += len(line.text)
    return Rendered(
        image,
        "".join(parts),
        labels,
        background,
        {"domain": "stem", "figure": kind, "font": family},
    )
