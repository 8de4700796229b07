"""Execution throughput: the sandbox executor against the two obvious alternatives, one run.

The same programs (STEM figures from the synth families, round-robin over families and seeds)
are executed three ways at the same dpi:

  (a) a fresh ``python prog.py`` subprocess per program that saves with ``savefig`` — how the
      public STEM2Code-Eval harness runs code — ``--workers`` at a time;
  (b) ``codepercept.sandbox.Executor(workers=--workers)`` — hardened, and it also traces a Scene;
  (c) plain in-process ``exec`` + ``savefig`` in this process, one at a time, no isolation.

Also (b1) one hardened worker and (b1r) one reusable worker against (c) on one core, and with
``--layers`` (b1) with each isolation layer left out (``Executor(disable=...)``), so a reader
sees what each layer costs. Prints programs/s for each and the ratios. Usage:

    .venv/bin/python benchmarks/exec_throughput.py [--n 120] [--workers 2] [--dpi 100] [--layers]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from _inprocess import render_in_process


def programs(n: int) -> list[str]:
    from codepercept.synth import list_families

    fams = list_families()
    if not fams:
        raise SystemExit("no synth families are registered; nothing to benchmark")
    out = []
    seed = 0
    while len(out) < n:
        for fam in fams:
            if len(out) == n:
                break
            out.append(fam.generate(seed).code)
        seed += 1
    return out


def run_subprocesses(codes: list[str], dpi: float, workers: int) -> tuple[float, int]:
    tmp = tempfile.mkdtemp(prefix="bench-subproc-")

    def one(i: int) -> bool:
        path = os.path.join(tmp, f"prog{i}.py")
        png = os.path.join(tmp, f"prog{i}.png")
        body = codes[i].replace("plt.show()", f"plt.savefig({png!r}, dpi={dpi})")
        with open(path, "w") as fh:
            fh.write("import matplotlib\nmatplotlib.use('Agg')\n" + body)
        proc = subprocess.run([sys.executable, path], capture_output=True, timeout=60, cwd=tmp)
        return proc.returncode == 0 and os.path.exists(png)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        ok = sum(pool.map(one, range(len(codes))))
    return time.perf_counter() - t0, ok


def run_executor(
    codes: list[str], dpi: float, workers: int, **kwargs: object
) -> tuple[float, int, float]:
    from codepercept.sandbox import Executor

    t_start = time.perf_counter()
    with Executor(workers=workers, dpi=dpi, timeout_s=60, **kwargs) as ex:
        startup = time.perf_counter() - t_start
        t0 = time.perf_counter()
        results = ex.map(codes)
        elapsed = time.perf_counter() - t0
    return elapsed, sum(r.status == "ok" for r in results), startup


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dpi", type=float, default=100)
    ap.add_argument("--skip-subprocess", action="store_true")
    ap.add_argument(
        "--layers",
        action="store_true",
        help="also run (b1) once with each isolation layer left out, and with all of them "
        "left out, to show what each layer costs",
    )
    ap.add_argument("--reuse", type=int, default=64, help="programs per worker for (b1r)")
    ap.add_argument("--rounds", type=int, default=3, help="paired rounds per layer (--layers)")
    args = ap.parse_args()
    codes = programs(args.n)
    print(
        f"{len(codes)} programs, dpi {args.dpi:g}, {args.workers} workers, {os.cpu_count()} cores"
    )

    tc, ok_c = render_in_process(codes, args.dpi)
    tb, ok_b, startup = run_executor(codes, args.dpi, args.workers)
    rows = [("(c) in-process exec, no isolation, 1 process", tc, ok_c)]
    rows.insert(0, (f"(b) Executor, {args.workers} workers (+ Scene trace)", tb, ok_b))
    tb1, ok_b1, _ = run_executor(codes, args.dpi, 1)
    rows.insert(1, ("(b1) Executor, 1 worker (per-core overhead)", tb1, ok_b1))
    tr, ok_r, _ = run_executor(codes, args.dpi, 1, reuse=args.reuse)
    rows.insert(2, (f"(b1r) Executor, 1 worker, reuse={args.reuse}", tr, ok_r))
    layer_rows = []
    if args.layers:
        import statistics

        from codepercept.sandbox.executor import LAYERS

        # Paired rounds: (b1) with every layer, then without one, back to back, so machine
        # drift cancels; the cost is the median of the paired differences.
        for layer in (*LAYERS, "all"):
            off = LAYERS if layer == "all" else (layer,)
            pairs = []
            for _ in range(args.rounds):
                t_with, _, _ = run_executor(codes, args.dpi, 1)
                t_without, ok, _ = run_executor(codes, args.dpi, 1, disable=off)
                pairs.append((t_with, t_without))
            cost = statistics.median(1 - b / a for a, b in pairs)
            t = statistics.median(b for _, b in pairs)
            layer_rows.append((layer, t, ok, cost))
    if not args.skip_subprocess:
        ta, ok_a = run_subprocesses(codes, args.dpi, args.workers)
        rows.insert(0, (f"(a) fresh python subprocess, {args.workers} at a time", ta, ok_a))
        if args.workers > 1:
            ta1, ok_a1 = run_subprocesses(codes, args.dpi, 1)
            rows.insert(1, ("(a1) fresh python subprocess, 1 at a time", ta1, ok_a1))
    print(f"{'method':52s} {'seconds':>8s} {'ok':>5s} {'programs/s':>11s}")
    rate = {}
    for name, t, ok in rows:
        rate[name.split()[0]] = len(codes) / t
        print(f"{name:52s} {t:8.2f} {ok:5d} {len(codes) / t:11.1f}")
    print(f"executor start-up (zygote warm-up, once): {startup:.2f} s")
    if "(a)" in rate:
        print(f"b/a = {rate['(b)'] / rate['(a)']:.1f}   (target >= 10; a at the same concurrency)")
    if "(a1)" in rate:
        print(f"b/a1 = {rate['(b)'] / rate['(a1)']:.1f}  (a1: one subprocess at a time)")
    print(f"b/c = {rate['(b)'] / rate['(c)']:.2f}   (target >= 0.75)")
    print(f"b1/c = {rate['(b1)'] / rate['(c)']:.2f}  (one worker vs one in-process core)")
    print(f"b1r/c = {rate['(b1r)'] / rate['(c)']:.2f}  (one reusable worker vs one core)")
    if layer_rows:
        print(
            f"what each isolation layer costs (b1 with it vs without it, median of "
            f"{args.rounds} paired rounds; cost = its share of b1's time):"
        )
        print(
            f"  {'layer left out':20s} {'seconds':>8s} {'ok':>4s} {'programs/s':>11s} {'cost':>7s}"
        )
        for layer, t, ok, cost in layer_rows:
            print(f"  {layer:20s} {t:8.2f} {ok:4d} {len(codes) / t:11.1f} {cost:+7.1%}")


if __name__ == "__main__":
    main()
