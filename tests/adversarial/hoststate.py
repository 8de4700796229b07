"""Host-side state the adversarial corpus must leave untouched, and the fixtures it attacks.

The corpus programs (``programs/``) attack things outside their own process: SysV IPC objects,
a canary file, the rlimits of the executor's process, the caller's working directory and HOME,
the disk. The tests create those targets here before the corpus runs, pass their names to the
programs through ``__PLACEHOLDERS__`` (:func:`render`) and compare the host before and after.

Nothing here is part of the sandbox: it is the yardstick. It talks to the kernel directly
(``ctypes``) because the point is to see what a program could have changed, whatever Python
itself reports.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
import resource
import shutil
import struct
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codepercept.sandbox import Executor
from codepercept.sandbox.result import ExecResult

SECRET = "cp-adversarial-secret-7d1f"
MARKER = "cp_adv_pwned"
_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
_libc.shmdt.argtypes = [ctypes.c_void_p]

IPC_PRIVATE = 0
IPC_CREAT = 0o1000
IPC_NOWAIT = 0o4000
IPC_RMID = 0
GETVAL = 12
SETVAL = 16
SEMVAL = 7  # the value the test's semaphore holds; a program that changes it wrote host IPC
RLIMITS = {"CPU": resource.RLIMIT_CPU, "NOFILE": resource.RLIMIT_NOFILE, "AS": resource.RLIMIT_AS}


def render(path: Path, subs: dict[str, object]) -> str:
    """A corpus program's text with every ``__NAME__`` of ``subs`` replaced."""
    text = path.read_text()
    for name, value in subs.items():
        text = text.replace(f"__{name}__", str(value))
    return text


def run_all(ex: Executor, codes: list[bytes] | list[str]) -> list[ExecResult]:
    """``ex.map(codes)``, except that a ``run()`` that raises becomes a result with the status
    "raised" (in no expectation) instead of aborting the whole batch: run() must never raise
    for anything a program does, and the other programs' results still count."""
    results: list[ExecResult] = [ExecResult("raised")] * len(codes)

    def one(i: int) -> None:
        try:
            results[i] = ex.run(codes[i])
        except BaseException as exc:
            results[i] = ExecResult("raised", f"run() raised {exc!r}"[:500])

    with ThreadPoolExecutor(max_workers=ex.workers) as pool:
        list(pool.map(one, range(len(codes))))
    return results


def _check(rc: int, what: str) -> int:
    if rc < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return rc


# --------------------------------------------------------------------------------------------
# SysV IPC
# --------------------------------------------------------------------------------------------
def new_ipc_base() -> int:
    """A key range of 256 keys ('C' in the top byte, then a random tag) for one corpus run:
    every key a program uses is ``base + n``, so the leftovers of this run (and only those)
    can be found and removed, whatever else runs on the machine."""
    return 0x43000000 | (random.randrange(1, 0xFFFF) << 8)


def sysv_objects() -> dict[str, dict[int, dict[str, str]]]:
    """Every SysV object the host namespace holds: ``{"shm"|"msg"|"sem": {id: fields}}``, read
    from /proc/sysvipc (fields as the kernel prints them: ``key`` is signed decimal)."""
    out: dict[str, dict[int, dict[str, str]]] = {}
    for kind, idcol in (("shm", "shmid"), ("msg", "msqid"), ("sem", "semid")):
        rows: dict[int, dict[str, str]] = {}
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except OSError:
            out[kind] = rows
            continue
        head = lines[0].split() if lines else []
        for line in lines[1:]:
            fields = dict(zip(head, line.split(), strict=False))
            with contextlib.suppress(KeyError, ValueError):
                rows[int(fields[idcol])] = fields
        out[kind] = rows
    return out


def new_sysv_objects(
    before: dict[str, dict[int, dict[str, str]]], after: dict[str, dict[int, dict[str, str]]]
) -> list[tuple[str, int, int, str]]:
    """(kind, id, key, size/qbytes/nsems) of the objects in ``after`` that ``before`` lacks."""
    size = {"shm": "size", "msg": "cbytes", "sem": "nsems"}
    return [
        (kind, ident, int(f.get("key", "0")) & 0xFFFFFFFF, f.get(size[kind], "?"))
        for kind, rows in after.items()
        for ident, f in sorted(rows.items())
        if ident not in before.get(kind, {})
    ]


def remove_sysv(kind: str, ident: int) -> bool:
    """IPC_RMID one object (the test process may: it is the creator's uid, or root)."""
    if kind == "shm":
        rc = _libc.shmctl(ctypes.c_int(ident), IPC_RMID, None)
    elif kind == "msg":
        rc = _libc.msgctl(ctypes.c_int(ident), IPC_RMID, None)
    else:
        rc = _libc.semctl(ctypes.c_int(ident), 0, IPC_RMID)
    return rc == 0


def remove_tagged_sysv(base: int) -> list[tuple[str, int, int]]:
    """Remove every object whose key lies in ``[base, base + 256)``; return what was removed."""
    removed = []
    for kind, rows in sysv_objects().items():
        for ident, f in rows.items():
            key = int(f.get("key", "0")) & 0xFFFFFFFF
            if base <= key < base + 256 and remove_sysv(kind, ident):
                removed.append((kind, ident, key))
    return removed


class HostIpc:
    """Private (0600, IPC_PRIVATE) SysV objects of the test process, holding the secret: a
    sandboxed program must neither see, read, change nor remove them.

    ``shmid``: 4 KiB segment starting with the secret; ``victim_shmid``: a segment a program
    tries to IPC_RMID; ``msqid``: a queue holding one message (the secret); ``semid``: one
    semaphore holding :data:`SEMVAL`.
    """

    def __init__(self) -> None:
        self.shmid = _check(_libc.shmget(IPC_PRIVATE, ctypes.c_size_t(4096), IPC_CREAT | 0o600),
                            "shmget")  # fmt: skip
        addr = _libc.shmat(self.shmid, None, 0)
        if addr in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "shmat")
        data = SECRET.encode()
        ctypes.memmove(addr, data, len(data))
        _libc.shmdt(ctypes.c_void_p(addr))
        self.victim_shmid = _check(
            _libc.shmget(IPC_PRIVATE, ctypes.c_size_t(4096), IPC_CREAT | 0o600), "shmget"
        )
        self.msqid = _check(_libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600), "msgget")
        msg = struct.pack("q", 1) + SECRET.encode()
        buf = ctypes.create_string_buffer(msg, len(msg))
        _check(_libc.msgsnd(self.msqid, buf, ctypes.c_size_t(len(SECRET)), IPC_NOWAIT), "msgsnd")
        self.semid = _check(_libc.semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600), "semget")
        _check(_libc.semctl(self.semid, 0, SETVAL, ctypes.c_int(SEMVAL)), "semctl")

    def subs(self) -> dict[str, int]:
        return {"SHMID": self.shmid, "VICTIM_SHMID": self.victim_shmid, "MSQID": self.msqid,
                "SEMID": self.semid}  # fmt: skip

    def state(self) -> dict[str, object]:
        """What a program could have changed: existence, the semaphore's value, the queue's
        message count, the segment's first bytes."""
        objs = sysv_objects()
        shm = objs.get("shm", {})
        msg = objs.get("msg", {})
        out: dict[str, object] = {
            "shm": self.shmid in shm,
            "victim_shm": self.victim_shmid in shm,
            "msg": self.msqid in msg,
            "msg_qnum": msg.get(self.msqid, {}).get("qnum"),
            "sem": self.semid in objs.get("sem", {}),
            "semval": _libc.semctl(self.semid, 0, GETVAL),
        }
        addr = _libc.shmat(self.shmid, None, 0o10000)  # SHM_RDONLY
        if addr not in (None, ctypes.c_void_p(-1).value):
            out["shm_head"] = ctypes.string_at(addr, len(SECRET)).decode(errors="replace")
            _libc.shmdt(ctypes.c_void_p(addr))
        return out

    def close(self) -> None:
        remove_sysv("shm", self.shmid)
        remove_sysv("shm", self.victim_shmid)
        remove_sysv("msg", self.msqid)
        remove_sysv("sem", self.semid)


# --------------------------------------------------------------------------------------------
# Files, limits, disk, processes
# --------------------------------------------------------------------------------------------
CANARY_MTIME_NS = 1_000_000_000 * 10**9


def make_canary(directory: Path) -> Path:
    """A 0600 file of the test's own, outside every sandbox directory, holding the secret."""
    path = directory / "canary.txt"
    path.write_text(f"canary {SECRET}\n")
    path.chmod(0o600)
    os.utime(path, ns=(CANARY_MTIME_NS, CANARY_MTIME_NS))
    return path


def canary_state(path: Path) -> dict[str, object]:
    st = os.lstat(path)
    try:
        xattrs = sorted(os.listxattr(path, follow_symlinks=False))
    except OSError as exc:
        xattrs = [f"<{exc.strerror}>"]
    try:
        content = path.read_bytes() if not path.is_symlink() else b"<symlink>"
    except OSError as exc:
        content = f"<{exc.strerror}>".encode()
    return {
        "mode": oct(st.st_mode),
        "mtime_ns": st.st_mtime_ns,
        "uid": st.st_uid,
        "gid": st.st_gid,
        "xattrs": xattrs,
        "content": content,
    }


def rlimits(pid: int = 0) -> dict[str, tuple[int, int]]:
    """CPU, NOFILE and AS limits of ``pid`` (0: this process)."""
    return {name: resource.prlimit(pid, r) for name, r in RLIMITS.items()}


def restore_rlimits(saved: dict[str, tuple[int, int]], pid: int = 0) -> None:
    for name, lim in saved.items():
        with contextlib.suppress(OSError, ValueError):
            resource.prlimit(pid, RLIMITS[name], lim)


def free_bytes(path: str | Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def wait_free_space(paths: list[str], before: dict[str, int], slack: int, timeout_s: float = 10.0
                    ) -> dict[str, int]:  # fmt: skip
    """Free bytes of each path, polled until each is back within ``slack`` of ``before`` (the
    filesystem may free the blocks of deleted files a moment later) or ``timeout_s`` passed."""
    end = time.monotonic() + timeout_s
    while True:
        now = {p: free_bytes(p) for p in paths}
        if all(now[p] >= before[p] - slack for p in paths) or time.monotonic() > end:
            return now
        time.sleep(0.25)


def own_workdirs(root: str | Path, pids: list[int]) -> list[str]:
    """``cp-run-PID-*`` / ``cp-worker-PID-*`` directories under ``root`` made by ``pids``."""
    prefixes = tuple(f"cp-{kind}-{pid}-" for pid in pids for kind in ("run", "worker"))
    try:
        return sorted(n for n in os.listdir(root) if n.startswith(prefixes))
    except OSError:
        return []


def remove_tree(path: str | Path) -> None:
    """Remove a directory whatever its depth (``rm -rf`` walks iteratively; Python 3.11's
    shutil.rmtree recurses and fails on trees deeper than the recursion limit)."""
    if not os.path.lexists(path):
        return
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(["rm", "-rf", "--", str(path)], check=False, timeout=120)
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def make_deep_tree(base: Path, depth: int, name: bytes = b"d") -> None:
    """A chain of ``depth`` directories below ``base``, made with mkdirat/openat (no path is
    ever longer than one name), as a program in the sandbox can make it."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nfd
    finally:
        os.close(fd)


class ThreadSampler:
    """Samples, every ``period_s``, how many threads the sandbox's processes (the zygote's
    children and theirs) hold together, and how many such processes there are: ``peak`` and
    ``process_peak`` are the largest counts seen. Only the sandbox's own tree is counted (not
    the machine's /proc), so other work on the host does not move the numbers. The zygote is
    looked up through ``zygote_pid()`` each time (it may be restarted)."""

    def __init__(self, zygote_pid, period_s: float = 0.05) -> None:
        self.zygote_pid = zygote_pid
        self.period_s = period_s
        self.peak = 0
        self.process_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="thread-sampler", daemon=True)

    def __enter__(self) -> ThreadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    @staticmethod
    def _children(pid: int) -> list[int]:
        out: list[int] = []
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return out
        for tid in tids:
            with contextlib.suppress(OSError, ValueError):
                out += [
                    int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
                ]
        return out

    def count(self) -> int:
        try:
            zyg = self.zygote_pid()
        except Exception:
            return 0
        if not zyg:
            return 0
        total = 0
        todo = self._children(zyg)
        seen: set[int] = set()
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            with contextlib.suppress(OSError):
                total += len(os.listdir(f"/proc/{pid}/task"))
            todo += self._children(pid)
        return total, len(seen)

    def _loop(self) -> None:
        while not self._stop.wait(self.period_s):
            threads, processes = self.count()
            self.peak = max(self.peak, threads)
            self.process_peak = max(self.process_peak, processes)
