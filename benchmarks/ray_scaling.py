"""Ray scale-out: the same synth job on the local executor and on a local Ray cluster, one run.

(1) ``synthesize`` with the local executor, W workers (W sandbox programs in flight).
(2) The same job with ``--executor ray`` on a Ray cluster started here with C CPUs, for each
    (actors x workers per actor) in ``--layouts``: the dataset's data files are checked to be
    the same bytes as (1)'s. Reported as candidates/s and as a ratio to (1) **at equal cores**
    (actors x workers = W).
(3) Ray's overhead per task: a task that does nothing, over ``--probe`` items one per task,
    on the same actors (the round trip driver -> actor -> driver, and scheduling).
(4) The driver's share: CPU seconds per candidate of this process during each Ray run (judging,
    captioning, writing, Ray's client threads): ``1 / d`` is the ceiling of the ordered
    consumer whatever the cluster's size.
(5) The unisolated in-process rate: the same programs ``exec``-ed in this process (no
    sandbox, no trace), per core — the physical limit.

Then the model a user picks ``--ray-task-size`` with: on N nodes of c cores, with t the
seconds per candidate per core (from (2)), o the per-task overhead (3) and s the task size,

    throughput(N) ~= min(N * c / (t + o / s), 1 / d)

where d is the driver's seconds per candidate (4). Usage:

    .venv/bin/python benchmarks/ray_scaling.py [--n 240] [--cpus 2] [--layouts 1x2,2x1,1x1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _inprocess import render_in_process


def _noop(state: object, payload: object, items: list[int]) -> list[None]:
    return [None] * len(items)


def _nothing() -> None:
    return None


def _data(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())
            if p.name == "manifest.jsonl" or p.suffix == ".parquet"}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=240)
    ap.add_argument("--cpus", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--layouts", default="1x2,2x1,1x1", help="actors x workers, comma-separated")
    ap.add_argument("--task-size", type=int, default=32)
    ap.add_argument("--probe", type=int, default=400, help="no-op tasks for the overhead")
    args = ap.parse_args()

    import ray

    from codepercept.cluster import RayOptions, ShardMap
    from codepercept.synth import list_families
    from codepercept.synth.pipeline import candidate, synthesize

    layouts = [tuple(int(v) for v in x.split("x")) for x in args.layouts.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    rows = []
    try:
        local_rate: dict[int, float] = {}
        ref: dict[str, bytes] | None = None
        for w in sorted({a * b for a, b in layouts}):
            out = tmp / f"local-{w}"
            t0 = time.perf_counter()
            s = synthesize(args.n, out, workers=w)
            dt = time.perf_counter() - t0
            cands = s["kept_total"] + sum(s["dropped"].values())
            local_rate[w] = cands / dt
            ref = ref or _data(out)
            rows.append((f"local, {w} worker(s)", w, local_rate[w], 1.0, "reference"))

        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        t0 = time.perf_counter()
        ray.init(address="local", num_cpus=args.cpus, include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR")  # fmt: skip
        start_s = time.perf_counter() - t0
        overhead, driver = {}, {}
        try:
            for actors, workers in layouts:
                out = tmp / f"ray-{actors}x{workers}"
                opts = RayOptions(actors=actors, task_size=args.task_size)
                t0, c0 = time.perf_counter(), time.process_time()
                s = synthesize(args.n, out, workers=workers, ray=opts)
                dt, dc = time.perf_counter() - t0, time.process_time() - c0
                cands = s["kept_total"] + sum(s["dropped"].values())
                cores = actors * workers
                driver[(actors, workers)] = dc / cands
                same = "same bytes" if _data(out) == ref else "DIFFERENT BYTES"
                rows.append((f"ray, {actors} actor(s) x {workers} worker(s)", cores, cands / dt,
                             cands / dt / local_rate[cores], same))  # fmt: skip
                with ShardMap(_noop, None, _nothing, RayOptions(actors=actors, task_size=1)) as p:
                    list(p.ordered(range(20)))  # warm
                    t0 = time.perf_counter()
                    list(p.ordered(range(args.probe)))
                    overhead[(actors, workers)] = (time.perf_counter() - t0) / args.probe
        finally:
            ray.shutdown()

        fams = list_families()
        codes = [candidate(fams, 0, k).code for k in range(min(args.n, 120))]
        secs, ran = render_in_process(codes, 100, png="fast")
        inproc = ran / secs

        print(f"synth --n {args.n}, {args.cpus} CPU(s) for Ray (started in {start_s:.1f} s, not "
              f"counted), task size {args.task_size}")  # fmt: skip
        print()
        print("| run | cores | candidates/s | ratio to local at equal cores | data files |")
        print("|---|---|---|---|---|")
        for name, cores, rate, ratio, same in rows:
            print(f"| {name} | {cores} | {rate:.1f} | {ratio:.2f} | {same} |")
        print()
        print(f"in-process, unisolated, 1 core: {inproc:.1f} programs/s "
              f"(x cores: {inproc * max(c for _, c, *_ in rows):.1f}/s, the physical limit)")  # fmt: skip
        for (a, _w), o in overhead.items():
            print(f"Ray overhead per task ({a} actor(s), no-op, 1 item each): {o * 1000:.2f} ms")
        d = max(driver.values())
        print(f"driver CPU per candidate: {d * 1000:.2f} ms (ordered consumer ceiling "
              f"~{1 / d:.0f} candidates/s)")  # fmt: skip
        o = sum(overhead.values()) / max(1, len(overhead))
        t = max(c for _, c, *_ in rows) / max(r for n, c, r, *_ in rows if n.startswith("local"))
        print()
        print(
            "model: throughput(N nodes of c cores) ~= min(N*c / (t + o/s), 1/d), t = "
            f"{t * 1000:.1f} ms per candidate per core, o = {o * 1000:.2f} ms per task"
        )
        for s in (1, 4, 32, 128):
            print(f"  task size {s:4d}: Ray's share of the time per candidate "
                  f"{(o / s) / (t + o / s) * 100:5.1f} %")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
