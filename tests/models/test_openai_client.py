"""OpenAIChat against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from codepercept.models import ModelError, OpenAIChat
from tests.openai_server import Raw, serve_chat

MSG = [{"role": "user", "content": "draw a circle"}]


def test_reply_sampling_and_auth_header(monkeypatch):
    monkeypatch.setenv("CP_TEST_KEY", "sk-local")
    with serve_chat(lambda body: f"echo {body['messages'][0]['content']}") as srv:
        client = OpenAIChat("m1", srv.base_url, api_key_env="CP_TEST_KEY", temperature=0.0)
        assert client.complete(MSG, max_tokens=50) == "echo draw a circle"
    body = srv.requests[0]
    assert body["model"] == "m1" and body["temperature"] == 0.0 and body["max_tokens"] == 50
    assert srv.headers_seen[0]["Authorization"] == "Bearer sk-local"


def test_retries_then_succeeds_and_honours_retry_after():
    calls = {"n": 0}

    def flaky(body):
        calls["n"] += 1
        if calls["n"] == 1:
            return 503, {"error": {"message": "overloaded"}}
        if calls["n"] == 2:
            return 429, {"error": {"message": "slow down"}}, {"Retry-After": "0.2"}
        return "fine"

    with serve_chat(flaky) as srv:
        client = OpenAIChat("m", srv.base_url, backoff_s=0.05, retries=3)
        t0 = time.monotonic()
        assert client.complete(MSG) == "fine"
        assert time.monotonic() - t0 >= 0.2
    assert calls["n"] == 3


def test_gives_up_with_a_clear_error():
    with serve_chat(lambda body: (500, {"error": {"message": "broken"}})) as srv:
        client = OpenAIChat("m", srv.base_url, backoff_s=0.01, retries=2)
        with pytest.raises(ModelError, match="after 3 attempts.*broken"):
            client.complete(MSG)
    assert len(srv.requests) == 3


def test_client_errors_are_not_retried():
    with serve_chat(lambda body: (400, {"error": {"message": "bad image"}})) as srv:
        with pytest.raises(ModelError, match="refused.*bad image"):
            OpenAIChat("m", srv.base_url, backoff_s=0.01).complete(MSG)
    assert len(srv.requests) == 1


def test_timeout_is_retried_then_reported():
    def slow(body):
        time.sleep(0.5)
        return "late"

    with serve_chat(slow) as srv:
        client = OpenAIChat("m", srv.base_url, timeout_s=0.1, retries=1, backoff_s=0.01)
        with pytest.raises(ModelError, match="Timeout"):
            client.complete(MSG)


def test_cache_means_a_rerun_never_pays_twice(tmp_path):
    with serve_chat(lambda body: "cached answer") as srv:
        first = OpenAIChat("m", srv.base_url, cache_dir=tmp_path, temperature=0)
        assert first.complete(MSG) == "cached answer"
        second = OpenAIChat("m", srv.base_url, cache_dir=tmp_path, temperature=0)
        assert second.complete(MSG) == "cached answer"
        assert second.cache_hits == 1
        # different sampling parameters are a different request
        OpenAIChat("m", srv.base_url, cache_dir=tmp_path, temperature=0.7).complete(MSG)
    assert len(srv.requests) == 2


def test_concurrency_is_bounded():
    gate = threading.Event()

    def held(body):
        gate.wait(0.3)
        return "ok"

    with serve_chat(held) as srv:
        client = OpenAIChat("m", srv.base_url, max_concurrency=2)
        with ThreadPoolExecutor(6) as pool:
            assert (
                list(
                    pool.map(
                        lambda i: client.complete([{"role": "user", "content": str(i)}]), range(6)
                    )
                )
                == ["ok"] * 6
            )
    assert srv.max_in_flight <= 2


def test_spec_parsing():
    c = OpenAIChat.from_spec("qwen3-vl-8b@http://127.0.0.1:8000/v1")
    assert c.model == "qwen3-vl-8b" and c.base_url == "http://127.0.0.1:8000/v1"
    with pytest.raises(ValueError, match="MODEL@BASE_URL"):
        OpenAIChat.from_spec("no-url")


def _closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (a port just bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _cache_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def _reply(content, finish_reason="stop"):
    return json.dumps(
        {
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ]
        }
    ).encode()


@pytest.mark.parametrize(
    "failure",
    [
        "http_500",  # the server kept failing
        "http_400",  # the server refused
        "no_choices",  # 200 with an error object and no reply
        "not_json",  # 200 with a body that is not JSON
        "truncated",  # 200 whose body stops short of its Content-Length (dropped connection)
        "finish_error",  # 200 whose generation ended in an error (vLLM/SGLang "abort")
    ],
)
def test_a_failed_request_is_never_cached(tmp_path, failure):
    replies = {
        "http_500": lambda: (500, {"error": {"message": "broken"}}),
        "http_400": lambda: (400, {"error": {"message": "bad"}}),
        "no_choices": lambda: (200, {"error": {"message": "oops"}}),
        "not_json": lambda: Raw(b"<html>bad gateway</html>"),
        "truncated": lambda: Raw(_reply("```python\nplt.plot([1])\n```")[:30], declared_length=200),
        "finish_error": lambda: Raw(_reply("partial", finish_reason="abort")),
    }
    state = {"fail": True}

    def handler(body):
        return replies[failure]() if state["fail"] else "the real answer"

    with serve_chat(handler) as srv:
        client = OpenAIChat("m", srv.base_url, cache_dir=tmp_path, retries=1, backoff_s=0.01)
        with pytest.raises(ModelError):
            client.complete(MSG)
        assert _cache_files(tmp_path) == []
        state["fail"] = False  # the endpoint recovers: the next run asks again and caches
        again = OpenAIChat("m", srv.base_url, cache_dir=tmp_path, retries=1, backoff_s=0.01)
        assert again.complete(MSG) == "the real answer"
        assert again.cache_hits == 0 and len(_cache_files(tmp_path)) == 1


def test_an_empty_reply_is_returned_but_not_cached(tmp_path):
    answers = iter(["", "second answer"])
    with serve_chat(lambda body: next(answers)) as srv:
        first = OpenAIChat("m", srv.base_url, cache_dir=tmp_path)
        assert first.complete(MSG) == ""
        assert _cache_files(tmp_path) == []
        assert OpenAIChat("m", srv.base_url, cache_dir=tmp_path).complete(MSG) == "second answer"


def test_an_unreadable_or_empty_cache_entry_is_asked_again(tmp_path):
    with serve_chat(lambda body: "fresh") as srv:
        client = OpenAIChat("m", srv.base_url, cache_dir=tmp_path)
        assert client.complete(MSG) == "fresh"
        (entry,) = _cache_files(tmp_path)
        for stale in ('{"text": "cut sh', '{"text": ""}'):  # torn by an old writer; old empty
            entry.write_text(stale)
            again = OpenAIChat("m", srv.base_url, cache_dir=tmp_path)
            assert again.complete(MSG) == "fresh" and again.cache_hits == 0
    assert len(srv.requests) == 3


def test_connection_refused_fails_fast_and_says_it_is_the_connection():
    url = _closed_port_url()
    client = OpenAIChat("m", url)  # default retries
    t0 = time.monotonic()
    with pytest.raises(ModelError, match="could not connect") as info:
        client.complete(MSG)
    assert time.monotonic() - t0 < 5
    assert info.value.connect and info.value.url.startswith(url)


def test_preflight_checks_that_the_endpoint_answers():
    with serve_chat(lambda body: "x") as srv:
        OpenAIChat("m", srv.base_url).preflight()  # any HTTP answer will do
        assert srv.gets == ["/v1/models"] and srv.requests == []  # nothing paid for
    t0 = time.monotonic()
    with pytest.raises(ModelError, match="could not connect") as info:
        OpenAIChat("m", _closed_port_url()).preflight()
    assert info.value.connect and time.monotonic() - t0 < 5
