"""Run the app on uvicorn: bind, say where, serve until SIGINT/SIGTERM, shut down cleanly.

:func:`serve` binds the socket itself (so ``port=0`` gets a free port it can report, and a
port in use is a one-line error before anything starts), calls ``on_ready(url)`` once the
server accepts connections, and returns after a clean shutdown: the first SIGINT or SIGTERM
stops accepting connections, lets every request in flight finish (a request of the
``timeout`` fault gets a 503), and returns; a second signal drops what is left
(:class:`~codepercept._interrupt.Interrupted`).

Uvicorn runs with no concurrency limit and a listen backlog of :data:`BACKLOG`, so hundreds of
clients at once are all served; its own log is kept to warnings on stderr, with no access log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Generator
from types import FrameType
from typing import Any, Protocol

import uvicorn

from codepercept._interrupt import Interrupted
from codepercept.errors import UsageError
from codepercept.serve.app import ServeState

__all__ = ["BACKLOG", "Stoppable", "base_url", "bind", "serve"]

#: Connections the kernel queues before the server accepts them.
BACKLOG = 4096
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: a free port). Raises
    :class:`UsageError` naming the address when it cannot be had."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, addr = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host!r}: {exc.strerror or exc}; check --host"
        ) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; pick another --port "
            "(0 picks a free one)"
        ) from None
    sock.set_inheritable(False)
    return sock


def base_url(host: str, sock: socket.socket, path: str = "/v1") -> str:
    """``http://HOST:PORT`` + ``path`` of a bound socket (an IPv6 host in brackets)."""
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


class Stoppable(Protocol):
    """What the runner tells the app: ``stopping`` is set once a shutdown began
    (:class:`~codepercept.serve.app.ServeState` is one)."""

    stopping: bool


class _Quiet(logging.Filter):
    """Drops uvicorn's error lines for what is meant to happen: a reply cut short on purpose
    (the ``truncated`` fault) and the requests a second signal drops (cancelled)."""

    def __init__(self, truncation: bool) -> None:
        super().__init__()
        self.truncation = truncation

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
            return False
        return not (
            self.truncation and "returned without completing response" in record.getMessage()
        )


class _Server(uvicorn.Server):
    """uvicorn's server, reporting readiness, setting ``state.stopping`` on the first signal,
    stopping at once on the second (of either kind), and not re-raising the signal after a
    clean shutdown (uvicorn does, which would end the process by the signal, not with 0)."""

    def __init__(
        self, config: uvicorn.Config, state: Stoppable, on_ready: Callable[[], None]
    ) -> None:
        super().__init__(config)
        self.state = state
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self.on_ready()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True
        self.state.stopping = True

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def serve(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    state: Stoppable | None = None,
    on_ready: Callable[[str], None] | None = None,
    quiet_truncation: bool = False,
    url_path: str = "/v1",
    sock: socket.socket | None = None,
) -> None:
    """Serve ``app`` on ``host``:``port`` until a signal (see the module docstring).

    ``state`` is the app's :class:`ServeState` or anything with a ``stopping`` attribute (set
    when shutdown begins); ``on_ready(url)`` is called with the base URL (``http://HOST:PORT``
    + ``url_path``) once connections are accepted. ``sock``: a socket :func:`bind` gave
    already (so a caller can refuse a port in use before a slow start-up), closed here."""
    sock = sock if sock is not None else bind(host, port)
    url = base_url(host, sock, url_path)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        backlog=BACKLOG,
        limit_concurrency=None,
        timeout_graceful_shutdown=None,
        server_header=False,
    )
    logging.getLogger("uvicorn.error").addFilter(_Quiet(quiet_truncation))
    server = _Server(config, state or ServeState(), lambda: on_ready and on_ready(url))
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
    if server.force_exit:
        raise Interrupted("stopped at once by a second signal; requests in flight were dropped")
