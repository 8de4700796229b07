"""``POST /run_code`` of a real reward server as SandboxFusion clients use it.

The verl-style client below is written from what verl's SandboxFusion scorer does
(``verl/utils/reward_score/sandbox_fusion/utils.py`` at b178a3c: ``call_sandbox_api`` and
``_process_single_case``): it POSTs the URL as given (ending in ``/run_code``) with the body
keys ``compile_timeout, run_timeout, code, stdin, memory_limit_MB, language, files: {},
fetch_files: []`` through ``requests`` with a timeout of compile + run + 10 s, retries only a
504, and classifies the reply into True (right answer) / False (wrong answer) / -1 (sandbox
or API error) / -2 (runtime error) / -3 (time-out) / -4 (compile error) from ``status``,
``compile_result`` and ``run_result`` (``status``, ``return_code``, ``stdout``).
"""

from __future__ import annotations

import base64
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import requests
from PIL import Image

from tests.serve.serving import Served


def verl_style_case(url: str, code: str, stdin: str | None, expected: str | None,
                    timeout: int = 10, language: str = "python",
                    memory_limit_mb: int = 1024) -> tuple[Any, dict[str, Any]]:  # fmt: skip
    """One test case as verl's SandboxFusion scorer runs it: (outcome, the reply)."""
    payload = json.dumps({
        "compile_timeout": timeout, "run_timeout": timeout, "code": code, "stdin": stdin,
        "memory_limit_MB": memory_limit_mb, "language": language, "files": {},
        "fetch_files": [],
    })  # fmt: skip
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    reply: dict[str, Any] | None = None
    for _ in range(3):
        r = requests.post(url, headers=headers, data=payload, timeout=timeout * 2 + 10)
        if r.status_code == 504:
            continue
        r.raise_for_status()
        reply = r.json()
        break
    assert reply is not None
    status = reply.get("status")
    compiled, run = reply.get("compile_result"), reply.get("run_result")
    if status == "SandboxError":
        return -1, reply
    if status == "Failed":
        if compiled and (compiled.get("status") in ("Error", "TimeLimitExceeded")
                         or compiled.get("return_code") != 0):  # fmt: skip
            return -4, reply
        if run:
            if run.get("status") == "TimeLimitExceeded":
                return -3, reply
            if run.get("status") == "Error" or run.get("return_code") != 0:
                return -2, reply
        return -1, reply
    if status == "Success" and run and run.get("status") == "Finished":
        out = run.get("stdout") or ""
        return expected is None or out.rstrip("\n") == expected.rstrip("\n"), reply
    return -1, reply


# A function-call harness of our own, in the spirit of verl's fn_name wrapper: the solution
# defines a function; arguments arrive on stdin as JSON, one per line; the result is printed.
HARNESS = """
import json, sys
from sys import *
from io import *
{solution}
_args = [json.loads(line) for line in sys.stdin.read().splitlines() if line.strip()]
print(json.dumps({fn}(*_args)))
"""
ADD = "a, b = map(int, input().split())\nprint(a + b)\n"


def test_a_verl_style_client_reads_every_outcome(reward_server: Served) -> None:
    url = f"{reward_server.root}/run_code"  # verl posts the URL exactly as configured
    cases = {
        "right": (ADD, "1 2\n", "3", {}),
        "wrong": ("print(0)\n", "1 2\n", "3", {}),
        "crash": ("a = int(input())\nprint(1 / (a - a))\n", "4\n", "0", {}),
        "exit_3": ("import sys\nsys.exit(3)\n", None, None, {}),
        "syntax": ("print(\n", None, None, {}),
        "stall": ("while True:\n    pass\n", None, None, {"timeout": 1}),
        "cpp": ("int main() { return 0; }", None, None, {"language": "cpp"}),
        "harness": (HARNESS.format(solution="def add(x, y):\n    return x + y\n", fn="add"),
                    "[1, 2]\n[3, 4]\n", "[1, 2, 3, 4]", {}),
        "plots_and_prints": (
            "import matplotlib.pyplot as plt\nn = int(input())\nplt.plot(range(n))\n"
            "plt.savefig('p.png')\nprint(n * n)\n", "7\n", "49", {}),
    }  # fmt: skip
    with ThreadPoolExecutor(len(cases)) as pool:
        futures = {k: pool.submit(verl_style_case, url, code, stdin, want, **kw)
                   for k, (code, stdin, want, kw) in cases.items()}  # fmt: skip
        got = {k: f.result() for k, f in futures.items()}
    outcome = {k: v[0] for k, v in got.items()}
    assert outcome == {
        "right": True, "wrong": False, "crash": -2, "exit_3": -2, "syntax": -2, "stall": -3,
        "cpp": -1, "harness": True, "plots_and_prints": True,
    }  # fmt: skip

    # the fields verl reads, with SandboxFusion's types
    for name, (_, reply) in got.items():
        assert reply["status"] in ("Success", "Failed", "SandboxError"), name
        assert "message" in reply and "executor_pod_name" in reply and "files" in reply
        assert reply["compile_result"] is None, name  # python compiles nothing
        run = reply["run_result"]
        if name == "cpp":
            assert run is None and "only 'python'" in reply["message"]
            continue
        assert set(run) == {"status", "execution_time", "return_code", "stdout", "stderr"}
        assert isinstance(run["execution_time"], float) and run["execution_time"] >= 0
    assert got["exit_3"][1]["run_result"]["return_code"] == 3
    assert "ZeroDivisionError" in got["crash"][1]["run_result"]["stderr"]
    assert "SyntaxError" in got["syntax"][1]["run_result"]["stderr"]
    assert got["stall"][1]["run_result"]["return_code"] is None
    assert got["right"][1]["run_result"]["return_code"] == 0


def _post(server: Served, body: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(f"{server.root}/run_code", json=body, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_figures_come_back_as_png_files_with_the_scene(reward_server: Served) -> None:
    code = (
        "import matplotlib.pyplot as plt\n"
        "plt.plot([0, 1, 2], [2, 0, 1])\n"
        "plt.title('first')\n"
        "plt.savefig('plot.png')\n"
        "plt.figure(figsize=(2, 1))\n"
        "plt.bar([1, 2], [3, 4])\n"
        "plt.savefig('out/bars')\n"  # savefig.format (png) is appended, as matplotlib does
    )
    wanted = ["plot.png", "./out/bars.png", "figure_0.png", "figure_1.png", "figure_2.png",
              "missing.png", "out/bars"]  # fmt: skip
    reply = _post(reward_server, {"code": code, "language": "python", "fetch_files": wanted})
    assert reply["status"] == "Success" and reply["sandbox_status"] == "ok"
    files = {k: base64.b64decode(v) for k, v in reply["files"].items()}
    # as SandboxFusion: asked-for paths that do not exist are left out
    assert set(files) == {"plot.png", "./out/bars.png", "figure_0.png", "figure_1.png"}
    assert files["plot.png"] == files["figure_0.png"]
    assert files["./out/bars.png"] == files["figure_1.png"]
    assert Image.open(io.BytesIO(files["figure_1.png"])).size == (200, 100)  # the server's dpi
    scene = reply["scene"]
    assert scene["schema_version"] == 1 and len(scene["figures"]) == 2
    assert "first" in json.dumps(scene)
    # nothing asked for, nothing sent
    assert _post(reward_server, {"code": code, "language": "python"})["files"] == {}


def test_files_stdin_and_limits(reward_server: Served) -> None:
    data = base64.b64encode(b"x,y\n1,2\n3,4\n").decode()
    reply = _post(reward_server, {
        "code": "import csv, sys\nrows = list(csv.DictReader(open('data/t.csv')))\n"
                "print(sum(int(r['y']) for r in rows), sys.stdin.read().strip())\n",
        "language": "python", "files": {"./data/t.csv": data, "skipped.bin": None},
        "stdin": "from stdin\n",
    })  # fmt: skip
    assert reply["status"] == "Success", reply
    assert reply["run_result"]["stdout"] == "6 from stdin\n"

    # memory_limit_MB lowers the server's limit for this run
    hog = "x = bytearray(400 * 2**20)\nprint(len(x) >> 20)\n"
    low = _post(reward_server, {"code": hog, "language": "python", "memory_limit_MB": 256})
    assert low["status"] == "Failed" and low["sandbox_status"] == "memory_error"
    assert "MemoryError" in low["run_result"]["stderr"]
    assert _post(reward_server, {"code": hog, "language": "python"})["run_result"]["stdout"] == (
        "400\n"
    )

    # a run_timeout over the server's limit runs with the server's, and says so
    t0 = time.monotonic()
    capped = _post(reward_server, {"code": "while True: pass", "language": "python",
                                   "run_timeout": 600})  # fmt: skip
    assert capped["run_result"]["status"] == "TimeLimitExceeded"
    assert "ran with 5 s" in capped["message"]
    assert time.monotonic() - t0 < 15


@pytest.mark.parametrize("language", ["python3", "bash", "klingon"])
def test_other_languages_are_a_sandbox_error(reward_server: Served, language: str) -> None:
    reply = _post(reward_server, {"code": "print(1)", "language": language})
    assert reply["status"] == "SandboxError" and reply["run_result"] is None
    assert "only 'python'" in reply["message"]
    if language == "python3":
        assert "SandboxFusion's name for it is 'python'" in reply["message"]
