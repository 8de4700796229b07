"""Render probes: measurements taken inside the sandbox child while it renders each figure.

Some facts about a rendered figure are cheapest where the figure still exists: the child holds
the drawn canvas as an RGBA buffer, while the parent would have to decode the PNG again, and
some (which glyph went to which pixels) exist only while matplotlib draws. A *probe* is trusted
code, imported by the zygote before it forks, that runs in the child around the final render
of every captured figure and sends back JSON data and optional binary blobs.

A probe is named ``"module:factory"`` (or a built-in short name, see :data:`BUILTIN`). The
factory is called once per run, with no arguments, and returns an object with:

``before_draw(fig) -> None`` (optional)
    called just before the figure is drawn for capture (after its dpi is set);
``after_draw(fig, rgba) -> data | (data, [blob, ...])``
    called after it was drawn and encoded; ``rgba`` is a read-only HxWx4 ``uint8`` copy of
    exactly the pixels in the PNG. ``data`` must be JSON-serialisable; blobs are ``bytes``.
    The probe may draw the figure again (the PNG is already encoded) but must leave its
    artists as it found them.

Results reach :attr:`ExecResult.probes` as ``{name: [per figure: {"data": …, "blobs":
[bytes, …]} or {"error": "…"}]}``. A probe that raises gives ``{"error": …}`` for that figure
and does not change the status of the run.

Trust: a probe runs after the program, in the program's process. Like the scene, its output
is only as trustworthy as the program (a hostile program can replace the functions a probe
calls); probes are for measuring trusted generators cheaply, not for policing hostile code.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

#: Short names for the probes that ship with codepercept.
BUILTIN: dict[str, str] = {
    "screen": "codepercept.sandbox.probes:ScreenProbe",
    # Per-character pixel labels of the figure's text, for TokenIT's ``stem`` domain.
    "glyphs": "codepercept.tokenit.glyph_probe:GlyphProbe",
}


def resolve(name: str) -> str:
    """``"module:factory"`` for a built-in short name or a spec; raises ``ValueError`` for a
    name that is neither (the module itself is imported later, by the zygote)."""
    spec = BUILTIN.get(name, name)
    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr.isidentifier():
        known = ", ".join(sorted(BUILTIN))
        raise ValueError(f"unknown probe {name!r}: give one of {known} or 'module:factory'")
    return spec


def load(spec: str) -> Any:
    """Instantiate the probe named by a resolved spec."""
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)()


class ScreenProbe:
    """What the ICC quality screen needs from every image: the ink fraction (pixels that
    differ from the background, :func:`codepercept.score.image.ink_fraction`) and the 64-bit
    perceptual hash (:func:`codepercept.data.phash64`) of the RGB pixels, as a hex string.
    Both equal what the parent would compute from the decoded PNG."""

    def __init__(self) -> None:
        from PIL import Image

        from codepercept.data.phash import phash64
        from codepercept.score.image import ink_fraction

        self._phash64 = phash64
        self._ink_fraction = ink_fraction
        self._image = Image

    def after_draw(self, fig: Any, rgba: np.ndarray) -> dict[str, Any]:
        # The hash of the RGB pixels, from their luma: PIL's RGBA -> L ignores alpha exactly as
        # RGB -> L would (tested), and spares the numpy copy of the strided ``rgba[..., :3]``
        # view that hashing an RGB array needs (that copy was a third of this probe's time).
        gray = self._image.fromarray(np.ascontiguousarray(rgba)).convert("L")
        return {
            "ink": self._ink_fraction(rgba),
            "phash": f"{self._phash64(gray):016x}",
        }
