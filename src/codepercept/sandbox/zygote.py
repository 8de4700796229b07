"""The zygote: a warm, single-threaded process that forks one fresh child per program.

Started by :class:`~codepercept.sandbox.Executor` as ``python -I -c BOOT FD`` with cwd ``/``
(isolated mode: nothing from the caller's working directory, ``PYTHON*`` variables or user
site-packages on ``sys.path``), FD one end of a ``SOCK_SEQPACKET`` socket pair whose first
message is a JSON object of settings (``sys_path``, ``slots``, ``uid_base``, ``disk_mb``,
``pids_max``, ``cgroup_memory_mb``). It enters an empty network namespace, imports numpy / matplotlib (Agg) /
mplot3d and the tracer, renders a warm-up figure so fonts and caches are loaded, creates one
memory+pids cgroup per concurrent slot where it can, pivots into a private root that holds only
the read allow-list, freezes the GC (so children do not copy every page on their first
collection), says ``ready``, then serves requests:

* ``{"type": "run", "id", "slot", "workdir", ...limits}`` with four fds (result, stdout, stderr,
  the program's source): fork; the child enters its own mount and IPC namespace with a fresh
  scratch tmpfs, joins its slot's cgroup, becomes the slot's uid, hardens itself and runs the
  program (never returns); the zygote answers ``{"type": "forked", "id", "pid"}``;
* ``{"type": "worker", ..., "max_runs"}`` with four fds (result, stdout, stderr, requests):
  the same, but the child is a reusable worker (:func:`codepercept.sandbox.child.run_worker`);
* when a child exits, ``{"type": "exit", "id", "pid", "status", "oom"}`` (the raw wait status;
  ``oom``: the slot's cgroup OOM-killed a process meanwhile).

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
import time
from dataclasses import dataclass
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
    """What a child may read: the interpreter and its libraries, codepercept's own package,
    matplotlib's data, system libraries and fonts, a few devices. Never the caller's working
    directory, home or project: a ``sys.path`` entry is kept only if it is part of the Python
    installation or an installed-packages directory."""
    import matplotlib

    import codepercept

    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    paths = {
        *prefixes,
        os.path.dirname(os.path.abspath(codepercept.__file__)),
        matplotlib.get_data_path(),
        matplotlib.get_cachedir(),
        matplotlib.get_configdir(),
        "/usr",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
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
    }
    for entry in sys.path:
        if not entry or not os.path.isabs(entry) or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        if any(real == p or real.startswith(p + os.sep) for p in prefixes) or os.path.basename(
            real
        ) in ("site-packages", "dist-packages"):
            paths.add(entry)
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


def main(ctl: socket.socket, settings: dict[str, Any]) -> int:
    """Serve the executor on ``ctl`` with ``settings`` (its first message) until it goes."""
    sys.argv = [sys.argv[0]]
    iso = harden.Isolation()
    off = set(settings.get("disable") or ())
    for layer in sorted(off):
        iso.notes.append(f"{layer}: disabled by the caller")
    if "network_namespace" not in off:
        iso.network_namespace = harden.enter_network_namespace()
        if not iso.network_namespace:
            iso.notes.append(
                "network namespace unavailable (needs root or unprivileged user namespaces): "
                "relying on seccomp to block sockets"
            )
    if "landlock" not in off:
        iso.landlock_abi = harden.landlock_abi()
        if not iso.landlock_abi:
            iso.notes.append(
                "Landlock unavailable (needs Linux >= 5.13 with the LSM enabled): "
                "filesystem writes are checked by an audit hook only"
            )
    if "seccomp" not in off:
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
    from codepercept.sandbox import child  # noqa: F401 - imported once, before any fork

    read_paths = _read_paths()
    slots = _SlotCgroups() if "cgroup" in off else _SlotCgroups.create(settings, iso)
    if "private_root" not in off:
        _enter_private_root(read_paths, iso)
    # Programs see only the import path that exists for them (no names of the caller's dirs).
    sys.path[:] = [p for p in sys.path if harden.covered(os.path.realpath(p), read_paths)]
    uid_base = 0 if "uid" in off else int(settings.get("uid_base") or 0)
    _probe(iso, read_paths, uid_base, int(settings.get("disk_mb") or 64), slots)
    if "pid_namespace" in off:
        iso.pid_namespace = False
    gc.collect()
    gc.freeze()
    send_message(
        ctl,
        {"type": "ready", "pid": os.getpid(), "isolation": iso.to_dict(), "cgroup": slots.tag},
    )
    context = _Context(iso, read_paths, uid_base, slots)
    return _route(ctl, context)


@dataclass
class _Context:
    """What every slot zygote needs to turn a request into a hardened child."""

    iso: harden.Isolation
    read_paths: list[str]
    uid_base: int
    slots: _SlotCgroups


def _wake_pipe() -> int:
    """SIGCHLD -> a non-blocking pipe (returned: its read end), so exits are noticed at once."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    return wake_r


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def _route(ctl: socket.socket, context: _Context) -> int:
    """The zygote's loop: hand each request to the *slot zygote* of its slot (forked on first
    use), relay their answers to the executor. A slot zygote joins its slot's cgroup once and
    forks that slot's children, which are born in the cgroup: moving a process into a cgroup
    costs a kernel RCU grace period (~13 ms per run here), a fork inside one costs nothing."""
    wake_r = _wake_pipe()
    subs: dict[int, tuple[socket.socket, int]] = {}  # slot -> (socket, pid)
    in_flight: dict[int, set[Any]] = {}  # slot -> request ids forked or pending there
    sel = selectors.DefaultSelector()
    sel.register(ctl, selectors.EVENT_READ, None)
    sel.register(wake_r, selectors.EVENT_READ, "wake")

    def lost(slot: int) -> None:
        """A slot zygote died: its children died with it (parent-death signal)."""
        sock, _pid = subs.pop(slot)
        with contextlib.suppress(KeyError, ValueError):
            sel.unregister(sock)
        sock.close()
        for rid in in_flight.pop(slot, set()):
            send_message(ctl, {"type": "error", "id": rid, "message": "sandbox slot process died"})

    while True:
        for key, _ in sel.select():
            if key.data == "wake":
                _drain(wake_r)
                while True:
                    try:
                        pid, _ = os.waitpid(-1, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid == 0:
                        break
                    for slot, (_sock, spid) in list(subs.items()):
                        if spid == pid:
                            lost(slot)
                continue
            if key.data is not None:  # a slot zygote's answer: relay it
                slot = key.data
                try:
                    msg, _ = recv_message(subs[slot][0])
                except (ProtocolError, OSError, KeyError):
                    msg = None
                if msg is None:
                    if slot in subs:
                        lost(slot)
                    continue
                if msg.get("type") in ("exit", "error"):
                    in_flight.get(slot, set()).discard(msg.get("id"))
                send_message(ctl, msg)
                continue
            try:
                msg, fds = recv_message(ctl, max_fds=4)
            except (ProtocolError, OSError):
                msg, fds = None, []
            if msg is None:  # executor gone: the slot zygotes take their children with them
                _stop_slots(subs)
                return 0
            try:
                slot = int(msg.get("slot") or 0)
                if slot < 0 or slot > 65535:
                    raise ValueError(f"bad slot {slot}")
                if slot not in subs:
                    subs[slot] = _fork_slot(ctl, slot, context, [s for s, _ in subs.values()], fds)
                    sel.register(subs[slot][0], selectors.EVENT_READ, slot)
                send_message(subs[slot][0], msg, fds)
                in_flight.setdefault(slot, set()).add(msg.get("id"))
            except (OSError, ProtocolError, TypeError, ValueError) as exc:
                send_message(ctl, {"type": "error", "id": msg.get("id"), "message": str(exc)})
            finally:
                for fd in fds:
                    os.close(fd)


def _stop_slots(subs: dict[int, tuple[socket.socket, int]]) -> None:
    """EOF to every slot zygote (each kills and reaps its children), then wait for them."""
    for sock, _pid in subs.values():
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
    for pid in _reap_all({pid for _sock, pid in subs.values()}):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _reap_all(pids: set[int], timeout_s: float = 5.0) -> set[int]:
    """Wait (at most ``timeout_s``) for these children to exit; return those still alive."""
    deadline = time.monotonic() + timeout_s
    while pids and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        pids.discard(pid)
    return pids


def _fork_slot(
    ctl: socket.socket,
    slot: int,
    context: _Context,
    others: list[socket.socket],
    held: list[int],
) -> tuple[socket.socket, int]:
    """Fork the slot zygote of ``slot``: it joins the slot's cgroup and serves that slot's
    requests until EOF (its children make themselves the OOM killer's first choice, so a run
    that exhausts the slot's memory is what gets killed, not the slot zygote). ``held``: descriptors the router holds right now
    (a request's pipes), which the slot zygote must not keep open."""
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            mine.close()
            ctl.close()
            for sock in others:
                sock.close()
            for fd in held:  # the request being routed: its pipes must close with its child
                os.close(fd)
            harden.set_parent_death_signal()
            for fd in context.slots.attach_fds(slot):
                os.write(fd, str(os.getpid()).encode())
            init = harden.enter_pid_namespace() if context.iso.pid_namespace else 0
            code = _serve_slot(theirs, slot, context, init)
        finally:
            os._exit(code)
    theirs.close()
    return mine, pid


def _serve_slot(sock: socket.socket, slot: int, context: _Context, init: int = 0) -> int:
    """A slot zygote's loop: fork one hardened child (or reusable worker) per request, report
    ``forked`` and, when it ends, ``exit`` (with the slot's OOM flag). ``init``: the pid of its
    PID namespace's init (0: none), stopped with the children at the end."""
    from codepercept.sandbox import child

    iso, slots = context.iso, context.slots
    wake_r = _wake_pipe()
    running: dict[int, tuple[Any, int]] = {}  # pid -> (request id, oom kills then)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ, "ctl")
    sel.register(wake_r, selectors.EVENT_READ, "wake")
    while True:
        for key, _ in sel.select():
            if key.data == "wake":
                _drain(wake_r)
                _reap(sock, running, slots, slot)
                continue
            try:
                msg, fds = recv_message(sock, max_fds=4)
            except (ProtocolError, OSError):
                msg, fds = None, []
            if msg is None:  # the zygote is going: take the children with us
                for pid in running:
                    with contextlib.suppress(OSError):
                        os.killpg(pid, signal.SIGKILL)
                if init:
                    with contextlib.suppress(OSError):
                        os.kill(init, signal.SIGKILL)
                # and wait for them, so the slot's cgroup is empty once we are gone
                _reap_all({*running, init} - {0})
                return 0
            kind = msg.get("type")
            try:
                if kind not in ("run", "worker") or len(fds) != 4:
                    raise ValueError("bad request")
                private = iso.private_root
                cfg = child.ChildConfig(
                    workdir=iso.scratch_path if private else str(msg["workdir"]),
                    dpi=float(msg["dpi"]),
                    timeout_s=float(msg["timeout_s"]),
                    memory_mb=int(msg["memory_mb"]),
                    max_pixels=int(msg["max_pixels"]),
                    max_figures=int(msg["max_figures"]),
                    fsize_mb=int(msg["fsize_mb"]),
                    read_paths=context.read_paths,
                    landlock_abi=iso.landlock_abi,
                    seccomp=iso.seccomp,
                    probes=[str(x) for x in msg.get("probes") or []],
                    png=str(msg.get("png") or "savefig"),
                    private_root=private,
                    disk_mb=int(msg.get("disk_mb") or 64),
                    uid=context.uid_base + slot if iso.uid is not None else None,
                    pids_max=int(msg.get("pids_max") or 256),
                    memfd=bool(iso.cgroup),
                )
                max_runs = max(1, int(msg.get("max_runs") or 1)) if kind == "worker" else 0
            except (KeyError, TypeError, ValueError) as exc:
                for fd in fds:
                    os.close(fd)
                send_message(sock, {"type": "error", "id": msg.get("id"), "message": str(exc)})
                continue
            oom_before = slots.oom_kills(slot)
            pid = os.fork()
            if pid == 0:
                _become_child(sock, fds, cfg, max_runs)
            for fd in fds:
                os.close(fd)
            running[pid] = (msg.get("id"), oom_before)
            send_message(sock, {"type": "forked", "id": msg.get("id"), "pid": pid})
            _reap(sock, running, slots, slot)


class _SlotCgroups:
    """The memory+pids cgroup of each concurrent slot, reached through descriptors opened
    before the zygote leaves the host's filesystem view (the private root has no /sys/fs/cgroup):
    a slot zygote writes its pid into its slot's ``cgroup.procs`` descriptors once, and reads
    the slot's OOM-kill counter when one of its children exits."""

    def __init__(self) -> None:
        self.tag = ""
        self.procs: list[list[int]] = []  # per slot: cgroup.procs fds (one per hierarchy)
        self.events: list[int] = []  # per slot: memory.events (v2) / memory.oom_control (v1)

    @classmethod
    def create(cls, settings: dict[str, Any], iso: harden.Isolation) -> _SlotCgroups:
        out = cls()
        n = int(settings.get("slots") or 0)
        if n < 1:
            return out
        try:
            from codepercept.sandbox import cgroup
        except ImportError:  # pragma: no cover - shipped with the package
            iso.notes.append("cgroup support is not installed")
            return out
        tag = f"codepercept-{os.getpid()}"
        memory = int(settings.get("cgroup_memory_mb") or 0) * 1024 * 1024
        pool, reason = cgroup.create_slots(n, memory, int(settings.get("pids_max") or 256), tag)
        if pool is None:
            iso.notes.append(
                f"no memory/pids cgroup: {reason}; memory is bounded by RLIMIT_AS, threads by "
                "RLIMIT_NPROC, and memfd_create is refused"
            )
            return out
        try:
            events = "memory.events" if pool.version == 2 else "memory.oom_control"
            for slot in pool.slots:
                out.procs.append(
                    [
                        os.open(os.path.join(d, "cgroup.procs"), os.O_WRONLY | os.O_CLOEXEC)
                        for d in slot.dirs
                    ]
                )
                path = os.path.join(slot.memory_dir, events)
                out.events.append(os.open(path, os.O_RDONLY | os.O_CLOEXEC))
        except OSError as exc:
            iso.notes.append(f"no memory/pids cgroup: cannot open the slot files ({exc})")
            pool.close()
            return cls()
        out.tag = tag
        iso.cgroup = f"v{pool.version}"
        return out

    def attach_fds(self, slot: int) -> list[int]:
        return list(self.procs[slot % len(self.procs)]) if self.procs else []

    def oom_kills(self, slot: int) -> int:
        if not self.events:
            return 0
        try:
            text = os.pread(self.events[slot % len(self.events)], 4096, 0).decode()
        except OSError:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0


def _enter_private_root(read_paths: list[str], iso: harden.Isolation) -> None:
    """Pivot into a root that holds only ``read_paths`` (see :func:`harden.build_private_root`),
    where the kernel allows it; otherwise say what it would need."""
    if not harden.IS_LINUX:
        iso.notes.append("no private root: Linux only; runs use a host temp directory")
        return
    import tempfile

    staging = tempfile.mkdtemp(prefix=f"cp-root-{os.getpid()}-")
    parent = os.open(os.path.dirname(staging), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        iso.scratch_path = harden.build_private_root(read_paths, staging)
    except OSError as exc:
        with contextlib.suppress(OSError):
            harden.umount(staging)
        iso.notes.append(
            f"no private root ({exc}; needs root, CAP_SYS_ADMIN or unprivileged user "
            "namespaces): runs use a host temp directory, other files are hidden by Landlock "
            "only and their metadata (stat) is visible"
        )
    else:
        iso.private_root = True
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(os.path.basename(staging), dir_fd=parent)
        os.close(parent)


def _probe(
    iso: harden.Isolation,
    read_paths: list[str],
    uid_base: int,
    disk_mb: int,
    slots: _SlotCgroups,
) -> None:
    """Apply each mechanism once in a throw-away child and keep (and report) only those that
    work on this kernel, so the isolation report is measured, not assumed, and children never
    fail on a mechanism the kernel refuses."""
    pid = os.fork()
    if pid == 0:
        failed = 0
        try:
            if not harden.enter_pid_namespace():
                failed |= 64
            if iso.private_root:
                try:
                    harden.enter_run_namespaces(disk_mb, uid_base or os.getuid(), iso.scratch_path)
                except OSError:
                    failed |= 8
            for fd in slots.attach_fds(0):
                try:
                    os.write(fd, str(os.getpid()).encode())
                except OSError:
                    failed |= 32
            harden.drop_bounding_capabilities()
            if uid_base and os.getuid() == 0:
                try:
                    harden.drop_to_uid(uid_base)
                except OSError:
                    failed |= 16
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
    failed = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 127
    if failed & 1:
        iso.landlock_abi = 0
        iso.notes.append("Landlock refused a ruleset: writes are checked by the audit hook only")
    iso.capabilities_dropped = not failed & 2
    if failed & 4:
        iso.seccomp = False
        iso.notes.append("the kernel refused the seccomp filter: relying on the other mechanisms")
    if iso.private_root:
        if failed & 8:
            iso.private_root = False
            iso.notes.append(
                "the kernel refused a per-run mount/IPC namespace: runs use a host temp directory"
            )
        else:
            iso.ipc_namespace = True
            iso.scratch = "tmpfs"
    if uid_base and os.getuid() == 0 and not failed & 16:
        iso.uid = uid_base
    elif not uid_base:
        pass  # disabled by the caller (noted above)
    elif os.getuid() != 0:
        iso.notes.append(
            "runs keep the caller's uid (an unprivileged uid per slot needs root); the other "
            "layers still apply"
        )
    else:
        iso.notes.append("the kernel refused an unprivileged uid per slot: runs stay uid 0")
    if failed & 64:
        iso.notes.append(
            "no PID namespace per slot (needs root or user namespaces): other processes are "
            "hidden from /proc and cannot be signalled, but their pids can be probed"
        )
    else:
        iso.pid_namespace = True
    if failed & 32:
        iso.cgroup = ""
        slots.procs, slots.events = [], []
        iso.notes.append("could not move a process into a slot cgroup: no memory/pids cgroup")


def _reap(sock: socket.socket, running: dict[int, Any], slots: _SlotCgroups, slot: int) -> None:
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        entry = running.pop(pid, None)
        if entry is None:
            continue
        rid, oom_before = entry
        oom = slots.oom_kills(slot) > oom_before
        send_message(sock, {"type": "exit", "id": rid, "pid": pid, "status": status, "oom": oom})


def _become_child(ctl: socket.socket, fds: list[int], cfg: Any, max_runs: int) -> None:
    """In the forked child: stdio and the result pipe on fixed descriptors (0-3; on 4 the
    program's source, or a worker's request pipe), nothing else open; then run (never
    returns)."""
    import fcntl

    from codepercept.sandbox import child

    exit_now = os._exit  # the program may replace os._exit; keep the real one
    try:
        os.setsid()
        harden.set_parent_death_signal()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        ctl.close()
        # Move the received fds out of the way first, so no dup2 below overwrites another;
        # then nothing else of the zygote's stays open.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 1000) for fd in fds]
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        for target, fd in zip((3, 1, 2, 4), high, strict=True):
            os.dup2(fd, target)
        os.closerange(5, 65536)
        # The OOM killer's first choice, in its slot's cgroup (where the slot zygote also
        # lives) and on the host: raising one's own score needs no privilege.
        with contextlib.suppress(OSError):
            adj = os.open("/proc/self/oom_score_adj", os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.write(adj, b"1000")
            finally:
                os.close(adj)
        if max_runs:
            child.run_worker(cfg, 3, 4, max_runs)
        child.run_child(cfg, 3)
    finally:
        exit_now(70)
