"""A client for any OpenAI-compatible chat-completions endpoint (vLLM, SGLang, ms-swift, hosted).

Bounded concurrency, timeouts, retries with exponential backoff (honouring ``Retry-After``),
per-model sampling parameters, and an on-disk response cache keyed by everything that affects
the answer, so re-running a benchmark never pays twice for the same request.

Only answers are cached: an HTTP error, a reply that is not a chat completion (no JSON, no
``choices``, a body cut short), a generation that ended in ``finish_reason`` ``error``/``abort``,
and an empty reply are never written to the cache, so a re-run after the endpoint recovers
asks again. A connection that cannot be made (refused, unknown host, TLS) is retried on a short
backoff (``connect_backoff_s``) and reported as ``ModelError.connect``, so a caller can tell
"the endpoint is down" from "this request failed"; :meth:`OpenAIChat.preflight` checks that
the endpoint answers at all without paying for a completion.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from codepercept._fs import atomic_write

log = logging.getLogger(__name__)

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


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


#: Failures before any byte of the request reached a server.
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol)
#: ``finish_reason`` values that mean the server failed the generation (vLLM, SGLang).
_FAILED_FINISH = {"error", "abort"}


class OpenAIChat:
    """Chat completions against ``base_url`` (e.g. ``http://127.0.0.1:8000/v1``).

    Args:
        model: model name sent in the request.
        base_url: endpoint root; ``/chat/completions`` is appended.
        api_key_env: environment variable holding the key (absent → no Authorization header,
            which local servers accept).
        max_concurrency: requests in flight at once across all threads using this client.
        timeout_s: per-request timeout.
        retries: further attempts after a retryable failure (429, 5xx, timeouts, resets,
            connections that cannot be made).
        backoff_s: first wait before a retry (doubling each time) after an HTTP failure or a
            timeout.
        connect_backoff_s: the same after a connection could not be made (refused, DNS, TLS):
            short, so an endpoint that is down is reported in about a second, not a minute.
        connect_timeout_s: how long to wait for a connection (at most ``timeout_s``).
        cache_dir: where responses are cached (None: no cache).
        sampling: default sampling parameters (temperature, top_p, max_tokens, …), overridable
            per call.
    """

    def __init__(
        self,
        model: str,
        base_url: str,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 8,
        timeout_s: float = 120.0,
        retries: int = 4,
        backoff_s: float = 1.0,
        cache_dir: str | Path | None = None,
        connect_backoff_s: float = 0.1,
        connect_timeout_s: float = 10.0,
        **sampling: Any,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.connect_backoff_s = connect_backoff_s
        self.sampling = dict(sampling)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, connect_timeout_s))
        )
        self._rng = random.Random(0)
        self.requests_sent = 0
        self.cache_hits = 0

    @classmethod
    def from_spec(cls, spec: str, **kwargs: Any) -> OpenAIChat:
        """``MODEL@BASE_URL`` (the part after ``openai:`` in a model spec)."""
        model, sep, url = spec.partition("@")
        if not sep or not model or not url:
            raise ValueError(
                f"expected MODEL@BASE_URL, got {spec!r} (e.g. qwen3-vl@http://127.0.0.1:8000/v1)"
            )
        return cls(model, url, **kwargs)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OpenAIChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests --------------------------------------------------------------------------------
    def _payload(self, messages: list[dict[str, Any]], overrides: dict[str, Any]) -> dict[str, Any]:
        return {"model": self.model, "messages": messages, **self.sampling, **overrides}

    def _cache_path(self, payload: dict[str, Any]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(
            json.dumps([self.base_url, payload], sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def complete(self, messages: list[dict[str, Any]], **overrides: Any) -> str:
        """The assistant's reply text. Raises :class:`ModelError` after the retries are spent."""
        payload = self._payload(messages, overrides)
        path = self._cache_path(payload)
        if path is not None and path.exists():
            try:
                text = json.loads(path.read_text())["text"]
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("ignoring unreadable cache entry %s", path)
            else:
                if isinstance(text, str) and text:  # (an empty one, from older versions: ask)
                    self.cache_hits += 1
                    return text
        text, raw = self._post(payload)
        if path is not None and text:  # an empty reply is returned, never kept
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps({"text": text, "usage": raw.get("usage")}))
        return text

    def preflight(self) -> None:
        """Check that the endpoint answers HTTP at all (``GET BASE_URL/models``; any status,
        even 404 or 401, will do), retrying a refused connection as :meth:`complete` does.
        Costs no completion. Raises :class:`ModelError` with ``connect=True`` when no
        connection could be made."""
        url = f"{self.base_url}/models"
        last = ""
        for attempt in range(self.retries + 1):
            try:
                self._client.get(url, headers=self._headers())
            except _CONNECT_ERRORS as exc:
                last = f"{type(exc).__name__}: {exc}"
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                log.info("preflight %s: connected, but %s", url, exc)
                return  # something listens there; let the requests tell the rest
            else:
                return
            if attempt < self.retries:
                time.sleep(self.connect_backoff_s * 2**attempt * (1 + 0.25 * self._rng.random()))
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

    def _post(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        headers = self._headers()
        url = f"{self.base_url}/chat/completions"
        last = ""
        connected = False  # whether any attempt reached the server
        status: int | None = None
        for attempt in range(self.retries + 1):
            delay = None
            base = self.backoff_s
            with self._slots:
                try:
                    self.requests_sent += 1
                    resp = self._client.post(url, json=payload, headers=headers)
                except _CONNECT_ERRORS as exc:
                    last = f"{type(exc).__name__}: {exc}"
                    base = self.connect_backoff_s
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    connected = True
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    connected = True
                    status = resp.status_code
                    if resp.status_code == 200:
                        data = _reply_json(resp)
                        finish = _finish_reason(data)
                        if finish not in _FAILED_FINISH:
                            return _reply_text(data, url), data
                        last = f"the server ended the generation with finish_reason={finish!r}"
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
                wait = delay if delay is not None else base * 2**attempt
                wait *= 1 + 0.25 * self._rng.random()
                log.info("retrying %s in %.1fs after %s", url, wait, last)
                time.sleep(wait)
        if not connected:
            raise ModelError(
                f"could not connect to {url} after {self.retries + 1} attempts (last: {last})",
                url=url,
                connect=True,
            )
        raise ModelError(
            f"{url} failed after {self.retries + 1} attempts (last: {last})", url=url, status=status
        )


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
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
