"""The no-isolation baseline shared by the benchmark scripts: exec + savefig in this process."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any


def render_in_process(codes: list[str], dpi: float, png: str = "savefig") -> tuple[float, int]:
    """Run each program in this process, one at a time, saving every figure as PNG
    (``png="savefig"``: with ``savefig``; ``"fast"``: drawn and encoded as the sandbox's
    ``png="fast"`` capture does, the same pixels in cheaper bytes).

    Returns (seconds, programs that ran). No isolation, no tracing: the cheapest possible way.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from codepercept.sandbox.child import _draw_png

    def save(fig) -> None:
        if png == "fast":
            _draw_png(fig, dpi, fast=True)
        else:
            fig.savefig(io.BytesIO(), format="png", dpi=dpi)

    show = plt.show
    plt.show = lambda *a, **k: None
    ok = 0
    t0 = time.perf_counter()
    try:
        for code in codes:
            try:
                exec(compile(code, "<prog>", "exec"), {"__name__": "__main__"})
                for num in plt.get_fignums():
                    save(plt.figure(num))
                ok += 1
            except Exception:
                pass
            finally:
                plt.close("all")
    finally:
        plt.show = show
    return time.perf_counter() - t0, ok


def _render_chunk(args: tuple[list[str], float]) -> tuple[float, int]:
    return render_in_process(*args)


def render_in_processes(codes: list[str], dpi: float, processes: int) -> tuple[float, int]:
    """The same, split over ``processes`` forked worker processes (one warm interpreter each,
    programs dealt round-robin): the best a no-isolation pool can do on this many cores.
    Returns (wall seconds, programs that ran)."""
    import multiprocessing

    chunks = [(codes[i::processes], dpi) for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_render_chunk, [(c[:3], dpi) for c, _ in chunks])  # warm every worker
        t0 = time.perf_counter()
        done = pool.map(_render_chunk, chunks)
        wall = time.perf_counter() - t0
    return wall, sum(ok for _, ok in done)


def _proc_cpu(pid: int | str) -> tuple[int, int]:
    """(own, reaped children's) CPU ticks of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return utime + stime, cutime + cstime


def sandbox_cpu(executor: Any) -> float:
    """CPU seconds of an Executor's sandbox zygote, the children it has reaped and the live
    ones (reusable workers run many programs before they exit). 0 without a started zygote."""
    if executor is None or executor._zygote is None:  # benchmark-only peek at the zygote
        return 0.0
    pid = executor._zygote.proc.pid
    ticks = sum(_proc_cpu(pid))
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                ticks += _proc_cpu(child)[0]
            except FileNotFoundError:  # exited meanwhile: its time is in the reaped sum now
                pass
    return ticks / os.sysconf("SC_CLK_TCK")
