"""plane_geometry families: determinism, clean standalone code, and facts that match the scene."""

from __future__ import annotations

import math

import pytest

from codepercept.synth import list_families

FAMILIES = list_families(["plane_geometry"])
NAMES = [f.name for f in FAMILIES]
SEEDS = range(6)


@pytest.fixture(scope="module")
def runs(family_runs):
    """(family name, seed) -> (program, exec result), shared with test_family_contract.py."""
    return family_runs.domain("plane_geometry", SEEDS)


def test_domain_has_seven_families():
    assert len(FAMILIES) >= 7, NAMES


def _label_elements(scene, text):
    return [
        e for e in scene.visible_elements() if e.text == text and e.kind in ("annotation", "text")
    ]


def _inches(scene, fig_xy):
    fig = scene.figures[0]
    return (fig_xy[0] * fig.width_in, fig_xy[1] * fig.height_in)


@pytest.mark.parametrize("name", NAMES)
def test_point_labels_sit_at_their_points(name, runs):
    """Each named point is annotated at the facts' coordinates, and a polygon's vertex label is
    pushed away from the polygon's centre (measured on the page, in inches)."""
    for seed in SEEDS:
        prog, res = runs[name, seed]
        pts = prog.facts["points"]
        anchors = {}
        for pname, (x, y) in pts.items():
            els = [e for e in _label_elements(res.scene, pname) if e.kind == "annotation"]
            assert els, (name, seed, pname)
            best = min(els, key=lambda e: math.dist(e.props["xy"], (x, y)))
            assert math.dist(best.props["xy"], (x, y)) < 0.01, (name, seed, pname)
            anchors[pname] = best
        verts = prog.facts.get("vertices") or []
        pair = prog.facts.get("kind") in ("side_by_side", "congruent")
        for group in [verts[:3], verts[3:]] if pair else [verts]:
            if not group:
                continue
            corners = [_inches(res.scene, anchors[v].props["xy_fig"]) for v in group]
            cx = sum(c[0] for c in corners) / len(corners)
            cy = sum(c[1] for c in corners) / len(corners)
            for v, corner in zip(group, corners, strict=True):
                text_at = _inches(res.scene, anchors[v].props["xytext_fig"])
                assert math.dist(text_at, (cx, cy)) > math.dist(corner, (cx, cy)), (name, seed, v)


@pytest.mark.parametrize("name", NAMES)
def test_dashed_line_count(name, runs):
    # (labels staying on the canvas is checked in test_family_contract.py)
    for seed in SEEDS:
        prog, res = runs[name, seed]
        dashed = [e for e in res.scene.of_kind("line") if e.linestyle == "dashed"]
        assert len(dashed) == prog.facts["n_dashed"], (name, seed)


def test_circles_match_facts(runs):
    for name in ("triangle_circles", "circle_angles"):
        for seed in SEEDS:
            prog, res = runs[name, seed]
            drawn = res.scene.of_kind("circle")
            for c in prog.facts["circles"]:
                assert any(
                    math.dist(e.props["center"], c["center"]) < 0.01
                    and abs(e.props["radius"] - c["radius"]) < 0.01
                    for e in drawn
                ), (name, seed, c)


def test_incircle_is_tangent_and_circumcircle_passes_through_vertices():
    fam = next(f for f in FAMILIES if f.name == "triangle_circles")
    for seed in range(20):
        facts = fam.generate(seed).facts
        pts = facts["points"]
        a, b, c = (pts[v] for v in facts["vertices"])
        for circ, kind in zip(facts["circles"], [k for k in ("I", "O") if k in pts], strict=True):
            (ox, oy), r = circ["center"], circ["radius"]
            if kind == "O":
                for p in (a, b, c):
                    assert abs(math.dist(p, (ox, oy)) - r) < 1e-3
            else:
                for p, q in ((a, b), (b, c), (c, a)):
                    d = abs((q[0] - p[0]) * (p[1] - oy) - (p[0] - ox) * (q[1] - p[1])) / math.dist(
                        p, q
                    )
                    assert abs(d - r) < 1e-3


def test_altitude_is_perpendicular_and_right_marks_drawn(runs):
    fam = next(f for f in FAMILIES if f.name == "triangle_cevians")
    seen = 0
    for seed in range(40):
        facts = fam.generate(seed).facts
        if facts["kind"] != "altitude":
            continue
        seen += 1
        apex, foot_name = facts["cevian"]
        p, q = (v for v in facts["vertices"] if v != apex)
        P, Q, A, D = (facts["points"][n] for n in (p, q, apex, foot_name))
        dot = (A[0] - D[0]) * (Q[0] - P[0]) + (A[1] - D[1]) * (Q[1] - P[1])
        assert abs(dot) < 0.005 * math.dist(P, Q)
        # the foot lies strictly between the base's endpoints
        t = ((D[0] - P[0]) * (Q[0] - P[0]) + (D[1] - P[1]) * (Q[1] - P[1])) / math.dist(P, Q) ** 2
        assert 0.0 < t < 1.0
    assert seen >= 3


def test_quadrilateral_right_marks_sit_at_corners(runs):
    for seed in SEEDS:
        prog, res = runs["quadrilateral_diagonals", seed]
        # right-angle marks are three-point polylines; the diagonals are two-point lines
        three_point = [e for e in res.scene.of_kind("line") if e.n_points == 3]
        assert len(three_point) == prog.facts["n_right_marks"], seed


def test_lattice_polygon_area_matches_drawn_polygon(runs):
    for seed in SEEDS:
        prog, res = runs["lattice_polygon", seed]
        polys = res.scene.of_kind("polygon")
        assert len(polys) == 1
        xy = polys[0].data
        if xy[0] == xy[-1]:
            xy = xy[:-1]
        area = abs(sum(xy[i - 1][0] * p[1] - p[0] * xy[i - 1][1] for i, p in enumerate(xy))) / 2
        assert area == pytest.approx(prog.facts["area"])
        a2 = 2 * prog.facts["area"]
        assert a2 == 2 * prog.facts["n_interior"] + prog.facts["n_boundary"] - 2  # Pick
        assert all(float(v).is_integer() for p in xy for v in p)


def test_angle_chase_values_are_consistent():
    fam = next(f for f in FAMILIES if f.name == "angle_chase")
    for seed in range(30):
        facts = fam.generate(seed).facts
        deg = [int(s[:-1]) for s in facts["labels"] if s.endswith("°")]
        if facts["kind"] == "triangle_sum":
            assert sum(deg) + facts["x"] == 180
        elif facts["kind"] == "exterior_angle":
            assert sum(deg) == facts["x"]
        else:
            assert facts["x"] in (deg[0], 180 - deg[0])
