"""Perceptual hash and the Hamming index."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from codepercept.data.phash import HashIndex, hamming, phash64


def _figure(seed: int) -> np.ndarray:
    """A plot-like picture: white background, a few random lines and boxes."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (160, 120), "white")
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0, x1, y1 = rng.integers(0, 120, 4).tolist()
        color = tuple(rng.integers(0, 200, 3).tolist())
        if rng.random() < 0.5:
            draw.line((x0, y0, x1 + 40, y1), fill=color, width=3)
        else:
            draw.rectangle(
                (min(x0, x1), min(y0, y1), max(x0, x1) + 20, max(y0, y1) + 8), fill=color
            )
    return np.asarray(img)


def _png(pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def test_identical_images_have_distance_zero() -> None:
    pixels = _figure(0)
    assert phash64(_png(pixels)) == phash64(_png(pixels.copy())) == phash64(pixels)
    assert 0 <= phash64(pixels) < 2**64


def test_mild_noise_gives_small_distance_and_unrelated_images_large() -> None:
    rng = np.random.default_rng(1)
    small, large = [], []
    for seed in range(8):
        pixels = _figure(seed)
        noisy = np.clip(pixels + rng.normal(0, 25, pixels.shape), 0, 255).astype(np.uint8)
        small.append(hamming(phash64(_png(pixels)), phash64(_png(noisy))))
        large.append(hamming(phash64(pixels), phash64(_figure(seed + 100))))
    assert max(small) <= 6, small
    assert min(large) >= 12, large
    assert np.mean(large) >= 20, large


def test_input_forms_agree() -> None:
    pixels = _figure(3)
    rgba = np.dstack([pixels, np.full(pixels.shape[:2], 255, np.uint8)])
    h = phash64(pixels)
    assert phash64(rgba) == h
    assert phash64(pixels.astype(np.float64) / 255.0) == h
    assert phash64(Image.fromarray(pixels)) == h
    assert phash64(pixels.astype(np.int64)) == h  # other integer types take the clipping path
    assert phash64(np.clip(pixels.astype(np.int64) * 2 - 100, -50, 400)) == phash64(
        np.clip(pixels.astype(np.int64) * 2 - 100, 0, 255).astype(np.uint8)
    )
    assert phash64(Image.fromarray(pixels).convert("L")) == h  # the screen probe's input
    # Transparent pixels are flattened onto white, like a figure saved with transparent=True.
    clear = np.zeros((40, 40, 4), np.uint8)
    assert phash64(clear) == phash64(np.full((40, 40), 255, np.uint8)) == 1 << 63
    with pytest.raises(ValueError):
        phash64(np.zeros((4, 4, 2)))


def test_hamming() -> None:
    assert hamming(0, 0) == 0
    assert hamming(0, 2**64 - 1) == 64
    assert hamming(0b1011, 0b0001) == 2


def _brute(stored: list[int], h: int, d: int) -> list[int]:
    return [s for s in stored if hamming(s, h) <= d]


def _flip(h: int, bits: list[int]) -> int:
    for b in bits:
        h ^= 1 << b
    return h


@settings(max_examples=150, deadline=None)
@given(
    stored=st.lists(st.integers(0, 2**64 - 1), max_size=40),
    base=st.integers(0, 2**64 - 1),
    flips=st.lists(st.integers(0, 63), max_size=8),
    d=st.integers(-1, 12),
    pick=st.integers(0, 1000),
)
def test_hash_index_agrees_with_brute_force(
    stored: list[int], base: int, flips: list[int], d: int, pick: int
) -> None:
    # Queries near a stored hash make hits likely; the rest are random.
    if stored and pick % 2:
        base = stored[pick % len(stored)]
    query = _flip(base, flips)
    index = HashIndex(stored)
    assert len(index) == len(stored)
    assert index.neighbors(query, d) == _brute(stored, query, d)
    assert index.near(query, d) == bool(_brute(stored, query, d))


def test_hash_index_band_path_with_crowded_bands_matches_brute_force() -> None:
    # Hashes sharing a band value exercise the vectorised candidate check (> 32 candidates).
    rng = np.random.default_rng(2)
    stored = [int(x) & ~0xFFFF for x in rng.integers(0, 2**63, 300, dtype=np.int64)]
    index = HashIndex(stored)
    for q in stored[:50]:
        for d in range(4):
            query = _flip(q, rng.choice(64, size=d, replace=False).tolist())
            assert index.neighbors(query, d) == _brute(stored, query, d)


def test_hash_index_is_fast_for_1e5_hashes() -> None:
    rng = np.random.default_rng(3)
    hashes = [int(x) for x in rng.integers(0, 2**64 - 1, 100_000, dtype=np.uint64)]
    index = HashIndex(hashes)
    queries = [_flip(h, [5, 40]) for h in hashes[:1000]]
    t0 = time.perf_counter()
    assert all(index.near(q, 3) for q in queries)
    band_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for q in queries[:100]:
        index.near(q, 10)
    scan_s = time.perf_counter() - t0
    # Generous bounds for a loaded 2-core machine; typical: ~10 ms and ~0.1 s.
    assert band_s < 2.0, band_s
    assert scan_s < 3.0, scan_s


def _reference_phash(image: np.ndarray) -> int:
    """The classic pHash with scipy's DCT-II (what ``imagehash.phash`` computes)."""
    import scipy.fft

    gray = Image.fromarray(image).convert("L").resize((32, 32), Image.Resampling.LANCZOS)
    coeffs = scipy.fft.dct(scipy.fft.dct(np.asarray(gray, dtype=np.float64), axis=0), axis=1)
    low = np.round(coeffs[:8, :8], 6).ravel()
    return int("".join("1" if c > np.median(low) else "0" for c in low), 2)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(8, 200),
    st.integers(8, 200),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["noise", "flat", "blocks", "figure"]),
)
def test_matches_the_scipy_dct_reference(h: int, w: int, seed: int, kind: str) -> None:
    rng = np.random.default_rng(seed)
    if kind == "noise":
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    elif kind == "flat":
        img = np.full((h, w, 3), rng.integers(0, 256), dtype=np.uint8)
    elif kind == "figure":
        img = _figure(seed)
    else:  # a few flat rectangles on white, like a sparse figure
        img = np.full((h, w, 3), 255, dtype=np.uint8)
        for _ in range(3):
            y, x = rng.integers(0, h), rng.integers(0, w)
            img[y : y + h // 4 + 1, x : x + w // 4 + 1] = rng.integers(0, 256, 3)
    assert phash64(img) == _reference_phash(img)
