"""The ICC pipeline end to end: determinism, filters, dedup, resume after a real SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codepercept.data import dataset_summary, load_manifest, read_dataset
from codepercept.sandbox import Executor
from codepercept.synth import base
from codepercept.synth.base import Emitted
from codepercept.synth.pipeline import ink_fraction, synthesize

FAST = ["bar_chart", "line_chart"]


def _rows(path: Path) -> list[dict]:
    return list(read_dataset(path))


@pytest.fixture
def temp_family():
    """Register throw-away families for one test, and remove them afterwards."""
    names: list[str] = []

    def make(name: str, code: str) -> str:
        base.register(name, "charts", "test family")(
            lambda rng: Emitted(code=code, params={"r": rng.random()}, facts={})
        )
        names.append(name)
        return name

    yield make
    for n in names:
        base._REGISTRY.pop(n, None)


def test_same_seed_same_dataset(tmp_path, executor):
    a = synthesize(6, tmp_path / "a", seed=3, family_names=FAST, executor=executor)
    synthesize(6, tmp_path / "b", seed=3, family_names=FAST, executor=executor)
    ra, rb = _rows(tmp_path / "a"), _rows(tmp_path / "b")
    assert len(ra) == 6 and a["kept_total"] == 6
    assert [r["id"] for r in ra] == [r["id"] for r in rb]
    assert [r["image"] for r in ra] == [r["image"] for r in rb]
    first = ra[0]
    assert first["code"].rstrip().endswith("plt.show()")
    assert first["caption"] and first["domain"] == "charts"
    assert first["scene"]["schema_version"] == 1
    assert (tmp_path / "a" / "summary.json").exists()


def test_other_seed_other_dataset(tmp_path, executor):
    synthesize(4, tmp_path / "a", seed=1, family_names=FAST, executor=executor)
    synthesize(4, tmp_path / "b", seed=2, family_names=FAST, executor=executor)
    assert {r["id"] for r in _rows(tmp_path / "a")}.isdisjoint(
        r["id"] for r in _rows(tmp_path / "b")
    )


def test_duplicates_and_blanks_are_dropped_with_reasons(tmp_path, executor, temp_family):
    const = temp_family(
        "_test_constant", "import matplotlib.pyplot as plt\nplt.plot([0, 1, 0])\nplt.show()\n"
    )
    blank = temp_family(
        "_test_blank",
        "import matplotlib.pyplot as plt\nplt.figure()\nplt.axis('off')\nplt.text(0, 0, ' ')\nplt.show()\n",
    )
    broken = temp_family("_test_broken", "import matplotlib.pyplot as plt\n1 / 0\n")
    summary = synthesize(
        3, tmp_path / "d", family_names=[const, blank, broken, "bar_chart"], executor=executor
    )
    assert summary["dropped"]["duplicate"] >= 1
    assert summary["dropped"]["blank"] >= 1
    assert summary["dropped"]["runtime_error"] >= 1
    fams = [r["family"] for r in _rows(tmp_path / "d")]
    assert fams.count(const) == 1 and blank not in fams
    assert dataset_summary(tmp_path / "d")["kept"] == 3


def test_ink_fraction_bounds():
    import numpy as np

    white = np.full((40, 40, 3), 255, np.uint8)
    assert ink_fraction(white) == 0.0
    white[10:20, 10:20] = 0
    assert ink_fraction(white) == pytest.approx(100 / 1600)


def test_parquet_loads_with_datasets(tmp_path, executor):
    datasets = pytest.importorskip("datasets")
    synthesize(3, tmp_path / "p", family_names=FAST, executor=executor)
    files = sorted(str(p) for p in (tmp_path / "p").glob("shard-*.parquet"))
    ds = datasets.load_dataset("parquet", data_files=files, split="train")
    assert len(ds) == 3
    assert ds[0]["image"].size[0] > 100
    assert json.loads(ds[0]["scene"])["elements"]


def test_resume_after_sigkill_gives_exactly_n_unique(tmp_path, executor):
    n = 30  # large enough that both kills land mid-run however fast the machine is
    out = tmp_path / "killed"
    cmd = [
        sys.executable, "-m", "codepercept.cli", "synth", "--n", str(n), "--out", str(out),
        "--families", ",".join(FAST), "--shard-size", "2", "--seed", "5",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for _attempt in range(2):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # fmt: skip
        manifest = out / "manifest.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if manifest.exists() and manifest.read_text().count('"shard"') >= 2 + 2 * _attempt:
                break
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    partial = load_manifest(out)
    assert not partial.finished and 0 < partial.kept < n, "the kill did not land mid-run"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = _rows(out)
    ids = [r["id"] for r in rows]
    assert len(ids) == n and len(set(ids)) == n
    assert not list(out.glob(".tmp-*"))
    reference = tmp_path / "clean"
    synthesize(n, reference, seed=5, family_names=FAST, shard_size=2, executor=executor)
    assert ids == [r["id"] for r in _rows(reference)]


def test_a_failing_generator_is_a_recorded_drop_not_a_dead_run(tmp_path, executor):
    def explode(rng):
        raise ZeroDivisionError("bad parameters")

    base.register("_test_exploding", "charts", "test family")(explode)
    try:
        summary = synthesize(
            2, tmp_path / "x", family_names=["_test_exploding", "bar_chart"], executor=executor
        )
    finally:
        base._REGISTRY.pop("_test_exploding", None)
    assert summary["dropped"]["generator_error"] >= 1
    assert dataset_summary(tmp_path / "x")["kept"] == 2


def test_candidates_interleave_domains():
    from codepercept.synth import list_families
    from codepercept.synth.pipeline import candidate_family

    fams = list_families()
    domains = {candidate_family(fams, k).domain for k in range(8)}
    assert len(domains) == len({f.domain for f in fams})


def test_screen_probe_and_parent_side_screening_give_the_same_dataset(tmp_path, executor):
    # ``executor`` runs no probes (ink and pHash measured from the decoded PNG here); the
    # pipeline's own executor measures them in the child. Same records, same drops.
    with Executor(workers=2, timeout_s=30, probes=["screen"]) as probing:
        a = synthesize(8, tmp_path / "a", seed=5, executor=probing)
    b = synthesize(8, tmp_path / "b", seed=5, executor=executor)
    assert _rows(tmp_path / "a") == _rows(tmp_path / "b")
    assert a["dropped"] == b["dropped"]
    # the scene column holds exactly the sandbox's JSON, decoded on read like any value
    row = _rows(tmp_path / "a")[0]
    assert isinstance(row["scene"], dict) and row["scene"]["figures"]


def test_runs_in_flight_at_the_end_are_abandoned_not_awaited(tmp_path, executor, temp_family):
    # Once n are kept, the programs still running are not waited for: the last shard is
    # written while they finish, their results are dropped, and the executor stays usable.
    slow = temp_family(
        "_test_slow",
        "import time\nimport matplotlib.pyplot as plt\ntime.sleep(3)\nplt.plot([0, 1])\nplt.show()\n",
    )
    fast = temp_family(
        "_test_fast",
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "plt.plot(np.random.rand(5))\nplt.show()\n",
    )
    t0 = time.perf_counter()
    # candidate 0 is fast (kept), candidate 1 slow: n = 1 must not wait the 3 s for it
    out = synthesize(1, tmp_path / "a", family_names=[fast, slow], executor=executor)
    assert out["kept"] == 1
    assert time.perf_counter() - t0 < 2.5
    assert len(_rows(tmp_path / "a")) == 1
    assert executor.run("import matplotlib.pyplot as plt\nplt.plot([1])\nplt.show()\n").ok


def test_own_executor_is_closed_with_runs_in_flight(tmp_path, temp_family):
    import threading

    slow = temp_family(
        "_test_slow2",
        "import time\nimport matplotlib.pyplot as plt\ntime.sleep(5)\nplt.plot([0, 1])\nplt.show()\n",
    )
    fast = temp_family(
        "_test_fast2",
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "plt.plot(np.random.rand(5))\nplt.show()\n",
    )
    before = set(threading.enumerate())
    t0 = time.perf_counter()
    assert synthesize(1, tmp_path / "a", family_names=[fast, slow], workers=2)["kept"] == 1
    assert time.perf_counter() - t0 < 4.5  # the zygote's start, one fast program, no wait
    deadline = time.monotonic() + 10
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not set(threading.enumerate()) - before  # the feeding threads ended with the sandbox
