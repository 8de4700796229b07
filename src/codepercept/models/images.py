"""Images as a model receives them: a PNG data URL under a max-pixels policy.

The paper served images of at most 1,310,720 pixels (``max_pixels`` of the Qwen-VL
processor); a larger image is scaled down, keeping its aspect ratio, before it is sent, so the
server sees what the model was evaluated with and a huge seed image cannot blow up a request.
"""

from __future__ import annotations

import base64
import io
import math

from PIL import Image

__all__ = ["MAX_PIXELS", "fit_pixels", "image_data_url"]

#: The most pixels an image sent to a model has (the paper's serving setting).
MAX_PIXELS = 1_310_720
#: The largest image file accepted at all (decompression bombs stop here).
MAX_SOURCE_PIXELS = 50_000_000


def fit_pixels(width: int, height: int, max_pixels: int = MAX_PIXELS) -> tuple[int, int]:
    """The size an image of ``width`` x ``height`` is sent at: unchanged when it has at most
    ``max_pixels`` pixels, else scaled by the same factor on both sides to fit."""
    if width < 1 or height < 1:
        raise ValueError(f"an image has no pixels ({width}x{height})")
    if width * height <= max_pixels:
        return width, height
    scale = math.sqrt(max_pixels / (width * height))
    w, h = max(1, int(width * scale)), max(1, int(height * scale))
    while w * h > max_pixels:  # rounding can leave it a pixel over
        w, h = (w - 1, h) if w >= h else (w, h - 1)
    return w, h


def image_data_url(data: bytes, max_pixels: int = MAX_PIXELS) -> str:
    """``data:image/png;base64,...`` of an image file's bytes (any format Pillow reads),
    scaled down to at most ``max_pixels``. A PNG already small enough is sent byte for byte.

    Raises ``ValueError`` for bytes that are not an image or one over ``MAX_SOURCE_PIXELS``.
    """
    try:
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
            if w * h > MAX_SOURCE_PIXELS:
                raise ValueError(f"image of {w}x{h} pixels is too large (over {MAX_SOURCE_PIXELS})")
            size = fit_pixels(w, h, max_pixels)
            if size == (w, h) and img.format == "PNG":
                png = data
            else:
                img.load()
                out = img.convert("RGBA" if "A" in img.getbands() else "RGB")
                if size != (w, h):
                    out = out.resize(size, Image.LANCZOS)
                buf = io.BytesIO()
                out.save(buf, format="PNG")
                png = buf.getvalue()
    except (OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValueError(f"not a readable image ({type(exc).__name__}: {exc})") from None
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
