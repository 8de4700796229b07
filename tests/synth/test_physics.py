"""physics families: determinism, clean standalone code, and physics that matches the traced scene."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from codepercept.synth import list_families

FAMILIES = list_families(["physics"])
NAMES = [f.name for f in FAMILIES]
EXPECTED = {
    "inclined_plane_fbd",
    "dc_circuit",
    "spring_pulley",
    "ray_optics",
    "motion_graph",
    "transverse_wave",
    "electric_field",
}
SEEDS = range(6)


@pytest.fixture(scope="module")
def runs(family_runs):
    """(family name, seed) -> (program, exec result), shared with test_family_contract.py."""
    return family_runs.domain("physics", SEEDS)


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


def _direction_deg(el):
    (x0, y0), (x1, y1) = el.props["start"], el.props["end"]
    return math.degrees(math.atan2(y1 - y0, x1 - x0)) % 360


def _same_angle(a, b, tol=0.5):
    return abs((a - b + 180) % 360 - 180) < tol


def test_incline_force_arrows_point_the_right_way(runs):
    for prog, res in _each(runs, "inclined_plane_fbd"):
        f = prog.facts
        arrows = res.scene.of_kind("arrow")
        assert len(arrows) == f["n_arrows"], prog.seed
        dirs = [_direction_deg(a) for a in arrows]
        theta = f["theta_deg"]
        up = theta if prog.params["rises_right"] else 180 - theta  # up the slope
        normal = up + 90 if prog.params["rises_right"] else up - 90
        assert any(_same_angle(d, 270) for d in dirs), "weight must point straight down"
        assert any(_same_angle(d, normal) for d in dirs), "normal force must be perpendicular"
        if f["friction_direction"]:
            want = up if f["friction_direction"] == "up the slope" else up + 180
            assert any(_same_angle(d, want) for d in dirs), "friction along the slope"
        lengths = sorted(np.hypot(*np.subtract(a.props["end"], a.props["start"])) for a in arrows)
        assert lengths[-1] == pytest.approx(1.6, abs=0.02)  # the weight is the largest force
        arc = res.scene.of_kind("arc")[0]
        assert arc.props["theta2"] - arc.props["theta1"] == pytest.approx(theta)


def test_circuit_components_match_facts(runs):
    for prog, res in _each(runs, "dc_circuit"):
        f = prog.facts
        assert len(res.scene.of_kind("circle")) == len(f["meters"]), prog.seed
        texts = res.scene.texts()
        for meter in f["meters"]:
            assert meter in texts
        assert f["n_resistors"] == len(f["resistances"]) >= 1
        dots = [e for e in res.scene.of_kind("points") if e.markersize == 6]
        assert sum(e.count for e in dots) == f["n_junctions"]


def test_spring_pulley_setups(runs):
    seen = set()
    for prog, res in _each(runs, "spring_pulley"):
        f = prog.facts
        seen.add(f["setup"])
        circles = res.scene.of_kind("circle")
        expected = {"atwood": 2, "table": 1}.get(f["setup"], 0)
        assert len(circles) == expected, (prog.seed, f["setup"])
        if f["setup"] == "atwood" and f.get("acceleration_arrows"):
            arrows = sorted(res.scene.of_kind("arrow"), key=lambda a: a.props["start"][0])
            left_down = arrows[0].props["end"][1] < arrows[0].props["start"][1]
            assert left_down == (f["heavier"] == "left")
            assert f["acceleration"] == pytest.approx(
                abs(f["masses"][0] - f["masses"][1]) * 9.8 / sum(f["masses"]), abs=0.01
            )
    assert len(seen) >= 2


def _dist_to_segment(p, a, b):
    p, a, b = (np.asarray(v, dtype=float) for v in (p, a, b))
    t = np.clip(np.dot(p - a, b - a) / np.dot(b - a, b - a), 0, 1)
    return float(np.hypot(*(a + t * (b - a) - p)))


def test_ray_optics_obeys_the_lens_equation():
    kinds = set()
    for seed in range(24):
        f = _family("ray_optics").generate(seed).facts
        kinds.add(f["kind"])
        fl, do, di = f["focal_length"], f["object_distance"], f["image_distance"]
        assert 1 / fl == pytest.approx(1 / do + 1 / di, rel=1e-3)
        assert f["image_real"] == (di > 0)
        assert f["image_height"] == pytest.approx(-f["object_height"] * di / do, abs=1e-3)
    assert kinds == {"converging_lens", "diverging_lens", "concave_mirror", "convex_mirror"}


def test_ray_diagram_rays_meet_at_the_drawn_image(runs):
    for prog, res in _each(runs, "ray_optics"):
        f = prog.facts
        tip = (f["image_x"], f["image_height"])
        through = 0
        for line in res.scene.of_kind("line"):
            pts = line.data
            if any(_dist_to_segment(tip, a, b) < 1e-3 for a, b in itertools.pairwise(pts)):
                through += 1
        assert through >= 2, (prog.seed, f["kind"], through)
        image_arrow = [
            a for a in res.scene.of_kind("arrow") if np.allclose(a.props["end"], tip, atol=1e-3)
        ]
        assert len(image_arrow) == 1, prog.seed


def test_motion_graph_data_and_area(runs):
    for prog, res in _each(runs, "motion_graph"):
        f = prog.facts
        main = max(res.scene.of_kind("line"), key=lambda e: e.linewidth or 0)
        assert [p[0] for p in main.data] == f["times"]
        assert [p[1] for p in main.data] == f["values"]
        fills = res.scene.of_kind("fill", "poly_collection")
        assert bool(fills) == f["shaded"]
        if f["shaded"]:
            assert _shoelace(fills[0].data) == pytest.approx(f["displacement"], rel=1e-6)


def test_transverse_wave_wavelength_and_amplitude(runs):
    for prog, res in _each(runs, "transverse_wave"):
        f = prog.facts
        wave = max(res.scene.of_kind("line"), key=lambda e: e.n_points)
        y = np.array([p[1] for p in wave.data])
        x = np.array([p[0] for p in wave.data])
        assert y.max() == pytest.approx(f["amplitude"], rel=0.01)
        peaks = x[1:-1][(y[1:-1] > y[:-2]) & (y[1:-1] >= y[2:])]
        if len(peaks) >= 2:
            assert np.diff(peaks).mean() == pytest.approx(f["wavelength"], rel=0.03)
        spans = [abs(a.props["end"][0] - a.props["start"][0]) for a in res.scene.of_kind("arrow")]
        assert any(s == pytest.approx(f["wavelength"], abs=1e-6) for s in spans), prog.seed


def _coulomb(charges, p):
    e = np.zeros(2)
    for q, cx, cy in charges:
        r = np.asarray(p, dtype=float) - (cx, cy)
        e += q * r / np.hypot(*r) ** 3
    return e


def test_electric_field_arrows_follow_the_field(runs):
    variants = set()
    for prog, res in _each(runs, "electric_field"):
        f = prog.facts
        variants.add(f["variant"])
        texts = res.scene.texts()
        arrows = res.scene.of_kind("arrow")
        if f["variant"] == "plates":
            assert len(arrows) == f["n_field_lines"]
            for a in arrows:
                dy = a.props["end"][1] - a.props["start"][1]
                assert (dy < 0) == (f["field_direction"] == "down")
            continue
        assert len(res.scene.of_kind("circle")) == f["n_charges"]
        assert texts.count("+") == f["n_positive"]
        assert texts.count("−") == f["n_charges"] - f["n_positive"]
        if f["variant"] == "lines":
            assert len(res.scene.of_kind("line")) == f["n_field_lines"] == len(arrows)
            for a in arrows:
                step = np.subtract(a.props["end"], a.props["start"])
                assert np.dot(step, _coulomb(f["charges"], a.props["start"])) > 0
        else:
            assert res.scene.of_kind("quiver")
    assert len(variants) >= 2
