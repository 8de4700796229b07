"""Image Score: a deterministic, judge-free similarity of two renderings (0..100).

Pipeline (documented in full in ``docs/scores.md``):

1. **Normalise.** Decode (PNG bytes or ``HxWx3/4`` uint8), composite alpha over white. The
   background is the most frequent colour of the 1-pixel border; *ink* is every pixel whose
   largest channel difference from the background exceeds :data:`INK_TOL`.
2. **Crop and align.** Crop each image to the bounding box of its ink and resize both crops to
   one common canvas whose aspect is the geometric mean of the two content aspects (clamped to
   1/8..8), longest side :data:`CANVAS`, inside a :data:`MARGIN`-pixel background border.
   Margins and resolution (dpi) therefore hardly matter, and a uniform stretch of the content is
   forgiven. A figure-size change that re-flows the layout (text keeps its size in points) is a
   real pixel difference; the scene score is the one that ignores it.
3. **Parts**, each 0..100:

   * ``structure`` — Gaussian-window SSIM (sigma 1.5, truncate 3.5, C1 = (0.01*255)^2,
     C2 = (0.03*255)^2) on grayscale pre-blurred with sigma :data:`PRE_BLUR` (against
     sub-pixel aliasing of thin strokes), averaged only over the *ink zone*: pixels within
     :data:`INK_DILATE` px (square) of ink in either image. ``100 * max(0, mean SSIM)``.
   * ``edges`` — edge F1 with tolerance on the unblurred grayscale: Sobel edges
     (``|gx| + |gy| > EDGE_THRESHOLD``); precision = share of candidate edge pixels within
     Euclidean distance :data:`EDGE_TOL` of a reference edge pixel, recall the same the other
     way. ``100 * F1``.
   * ``colour`` — palette agreement: strong-ink pixels (difference > :data:`PALETTE_TOL`)
     soft-binned (trilinear) into a 5x5x5 RGB lattice, each histogram normalised to sum 1,
     ``100 * sum(min(p, q))`` (= 1 - total variation distance).

4. ``total = (40 * structure + 40 * edges + 20 * colour) / 100``.

Edge cases: identical inputs (after normalisation) give exactly 100. One blank image (no ink)
against a drawn one gives 0 (all parts 0). Two blank images give 100 (both show nothing).
The score is symmetric in its two arguments (exactly: every step treats both the same way).
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image

from codepercept.score._common import (
    SCORE_VERSION,
    ScoreResult,
    calibrate,
    check_version,
    clip100,
    rgb_to_lab,
    weighted_total,
)

__all__ = [
    "CANVAS",
    "EDGE_TOL",
    "IMAGE_WEIGHTS",
    "ImageInput",
    "PreparedImage",
    "colour_similarity",
    "edge_f1",
    "image_score",
    "masked_ssim",
    "prepare_image",
]

ImageInput = bytes | bytearray | memoryview | np.ndarray

#: Longest side of the common canvas, in pixels.
CANVAS = 160
#: Background-coloured border around the content on the canvas, in pixels.
MARGIN = 4
#: A pixel is ink when a channel differs from the background by more than this (0..255).
INK_TOL = 24
#: The SSIM average runs over ink pixels of either image dilated by this many pixels.
INK_DILATE = 3
#: Standard deviation of the SSIM Gaussian window, in canvas pixels.
SSIM_SIGMA = 1.5
#: Gaussian pre-blur (sigma, canvas pixels, truncate 3) applied before SSIM only.
PRE_BLUR = 1.0
#: Palette pixels must differ from the background by more than this (skips faint antialiasing).
PALETTE_TOL = 64
#: Sobel L1 magnitude threshold for an edge pixel (a straight black/white step gives 1020).
EDGE_THRESHOLD = 100.0
#: Edge-matching tolerance on the canvas, in pixels.
EDGE_TOL = 2.0
#: Weights of the parts in the total (integers; they sum to 100).
IMAGE_WEIGHTS: dict[str, int] = {"structure": 40, "edges": 40, "colour": 20}
#: Version 2 weights (docs/scores.md, "Version 2").
IMAGE_WEIGHTS_V2: dict[str, int] = {"structure": 40, "edges": 40, "colour": 20}
#: Version 2 chance levels: the median raw part (0..1) over pairs of figures of different
#: domains, mapped to 0 by :func:`~codepercept.score._common.calibrate`.
IMAGE_CHANCE_V2: dict[str, float] = {"structure": 0.50, "edges": 0.47, "colour": 0.68}

_SSIM_C1 = (0.01 * 255) ** 2
_SSIM_C2 = (0.03 * 255) ** 2
_LATTICE = 5  # colour lattice points per channel
_MAX_ASPECT = 8.0
_CORNERS = np.array([[r, g, b] for r in (0, 1) for g in (0, 1) for b in (0, 1)])


# -- decoding and normalisation ----------------------------------------------------------------


def _to_rgb(img: ImageInput) -> tuple[np.ndarray, Image.Image | None]:
    """Decode and composite over white: an ``HxWx3`` uint8 array, and the Pillow image when one
    was decoded (reused for resizing, saving a copy)."""
    if isinstance(img, bytes | bytearray | memoryview):
        try:
            im = Image.open(io.BytesIO(bytes(img)))
            im.load()
        except Exception as exc:  # PIL raises several unrelated types
            raise ValueError(f"could not decode image bytes ({exc}); pass PNG/JPEG bytes") from exc
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            im = im.convert("RGBA")
            # Fully opaque (matplotlib's usual output): skip the costly composite.
            if im.getchannel("A").getextrema() != (255, 255):
                white = Image.new("RGBA", im.size, (255, 255, 255, 255))
                im = Image.alpha_composite(white, im)
        rgb = im.convert("RGB")
        return np.asarray(rgb), rgb
    arr = np.asarray(img)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.dtype != np.uint8:
        raise ValueError(
            f"expected an HxWx3 or HxWx4 uint8 array, got shape {arr.shape} dtype {arr.dtype}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"image has no pixels (shape {arr.shape})")
    if arr.shape[2] == 4:
        a = arr[..., 3:4].astype(np.float32) / 255.0
        rgb = arr[..., :3].astype(np.float32) * a + 255.0 * (1.0 - a)
        arr = np.rint(rgb).astype(np.uint8)
    return np.ascontiguousarray(arr), None


def _background(a: np.ndarray) -> tuple[int, int, int]:
    """Most frequent colour of the 1-pixel border (ties broken by the smallest packed value)."""
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]]).astype(np.uint32)
    packed = (border[:, 0] << 16) | (border[:, 1] << 8) | border[:, 2]
    first = int(packed[0])
    if 2 * int((packed == first).sum()) > packed.size:  # a strict majority is the unique mode
        v = first
    else:
        values, counts = np.unique(packed, return_counts=True)
        v = int(values[np.argmax(counts)])
    return (v >> 16) & 255, (v >> 8) & 255, v & 255


def _ink_luts(bg: tuple[int, int, int]) -> np.ndarray:
    """Per channel, a 256-entry table of ``|value - background|`` (uint8: it is 0..255)."""
    v = np.arange(256, dtype=np.int16)
    return np.stack([np.abs(v - c) for c in bg]).astype(np.uint8)


def _ink_strength(rgb: np.ndarray, luts: np.ndarray) -> np.ndarray:
    """Largest per-channel difference from the background, 0..255 (uint8). ``np.take`` on uint8
    tables is about twice as fast as fancy indexing into int16 ones (it runs on every image the
    ICC screen and the image score see)."""
    t0, t1, t2 = luts
    return np.maximum(
        np.maximum(np.take(t0, rgb[..., 0]), np.take(t1, rgb[..., 1])), np.take(t2, rgb[..., 2])
    )


def _ink(rgb: np.ndarray, luts: np.ndarray, tol: int = INK_TOL) -> np.ndarray:
    """Boolean map: some channel differs from the background by more than ``tol``."""
    return _ink_strength(rgb, luts) > tol


def _dilate_square(mask: np.ndarray, r: int) -> np.ndarray:
    """Binary dilation by a (2r+1)x(2r+1) square, separably, with a False border."""
    out = mask.copy()
    for axis in (0, 1):
        src = out.copy()
        n = src.shape[axis]
        for k in range(1, r + 1):
            if axis == 0:
                out[k:] |= src[: n - k]
                out[: n - k] |= src[k:]
            else:
                out[:, k:] |= src[:, : n - k]
                out[:, : n - k] |= src[:, k:]
    return out


_STRIP = 32


def _line_hits(blk: np.ndarray, bg: tuple[int, int, int], axis: int) -> np.ndarray:
    """For each row (``axis=0``) or column (``axis=1``) of ``blk``: does it hold an ink pixel?

    Exact, using only reductions numpy runs fast: a column's per-channel min/max over rows; for
    rows, the min/max over the flattened row when the background is grey (r = g = b, where the
    per-channel test equals the pooled one), else the lookup-table ink map.
    """
    if axis == 1:
        mx = blk.max(axis=0).astype(np.int16)
        mn = blk.min(axis=0).astype(np.int16)
        ref = np.asarray(bg, dtype=np.int16)
        return ((mx - ref) > INK_TOL).any(axis=1) | ((ref - mn) > INK_TOL).any(axis=1)
    if bg[0] == bg[1] == bg[2]:
        flat = blk.reshape(blk.shape[0], -1)
        return (flat.max(axis=1).astype(np.int16) > bg[0] + INK_TOL) | (
            flat.min(axis=1).astype(np.int16) < bg[0] - INK_TOL
        )
    return _ink(blk, _ink_luts(bg)).any(axis=1)


def _first_ink(a: np.ndarray, bg: tuple[int, int, int], axis: int, reverse: bool) -> int | None:
    """Index along ``axis`` (0 rows, 1 columns) of the first ink line, scanning in strips."""
    n = a.shape[axis]
    for s in range(0, n, _STRIP):
        lo, hi = (n - s - _STRIP, n - s) if reverse else (s, s + _STRIP)
        lo = max(lo, 0)
        blk = a[lo:hi] if axis == 0 else a[:, lo:hi]
        idx = np.flatnonzero(_line_hits(blk, bg, axis))
        if idx.size:
            return lo + int(idx[-1] if reverse else idx[0])
    return None


def _content_box(a: np.ndarray, bg: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` (exclusive ends) of the ink, or None for a blank image."""
    y0 = _first_ink(a, bg, 0, reverse=False)
    if y0 is None:
        return None
    y1 = _first_ink(a, bg, 0, reverse=True)
    assert y1 is not None
    rows = a[y0 : y1 + 1]
    x0 = _first_ink(rows, bg, 1, reverse=False)
    x1 = _first_ink(rows, bg, 1, reverse=True)
    assert x0 is not None and x1 is not None
    return x0, y0, x1 + 1, y1 + 1


def ink_mask(rgb: np.ndarray, tol: int = INK_TOL) -> np.ndarray:
    """Pixels whose colour differs from the background (the most frequent border colour) by
    more than ``tol`` in some channel. ``rgb`` is HxWx3 (or x4; alpha ignored) uint8."""
    rgb = rgb[..., :3]
    return _ink(rgb, _ink_luts(_background(rgb)), tol)


def ink_fraction(rgb: np.ndarray, tol: int = INK_TOL) -> float:
    """``ink_mask(rgb, tol).mean()``, the same number in about a third of the time: the pixels
    exactly equal to the background (most of a figure) are set aside by one packed comparison,
    and only the rest go through the per-channel test."""
    h, w = rgb.shape[:2]
    if h * w == 0:
        return float("nan")
    bg = _background(rgb[..., :3])
    luts = _ink_luts(bg)
    if rgb.dtype == np.uint8 and rgb.shape[2] == 4 and rgb.flags.c_contiguous:
        # bytes R, G, B, A (R the low byte); an opaque background pixel is one uint32, and any
        # other pixel (a translucent one included) goes to the exact test below
        packed = rgb.view("<u4").reshape(h, w)
        v = packed[packed != (bg[0] | bg[1] << 8 | bg[2] << 16 | 0xFF << 24)]
        strength = np.maximum(
            np.maximum(np.take(luts[0], v & 255), np.take(luts[1], (v >> 8) & 255)),
            np.take(luts[2], (v >> 16) & 255),
        )
        return float(np.count_nonzero(strength > tol)) / (h * w)
    differs = (rgb[..., 0] != bg[0]) | (rgb[..., 1] != bg[1]) | (rgb[..., 2] != bg[2])
    return float(np.count_nonzero(_ink(rgb[differs][:, :3], luts, tol))) / (h * w)


def content_box(rgb: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` (exclusive ends) of the ink, or None for a blank image."""
    rgb = rgb[..., :3]
    return _content_box(rgb, _background(rgb))


class PreparedImage:
    """A decoded image with its background and content box, reusable across many comparisons.

    ``image_score`` accepts one in place of bytes/arrays; scoring one reference against many
    candidates then decodes the reference once (PNG decoding dominates the cost of a pair).
    """

    __slots__ = ("bg", "box", "luts", "pil", "rgb")

    def __init__(self, img: ImageInput) -> None:
        self.rgb, self.pil = _to_rgb(img)
        self.bg = _background(self.rgb)
        self.luts = _ink_luts(self.bg)
        self.box = _content_box(self.rgb, self.bg)

    @property
    def aspect(self) -> float:
        assert self.box is not None
        x0, y0, x1, y1 = self.box
        return (x1 - x0) / (y1 - y0)

    def canvas(self, width: int, height: int) -> np.ndarray:
        """The content, resized into a ``height x width`` background canvas, as uint8 RGB."""
        assert self.box is not None
        x0, y0, x1, y1 = self.box
        inner_w, inner_h = width - 2 * MARGIN, height - 2 * MARGIN
        out = np.empty((height, width, 3), np.uint8)
        out[:] = self.bg
        if (x1 - x0, y1 - y0) == (inner_w, inner_h):
            content = self.rgb[y0:y1, x0:x1]
        else:
            im = self.pil if self.pil is not None else Image.fromarray(self.rgb, "RGB")
            # Integer box reduction first (fast, area-averaging), then a bilinear resize of the
            # small image: thin lines survive as lighter strokes instead of vanishing.
            k = max(1, min((x1 - x0) // inner_w, (y1 - y0) // inner_h))
            if k > 1:
                im = im.reduce(k, box=self.box)
                box = (0, 0, im.width, im.height)
            else:
                box = self.box
            content = np.asarray(im.resize((inner_w, inner_h), Image.Resampling.BILINEAR, box=box))
        out[MARGIN : MARGIN + inner_h, MARGIN : MARGIN + inner_w] = content
        return out


def _canvas_size(aspect_a: float, aspect_b: float) -> tuple[int, int]:
    aspect = math.sqrt(aspect_a * aspect_b)
    aspect = min(_MAX_ASPECT, max(1.0 / _MAX_ASPECT, aspect))
    if aspect >= 1.0:
        return CANVAS, max(2 * MARGIN + 8, round(CANVAS / aspect))
    return max(2 * MARGIN + 8, round(CANVAS * aspect)), CANVAS


# -- the parts -----------------------------------------------------------------------------------


def _gray(rgb: np.ndarray) -> np.ndarray:
    f = rgb.astype(np.float32)
    return 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]


def _gaussian_taps(sigma: float, truncate: float) -> np.ndarray:
    radius = int(truncate * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return (w / w.sum()).astype(np.float32)


_TAPS = _gaussian_taps(SSIM_SIGMA, 3.5)
_PRE_TAPS = _gaussian_taps(PRE_BLUR, 3.0)


def gaussian_blur(stack: np.ndarray, taps: np.ndarray = _TAPS) -> np.ndarray:
    """Separable Gaussian over the last two axes (default sigma :data:`SSIM_SIGMA`, truncate 3.5).

    Boundary: half-sample symmetric reflection (``mode="reflect"``), as
    ``scipy.ndimage.gaussian_filter``; float32 in, float32 out.
    """
    from scipy import ndimage  # here, not at the top: the sandbox's screen probe imports this

    out = ndimage.correlate1d(stack, taps, axis=-1, mode="reflect")
    return ndimage.correlate1d(out, taps, axis=-2, mode="reflect")


def masked_ssim(gray_a: np.ndarray, gray_b: np.ndarray, mask: np.ndarray) -> float:
    """Mean Gaussian-window SSIM of two same-shape grayscale images (0..255) over ``mask``.

    Window: Gaussian, sigma 1.5, truncated at 3.5 sigma (as scikit-image with
    ``gaussian_weights=True``); constants C1 = (0.01*255)^2, C2 = (0.03*255)^2; boundary mode
    ``reflect``. Returns the mean of the SSIM map over ``mask`` (range -1..1); 1.0 when ``mask``
    is empty. SSIM of an image with itself is exactly 1.
    """
    if not mask.any() or np.array_equal(gray_a, gray_b):
        return 1.0
    # float32 for speed, centred on 128 so that E[x^2] - E[x]^2 loses little to cancellation.
    a = gray_a.astype(np.float32) - 128.0
    b = gray_b.astype(np.float32) - 128.0
    f = gaussian_blur(np.stack([a, b, a * a, b * b, a * b]))
    mu_a, mu_b, aa, bb, ab = f[:, mask].astype(np.float64)  # only the pixels averaged
    var_a = aa - mu_a * mu_a
    var_b = bb - mu_b * mu_b
    cov = ab - mu_a * mu_b
    mu_a = mu_a + 128.0
    mu_b = mu_b + 128.0
    num = (2 * mu_a * mu_b + _SSIM_C1) * (2 * cov + _SSIM_C2)
    den = (mu_a * mu_a + mu_b * mu_b + _SSIM_C1) * (var_a + var_b + _SSIM_C2)
    return float((num / den).mean())


def _sobel_edges(gray: np.ndarray) -> np.ndarray:
    g = np.pad(gray, 1, mode="edge")
    gx = (g[:-2, 2:] + 2 * g[1:-1, 2:] + g[2:, 2:]) - (g[:-2, :-2] + 2 * g[1:-1, :-2] + g[2:, :-2])
    gy = (g[2:, :-2] + 2 * g[2:, 1:-1] + g[2:, 2:]) - (g[:-2, :-2] + 2 * g[:-2, 1:-1] + g[:-2, 2:])
    return (np.abs(gx) + np.abs(gy)) > EDGE_THRESHOLD


def within_distance(mask: np.ndarray, tol: float) -> np.ndarray:
    """Pixels whose Euclidean distance to the nearest ``True`` pixel of ``mask`` is <= ``tol``.

    Identical to ``scipy.ndimage.distance_transform_edt(~mask) <= tol`` (tested), computed as an
    OR of shifted copies over the integer offsets of the disk, which is faster for small ``tol``.
    """
    r = math.floor(tol)
    h, w = mask.shape
    p = np.zeros((h + 2 * r, w + 2 * r), dtype=bool)
    p[r : r + h, r : r + w] = mask
    out = np.zeros_like(mask)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dy * dy + dx * dx <= tol * tol:
                out |= p[r + dy : r + dy + h, r + dx : r + dx + w]
    return out


def edge_f1(edges_ref: np.ndarray, edges_cand: np.ndarray, tol: float | None = None) -> float:
    """F1 of two boolean edge maps with a distance tolerance (0..1).

    precision = |{c in cand : dist(c, ref) <= tol}| / |cand|, recall the same with the roles
    swapped, distances Euclidean between pixel centres (see :func:`within_distance`); ``tol``
    defaults to :data:`EDGE_TOL`. Both maps empty: 1.0; exactly one empty: 0.0.
    """
    tol = EDGE_TOL if tol is None else tol
    n_ref = int(edges_ref.sum())
    n_cand = int(edges_cand.sum())
    if n_ref == 0 and n_cand == 0:
        return 1.0
    if n_ref == 0 or n_cand == 0:
        return 0.0
    if np.array_equal(edges_ref, edges_cand):
        return 1.0
    near_ref = within_distance(edges_ref, tol)
    near_cand = within_distance(edges_cand, tol)
    precision = float(near_ref[edges_cand].sum()) / n_cand
    recall = float(near_cand[edges_ref].sum()) / n_ref
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _palette(rgb: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Soft (trilinear) histogram of ink colours on a 5x5x5 RGB lattice, summing to 1."""
    px = rgb[ink].astype(np.float32) * ((_LATTICE - 1) / 255.0)
    if px.shape[0] == 0:
        return np.zeros(_LATTICE**3)
    i0 = np.minimum(px.astype(np.int32), _LATTICE - 2)  # floor: values are >= 0
    fr = px - i0
    base = (i0[:, 0] * _LATTICE + i0[:, 1]) * _LATTICE + i0[:, 2]
    w = np.stack([1 - fr, fr], axis=1)  # (N, 2, 3): weight of the lower / upper lattice point
    corners = _CORNERS
    idx = base[:, None] + corners @ np.array([_LATTICE * _LATTICE, _LATTICE, 1])
    wts = w[:, corners[:, 0], 0] * w[:, corners[:, 1], 1] * w[:, corners[:, 2], 2]
    hist = np.bincount(idx.ravel(), weights=wts.ravel(), minlength=_LATTICE**3).astype(np.float64)
    return hist / hist.sum()


def colour_similarity(hist_a: np.ndarray, hist_b: np.ndarray) -> float:
    """Histogram intersection ``sum(min(p, q))`` of two normalised histograms (0..1).

    Equals ``1 - TV(p, q)``. Equal histograms give exactly 1; two empty (all-zero) ones give 1.
    """
    if np.array_equal(hist_a, hist_b):
        return 1.0
    if hist_a.sum() == 0 or hist_b.sum() == 0:
        return 0.0
    return float(min(1.0, np.minimum(hist_a, hist_b).sum()))


# -- version 2 parts -----------------------------------------------------------------------------

#: Version 2 structure: SSIM averaged over these pre-blur sigmas (canvas pixels), so a small
#: displacement costs a little at the finest scale and a large one also at the coarser ones.
STRUCTURE_SIGMAS_V2 = (1.0, 2.0, 4.0)
#: Version 2 edges: edge F1 averaged over these tolerances (canvas pixels) instead of one.
EDGE_TOLS_V2 = (1.0, 2.0, 4.0, 8.0)
#: Version 2 colour: the sliced Wasserstein distance (CIE Lab units) at which colour reaches 0.
COLOUR_DISTANCE_MAX = 40.0
_QUANTILES = (np.arange(128) + 0.5) / 128
# Slicing directions in Lab: the three axes and the four diagonals of the (a, b) plane and L.
_DIRECTIONS = np.array(
    [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, -1, 0], [0, 1, 1], [0, 1, -1],
     [1, 0, 1], [1, 0, -1]],
    dtype=np.float64,
)  # fmt: skip
_DIRECTIONS /= np.linalg.norm(_DIRECTIONS, axis=1, keepdims=True)
_PRE_TAPS_V2 = tuple(_gaussian_taps(sig, 3.0) for sig in STRUCTURE_SIGMAS_V2)


def colour_distance(
    rgb_a: np.ndarray, ink_a: np.ndarray, rgb_b: np.ndarray, ink_b: np.ndarray
) -> float:
    """Sliced Wasserstein-1 distance between the CIE Lab colours of two images' ink pixels:
    the mean over :data:`_DIRECTIONS` of the 1-D earth mover's distance of the projections
    (128 quantiles). 0 for equal colour distributions; it grows with how far, and on how much
    ink, the colours moved. ``inf`` when exactly one side has ink; 0 when neither has."""
    na, nb = int(ink_a.sum()), int(ink_b.sum())
    if na == 0 and nb == 0:
        return 0.0
    if na == 0 or nb == 0:
        return math.inf
    lab_a = rgb_to_lab(rgb_a[ink_a].astype(np.float64) / 255.0) @ _DIRECTIONS.T
    lab_b = rgb_to_lab(rgb_b[ink_b].astype(np.float64) / 255.0) @ _DIRECTIONS.T
    qa = np.quantile(lab_a, _QUANTILES, axis=0)
    qb = np.quantile(lab_b, _QUANTILES, axis=0)
    return float(np.abs(qa - qb).mean())


def _parts_v2(
    rgb_a: np.ndarray,
    rgb_b: np.ndarray,
    strength_a: np.ndarray,
    strength_b: np.ndarray,
) -> dict[str, float]:
    """Raw version 2 parts, each 0..1 (before the chance correction)."""
    gray_a, gray_b = _gray(rgb_a), _gray(rgb_b)
    zone = _dilate_square((strength_a > INK_TOL) | (strength_b > INK_TOL), INK_DILATE)
    stack = np.stack([gray_a, gray_b])
    ssim = []
    for taps in _PRE_TAPS_V2:
        soft_a, soft_b = gaussian_blur(stack, taps)
        ssim.append(max(0.0, masked_ssim(soft_a, soft_b, zone)))
    edges_a, edges_b = _sobel_edges(gray_a), _sobel_edges(gray_b)
    edges = [edge_f1(edges_a, edges_b, t) for t in EDGE_TOLS_V2]
    dist = colour_distance(rgb_a, strength_a > PALETTE_TOL, rgb_b, strength_b > PALETTE_TOL)
    return {
        "structure": float(np.mean(ssim)),
        "edges": float(np.mean(edges)),
        "colour": max(0.0, 1.0 - dist / COLOUR_DISTANCE_MAX),
    }


# -- the score -----------------------------------------------------------------------------------


def prepare_image(img: ImageInput) -> PreparedImage:
    """Decode once for repeated scoring (see :class:`PreparedImage`)."""
    return PreparedImage(img)


def image_score(
    reference: ImageInput | PreparedImage,
    candidate: ImageInput | PreparedImage,
    *,
    version: int = SCORE_VERSION,
) -> ScoreResult:
    """Similarity of two renderings of a figure, 0..100 (see the module docstring).

    Args:
        reference: PNG/JPEG bytes, an ``HxWx3``/``HxWx4`` uint8 array, or a
            :class:`PreparedImage`.
        candidate: same.
        version: 2 (the default) is the calibrated score of ``docs/scores.md``; 1 is the
            original formula, kept so published version-1 numbers can be reproduced.

    Returns:
        ``ScoreResult(total, parts={"structure", "edges", "colour"}, details)``; ``details`` holds
        the canvas size, both backgrounds, both content boxes and ``blank`` flags.

    Raises:
        ValueError: an input that is neither decodable bytes nor an HxWx3/4 uint8 array.
    """
    check_version(version)
    ref = reference if isinstance(reference, PreparedImage) else PreparedImage(reference)
    cand = candidate if isinstance(candidate, PreparedImage) else PreparedImage(candidate)
    details: dict[str, object] = {
        "background": [list(ref.bg), list(cand.bg)],
        "content_box": [ref.box, cand.box],
        "blank": [ref.box is None, cand.box is None],
    }
    if ref.box is None or cand.box is None:
        value = 100.0 if ref.box is None and cand.box is None else 0.0
        parts = dict.fromkeys(IMAGE_WEIGHTS, value)
        return ScoreResult(value, parts, details, version)

    width, height = _canvas_size(ref.aspect, cand.aspect)
    details["canvas"] = [width, height]
    rgb_a = ref.canvas(width, height)
    rgb_b = cand.canvas(width, height)
    if np.array_equal(rgb_a, rgb_b):
        return ScoreResult(100.0, dict.fromkeys(IMAGE_WEIGHTS, 100.0), details, version)
    if version == 2:
        strength_a, strength_b = _ink_strength(rgb_a, ref.luts), _ink_strength(rgb_b, cand.luts)
        raw = _parts_v2(rgb_a, rgb_b, strength_a, strength_b)
        details["raw"] = {k: round(clip100(v), 4) for k, v in raw.items()}
        parts = {k: clip100(calibrate(v, IMAGE_CHANCE_V2[k])) for k, v in raw.items()}
        return ScoreResult(weighted_total(parts, IMAGE_WEIGHTS_V2), parts, details, version)

    gray_a, gray_b = _gray(rgb_a), _gray(rgb_b)
    # SSIM on lightly pre-blurred copies: strokes thinner than a canvas pixel rasterise
    # differently at each resolution, and the blur makes that aliasing noise small.
    soft_a, soft_b = gaussian_blur(np.stack([gray_a, gray_b]), _PRE_TAPS)
    strength_a, strength_b = _ink_strength(rgb_a, ref.luts), _ink_strength(rgb_b, cand.luts)
    zone = _dilate_square((strength_a > INK_TOL) | (strength_b > INK_TOL), INK_DILATE)

    parts = {
        "structure": clip100(masked_ssim(soft_a, soft_b, zone)),
        "edges": clip100(edge_f1(_sobel_edges(gray_a), _sobel_edges(gray_b))),
        "colour": clip100(
            colour_similarity(
                _palette(rgb_a, strength_a > PALETTE_TOL),
                _palette(rgb_b, strength_b > PALETTE_TOL),
            )
        ),
    }
    return ScoreResult(weighted_total(parts, IMAGE_WEIGHTS), parts, details, version)
