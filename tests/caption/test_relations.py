"""The relation graph and relational claims, on figures written by hand (not our families):
set diagrams, a graph with named nodes, a flow chart, stacked lines."""

from __future__ import annotations

import time

import pytest

from codepercept.caption import describe, verify
from codepercept.caption.correct import correct
from codepercept.scene.relations import relation_graph

VENN2 = """\
import matplotlib.pyplot as plt
from matplotlib.patches import Circle
fig, ax = plt.subplots(figsize=(5, 4))
ax.add_patch(Circle((0, 0), 1.2, fc="tab:blue", alpha=0.3, ec="k"))
ax.add_patch(Circle((1.4, 0), 1.2, fc="tab:orange", alpha=0.3, ec="k"))
ax.text(-0.6, 0, "12", ha="center"); ax.text(0.7, 0, "5", ha="center"); ax.text(2.0, 0, "9", ha="center")
ax.text(-0.5, 1.35, "A", fontsize=14); ax.text(1.9, 1.35, "B", fontsize=14)
ax.text(2.6, -1.4, "3")
ax.set_xlim(-1.6, 3.0); ax.set_ylim(-1.6, 1.7); ax.set_aspect("equal"); ax.axis("off")
"""
VENN_UNIVERSE = """\
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, Rectangle
fig, ax = plt.subplots(figsize=(5, 4))
ax.add_patch(Rectangle((-1.9, -1.7), 5.2, 3.6, fill=False, ec="k"))
ax.text(-1.6, 1.15, "Pupils", fontsize=12)  # the universe's name, drawn first, near circle A
ax.add_patch(Circle((0, 0), 1.2, fc="tab:blue", alpha=0.3, ec="k"))
ax.add_patch(Circle((1.4, 0), 1.2, fc="tab:orange", alpha=0.3, ec="k"))
ax.text(-0.6, 0, "12", ha="center"); ax.text(0.7, 0, "5", ha="center"); ax.text(2.0, 0, "9", ha="center")
ax.text(-0.45, 1.25, "Chess", fontsize=14); ax.text(1.6, 1.25, "Drama", fontsize=14)
ax.text(2.7, -1.4, "3")
ax.set_xlim(-2.0, 3.4); ax.set_ylim(-1.8, 2.0); ax.set_aspect("equal"); ax.axis("off")
"""
VENN3 = """\
import matplotlib.pyplot as plt
from matplotlib.patches import Circle
fig, ax = plt.subplots(figsize=(5, 5))
for c, col in [((0, 0), "red"), ((1.2, 0), "green"), ((0.6, 1.0), "blue")]:
    ax.add_patch(Circle(c, 1.0, fc=col, alpha=0.25, ec="black"))
for x, y, s in [(-0.5, -0.3, "4"), (1.7, -0.3, "6"), (0.6, 1.6, "2"), (0.6, -0.45, "3"),
                (0.05, 0.75, "1"), (1.15, 0.75, "8"), (0.6, 0.35, "5")]:
    ax.text(x, y, s, ha="center", va="center")
ax.text(-1.2, -1.1, "Math"); ax.text(2.0, -1.1, "Physics"); ax.text(0.4, 2.15, "Art")
ax.set_xlim(-1.5, 2.7); ax.set_ylim(-1.5, 2.4); ax.set_aspect("equal"); ax.axis("off")
"""
# set labels inside their circles, words as members, legend-free
VENN_WORDS = """\
import matplotlib.pyplot as plt
from matplotlib.patches import Ellipse
fig, ax = plt.subplots(figsize=(6, 4))
ax.add_patch(Ellipse((0, 0), 3, 2, fc="none", ec="purple", lw=2))
ax.add_patch(Ellipse((1.6, 0), 3, 2, fc="none", ec="teal", lw=2))
ax.text(-0.9, 0.6, "Pets", fontsize=16, ha="center"); ax.text(2.5, 0.6, "Farm", fontsize=16, ha="center")
ax.text(-0.8, -0.2, "cat", ha="center"); ax.text(0.8, -0.2, "dog", ha="center")
ax.text(2.4, -0.2, "cow", ha="center")
ax.set_xlim(-2, 3.6); ax.set_ylim(-1.4, 1.4); ax.axis("off")
"""
GRAPH = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 4))
pos = {"A": (0, 0), "B": (2, 0), "C": (1, 1.5), "D": (3, 1.5)}
for a, b in [("A", "B"), ("A", "C"), ("B", "D")]:
    ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="gray", zorder=1)
for n, (x, y) in pos.items():
    ax.plot(x, y, "o", ms=18, color="lightblue", zorder=2)
    ax.text(x, y, n, ha="center", va="center", zorder=3)
ax.annotate("", xy=(3, 1.5), xytext=(1, 1.5), arrowprops=dict(arrowstyle="->"))
ax.axis("off")
"""
FLOW = """\
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch
fig, ax = plt.subplots(figsize=(6, 3))
boxes = {"Start": (0.5, 1), "Check": (3, 1), "End": (5.5, 1)}
for name, (x, y) in boxes.items():
    ax.add_patch(FancyBboxPatch((x - 0.6, y - 0.3), 1.2, 0.6, boxstyle="round,pad=0.05", fc="w", ec="k"))
    ax.text(x, y, name, ha="center", va="center")
ax.annotate("", xy=(2.35, 1), xytext=(1.15, 1), arrowprops=dict(arrowstyle="->"))
ax.annotate("", xy=(4.85, 1), xytext=(3.65, 1), arrowprops=dict(arrowstyle="->"))
ax.set_xlim(-0.5, 6.5); ax.set_ylim(0, 2); ax.axis("off")
"""
STACKED = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([0, 1, 2, 3], [1, 2, 1, 2], color="blue", lw=6, zorder=3)
ax.plot([0, 1, 2, 3], [2, 1, 2, 1], color="red", lw=6, zorder=1)
"""

BARS = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.bar(["Jan", "Feb", "March", "April"], [3, 5, 9, 4], color="tab:green")
ax.set_ylabel("rain (mm)")
"""
HBARS = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.barh(["oak", "pine", "birch"], [12, 30, 7])
"""
TRIANGLE = """\
import matplotlib.pyplot as plt
from matplotlib.patches import Polygon
fig, ax = plt.subplots()
ax.add_patch(Polygon([(0, 0), (4, 0), (2, 3)], closed=True, fill=False, ec="k"))
for name, (x, y) in {"P": (2, 1), "Q": (4, 2.5)}.items():
    ax.plot(x, y, "ko")
    ax.text(x + 0.1, y + 0.1, name)
ax.set_xlim(-1, 5); ax.set_ylim(-1, 4); ax.set_aspect("equal")
"""

FIGURES = {"bars": BARS, "hbars": HBARS, "triangle": TRIANGLE, "venn2": VENN2, "venn3": VENN3, "venn_words": VENN_WORDS, "graph": GRAPH,
           "flow": FLOW, "stacked": STACKED, "venn_universe": VENN_UNIVERSE}  # fmt: skip

# (figure, claim, verdict): hand-written, true and false
CLAIMS = [
    ("venn2", "The intersection of A and B holds 5.", "supported"),
    ("venn2", "The intersection of A and B holds 7.", "contradicted"),
    ("venn2", "The overlap of A and B contains 12.", "contradicted"),
    ("venn2", "A ∩ B: 5", "supported"),
    ("venn2", "12 lies only in A.", "supported"),
    ("venn2", "9 lies only in A.", "contradicted"),
    ("venn2", "9 is in B only.", "supported"),
    ("venn2", "5 lies in both A and B.", "supported"),
    ("venn2", "12 lies in both A and B.", "contradicted"),
    ("venn2", "3 lies outside A and B.", "supported"),
    ("venn2", "5 lies outside A and B.", "contradicted"),
    ("venn3", "The intersection of Math and Physics holds 3.", "supported"),
    ("venn3", "The intersection of Math and Physics only holds 5.", "contradicted"),
    ("venn3", "5 lies in Math, Physics and Art.", "supported"),
    ("venn3", "2 lies only in Art.", "supported"),
    ("venn3", "2 lies only in Math.", "contradicted"),
    ("venn3", "8 lies in Art and Physics only.", "supported"),
    ("venn3", "8 lies in Art and Math only.", "contradicted"),
    ("venn_words", '"dog" lies in both Pets and Farm.', "supported"),
    ("venn_words", '"cat" lies in Farm only.', "contradicted"),
    ("venn_words", '"cow" lies only in Farm.', "supported"),
    ("graph", "A is connected to C.", "supported"),
    ("graph", "A is connected to D.", "contradicted"),
    ("graph", "B and D are connected.", "supported"),
    ("graph", "C and B are connected.", "contradicted"),
    ("graph", "An arrow goes from C to D.", "supported"),
    ("graph", "An arrow goes from D to C.", "contradicted"),
    ("graph", "A is not connected to D.", "supported"),
    ("flow", "An arrow goes from Start to Check.", "supported"),
    ("flow", "Check points to End.", "supported"),
    ("flow", "End points to Start.", "contradicted"),
    ("stacked", "The blue line is drawn over the red line.", "supported"),
    ("stacked", "The red line is drawn on top of the blue line.", "contradicted"),
    ("stacked", "The red line is behind the blue line.", "supported"),
    ("bars", "The tallest bar is March.", "supported"),
    ("bars", "The tallest bar is Feb.", "contradicted"),
    ("bars", "Jan has the lowest value.", "supported"),
    ("bars", "April has the highest bar.", "contradicted"),
    ("hbars", "The longest bar is pine.", "supported"),
    ("hbars", "The shortest bar is oak.", "contradicted"),
    ("triangle", "P lies inside the triangle.", "supported"),
    ("triangle", "Q lies inside the triangle.", "contradicted"),
    ("triangle", "Point Q is outside the triangle.", "supported"),
    ("triangle", "P is not inside the triangle.", "contradicted"),
]


@pytest.fixture(scope="module")
def scenes(executor):
    out = {}
    for name, code in FIGURES.items():
        res = executor.run(code)
        assert res.status == "ok", (name, res.message)
        out[name] = res.scene
    return out


def test_regions_and_their_names(scenes):
    g = relation_graph(scenes["venn3"])
    assert sorted(g.named_shapes()) == ["Art", "Math", "Physics"]
    assert g.region_texts({"Math", "Physics", "Art"}) == ["5"]
    assert g.region_texts({"Math", "Physics"}) == ["3"]
    assert g.region_texts({"Art"}) == ["2"]
    words = relation_graph(scenes["venn_words"])
    assert sorted(words.named_shapes()) == ["Farm", "Pets"]  # labels drawn inside, larger
    assert words.region_texts({"Pets", "Farm"}) == ["dog"]
    assert relation_graph(scenes["venn2"]).region_texts(set()) == ["3"]


def test_a_set_takes_its_nearest_name_not_the_first_drawn(scenes):
    # The universe's label "Pupils" is drawn first and lies within naming distance of circle
    # "Chess" too; the nearer label must name the circle, and "Pupils" names no set.
    g = relation_graph(scenes["venn_universe"])
    assert sorted(g.named_shapes()) == ["Chess", "Drama"]
    assert g.region_texts({"Chess"}) == ["12"]
    assert g.region_texts({"Chess", "Drama"}) == ["5"]
    assert "lie in Pupils" not in describe(scenes["venn_universe"])
    got = [
        c for c in verify("12 lies only in Chess.", scenes["venn_universe"]) if c.kind == "relation"
    ]
    assert [c.verdict for c in got] == ["supported"]


def test_nodes_edges_and_arrows(scenes):
    g = relation_graph(scenes["graph"])
    assert sorted(g.nodes) == ["A", "B", "C", "D"]
    undirected = {frozenset((e.a, e.b)) for e in g.edges if not e.directed}
    assert undirected == {frozenset("AB"), frozenset("AC"), frozenset("BD")}
    assert [(e.a, e.b) for e in g.edges if e.directed] == [("C", "D")]
    flow = relation_graph(scenes["flow"])
    assert [(e.a, e.b, e.directed) for e in flow.edges] == [
        ("Start", "Check", True),
        ("Check", "End", True),
    ]


@pytest.mark.parametrize("figure, claim, verdict", CLAIMS, ids=[f"{f}:{c}" for f, c, _ in CLAIMS])
def test_relational_claims(scenes, figure, claim, verdict):
    got = [c for c in verify(claim, scenes[figure]) if c.kind == "relation"]
    assert len(got) == 1, [(c.kind, c.text) for c in verify(claim, scenes[figure])]
    assert got[0].verdict == verdict, got[0].evidence


def test_a_false_relational_claim_is_never_passed_by_the_other_checks(scenes):
    """The issue's case: "the intersection holds 7" when 5 is drawn there passed as a value."""
    claims = verify("The intersection of A and B holds 7.", scenes["venn2"])
    assert any(c.verdict == "contradicted" for c in claims)
    assert not any(c.verdict == "supported" and c.text == "7" for c in claims)


def test_describe_states_the_relations_and_they_verify(scenes):
    for name in ("venn2", "venn3", "venn_words", "graph", "flow"):
        caption = describe(scenes[name])
        claims = verify(caption, scenes[name])
        assert not [c for c in claims if c.verdict == "contradicted"], (name, caption)
        assert sum(c.kind == "relation" and c.verdict == "supported" for c in claims) >= 2, caption
    assert "5 lies in A and B only." in describe(scenes["venn2"])
    assert "An arrow goes from Start to Check." in describe(scenes["flow"])


def test_correct_fixes_a_region_value_and_never_writes_a_contradiction(scenes):
    fixed = correct("The intersection of A and B holds 7. 12 lies only in A.", scenes["venn2"])
    assert fixed == "The intersection of A and B holds 5. 12 lies only in A."
    fixed = correct("The red line is drawn on top of the blue line.", scenes["stacked"])
    assert fixed == "The red line is drawn under the blue line."
    for name, scene in scenes.items():
        for _, claim, _ in CLAIMS:
            after = correct(claim, scene)
            before = verify(claim, scene)
            n_before = sum(c.verdict == "contradicted" for c in before)
            n_after = sum(c.verdict == "contradicted" for c in verify(after, scene))
            assert n_after <= n_before, (name, claim, after)


@pytest.mark.parametrize(
    "caption",
    [
        "La intersección de A y B contiene 5.",  # another language
        "The intersection of A and B holds five items.",  # a number in words
        "The overlap of A and B holds 5 kg.",  # units
        "This diagram compares two groups of students.",  # nothing checkable
        "Die Schnittmenge von A und B enthält 7.",
    ],
)
def test_unparseable_relational_text_is_never_contradicted_wrongly(scenes, caption):
    claims = verify(caption, scenes["venn2"])
    wrong = [c for c in claims if c.verdict == "contradicted" and c.kind == "relation"]
    assert not wrong or "7" in caption, [(c.text, c.evidence) for c in wrong]


def test_a_scene_of_thousands_of_elements_finishes_quickly(executor):
    code = (
        "import matplotlib.pyplot as plt\nfrom matplotlib.patches import Circle\n"
        "fig, ax = plt.subplots()\n"
        "for i in range(1500):\n"
        "    ax.add_patch(Circle((i % 40, i // 40), 0.45, fc='none', ec='k'))\n"
        "    ax.text(i % 40, i // 40, str(i), fontsize=3)\n"
        "ax.set_xlim(-1, 41); ax.set_ylim(-1, 40)\n"
    )
    res = executor.run(code)
    assert res.status == "ok"
    t0 = time.perf_counter()
    relation_graph(res.scene)
    verify("The intersection of 3 and 4 holds 5. 7 lies only in 12.", res.scene)
    assert time.perf_counter() - t0 < 10


def test_colours_sizes_and_indices_in_props_are_not_numbers_a_caption_can_cite():
    """The tracer records per-item colours, sizes and a colorbar's mappable index in props; a
    caption's wrong number must not be 'in the scene' because an RGBA component equals it."""
    from codepercept.caption.index import build_index
    from codepercept.scene.model import Element, Scene

    el = Element(kind="scatter", cls="PathCollection", count=3,
                 props={"item_colors": [[0.123, 0.456, 0.789, 1.0]], "item_sizes": [37.5],
                        "mappable": 17, "edgecolors": [[0.321, 0.654, 0.987, 1.0]], "level": 4.25})  # fmt: skip
    numbers = build_index(Scene(elements=[el])).numbers
    for v in (0.123, 0.456, 0.789, 37.5, 17, 0.321, 0.654):
        assert not any(abs(n - v) < 1e-9 for n in numbers), v
    assert any(abs(n - 4.25) < 1e-9 for n in numbers)  # other props still count
