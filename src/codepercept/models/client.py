"""The one client every model call goes through: async, hundreds of requests in flight.

:class:`AsyncChat` talks to any OpenAI-compatible chat-completions endpoint (vLLM, SGLang,
ms-swift, ``codepercept serve``, hosted APIs) from one event loop: no thread per request, up to
``concurrency`` requests in flight over a pooled HTTP/1.1 connection set. It retries with
exponential backoff (honouring ``Retry-After``), keeps an on-disk response cache keyed by
everything that affects the answer, scales images in the request down to the max-pixels policy
(:mod:`codepercept.models.images`), and counts what a job's summary reports: requests, cache
hits, retries, errors by kind, tokens and latency (:class:`ClientStats`).

Only answers are cached: an HTTP error, a reply that is not a chat completion (no JSON, no
``choices``, a body cut short), a generation that ended in ``finish_reason`` ``error``/``abort``
and an empty reply are never written, so a re-run after the endpoint recovers asks again. A
connection that cannot be made (refused, unknown host, TLS) is retried on a short backoff and
reported as ``ModelError.connect``, so a caller can tell "the endpoint is down" from "this
request failed". :class:`codepercept.models.openai.OpenAIChat` is the same client for
synchronous callers.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from codepercept._fs import atomic_write
from codepercept.models.images import MAX_PIXELS, fit_pixels, image_data_url

__all__ = ["AsyncChat", "ClientStats", "ModelError", "Reply", "parse_spec"]

log = logging.getLogger(__name__)

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
#: Failures before any byte of the request reached a server.
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol)
#: ``finish_reason`` values that mean the server failed the generation (vLLM, SGLang).
_FAILED_FINISH = {"error", "abort"}
#: The most connections in one httpx pool (see :meth:`AsyncChat._http`).
POOL_SIZE = 8
#: Latencies kept for the percentiles (a uniform sample of all requests beyond this).
_LATENCY_SAMPLE = 10_000


class ModelError(RuntimeError):
    """The endpoint refused the request or kept failing; the message says which and why.

    ``url``: the URL asked; ``connect``: True when no attempt reached the server at all
    (connection refused, unknown host, TLS failure, connect timeout), i.e. the endpoint is
    down or wrong rather than this request bad; ``refused``: True when the server answered
    that it will not serve this request (a 4xx that is not retried: a bad request, an image too
    large, an unknown model); ``status``: the last HTTP status, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        connect: bool = False,
        refused: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.connect = connect
        self.refused = refused
        self.status = status


@dataclass
class Reply:
    """One answer: its ``text``, the server's ``usage`` (None when it sent none or the answer
    came from the cache), ``latency_s`` of the successful attempt (0 from the cache),
    ``cached``, ``finish_reason`` and the number of ``attempts`` it took."""

    text: str
    usage: dict[str, Any] | None = None
    latency_s: float = 0.0
    cached: bool = False
    finish_reason: str | None = None
    attempts: int = 1


@dataclass
class ClientStats:
    """What a client did, for a job's summary (:meth:`to_dict`)."""

    requests: int = 0  # HTTP requests sent (retries included)
    answers: int = 0  # completions answered by the server
    cache_hits: int = 0
    retries: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # failed completions by kind
    prompt_tokens: int = 0
    completion_tokens: int = 0
    images_scaled: int = 0
    _latencies: list[float] = field(default_factory=list, repr=False)
    _seen: int = 0
    _rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False)

    def note_latency(self, seconds: float) -> None:
        self._seen += 1
        if len(self._latencies) < _LATENCY_SAMPLE:
            self._latencies.append(seconds)
        else:  # reservoir sampling: every latency equally likely to be kept
            j = self._rng.randrange(self._seen)
            if j < _LATENCY_SAMPLE:
                self._latencies[j] = seconds

    def merge(self, other: ClientStats) -> None:
        """Add another client's counts (e.g. a Ray worker's) to these; latencies are pooled
        (each side's sample, then cut to the sample size)."""
        for name in ("requests", "answers", "cache_hits", "retries", "prompt_tokens",
                     "completion_tokens", "images_scaled"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.update(other.errors)
        for seconds in other._latencies:
            self.note_latency(seconds)

    def to_dict(self) -> dict[str, Any]:
        lat = sorted(self._latencies)

        def q(p: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))], 4) if lat else None

        return {
            "requests": self.requests,
            "answers": self.answers,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "errors": dict(sorted(self.errors.items())),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "images_scaled": self.images_scaled,
            "latency_s": {"p50": q(0.5), "p95": q(0.95), "max": q(1.0) if lat else None},
        }


def parse_spec(spec: str) -> tuple[str, str]:
    """``(model, base_url)`` from ``MODEL@BASE_URL`` (the part after ``openai:``)."""
    model, sep, url = spec.partition("@")
    if not sep or not model or not url:
        raise ValueError(
            f"expected MODEL@BASE_URL, got {spec!r} (e.g. qwen3-vl@http://127.0.0.1:8000/v1)"
        )
    return model, url


class AsyncChat:
    """Chat completions against ``base_url`` (e.g. ``http://127.0.0.1:8000/v1``), async.

    Args:
        model: model name sent in the request.
        base_url: endpoint root; ``/chat/completions`` is appended.
        api_key_env: environment variable holding the key (absent: no Authorization header,
            which local servers accept).
        concurrency: requests in flight at once (the rest wait their turn, in order).
        timeout_s: per-request timeout; ``connect_timeout_s`` for making a connection.
        retries: further attempts after a retryable failure (429, 5xx, timeouts, resets,
            connections that cannot be made, a truncated or malformed 200).
        backoff_s: first wait before a retry (doubling) after an HTTP failure or a timeout;
            ``connect_backoff_s`` the same after a connection could not be made (short, so a
            down endpoint is reported in about a second).
        cache_dir: where answers are cached (None: no cache).
        max_pixels: images in a request are scaled down to at most this many pixels.
        sampling: default sampling parameters (temperature, top_p, max_tokens, ...),
            overridable per call.

    Use from one event loop; :meth:`aclose` (or ``async with``) releases the connections.
    """

    def __init__(
        self,
        model: str,
        base_url: str,
        *,
        api_key_env: str = "OPENAI_API_KEY",
        concurrency: int = 64,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 10.0,
        retries: int = 4,
        backoff_s: float = 1.0,
        connect_backoff_s: float = 0.1,
        cache_dir: str | Path | None = None,
        max_pixels: int = MAX_PIXELS,
        **sampling: Any,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        if not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.api_key_env = api_key_env
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.connect_backoff_s = connect_backoff_s
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.max_pixels = max_pixels
        self.sampling = dict(sampling)
        self.stats = ClientStats()
        self._rng = random.Random(0)
        self._clients: list[httpx.AsyncClient] = []
        self._turn = 0
        self._slots: asyncio.Semaphore | None = None

    @classmethod
    def from_spec(cls, spec: str, **kwargs: Any) -> AsyncChat:
        """``MODEL@BASE_URL`` (the part after ``openai:`` in a model spec)."""
        model, url = parse_spec(spec)
        return cls(model, url, **kwargs)

    # -- lifecycle -------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        """The next connection pool, round robin. Connections are spread over pools of at most
        :data:`POOL_SIZE`: httpcore scans a pool's every connection on each request (its
        issue #1035), so one pool of 256 connections serves 256 requests in flight at a
        twentieth of the rate that 32 pools of 8 do."""
        if not self._clients:
            pools = -(-self.concurrency // POOL_SIZE)
            per = -(-self.concurrency // pools)
            timeout = httpx.Timeout(self.timeout_s, connect=min(self.timeout_s,
                                                                self.connect_timeout_s))  # fmt: skip
            self._clients = [
                httpx.AsyncClient(
                    timeout=timeout,
                    limits=httpx.Limits(max_connections=per, max_keepalive_connections=per),
                )
                for _ in range(pools)
            ]
            self._slots = asyncio.Semaphore(self.concurrency)
        self._turn = (self._turn + 1) % len(self._clients)
        return self._clients[self._turn]

    async def aclose(self) -> None:
        clients, self._clients = self._clients, []
        for c in clients:
            await c.aclose()

    async def __aenter__(self) -> AsyncChat:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- requests --------------------------------------------------------------------------
    def payload(self, messages: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
        """The request body for ``messages`` (sampling defaults, then ``overrides``)."""
        return {"model": self.model, "messages": messages, **self.sampling, **overrides}

    def cache_path(self, payload: dict[str, Any]) -> Path | None:
        """Where the answer to ``payload`` is cached: a hash of the endpoint and the whole body
        (model, messages with their images, every sampling parameter)."""
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(
            json.dumps([self.base_url, payload], sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def _cached(self, path: Path | None) -> Reply | None:
        if path is None or not path.exists():
            return None
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
            text = obj["text"]
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("ignoring unreadable cache entry %s", path)
            return None
        if not isinstance(text, str) or not text:  # (an empty one, from older versions: ask)
            return None
        self.stats.cache_hits += 1
        return Reply(text, None, 0.0, True, obj.get("finish_reason"), 0)

    async def complete(self, messages: list[dict[str, Any]], **overrides: Any) -> Reply:
        """The assistant's reply. Raises :class:`ModelError` after the retries are spent."""
        messages = await self._fit_images(messages)
        body = self.payload(messages, **overrides)
        path = self.cache_path(body)
        hit = self._cached(path)
        if hit is not None:
            return hit
        try:
            reply = await self._post(body)
        except ModelError as exc:
            kind = "connect" if exc.connect else "refused" if exc.refused else "failed"
            self.stats.errors[kind] += 1
            raise
        if path is not None and reply.text:  # an empty reply is returned, never kept
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps({"text": reply.text, "usage": reply.usage,
                                           "finish_reason": reply.finish_reason}))  # fmt: skip
        return reply

    async def preflight(self) -> None:
        """Check that the endpoint answers HTTP at all (``GET BASE_URL/models``; any status
        will do), retrying a refused connection as :meth:`complete` does; costs no completion.
        Raises :class:`ModelError` with ``connect=True`` when no connection could be made."""
        url = f"{self.base_url}/models"
        last = ""
        http = self._http()
        for attempt in range(self.retries + 1):
            try:
                await http.get(url, headers=self._headers())
            except _CONNECT_ERRORS as exc:
                last = f"{type(exc).__name__}: {exc}"
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                log.info("preflight %s: connected, but %s", url, exc)
                return  # something listens there; let the requests tell the rest
            else:
                return
            if attempt < self.retries:
                await asyncio.sleep(self._jitter(self.connect_backoff_s * 2**attempt))
        raise ModelError(
            f"could not connect to {self.base_url} after {self.retries + 1} attempts "
            f"(last: {last})",
            url=self.base_url,
            connect=True,
        )

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _jitter(self, seconds: float) -> float:
        return seconds * (1 + 0.25 * self._rng.random())

    async def _post(self, body: dict[str, Any]) -> Reply:
        http = self._http()
        assert self._slots is not None
        headers = self._headers()
        url = f"{self.base_url}/chat/completions"
        content = json.dumps(body, ensure_ascii=False).encode()
        last = ""
        connected = False  # whether any attempt reached the server
        status: int | None = None
        for attempt in range(self.retries + 1):
            delay: float | None = None
            base = self.backoff_s
            async with self._slots:
                t0 = time.perf_counter()
                try:
                    self.stats.requests += 1
                    resp = await http.post(url, content=content, headers=headers)
                except _CONNECT_ERRORS as exc:
                    last = f"{type(exc).__name__}: {exc}"
                    base = self.connect_backoff_s
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    connected = True  # a truncated body (RemoteProtocolError) lands here too
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    connected = True
                    status = resp.status_code
                    if resp.status_code == 200:
                        try:
                            data = _reply_json(resp)
                            finish = _finish_reason(data)
                            if finish in _FAILED_FINISH:
                                raise ModelError(
                                    "the server ended the generation with "
                                    f"finish_reason={finish!r}", url=url, status=200
                                )  # fmt: skip
                            text = _reply_text(data, url)
                        except ModelError as exc:  # malformed 200: worth another attempt
                            last = str(exc)
                        else:
                            latency = time.perf_counter() - t0
                            self._note_answer(data, latency)
                            return Reply(text, data.get("usage"), latency, False, finish,
                                         attempt + 1)  # fmt: skip
                    else:
                        last = f"HTTP {resp.status_code}: {resp.text[:300]}"
                        if resp.status_code not in _RETRY_STATUS:
                            raise ModelError(
                                f"{url} refused the request ({last})",
                                url=url,
                                refused=True,
                                status=status,
                            )
                        delay = _retry_after(resp)
            if attempt < self.retries:
                self.stats.retries += 1
                wait = delay if delay is not None else base * 2**attempt
                wait = self._jitter(wait)
                log.info("retrying %s in %.1fs after %s", url, wait, last)
                await asyncio.sleep(wait)
        if not connected:
            raise ModelError(
                f"could not connect to {url} after {self.retries + 1} attempts (last: {last})",
                url=url,
                connect=True,
            )
        raise ModelError(
            f"{url} failed after {self.retries + 1} attempts (last: {last})", url=url, status=status
        )

    def _note_answer(self, data: dict[str, Any], latency: float) -> None:
        self.stats.answers += 1
        self.stats.note_latency(latency)
        usage = data.get("usage")
        if isinstance(usage, dict):
            for key, attr in (("prompt_tokens", "prompt_tokens"),
                              ("completion_tokens", "completion_tokens")):  # fmt: skip
                v = usage.get(key)
                if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
                    setattr(self.stats, attr, getattr(self.stats, attr) + v)

    # -- images ----------------------------------------------------------------------------
    async def _fit_images(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``messages`` with every data-URL image over ``max_pixels`` scaled down (copies
        only what changes; a request without big images is returned as is)."""
        out = messages
        for i, msg in enumerate(messages):
            content = msg.get("content") if isinstance(msg, dict) else None
            if not isinstance(content, list):
                continue
            for j, part in enumerate(content):
                url = _data_url_of(part)
                if url is None or not _too_big(url, self.max_pixels):
                    continue
                scaled = await asyncio.to_thread(_rescale, url, self.max_pixels)
                self.stats.images_scaled += 1
                if out is messages:
                    out = list(messages)
                if out[i] is msg:
                    out[i] = {**msg, "content": list(content)}
                out[i]["content"][j] = {"type": "image_url", "image_url": {"url": scaled}}
        return out


def _data_url_of(part: Any) -> str | None:
    if not isinstance(part, dict) or part.get("type") != "image_url":
        return None
    iu = part.get("image_url")
    url = iu.get("url") if isinstance(iu, dict) else iu
    return url if isinstance(url, str) and url.startswith("data:image/") else None


def _too_big(url: str, max_pixels: int) -> bool:
    """Whether a data URL's image has more than ``max_pixels`` pixels (header only)."""
    from PIL import Image

    try:
        raw = base64.b64decode(url.split(",", 1)[1], validate=False)
        with Image.open(io.BytesIO(raw)) as img:
            w, h = img.size
    except Exception:  # not an image we can read: the server will say so
        return False
    return fit_pixels(w, h, max_pixels) != (w, h)


def _rescale(url: str, max_pixels: int) -> str:
    return image_data_url(base64.b64decode(url.split(",", 1)[1]), max_pixels)


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    try:
        return min(300.0, max(0.0, float(value))) if value is not None else None
    except ValueError:
        return None


def _reply_json(resp: httpx.Response) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError as exc:
        raise ModelError(
            f"{resp.url} answered 200 with a body that is not JSON ({exc}): {resp.text[:200]!r}",
            url=str(resp.url),
            status=200,
        ) from None
    if not isinstance(data, dict):
        raise ModelError(f"unexpected reply shape from {resp.url}: {type(data).__name__}",
                         url=str(resp.url), status=200)  # fmt: skip
    return data


def _finish_reason(data: dict[str, Any]) -> str | None:
    try:
        return data["choices"][0].get("finish_reason")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def _reply_text(data: dict[str, Any], url: str) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        err = data.get("error") if isinstance(data, dict) else None
        raise ModelError(
            f"unexpected reply shape from {url}: {type(exc).__name__}: {exc}"
            + (f" (error: {str(err)[:200]})" if err else ""),
            url=url,
            status=200,
        ) from None
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "" if content is None else str(content)
