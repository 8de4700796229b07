"""Resume after real SIGKILLs: the result must equal an uninterrupted run, byte for byte."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from datawriter_producer import SCHEMA, produce

from codepercept.data import (
    DatasetLockedError,
    DatasetWriter,
    dataset_summary,
    load_manifest,
    read_dataset,
)

PRODUCER = Path(__file__).with_name("datawriter_producer.py")
TARGET, SEED, SHARD = 40, 7, 6


def _spawn(out: Path, fmt: str, sleep_s: float, crash: str | None = None) -> subprocess.Popen:
    args = [sys.executable, str(PRODUCER), str(out), fmt, str(TARGET), str(SEED), str(SHARD)]
    args.append(str(sleep_s))
    if crash:
        args.append(crash)
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _tree_digest(out: Path) -> dict[str, str]:
    """sha256 of every file under ``out`` except the lock, keyed by relative path."""
    digests = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != ".lock":
            digests[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def _assert_same_as_reference(out: Path, ref: Path) -> None:
    records = list(read_dataset(out))
    ids = [r["id"] for r in records]
    assert len(ids) == TARGET
    assert len(set(ids)) == TARGET
    assert records == list(read_dataset(ref))
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
    summary = dataset_summary(out)
    assert summary["finished"] and summary["kept"] == TARGET
    assert summary["drops"] == dataset_summary(ref)["drops"]
    # Shards are only flushed when full, so a resumed run writes exactly the same shard bytes.
    assert _tree_digest(out) | {"manifest.jsonl": ""} == _tree_digest(ref) | {"manifest.jsonl": ""}
    kept = [(s.indices, s.ids) for s in load_manifest(out).shards if s.name]
    assert kept == [(s.indices, s.ids) for s in load_manifest(ref).shards if s.name]


@pytest.mark.parametrize(("fmt", "kills"), [("parquet", 4), ("webdataset", 2), ("files", 2)])
def test_resume_after_random_sigkills_matches_uninterrupted_run(
    tmp_path: Path, fmt: str, kills: int
) -> None:
    ref = tmp_path / "ref"
    produce(ref, fmt, TARGET, SEED, SHARD)
    out = tmp_path / "out"
    rng = random.Random(f"{fmt}-kills")
    interrupted = 0
    for _ in range(kills):
        proc = _spawn(out, fmt, sleep_s=0.004)
        wait_lines = rng.randint(1, 12)
        assert proc.stdout is not None
        for seen, _line in enumerate(proc.stdout, start=1):
            if seen >= wait_lines:
                break
        time.sleep(rng.uniform(0.0, 0.01))  # land anywhere, including inside a commit
        proc.send_signal(signal.SIGKILL)
        rc = proc.wait(timeout=30)
        interrupted += rc == -signal.SIGKILL
    assert interrupted >= 1, "no run was actually interrupted; the test proved nothing"
    assert dataset_summary(out)["kept"] < TARGET
    final = _spawn(out, fmt, sleep_s=0.0)
    _, err = final.communicate(timeout=60)
    assert final.returncode == 0, err
    _assert_same_as_reference(out, ref)


@pytest.mark.parametrize("fmt", ["parquet", "files"])
def test_sigkill_at_each_commit_step_is_recovered(tmp_path: Path, fmt: str) -> None:
    ref = tmp_path / "ref"
    produce(ref, fmt, TARGET, SEED, SHARD)
    out = tmp_path / "out"
    manifest = out / "manifest.jsonl"

    # 1. Killed after the shard was written under its temporary name: a .tmp- leftover.
    proc = _spawn(out, fmt, 0.0, crash="tmp:2")
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert [p.name for p in out.iterdir() if p.name.startswith(".tmp-")]
    assert len(load_manifest(out).shard_names) == 1

    # 2. Killed after the rename, before the manifest line: an orphan shard. The restart first
    # removes the .tmp- leftover, then dies in the same window of a later shard.
    proc = _spawn(out, fmt, 0.0, crash="rename:2")
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not [p.name for p in out.iterdir() if p.name.startswith(".tmp-")]
    named = set(load_manifest(out).shard_names)
    orphans = [p.name for p in out.iterdir() if p.name.startswith("shard-") and p.name not in named]
    assert len(orphans) == 1

    # 3. Killed half-way through appending a manifest line: a truncated final line.
    proc = _spawn(out, fmt, 0.0, crash="append:1")
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not manifest.read_bytes().endswith(b"\n")

    proc = _spawn(out, fmt, 0.0)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert manifest.read_bytes().endswith(b"\n")
    _assert_same_as_reference(out, ref)


def test_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _spawn(out, "webdataset", sleep_s=0.05)
    assert proc.stdout is not None
    proc.stdout.readline()  # the writer is open and holds the lock
    config = {"target": TARGET, "seed": SEED, "generator": "datawriter_producer"}
    with pytest.raises(DatasetLockedError, match=f"pid {proc.pid}"):
        DatasetWriter(out, SCHEMA, format="webdataset", shard_size=SHARD, config=config)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with DatasetWriter(out, SCHEMA, format="webdataset", shard_size=SHARD, config=config) as w:
        assert w.state.kept < TARGET
