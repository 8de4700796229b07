"""``tokenit --executor ray`` on a real local Ray cluster: the same bytes as a local run (the
``stem`` domain's programs in each actor's own sandbox), and a run begun on Ray resumed locally."""

from __future__ import annotations

from pathlib import Path

from codepercept.cli import main

ARGS = ["tokenit", "--n", "12", "--domains", "documents,stem,code", "--seed", "4"]


def _data(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())
            if p.name == "manifest.jsonl" or p.suffix == ".parquet"}  # fmt: skip


def test_same_bytes_as_local(ray_cluster, tmp_path):
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main([*ARGS, "--out", str(local), "--workers", "2"]) == 0
    code = main([*ARGS, "--out", str(on_ray), "--executor", "ray", "--ray-address", ray_cluster,
                 "--ray-task-size", "5"])  # fmt: skip
    assert code == 0
    assert _data(on_ray) == _data(local) and "shard-00000.parquet" in _data(local)


def test_resume_a_ray_run_locally(ray_cluster, tmp_path):
    """A dataset grown from 6 to 12 samples, the first 6 made on Ray and the rest locally: the
    same bytes as the same growth made locally twice (the executor is not a setting of the job,
    so either kind of run resumes the other's)."""
    local, mixed = tmp_path / "local", tmp_path / "mixed"
    half = [a if a != "12" else "6" for a in ARGS]
    assert main([*half, "--out", str(local)]) == 0
    assert main([*ARGS, "--out", str(local)]) == 0
    assert main([*half, "--out", str(mixed), "--executor", "ray",
                 "--ray-address", ray_cluster]) == 0  # fmt: skip
    assert main([*ARGS, "--out", str(mixed)]) == 0
    assert _data(mixed) == _data(local)
