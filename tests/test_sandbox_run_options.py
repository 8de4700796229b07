"""Per-run options of ``Executor.run``/``arun``: standard input, lower limits for one run, and
the PNG paths a program saved its figures to (``ExecResult.saved_as``). What the reward
server's SandboxFusion endpoint builds on (stdin, run_timeout, memory_limit_MB, fetch_files)."""

from __future__ import annotations

import asyncio
import time

import pytest

from codepercept.sandbox import Executor
from codepercept.sandbox.protocol import MAX_SAVED_NAMES, pack_program, unpack_program

READ_ALL = (
    "import os, sys\n"
    "first = input()\n"
    "rest = sys.stdin.read()\n"
    "print(repr(first), repr(rest), os.read(0, 10))\n"
)


@pytest.fixture(scope="module")
def ex():
    with Executor(workers=2, timeout_s=10) as e:
        yield e


def test_stdin_is_the_programs_standard_input(ex):
    res = ex.run(READ_ALL, stdin="hello\nworld\n√\n")
    assert res.status == "no_figure", res.message
    # input() and sys.stdin share one reader; descriptor 0 itself is at its end afterwards
    assert res.stdout == "'hello' 'world\\n√\\n' b''\n"
    # at the descriptor: open(0) and os.read(0) read it as `python prog.py < file` would
    assert ex.run("print(open(0).read(), end='')", stdin=b"a\nb").stdout == "a\nb"
    assert ex.run("import os\nprint(os.read(0, 3))", stdin="xyz-").stdout == "b'xyz'\n"


def test_without_stdin_the_program_reads_nothing(ex):
    res = ex.run("import sys\nprint(repr(sys.stdin.read()))\ninput()\n")
    assert res.stdout == "''\n"
    assert res.status == "runtime_error" and "EOFError" in res.message
    assert ex.run("import sys\nprint(repr(sys.stdin.read()))", stdin="").stdout == "''\n"


def test_the_stdin_file_is_nowhere_in_the_scratch(ex):
    # unnamed (O_TMPFILE) or unlinked once open: a program listing its directory sees only
    # what it was sent
    res = ex.run("import os\nprint(sorted(os.listdir('.')))", stdin="secret", files={"a.txt": "x"})
    assert res.stdout == "['a.txt', 'program.py']\n"


def test_stdin_with_a_reused_worker_is_each_programs_own():
    prog = "import sys\nprint(repr(sys.stdin.readline()), repr(sys.stdin.read()))"
    with Executor(workers=1, reuse=4) as e:
        assert e.run(prog, stdin="a\nb\nc").stdout == "'a\\n' 'b\\nc'\n"
        assert e.run(prog).stdout == "'' ''\n"  # nothing left over from the last program
        assert e.run(prog, stdin="d").stdout == "'d' ''\n"


def test_arun_takes_stdin_and_limits(ex):
    async def go():
        return await asyncio.gather(
            ex.arun("print(input()[::-1])", stdin="abc"),
            ex.arun("while True: pass", timeout_s=1),
        )

    t0 = time.monotonic()
    echo, loop = asyncio.run(go())
    assert echo.stdout == "cba\n"
    assert loop.status == "timeout" and "1 s" in loop.message
    assert time.monotonic() - t0 < 5


def test_a_run_can_lower_its_time_limit_but_not_raise_it():
    with Executor(workers=1, timeout_s=2) as e:
        t0 = time.monotonic()
        res = e.run("while True: pass", timeout_s=0.5)
        assert res.status == "timeout" and "0.5 s" in res.message
        assert time.monotonic() - t0 < 1.8
        capped = e.run("import time\ntime.sleep(30)", timeout_s=60)
        assert capped.status == "timeout" and "within 2 s" in capped.message


def test_a_run_can_lower_its_memory_limit(ex):
    grab = "x = bytearray({mb} * 2**20)\nprint(len(x) >> 20)"
    assert ex.run(grab.format(mb=300), memory_mb=200).status == "memory_error"
    assert ex.run(grab.format(mb=100), memory_mb=200).stdout == "100\n"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"timeout_s": 0}, "timeout_s"),
        ({"timeout_s": float("nan")}, "timeout_s"),
        ({"memory_mb": 0}, "memory_mb"),
        ({"memory_mb": 1.5}, "memory_mb"),
        ({"memory_mb": True}, "memory_mb"),
        ({"stdin": 12}, "stdin"),
    ],
)
def test_bad_run_options_raise_before_anything_runs(ex, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ex.run("print(1)", **kwargs)


def test_memory_per_run_needs_fresh_processes():
    with Executor(workers=1, reuse=2) as e, pytest.raises(ValueError, match="reuse=1"):
        e.run("pass", memory_mb=100)


def test_saved_as_names_each_images_png_paths(ex):
    code = (
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2])\n"
        "plt.savefig('plot.png')\n"
        "plt.savefig('out/again')\n"  # no extension: savefig.format (png) is appended
        "plt.savefig('vector.svg')\n"  # not a PNG: the capture is not what that file holds
        "plt.savefig('plot.png')\n"  # the same path once
        "fig = plt.figure()\n"
        "plt.bar([1], [2])\n"
        "fig.savefig('/tmp/B.PNG', dpi=50)\n"
        "fig.savefig('named', format='png')\n"
        "plt.figure()\n"
        "plt.plot([3, 1])\n"  # never saved: captured, no name
        "import io\n"
        "plt.savefig(io.BytesIO())\n"
    )
    res = ex.run(code)
    assert res.status == "ok", res.message
    assert len(res.images) == 3
    assert res.saved_as == [["plot.png", "out/again.png"], ["/tmp/B.PNG", "named"], []]


def test_saved_as_is_bounded_and_empty_without_saves(ex):
    code = (
        "import matplotlib.pyplot as plt\nplt.plot([1])\n"
        "for i in range(100):\n    plt.savefig(f'p{i}.png')\n"
    )
    res = ex.run(code)
    assert res.saved_as == [[f"p{i}.png" for i in range(MAX_SAVED_NAMES)]]
    assert ex.run("import matplotlib.pyplot as plt\nplt.plot([1])").saved_as == []


def test_program_payload_round_trips_stdin():
    blob = pack_program(b"print(1)", {"a.txt": b"xy"}, b"in\n")
    assert unpack_program(blob) == (b"print(1)", [("a.txt", b"xy")], b"in\n")
    assert unpack_program(pack_program(b"s"))[2] is None
    with pytest.raises(ValueError, match="stdin"):
        pack_program(b"s", stdin=b"x" * (64 * 2**20 + 1))
