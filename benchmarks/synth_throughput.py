"""ICC synthesis throughput: the full pipeline beside the in-process render rate, one run.

(1) ``synthesize`` with K workers: generate -> sandbox exec + trace -> filters -> caption ->
    Parquet shards. Reports kept triplets/s and candidates/s (wall clock, start-up included).
(2) The same candidate programs executed in this process, one at a time, no isolation, no
    trace: ``exec`` + ``savefig`` PNG. Reports programs/s (the single-core render rate).
(3) The same again in K forked processes at once (no isolation, no trace, no filters, no
    writing): what K cores really give a pool of warm interpreters on this machine, i.e. the
    practical ceiling beside the ideal (2) x cores.

Targets on 2 cores: >= 20 triplets/s, and (1) >= 80% of (2) x cores. Also prints the per-domain
kept ratio. Usage:

    .venv/bin/python benchmarks/synth_throughput.py [--n 400] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

from _inprocess import render_in_process, render_in_processes


def main() -> None:
    from codepercept.synth import list_families
    from codepercept.synth.pipeline import candidate, synthesize

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpi", type=float, default=100)
    args = ap.parse_args()
    out = tempfile.mkdtemp(prefix="bench-synth-")
    try:
        t0 = time.perf_counter()
        summary = synthesize(args.n, out, seed=args.seed, workers=args.workers, dpi=args.dpi)
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    candidates = summary["candidates_this_run"]
    fams = list_families()
    codes = [candidate(fams, args.seed, k).code for k in range(candidates)]
    seconds, _ok = render_in_process(codes, args.dpi)
    single = len(codes) / seconds
    cores = min(args.workers, os.cpu_count() or 1)
    pool_s, _ = render_in_processes(codes, args.dpi, cores)
    pooled = len(codes) / pool_s
    kept_rate, cand_rate = args.n / wall, candidates / wall
    print(
        f"{candidates} candidates -> {args.n} kept, {args.workers} workers, {os.cpu_count()} cores"
    )
    print(f"{'method':58s} {'per s':>8s}")
    print(f"{'(1) pipeline, kept triplets (exec+trace+filter+caption+write)':58s} {kept_rate:8.2f}")
    print(f"{'(1) pipeline, candidates':58s} {cand_rate:8.2f}")
    print(f"{'(2) in-process exec+savefig, 1 core, no isolation':58s} {single:8.2f}")
    print(f"{'(2) x cores':58s} {single * cores:8.2f}")
    print(
        f"{'(3) in-process exec+savefig, ' + str(cores) + ' processes, no isolation':58s} {pooled:8.2f}"
    )
    print(f"candidates/s vs (2) x cores = {cand_rate / (single * cores):.2f}   (target >= 0.80)")
    print(f"candidates/s vs (3)         = {cand_rate / pooled:.2f}")
    print(
        f"(3) vs (2) x cores          = {pooled / (single * cores):.2f}   (how well {cores} cores scale)"
    )
    print(f"kept triplets/s = {kept_rate:.1f}   (target >= 20)")
    print("kept ratio per domain: " + ", ".join(
        f"{d} {v['kept_ratio']:.2f}" for d, v in summary["per_domain"].items()))  # fmt: skip
    print(f"dropped: {summary['dropped']}")


if __name__ == "__main__":
    main()
