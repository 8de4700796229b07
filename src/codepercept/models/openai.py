"""A client for any OpenAI-compatible chat-completions endpoint (vLLM, SGLang, ms-swift, hosted).

Bounded concurrency, timeouts, retries with exponential backoff (honouring ``Retry-After``),
per-model sampling parameters, and an on-disk response cache keyed by everything that affects
the answer, so re-running a benchmark never pays twice for the same request.
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
    """The endpoint refused the request or kept failing; the message says which and why."""


class OpenAIChat:
    """Chat completions against ``base_url`` (e.g. ``http://127.0.0.1:8000/v1``).

    Args:
        model: model name sent in the request.
        base_url: endpoint root; ``/chat/completions`` is appended.
        api_key_env: environment variable holding the key (absent → no Authorization header,
            which local servers accept).
        max_concurrency: requests in flight at once across all threads using this client.
        timeout_s: per-request timeout.
        retries: further attempts after a retryable failure (429, 5xx, timeouts, resets).
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
        self.sampling = dict(sampling)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._client = httpx.Client(timeout=timeout_s)
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
                cached = json.loads(path.read_text())
                self.cache_hits += 1
                return str(cached["text"])
            except (OSError, ValueError, KeyError):
                log.warning("ignoring unreadable cache entry %s", path)
        text, raw = self._post(payload)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps({"text": text, "usage": raw.get("usage")}))
        return text

    def _post(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        url = f"{self.base_url}/chat/completions"
        last = ""
        for attempt in range(self.retries + 1):
            delay = None
            with self._slots:
                try:
                    self.requests_sent += 1
                    resp = self._client.post(url, json=payload, headers=headers)
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    if resp.status_code == 200:
                        return _reply_text(resp), resp.json()
                    last = f"HTTP {resp.status_code}: {resp.text[:300]}"
                    if resp.status_code not in _RETRY_STATUS:
                        raise ModelError(f"{url} refused the request ({last})")
                    delay = _retry_after(resp)
            if attempt < self.retries:
                wait = delay if delay is not None else self.backoff_s * 2**attempt
                wait *= 1 + 0.25 * self._rng.random()
                log.info("retrying %s in %.1fs after %s", url, wait, last)
                time.sleep(wait)
        raise ModelError(f"{url} failed after {self.retries + 1} attempts (last: {last})")


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _reply_text(resp: httpx.Response) -> str:
    try:
        data = resp.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelError(f"unexpected reply shape from {resp.url}: {exc}") from None
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "" if content is None else str(content)
