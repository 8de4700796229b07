"""The reward hacks a policy finds, written as attacks first: each must score low with a reason,
and none may make a reward call raise.

The reference is a hand-written figure (not from our families). The smuggling attacks use its
real rendering, so a missing guard would show up as a high reward, not as a crash."""

from __future__ import annotations

import asyncio
import base64
import io
import zlib

import numpy as np
import pytest
from PIL import Image

from codepercept.rewards import RewardConfig, RewardScorer
from tests.figures import render_png

REF = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3.5))
x = [0, 1, 2, 3, 4, 5]
ax.plot(x, [1, 3, 2, 5, 4, 6], color="tab:blue", marker="o", label="measured")
ax.plot(x, [1, 2, 3, 4, 5, 6], color="tab:red", linestyle="--", label="model")
ax.set_xlabel("time (s)")
ax.set_ylabel("distance (m)")
ax.set_title("Run 7")
ax.legend()
"""


def fence(code: str) -> str:
    return f"Here is the code.\n```python\n{code}```\n"


@pytest.fixture(scope="module")
def scorer():
    with RewardScorer(RewardConfig(timeout_s=3.0), workers=2) as s:
        yield s


@pytest.fixture(scope="module")
def ref_pixels() -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(render_png(REF, dpi=100))).convert("RGB"))


def test_the_reference_itself_scores_full_marks(scorer):
    r = scorer.score_one(fence(REF), REF)
    assert r.status == "ok", r.reason
    assert r.components == {"format": 1.0, "execution": 1.0, "image": 1.0, "scene": 1.0}
    assert r.total == 1.0


def test_raster_pasted_as_a_literal_pixel_array_is_refused(scorer, ref_pixels):
    small = ref_pixels[::6, ::6]  # 59 x 84 x 3: ~15k numbers, still the picture
    code = (
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        f"img = np.array({small.tolist()!r}, dtype=np.uint8)\n"
        "fig = plt.figure(figsize=(5, 3.5))\nax = fig.add_axes([0, 0, 1, 1])\n"
        "ax.imshow(img, aspect='auto')\nax.axis('off')\n"
    )
    r = scorer.score_one(fence(code), REF)
    assert r.status == "giant_literal" and r.total == 0.0
    assert "numeric literals" in r.reason


def test_raster_decoded_from_a_base64_png_is_refused(scorer):
    payload = base64.b64encode(render_png(REF, dpi=100)).decode()
    code = (
        "import base64, io\nimport matplotlib.pyplot as plt\nfrom PIL import Image\n"
        f"img = Image.open(io.BytesIO(base64.b64decode({payload!r})))\n"
        "fig = plt.figure(figsize=(5, 3.5))\nfig.figimage(img, 0, 0)\n"
    )
    r = scorer.score_one(fence(code), REF)
    assert r.status == "giant_literal" and r.total == 0.0


def test_raster_split_into_short_strings_is_caught_when_drawn(scorer, ref_pixels):
    """A compressed picture in many short strings stays under the literal budget; the figure
    then shows an RGB image where the reference draws none."""
    small = np.ascontiguousarray(ref_pixels[::10, ::10])  # 35 x 50 x 3
    blob = base64.b64encode(zlib.compress(small.tobytes(), 9)).decode()
    parts = [blob[i : i + 200] for i in range(0, len(blob), 200)]
    assert max(map(len, parts)) <= 200 and len(blob) < 4000
    code = (
        "import base64, zlib\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
        f"parts = {parts!r}\n"
        "raw = zlib.decompress(base64.b64decode(''.join(parts)))\n"
        f"img = np.frombuffer(raw, dtype=np.uint8).reshape({small.shape!r})\n"
        "fig = plt.figure(figsize=(5, 3.5))\nax = fig.add_axes([0, 0, 1, 1])\n"
        "ax.imshow(img, aspect='auto')\nax.axis('off')\n"
    )
    r = scorer.score_one(fence(code), REF)
    assert r.status == "raster" and r.total == 0.0, (r.status, r.reason)
    assert "RGB image" in r.reason


def test_generated_raster_without_literals_is_caught_when_drawn(scorer):
    code = (
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "plt.imshow(np.random.default_rng(0).random((60, 80)), cmap='gray')\n"
    )
    r = scorer.score_one(fence(code), REF)
    assert r.status == "raster" and r.total == 0.0


def test_picture_as_a_cloud_of_coloured_markers_is_refused(scorer):
    code = (
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "yy, xx = np.mgrid[0:70, 0:100]\n"
        "c = np.random.default_rng(0).random((7000, 3))\n"
        "plt.scatter(xx.ravel(), yy.ravel(), c=c, s=4, marker='s')\n"
    )
    r = scorer.score_one(fence(code), REF)
    assert r.status == "raster" and r.total == 0.0, (r.status, r.reason)


def test_giant_literal_data_is_refused_before_running(scorer):
    pts = [round(float(v), 3) for v in np.sin(np.arange(20_000) / 50)]
    code = f"import matplotlib.pyplot as plt\nplt.plot({pts!r})\n"
    before = scorer.stats.get("executed", 0)
    r = scorer.score_one(fence(code), REF)
    assert r.status == "giant_literal" and r.total == 0.0
    assert scorer.stats.get("executed", 0) == before  # never ran


def test_printing_instead_of_drawing_scores_only_the_format(scorer):
    code = "print('a line chart of distance against time, titled Run 7')\n"
    r = scorer.score_one(fence(code), REF)
    assert r.status == "no_figure" and "printed" in r.reason
    assert r.components["execution"] == r.components["image"] == r.components["scene"] == 0.0
    assert r.total == pytest.approx(0.1)


def test_stalling_until_the_deadline_earns_nothing(scorer):
    code = "import time\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\ntime.sleep(600)\n"
    r = scorer.score_one(fence(code), REF)
    assert r.status == "timeout" and r.total == 0.0
    assert "stalling" in r.reason and r.wall_s < 3.0 + 3.0


def test_busy_loop_and_fork_bomb_earn_nothing_and_the_scorer_goes_on(scorer):
    bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    spin = "while True:\n    pass\n"
    kill = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport matplotlib.pyplot as plt\nplt.plot([1])\n"
    rewards = scorer.score([fence(bomb), fence(spin), fence(kill)], [REF] * 3)
    assert all(r.total <= 0.1 for r in rewards), [(r.status, r.reason) for r in rewards]
    assert rewards[1].status == "timeout"
    assert scorer.score_one(fence(REF), REF).total == 1.0  # still serving


def test_reading_the_reference_from_disk_finds_nothing(tmp_path):
    """The reference never reaches the sandbox: not even a scorer's on-disk reference cache is
    readable from a program it runs."""
    cache = tmp_path / "refcache"
    hunt = (
        "import os, matplotlib.pyplot as plt\n"
        "hits = 0\n"
        "needle = ('Run' + ' 7').encode()  # never in this source: it would find itself\n"
        f"for root in ('/tmp', '/dev/shm', '/var/tmp', os.getcwd(), {str(cache)!r}):\n"
        "    for d, _, files in os.walk(root):\n"
        "        for f in files:\n"
        "            try:\n"
        "                with open(os.path.join(d, f), 'rb') as fh:\n"
        "                    data = fh.read()\n"
        "            except OSError:\n"
        "                continue\n"
        "            hits += needle in data or f.endswith('.png')\n"
        "plt.title(f'hits={hits}')\nplt.plot([0, 1])\n"
    )
    with RewardScorer(cache_dir=cache, workers=1) as s:
        s.prepare(REF)
        assert any(cache.iterdir())  # the cache is on the host's disk
        res = s.executor.run(hunt)
    assert res.status == "ok", res.message
    assert "hits=0" in [t for t in res.scene.texts()], res.scene.texts()


@pytest.mark.parametrize(
    "completion, status",
    [
        ("", "no_code"),
        ("I cannot draw this.", "no_code"),
        (None, "bad_input"),
        (12, "bad_input"),
        ([{"role": "assistant", "content": "x"}], "bad_input"),
        ("```python\nplt.plot([1,\n```", "syntax_error"),
        ("```python\nimport matplotlib\x00\n```", "syntax_error"),
        ("```python\n" + "x = 1\n" * 60_000 + "```", "too_long"),
        (b"```python\nimport matplotlib.pyplot as plt\nplt.plot([1])\n```\xff", "bad_input"),
        ("```python\nimport matplotlib.pyplot as plt\nplt.title('\ud800')\n```", "bad_input"),
    ],
    ids=[
        "empty",
        "prose",
        "none",
        "int",
        "message-list",
        "syntax",
        "nul",
        "megabyte",
        "bytes-not-utf8",
        "surrogate",
    ],
)
def test_junk_completions_score_zero_with_a_reason_and_never_raise(scorer, completion, status):
    r = scorer.score_one(completion, REF)
    assert r.status == status and r.total == 0.0 and r.reason
    assert asyncio.run(scorer.ascore_one(completion, REF)).status == status


def test_a_bad_reference_is_an_error_at_preparation_and_a_zero_during_training(scorer):
    from codepercept.rewards import BadReference

    bad = "import matplotlib.pyplot as plt\nraise SystemExit(3)\n"
    with pytest.raises(BadReference, match="does not run and draw"):
        scorer.prepare(bad)
    with pytest.raises(BadReference, match=r"2 reference program\(s\) fail: a, c"):
        scorer.prepare_many([bad, REF, "plt.plot(["], ids=["a", "b", "c"])
    r = scorer.score_one(fence(REF), bad)
    assert r.status == "bad_reference" and r.total == 0.0
    assert scorer.score_one(fence(REF), ["not", "text"]).status == "bad_reference"


def test_a_giant_figure_is_not_decoded_by_the_trainer(scorer):
    """Scoring decodes the rendering in the trainer's process: a 4,900 x 4,900 figure would cost
    it seconds and ~300 MB per completion. It is refused from the PNG header."""
    code = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(49, 49))\nax.plot([0, 1])\n"
    r = scorer.score_one(fence(code), REF)
    assert r.status == "image_too_large" and "4900 x 4900" in r.reason
    assert r.components["execution"] == 1.0 and r.components["image"] == 0.0
