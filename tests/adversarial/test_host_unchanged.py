"""Attacks that only show across programs or across executors, or that would take the test
process itself down, each run on an executor of its own (the corpus is test_adversarial.py).

* A reusable worker's program leaves something behind for the *next* program on the same
  worker (a thread that rewrites titles, a symlink the executor writes through, a neutered
  violation flag): run deterministically with ``workers=1`` -- attacker, then plain programs.
* Deep directory trees and padding the executor must clean up, then a brand-new executor on the
  same ``workdir_root`` (including one whose predecessor was killed and left such a tree).
* Forged result frames: the result is the program's own word; what is guaranteed is asserted.
* prlimit64 with the review's values (RLIMIT_CPU 1 s, RLIMIT_NOFILE 8) on the executor's
  process and on the zygote: those would kill this test process, so the executor runs in a
  child process ("driver") that reports back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import hoststate
import pytest
from hoststate import run_all

from codepercept.sandbox import Executor
from codepercept.sandbox.result import STATUSES

HERE = Path(__file__).parent
PROGRAMS = HERE / "programs"
REPO = HERE.parent.parent
TIMEOUT_S = 4.0


def plain(i: int) -> str:
    return f"import matplotlib.pyplot as plt\nplt.title('clean {i}')\nplt.plot([1, 2])\n"


def program(name: str, **subs: object) -> str:
    return hoststate.render(PROGRAMS / f"{name}.py", subs)


def executor(root: Path, reuse: int = 8, workers: int = 1) -> Executor:
    return Executor(workers=workers, timeout_s=TIMEOUT_S, memory_mb=768, disk_mb=64, reuse=reuse,
                    workdir_root=str(root))  # fmt: skip


def _texts(res) -> list[str]:
    return res.scene.texts() if res.scene else []


def _assert_clean_runs(results, first: int = 0) -> None:
    """Each result is a plain program's ("clean i"): ok, its own title, nothing injected."""
    for i, res in enumerate(results, start=first):
        assert res.status == "ok", f"plain program {i}: {res.status} ({res.message})"
        assert res.wall_s < TIMEOUT_S + 3.0, f"plain program {i} took {res.wall_s:.1f}s"
        texts = _texts(res)
        assert f"clean {i}" in texts, f"plain program {i} shows {texts[:3]}"
        assert not any("PWNED" in t for t in texts), f"plain program {i} shows {texts[:3]}"


@pytest.fixture
def root(tmp_path):
    """A workdir_root, removed whatever depth of tree the runs left in it."""
    path = tmp_path / "runs"
    path.mkdir()
    yield path
    for name in os.listdir(path):
        hoststate.remove_tree(path / name)


# --------------------------------------------------------------------------------------------
# Reusable workers: what one program leaves for the next
# --------------------------------------------------------------------------------------------
def test_reuse_thread_does_not_reach_next_program(root):
    """A _thread thread (invisible to threading.active_count) must not outlive its program
    into the next ones: here it would title their figures "PWNED by reuse_thread_stamp"."""
    with executor(root) as ex:
        first, *rest = run_all(ex, [program("reuse_thread_stamp")] + [plain(i) for i in range(3)])
    # it leaves a thread running: not captured, and its worker retires
    assert first.status == "runtime_error" and "thread" in first.message, first.message
    _assert_clean_runs(rest)


def test_reuse_symlink_replant_cannot_write_host_file(root, tmp_path):
    """The executor must not write the next program into whatever program.py was replanted
    as: a symlink to a host file (the review: the next program's text landed in it, 3/3)."""
    canary = hoststate.make_canary(tmp_path)
    before = hoststate.canary_state(canary)
    codes = [program("reuse_symlink_replant", CANARY=canary)] + [plain(i) for i in range(3)]
    with executor(root) as ex:
        first, *rest = run_all(ex, codes)
    after = hoststate.canary_state(canary)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"the canary changed (before, after): {changed}"
    # it leaves a thread running: not captured, and its worker retires
    assert first.status == "runtime_error" and "thread" in first.message, first.message
    _assert_clean_runs(rest)


def test_reuse_fifo_replant_does_not_block_next_program(root):
    """program.py replanted as a FIFO must neither block the executor nor feed the next
    program someone else's code (today seccomp refuses mknodat: this guards that)."""
    with executor(root) as ex:
        first, *rest = run_all(ex, [program("reuse_fifo_replant")] + [plain(i) for i in range(2)])
    # it leaves a thread running: not captured, and its worker retires
    assert first.status == "runtime_error" and "thread" in first.message, first.message
    _assert_clean_runs(rest)


NEUTER = """
import codepercept.sandbox.child as harness
import matplotlib.pyplot as plt
type(harness._state).violation = property(lambda self: None, lambda self, value: None)
plt.plot([0, 1])
"""
SOCKET = """
import subprocess
import matplotlib.pyplot as plt
try:
    subprocess.run(["true"])
except OSError:
    pass
plt.title("PWNED: violation lost")
plt.plot([0, 1])
"""


@pytest.mark.parametrize("reuse", [1, 8], ids=["fresh", "reuse8"])
def test_neutered_violation_flag_does_not_outlive_program(root, reuse):
    """A program that makes the harness's violation flag unwritable and then ends normally
    must not take violation reporting away from the next program on the same worker."""
    with executor(root, reuse=reuse) as ex:
        neuter, victim = run_all(ex, [NEUTER, SOCKET])
    assert neuter.status == "ok", neuter.message
    assert victim.status == "forbidden", f"{victim.status} ({victim.message}) {_texts(victim)}"


# --------------------------------------------------------------------------------------------
# Deep trees and a new executor on the same workdir_root
# --------------------------------------------------------------------------------------------
DANGEROUS = ["deep_dirs_chdir", "deep_dirs_mkdirat", "deep_dirs_long_names", "many_files",
             "reuse_symlink_replant"]  # fmt: skip


def test_new_executor_after_dangerous_programs(root, tmp_path):
    """The most dangerous clean-up cases in reuse mode, each followed by a plain program; then
    a brand-new executor on the same workdir_root: run() never raises, every plain program is
    ok, the new executor starts and runs, and nothing is left on disk or in the canary."""
    canary = hoststate.make_canary(tmp_path)
    before = hoststate.canary_state(canary)
    codes: list[str] = []
    for i, name in enumerate(DANGEROUS):
        codes += [program(name, CANARY=canary), plain(i)]
    ex = executor(root)
    results = run_all(ex, codes)
    last = run_all(ex, [plain(len(DANGEROUS))])[0]
    closed = None
    try:
        ex.close()
    except BaseException as exc:
        closed = f"Executor.close() raised {exc!r}"
    raised = {n: r.message for n, r in zip(DANGEROUS, results[::2], strict=True)
              if r.status == "raised"}  # fmt: skip
    raised.update({f"plain after {n}": r.message for n, r in zip(DANGEROUS, results[1::2],
                                                                  strict=True)
                   if r.status == "raised"})  # fmt: skip
    if closed:
        raised["close"] = closed
    try:
        with executor(root, reuse=1) as fresh_ex:
            fresh = fresh_ex.run(plain(99))
    except BaseException as exc:
        fresh = None
        raised["a new Executor on the same workdir_root"] = repr(exc)
    left = sorted(os.listdir(root))
    after = hoststate.canary_state(canary)
    assert not raised, f"raised: {raised}"
    for name, res in zip(DANGEROUS, results[::2], strict=True):
        assert res.status in STATUSES, f"{name}: {res.status} ({res.message})"
    _assert_clean_runs(results[1::2])
    _assert_clean_runs([last], first=len(DANGEROUS))
    assert fresh is not None and fresh.status == "ok", fresh and fresh.message
    assert left == [], f"left under workdir_root: {left}"
    assert after == before, "the canary changed"


def test_stale_deep_workdir_is_swept(root):
    """An executor killed with SIGKILL leaves its runs' directories, which may hold trees deeper
    than any recursion limit and paths longer than PATH_MAX; the next executor on the same
    workdir_root sweeps them at start: it must start, sweep them all, and run."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = [root / f"cp-run-{dead.pid}-deep", root / f"cp-worker-{dead.pid}-long"]
    for path in stale:
        path.mkdir()
    hoststate.make_deep_tree(stale[0], 3000)
    hoststate.make_deep_tree(stale[1], 1500, name=b"n" * 240)
    try:
        with executor(root, reuse=1) as ex:
            res = ex.run(plain(0))
    except BaseException as exc:
        pytest.fail(f"a new Executor on a workdir_root with a stale deep tree raised {exc!r}")
    assert res.status == "ok", res.message
    left = sorted(os.listdir(root))
    assert left == [], f"stale directories not swept: {left}"


# --------------------------------------------------------------------------------------------
# Forged result frames: what is guaranteed
# --------------------------------------------------------------------------------------------
FORGERS = sorted(p.stem for p in PROGRAMS.glob("forge_ok_*.py"))


@pytest.mark.parametrize("reuse", [1, 8], ids=["fresh", "reuse8"])
@pytest.mark.parametrize("name", FORGERS)
def test_forged_frame_is_contained(root, name, reuse, record_property):
    """A program that writes its own complete "ok" frame and leaves before the harness can
    write one may be reported "ok" with whatever it forged (figure "FORGED"): the result is
    the program's word. Guaranteed all the same: run() does not raise, the status is from the
    closed set, the deadline holds, and the next program runs ok with its own content."""
    with executor(root, reuse=reuse) as ex:
        forged, nxt = run_all(ex, [program(name), plain(0)])
    record_property("forged_status", forged.status)
    record_property("forged_texts", _texts(forged)[:1])
    assert forged.status in STATUSES, f"{forged.status} ({forged.message})"
    assert forged.wall_s < TIMEOUT_S + 3.0
    assert not any("PWNED" in t for t in _texts(forged))
    _assert_clean_runs([nxt])


# --------------------------------------------------------------------------------------------
# prlimit64 with the review's values, against an executor in a child process
# --------------------------------------------------------------------------------------------
DRIVER = r"""
import json, os, resource, sys, time
from codepercept.sandbox import Executor

root, attack = sys.argv[1], sys.argv[2]
RL = {"CPU": resource.RLIMIT_CPU, "NOFILE": resource.RLIMIT_NOFILE, "AS": resource.RLIMIT_AS}

def limits(pid=0):
    return {n: list(resource.prlimit(pid, r)) for n, r in RL.items()}

def run(ex, code):
    try:
        r = ex.run(code)
        return [r.status, r.message[:300], r.scene.texts()[:1] if r.scene else []]
    except BaseException as exc:
        return ["raised", repr(exc)[:300], []]

out = {"before": limits()}
with Executor(workers=1, timeout_s=4, memory_mb=768, disk_mb=64, workdir_root=root) as ex:
    zygote = ex._zygote.pid
    out["zygote_before"] = limits(zygote)
    attack = attack.replace("__EXECPID__", str(os.getpid()))
    out["attack"] = run(ex, attack.replace("__ZYGOTEPID__", str(zygote)))
    t = time.process_time()
    while time.process_time() - t < 1.5:  # spend CPU past a 1 s limit, should one be set
        pass
    out["after"] = [run(ex, "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n")
                    for _ in range(3)]
    out["same_zygote"] = ex._zygote is not None and ex._zygote.pid == zygote
    out["zygote_after"] = limits(zygote) if out["same_zygote"] else None
out["after_limits"] = limits()
print(json.dumps(out))
"""
ATTACK = """
import ctypes
import os
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.prlimit.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


class Rlimit(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_uint64), ("max", ctypes.c_uint64)]


rc = libc.prlimit({target}, {resource}, ctypes.byref(Rlimit({value}, {value})), None)
plt.title("PWNED: prlimit" if rc == 0 else "blocked")
plt.plot([0, 1])
"""
LETHAL = {
    "executor-cpu-1s": ("__EXECPID__", 0, 1),
    "executor-nofile-8": ("__EXECPID__", 7, 8),
    # the zygote by its host pid (in a PID namespace getppid() is 0, which names the program)
    "zygote-cpu-1s": ("__ZYGOTEPID__", 0, 1),
    "zygote-nofile-8": ("__ZYGOTEPID__", 7, 8),
}


@pytest.mark.parametrize("attack", sorted(LETHAL))
def test_lethal_prlimit_is_refused(root, attack):
    """RLIMIT_CPU 1 s / RLIMIT_NOFILE 8 set on the executor's process or on the zygote (the
    review's values): the executor's process must survive, keep its limits, and go on running
    programs ok on the same zygote."""
    target, resource_, value = LETHAL[attack]
    code = ATTACK.format(target=target, resource=resource_, value=value)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(root), code], env=env,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    assert proc.returncode == 0, (
        f"the executor's process died (returncode {proc.returncode}): {proc.stderr[-800:]}"
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    problems = []
    status, message, texts = out["attack"]
    if status != "ok" or texts != ["blocked"]:
        problems.append(f"the attack ended {status} {message!r} {texts}")
    for status, message, _ in out["after"]:
        if status != "ok":
            problems.append(f"a plain program after it ended {status} ({message})")
    if out["after_limits"] != out["before"]:
        problems.append(f"the executor's limits went {out['before']} -> {out['after_limits']}")
    if not out["same_zygote"]:
        problems.append("the zygote died")
    elif out["zygote_after"] != out["zygote_before"]:
        problems.append(f"the zygote's limits went {out['zygote_before']} -> {out['zygote_after']}")
    assert not problems, "; ".join(problems)
