"""Kernel-level hardening applied inside a sandbox child, each mechanism detected at run time.

Every function here is called in the forked child *before* untrusted code runs, in this order:
:func:`set_rlimits`, :func:`landlock_restrict`, :func:`drop_capabilities`, :func:`install_seccomp`.
The network namespace is entered once by the zygote (:func:`enter_network_namespace`), so every
child inherits an empty namespace at no per-run cost. What each mechanism stops, and what it does
not, is in docs/sandbox.md.

All of it is Linux-only; on other systems the functions report "unavailable" and the executor
runs with process isolation, rlimits and the parent's deadline only.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import struct
import sys
from dataclasses import dataclass, field

_IS_LINUX = IS_LINUX = sys.platform.startswith("linux")
_libc = ctypes.CDLL(None, use_errno=True) if _IS_LINUX else None


@dataclass
class Isolation:
    """Which mechanisms are active in the children of one zygote (measured, not assumed).

    ``notes`` says, for every layer that is not in force, why and what would enable it."""

    network_namespace: bool = False
    private_root: bool = False  # a pivot_root into an allow-listed tmpfs root (mount namespace)
    ipc_namespace: bool = False  # per run / worker
    pid_namespace: bool = False  # per slot: a run sees only its own slot's pids
    scratch: str = "directory"  # "tmpfs": a private size-limited tmpfs per run; else a host dir
    scratch_path: str = ""  # where that tmpfs is mounted (the run's cwd, HOME, TMPDIR)
    uid: int | None = None  # first of the unprivileged uids (one per concurrent slot), or None
    cgroup: str = ""  # "v1" / "v2": memory and pids accounted per slot; "" none
    landlock_abi: int = 0  # 0 = unavailable
    seccomp: bool = False
    capabilities_dropped: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "network_namespace": self.network_namespace,
            "private_root": self.private_root,
            "ipc_namespace": self.ipc_namespace,
            "pid_namespace": self.pid_namespace,
            "scratch": self.scratch,
            "scratch_path": self.scratch_path,
            "uid": self.uid,
            "cgroup": self.cgroup,
            "landlock_abi": self.landlock_abi,
            "seccomp": self.seccomp,
            "capabilities_dropped": self.capabilities_dropped,
            "notes": list(self.notes),
        }


def _syscall(nr: int, *args: object) -> int:
    assert _libc is not None
    res = _libc.syscall(ctypes.c_long(nr), *args)
    if res < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return res


def _prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    assert _libc is not None
    res = _libc.prctl(
        ctypes.c_int(option),
        ctypes.c_ulong(arg2),
        ctypes.c_ulong(arg3),
        ctypes.c_ulong(arg4),
        ctypes.c_ulong(arg5),
    )
    if res < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return res


PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


# --------------------------------------------------------------------------------------------
# Network namespace (zygote, once)
# --------------------------------------------------------------------------------------------
CLONE_NEWNET = 0x40000000


def enter_network_namespace() -> bool:
    """Move the calling process into a new, empty network namespace (no interfaces up).

    Needs CAP_SYS_ADMIN (root in the container) or unprivileged user namespaces; returns False
    where the kernel refuses, in which case seccomp's socket filter still blocks networking.
    """
    if not _IS_LINUX:
        return False
    assert _libc is not None
    return _libc.unshare(ctypes.c_int(CLONE_NEWNET)) == 0


# --------------------------------------------------------------------------------------------
# Mount, IPC namespaces and the private root (zygote once; each run or worker)
# --------------------------------------------------------------------------------------------
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41}

#: Where each run's private scratch tmpfs is mounted inside the private root; it is the run's
#: working directory, HOME and TMPDIR (``/dev/shm`` points to it too). Where something the
#: sandbox must read lives under /tmp (a virtual environment in a clone under /tmp), /tmp
#: stays a read-only view of it and the scratch moves to :data:`SCRATCH_ELSEWHERE`.
SCRATCH = "/tmp"
SCRATCH_ELSEWHERE = "/run/codepercept-scratch"


def _check(res: int, what: str) -> None:
    if res != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def umount(target: str) -> None:
    assert _libc is not None
    _check(_libc.umount2(os.fsencode(target), ctypes.c_int(MNT_DETACH)), f"umount {target}")


def unshare(flags: int) -> None:
    assert _libc is not None
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    assert _libc is not None
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(
        _libc.mount(
            enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data) or None
        ),
        f"mount {target}",
    )


def covered(path: str, by: list[str]) -> bool:
    """Whether ``path`` is one of ``by`` or lies below one of them (lexically)."""
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in by)


def build_private_root(read_paths: list[str], staging: str) -> str:
    """Make this process's root a fresh tmpfs holding only ``read_paths`` (bound read-only at
    the same paths), a few device nodes, a procfs that hides other users' processes, and an
    empty ``SCRATCH`` mount point; then ``pivot_root`` into it (in a new mount namespace, so
    nothing changes outside). ``staging`` is an empty directory the caller made for the new
    root's first mount point; it is no longer needed afterwards.

    Afterwards nothing outside the allow-list exists for this process or anything it forks:
    not the caller's working directory or home, not /etc/shadow (``stat`` too), not the other
    runs' scratch directories. Needs CAP_SYS_ADMIN (root); raises OSError where refused.
    Returns where the scratch goes (:data:`SCRATCH`, or :data:`SCRATCH_ELSEWHERE` when a read
    path lies under it).
    """
    scratch = SCRATCH
    if any(covered(os.path.realpath(p), [SCRATCH]) for p in read_paths):
        scratch = SCRATCH_ELSEWHERE
    unshare(CLONE_NEWNS)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", staging, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755")
    binds: list[str] = []
    for path in sorted({os.path.normpath(p) for p in read_paths}, key=len):
        if covered(path, binds) or not os.path.lexists(path):
            continue
        real = os.path.realpath(path)
        dest = staging + path
        if real != path:  # /lib -> usr/lib: the same link, and its target bound on its own
            if not os.path.lexists(dest):
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                os.symlink(os.readlink(path) if os.path.islink(path) else real, dest)
            if covered(real, binds):
                continue
            path, dest = real, staging + real
        if os.path.isdir(path):
            os.makedirs(dest, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb"):
                pass
        device = path.startswith("/dev/")
        mount(path, dest, None, MS_BIND | MS_REC)
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | (0 if device else MS_NODEV)
        mount(None, dest, None, flags)
        binds.append(path)
    os.makedirs(staging + scratch, mode=0o755, exist_ok=True)
    os.makedirs(staging + "/dev", exist_ok=True)
    if not os.path.lexists(staging + "/dev/shm"):
        os.symlink(scratch, staging + "/dev/shm")
    os.makedirs(staging + "/proc", exist_ok=True)
    for opts in ("hidepid=invisible", "hidepid=2"):
        try:
            mount("proc", staging + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts)
            break
        except OSError:
            continue
    else:
        raise OSError(errno.EPERM, "cannot mount a procfs that hides other processes")
    mount(None, staging, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(staging)
    nr = _PIVOT_ROOT[platform.machine()]
    _syscall(nr, ctypes.c_char_p(b"."), ctypes.c_char_p(b"."))
    assert _libc is not None
    _check(_libc.umount2(b".", ctypes.c_int(MNT_DETACH)), "umount old root")
    os.chdir("/")
    return scratch


def enter_run_namespaces(disk_mb: int, uid: int, scratch: str = SCRATCH) -> None:
    """In a freshly forked child of a zygote with a private root: a new mount and IPC
    namespace (SysV objects made by this run are its own and vanish with it), and a fresh
    tmpfs of ``disk_mb`` at ``scratch`` owned by ``uid`` (its pages count against the run's
    memory cgroup; everything in it vanishes with the run, whatever the program made there)."""
    unshare(CLONE_NEWNS | CLONE_NEWIPC)
    mount(
        "tmpfs",
        scratch,
        "tmpfs",
        MS_NOSUID | MS_NODEV,
        f"size={max(1, disk_mb)}m,nr_inodes={max(1024, disk_mb * 64)},mode=0700,uid={uid},gid={uid}",
    )


def enter_pid_namespace() -> int:
    """Make this process's *future children* members of a new PID namespace, whose init is a
    tiny process forked here that waits for this process to go (EOF on a pipe only this process
    holds: a namespace init ignores a parent-death signal) and then exits, which takes every
    member with it. Members see only the namespace's pids: no host pid can be named, signalled
    or probed (getpgid, sched_getaffinity, pidfd_open all answer ESRCH).
    Returns the init's pid (as seen from here), 0 where the kernel refuses (no root or user
    namespaces)."""
    if not _IS_LINUX:
        return 0
    assert _libc is not None
    if _libc.unshare(ctypes.c_int(CLONE_NEWPID)) != 0:
        return 0
    alive_r, alive_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pid 1 of the new namespace
        try:
            os.close(alive_w)
            while True:
                try:
                    if not os.read(alive_r, 1):
                        break
                except InterruptedError:
                    continue
        finally:
            os._exit(0)
    os.close(alive_r)  # alive_w stays open, unnoticed, for as long as this process lives
    return pid


def drop_to_uid(uid: int) -> None:
    """Become ``uid``/``gid`` ``uid`` with no supplementary groups (real, effective, saved): a
    root child loses the owner's rights over every file and process (DAC then refuses chmod,
    chown, utime, xattrs, prlimit and signals towards anyone else). Capabilities go with it."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    # A uid change makes the process non-dumpable, which hands its /proc/self to root; the
    # program may read its own /proc/self (libraries do), and ptrace stays denied by seccomp.
    _prctl(PR_SET_DUMPABLE, 1)


def set_parent_death_signal() -> None:
    if _IS_LINUX:
        _prctl(PR_SET_PDEATHSIG, 9)  # SIGKILL


# --------------------------------------------------------------------------------------------
# Resource limits
# --------------------------------------------------------------------------------------------
def current_address_space_bytes() -> int:
    """The process's current virtual size (VmSize), or 0 where /proc is unavailable."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def set_rlimits(
    *, cpu_s: int, memory_mb: int, fsize_mb: int, nofile: int, nproc: int | None = None
) -> None:
    """CPU seconds, address space (current size + ``memory_mb``), file size, open files, no core,
    and (``nproc``) processes+threads of the real uid: per slot where each slot has its own uid,
    the thread cap that still holds without a pids cgroup."""

    def _set(which: int, soft: int, hard: int | None = None) -> None:
        hard = soft if hard is None else hard
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            # A hard limit already lower than ours (set by the caller's shell): keep theirs.
            _cur_soft, cur_hard = resource.getrlimit(which)
            if cur_hard != resource.RLIM_INFINITY:
                resource.setrlimit(which, (min(soft, cur_hard), cur_hard))

    _set(resource.RLIMIT_CPU, cpu_s, cpu_s + 1)
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_FSIZE, fsize_mb * 1024 * 1024)
    _set(resource.RLIMIT_NOFILE, nofile)
    if nproc is not None:
        _set(resource.RLIMIT_NPROC, nproc)
    current = current_address_space_bytes()
    if current:
        _set(resource.RLIMIT_AS, current + memory_mb * 1024 * 1024)


# --------------------------------------------------------------------------------------------
# Landlock
# --------------------------------------------------------------------------------------------
_LL_CREATE, _LL_ADD_RULE, _LL_RESTRICT = 444, 445, 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

_FILE_ONLY = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when unavailable (old kernel or LSM not enabled)."""
    if not _IS_LINUX or platform.machine() not in ("x86_64", "aarch64", "arm64"):
        return 0
    try:
        return _syscall(_LL_CREATE, None, ctypes.c_size_t(0), _LANDLOCK_CREATE_RULESET_VERSION)
    except OSError:
        return 0


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def landlock_restrict(read_paths: list[str], write_paths: list[str], abi: int) -> None:
    """Restrict this process (and anything it could start) to reading ``read_paths`` and
    reading/writing ``write_paths``; deny TCP bind/connect (ABI 4) and signals/abstract sockets
    outside the domain (ABI 6). Paths that do not exist are skipped.

    The caller must have set no_new_privs (or hold CAP_SYS_ADMIN).
    """
    handled_fs = _fs_rights(abi)
    if abi >= 6:
        attr = struct.pack(
            "QQQ",
            handled_fs,
            NET_BIND_TCP | NET_CONNECT_TCP,
            SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL,
        )
    elif abi >= 4:
        attr = struct.pack("QQ", handled_fs, NET_BIND_TCP | NET_CONNECT_TCP)
    else:
        attr = struct.pack("Q", handled_fs)
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _syscall(_LL_CREATE, buf, ctypes.c_size_t(len(attr)), 0)
    try:
        read_rights = FS_READ_FILE | FS_READ_DIR | FS_EXECUTE
        write_rights = handled_fs
        for paths, rights in ((read_paths, read_rights), (write_paths, write_rights)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    is_dir = os.path.isdir(path)
                    allowed = rights if is_dir else rights & _FILE_ONLY
                    rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed, fd), 12)
                    _syscall(_LL_ADD_RULE, ruleset, _LANDLOCK_RULE_PATH_BENEATH, rule, 0)
                finally:
                    os.close(fd)
        _syscall(_LL_RESTRICT, ruleset, 0)
    finally:
        os.close(ruleset)


# --------------------------------------------------------------------------------------------
# Capabilities
# --------------------------------------------------------------------------------------------
_CAPSET = {"x86_64": 126, "aarch64": 91, "arm64": 91}
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


def drop_bounding_capabilities() -> None:
    """Empty the bounding set (needs CAP_SETPCAP, so before :func:`drop_to_uid`): nothing this
    process or its descendants run can regain a capability."""
    if not _IS_LINUX:
        return
    for cap in range(64):
        try:
            _prctl(PR_CAPBSET_DROP, cap)
        except OSError as exc:
            if exc.errno == errno.EINVAL:  # past the last capability this kernel knows
                break
            if exc.errno != errno.EPERM:
                raise


def drop_capabilities() -> bool:
    """Drop every capability from the bounding, effective, permitted and inheritable sets, so a
    root child is an ordinary process: no mount, no raw sockets, no ptrace of others, no
    overriding file permissions."""
    nr = _CAPSET.get(platform.machine())
    if not _IS_LINUX or nr is None:
        return False
    drop_bounding_capabilities()
    header = ctypes.create_string_buffer(struct.pack("Ii", _LINUX_CAPABILITY_VERSION_3, 0), 8)
    data = ctypes.create_string_buffer(b"\0" * 24, 24)
    try:
        _syscall(nr, header, data)
    except OSError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# seccomp-bpf
# --------------------------------------------------------------------------------------------
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7, "arm64": 0xC00000B7}

# Syscalls denied outright (EPERM). Names map to numbers per architecture below.
_DENY = (
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    "execve",
    "execveat",
    "fork",
    "vfork",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "open_by_handle_at",
    "name_to_handle_at",
    "pidfd_send_signal",
    "pidfd_getfd",
    "tkill",
    "swapon",
    "swapoff",
    "acct",
    "settimeofday",
    "clock_settime",
    "sethostname",
    "setdomainname",
    "mknod",
    "mknodat",
    # watching other runs' files and directories
    "inotify_init",
    "inotify_init1",
    "inotify_add_watch",
    "fanotify_init",
    "fanotify_mark",
    # metadata writes, which Landlock does not cover
    "chmod",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "utime",
    "utimes",
    "futimesat",
    "utimensat",
    "setxattr",
    "lsetxattr",
    "fsetxattr",
    "setxattrat",
    "removexattr",
    "lremovexattr",
    "fremovexattr",
    "removexattrat",
    "file_setattr",
    # SysV IPC: no plotting program needs it, and its objects outlive processes
    "msgget",
    "msgsnd",
    "msgrcv",
    "msgctl",
    "semget",
    "semop",
    "semctl",
    "semtimedop",
    "shmget",
    "shmat",
    "shmctl",
    "shmdt",
    # other processes' memory and the new mount API
    "kcmp",
    "migrate_pages",
    "move_pages",
    "process_madvise",
    "process_mrelease",
    "memfd_secret",
    "quotactl",
    "syslog",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
)

#: Denied only where no memory cgroup accounts for them (memfd pages are not in RLIMIT_AS).
DENY_WITHOUT_CGROUP = ("memfd_create",)

_NR: dict[str, dict[str, int]] = {
    "x86_64": {
        "socket": 41,
        "socketpair": 53,
        "connect": 42,
        "bind": 49,
        "listen": 50,
        "accept": 43,
        "accept4": 288,
        "execve": 59,
        "execveat": 322,
        "fork": 57,
        "vfork": 58,
        "clone": 56,
        "clone3": 435,
        "ptrace": 101,
        "process_vm_readv": 310,
        "process_vm_writev": 311,
        "mount": 165,
        "umount2": 166,
        "pivot_root": 155,
        "chroot": 161,
        "unshare": 272,
        "setns": 308,
        "reboot": 169,
        "kexec_load": 246,
        "kexec_file_load": 320,
        "init_module": 175,
        "finit_module": 313,
        "delete_module": 176,
        "bpf": 321,
        "perf_event_open": 298,
        "keyctl": 250,
        "add_key": 248,
        "request_key": 249,
        "userfaultfd": 323,
        "io_uring_setup": 425,
        "io_uring_enter": 426,
        "io_uring_register": 427,
        "open_by_handle_at": 304,
        "name_to_handle_at": 303,
        "pidfd_send_signal": 424,
        "pidfd_getfd": 438,
        "tkill": 200,
        "swapon": 167,
        "swapoff": 168,
        "acct": 163,
        "settimeofday": 164,
        "clock_settime": 227,
        "sethostname": 170,
        "setdomainname": 171,
        "mknod": 133,
        "mknodat": 259,
        "kill": 62,
        "tgkill": 234,
        "rt_sigqueueinfo": 129,
        "rt_tgsigqueueinfo": 297,
        "inotify_init": 253,
        "inotify_init1": 294,
        "inotify_add_watch": 254,
        "fanotify_init": 300,
        "fanotify_mark": 301,
        "chmod": 90,
        "fchmod": 91,
        "fchmodat": 268,
        "fchmodat2": 452,
        "chown": 92,
        "fchown": 93,
        "lchown": 94,
        "fchownat": 260,
        "utime": 132,
        "utimes": 235,
        "futimesat": 261,
        "utimensat": 280,
        "setxattr": 188,
        "lsetxattr": 189,
        "fsetxattr": 190,
        "setxattrat": 463,
        "removexattr": 197,
        "lremovexattr": 198,
        "fremovexattr": 199,
        "removexattrat": 466,
        "file_setattr": 469,
        "msgget": 68,
        "msgsnd": 69,
        "msgrcv": 70,
        "msgctl": 71,
        "semget": 64,
        "semop": 65,
        "semctl": 66,
        "semtimedop": 220,
        "shmget": 29,
        "shmat": 30,
        "shmctl": 31,
        "shmdt": 67,
        "kcmp": 312,
        "migrate_pages": 256,
        "move_pages": 279,
        "process_madvise": 440,
        "process_mrelease": 448,
        "memfd_secret": 447,
        "quotactl": 179,
        "syslog": 103,
        "open_tree": 428,
        "move_mount": 429,
        "fsopen": 430,
        "fsconfig": 431,
        "fsmount": 432,
        "fspick": 433,
        "mount_setattr": 442,
        "memfd_create": 319,
        "prlimit64": 302,
        "fallocate": 285,
    },
    "aarch64": {
        "socket": 198,
        "socketpair": 199,
        "connect": 203,
        "bind": 200,
        "listen": 201,
        "accept": 202,
        "accept4": 242,
        "execve": 221,
        "execveat": 281,
        "clone": 220,
        "clone3": 435,
        "ptrace": 117,
        "process_vm_readv": 270,
        "process_vm_writev": 271,
        "mount": 40,
        "umount2": 39,
        "pivot_root": 41,
        "chroot": 51,
        "unshare": 97,
        "setns": 268,
        "reboot": 142,
        "kexec_load": 104,
        "kexec_file_load": 294,
        "init_module": 105,
        "finit_module": 273,
        "delete_module": 106,
        "bpf": 280,
        "perf_event_open": 241,
        "keyctl": 219,
        "add_key": 217,
        "request_key": 218,
        "userfaultfd": 282,
        "io_uring_setup": 425,
        "io_uring_enter": 426,
        "io_uring_register": 427,
        "open_by_handle_at": 265,
        "name_to_handle_at": 264,
        "pidfd_send_signal": 424,
        "pidfd_getfd": 438,
        "tkill": 130,
        "swapon": 224,
        "swapoff": 225,
        "acct": 89,
        "settimeofday": 170,
        "clock_settime": 112,
        "sethostname": 161,
        "setdomainname": 162,
        "mknodat": 33,
        "kill": 129,
        "tgkill": 131,
        "rt_sigqueueinfo": 138,
        "rt_tgsigqueueinfo": 240,
        "inotify_init1": 26,
        "inotify_add_watch": 27,
        "fanotify_init": 262,
        "fanotify_mark": 263,
        "fchmod": 52,
        "fchmodat": 53,
        "fchmodat2": 452,
        "fchown": 55,
        "fchownat": 54,
        "utimensat": 88,
        "setxattr": 5,
        "lsetxattr": 6,
        "fsetxattr": 7,
        "setxattrat": 463,
        "removexattr": 14,
        "lremovexattr": 15,
        "fremovexattr": 16,
        "removexattrat": 466,
        "file_setattr": 469,
        "msgget": 186,
        "msgctl": 187,
        "msgrcv": 188,
        "msgsnd": 189,
        "semget": 190,
        "semctl": 191,
        "semtimedop": 192,
        "semop": 193,
        "shmget": 194,
        "shmctl": 195,
        "shmat": 196,
        "shmdt": 197,
        "kcmp": 272,
        "migrate_pages": 238,
        "move_pages": 239,
        "process_madvise": 440,
        "process_mrelease": 448,
        "memfd_secret": 447,
        "quotactl": 60,
        "syslog": 116,
        "open_tree": 428,
        "move_mount": 429,
        "fsopen": 430,
        "fsconfig": 431,
        "fsmount": 432,
        "fspick": 433,
        "mount_setattr": 442,
        "memfd_create": 279,
        "prlimit64": 261,
        "fallocate": 47,
    },
}
_NR["arm64"] = _NR["aarch64"]

_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_JGE_K = 0x35
_BPF_JSET_K = 0x45
_BPF_RET_K = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_CLONE_THREAD = 0x00010000
_X32_SYSCALL_BIT = 0x40000000


def _ins(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)


def build_seccomp_filter(pid: int, arch: str | None = None, memfd: bool = True) -> bytes:
    """The BPF program: deny the syscalls in ``_DENY`` (and ``memfd_create`` unless ``memfd``);
    allow ``clone`` only for threads; make ``clone3`` fail with ENOSYS (libc then falls back
    to ``clone`` for threads); allow ``kill``/``tgkill``/``rt_(tg)sigqueueinfo`` only towards
    this process (``pid``), its own process group (0 / -pid), and ``prlimit64`` only on itself
    (0 or ``pid``); make ``fallocate`` answer EOPNOTSUPP (libc then writes, which
    RLIMIT_FSIZE and the scratch quota bound); kill the process on a foreign architecture;
    allow the rest."""
    arch = arch or platform.machine()
    nrs = _NR[arch]
    eperm = _RET_ERRNO | errno.EPERM
    prog: list[bytes] = [
        _ins(_BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        _ins(_BPF_JEQ_K, 1, 0, _AUDIT_ARCH[arch]),
        _ins(_BPF_RET_K, 0, 0, _RET_KILL_PROCESS),
        _ins(_BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if arch == "x86_64":  # the x32 ABI has its own syscall numbers: refuse it wholesale
        prog += [
            _ins(_BPF_JGE_K, 0, 1, _X32_SYSCALL_BIT),
            _ins(_BPF_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS),
        ]
    for name in (*_DENY, *(() if memfd else DENY_WITHOUT_CGROUP)):
        if name in nrs:
            prog += [_ins(_BPF_JEQ_K, 0, 1, nrs[name]), _ins(_BPF_RET_K, 0, 0, eperm)]
    prog += [
        _ins(_BPF_JEQ_K, 0, 1, nrs["fallocate"]),
        _ins(_BPF_RET_K, 0, 0, _RET_ERRNO | errno.EOPNOTSUPP),
        # prlimit64: only this process (pid 0 or its own)
        _ins(_BPF_JEQ_K, 0, 5, nrs["prlimit64"]),
        _ins(_BPF_LD_W_ABS, 0, 0, 16),
        _ins(_BPF_JEQ_K, 2, 0, 0),
        _ins(_BPF_JEQ_K, 1, 0, pid),
        _ins(_BPF_RET_K, 0, 0, eperm),
        _ins(_BPF_RET_K, 0, 0, _RET_ALLOW),
    ]
    prog += [
        _ins(_BPF_JEQ_K, 0, 1, nrs["clone3"]),
        _ins(_BPF_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS),
        # clone: threads only
        _ins(_BPF_JEQ_K, 0, 4, nrs["clone"]),
        _ins(_BPF_LD_W_ABS, 0, 0, 16),  # args[0] (flags), low word
        _ins(_BPF_JSET_K, 1, 0, _CLONE_THREAD),
        _ins(_BPF_RET_K, 0, 0, eperm),
        _ins(_BPF_RET_K, 0, 0, _RET_ALLOW),
    ]
    for name in ("kill", "rt_sigqueueinfo"):
        # target must be this process, its process group (0) or -pgid (the child leads its group)
        prog += [
            _ins(_BPF_JEQ_K, 0, 6, nrs[name]),
            _ins(_BPF_LD_W_ABS, 0, 0, 16),
            _ins(_BPF_JEQ_K, 3, 0, pid),
            _ins(_BPF_JEQ_K, 2, 0, 0),
            _ins(_BPF_JEQ_K, 1, 0, -pid),
            _ins(_BPF_RET_K, 0, 0, eperm),
            _ins(_BPF_RET_K, 0, 0, _RET_ALLOW),
        ]
    for name in ("tgkill", "rt_tgsigqueueinfo"):
        prog += [
            _ins(_BPF_JEQ_K, 0, 4, nrs[name]),
            _ins(_BPF_LD_W_ABS, 0, 0, 16),
            _ins(_BPF_JEQ_K, 1, 0, pid),
            _ins(_BPF_RET_K, 0, 0, eperm),
            _ins(_BPF_RET_K, 0, 0, _RET_ALLOW),
        ]
    prog.append(_ins(_BPF_RET_K, 0, 0, _RET_ALLOW))
    return b"".join(prog)


def seccomp_supported() -> bool:
    return _IS_LINUX and platform.machine() in _NR


def install_seccomp(pid: int, memfd: bool = True) -> None:
    """Set no_new_privs and load the filter for this process (irreversible)."""
    prog = build_seccomp_filter(pid, memfd=memfd)
    n = len(prog) // 8
    buf = ctypes.create_string_buffer(prog, len(prog))

    class _SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = _SockFprog(n, ctypes.cast(buf, ctypes.c_void_p))
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    assert _libc is not None
    res = _libc.prctl(
        ctypes.c_int(PR_SET_SECCOMP),
        ctypes.c_ulong(SECCOMP_MODE_FILTER),
        ctypes.byref(fprog),
        ctypes.c_ulong(0),
        ctypes.c_ulong(0),
    )
    if res != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"seccomp filter refused: {os.strerror(err)}")


def set_no_new_privs() -> None:
    if _IS_LINUX:
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
