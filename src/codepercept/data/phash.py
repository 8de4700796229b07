"""64-bit perceptual hash (pHash) and a Hamming-distance index for near-duplicate filtering.

``phash64`` follows the classic DCT pHash (the same steps as the ``imagehash`` package's
``phash``): flatten transparency onto white, convert to 8-bit grayscale (ITU-R 601-2 luma),
resize to 32×32 with Lanczos, take the 2-D DCT-II (unnormalised, rows then columns), keep the
8×8 lowest-frequency block (DC included), and set bit ``k`` (row-major, most significant first)
when coefficient ``k`` is strictly greater than the median of the 64. Coefficients are rounded to
1e-6 first so that exact ties (e.g. a flat image, whose AC terms are all zero) do not depend on
floating-point noise; a flat image hashes to ``1 << 63``.

Distances: identical images → 0; re-encoding, mild noise or small rescaling → a few bits;
unrelated images → around 32 (random bits).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import numpy as np
from PIL import Image

__all__ = ["HashIndex", "hamming", "phash64"]

_HASH_SIZE = 8
_IMG_SIZE = 32
_MASK64 = (1 << 64) - 1

# The rows of the unnormalised DCT-II (scipy.fft.dct's default, type 2, norm None) that the hash
# keeps: X_k = sum_n 2 x_n cos(pi k (2n + 1) / 2N) for k < 8. Two small matrix products give the
# 8x8 block the full 2-D transform would, without importing scipy.fft (a tenth of a second in
# every sandbox start-up that hashes its canvas).
_k, _n = np.arange(_HASH_SIZE)[:, None], np.arange(_IMG_SIZE)[None, :]
_DCT_ROWS = 2.0 * np.cos(np.pi * _k * (2 * _n + 1) / (2 * _IMG_SIZE))
del _k, _n


def _to_grayscale_image(image: bytes | bytearray | np.ndarray | Image.Image) -> Image.Image:
    if isinstance(image, (bytes, bytearray, memoryview)):
        img = Image.open(io.BytesIO(bytes(image)))
        img.load()
    elif isinstance(image, Image.Image):
        img = image
    else:
        arr = np.asarray(image)
        if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (1, 3, 4)):
            raise ValueError(f"image array must be HxW, HxWx1, HxWx3 or HxWx4, got {arr.shape}")
        if arr.size == 0:
            raise ValueError("image array is empty")
        if arr.dtype != np.uint8:  # uint8 (every rendered canvas) is already what PIL takes
            if arr.dtype.kind == "f":
                arr = np.clip(arr, 0.0, 1.0) * 255.0
            arr = np.clip(np.rint(arr.astype(np.float64)), 0, 255).astype(np.uint8)
        if arr.ndim == 3 and arr.shape[2] == 1:
            arr = arr[:, :, 0]
        img = Image.fromarray(arr)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    return img.convert("L")


def phash64(image: bytes | bytearray | np.ndarray | Image.Image) -> int:
    """DCT perceptual hash of an image as an unsigned 64-bit int (see the module docstring).

    ``image``: encoded image bytes (PNG or anything PIL reads), a PIL image, or an array
    ``HxW`` / ``HxWx{1,3,4}`` — integer arrays are 0..255, float arrays are 0..1.
    Deterministic for a given input and library versions.
    """
    gray = _to_grayscale_image(image).resize((_IMG_SIZE, _IMG_SIZE), Image.Resampling.LANCZOS)
    pixels = np.asarray(gray, dtype=np.float64)
    low = np.round(_DCT_ROWS @ pixels @ _DCT_ROWS.T, 6).ravel()
    bits = low > np.median(low)
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit hashes (0..64)."""
    return ((a ^ b) & _MASK64).bit_count()


if hasattr(np, "bitwise_count"):

    def _popcount(x: np.ndarray) -> np.ndarray:
        return np.bitwise_count(x)

else:  # numpy < 2.0
    _BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

    def _popcount(x: np.ndarray) -> np.ndarray:
        return _BYTE_POPCOUNT[x.view(np.uint8).reshape(-1, 8)].sum(axis=1)


class HashIndex:
    """A growing set of 64-bit hashes answering "is any stored hash within distance d of h?".

    Multi-index hashing: each hash is split into four 16-bit bands and indexed in four tables.
    For ``max_distance <= 3`` a query only examines hashes that share at least one band with it;
    this is exact (never misses), because by the pigeonhole principle two hashes differing in at
    most 3 bits differ in at most 3 of the 4 disjoint bands, so they agree on at least one; every
    candidate is then checked with its true Hamming distance (no false positives). For larger
    distances the pigeonhole guarantee no longer holds, so the query falls back to an exact
    vectorised scan of all stored hashes (numpy XOR + popcount; ~1 ms per 1e5 hashes).
    Both paths therefore return exactly what a brute-force comparison returns.
    """

    BANDS = 4
    BAND_BITS = 16
    #: Largest distance answered through the band tables; larger ones scan.
    EXACT_BAND_DISTANCE = BANDS - 1
    _SMALL_CANDIDATES = 32

    def __init__(self, hashes: Iterable[int] = ()) -> None:
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(self.BANDS)]
        self._hashes = np.zeros(1024, dtype=np.uint64)
        self._n = 0
        for h in hashes:
            self.add(h)

    def __len__(self) -> int:
        return self._n

    def add(self, h: int) -> None:
        """Store hash ``h`` (an int in ``[0, 2**64)``); duplicates are stored again."""
        if not isinstance(h, (int, np.integer)) or not 0 <= int(h) <= _MASK64:
            raise ValueError(f"hash must be an int in [0, 2**64), got {h!r}")
        h = int(h)
        if self._n == len(self._hashes):
            grown = np.zeros(2 * len(self._hashes), dtype=np.uint64)
            grown[: self._n] = self._hashes
            self._hashes = grown
        pos = self._n
        self._hashes[pos] = h
        self._n += 1
        for band, table in enumerate(self._tables):
            table.setdefault((h >> (band * self.BAND_BITS)) & 0xFFFF, []).append(pos)

    def near(self, h: int, max_distance: int) -> bool:
        """True if some stored hash is within Hamming distance ``max_distance`` of ``h``."""
        return bool(self._matches(int(h), max_distance, first_only=True))

    def neighbors(self, h: int, max_distance: int) -> list[int]:
        """All stored hashes within ``max_distance`` of ``h``, in insertion order."""
        positions = self._matches(int(h), max_distance, first_only=False)
        return [int(self._hashes[p]) for p in positions]

    def _matches(self, h: int, max_distance: int, first_only: bool) -> list[int]:
        if max_distance < 0 or self._n == 0:
            return []
        if max_distance <= self.EXACT_BAND_DISTANCE:
            candidates: set[int] = set()
            for band, table in enumerate(self._tables):
                candidates.update(table.get((h >> (band * self.BAND_BITS)) & 0xFFFF, ()))
            if len(candidates) <= self._SMALL_CANDIDATES:
                hits = sorted(
                    p for p in candidates if hamming(int(self._hashes[p]), h) <= max_distance
                )
                return hits[:1] if first_only else hits
            positions = np.fromiter(sorted(candidates), dtype=np.int64, count=len(candidates))
        else:
            positions = np.arange(self._n)
        dist = _popcount(self._hashes[positions] ^ np.uint64(h))
        hits_arr = positions[dist <= max_distance]
        if first_only:
            return [int(hits_arr[0])] if len(hits_arr) else []
        return [int(p) for p in hits_arr]

    def __repr__(self) -> str:
        return f"HashIndex({self._n} hashes)"
