"""The model client for synchronous callers: :class:`~codepercept.models.client.AsyncChat`
behind blocking methods.

Every model call in codepercept goes through the one async client (retries, ``Retry-After``,
the on-disk cache that never keeps a failure, the max-pixels policy, statistics). Code that
runs in threads (the caption corrector, the judges, a thread-pool caller) uses
:class:`OpenAIChat`: each instance runs its :class:`AsyncChat` on a private event loop in one
background thread, so any number of threads share one bounded connection pool and
``max_concurrency`` holds across all of them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from codepercept.models.client import AsyncChat, ClientStats, ModelError, Reply, parse_spec

__all__ = ["ModelError", "OpenAIChat"]

T = TypeVar("T")


class OpenAIChat:
    """Chat completions against ``base_url`` (e.g. ``http://127.0.0.1:8000/v1``), blocking.

    Takes :class:`AsyncChat`'s arguments (``max_concurrency`` is its ``concurrency``):
    ``api_key_env``, ``timeout_s``, ``connect_timeout_s``, ``retries``, ``backoff_s``,
    ``connect_backoff_s``, ``cache_dir``, ``max_pixels`` and default sampling parameters.
    Thread-safe.
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
        self.aio = AsyncChat(
            model,
            base_url,
            api_key_env=api_key_env,
            concurrency=max_concurrency,
            timeout_s=timeout_s,
            retries=retries,
            backoff_s=backoff_s,
            cache_dir=cache_dir,
            connect_backoff_s=connect_backoff_s,
            connect_timeout_s=connect_timeout_s,
            **sampling,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_spec(cls, spec: str, **kwargs: Any) -> OpenAIChat:
        """``MODEL@BASE_URL`` (the part after ``openai:`` in a model spec)."""
        model, url = parse_spec(spec)
        return cls(model, url, **kwargs)

    # -- what the async client knows ---------------------------------------------------------
    @property
    def model(self) -> str:
        return self.aio.model

    @property
    def base_url(self) -> str:
        return self.aio.base_url

    @property
    def stats(self) -> ClientStats:
        return self.aio.stats

    @property
    def requests_sent(self) -> int:
        return self.aio.stats.requests

    @property
    def cache_hits(self) -> int:
        return self.aio.stats.cache_hits

    # -- the loop thread -----------------------------------------------------------------------
    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name=f"model-client-{self.model}", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    def close(self) -> None:
        """Close the connections and stop the loop thread (idempotent)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None:
            return
        asyncio.run_coroutine_threadsafe(self.aio.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(10)
        loop.close()

    def __enter__(self) -> OpenAIChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # a forgotten close must not leave a thread per client
        try:
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(loop.stop)
        except Exception:
            pass

    # -- requests ----------------------------------------------------------------------------
    def reply(self, messages: list[dict[str, Any]], **overrides: Any) -> Reply:
        """The whole :class:`Reply` (text, usage, latency, cached)."""
        return self._run(self.aio.complete(messages, **overrides))

    def complete(self, messages: list[dict[str, Any]], **overrides: Any) -> str:
        """The assistant's reply text. Raises :class:`ModelError` after the retries are spent."""
        return self.reply(messages, **overrides).text

    def preflight(self) -> None:
        """Check that the endpoint answers at all (see :meth:`AsyncChat.preflight`)."""
        self._run(self.aio.preflight())
