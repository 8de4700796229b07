"""Per-slot cgroups: account and cap the memory and the task count of each sandbox slot.

A *slot* is one concurrent run position (an executor with N workers has N slots). Every slot
gets its own cgroup, created once by :func:`create_slots`; each sandbox child (or reusable
worker) is moved into its slot's cgroup with :meth:`Slot.attach`, and sequential runs in the
same slot reuse it, so the set-up is paid once per slot, not once per run.

What the cgroup adds over RLIMIT_AS: the memory controller charges *every* page the slot's
processes cause — anonymous memory, but also shmem, memfd and tmpfs pages and the page cache
— so a program that writes 1 GiB into a ``memfd_create`` file (invisible to RLIMIT_AS, which
only counts the address space) is OOM-killed at the slot's limit instead of eating the host's
memory. The pids controller caps processes *and threads*, which RLIMIT_NPROC cannot do per run.

Layout (``tag`` is the caller's, e.g. ``f"codepercept-{os.getpid()}"``)::

    cgroup v2:  <parent>/<tag>/slot-0 ... slot-<n-1>      one directory per slot
    cgroup v1:  <memory parent>/<tag>/slot-K  and  <pids parent>/<tag>/slot-K

Where the pool goes is found from ``/proc/self/mountinfo`` and ``/proc/self/cgroup``, never
from hard-coded paths:

* v2 (a ``cgroup2`` mount whose root offers the memory and pids controllers): the hierarchy
  root if we may write there (root user), else the parent of our own cgroup if it is delegated
  to us (writable). The controllers are enabled in the parent's ``cgroup.subtree_control`` if
  they are not already — never in a (non-root) cgroup that has processes in it, which the
  kernel's no-internal-process rule forbids — and always in the pool's.
* v1 (``cgroup`` mounts carrying ``memory`` and ``pids``): under our own cgroup in each
  hierarchy (v1 has no no-internal-process rule, and nesting keeps an enclosing container's
  limits in force), else under the hierarchy's root.

Limits per slot: v2 ``memory.max`` (and ``memory.swap.max`` = 0 where it exists) and
``pids.max``; v1 ``memory.limit_in_bytes`` (and ``memory.memsw.limit_in_bytes``, the same
value, where it exists), ``pids.max``, and the OOM killer left enabled in
``memory.oom_control`` (v1 children inherit ``oom_kill_disable`` from their parent).

Everything degrades: where no cgroup can be created (macOS, no cgroup filesystem, read-only
``/sys/fs/cgroup``, not root and nothing delegated) :func:`create_slots` returns
``(None, reason)``. No exception escapes :func:`create_slots`, :meth:`CgroupSlots.close`,
:func:`sweep_stale`, :func:`describe`, :meth:`Slot.oom_kills`, :meth:`Slot.memory_peak`,
:meth:`Slot.reset_peak` or :meth:`Slot.kill_all`; only :meth:`Slot.attach` raises (OSError).

Cleanup: cgroup directories are removed with ``rmdir`` only (the kernel removes a cgroup's
interface files with it); a cgroup with a live process in it cannot be removed, and is then
left in place and logged. Only directories this module names (``<tag>`` and ``slot-<K>``) are
ever removed; nothing recurses over directories we did not create. A pool whose creator was
SIGKILLed stays behind until :func:`sweep_stale` removes it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import signal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["CgroupSlots", "Slot", "create_slots", "describe", "sweep_stale"]

log = logging.getLogger(__name__)

#: The controllers every slot needs.
CONTROLLERS = ("memory", "pids")

_SLOT_RE = re.compile(r"slot-[0-9]+")
_HINT = (
    "run as root or under a delegated systemd scope (systemd-run --user --scope -p Delegate=yes)"
)
_HINT_V1 = "run as root (or chown a cgroup in the memory and pids hierarchies to this user)"

#: Pool directories created by this process and not yet removed (so that a pool found under our
#: own tag that is *not* in here is known to be a stale one from an earlier process whose PID we
#: now reuse).
_LIVE_POOLS: set[str] = set()

# (file name, value, required): a missing optional file is skipped.
_Limits = Sequence[tuple[str, str, bool]]


# --------------------------------------------------------------------------------------------
# Small file helpers


def _write(path: str, data: str) -> None:
    """Write ``data`` to a cgroup interface file in one write(2); raises OSError."""
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, data.encode())
    finally:
        os.close(fd)


def _read(path: str) -> str:
    with open(path, encoding="ascii", errors="replace") as f:
        return f.read()


def _read_keyed(path: str) -> dict[str, int]:
    """Parse a flat-keyed file (``key value`` per line, e.g. memory.events) into a dict."""
    out: dict[str, int] = {}
    for line in _read(path).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            out[parts[0]] = int(parts[1])
    return out


def _read_pids(path: str) -> list[int]:
    """The PIDs listed in a ``cgroup.procs`` file ([] if it cannot be read)."""
    try:
        return [int(x) for x in _read(path).split() if x.isdigit()]
    except OSError:
        return []


def _rmdir(path: str) -> bool:
    """rmdir ``path``; True if it is gone (removed now or already absent). Never raises."""
    try:
        os.rmdir(path)
    except FileNotFoundError:
        return True
    except OSError as e:
        log.warning("cgroup %s left in place: %s", path, e.strerror or e)
        return False
    return True


def _remove_pool_dir(pool: str) -> bool:
    """Remove ``pool`` and its ``slot-K`` subdirectories (only those; no recursion beyond)."""
    try:
        names = os.listdir(pool)
    except FileNotFoundError:
        return True
    except OSError as e:
        log.warning("cannot list cgroup %s: %s", pool, e.strerror or e)
        return False
    for name in names:
        sub = os.path.join(pool, name)
        if _SLOT_RE.fullmatch(name) and os.path.isdir(sub):
            _rmdir(sub)
    return _rmdir(pool)


# --------------------------------------------------------------------------------------------
# Discovery: mounts, our own cgroups


@dataclass(frozen=True)
class _Mount:
    """One cgroup mount: where it is, which cgroup it shows as its root, what it carries."""

    mountpoint: str
    root: str  # the cgroup shown at mountpoint ("/" unless a subtree was bind-mounted)
    fstype: str  # "cgroup" (v1) or "cgroup2"
    options: frozenset[str]  # mount and super options: v1 controllers appear here


def _unescape(s: str) -> str:
    """Undo the octal escapes (\\040 and friends) of /proc mount tables."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)


def _read_mounts() -> list[_Mount]:
    """The cgroup (v1) and cgroup2 mounts of this process, from /proc/self/mountinfo.

    Falls back to /proc/mounts (roots then unknown, taken as "/"); [] where neither can be read
    (not Linux). A mount later in the table that shadows an earlier one at the same mount point
    replaces it.
    """
    found: dict[str, _Mount] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                left, sep, right = line.partition(" - ")
                if not sep:
                    continue
                a, b = left.split(), right.split()
                if len(a) < 6 or len(b) < 3 or b[0] not in ("cgroup", "cgroup2"):
                    continue
                opts = frozenset(a[5].split(",")) | frozenset(b[2].split(","))
                mp = _unescape(a[4])
                found[mp] = _Mount(mp, _unescape(a[3]), b[0], opts)
        return list(found.values())
    except OSError:
        pass
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as f:
            for line in f:
                p = line.split()
                if len(p) >= 4 and p[2] in ("cgroup", "cgroup2"):
                    mp = _unescape(p[1])
                    found[mp] = _Mount(mp, "/", p[2], frozenset(p[3].split(",")))
    except OSError:
        return []
    return list(found.values())


def _read_proc_cgroup() -> dict[str, str]:
    """Our own cgroup paths from /proc/self/cgroup: "" -> the v2 path, controller -> v1 path."""
    out: dict[str, str] = {}
    try:
        text = _read("/proc/self/cgroup")
    except OSError:
        return out
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hid, ctrls, path = parts
        if hid == "0" and ctrls == "":
            out[""] = path
        else:
            for c in ctrls.split(","):
                if c:
                    out[c] = path
    return out


def _own_dir(mount: _Mount, own: str | None) -> str:
    """The directory of our own cgroup inside ``mount`` (the mount point if it cannot be mapped)."""
    if not own or not own.startswith("/") or "/.." in own or own.endswith(" (deleted)"):
        return mount.mountpoint
    root = mount.root.rstrip("/")
    if own == root or own.startswith(root + "/"):
        rel = own[len(root) :].strip("/")
        path = os.path.join(mount.mountpoint, rel) if rel else mount.mountpoint
        if os.path.isdir(path):
            return path
    return mount.mountpoint


def _controllers_v2(path: str) -> set[str]:
    try:
        return set(_read(os.path.join(path, "cgroup.controllers")).split())
    except OSError:
        return set()


@dataclass
class _Host:
    """What the cgroup filesystems of this host offer us (discovery only; nothing is written)."""

    version: int = 0  # 2, 1, or 0 (no cgroup filesystem)
    memory: bool = False
    pids: bool = False
    v2_mount: _Mount | None = None
    v2_own: str = ""  # our own cgroup's directory in the v2 mount
    v1: dict[str, tuple[_Mount, str]] = field(default_factory=dict)  # controller -> (mount, own)

    def v2_parents(self) -> list[str]:
        """Where a v2 pool may go, best first: the hierarchy root, then our cgroup's parent."""
        if self.v2_mount is None:
            return []
        out = [self.v2_mount.mountpoint]
        if os.path.normpath(self.v2_own) != os.path.normpath(self.v2_mount.mountpoint):
            parent = os.path.dirname(os.path.normpath(self.v2_own))
            if parent not in out:
                out.append(parent)
        return out

    def v1_parents(self, controller: str) -> list[str]:
        """Where a v1 pool may go in ``controller``'s hierarchy: our own cgroup, then the root."""
        if controller not in self.v1:
            return []
        mount, own = self.v1[controller]
        return list(dict.fromkeys([own, mount.mountpoint]))


def _detect() -> _Host:
    """Find the cgroup mounts and our place in them. Never raises."""
    host = _Host()
    try:
        mounts = _read_mounts()
        own = _read_proc_cgroup()
        v2 = [m for m in mounts if m.fstype == "cgroup2" and os.path.isdir(m.mountpoint)]
        v2_offer: set[str] = set()
        if v2:
            # Prefer the mount whose root contains our own cgroup, then the shortest root.
            v2.sort(key=lambda m: (m.root != "/", len(m.root)))
            host.v2_mount = v2[0]
            host.v2_own = _own_dir(v2[0], own.get(""))
            v2_offer = _controllers_v2(v2[0].mountpoint) & set(CONTROLLERS)
        for c in CONTROLLERS:
            ms = [
                m
                for m in mounts
                if m.fstype == "cgroup" and c in m.options and os.path.isdir(m.mountpoint)
            ]
            if ms:
                ms.sort(key=lambda m: (m.root != "/", len(m.root)))
                host.v1[c] = (ms[0], _own_dir(ms[0], own.get(c)))
        v1_offer = set(host.v1)
        if v2_offer == set(CONTROLLERS) or (v2_offer and not v1_offer):
            host.version, offer = 2, v2_offer
        elif v1_offer:
            host.version, offer = 1, v1_offer
        else:
            host.version, offer = (2 if v2 else 1 if mounts else 0), set()
        host.memory, host.pids = "memory" in offer, "pids" in offer
    except Exception as e:  # discovery must never take the caller down
        log.debug("cgroup discovery failed: %r", e)
    return host


# --------------------------------------------------------------------------------------------
# Slots and pools


class Slot:
    """One slot's cgroup (v2: one directory; v1: one per controller hierarchy).

    Attributes:
        index: the slot's position in its pool (0 .. n-1).
        version: 1 or 2.
        dirs: the slot's cgroup directories (v2: one; v1: memory's, then pids' if separate).
        memory_dir / pids_dir: the directory that holds each controller's files.

    Made by :func:`create_slots`; a process that did not create the pool (the zygote, which
    forks the children) rebuilds one with ``Slot.from_dict(slot.to_dict())`` and may then
    :meth:`attach`, read and kill, but only the pool's :meth:`CgroupSlots.close` removes it.
    """

    __slots__ = ("_peak_fd", "_procs_files", "dirs", "index", "memory_dir", "pids_dir", "version")

    def __init__(self, index: int, version: int, memory_dir: str, pids_dir: str) -> None:
        self.index = index
        self.version = version
        self.memory_dir = memory_dir
        self.pids_dir = pids_dir
        self.dirs: tuple[str, ...] = tuple(dict.fromkeys([memory_dir, pids_dir]))
        # Precomputed so that attach() in a freshly forked child does no path work.
        self._procs_files = tuple(os.path.join(d, "cgroup.procs").encode() for d in self.dirs)
        self._peak_fd = -1

    def __repr__(self) -> str:
        return f"Slot(index={self.index}, version={self.version}, dirs={list(self.dirs)!r})"

    def to_dict(self) -> dict[str, object]:
        """What another process (e.g. the zygote) needs to rebuild this slot: plain JSON."""
        return {
            "index": self.index,
            "version": self.version,
            "memory_dir": self.memory_dir,
            "pids_dir": self.pids_dir,
        }

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Slot:
        """The inverse of :meth:`to_dict` (creates nothing: the cgroups must exist)."""
        index, version = int(str(d["index"])), int(str(d["version"]))
        return cls(index, version, str(d["memory_dir"]), str(d["pids_dir"]))

    def attach(self, pid: int) -> None:
        """Move process ``pid`` (all its threads) into this slot; 0 means the calling process.

        Works from the parent (with the child's PID) and from a freshly forked child (with its
        own PID, before it drops root privileges). One small write per hierarchy (v2: one; v1:
        memory and pids), no imports, no allocation beyond the PID's bytes. Memory the process
        already had stays charged where it was; everything it allocates from now on is charged
        here. Raises OSError on failure (on v1 the process may then be in the memory cgroup
        but not the pids one: treat any failure as fatal for that child).
        """
        data = b"%d" % pid
        for path in self._procs_files:
            fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    def procs(self) -> list[int]:
        """The PIDs in this slot now (v1: the union over its hierarchies); [] on error."""
        pids: dict[int, None] = {}
        for d in self.dirs:
            for p in _read_pids(os.path.join(d, "cgroup.procs")):
                pids[p] = None
        return list(pids)

    def oom_kills(self) -> int:
        """How many processes the OOM killer has killed in this slot since it was created.

        v2: the ``oom_kill`` count of ``memory.events``. v1: the ``oom_kill`` line of
        ``memory.oom_control`` (Linux >= 4.13); where the kernel lacks it, ``memory.failcnt``
        (plus ``memory.memsw.failcnt``) is returned instead — that counts how often usage hit
        the limit, not kills, so it is only a signal ("the limit was reached"), not a count.
        Compare the value before and after a run. 0 if nothing can be read; never raises.
        """
        try:
            if self.version == 2:
                return _read_keyed(os.path.join(self.memory_dir, "memory.events")).get(
                    "oom_kill", 0
                )
            keyed = _read_keyed(os.path.join(self.memory_dir, "memory.oom_control"))
            if "oom_kill" in keyed:
                return keyed["oom_kill"]
            total = 0
            for name in ("memory.failcnt", "memory.memsw.failcnt"):
                with contextlib.suppress(OSError, ValueError):
                    total += int(_read(os.path.join(self.memory_dir, name)).strip())
            return total
        except Exception as e:
            log.debug("oom_kills(%s): %r", self.memory_dir, e)
            return 0

    def memory_current(self) -> int | None:
        """Bytes charged to this slot now (v1 memory.usage_in_bytes, v2 memory.current)."""
        name = "memory.current" if self.version == 2 else "memory.usage_in_bytes"
        try:
            return int(_read(os.path.join(self.memory_dir, name)).strip())
        except Exception:
            return None

    def memory_peak(self) -> int | None:
        """The most bytes charged to this slot since creation or :meth:`reset_peak`.

        v1 ``memory.max_usage_in_bytes``; v2 ``memory.peak`` (Linux >= 5.19; read through the
        descriptor :meth:`reset_peak` opened, if any, since a v2 reset is per descriptor).
        None where the kernel does not expose it; never raises.
        """
        try:
            if self.version == 2 and self._peak_fd >= 0:
                return int(os.pread(self._peak_fd, 64, 0).split()[0])
            name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
            return int(_read(os.path.join(self.memory_dir, name)).strip())
        except Exception:
            return None

    def reset_peak(self) -> None:
        """Restart :meth:`memory_peak` from the current usage; best effort, never raises.

        v1: writes 0 to ``memory.max_usage_in_bytes``. v2 (Linux >= 6.12): writes to
        ``memory.peak``, which resets the peak *for that open descriptor only*, so the slot
        keeps the descriptor (O_CLOEXEC) open until the pool is closed and reads the peak
        through it. A process forked after the first reset inherits that descriptor; close it
        in the child if that matters.
        """
        try:
            if self.version == 1:
                _write(os.path.join(self.memory_dir, "memory.max_usage_in_bytes"), "0")
                return
            if self._peak_fd < 0:
                path = os.path.join(self.memory_dir, "memory.peak")
                self._peak_fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
            try:
                os.write(self._peak_fd, b"reset\n")
            except OSError:
                self._close_peak_fd()  # the kernel cannot reset: read the global peak again
        except Exception as e:
            log.debug("reset_peak(%s): %r", self.memory_dir, e)

    def _close_peak_fd(self) -> None:
        if self._peak_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._peak_fd)
            self._peak_fd = -1

    def kill_all(self) -> None:
        """SIGKILL every process in this slot; best effort, never raises, does not wait.

        v2 with ``cgroup.kill`` (Linux >= 5.14): one write, which the kernel applies to every
        process in the cgroup atomically (no fork can escape it). Otherwise the PIDs listed in
        ``cgroup.procs`` are signalled through pidfds that are opened first and then checked
        against a second reading of ``cgroup.procs``, so a PID recycled by an unrelated
        process in between is not killed (a few passes, for processes forked meanwhile).
        """
        try:
            if self.version == 2:
                kill_file = os.path.join(self.dirs[0], "cgroup.kill")
                if os.path.exists(kill_file):
                    try:
                        _write(kill_file, "1")
                        return
                    except OSError as e:
                        log.debug("cgroup.kill(%s): %r", kill_file, e)
            for _ in range(4):
                pids = self.procs()
                if not pids:
                    return
                _kill_verified(pids, self.procs)
        except Exception as e:
            log.warning("kill_all(slot %d) failed: %r", self.index, e)


def _kill_verified(pids: Iterable[int], current: Callable[[], list[int]]) -> None:
    """SIGKILL ``pids`` that are still listed by ``current()`` after a pidfd is held on them."""
    fds: dict[int, int] = {}
    pidfd_open = getattr(os, "pidfd_open", None)
    send = getattr(signal, "pidfd_send_signal", None)
    try:
        for pid in pids:
            if pidfd_open is None or send is None:
                fds[pid] = -1
                continue
            try:
                fds[pid] = pidfd_open(pid)
            except ProcessLookupError:
                continue
            except OSError:
                fds[pid] = -1  # no pidfd support: plain kill below
        still = set(current())
        for pid, fd in fds.items():
            if pid not in still:
                continue
            with contextlib.suppress(OSError):
                if fd >= 0 and send is not None:
                    send(fd, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
    finally:
        for fd in fds.values():
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)


@dataclass
class CgroupSlots:
    """A pool of slot cgroups made by :func:`create_slots`.

    Attributes:
        version: 1 or 2.
        root: the pool directories created (v2: one; v1: one per controller hierarchy).
        slots: one :class:`Slot` per concurrent run position.
    """

    version: int
    root: list[str]
    slots: list[Slot]

    def close(self) -> None:
        """Remove the slot directories, then the pool directories. Never raises; kills nothing.

        A cgroup that still has a process in it cannot be removed: it is left in place and a
        warning is logged (:meth:`leftover` lists what remains). Calling close() again retries
        whatever is left (kill the processes first with :meth:`Slot.kill_all`) and is a no-op
        once everything is gone.
        """
        try:
            for slot in self.slots:
                slot._close_peak_fd()
                for d in reversed(slot.dirs):
                    _rmdir(d)
            for pool in self.root:
                if _rmdir(pool):
                    _LIVE_POOLS.discard(pool)
        except Exception as e:
            log.warning("closing cgroup pool %s: %r", self.root, e)

    def leftover(self) -> list[str]:
        """The directories of this pool that still exist (empty after a complete close())."""
        dirs = [d for s in self.slots for d in s.dirs] + list(self.root)
        return [d for d in dirs if os.path.isdir(d)]

    def __enter__(self) -> CgroupSlots:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
# Creation


def _make_pool_dir(pool: str) -> None:
    """mkdir the pool directory; reclaim a stale one left by an earlier process with our PID."""
    try:
        os.mkdir(pool)
        return
    except FileExistsError:
        live = pool in _LIVE_POOLS
    if live:
        raise OSError(errno.EEXIST, "a pool with this tag already exists in this process", pool)
    # Same tag, not made by this process: the PID in the tag was reused (the earlier owner is
    # dead), so it is stale. Remove it if it is empty, then try again.
    log.info("reclaiming stale cgroup pool %s", pool)
    if not _remove_pool_dir(pool):
        raise OSError(errno.EBUSY, "a stale pool with this tag has live processes in it", pool)
    os.mkdir(pool)


def _set_limits(d: str, limits: _Limits) -> None:
    for name, value, required in limits:
        path = os.path.join(d, name)
        if not required and not os.path.exists(path):
            continue
        try:
            _write(path, value)
        except OSError as e:
            if required:
                raise OSError(e.errno, f"cannot set {name}={value}: {e.strerror}", path) from e
            log.warning("cgroup %s: cannot set %s=%s: %s", d, name, value, e.strerror)


def _ensure_subtree(parent: str, controllers: Sequence[str]) -> None:
    """Make sure ``parent`` hands ``controllers`` down to its children; raises OSError.

    Writes ``cgroup.subtree_control`` only where a controller is missing, and refuses (the
    kernel would too) in a non-root cgroup that has processes of its own.
    """
    have = set(_read(os.path.join(parent, "cgroup.subtree_control")).split())
    missing = [c for c in controllers if c not in have]
    if not missing:
        return
    is_root = not os.path.exists(os.path.join(parent, "cgroup.type"))
    if not is_root and _read_pids(os.path.join(parent, "cgroup.procs")):
        raise OSError(
            errno.EBUSY,
            f"{'/'.join(missing)} not enabled in its cgroup.subtree_control and it holds "
            "processes (no-internal-process rule)",
            parent,
        )
    log.info("enabling %s in %s/cgroup.subtree_control", " ".join(missing), parent)
    _write(os.path.join(parent, "cgroup.subtree_control"), " ".join("+" + c for c in missing))


def _build_v2(
    parent: str, tag: str, n: int, controllers: Sequence[str], limits: _Limits
) -> CgroupSlots:
    """Create ``parent/tag/slot-K`` (v2) with ``controllers`` enabled and ``limits`` set.

    Raises OSError after removing whatever it created.
    """
    if controllers:
        _ensure_subtree(parent, controllers)
    pool = os.path.join(parent, tag)
    _make_pool_dir(pool)
    created = [pool]
    try:
        if controllers:
            _write(
                os.path.join(pool, "cgroup.subtree_control"),
                " ".join("+" + c for c in controllers),
            )
        slots = []
        for i in range(n):
            d = os.path.join(pool, f"slot-{i}")
            os.mkdir(d)
            created.append(d)
            _set_limits(d, limits)
            slots.append(Slot(i, 2, d, d))
    except BaseException:
        for d in reversed(created):
            _rmdir(d)
        raise
    _LIVE_POOLS.add(pool)
    return CgroupSlots(2, [pool], slots)


def _build_v1(parents: dict[str, str], tag: str, n: int, limits: dict[str, _Limits]) -> CgroupSlots:
    """Create ``<parent of each controller>/tag/slot-K`` (v1) with ``limits`` per controller.

    ``parents`` maps each controller to its pool parent; controllers co-mounted in one
    hierarchy share one directory. Raises OSError after removing whatever it created.
    """
    pools = {c: os.path.join(p, tag) for c, p in parents.items()}
    unique = list(dict.fromkeys(pools.values()))
    created: list[str] = []
    try:
        for pool in unique:
            _make_pool_dir(pool)
            created.append(pool)
        slots = []
        for i in range(n):
            dirs = {c: os.path.join(pool, f"slot-{i}") for c, pool in pools.items()}
            for d in dict.fromkeys(dirs.values()):
                os.mkdir(d)
                created.append(d)
            for c, d in dirs.items():
                _set_limits(d, limits.get(c, ()))
            mem = dirs["memory"]
            # v1 children inherit oom_kill_disable from their parent: make sure it is off, or a
            # process at the limit would hang instead of being killed.
            oc = _read_keyed(os.path.join(mem, "memory.oom_control"))
            if oc.get("oom_kill_disable", 0):
                _write(os.path.join(mem, "memory.oom_control"), "0")
            slots.append(Slot(i, 1, mem, dirs["pids"]))
    except BaseException:
        for d in reversed(created):
            _rmdir(d)
        raise
    _LIVE_POOLS.update(unique)
    return CgroupSlots(1, unique, slots)


def _writable(path: str) -> bool:
    return os.access(path, os.W_OK | os.X_OK)


def _why(e: OSError) -> str:
    return e.strerror or str(e)


def create_slots(
    n: int, memory_bytes: int, pids_max: int, tag: str
) -> tuple[CgroupSlots | None, str]:
    """Create a pool of ``n`` slot cgroups under a codepercept-owned parent named ``tag``.

    Each slot is limited to ``memory_bytes`` of memory (anonymous, shmem/memfd/tmpfs and page
    cache alike; no swap where the kernel lets us say so) and ``pids_max`` tasks (processes and
    threads). ``tag`` must be one path component, unique among live pools, e.g.
    ``f"codepercept-{os.getpid()}"`` (the form :func:`sweep_stale` understands). Where the
    pool goes and how the limits are spelt is in the module docstring.

    Returns ``(pool, "")`` on success, or ``(None, reason)`` where ``reason`` is one line that
    says why not and what would make it work. Never raises.
    """
    try:
        if not isinstance(n, int) or n < 1:
            return None, f"n must be a positive integer, got {n!r}"
        if not isinstance(memory_bytes, int) or memory_bytes < 1:
            return None, f"memory_bytes must be a positive integer, got {memory_bytes!r}"
        if not isinstance(pids_max, int) or pids_max < 1:
            return None, f"pids_max must be a positive integer, got {pids_max!r}"
        if not tag or tag in (".", "..") or "/" in tag or "\0" in tag or "\n" in tag:
            return None, f"tag must be a single path component, got {tag!r}"
        host = _detect()
        if host.version == 0:
            return None, (
                "no cgroup filesystem in this process's mount table (not Linux, or /sys/fs/cgroup "
                "is not mounted in this container): memory and task limits rest on rlimits only"
            )
        if host.version == 2 and host.memory and host.pids:
            return _create_v2(host, n, memory_bytes, pids_max, tag)
        if host.version == 1 and host.memory and host.pids:
            return _create_v1(host, n, memory_bytes, pids_max, tag)
        missing = [c for c in CONTROLLERS if not getattr(host, c)]
        return None, (
            f"no cgroup hierarchy offers the {' and '.join(missing)} controller"
            f"{'s' if len(missing) > 1 else ''} (cgroup v{host.version} mounted): enable them "
            "(cgroup v2: in the parent's cgroup.subtree_control) or " + _HINT
        )
    except Exception as e:  # a bug or a kernel surprise must not take the executor down
        log.warning("create_slots failed unexpectedly: %r", e)
        return None, f"cgroup set-up failed unexpectedly: {e!r}"


def _create_v2(
    host: _Host, n: int, memory_bytes: int, pids_max: int, tag: str
) -> tuple[CgroupSlots | None, str]:
    limits: _Limits = [
        ("memory.max", str(memory_bytes), True),
        ("memory.swap.max", "0", False),
        ("pids.max", str(pids_max), True),
    ]
    tried: list[str] = []
    for parent in host.v2_parents():
        if not _writable(parent) or not os.access(os.path.join(parent, "cgroup.procs"), os.W_OK):
            tried.append(f"{parent}: not writable")
            continue
        missing = [c for c in CONTROLLERS if c not in _controllers_v2(parent)]
        if missing:
            tried.append(f"{parent}: no {'/'.join(missing)} in cgroup.controllers")
            continue
        try:
            pool = _build_v2(parent, tag, n, CONTROLLERS, limits)
        except OSError as e:
            tried.append(f"{e.filename or parent}: {_why(e)}")
            continue
        log.info(
            "cgroup v2 pool %s: %d slots, memory.max=%d pids.max=%d",
            pool.root[0], n, memory_bytes, pids_max,
        )  # fmt: skip
        return pool, ""
    return None, (
        "no writable cgroup v2 with the memory and pids controllers ("
        + "; ".join(tried or ["no candidate directory"])
        + "): "
        + _HINT
    )


def _create_v1(
    host: _Host, n: int, memory_bytes: int, pids_max: int, tag: str
) -> tuple[CgroupSlots | None, str]:
    limits: dict[str, _Limits] = {
        "memory": [
            ("memory.limit_in_bytes", str(memory_bytes), True),
            # memsw (memory + swap) must be >= the memory limit, so it is written second.
            ("memory.memsw.limit_in_bytes", str(memory_bytes), False),
        ],
        "pids": [("pids.max", str(pids_max), True)],
    }
    parents: dict[str, str] = {}
    tried: list[str] = []
    for c in CONTROLLERS:
        for p in host.v1_parents(c):
            if _writable(p):
                parents[c] = p
                break
            tried.append(f"{p}: not writable")
    if len(parents) < len(CONTROLLERS):
        return None, (
            "no writable cgroup v1 memory and pids hierarchies ("
            + "; ".join(tried)
            + "): "
            + _HINT_V1
        )
    try:
        pool = _build_v1(parents, tag, n, limits)
    except OSError as e:
        return None, f"cgroup v1 set-up failed at {e.filename or '?'}: {_why(e)}: {_HINT_V1}"
    log.info(
        "cgroup v1 pools %s: %d slots, memory limit %d, pids.max %d",
        pool.root, n, memory_bytes, pids_max,
    )  # fmt: skip
    return pool, ""


# --------------------------------------------------------------------------------------------
# Stale pools, host description


def _pool_parents(host: _Host) -> list[str]:
    """Every directory create_slots would put a pool in, on either cgroup version."""
    out = list(host.v2_parents())
    for c in CONTROLLERS:
        out += host.v1_parents(c)
    return list(dict.fromkeys(os.path.normpath(p) for p in out))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True  # when in doubt, keep the pool
    return True


def sweep_stale(prefix: str = "codepercept-") -> int:
    """Remove pools named ``prefix`` + PID whose PID no longer exists; return how many.

    A SIGKILLed executor cannot clean up after itself: call this before :func:`create_slots`.
    Looks in every directory create_slots would use (both cgroup versions), removes each stale
    pool's ``slot-K`` subdirectories and then the pool with rmdir, and counts the pool
    directories removed (on v1 one pool has one directory per controller hierarchy). A pool
    whose slots still hold processes cannot be removed and is left (and logged); nothing is
    killed. Pools whose PID is alive (this process's own included) are left alone; a stale pool
    that carries this process's PID (a reused PID) is reclaimed by create_slots instead.
    Caveat: liveness is judged in this PID namespace — processes in different PID namespaces
    that share one cgroup hierarchy must use distinct prefixes. Never raises.
    """
    removed = 0
    try:
        pat = re.compile(re.escape(prefix) + r"([0-9]+)")
        for parent in _pool_parents(_detect()):
            try:
                names = os.listdir(parent)
            except OSError:
                continue
            for name in names:
                m = pat.fullmatch(name)
                path = os.path.join(parent, name)
                if not m or path in _LIVE_POOLS or not os.path.isdir(path):
                    continue
                pid = int(m.group(1))
                if pid == os.getpid() or _pid_alive(pid):
                    continue
                if _remove_pool_dir(path):
                    log.info("removed stale cgroup pool %s", path)
                    removed += 1
    except Exception as e:
        log.warning("sweep_stale failed: %r", e)
    return removed


def describe() -> dict[str, object]:
    """What this host offers, without creating anything.

    Returns ``{"version": 2 | 1 | 0, "memory": bool, "pids": bool, "writable": bool,
    "reason": str}``: the cgroup version whose controllers :func:`create_slots` would use (0:
    no cgroup filesystem), whether it offers the memory and pids controllers, whether a
    directory it would create the pool in is writable by us, and "" or one line saying why
    create_slots would fail (a writable directory can still fail later, e.g. when controllers
    cannot be enabled). Never raises.
    """
    out: dict[str, object] = {
        "version": 0,
        "memory": False,
        "pids": False,
        "writable": False,
        "reason": "",
    }
    try:
        host = _detect()
        out.update(version=host.version, memory=host.memory, pids=host.pids)
        if host.version == 2:
            writable = any(
                _writable(p) and os.access(os.path.join(p, "cgroup.procs"), os.W_OK)
                for p in host.v2_parents()
            )
        elif host.version == 1:
            writable = all(any(_writable(p) for p in host.v1_parents(c)) for c in host.v1)
            writable = writable and bool(host.v1)
        else:
            writable = False
        out["writable"] = writable
        if host.version == 0:
            out["reason"] = "no cgroup filesystem mounted"
        elif not (host.memory and host.pids):
            missing = [c for c in CONTROLLERS if not getattr(host, c)]
            out["reason"] = f"cgroup v{host.version} without {'/'.join(missing)}: " + _HINT
        elif not writable:
            hint = _HINT if host.version == 2 else _HINT_V1
            out["reason"] = f"cgroup v{host.version} is not writable by us: " + hint
    except Exception as e:
        out["reason"] = f"cgroup discovery failed: {e!r}"
    return out
