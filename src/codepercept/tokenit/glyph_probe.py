"""The ``glyphs`` render probe: per-character pixel labels of a figure's text, recorded inside
the sandbox child while it draws the figure for capture (see :mod:`codepercept.sandbox.probes`).

``before_draw`` switches ligatures off on every text artist and installs a
:class:`~codepercept.tokenit.glyphs.GlyphRecorder`, so the capture draw itself records every
glyph's coverage bitmap: the PNG the sandbox returns *is* the picture the labels describe.
``after_draw`` then draws the figure once more with the recorded text muted (the text-free
background), checks that the two draws differ only where recorded glyphs touch, keeps the labels
on pixels where the picture shows text (it differs from the background; this removes text that
is clipped or covered by other artists), leaves out lines with no such pixel, and restores the
artists' font features.

It returns ``(data, [labels, background_xor])``:

* ``data``: ``{"version", "text", "width", "height", "labels_dtype", "lines",
  "hidden_lines", "unrecorded"}`` — ``text`` in reading order (rows top to bottom separated by
  newlines; lines of one row — same angle and size, baselines within :data:`ROW_TOLERANCE` px,
  such as an axis's tick labels — left to right, separated by spaces); ``unrecorded`` lists
  strings drawn by a path that is not recorded (``{"kind": "math" | "tex" | "path_effects",
  "text"}``; their pixels are in both draws, so they are not labelled);
* ``labels``: zlib-compressed ``labels_dtype`` (little-endian) HxW array: 0 for background,
  ``k + 1`` for a pixel of character ``k`` of ``text``;
* ``background_xor``: zlib-compressed HxWx4 ``uint8`` XOR of the captured RGBA pixels and the
  text-free background (zero wherever they agree), so the background is ``png ^ xor``.

:func:`decode` turns an entry of ``ExecResult.probes["glyphs"]`` back into arrays.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from codepercept.tokenit.glyphs import (
    GlyphRecorder,
    disable_ligatures,
    footprint,
    label_visible,
    require_glyph_layout,
    restore_features,
)

VERSION = 1
_MAX_UNRECORDED = 50
#: Lines on baselines this close (px, same angle and size) are read as one row.
ROW_TOLERANCE = 1.0


class GlyphProbe:
    """Render probe (``"glyphs"``): see the module docstring."""

    def __init__(self) -> None:
        require_glyph_layout()
        self._rec: GlyphRecorder | None = None
        self._hook: Any = None
        self._saved: list[tuple[Any, Any]] = []
        self._path_effects: list[dict[str, str]] = []

    def before_draw(self, fig: Any) -> None:
        import matplotlib
        from matplotlib.text import Text

        self._finish()
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
        self._path_effects = [
            {"kind": "path_effects", "text": t.get_text()}
            for t in texts
            if t.get_path_effects() or matplotlib.rcParams["path.effects"]
        ]
        self._saved = disable_ligatures(texts)
        self._rec = GlyphRecorder()
        self._hook = self._rec.installed()
        self._hook.__enter__()

    def _finish(self) -> None:
        if self._hook is not None:
            hook, self._hook = self._hook, None
            hook.__exit__(None, None, None)

    def after_draw(self, fig: Any, rgba: np.ndarray) -> tuple[dict[str, Any], list[bytes]]:
        self._finish()
        rec, self._rec = self._rec, None
        if rec is None:
            raise RuntimeError("after_draw without before_draw")
        try:
            mute = GlyphRecorder(draw=False)
            with mute.installed():
                fig.canvas.draw()
            background = np.asarray(fig.canvas.buffer_rgba())
        finally:
            restore_features(self._saved)
            self._saved = []
        if background.shape != rgba.shape:
            raise RuntimeError(
                f"the text-free redraw is {background.shape[1]}x{background.shape[0]}, the "
                f"capture {rgba.shape[1]}x{rgba.shape[0]} (savefig options are not supported)"
            )
        h, w = rgba.shape[:2]
        changed = (rgba != background).any(axis=-1)
        stray = int((changed & ~footprint(rec.lines, h, w)).sum())
        if stray:
            raise RuntimeError(
                f"the text-free redraw differs from the capture at {stray} pixels that no "
                "recorded glyph touches"
            )
        out, hidden = label_visible(rec.lines, h, w, changed, ROW_TOLERANCE)
        dtype = np.dtype("<u2") if len(out.text) < 0xFFFF else np.dtype("<u4")
        labels = (out.labels + 1).astype(dtype)
        xor = np.bitwise_xor(rgba, background)
        unrecorded = (rec.unrecorded + self._path_effects)[:_MAX_UNRECORDED]
        data = {
            "version": VERSION,
            "text": out.text,
            "width": w,
            "height": h,
            "labels_dtype": dtype.str,
            "lines": len(out.lines),
            "hidden_lines": hidden,
            "unrecorded": unrecorded,
        }
        return data, [zlib.compress(labels.tobytes(), 1), zlib.compress(xor.tobytes(), 1)]


def decode(entry: dict[str, Any], rgba: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """``(text, labels, background)`` from one figure's probe entry and the RGBA pixels of its
    PNG: ``labels`` HxW ``int32`` (index into ``text``, -1 for background), ``background``
    HxWx4 ``uint8``. Raises ``ValueError`` on an error entry or mismatched sizes."""
    if "error" in entry:
        raise ValueError(entry["error"])
    data, blobs = entry["data"], entry["blobs"]
    if data.get("version") != VERSION or len(blobs) != 2:
        raise ValueError(f"not a glyphs probe v{VERSION} entry")
    h, w = int(data["height"]), int(data["width"])
    if rgba.shape != (h, w, 4):
        raise ValueError(f"probe describes a {w}x{h} picture, the PNG is {rgba.shape}")
    dtype = np.dtype(data["labels_dtype"])
    if dtype not in (np.dtype("<u2"), np.dtype("<u4")):
        raise ValueError(f"unexpected label type {dtype}")
    labels = np.frombuffer(zlib.decompress(blobs[0]), dtype=dtype)
    xor = np.frombuffer(zlib.decompress(blobs[1]), dtype=np.uint8)
    if labels.size != h * w or xor.size != h * w * 4:
        raise ValueError("probe blobs do not match the picture size")
    text = str(data["text"])
    labels = labels.reshape(h, w).astype(np.int32) - 1
    if labels.max(initial=-1) >= len(text):
        raise ValueError("probe labels point past the text")
    return text, labels, np.bitwise_xor(rgba, xor.reshape(h, w, 4))
