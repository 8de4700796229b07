"""Per-slot cgroups (codepercept.sandbox.cgroup) against the real kernel.

Every test that needs cgroups creates them for real and skips, with create_slots' reason, where
this host cannot (a laptop without root, macOS, a container without a writable cgroup fs).
Pools and child processes are removed by fixture finalisers even when a test fails. Tags start
with "cptest-" so no test can touch a real executor's "codepercept-" pools.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codepercept.sandbox import cgroup
from codepercept.sandbox.cgroup import CgroupSlots, Slot

MiB = 1 << 20
SRC = str(Path(__file__).resolve().parents[1] / "src")
_seq = itertools.count()

# The child prints where it is, then touches 200 MiB of anonymous memory, 1 MiB at a time.
ALLOC_200 = """
import sys
print(open("/proc/self/cgroup").read(), flush=True)
chunks = [b"\\x01" * (1 << 20) for _ in range(200)]
print("survived", len(chunks), flush=True)
"""

# 100 MiB written into a memfd that is never mapped: RLIMIT_AS does not see it, the memory
# controller must (shmem pages).
MEMFD_100 = """
import os
print(open("/proc/self/cgroup").read(), flush=True)
fd = os.memfd_create("cptest")
chunk = b"\\x01" * (1 << 20)
for _ in range(100):
    os.write(fd, chunk)
print("survived", flush=True)
"""

# Waits for a line on stdin (so the parent can attach it first), then starts up to 100
# sleeping threads and prints "started|error".
THREADS_100 = """
import sys, threading
sys.stdin.readline()
stop = threading.Event()
n, err = 0, ""
try:
    for _ in range(100):
        threading.Thread(target=stop.wait, daemon=True).start()
        n += 1
except RuntimeError as e:
    err = str(e)
print(f"{n}|{err}", flush=True)
stop.set()
"""

SLEEPER = "import time\nprint('up', flush=True)\ntime.sleep(60)\n"


def _tag(kind: str) -> str:
    return f"cptest-{kind}-{os.getpid()}-{next(_seq)}"


def _wait_empty(slot: Slot, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while slot.procs():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _release(pool: CgroupSlots) -> None:
    for slot in pool.slots:
        slot.kill_all()
    for slot in pool.slots:
        _wait_empty(slot)
    pool.close()


@pytest.fixture
def make_pool() -> Iterator[Callable[..., CgroupSlots]]:
    """create_slots(...) or skip with its reason; every pool is killed and closed afterwards."""
    pools: list[CgroupSlots] = []

    def make(n: int = 2, memory: int = 64 * MiB, pids: int = 16) -> CgroupSlots:
        pool, reason = cgroup.create_slots(n, memory, pids, _tag("pool"))
        if pool is None:
            pytest.skip(f"cgroups unavailable here: {reason}")
        assert reason == ""
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        _release(pool)


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen]]:
    """Start `python -c code`; every child still running afterwards is killed and reaped."""
    procs: list[subprocess.Popen] = []

    def start(code: str, *args: str, **kw: object) -> subprocess.Popen:
        env = dict(os.environ, PYTHONPATH=SRC)
        p = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=kw.pop("stdin", subprocess.DEVNULL),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            **kw,
        )
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.communicate()


def _self_attach(slot: Slot) -> Callable[[], None]:
    """A preexec_fn: the freshly forked child moves itself into the slot before exec."""
    return lambda: slot.attach(os.getpid())


def _slot_rel(slot: Slot) -> str:
    """How the slot's memory cgroup path ends, as /proc/PID/cgroup shows it."""
    return "/" + "/".join(Path(slot.memory_dir).parts[-2:])


# --------------------------------------------------------------------------------------------
# 1-3: the limits bite


def test_memory_limit_oom_kills_the_child_in_its_slot_only(make_pool, spawn):
    pool = make_pool(2, 64 * MiB, 16)
    s0, s1 = pool.slots
    assert (s0.oom_kills(), s1.oom_kills()) == (0, 0)
    p = spawn(ALLOC_200, preexec_fn=_self_attach(s0))
    out, err = p.communicate(timeout=15)
    assert _slot_rel(s0) in out, out  # it really ran in slot 0
    assert p.returncode == -signal.SIGKILL, (p.returncode, out, err)
    assert "survived" not in out
    assert s0.oom_kills() >= 1
    assert s1.oom_kills() == 0
    peak = s0.memory_peak()
    assert peak is None or peak <= 64 * MiB + MiB
    # The slot is reused by the next run: a small program runs there normally.
    q = spawn("print(len(bytearray(8 << 20)))", preexec_fn=_self_attach(s0))
    assert q.communicate(timeout=15)[0].strip() == str(8 << 20)
    assert q.returncode == 0


def test_pids_limit_caps_threads_in_the_slot_only(make_pool, spawn):
    pool = make_pool(1, 256 * MiB, 16)
    (slot,) = pool.slots
    inside = spawn(THREADS_100, stdin=subprocess.PIPE)
    # Attached by the parent this time, through a slot rebuilt as the zygote would rebuild it.
    Slot.from_dict(json.loads(json.dumps(slot.to_dict()))).attach(inside.pid)
    assert inside.pid in slot.procs()
    out, err = inside.communicate("go\n", timeout=15)
    n, _, msg = out.strip().partition("|")
    assert int(n) <= 16 - 1, out  # the main thread is one of the 16 tasks
    assert "can't start new thread" in msg, (out, err)
    outside = spawn(THREADS_100, stdin=subprocess.PIPE)
    out, err = outside.communicate("go\n", timeout=15)
    assert out.strip() == "100|", (out, err)


def test_memfd_pages_are_charged_and_oom_killed(make_pool, spawn):
    pool = make_pool(1, 64 * MiB, 16)
    (slot,) = pool.slots
    before = slot.oom_kills()
    p = spawn(MEMFD_100, preexec_fn=_self_attach(slot))
    out, err = p.communicate(timeout=15)
    assert _slot_rel(slot) in out, out
    assert p.returncode == -signal.SIGKILL, (p.returncode, out, err)
    assert "survived" not in out
    assert slot.oom_kills() > before


# --------------------------------------------------------------------------------------------
# 4: close


def test_close_removes_every_directory_and_twice_is_a_noop(make_pool):
    pool = make_pool(3, 64 * MiB, 16)
    dirs = list(pool.root) + [d for s in pool.slots for d in s.dirs]
    assert len(set(dirs)) == len(dirs)
    assert len(pool.root) == 1 if pool.version == 2 else 1 <= len(pool.root) <= 2
    assert all(os.path.isdir(d) for d in dirs)
    for s in pool.slots:
        assert Path(s.pids_dir, "pids.max").read_text().strip() == "16"
    pool.close()
    assert [d for d in dirs if os.path.exists(d)] == []
    assert pool.leftover() == []
    pool.close()  # no-op, no error
    assert [d for d in dirs if os.path.exists(d)] == []


def test_close_leaves_a_busy_slot_then_finishes_after_kill_all(make_pool, spawn):
    pool = make_pool(2, 64 * MiB, 16)
    s0 = pool.slots[0]
    p = spawn(SLEEPER, preexec_fn=_self_attach(s0))
    assert p.stdout.readline().strip() == "up"
    pool.close()  # cannot remove slot 0 (nor the pool above it): logged, not raised
    left = pool.leftover()
    assert set(s0.dirs) <= set(left) and set(pool.root) <= set(left)
    assert not any(d in left for d in pool.slots[1].dirs)
    assert p.poll() is None  # close() kills nothing
    s0.kill_all()
    assert p.wait(timeout=5) == -signal.SIGKILL
    assert _wait_empty(s0)
    pool.close()
    assert pool.leftover() == []


def test_kill_all_and_memory_peak(make_pool, spawn):
    pool = make_pool(1, 256 * MiB, 16)
    (slot,) = pool.slots
    p = spawn(
        "import time\nb = b'\\x01' * (40 << 20)\nprint('up', flush=True)\ntime.sleep(60)\n",
        preexec_fn=_self_attach(slot),
    )
    assert p.stdout.readline().strip() == "up"
    peak = slot.memory_peak()
    if peak is not None:
        assert peak >= 40 * MiB
    slot.kill_all()
    assert p.wait(timeout=5) == -signal.SIGKILL
    assert _wait_empty(slot)
    slot.reset_peak()
    after = slot.memory_peak()
    if peak is not None and after is not None and pool.version == 1:
        assert after < 40 * MiB  # v1 resets to the current (now small) usage
    slot.kill_all()  # empty slot: nothing to do, no error


# --------------------------------------------------------------------------------------------
# 5: stale pools


_CREATE_AND_DIE = """
import os, signal, sys
from codepercept.sandbox.cgroup import create_slots
pool, reason = create_slots(2, 64 << 20, 16, sys.argv[1] + str(os.getpid()))
print(reason if pool is None else "OK " + " ".join(pool.root), flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), signal.SIGKILL)
sys.stdin.readline()
pool.close()
"""


def test_sweep_stale_removes_pools_of_dead_processes_only(spawn):
    prefix = f"cptest-sweep{os.getpid()}x{next(_seq)}-"
    ours, reason = cgroup.create_slots(1, 64 * MiB, 16, prefix + str(os.getpid()))
    if ours is None:
        pytest.skip(f"cgroups unavailable here: {reason}")
    try:
        dead = spawn(_CREATE_AND_DIE, prefix, "die")
        out, err = dead.communicate(timeout=15)
        assert dead.returncode == -signal.SIGKILL, (out, err)
        assert out.startswith("OK "), (out, err)
        dead_dirs = out.split()[1:]
        assert dead_dirs and all(os.path.isdir(d) for d in dead_dirs)

        live = spawn(_CREATE_AND_DIE, prefix, "live", stdin=subprocess.PIPE)
        line = live.stdout.readline()
        assert line.startswith("OK "), line
        live_dirs = line.split()[1:]

        assert cgroup.sweep_stale(prefix) == len(dead_dirs)
        assert [d for d in dead_dirs if os.path.exists(d)] == []
        assert all(os.path.isdir(d) for d in live_dirs)  # a live process's pool
        assert all(os.path.isdir(d) for d in ours.root)  # our own pool
        assert cgroup.sweep_stale(prefix) == 0

        live.communicate("bye\n", timeout=15)
        assert live.returncode == 0
        assert [d for d in live_dirs if os.path.exists(d)] == []
    finally:
        _release(ours)
        cgroup.sweep_stale(prefix)  # whatever a failed test left behind


def test_a_stale_pool_with_our_own_tag_is_reclaimed(make_pool):
    pool, reason = cgroup.create_slots(1, 64 * MiB, 16, tag := _tag("reuse"))
    if pool is None:
        pytest.skip(f"cgroups unavailable here: {reason}")
    try:
        again, reason = cgroup.create_slots(1, 64 * MiB, 16, tag)
        assert again is None and "already exists" in reason
        # Pretend the pool was left by an earlier process that had our PID.
        for d in pool.root:
            cgroup._LIVE_POOLS.discard(d)
        again, reason = cgroup.create_slots(2, 64 * MiB, 16, tag)
        assert again is not None, reason
        assert again.root == pool.root and len(again.slots) == 2
        _release(again)
    finally:
        _release(pool)
    assert pool.leftover() == []


# --------------------------------------------------------------------------------------------
# 6: discovery and degradation


def test_describe_has_the_documented_keys():
    d = cgroup.describe()
    assert set(d) == {"version", "memory", "pids", "writable", "reason"}
    assert d["version"] in (0, 1, 2)
    assert all(isinstance(d[k], bool) for k in ("memory", "pids", "writable"))
    assert isinstance(d["reason"], str)
    if d["memory"] and d["pids"] and d["writable"]:
        assert d["reason"] == ""
    else:
        assert d["reason"]


def test_no_cgroup_mounts_degrade_to_a_reason(monkeypatch):
    monkeypatch.setattr(cgroup, "_read_mounts", lambda: [])
    pool, reason = cgroup.create_slots(2, 64 * MiB, 16, _tag("none"))
    assert pool is None and reason and "\n" not in reason
    d = cgroup.describe()
    assert d["version"] == 0 and not d["writable"] and d["reason"]
    assert cgroup.sweep_stale("cptest-none-") == 0


@pytest.mark.parametrize(
    "args",
    [(0, 64 * MiB, 16, "cptest-bad"), (1, 0, 16, "cptest-bad"), (1, MiB, 0, "cptest-bad"),
     (1, MiB, 16, ""), (1, MiB, 16, "a/b"), (1, MiB, 16, "..")],
)  # fmt: skip
def test_bad_arguments_are_a_reason_not_an_exception(args):
    pool, reason = cgroup.create_slots(*args)
    assert pool is None and reason


def test_mount_table_and_own_cgroup_are_read_from_proc():
    if not os.path.exists("/proc/self/mountinfo"):
        pytest.skip("no /proc/self/mountinfo (not Linux)")
    mounts = cgroup._read_mounts()
    fstypes = {m.fstype for m in mounts}
    assert fstypes <= {"cgroup", "cgroup2"}
    own = cgroup._read_proc_cgroup()
    if "cgroup2" in fstypes:
        assert own.get("", "").startswith("/")
    host = cgroup._detect()
    for c, (mount, own_dir) in host.v1.items():
        assert c in mount.options and own_dir.startswith(mount.mountpoint)


def test_own_dir_maps_a_bind_mounted_subtree(tmp_path):
    (tmp_path / "sub" / "leaf").mkdir(parents=True)
    m = cgroup._Mount(str(tmp_path), "/docker/abc", "cgroup", frozenset({"memory"}))
    assert cgroup._own_dir(m, "/docker/abc/sub/leaf") == str(tmp_path / "sub" / "leaf")
    assert cgroup._own_dir(m, "/docker/abc") == str(tmp_path)
    assert cgroup._own_dir(m, "/elsewhere") == str(tmp_path)  # not under the mount's root
    assert cgroup._own_dir(m, "/../../x") == str(tmp_path)  # outside our cgroup namespace
    assert cgroup._unescape(r"/a\040b") == "/a b"


# --------------------------------------------------------------------------------------------
# v2 plumbing (directories, attach, cgroup.kill, close, sweep) without controllers, so it runs
# on a hybrid host whose cgroup2 mount has no memory/pids; limits are covered above.


@pytest.fixture
def v2_parent() -> str:
    host = cgroup._detect()
    if host.v2_mount is None:
        pytest.skip("no cgroup2 mount")
    parent = host.v2_mount.mountpoint
    if not os.access(parent, os.W_OK | os.X_OK):
        pytest.skip(f"{parent} is not writable")
    return parent


def test_v2_plumbing_attach_kill_close(v2_parent, spawn):
    pool = cgroup._build_v2(v2_parent, _tag("v2"), 2, (), ())
    try:
        assert pool.version == 2 and len(pool.root) == 1
        s0 = pool.slots[0]
        assert s0.dirs == (os.path.join(pool.root[0], "slot-0"),)
        p = spawn(SLEEPER, preexec_fn=_self_attach(s0))
        assert p.stdout.readline().strip() == "up"
        rel = "/" + "/".join(Path(s0.dirs[0]).parts[-2:])
        assert Path(f"/proc/{p.pid}/cgroup").read_text().splitlines()[-1].endswith(rel)
        assert s0.procs() == [p.pid]
        assert s0.oom_kills() == 0  # no memory controller: nothing to read, no error
        s0.kill_all()
        assert p.wait(timeout=5) == -signal.SIGKILL
        assert _wait_empty(s0)
    finally:
        _release(pool)
    assert pool.leftover() == []


def test_v2_plumbing_sweep(v2_parent, spawn):
    done = spawn("pass")
    done.communicate(timeout=15)  # reaped: its PID is (almost surely) free now
    prefix = f"cptest-v2sweep{os.getpid()}x{next(_seq)}-"
    pool = cgroup._build_v2(v2_parent, prefix + str(done.pid), 2, (), ())
    cgroup._LIVE_POOLS.discard(pool.root[0])  # as if made by that (dead) process
    try:
        assert cgroup.sweep_stale(prefix) == 1
        assert pool.leftover() == []
    finally:
        _release(pool)


def test_v2_without_controllers_is_a_reason(v2_parent):
    host = cgroup._detect()
    if {"memory", "pids"} <= cgroup._controllers_v2(v2_parent):
        pytest.skip("this cgroup2 mount has the controllers: create_slots is tested above")
    pool, reason = cgroup._create_v2(host, 2, 64 * MiB, 16, _tag("v2none"))
    assert pool is None
    assert "cgroup.controllers" in reason and "Delegate=yes" in reason, reason


def test_v2_never_enables_controllers_in_a_cgroup_with_processes(v2_parent, spawn):
    busy = os.path.join(v2_parent, _tag("busy"))
    os.mkdir(busy)
    slot = Slot(0, 2, busy, busy)
    try:
        p = spawn(SLEEPER, preexec_fn=_self_attach(slot))
        assert p.stdout.readline().strip() == "up"
        before = Path(busy, "cgroup.subtree_control").read_text()
        with pytest.raises(OSError, match="no-internal-process"):
            cgroup._ensure_subtree(busy, ("memory", "pids"))
        assert Path(busy, "cgroup.subtree_control").read_text() == before
        slot.kill_all()
        p.wait(timeout=5)
        assert _wait_empty(slot)
    finally:
        slot.kill_all()
        _wait_empty(slot)
        os.rmdir(busy)
