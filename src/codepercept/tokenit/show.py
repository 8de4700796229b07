"""Look at TokenIT samples: one token's mask over its image, and contact sheets of many."""

from __future__ import annotations

import colorsys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from codepercept.tokenit.generate import read_sample
from codepercept.tokenit.sample import TokenSample


def find_sample(sample: str | Path) -> TokenSample:
    """A sample named as ``DIR`` (its first sample), ``DIR/ID`` or ``DIR:ID``."""
    s = str(sample)
    root, sid = Path(s), None
    if ":" in s and not Path(s).exists():
        head, _, sid = s.rpartition(":")
        root = Path(head)
    elif not (root / "manifest.jsonl").exists() and (root.parent / "manifest.jsonl").exists():
        root, sid = root.parent, root.name
    if not (root / "manifest.jsonl").exists():
        raise FileNotFoundError(
            f"{s!r} is not a TokenIT dataset: name a directory written by `codepercept tokenit` "
            "(optionally followed by /ID or :ID)"
        )
    return read_sample(root, sid)


def matching_tokens(sample: TokenSample, token: str) -> list[int]:
    """Indices of the record's tokens equal to ``token``; if none, the word-initial form
    (``" " + token``) or the bare form is tried, so ``the`` finds ``" the"``."""
    toks = [t["token"] for t in sample.record["tokens"]]
    for cand in (token, " " + token, token.lstrip(" ")):
        hits = [i for i, t in enumerate(toks) if t == cand]
        if hits:
            return hits
    return []


def overlay(sample: TokenSample, indices: Iterable[int], colour=(255, 0, 0)) -> Image.Image:
    """The image, dimmed, with the masks of the given token occurrences painted in ``colour``
    and their boxes outlined."""
    img = sample.image.astype(np.float32) * 0.55 + 255 * 0.45
    col = np.asarray(colour, dtype=np.float32)
    boxes = []
    for i in indices:
        t = sample.record["tokens"][i]
        m = sample.token_mask(i)
        img[m] = 0.25 * img[m] + 0.75 * col
        if t["bbox"]:
            boxes.append(t["bbox"])
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(out)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle([x0 - 1, y0 - 1, x1, y1], outline=tuple(int(c) for c in colour))
    return out


def show(sample: str | Path, token: str, out: str | Path) -> dict:
    """Write ``out`` (PNG): ``token``'s masks over the sample's image. Returns
    ``{"sample", "token", "matches", "out"}``; raises ``KeyError`` if the token is absent."""
    smp = find_sample(sample)
    hits = matching_tokens(smp, token)
    if not hits:
        present = sorted({t["token"] for t in smp.record["tokens"] if t["bbox"]})[:30]
        raise KeyError(f"token {token!r} is not in sample {smp.id}; some tokens it has: {present}")
    overlay(smp, hits).save(out)
    return {
        "sample": smp.id,
        "token": smp.record["tokens"][hits[0]]["token"],
        "matches": len(hits),
        "out": str(out),
    }


def all_tokens_overlay(sample: TokenSample) -> Image.Image:
    """Every token's mask in its own colour (golden-ratio hues), over the dimmed image."""
    img = sample.image.astype(np.float32) * 0.35 + 255 * 0.65
    lut = np.zeros((int(sample.mask.max()) + 1, 3), dtype=np.float32)
    for k in range(1, len(lut)):
        lut[k] = np.array(colorsys.hsv_to_rgb((k * 0.618034) % 1.0, 0.9, 0.9)) * 255
    m = sample.mask > 0
    img[m] = lut[sample.mask[m]]
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def contact_sheet(
    samples: Iterable[TokenSample], out: str | Path, cell: int = 420, cols: int = 4
) -> Path:
    """A grid of image / all-token-mask pairs, one pair per sample, saved to ``out``."""
    tiles = []
    for smp in samples:
        pair = []
        for im in (Image.fromarray(smp.image), all_tokens_overlay(smp)):
            im = im.copy()
            im.thumbnail((cell, cell))
            pair.append(im)
        tiles.append(pair)
    if not tiles:
        raise ValueError("no samples for the contact sheet")
    rows = (len(tiles) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * 2 * cell, rows * cell), (255, 255, 255))
    for k, (a, b) in enumerate(tiles):
        x, y = (k % cols) * 2 * cell, (k // cols) * cell
        sheet.paste(a, (x, y))
        sheet.paste(b, (x + cell, y))
    sheet.save(out)
    return Path(out)
