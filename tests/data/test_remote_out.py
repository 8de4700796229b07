"""Dataset output to a filesystem URI (``file://`` here: the same pyarrow filesystem calls an
object store gets): the same bytes as a local run, each commit copied as it happens, a run killed
and resumed on "another machine" (its staging directory gone) from what the URI holds, and bad
URIs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codepercept.cli import main

SRC = Path(__file__).resolve().parents[2] / "src"
SYNTH = ["synth", "--n", "24", "--shard-size", "8", "--seed", "2", "--workers", "1"]
TOKENIT = ["tokenit", "--n", "8", "--domains", "documents,code", "--seed", "5"]


def _data(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())
            if p.name == "manifest.jsonl" or p.suffix == ".parquet"}  # fmt: skip


@pytest.fixture
def staging(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "staging"
    monkeypatch.setenv("CODEPERCEPT_STAGING", str(root))
    return root


@pytest.fixture(scope="module")
def local_synth(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("local") / "icc"
    assert main([*SYNTH, "--out", str(out)]) == 0
    return _data(out)


def test_synth_to_a_uri_is_the_local_dataset(staging, local_synth, tmp_path):
    remote = tmp_path / "bucket" / "icc"
    assert main([*SYNTH, "--out", f"file://{remote}"]) == 0
    assert _data(remote) == local_synth and len(local_synth) == 4
    assert {"job.json", "summary.json"} <= {p.name for p in remote.iterdir()}
    assert not (remote / "journal.bin").exists()  # the journal stays in staging


def test_tokenit_to_a_uri(staging, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "bucket" / "tok"
    assert main([*TOKENIT, "--out", str(local)]) == 0
    assert main([*TOKENIT, "--out", f"file://{remote}"]) == 0
    assert _data(remote) == _data(local)


def test_killed_and_resumed_elsewhere(staging, local_synth, tmp_path):
    """The driver killed after the first commit reached the URI; its staging directory is
    then lost (another machine): the re-run pulls the URI's commits and finishes the job."""
    remote = tmp_path / "bucket" / "icc"
    argv = [*SYNTH, "--out", f"file://{remote}"]
    env = {**os.environ, "PYTHONPATH": str(SRC), "CODEPERCEPT_STAGING": str(staging)}
    proc = subprocess.Popen([sys.executable, "-m", "codepercept.cli", *argv], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not (remote / "shard-00000.parquet").exists() and time.monotonic() < deadline:
        assert proc.poll() is None
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert not (remote / "shard-00002.parquet").exists(), "killed too late to test resume"
    shutil.rmtree(staging)
    assert main(argv) == 0
    assert _data(remote) == local_synth


@pytest.mark.parametrize("uri, said", [("nope://x/y", "not a filesystem pyarrow reaches")])
def test_bad_uri_is_one_line(staging, tmp_path, capsys, uri, said):
    assert main([*SYNTH, "--out", uri]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and said in err, err
    assert not staging.exists()
