"""Helpers for tests of ``codepercept serve``: real server processes on 127.0.0.1 (no mocks).

``Served(args)`` starts ``python -m codepercept.cli serve ARGS --port 0`` at once; ``.url``
waits for its one ready line (``serving BACKEND as MODEL at URL``) and returns the URL, so
several servers start side by side. Every server a fixture starts is stopped in its
finalizer (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import base64
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

SRC = Path(__file__).resolve().parents[2] / "src"
FAST = ["bar_chart", "line_chart"]


class Served:
    """One ``codepercept serve`` subprocess (or another command that prints the same kind of
    ready line, ``serving ... URL``, e.g. ``command="reward-server"``)."""

    def __init__(
        self,
        *args: str,
        command: str = "serve",
        cwd: str | Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.args = list(args)
        self.command = command
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        env = {**os.environ, **(env or {}), "PYTHONPATH": str(SRC)}
        env.pop("CODEPERCEPT_DEBUG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "codepercept.cli", command, *args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            cwd=cwd,
        )
        self.line = ""
        self._url: str | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The URL of the ready line (``serve``: ``http://127.0.0.1:PORT/v1``), once the server
        is ready."""
        with self._lock:
            if self._url is None:
                ready, _, _ = select.select([self.proc.stdout], [], [], 60)
                line = self.proc.stdout.readline().decode() if ready else ""  # type: ignore[union-attr]
                if not line.startswith("serving "):
                    err = self.err()
                    self.stop()
                    raise RuntimeError(
                        f"{self.command} {self.args} did not start: {line!r} {err!r}"
                    )
                self.line = line
                self._url = line.split()[-1]
            return self._url

    @property
    def root(self) -> str:
        return self.url.removesuffix("/v1")

    def err(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()


def stop_all(servers: list[Served]) -> None:
    """Stop every server, side by side (each shutdown takes a few tenths of a second)."""
    for s in servers:
        if s.proc.poll() is None:
            s.proc.send_signal(signal.SIGTERM)
    for s in servers:
        s.stop()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_local = threading.local()


def http() -> httpx.Client:
    """This thread's keep-alive client (a new ``httpx.Client`` loads its TLS context: 30 ms,
    which a hundred requests would pay again and again)."""
    if not hasattr(_local, "client"):
        _local.client = httpx.Client(timeout=30)
    return _local.client


def chat(url: str, payload: dict[str, Any], timeout: float = 30) -> httpx.Response:
    return http().post(f"{url}/chat/completions", json=payload, timeout=timeout)


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.02)
