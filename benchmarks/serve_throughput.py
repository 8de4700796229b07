"""What `codepercept serve` sustains: requests/s from one client, and a burst at once.

Starts ``codepercept serve --backend static`` twice as a subprocess on 127.0.0.1 (the client
runs in this process, so both share the machine):

1. no latency: ``--requests`` chat completions one after another from one keep-alive
   ``httpx.Client`` (requests/s, and per-request latency percentiles); then the same number
   from one ``httpx.AsyncClient`` with ``--async-concurrency`` in flight;
2. ``--latency-ms`` (default 200): ``--concurrency`` (default 256) requests at once, from
   ``--pools`` AsyncClients of ``concurrency / pools`` connections (several pools: httpcore 1.0
   scans every connection of a pool for every request, so one pool of 256 connections is the
   bottleneck, not the server) and, for comparison, from one pool; the first burst
   opens the connections (cold), ``--rounds`` more reuse them (warm).

    .venv/bin/python benchmarks/serve_throughput.py [--requests 2000] [--concurrency 256]
        [--latency-ms 200] [--pools 64] [--rounds 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import ssl
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

SRC = Path(__file__).resolve().parents[1] / "src"
BODY = {"model": "static", "messages": [{"role": "user", "content": "hi"}]}


def _serve(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "codepercept.cli", "serve", "--backend", "static", "--port", "0",
         *args],
        stdout=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    if not line.startswith("serving "):
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return proc, line.split()[-1]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(10)


def sequential(url: str, n: int) -> dict[str, Any]:
    times = []
    with httpx.Client(timeout=30) as client:
        client.post(f"{url}/chat/completions", json=BODY)  # connect
        t0 = time.perf_counter()
        for _ in range(n):
            t = time.perf_counter()
            r = client.post(f"{url}/chat/completions", json=BODY)
            r.raise_for_status()
            times.append(time.perf_counter() - t)
        wall = time.perf_counter() - t0
    times.sort()
    return {
        "requests": n,
        "requests_per_s": round(n / wall, 1),
        "p50_ms": round(1000 * times[len(times) // 2], 2),
        "p99_ms": round(1000 * times[int(len(times) * 0.99)], 2),
    }


async def _async(url: str, n: int, concurrency: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one() -> None:
            async with gate:
                (await client.post(f"{url}/chat/completions", json=BODY)).raise_for_status()

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        wall = time.perf_counter() - t0
    return {"requests": n, "concurrency": concurrency, "requests_per_s": round(n / wall, 1)}


async def _bursts(url: str, n: int, pools: int, rounds: int) -> list[float]:
    """Wall-clock seconds of ``rounds`` bursts of ``n`` requests from the same ``pools``
    clients: the first opens the connections (cold), the others reuse them (warm)."""
    per = max(1, n // pools)
    limits = httpx.Limits(max_connections=per, max_keepalive_connections=per)
    tls = ssl.create_default_context()  # one for all (each client would load its own: 30 ms)
    clients = [httpx.AsyncClient(limits=limits, timeout=60, verify=tls) for _ in range(pools)]
    walls = []
    try:
        for _ in range(rounds):
            t0 = time.perf_counter()
            replies = await asyncio.gather(
                *(clients[i % pools].post(f"{url}/chat/completions", json=BODY) for i in range(n))
            )
            walls.append(round(time.perf_counter() - t0, 3))
            assert all(r.status_code == 200 for r in replies)
    finally:
        for c in clients:
            await c.aclose()
    return walls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="requests without latency")
    ap.add_argument("--async-concurrency", type=int, default=16,
                    help="requests in flight for the async no-latency run")  # fmt: skip
    ap.add_argument("--concurrency", type=int, default=256, help="requests in one burst")
    ap.add_argument("--latency-ms", type=float, default=200, help="server latency of the burst")
    ap.add_argument("--pools", type=int, default=64, help="AsyncClients the burst is split over")
    ap.add_argument("--rounds", type=int, default=3, help="bursts of each kind")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    out: dict[str, Any] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    proc, url = _serve()
    try:
        out["sequential"] = sequential(url, args.requests)
        out["async"] = asyncio.run(_async(url, args.requests, args.async_concurrency))
    finally:
        _stop(proc)
    proc, url = _serve("--latency-ms", f"{args.latency_ms:g}")
    try:
        burst: dict[str, Any] = {"n": args.concurrency, "latency_ms": args.latency_ms}
        for pools in (args.pools, 1):
            walls = asyncio.run(_bursts(url, args.concurrency, pools, args.rounds + 1))
            burst[f"{pools}_pools"] = {"cold_s": walls[0], "warm_s": walls[1:],
                                       "warm_median_s": statistics.median(walls[1:])}  # fmt: skip
        out["burst"] = burst
    finally:
        _stop(proc)
    text = json.dumps(out, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
