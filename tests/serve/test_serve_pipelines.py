"""The model-driven jobs end to end, offline: a real `codepercept serve --backend offline:DIR`
process answers every role; seeds are drawn by hand here (not by our families); the jobs run
through the command line; and a deliberately faulty server never ends a job in a traceback or
loses an item."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from codepercept.data import read_dataset
from tests.figures import render_png
from tests.serve.serving import SRC

HAND_BARS = """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.barh(["iron", "copper", "zinc"], [7.87, 8.96, 7.14], color="slategray")
ax.set_xlabel("density (g/cm^3)")
for i, v in enumerate([7.87, 8.96, 7.14]):
    ax.text(v + 0.1, i, f"{v}", va="center")
"""

HAND_LINES = """import numpy as np
import matplotlib.pyplot as plt
t = np.linspace(0, 10, 100)
plt.plot(t, 20 * np.exp(-t / 3), label="cooling")
plt.plot(t, 5 + 0 * t, ":", label="room")
plt.xlabel("minutes"); plt.ylabel("temperature"); plt.legend()
"""


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("handseeds")
    (d / "densities.png").write_bytes(render_png(HAND_BARS, dpi=80))
    (d / "cooling.png").write_bytes(render_png(HAND_LINES, dpi=80))
    img = Image.new("RGB", (360, 260), "white")  # a lever drawn with PIL, no matplotlib
    draw = ImageDraw.Draw(img)
    draw.line([(30, 200), (330, 120)], fill="black", width=4)
    draw.polygon([(170, 165), (150, 215), (190, 215)], outline="black")
    draw.text((40, 170), "F1", fill="red")
    draw.text((300, 95), "F2", fill="blue")
    img.save(d / "lever.png")
    (d / "truncated.png").write_bytes(render_png(HAND_BARS, dpi=80)[:200])  # a corrupt seed
    return d


def _cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "codepercept.cli", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)  # fmt: skip


def test_reproduce_diversify_refine_end_to_end_offline(offline, dataset, seeds, tmp_path):
    model = f"openai:offline-test@{offline.url}"
    r = _cli("reproduce", "--images", str(seeds), "--model", model, "--out", str(tmp_path / "r"))
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["units"] == 4 and summary["drops"].get("bad_seed") == 1
    assert "truncated" in r.stderr  # the corrupt seed is named, and the rest proceeded
    assert summary["kept"] + sum(summary["drops"].values()) == 4
    gates = summary["gates"]["gates"]
    assert gates["code"]["attempts"] == 3  # every readable seed reached the gates
    for row in read_dataset(tmp_path / "r"):
        assert row["gates"]["passed"] and row["caption"] and row["prompts"]["reproduce"]

    d = _cli("diversify", "--seeds", str(seeds), "--k", "3", "--model", model,
             "--out", str(tmp_path / "d"))  # fmt: skip
    assert d.returncode == 0, d.stderr
    div = json.loads((tmp_path / "d" / "summary.json").read_text())
    assert div["kept"] >= 1 and div["kept"] + sum(div["drops"].values()) == 4 * 3
    ids = [row["id"] for row in read_dataset(tmp_path / "d")]
    assert len(ids) == len(set(ids)) == div["kept"]

    f = _cli("refine-code", "--data", str(dataset), "--limit", "4", "--model", model,
             "--out", str(tmp_path / "f"))  # fmt: skip
    assert f.returncode == 0, f.stderr
    ref = json.loads((tmp_path / "f" / "summary.json").read_text())
    assert ref["kept"] == 4 and ref["checks"] == {"verified": 4}, ref
    for row in read_dataset(tmp_path / "f"):
        assert "# " in row["code"] and row["checks"]["identical_rendering"]


@pytest.mark.parametrize("fault", ["500", "malformed", "truncated", "nocode", "empty", "429"])
def test_a_faulty_server_never_loses_an_item(start, dataset, seeds, tmp_path, fault):
    """Every other request fails in this way: each unit ends as kept, a recorded drop, or a
    counted model error that a re-run asks again; the job ends with a summary, not a traceback."""
    served = start("--backend", f"offline:{dataset}", "--model-name", "m", "--fault", fault,
                   "--fault-rate", "0.5")  # fmt: skip
    from codepercept.pipelines.modeldata import reproduce

    summary = reproduce(seeds, f"openai:m@{served.url}", tmp_path / "r", workers=1)
    done = summary["kept"] + sum(summary["drops"].values())
    assert done + summary["this_run"]["model_errors"] == 4, summary
    if fault in ("nocode", "empty"):  # answered, but no program: a recorded drop
        assert summary["this_run"]["model_errors"] == 0
    rows = list(read_dataset(tmp_path / "r"))
    assert len(rows) == summary["kept"]


def test_a_server_that_hangs_on_some_requests_does_not_hang_the_job(
    start, dataset, seeds, tmp_path
):
    """Every other request never answers: with a 1 s model timeout each is retried (and the
    retry answered), so the job ends in seconds with every unit accounted for."""
    import time

    served = start("--backend", f"offline:{dataset}", "--model-name", "m", "--fault", "timeout",
                   "--fault-rate", "0.5")  # fmt: skip
    from codepercept.pipelines.modeldata import reproduce

    t0 = time.monotonic()
    summary = reproduce(seeds, f"openai:m@{served.url}", tmp_path / "r", workers=1,
                        model_timeout_s=1.0)  # fmt: skip
    assert time.monotonic() - t0 < 60
    assert summary["kept"] + sum(summary["drops"].values()) == 4, summary
    assert summary["client"]["retries"] >= 1
