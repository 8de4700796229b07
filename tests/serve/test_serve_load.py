"""`codepercept serve` under load and at shutdown: `--latency-ms` does not hold up other
requests (256 at once overlap their waits), and SIGTERM/SIGINT let the request in
flight finish before the process exits 0."""

from __future__ import annotations

import asyncio
import signal
import ssl
import threading
import time
from typing import Any

import httpx
import pytest

from tests.serve.serving import Served, chat, http, wait_for

BODY = {"model": "static", "messages": [{"role": "user", "content": "hi"}]}
CONCURRENT = 256


async def _burst(url: str, n: int, clients: int = 64) -> tuple[list[int], float]:
    """``n`` requests at once from ``clients`` fresh httpx.AsyncClients of ``n / clients``
    connections each.

    Not one client of 256 connections: httpcore 1.0's pool scans every connection for every
    request (O(N^2 + N*M), encode/httpcore#1035), so such a client is itself the bottleneck
    (measured 1.5-5.2 s for this burst, against 0.27 s from raw asyncio sockets). 16 pools of
    16 took 0.65-0.85 s, 64 pools of 4 0.45-0.5 s, with other jobs on the 2 cores."""
    per = n // clients
    limits = httpx.Limits(max_connections=per, max_keepalive_connections=per)
    tls = ssl.create_default_context()  # one for all (each client would load its own: 30 ms)
    pool = [httpx.AsyncClient(limits=limits, timeout=30, verify=tls) for _ in range(clients)]
    try:
        t0 = time.perf_counter()
        replies = await asyncio.gather(
            *(pool[i % clients].post(f"{url}/chat/completions", json=BODY) for i in range(n))
        )
        return [r.status_code for r in replies], time.perf_counter() - t0
    finally:
        for client in pool:
            await client.aclose()


def test_latency_does_not_hold_up_concurrent_requests(start: Any) -> None:
    s = start("--backend", "static", "--latency-ms", "200")
    t0 = time.perf_counter()
    assert chat(s.url, BODY).status_code == 200
    assert time.perf_counter() - t0 >= 0.2  # every completion waits the latency
    statuses, wall = asyncio.run(_burst(s.url, CONCURRENT))
    assert statuses == [200] * CONCURRENT
    # The property, not a speed: the latency is waited concurrently. 256 requests one after
    # another take 51 s; the bound below needs more than 10 of them overlapping, which a server
    # that serialised the wait cannot meet on any machine. The speed itself (about one latency
    # plus 0.3-0.8 s of work on 2 cores) is measured in benchmarks/model_client.py, not here:
    # a 1 s bound failed once in CI at 1.05 s.
    serial = CONCURRENT * 0.2
    assert wall < serial / 10, f"{CONCURRENT} requests at once took {wall:.2f} s"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_lets_the_request_in_flight_finish(start: Any, sig: int) -> None:
    s: Served = start("--backend", "static", "--latency-ms", "700")
    url = s.url
    got: dict[str, Any] = {}

    def ask() -> None:
        got["r"] = chat(url, BODY, timeout=30)

    t = threading.Thread(target=ask)
    t.start()
    wait_for(lambda: http().get(f"{s.root}/health").json()["requests"] == 1)
    s.signal(sig)
    t.join(10)
    r = got["r"]
    assert r.status_code == 200 and "```python" in r.json()["choices"][0]["message"]["content"]
    assert s.proc.wait(10) == 0
    err = s.err()
    assert "Traceback" not in err and "error" not in err.lower(), err
    assert s.proc.stdout is not None and s.proc.stdout.read() == b""  # the ready line only
    with pytest.raises(httpx.ConnectError):  # and nothing listens any more
        httpx.get(f"{s.root}/health")


def test_a_second_signal_stops_at_once(start: Any) -> None:
    """The first SIGTERM waits for the request in flight (5 s away); a second one drops it:
    exit 130 and one line on stderr, no traceback."""
    s: Served = start("--backend", "static", "--latency-ms", "5000")
    url = s.url
    got: dict[str, Any] = {}

    def ask() -> None:
        try:
            got["r"] = chat(url, BODY, timeout=30)
        except httpx.TransportError as exc:  # dropped: a reset is as good as a 500
            got["r"] = exc

    t = threading.Thread(target=ask)
    t.start()
    wait_for(lambda: http().get(f"{s.root}/health").json()["requests"] == 1)
    s.signal(signal.SIGTERM)
    time.sleep(0.3)
    assert s.proc.poll() is None  # still waiting for the request
    t0 = time.perf_counter()
    s.signal(signal.SIGTERM)
    assert s.proc.wait(5) == 130 and time.perf_counter() - t0 < 2
    t.join(5)
    r = got["r"]
    assert isinstance(r, httpx.TransportError) or r.status_code >= 500
    lines = s.err().splitlines()
    assert len(lines) == 1 and "second signal" in lines[0], lines
