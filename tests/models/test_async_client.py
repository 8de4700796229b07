"""AsyncChat against a real HTTP server on 127.0.0.1: many requests in flight on one event
loop, the image policy, statistics, retries of malformed answers."""

from __future__ import annotations

import asyncio
import base64
import io
import time

import pytest
from PIL import Image

from codepercept.models import AsyncChat, ModelError
from codepercept.models.images import MAX_PIXELS
from tests.openai_server import Raw, serve_chat

MSG = [{"role": "user", "content": "hi"}]


def _slow(delay_s: float):
    def handler(body):
        time.sleep(delay_s)
        return f"echo {body['messages'][-1]['content']}"

    return handler


def test_64_requests_in_flight_on_one_loop():
    async def go(url):
        async with AsyncChat("m", url, concurrency=64) as chat:
            t0 = time.perf_counter()
            replies = await asyncio.gather(
                *(chat.complete([{"role": "user", "content": str(i)}]) for i in range(128))
            )
            return replies, time.perf_counter() - t0, chat.stats.to_dict()

    with serve_chat(_slow(0.3)) as srv:
        replies, wall, stats = asyncio.run(go(srv.base_url))
        assert srv.max_in_flight == 64
    assert [r.text for r in replies] == [f"echo {i}" for i in range(128)]
    # max_in_flight is the property; the wall only has to rule out serial asking (38 s)
    assert wall < 0.3 * 128 / 8
    assert stats["answers"] == 128 and stats["requests"] == 128 and stats["errors"] == {}
    assert stats["prompt_tokens"] == 128 and stats["latency_s"]["p50"] >= 0.29


def test_concurrency_is_a_bound_not_a_target():
    async def go(url):
        async with AsyncChat("m", url, concurrency=3) as chat:
            await asyncio.gather(*(chat.complete(MSG) for _ in range(12)))

    with serve_chat(_slow(0.05)) as srv:
        asyncio.run(go(srv.base_url))
        assert srv.max_in_flight == 3


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (0, 90, 200)).save(buf, format="PNG")
    return buf.getvalue()


def test_images_over_the_pixel_budget_are_scaled_before_sending():
    big = "data:image/png;base64," + base64.b64encode(_png(2400, 1200)).decode()
    small = "data:image/png;base64," + base64.b64encode(_png(100, 50)).decode()
    msgs = [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": big}},
                {"type": "image_url", "image_url": {"url": small}},
                {"type": "text", "text": "what is this?"},
            ],
        }
    ]

    async def go(url):
        async with AsyncChat("m", url) as chat:
            await chat.complete(msgs)
            return chat.stats.images_scaled

    with serve_chat(lambda body: "ok") as srv:
        assert asyncio.run(go(srv.base_url)) == 1
        sent = srv.requests[0]["messages"][0]["content"]
    w, h = Image.open(io.BytesIO(base64.b64decode(sent[0]["image_url"]["url"].split(",")[1]))).size
    assert w * h <= MAX_PIXELS and abs(w / h - 2) < 0.01
    assert sent[1]["image_url"]["url"] == small  # within budget: byte for byte
    assert msgs[0]["content"][0]["image_url"]["url"] == big  # the caller's messages untouched


def test_a_malformed_or_truncated_answer_is_retried_then_an_error():
    calls = []

    def flaky(body):
        calls.append(1)
        if len(calls) == 1:
            return Raw(b'{"choices": [', declared_length=400)  # cut short
        if len(calls) == 2:
            return Raw(b"not json at all")
        return "finally"

    async def go(url):
        async with AsyncChat("m", url, backoff_s=0.01) as chat:
            reply = await chat.complete(MSG)
            return reply, chat.stats.retries

    with serve_chat(flaky) as srv:
        reply, retries = asyncio.run(go(srv.base_url))
    assert reply.text == "finally" and reply.attempts == 3 and retries == 2

    async def always_bad(url):
        async with AsyncChat("m", url, backoff_s=0.01, retries=1) as chat:
            with pytest.raises(ModelError, match="not JSON"):
                await chat.complete(MSG)
            return chat.stats.errors

    with serve_chat(lambda body: Raw(b"<html>")) as srv:
        assert asyncio.run(always_bad(srv.base_url)) == {"failed": 1}


def test_retry_after_is_honoured_and_bounded():
    seen = []

    def limited(body):
        seen.append(time.perf_counter())
        if len(seen) == 1:
            return 429, {"error": {"message": "slow down"}}, {"Retry-After": "0.4"}
        return "ok"

    async def go(url):
        async with AsyncChat("m", url, backoff_s=0.01) as chat:
            return await chat.complete(MSG)

    with serve_chat(limited) as srv:
        assert asyncio.run(go(srv.base_url)).text == "ok"
    assert seen[1] - seen[0] >= 0.4


def test_cache_answers_without_a_request(tmp_path):
    async def go(url):
        async with AsyncChat("m", url, cache_dir=tmp_path) as chat:
            first = await chat.complete(MSG)
            second = await chat.complete(MSG)
            return first, second, chat.stats.to_dict()

    with serve_chat(lambda body: "cached me") as srv:
        first, second, stats = asyncio.run(go(srv.base_url))
        assert len(srv.requests) == 1
    assert not first.cached and second.cached and second.text == "cached me"
    assert stats["cache_hits"] == 1 and stats["answers"] == 1


def test_bad_arguments():
    with pytest.raises(ValueError, match="concurrency"):
        AsyncChat("m", "http://127.0.0.1:1/v1", concurrency=0)
    with pytest.raises(ValueError, match="http"):
        AsyncChat("m", "ftp://x")
