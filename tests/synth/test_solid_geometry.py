"""Tests for the solid_geometry families and their generation-time geometry (``_solids``)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from codepercept.synth.base import get_family
from codepercept.synth.families.solid_geometry import _common as sg
from codepercept.synth.families.solid_geometry import _solids as S

FAMILIES = [
    "oblique_polyhedron",
    "polyhedron_3d_view",
    "revolution_solid",
    "revolution_solid_3d_view",
    "cube_net",
    "prism_net",
    "cube_folding",
    "three_view_drawing",
    "cube_stack_count",
    "cube_cross_section",
    "inscribed_solids",
    "coordinate_space_3d",
    "composite_solid",
]
SEEDS = range(6)


def _dashed(scene) -> int:
    kinds = {"line", "line3d", "line_collection"}
    return sum(
        e.count for e in scene.visible_elements() if e.kind in kinds and e.linestyle == "dashed"
    )


# -- geometry ------------------------------------------------------------------------------------


def test_there_are_exactly_eleven_cube_nets():
    nets = S.all_cube_nets()
    assert len(nets) == 11
    assert all(len(n) == 6 for n in nets)


def test_folding_the_cross_puts_the_ends_opposite():
    cross = [(1, 1), (1, 0), (0, 1), (2, 1), (3, 1), (1, 2)]
    normals = S.fold_net(cross)
    assert normals[(1, 1)] == (0, -1, 0)  # the first square faces the viewer
    assert normals[(3, 1)] == (0, 1, 0)  # the far end of the long row is the back
    assert normals[(1, 0)] == tuple(-v for v in normals[(1, 2)])
    assert normals[(2, 1)] == (1, 0, 0)  # east folds to the right, keeping handedness


def test_a_two_by_three_block_is_not_a_net():
    assert S.fold_net([(x, y) for x in range(3) for y in range(2)]) is None


@pytest.mark.parametrize(
    ("angle", "hidden_vertex"),
    [(45, (0, 2, 0)), (135, (2, 2, 0))],
)
def test_cube_in_oblique_view_hides_the_three_edges_at_the_far_bottom_corner(angle, hidden_vertex):
    cube = S.box(2, 2, 2)
    cube.check()
    visible, hidden = cube.split_edges(S.oblique(0.5, angle).view)
    assert len(visible) == 9 and len(hidden) == 3
    far = next(i for i, v in enumerate(cube.vertices) if tuple(v) == hidden_vertex)
    assert all(far in e for e in hidden)


def test_pyramid_base_edges_hide_from_above_and_show_from_below():
    pyr = S.pyramid(S.regular_polygon(4, 1.0, 0.3), (0.0, 0.0, 2.0))
    pyr.check()
    base_edges = {(min(i, (i + 1) % 4), max(i, (i + 1) % 4)) for i in range(4)}
    _, hidden_above = pyr.split_edges(S.axonometric(30, -60).view)
    _, hidden_below = pyr.split_edges(S.axonometric(-30, -60).view)
    assert base_edges & set(hidden_above)  # some base edges are behind the pyramid
    assert not base_edges & set(hidden_below)  # the base faces the viewer from below


def test_corner_plane_cuts_a_triangle():
    pts, sides = S.plane_section(
        S.box(2, 2, 2), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0])
    )
    assert len(pts) == 3 and len(sides) == 3


def test_plane_through_edge_midpoints_cuts_a_regular_hexagon():
    # the plane x + y + z = 3 through the centre of a 2-cube
    pts, _ = S.plane_section(
        S.box(2, 2, 2), np.array([1.0, 2, 0]), np.array([2.0, 1, 0]), np.array([0, 1.0, 2])
    )
    assert len(pts) == 6
    sides = [np.linalg.norm(pts[k] - pts[k - 1]) for k in range(6)]
    assert np.allclose(sides, math.sqrt(2))


def test_ray_casting_agrees_with_the_back_face_test_on_a_cube():
    cube = S.box(2, 2, 2)
    view = S.oblique(0.5, 45).view
    solids = [cube.halfspaces()]
    visible, hidden = cube.split_edges(view)
    for edges, expect in ((visible, False), (hidden, True)):
        for i, j in edges:
            mid = (cube.vertices[i] + cube.vertices[j]) / 2
            assert S.occluded(mid, view, solids) is expect


def test_orthographic_views_of_an_l_shaped_stack():
    # three columns of height 3; the back-right one is missing
    cells = {(x, y, z) for x, y in ((0, 0), (0, 1), (1, 0)) for z in range(3)}
    front_vis, front_hid = S.view_lines(cells, "front")
    assert front_hid == [((1, 0), (1, 3))]  # the inner corner, behind the front face
    top_vis, top_hid = S.view_lines(cells, "top")
    assert top_hid == []
    assert len(top_vis) == 6  # an L outline has six sides
    assert len(front_vis) == 4  # a rectangle


def test_revolution_silhouette_is_where_the_side_normal_is_edge_on():
    r, h, elev = 2.0, 5.0, 20.0
    t1 = sg._revolution_silhouette(r, 0.0, h, elev)
    e = math.radians(elev)
    normal = np.array([h * math.cos(t1), h * math.sin(t1), r])
    view = np.array([0.0, math.cos(e), -math.sin(e)])
    assert abs(normal @ view) < 1e-9
    assert sg._revolution_silhouette(r, r, h, elev) == 0.0  # cylinder: sides at x = +-r


def test_label_directions_avoid_the_edges():
    pts = {"A": np.array([0.0, 0.0]), "B": np.array([1.0, 0.0]), "C": np.array([0.0, 1.0])}
    dirs = S.label_directions(pts, [("A", "B"), ("A", "C")])
    dx, dy = dirs["A"]
    assert dx < 0 and dy < 0  # away from both edges


# -- families ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FAMILIES)
def test_family_is_registered_in_the_domain(name):
    assert get_family(name).domain == "solid_geometry"


@pytest.fixture(scope="module")
def runs(family_runs):
    """Every family run on every seed once: {(name, seed): (program, result)}, shared with
    test_family_contract.py (which checks the code contract, labels and run time)."""
    return family_runs.batch((name, seed) for name in FAMILIES for seed in SEEDS)


@pytest.mark.parametrize("name", FAMILIES)
def test_draws_its_dashed_lines(runs, name):
    for seed in SEEDS:
        prog, res = runs[(name, seed)]
        assert _dashed(res.scene) == prog.facts["dashed_lines"], (name, seed)
        assert prog.facts["hidden_edges"] <= prog.facts["dashed_lines"]


@pytest.mark.parametrize(
    "name",
    [
        "oblique_polyhedron",
        "polyhedron_3d_view",
        "revolution_solid",
        "revolution_solid_3d_view",
        "cube_cross_section",
        "inscribed_solids",
        "composite_solid",
        "three_view_drawing",
    ],
)
def test_every_dashed_line_is_a_hidden_edge(runs, name):
    for seed in SEEDS:
        prog, res = runs[(name, seed)]
        assert prog.facts["hidden_edges"] == prog.facts["dashed_lines"] == _dashed(res.scene)


def test_oblique_polyhedron_draws_every_edge_once(runs):
    for seed in SEEDS:
        prog, res = runs[("oblique_polyhedron", seed)]
        lines = [e for e in res.scene.of_kind("line") if e.linestyle in ("solid", "dashed")]
        assert sum(e.count for e in lines) == prog.facts["edges"]
        fills = res.scene.of_kind("fill", "polygon")
        assert len(fills) == prog.facts["filled_faces"]
        # Euler: V - E + F = 2 for the convex solid drawn
        n_faces = prog.facts["edges"] - len(prog.facts["vertices"]) + 2
        assert n_faces >= 4


def test_polyhedron_3d_view_draws_every_face(runs):
    for seed in SEEDS:
        prog, res = runs[("polyhedron_3d_view", seed)]
        polys = res.scene.of_kind("poly3d")
        assert sum(e.count for e in polys) == prog.facts["faces"]


def test_three_view_and_stack_draw_the_cube_faces(runs):
    for name in ("three_view_drawing", "cube_stack_count"):
        for seed in SEEDS:
            prog, res = runs[(name, seed)]
            counted = sum(e.count for e in res.scene.of_kind("fill", "polygon", "poly3d"))
            assert counted == prog.facts["faces_drawn"], (name, seed)
            assert prog.facts["n_cubes"] == sum(prog.facts["heights"].values())


def test_nets_draw_six_squares_and_their_fold_lines(runs):
    for name in ("cube_net", "cube_folding"):
        for seed in SEEDS:
            prog, res = runs[(name, seed)]
            assert len(res.scene.of_kind("rectangle")) == 6
            assert prog.facts["fold_lines"] == 5
            pairs = prog.facts["opposite_pairs"]
            assert len(pairs) == 3 and len({m for p in pairs for m in p}) == 6


def test_cube_folding_shows_three_faces_none_of_them_opposite(runs):
    for seed in SEEDS:
        prog, _ = runs[("cube_folding", seed)]
        shown = set(prog.facts["visible_marks"])
        assert len(shown) == 3
        assert not any(set(p) <= shown for p in prog.facts["opposite_pairs"])


def test_cross_section_polygon_matches_its_facts(runs):
    for seed in SEEDS:
        prog, res = runs[("cube_cross_section", seed)]
        m = prog.facts["section_sides"]
        assert 3 <= m <= 6
        assert {"P", "Q", "R"} <= set(prog.facts["section_vertices"])
        fills = res.scene.of_kind("fill", "polygon")
        assert len(fills) == 1 and fills[0].n_points >= m


def test_coordinate_points_are_labelled_with_their_coordinates(runs):
    for seed in SEEDS:
        prog, res = runs[("coordinate_space_3d", seed)]
        for name, (x, y, z) in prog.facts["points"].items():
            assert f"{name}({x}, {y}, {z})" in res.scene.texts()


def test_split_curve_finds_where_a_box_in_front_hides_a_segment():
    # a unit box in front (smaller y) of the middle of a long segment along x
    blocker = S.box(1, 1, 1, (2.0, -3.0, -0.5))
    view = np.array([0.0, 1.0, 0.0])  # looking along +y
    a, b = np.array([0.0, 0.0, 0.0]), np.array([5.0, 0.0, 0.0])
    runs = S.split_curve(lambda t: a + t * (b - a), view, [blocker.halfspaces()])
    assert [h for _, _, h in runs] == [False, True, False]
    assert runs[1][0] == pytest.approx(0.4, abs=1e-4)
    assert runs[1][1] == pytest.approx(0.6, abs=1e-4)


def test_prism_net_draws_its_faces_and_folds(runs):
    for seed in SEEDS:
        prog, res = runs[("prism_net", seed)]
        n = prog.facts["n_faces"] - 2
        assert len(res.scene.of_kind("rectangle")) == n
        assert len(res.scene.of_kind("polygon")) == 2
        assert prog.facts["fold_lines"] == n + 1  # between rectangles, plus the two bases
