"""Score version 2: the blind spots of version 1, written as attacks first, and its anchors.

Each blind-spot test scores the same pair with ``version=1`` (which misses the change) and with
the default version 2 (which must see it), so a regression to the old behaviour fails here.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from codepercept.scene.model import AxesInfo, Element, FigureInfo, Scene
from codepercept.score import SCORE_VERSION, image_score, scene_score
from codepercept.score._common import ScoreResult, calibrate
from codepercept.score.scene import SCENE_CHANCE_V2, SCENE_WEIGHTS_V2

RED, BLUE, BLACK = [1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0]


def el(kind: str, box, **kw) -> Element:
    return Element(kind=kind, cls="Test", axes=0, bbox=list(map(float, box)), **kw)


def scene(*elements: Element, **axes_kw) -> Scene:
    axes_kw.setdefault("bbox", [0.125, 0.11, 0.9, 0.88])
    return Scene(
        figures=[FigureInfo(0, 6.4, 4.8, 100)],
        axes=[AxesInfo(index=0, **axes_kw)],
        elements=list(elements),
    )


def test_the_default_version_is_2_and_every_result_says_so():
    a = scene(el("line", [0, 0, 1, 1], edgecolor=RED, linewidth=1.0, linestyle="solid"))
    r = scene_score(a, a)
    assert SCORE_VERSION == 2 and r.version == 2 and r.to_dict()["score_version"] == 2
    assert scene_score(a, a, version=1).to_dict()["score_version"] == 1
    assert isinstance(r, ScoreResult) and r.total == 100.0


@pytest.mark.parametrize("bad", [0, 3, "2", None])
def test_an_unknown_version_is_refused(bad):
    a = scene(el("line", [0, 0, 1, 1], edgecolor=RED))
    with pytest.raises(ValueError, match="score version"):
        scene_score(a, a, version=bad)
    img = np.full((20, 20, 3), 255, np.uint8)
    with pytest.raises(ValueError, match="score version"):
        image_score(img, img, version=bad)


def test_calibrate_maps_chance_to_zero_and_keeps_full_agreement():
    assert calibrate(1.0, 0.3) == 1.0
    assert calibrate(0.3, 0.3) == 0.0
    assert calibrate(0.1, 0.3) == 0.0
    assert calibrate(0.65, 0.3) == pytest.approx(0.5)
    assert calibrate(0.4, 0.0) == 0.4


# -- blind spots of version 1 ----------------------------------------------------------------


def _bubbles(colours: list[list[float]]) -> Scene:
    n = len(colours)
    return scene(
        el(
            "scatter",
            [0.1, 0.1, 0.9, 0.9],
            facecolor=colours[0],
            edgecolor=BLACK,
            linewidth=0.5,
            count=n,
            props={"item_colors": colours},
        ),
        el("text", [0.4, 0.92, 0.6, 0.97], text="GDP per capita", color=BLACK),
    )


def test_recolouring_every_bubble_is_seen_item_by_item():
    rng = np.random.default_rng(0)
    ref = [[*rng.random(3).round(3).tolist(), 1.0] for _ in range(30)]
    # Same first colour (what a one-colour summary keeps), every other item moved far away.
    bad = [ref[0]] + [[1 - c[0], 1 - c[1], 1 - c[2], 1.0] for c in ref[1:]]
    a, b = _bubbles(ref), _bubbles(bad)
    assert scene_score(a, b, version=1).parts["style"] == 100.0  # the blind spot
    # One of two elements, one of its two colour slots (the black edges stay): about 3/4.
    assert scene_score(a, b).parts["style"] < 80.0
    # Only the face colours carry the change: the same bubbles with no edge lose more.
    for e in (a.elements[0], b.elements[0]):
        e.edgecolor = None
    assert scene_score(a, b).parts["style"] < 60.0
    assert scene_score(a, a).parts["style"] == 100.0


def test_a_colormap_turned_another_hue_is_seen():
    import matplotlib

    viridis = matplotlib.colormaps["viridis"](np.linspace(0, 1, 8)).round(4).tolist()
    turned = [[c[2], c[0], c[1], 1.0] for c in viridis]  # channels rotated: another hue
    img = lambda cols: scene(  # noqa: E731
        el("image", [0.1, 0.1, 0.9, 0.9], props={"cmap": "x", "cmap_colors": cols}),
        el("text", [0.4, 0.92, 0.6, 0.97], text="T", color=BLACK),
    )
    assert scene_score(img(viridis), img(turned), version=1).parts["style"] == 100.0
    assert scene_score(img(viridis), img(turned)).parts["style"] < 70.0


def _chart(title: str, xlabel: str, ylabel: str, legend: list[str]) -> Scene:
    ticks = [f"{v:g}" for v in np.linspace(0, 100, 11)]
    s = scene(
        el("line", [0.1, 0.1, 0.9, 0.8], edgecolor=RED, linewidth=1.5, linestyle="solid"),
        el("line", [0.1, 0.2, 0.9, 0.9], edgecolor=BLUE, linewidth=1.5, linestyle="solid"),
        title=title, xlabel=xlabel, ylabel=ylabel, legend=legend,
        xticklabels=ticks, yticklabels=ticks,
    )  # fmt: skip
    return s


def test_scrambled_titles_labels_and_legend_cost_more_than_the_tick_labels_hide():
    a = _chart("Revenue by quarter", "Quarter", "Revenue (M$)", ["North", "South"])
    b = _chart("Xqwpzl bu vrtnkem", "Wpzlkdj", "Qwpzlkm (R$)", ["Zxcvb", "Mnbvc"])
    v1, v2 = scene_score(a, b, version=1), scene_score(a, b)
    assert v1.parts["text"] >= 75.0  # 22 unchanged tick labels dilute 5 scrambled strings
    assert v2.parts["text"] <= 50.0
    assert v2.total < v1.total


def test_tick_labels_still_count():
    a = _chart("T", "x", "y", ["a"])
    b = copy.deepcopy(a)
    b.axes[0].xticklabels = [t + "0" for t in b.axes[0].xticklabels]
    assert 50.0 < scene_score(a, b).parts["text"] < 100.0


def test_a_bar_without_an_edge_has_no_line_style_to_compare():
    def bars(style: str) -> Scene:
        return scene(*[el("rectangle", [i / 5, 0, i / 5 + 0.15, 0.5 + i / 10], facecolor=BLUE,
                          edgecolor=None, linewidth=1.0, linestyle=style) for i in range(4)])  # fmt: skip

    assert scene_score(bars("solid"), bars("dashed")).parts["style"] == 100.0


def test_reversed_stacking_of_overlapping_shapes_is_not_diluted():
    def two(z_a: float, z_b: float) -> Scene:
        return scene(
            el("rectangle", [0.0, 0.0, 0.6, 0.6], facecolor=RED, zorder=z_a),
            el("rectangle", [0.4, 0.4, 1.0, 1.0], facecolor=BLUE, zorder=z_b),
        )

    assert scene_score(two(1, 2), two(2, 1), version=1).parts["relations"] == pytest.approx(75.0)
    assert scene_score(two(1, 2), two(2, 1)).parts["relations"] == 0.0


def test_one_line_style_changed_on_half_the_lines_costs_half_the_style():
    def lines(styles: list[str]) -> Scene:
        return scene(*[el("line", [0, i / 4, 1, i / 4 + 0.1], edgecolor=RED, linewidth=1.5,
                          linestyle=s) for i, s in enumerate(styles)])  # fmt: skip

    ref = lines(["solid"] * 4)
    half = lines(["dashed", "dashed", "solid", "solid"])
    raw = scene_score(ref, half).details["raw"]["style"]
    assert raw == pytest.approx(50.0)


def test_a_flat_figure_does_not_magnify_a_small_vertical_move():
    # A number line: every mark on one row. Moving the marks up by 2 % of the width is small.
    def row(dy: float) -> Scene:
        return scene(*[el("text", [i / 10, 0.5 + dy, i / 10 + 0.03, 0.52 + dy], text=str(i))
                       for i in range(10)])  # fmt: skip

    ref, moved = row(0.0), row(0.02)
    assert scene_score(ref, moved).parts["position"] > 80.0


def test_the_chance_levels_in_the_docs_are_the_ones_the_code_uses():
    import re
    from pathlib import Path

    from codepercept.score.image import IMAGE_CHANCE_V2

    doc = (Path(__file__).resolve().parents[2] / "docs" / "scores.md").read_text()
    table = doc[doc.index("| part | chance level `c` |") :].split("\n\n")[0]
    found = {(s.strip(), p.strip()): float(v)
             for s, p, v in re.findall(r"\| (image|scene) ([a-z]+) \| ([0-9.]+) ", table)}  # fmt: skip
    code = {("image", k): v for k, v in IMAGE_CHANCE_V2.items()}
    code |= {("scene", k): v for k, v in SCENE_CHANCE_V2.items()}
    assert found == code
    assert set(SCENE_CHANCE_V2) == set(SCENE_WEIGHTS_V2) and sum(SCENE_WEIGHTS_V2.values()) == 100
