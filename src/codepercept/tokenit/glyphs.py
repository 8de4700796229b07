"""Which pixels each character of a matplotlib figure's text covers, from matplotlib's own
text drawing. One implementation serves the in-process ``stem_synthetic`` renderer
(:mod:`codepercept.tokenit.render_stem`) and the ``glyphs`` render probe that runs inside the
sandbox on the figures of ICC programs (:mod:`codepercept.tokenit.glyph_probe`).

Matplotlib (>= 3.11) lays out a line of text with ``FT2Font._layout`` and rasterises it glyph
by glyph (``RendererAgg._draw_text_glyphs_and_boxes``). While a figure draws,
:class:`GlyphRecorder` stands in for ``RendererAgg.draw_text``: it repeats the same layout,
renders each glyph's coverage bitmap with the same transform and hinting, remembers it with the
glyph's character offset, and then lets Agg draw the line as usual (or, muted, not at all: that
second draw gives the text-free background). The masks are therefore the very glyph bitmaps Agg
composited. Ligatures are switched off (:data:`LIGATURES_OFF`) so that each glyph is one
character; a ligature that still forms is given to its first character.

Text that does not go through ``draw_text``'s plain-text path is not recorded: mathtext
(``ismath``) and TeX strings are drawn as usual (in the muted draw too) and listed in
:attr:`GlyphRecorder.unrecorded`, so a caller can refuse figures that show them.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from codepercept.tokenit.canvas import INK_THRESHOLD, label_ink

#: Font features that turn ligatures off (HarfBuzz/raqm feature strings).
LIGATURES_OFF: tuple[str, ...] = ("-liga", "-clig", "-dlig")


def require_glyph_layout() -> None:
    """Raise ``RuntimeError`` unless matplotlib draws text glyph by glyph (>= 3.11)."""
    import matplotlib
    from matplotlib.ft2font import FT2Font

    if not hasattr(FT2Font, "_layout") or not hasattr(FT2Font, "_render_glyph"):
        raise RuntimeError(
            f"the stem domains record matplotlib's glyph-by-glyph text drawing, which needs "
            f"matplotlib >= 3.11 (found {matplotlib.__version__}); upgrade matplotlib or "
            "leave the stem domains out of --domains"
        )


def _agg_originals() -> dict[str, Any]:
    from matplotlib.backends.backend_agg import RendererAgg

    return {"draw_text": RendererAgg.draw_text, "draw_tex": RendererAgg.draw_tex}


# Taken at import time: in the sandbox that is in the zygote, before any program ran.
_AGG = _agg_originals()


@dataclass
class GlyphLine:
    """One ``draw_text`` call: a line of text and the glyphs it drew."""

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


class GlyphRecorder:
    """Records each glyph matplotlib's Agg renderer draws while :meth:`installed` is active.

    ``draw=False`` mutes the recorded text (it is laid out and recorded, not drawn), for the
    text-free background. Installed on the ``RendererAgg`` class, so it sees every renderer
    the draw uses (``savefig`` may make a new one).
    """

    def __init__(self, draw: bool = True) -> None:
        self.draw = draw
        self.lines: list[GlyphLine] = []
        #: Text drawn by a path that is not recorded: ``{"kind": "math" | "tex", "text"}``.
        self.unrecorded: list[dict[str, str]] = []

    @contextlib.contextmanager
    def installed(self) -> Iterator[GlyphRecorder]:
        from matplotlib.backends.backend_agg import RendererAgg

        saved = {k: RendererAgg.__dict__.get(k) for k in ("draw_text", "draw_tex")}
        rec = self

        def draw_text(r, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            return rec.draw_text(r, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

        def draw_tex(r, gc, x, y, s, prop, angle, *, mtext=None):
            rec.unrecorded.append({"kind": "tex", "text": str(s)})
            return _AGG["draw_tex"](r, gc, x, y, s, prop, angle, mtext=mtext)

        RendererAgg.draw_text = draw_text  # type: ignore[method-assign]
        RendererAgg.draw_tex = draw_tex  # type: ignore[method-assign]
        try:
            yield self
        finally:
            for k, v in saved.items():
                if v is None:
                    delattr(RendererAgg, k)
                else:
                    setattr(RendererAgg, k, v)

    def draw_text(
        self,
        r: Any,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: bool | str = False,
        mtext: Any = None,
    ) -> None:
        """Record the glyphs of one line, then draw it with Agg's own ``draw_text`` (unless
        muted)."""
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.ft2font import RenderMode

        original = _AGG["draw_text"]
        if ismath:  # mathtext: drawn (even when muted), not recorded
            self.unrecorded.append({"kind": "math", "text": str(s)})
            return original(r, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        restore = _ligatures_off(mtext)
        try:
            font = r._prepare_font(prop)
            items = font._layout(
                s,
                flags=get_hinting_flag(),
                features=mtext.get_fontfeatures() if mtext is not None else None,
                language=mtext.get_language() if mtext is not None else None,
            )
            size = prop.get_size_in_points()
            cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            line = GlyphLine(s, (round(float(y), 1), round(float(angle), 1), float(size)))
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
                return original(r, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return None
        finally:
            if restore is not None:
                restore()


def _ligatures_off(mtext: Any) -> Any:
    """Turn ligatures off on ``mtext`` for this draw when they are not already (text artists
    a draw creates, e.g. new tick labels); returns a function that undoes it, or None."""
    if mtext is None or not hasattr(mtext, "set_fontfeatures"):
        return None
    old = mtext.get_fontfeatures()
    missing = [f for f in LIGATURES_OFF if f not in (old or ())]
    if not missing:
        return None
    stale = mtext.stale
    mtext.set_fontfeatures([*(old or ()), *missing])

    def undo() -> None:
        mtext.set_fontfeatures(old)
        mtext.stale = stale

    return undo


def disable_ligatures(artists: list[Any]) -> list[tuple[Any, Any]]:
    """Switch ligatures off on every text artist; returns ``(artist, old features)`` pairs
    for :func:`restore_features`."""
    saved = []
    for t in artists:
        old = t.get_fontfeatures()
        missing = [f for f in LIGATURES_OFF if f not in (old or ())]
        if missing:
            saved.append((t, old))
            t.set_fontfeatures([*(old or ()), *missing])
    return saved


def restore_features(saved: list[tuple[Any, Any]]) -> None:
    for t, old in saved:
        t.set_fontfeatures(old)


def reading_order(lines: list[GlyphLine], tolerance: float = 0.0) -> list[list[GlyphLine]]:
    """Rows of lines, top to bottom, each sorted left to right. Lines share a row when
    matplotlib drew them with the same angle and size on the same baseline, or on baselines
    at most ``tolerance`` px apart (the tick labels of one axis: matplotlib shifts a label's
    baseline by a fraction of a pixel with its glyphs' height); every other line is a row of
    its own."""
    groups: dict[tuple, list[tuple[GlyphLine, tuple]]] = {}
    if tolerance <= 0:
        for ln in lines:
            b = ln.box()
            if ln.text.strip() and b is not None:
                groups.setdefault(ln.anchor, []).append((ln, b))
    else:
        kept = [(ln, b) for ln in lines if ln.text.strip() and (b := ln.box()) is not None]
        kept.sort(key=lambda lb: (lb[0].anchor[1:], lb[0].anchor[0]))
        start: tuple[float, float, float] | None = None
        for ln, b in kept:
            y, angle, size = ln.anchor
            if start is None or start[1:] != (angle, size) or y - start[0] > tolerance:
                start = ln.anchor
            groups.setdefault(start, []).append((ln, b))
    rows = [sorted(g, key=lambda lb: lb[1][0]) for g in groups.values()]
    rows.sort(key=lambda row: (min(b[1] for _, b in row), min(b[0] for _, b in row)))
    return [[ln for ln, _ in row] for row in rows]


@dataclass
class LabelledText:
    """The text of a figure in reading order and its per-pixel character labels."""

    text: str
    labels: np.ndarray  # HxW int32, index into text or -1
    lines: list[GlyphLine]  # in text order
    spans: list[tuple[int, int]]  # each line's [start, end) in text


def label_lines(
    lines: list[GlyphLine], height: int, width: int, tolerance: float = 0.0
) -> LabelledText:
    """Lay the lines out in reading order (:func:`reading_order`; rows separated by
    newlines, lines of one row by spaces) and label every pixel a glyph covers by at least
    :data:`INK_THRESHOLD` with the index of the glyph's character (the strongest glyph
    wins)."""
    labels = np.full((height, width), -1, dtype=np.int32)
    best = np.zeros((height, width), dtype=np.uint8)
    thr = math.ceil(INK_THRESHOLD * 255)
    parts: list[str] = []
    order: list[GlyphLine] = []
    spans: list[tuple[int, int]] = []
    n = 0
    for r, row in enumerate(reading_order(lines, tolerance)):
        for j, line in enumerate(row):
            if r or j:
                parts.append("\n" if j == 0 else " ")
                n += 1
            for off, buf, top, left in line.glyphs:
                label_ink(labels, best, buf, top, left, n + off, thr)
            order.append(line)
            spans.append((n, n + len(line.text)))
            parts.append(line.text)
            n += len(line.text)
    return LabelledText("".join(parts), labels, order, spans)


def label_visible(
    lines: list[GlyphLine], height: int, width: int, visible: np.ndarray, tolerance: float = 0.0
) -> tuple[LabelledText, int]:
    """:func:`label_lines`, keeping only labels on ``visible`` pixels (where the picture shows
    text: it differs from the text-free background), and leaving out lines none of whose
    pixels stay labelled (clipped away, off the canvas, or hidden under other artists).
    Returns the result and the number of lines left out."""
    lines = list(lines)
    dropped = 0
    while True:
        out = label_lines(lines, height, width, tolerance)
        out.labels[~visible] = -1
        counts = np.bincount(out.labels[out.labels >= 0], minlength=len(out.text) + 1)
        hidden = {
            id(ln) for ln, (a, b) in zip(out.lines, out.spans, strict=True) if not counts[a:b].any()
        }
        if not hidden:
            return out, dropped
        dropped += len(hidden)
        lines = [ln for ln in lines if id(ln) not in hidden]


def footprint(lines: list[GlyphLine], height: int, width: int) -> np.ndarray:
    """Pixels any recorded glyph touches at all (coverage > 0): the only pixels that drawing
    the recorded text can change."""
    out = np.zeros((height, width), dtype=bool)
    for line in lines:
        for _, buf, top, left in line.glyphs:
            bh, bw = buf.shape
            y0, x0 = max(top, 0), max(left, 0)
            y1, x1 = min(top + bh, height), min(left + bw, width)
            if y1 > y0 and x1 > x0:
                out[y0:y1, x0:x1] |= buf[y0 - top : y1 - top, x0 - left : x1 - left] > 0
    return out
