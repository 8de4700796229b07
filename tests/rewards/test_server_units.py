"""The reward server's pure parts, without a server: the sandbox-status -> SandboxFusion table,
the figure files, request checks, and the admission gate's order, bounds and shutdown."""

from __future__ import annotations

import asyncio
import json

import pytest

from codepercept.rewards.sandbox_fusion import (
    RunCode,
    figure_files,
    parse_run_code,
    run_code_reply,
)
from codepercept.rewards.server import Busy, Gate, Stopping
from codepercept.sandbox.result import STATUSES, ExecResult

# sandbox status, message -> SandboxFusion status, run_result status, return code
TABLE = [
    ("ok", "", "Success", "Finished", 0),
    ("no_figure", "program ran to the end but drew no figure", "Success", "Finished", 0),
    ("syntax_error", "SyntaxError: invalid syntax (line 1)", "Failed", "Finished", 1),
    ("runtime_error", "KeyError: 'x' (line 2)", "Failed", "Finished", 1),
    ("runtime_error", "program exited with sys.exit(3)", "Failed", "Finished", 3),
    ("runtime_error", "program exited with sys.exit(-1)", "Failed", "Finished", 255),
    ("memory_error", "MemoryError (line 1)", "Failed", "Finished", 1),
    ("memory_error", "program exceeded its memory limit (killed by the OOM killer)", "Failed",
     "Finished", -9),
    ("forbidden", "program tried forking; the sandbox refused it", "Failed", "Finished", 1),
    ("output_too_large", "program printed more than 16 MB", "Failed", "Finished", -9),
    ("timeout", "program did not finish within 5 s; killed", "Failed", "TimeLimitExceeded", None),
    ("crashed", "program was killed by SIGSEGV", "Failed", "Finished", -11),
    ("crashed", "program exited with code 7 without a result", "Failed", "Finished", 7),
    ("crashed", "malformed result from the sandbox: trailing bytes", "Failed", "Finished", 1),
    ("crashed", "could not start the sandbox: no memory", "SandboxError", None, None),
    ("crashed", "sandbox error: RuntimeError: this Executor is closed", "SandboxError", None,
     None),
    ("crashed", "sandbox slot process died", "SandboxError", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("status", "message", "sf", "run", "code"), TABLE)
def test_every_sandbox_status_maps_to_sandbox_fusion(status, message, sf, run, code) -> None:
    res = ExecResult(status, message, stdout="out\n", stderr="warn\n", wall_s=0.25)
    reply = run_code_reply(res, RunCode("x", "python"), pod="p")
    assert reply["status"] == sf
    assert reply["compile_result"] is None and reply["executor_pod_name"] == "p"
    json.dumps(reply, allow_nan=False)
    if sf == "SandboxError":
        assert reply["run_result"] is None and message in reply["message"]
        return
    rr = reply["run_result"]
    assert (rr["status"], rr["return_code"]) == (run, code)
    assert rr["stdout"] == "out\n" and rr["execution_time"] == 0.25
    if code not in (0, None):  # where python would print its traceback: the error line
        assert rr["stderr"] == f"warn\n{message}\n"
    else:
        assert rr["stderr"] == "warn\n"
    assert reply["sandbox_status"] == status


def test_the_table_covers_every_status() -> None:
    assert {row[0] for row in TABLE} == set(STATUSES)


def test_figure_files_by_index_and_by_saved_path() -> None:
    saved = [["plot.png"], ["/tmp/x.png", "sub/y.png"], ["plot.png"]]
    res = ExecResult("ok", images=[b"A", b"B", b"C"], saved_as=saved)
    got = figure_files(res, ("figure_0.png", "figure_3.png", "./plot.png", "sub//y.png",
                             "/tmp/x.png", "figure_01.png", "x.png"))  # fmt: skip
    # a path saved twice holds the last figure saved there, as a file would
    assert got == {"figure_0.png": b"A", "./plot.png": b"C", "sub//y.png": b"B",
                   "/tmp/x.png": b"B"}  # fmt: skip


def test_cut_streams_are_said() -> None:
    res = ExecResult("no_figure", stdout="x" * 8192)
    assert "last 8 KiB" in run_code_reply(res, RunCode("x", "python"))["message"]


def test_request_defaults_and_tidy_names() -> None:
    req = parse_run_code(
        b'{"code": "x", "language": "python", "memory_limit_MB": 0, '
        b'"files": {"./a//b.txt": "aGk="}, "fetch_files": ["a", "a"]}'
    )
    assert req.run_timeout is None and req.compile_timeout is None  # SandboxFusion's 10 s
    assert req.memory_limit_mb == -1 and req.files == {"a/b.txt": b"hi"}
    assert req.fetch_files == ("a",)
    assert parse_run_code(b'{"code": "", "language": "x", "memory_limit_MB": 512.0}'
                          ).memory_limit_mb == 512  # fmt: skip


def test_gate_order_bounds_and_shutdown() -> None:
    async def go() -> None:
        g = Gate(workers=2, queue=3)
        order: list[str] = []
        a, b = g.reserve(), g.reserve()
        await a.start()
        await b.start()
        assert (g.running, g.waiting) == (2, 0)
        c, d = g.reserve(), g.reserve(2)

        async def run(t, name):
            await t.start()
            order.append(name)

        tc, td = asyncio.create_task(run(c, "c")), asyncio.create_task(run(d, "d"))
        await asyncio.sleep(0)
        assert (g.running, g.waiting) == (2, 3)
        with pytest.raises(Busy) as full:
            g.reserve()
        assert 1 <= full.value.seconds <= 60
        a.release()  # c goes first (in order); d needs 2 and waits for b
        await asyncio.sleep(0)
        assert order == ["c"]
        b.release()
        c.release()
        await asyncio.sleep(0)
        assert order == ["c", "d"] and g.running == 2
        d.release()
        await asyncio.gather(tc, td)

        # a batch larger than the workers starts alone, once nothing else runs
        big, small = g.reserve(4), g.reserve(1)
        await big.start()
        waiter = asyncio.create_task(small.start())
        await asyncio.sleep(0)
        assert not waiter.done()
        big.release()
        await waiter
        small.release()

        # cancelled while waiting: its place is given back
        x, y = g.reserve(2), g.reserve(1)
        await x.start()
        wy = asyncio.create_task(y.start())
        await asyncio.sleep(0)
        wy.cancel()
        with pytest.raises(asyncio.CancelledError):
            await wy
        y.release()
        assert (g.running, g.waiting) == (2, 0)

        # shutdown: the waiting are told, nothing new is admitted
        z = g.reserve()
        wz = asyncio.create_task(z.start())
        await asyncio.sleep(0)
        g.stop()
        with pytest.raises(Stopping):
            await wz
        z.release()
        x.release()
        with pytest.raises(Stopping):
            g.reserve()
        assert (g.running, g.waiting) == (0, 0)

    asyncio.run(go())
