"""Scene Score: pinned part values, edge cases, invariance, monotonicity, properties."""

from __future__ import annotations

import copy
import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepercept.scene.model import AxesInfo, Element, FigureInfo, Scene
from codepercept.score._common import rgb_to_lab
from codepercept.score.scene import MAX_ASSIGN, SCENE_WEIGHTS, scene_score, text_fidelity

RED, BLUE, BLACK = [1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0]

# -- builders --------------------------------------------------------------------------------


def el(kind: str, box, **kw) -> Element:
    return Element(kind=kind, cls="Test", axes=0, bbox=list(map(float, box)), **kw)


def line(box, colour=BLACK, **kw) -> Element:
    kw.setdefault("linewidth", 1.5)
    kw.setdefault("linestyle", "solid")
    return el("line", box, edgecolor=colour, **kw)


def scene(*elements: Element, **axes_kw) -> Scene:
    axes_kw.setdefault("bbox", [0.125, 0.11, 0.9, 0.88])
    return Scene(
        figures=[FigureInfo(0, 6.4, 4.8, 100)],
        axes=[AxesInfo(index=0, **axes_kw)],
        elements=list(elements),
    )


def rich_scene(n: int = 60, seed: int = 0) -> Scene:
    """A plausible figure: lines, markers, shapes, arrows and labels at random places."""
    rng = random.Random(seed)
    kinds = ["line", "points", "rectangle", "circle", "polygon", "text", "arrow", "scatter"]
    els = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        x, y = rng.uniform(0.15, 0.8), rng.uniform(0.15, 0.8)
        w, h = rng.uniform(0.01, 0.08), rng.uniform(0.01, 0.08)
        e = el(
            kind,
            [x, y, x + w, y + h],
            edgecolor=[rng.random(), rng.random(), rng.random(), 1.0],
            linewidth=rng.choice([1.0, 1.5, 2.0]),
            linestyle=rng.choice(["solid", "dashed"]),
            zorder=rng.choice([1.0, 2.0, 3.0]),
        )
        if kind in ("rectangle", "circle", "polygon"):
            e.facecolor = [rng.random(), rng.random(), rng.random(), 0.8]
        if kind == "text":
            e.text, e.color = f"P{i}", BLACK
        if kind == "scatter":
            e.count = rng.randint(2, 20)
        els.append(e)
    return scene(
        *els,
        title="Forces",
        xlabel="x (m)",
        xticklabels=["0", "1", "2", "3"],
        yticklabels=["0", "5", "10"],
        legend=["F1", "F2"],
    )


def jitter(s: Scene, sigma: float, seed: int) -> Scene:
    rng = np.random.default_rng(seed)
    out = copy.deepcopy(s)
    for e in out.elements:
        dx, dy = rng.normal(0, sigma, 2)
        e.bbox = [e.bbox[0] + dx, e.bbox[1] + dy, e.bbox[2] + dx, e.bbox[3] + dy]
    return out


def remap(s: Scene, sx: float, sy: float, ox: float, oy: float) -> Scene:
    """The same drawing in another figure: every figure coordinate mapped x -> ox + sx * x."""
    out = copy.deepcopy(s)
    for e in out.elements:
        x0, y0, x1, y1 = e.bbox
        e.bbox = [ox + sx * x0, oy + sy * y0, ox + sx * x1, oy + sy * y1]
    for a in out.axes:  # the axes frames are figure coordinates too
        if a.bbox is not None:
            x0, y0, x1, y1 = a.bbox
            a.bbox = [ox + sx * x0, oy + sy * y0, ox + sx * x1, oy + sy * y1]
    return out


# -- identical, empty ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identical_scenes_score_exactly_100(seed):
    s = rich_scene(seed=seed)
    r = scene_score(s, copy.deepcopy(s))
    assert r.total == 100.0
    assert r.parts == dict.fromkeys(SCENE_WEIGHTS, 100.0)


def test_identical_with_exact_duplicates_scores_100():
    a = line([0.1, 0.1, 0.5, 0.5])
    s = scene(a, copy.deepcopy(a), copy.deepcopy(a), line([0.2, 0.6, 0.9, 0.9], RED))
    assert scene_score(s, copy.deepcopy(s)).total == 100.0


def test_json_round_trip_does_not_change_the_score():
    a, b = rich_scene(seed=3), jitter(rich_scene(seed=3), 0.03, 1)
    b2 = Scene.from_json(b.to_json())
    assert scene_score(a, b2) == scene_score(a, b)


def test_empty_candidate_scores_zero_either_way():
    s = rich_scene()
    empty = scene(title="Forces")
    for r in (scene_score(s, empty), scene_score(empty, s)):
        assert r.total == 0.0
        assert set(r.parts.values()) == {0.0}


def test_hidden_elements_do_not_count():
    s = rich_scene()
    hidden = copy.deepcopy(s)
    for e in hidden.elements:
        e.visible = False
    assert scene_score(s, hidden).total == 0.0
    extra = copy.deepcopy(s)
    extra.elements.append(line([0, 0, 1, 1], clipped_out=True))
    assert scene_score(s, extra).total == 100.0


def test_both_empty_scores_100_only_with_identical_decorations():
    a = scene(title="abc", xlabel="x")
    assert scene_score(a, scene(title="abc", xlabel="x")).total == 100.0
    # Decoration strings ["abc", "x"] vs ["abd", "x"]: text = 2 * (1 + 2/3) / 4 = 5/6.
    r = scene_score(a, scene(title="abd", xlabel="x"))
    assert r.total == pytest.approx(100 * 5 / 6)
    # Same strings, grid switched on: one of five axes flags differs.
    r = scene_score(a, scene(title="abc", xlabel="x", grid=True))
    assert r.total == pytest.approx(80.0)
    assert scene_score(Scene(), Scene()).total == 100.0


# -- pinned part values --------------------------------------------------------------------------


def three_lines(colour_of_first=RED) -> Scene:
    return scene(
        line([0.1, 0.1, 0.3, 0.2], colour_of_first),
        line([0.5, 0.5, 0.7, 0.6], BLACK),
        line([0.8, 0.8, 0.95, 0.9], BLACK),
    )


def test_one_recoloured_element_loses_exactly_its_style_share():
    # The first line turns red -> blue (dE76 > 50, so its colour similarity is 0). It sets
    # three style attributes (edge colour, linestyle, linewidth): its style drops to 2/3, the
    # style part to 100 * (3 - 1/3) / 3, and the total loses 20% of that.
    assert np.linalg.norm(rgb_to_lab(np.array(RED[:3])) - rgb_to_lab(np.array(BLUE[:3]))) > 50
    r = scene_score(three_lines(RED), three_lines(BLUE), version=1)
    assert r.parts["style"] == pytest.approx(100 * (3 - 1 / 3) / 3)
    assert r.total == pytest.approx(100 - 0.2 * 100 / 9)
    assert {k: v for k, v in r.parts.items() if k != "style"} == dict.fromkeys(
        ["completeness", "position", "relations", "text"], 100.0
    )


def test_style_part_equals_a_direct_computation():
    s = rich_scene(seed=4)
    black = copy.deepcopy(s)
    for e in black.elements:
        e.edgecolor = BLACK
    expected = 0.0
    lab_black = rgb_to_lab(np.zeros(3))
    for e in s.elements:
        de = np.linalg.norm(rgb_to_lab(np.array(e.edgecolor[:3])) - lab_black)
        # markers-only elements (points, scatter) draw no line: no linestyle/linewidth to compare
        base = 1 if e.kind in ("points", "scatter") else 3
        n_attrs = base + (e.facecolor is not None) + (e.color is not None)
        expected += (max(0.0, 1 - de / 50) + n_attrs - 1) / n_attrs
    r = scene_score(s, black, version=1)
    assert r.parts["style"] == pytest.approx(100 * expected / len(s.elements))


def test_linewidth_and_linestyle_agreement():
    a = scene(line([0.1, 0.1, 0.5, 0.5], linewidth=2.0))
    b = scene(line([0.1, 0.1, 0.5, 0.5], linewidth=1.0, linestyle="dashed"))
    # colour 1, linestyle 0, linewidth 1 - 1/2 -> 1.5 / 3.
    assert scene_score(a, b, version=1).parts["style"] == pytest.approx(50.0)


def test_completeness_counts_collection_items():
    a = scene(line([0.1, 0.1, 0.2, 0.2]), el("scatter", [0.3, 0.3, 0.9, 0.9], count=10))
    b = scene(line([0.1, 0.1, 0.2, 0.2]), el("scatter", [0.3, 0.3, 0.9, 0.9], count=5))
    # Counts {line: 1, scatter: 10} vs {line: 1, scatter: 5}: F1 = 2 * 6 / (11 + 6).
    assert scene_score(a, b, version=1).parts["completeness"] == pytest.approx(100 * 12 / 17)


def test_compatible_kinds_match_with_half_completeness_credit():
    a = scene(el("polygon", [0.1, 0.1, 0.4, 0.4]), el("polygon", [0.6, 0.6, 0.9, 0.9]))
    b = scene(el("rectangle", [0.1, 0.1, 0.4, 0.4]), el("rectangle", [0.6, 0.6, 0.9, 0.9]))
    assert scene_score(a, b, version=1).parts["completeness"] == pytest.approx(50.0)
    r = scene_score(a, b)
    assert r.details["raw"]["completeness"] == pytest.approx(50.0)  # elements and items alike
    assert r.parts["position"] == 100.0
    assert len(r.details["matched"]) == 2


def test_incompatible_kinds_never_match():
    a = scene(line([0.1, 0.1, 0.4, 0.4]), line([0.5, 0.5, 0.9, 0.9]))
    b = scene(el("text", [0.1, 0.1, 0.4, 0.4], text="a"), el("text", [0.5, 0.5, 0.9, 0.9]))
    r = scene_score(a, b)
    assert r.details["matched"] == []
    assert r.parts["position"] == 0.0 and r.parts["completeness"] == 0.0


def test_swapped_stacking_of_overlapping_elements_is_one_relation_in_four():
    def two(z_a: float, z_b: float) -> Scene:
        return scene(
            el("rectangle", [0.0, 0.0, 0.6, 0.6], facecolor=RED, zorder=z_a),
            el("rectangle", [0.4, 0.4, 1.0, 1.0], facecolor=BLUE, zorder=z_b),
        )

    r = scene_score(two(1, 2), two(2, 1), version=1)
    # One pair: left/right, above/below and containment agree; stacking disagrees.
    assert r.parts["relations"] == pytest.approx(75.0)
    assert r.total == pytest.approx(100 - 0.2 * 25)


def test_text_fidelity_pinned():
    assert text_fidelity([], []) == 1.0
    assert text_fidelity(["a"], []) == 0.0
    assert text_fidelity(["abc", "x"], ["abd", "x"]) == pytest.approx(5 / 6)
    assert text_fidelity(["  a   b "], ["a b"]) == 1.0
    assert text_fidelity(["kitten"], ["sitting"]) == pytest.approx(1 - 3 / 7)


def test_text_part_reads_axes_decorations():
    a = rich_scene(seed=5)
    b = copy.deepcopy(a)
    b.axes[0].title = "Torques"
    r = scene_score(a, b)
    assert 90 < r.parts["text"] < 100
    assert r.parts["position"] == 100.0


# -- invariance ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sx", "sy", "ox", "oy"),
    [(0.5, 0.5, 0.2, 0.1), (1.1, 0.8, -0.05, 0.1), (0.9, 1.0, 0.03, 0.0)],
)
def test_same_content_other_figsize_or_margins_scores_at_least_99(sx, sy, ox, oy):
    s = rich_scene(seed=6)
    assert scene_score(s, remap(s, sx, sy, ox, oy)).total >= 99.9


def test_figsize_change_with_fixed_size_text_scores_at_least_95():
    # A larger figure: drawn elements scale with the axes, but text keeps its size in points,
    # so its box shrinks relative to the figure (here to 2/3).
    s = rich_scene(seed=7)
    big = remap(s, 0.8, 0.8, 0.1, 0.1)
    for e in big.elements:
        if e.kind == "text":
            x0, y0, x1, y1 = e.bbox
            cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * 2 / 3, (y1 - y0) * 2 / 3
            e.bbox = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
    assert scene_score(s, big).total >= 95


def test_bbox_falls_back_to_figure_vertices():
    a = scene(Element("line", "Line2D", fig=[[0.1, 0.1], [0.5, 0.9]]), line([0.6, 0.1, 0.9, 0.2]))
    b = scene(line([0.1, 0.1, 0.5, 0.9]), line([0.6, 0.1, 0.9, 0.2]))
    assert scene_score(a, b).parts["position"] == 100.0


# -- monotonicity --------------------------------------------------------------------------------


def test_score_falls_as_elements_are_dropped():
    s = rich_scene(n=80)
    totals = []
    for k in (0, 4, 16, 40, 79):
        cut = copy.deepcopy(s)
        cut.elements = cut.elements[k:]
        totals.append(scene_score(s, cut).total)
    assert totals[0] == 100.0
    assert all(x > y for x, y in itertools.pairwise(totals)), totals


def test_score_falls_as_positions_are_jittered():
    s = rich_scene(n=60)
    means = []
    for sigma in (0.0, 0.01, 0.03, 0.08, 0.2):
        means.append(np.mean([scene_score(s, jitter(s, sigma, seed)).total for seed in range(4)]))
    assert means[0] == 100.0
    assert all(x > y for x, y in itertools.pairwise(means)), means


def test_score_falls_as_more_elements_are_recoloured():
    s = rich_scene(n=60)
    totals = []
    for k in (0, 10, 30, 60):
        c = copy.deepcopy(s)
        for e in c.elements[:k]:
            e.edgecolor = [1 - v for v in e.edgecolor[:3]] + [1.0]
        totals.append(scene_score(s, c).parts["style"])
    assert all(x > y for x, y in itertools.pairwise(totals)), totals


# -- scale ---------------------------------------------------------------------------------------


def test_huge_scenes_are_split_and_still_score_identical_as_100():
    rng = np.random.default_rng(0)
    n = MAX_ASSIGN + 150
    els = []
    for x, y in rng.uniform(0, 0.95, (n, 2)):
        els.append(el("points", [x, y, x + 0.01, y + 0.01], edgecolor=BLACK))
    s = scene(*els)
    assert scene_score(s, copy.deepcopy(s)).total == 100.0
    r = scene_score(s, jitter(s, 0.002, 1))
    assert 80 < r.total < 100


# -- properties ----------------------------------------------------------------------------------

_KINDS = ["line", "points", "scatter", "rectangle", "polygon", "circle", "text", "arrow", "image"]


@st.composite
def scenes(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(0, 12))
    rng = np.random.default_rng(seed)
    els = []
    for _ in range(n):
        kind = _KINDS[int(rng.integers(len(_KINDS)))]
        x, y = rng.uniform(0, 0.9, 2)
        w, h = rng.uniform(0, 0.2, 2)
        e = el(kind, [x, y, x + w, y + h], zorder=float(rng.integers(0, 3)))
        if rng.random() < 0.8:
            e.edgecolor = [*rng.uniform(0, 1, 3).tolist(), float(rng.uniform(0, 1))]
        if rng.random() < 0.5:
            e.facecolor = [*rng.uniform(0, 1, 3).tolist(), 1.0]
        if rng.random() < 0.5:
            e.linewidth = float(rng.uniform(0, 3))
        if rng.random() < 0.5:
            e.linestyle = ["solid", "dashed", "--", ":"][int(rng.integers(4))]
        if kind == "text":
            e.text = "".join(rng.choice(list("abc xy"), int(rng.integers(0, 6))))
        e.count = int(rng.integers(0, 5))
        els.append(e)
    labels = ["", "t", "x", "time (s)"]
    return scene(*els, title=labels[int(rng.integers(4))], xlabel=labels[int(rng.integers(4))])


@settings(max_examples=80, deadline=None)
@given(scenes(), scenes())
def test_properties_range_symmetry_determinism(a, b):
    r = scene_score(a, b)
    assert 0.0 <= r.total <= 100.0
    assert all(0.0 <= v <= 100.0 for v in r.parts.values())
    assert scene_score(a, b) == r
    back = scene_score(b, a)
    assert back.total == pytest.approx(r.total, abs=1e-9)
    assert scene_score(a, copy.deepcopy(a)).total == 100.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=8), st.lists(st.text(max_size=8), max_size=8))
def test_text_fidelity_properties(a, b):
    v = text_fidelity(a, b)
    assert 0.0 <= v <= 1.0
    assert text_fidelity(b, a) == pytest.approx(v, abs=1e-12)
    assert text_fidelity(a, list(reversed(a))) == 1.0


def test_text_fidelity_long_lists_use_sorted_pairing():
    a = [f"tick {i:03d}" for i in range(250)]
    b = [f"tick {i:03d}x" for i in range(250)]
    # Every string pairs with its own variant: similarity 8/9 each.
    assert text_fidelity(a, b) == pytest.approx(8 / 9)
    assert text_fidelity(a, list(a)) == 1.0


def test_non_finite_values_are_treated_as_missing():
    a = scene(line([0.1, 0.1, 0.5, 0.5]), line([0.6, 0.6, 0.9, 0.9]))
    b = copy.deepcopy(a)
    b.elements[0].linewidth = float("inf")
    b.elements[1].edgecolor = [float("nan"), 0.0, 0.0, 1.0]
    b.elements.append(line([float("nan"), 0.0, 1.0, 1.0]))
    r = scene_score(a, b)
    assert all(np.isfinite(v) and 0 <= v <= 100 for v in r.parts.values())
    assert r.total < 100


def test_markers_from_scatter_or_plot_are_the_same_kind():
    from codepercept.scene.model import Element, Scene

    def markers(kind: str, cls: str, linestyle: str, lw: float) -> Scene:
        el = Element(kind=kind, cls=cls, fig=[[0.2, 0.2], [0.8, 0.8]], bbox=[0.2, 0.2, 0.8, 0.8],
                     count=5, n_points=5, marker="o", edgecolor=[0, 0, 1, 1], facecolor=[0, 0, 1, 1],
                     linestyle=linestyle, linewidth=lw)  # fmt: skip
        return Scene(elements=[el])

    a = markers("scatter", "PathCollection", "solid", 1.0)
    b = markers("points", "Line2D", "none", 1.5)
    res = scene_score(a, b)
    assert res.parts["completeness"] == 100.0
    assert res.parts["style"] == 100.0
