"""File helpers shared by every layer (standard library only)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


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
