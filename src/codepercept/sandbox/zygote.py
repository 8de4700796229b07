"""The zygote: a warm, single-threaded process that forks one fresh child per program.

Run as ``python -m codepercept.sandbox.zygote FD`` by :class:`~codepercept.sandbox.Executor`,
with FD one end of a ``SOCK_SEQPACKET`` socket pair. It enters an empty network namespace,
imports numpy / matplotlib (Agg) / mplot3d and the tracer, renders a warm-up figure so fonts and
caches are loaded, freezes the GC (so children do not copy every page on their first
collection), says ``ready``, then serves requests:

* ``{"type": "run", "id", "workdir", ...limits}`` with three fds (result, stdout, stderr):
  fork; the child hardens itself and runs the program (never returns); the zygote answers
  ``{"type": "forked", "id", "pid"}``;
* ``{"type": "worker", ..., "max_runs"}`` with four fds (result, stdout, stderr, requests):
  the same, but the child is a reusable worker (:func:`codepercept.sandbox.child.run_worker`);
* when a child exits, ``{"type": "exit", "id", "pid", "status"}`` (the raw wait status).

When the executor goes away (EOF on the socket) the zygote kills its children and exits.
"""

from __future__ import annotations

import contextlib
import gc
import os
import selectors
import signal
import socket
import sys
from typing import Any

from codepercept.sandbox import harden
from codepercept.sandbox.protocol import ProtocolError, recv_message, send_message

#: Modules imported before the first fork (overridable with CODEPERCEPT_PRELOAD, comma-separated).
DEFAULT_PRELOAD = (
    "numpy",
    "numpy.random",  # the child seeds it before every program
    "matplotlib.pyplot",
    "matplotlib.patches",
    "matplotlib.collections",
    "matplotlib.lines",
    "matplotlib.path",
    "matplotlib.transforms",
    "matplotlib.ticker",
    "matplotlib.colors",
    "matplotlib.gridspec",
    "matplotlib.patheffects",
    "matplotlib.table",
    "mpl_toolkits.mplot3d",
    "mpl_toolkits.mplot3d.art3d",
    "mpl_toolkits.axes_grid1",
    "codepercept.scene.tracer",
)


def _read_paths() -> list[str]:
    """What a child may read: the interpreter and its libraries, system data, fonts, devices."""
    import matplotlib

    import codepercept

    paths = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        os.path.dirname(os.path.dirname(os.path.abspath(codepercept.__file__))),
        matplotlib.get_data_path(),
        matplotlib.get_cachedir(),
        matplotlib.get_configdir(),
        "/usr",
        "/lib",
        "/lib64",
        # from /etc only what libraries read: not passwd, shadow, ssh or ssl keys
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/fonts",
        "/etc/matplotlibrc",
        "/opt",
        "/bin",
        "/sbin",
        "/dev/null",
        "/dev/zero",
        "/dev/urandom",
        "/dev/random",
        "/sys/devices/system/cpu",
        "/proc/self",  # resolved by the child to its own /proc/<pid>
    }
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    return sorted(p for p in paths if p and os.path.exists(p))


def _warm_up() -> None:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4, 3))
    ax = fig.add_subplot(1, 2, 1)
    ax.plot([0, 1], [0, 1], "o--", label="line")
    ax.fill_between([0, 1], [0, 0.5], alpha=0.3)
    ax.set_title(r"Warm $\alpha^2 + \sqrt{x}$")
    ax.text(0.5, 0.5, "bold", fontweight="bold")
    ax.text(0.2, 0.8, "italic", fontstyle="italic", family="serif")
    ax.text(0.2, 0.2, "mono", family="monospace")
    ax.legend()
    ax3 = fig.add_subplot(1, 2, 2, projection="3d")
    ax3.plot([0, 1], [0, 1], [0, 1])
    ax3.text(0, 0, 0, "A")
    fig.savefig(io.BytesIO(), format="png", dpi=100)
    try:
        from codepercept.scene.tracer import trace_figures
    except ImportError:  # pragma: no cover - the tracer ships with the package
        pass
    else:
        trace_figures([fig])
    plt.close("all")
    matplotlib.rcdefaults()
    matplotlib.use("Agg")


def main(argv: list[str]) -> int:
    ctl = socket.socket(fileno=int(argv[1]))
    iso = harden.Isolation()
    iso.network_namespace = harden.enter_network_namespace()
    if not iso.network_namespace:
        iso.notes.append("network namespace unavailable: relying on seccomp to block sockets")
    iso.landlock_abi = harden.landlock_abi()
    if not iso.landlock_abi:
        iso.notes.append(
            "Landlock unavailable: filesystem writes are checked by an audit hook only"
        )
    iso.seccomp = harden.seccomp_supported()
    if not iso.seccomp:
        iso.notes.append("seccomp unavailable on this platform")

    preload = os.environ.get("CODEPERCEPT_PRELOAD")
    modules = [m for m in preload.split(",") if m] if preload else list(DEFAULT_PRELOAD)
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            iso.notes.append(f"preload {name} failed: {exc}")
    _warm_up()
    # Instantiate the executor's render probes once, so their imports and caches are warm in
    # every child instead of being paid per run.
    from codepercept.sandbox import probes

    for spec in filter(None, os.environ.get("CODEPERCEPT_PROBES", "").split(",")):
        try:
            probes.load(spec)
        except Exception as exc:
            iso.notes.append(f"probe {spec} failed to load: {exc!r}")
    from codepercept.sandbox import child

    read_paths = _read_paths()
    _probe(iso, read_paths)
    gc.collect()
    gc.freeze()

    # SIGCHLD -> wake-up pipe, so exits are reported promptly without polling.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    send_message(ctl, {"type": "ready", "pid": os.getpid(), "isolation": iso.to_dict()})

    running: dict[int, Any] = {}  # pid -> request id
    sel = selectors.DefaultSelector()
    sel.register(ctl, selectors.EVENT_READ, "ctl")
    sel.register(wake_r, selectors.EVENT_READ, "wake")
    while True:
        for key, _ in sel.select():
            if key.data == "wake":
                try:
                    while os.read(wake_r, 4096):
                        pass
                except BlockingIOError:
                    pass
                _reap(ctl, running)
                continue
            try:
                msg, fds = recv_message(ctl, max_fds=4)
            except (ProtocolError, OSError):
                msg, fds = None, []
            if msg is None:  # executor gone: take the children with us
                for pid in running:
                    with contextlib.suppress(OSError):
                        os.killpg(pid, signal.SIGKILL)
                return 0
            kind = msg.get("type")
            if not ((kind == "run" and len(fds) == 3) or (kind == "worker" and len(fds) == 4)):
                for fd in fds:
                    os.close(fd)
                send_message(ctl, {"type": "error", "id": msg.get("id"), "message": "bad request"})
                continue
            cfg = child.ChildConfig(
                workdir=str(msg["workdir"]),
                dpi=float(msg["dpi"]),
                timeout_s=float(msg["timeout_s"]),
                memory_mb=int(msg["memory_mb"]),
                max_pixels=int(msg["max_pixels"]),
                max_figures=int(msg["max_figures"]),
                fsize_mb=int(msg["fsize_mb"]),
                read_paths=read_paths,
                landlock_abi=iso.landlock_abi,
                seccomp=iso.seccomp,
                probes=[str(x) for x in msg.get("probes") or []],
                png=str(msg.get("png") or "savefig"),
            )
            max_runs = max(1, int(msg.get("max_runs") or 1)) if kind == "worker" else 0
            pid = os.fork()
            if pid == 0:
                _become_child(ctl, fds, cfg, max_runs)
            for fd in fds:
                os.close(fd)
            running[pid] = msg.get("id")
            send_message(ctl, {"type": "forked", "id": msg.get("id"), "pid": pid})
            _reap(ctl, running)


def _probe(iso: harden.Isolation, read_paths: list[str]) -> None:
    """Apply each mechanism once in a throw-away child and keep (and report) only those that
    work on this kernel, so the isolation report is measured, not assumed, and children never
    fail on a mechanism the kernel refuses."""
    pid = os.fork()
    if pid == 0:
        failed = 0
        try:
            harden.set_no_new_privs()
            if iso.landlock_abi:
                try:
                    harden.landlock_restrict(read_paths, [], iso.landlock_abi)
                except OSError:
                    failed |= 1
            if not harden.drop_capabilities():
                failed |= 2
            if iso.seccomp:
                try:
                    harden.install_seccomp(os.getpid())
                except OSError:
                    failed |= 4
        finally:
            os._exit(failed)
    _, status = os.waitpid(pid, 0)
    failed = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 7
    if failed & 1:
        iso.landlock_abi = 0
        iso.notes.append("Landlock refused a ruleset: writes are checked by the audit hook only")
    iso.capabilities_dropped = not failed & 2
    if failed & 4:
        iso.seccomp = False
        iso.notes.append("the kernel refused the seccomp filter: relying on the other mechanisms")


def _reap(ctl: socket.socket, running: dict[int, Any]) -> None:
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        rid = running.pop(pid, None)
        send_message(ctl, {"type": "exit", "id": rid, "pid": pid, "status": status})


def _become_child(ctl: socket.socket, fds: list[int], cfg: Any, max_runs: int) -> None:
    """In the forked child: stdio and the result pipe on fixed descriptors (0-3, and the
    request pipe on 4 for a worker), nothing else open; then run (never returns)."""
    import fcntl

    from codepercept.sandbox import child

    exit_now = os._exit  # the program may replace os._exit; keep the real one
    try:
        os.setsid()
        harden.set_parent_death_signal()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        ctl.close()
        # Move the received fds out of the way first, so no dup2 below overwrites another.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 1000) for fd in fds]
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        for target, fd in zip((3, 1, 2, 4), high, strict=False):
            os.dup2(fd, target)
        os.closerange(5 if max_runs else 4, 65536)
        if max_runs:
            child.run_worker(cfg, 3, 4, max_runs)
        child.run_child(cfg, 3)
    finally:
        exit_now(70)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
