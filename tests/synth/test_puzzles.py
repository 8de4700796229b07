"""puzzles families: determinism, clean standalone code, and answers that match the traced scene."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from codepercept.scene import rgba_to_hex
from codepercept.synth import list_families
from codepercept.synth.families.puzzles.triangles import count_triangles

FAMILIES = list_families(["puzzles"])
NAMES = [f.name for f in FAMILIES]
EXPECTED = {
    "dominoes",
    "clock_face",
    "counting_triangles",
    "matchsticks",
    "grid_colouring",
    "dissection",
}
SEEDS = range(6)


@pytest.fixture(scope="module")
def runs(family_runs):
    """(family name, seed) -> (program, exec result), shared with test_family_contract.py."""
    return family_runs.domain("puzzles", SEEDS)


def _family(name):
    return next(f for f in FAMILIES if f.name == name)


def _each(runs, name):
    return [runs[(name, seed)] for seed in SEEDS]


def _shoelace(pts):
    pts = np.asarray(pts, dtype=float)
    x, y = pts[:, 0], pts[:, 1]
    return abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def test_domain_has_the_families():
    assert set(NAMES) >= EXPECTED, NAMES


def test_domino_pips_are_circles(runs):
    layouts = set()
    for prog, res in _each(runs, "dominoes"):
        f = prog.facts
        layouts.add(f["layout"])
        assert len(res.scene.of_kind("circle")) == f["n_pips"], prog.seed
        assert len(res.scene.of_kind("polygon")) == f["n_tiles"]
        assert f["n_pips"] == sum(a + (b or 0) for a, b in f["tiles"])
        if f["layout"] == "chain":
            for (_, right), (left, _) in itertools.pairwise(f["tiles"]):
                assert right is None or right == left
    assert len(layouts) >= 2


def _wrap(deg):
    return (deg + 180) % 360 - 180


def test_clock_hands_are_at_the_right_angles(runs):
    for prog, res in _each(runs, "clock_face"):
        f = prog.facts
        hands = {}
        for e in res.scene.of_kind("line"):
            (x0, y0), (x1, y1) = e.data[0], e.data[-1]
            if abs(x0) < 1e-9 and abs(y0) < 1e-9:
                hands[e.linewidth] = (math.degrees(math.atan2(y1, x1)), math.hypot(x1, y1))
        h, m = f["hour"], f["minute"]
        hour_deg, hour_len = hands[6.0]
        minute_deg, minute_len = hands[3.5]
        assert _wrap(hour_deg - (90 - 30 * (h % 12) - 0.5 * m)) == pytest.approx(0, abs=1e-6)
        assert _wrap(minute_deg - (90 - 6 * m)) == pytest.approx(0, abs=1e-6)
        assert hour_len < minute_len
        assert f["time"] == f"{h}:{m:02d}"


def test_clock_angle_between_hands_uses_the_textbook_formula():
    for seed in range(40):
        f = _family("clock_face").generate(seed).facts
        raw = abs(30 * (f["hour"] % 12) - 5.5 * f["minute"]) % 360  # |30h - 5.5m|
        assert f["angle_between_hands"] == pytest.approx(min(raw, 360 - raw))


def _float_triangles(segments, tol=1e-7):
    """Independent float brute force: points = endpoints and crossings; sides must lie on segments."""
    segs = [(np.array(a, float), np.array(b, float)) for a, b in segments]
    pts = [p for s in segs for p in s]
    for (a, b), (c, d) in itertools.combinations(segs, 2):
        m = np.column_stack([b - a, c - d])
        if abs(np.linalg.det(m)) < tol:
            continue
        t, u = np.linalg.solve(m, c - a)
        if -tol <= t <= 1 + tol and -tol <= u <= 1 + tol:
            pts.append(a + t * (b - a))
    uniq = []
    for p in pts:
        if not any(np.allclose(p, q, atol=1e-6) for q in uniq):
            uniq.append(p)

    def on(p, s):
        a, b = s
        cross = (b - a)[0] * (p - a)[1] - (b - a)[1] * (p - a)[0]
        return abs(cross) < 1e-6 and np.dot(p - a, p - b) <= 1e-6

    memb = [{k for k, s in enumerate(segs) if on(p, s)} for p in uniq]
    count = 0
    for i, j, k in itertools.combinations(range(len(uniq)), 3):
        a, b, c = uniq[i], uniq[j], uniq[k]
        if abs((b - a)[0] * (c - a)[1] - (b - a)[1] * (c - a)[0]) < 1e-6:
            continue
        if memb[i] & memb[j] and memb[j] & memb[k] and memb[i] & memb[k]:
            count += 1
    return count


def test_triangle_count_matches_the_drawn_segments(runs):
    for prog, res in _each(runs, "counting_triangles"):
        segments = [(e.data[0], e.data[-1]) for e in res.scene.of_kind("line")]
        assert len(segments) == prog.facts["n_segments"]
        assert _float_triangles(segments) == prog.facts["n_triangles"], prog.seed


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
def test_exact_counter_on_a_fan_of_cevians(k):
    a, b, c = (Fraction(3), Fraction(4)), (Fraction(0), Fraction(0)), (Fraction(6), Fraction(0))
    segs = [(b, c), (c, a), (a, b)] + [(a, (Fraction(i + 1), Fraction(0))) for i in range(k)]
    assert count_triangles(segs) == (k + 1) * (k + 2) // 2


def test_matchstick_count_and_equation(runs):
    for prog, res in _each(runs, "matchsticks"):
        f = prog.facts
        sticks = [e for e in res.scene.of_kind("line") if e.linewidth == 5]
        heads = res.scene.of_kind("points")
        assert len(sticks) == f["n_matchsticks"] == sum(h.count for h in heads)
        if f["variant"] == "equation":
            left, right = f["equation"].split("=")
            assert (eval(left) == int(right)) == f["is_true"]
        if f["variant"] == "squares":
            r, c = f["rows"], f["cols"]
            assert f["n_matchsticks"] == r * (c + 1) + c * (r + 1)
        if f["variant"] == "triangles":
            assert f["n_matchsticks"] == 2 * f["n_triangles"] + 1


def test_grid_colour_counts(runs):
    for prog, res in _each(runs, "grid_colouring"):
        f = prog.facts
        rects = res.scene.of_kind("rectangle")
        assert len(rects) == f["rows"] * f["cols"]
        drawn = {}
        for r in rects:
            hexc = rgba_to_hex(r.facecolor)
            if hexc != "#ffffff":
                drawn[hexc] = drawn.get(hexc, 0) + 1
        want = {c.lower(): n for c, n in f["color_counts"].items() if n}
        assert drawn == want, prog.seed
        if f["variant"] == "nonogram" and f["solved"]:
            dark = {
                (int(r.props["x"]), int(r.props["y"]))
                for r in rects
                if rgba_to_hex(r.facecolor) != "#ffffff"
            }
            for i, clue in enumerate(f["row_clues"]):
                y = f["rows"] - 1 - i
                row = "".join("1" if (x, y) in dark else "0" for x in range(f["cols"]))
                runs_ = [len(s) for s in row.split("0") if s] or [0]
                assert runs_ == clue


def test_dissection_piece_areas(runs):
    for prog, res in _each(runs, "dissection"):
        f = prog.facts
        polys = res.scene.of_kind("polygon")
        assert len(polys) == f["n_pieces"]
        areas = sorted(_shoelace(p.data) for p in polys)
        assert areas == pytest.approx(sorted(f["areas"]))
        assert sum(areas) == pytest.approx(f["side"] ** 2)
