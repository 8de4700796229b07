"""Hostile and broken programs against the real sandbox.

Each file in programs/ states the statuses it may end with (``# expect: a b``) and, optionally,
a text its figure must show when it ends ``ok`` (``# texts: blocked`` -- used where an attack
bypasses Python and only the kernel can refuse it; the program titles its figure "PWNED" if the
attack worked). For every program the test also checks: it finished within its deadline,
``run()`` did not raise, nothing was created outside the run's private directory, no secret
leaked, and the executor (and its zygote) survived.

Programs attack the host through placeholders the test fills in (``hoststate.render``):
``__PORT__`` (a listener on 127.0.0.1), ``__REPO__``, ``__HOME__`` (a fake HOME with dotfiles
holding the secret; the executor runs with it), ``__CWD__`` (the caller's working directory,
holding reference_answer.txt), ``__PID__`` (a process holding the secret in its environment),
``__EXECPID__`` (the executor's process: this one), ``__CANARY__`` (a 0600 file of the test's),
``__WORKROOT__`` (the executor's workdir_root), ``__IPCBASE__`` (a key range for SysV objects),
``__SHMID__``/``__VICTIM_SHMID__``/``__MSQID__``/``__SEMID__`` (private IPC objects of the test
holding the secret). Before and after the corpus the test compares the host: SysV objects,
the canary, this process's and the zygote's rlimits, leftover directories, free disk space, and
it bounds the threads the sandbox's processes held at any time.

The corpus runs twice: with a fresh process per program, and with reusable workers
(``Executor(reuse=8)``, meant for trusted programs but hardened all the same): every program
must end the same way in both. test_host_unchanged.py runs the attacks that only show across
programs, or that would take this process down, on executors of their own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import hoststate
import pytest
from hoststate import MARKER, SECRET, run_all

from codepercept.sandbox import Executor
from codepercept.sandbox.result import STATUSES

HERE = Path(__file__).parent
PROGRAMS = sorted((HERE / "programs").glob("*.py"))
REPO = HERE.parent.parent
TIMEOUT_S = 4.0
MAX_SANDBOX_THREADS = 3000  # thread_6000 asks for 6,000; a pids limit must cap far below
MAX_SANDBOX_PROCESSES = 16  # two runs in flight, plus workers being retired or reaped
DISK_SLACK = 50 << 20


def _header(path: Path, key: str) -> list[str]:
    for line in path.read_text().splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].split()
    return []


class _TcpServer:
    """A real listener on 127.0.0.1 that counts the connections and datagrams it receives."""

    def __init__(self) -> None:
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(8)
        self.tcp.settimeout(0.2)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.udp.settimeout(0.2)
        self.received = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=f, daemon=True) for f in (self._tcp, self._udp)]
        for t in self._threads:
            t.start()

    def _tcp(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                continue
            self.received += 1
            conn.close()

    def _udp(self) -> None:
        while not self._stop.is_set():
            try:
                self.udp.recvfrom(100)
            except OSError:
                continue
            self.received += 1

    def close(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(2)
        self.tcp.close()
        self.udp.close()


def _marker_paths(*extra_dirs: Path) -> list[Path]:
    home = Path(os.path.expanduser("~"))
    return [
        Path("/tmp") / MARKER,
        Path("/tmp") / f"{MARKER}.png",
        Path("/dev/shm") / MARKER,
        home / MARKER,
        REPO / MARKER,
        REPO / f"{MARKER}.png",
        Path.cwd() / MARKER,
        *(d / MARKER for d in extra_dirs),
    ]


def make_caller_dirs(base: Path) -> tuple[Path, Path]:
    """The caller's working directory (with reference_answer.txt) and a fake HOME (with
    dotfiles), both holding the secret; the executor is started from the one, with the other."""
    cwd = base / "caller"
    cwd.mkdir()
    (cwd / "reference_answer.txt").write_text(f"the reference answer is {SECRET}\n")
    home = base / "home"
    (home / ".config" / "codepercept").mkdir(parents=True)
    (home / ".bashrc").write_text(f"export API_TOKEN={SECRET}\n")
    (home / ".netrc").write_text(f"machine example.com login me password {SECRET}\n")
    (home / ".config" / "codepercept" / "token").write_text(SECRET)
    return cwd, home


class CallerContext:
    """Run the executor from ``cwd`` with HOME=``home`` (and PWD/OLDPWD naming them, as a shell
    would), matplotlib's config dir kept where it was (no font cache rebuild); put back after."""

    KEYS = ("HOME", "PWD", "OLDPWD", "MPLCONFIGDIR", "CP_ADV_SECRET")

    def __init__(self, cwd: Path, home: Path) -> None:
        self.cwd, self.home = cwd, home

    def __enter__(self) -> CallerContext:
        import matplotlib

        mplconfig = matplotlib.get_configdir()
        self.saved_cwd = os.getcwd()
        self.saved_env = {k: os.environ.get(k) for k in self.KEYS}
        os.chdir(self.cwd)
        os.environ.update(HOME=str(self.home), PWD=str(self.cwd), OLDPWD=str(self.home),
                          MPLCONFIGDIR=mplconfig, CP_ADV_SECRET=SECRET)  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        os.chdir(self.saved_cwd)
        for k, v in self.saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _zygote_pid(ex: Executor) -> int:
    zyg = ex._zygote
    return zyg.pid if zyg is not None and zyg.alive else 0


@pytest.fixture(scope="module", params=[1, 8], ids=["fresh", "reuse8"])
def outcomes(request, tmp_path_factory):
    """Run the whole corpus once (two at a time), comparing the host before and after."""
    base = tmp_path_factory.mktemp("host")
    caller_cwd, home = make_caller_dirs(base)
    canary = hoststate.make_canary(base)
    workroot = tmp_path_factory.mktemp("runs")
    markers = _marker_paths(caller_cwd, home)
    for p in markers:
        if p.exists():
            p.unlink()
    ipc_base = hoststate.new_ipc_base()
    host_ipc = hoststate.HostIpc()
    server = _TcpServer()
    # A process whose environment holds the secret, for the /proc/PID/environ attacks.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"],
        env={**os.environ, "CP_ADV_SECRET": SECRET},
    )
    subs = {
        "PORT": server.port,
        "REPO": REPO,
        "HOME": home,
        "CWD": caller_cwd,
        "PID": holder.pid,
        "EXECPID": os.getpid(),
        "CANARY": canary,
        "WORKROOT": workroot,
        "IPCBASE": ipc_base,
        **host_ipc.subs(),
    }
    codes = []
    for path in PROGRAMS:
        data = hoststate.render(path, subs).encode()
        if path.stem == "invalid_utf8":
            data += b"\xff\n"
        elif path.stem == "null_bytes":
            data += b"\x00\n"
        codes.append(data)
    disk_paths = sorted({str(workroot), "/tmp"})
    before = {
        "sysv": hoststate.sysv_objects(),
        "host_ipc": host_ipc.state(),
        "canary": hoststate.canary_state(canary),
        "rlimits": hoststate.rlimits(),
        "free": {p: hoststate.free_bytes(p) for p in disk_paths},
        "tmp_workdirs": hoststate.own_workdirs("/tmp", [os.getpid()]),
    }
    out: dict = {"reuse": request.param, "before": before}
    try:
        with CallerContext(caller_cwd, home), Executor(
            workers=2, timeout_s=TIMEOUT_S, memory_mb=768, disk_mb=64, reuse=request.param,
            workdir_root=str(workroot),
        ) as ex:  # fmt: skip
            zygote_pid = ex._zygote.pid
            zygote_limits = hoststate.rlimits(zygote_pid)
            with hoststate.ThreadSampler(lambda: _zygote_pid(ex)) as sampler:
                results = run_all(ex, codes)
            # The executor is still usable, and by the same zygote: nothing killed it.
            (after,) = run_all(ex, [b"import matplotlib.pyplot as plt\nplt.plot([1, 2])\n"])
            out["same_zygote"] = ex._zygote.pid == zygote_pid
            out["zygote_limits"] = (zygote_limits, hoststate.rlimits(zygote_pid)
                                    if _zygote_pid(ex) == zygote_pid else None)  # fmt: skip
            out["thread_peak"] = sampler.peak
            out["process_peak"] = sampler.process_peak
    finally:
        holder.kill()
        holder.wait()
        server.close()
        out["connections"] = server.received
        # What the corpus left on the host, then put the host back as it was.
        out["rlimits"] = hoststate.rlimits()
        hoststate.restore_rlimits(before["rlimits"])
        out["sysv_new"] = hoststate.new_sysv_objects(before["sysv"], hoststate.sysv_objects())
        out["sysv_removed"] = hoststate.remove_tagged_sysv(ipc_base)
        out["host_ipc"] = host_ipc.state()
        host_ipc.close()
        out["canary"] = hoststate.canary_state(canary)
        out["leftover_workdirs"] = sorted(os.listdir(workroot))
        out["tmp_workdirs"] = hoststate.own_workdirs("/tmp", [os.getpid()])
        for name in out["leftover_workdirs"]:
            hoststate.remove_tree(workroot / name)
        out["free"] = hoststate.wait_free_space(disk_paths, before["free"], DISK_SLACK)
        out["markers"] = [p for p in markers if p.exists()]
    out["results"] = {p.stem: r for p, r in zip(PROGRAMS, results, strict=True)}
    out["after"] = after
    return out


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 110


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program(path: Path, outcomes):
    res = outcomes["results"][path.stem]
    expected = _header(path, "expect")
    assert expected, f"{path.name} has no '# expect:' header"
    assert set(expected) <= set(STATUSES), f"{path.name} expects an unknown status"
    assert res.status in expected, f"{path.stem}: {res.status} ({res.message})"
    assert res.message or res.status == "ok"
    assert res.wall_s < TIMEOUT_S + 3.0, f"{path.stem} took {res.wall_s:.1f}s"
    texts = res.scene.texts() if res.scene else []
    if res.status == "ok":
        for want in _header(path, "texts"):
            assert any(want in t for t in texts), f"{path.stem}: expected {want!r} in {texts}"
    everything = " ".join(texts) + res.stdout + res.stderr + res.message
    assert "PWNED" not in everything, f"{path.stem}: {texts} {res.stdout[-300:]!r}"
    assert SECRET not in everything
    assert not outcomes["markers"], f"the corpus created {outcomes['markers']}"


def test_harness_survives(outcomes):
    assert outcomes["after"].status == "ok", outcomes["after"].message
    assert outcomes["same_zygote"], "an adversarial program killed the zygote"
    assert outcomes["connections"] == 0, "a program reached the 127.0.0.1 server"


def test_run_never_raised(outcomes):
    raised = {k: r.message for k, r in outcomes["results"].items() if r.status == "raised"}
    assert not raised, f"Executor.run raised: {raised}"


def test_no_leftover_directories(outcomes):
    assert outcomes["leftover_workdirs"] == [], "private run directories were not removed"
    new = sorted(set(outcomes["tmp_workdirs"]) - set(outcomes["before"]["tmp_workdirs"]))
    assert new == [], f"run directories left in /tmp: {new}"


def test_host_sysv_ipc_unchanged(outcomes):
    """No SysV object created by a run outlives it; the test's private objects were neither
    read (checked per program), changed nor removed."""
    assert outcomes["sysv_new"] == [], (
        f"SysV objects left on the host (kind, id, key, size): {outcomes['sysv_new']}; "
        f"removed by the test: {outcomes['sysv_removed']}"
    )
    assert outcomes["host_ipc"] == outcomes["before"]["host_ipc"]


def test_host_canary_unchanged(outcomes):
    before, after = outcomes["before"]["canary"], outcomes["canary"]
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"the canary changed (before, after): {changed}"


def test_host_rlimits_unchanged(outcomes):
    before = outcomes["before"]["rlimits"]
    assert outcomes["rlimits"] == before, "a run changed the executor's own rlimits"
    limits = outcomes["zygote_limits"]
    assert limits[1] is not None, "the zygote is gone"
    assert limits[1] == limits[0], "a run changed the zygote's rlimits"


def test_host_disk_space_back(outcomes):
    for path, free in outcomes["before"]["free"].items():
        lost = free - outcomes["free"][path]
        assert lost < DISK_SLACK, f"{lost >> 20} MB less free on {path} after the corpus"


def test_sandbox_threads_bounded(outcomes):
    """The tasks the sandbox's processes held at any moment of the corpus (sampled every 50 ms
    from the zygote's tree of children): thread bombs must meet a cap, and no program may
    multiply processes."""
    assert 0 < outcomes["thread_peak"] <= MAX_SANDBOX_THREADS, (
        f"the sandbox's processes held {outcomes['thread_peak']} threads at once"
    )
    assert outcomes["process_peak"] <= MAX_SANDBOX_PROCESSES, (
        f"the sandbox had {outcomes['process_peak']} processes at once"
    )
