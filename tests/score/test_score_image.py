"""Image Score: pinned values of the parts, edge cases, invariance, monotonicity, properties."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from scipy import ndimage

from codepercept.score import image as im
from codepercept.score.image import (
    IMAGE_WEIGHTS,
    colour_similarity,
    edge_f1,
    image_score,
    masked_ssim,
    prepare_image,
    within_distance,
)

# -- helpers ---------------------------------------------------------------------------------


def canvas(h: int = 120, w: int = 160, bg: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    a = np.empty((h, w, 3), np.uint8)
    a[:] = bg
    return a


def shapes(n: int = 6, drop: int = 0, h: int = 240, w: int = 320) -> np.ndarray:
    """A deterministic drawing: ``n`` coloured boxes on a diagonal, the last ``drop`` left out."""
    a = canvas(h, w)
    colours = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (0, 0, 0)]
    # A frame fixes the content box, so dropping boxes does not re-crop the drawing.
    a[10, 10:-10] = a[-11, 10:-10] = 0
    a[10:-10, 10] = a[10:-10, -11] = 0
    for i in range(n - drop):
        y, x = 20 + i * (h - 60) // n, 20 + i * (w - 60) // n
        a[y : y + 30, x : x + 40] = colours[i % len(colours)]
    return a


def png(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    return buf.getvalue()


def render(dpi: int = 100, figsize=(6.4, 4.8), **savefig) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    x = np.linspace(0, 10, 200)
    ax.plot(x, np.sin(x))
    ax.plot(x, np.cos(x), "r--")
    ax.add_patch(plt.Rectangle((2, -0.5), 2, 1, color="orange"))
    ax.set_title("Waves")
    ax.set_xlabel("t")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, **savefig)
    plt.close(fig)
    return buf.getvalue()


# -- SSIM --------------------------------------------------------------------------------------


def test_ssim_of_an_image_with_itself_is_one():
    g = np.random.default_rng(0).uniform(0, 255, (40, 50)).astype(np.float32)
    assert masked_ssim(g, g, np.ones_like(g, bool)) == 1.0


def test_ssim_of_two_constant_images_is_the_luminance_term():
    # Constant images: variances and covariance are 0, so SSIM = (2ab + C1) / (a^2 + b^2 + C1).
    a, b = np.full((30, 30), 100.0), np.full((30, 30), 150.0)
    c1 = (0.01 * 255) ** 2
    expected = (2 * 100 * 150 + c1) / (100**2 + 150**2 + c1)
    assert masked_ssim(a, b, np.ones((30, 30), bool)) == pytest.approx(expected, rel=1e-5)


def test_masked_ssim_matches_a_float64_reference():
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 255, (40, 60))
    b = np.clip(a + rng.normal(0, 40, a.shape), 0, 255)
    mask = rng.random(a.shape) > 0.5

    def g(x):
        return ndimage.gaussian_filter(x, sigma=1.5, truncate=3.5, mode="reflect")

    mu_a, mu_b = g(a), g(b)
    var_a, var_b, cov = g(a * a) - mu_a**2, g(b * b) - mu_b**2, g(a * b) - mu_a * mu_b
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    smap = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / (
        (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    )
    assert masked_ssim(a, b, mask) == pytest.approx(smap[mask].mean(), abs=1e-4)


def test_ssim_with_an_empty_mask_is_one():
    a, b = np.zeros((10, 10)), np.full((10, 10), 255.0)
    assert masked_ssim(a, b, np.zeros((10, 10), bool)) == 1.0


def test_gaussian_blur_matches_scipy():
    x = np.random.default_rng(1).uniform(0, 255, (2, 33, 47)).astype(np.float32)
    ours = im.gaussian_blur(x)
    ref = ndimage.gaussian_filter(
        x.astype(np.float64), sigma=(0, 1.5, 1.5), truncate=3.5, mode="reflect"
    )
    np.testing.assert_allclose(ours, ref, atol=1e-3)


# -- edges -------------------------------------------------------------------------------------


@pytest.mark.parametrize("tol", [1.0, 1.5, 2.0, 3.0])
def test_within_distance_equals_a_distance_transform(tol):
    mask = np.random.default_rng(2).random((41, 37)) > 0.97
    expected = ndimage.distance_transform_edt(~mask) <= tol
    np.testing.assert_array_equal(within_distance(mask, tol), expected)


def _vline(*cols: int, shape=(50, 50)) -> np.ndarray:
    m = np.zeros(shape, bool)
    for c in cols:
        m[5:45, c] = True
    return m


def test_edge_f1_pinned_values():
    ref = _vline(10)
    assert edge_f1(ref, _vline(10)) == 1.0
    # One extra, far line: precision 1/2, recall 1 -> F1 = 2/3.
    assert edge_f1(ref, _vline(10, 30)) == pytest.approx(2 / 3)
    # A shift within the 2-pixel tolerance is free; one beyond it matches nothing.
    assert edge_f1(ref, _vline(12)) == 1.0
    assert edge_f1(ref, _vline(13)) == 0.0
    # Shift of 3 for one of two lines: P = R = 1/2.
    assert edge_f1(_vline(10, 30), _vline(10, 33)) == pytest.approx(0.5)


def test_edge_f1_empty_maps():
    empty = np.zeros((20, 20), bool)
    assert edge_f1(empty, empty) == 1.0
    assert edge_f1(_vline(5, shape=(20, 20)), empty) == 0.0
    assert edge_f1(empty, _vline(5, shape=(20, 20))) == 0.0


# -- colour ------------------------------------------------------------------------------------


def test_colour_similarity_pinned_values():
    p = np.zeros(125)
    q = np.zeros(125)
    p[[0, 1]] = 0.5
    q[[0, 2]] = 0.5
    assert colour_similarity(p, p) == 1.0
    assert colour_similarity(p, q) == pytest.approx(0.5)
    r = np.zeros(125)
    r[3] = 1.0
    assert colour_similarity(p, r) == 0.0


def test_palette_puts_a_lattice_colour_in_one_bin():
    rgb = canvas(4, 4, (255, 0, 0))
    hist = im._palette(rgb, np.ones((4, 4), bool))
    assert hist.max() == 1.0 and hist.sum() == pytest.approx(1.0)


# -- the score ---------------------------------------------------------------------------------


def test_identical_images_score_exactly_100():
    a = shapes()
    r = image_score(a, a.copy())
    assert r.total == 100.0
    assert r.parts == dict.fromkeys(IMAGE_WEIGHTS, 100.0)
    assert image_score(png(a), png(a)).total == 100.0


def test_png_and_array_inputs_agree():
    a, b = shapes(), shapes(drop=2)
    assert image_score(png(a), png(b)).total == image_score(a, b).total


def test_margins_do_not_matter():
    a = shapes()
    padded = np.pad(a, ((37, 5), (3, 60), (0, 0)), constant_values=255)
    assert image_score(a, padded).total == 100.0


def test_rgba_is_composited_over_white():
    a = shapes()
    rgba = np.dstack([a, np.full(a.shape[:2], 255, np.uint8)])
    rgba[a.sum(axis=2) == 3 * 255, 3] = 0  # transparent background
    rgba[rgba[..., 3] == 0, :3] = 0  # colour under transparent pixels is irrelevant
    assert image_score(a, rgba).total == 100.0
    assert image_score(png(a), png(rgba)).total == 100.0


def test_blank_candidate_scores_zero_and_two_blanks_score_100():
    a, blank = shapes(), canvas()
    r = image_score(a, blank)
    assert r.total == 0.0 and r.details["blank"] == [False, True]
    assert image_score(blank, a).total == 0.0
    assert image_score(blank, canvas(30, 90, (40, 40, 40))).total == 100.0


def test_background_is_the_dominant_border_colour():
    dark = canvas(60, 80, (20, 30, 40))
    dark[20:40, 30:50] = (250, 250, 0)
    p = prepare_image(dark)
    assert p.bg == (20, 30, 40)
    assert p.box == (30, 20, 50, 40)


def test_prepared_image_gives_the_same_score():
    a, b = shapes(), shapes(drop=1)
    assert image_score(prepare_image(a), b).total == image_score(a, b).total


def test_bad_input_says_what_to_pass():
    with pytest.raises(ValueError, match="uint8"):
        image_score(np.zeros((5, 5)), shapes())
    with pytest.raises(ValueError, match="PNG"):
        image_score(b"not an image", shapes())


def test_score_decreases_as_shapes_are_dropped():
    ref = shapes(n=6)
    totals = [image_score(ref, shapes(n=6, drop=k)).total for k in range(6)]
    assert totals[0] == 100.0
    assert all(x > y for x, y in itertools.pairwise(totals)), totals


def test_score_decreases_as_a_shape_moves_further():
    ref = shapes(n=3)
    totals = []
    for dx in (0, 3, 8, 20, 60):
        b = shapes(n=3)
        block = ref[20:50, 20:60].copy()
        b[20:50, 20:60] = 255
        b[20:50, 20 + dx : 60 + dx] = block
        totals.append(image_score(ref, b).total)
    assert all(x > y for x, y in itertools.pairwise(totals)), totals


def test_recolouring_lowers_only_colour_much():
    a = shapes()
    b = a.copy()
    b[(a == (31, 119, 180)).all(axis=2)] = (214, 39, 40)  # blue box turns red
    r = image_score(a, b)
    assert r.parts["edges"] > 95
    assert r.parts["colour"] < 90
    assert r.total < 100


@pytest.mark.parametrize(
    ("kwargs"),
    [
        {"dpi": 150},  # resolution
        {"dpi": 72},
        {"dpi": 100, "bbox_inches": "tight"},  # margins
        {"dpi": 100, "bbox_inches": "tight", "pad_inches": 1.0},
        {"dpi": 130, "bbox_inches": "tight", "pad_inches": 0.5},  # both
    ],
)
def test_same_figure_at_other_resolution_or_margins_scores_at_least_95(kwargs):
    # Changing dpi scales the whole layout (fonts and line widths are in points); changing
    # figsize alone re-flows it (text grows relative to the axes), which pixels cannot ignore:
    # that case is the scene score's job (see test_score_scene.py).
    r = image_score(render(dpi=100), render(**kwargs))
    assert r.total >= 95, r


# -- properties --------------------------------------------------------------------------------


@st.composite
def drawings(draw):
    h = draw(st.integers(8, 40))
    w = draw(st.integers(8, 40))
    a = canvas(h, w)
    for _ in range(draw(st.integers(0, 4))):
        y0 = draw(st.integers(0, h - 1))
        x0 = draw(st.integers(0, w - 1))
        y1 = draw(st.integers(y0 + 1, h))
        x1 = draw(st.integers(x0 + 1, w))
        a[y0:y1, x0:x1] = draw(st.tuples(*[st.integers(0, 255)] * 3))
    return a


@settings(max_examples=60, deadline=None)
@given(drawings(), drawings())
def test_properties_range_symmetry_determinism(a, b):
    r = image_score(a, b)
    assert 0.0 <= r.total <= 100.0
    assert all(0.0 <= v <= 100.0 for v in r.parts.values())
    assert image_score(b, a).total == r.total
    assert image_score(a, b) == r
    assert image_score(a, a).total == 100.0


def test_square_dilation_matches_scipy():
    mask = np.random.default_rng(4).random((30, 41)) > 0.95
    expected = ndimage.maximum_filter(mask, size=7, mode="constant", cval=False)
    np.testing.assert_array_equal(im._dilate_square(mask, 3), expected)


def test_colour_part_falls_as_more_boxes_are_recoloured():
    ref = shapes(n=5)
    colours = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40)]
    parts = []
    for k in range(5):
        b = ref.copy()
        for c in colours[:k]:
            b[(ref == c).all(axis=2)] = (148, 0, 211)  # violet, absent from the reference
        parts.append(image_score(ref, b).details.get("raw", {"colour": 100.0})["colour"])
    assert parts[0] == 100.0
    assert all(x > y for x, y in itertools.pairwise(parts)), parts


def test_background_ignores_a_minority_corner_colour():
    a = canvas(30, 40)
    a[0, 0] = (0, 0, 0)  # the first border pixel is not the dominant colour
    a[10:20, 10:20] = (0, 0, 255)
    p = prepare_image(a)
    assert p.bg == (255, 255, 255)
    assert p.box == (0, 0, 20, 20)


def test_public_ink_mask_and_content_box_use_the_border_background():
    from codepercept.score import content_box, ink_mask

    dark = np.full((40, 50, 3), 20, np.uint8)
    dark[5:15, 10:30] = 255
    assert int(ink_mask(dark).sum()) == 10 * 20
    assert content_box(dark) == (10, 5, 30, 15)
    assert content_box(np.full((8, 8, 3), 255, np.uint8)) is None


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    bg=st.tuples(*[st.integers(0, 255)] * 3),
    alpha=st.sampled_from(["opaque", "some translucent", "random"]),
    layout=st.sampled_from(["rgba", "rgb", "strided rgba"]),
)
def test_ink_fraction_equals_the_mean_of_ink_mask(seed, bg, alpha, layout):
    from codepercept.score import ink_mask
    from codepercept.score.image import ink_fraction

    rng = np.random.default_rng(seed)
    h, w = rng.integers(1, 40, size=2)
    img = np.empty((h, w, 4), np.uint8)
    img[..., :3] = bg
    img[..., 3] = 255
    n = int(rng.integers(0, h * w + 1))
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    # ink, faint anti-aliasing (within and beyond the tolerance) and exact background values
    delta = rng.choice([-60, -25, -24, -1, 1, 24, 25, 60], size=(n, 3))
    img[ys, xs, :3] = np.clip(np.array(bg) + delta, 0, 255)
    if alpha == "some translucent":
        img[rng.integers(0, h, 5), rng.integers(0, w, 5), 3] = 128
    elif alpha == "random":
        img[..., 3] = rng.integers(0, 256, (h, w))
    if layout == "rgb":
        img = img[..., :3].copy()
    elif layout == "strided rgba":
        img = np.pad(img, ((0, 0), (0, 1), (0, 0)))[:, :w]
    assert ink_fraction(img) == float(ink_mask(img).mean())
