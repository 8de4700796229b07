"""The three quality gates on hand-written programs run in a real sandbox: each bad program is
rejected by exactly one gate with the expected reason, each good one passes."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from codepercept.data.phash import HashIndex
from codepercept.gates import (
    GATES,
    GateConfig,
    GateStats,
    GateVerdict,
    ItemJudgement,
    consistency_gate,
    forbidden_operations,
    image_gate,
    judge_item,
    measure_source,
    overlapping_labels,
    scene_similarity,
    union_cover,
)
from codepercept.sandbox import Executor
from codepercept.scene.model import Element, Scene
from codepercept.synth import list_families

HEAD = "import matplotlib.pyplot as plt\nimport numpy as np\n"


def _literal_rows(n: int, m: int) -> str:
    rng = np.random.default_rng(0)
    return repr(rng.integers(0, 256, (n, m)).tolist())


def _png_b64() -> str:
    g = np.linspace(0, 255, 48, dtype=np.uint8)
    rgb = np.stack([np.add.outer(g, g) // 2, np.tile(g, (48, 1)), np.tile(g[:, None], (1, 48))], -1)
    buf = io.BytesIO()
    Image.fromarray(rgb.astype(np.uint8), "RGB").save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


PARABOLA = HEAD + (
    "x = np.linspace(-3, 3, 200)\n"
    "fig, ax = plt.subplots(figsize=(6, 4.5))\n"
    "ax.plot(x, x**2 - 2*x - 1, color='tab:blue', linewidth=2)\n"
    "ax.plot([1], [-2], 'o', color='tab:red')\n"
    "ax.annotate('vertex (1, -2)', (1, -2), xytext=(1.5, 4), arrowprops=dict(arrowstyle='->'))\n"
    "ax.set_xlabel('x')\nax.set_ylabel('y')\nax.grid(True, alpha=0.3)\n"
    "ax.set_title('y = x^2 - 2x - 1')\nplt.show()\n"
)


def _incline(sign: int) -> str:
    """A free-body diagram on an incline; ``sign=-1`` mirrors it (same elements and labels)."""
    return (
        "import matplotlib.pyplot as plt\nfrom matplotlib.patches import Polygon, FancyArrow\n"
        f"s = {sign}\n"
        "fig, ax = plt.subplots(figsize=(6, 4))\n"
        "ax.add_patch(Polygon([[0, 0], [s*6, 0], [s*6, 3]], closed=True, fc='#eeeeee', ec='k'))\n"
        "ax.add_patch(Polygon([[s*3, 1.5], [s*4, 2], [s*3.6, 2.8], [s*2.6, 2.3]], fc='tab:orange',"
        " ec='k'))\n"
        "ax.add_patch(FancyArrow(s*3.3, 2.15, 0, -1.5, width=0.04, color='tab:red'))\n"
        "ax.text(s*3.4, 0.6, 'mg', color='tab:red', fontsize=13)\n"
        "ax.add_patch(FancyArrow(s*3.3, 2.15, -s*0.6, 1.2, width=0.04, color='tab:blue'))\n"
        "ax.text(s*2.5, 3.4, 'N', color='tab:blue', fontsize=13)\n"
        "ax.add_patch(FancyArrow(s*3.3, 2.15, -s*0.9, -0.45, width=0.04, color='tab:green'))\n"
        "ax.text(s*2.1, 1.5, 'f', color='tab:green', fontsize=13)\n"
        "ax.text(s*5.2, 0.2, '30°', fontsize=12)\n"
        "ax.set_xlim(min(-0.5, s*6.5), max(-0.5*s, s*6.5))\nax.set_ylim(-0.5, 4)\n"
        "ax.set_aspect('equal')\nax.axis('off')\nplt.show()\n"
    )


PENDULUM = HEAD + (
    "from matplotlib.patches import Circle, FancyArrow\n"
    "fig, ax = plt.subplots(figsize=(5, 5))\n"
    "ax.plot([-1.5, 1.5], [0, 0], color='k', linewidth=3)\n"
    "bob = (np.sin(0.5) * 3, -np.cos(0.5) * 3)\n"
    "ax.plot([0, bob[0]], [0, bob[1]], color='gray')\n"
    "ax.plot([0, 0], [0, -3.2], color='gray', linestyle='--')\n"
    "ax.add_patch(Circle(bob, 0.25, color='tab:purple'))\n"
    "ax.add_patch(FancyArrow(bob[0], bob[1], 0, -1.2, width=0.04, color='tab:red'))\n"
    "ax.text(bob[0] + 0.15, bob[1] - 1.0, 'mg', color='tab:red', fontsize=13)\n"
    "ax.text(0.15, -1.2, 'θ', fontsize=14)\nax.text(0.9, -1.2, 'L', fontsize=13)\n"
    "ax.set_xlim(-2, 3)\nax.set_ylim(-4.5, 0.5)\nax.set_aspect('equal')\nax.axis('off')\n"
)

TICKS_1F = (
    "from matplotlib.ticker import FormatStrFormatter\n"
    "for _ax in plt.gcf().axes:\n"
    "    _ax.xaxis.set_major_formatter(FormatStrFormatter('%.1f'))\n"
    "    _ax.yaxis.set_major_formatter(FormatStrFormatter('%.1f'))\n"
    "plt.show()\n"
)


def _family_code(name: str, seed: int) -> str:
    return next(f for f in list_families() if f.name == name).generate(seed).code


SEED_CODE = _family_code("motion_graph", 0)

PROGRAMS: dict[str, str] = {
    # -- image gate --------------------------------------------------------------------------
    "blank": HEAD + "fig, ax = plt.subplots()\nax.axis('off')\nax.plot([], [])\n",
    "one_label": HEAD
    + "fig, ax = plt.subplots()\nax.axis('off')\nax.text(0.5, 0.5, 'x = 1', ha='center')\n",
    "solid_rectangle": HEAD + "from matplotlib.patches import Rectangle\n"
    "fig = plt.figure()\nax = fig.add_axes([0.05, 0.05, 0.9, 0.9])\n"
    "ax.add_patch(Rectangle((0, 0), 1, 1, color='navy'))\n"
    "ax.set_xlim(0, 1)\nax.set_ylim(0, 1)\nax.axis('off')\n",
    # the whole canvas one colour: its border is that colour, so there is no ink at all
    "solid_canvas": HEAD + "from matplotlib.patches import Rectangle\n"
    "fig = plt.figure()\nax = fig.add_axes([0, 0, 1, 1])\n"
    "ax.add_patch(Rectangle((0, 0), 1, 1, color='navy'))\n"
    "ax.set_xlim(0, 1)\nax.set_ylim(0, 1)\nax.axis('off')\n",
    "labels_piled": HEAD + "fig, ax = plt.subplots()\nax.plot([0, 10], [0, 10], color='k')\n"
    "for i in range(40):\n"
    "    ax.text(5 + 0.02 * i, 5 + 0.01 * i, f'label {i}', fontsize=11)\n",
    "tiny_canvas": HEAD
    + "fig = plt.figure(figsize=(0.8, 0.6))\nplt.plot([0, 1, 2], [2, 0, 1])\nplt.title('t')\n",
    "tiny_content": HEAD + "from matplotlib.patches import Circle\n"
    "fig = plt.figure()\nax = fig.add_axes([0, 0, 1, 1])\nax.axis('off')\n"
    "ax.set_xlim(0, 64)\nax.set_ylim(0, 48)\nax.set_aspect('equal')\n"
    "ax.add_patch(Circle((4, 4), 2.6, color='k'))\n",
    "crowded_text": HEAD + "fig, ax = plt.subplots()\nax.axis('off')\n"
    "for i in range(20):\n    for j in range(16):\n"
    "        ax.text(i / 20, j / 16, f'{i}{j}', fontsize=6)\n",
    "text_outside": HEAD + "fig, ax = plt.subplots()\nax.plot([0, 1, 2], [0, 1, 4], marker='o')\n"
    "ax.set_title('growth')\nfig.text(0.92, 0.5, 'a label that runs off the canvas')\n",
    "two_figures": HEAD + "plt.figure()\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.title('a')\n"
    "plt.figure()\nplt.plot([1, 2, 3], [9, 4, 1])\nplt.title('b')\n",
    # -- code gate ---------------------------------------------------------------------------
    "imshow_literal": HEAD + f"pixels = {_literal_rows(200, 200)}\n"
    "fig, ax = plt.subplots()\nax.imshow(pixels, cmap='gray')\nax.axis('off')\n",
    "imshow_base64": "import base64, io\n" + HEAD + f"data = {_png_b64()!r}\n"
    "img = plt.imread(io.BytesIO(base64.b64decode(data)))\n"
    "fig, ax = plt.subplots()\nax.imshow(img)\nax.set_title('a picture')\n",
    "figimage_literal": HEAD + f"arr = np.array({_literal_rows(64, 64)}, dtype=float)\n"
    "fig = plt.figure(figsize=(2, 2))\nfig.figimage(arr, cmap='gray', resize=True)\n"
    "fig.text(0.1, 0.1, 'img')\n",
    "imshow_small_literal": HEAD  # 400 numbers: under the literal bound, caught by the scene
    + f"cells = {_literal_rows(20, 20)}\n"
    "fig, ax = plt.subplots()\nax.imshow(cells, cmap='gray')\nax.set_title('cells')\n",
    "two_lines": "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\n",
    "raises": HEAD
    + "fig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\nraise ValueError('oops')\n",
    "forbidden": HEAD
    + "secret = open('/etc/passwd').read()\nplt.plot([1, 2])\nplt.title(secret)\n",
    "syntax": HEAD + "plt.plot([1, 2]\n",
    # ran (the error caught), but tried to read a host file: still forbidden
    "forbidden_caught": HEAD
    + "try:\n    secret = open('/etc/passwd').read()\nexcept OSError:\n    secret = ''\n"
    "fig, ax = plt.subplots()\nax.plot([1, 2, 3], [1, 4, 9])\nax.set_title('squares')\n",
    # -- good programs -----------------------------------------------------------------------
    "parabola": PARABOLA,
    "incline": _incline(1),
    "incline_mirrored": _incline(-1),
    "pendulum": PENDULUM,
    "heatmap": HEAD  # a raster computed from a formula is not smuggled
    + "x = np.linspace(-2, 2, 80)\nX, Y = np.meshgrid(x, x)\n"
    "fig, ax = plt.subplots(figsize=(5, 4))\n"
    "im = ax.imshow(np.exp(-X**2 - Y**2), extent=(-2, 2, -2, 2), cmap='viridis')\n"
    "fig.colorbar(im, ax=ax)\nax.set_title('Gaussian bump')\nax.set_xlabel('x')\n"
    "ax.set_ylabel('y')\nax.plot([0], [0], 'r+')\n",
    # -- reproduction ------------------------------------------------------------------------
    "seed": SEED_CODE,
    "reproduction_ticks": SEED_CODE.replace("plt.show()", "") + TICKS_1F,
    "reproduction_unrelated": HEAD + "fig, ax = plt.subplots(figsize=(5, 5))\n"
    "ax.pie([30, 45, 25], labels=['red', 'green', 'blue'], colors=['#c62828', '#2e7d32',"
    " '#1565c0'])\nax.set_title('Shares')\n",
}


@pytest.fixture(scope="module")
def results():
    names = list(PROGRAMS)
    with Executor(workers=2, timeout_s=20) as ex:
        out = ex.map([PROGRAMS[n] for n in names])
    return dict(zip(names, out, strict=True))


def judge(results, name, **kw) -> ItemJudgement:
    return judge_item(PROGRAMS[name], results[name], **kw)


def _assert_rejected(j: ItemJudgement, gate: str, reason: str) -> None:
    assert not j.passed
    assert (j.gate, j.reason) == (gate, reason), j.to_dict()
    # stops at the first failure: every earlier gate passed, exactly one verdict failed
    assert [v.gate for v in j.verdicts] == list(GATES[: GATES.index(gate) + 1])
    assert [v.passed for v in j.verdicts] == [True] * (len(j.verdicts) - 1) + [False]
    assert j.rejection.detail and "\n" not in j.rejection.detail
    json.dumps(j.to_dict())  # values are JSON-able


@pytest.mark.parametrize(
    ("name", "gate", "reason"),
    [
        ("blank", "image", "blank"),
        ("one_label", "image", "blank"),
        ("solid_rectangle", "image", "ink_blob"),
        ("solid_canvas", "image", "blank"),
        ("labels_piled", "image", "labels_overlap"),
        ("tiny_canvas", "image", "tiny"),
        ("tiny_content", "image", "tiny"),
        ("crowded_text", "image", "overcrowded"),
        ("text_outside", "image", "text_outside"),
        ("two_figures", "image", "multiple_figures"),
        ("imshow_literal", "code", "raster_literal"),
        ("imshow_base64", "code", "raster_literal"),
        ("figimage_literal", "code", "raster_literal"),
        ("imshow_small_literal", "code", "raster_literal"),
        ("two_lines", "code", "too_short"),
        ("raises", "code", "runtime_error"),
        ("forbidden", "code", "forbidden"),
        ("syntax", "code", "syntax_error"),
        ("forbidden_caught", "code", "forbidden"),
    ],
)
def test_bad_program_is_rejected_by_one_gate(results, name, gate, reason):
    _assert_rejected(judge(results, name), gate, reason)


def test_measured_values_explain_the_rejections(results):
    v = judge(results, "tiny_canvas").rejection.values
    assert (v["width"], v["height"]) == (80, 60)
    v = judge(results, "tiny_content").rejection.values
    assert v["content_side"] < GateConfig().min_content_side and v["ink"] >= GateConfig().min_ink
    v = judge(results, "labels_piled").rejection.values
    assert v["overlapping_labels"] >= 39 and v["texts"] == 40
    v = judge(results, "imshow_literal").rejection.values
    assert v["max_literal_numbers"] == 40_000
    v = judge(results, "imshow_base64").rejection.values
    assert v["max_blob_chars"] > GateConfig().max_blob_chars and "b64decode" in v["decode_calls"]
    v = judge(results, "imshow_small_literal").rejection.values
    assert v["max_literal_numbers"] == 400 < GateConfig().max_literal_numbers
    assert v["scene_rasters"] and v["scene_rasters"][0]["cls"] == "AxesImage"
    v = judge(results, "crowded_text").rejection.values
    assert v["texts_per_in2"] > GateConfig().max_texts_per_in2


@pytest.mark.parametrize("name", ["parabola", "incline", "pendulum", "heatmap"])
def test_good_program_passes_every_gate(results, name):
    j = judge(results, name)
    assert j.passed, j.to_dict()
    assert j.reason == "ok" and j.gate is None and j.rejection is None
    assert [v.gate for v in j.verdicts] == list(GATES)
    assert j.caption and j.phash is not None
    assert j.verdicts[2].values["supported"] >= GateConfig().min_supported_claims


def test_duplicate_of_an_accepted_item(results):
    first = judge(results, "parabola")
    accepted = HashIndex([first.phash])
    _assert_rejected(judge(results, "parabola", accepted=accepted), "consistency", "duplicate")
    assert judge(results, "pendulum", accepted=accepted).passed


def test_caption_the_scene_contradicts(results):
    j = judge(results, "parabola", caption="The figure shows five circles in green and 4 arrows.")
    _assert_rejected(j, "consistency", "caption_unsupported")
    assert j.rejection.values["contradicted"] >= 1
    # a caption with nothing checkable is not supported either
    j = judge(results, "parabola", caption="A nice picture.")
    _assert_rejected(j, "consistency", "caption_unsupported")


def test_reproduction_with_other_tick_format_passes(results):
    seed_png = results["seed"].images[0]
    assert results["reproduction_ticks"].images[0] != seed_png  # the ticks did change
    j = judge(results, "reproduction_ticks", mode="reproduction", seed_image=seed_png)
    assert j.passed, j.to_dict()
    assert j.verdicts[2].values["image_score"] >= GateConfig().min_reproduction_score


def test_unrelated_figure_is_far_from_the_seed(results):
    seed_png = results["seed"].images[0]
    j = judge(results, "reproduction_unrelated", mode="reproduction", seed_image=seed_png)
    _assert_rejected(j, "consistency", "far_from_seed")
    assert j.rejection.values["image_score"] < 50


def test_diversity_variants_must_differ_from_the_seed(results):
    from codepercept.data.phash import phash64

    seed_png = results["seed"].images[0]
    # a re-rendering with other tick labels is the seed again
    j = judge(results, "reproduction_ticks", mode="diversity", seed_hash=phash64(seed_png))
    _assert_rejected(j, "consistency", "duplicate_of_seed")
    # the incline mirrored: another picture (pHash) of the same elements and labels (scene)
    seed = results["incline"]
    j = judge(
        results,
        "incline_mirrored",
        mode="diversity",
        seed_image=seed.images[0],
        seed_scene=seed.scene,
    )
    _assert_rejected(j, "consistency", "too_similar_to_seed")
    assert j.rejection.values["seed_distance"] > GateConfig().seed_distance
    assert j.rejection.values["scene_similarity"] == 1.0
    # a pendulum embodies the same principle differently
    j = judge(
        results, "pendulum", mode="diversity", seed_image=seed.images[0], seed_scene=seed.scene
    )
    assert j.passed, j.to_dict()


def test_thresholds_come_from_the_config(results):
    strict = GateConfig(min_reproduction_score=101)
    seed_png = results["seed"].images[0]
    j = judge(results, "seed", mode="reproduction", seed_image=seed_png, config=strict)
    _assert_rejected(j, "consistency", "far_from_seed")
    assert j.rejection.values["image_score"] == 100.0  # itself
    loose = GateConfig(max_overlapping_labels=100)
    assert judge(results, "labels_piled", config=loose).passed


def test_mode_needs_its_seed(results):
    with pytest.raises(ValueError, match="seed_image"):
        judge(results, "parabola", mode="reproduction")
    with pytest.raises(ValueError, match="seed_hash"):
        judge(results, "parabola", mode="diversity")
    with pytest.raises(ValueError, match="mode"):
        judge(results, "parabola", mode="reproduce")


def test_later_gates_need_a_result_that_ran(results):
    assert results["raises"].status == "runtime_error"
    with pytest.raises(ValueError, match="code_gate first"):
        image_gate(results["raises"])
    with pytest.raises(ValueError, match="code_gate first"):
        consistency_gate(results["raises"])


def test_judging_is_deterministic(results):
    a = judge(results, "incline").to_dict()
    assert judge(results, "incline").to_dict() == a


def test_gate_stats_counts_attempts_passes_and_reasons(results):
    stats = GateStats()
    for name in ("parabola", "incline", "blank", "labels_piled", "raises", "two_lines"):
        stats.note(judge(results, name))
    stats.note(judge(results, "parabola", caption="Seven red squares."))
    d = stats.to_dict()
    assert (d["items"], d["accepted"], d["acceptance_rate"]) == (7, 2, round(2 / 7, 4))
    assert d["gates"]["code"] == {
        "attempts": 7,
        "passed": 5,
        "rejected": 2,
        "acceptance_rate": round(5 / 7, 4),
        "reasons": {"runtime_error": 1, "too_short": 1},
    }
    assert d["gates"]["image"]["attempts"] == 5 and d["gates"]["image"]["passed"] == 3
    assert d["gates"]["image"]["reasons"] == {"blank": 1, "labels_overlap": 1}
    assert d["gates"]["consistency"]["acceptance_rate"] == round(2 / 3, 4)
    assert d["gates"]["consistency"]["reasons"] == {"caption_unsupported": 1}
    assert GateStats().to_dict()["gates"]["code"]["acceptance_rate"] is None
    json.dumps(d)


# -- the measures on their own (no sandbox) ------------------------------------------------------
def test_measure_source_counts_literals_strings_and_statements():
    code = (
        '"""doc string that is long"""\nimport matplotlib.pyplot as plt\n'
        "a = [[1, -2.5], (3, 4), {5: 6}]\n"
        "b = f([7, 8, [9]])\n"
        "c = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=' + 'ab' + b'\\x00\\x01'\n"
        "plt.plot(a)\nplt.show()\n"
    )
    m = measure_source(code)
    assert m["max_literal_numbers"] == 6  # the outer display, nested ones included
    assert m["total_literal_numbers"] == 6 + 3  # the list inside the call is its own
    assert m["max_blob_chars"] == 36 and m["total_blob_chars"] == 36 + 2
    assert m["statements"] == 4  # imports, the docstring and show() are not counted
    assert m["draw_calls"] == 1 and m["decode_calls"] == []
    assert m["max_string_chars"] == 36


def test_forbidden_operations_are_named_and_methods_of_the_same_name_are_not():
    import ast

    bad = (
        "import os, subprocess\nfrom os import remove\nos.system('ls')\nx = eval('1')\n"
        "import urllib.request\nf = io.open('x')\n"
    )
    assert forbidden_operations(ast.parse(bad)) == [
        "eval",
        "import subprocess",
        "import urllib.request",
        "io.open",
        "os.remove",
        "os.system",
    ]
    fine = (
        "import os, re\nfrom PIL import Image\nr = re.compile('a')\nxs = [1]\nxs.remove(1)\n"
        "ax.lines[0].remove()\nim = Image.open(buf)\nos.makedirs('out', exist_ok=True)\n"
        "s = 'a'.replace('a', 'b')\n"
    )
    assert forbidden_operations(ast.parse(fine)) == []


def test_union_cover_and_overlapping_labels():
    assert union_cover([]) == 0.0
    assert union_cover([[0, 0, 0.5, 0.5]] * 10) == pytest.approx(0.25)
    assert union_cover([[0, 0, 1, 1], [0.2, 0.2, 0.4, 0.4]]) == 1.0
    boxes = np.array([[0, 0, 1, 1], [0.1, 0.1, 1.1, 1.1], [5, 5, 6, 6], [5.9, 5.9, 7, 7]])
    assert overlapping_labels(boxes, 0.3) == 2  # the last pair overlaps by 1 % only
    assert overlapping_labels(boxes[:1], 0.3) == 0


def test_scene_similarity():
    def scene(kinds: list[str], texts: list[str]) -> Scene:
        els = [Element(kind=k, cls="X") for k in kinds]
        els += [Element(kind="text", cls="Text", text=t) for t in texts]
        return Scene(elements=els)

    a = scene(["line", "line", "circle"], ["A", "B"])
    assert scene_similarity(a, a) == 1.0
    assert scene_similarity(Scene(), Scene()) == 1.0
    b = scene(["line", "circle"], ["A", "C"])
    # kinds (texts are elements too): shared 1 line + 1 circle + 2 texts of 2 + 1 + 2;
    # strings: {A} of {A, B, C}
    assert scene_similarity(a, b) == pytest.approx(0.5 * 4 / 5 + 0.5 * 1 / 3)


def test_verdict_round_trips_to_json():
    v = GateVerdict("image", False, "blank", "ink 0.0001 < 0.003", {"ink": 0.0001})
    assert json.loads(json.dumps(v.to_dict()))["reason"] == "blank"
