"""Scene-like text: signs and captions on coloured, gradient or textured backgrounds, with
optional rotation, perspective warp, blur, JPEG noise and low contrast.

Geometric augmentations move the character label map with the picture (nearest neighbour),
so masks follow the warped glyphs; photometric ones (blur, JPEG, contrast) leave the masks on
the glyphs as drawn. ``augment=False`` gives a clean render (with its text-free background).
"""

from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image, ImageFilter

from codepercept.tokenit import corpus
from codepercept.tokenit.canvas import (
    Rendered,
    TextCanvas,
    body_fonts,
    font_supports,
    get_font,
    line_metrics,
    text_width,
)

_SIGN_WORDS = [
    "OPEN",
    "EXIT",
    "SALE",
    "CAFÉ",
    "NO PARKING",
    "STOP",
    "WELCOME",
    "PHARMACY",
    "BAKERY",
    "Platform 3",
    "Main St",
    "Museum",
    "Library",
    "Hotel",
    "Station",
]


def _background(rng: random.Random, w: int, h: int) -> tuple[np.ndarray, str]:
    kind = rng.choice(["solid", "gradient", "texture", "noise"])
    c1 = np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32)
    c2 = np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32)
    if kind == "solid":
        arr = np.broadcast_to(c1, (h, w, 3)).copy()
    elif kind == "gradient":
        ang = rng.uniform(0, 2 * math.pi)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        t = xx * math.cos(ang) + yy * math.sin(ang)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
        arr = c1 * (1 - t[..., None]) + c2 * t[..., None]
    else:
        nrng = np.random.default_rng(rng.getrandbits(63))
        scale = rng.choice([4, 8, 16, 32]) if kind == "texture" else 1
        small = nrng.random((h // scale + 2, w // scale + 2)).astype(np.float32)
        t = (
            np.asarray(
                Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
                dtype=np.float32,
            )[:h, :w]
            / 255.0
        )
        amp = 0.6 if kind == "texture" else 0.25
        t = 0.5 + (t - 0.5) * amp
        arr = c1 * (1 - t[..., None]) + c2 * t[..., None]
    return np.clip(arr, 0, 255).astype(np.uint8), kind


def _text_colour(rng: random.Random, bg_mean: np.ndarray, low_contrast: bool) -> tuple:
    lum = float(bg_mean @ np.array([0.299, 0.587, 0.114]))
    if low_contrast:
        delta = rng.uniform(45, 70) * (1 if lum < 128 else -1)
        return tuple(float(np.clip(v + delta, 0, 255)) for v in bg_mean)
    base = rng.uniform(0, 60) if lum > 128 else rng.uniform(200, 255)
    tint = [rng.uniform(-40, 40) for _ in range(3)]
    return tuple(float(np.clip(base + t, 0, 255)) for t in tint)


def _lines(rng: random.Random) -> list[str]:
    out = []
    for _ in range(rng.randint(5, 10)):
        r = rng.random()
        if r < 0.25:
            out.append(rng.choice(_SIGN_WORDS))
        elif r < 0.5:
            out.append(corpus.phrase(rng, 2, 4).title())
        elif r < 0.65:
            out.append(f"{rng.choice(corpus.NAMES)} · {corpus.quantity(rng)}")
        else:
            words = corpus.sentence(rng).split(" ")
            k = rng.randint(3, min(12, len(words)))
            out.append(" ".join(words[:k]))
    return out


def render_scene(rng: random.Random, width: int, height: int, augment: bool = True) -> Rendered:
    aug: dict = {}
    if augment:
        aug = {
            "rotate": rng.uniform(-25, 25) if rng.random() < 0.5 else 0.0,
            "perspective": rng.random() < 0.4,
            "blur": rng.uniform(0.4, 1.4) if rng.random() < 0.35 else 0.0,
            "jpeg": rng.randint(25, 70) if rng.random() < 0.4 else 0,
            "low_contrast": rng.random() < 0.2,
        }
    geometric = bool(aug.get("rotate") or aug.get("perspective"))
    # Draw on a larger canvas when the picture will be warped, so no empty corners show.
    pad = int(0.25 * max(width, height)) if geometric else 0
    W, H = width + 2 * pad, height + 2 * pad
    bg, bg_kind = _background(rng, W, H)
    cv = TextCanvas(bg)
    fonts = [*body_fonts(), "sans-bold", "serif-bold", "sans-boldoblique", "mono-bold"]
    y = pad + rng.uniform(0.04, 0.12) * height
    lines = _lines(rng)
    first = True
    for line in lines:
        name = rng.choice(fonts)
        if not font_supports(name, line):
            name = "sans-bold"
        size = rng.randint(max(16, height // 30), max(22, height // 13))
        font = get_font(name, size)
        w = text_width(font, line)
        while w > width * 0.92 and size > 12:
            size = int(size * 0.85)
            font = get_font(name, size)
            w = text_width(font, line)
        asc, desc = line_metrics(font)
        if y + asc + desc > pad + height * 0.96:
            break
        x = pad + rng.uniform(0.03 * width, max(0.03 * width, width * 0.97 - w))
        region = bg[int(y) : int(y + asc + desc), int(x) : int(x + w)].reshape(-1, 3)
        colour = _text_colour(
            rng,
            region.mean(axis=0) if region.size else bg.mean(axis=(0, 1)),
            bool(aug.get("low_contrast")),
        )
        if not first:
            cv.append("\n")
        first = False
        cv.draw_string(line, x, y + asc, font, colour)
        y += (asc + desc) * rng.uniform(1.1, 2.0)
    out = cv.result({"domain": "scene", "background": bg_kind, **aug})
    if not augment:
        return out
    img = Image.fromarray(out.image)
    lab = Image.fromarray(out.labels)  # mode "I" (int32)
    if aug["rotate"]:
        img = img.rotate(aug["rotate"], resample=Image.BICUBIC, center=(W / 2, H / 2))
        lab = lab.rotate(aug["rotate"], resample=Image.NEAREST, center=(W / 2, H / 2), fillcolor=-1)
    if aug["perspective"]:
        coeffs = _perspective_coeffs(rng, W, H, 0.08 * min(width, height))
        img = img.transform((W, H), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
        lab = lab.transform((W, H), Image.PERSPECTIVE, coeffs, Image.NEAREST, fillcolor=-1)
    box = (pad, pad, pad + width, pad + height)
    img, lab = img.crop(box), lab.crop(box)
    if aug["blur"]:
        img = img.filter(ImageFilter.GaussianBlur(aug["blur"]))
    if aug["jpeg"]:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=aug["jpeg"])
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return Rendered(
        np.asarray(img, dtype=np.uint8).copy(),
        out.text,
        np.asarray(lab, dtype=np.int32).copy(),
        None,
        out.meta,
    )


def _perspective_coeffs(rng: random.Random, w: int, h: int, jitter: float) -> list[float]:
    """Coefficients mapping output to input pixels for a random quadrilateral warp."""
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    dst = [(x + rng.uniform(-jitter, jitter), y + rng.uniform(-jitter, jitter)) for x, y in src]
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.extend([u, v])
    return [float(c) for c in np.linalg.solve(np.array(a), np.array(b))]
