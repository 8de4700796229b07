"""Graceful interrupts for long jobs: the first Ctrl-C asks a job to stop, the second stops it.

Every long job (``synth``, ``bench run``, ``tokenit``, training) runs its loop inside
:func:`graceful`::

    with graceful("synth") as stop:
        for item in work:
            if stop.requested:
                break          # take no new work; let what is in flight finish
            ...
        if stop.requested:
            ...                # write the summary so far
            raise Interrupted("synth: stopped by Ctrl-C after 120 of 200; re-run to resume")

The first SIGINT (or SIGTERM, which is what schedulers and ``timeout`` send) sets
``stop.requested`` and prints one line saying so; the job stops taking new work, finishes or
marks what is in flight, writes what it has and raises :class:`Interrupted`, which the command
line turns into exit status 130. A second signal raises ``KeyboardInterrupt`` at once.

Handlers are only installed on the main thread (Python delivers signals there); elsewhere, or
when one is already active, :func:`graceful` is a no-op whose ``requested`` stays False, so
library calls nested in a job, or made from a worker thread, share the outer job's handling.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["EXIT_INTERRUPTED", "Interrupted", "StopFlag", "graceful"]

#: The exit status of a job stopped by an interrupt (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


class Interrupted(Exception):
    """A job stopped early at the user's request, after saving what it had finished.

    The message says what was kept and how to resume; the command line prints it and exits
    with :data:`EXIT_INTERRUPTED`.
    """


class StopFlag:
    """Whether a stop was requested (thread-safe to read; ``wait`` blocks until it is)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal: int | None = None

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def set(self, signum: int | None = None) -> None:
        if self.signal is None:
            self.signal = signum
        self._event.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)


_active: StopFlag | None = None
_active_lock = threading.Lock()


def current() -> StopFlag | None:
    """The stop flag of the job running in this process, if one is inside :func:`graceful`."""
    return _active


def _say(line: str) -> None:
    with contextlib.suppress(Exception):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


@contextlib.contextmanager
def graceful(job: str, on_first: Callable[[], None] | None = None) -> Iterator[StopFlag]:
    """Install two-stage SIGINT/SIGTERM handling for the duration of the block.

    ``on_first`` runs (in the signal handler, so keep it short and lock-free) after the flag
    is set, e.g. to wake a loop blocked on a queue. Nested or off-main-thread use yields the
    outer flag (or a flag no signal will set) and installs nothing.
    """
    global _active
    outer = _active
    if outer is not None:
        yield outer
        return
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous: dict[int, object] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        if flag.requested:
            # The second signal: stop now, with the default meaning restored for a third.
            for sig, old in previous.items():
                with contextlib.suppress(Exception):
                    signal.signal(sig, old)  # type: ignore[arg-type]
            raise KeyboardInterrupt
        flag.set(signum)
        name = signal.Signals(signum).name
        _say(
            f"{job}: {name} received: taking no new work and saving what is finished "
            "(press Ctrl-C again to stop at once)"
        )
        if on_first is not None:
            on_first()

    with _active_lock:
        _active = flag
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
        yield flag
    finally:
        for sig, old in previous.items():
            with contextlib.suppress(Exception):
                signal.signal(sig, old)  # type: ignore[arg-type]
        with _active_lock:
            _active = None
