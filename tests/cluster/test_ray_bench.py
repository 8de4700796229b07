"""``bench run --executor ray`` on a real local Ray cluster: the run directory (rows, renderings,
reference scenes) is the same bytes as a local run's, for a model that answers at once (the
oracle) and one behind a real ``codepercept serve`` (its client's counts gathered from the
actors); and a run begun on Ray resumes locally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codepercept.cli import main
from tests.serve.serving import Served, stop_all

SKIP = {"job.json", "summary.json", "timings.jsonl", ".lock", ".job.lock"}


def _files(d: Path) -> dict[str, bytes]:
    """Every file of a run but its run information (times, argv, locks) and the model cache."""
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and p.name not in SKIP and "cache" not in p.relative_to(d).parts}  # fmt: skip


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "b"
    assert main(["bench", "build", "--n", "8", "--out", str(out), "--dpi", "60"]) == 0
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from codepercept.synth.pipeline import synthesize

    icc = tmp_path_factory.mktemp("icc") / "icc"
    synthesize(10, icc, seed=7, workers=2)
    s = Served("--backend", f"offline:{icc}", "--model-name", "m")
    try:
        yield f"openai:m@{s.url}"
    finally:
        stop_all([s])


@pytest.mark.parametrize("model", ["oracle", "served"])
def test_same_bytes_as_local(ray_cluster, bench, server, tmp_path, model):
    spec = server if model == "served" else "oracle"
    base = ["bench", "run", "--bench", str(bench), "--model", spec, "--dpi", "60"]
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main([*base, "--out", str(local), "--concurrency", "3"]) == 0
    assert main([*base, "--out", str(on_ray), "--executor", "ray", "--ray-address", ray_cluster,
                 "--workers", "1", "--ray-actors", "2", "--ray-task-size", "3"]) == 0  # fmt: skip
    got, want = _files(on_ray), _files(local)
    assert got == want and "results.jsonl" in want and any(k.startswith("images/") for k in want)
    a, b = (json.loads((d / "summary.json").read_text()) for d in (local, on_ray))
    assert {k: v for k, v in a.items() if k != "client"} == {
        k: v for k, v in b.items() if k != "client"}  # fmt: skip
    if model == "served":
        assert a["client"]["answers"] == b["client"]["answers"] == 8
    rows = [json.loads(x) for x in (on_ray / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 8 and all("timings" not in r for r in rows)
    assert len((on_ray / "timings.jsonl").read_text().splitlines()) == 8


def test_resume_a_ray_run_locally(ray_cluster, bench, tmp_path):
    base = ["bench", "run", "--bench", str(bench), "--model", "oracle", "--dpi", "60"]
    whole, mixed = tmp_path / "whole", tmp_path / "mixed"
    assert main([*base, "--out", str(whole)]) == 0
    assert main([*base, "--out", str(mixed), "--limit", "3", "--executor", "ray",
                 "--ray-address", ray_cluster]) == 0  # fmt: skip
    assert main([*base, "--out", str(mixed)]) == 0
    assert _files(mixed) == _files(whole)
