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


def test_atomic_write_gives_normal_permissions(tmp_path):
    """mkstemp makes 0600 files; an output must be readable as the umask allows (0644 here)."""
    import os

    from codepercept._fs import atomic_write

    old = os.umask(0o022)
    try:
        p = atomic_write(tmp_path / "out.json", "{}")
    finally:
        os.umask(old)
    assert (p.stat().st_mode & 0o777) == 0o644
