"""From a rendered picture (per-character labels) and a tokenizer to a TokenIT sample.

A token's mask is the union of its characters' ink masks. Every token occurrence gets its own
value in a 16-bit mask image (1, 2, … in text order; 0 is background), so token masks are
disjoint by construction.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from codepercept.tokenit.canvas import Rendered
from codepercept.tokenit.tokenizer import Tokenizer

#: Version of the record layout below.
RECORD_VERSION = 1
MAX_TOKENS = 65535


@dataclass
class TokenSample:
    """One TokenIT sample: ``image`` HxWx3 uint8, ``mask`` HxW uint16, ``record`` (see
    :func:`build_sample`)."""

    id: str
    image: np.ndarray
    mask: np.ndarray
    record: dict

    def token_mask(self, i: int) -> np.ndarray:
        """Boolean mask of the ``i``-th token occurrence of the record."""
        return self.mask == self.record["tokens"][i]["mask_value"]


def build_sample(sample_id: str, rendered: Rendered, tokenizer: Tokenizer) -> TokenSample:
    """Tokenize ``rendered.text`` and turn character labels into token masks.

    The record is ``{"text", "tokenizer", "width", "height", "domain", "tokens": [{"token",
    "token_id", "mask_value", "text_index", "bbox", "whitespace"}]}``: ``token`` is the text
    the token owns (word-initial pieces carry their leading space; concatenated in order they
    give ``text``), ``mask_value`` its value in the mask image, ``text_index`` its character
    offset, ``bbox`` ``[x0, y0, x1, y1]`` (exclusive end) of its ink or None when it has none,
    ``whitespace`` whether it is whitespace only.
    """
    text = rendered.text
    spans = tokenizer.tokenize(text)
    if len(spans) > MAX_TOKENS:
        raise ValueError(f"{len(spans)} tokens do not fit a 16-bit mask")
    h, w = rendered.labels.shape
    # char index -> mask value (token occurrence number, 1-based); chars owned by no token: 0.
    char_to_value = np.zeros(len(text) + 1, dtype=np.uint16)
    for k, sp in enumerate(spans, start=1):
        own0 = sp.char_end - len(sp.text)
        char_to_value[own0 : sp.char_end] = k
    labels = rendered.labels
    mask = char_to_value[np.where(labels >= 0, labels, len(text))]
    boxes = _bboxes(mask, len(spans))
    tokens = []
    for k, sp in enumerate(spans, start=1):
        tokens.append(
            {
                "token": sp.text,
                "token_id": int(sp.token_id),
                "mask_value": k,
                "text_index": sp.char_end - len(sp.text) if sp.text else sp.char_start,
                "bbox": boxes.get(k),
                "whitespace": sp.whitespace,
            }
        )
    record = {
        "version": RECORD_VERSION,
        "text": text,
        "tokenizer": tokenizer.name,
        "width": int(w),
        "height": int(h),
        "domain": rendered.meta.get("domain", ""),
        "tokens": tokens,
        "meta": rendered.meta,
    }
    return TokenSample(sample_id, rendered.image, mask, record)


def _bboxes(mask: np.ndarray, n: int) -> dict[int, list[int]]:
    from scipy import ndimage

    out: dict[int, list[int]] = {}
    for k, sl in enumerate(ndimage.find_objects(mask.astype(np.int32), max_label=n), start=1):
        if sl is not None:
            out[k] = [int(sl[1].start), int(sl[0].start), int(sl[1].stop), int(sl[0].stop)]
    return out


def encode_mask_png(mask: np.ndarray) -> bytes:
    """A uint16 mask as a 16-bit greyscale PNG."""
    buf = io.BytesIO()
    Image.fromarray(mask.astype(np.uint16)).save(buf, format="PNG")
    return buf.getvalue()


def decode_mask_png(data: bytes) -> np.ndarray:
    im = Image.open(io.BytesIO(data))
    arr = np.asarray(im)
    return arr.astype(np.uint16)
