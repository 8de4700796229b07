"""`codepercept serve --fault MODE`: each mode misbehaves as documented, for plain and streamed
requests, and `--fault-rate` picks the same requests every run."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from codepercept.serve.faults import FAULTS
from tests.serve.serving import Served, chat, http, stop_all, wait_for

BODY = {"model": "static", "messages": [{"role": "user", "content": "hi"}]}
STREAM = {**BODY, "stream": True}


@pytest.fixture(scope="module")
def faulty() -> Iterator[dict[str, Served]]:
    """One static server per fault mode, plus a 500 at rate 0.25 (started side by side)."""
    servers = {mode: Served("--backend", "static", "--fault", mode) for mode in FAULTS}
    servers["rate"] = Served("--backend", "static", "--fault", "500", "--fault-rate", "0.25")
    try:
        for s in servers.values():
            s.url  # noqa: B018 (wait until ready)
        yield servers
    finally:
        stop_all(list(servers.values()))


def _error(r: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"} and err["type"] == type_
    return err


def _stream_lines(url: str) -> tuple[list[str], Exception | None]:
    lines: list[str] = []
    try:
        with http().stream("POST", f"{url}/chat/completions", json=STREAM, timeout=10) as r:
            assert r.status_code == 200
            for line in r.iter_lines():
                if line:
                    lines.append(line)
    except httpx.TransportError as exc:
        return lines, exc
    return lines, None


def test_500(faulty: dict[str, Served]) -> None:
    for body in (BODY, STREAM):
        _error(chat(faulty["500"].url, body), 500, "server_error")
    assert http().get(f"{faulty['500'].url}/models").status_code == 200  # never faulted


def test_429_says_when_to_retry(faulty: dict[str, Served]) -> None:
    for body in (BODY, STREAM):
        r = chat(faulty["429"].url, body)
        assert _error(r, 429, "requests")["code"] == "rate_limit_exceeded"
        assert r.headers["retry-after"] == "1"


def test_malformed(faulty: dict[str, Served]) -> None:
    r = chat(faulty["malformed"].url, BODY)
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        r.json()
    lines, exc = _stream_lines(faulty["malformed"].url)
    assert exc is None and lines[-1] == "data: [DONE]"
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[0].removeprefix("data: "))


def test_truncated(faulty: dict[str, Served]) -> None:
    with pytest.raises(httpx.RemoteProtocolError):  # fewer bytes than Content-Length says
        chat(faulty["truncated"].url, BODY)
    lines, exc = _stream_lines(faulty["truncated"].url)
    assert isinstance(exc, httpx.RemoteProtocolError)
    assert lines and "data: [DONE]" not in lines
    assert json.loads(lines[-1][6:])["choices"][0]["delta"]["content"]  # some content came
    assert "Traceback" not in faulty["truncated"].err()


def test_nocode_and_empty(faulty: dict[str, Served]) -> None:
    for mode in ("nocode", "empty"):
        r = chat(faulty[mode].url, {**BODY, "n": 2})
        assert r.status_code == 200
        texts = [c["message"]["content"] for c in r.json()["choices"]]
        assert len(texts) == 2
        if mode == "nocode":
            assert all(t.strip() and "```" not in t for t in texts)
        else:
            assert texts == ["", ""]
        lines, exc = _stream_lines(faulty[mode].url)
        assert exc is None and lines[-1] == "data: [DONE]"
        streamed = "".join(
            ch["delta"].get("content", "")
            for line in lines[:-1]
            for ch in json.loads(line[6:])["choices"]
        )
        assert streamed == texts[0]


def test_fault_rate_is_every_kth_request(faulty: dict[str, Served]) -> None:
    statuses = [chat(faulty["rate"].url, BODY).status_code for _ in range(8)]
    assert statuses == [200, 200, 200, 500, 200, 200, 200, 500]
    bad = http().post(f"{faulty['rate'].url}/chat/completions", json={"model": "static"})
    assert bad.status_code == 400  # refused requests are answered as such, not counted
    assert chat(faulty["rate"].url, BODY).status_code == 200  # the 9th


def test_timeout_never_answers_until_shutdown(faulty: dict[str, Served]) -> None:
    """A client times out; the server stays up for others; at SIGTERM the hung request is
    answered 503 and the server exits 0 (this test stops its server, so it runs last)."""
    s = faulty["timeout"]
    with pytest.raises(httpx.ReadTimeout):
        chat(s.url, BODY, timeout=0.5)
    assert http().get(f"{s.root}/health").status_code == 200
    got: dict[str, Any] = {}

    def hang() -> None:
        got["r"] = chat(s.url, BODY, timeout=30)

    t = threading.Thread(target=hang)
    t.start()
    # the hung request has arrived once /health counts it (the timed-out one was the first)
    wait_for(lambda: http().get(f"{s.root}/health").json()["requests"] >= 2)
    s.signal(signal.SIGTERM)
    t.join(10)
    assert _error(got["r"], 503, "server_error")
    assert s.proc.wait(10) == 0
