"""Scene.from_dict / from_json check every field of what they read (it may come from a hostile
sandboxed program), and every scene the tracer makes passes those checks unchanged."""

from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepercept.scene import model
from codepercept.scene.model import MAX_STRING, AxesInfo, Element, FigureInfo, Scene


def good() -> dict:
    return {
        "schema_version": 1,
        "figures": [{"index": 0, "width_in": 6.4, "height_in": 4.8, "dpi": 100.0,
                     "facecolor": [1.0, 1.0, 1.0, 1.0], "suptitle": "S", "legend": []}],
        "axes": [{"index": 0, "figure": 0, "bbox": [0.1, 0.1, 0.9, 0.9], "xlim": [0.0, 1.0],
                  "ylim": [0.0, 2.0], "aspect": "auto", "xticks": [0.0, 0.5, 1.0],
                  "xticklabels": ["0", "0.5", "1"], "title": "T", "legend": ["a"],
                  "facecolor": [1.0, 1.0, 1.0, 1.0], "elev": None}],
        "elements": [
            {"kind": "line", "cls": "Line2D", "figure": 0, "axes": 0,
             "data": [[0.0, 1.0], [1.0, 2.0]], "fig": [[0.1, 0.1], [0.9, 0.9]], "n_points": 2,
             "bbox": [0.1, 0.1, 0.9, 0.9], "edgecolor": [0.0, 0.0, 1.0, 1.0], "linewidth": 1.5,
             "linestyle": "solid", "zorder": 2.0, "visible": True, "clipped_out": False,
             "label": "a", "count": 1,
             "props": {"drawstyle": "default", "xy": [1.0, None], "n": 3, "ok": True,
                       "nested": {"levels": [1.0, 2.0], "names": ["x"]}}},
            {"kind": "text", "cls": "Text", "axes": None, "text": "hello", "fontsize": 10,
             "rotation": 0.0, "color": [0, 0, 0, 1], "data": None, "fig": [[0.5, 0.5]]},
        ],
        "warnings": ["w"],
    }  # fmt: skip


def test_a_good_scene_round_trips():
    d = good()
    scene = Scene.from_dict(copy.deepcopy(d))
    assert isinstance(scene.elements[0], Element) and scene.elements[1].props == {}
    assert scene.elements[1].visible is True  # defaults filled in
    assert isinstance(scene.axes[0], AxesInfo) and scene.axes[0].yticks == []
    assert isinstance(scene.figures[0], FigureInfo)
    again = Scene.from_json(scene.to_json())
    assert again == scene and again.to_dict() == scene.to_dict()
    # the dataclass constructors and from_dict agree
    assert Element.from_dict(d["elements"][1]) == Element(
        "text", "Text", axes=None, text="hello", fontsize=10, rotation=0.0, color=[0, 0, 0, 1],
        fig=[[0.5, 0.5]],
    )  # fmt: skip


def _set(d: dict, path: tuple, value) -> dict:
    d = copy.deepcopy(d)
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return d


NAN, INF = float("nan"), float("inf")
BAD = [
    # (path, value, what the message must name)
    (("elements", 0, "linewidth"), NAN, "elements[0]: linewidth"),
    (("elements", 0, "linewidth"), INF, "elements[0]: linewidth"),
    (("elements", 0, "linewidth"), True, "elements[0]: linewidth"),
    (("elements", 0, "linewidth"), "1.5", "elements[0]: linewidth"),
    (("elements", 0, "zorder"), None, "elements[0]: zorder"),
    (("elements", 0, "count"), "12", "elements[0]: count"),
    (("elements", 0, "count"), True, "elements[0]: count"),
    (("elements", 0, "count"), -1, "elements[0]: count"),
    (("elements", 0, "count"), 2**60, "elements[0]: count"),
    (("elements", 0, "count"), 1.0, "elements[0]: count"),
    (("elements", 0, "n_points"), 10**400, "elements[0]: n_points"),
    (("elements", 0, "axes"), 3, "elements[0].axes"),
    (("elements", 0, "kind"), "hologram", "elements[0]: kind"),
    (("elements", 0, "cls"), "x" * (MAX_STRING + 1), "elements[0]: cls"),
    (("elements", 0, "cls"), None, "elements[0]: cls"),
    (("elements", 0, "text"), ["a"], "elements[0]: text"),
    (("elements", 0, "visible"), 1, "elements[0]: visible"),
    (("elements", 0, "data"), [[0.0, NAN]], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0, INF], [1.0, 2.0]], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0, True]], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0, "1"]], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0, None]], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0]], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0, 1.0, 2.0, 3.0]], "elements[0]: data"),
    (("elements", 0, "data"), [(0.0, 1.0)], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0, 2**1100]], "elements[0]: data"),
    (("elements", 0, "data"), [[0.0, 1.0]] * 513, "elements[0]: data"),
    (("elements", 0, "data"), "abc", "elements[0]: data"),
    (("elements", 0, "fig"), [[0.0, 1.0, 2.0]], "elements[0]: fig"),
    (("elements", 0, "bbox"), [0.0, 0.0, 1.0], "elements[0]: bbox"),
    (("elements", 0, "bbox"), [0.0, 0.0, 1.0, NAN], "elements[0]: bbox"),
    (("elements", 0, "edgecolor"), [0.0, 0.0, 1.0], "elements[0]: edgecolor"),
    (("elements", 0, "edgecolor"), [0.0, 0.0, 2.0, 1.0], "elements[0]: edgecolor"),
    (("elements", 0, "edgecolor"), [0.0, 0.0, NAN, 1.0], "elements[0]: edgecolor"),
    (("elements", 0, "edgecolor"), [0.0, 0.0, True, 1.0], "elements[0]: edgecolor"),
    (("elements", 0, "edgecolor"), "red", "elements[0]: edgecolor"),
    (("elements", 0, "props"), [], "elements[0]: props"),
    (("elements", 0, "props", "xy"), [1.0, NAN], "elements[0]: props: xy"),
    (("elements", 0, "props", "big"), "x" * (MAX_STRING + 1), "elements[0]: props: big"),
    (("elements", 0, "props", "n"), 10**30, "elements[0]: props: n:"),
    (("elements", 0, "props", "nested", "levels"), [INF], "elements[0]: props: nested"),
    (("elements", 0, "props", "obj"), object(), "elements[0]: props: obj"),
    (("elements", 0, "secret"), 1, "elements[0]: unknown Element field 'secret'"),
    (("elements", 0), [1, 2], "elements[0]: Element must be a JSON object"),
    (("axes", 0, "xlim"), [0.0, NAN], "axes[0]: xlim"),
    (("axes", 0, "xlim"), [0.0], "axes[0]: xlim"),
    (("axes", 0, "xticks"), [0.0, "1"], "axes[0]: xticks"),
    (("axes", 0, "xticklabels"), ["a", 1], "axes[0]: xticklabels"),
    (("axes", 0, "aspect"), INF, "axes[0]: aspect"),
    (("axes", 0, "aspect"), [1], "axes[0]: aspect"),
    (("axes", 0, "elev"), INF, "axes[0]: elev"),
    (("axes", 0, "title"), 3, "axes[0]: title"),
    (("axes", 0, "bogus"), 3, "axes[0]: unknown AxesInfo field 'bogus'"),
    (("figures", 0, "dpi"), NAN, "figures[0]: dpi"),
    (("figures", 0, "dpi"), None, "figures[0]: dpi"),
    (("figures", 0, "legend"), "abc", "figures[0]: legend"),
    (("figures", 0, "index"), -1, "figures[0]: index"),
    (("figures", 0, "extra"), 1, "figures[0]: unknown FigureInfo field 'extra'"),
    (("warnings",), [1], "warnings"),
    (("warnings",), "w", "warnings"),
    (("elements",), {"a": 1}, "elements: expected a list"),
    (("schema_version",), True, "schema_version"),
    (("schema_version",), 2, "schema_version"),
    (("extra",), [], "unknown Scene field 'extra'"),
]


@pytest.mark.parametrize(("path", "value", "names"), BAD, ids=[str(b[:2])[:60] for b in BAD])
def test_a_bad_field_is_refused_by_name(path, value, names):
    with pytest.raises(ValueError) as err:
        Scene.from_dict(_set(good(), path, value))
    assert names in str(err.value)


def test_required_fields():
    for where, name in (("elements", "kind"), ("elements", "cls"), ("figures", "dpi")):
        d = good()
        del d[where][0][name]
        with pytest.raises(ValueError, match=f"needs '{name}'"):
            Scene.from_dict(d)
    with pytest.raises(ValueError, match="must be a JSON object"):
        Scene.from_dict([])  # type: ignore[arg-type]


def test_ints_where_floats_belong_are_numbers():
    d = _set(good(), ("elements", 0, "linewidth"), 2)
    d = _set(d, ("elements", 0, "data"), [[0, 1], [2, 3]])
    d = _set(d, ("axes", 0, "aspect"), 1)
    scene = Scene.from_dict(d)
    assert scene.elements[0].data == [[0, 1], [2, 3]]
    assert json.loads(scene.to_json())["elements"][0]["linewidth"] == 2


def test_bounded_counts(monkeypatch):
    monkeypatch.setattr(model, "MAX_ITEMS", 3)
    d = good()
    d["elements"] = d["elements"] * 2
    with pytest.raises(ValueError, match="elements: 4 entries"):
        Scene.from_dict(d)


def test_deep_props_raise_value_error_not_recursion_error():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="nested too deep"):
        Scene.from_dict(_set(good(), ("elements", 0, "props", "deep"), deep))


def test_from_json_bounds_nesting_before_parsing():
    text = json.dumps(good())
    deep = text.replace('"warnings": ["w"]', '"warnings": ' + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="nested deeper than 64"):
        Scene.from_json(deep)
    with pytest.raises(ValueError):
        Scene.from_json(b"\xff\xfe")
    with pytest.raises(ValueError):
        Scene.from_json('{"schema_version": 1, "figures": [' + "1" * 5000 + "]}")
    # brackets and escaped quotes inside strings are not nesting
    tricky = _set(good(), ("elements", 0, "text"), '\\"' + "[" * 200 + '\\\\"{')
    assert Scene.from_json(json.dumps(tricky)).elements[0].text.endswith('\\\\"{')


JSON_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    | st.sampled_from([10**400, 2**53 + 1, -1, 1e308, "x" * (MAX_STRING + 1)])
)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@st.composite
def mutated(draw) -> dict:
    """A good scene with one field (anywhere) replaced by an arbitrary JSON-like value."""
    d = good()
    where = draw(st.sampled_from(["figures", "axes", "elements", "top"]))
    if where == "top":
        node = d
    else:
        node = d[where][draw(st.integers(0, len(d[where]) - 1))]
    keys = [*sorted(node), "unknown"]
    node[draw(st.sampled_from(keys))] = draw(JSON_VALUES)
    return d


@settings(max_examples=500, deadline=None)
@given(mutated())
def test_whatever_is_accepted_serialises_again(d):
    try:
        scene = Scene.from_dict(d)
    except ValueError:
        return
    text = scene.to_json()  # allow_nan=False: raises on NaN/inf
    again = Scene.from_json(text)
    assert again.to_dict() == scene.to_dict()
    for e in scene.elements:
        for v in (e.zorder, e.linewidth, e.fontsize):
            assert v is None or (type(v) in (int, float) and math.isfinite(v))


def test_synth_scenes_from_every_family_round_trip_unchanged():
    """Scenes the tracer makes for every synth program pass validation, unchanged."""
    from codepercept.sandbox import Executor
    from codepercept.synth import list_families

    fams = list_families()
    codes = [fam.generate(seed).code for fam in fams for seed in (0, 1)]
    with Executor(workers=2, reuse=16, timeout_s=60) as ex:
        results = ex.map(codes)
    assert len(results) == len(codes) == 2 * len(fams)
    for code, res in zip(codes, results, strict=True):
        assert res.status == "ok", (code[:80], res.message)
        assert res.scene is not None  # the executor validated it: from_json accepted it
        again = Scene.from_json(res.scene.to_json())
        assert again == res.scene
        assert json.loads(res.scene.to_json()) == json.loads(res.scene_json)


def test_the_tracer_keeps_within_the_bounds():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from codepercept.scene.tracer import trace_figures

    plt.close("all")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0], label="L" * 20_000)
    ax.set_title("T" * 20_000)
    ax.text(0.5, 0.5, "x" * 30_000)
    ax.set_xticks([0.0, 1.0], ["a" * 15_000, "b"])
    fig.canvas.draw()
    scene = trace_figures([fig])
    plt.close(fig)
    back = Scene.from_json(scene.to_json())
    assert back == scene
    assert len(scene.axes[0].title) == MAX_STRING
    assert max(len(e.text or "") for e in scene.elements) == MAX_STRING
    assert len(scene.axes[0].xticklabels[0]) == MAX_STRING
