"""A raster canvas that draws text one character at a time and remembers whose ink is where.

Every renderer except the STEM one draws through :class:`TextCanvas`. Drawing glyph by glyph
(with the font's own advances, basic layout, no ligatures) makes the per-character ink masks
exact by construction: a pixel belongs to the character whose glyph covers it most, provided
that coverage reaches :data:`INK_THRESHOLD`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: A pixel is text ink when a glyph covers at least this fraction of it.
INK_THRESHOLD = 0.3


@dataclass
class Rendered:
    """What a renderer returns.

    ``labels[y, x]`` is the index into ``text`` of the character whose ink covers the pixel,
    or -1 for background. ``background`` is the same picture with no text drawn, for clean
    renders (None after photometric/geometric augmentation). ``meta`` holds JSON-able facts
    about the layout (fonts, sizes, augmentations) for debugging.
    """

    image: np.ndarray  # HxWx3 uint8
    text: str
    labels: np.ndarray  # HxW int32
    background: np.ndarray | None
    meta: dict


class Dropped(Exception):
    """A renderer has no usable picture for this candidate; ``reason`` is the short drop
    reason the dataset manifest records (e.g. ``"icc_timeout"``)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# ---------------------------------------------------------------------------------------- fonts


def _mpl_font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


_DEJAVU = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "sans-oblique": "DejaVuSans-Oblique.ttf",
    "sans-boldoblique": "DejaVuSans-BoldOblique.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "serif-italic": "DejaVuSerif-Italic.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
}


@functools.cache
def font_catalog() -> dict[str, Path]:
    """Fonts by name: matplotlib's DejaVu family always, plus TrueType fonts found under
    ``/usr/share/fonts`` (names ``sys:<file stem>``), sorted so a machine's catalog is stable."""
    base = _mpl_font_dir()
    cat = {k: base / v for k, v in _DEJAVU.items()}
    seen = {p.name for p in cat.values()}
    sys_dir = Path("/usr/share/fonts")
    if sys_dir.is_dir():
        for p in sorted(sys_dir.rglob("*.ttf")):
            if p.name in seen or "DejaVu" in p.name:
                continue  # system DejaVu duplicates matplotlib's
            seen.add(p.name)
            cat[f"sys:{p.stem}"] = p
    return cat


def body_fonts() -> list[str]:
    """Proportional fonts suitable for running text: DejaVu plus installed system fonts."""
    names = ["sans", "serif", "sans-oblique", "serif-italic"]
    names += [n for n in font_catalog() if n.startswith("sys:") and "Mono" not in n]
    return names


@functools.cache
def _charmap(path: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())


def font_supports(name: str, text: str) -> bool:
    """Whether font ``name`` has a glyph for every non-whitespace character of ``text``."""
    cmap = _charmap(str(font_catalog()[name]))
    return all(ord(c) in cmap for c in text if not c.isspace())


@functools.cache
def get_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A PIL font with basic layout (glyph-by-glyph advances, no shaping, no ligatures)."""
    return ImageFont.truetype(str(font_catalog()[name]), size, layout_engine=ImageFont.Layout.BASIC)


@functools.cache
def _glyph(font: ImageFont.FreeTypeFont, ch: str) -> tuple[np.ndarray, int, int]:
    """Coverage bitmap (float32 0..1) of ``ch`` and its offset from the pen at the baseline."""
    left, top, right, bottom = font.getbbox(ch, anchor="ls")
    w, h = max(right - left, 1), max(bottom - top, 1)
    im = Image.new("L", (w, h), 0)
    ImageDraw.Draw(im).text((-left, -top), ch, font=font, fill=255, anchor="ls")
    return np.asarray(im, dtype=np.float32) / 255.0, left, top


@functools.cache
def advance(font: ImageFont.FreeTypeFont, ch: str) -> float:
    return font.getlength(ch)


def text_width(font: ImageFont.FreeTypeFont, s: str) -> float:
    return sum(advance(font, c) for c in s)


def line_metrics(font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    """(ascent, descent) in pixels."""
    return font.getmetrics()


def centred_baseline(top: float, box_height: float, ascent: float, descent: float) -> float:
    """The baseline y that centres a line of ``ascent + descent`` pixels in a box of
    ``box_height`` starting at ``top``."""
    return top + (box_height - ascent - descent) / 2 + ascent


def solid(width: int, height: int, colour) -> np.ndarray:
    """An HxWx3 uint8 picture of one colour (a plain background)."""
    arr = np.empty((height, width, 3), dtype=np.uint8)
    arr[:] = colour
    return arr


def label_ink(
    labels: np.ndarray,
    best: np.ndarray,
    coverage: np.ndarray,
    top: int,
    left: int,
    index: int,
    threshold: float,
) -> tuple[slice, slice, np.ndarray] | None:
    """Give pixels of a glyph's ``coverage`` bitmap (placed at ``top``, ``left``) the label
    ``index`` where the coverage reaches ``threshold`` and beats every earlier glyph's
    (``best`` holds the winning coverage so far; both maps are updated in place).

    Returns the clipped canvas window ``(rows, cols)`` and the coverage inside it, or None
    when the bitmap lies off the canvas."""
    h, w = labels.shape
    bh, bw = coverage.shape
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + bh, h), min(left + bw, w)
    if y1 <= y0 or x1 <= x0:
        return None
    a = coverage[y0 - top : y1 - top, x0 - left : x1 - left]
    rows, cols = slice(y0, y1), slice(x0, x1)
    bst = best[rows, cols]
    win = (a >= threshold) & (a > bst)
    labels[rows, cols][win] = index
    bst[win] = a[win]
    return rows, cols, a


# --------------------------------------------------------------------------------------- canvas


class TextCanvas:
    """An RGB picture plus a per-pixel character label map, built up string by string."""

    def __init__(self, background: Image.Image | np.ndarray):
        arr = np.asarray(
            background.convert("RGB") if isinstance(background, Image.Image) else background
        )
        self.rgb = arr.astype(np.float32)
        self.background = arr.astype(np.uint8)  # astype copies
        self.height, self.width = arr.shape[:2]
        self.labels = np.full((self.height, self.width), -1, dtype=np.int32)
        self._best = np.zeros((self.height, self.width), dtype=np.float32)
        self._parts: list[str] = []
        self._n = 0

    # -- text bookkeeping ------------------------------------------------------------------
    @property
    def text(self) -> str:
        return "".join(self._parts)

    def append(self, s: str) -> int:
        """Append characters that draw nothing (separators, newlines); returns their offset."""
        start = self._n
        self._parts.append(s)
        self._n += len(s)
        return start

    # -- drawing -----------------------------------------------------------------------------
    def draw_glyph(self, ch: str, x: float, y: float, font, color, index: int) -> None:
        """Composite ``ch`` with its pen at (x, baseline y); label its ink with ``index``."""
        cov, left, top = _glyph(font, ch)
        hit = label_ink(
            self.labels, self._best, cov, round(y) + top, round(x) + left, index, INK_THRESHOLD
        )
        if hit is None:
            return
        rows, cols, a = hit
        region = self.rgb[rows, cols]
        region *= 1.0 - a[..., None]
        region += a[..., None] * np.asarray(color, dtype=np.float32)

    def draw_string(
        self,
        s: str,
        x: float,
        y: float,
        font: ImageFont.FreeTypeFont,
        color=(0, 0, 0),
        space_width: float | None = None,
    ) -> float:
        """Draw ``s`` (one line) with its pen starting at (x, baseline y); append it to the
        text. ``space_width`` overrides the width of spaces (justified text). Returns the
        pen position after the string."""
        start = self.append(s)
        pen = x
        for i, ch in enumerate(s):
            if ch == " " and space_width is not None:
                pen += space_width
                continue
            if not ch.isspace():
                self.draw_glyph(ch, pen, y, font, color, start + i)
            pen += advance(font, ch)
        return pen

    def result(self, meta: dict | None = None) -> Rendered:
        return Rendered(
            image=np.clip(np.rint(self.rgb), 0, 255).astype(np.uint8),
            text=self.text,
            labels=self.labels,
            background=self.background,
            meta=dict(meta or {}),
        )

    def fill_rect(self, x0: float, y0: float, x1: float, y1: float, color) -> None:
        """Paint a non-text rectangle (rules, boxes) into both the picture and its background.
        Paint before the text it surrounds: a rectangle over text would hide its ink."""
        xa, ya = max(round(x0), 0), max(round(y0), 0)
        xb, yb = min(round(x1), self.width), min(round(y1), self.height)
        if xb <= xa or yb <= ya:
            return
        col = np.asarray(color, dtype=np.float32)
        self.rgb[ya:yb, xa:xb] = col
        self.background[ya:yb, xa:xb] = col.astype(np.uint8)
