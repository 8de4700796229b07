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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(latency_ms: int, backend: str = "static") -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "codepercept.cli", "serve", "--backend", backend,
         "--latency-ms", str(latency_ms), "--port", "0", "--model-name", "m"],
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
        # open every connection before the clock starts (a long job pays that once)
        await asyncio.gather(*(chat.complete(MSG, seed=-1 - i) for i in range(concurrency)))
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
            for _attempt in range(3):  # a kept-alive connection the server closed: once more
                try:
                    r = client.post(f"{url}/chat/completions", json={**body, "seed": i})
                except httpx.TransportError:
                    continue
                r.raise_for_status()
                break

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for f in [pool.submit(worker) for _ in range(concurrency)]:
            f.result()
    rate = n / (time.perf_counter() - t0)
    client.close()
    return rate


def bench_run_rates(url: str, url0: str, items: int, concurrencies: list[int]) -> None:
    """``bench run`` with the served model (an answer after the latency) beside the same job
    against the same server answering at once (``url0``: the request's own costs, image scaling
    included, but no latency) and with a model that costs nothing at all (a predictions file
    holding the same answers): the first ratio says how much the job waits on the model."""
    import json

    from codepercept.bench import build_benchmark, load_bench, run_benchmark
    from codepercept.bench.extract import extract_code
    from codepercept.sandbox import Executor

    with tempfile.TemporaryDirectory() as tmp:
        bench = Path(tmp) / "bench"
        build_benchmark(items, bench, seed=5, workers=2)
        with httpx.Client() as c:  # the answer the static backend gives every request
            reply = c.post(f"{url}/chat/completions", json={"model": "m", "messages": MSG}).json()
        answer = reply["choices"][0]["message"]["content"]
        code = extract_code(answer)
        with Executor(workers=2) as ex:
            ex.run(code)
            t0 = time.perf_counter()
            ex.map([code] * items)
            sandbox = items / (time.perf_counter() - t0)
        preds = Path(tmp) / "preds.jsonl"
        preds.write_text("".join(json.dumps({"id": it.id, "response": answer}) + "\n"
                                 for it in load_bench(bench)))  # fmt: skip
        t0 = time.perf_counter()
        run_benchmark(bench, f"predictions:{preds}", Path(tmp) / "instant", workers=2)
        instant = items / (time.perf_counter() - t0)
        print(f"\nbench run, {items} items, --workers 2: the job with an instant model "
              f"{instant:.1f} items/s (the sandbox alone runs the program at {sandbox:.1f}/s; "
              "the rest is scoring at dpi 300)")  # fmt: skip
        print(f"{'concurrency':>12} {'items/s':>9} {'no-latency/s':>13} {'ratio':>6} "
              f"{'x instant':>10}  waits on")  # fmt: skip
        for conc in concurrencies:
            rates = []
            for name, where in (("lat", url), ("zero", url0)):
                t0 = time.perf_counter()
                run_benchmark(bench, f"openai:m@{where}", Path(tmp) / f"{name}{conc}", workers=2,
                              concurrency=conc)  # fmt: skip
                rates.append(items / (time.perf_counter() - t0))
            ratio = rates[0] / rates[1]
            print(f"{conc:>12} {rates[0]:>9.1f} {rates[1]:>13.1f} {ratio:>6.2f} "
                  f"{rates[0] / instant:>10.2f}  "
                  f"{'CPU (images, sandbox, scoring)' if ratio >= 0.85 else 'the model'}")  # fmt: skip


def reproduce_rates(latency_ms: int, seeds_n: int, concurrencies: list[int]) -> None:
    """``reproduce`` against ``serve --backend offline:DIR`` with and without latency, on
    ``seeds_n`` seed images: how much the job waits on the model."""
    from codepercept.data import read_dataset
    from codepercept.pipelines.modeldata import reproduce
    from codepercept.synth.pipeline import synthesize

    with tempfile.TemporaryDirectory() as tmp:
        icc = Path(tmp) / "icc"
        synthesize(seeds_n, icc, seed=3, workers=2)
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        for row in read_dataset(icc):
            (seeds / f"{row['id']}.png").write_bytes(row["image"])
        servers = []
        try:
            for lat in (latency_ms, 0):
                servers.append(start_server(lat, backend=f"offline:{icc}"))
            print(f"\nreproduce, {seeds_n} seeds, --workers 2 (offline backend)")
            print(f"{'concurrency':>12} {'units/s':>9} {'no-latency/s':>13} {'ratio':>6}")
            for conc in concurrencies:
                rates = []
                for k, (_, url) in enumerate(servers):
                    t0 = time.perf_counter()
                    reproduce(seeds, f"openai:m@{url}", Path(tmp) / f"r{conc}-{k}", workers=2,
                              concurrency=conc)  # fmt: skip
                    rates.append(seeds_n / (time.perf_counter() - t0))
                print(f"{conc:>12} {rates[0]:>9.1f} {rates[1]:>13.1f} {rates[0] / rates[1]:>6.2f}")
        finally:
            for proc, _ in servers:
                proc.terminate()
                proc.wait(10)


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
              f"{'client cpu':>10} {'server cpu':>10} {'threads/s':>10} {'ratio':>6}")  # fmt: skip
        for conc in (1, 16, 64, 256):
            n = max(conc * 4, 16) if conc < 64 else args.requests
            ideal = conc / lat
            c0, s0, w0 = cpu_seconds(os.getpid()), cpu_seconds(proc.pid), time.perf_counter()
            a = asyncio.run(async_client(url, conc, n))
            wall = time.perf_counter() - w0
            ccpu = (cpu_seconds(os.getpid()) - c0) / wall
            scpu = (cpu_seconds(proc.pid) - s0) / wall
            t = threaded_client(url, conc, n)
            print(f"{conc:>12} {ideal:>8.1f} {a:>8.1f} {a / ideal:>6.2f} {ccpu:>9.0%} "
                  f"{scpu:>10.0%} {t:>10.1f} {t / ideal:>6.2f}")  # fmt: skip
        print("(cpu: share of one core while the async client ran; 2 cores = 200%)")
        if not args.skip_bench_run:
            proc0, url0 = start_server(0)
            try:
                bench_run_rates(url, url0, args.items, [1, 16, 64])
            finally:
                proc0.terminate()
                proc0.wait(10)
            reproduce_rates(args.latency_ms, args.items, [1, 16, 64])
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
