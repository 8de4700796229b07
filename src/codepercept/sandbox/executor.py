"""Executor: run untrusted matplotlib programs, each in a fresh hardened process.

>>> with Executor(workers=2, dpi=100, timeout_s=10) as ex:      # doctest: +SKIP
...     res = ex.run("import matplotlib.pyplot as plt\\nplt.plot([1, 2])\\nplt.show()")
...     res.status, len(res.images), res.scene.summary()["counts"]
('ok', 1, {'line': 1})

One zygote process per executor (started lazily, restarted if it dies) forks a child per
program; the parent enforces the wall-clock deadline and kills the child's whole process group.
The executor is thread-safe: ``run`` may be called from many threads; at most ``workers``
programs are in flight at once.

With ``reuse=N`` (> 1) a forked child is a hardened *worker* that runs up to N programs in turn
(reset between them) before a fresh one replaces it; any run that ends in a timeout, crash,
kill or sandbox refusal retires its worker at once. This saves the per-program fork (about a
fifth of a small figure's cost) and gives the same bytes for well-behaved programs, but a
program could leave state that changes a later program's result, so use it only for programs
you trust, such as codepercept's own generators.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from codepercept import _jsonbound
from codepercept.sandbox.probes import resolve as resolve_probe
from codepercept.sandbox.protocol import (
    WORKER_HEADER,
    ProtocolError,
    decode_result,
    png_size,
    recv_message,
    send_message,
    worker_frame_length,
)
from codepercept.sandbox.result import STATUSES, ExecResult
from codepercept.scene.model import Scene

log = logging.getLogger(__name__)

#: Environment variables the zygote (and so every child) may inherit. Everything else — API
#: keys, tokens, credentials — stays in the caller.
_ENV_ALLOW = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TZ",
    "MPLCONFIGDIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "CODEPERCEPT_PRELOAD",
)
_TAIL_BYTES = 8 * 1024


class SandboxUnavailable(RuntimeError):
    """The zygote could not be started (see the message for its stderr)."""


@dataclass
class _Pending:
    id: int
    forked: threading.Event = field(default_factory=threading.Event)
    exited: threading.Event = field(default_factory=threading.Event)
    pid: int | None = None
    wait_status: int | None = None
    error: str | None = None
    more: bool = False  # a worker's last result said it takes another program


@dataclass
class _Worker:
    """A reusable child (``reuse > 1``): its zygote request, private directory and pipes."""

    zyg: _Zygote
    pending: _Pending
    workdir: str
    req_w: int  # one byte per program to run
    res_r: int
    out_r: int
    err_r: int
    runs: int = 0

    def usable(self, zyg: _Zygote | None) -> bool:
        return self.zyg is zyg and self.zyg.alive and not self.pending.exited.is_set()


_GONE = "the sandbox worker was gone before it took the program"

#: Statuses after which a worker is known to be in a clean state and may run another program.
_REUSABLE = frozenset({"ok", "no_figure", "syntax_error", "runtime_error"})


class _Zygote:
    def __init__(self, env: dict[str, str], start_timeout_s: float) -> None:
        parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = parent_sock
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the zygote
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "codepercept.sandbox.zygote", str(child_sock.fileno())],
                pass_fds=[child_sock.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                env=env,
                close_fds=True,
            )
        finally:
            child_sock.close()
        self.pending: dict[int, _Pending] = {}
        self.send_lock = threading.Lock()
        self.alive = True
        self.sock.settimeout(start_timeout_s)
        try:
            msg, _ = recv_message(self.sock)
        except (TimeoutError, OSError, ProtocolError) as exc:
            self.kill()
            raise SandboxUnavailable(
                f"sandbox zygote did not start: {exc}; {self._err()}"
            ) from None
        if not msg or msg.get("type") != "ready":
            self.kill()
            raise SandboxUnavailable(f"sandbox zygote failed to start: {self._err()}")
        self.sock.settimeout(None)
        self.isolation: dict[str, Any] = msg.get("isolation", {})
        self.pid = int(msg.get("pid", self.proc.pid))
        self.reader = threading.Thread(target=self._read_loop, name="zygote-reader", daemon=True)
        self.reader.start()

    def _err(self) -> str:
        try:
            self._stderr.seek(0)
            tail = self._stderr.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            tail = ""
        return f"zygote stderr: {tail}" if tail else "zygote printed nothing"

    def _read_loop(self) -> None:
        while True:
            try:
                msg, _ = recv_message(self.sock)
            except (OSError, ProtocolError):
                msg = None
            if msg is None:
                break
            p = self.pending.get(msg.get("id"))  # type: ignore[arg-type]
            if p is None:
                continue
            kind = msg.get("type")
            if kind == "forked":
                p.pid = int(msg["pid"])
                p.forked.set()
            elif kind == "exit":
                p.wait_status = int(msg["status"])
                p.exited.set()
                p.forked.set()
            elif kind == "error":
                p.error = str(msg.get("message"))
                p.forked.set()
                p.exited.set()
        self.alive = False
        for p in list(self.pending.values()):
            if p.error is None and not p.exited.is_set():
                p.error = "sandbox zygote died"
            p.forked.set()
            p.exited.set()

    def submit(self, p: _Pending, request: dict[str, Any], fds: list[int]) -> None:
        self.pending[p.id] = p
        with self.send_lock:
            send_message(self.sock, request, fds)

    def kill(self) -> None:
        self.alive = False
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            self._stderr.close()


_WORKDIR = re.compile(r"cp-(?:run|worker)-(\d+)-")


def sweep_stale_workdirs(root: str | None = None) -> int:
    """Remove the private directories (``cp-run-PID-*``, ``cp-worker-PID-*`` under ``root``,
    default the system temp dir) left by executors whose process PID no longer exists (one
    killed with SIGKILL cannot clean up after itself). Returns how many were removed."""
    root = root or tempfile.gettempdir()
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            m = _WORKDIR.match(entry.name)
            if m is None or not entry.is_dir(follow_symlinks=False):
                continue
            try:
                os.kill(int(m.group(1)), 0)
                continue  # its executor's process is alive (or owned by another user)
            except ProcessLookupError:
                pass
            except (PermissionError, OverflowError):
                continue
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += not os.path.exists(entry.path)
    return removed


class Executor:
    """Run matplotlib programs in hardened, single-use processes forked from a warm zygote.

    Args:
        workers: programs in flight at once (``map`` uses this many threads).
        dpi: rendering resolution for every captured figure.
        timeout_s: wall-clock limit per program, from fork to result (also the CPU-time limit).
        memory_mb: address space a child may add to what it inherited from the zygote.
        max_pixels: largest figure (width x height in pixels at ``dpi``) that is rendered;
            larger ones give ``output_too_large`` instead of a giant canvas.
        max_figures: figures a program may create.
        max_output_mb: largest result (PNG + scene) accepted back from a child.
        max_stream_mb: stdout+stderr a program may print before it is stopped.
        fsize_mb: largest file a program may write inside its private directory.
        workdir_root: where the per-run private directories are made (default: the system
            temp dir). Directories left there by a killed executor are removed when the next
            one starts (:func:`sweep_stale_workdirs`).
        probes: render probes to run in the child on every captured figure (built-in short
            names such as ``"screen"``, or ``"module:factory"``; see
            :mod:`codepercept.sandbox.probes`); their outputs land in ``ExecResult.probes``.
        reuse: programs one hardened child may run in turn (1: a fresh process for every
            program, the default). Larger values are for trusted programs only (see above).
        png: ``"savefig"`` (default): every image is byte-identical to what
            ``savefig(format="png", dpi=dpi)`` writes in-process; ``"fast"``: the same pixels,
            encoded more cheaply (opaque figures as RGB, zlib's run-length strategy: about half
            the encoding time, slightly smaller files) — for data engines writing millions.
    """

    def __init__(
        self,
        workers: int = 2,
        dpi: float = 100,
        timeout_s: float = 30.0,
        memory_mb: int = 2048,
        max_pixels: int = 25_000_000,
        max_figures: int = 20,
        max_output_mb: int = 64,
        max_stream_mb: int = 16,
        fsize_mb: int = 64,
        workdir_root: str | None = None,
        start_timeout_s: float = 120.0,
        probes: Sequence[str] = (),
        reuse: int = 1,
        png: str = "savefig",
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        if reuse < 1:
            raise ValueError("reuse must be >= 1")
        if timeout_s <= 0:
            raise ValueError("timeout_s must be > 0")
        if png not in ("savefig", "fast"):
            raise ValueError(f"png must be 'savefig' or 'fast', not {png!r}")
        self.workers = workers
        self.dpi = float(dpi)
        self.timeout_s = float(timeout_s)
        self.memory_mb = int(memory_mb)
        self.max_pixels = int(max_pixels)
        self.max_figures = int(max_figures)
        self.max_output_bytes = int(max_output_mb) * 1024 * 1024
        self.max_stream_bytes = int(max_stream_mb) * 1024 * 1024
        self.fsize_mb = int(fsize_mb)
        self.workdir_root = workdir_root
        self.start_timeout_s = start_timeout_s
        self.probes = {name: resolve_probe(name) for name in probes}
        self.reuse = int(reuse)
        self.png = png
        self._idle: list[_Worker] = []
        self._zygote: _Zygote | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(workers)
        self._ids = 0
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Executor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the zygote now (otherwise the first ``run`` does)."""
        self._get_zygote()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            if self._zygote is not None:
                self._zygote.kill()
                self._zygote = None
        for w in idle:
            self._retire(w)

    @property
    def isolation(self) -> dict[str, Any]:
        """Which hardening mechanisms the children run under (see docs/sandbox.md)."""
        return dict(self._get_zygote().isolation)

    def _get_zygote(self) -> _Zygote:
        with self._lock:
            if self._closed:
                raise RuntimeError("this Executor is closed")
            if self._zygote is None or not self._zygote.alive:
                if self._zygote is not None:
                    log.warning("sandbox zygote died; starting a new one")
                    self._zygote.kill()
                env = {k: v for k, v in os.environ.items() if k in _ENV_ALLOW}
                env.update(
                    PYTHONHASHSEED="0",
                    PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
                    MPLBACKEND="Agg",
                    OPENBLAS_NUM_THREADS="1",
                    OMP_NUM_THREADS="1",
                    MKL_NUM_THREADS="1",
                    PYTHONDONTWRITEBYTECODE="1",
                    CODEPERCEPT_PROBES=",".join(self.probes.values()),
                )
                env.setdefault("PATH", "/usr/bin:/bin")
                if self._zygote is None:
                    sweep_stale_workdirs(self.workdir_root)
                self._zygote = _Zygote(env, self.start_timeout_s)
            return self._zygote

    # -- running ---------------------------------------------------------------------------------
    def map(
        self,
        codes: Iterable[str | bytes],
        progress: Callable[[int, ExecResult], None] | None = None,
    ) -> list[ExecResult]:
        """Run every program, ``workers`` at a time; one result per program, in input order.

        One program never costs the others: if running it raises (an executor bug, a closed
        executor, no disk for its directory), its result is ``crashed`` with the error as the
        message and the rest carry on. ``progress(index, result)`` is called (from worker
        threads) as each one finishes; an exception from ``progress`` is the caller's and is
        raised once every program has run.
        """
        codes = list(codes)
        results: list[ExecResult | None] = [None] * len(codes)

        def one(i: int) -> None:
            results[i] = res = self._run_guarded(codes[i])
            if progress is not None:
                progress(i, res)

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = [pool.submit(one, i) for i in range(len(codes))]
        for fut in futures:
            fut.result()  # re-raises only what ``progress`` raised
        assert all(r is not None for r in results)
        return results  # type: ignore[return-value]

    def _run_guarded(self, code: str | bytes) -> ExecResult:
        """``run``, with whatever it raises turned into a ``crashed`` result for that program."""
        t0 = time.perf_counter()
        try:
            return self.run(code)
        except Exception as exc:
            log.exception("sandbox run failed")
            res = ExecResult(
                "crashed", f"sandbox error: {_one_line(f'{type(exc).__name__}: {exc}')}"
            )
            res.wall_s = time.perf_counter() - t0
            return res

    def run(self, code: str | bytes) -> ExecResult:
        """Run one program and return what happened. Never raises for anything the program does."""
        t0 = time.perf_counter()
        if isinstance(code, bytes):
            try:
                code = code.decode("utf-8")
            except UnicodeDecodeError as exc:
                return ExecResult("syntax_error", f"source is not valid UTF-8: {exc}")
        try:
            source = code.encode("utf-8")
        except UnicodeEncodeError as exc:
            return ExecResult("syntax_error", f"source is not valid UTF-8: {exc}")
        with self._slots:
            res = self._run_one(source) if self.reuse == 1 else self._run_reused(source)
        res.wall_s = time.perf_counter() - t0
        return res

    def _request(self, kind: str, workdir: str) -> tuple[_Pending, dict[str, Any]]:
        with self._lock:
            self._ids += 1
            rid = self._ids
        request = {
            "type": kind,
            "id": rid,
            "workdir": workdir,
            "dpi": self.dpi,
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
            "max_pixels": self.max_pixels,
            "max_figures": self.max_figures,
            "fsize_mb": self.fsize_mb,
            "probes": list(self.probes.values()),
            "png": self.png,
        }
        if kind == "worker":
            request["max_runs"] = self.reuse
        return _Pending(rid), request

    def _run_one(self, source: bytes) -> ExecResult:
        workdir = tempfile.mkdtemp(prefix=f"cp-run-{os.getpid()}-", dir=self.workdir_root)
        pipes: list[int] = []
        try:
            with open(os.path.join(workdir, "program.py"), "wb") as fh:
                fh.write(source)
            r_res, w_res = os.pipe()
            r_out, w_out = os.pipe()
            r_err, w_err = os.pipe()
            pipes = [r_res, r_out, r_err]
            pending, request = self._request("run", workdir)
            rid = pending.id
            try:
                zyg = self._get_zygote()
                zyg.submit(pending, request, [w_res, w_out, w_err])
            except (OSError, SandboxUnavailable) as exc:
                return ExecResult("crashed", f"could not start the sandbox: {exc}")
            finally:
                for fd in (w_res, w_out, w_err):
                    os.close(fd)
            try:
                return self._collect(zyg, pending, r_res, r_out, r_err)[0]
            finally:
                zyg.pending.pop(rid, None)
        finally:
            for fd in pipes:
                with contextlib.suppress(OSError):
                    os.close(fd)
            shutil.rmtree(workdir, ignore_errors=True)

    # -- reusable workers (reuse > 1) ------------------------------------------------------------
    def _run_reused(self, source: bytes) -> ExecResult:
        for attempt in range(2):
            w = self._take_worker()
            if isinstance(w, ExecResult):
                return w
            try:
                _clear_dir(w.workdir)
                with open(os.path.join(w.workdir, "program.py"), "wb") as fh:
                    fh.write(source)
                os.write(w.req_w, b"R")
            except OSError as exc:  # the worker died while idle: one more try with a new one
                self._retire(w)
                if attempt:
                    return ExecResult("crashed", f"could not start the sandbox: {exc}")
                continue
            w.runs += 1
            w.pending.more = False
            res, complete = self._collect(w.zyg, w.pending, w.res_r, w.out_r, w.err_r, framed=True)
            if res.message == _GONE and not attempt:
                self._retire(w)
                continue  # it never saw the program: run it on a fresh worker
            if complete and w.pending.more and res.status in _REUSABLE and w.runs < self.reuse:
                with self._lock:
                    if not self._closed and w.usable(self._zygote):
                        self._idle.append(w)
                        return res
            self._retire(w)
            return res
        raise AssertionError("unreachable")  # pragma: no cover

    def _take_worker(self) -> _Worker | ExecResult:
        with self._lock:
            stale = []
            found = None
            while self._idle:
                w = self._idle.pop()
                if w.usable(self._zygote):
                    found = w
                    break
                stale.append(w)
        for w in stale:
            self._retire(w)
        return found if found is not None else self._spawn_worker()

    def _spawn_worker(self) -> _Worker | ExecResult:
        workdir = tempfile.mkdtemp(prefix=f"cp-worker-{os.getpid()}-", dir=self.workdir_root)
        r_res, w_res = os.pipe()
        r_out, w_out = os.pipe()
        r_err, w_err = os.pipe()
        r_req, w_req = os.pipe()
        for fd in (r_res, r_out, r_err):
            os.set_blocking(fd, False)
        pending, request = self._request("worker", workdir)
        try:
            zyg = self._get_zygote()
            zyg.submit(pending, request, [w_res, w_out, w_err, r_req])
        except (OSError, SandboxUnavailable) as exc:
            for fd in (r_res, r_out, r_err, w_req):
                os.close(fd)
            shutil.rmtree(workdir, ignore_errors=True)
            return ExecResult("crashed", f"could not start the sandbox: {exc}")
        finally:
            for fd in (w_res, w_out, w_err, r_req):
                os.close(fd)
        w = _Worker(zyg, pending, workdir, w_req, r_res, r_out, r_err)
        if not pending.forked.wait(timeout=max(self.timeout_s, 10.0)) or pending.pid is None:
            self._retire(w)
            return ExecResult("crashed", pending.error or "the sandbox did not start a worker")
        return w

    def _retire(self, w: _Worker) -> None:
        """Stop a worker (it exits at EOF on its request pipe; killed if it was busy) and
        release its pipes and directory."""
        with contextlib.suppress(OSError):
            os.close(w.req_w)
        if not w.pending.exited.is_set():
            self._kill(w.pending)
        for fd in (w.res_r, w.out_r, w.err_r):
            with contextlib.suppress(OSError):
                os.close(fd)
        w.zyg.pending.pop(w.pending.id, None)
        shutil.rmtree(w.workdir, ignore_errors=True)

    def _collect(
        self,
        zyg: _Zygote,
        p: _Pending,
        r_res: int,
        r_out: int,
        r_err: int,
        framed: bool = False,
    ) -> tuple[ExecResult, bool]:
        """The program's result, read until the child exits (or, ``framed``, from a worker:
        until its header and whole frame arrived, see :func:`~protocol.worker_frame`, plus what
        it printed before); the bool says whether a whole framed result arrived."""
        deadline = time.monotonic() + self.timeout_s
        if not p.forked.wait(timeout=max(self.timeout_s, 10.0)) or p.pid is None:
            return ExecResult("crashed", p.error or "the sandbox did not start the program"), False
        bufs = {r_res: bytearray(), r_out: bytearray(), r_err: bytearray()}
        frame_len: int | None = None
        stream_total = 0
        killed_for: tuple[str, str] | None = None
        sel = selectors.DefaultSelector()
        for fd in bufs:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        open_fds = set(bufs)
        try:
            while open_fds or not p.exited.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    killed_for = (
                        "timeout",
                        f"program did not finish within {self.timeout_s:g} s; killed",
                    )
                    break
                if not open_fds:
                    p.exited.wait(min(remaining, 0.05))
                    continue
                for key, _ in sel.select(timeout=min(remaining, 0.25)):
                    fd = key.fd
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        sel.unregister(fd)
                        open_fds.discard(fd)
                        continue
                    buf = bufs[fd]
                    buf += chunk
                    if fd == r_res:
                        if framed and frame_len is None and len(buf) >= WORKER_HEADER:
                            try:
                                frame_len = worker_frame_length(buf)
                            except ProtocolError as exc:
                                killed_for = ("crashed", str(exc))
                                break
                        if len(buf) > self.max_output_bytes + WORKER_HEADER or (
                            frame_len is not None and frame_len > self.max_output_bytes
                        ):
                            killed_for = (
                                "output_too_large",
                                f"result larger than {self.max_output_bytes >> 20} MB",
                            )
                    else:
                        stream_total += len(chunk)
                        if len(buf) > 2 * _TAIL_BYTES:
                            del buf[: len(buf) - _TAIL_BYTES]
                        if stream_total > self.max_stream_bytes:
                            killed_for = (
                                "output_too_large",
                                f"program printed more than {self.max_stream_bytes >> 20} MB",
                            )
                if killed_for:
                    break
                if frame_len is not None and len(bufs[r_res]) >= WORKER_HEADER + frame_len:
                    break  # a worker's whole frame: it now waits for the next program
        finally:
            sel.close()
        if killed_for:
            self._kill(p)
            p.exited.wait(timeout=5)
        complete = frame_len is not None and len(bufs[r_res]) == WORKER_HEADER + frame_len
        if complete:  # what the program printed is in the pipes before its frame
            for fd in (r_out, r_err):
                with contextlib.suppress(BlockingIOError, OSError):
                    while chunk := os.read(fd, 1 << 16):
                        bufs[fd] += chunk
                        del bufs[fd][: max(0, len(bufs[fd]) - 2 * _TAIL_BYTES)]
        stdout = _tail(bufs[r_out])
        stderr = _tail(bufs[r_err])
        if killed_for:
            return ExecResult(*killed_for, stdout=stdout, stderr=stderr), False
        frame = bytes(bufs[r_res])
        if framed:
            if not frame:  # the worker died before it took the program (killed while idle)
                return ExecResult("crashed", _GONE), False
            frame = frame[WORKER_HEADER:] if complete else b""
        return self._interpret(p, frame, stdout, stderr), complete

    def _kill(self, p: _Pending) -> None:
        if p.pid is None or p.exited.is_set():
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(p.pid, signal.SIGKILL)

    def _interpret(self, p: _Pending, frame: bytes, stdout: str, stderr: str) -> ExecResult:
        """The ExecResult a child's frame describes. The frame was written by the process that
        ran the program, so it may be anything: whatever it holds, this returns a result
        (``crashed`` for a malformed one) and raises nothing."""
        try:
            if not frame:
                return ExecResult(*_death_status(p.wait_status, p.error), stdout=stdout,
                                  stderr=stderr)  # fmt: skip
            return self._parse_frame(p, frame, stdout, stderr)
        except Exception as exc:  # ProtocolError, a Scene's ValueError, or anything else
            return ExecResult("crashed", f"malformed result from the sandbox: {_one_line(exc)}",
                              stdout=stdout, stderr=stderr)  # fmt: skip

    def _parse_frame(self, p: _Pending, frame: bytes, stdout: str, stderr: str) -> ExecResult:
        header, scene_json, images, blobs = decode_result(frame, max_images=self.max_figures)
        p.more = header.get("more") is True
        status = header.get("status")
        if type(status) is not str or status not in STATUSES:
            raise ProtocolError("unknown status")
        for img in images:
            w, h = png_size(img)
            if w * h > self.max_pixels * 1.05 + 1e6:  # tight bbox may grow a little
                raise ProtocolError(f"image of {w}x{h} pixels exceeds the limit")
        ok = status == "ok"
        scene = Scene.from_json(scene_json) if scene_json and ok else None
        probes = self._probe_outputs(header.get("probes"), blobs, len(images)) if ok else {}
        return ExecResult(
            status=status,
            message=_one_line(header.get("message", "")),
            images=images if ok else [],
            scene=scene,
            scene_json=scene_json if scene is not None else b"",
            stdout=stdout,
            stderr=stderr,
            timings=_timings(header.get("timings")),
            probes=probes,
        )

    def _probe_outputs(
        self, raw: Any, blobs: list[bytes], n_images: int
    ) -> dict[str, list[dict[str, Any]]]:
        """``{name: [per figure: {"data", "blobs"} or {"error"}]}`` from the header, checked."""
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ProtocolError("probe results are not an object")
        out: dict[str, list[dict[str, Any]]] = {}
        for name, spec in self.probes.items():
            entries = raw.get(spec)
            if entries is None:
                continue
            if not isinstance(entries, list) or len(entries) > n_images:
                raise ProtocolError(f"probe {name!r} returned a malformed result")
            got: list[dict[str, Any]] = []
            for e in entries:
                if not isinstance(e, dict):
                    raise ProtocolError(f"probe {name!r} returned a malformed entry")
                if "error" in e:
                    got.append({"error": _one_line(e["error"])})
                    continue
                idx = e.get("blobs", [])
                if not isinstance(idx, list) or not all(
                    type(i) is int and 0 <= i < len(blobs) for i in idx
                ):
                    raise ProtocolError(f"probe {name!r} names blobs that are not there")
                data = e.get("data")
                if not _jsonbound.finite(data):  # a program could forge it: plain data only
                    got.append({"error": "probe data is not plain JSON with finite numbers"})
                    continue
                got.append({"data": data, "blobs": [blobs[i] for i in idx]})
            out[name] = got
        return out


def _clear_dir(path: str) -> None:
    """Remove everything a previous program left in a worker's directory."""
    with os.scandir(path) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


#: Characters that may not stay in a one-line message: C0 controls and DEL (the line breaks and
#: tabs among them become spaces through ``str.split``).
_CONTROL = dict.fromkeys([*range(32), 127])
_MAX_TIMINGS = 64


def _one_line(value: Any, limit: int = 500) -> str:
    """A message from the sandbox as one printable line of at most ``limit`` characters,
    whatever ``value`` is (a hostile frame may put anything where a message belongs)."""
    if isinstance(value, BaseException):
        text = str(value)
    elif isinstance(value, str):
        text = value
    elif value is None or type(value) in (int, float, bool):
        text = repr(value) if type(value) is not int or abs(value) < 10**30 else "a huge number"
    else:
        text = f"<{type(value).__name__}>"
    text = " ".join(text[: 4 * limit].split()).translate(_CONTROL)
    text = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates
    return text[:limit]


def _timings(raw: Any) -> dict[str, float]:
    """The child's timings, kept only as finite, non-negative floats under short names."""
    if type(raw) is not dict:
        return {}
    out: dict[str, float] = {}
    for k, v in list(raw.items())[:_MAX_TIMINGS]:
        if type(k) is str and len(k) <= 64 and type(v) in (int, float):
            try:
                f = float(v)
            except OverflowError:  # an int of 400 digits
                continue
            if math.isfinite(f) and f >= 0:
                out[k] = f
    return out


def _tail(buf: bytearray) -> str:
    return bytes(buf[-_TAIL_BYTES:]).decode("utf-8", "replace")


def _death_status(wait_status: int | None, error: str | None) -> tuple[str, str]:
    """Status and message for a child that died without writing a result."""
    if error:
        return "crashed", error
    if wait_status is None:
        return "crashed", "program ended without a result"
    if os.WIFSIGNALED(wait_status):
        sig = os.WTERMSIG(wait_status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        if sig == signal.SIGXCPU:
            return "timeout", "program exceeded its CPU-time limit (SIGXCPU)"
        if sig == signal.SIGXFSZ:
            return "output_too_large", "program wrote a file larger than the limit (SIGXFSZ)"
        return "crashed", f"program was killed by {name}"
    return "crashed", f"program exited with code {os.WEXITSTATUS(wait_status)} without a result"
