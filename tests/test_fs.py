"""The shared crash-safe write."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from codepercept._fs import atomic_write


def test_replaces_whole_file_and_leaves_no_temp(tmp_path):
    p = tmp_path / "x.json"
    atomic_write(p, "old")
    atomic_write(p, b"new")
    assert p.read_bytes() == b"new"
    assert [q.name for q in tmp_path.iterdir()] == ["x.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    p = tmp_path / "x.txt"
    atomic_write(p, "old")
    with pytest.raises(TypeError):
        atomic_write(p, 123)  # type: ignore[arg-type]
    assert p.read_text() == "old"
    assert [q.name for q in tmp_path.iterdir()] == ["x.txt"]


def test_concurrent_writers_never_leave_a_mixed_file(tmp_path):
    p = tmp_path / "shared.bin"
    payloads = [bytes([i]) * 200_000 for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda b: atomic_write(p, b), payloads * 3))
    assert p.read_bytes() in payloads
    assert [q.name for q in tmp_path.iterdir()] == ["shared.bin"]


def test_a_writer_function_streams_into_the_file(tmp_path):
    p = tmp_path / "big.bin"
    atomic_write(p, lambda fh: [fh.write(b"ab") for _ in range(1000)])
    assert p.read_bytes() == b"ab" * 1000

    def broken(fh):
        fh.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(p, broken)
    assert p.read_bytes() == b"ab" * 1000
    assert [q.name for q in tmp_path.iterdir()] == ["big.bin"]
