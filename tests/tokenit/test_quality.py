"""Mask quality on clean renders of every domain (issue 6, item 4)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import ndimage

from codepercept.tokenit.generate import DOMAINS, EXTRA_DOMAINS, build_sample, render_picture
from codepercept.tokenit.render_document import render_document
from codepercept.tokenit.tokenizer import load_tokenizer

SEEDS = [3, 11]


@pytest.fixture(scope="module")
def qwen():
    return load_tokenizer("qwen")


@pytest.fixture(scope="module")
def clean_samples(qwen, icc_rendered):
    """(domain, rendered, sample) for two clean candidates per in-process domain, and the
    ``stem`` candidates of the ICC programs of every synth domain (see conftest)."""
    out = []
    for d, dom in enumerate(DOMAINS):
        if dom == "stem":
            continue
        for seed in SEEDS:
            # Candidate index d + k*len(DOMAINS) renders domain `dom` (round-robin).
            idx = d + len(DOMAINS) * seed
            r = render_picture(seed, idx, list(DOMAINS), augment=False)
            out.append((dom, r, build_sample(f"{dom}-{seed}", r, qwen)))
    for dom in EXTRA_DOMAINS:
        for seed in SEEDS:
            r = render_picture(seed, seed, [dom], augment=False)
            out.append((dom, r, build_sample(f"{dom}-{seed}", r, qwen)))
    for i, r in icc_rendered:
        out.append(("stem", r, build_sample(f"stem-{i}", r, qwen)))
    for dom, r, smp in out:
        assert smp.record["domain"] == dom and r.background is not None
    assert {d for d, _, _ in out} == set(DOMAINS + EXTRA_DOMAINS)
    return out


def _text_ink(image: np.ndarray, background: np.ndarray, group: int = 1) -> np.ndarray:
    """Text ink as the picture itself shows it, computed without the masks.

    Changed pixels are grouped into blobs (pixels up to ``group`` px apart join); a blob's
    text colour C is the colour of its most changed pixel; a pixel's coverage is its change
    projected on C - background, and it is ink when that coverage reaches 30% (the masks'
    threshold) by more than one grey level.
    """
    img, bg = image.astype(np.float64), background.astype(np.float64)
    diff = np.abs(img - bg).max(axis=-1)
    local = ndimage.maximum_filter(diff, size=25)
    changed = (diff > 0.1 * local) & (local >= 20)
    lab, n = ndimage.label(ndimage.binary_dilation(changed, iterations=group))
    if n == 0:
        return np.zeros(diff.shape, dtype=bool)
    pos = np.array(ndimage.maximum_position(diff, lab, index=np.arange(1, n + 1)), dtype=int)
    colour = np.zeros((n + 1, 3))
    colour[1:] = img[pos[:, 0], pos[:, 1]]
    d = colour[lab] - bg
    norm2 = (d * d).sum(axis=-1)
    alpha = ((img - bg) * d).sum(axis=-1) / np.maximum(norm2, 1e-9)
    return (lab > 0) & (norm2 >= 400) & (alpha >= 0.3 + 1.0 / np.sqrt(np.maximum(norm2, 1)))


def test_union_of_token_masks_covers_text_ink(clean_samples):
    for dom, r, smp in clean_samples:
        # Matplotlib draws a minus or hyphen apart from its digits, as a bar about one pixel
        # thick that never reaches full coverage, so its own blob's most changed pixel is not
        # the text colour; in ICC figures (small tick labels, "−2") such bars are common, and
        # joining glyphs up to 3 px apart lets the colour come from the rest of the string.
        ink = _text_ink(smp.image, r.background, group=3 if dom == "stem" else 1)
        masks = smp.mask > 0
        iou = (ink & masks).sum() / max((ink | masks).sum(), 1)
        assert ink.sum() > (100 if dom == "stem" else 500), (dom, smp.id)
        assert iou >= 0.98, (dom, smp.id, iou)


def test_token_masks_are_disjoint_and_indexed(clean_samples):
    for dom, _, smp in clean_samples:
        toks = smp.record["tokens"]
        values = [t["mask_value"] for t in toks]
        assert values == list(range(1, len(toks) + 1)), dom
        present = set(np.unique(smp.mask).tolist()) - {0}
        assert present <= set(values)
        # One value per pixel means disjoint masks; check boxes agree with the pixels.
        for t in toks:
            m = smp.mask == t["mask_value"]
            if t["bbox"] is None:
                assert not m.any()
                continue
            x0, y0, x1, y1 = t["bbox"]
            ys, xs = np.nonzero(m)
            assert (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) == (x0, y0, x1, y1)


def test_visible_tokens_have_masks_and_whitespace_is_marked(clean_samples):
    for dom, _, smp in clean_samples:
        for t in smp.record["tokens"]:
            if t["token"].strip():
                assert t["bbox"] is not None, (dom, t)
                assert not t["whitespace"]
            elif t["token"]:
                assert t["whitespace"] and t["bbox"] is None, (dom, t)


def test_text_and_ids_round_trip(clean_samples, qwen):
    for dom, _, smp in clean_samples:
        rec = smp.record
        assert "".join(t["token"] for t in rec["tokens"]) == rec["text"], dom
        assert [t["token_id"] for t in rec["tokens"]] == qwen.encode(rec["text"])
        for t in rec["tokens"]:
            assert rec["text"][t["text_index"] :].startswith(t["token"])
        assert (rec["height"], rec["width"]) == smp.mask.shape == smp.image.shape[:2]
        assert 448 <= max(rec["width"], rec["height"]) <= 1024


def test_record_format_is_exact(clean_samples):
    _, _, smp = clean_samples[0]
    rec = smp.record
    assert set(rec) == {
        "version",
        "text",
        "tokenizer",
        "width",
        "height",
        "domain",
        "tokens",
        "meta",
    }
    assert rec["version"] == 1 and rec["tokenizer"] == "qwen"
    assert rec["meta"]["domain"] == rec["domain"]
    for t in rec["tokens"]:
        assert set(t) == {"token", "token_id", "mask_value", "text_index", "bbox", "whitespace"}


def test_tokens_of_a_line_run_left_to_right(qwen):
    """Offsets land on the right glyphs: within each line of a document, consecutive
    tokens' ink boxes advance to the right and agree with the character positions."""
    rng = random.Random(5)
    r = render_document(rng, 800, 700)
    smp = build_sample("doc", r, qwen)
    lines = []
    for t in smp.record["tokens"]:
        if t["bbox"] is None:
            continue
        if lines and "\n" not in t["token"] and lines[-1][-1]["bbox"][2] <= t["bbox"][0] + 2:
            lines[-1].append(t)
        else:
            lines.append([t])
    long_lines = [ln for ln in lines if len(ln) >= 5]
    assert long_lines
    # Most tokens continue a left-to-right run (new runs start only at line breaks).
    n_runs = len(lines)
    n_tok = sum(len(ln) for ln in lines)
    assert n_runs < 0.35 * n_tok
    # A token's pixels carry only that token's characters' labels.
    for t in smp.record["tokens"]:
        m = smp.mask == t["mask_value"]
        chars = set(np.unique(r.labels[m]).tolist())
        lo, hi = t["text_index"], t["text_index"] + len(t["token"])
        assert all(lo <= c < hi for c in chars)


def test_label_ink_keeps_the_strongest_glyph_and_clips():
    from codepercept.tokenit.canvas import label_ink

    labels = np.full((4, 5), -1, dtype=np.int32)
    best = np.zeros((4, 5), dtype=np.float32)
    cov = np.array([[0.2, 0.5], [0.9, 0.4]], dtype=np.float32)
    rows, cols, a = label_ink(labels, best, cov, 1, 1, 0, 0.3)
    assert (rows, cols) == (slice(1, 3), slice(1, 3)) and np.array_equal(a, cov)
    assert labels[1:3, 1:3].tolist() == [[-1, 0], [0, 0]]  # 0.2 is below the threshold
    # A second glyph wins only where it covers more; its top row and left column are clipped.
    rows, cols, a = label_ink(labels, best, np.full((3, 3), 0.45, np.float32), -1, -1, 1, 0.3)
    assert (rows, cols, a.shape) == (slice(0, 2), slice(0, 2), (2, 2))
    assert labels[:3, :3].tolist() == [[1, 1, -1], [1, 1, 0], [-1, 0, 0]]
    assert label_ink(labels, best, cov, 10, 0, 2, 0.3) is None  # off the canvas
    assert label_ink(labels, best, cov, -2, 0, 2, 0.3) is None


def test_split_character_pixels_go_to_the_owning_token(qwen):
    from codepercept.tokenit.canvas import TextCanvas, get_font

    cv = TextCanvas(np.full((60, 240, 3), 255, dtype=np.uint8))
    cv.draw_string("a ∮ b", 10, 40, get_font("sans", 28))
    r = cv.result({"domain": "documents"})
    smp = build_sample("x", r, qwen)
    toks = smp.record["tokens"]
    owner = next(t for t in toks if "∮" in t["token"])
    cont = [t for t in toks if t["token"] == ""]
    assert owner["bbox"] is not None and cont and all(t["bbox"] is None for t in cont)
    ink_of_char = r.labels == 2  # "∮" is character 2
    assert np.array_equal(ink_of_char, smp.mask == owner["mask_value"])
