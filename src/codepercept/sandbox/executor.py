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

import asyncio
import collections
import contextlib
import io
import json
import logging
import math
import os
import re
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from codepercept import _jsonbound
from codepercept._fs import clear_dir
from codepercept.sandbox.probes import resolve as resolve_probe
from codepercept.sandbox.protocol import (
    MAX_SAVED_NAME,
    MAX_SAVED_NAMES,
    VIOLATION_MARK,
    WORKER_HEADER,
    ProtocolError,
    decode_result,
    pack_program,
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
    # set on some hosts because older OpenBLAS builds pick a wrong kernel there; numpy in the
    # sandbox must make the same choice as the caller's
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
)
_TAIL_BYTES = 8 * 1024
#: Isolation layers a caller may leave out (``Executor(disable=...)``).
LAYERS = (
    "network_namespace",
    "private_root",
    "pid_namespace",
    "cgroup",
    "uid",
    "landlock",
    "seccomp",
)
#: How the zygote starts: isolated mode (no cwd, user site or PYTHON* variables), with exactly
#: the caller's import path, so it imports the same codepercept the caller did.
#: Its settings arrive as the first message on the socket, not in argv, so /proc/self/cmdline
#: (which every child inherits) names no path of the caller's.
_BOOT = (
    "import json, socket, sys; c = socket.socket(fileno=int(sys.argv[1])); "
    "s = json.loads(c.recv(1 << 20)); sys.path[:] = s['sys_path']; "
    "from codepercept.sandbox.zygote import main; sys.exit(main(c, s))"
)


class SandboxUnavailable(RuntimeError):
    """The zygote could not be started (see the message for its stderr)."""


class _Signal(threading.Event):
    """A ``threading.Event`` that asyncio code can also wait on: the zygote's reader thread
    sets it as before, and each waiting event loop is woken through ``call_soon_threadsafe``
    (no thread blocks for an async waiter)."""

    def __init__(self) -> None:
        super().__init__()
        self._callbacks: list[Callable[[], None]] = []
        self._cb_lock = threading.Lock()

    def set(self) -> None:
        super().set()
        with self._cb_lock:
            callbacks, self._callbacks = self._callbacks, []
        for cb in callbacks:
            cb()

    def when_set(self, cb: Callable[[], None]) -> None:
        """Call ``cb()`` once the event is set: now, if it is, or from the thread that sets it
        (so ``cb`` must be quick and thread-safe)."""
        with self._cb_lock:
            if not self.is_set():
                self._callbacks.append(cb)
                return
        cb()

    async def wait_async(self, timeout: float) -> bool:
        """Like ``wait(timeout)``, on the running event loop."""
        if self.is_set():
            return True
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        self.when_set(lambda: _call_threadsafe(loop, _resolve, fut))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fut, max(timeout, 0.0))
        return self.is_set()


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


def _call_threadsafe(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> bool:
    """``loop.call_soon_threadsafe(fn, *args)``; False if the loop is closed."""
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:
        return False
    return True


class _Slots:
    """At most ``n`` programs in flight, shared by threads (``with slots:``, blocking) and by
    tasks of any number of event loops (``await slots.acquire_async()``), served in arrival
    order. A freed slot is handed straight to the next waiter."""

    def __init__(self, n: int) -> None:
        self._lock = threading.Lock()
        self._free = n
        self._waiters: collections.deque[Any] = collections.deque()

    def __enter__(self) -> None:
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return
            ev = threading.Event()
            self._waiters.append(ev)
        ev.wait()  # set by release(): the slot is ours

    def __exit__(self, *exc: object) -> None:
        self.release()

    async def acquire_async(self) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return
            fut: asyncio.Future[None] = loop.create_future()
            waiter = (loop, fut)
            self._waiters.append(waiter)
        try:
            await fut
        except asyncio.CancelledError:
            with self._lock:
                if waiter in self._waiters:  # never got a slot
                    self._waiters.remove(waiter)
                    raise
            if fut.done() and not fut.cancelled():
                self.release()  # handed a slot as we were cancelled: pass it on
            raise  # (a slot in transit to a cancelled future is passed on by _grant)

    def release(self) -> None:
        with self._lock:
            while self._waiters:
                w = self._waiters.popleft()
                if isinstance(w, threading.Event):
                    w.set()
                    return
                loop, fut = w
                if _call_threadsafe(loop, self._grant, fut):
                    return
            self._free += 1

    def _grant(self, fut: asyncio.Future[None]) -> None:
        if fut.done():  # its task was cancelled meanwhile
            self.release()
        else:
            fut.set_result(None)


@dataclass
class _Pending:
    id: int
    forked: threading.Event = field(default_factory=_Signal)
    exited: threading.Event = field(default_factory=_Signal)
    pid: int | None = None
    wait_status: int | None = None
    error: str | None = None
    more: bool = False  # a worker's last result said it takes another program
    oom: bool = False  # the slot's cgroup OOM-killed a process while it ran


@dataclass
class _Worker:
    """A reusable child (``reuse > 1``): its zygote request, private directory and pipes."""

    zyg: _Zygote
    pending: _Pending
    workdir: str | None  # a host scratch directory (only without a private root)
    slot: int
    req_w: int  # u32 length | source, per program
    res_r: int
    out_r: int
    err_r: int
    runs: int = 0

    def usable(self, zyg: _Zygote | None) -> bool:
        return self.zyg is zyg and self.zyg.alive and not self.pending.exited.is_set()


@dataclass(frozen=True)
class _Limits:
    """One run's limits (the executor's unless the caller lowered them)."""

    timeout_s: float
    memory_mb: int


@dataclass
class _Run:
    """A fresh-process run: its slot, host directory (only without a private root), read
    ends and request."""

    slot: int
    workdir: str | None = None
    fds: list[int] = field(default_factory=list)  # result, stdout, stderr
    pending: _Pending | None = None
    zyg: _Zygote | None = None


_GONE = "the sandbox worker was gone before it took the program"

#: Statuses after which a worker is known to be in a clean state and may run another program.
_REUSABLE = frozenset({"ok", "no_figure", "syntax_error", "runtime_error"})


class _Zygote:
    def __init__(
        self, env: dict[str, str], start_timeout_s: float, settings: dict[str, Any]
    ) -> None:
        parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = parent_sock
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the zygote
        settings = {**settings, "sys_path": [p for p in sys.path if p and os.path.isabs(p)]}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, str(child_sock.fileno())],
                pass_fds=[child_sock.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                env=env,
                cwd="/",
                close_fds=True,
                # Its own process group: a terminal's Ctrl-C (SIGINT to the foreground group)
                # is the caller's to handle; it must not kill the zygote, and with it the runs
                # in flight, under a caller that is stopping gracefully. The zygote still goes
                # with the caller (EOF on its socket) and its children with it.
                process_group=0,
            )
        finally:
            child_sock.close()
        try:
            self.sock.send(json.dumps(settings).encode())
        except OSError:
            pass  # the zygote died at once: reported below with its stderr
        self.pending: dict[int, _Pending] = {}
        self.send_lock = threading.Lock()
        self.alive = True
        self.isolation: dict[str, Any] = {}
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
        self.isolation = msg.get("isolation", {})
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
                p.oom = msg.get("oom") is True
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
        """Stop the zygote: EOF on its socket makes it kill and reap its children (so their
        slot cgroups empty) and exit; SIGKILL if it has not within a few seconds."""
        self.alive = False
        with contextlib.suppress(OSError):
            # shutdown, not just close: the reader thread's pending recv keeps the socket
            # open (and the zygote waiting) until it is woken
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                self.proc.kill()
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            self._stderr.close()
        if self.isolation.get("cgroup"):
            from codepercept.sandbox import cgroup

            cgroup.sweep_stale()  # its slot cgroups, now that it is gone


_WORKDIR = re.compile(r"cp-(?:run|worker|root)-(\d+)-")


def sweep_stale_workdirs(root: str | None = None) -> int:
    """Remove the private directories (``cp-run-PID-*``, ``cp-worker-PID-*``, and the empty
    ``cp-root-PID-*`` a zygote pivots through, under ``root``, default the system temp dir) and
    the slot cgroups left by executors whose process PID no longer exists (one killed with
    SIGKILL cannot clean up after itself). Never raises, never recurses, never follows a
    symlink, whatever a program left there. Returns how many directories were removed."""
    root = root or tempfile.gettempdir()
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        entries = []
    for entry in entries:
        m = _WORKDIR.match(entry.name)
        try:
            if m is None or not entry.is_dir(follow_symlinks=False):
                continue
            os.kill(int(m.group(1)), 0)
            continue  # its executor's process is alive (or owned by another user)
        except ProcessLookupError:
            pass
        except (OSError, OverflowError, ValueError):
            continue
        removed += clear_dir(entry.path, remove=True)
    try:
        from codepercept.sandbox import cgroup

        cgroup.sweep_stale()
    except Exception:  # never let a sweep stop an executor from starting
        log.warning("could not sweep stale sandbox cgroups", exc_info=True)
    return removed


class Executor:
    """Run matplotlib programs in hardened, single-use processes forked from a warm zygote.

    Blocking API: ``run`` / ``map`` (from any number of threads). asyncio API: ``arun`` /
    ``amap`` / ``aiter_results`` (from any number of event loops, in any threads): the wait for
    a child is driven by the event loop (``add_reader`` on its pipes, an asyncio deadline, the
    zygote's reports bridged with ``call_soon_threadsafe``), so awaiting 10,000 programs costs
    no thread; cancelling an ``arun`` kills its program. Both APIs share one pool of
    ``workers`` slots: at most ``workers`` programs are in flight in all, served in arrival
    order. (With ``reuse > 1``, ``arun`` runs the blocking path in one of ``workers`` threads,
    and a cancelled program runs on to its end or deadline, keeping its slot till then.)

    Whatever a program writes as its result is hostile data: ``run``/``arun`` return a status
    from :data:`~codepercept.sandbox.result.STATUSES` for any bytes (``crashed`` for a malformed
    frame), never an exception, and ``map``/``amap`` give every program a result.

    Args:
        workers: programs in flight at once, over all callers (``map`` uses this many threads).
        dpi: rendering resolution for every captured figure.
        timeout_s: wall-clock limit per program, from fork to result (also the CPU-time limit).
        memory_mb: address space a child may add to what it inherited from the zygote.
        max_pixels: largest figure (width x height in pixels at ``dpi``) that is rendered;
            larger ones give ``output_too_large`` instead of a giant canvas.
        max_figures: figures a program may create.
        max_output_mb: largest result (PNG + scene) accepted back from a child.
        max_stream_mb: stdout+stderr a program may print before it is stopped.
        fsize_mb: largest file a program may write inside its private directory.
        disk_mb: size of each run's private scratch tmpfs (its working directory, HOME and
            TMPDIR; its pages count against the run's memory cgroup).
        pids_max: processes + threads one run may have (a pids cgroup per slot, and
            RLIMIT_NPROC of the slot's uid).
        workdir_root: where the per-run private directories are made where no private root
            is possible (default: the system temp dir). Directories left there by a killed
            executor are removed when the next one starts (:func:`sweep_stale_workdirs`).
        probes: render probes to run in the child on every captured figure (built-in short
            names such as ``"screen"``, or ``"module:factory"``; see
            :mod:`codepercept.sandbox.probes`); their outputs land in ``ExecResult.probes``.
        reuse: programs one hardened child may run in turn (1: a fresh process for every
            program, the default). Larger values are for trusted programs only (see above).
        disable: isolation layers to leave out, from :data:`LAYERS` (for measuring what each
            costs, or for hosts where one misbehaves); ``isolation`` reports them as disabled.
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
        max_figures: int = 64,
        max_output_mb: int = 64,
        max_stream_mb: int = 16,
        fsize_mb: int = 64,
        disk_mb: int = 256,
        pids_max: int = 256,
        workdir_root: str | None = None,
        start_timeout_s: float = 120.0,
        probes: Sequence[str] = (),
        reuse: int = 1,
        png: str = "savefig",
        disable: Sequence[str] = (),
    ) -> None:
        if not 1 <= workers <= MAX_WORKERS:
            raise ValueError(f"workers must be from 1 to {MAX_WORKERS}, got {workers!r}")
        if reuse < 1:
            raise ValueError("reuse must be >= 1")
        if not (math.isfinite(timeout_s) and timeout_s > 0):
            raise ValueError(f"timeout_s must be a finite number > 0, got {timeout_s!r}")
        if not (math.isfinite(dpi) and 1 <= dpi <= 10_000):
            raise ValueError(f"dpi must be a finite number from 1 to 10000, got {dpi!r}")
        if png not in ("savefig", "fast"):
            raise ValueError(f"png must be 'savefig' or 'fast', not {png!r}")
        unknown = set(disable) - set(LAYERS)
        if unknown:
            raise ValueError(f"unknown isolation layer(s) {sorted(unknown)}; known: {LAYERS}")
        self.disable = tuple(sorted(set(disable)))
        self.workers = workers
        self.dpi = float(dpi)
        self.timeout_s = float(timeout_s)
        self.memory_mb = int(memory_mb)
        self.max_pixels = int(max_pixels)
        self.max_figures = int(max_figures)
        self.max_output_bytes = int(max_output_mb) * 1024 * 1024
        self.max_stream_bytes = int(max_stream_mb) * 1024 * 1024
        self.fsize_mb = int(fsize_mb)
        self.disk_mb = int(disk_mb)
        self.pids_max = int(pids_max)
        if self.disk_mb < 1 or self.pids_max < 8 or self.memory_mb < 1:
            raise ValueError("disk_mb and memory_mb must be >= 1 and pids_max >= 8")
        self.workdir_root = workdir_root
        # One unprivileged uid per concurrent slot, from a block picked by this process's pid
        # (so two executors on one host rarely share uids; the other layers hold if they do).
        self._uid_base = 100_000 + (os.getpid() % 16_000) * 256
        self._free_slots = list(range(2 * workers - 1, -1, -1))
        self.start_timeout_s = start_timeout_s
        self.probes = {name: resolve_probe(name) for name in probes}
        self.reuse = int(reuse)
        self.png = png
        self._idle: list[_Worker] = []
        self._zygote: _Zygote | None = None
        self._lock = threading.Lock()
        self._slots = _Slots(workers)
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
        pool = getattr(self, "_apool", None)
        if pool is not None:
            pool.shutdown(wait=False)

    @property
    def isolation(self) -> dict[str, Any]:
        """Which isolation layers the children run under, measured when the zygote started
        (see docs/sandbox.md): ``network_namespace``, ``private_root``, ``ipc_namespace``,
        ``scratch`` ("tmpfs" or "directory"), ``uid`` (the first slot's uid, or None),
        ``cgroup`` ("v1"/"v2"/""), ``landlock_abi``, ``seccomp``, ``capabilities_dropped``, and
        ``notes``: for each layer not in force, why and what it would need."""
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
                settings = {
                    "slots": 2 * self.workers,
                    "uid_base": self._uid_base,
                    "disk_mb": self.disk_mb,
                    "pids_max": self.pids_max,
                    "cgroup_memory_mb": self.memory_mb + self.disk_mb + 32,
                    "disable": list(self.disable),
                }
                self._zygote = _Zygote(env, self.start_timeout_s, settings)
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
            return _run_failed(exc, t0)

    def run(
        self,
        code: str | bytes,
        files: Mapping[str, bytes | str] | None = None,
        *,
        stdin: str | bytes | None = None,
        timeout_s: float | None = None,
        memory_mb: int | None = None,
    ) -> ExecResult:
        """Run one program and return what happened. Never raises for anything the program does.

        ``files`` (relative name -> content) are put next to the program in its scratch
        directory first, as the files beside a script are in a plain run: modules it imports
        (the directory is first on its ``sys.path``), data it reads, a ``matplotlibrc`` (applied
        as matplotlib would at import). ``stdin`` (text is sent as UTF-8) is what the program
        reads from its standard input, as with ``python program.py < file`` (default: nothing,
        as from ``/dev/null``). ``timeout_s`` and ``memory_mb`` lower this run's limits below
        the executor's (larger values are capped at the executor's; ``memory_mb`` needs
        ``reuse=1``). Bad names, sizes or limits raise ValueError before anything runs.
        """
        t0 = time.perf_counter()
        limits = self._limits(timeout_s, memory_mb)
        source = _source_bytes(code)
        if isinstance(source, ExecResult):
            return source
        source = pack_program(source, _file_bytes(files), _stdin_bytes(stdin))
        with self._slots:
            if self.reuse == 1:
                res = self._run_one(source, limits)
            else:
                res = self._run_reused(source, limits)
        res.wall_s = time.perf_counter() - t0
        return res

    # -- asyncio ---------------------------------------------------------------------------------
    async def arun(
        self,
        code: str | bytes,
        files: Mapping[str, bytes | str] | None = None,
        *,
        stdin: str | bytes | None = None,
        timeout_s: float | None = None,
        memory_mb: int | None = None,
    ) -> ExecResult:
        """:meth:`run` for asyncio callers: awaiting it waits on the event loop (pipe readers and
        an asyncio deadline), not in a thread. Cancelling it kills the program and frees its
        slot at once. With ``reuse > 1`` the blocking path runs in one of ``workers`` threads
        instead, and a cancelled program runs on to its end or deadline."""
        t0 = time.perf_counter()
        limits = self._limits(timeout_s, memory_mb)
        source = _source_bytes(code)
        if isinstance(source, ExecResult):
            return source
        source = pack_program(source, _file_bytes(files), _stdin_bytes(stdin))
        if self.reuse != 1:
            await self._slots.acquire_async()
            try:
                job = self._reuse_pool().submit(self._run_reused, source, limits)
            except BaseException:
                self._slots.release()
                raise
            # The slot is the program's until it has ended, even if this await is cancelled.
            job.add_done_callback(lambda _: self._slots.release())
            res = await asyncio.wrap_future(job)
        else:
            try:
                await self._ensure_zygote()
            except SandboxUnavailable as exc:
                return ExecResult("crashed", f"could not start the sandbox: {exc}")
            await self._slots.acquire_async()
            try:
                res = await self._arun_one(source, limits)
            finally:
                self._slots.release()
        res.wall_s = time.perf_counter() - t0
        return res

    async def aiter_results(
        self, codes: Iterable[str | bytes], *, concurrency: int | None = None
    ) -> AsyncIterator[tuple[int, ExecResult]]:
        """``(index, result)`` for every program, in the order they finish, at most
        ``concurrency`` of them (default ``workers``) in flight from this call. As in
        :meth:`map`, a program whose run raises gets a ``crashed`` result; closing the iterator
        early (or cancelling its consumer) cancels, and so kills, the programs in flight."""
        codes = list(codes)
        limit = max(1, min(concurrency or self.workers, len(codes)))
        done: asyncio.Queue[tuple[int, ExecResult]] = asyncio.Queue()
        todo = iter(enumerate(codes))

        async def feed() -> None:
            for i, code in todo:  # shared: each program is taken by one task
                done.put_nowait((i, await self._arun_guarded(code)))

        tasks = [asyncio.create_task(feed()) for _ in range(limit)] if codes else []
        try:
            for _ in codes:
                yield await done.get()
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def amap(
        self, codes: Iterable[str | bytes], *, concurrency: int | None = None
    ) -> list[ExecResult]:
        """:meth:`map` for asyncio callers: every program's result, in input order (see
        :meth:`aiter_results` for ``concurrency`` and cancellation)."""
        codes = list(codes)
        results: list[ExecResult | None] = [None] * len(codes)
        async with contextlib.aclosing(self.aiter_results(codes, concurrency=concurrency)) as it:
            async for i, res in it:
                results[i] = res
        return results  # type: ignore[return-value]

    async def _arun_guarded(self, code: str | bytes) -> ExecResult:
        t0 = time.perf_counter()
        try:
            return await self.arun(code)
        except Exception as exc:
            return _run_failed(exc, t0)

    async def _ensure_zygote(self) -> None:
        """Start (or restart) the zygote without blocking the event loop: it takes seconds, so
        a short-lived thread does it while the loop waits."""
        zyg = self._zygote
        if zyg is not None and zyg.alive:
            return
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[BaseException | None] = loop.create_future()

        def start() -> None:
            try:
                self._get_zygote()
                err: BaseException | None = None
            except BaseException as exc:
                err = exc
            _call_threadsafe(loop, lambda: fut.done() or fut.set_result(err))

        threading.Thread(target=start, name="zygote-start", daemon=True).start()
        err = await asyncio.shield(fut)
        if err is not None:
            raise err

    def _reuse_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            pool = getattr(self, "_apool", None)
            if pool is None:
                pool = self._apool = ThreadPoolExecutor(self.workers, "sandbox-reuse")
            return pool

    async def _arun_one(self, source: bytes, limits: _Limits) -> ExecResult:
        run, failed = self._begin_run(source, limits)
        if failed is not None:
            self._end_run(run)
            return failed
        assert run.pending is not None
        finished = False
        try:
            res, _ = await self._acollect(run.pending, *run.fds, timeout_s=limits.timeout_s)
            finished = True
            return res
        finally:
            if finished or run.pending.exited.is_set():
                self._end_run(run)
            else:  # cancelled: kill the child (now, or as soon as it is forked), and tidy up
                # once the zygote has reaped it
                self._close_fds(run)
                p = run.pending
                forked: _Signal = p.forked  # type: ignore[assignment]
                exited: _Signal = p.exited  # type: ignore[assignment]
                forked.when_set(lambda: self._kill(p))
                exited.when_set(lambda: self._end_run(run))

    # The set-up and tear-down of a fresh-process run, shared by the blocking and async paths.
    def _begin_run(self, source: bytes, limits: _Limits) -> tuple[_Run, ExecResult | None]:
        """A slot, a host scratch directory where there is no private root, the three pipes,
        the source as a sealed descriptor, the request sent to the zygote. Returns the run and,
        if the sandbox could not take it, the result to report (call :meth:`_end_run` either
        way)."""
        run = _Run(self._take_slot())
        try:
            try:
                run.zyg = self._get_zygote()
                run.workdir = self._host_workdir(run.zyg, "run", run.slot)
                src = _source_fd(source)
            except (OSError, SandboxUnavailable) as exc:
                return run, ExecResult("crashed", f"could not start the sandbox: {exc}")
            r_res, w_res = os.pipe()
            r_out, w_out = os.pipe()
            r_err, w_err = os.pipe()
            run.fds = [r_res, r_out, r_err]
            run.pending, request = self._request("run", run.workdir or "", run.slot, limits)
            try:
                run.zyg.submit(run.pending, request, [w_res, w_out, w_err, src])
            except OSError as exc:
                return run, ExecResult("crashed", f"could not start the sandbox: {exc}")
            finally:
                for fd in (w_res, w_out, w_err, src):
                    os.close(fd)
        except BaseException:
            self._end_run(run)
            raise
        return run, None

    def _close_fds(self, run: _Run) -> None:
        fds, run.fds = run.fds, []
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def _end_run(self, run: _Run) -> None:
        if run.zyg is not None and run.pending is not None:
            run.zyg.pending.pop(run.pending.id, None)
        self._close_fds(run)
        if run.workdir is not None:
            clear_dir(run.workdir, remove=True)
        self._give_slot(run.slot)

    def _take_slot(self) -> int:
        """A slot number (its uid and cgroup) for a run or worker. There are twice as many as
        ``workers``, so a run whose child is still being reaped after a cancelled ``arun``
        (its concurrency slot already freed) never shares one with a live run."""
        with self._lock:
            return self._free_slots.pop() if self._free_slots else self._ids % (2 * self.workers)

    def _give_slot(self, slot: int) -> None:
        with self._lock:
            if slot not in self._free_slots:
                self._free_slots.append(slot)

    def _limits(self, timeout_s: float | None, memory_mb: int | None) -> _Limits:
        """One run's limits: the executor's, lowered where the caller asks."""
        if timeout_s is not None and not (math.isfinite(timeout_s) and timeout_s > 0):
            raise ValueError(f"timeout_s must be a finite number > 0, got {timeout_s!r}")
        if memory_mb is not None:
            if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 1:
                raise ValueError(f"memory_mb must be an integer >= 1, got {memory_mb!r}")
            if self.reuse != 1 and memory_mb < self.memory_mb:
                raise ValueError("memory_mb per run needs reuse=1 (a worker's limit is fixed)")
        return _Limits(
            min(self.timeout_s, float(timeout_s or self.timeout_s)),
            min(self.memory_mb, memory_mb or self.memory_mb),
        )

    def _request(
        self, kind: str, workdir: str, slot: int, limits: _Limits | None = None
    ) -> tuple[_Pending, dict[str, Any]]:
        limits = limits or _Limits(self.timeout_s, self.memory_mb)
        with self._lock:
            self._ids += 1
            rid = self._ids
        request = {
            "type": kind,
            "id": rid,
            "slot": slot,
            "workdir": workdir,
            "dpi": self.dpi,
            "timeout_s": limits.timeout_s,
            "memory_mb": limits.memory_mb,
            "max_pixels": self.max_pixels,
            "max_figures": self.max_figures,
            "fsize_mb": self.fsize_mb,
            "disk_mb": self.disk_mb,
            "pids_max": self.pids_max,
            "probes": list(self.probes.values()),
            "png": self.png,
        }
        if kind == "worker":
            request["max_runs"] = self.reuse
        return _Pending(rid), request

    def _host_workdir(self, zyg: _Zygote, kind: str, slot: int) -> str | None:
        """A scratch directory on the host, only where the zygote has no private root (there
        every run makes its own tmpfs and the host sees nothing)."""
        if zyg.isolation.get("private_root"):
            return None
        workdir = tempfile.mkdtemp(prefix=f"cp-{kind}-{os.getpid()}-", dir=self.workdir_root)
        uid = zyg.isolation.get("uid")
        if isinstance(uid, int):
            os.chown(workdir, uid + slot, uid + slot)
        return workdir

    def _run_one(self, source: bytes, limits: _Limits) -> ExecResult:
        run, failed = self._begin_run(source, limits)
        try:
            if failed is not None:
                return failed
            assert run.zyg is not None and run.pending is not None
            return self._collect(run.zyg, run.pending, *run.fds, timeout_s=limits.timeout_s)[0]
        finally:
            self._end_run(run)

    # -- reusable workers (reuse > 1) ------------------------------------------------------------
    def _run_reused(self, source: bytes, limits: _Limits) -> ExecResult:
        for attempt in range(2):
            w = self._take_worker()
            if isinstance(w, ExecResult):
                return w
            try:
                _send_program(w.req_w, source, time.monotonic() + limits.timeout_s)
            except OSError as exc:  # the worker died while idle: one more try with a new one
                self._retire(w)
                if attempt:
                    return ExecResult("crashed", f"could not start the sandbox: {exc}")
                continue
            w.runs += 1
            w.pending.more = False
            res, complete = self._collect(w.zyg, w.pending, w.res_r, w.out_r, w.err_r,
                                          framed=True, timeout_s=limits.timeout_s)  # fmt: skip
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
        slot = self._take_slot()
        try:
            zyg = self._get_zygote()
            workdir = self._host_workdir(zyg, "worker", slot)
        except (OSError, SandboxUnavailable) as exc:
            self._give_slot(slot)
            return ExecResult("crashed", f"could not start the sandbox: {exc}")
        r_res, w_res = os.pipe()
        r_out, w_out = os.pipe()
        r_err, w_err = os.pipe()
        r_req, w_req = os.pipe()
        for fd in (r_res, r_out, r_err, w_req):
            os.set_blocking(fd, False)
        pending, request = self._request("worker", workdir or "", slot)
        w = _Worker(zyg, pending, workdir, slot, w_req, r_res, r_out, r_err)
        try:
            zyg.submit(pending, request, [w_res, w_out, w_err, r_req])
        except OSError as exc:
            self._retire(w)
            return ExecResult("crashed", f"could not start the sandbox: {exc}")
        finally:
            for fd in (w_res, w_out, w_err, r_req):
                os.close(fd)
        if not pending.forked.wait(timeout=max(self.timeout_s, 10.0)) or pending.pid is None:
            self._retire(w)
            return ExecResult("crashed", pending.error or "the sandbox did not start a worker")
        return w

    def _retire(self, w: _Worker) -> None:
        """Stop a worker (it exits at EOF on its request pipe; killed if it was busy) and
        release its pipes, slot and (without a private root) host directory."""
        with contextlib.suppress(OSError):
            os.close(w.req_w)
        if not w.pending.exited.is_set():
            self._kill(w.pending)
        for fd in (w.res_r, w.out_r, w.err_r):
            with contextlib.suppress(OSError):
                os.close(fd)
        w.zyg.pending.pop(w.pending.id, None)
        if w.workdir is not None:
            # the worker may still be dying: its last program's files go once it is gone
            w.pending.exited.wait(timeout=5)
            clear_dir(w.workdir, remove=True)
        self._give_slot(w.slot)

    def _collect(
        self,
        zyg: _Zygote,
        p: _Pending,
        r_res: int,
        r_out: int,
        r_err: int,
        framed: bool = False,
        timeout_s: float | None = None,
    ) -> tuple[ExecResult, bool]:
        """The program's result, read until the child exits (or, ``framed``, from a worker:
        until its header and whole frame arrived, see :func:`~protocol.worker_frame`, plus what
        it printed before), by ``timeout_s`` (default: the executor's); the bool says whether a
        whole framed result arrived. The blocking driver of :class:`_RunReader`
        (:meth:`_acollect` is the asyncio one)."""
        timeout_s = timeout_s or self.timeout_s
        deadline = time.monotonic() + timeout_s
        if not p.forked.wait(timeout=max(self.timeout_s, 10.0)) or p.pid is None:
            return ExecResult("crashed", p.error or "the sandbox did not start the program"), False
        reader = _RunReader(self.max_output_bytes, self.max_stream_bytes, framed)
        streams = {r_res: _RESULT, r_out: _STDOUT, r_err: _STDERR}
        sel = selectors.DefaultSelector()
        for fd in streams:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        open_fds = set(streams)
        try:
            # Done when every pipe is at EOF and the child has exited or already sent (the
            # start of) a frame: with a frame its exit status is not needed, and the teardown
            # of a large process need not be waited for (it is killed below to be sure).
            while open_fds or not (p.exited.is_set() or reader.result):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    reader.time_out(timeout_s)
                    break
                if not open_fds:
                    p.exited.wait(min(remaining, 0.05))
                    continue
                for key, _ in sel.select(timeout=min(remaining, 0.25)):
                    try:
                        chunk = os.read(key.fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        sel.unregister(key.fd)
                        open_fds.discard(key.fd)
                        continue
                    reader.feed(streams[key.fd], chunk)
                    if reader.killed_for:
                        break
                if reader.killed_for or reader.frame_done:
                    break  # (a worker's whole frame: it now waits for the next program)
        finally:
            sel.close()
        if reader.killed_for:
            self._kill(p)
            p.exited.wait(timeout=5)
        elif not framed and reader.result:
            self._kill(p)  # it has sent its frame and closed its pipes: it is only exiting
        return self._finish(reader, p, r_out, r_err)

    async def _acollect(
        self,
        p: _Pending,
        r_res: int,
        r_out: int,
        r_err: int,
        framed: bool = False,
        timeout_s: float | None = None,
    ) -> tuple[ExecResult, bool]:
        """:meth:`_collect` on the running event loop: the pipes are watched with
        ``loop.add_reader`` and read without blocking, the deadline is an asyncio timeout, the
        zygote's ``forked``/``exited`` reports arrive through ``call_soon_threadsafe``. No
        thread waits. If the awaiting task is cancelled, the program is killed at once."""
        loop = asyncio.get_running_loop()
        timeout_s = timeout_s or self.timeout_s
        deadline = loop.time() + timeout_s
        forked: _Signal = p.forked  # type: ignore[assignment]
        exited: _Signal = p.exited  # type: ignore[assignment]
        if not await forked.wait_async(max(self.timeout_s, 10.0)) or p.pid is None:
            return ExecResult("crashed", p.error or "the sandbox did not start the program"), False
        reader = _RunReader(self.max_output_bytes, self.max_stream_bytes, framed)
        streams = {r_res: _RESULT, r_out: _STDOUT, r_err: _STDERR}
        open_fds = set(streams)
        done: asyncio.Future[None] = loop.create_future()

        def check_done() -> None:
            if (
                reader.killed_for
                or reader.frame_done
                or (not open_fds and (exited.is_set() or reader.result))
            ):
                _resolve(done)

        def readable(fd: int) -> None:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                loop.remove_reader(fd)
                open_fds.discard(fd)
            else:
                reader.feed(streams[fd], chunk)
            check_done()

        for fd in streams:
            os.set_blocking(fd, False)
            loop.add_reader(fd, readable, fd)
        exited.when_set(lambda: _call_threadsafe(loop, check_done))
        finished = False
        try:
            await asyncio.wait([done], timeout=max(deadline - loop.time(), 0.0))
            if not done.done():
                reader.time_out(timeout_s)
            finished = True
        finally:
            for fd in open_fds:
                loop.remove_reader(fd)
            if not finished:  # cancelled (or failed) while the program runs: stop it now
                self._kill(p)
        if reader.killed_for:
            self._kill(p)
            await exited.wait_async(5.0)
        elif not framed and reader.result:
            self._kill(p)  # it has sent its frame and closed its pipes: it is only exiting
        return self._finish(reader, p, r_out, r_err)

    def _finish(
        self, reader: _RunReader, p: _Pending, r_out: int, r_err: int
    ) -> tuple[ExecResult, bool]:
        """The result once a driver has stopped reading (shared by both drivers)."""
        complete = reader.frame_complete
        if complete:  # what the program printed is in the pipes before its frame
            for fd, stream in ((r_out, _STDOUT), (r_err, _STDERR)):
                with contextlib.suppress(BlockingIOError, OSError):
                    while chunk := os.read(fd, 1 << 16):
                        reader.feed(stream, chunk, count=False)
        stdout, stderr = reader.tails()
        if reader.killed_for:
            return ExecResult(*reader.killed_for, stdout=stdout, stderr=stderr), False
        if reader.violation is not None:
            message = f"program tried {reader.violation}; the sandbox refused it"
            return ExecResult("forbidden", message, stdout=stdout, stderr=stderr), complete
        frame = bytes(reader.result)
        if reader.framed:
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
                return ExecResult(*_death_status(p.wait_status, p.error, p.oom), stdout=stdout,
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
        saved_as = _saved_as(header.get("saved_as"), len(images)) if ok else []
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
            saved_as=saved_as,
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


def _run_failed(exc: Exception, t0: float) -> ExecResult:
    """The ``crashed`` result of a run that raised (an executor bug, a closed executor): one
    program's failure, never the batch's."""
    log.exception("sandbox run failed")
    res = ExecResult("crashed", f"sandbox error: {_one_line(f'{type(exc).__name__}: {exc}')}")
    res.wall_s = time.perf_counter() - t0
    return res


def _source_fd(source: bytes) -> int:
    """A read-only descriptor holding ``source`` (a sealed memfd where the platform has one,
    else an unlinked temporary file): the program reaches the child without a path anyone could
    redirect."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("program.py", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        try:
            view = memoryview(source)
            while view:
                view = view[os.write(fd, view) :]
            import fcntl

            fcntl.fcntl(
                fd,
                fcntl.F_ADD_SEALS,
                fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE,
            )
        except BaseException:
            os.close(fd)
            raise
        return fd
    with tempfile.TemporaryFile() as fh:
        fh.write(source)
        fh.flush()
        return os.dup(fh.fileno())


def _send_program(fd: int, source: bytes, deadline: float) -> None:
    """Write ``u32 length | source`` to a worker's (non-blocking) request pipe by ``deadline``."""
    if len(source) >= 1 << 32:
        raise OSError("program too large")
    view = memoryview(len(source).to_bytes(4, "little") + source)
    while view:
        try:
            view = view[os.write(fd, view) :]
            continue
        except BlockingIOError:
            pass
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OSError("the sandbox worker did not take the program")
        select.select([], [fd], [], min(remaining, 0.25))


#: Characters that may not stay in a one-line message: C0 controls and DEL (the line breaks and
#: tabs among them become spaces through ``str.split``).
_CONTROL = dict.fromkeys([*range(32), 127])
#: The most programs one executor runs at once (each slot is a process with its own memory).
MAX_WORKERS = 512
_MAX_TIMINGS = 64


def _file_bytes(files: Mapping[str, bytes | str] | None) -> dict[str, bytes]:
    if files is None:
        return {}
    if not isinstance(files, Mapping):
        raise ValueError("files must map relative names to bytes or text")
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}


def _stdin_bytes(stdin: str | bytes | None) -> bytes | None:
    if stdin is None or isinstance(stdin, bytes):
        return stdin
    if isinstance(stdin, bytearray):
        return bytes(stdin)
    if isinstance(stdin, str):
        return stdin.encode("utf-8", "surrogateescape")
    raise ValueError(f"stdin must be text or bytes, not {type(stdin).__name__}")


def _saved_as(raw: Any, n_images: int) -> list[list[str]]:
    """The paths each image was saved to (``savefig``), checked: one list per image, of at most
    :data:`~protocol.MAX_SAVED_NAMES` strings of at most :data:`~protocol.MAX_SAVED_NAME` characters
    without NUL; anything else is a malformed frame."""
    if raw is None:
        return []
    if type(raw) is not list or len(raw) != n_images:
        raise ProtocolError("saved_as is not one list per image")
    for names in raw:
        if type(names) is not list or len(names) > MAX_SAVED_NAMES:
            raise ProtocolError("saved_as holds a malformed entry")
        for name in names:
            if type(name) is not str or len(name) > MAX_SAVED_NAME or "\0" in name:
                raise ProtocolError("saved_as holds a malformed path")
    return raw


def _source_bytes(code: str | bytes) -> bytes | ExecResult:
    """The program's bytes as ``python`` reads a file: UTF-8 unless a BOM or a PEP 263 coding
    declaration names another encoding (the child compiles these bytes, so the declaration
    keeps its meaning); the ``syntax_error`` result when they do not decode (as ``run``).
    A ``str`` is encoded in the encoding its own declaration names, so it means what it says."""
    import tokenize

    raw = code.encode("utf-8", "surrogatepass") if isinstance(code, str) else code
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:  # a bad cookie, or undecodable bytes in the first two lines
        what = _one_line(exc)
        if "invalid or missing encoding" in what:
            what = "source is not valid UTF-8 and declares no encoding"
        return ExecResult("syntax_error", what)
    if isinstance(code, str):
        if encoding in ("utf-8", "utf-8-sig"):
            try:
                return code.encode("utf-8")
            except UnicodeEncodeError as exc:
                return ExecResult("syntax_error", f"source is not valid UTF-8: {exc}")
        try:
            return code.encode(encoding)
        except (UnicodeEncodeError, LookupError) as exc:
            return ExecResult("syntax_error", f"source does not fit its declared {encoding}: {exc}")
    try:
        raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        name = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
        return ExecResult("syntax_error", f"source is not valid {name}: {exc}")
    return raw


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


def _violation(buf: bytearray) -> str | None:
    """What the child's audit hook refused, if its mark is in ``buf`` (see VIOLATION_MARK)."""
    at = buf.find(VIOLATION_MARK)
    if at < 0:
        return None
    end = buf.find(b"\n", at)
    what = bytes(buf[at + len(VIOLATION_MARK) : end if end >= 0 else at + 256])
    return " ".join(what.decode("utf-8", "replace").split())[:200] or "a refused operation"


def _tail(buf: bytearray) -> str:
    """The last bytes of a stream as text, without the harness's violation marks."""
    text = bytes(buf[-_TAIL_BYTES:])
    if VIOLATION_MARK in text:
        text = re.sub(re.escape(VIOLATION_MARK) + rb"[^\n]*\n?", b"", text)
    return text.decode("utf-8", "replace")


_RESULT, _STDOUT, _STDERR = 0, 1, 2


class _RunReader:
    """What one run's three pipes delivered, fed chunk by chunk by a driver (the blocking
    selector loop of :meth:`Executor._collect` or the event-loop readers of
    :meth:`Executor._acollect`), and every decision about it: the result bytes (capped),
    8 KiB tails of stdout/stderr, the stream flood cap, a worker's frame header, and so whether
    to kill the program (``killed_for``) or stop reading (``frame_done``)."""

    def __init__(self, max_output_bytes: int, max_stream_bytes: int, framed: bool) -> None:
        self.max_output_bytes = max_output_bytes
        self.max_stream_bytes = max_stream_bytes
        self.framed = framed
        self.result = bytearray()
        self.streams = (bytearray(), bytearray())
        self.stream_total = 0
        self.frame_len: int | None = None
        self.killed_for: tuple[str, str] | None = None
        self.violation: str | None = None  # the child's audit hook refused something

    def feed(self, stream: int, chunk: bytes, count: bool = True) -> None:
        """Take ``chunk`` from ``stream`` (``_RESULT``, ``_STDOUT`` or ``_STDERR``); ``count``
        False for the drain after a worker's frame, which no longer counts towards the cap."""
        if stream == _RESULT:
            buf = self.result
            buf += chunk
            if self.framed and self.frame_len is None and len(buf) >= WORKER_HEADER:
                try:
                    self.frame_len = worker_frame_length(buf)
                except ProtocolError as exc:
                    self.killed_for = ("crashed", str(exc))
                    return
            if len(buf) > self.max_output_bytes + WORKER_HEADER or (
                self.frame_len is not None and self.frame_len > self.max_output_bytes
            ):
                self.killed_for = (
                    "output_too_large",
                    f"result larger than {self.max_output_bytes >> 20} MB",
                )
            return
        buf = self.streams[stream - 1]
        buf += chunk
        if stream == _STDERR and self.violation is None:
            self.violation = _violation(buf)
        if len(buf) > 2 * _TAIL_BYTES:
            del buf[: len(buf) - _TAIL_BYTES]
        if count:
            self.stream_total += len(chunk)
            if self.stream_total > self.max_stream_bytes:
                self.killed_for = (
                    "output_too_large",
                    f"program printed more than {self.max_stream_bytes >> 20} MB",
                )

    def time_out(self, timeout_s: float) -> None:
        self.killed_for = ("timeout", f"program did not finish within {timeout_s:g} s; killed")

    @property
    def frame_done(self) -> bool:
        """A worker's header and at least the whole frame it announced have arrived."""
        return self.frame_len is not None and len(self.result) >= WORKER_HEADER + self.frame_len

    @property
    def frame_complete(self) -> bool:
        """Exactly the announced frame arrived (nothing after it)."""
        return self.frame_len is not None and len(self.result) == WORKER_HEADER + self.frame_len

    def tails(self) -> tuple[str, str]:
        return _tail(self.streams[0]), _tail(self.streams[1])


def _death_status(wait_status: int | None, error: str | None, oom: bool = False) -> tuple[str, str]:
    """Status and message for a child that died without writing a result."""
    if error:
        return "crashed", error
    if wait_status is None:
        return "crashed", "program ended without a result"
    if oom:
        return "memory_error", "program exceeded its memory limit (killed by the OOM killer)"
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
