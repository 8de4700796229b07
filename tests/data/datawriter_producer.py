"""A small deterministic dataset producer used by the crash/resume tests.

Run as a script: ``python datawriter_producer.py OUT FORMAT TARGET SEED SHARD_SIZE SLEEP [CRASH]``.
It prints each finished candidate index to stdout (so a test can kill it mid-run) and sleeps
``SLEEP`` seconds per candidate. ``CRASH`` makes it SIGKILL itself at an exact point of the
commit protocol: ``tmp:K`` (K-th shard written to its temporary name, before the rename),
``rename:K`` (after the K-th rename, before the manifest line), ``append:K`` (half of the K-th
manifest shard line written).
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from codepercept.data import Column, DatasetWriter, Schema, phash64
from codepercept.data import writer as writer_module
from codepercept.data.manifest import encode_line

SCHEMA = Schema(
    [
        Column("id", "string"),
        Column("image", "image"),
        Column("meta", "json"),
        Column("code", "string"),
        Column("n", "int"),
        Column("x", "float"),
        Column("blob", "binary"),
    ]
)


def sample_png(seed: int, size: int = 12) -> bytes:
    """A small random PNG, the same for the same seed."""
    pixels = np.random.default_rng(seed).integers(0, 256, (size, size, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def sample_record(i: int) -> dict:
    """Record ``i`` of :data:`SCHEMA`, touching every column kind (json with nesting, None and
    non-ASCII; an int64 near its limit; bytes with NUL and 0xff)."""
    return {
        "id": f"fig.{i:03d}",
        "image": sample_png(i),
        "meta": {"i": i, "nested": {"ok": i % 2 == 0, "v": [1.5, None, "é"]}},
        "code": f"print({i})\n",
        "n": -(2**62) + i,
        "x": 1 / (i + 3),
        "blob": bytes(range(i % 7)) + b"\x00\xff",
    }


def _png(pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def candidate_pixels(seed: int, index: int) -> np.ndarray:
    """Pixels of candidate ``index``; every 5th candidate repeats the previous one's picture."""
    source = index - 1 if index % 5 == 4 else index
    rng = np.random.default_rng([seed, source])
    return rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)


def produce(
    out: str | Path,
    fmt: str,
    target: int,
    seed: int,
    shard_size: int,
    sleep_s: float = 0.0,
    progress: bool = False,
) -> None:
    """Write ``target`` kept samples; drops every 7th candidate as blank and near-duplicates."""
    config = {"target": target, "seed": seed, "generator": "datawriter_producer"}
    with DatasetWriter(out, SCHEMA, format=fmt, shard_size=shard_size, config=config) as w:
        index = -1
        while w.state.kept < target:
            index += 1
            if index in w.state.done_indices:
                continue
            if index % 7 == 3:
                w.add(index, None, reason="blank")
            else:
                png = _png(candidate_pixels(seed, index))
                h = phash64(png)
                if w.state.hash_index.near(h, 3):
                    w.add(index, None, reason="duplicate")
                else:
                    rng = np.random.default_rng([seed, index, 1])
                    record = {
                        "id": f"s{seed}.{index:05d}",
                        "image": png,
                        "meta": {"index": index, "vals": rng.random(3).round(4).tolist()},
                        "code": f"import matplotlib.pyplot as plt\nplt.plot([{index}, 1])\n",
                        "n": index * 3,
                        "x": float(rng.random()),
                        "blob": rng.bytes(int(rng.integers(0, 40))),
                    }
                    w.add(index, record, phash=h)
            if progress:
                print(index, flush=True)
            if sleep_s:
                time.sleep(sleep_s)
        w.finish({"target": target})


def _install_crash(spec: str) -> None:
    point, _, nth = spec.partition(":")
    countdown = [int(nth)]

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    if point in ("tmp", "rename"):
        real_rename = os.rename

        def rename(src, dst):  # type: ignore[no-untyped-def]
            if Path(src).name.startswith(".tmp-"):
                countdown[0] -= 1
                if countdown[0] == 0 and point == "tmp":
                    die()
                real_rename(src, dst)
                if countdown[0] == 0:
                    die()
            else:
                real_rename(src, dst)

        writer_module.os.rename = rename  # type: ignore[assignment]
    elif point == "append":
        real_append = writer_module.DatasetWriter._append

        def append(self, obj):  # type: ignore[no-untyped-def]
            if obj.get("type") == "shard" and obj.get("name"):
                countdown[0] -= 1
                if countdown[0] == 0:
                    line = encode_line(obj)
                    os.write(self._manifest_fd, line[: len(line) // 2])
                    os.fsync(self._manifest_fd)
                    die()
            real_append(self, obj)

        writer_module.DatasetWriter._append = append  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown crash point {spec!r}")


if __name__ == "__main__":
    out, fmt, target, seed, shard_size, sleep_s = sys.argv[1:7]
    if len(sys.argv) > 7:
        _install_crash(sys.argv[7])
    produce(out, fmt, int(target), int(seed), int(shard_size), float(sleep_s), progress=True)
