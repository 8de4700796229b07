"""A real OpenAI-compatible chat server on 127.0.0.1 for tests (no mocks).

``serve_chat(handler)`` runs ``POST /v1/chat/completions`` in a thread and yields the base URL;
``handler(request_json)`` returns the reply text, ``(status, body_dict, headers)`` to answer
with an error, or a :class:`Raw` reply (any bytes, e.g. a body cut short of its declared
``Content-Length`` as a dropped connection leaves it). ``server.requests`` lists every request
body received; ``server.gets`` every GET path.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[dict[str, Any]], Any]


@dataclass
class Raw:
    """A reply sent byte for byte; ``declared_length`` (default: the body's) larger than the
    body gives a truncated reply (the connection is closed after the bytes)."""

    body: bytes
    status: int = 200
    declared_length: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # socketserver's 5 would make 64 concurrent clients queue in SYN

    def __init__(self, handler: Handler, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _RequestHandler)
        self.handler = handler
        self.requests: list[dict[str, Any]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.gets: list[str] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _RequestHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.gets.append(self.path)
        if self.path.rstrip("/") == "/v1/models":
            self._send(200, {"object": "list", "data": [{"id": "test", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        with self.server.lock:
            self.server.requests.append(body)
            self.server.headers_seen.append(dict(self.headers))
            self.server.in_flight += 1
            self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
        try:
            out = self.server.handler(body)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1
        if isinstance(out, Raw):
            self.send_response(out.status)
            self.send_header("Content-Type", "application/json")
            declared = len(out.body) if out.declared_length is None else out.declared_length
            self.send_header("Content-Length", str(declared))
            for k, v in out.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(out.body)
            self.wfile.flush()
            self.close_connection = True
            return
        if isinstance(out, tuple):
            status, payload, headers = (*out, {})[:3] if len(out) == 2 else out
            self._send(status, payload, headers)
            return
        self._send(
            200,
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": out},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )

    def _send(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (killed, or it timed out): nobody to answer


@contextmanager
def serve_chat(handler: Handler, port: int = 0) -> Iterator[ChatServer]:
    """Serve ``handler`` on 127.0.0.1 (``port`` 0: any free port) until the block ends."""
    server = ChatServer(handler, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
