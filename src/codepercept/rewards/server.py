"""``codepercept reward-server``: the sandbox and the reward scorer over HTTP, for RL trainers on
other machines (Starlette on uvicorn; the run loop is :func:`codepercept.serve.server.serve`).

Routes:

* ``POST /run_code`` — SandboxFusion's endpoint (verl's ``reward.sandbox_fusion.url``), see
  :mod:`codepercept.rewards.sandbox_fusion`: python programs run in the sandbox, their figures
  come back as PNG files and their trace as ``scene``.
* ``POST /get_reward`` — OpenRLHF's remote reward model (``--reward.remote_url``), and
  ``POST /reward`` — the batch form; both score completions against reference programs with
  :class:`~codepercept.rewards.core.RewardScorer` (see :mod:`codepercept.rewards.reward_protocol`).
* ``GET /health`` — load, capacity, request counts and the isolation in force.

One :class:`~codepercept.sandbox.Executor` of ``workers`` processes serves all of them.
Admission is a bounded line (:class:`Gate`): a request of n programs (``/run_code``: 1; a batch:
its size) starts when ``workers`` has room, up to ``queue`` more wait, in arrival order; beyond
that the answer is 429 with ``Retry-After`` (the body is read and dropped, never kept), so the
memory held is bounded by ``workers + queue`` bodies of at most :data:`MAX_BODY_BYTES`. On the
first SIGINT/SIGTERM the server stops accepting connections, lets every started request
finish, answers the waiting ones 503, and returns; a second signal stops at once.

Every error is ``{"error": {"message", "type", "param", "code"}}`` (the OpenAI shape ``serve``
uses): 400 for a body that is not a JSON object or a field of the wrong type or value (the
message names it), 404/405 for an unknown route or method, 413 for a body over the limit or a
batch over the capacity, 429 when full, 503 when stopping. A well-formed ``/run_code``
request is always answered 200, as SandboxFusion does (a failure of the sandbox itself is
``SandboxError``).
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import math
import os
import socket
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from codepercept.rewards.openrlhf import openrlhf_reply
from codepercept.rewards.reward_protocol import (
    RewardBatch,
    parse_get_reward,
    parse_reward,
    reward_reply,
)
from codepercept.rewards.sandbox_fusion import (
    DEFAULT_TIMEOUT_S,
    RunCode,
    parse_run_code,
    run_code_reply,
    sandbox_error_reply,
    unsupported_language,
)
from codepercept.sandbox import Executor
from codepercept.serve.app import DRAIN_FACTOR, read_body
from codepercept.serve.protocol import ApiError, error_body

__all__ = ["MAX_BODY_BYTES", "Busy", "Gate", "RewardState", "Stopping", "build_app",
           "run_reward_server"]  # fmt: skip

log = logging.getLogger(__name__)

#: The largest request body read (files and stdin of a program, or a batch of completions).
MAX_BODY_BYTES = 32 * 1024 * 1024
#: Bodies larger than this are parsed in a worker thread, so the event loop keeps serving.
THREAD_PARSE_BYTES = 256 * 1024
#: ``Retry-After`` stays within these bounds (seconds).
RETRY_AFTER_S = (1, 60)
_BODY_HINT = "send fewer or smaller files, or a smaller batch"


class Busy(Exception):
    """No room in the line: answered 429, ``Retry-After: seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"the server is full; retry after {seconds} s")
        self.seconds = seconds


class Stopping(Exception):
    """The server is shutting down: answered 503."""


class _Ticket:
    """One request's place: ``reserved`` (admitted, waiting), then ``started``, then done."""

    def __init__(self, gate: Gate, n: int) -> None:
        self.gate = gate
        self.n = n
        self.state = "reserved"
        self.fut: asyncio.Future[None] | None = None
        self.t0 = 0.0

    def resize(self, n: int) -> None:
        """Hold ``n`` units instead (a batch, once its size is known); :class:`Busy` when they
        do not fit (the ticket keeps what it held)."""
        assert self.state == "reserved"
        g = self.gate
        if g.running + g.waiting - self.n + n > g.capacity:
            raise Busy(g.retry_after(n))
        g.waiting += n - self.n
        self.n = n

    async def start(self) -> None:
        """Wait for this ticket's turn (:class:`Stopping` if the server stops first)."""
        g = self.gate
        if g.stopping:
            raise Stopping
        if not g.line and g.fits(self.n):
            g.begin(self)
            return
        self.fut = asyncio.get_running_loop().create_future()
        g.line.append(self)
        try:
            await self.fut
        finally:
            if self.state == "reserved" and self in g.line:  # cancelled while in line
                g.line.remove(self)

    def release(self) -> None:
        g = self.gate
        if self.state == "reserved":
            g.waiting -= self.n
        elif self.state == "started":
            g.running -= self.n
            g.record(time.monotonic() - self.t0)
        self.state = "done"
        g.wake()


class Gate:
    """Admission for one event loop: ``workers`` units run at once, ``queue`` more wait, in
    arrival order; :meth:`reserve` refuses (:class:`Busy`) beyond that. A request larger than
    ``workers`` starts alone, once nothing else runs. Not thread-safe (the loop's only)."""

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self.queue = queue
        self.capacity = workers + queue
        self.running = 0  # units started
        self.waiting = 0  # units admitted and not started (being read, or in line)
        self.line: collections.deque[_Ticket] = collections.deque()
        self.stopping = False
        self.mean_s = 1.0  # how long a request holds its place (moving average)

    def reserve(self, n: int = 1) -> _Ticket:
        if self.stopping:
            raise Stopping
        if self.running + self.waiting + n > self.capacity:
            raise Busy(self.retry_after(n))
        self.waiting += n
        return _Ticket(self, n)

    def fits(self, n: int) -> bool:
        return self.running + n <= self.workers or self.running == 0

    def begin(self, t: _Ticket) -> None:
        self.waiting -= t.n
        self.running += t.n
        t.state = "started"
        t.t0 = time.monotonic()

    def wake(self) -> None:
        while self.line and self.fits(self.line[0].n):
            t = self.line.popleft()
            if t.fut is None or t.fut.done():  # cancelled meanwhile: its release counts it
                continue
            self.begin(t)
            t.fut.set_result(None)

    def record(self, seconds: float) -> None:
        self.mean_s += 0.2 * (seconds - self.mean_s)

    def retry_after(self, n: int) -> int:
        """Seconds until ``n`` more units may fit: the line ahead, at the recent pace."""
        ahead = (self.running + self.waiting + n - self.capacity) / max(1, self.workers)
        lo, hi = RETRY_AFTER_S
        return int(min(hi, max(lo, math.ceil(self.mean_s * max(1.0, ahead)))))

    def stop(self) -> None:
        """Shutdown: nothing new starts; every request in line is told :class:`Stopping`."""
        self.stopping = True
        while self.line:
            t = self.line.popleft()
            if t.fut is not None and not t.fut.done():
                t.fut.set_exception(Stopping())


class RewardState:
    """What the runner tells the app: ``stopping`` (set on the first signal) stops the gate."""

    def __init__(self) -> None:
        self._stopping = False
        self.on_stop: Callable[[], None] | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping

    @stopping.setter
    def stopping(self, value: bool) -> None:
        self._stopping = value
        if value and self.on_stop is not None:
            try:  # a signal handler runs between bytecodes: hand the work to the loop
                asyncio.get_running_loop().call_soon_threadsafe(self.on_stop)
            except RuntimeError:
                self.on_stop()


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    # ASCII JSON: text a program printed or a client sent may hold lone surrogates, which
    # UTF-8 cannot carry; escaped, every reply encodes.
    body = json.dumps(obj, separators=(",", ":"), allow_nan=False).encode("ascii")
    return Response(body, status_code=status, headers=headers, media_type="application/json")


async def _json_off_loop(obj: Callable[[], Any]) -> Response:
    """Build and encode a large reply (images, scenes) in a worker thread."""

    def build() -> bytes:
        return json.dumps(obj(), separators=(",", ":"), allow_nan=False).encode("ascii")

    body = await anyio.to_thread.run_sync(build)
    return Response(body, media_type="application/json")


async def _drain(request: Request) -> None:
    """Read and drop a refused request's body (so the client reads the answer, not a reset),
    up to ``DRAIN_FACTOR`` times the body limit."""
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > DRAIN_FACTOR * MAX_BODY_BYTES:
                break
    except ClientDisconnect:
        pass


async def _parse(body: bytes, parse: Callable[[bytes], Any]) -> Any:
    if len(body) > THREAD_PARSE_BYTES:
        return await anyio.to_thread.run_sync(parse, body)
    return parse(body)


def build_app(
    executor: Executor,
    scorer: Any,
    *,
    queue: int = 64,
    isolation: dict[str, Any] | None = None,
    state: RewardState | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Starlette:
    """The ASGI app over ``executor`` (its ``workers``, ``timeout_s`` and ``memory_mb`` are the
    server's) and ``scorer`` (a :class:`~codepercept.rewards.core.RewardScorer` on the same
    executor). ``isolation``: what ``/health`` reports (default: ``executor.isolation``)."""
    gate = Gate(executor.workers, queue)
    state = state or RewardState()
    state.on_stop = gate.stop
    counts: dict[str, collections.Counter[str]] = {
        name: collections.Counter() for name in ("run_code", "reward", "get_reward")
    }
    pod = os.environ.get("MY_POD_NAME") or socket.gethostname()
    isolation = isolation if isolation is not None else executor.isolation

    async def admit(request: Request, endpoint: str) -> _Ticket:
        try:
            return gate.reserve(1)
        except Busy as exc:
            await _drain(request)
            counts[endpoint]["429"] += 1
            raise ApiError(
                429, f"the server is full ({gate.capacity} programs running or waiting); retry "
                f"after {exc.seconds} s", type="requests", code="rate_limit_exceeded",
                headers={"Retry-After": str(exc.seconds)},
            ) from None  # fmt: skip
        except Stopping:
            await _drain(request)
            raise _stopping() from None

    async def health(request: Request) -> Response:
        return _json({
            "status": "stopping" if state.stopping else "ok",
            "in_flight": gate.running,
            "queued": gate.waiting,
            "capacity": gate.capacity,
            "workers": gate.workers,
            "queue": gate.queue,
            "timeout_s": executor.timeout_s,
            "memory_mb": executor.memory_mb,
            "dpi": executor.dpi,
            "requests": {k: dict(v) for k, v in counts.items()},
            "scorer": scorer.stats if scorer is not None else None,
            "isolation": isolation,
        })  # fmt: skip

    async def run_code(request: Request) -> Response:
        ticket = await admit(request, "run_code")
        try:
            try:
                body = await read_body(request, max_body_bytes, _BODY_HINT)
                req: RunCode = await _parse(body, parse_run_code)
            except ApiError as exc:
                counts["run_code"][str(exc.status)] += 1
                raise
            why = unsupported_language(req.language)
            if why is not None:
                counts["run_code"]["SandboxError"] += 1
                return _json(sandbox_error_reply(why, pod=pod))
            await ticket.start()
            asked = req.run_timeout if req.run_timeout is not None else DEFAULT_TIMEOUT_S
            timeout_s = min(asked, executor.timeout_s)
            limit = executor.memory_mb
            memory_mb = min(req.memory_limit_mb, limit) if req.memory_limit_mb > 0 else limit
            notes = []
            if req.run_timeout is not None and req.run_timeout > executor.timeout_s:
                notes.append(f"run_timeout {req.run_timeout:g} s is over this server's limit; "
                             f"ran with {executor.timeout_s:g} s")  # fmt: skip
            if req.memory_limit_mb > limit:
                notes.append(f"memory_limit_MB {req.memory_limit_mb} is over this server's "
                             f"limit; ran with {limit} MB")  # fmt: skip
            try:
                res = await executor.arun(req.code, req.files, stdin=req.stdin,
                                          timeout_s=timeout_s, memory_mb=memory_mb)  # fmt: skip
            except Exception as exc:  # the sandbox failed (not the program): SandboxFusion's way
                log.exception("run_code: the sandbox failed")
                counts["run_code"]["SandboxError"] += 1
                return _json(sandbox_error_reply(f"sandbox error: {type(exc).__name__}: {exc}",
                                                 pod=pod))  # fmt: skip
            reply = await _json_off_loop(
                lambda: run_code_reply(res, req, pod=pod, notes=tuple(notes))
            )
            counts["run_code"][_status_of(reply.body)] += 1
            return reply
        except Stopping:
            raise _stopping() from None
        except ClientDisconnect:
            return Response(status_code=499)  # nobody is listening
        finally:
            ticket.release()

    async def score(request: Request, endpoint: str, parse: Callable[[bytes], RewardBatch],
                    reply: Callable[[list[Any]], dict[str, Any]]) -> Response:  # fmt: skip
        ticket = await admit(request, endpoint)
        try:
            try:
                body = await read_body(request, max_body_bytes, _BODY_HINT)
                batch: RewardBatch = await _parse(body, parse)
                if len(batch) > gate.capacity:
                    raise ApiError(
                        413, f"a batch of {len(batch)} is more than this server takes at once "
                        f"({gate.capacity}: --workers plus --queue); split it",
                        code="batch_too_large",
                    )  # fmt: skip
                if batch.completions:
                    ticket.resize(len(batch))
            except ApiError as exc:
                counts[endpoint][str(exc.status)] += 1
                raise
            except Busy as exc:
                counts[endpoint]["429"] += 1
                raise ApiError(
                    429, f"the server is full; a batch of {len(batch)} does not fit now; retry "
                    f"after {exc.seconds} s", type="requests", code="rate_limit_exceeded",
                    headers={"Retry-After": str(exc.seconds)},
                ) from None  # fmt: skip
            rewards: list[Any] = []
            if batch.completions:
                await ticket.start()
                rewards = await scorer.ascore(list(batch.completions), list(batch.references))
            counts[endpoint]["200"] += 1
            return await _json_off_loop(lambda: reply(rewards))
        except Stopping:
            raise _stopping() from None
        except ClientDisconnect:
            return Response(status_code=499)
        finally:
            ticket.release()

    async def reward(request: Request) -> Response:
        return await score(request, "reward", parse_reward, reward_reply)

    async def get_reward(request: Request) -> Response:
        return await score(request, "get_reward", parse_get_reward, openrlhf_reply)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/run_code", run_code, methods=["POST"]),
        Route("/reward", reward, methods=["POST"]),
        Route("/get_reward", get_reward, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    app.state.reward = state
    app.state.gate = gate
    return app


def _stopping() -> ApiError:
    return ApiError(503, "the server is shutting down; retry on another one",
                    type="server_error", code="shutting_down",
                    headers={"Retry-After": "1"})  # fmt: skip


def _status_of(body: bytes | memoryview) -> str:
    """The ``status`` of an encoded ``/run_code`` reply (it starts with it)."""
    head = bytes(body[:40])
    for status in ("Success", "Failed", "SandboxError"):
        if f'"status":"{status}"'.encode() in head:
            return status
    return "200"


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _json(exc.body(), exc.status, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = (f"no route {request.url.path}; this server has POST /run_code, POST "
                   "/reward, POST /get_reward and GET /health")  # fmt: skip
        code = "not_found"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
        code = "method_not_allowed"
    else:
        message, code = str(exc.detail), None
    return _json(error_body(message, code=code), exc.status_code, exc.headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s", request.url.path, exc_info=exc)
    return _json(error_body(f"internal error: {type(exc).__name__}", type="server_error"), 500)


def run_reward_server(
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    workers: int = 2,
    queue: int = 64,
    timeout_s: float = 30.0,
    memory_mb: int = 2048,
    dpi: float = 100.0,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Start the sandbox and the scorer, serve until a signal (see the module docstring), and
    stop both. The port is taken first, so one in use fails before the sandbox starts;
    ``on_ready(url)`` gets ``http://HOST:PORT`` once connections are accepted."""
    from codepercept.errors import JobError
    from codepercept.rewards.core import RewardConfig, RewardScorer
    from codepercept.sandbox.executor import SandboxUnavailable
    from codepercept.serve.server import bind, serve

    sock = bind(host, port)
    try:
        state = RewardState()
        with Executor(workers=workers, dpi=dpi, timeout_s=timeout_s, memory_mb=memory_mb) as ex:
            try:
                isolation = ex.isolation  # starts the zygote (seconds) before the ready line
            except SandboxUnavailable as exc:
                raise JobError(f"the sandbox cannot start here: {exc}") from None
            config = RewardConfig(dpi=dpi, timeout_s=timeout_s, memory_mb=memory_mb)
            with RewardScorer(config, workers=workers, executor=ex) as scorer:
                app = build_app(ex, scorer, queue=queue, isolation=isolation, state=state)
                serve(app, host, port, state=state, on_ready=on_ready, url_path="", sock=sock)
    finally:
        sock.close()
