"""Hostile and broken programs against the real sandbox.

Each file in programs/ states the statuses it may end with (``# expect: a b``) and, optionally,
a text its figure must show (``# texts: blocked`` — used where an attack bypasses Python and only
the kernel can refuse it; the program titles its figure "PWNED" if the attack worked). For every
program the test also checks: it finished within its deadline, nothing was created outside the
run's private directory, no secret leaked, and the executor (and its zygote) survived.

The corpus runs twice: with a fresh process per program, and with reusable workers
(``Executor(reuse=8)``, meant for trusted programs but hardened all the same): every program
must end the same way in both.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from codepercept.sandbox import Executor

HERE = Path(__file__).parent
PROGRAMS = sorted((HERE / "programs").glob("*.py"))
REPO = HERE.parent.parent
TIMEOUT_S = 4.0
SECRET = "cp-adversarial-secret-7d1f"
MARKER = "cp_adv_pwned"


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


def _marker_paths() -> list[Path]:
    home = Path(os.path.expanduser("~"))
    return [
        Path("/tmp") / MARKER,
        Path("/tmp") / f"{MARKER}.png",
        Path("/dev/shm") / MARKER,
        home / MARKER,
        REPO / MARKER,
        REPO / f"{MARKER}.png",
        Path.cwd() / MARKER,
    ]


@pytest.fixture(scope="module", params=[1, 8], ids=["fresh", "reuse8"])
def outcomes(request, tmp_path_factory):
    """Run the whole corpus once (two at a time) and return {name: (result, elapsed)}."""
    for p in _marker_paths():
        if p.exists():
            p.unlink()
    server = _TcpServer()
    # A process whose environment holds the secret, for the /proc/PID/environ attacks.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"],
        env={**os.environ, "CP_ADV_SECRET": SECRET},
    )
    os.environ["CP_ADV_SECRET"] = SECRET
    workroot = tmp_path_factory.mktemp("runs")
    codes = []
    for path in PROGRAMS:
        text = (
            path.read_text()
            .replace("__PORT__", str(server.port))
            .replace("__REPO__", str(REPO))
            .replace("__HOME__", os.path.expanduser("~"))
            .replace("__PID__", str(holder.pid))
        )
        data = text.encode()
        if path.stem == "invalid_utf8":
            data += b"\xff\n"
        elif path.stem == "null_bytes":
            data += b"\x00\n"
        codes.append(data)
    try:
        with Executor(workers=2, timeout_s=TIMEOUT_S, memory_mb=1024, reuse=request.param,
                      workdir_root=str(workroot)) as ex:  # fmt: skip
            zygote_pid = ex._zygote.pid
            results = ex.map(codes)
            # The executor is still usable, and by the same zygote: nothing killed it.
            after = ex.run("import matplotlib.pyplot as plt\nplt.plot([1, 2])\n")
            same_zygote = ex._zygote.pid == zygote_pid
    finally:
        os.environ.pop("CP_ADV_SECRET", None)
        holder.kill()
        holder.wait()
        server.close()
    return {
        "results": {p.stem: r for p, r in zip(PROGRAMS, results, strict=True)},
        "after": after,
        "same_zygote": same_zygote,
        "connections": server.received,
        "leftover_workdirs": list(workroot.iterdir()),
        "reuse": request.param,
    }


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 40


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program(path: Path, outcomes):
    res = outcomes["results"][path.stem]
    expected = _header(path, "expect")
    assert expected, f"{path.name} has no '# expect:' header"
    assert res.status in expected, f"{path.stem}: {res.status} ({res.message})"
    assert res.message or res.status == "ok"
    assert res.wall_s < TIMEOUT_S + 3.0, f"{path.stem} took {res.wall_s:.1f}s"
    texts = res.scene.texts() if res.scene else []
    for want in _header(path, "texts"):
        assert want in texts, f"{path.stem}: expected {want!r} in {texts}"
    everything = " ".join(texts) + res.stdout + res.stderr + res.message
    assert "PWNED" not in everything
    assert SECRET not in everything
    for p in _marker_paths():
        assert not p.exists(), f"{path.stem} created {p}"


def test_harness_survives(outcomes):
    assert outcomes["after"].status == "ok"
    assert outcomes["same_zygote"], "an adversarial program killed the zygote"
    assert outcomes["connections"] == 0, "a program reached the 127.0.0.1 server"
    assert outcomes["leftover_workdirs"] == [], "private run directories were not removed"
