"""The HTTP layer: a Starlette app that translates between HTTP and :mod:`.protocol`.

Routes: ``GET /health``, ``GET /v1/models``, ``GET /v1/models/{model}``,
``POST /v1/chat/completions`` (``stream: true`` answers Server-Sent Events: one
``data: {chat.completion.chunk}`` per event, then ``data: [DONE]``). Every error, an unknown
path or method included, is an OpenAI-shaped error body.

The body is read chunk by chunk and refused (413) once it passes ``max_body_bytes`` or when
its ``Content-Length`` says it will; the rest is read and dropped (up to
``DRAIN_FACTOR`` times the limit), not kept, so the client gets the 413 instead of a reset
connection. A large body is checked in a worker thread, so the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from codepercept import __version__
from codepercept.serve.backends import Backend
from codepercept.serve.faults import MALFORMED_BODY, NOCODE_REPLY, FaultSchedule
from codepercept.serve.protocol import (
    MAX_BODY_BYTES,
    ApiError,
    ChatRequest,
    chunk_events,
    completion_body,
    error_body,
    model_card,
    models_body,
    parse_chat_request,
    truncate_tokens,
)

__all__ = ["DRAIN_FACTOR", "ServeState", "build_app", "read_body"]

log = logging.getLogger(__name__)

#: A refused body is read (and dropped) up to this many times the limit, then the connection
#: is closed.
DRAIN_FACTOR = 4
#: Bodies larger than this are checked in a worker thread.
THREAD_PARSE_BYTES = 256 * 1024
#: How often a request of the ``timeout`` fault looks whether the server is stopping.
POLL_S = 0.05


@dataclass
class ServeState:
    """What the server tells the app: ``stopping`` once a shutdown began."""

    stopping: bool = False


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def _sse(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj, ensure_ascii=False).encode() + b"\n\n"


_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_DONE = b"data: [DONE]\n\n"


class _Truncated:
    """A 200 reply cut short: the headers promise ``body`` (its ``Content-Length``, or a
    chunked stream), ``sent`` bytes of it go out, then the connection is dropped (returning
    without finishing the response makes the server close it)."""

    def __init__(self, body: bytes, sent: bytes, media_type: str, length: bool) -> None:
        self.headers = [(b"content-type", media_type.encode())]
        if length:
            self.headers.append((b"content-length", str(len(body)).encode()))
        self.sent = sent

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.sent, "more_body": True})


async def read_body(
    request: Request, limit: int, hint: str = "send smaller or fewer images"
) -> bytes:
    """The body, or a 413 :class:`ApiError` (its message ending in ``hint``) once it is over
    ``limit`` bytes; what follows is drained as the module docstring says."""
    too_big = False
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_big = int(declared) > limit
        except ValueError:
            raise ApiError(400, f"Content-Length {declared!r} is not a number") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_big = True
        if too_big:
            chunks.clear()
            if size > DRAIN_FACTOR * limit:
                break
            continue
        chunks.append(chunk)
    if too_big:
        drained = size <= DRAIN_FACTOR * limit
        raise ApiError(
            413,
            f"the request body is over {limit} bytes ({limit / 2**20:g} MiB); {hint}",
            code="request_too_large",
            headers=None if drained else {"Connection": "close"},
        )
    return b"".join(chunks)


def build_app(
    backend: Backend,
    *,
    model_name: str | None = None,
    latency_ms: float = 0.0,
    fault: str | None = None,
    fault_rate: float = 1.0,
    max_body_bytes: int = MAX_BODY_BYTES,
    state: ServeState | None = None,
) -> Starlette:
    """The ASGI app serving ``backend`` as ``model_name`` (default: the backend's).

    ``latency_ms``: every completion waits this long before it is answered (without blocking
    the loop); ``fault``/``fault_rate``: see :mod:`codepercept.serve.faults`."""
    name = model_name or backend.model_name
    created = int(time.time())
    schedule = FaultSchedule(fault, fault_rate)
    state = state or ServeState()
    fingerprint = f"codepercept-{__version__}"
    latency_s = max(0.0, latency_ms) / 1000.0

    async def health(request: Request) -> Response:
        status = "stopping" if state.stopping else "ok"
        return JSONResponse(
            {"status": status, "model": name, "backend": backend.name, "requests": schedule.count}
        )

    async def models(request: Request) -> Response:
        return JSONResponse(models_body(name, created))

    async def model(request: Request) -> Response:
        asked = request.path_params["model"]
        if asked != name:
            raise ApiError(
                404, f"the model {asked!r} does not exist; this server serves {name!r}",
                param="model", code="model_not_found",
            )  # fmt: skip
        return JSONResponse(model_card(name, created))

    async def chat(request: Request) -> Response:
        try:
            body = await read_body(request, max_body_bytes)
        except ClientDisconnect:
            return Response(status_code=499)  # nobody is listening
        if len(body) > THREAD_PARSE_BYTES:
            req = await anyio.to_thread.run_sync(parse_chat_request, body, name)
        else:
            req = parse_chat_request(body, name)
        faulted = schedule.next()
        number = schedule.count
        if faulted == "500":
            raise ApiError(
                500, "the server had an error while processing your request (fault 500)",
                type="server_error",
            )  # fmt: skip
        if faulted == "429":
            raise ApiError(
                429, "rate limit reached; retry after 1 s (fault 429)", type="requests",
                code="rate_limit_exceeded", headers={"Retry-After": "1"},
            )  # fmt: skip
        if faulted == "timeout":
            while not state.stopping:
                await asyncio.sleep(POLL_S)
            raise ApiError(503, "the server is shutting down", type="server_error")
        if latency_s:
            await asyncio.sleep(latency_s)
        if faulted == "malformed":
            if req.stream:
                body = b"data: " + MALFORMED_BODY + b"\n\n" + _DONE
                return Response(body, media_type="text/event-stream", headers=_SSE_HEADERS)
            return Response(MALFORMED_BODY, media_type="application/json")
        if faulted == "nocode":
            texts = [NOCODE_REPLY] * req.n
        elif faulted == "empty":
            texts = [""] * req.n
        else:
            texts = await _generate(backend, req)
        return _reply(req, texts, name, fingerprint, number, truncated=faulted == "truncated")

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/models/{model:path}", model, methods=["GET"]),
        Route("/v1/chat/completions", chat, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    app.state.serve = state
    return app


async def _generate(backend: Backend, req: ChatRequest) -> list[str]:
    try:
        texts = await backend.generate(req)
    except ApiError:
        raise
    except Exception as exc:
        log.exception("backend %s failed", backend.name)
        raise ApiError(
            500, f"the backend failed: {type(exc).__name__}: {exc}", type="server_error"
        ) from None
    if len(texts) != req.n or not all(isinstance(t, str) for t in texts):
        raise ApiError(
            500, f"the backend gave {len(texts)} replies for n={req.n}", type="server_error"
        )
    return texts


def _reply(
    req: ChatRequest, texts: list[str], name: str, fingerprint: str, number: int, truncated: bool
) -> Response:
    cut = [truncate_tokens(t, req.max_tokens) for t in texts]
    texts = [t for t, _ in cut]
    finish = ["length" if was_cut else "stop" for _, was_cut in cut]
    cid = "chatcmpl-" + hashlib.sha256(f"{req.key}:{number}".encode()).hexdigest()[:24]
    created = int(time.time())
    if req.stream:
        events = chunk_events(cid, name, texts, finish, req.prompt_tokens, fingerprint,
                              include_usage=req.include_usage, created=created)  # fmt: skip
        if truncated:  # the role chunk and the first content chunk, then the connection drops
            return _Truncated(b"", b"".join(_sse(e) for e in events[:2]), "text/event-stream",
                              length=False)  # type: ignore[return-value]  # fmt: skip

        async def stream() -> AsyncIterator[bytes]:
            for event in events:
                yield _sse(event)
            yield _DONE

        return StreamingResponse(stream(), media_type="text/event-stream", headers=_SSE_HEADERS)
    body = completion_body(cid, name, texts, finish, req.prompt_tokens, fingerprint, created)
    if truncated:
        raw = json.dumps(body, ensure_ascii=False).encode()
        return _Truncated(raw, raw[: len(raw) // 2], "application/json", length=True)  # type: ignore[return-value]
    return JSONResponse(body)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message, code = f"no route {request.url.path}; see GET /v1/models", "not_found"
    elif exc.status_code == 405:
        message, code = (
            f"{request.method} is not allowed on {request.url.path}",
            "method_not_allowed",
        )
    else:
        message, code = str(exc.detail), None
    return JSONResponse(
        error_body(message, code=code), status_code=exc.status_code, headers=exc.headers
    )


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s", request.url.path, exc_info=exc)
    return JSONResponse(
        error_body(f"internal error: {type(exc).__name__}", type="server_error"), status_code=500
    )
