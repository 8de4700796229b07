"""describe(): content read from the scene, every number and label derivable, seeded phrasing."""

from __future__ import annotations

import re

import pytest
from caption_corpus import Corpus

from codepercept.caption import describe, figure_type, verify
from codepercept.caption.geometry import relations
from codepercept.caption.index import build_index
from codepercept.caption.vocab import number_to_words
from codepercept.scene.model import AxesInfo, Element, FigureInfo, Scene

_NUM = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?")


def _scenes(corpus: Corpus) -> list:
    return list(corpus.correct)


@pytest.mark.parametrize("style", ["dense", "brief"])
def test_every_number_and_label_is_derivable(corpus: Corpus, style: str) -> None:
    for k, item in enumerate(_scenes(corpus)):
        text = describe(item.scene, item.facts, style=style, seed=k)
        index = build_index(item.scene, item.facts)
        claims = verify(text, item.scene, item.facts)
        bad = [(c.text, c.evidence) for c in claims if c.verdict == "contradicted"]
        assert not bad, (item.id, bad)
        counts = {c.start for c in claims if c.kind == "count" and c.verdict == "supported"}
        for m in _NUM.finditer(text):
            if m.start() in counts or re.search(r"(line|polygon) $", text[: m.start()]):
                continue  # a verified count, or an element's ordinal name
            t = m.group().replace("−", "-")
            assert index.has_number(float(t), len(t.split(".")[1]) if "." in t else 0), (
                item.id,
                t,
                text,
            )
        for quoted in re.findall(r'"([^"]+)"', text):
            assert index.has_text(quoted), (item.id, quoted)


def test_dense_mentions_counts_labels_axes(corpus: Corpus) -> None:
    item = next(i for i in corpus.correct if i.family == "bar_chart")
    text = describe(item.scene, item.facts)
    n = item.facts["n_bars"]
    assert re.search(rf"\b(?:{n}|{number_to_words(n)}) rectangles\b", text), text
    assert item.scene.axes[0].title in text
    assert "axis" in text or "axes" in text
    for category in item.facts["categories"]:
        assert category in text


def test_brief_is_two_or_three_sentences(corpus: Corpus) -> None:
    for item in _scenes(corpus):
        text = describe(item.scene, item.facts, style="brief", seed=1)
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"])", text)
        assert 2 <= len(sentences) <= 3, (item.id, text)
        assert len(text) < len(describe(item.scene, item.facts, style="dense", seed=1))


def test_phrasing_varies_with_seed_but_not_content(corpus: Corpus) -> None:
    item = next(i for i in corpus.correct if i.family == "network_graph")
    texts = {describe(item.scene, item.facts, seed=s) for s in range(20)}
    assert len(texts) >= 5
    assert describe(item.scene, item.facts, seed=3) == describe(item.scene, item.facts, seed=3)
    for t in texts:  # the same labels in every variant
        assert all(f"{v} at (" in t for v in item.facts["nodes"])


def test_figure_types(corpus: Corpus) -> None:
    types = {i.family: figure_type(i.scene) for i in corpus.correct}
    assert types["bar_chart"] == "a bar chart"
    assert types["pie_chart"] == "a pie chart"
    assert types["scatter_fit"] == "a scatter plot"


def test_relations_from_geometry() -> None:
    black = [0.0, 0.0, 0.0, 1.0]
    tri = [[0.0, 0.0], [4.0, 0.0], [0.0, 3.0], [0.0, 0.0]]

    def seg(p: list[float], q: list[float]) -> Element:
        return Element(
            "line", "Line2D", axes=0, data=[p, q], n_points=2, edgecolor=black, linestyle="solid"
        )

    def lab(t: str, xy: list[float]) -> Element:
        return Element("annotation", "Annotation", axes=0, text=t, props={"xy": xy})

    scene = Scene(
        figures=[FigureInfo(0, 5, 5, 100)],
        axes=[AxesInfo(0, xlim=[-1.0, 10.0], ylim=[-1.0, 10.0], axis_on=False)],
        elements=[
            Element("polygon", "Polygon", axes=0, data=tri, n_points=4, edgecolor=black),
            Element(
                "circle", "Circle", axes=0, edgecolor=black, props={"center": [1, 1], "radius": 1}
            ),
            seg([0, 0], [4, 0]),
            seg([0, 5], [4, 5]),
            seg([0, -1], [4, 3]),
            seg([2, -2], [2, 6]),
            lab("A", [0, 0]),
            lab("B", [4, 0]),
            lab("P", [1, 1]),
            lab("M", [2, 0]),
        ],
    )
    rels = {(r.subject, r.relation, r.object) for r in relations(scene, limit=50)}
    assert ("P", "inside", "the circle centred at (1, 1)") in rels
    assert ("P", "inside", "polygon 1") in rels
    assert ("the circle centred at (1, 1)", "tangent to", "segment AB") in rels
    assert ("segment AB", "parallel to", "line 2") in rels
    assert ("segment AB", "intersects", "line 4") in rels
    assert ("A, M and B", "collinear", "") in rels
    text = describe(scene, seed=0)
    assert "tangent to segment AB" in text and "P is inside" in text
