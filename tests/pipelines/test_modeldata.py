"""Model-driven ICC jobs against a real HTTP model on 127.0.0.1 that answers each prompt role
(recognised with prompts.identify), on seed images drawn by hand here, not by our families."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from codepercept.data import read_dataset
from codepercept.errors import JobError
from codepercept.models.prompts import identify
from codepercept.pipelines.modeldata import diversify, refine_code, reproduce
from tests.figures import render_png
from tests.openai_server import serve_chat

PARABOLA = """import numpy as np
import matplotlib.pyplot as plt
x = np.linspace(-3, 3, 200)
plt.plot(x, x**2 - 2, color="tab:red", lw=2)
plt.scatter([0], [-2], color="black", zorder=3)
plt.annotate("vertex (0, -2)", (0, -2), xytext=(0.6, 1.5), arrowprops={"arrowstyle": "->"})
plt.title("y = x^2 - 2")
plt.grid(True)
"""

SINE = """import numpy as np
import matplotlib.pyplot as plt
t = np.linspace(0, 4 * np.pi, 300)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(t, np.sin(t), label="sin t")
ax.plot(t, np.cos(t), "--", label="cos t")
ax.set_xlabel("t (s)")
ax.legend()
"""

BARS = """import matplotlib.pyplot as plt
plt.bar(["A", "B", "C", "D"], [3, 7, 2, 5], color=["#4c72b0", "#dd8452", "#55a868", "#c44e52"])
plt.ylabel("count")
plt.title("Survey")
"""

BLANK = """import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([0, 1], [0, 1], color="white")
ax.set_xlim(0, 1)
ax.axis("off")
"""
RAISES = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nraise ValueError('oops')\n"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    d = tmp_path_factory.mktemp("seeds")
    (d / "parabola.png").write_bytes(render_png(PARABOLA))
    img = Image.new("RGB", (420, 300), "white")  # a hand-drawn triangle, made without matplotlib
    draw = ImageDraw.Draw(img)
    draw.polygon([(60, 250), (360, 250), (200, 40)], outline="black", width=3)
    for xy, label in (((45, 255), "A"), ((365, 255), "B"), ((195, 20), "C")):
        draw.text(xy, label, fill="black")
    img.save(d / "triangle.jpg")
    (d / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n but then nothing")
    return d


class RoleModel:
    """A deterministic multimodal model: answers each pipeline role from the prompt alone."""

    def __init__(self, fail_describe: bool = False, wrong_refine: bool = False) -> None:
        self.fail_describe = fail_describe
        self.wrong_refine = wrong_refine
        self.roles: list[str] = []

    def __call__(self, body):
        found = identify(body["messages"])
        assert found is not None, body["messages"]
        prompt, fields = found
        self.roles.append(prompt.role)
        if prompt.role == "describe":
            if self.fail_describe:
                return 503, {"error": {"message": "overloaded"}}
            return "A red parabola y = x^2 - 2 with its vertex marked and annotated."
        if prompt.role == "reproduce":
            return f"Here it is:\n```python\n{PARABOLA}```"
        if prompt.role == "principle":
            return "Principle: quadratic functions have one vertex.\nA parabola..."
        if prompt.role == "variants":
            k = int(fields["k"])
            codes = [SINE, BARS, BLANK, RAISES, PARABOLA][:k]
            return "\n\n".join(f"Variant {i}:\n```python\n{c}```" for i, c in enumerate(codes))
        if prompt.role == "draft":
            return "```python\n# draw the curve\nimport matplotlib.pyplot as plt\nplt.plot([0, 1])\n```"
        if prompt.role == "refine":
            if not self.wrong_refine:  # keep the comment, take every fact from the reference
                return (
                    f"```python\n# draw the curve, as the reference does\n{fields['reference']}```"
                )
            return "```python\n# draw the curve\nimport matplotlib.pyplot as plt\nplt.plot([0, 2])\n```"
        raise AssertionError(prompt.role)


def test_reproduce_keeps_a_faithful_copy_and_records_why_the_others_went(seeds, tmp_path):
    model = RoleModel()
    with serve_chat(model) as srv:
        summary = reproduce(seeds, f"openai:m@{srv.base_url}", tmp_path / "r", workers=1)
    assert summary["kept"] == 1, summary
    assert summary["drops"] == {"bad_seed": 1, "consistency:far_from_seed": 1}, summary["drops"]
    (row,) = list(read_dataset(tmp_path / "r"))
    assert row["id"] == "repro-parabola" and row["source"] == "reproduction"
    assert row["model_text"].startswith("A red parabola")
    assert row["prompts"] == {"describe": "describe@v1", "reproduce": "reproduce@v1"}
    assert row["gates"]["passed"] and row["caption"] and "parabola" not in row["caption"].lower()
    assert Image.open(io.BytesIO(row["seed_image"])).size == (640, 480)
    assert summary["gates"]["gates"]["consistency"]["rejected"] == 1
    assert summary["client"]["answers"] == 4 and summary["client"]["errors"] == {}
    # a re-run asks the model nothing: every answer is in the cache, the dataset is finished
    port = int(srv.base_url.split(":")[2].split("/")[0])
    with serve_chat(RoleModel(), port=port) as again_srv:
        again = reproduce(seeds, f"openai:m@{srv.base_url}", tmp_path / "r", workers=1)
        assert again_srv.requests == []
    assert again["kept"] == 1


def test_unanswered_units_are_not_results_and_are_asked_again(seeds, tmp_path):
    with serve_chat(RoleModel(fail_describe=True)) as srv:
        spec = f"openai:m@{srv.base_url}"
        summary = reproduce(seeds, spec, tmp_path / "r", workers=1)
    assert summary["kept"] == 0 and summary["this_run"]["model_errors"] == 2
    assert summary["drops"] == {"bad_seed": 1}  # only the broken file is a result
    with serve_chat(RoleModel(), port=int(srv.base_url.split(":")[2].split("/")[0])):
        again = reproduce(seeds, spec, tmp_path / "r", workers=1)
    assert again["kept"] == 1 and again["this_run"]["model_errors"] == 0


def test_diversify_gates_each_variant_and_records_the_reason(seeds, tmp_path):
    model = RoleModel()
    with serve_chat(model) as srv:
        summary = diversify(seeds / "parabola.png", f"openai:m@{srv.base_url}", tmp_path / "d",
                            k=5, workers=2)  # fmt: skip
    drops = summary["drops"]
    assert summary["kept"] == 2, summary
    assert drops["image:blank"] == 1 and drops["code:runtime_error"] == 1
    assert drops.get("consistency:duplicate_of_seed", 0) + drops.get(
        "consistency:too_similar_to_seed", 0) == 1  # fmt: skip
    rows = list(read_dataset(tmp_path / "d"))
    assert [r["id"] for r in rows] == ["div-parabola-0", "div-parabola-1"]
    assert all(r["facts"]["principle"].startswith("Principle:") for r in rows)


def test_refine_code_keeps_only_identical_renderings(tmp_path):
    from codepercept.synth.pipeline import synthesize

    synthesize(2, tmp_path / "icc", family_names=["cube_net"], workers=1)
    with serve_chat(RoleModel()) as srv:
        good = refine_code(tmp_path / "icc", f"openai:m@{srv.base_url}", tmp_path / "ok")
    assert good["kept"] == 2 and good["checks"] == {"verified": 2}
    rows = list(read_dataset(tmp_path / "ok"))
    assert all(r["code"].startswith("# draw the curve") and r["checks"]["identical_rendering"]
               for r in rows)  # fmt: skip
    assert {r["reference_code"] for r in rows} == {
        r["code"] for r in read_dataset(tmp_path / "icc")
    }
    with serve_chat(RoleModel(wrong_refine=True)) as srv:
        bad = refine_code(tmp_path / "icc", f"openai:m@{srv.base_url}", tmp_path / "bad")
    assert bad["kept"] == 0 and bad["checks"] == {"rendering_differs": 2}


def test_a_dead_endpoint_writes_nothing(seeds, tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(JobError, match="cannot be reached"):
        reproduce(seeds, f"openai:m@http://127.0.0.1:{port}/v1", tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_ctrl_c_saves_what_is_done_and_a_rerun_finishes(tmp_path):
    """The first SIGINT: no new unit starts, finished ones are kept, Interrupted says how to
    resume; the re-run adds the rest (answers already given come from the cache)."""
    import json
    import os
    import signal
    import threading
    import time

    from codepercept._interrupt import Interrupted

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    png = render_png(PARABOLA)
    for i in range(6):
        (seeds / f"p{i}.png").write_bytes(png)

    class Slow(RoleModel):
        def __call__(self, body):
            time.sleep(0.3)
            return super().__call__(body)

    with serve_chat(Slow()) as srv:
        spec = f"openai:m@{srv.base_url}"
        timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with pytest.raises(Interrupted, match="re-run the same command"):
                reproduce(seeds, spec, tmp_path / "r", workers=1, concurrency=1)
        finally:
            timer.cancel()
        partial = json.loads((tmp_path / "r" / "summary.json").read_text())
        assert partial["interrupted"] and partial["this_run"]["units"] < 6
        done = partial["kept"] + sum(partial["drops"].values())
        again = reproduce(seeds, spec, tmp_path / "r", workers=1, concurrency=4)
    assert again["kept"] + sum(again["drops"].values()) == 6 and not again["interrupted"]
    assert again["this_run"]["units"] == 6 - done
    ids = [r["id"] for r in read_dataset(tmp_path / "r")]
    assert len(ids) == len(set(ids))
