"""functions families: determinism, clean standalone code, and facts that match the scene."""

from __future__ import annotations

import math

import numpy as np
import pytest

from codepercept.synth import list_families

FAMILIES = list_families(["functions"])
NAMES = [f.name for f in FAMILIES]
SEEDS = range(6)


@pytest.fixture(scope="module")
def runs(family_runs):
    """(family name, seed) -> (program, exec result), shared with test_family_contract.py."""
    return family_runs.domain("functions", SEEDS)


def _family(name):
    return next(f for f in FAMILIES if f.name == name)


def test_domain_has_seven_families():
    assert len(FAMILIES) >= 7, NAMES


def _xy(e, polar):
    pts = np.asarray(e.data, dtype=float)
    if polar:  # (theta, r) -> Cartesian so that (r, θ) and (-r, θ + π) compare equal
        pts = np.column_stack([pts[:, 1] * np.cos(pts[:, 0]), pts[:, 1] * np.sin(pts[:, 0])])
    return pts


@pytest.mark.parametrize("name", NAMES)
def test_curves_pass_through_their_sample_points(name, runs):
    for seed in SEEDS:
        prog, res = runs[name, seed]
        lines = [e for e in res.scene.of_kind("line") if e.data and e.n_points >= 50]
        for curve in prog.facts["curves"]:
            polar = curve.get("polar", False)
            for x, y in curve["samples"]:
                target = (y * math.cos(x), y * math.sin(x)) if polar else (x, y)
                best = min(float(np.min(np.hypot(*(_xy(e, polar) - target).T))) for e in lines)
                assert best < 0.08, (name, seed, curve["name"], (x, y), best)


@pytest.mark.parametrize("name", NAMES)
def test_marked_points_have_a_dot_and_a_label(name, runs):
    for seed in SEEDS:
        prog, res = runs[name, seed]
        dots = [p for e in res.scene.of_kind("points") if e.data for p in e.data]
        for text, (x, y) in prog.facts["points"].items():
            assert any(math.dist(p, (x, y)) < 1e-2 for p in dots), (name, seed, text)
            notes = [e for e in res.scene.of_kind("annotation") if e.text == text]
            assert any(math.dist(e.props["xy"], (x, y)) < 1e-2 for e in notes), (name, seed, text)


@pytest.mark.parametrize("name", NAMES)
def test_dashed_line_count(name, runs):
    for seed in SEEDS:
        prog, res = runs[name, seed]
        if "n_dashed" not in prog.facts:
            continue
        dashed = [
            e
            for e in res.scene.visible_elements()
            if e.kind in ("line", "line_collection") and e.linestyle == "dashed"
        ]
        assert sum(e.count for e in dashed) == prog.facts["n_dashed"], (name, seed)


def test_piecewise_open_and_closed_endpoints(runs):
    for seed in SEEDS:
        prog, res = runs["piecewise_function", seed]
        filled, hollow = [], []
        for e in res.scene.of_kind("points"):
            if e.marker != "o" or not e.data:
                continue
            white = e.facecolor is not None and min(e.facecolor[:3]) > 0.99
            (hollow if white else filled).extend(e.data)
        assert sorted(map(tuple, hollow)) == sorted(map(tuple, prog.facts["open"]))
        assert sorted(map(tuple, filled)) == sorted(map(tuple, prog.facts["closed"]))
        assert prog.facts["closed"], seed


def test_vector_field_arrow_counts(runs):
    for seed in SEEDS:
        prog, res = runs["vector_fields", seed]
        quivers = res.scene.of_kind("quiver")
        assert sum(q.count for q in quivers) == prog.facts["n_arrows"], seed
        if prog.facts["kind"] == "vectors":
            tips = {tuple(t) for t in prog.facts["tips"].values()}
            q = quivers[0]
            assert {tuple(p) for p in q.data} == {(0.0, 0.0)}
            assert len(tips) == 3


def test_polynomial_roots_and_turning_points_are_true():
    fam = _family("polynomial_features")
    for seed in range(20):
        prog = fam.generate(seed)
        a = prog.params["a"]
        coeffs = a * np.poly(prog.facts["roots"])
        for x, y in prog.facts["points"].values():
            assert np.polyval(coeffs, x) == pytest.approx(y, abs=1e-3)
        deriv = np.polyder(coeffs)
        turning = [p for t, p in prog.facts["points"].items() if p[1] != 0 or t in ("max", "min")]
        for x, _ in turning:
            if x in prog.facts["roots"]:
                continue
            assert abs(np.polyval(deriv, x)) < 0.05 * max(1.0, abs(a) * 50)


def test_trig_period_annotation_spans_one_period(runs):
    for seed in range(12):
        prog = _family("trig_wave").generate(seed)
        if prog.facts["kind"] != "annotated":
            continue
        B = prog.params["B"]
        assert prog.facts["period"] == pytest.approx(2 * math.pi / B, abs=1e-3)
        x, y = prog.facts["crest"]
        A, D = prog.params["A"], prog.params["D"]
        f = math.sin if prog.params["func"] == "sin" else math.cos
        assert A * f(B * x) + D == pytest.approx(y, abs=1e-3)
