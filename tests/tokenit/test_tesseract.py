"""External check: Tesseract's word boxes agree with ours on clean documents.

Needs Debian's ``tesseract-ocr`` and the ``pytesseract`` package; skipped without them.
"""

from __future__ import annotations

import random
import re
import shutil

import numpy as np
import pytest

pytesseract = pytest.importorskip("pytesseract", exc_type=ImportError)
if shutil.which("tesseract") is None:
    pytest.skip("the tesseract binary is not installed", allow_module_level=True)

from codepercept.tokenit.render_document import render_document  # noqa: E402


def _our_word_boxes(text: str, labels: np.ndarray) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Boxes of the maximal runs of non-space characters, from the character labels."""
    from scipy import ndimage

    found = ndimage.find_objects(np.where(labels >= 0, labels + 1, 0), max_label=len(text))
    words = []
    for m in re.finditer(r"\S+", text):
        boxes = [found[i] for i in range(m.start(), m.end()) if found[i] is not None]
        if not boxes:
            continue
        x0 = min(b[1].start for b in boxes)
        y0 = min(b[0].start for b in boxes)
        x1 = max(b[1].stop for b in boxes)
        y1 = max(b[0].stop for b in boxes)
        words.append((m.group(), (x0, y0, x1, y1)))
    return words


def _iou(a, b) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def test_tesseract_word_boxes_agree():
    """Over three clean documents, >= 90% of our words have a Tesseract word box at IoU >= 0.7."""
    hits = []
    for seed in range(1, 4):
        r = render_document(random.Random(seed), 900, 800)
        ours = _our_word_boxes(r.text, r.labels)
        data = pytesseract.image_to_data(r.image, output_type=pytesseract.Output.DICT)
        theirs = [
            (
                data["left"][i],
                data["top"][i],
                data["left"][i] + data["width"][i],
                data["top"][i] + data["height"][i],
            )
            for i in range(len(data["text"]))
            if data["text"][i].strip()
        ]
        assert len(ours) >= 20 and theirs, seed
        hits += [max(_iou(box, t) for t in theirs) >= 0.7 for _, box in ours]
    agree = float(np.mean(hits))
    assert agree >= 0.9, agree
