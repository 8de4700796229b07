"""File helpers shared by every layer (standard library only)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def read_text(path: str | Path, what: str = "file") -> str:
    """The UTF-8 text of an input file; a file that is not UTF-8 raises
    :class:`~codepercept.errors.UsageError` naming the file and the first bad byte's offset
    (instead of a bare codec error that names nothing)."""
    from codepercept.errors import UsageError

    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); convert it to UTF-8"
        ) from None


def _umask() -> int:
    """The process umask: from /proc on Linux (no race with threads creating files), else by
    setting and restoring it."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, data: bytes | str | Callable[[BinaryIO], object]) -> Path:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one, never a
    part of it: write a uniquely named ``.tmp-`` file beside it, then rename over ``path``.

    ``data`` is bytes, text (UTF-8), or a function that writes into the open binary file (so
    large objects stream to disk instead of being built in memory first). Safe when several
    threads or processes write the same path (last rename wins). Returns ``path``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.name}.")
    try:
        # mkstemp makes the file 0600; an output gets the mode open() would give it.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def clear_dir(
    path: str | Path,
    *,
    remove: bool = False,
    max_entries: int = 10_000_000,
    max_seconds: float | None = None,
) -> bool:
    """Delete everything inside the directory ``path`` (and ``path`` itself when ``remove``),
    however deep, without recursion and without following a symlink anywhere: each level is
    opened relative to its parent with ``O_NOFOLLOW``, so a tree made by a hostile program
    (thousands of levels, symlinks planted while it is removed, directories made unreadable)
    can neither exhaust the stack nor redirect the removal outside ``path``.

    Never raises for what it finds; returns True when everything went (or ``path`` did not
    exist), False when something could not be removed. Stops (returning False) after
    ``max_entries`` entries or ``max_seconds``.
    """
    import time

    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    names: list[str] = []  # the directories we are inside of, below ``path``
    budget = max_entries
    clean = True
    try:
        while budget > 0:
            if deadline is not None and time.monotonic() > deadline:
                clean = False
                break
            sub = None
            try:
                with os.scandir(fd) as it:
                    for entry in it:
                        budget -= 1
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                sub = entry.name
                                break
                            os.unlink(entry.name, dir_fd=fd)
                        except FileNotFoundError:
                            continue
                        except OSError:
                            clean = False
                        if budget <= 0:
                            break
            except OSError:
                clean = False
            if sub is not None:
                try:
                    child = os.open(sub, flags, dir_fd=fd)
                except OSError:
                    # unreadable (mode 000): make it ours again, once, then descend
                    try:
                        os.chmod(sub, 0o700, dir_fd=fd, follow_symlinks=False)
                        child = os.open(sub, flags, dir_fd=fd)
                    except OSError:
                        clean = False
                        break
                os.close(fd)
                fd = child
                names.append(sub)
                continue
            if not names:
                break
            parent = os.open("..", flags, dir_fd=fd)
            os.close(fd)
            fd = parent
            try:
                os.rmdir(names.pop(), dir_fd=fd)
            except OSError:
                clean = False
                break
        else:
            clean = False
    finally:
        os.close(fd)
    if remove and clean:
        try:
            os.rmdir(path)
        except FileNotFoundError:
            pass
        except OSError:
            clean = False
    return clean
