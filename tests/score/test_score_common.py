"""Shared score helpers: colour conversion, edit similarity, weighted totals."""

from __future__ import annotations

import numpy as np
import pytest

from codepercept.score._common import (
    ScoreResult,
    edit_similarity,
    normalise_text,
    rgb_to_lab,
    weighted_total,
)


@pytest.mark.parametrize(
    ("rgb", "lab"),
    [
        ((1.0, 1.0, 1.0), (100.0, 0.0, 0.0)),
        ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
        # Reference values (D65, sRGB), e.g. from colormine / Bruce Lindbloom's calculator.
        ((1.0, 0.0, 0.0), (53.2408, 80.0925, 67.2032)),
        ((0.0, 0.0, 1.0), (32.2970, 79.1875, -107.8602)),
    ],
)
def test_rgb_to_lab_reference_values(rgb, lab):
    np.testing.assert_allclose(rgb_to_lab(np.array(rgb)), lab, atol=2e-3)


def test_rgb_to_lab_keeps_leading_shape():
    assert rgb_to_lab(np.zeros((4, 3, 3))).shape == (4, 3, 3)


def test_edit_similarity_pinned():
    assert edit_similarity("", "") == 1.0
    assert edit_similarity("abc", "") == 0.0
    assert edit_similarity("kitten", "sitting") == pytest.approx(1 - 3 / 7)
    assert edit_similarity("flaw", "lawn") == pytest.approx(0.5)
    assert edit_similarity("abc", "abc") == 1.0


def test_edit_similarity_is_symmetric():
    for a, b in [("abcdef", "azced"), ("x", "xyz"), ("$x^2$", "$x^{2}$")]:
        assert edit_similarity(a, b) == edit_similarity(b, a)


def test_normalise_text_collapses_whitespace_only():
    assert normalise_text("  a \n\t b ") == "a b"
    assert normalise_text("A$x$") == "A$x$"


def test_weighted_total_is_exact_at_100_and_weighted():
    w = {"a": 20, "b": 30, "c": 50}
    assert weighted_total(dict.fromkeys(w, 100.0), w) == 100.0
    assert weighted_total({"a": 0.0, "b": 100.0, "c": 50.0}, w) == pytest.approx(55.0)


def test_score_result_to_dict():
    r = ScoreResult(50.0, {"a": 50.0}, {"n": 1})
    assert r.to_dict() == {
        "total": 50.0,
        "parts": {"a": 50.0},
        "details": {"n": 1},
        "score_version": 2,
    }
