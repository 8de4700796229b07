"""What the DatasetWriter journal costs: records/s with it and without it, same process.

Writes ``--n`` ICC-sized records (a 30-60 KB PNG, ~1.5 KB of code, a caption, a ~10 KB scene
as ``RawJSON``, small params/facts) through ``DatasetWriter`` with the ICC schema, Parquet and
``--shard-size`` (the synth default, 500), once with the journal (the default) and once with
``journal=False``, ``--rounds`` times in alternation, each into a fresh directory beside
``--dir`` (default: a temporary directory, on the disk /tmp is on). The records are built
before timing; a round times every ``add`` plus ``finish`` and ``close`` (so the shards' writing
and fsyncs are included, as a producer sees them). Also times a resume: opening a writer whose
journal holds ``shard_size - 1`` records (replay, validation included).

    .venv/bin/python benchmarks/bench_journal.py [--n 2000] [--rounds 3] [--json out.json]

The rate is the median over rounds; wall-clock time on a shared machine is noisy, which is why
the two variants alternate.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from codepercept.data import DatasetWriter, RawJSON
from codepercept.synth.pipeline import ICC_SCHEMA


def _pngs(count: int, seed: int) -> list[bytes]:
    """Distinct PNGs of 30-60 KB: a noisy band over a white canvas, like a busy figure."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        side = int(rng.integers(110, 145))
        pixels = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
        buf = io.BytesIO()
        Image.fromarray(pixels).save(buf, format="PNG", compress_level=1)
        if 30_000 <= len(buf.getvalue()) <= 60_000:
            out.append(buf.getvalue())
    return out


def make_records(n: int, seed: int = 0) -> list[dict]:
    pngs = _pngs(64, seed)
    rng = np.random.default_rng(seed + 1)
    records = []
    for i in range(n):
        points = rng.random((60, 2)).round(4).tolist()
        scene = {
            "schema_version": 1,
            "figures": [{"size": [6.4, 4.8], "dpi": 100}],
            "elements": [
                {"kind": "line", "id": f"l{j}", "points": points, "color": "#1f77b4"}
                for j in range(4)
            ],
        }
        records.append(
            {
                "id": f"icc-{seed}-{i:08d}",
                "image": pngs[i % len(pngs)],
                "code": "import numpy as np\nimport matplotlib.pyplot as plt\n"
                + "".join(f"plt.plot([{j}, {i}], [0, {j * i % 97}])\n" for j in range(30))
                + "plt.show()\n",
                "caption": " ".join(f"word{(i * 7 + j) % 1000}" for j in range(80)),
                "scene": RawJSON(json.dumps(scene, separators=(",", ":"))),
                "domain": "charts",
                "family": "line_chart",
                "seed": int(rng.integers(0, 2**62)),
                "params": {"n": i, "slope": round(float(rng.random()), 6)},
                "facts": {"max": i % 13, "labels": ["a", "b", "c"]},
            }
        )
    return records


def write_all(out: Path, records: list[dict], shard_size: int, journal: bool) -> float:
    t0 = time.perf_counter()
    with DatasetWriter(
        out, ICC_SCHEMA, shard_size=shard_size, config={"bench": 1}, journal=journal
    ) as w:
        for i, record in enumerate(records):
            w.add(i, record, phash=i)
        w.finish({})
    return time.perf_counter() - t0


def time_replay(root: Path, records: list[dict], shard_size: int) -> dict:
    out = root / "replay"
    with DatasetWriter(out, ICC_SCHEMA, shard_size=shard_size, config={"bench": 1}) as w:
        for i, record in enumerate(records[: shard_size - 1]):
            w.add(i, record, phash=i)
    size = (out / "journal.bin").stat().st_size
    t0 = time.perf_counter()
    with DatasetWriter(out, ICC_SCHEMA, shard_size=shard_size, config={"bench": 1}) as w:
        assert w.state.kept == shard_size - 1
    seconds = time.perf_counter() - t0
    shutil.rmtree(out)
    return {"records": shard_size - 1, "journal_mb": round(size / 1e6, 1), "seconds": seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--shard-size", type=int, default=500)
    ap.add_argument("--dir", type=Path, default=None, help="where to write (default: a tmp dir)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    records = make_records(args.n)
    mb = sum(len(r["image"]) + len(r["code"]) + len(r["scene"]) for r in records) / 1e6
    root = Path(tempfile.mkdtemp(prefix="bench-journal-", dir=args.dir))
    try:
        write_all(root / "warm", records[: args.shard_size], args.shard_size, True)  # imports
        times: dict[str, list[float]] = {"journal": [], "no_journal": []}
        for r in range(args.rounds):
            order = ["journal", "no_journal"] if r % 2 == 0 else ["no_journal", "journal"]
            for name in order:
                out = root / f"{name}-{r}"
                times[name].append(write_all(out, records, args.shard_size, name == "journal"))
                shutil.rmtree(out)
        replay = time_replay(root, records, args.shard_size)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    rate = {k: args.n / statistics.median(v) for k, v in times.items()}
    result = {
        "n": args.n,
        "payload_mb": round(mb, 1),
        "shard_size": args.shard_size,
        "rounds": args.rounds,
        "seconds": {k: [round(s, 3) for s in v] for k, v in times.items()},
        "records_per_s": {k: round(v, 1) for k, v in rate.items()},
        "ratio_journal_over_no_journal": round(rate["journal"] / rate["no_journal"], 3),
        "replay": {**replay, "seconds": round(replay["seconds"], 3)},
    }
    print(f"{args.n} records, {mb:.1f} MB of image+code+scene, shard_size {args.shard_size}, "
          f"median of {args.rounds} rounds (alternating)")  # fmt: skip
    print(f"  with journal    {rate['journal']:8.1f} records/s   {times['journal']}")
    print(f"  without journal {rate['no_journal']:8.1f} records/s   {times['no_journal']}")
    print(f"  ratio with/without: {result['ratio_journal_over_no_journal']:.3f}")
    print(f"  resume: replaying {replay['records']} journaled records "
          f"({replay['journal_mb']} MB) took {replay['seconds']:.3f} s")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
