"""The reward server's HTTP edge, over real connections: malformed requests get a 4xx JSON
error naming the field, a full server answers 429 with ``Retry-After`` (and never holds more
than its capacity), and SIGTERM lets the started request finish, answers the waiting one 503
and exits 0."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.serve.serving import Served, wait_for

SLEEP = "import time\ntime.sleep({s})\nprint('slept')\n"
REF = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\n"


def _error(r: httpx.Response, status: int, *names: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert "\n" not in err["message"]
    for name in names:
        assert name in err["message"], (name, err["message"])
    return err


RUN_CODE_BAD = [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[1, 2]", "JSON object, not an array"),
    (b'{"language": "python"}', "code: is required"),
    (b'{"code": "x"}', "language: is required"),
    (b'{"code": 1, "language": "python"}', "code: must be a string, not an integer"),
    (b'{"code": "x", "language": ["python"]}', "language: must be a string"),
    (b'{"code": "x", "language": "python", "run_timeout": "10"}', "run_timeout: must be"),
    (b'{"code": "x", "language": "python", "run_timeout": -1}', "run_timeout"),
    (b'{"code": "x", "language": "python", "compile_timeout": true}', "compile_timeout"),
    (b'{"code": "x", "language": "python", "memory_limit_MB": 1.5}', "memory_limit_MB"),
    (b'{"code": "x", "language": "python", "stdin": 5}', "stdin: must be a string or null"),
    (b'{"code": "x", "language": "python", "files": []}', "files: must be an object"),
    (b'{"code": "x", "language": "python", "files": {"a": 5}}', 'files["a"]'),
    (b'{"code": "x", "language": "python", "files": {"a": "!!"}}', "not valid base64"),
    (b'{"code": "x", "language": "python", "files": {"/etc/x": "aGk="}}', "absolute"),
    (b'{"code": "x", "language": "python", "files": {"../x": "aGk="}}', 'files["../x"]'),
    (b'{"code": "x", "language": "python", "files": {"program.py": "aGk="}}', "program.py"),
    (b'{"code": "x", "language": "python", "fetch_files": "a.png"}', "fetch_files: must be"),
    (b'{"code": "x", "language": "python", "fetch_files": [1]}', "fetch_files[0]"),
]


@pytest.mark.parametrize(("body", "says"), RUN_CODE_BAD, ids=range(len(RUN_CODE_BAD)))
def test_malformed_run_code_is_400_naming_the_field(
    reward_server: Served, body: bytes, says: str
) -> None:
    r = httpx.post(f"{reward_server.root}/run_code", content=body, timeout=10)
    _error(r, 400, says)


REWARD_BAD = [
    ("reward", {"completions": "x", "references": []}, "completions: must be an array"),
    ("reward", {"completions": ["a"]}, "references: is required"),
    ("reward", {"completions": ["a", 1], "references": ["r", "r"]}, "completions[1]"),
    ("reward", {"completions": ["a"], "references": ["r", "s"]}, "references: has 2 items"),
    ("get_reward", {"query": ["q"]}, "prompts: is required"),
    ("get_reward", {"query": ["q"], "prompts": ["p"], "labels": [1]}, "labels[0]"),
    ("get_reward", {"query": ["q", "r"], "prompts": ["p"]}, "prompts: has 1 items"),
]


@pytest.mark.parametrize(("route", "body", "says"), REWARD_BAD, ids=range(len(REWARD_BAD)))
def test_malformed_reward_requests_are_400(
    reward_server: Served, route: str, body: dict[str, Any], says: str
) -> None:
    _error(httpx.post(f"{reward_server.root}/{route}", json=body, timeout=10), 400, says)


def test_routes_methods_and_size(reward_server: Served) -> None:
    root = reward_server.root
    _error(httpx.get(f"{root}/nope", timeout=10), 404, "/nope", "/run_code")
    _error(httpx.get(f"{root}/run_code", timeout=10), 405, "GET")
    _error(httpx.post(f"{root}/health", timeout=10), 405, "POST")
    big = b'{"code": "' + b" " * (33 * 2**20) + b'", "language": "python"}'
    _error(httpx.post(f"{root}/run_code", content=big, timeout=30), 413, "over")
    # empty batches need no program
    assert httpx.post(f"{root}/reward", json={"completions": [], "references": []},
                      timeout=10).json() == {"rewards": []}  # fmt: skip
    health = httpx.get(f"{root}/health", timeout=10).json()
    assert health["status"] == "ok"
    assert health["isolation"]["network_namespace"] in (True, False)
    assert health["requests"]["run_code"].get("413", 0) >= 1


def test_a_full_server_answers_429_and_holds_at_most_its_capacity(tiny_server: Served) -> None:
    root = tiny_server.root  # 1 worker + a queue of 1
    peak: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            h = httpx.get(f"{root}/health", timeout=10).json()
            peak.append(h["in_flight"] + h["queued"])
            time.sleep(0.05)

    def call(i: int) -> httpx.Response:
        body = {"code": SLEEP.format(s=1.5), "language": "python"}
        return httpx.post(f"{root}/run_code", json=body, timeout=30)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(5) as pool:
            replies = list(pool.map(call, range(5)))
    finally:
        done.set()
        watcher.join()
    ok = [r for r in replies if r.status_code == 200]
    busy = [r for r in replies if r.status_code == 429]
    assert len(ok) + len(busy) == 5 and 1 <= len(ok) <= 2 and len(busy) >= 3
    assert all(r.json()["run_result"]["stdout"] == "slept\n" for r in ok)
    for r in busy:
        err = _error(r, 429, "full", "retry after")
        assert err["code"] == "rate_limit_exceeded"
        assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert max(peak) <= 2
    # a batch larger than the capacity can never fit: 413, not 429
    batch = {"completions": ["x"] * 3, "references": [REF] * 3}
    _error(httpx.post(f"{root}/reward", json=batch, timeout=10), 413, "batch of 3", "split")
    health = httpx.get(f"{root}/health", timeout=10).json()
    assert health["capacity"] == 2 and health["in_flight"] == 0 and health["queued"] == 0
    assert health["requests"]["run_code"]["429"] == len(busy)


def test_sigterm_finishes_the_started_run_and_turns_away_the_waiting(
    doomed_server: Served,
) -> None:
    root = doomed_server.root  # 1 worker + a queue of 2
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(
            httpx.post,
            f"{root}/run_code",
            json={"code": SLEEP.format(s=2), "language": "python"},
            timeout=30,
        )
        wait_for(lambda: httpx.get(f"{root}/health", timeout=5).json()["in_flight"] == 1)
        second = pool.submit(
            httpx.post,
            f"{root}/run_code",
            json={"code": "print(2)", "language": "python"},
            timeout=30,
        )
        wait_for(lambda: httpx.get(f"{root}/health", timeout=5).json()["queued"] == 1)
        doomed_server.signal(signal.SIGTERM)
        waiting = second.result()
        started = first.result()
    err = _error(waiting, 503, "shutting down")
    assert err["code"] == "shutting_down"
    assert started.status_code == 200
    assert started.json()["run_result"]["stdout"] == "slept\n"
    assert doomed_server.proc.wait(15) == 0
