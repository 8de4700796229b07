"""``synth --executor ray`` on a real local Ray cluster: the same bytes as a local run whatever
the actors and task size, a killed driver resumed without duplicates, a worker killed mid-task
replaced, and one-line errors for an unreachable cluster and bad options."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codepercept.cli import main
from codepercept.cluster import RayOptions, ShardMap
from codepercept.errors import JobError
from codepercept.synth import list_families
from codepercept.synth.pipeline import run_candidates, synth_executor

SRC = Path(__file__).resolve().parents[2] / "src"
N = 40
ARGS = ["synth", "--n", str(N), "--shard-size", "16", "--seed", "3"]
DATA = ("manifest.jsonl", "shard-00000.parquet", "shard-00001.parquet", "shard-00002.parquet")


def _data(d: Path) -> dict[str, bytes]:
    """The dataset's data files (not job.json or summary.json: they hold times and argv)."""
    return {name: (d / name).read_bytes() for name in DATA}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("local") / "icc"
    assert main([*ARGS, "-o", str(out)]) == 0
    return _data(out)


@pytest.mark.parametrize(
    "extra",
    [
        ["--ray-task-size", "7"],  # one actor of 2 workers; ranges that cut across shards
        ["--workers", "1", "--ray-actors", "2", "--ray-task-size", "3"],
    ],
)
def test_same_bytes_as_local(ray_cluster, local, tmp_path, extra):
    out = tmp_path / "icc"
    code = main([*ARGS, "-o", str(out), "--executor", "ray", "--ray-address", ray_cluster, *extra])
    assert code == 0
    assert _data(out) == local
    assert json.loads((out / "summary.json").read_text())["kept_total"] == N


def test_killed_driver_resumes_on_ray(ray_cluster, local, tmp_path):
    out = tmp_path / "icc"
    argv = [*ARGS, "-o", str(out), "--executor", "ray", "--ray-address", ray_cluster,
            "--workers", "1", "--ray-task-size", "4"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-m", "codepercept.cli", *argv], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 120
    while not (out / "shard-00000.parquet").exists() and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # no chance to save anything more
    proc.wait(30)
    assert not (out / "shard-00002.parquet").exists(), "killed too late to test resume"
    assert main(argv) == 0
    assert _data(out) == local
    ids = [json.loads(x)["id"] for x in (out / "manifest.jsonl").read_text().splitlines()
           if x.strip() and "id" in json.loads(x)]  # fmt: skip
    assert len(ids) == len(set(ids))


def test_dead_actor_is_replaced(ray_cluster):
    """A sandbox actor killed (SIGKILL) mid-task: Ray restarts it and re-runs its range, and
    the results are those of a local run."""
    import ray

    fams = list_families()
    payload = ([f.name for f in fams], 5)
    ks = list(range(24))
    with synth_executor(workers=1) as ex:
        want = run_candidates(ex, payload, ks)
    ray.init(address=ray_cluster)
    try:
        opts = RayOptions(address=ray_cluster, actors=2, task_size=3)
        got = []
        with ShardMap(run_candidates, payload, synth_executor, opts) as pool:
            victim = pool.info[1]["pid"]
            for i, (k, res) in enumerate(pool.ordered(ks)):
                if i == 0:
                    os.kill(victim, signal.SIGKILL)
                got.append((k, res))
            after = ray.get([a.info.remote() for a in pool.actors])
    finally:
        ray.shutdown()
    assert [k for k, _ in got] == ks
    assert victim not in {i["pid"] for i in after}  # the actor was replaced
    for (_, res), ref in zip(got, want, strict=True):
        assert (res.status, res.images) == (ref.status, ref.images)


def test_unreachable_cluster_is_one_line(tmp_path, capsys):
    out = tmp_path / "icc"
    code = main([*ARGS, "-o", str(out), "--executor", "ray", "--ray-address", "127.0.0.1:1"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1, err
    assert "cannot reach the Ray cluster at 127.0.0.1:1" in err
    assert not out.exists()  # checked before the directory is claimed


@pytest.mark.parametrize(
    "extra, said",
    [
        (["--ray-address", "127.0.0.1:6379"], "--ray-address needs --executor ray"),
        (["--ray-actors", "2"], "--ray-actors needs --executor ray"),
        (["--ray-task-size", "5"], "--ray-task-size needs --executor ray"),
        (["--executor", "slurm"], "--executor"),
        (["--executor", "ray", "--ray-address", "no-port"], "not HOST:PORT"),
        (["--executor", "ray", "--ray-actors", "0"], "--ray-actors"),
    ],
)
def test_bad_options(tmp_path, capsys, extra, said):
    out = tmp_path / "icc"
    code = main([*ARGS, "-o", str(out), *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and said in err, err
    assert not out.exists()


def test_workers_without_codepercept_are_named(ray_cluster):
    """An actor that cannot import codepercept (a node without the package): a one-line error
    that says what to install, not a Ray traceback."""
    import ray

    ray.init(address=ray_cluster)
    try:
        with pytest.raises(JobError, match="install codepercept with the same version"):
            ShardMap(run_candidates, None, _no_package, RayOptions(address=ray_cluster))
    finally:
        ray.shutdown()


def _no_package():
    raise ModuleNotFoundError("No module named 'codepercept'")
