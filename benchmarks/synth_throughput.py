"""ICC synthesis throughput: the full pipeline beside the in-process render rate, one run.

(1) ``synthesize`` with K workers: generate -> sandbox exec + trace -> filters -> caption ->
    Parquet shards. Reports kept triplets/s and candidates/s (wall clock, start-up included).
    With its default, each hardened sandbox process runs up to ``--reuse`` (32) programs in
    turn; (1b) is the same run with a fresh process per program (``reuse=1``).
(2) The same candidate programs executed in this process, one at a time, no isolation, no
    trace: ``exec`` + ``savefig`` PNG. Reports programs/s (the single-core render rate).
    (2f) is the same with the pipeline's cheaper PNG encoding (the sandbox's ``png="fast"``:
    savefig's pixels, RGB and run-length zlib), so its share of the gain is visible.
(3) The same again in K forked processes at once (no isolation, no trace, no filters, no
    writing): what K cores really give a pool of warm interpreters on this machine, i.e. the
    practical ceiling beside the ideal (2) x cores.

Targets on 2 cores: >= 20 triplets/s, and (1) >= 80% of (2) x cores. Also prints the per-domain
kept ratio, and CPU seconds per candidate — the pipeline's (this process plus every sandbox
process) beside (2)'s per program: their ratio is the share of (2) x cores that (1) could reach
with every core busy, a figure the machine's noise moves far less than the rates. Usage:

    .venv/bin/python benchmarks/synth_throughput.py [--n 400] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

from _inprocess import render_in_process, render_in_processes, sandbox_cpu


def main() -> None:
    from codepercept.synth import list_families
    from codepercept.synth.pipeline import DEFAULT_REUSE, candidate, synth_executor, synthesize

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpi", type=float, default=100)
    ap.add_argument("--reuse", type=int, default=DEFAULT_REUSE)
    ap.add_argument(
        "--png", default="fast", help="the pipeline's PNG encoding: fast (its default) | savefig"
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="then R more rounds of (1), (2) and (2f) back to back, each ratio taken within its "
        "round (pairing keeps the ratio meaningful when the machine's speed drifts)",
    )
    args = ap.parse_args()

    def pipeline(reuse: int) -> tuple[dict, float, float, float, float]:
        """Summary, wall seconds, steady kept/s (first to last kept sample: no start-up or
        final flush), seconds to the first kept sample, and CPU seconds (this process and
        the sandbox's) per candidate."""
        out = tempfile.mkdtemp(prefix="bench-synth-")
        marks: list[tuple[float, int]] = []
        # The executor synthesize would make, made here so its sandbox's CPU can be read.
        ex = synth_executor(args.workers, args.dpi, reuse=reuse, png=args.png)
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            summary = synthesize(
                args.n, out, seed=args.seed, workers=args.workers, dpi=args.dpi, reuse=reuse,
                progress=lambda kept, n: marks.append((time.perf_counter(), kept)), executor=ex,
            )  # fmt: skip
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0 + sandbox_cpu(ex)
        finally:
            ex.close()
            shutil.rmtree(out, ignore_errors=True)
        first = next(m for m in marks if m[1] >= 1)
        steady = (marks[-1][1] - first[1]) / max(marks[-1][0] - first[0], 1e-9)
        return summary, wall, steady, first[0] - t0, cpu / summary["candidates_this_run"]

    summary, wall, steady, startup, cpu_cand = pipeline(args.reuse)
    _fresh_summary, fresh_wall, fresh_steady, _, _ = pipeline(1)
    candidates = summary["candidates_this_run"]
    fams = list_families()
    codes = [candidate(fams, args.seed, k).code for k in range(candidates)]
    c0 = time.process_time()
    seconds, _ok = render_in_process(codes, args.dpi)
    cpu_prog = (time.process_time() - c0) / len(codes)
    single = len(codes) / seconds
    c0 = time.process_time()
    fast_s, _ = render_in_process(codes, args.dpi, png="fast")  # the pipeline's PNG encoding
    cpu_fast = (time.process_time() - c0) / len(codes)
    single_fast = len(codes) / fast_s
    cores = min(args.workers, os.cpu_count() or 1)
    pool_s, _ = render_in_processes(codes, args.dpi, cores)
    pooled = len(codes) / pool_s
    kept_rate, cand_rate = args.n / wall, candidates / wall
    steady_cand = steady * candidates / args.n
    print(
        f"{candidates} candidates -> {args.n} kept, {args.workers} workers, {os.cpu_count()} cores"
    )
    print(f"{'method':58s} {'per s':>8s}")
    print(f"{'(1) pipeline, kept triplets (exec+trace+filter+caption+write)':58s} {kept_rate:8.2f}")
    print(f"{'(1) pipeline, candidates':58s} {cand_rate:8.2f}")
    print(f"{'(1) steady state (first to last kept), kept triplets':58s} {steady:8.2f}")
    print(f"{'(1) steady state, candidates':58s} {steady_cand:8.2f}")
    print(
        f"{'(1b) pipeline, kept triplets, a fresh process per program':58s} {args.n / fresh_wall:8.2f}"
    )
    print(f"{'(1b) pipeline, candidates':58s} {candidates / fresh_wall:8.2f}")
    print(f"{'(1b) steady state, kept triplets':58s} {fresh_steady:8.2f}")
    print(f"{'(2) in-process exec+savefig, 1 core, no isolation':58s} {single:8.2f}")
    print(f"{'(2) x cores':58s} {single * cores:8.2f}")
    print(
        f"{'(2f) in-process exec + the pipeline`s fast PNG encoding, 1 core':58s} {single_fast:8.2f}"
    )
    print(
        f"{'(3) in-process exec+savefig, ' + str(cores) + ' processes, no isolation':58s} {pooled:8.2f}"
    )
    print(f"start-up to the first kept sample: {startup:.2f} s (sandbox start, imports, warm-up)")
    print(f"candidates/s vs (2) x cores = {cand_rate / (single * cores):.2f}   (target >= 0.80)")
    print(f"  steady state vs (2) x cores = {steady_cand / (single * cores):.2f}")
    print(
        f"candidates/s vs (2f) x cores = {cand_rate / (single_fast * cores):.2f}, steady "
        f"{steady_cand / (single_fast * cores):.2f}   (the baseline given the same PNG encoder)"
    )
    print(f"candidates/s vs (3)         = {cand_rate / pooled:.2f}")
    print(
        f"(3) vs (2) x cores          = {pooled / (single * cores):.2f}   (how well {cores} cores scale)"
    )
    print(
        f"(1) vs (1b)                 = {fresh_wall / wall:.2f}   (process reuse, reuse={args.reuse})"
    )
    print(
        f"CPU per candidate: pipeline {cpu_cand * 1e3:.1f} ms (all processes), (2) "
        f"{cpu_prog * 1e3:.1f} ms -> (2)/(1) = {cpu_prog / cpu_cand:.2f}   (the reachable share)"
    )
    print(
        f"  (2f) {cpu_fast * 1e3:.1f} ms -> (2f)/(1) = {cpu_fast / cpu_cand:.2f}   (the reachable "
        "share against the baseline with the same PNG encoder)"
    )
    print(f"kept triplets/s = {kept_rate:.1f}, steady {steady:.1f}   (target >= 20)")
    print("kept ratio per domain: " + ", ".join(
        f"{d} {v['kept_ratio']:.2f}" for d, v in summary["per_domain"].items()))  # fmt: skip
    print(f"dropped: {summary['dropped']}")
    if args.rounds:
        paired, paired_fast = [], []
        for r in range(args.rounds):
            s_r, wall_r, _, _, _ = pipeline(args.reuse)
            rate = s_r["candidates_this_run"] / wall_r
            base = len(codes) / render_in_process(codes, args.dpi)[0]
            base_fast = len(codes) / render_in_process(codes, args.dpi, png="fast")[0]
            paired.append(rate / (base * cores))
            paired_fast.append(rate / (base_fast * cores))
            print(
                f"round {r + 1}: (1) {rate:.2f} candidates/s, (2) {base:.2f}, (2f) {base_fast:.2f}"
                f" -> vs (2) x cores {paired[-1]:.2f}, vs (2f) x cores {paired_fast[-1]:.2f}"
            )
        med = sorted(paired)[len(paired) // 2]
        med_fast = sorted(paired_fast)[len(paired_fast) // 2]
        print(
            f"paired rounds, median: candidates/s vs (2) x cores = {med:.2f} (target >= 0.80), "
            f"vs (2f) x cores = {med_fast:.2f}"
        )


if __name__ == "__main__":
    main()
