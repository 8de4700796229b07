"""Exclusive advisory locks on a file, held for as long as the holder process lives.

One mechanism for every job that must not run twice on the same output (a dataset directory,
a training checkpoint): ``flock`` on a lock file, which the kernel releases when the holder
dies, so a ``kill -9`` never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from codepercept.errors import JobError


class LockedError(JobError):
    """Another live process holds the lock (a ``RuntimeError``; its message says which pid)."""


def acquire_lock(path: str | Path, busy_message: str) -> int:
    """Take the lock at ``path`` (created if needed) and record our pid in it.

    Returns the descriptor to pass to :func:`release_lock`. Raises :class:`LockedError` with
    ``busy_message`` (where ``{pid}`` becomes the holder's pid) when another process holds it.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise LockedError(busy_message.replace("{pid}", holder)) from exc
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def release_lock(fd: int) -> None:
    if fd >= 0:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
