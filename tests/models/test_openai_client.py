"""OpenAIChat against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from codepercept.models import ModelError, OpenAIChat
from tests.openai_server import serve_chat

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
