"""Reusable workers (``Executor(reuse=N)``): one hardened child runs several programs in turn.

The contract: for well-behaved programs the results are exactly those of a fresh process per
program (images, scene, probe outputs, statuses), whatever worker a program lands on; each run
reports only its own output; a worker is replaced after N programs, after any run that did not
end cleanly, and after a program that left threads running or replaced module functions.
(The hostile corpus also runs in this mode: tests/adversarial.)
"""

from __future__ import annotations

import hashlib
import random

import pytest

from codepercept.sandbox import Executor
from codepercept.synth import list_families
from codepercept.synth.pipeline import candidate

PID = "import os\nprint('pid', os.getpid())\n"
PLOT = (
    "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2], 'o-')\nplt.title('probe')\nplt.show()\n"
)


def _pid(res) -> int:
    return int(res.stdout.split("pid", 1)[1].split()[0])


def _fingerprint(res) -> tuple:
    probes = {
        k: [(e.get("data"), [hashlib.sha1(b).hexdigest() for b in e.get("blobs", [])]) for e in v]
        for k, v in res.probes.items()
    }
    return (
        res.status,
        [hashlib.sha1(b).hexdigest() for b in res.images],
        hashlib.sha1(res.scene_json).hexdigest(),
        repr(probes),
    )


@pytest.fixture(scope="module")
def worker():
    with Executor(workers=1, timeout_s=5, reuse=50) as ex:
        yield ex


def test_synth_programs_give_the_bytes_of_fresh_processes():
    fams = list_families()
    codes = [candidate(fams, 7, k).code for k in range(40)]
    with Executor(workers=2, timeout_s=20, probes=["screen"]) as ex:
        fresh = [_fingerprint(r) for r in ex.map(codes)]
    order = list(range(len(codes)))
    random.Random(1).shuffle(order)
    # reuse=6 retires workers mid-run too; the shuffled order changes who follows whom
    with Executor(workers=2, timeout_s=20, probes=["screen"], reuse=6) as ex:
        reused = ex.map([codes[i] for i in order])
    got = {i: _fingerprint(r) for i, r in zip(order, reused, strict=True)}
    assert [got[i] for i in range(len(codes))] == fresh
    assert all(f[0] == "ok" for f in fresh)


def test_state_a_program_leaves_is_reset_before_the_next(worker):
    clean = worker.run(PID + PLOT)
    messy = worker.run(
        PID
        + "import sys, io\nimport numpy as np\nimport matplotlib as mpl\n"
        + "import matplotlib.pyplot as plt\n"
        + "mpl.rcParams['lines.linewidth'] = 9\nplt.style.use('dark_background')\n"
        + "np.seterr(all='raise')\nnp.set_printoptions(precision=1)\n"
        + "open('left_behind.txt', 'w').write('x')\n"
        + "plt.figure(); plt.plot([5, 1])\n"  # left open, never shown
        + "sys.stdout = io.StringIO()\n"
    )
    again = worker.run(PID + "import os\nprint(sorted(os.listdir('.')))\n" + PLOT)
    assert messy.status == "ok"
    assert _pid(clean) == _pid(messy) == _pid(again), "the three runs should share a worker"
    assert again.images == clean.images and again.scene_json == clean.scene_json
    assert "['program.py']" in again.stdout  # the last program's files are gone


def test_each_run_reports_only_its_own_output(worker):
    outs = [worker.run(f"print('run-{i}')\nimport sys\nprint('err-{i}', file=sys.stderr)\n" + PLOT)
            for i in range(4)]  # fmt: skip
    for i, r in enumerate(outs):
        assert r.stdout == f"run-{i}\n" and r.stderr == f"err-{i}\n"


def test_cpu_times_count_one_program(worker):
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
    for _ in range(3):
        worker.run(spin + PLOT)
    r = worker.run(PLOT)
    assert r.status == "ok" and r.timings["cpu_user_s"] < 0.25


def test_worker_is_replaced_after_n_programs():
    with Executor(workers=1, timeout_s=5, reuse=3) as ex:
        pids = [_pid(ex.run(PID + PLOT)) for _ in range(7)]
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4] == pids[5] != pids[6]


@pytest.mark.parametrize(
    "bad, status",
    [
        ("while True: pass\n", "timeout"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "crashed"),
        ("import socket\nsocket.socket()\n", "forbidden"),
        ("print('x' * (3 << 20))\n", "output_too_large"),
    ],
    ids=["timeout", "killed", "forbidden", "flood"],
)
def test_a_run_that_ends_badly_retires_its_worker(bad, status):
    with Executor(workers=1, timeout_s=2, reuse=50, max_stream_mb=1) as ex:
        before = ex.run(PID + PLOT)
        res = ex.run(bad)
        after = ex.run(PID + PLOT)
    assert res.status == status, res.message
    assert after.status == "ok" and after.images == before.images
    assert _pid(after) != _pid(before)


@pytest.mark.parametrize(
    "leaves",
    [
        "import json\njson.dumps = None\n",
        "import numpy as np\nnp.linspace = lambda *a, **k: None\n",
        "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n",
    ],
    ids=["stdlib-patched", "numpy-patched", "thread-left-running"],
)
def test_a_program_that_leaves_hidden_state_retires_its_worker(leaves):
    with Executor(workers=1, timeout_s=5, reuse=50) as ex:
        before = ex.run(PID + PLOT)
        res = ex.run(PID + leaves + PLOT)
        after = ex.run(PID + PLOT)
    if "threading" in leaves:  # a thread still running: no capture, and the worker retires
        assert res.status == "runtime_error" and "thread" in res.message
        assert "1 other thread" in res.message
    else:
        assert res.status == "ok" and _pid(res) == _pid(before)
    assert after.status == "ok" and after.images == before.images
    assert _pid(after) != _pid(before)


def test_a_worker_that_died_while_idle_is_replaced():
    import os
    import signal

    with Executor(workers=1, timeout_s=5, reuse=50) as ex:
        first = ex.run(PID + PLOT)
        (idle,) = ex._idle
        host_pid = idle.pending.pid  # the program sees its PID-namespace pid, not this one
        os.kill(host_pid, signal.SIGKILL)
        second = ex.run(PID + PLOT)
        (idle,) = ex._idle
        assert idle.pending.pid != host_pid
    assert second.status == "ok" and second.images == first.images


def test_reuse_must_be_positive():
    with pytest.raises(ValueError, match="reuse"):
        Executor(reuse=0)
