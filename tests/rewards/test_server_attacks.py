"""Hostile programs sent to a real reward server's ``/run_code``: each ends with a proper
SandboxFusion status within its deadline, sees nothing of the server (its files, its
environment, its process), and the server stays healthy and keeps answering."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.rewards.conftest import SECRET
from tests.serve.serving import Served

FORK_BOMB = "import os\nwhile True:\n    os.fork()\n"
INFINITE = "while True:\n    pass\n"
FLOOD = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
HOG = "x = bytearray(8 * 2**30)\nprint(len(x))\n"
KILL_PARENT = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('still here')\n"
KILL_ALL = "import os, signal\nos.kill(-1, signal.SIGKILL)\nprint('still here')\n"
PASSWD = "print(open('/etc/passwd').read())\n"
SNOOP = (
    "import os\n"
    "print(sorted(os.listdir('.')))\n"
    "print(os.environ.get('CODEPERCEPT_TEST_SECRET'))\n"
    "try:\n"
    "    print([p for p in os.listdir('/proc') if p.isdigit()])\n"
    "except OSError as exc:\n"
    "    print(type(exc).__name__)\n"
    "for path in ('secret.txt', '{home}/secret.txt', '/proc/1/environ'):\n"
    "    try:\n"
    "        print(open(path).read())\n"
    "    except OSError as exc:\n"
    "        print(type(exc).__name__)\n"
)
PLAIN = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nprint('fine')\n"


def _run(url: str, code: str, **extra: Any) -> tuple[dict[str, Any], float]:
    t0 = time.monotonic()
    r = httpx.post(f"{url}/run_code", json={"code": code, "language": "python", **extra},
                   timeout=60)  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json(), time.monotonic() - t0


def test_hostile_programs_get_statuses_and_the_server_stays_up(
    reward_server: Served, server_home: Any
) -> None:
    url = reward_server.url
    attacks = {
        "fork_bomb": (FORK_BOMB, {}),
        "infinite": (INFINITE, {"run_timeout": 1}),
        "flood": (FLOOD, {}),
        "hog": (HOG, {}),
        "kill_parent": (KILL_PARENT, {}),
        "kill_all": (KILL_ALL, {}),
        "passwd": (PASSWD, {}),
        "snoop": (SNOOP.format(home=server_home), {}),
    }
    with ThreadPoolExecutor(len(attacks)) as pool:
        futures = {k: pool.submit(_run, url, code, **kw) for k, (code, kw) in attacks.items()}
        got = {k: f.result() for k, f in futures.items()}

    for name, (reply, seconds) in got.items():
        assert reply["status"] in ("Success", "Failed"), (name, reply)
        assert seconds < 30, name
    runs = {k: reply["run_result"] for k, (reply, _) in got.items()}

    bomb = got["fork_bomb"][0]
    assert bomb["status"] == "Failed" and bomb["sandbox_status"] == "forbidden"
    assert runs["fork_bomb"]["return_code"] == 1 and "fork" in runs["fork_bomb"]["stderr"]

    loop, seconds = got["infinite"]
    assert loop["status"] == "Failed" and runs["infinite"]["status"] == "TimeLimitExceeded"
    assert runs["infinite"]["return_code"] is None
    assert 1 <= runs["infinite"]["execution_time"] < 3

    assert got["flood"][0]["sandbox_status"] == "output_too_large"
    assert runs["flood"]["return_code"] == -9 and len(runs["flood"]["stdout"]) <= 8192

    assert got["hog"][0]["sandbox_status"] == "memory_error"
    assert runs["hog"]["return_code"] == 1 and "MemoryError" in runs["hog"]["stderr"]

    # in its own pid namespace the program's parent is "0": os.kill(0) is its own process
    # group, so it kills itself (-9); any other target is refused (forbidden)
    for name in ("kill_parent", "kill_all"):
        reply = got[name][0]
        assert reply["status"] == "Failed" and "still here" not in runs[name]["stdout"], reply
        assert (reply["sandbox_status"], runs[name]["return_code"]) in (
            ("forbidden", 1), ("crashed", -9)
        ), reply  # fmt: skip
    assert got["kill_all"][0]["sandbox_status"] == "forbidden"

    # the private root has no /etc/passwd at all
    assert runs["passwd"]["return_code"] == 1
    assert "FileNotFoundError" in runs["passwd"]["stderr"]

    # the server's working directory, environment and processes are not there
    snoop = runs["snoop"]
    assert snoop["return_code"] == 0
    lines = snoop["stdout"].splitlines()
    assert lines[0] == "['program.py']"
    assert lines[1] == "None"
    assert SECRET not in snoop["stdout"]
    assert lines[2] in ("PermissionError", "['1']")  # at most itself, pid 1 of its namespace
    assert lines[3:5] == ["FileNotFoundError", "FileNotFoundError"]
    assert "PATH=" not in lines[5]  # its own /proc/1 at most: no server environment

    # still healthy, nothing left running, and a plain program still runs
    health = httpx.get(f"{reward_server.root}/health", timeout=10).json()
    assert health["status"] == "ok" and health["in_flight"] == 0 and health["queued"] == 0
    assert reward_server.proc.poll() is None
    plain, _ = _run(url, PLAIN)
    assert plain["status"] == "Success" and plain["run_result"]["stdout"] == "fine\n"
