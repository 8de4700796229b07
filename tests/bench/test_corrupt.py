"""The text, item_colours, hue and zorder corruptions, run through the real sandbox and tracer.

Every program below is run once as the reference and once per (corruption, severity), all in
one batch; the tests read the traced scenes, the rendered images and the ``CP_CORRUPT`` report.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from codepercept.bench.corrupt import CORRUPTIONS, corrupt_program, parse_report
from codepercept.scene.model import Scene

TEXTS = """
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 4))
ax.plot([0, 1, 2], [0, 1, 4], label="squares")
ax.plot([0, 1, 2], [0, 1, 2], label="line")
ax.set_title("Growth")
ax.set_title("left note", loc="left")
ax.set_xlabel("time (s)")
ax.set_ylabel("distance")
ax.legend()
ax.text(0.2, 3, "a remark")
ax.annotate("peak", xy=(2, 4), xytext=(1, 3.5), arrowprops=dict(arrowstyle="->"))
fig.suptitle("Main title")
plt.show()
"""
#: The content strings of TEXTS: titles (2), suptitle, axis labels (2), legend (2), text (2).
N_TEXTS = 9

BUBBLES = """
import numpy as np
import matplotlib.pyplot as plt
rng = np.random.default_rng(1)
x, y = rng.random(15), rng.random(15)
fig, (a1, a2) = plt.subplots(1, 2, figsize=(7, 3))
a1.scatter(x, y, s=rng.random(15) * 400 + 20, c=rng.random(15), cmap="viridis", alpha=0.7)
a2.scatter(x, y, c=["tab:red", "tab:blue", "tab:green"] * 5)
a2.plot([0, 1], [0, 1], color="tab:purple")
plt.show()
"""

HUE = """
import numpy as np
import matplotlib.pyplot as plt
fig, (a1, a2) = plt.subplots(1, 2, figsize=(6, 3))
a1.plot([0, 1], [0, 1], color="red", linewidth=3)
a1.plot([0, 1], [1, 0], color="0.5", linewidth=3)
a2.imshow(np.arange(16.0).reshape(4, 4), cmap="viridis")
plt.show()
"""

STACKED = """
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, Rectangle
fig, ax = plt.subplots(figsize=(4, 4))
ax.add_patch(Rectangle((0.1, 0.1), 0.4, 0.4, color="tab:blue"))
ax.add_patch(Rectangle((0.3, 0.3), 0.4, 0.4, color="tab:orange"))
ax.add_patch(Circle((0.85, 0.85), 0.08, color="tab:green"))
ax.set_xlim(0, 1)
ax.set_ylim(0, 1)
plt.show()
"""

APART = """
import matplotlib.pyplot as plt
from matplotlib.patches import Circle
fig, ax = plt.subplots(figsize=(4, 4))
for i, c in enumerate(["tab:blue", "tab:orange", "tab:green"]):
    ax.add_patch(Circle((0.15 + 0.35 * i, 0.5), 0.1, color=c))
ax.set_xlim(0, 1)
ax.set_ylim(0, 1)
plt.show()
"""

#: A bar chart with value labels, a line over the bars, a bubble scatter and a legend: every
#: new corruption has several candidates here.
MIXED = """
import numpy as np
import matplotlib.pyplot as plt
rng = np.random.default_rng(3)
fig, ax = plt.subplots(figsize=(6, 4))
bars = ax.bar(range(6), [3, 5, 2, 6, 4, 5], color=["tab:blue", "tab:orange"] * 3, label="bars")
ax.bar_label(bars, label_type="center")
ax.plot(range(6), [4, 6, 3, 7, 5, 6], color="tab:red", marker="o", label="trend")
ax.scatter(rng.random(8) * 5, rng.random(8) * 6, s=rng.random(8) * 300 + 30,
           c=rng.random(8), cmap="plasma", label="bubbles")
ax.set_title("Mixed chart")
ax.set_xlabel("item")
ax.set_ylabel("value")
ax.legend()
plt.show()
"""

NEW = ("text", "item_colours", "hue", "zorder")
LEVELS = (0.25, 0.5, 0.75, 1.0)
SEED = 11

JOBS: list[tuple[str, str | None, float | None]] = (
    [(p, None, None) for p in ("TEXTS", "BUBBLES", "HUE", "STACKED", "APART", "MIXED")]
    + [(p, k, 0.0) for p, k in (("TEXTS", "text"), ("BUBBLES", "item_colours"),
                                ("HUE", "hue"), ("STACKED", "zorder"))]
    + [("TEXTS", "text", s) for s in (0.5, 1.0)]
    + [("BUBBLES", "item_colours", s) for s in LEVELS]
    + [("HUE", "hue", 1.0), ("STACKED", "zorder", 1.0), ("APART", "zorder", 1.0)]
    + [("MIXED", k, s) for k in NEW for s in (0.0, *LEVELS)]
)  # fmt: skip


@pytest.fixture(scope="module")
def runs(executor):
    """Every job of JOBS, run in one batch: ``{(program, kind, severity): ExecResult}``."""
    codes = []
    for program, kind, sev in JOBS:
        code = globals()[program]
        codes.append(code if kind is None else corrupt_program(code, kind, sev, seed=SEED))
    out = {}
    for job, res in zip(JOBS, executor.map(codes), strict=True):
        assert res.ok, (job, res.status, res.message)
        out[job] = res
    return out


def _ref(runs, program):
    return runs[program, None, None]


def _report(res):
    report = parse_report(res.stdout)
    assert report is not None
    return report


def test_new_corruptions_are_listed_with_their_target_scores():
    assert CORRUPTIONS["text"][1] == ("scene.text",)
    assert CORRUPTIONS["item_colours"][1] == ("scene.style", "image.colour")
    assert CORRUPTIONS["hue"][1] == ("scene.style", "image.colour")
    assert "overlap" in CORRUPTIONS["zorder"][0]


@pytest.mark.parametrize(
    "program,kind",
    [("TEXTS", "text"), ("BUBBLES", "item_colours"), ("HUE", "hue"), ("STACKED", "zorder")]
    + [("MIXED", k) for k in NEW],
)
def test_severity_zero_is_a_no_op(runs, program, kind):
    ref, zero = _ref(runs, program), runs[program, kind, 0.0]
    report = _report(zero)
    assert report.kind == kind and report.changed == 0 and report.candidates > 0
    assert zero.scene.to_dict() == ref.scene.to_dict()
    assert zero.images == ref.images


# -- text ------------------------------------------------------------------------------------


def _content_strings(scene: Scene) -> list[str]:
    """Suptitle, titles, axis labels, legend entries and text elements, in a fixed order."""
    out = [f.suptitle for f in scene.figures]
    for a in scene.axes:
        # The left and centre titles share AxesInfo.title ("left note | Growth").
        out += [*a.title.split(" | "), a.xlabel, a.ylabel, *a.legend]
    out += [e.text for e in scene.visible_elements() if e.text]
    return out


def _tick_labels(scene: Scene) -> list[list[str]]:
    return [a.xticklabels + a.yticklabels for a in scene.axes]


@pytest.mark.parametrize("sev", [0.5, 1.0])
def test_text_replaces_content_strings_not_tick_labels(runs, sev):
    ref, bad = _ref(runs, "TEXTS"), runs["TEXTS", "text", sev]
    report = _report(bad)
    assert report.candidates == N_TEXTS
    assert report.changed == math.ceil(sev * N_TEXTS)
    before, after = _content_strings(ref.scene), _content_strings(bad.scene)
    assert len(before) == len(after) == N_TEXTS
    assert sum(a != b for a, b in zip(before, after, strict=True)) == report.changed
    for a, b in zip(before, after, strict=True):
        assert len(a) == len(b)  # same length, never emptied
        assert all(ch.isalpha() or ch.isspace() for ch in b) or a == b
    assert _tick_labels(bad.scene) == _tick_labels(ref.scene)
    assert [(e.kind, e.bbox) for e in bad.scene.visible_elements() if not e.text] == [
        (e.kind, e.bbox) for e in ref.scene.visible_elements() if not e.text
    ]


# -- item_colours ----------------------------------------------------------------------------


def _item_colours(scene: Scene) -> list[np.ndarray]:
    return [
        np.asarray(e.props["item_colors"], float)
        for e in scene.visible_elements()
        if e.kind == "scatter"
    ]


def test_item_colours_recolours_each_item_more_with_severity(runs):
    ref = _ref(runs, "BUBBLES")
    base = _item_colours(ref.scene)
    assert len(base) == 2 and all(len(c) == 15 for c in base)
    # Both scatters are candidates: the colormapped bubble chart and the explicit colour list.
    distances = []
    for sev in LEVELS:
        bad = runs["BUBBLES", "item_colours", sev]
        report = _report(bad)
        assert report.candidates == 30 and report.changed == 30
        cols = _item_colours(bad.scene)
        assert len(cols) == 2
        per_scatter = [
            np.linalg.norm(c[:, :3] - b[:, :3], axis=1) for c, b in zip(cols, base, strict=True)
        ]
        assert all((d > 0).all() for d in per_scatter)  # every item moved
        distances.append([float(d.mean()) for d in per_scatter])
        # The line is not a per-item collection: it keeps its colour.
        assert [e.edgecolor for e in bad.scene.visible_elements() if e.kind == "line"] == [
            e.edgecolor for e in ref.scene.visible_elements() if e.kind == "line"
        ]
    for i in range(2):
        trend = [d[i] for d in distances]
        assert trend == sorted(trend) and trend[0] < trend[-1], trend
    assert min(distances[-1]) > 0.2
    # Items get their own targets: the explicit 3-colour cycle no longer has 3 colours.
    cycle = _item_colours(runs["BUBBLES", "item_colours", 1.0].scene)[1]
    assert len({tuple(np.round(c, 3)) for c in cycle}) > 3


# -- hue -------------------------------------------------------------------------------------


def _half(png: bytes, right: bool) -> np.ndarray:
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), float)
    w = img.shape[1] // 2
    return img[:, w:] if right else img[:, :w]


def test_hue_rotates_saturated_colours_and_colormaps(runs):
    ref, bad = _ref(runs, "HUE"), runs["HUE", "hue", 1.0]
    report = _report(bad)
    assert report.candidates == 2 and report.changed == 2  # red line, imshow (not the grey)
    lines = [e for e in bad.scene.visible_elements() if e.kind == "line"]
    red, grey = lines[0].edgecolor, lines[1].edgecolor
    assert red[0] < 0.1 and red[1] > 0.9 and red[2] > 0.9  # cyan
    assert grey == [e for e in ref.scene.visible_elements() if e.kind == "line"][1].edgecolor
    images = [e for e in bad.scene.visible_elements() if e.kind == "image"]
    assert images[0].props["cmap"] != "viridis"
    # The image's pixels changed (the right axes holds only the image).
    diff = np.abs(_half(bad.images[0], True) - _half(ref.images[0], True)).mean()
    assert diff > 10


# -- zorder ----------------------------------------------------------------------------------


def _stack(scene: Scene) -> list[tuple[str, tuple[float, ...] | None]]:
    """Element kinds and face colours in draw order."""
    return [(e.kind, tuple(np.round(e.facecolor, 3)) if e.facecolor else None)
            for e in scene.visible_elements()]  # fmt: skip


def test_zorder_acts_only_on_overlapping_artists(runs):
    ref, bad = _ref(runs, "STACKED"), runs["STACKED", "zorder", 1.0]
    report = _report(bad)
    assert report.candidates == 2  # the two rectangles; the far circle is not a candidate
    assert report.changed == 2 and report.extra["pairs_flipped"] == 1
    before, after = _stack(ref.scene), _stack(bad.scene)
    assert [k for k, _ in before] == ["rectangle", "rectangle", "circle"]
    assert after[:2] == before[1::-1] and after[2] == before[2]
    circle = [e for e in bad.scene.visible_elements() if e.kind == "circle"]
    assert round(circle[0].zorder, 2) == round(ref.scene.visible_elements()[2].zorder, 2)
    apart = _report(runs["APART", "zorder", 1.0])
    assert apart.candidates == 0 and apart.changed == 0 and apart.extra["pairs_flipped"] == 0


# -- monotonicity ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NEW)
def test_damage_grows_with_severity(runs, kind):
    reports = [_report(runs["MIXED", kind, s]) for s in (0.0, *LEVELS)]
    assert len({r.candidates for r in reports}) == 1 and reports[0].candidates > 1
    changed = [r.changed for r in reports]
    assert changed == sorted(changed) and changed[0] == 0 and changed[-1] > 0, changed
    if kind == "zorder":
        assert reports[-1].extra["pairs_flipped"] > 0
