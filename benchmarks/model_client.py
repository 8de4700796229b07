"""How many model requests per second the client sustains, and whether a job waits on the model.

Starts ``codepercept serve --backend static --latency-ms L`` (every answer after L ms) and
measures, side by side in one run:

1. the client alone (answers discarded), at concurrency 1, 16, 64 and 256: requests/s of
   :class:`~codepercept.models.client.AsyncChat` (one event loop) beside the obvious
   alternative, a thread per request in flight each blocking on ``httpx.Client`` (what the
   benchmark runner did before), the ideal (concurrency / latency) and each one's ratio to it;
2. ``bench run`` on a small benchmark with the served model at concurrency 1, 16 and 64:
   items/s beside the sandbox's own rate for the same program (the physical limit of the job
   on this machine), and what binds.

Usage: python benchmarks/model_client.py [--latency-ms 200] [--requests 512] [--items 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MSG = [{"role": "user", "content": "draw a sine wave"}]


def start_server(latency_ms: int, backend: str = "static") -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "codepercept.cli", "serve", "--backend", backend,
         "--latency-ms", str(latency_ms), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if " at " not in line:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return proc, line.rsplit(" at ", 1)[1].strip()


async def async_client(url: str, concurrency: int, n: int) -> float:
    from codepercept.models.client import AsyncChat

    async with AsyncChat("m", url, concurrency=concurrency, retries=0) as chat:
        await chat.complete(MSG)  # connect once before the clock starts
        t0 = time.perf_counter()
        await asyncio.gather(*(chat.complete(MSG, seed=i) for i in range(n)))
        return n / (time.perf_counter() - t0)


def threaded_client(url: str, concurrency: int, n: int) -> float:
    """The alternative: ``concurrency`` threads, each blocking on a shared httpx.Client."""
    client = httpx.Client(
        timeout=60,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )
    body = {"model": "m", "messages": MSG}
    client.post(f"{url}/chat/completions", json=body).raise_for_status()
    counter = iter(range(n))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            client.post(f"{url}/chat/completions", json={**body, "seed": i}).raise_for_status()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for f in [pool.submit(worker) for _ in range(concurrency)]:
            f.result()
    rate = n / (time.perf_counter() - t0)
    client.close()
    return rate


def bench_run_rates(url: str, items: int, concurrencies: list[int]) -> None:
    from codepercept.bench import build_benchmark, run_benchmark
    from codepercept.sandbox import Executor

    with tempfile.TemporaryDirectory() as tmp:
        bench = Path(tmp) / "bench"
        build_benchmark(items, bench, seed=5, workers=2)
        with httpx.Client() as c:  # the program the static backend answers
            reply = c.post(f"{url}/chat/completions", json={"model": "m", "messages": MSG}).json()
        from codepercept.bench.extract import extract_code

        code = extract_code(reply["choices"][0]["message"]["content"])
        with Executor(workers=2) as ex:
            ex.run(code)
            t0 = time.perf_counter()
            ex.map([code] * items)
            sandbox = items / (time.perf_counter() - t0)
        print(f"\nbench run, {items} items, --workers 2 (sandbox alone: {sandbox:.1f} programs/s)")
        print(f"{'concurrency':>12} {'items/s':>9} {'x sandbox':>10}  binds")
        for conc in concurrencies:
            t0 = time.perf_counter()
            run_benchmark(bench, f"openai:m@{url}", Path(tmp) / f"run{conc}", workers=2,
                          concurrency=conc)  # fmt: skip
            rate = items / (time.perf_counter() - t0)
            ratio = rate / sandbox
            print(f"{conc:>12} {rate:>9.1f} {ratio:>10.2f}  "
                  f"{'the sandbox (and scoring)' if ratio > 0.6 else 'the model'}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency-ms", type=int, default=200)
    ap.add_argument("--requests", type=int, default=512)
    ap.add_argument("--items", type=int, default=32)
    ap.add_argument("--skip-bench-run", action="store_true")
    args = ap.parse_args()
    proc, url = start_server(args.latency_ms)
    try:
        lat = args.latency_ms / 1000
        print(f"server: {url}, every answer after {args.latency_ms} ms; {os.cpu_count()} cores")
        print(f"{'concurrency':>12} {'ideal/s':>8} {'async/s':>8} {'ratio':>6} "
              f"{'threads/s':>10} {'ratio':>6}")  # fmt: skip
        for conc in (1, 16, 64, 256):
            n = max(conc * 4, 16) if conc < 64 else args.requests
            ideal = conc / lat
            a = asyncio.run(async_client(url, conc, n))
            t = threaded_client(url, conc, n)
            print(f"{conc:>12} {ideal:>8.1f} {a:>8.1f} {a / ideal:>6.2f} {t:>10.1f} "
                  f"{t / ideal:>6.2f}")  # fmt: skip
        if not args.skip_bench_run:
            bench_run_rates(url, args.items, [1, 16, 64])
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
