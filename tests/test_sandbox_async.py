"""The asyncio API: ``arun`` / ``amap`` / ``aiter_results`` wait on the event loop (pipe readers,
an asyncio deadline, zygote reports bridged with call_soon_threadsafe), not in a thread per
request, and give what ``run`` gives."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from codepercept.sandbox import Executor

PLOT = "import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [2, 0, 1], 'r--')\nplt.title('T')\n"
SPIN = "while True:\n    pass\n"


@pytest.fixture(scope="module")
def ex():
    with Executor(workers=2, timeout_s=10) as e:
        yield e


def test_arun_gives_what_run_gives(ex):
    res = asyncio.run(ex.arun(PLOT))
    ref = ex.run(PLOT)
    assert res.status == ref.status == "ok"
    assert res.images == ref.images and len(res.images) == 1
    assert res.scene == ref.scene and res.scene_json == ref.scene_json
    assert res.wall_s > 0 and {"exec_s", "render_s"} <= set(res.timings)
    bad = asyncio.run(ex.arun(b"\xff"))
    assert bad.status == "syntax_error"
    assert asyncio.run(ex.arun("raise ValueError('x')")).status == "runtime_error"


def test_amap_keeps_input_order(ex):
    codes = [PLOT if i % 2 else f"print({i})" for i in range(8)]
    res = asyncio.run(ex.amap(codes))
    assert [r.status for r in res] == ["no_figure", "ok"] * 4
    assert [r.stdout.strip() for r in res[::2]] == ["0", "2", "4", "6"]


def test_aiter_results_yields_as_they_finish(ex):
    async def go():
        seen = []
        codes = ["import time\ntime.sleep(1.0)\nprint('slow')", "print('fast')"]
        async for i, r in ex.aiter_results(codes):
            seen.append((i, r.stdout.strip()))
        return seen

    assert asyncio.run(go()) == [(1, "fast"), (0, "slow")]


def test_no_thread_per_request(ex):
    """20 programs in flight through amap: the thread count stays that of an idle executor."""
    before = threading.active_count()
    peak = 0

    async def go():
        nonlocal peak
        task = asyncio.create_task(ex.amap(["import time\ntime.sleep(0.2)\n" + PLOT] * 20))
        while not task.done():
            peak = max(peak, threading.active_count())
            await asyncio.sleep(0.01)
        return await task

    res = asyncio.run(go())
    assert [r.status for r in res] == ["ok"] * 20
    assert peak <= before, (before, peak)


def test_timeout_ends_within_the_deadline():
    with Executor(workers=1, timeout_s=2) as e:
        t0 = time.monotonic()
        res = asyncio.run(e.arun(SPIN))
        assert res.status == "timeout" and "2 s" in res.message
        assert time.monotonic() - t0 < 2 + 3
        assert asyncio.run(e.arun(PLOT)).status == "ok"


def test_cancelling_arun_kills_the_program_and_frees_its_slot():
    with Executor(workers=1, timeout_s=30) as e:

        async def go():
            task = asyncio.create_task(e.arun(SPIN))
            for _ in range(200):  # until the child is forked
                pids = [p.pid for p in e._zygote.pending.values() if p.pid]
                if pids:
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)
            t0 = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # the one slot is free again at once: the next program runs now, not in 30 s
            nxt = await e.arun(PLOT)
            return pids, nxt, time.monotonic() - t0

        pids, nxt, took = asyncio.run(go())
        assert len(pids) == 1 and nxt.status == "ok" and took < 10
        for _ in range(100):
            try:
                os.kill(pids[0], 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the cancelled program {pids[0]} is still running")
        assert not e._zygote.pending  # its directory and request are released


def test_cancelling_before_the_fork_still_kills():
    """Cancelled while its request is with the zygote: the child is killed once forked (a
    sleeping program would otherwise outlive its deadline: nobody would be watching it)."""
    with Executor(workers=1, timeout_s=30) as e:

        async def go():
            task = asyncio.create_task(e.arun("import time\ntime.sleep(120)\n"))
            await asyncio.sleep(0)  # it runs up to its first wait: the request is sent
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(go())
        for _ in range(200):
            if not e._zygote.pending:  # the zygote reported the exit: the child is gone
                break
            time.sleep(0.05)
        else:
            pytest.fail("the cancelled program was not killed")
        assert asyncio.run(e.arun(PLOT)).status == "ok"


def test_cancelling_amap_kills_what_is_in_flight():
    with Executor(workers=2, timeout_s=30) as e:

        async def go():
            task = asyncio.create_task(e.amap([SPIN] * 6))
            await asyncio.sleep(1.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return await e.arun(PLOT)

        t0 = time.monotonic()
        assert asyncio.run(go()).status == "ok"
        assert time.monotonic() - t0 < 10


def test_200_concurrent_aruns(ex):
    async def go():
        return await asyncio.gather(*(ex.arun(f"print({i})") for i in range(200)))

    res = asyncio.run(go())
    assert [r.status for r in res] == ["no_figure"] * 200
    assert [r.stdout.strip() for r in res] == [str(i) for i in range(200)]


def test_sync_and_async_callers_share_the_workers_limit():
    """Threads calling run and two event loops calling arun: never more than workers in
    flight (each program holds its slot for 0.4 s; 6 of them on 2 slots take >= 1.2 s)."""
    with Executor(workers=2, timeout_s=30) as e:
        code = "import time\ntime.sleep(0.4)\n"
        out = []

        def loop_thread():
            out.extend(asyncio.run(e.amap([code, code])))

        t0 = time.monotonic()
        threads = [threading.Thread(target=loop_thread) for _ in range(2)]
        threads += [threading.Thread(target=lambda: out.append(e.run(code))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(out) == 6 and all(r.status == "no_figure" for r in out)
        assert time.monotonic() - t0 >= 1.1


def test_arun_with_reuse_and_forged_frames():
    from tests.test_sandbox_frames import ATTACKS

    with Executor(workers=2, timeout_s=10, reuse=4) as e:
        res = asyncio.run(e.amap([PLOT, ATTACKS["deep_scene"], PLOT, ATTACKS["huge_n_images"]]))
    assert [r.status for r in res] == ["ok", "crashed", "ok", "crashed"]


def test_forged_frames_through_arun(ex):
    from tests.test_sandbox_frames import ATTACKS

    names = ["huge_timing", "deep_scene", "string_count", "list_header", "huge_scene_len"]
    res = asyncio.run(ex.amap([ATTACKS[n] for n in names]))
    assert [r.status for r in res] == ["ok", "crashed", "crashed", "crashed", "crashed"]
