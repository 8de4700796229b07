"""A run directory belongs to one job: ``OUT/job.json`` says what made it.

Every command that writes a directory (``synth``, ``bench build``, ``bench run``, ``tokenit``,
``exec``, ``tokenocr train``) claims it first with :func:`claim`. ``job.json`` records the
command, the settings that decide the results, every input with a content hash, and the
versions that made it. Re-running the same command with the same settings and inputs resumes;
anything else is refused with a message saying what differs and what to do:

- another command's directory (``synth --out`` a benchmark run): refused, always;
- the same command with other settings or other input content (``bench run --model blank``
  into the oracle's run): refused unless ``overwrite=True`` (``--overwrite``), which empties the
  directory first;
- a non-empty directory without ``job.json`` that is not a directory this command wrote before
  ``job.json`` existed (``adopt``): refused, even with ``overwrite`` (codepercept never deletes
  what it did not make).

A claim holds an exclusive lock (``OUT/.job.lock``) for as long as the job runs, so two jobs
never share a directory at once. Paths of inputs are stored absolute, and nothing in the
directory refers to itself by an absolute path, so a finished run directory can be moved.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write, clear_dir
from codepercept.data.lock import LockedError, acquire_lock, release_lock
from codepercept.errors import UsageError

__all__ = [
    "JOB_FILE",
    "Job",
    "JobDirError",
    "claim",
    "content_hash",
    "read_job",
]

JOB_FILE = "job.json"
LOCK_FILE = ".job.lock"
JOB_VERSION = 1
#: Files whose content identifies a directory input (its hash stands for the whole).
_KEY_FILES = ("manifest.jsonl", "bench.jsonl", JOB_FILE)


class JobDirError(UsageError):
    """The directory belongs to another job (or to no job of ours); the message says what to do."""


def content_hash(path: str | os.PathLike[str]) -> str:
    """``sha256:`` of a file's bytes; of a directory, its key file (``manifest.jsonl`` of a
    dataset, ``bench.jsonl`` of a benchmark), else of every file's relative name and bytes."""
    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir():
        for key in _KEY_FILES:
            if (p / key).is_file():
                _hash_file(p / key, h)
                return "sha256:" + h.hexdigest()
        for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.is_symlink()):
            h.update(str(f.relative_to(p)).encode("utf-8", "surrogateescape") + b"\0")
            _hash_file(f, h)
        return "sha256:" + h.hexdigest()
    _hash_file(p, h)
    return "sha256:" + h.hexdigest()


def _hash_file(path: Path, h: Any) -> None:
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("codepercept", "matplotlib", "numpy"):
        with contextlib.suppress(PackageNotFoundError):
            out[pkg] = version(pkg)
    return out


def read_job(out: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The parsed ``job.json`` of a directory, or None when it has none (or an unreadable one)."""
    path = Path(out) / JOB_FILE
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) and "command" in obj else None


@dataclass
class Job:
    """A claimed run directory (see :func:`claim`); ``resumed`` is True when it held this job's
    earlier work. Release the lock with :meth:`release` or by leaving the ``with`` block."""

    out: Path
    record: dict[str, Any]
    resumed: bool
    _lock_fd: int = field(default=-1, repr=False)

    def release(self) -> None:
        release_lock(self._lock_fd)
        self._lock_fd = -1

    def __enter__(self) -> Job:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _describe_inputs(inputs: Mapping[str, str | os.PathLike[str] | None]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path in inputs.items():
        if path is None:
            out[name] = None
            continue
        p = Path(path)
        out[name] = {"path": str(p.resolve()), "hash": content_hash(p)}
    return out


def _differences(
    old: dict[str, Any], settings: dict[str, Any], inputs: dict[str, Any]
) -> list[str]:
    diffs: list[str] = []
    before = old.get("settings", {})
    for key in sorted(set(before) | set(settings)):
        a, b = before.get(key, "(absent)"), settings.get(key, "(absent)")
        if a != b:
            diffs.append(f"{key}: {_short(a)} before, {_short(b)} now")
    before_in = old.get("inputs", {})
    for key in sorted(set(before_in) | set(inputs)):
        a, b = before_in.get(key), inputs.get(key)
        ha = a.get("hash") if isinstance(a, dict) else None
        hb = b.get("hash") if isinstance(b, dict) else None
        if ha != hb:
            where = (b or a or {}).get("path", key) if isinstance(b or a, dict) else key
            diffs.append(f"input {key} ({where}) has other content than before")
    return diffs


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _entries(out: Path) -> list[str]:
    return sorted(e.name for e in out.iterdir() if e.name != LOCK_FILE)


def claim(
    out: str | os.PathLike[str],
    command: str,
    settings: Mapping[str, Any] | None = None,
    inputs: Mapping[str, str | os.PathLike[str] | None] | None = None,
    *,
    overwrite: bool = False,
    adopt: Callable[[Path], bool] | None = None,
) -> Job:
    """Claim ``out`` for ``command`` with these ``settings`` (JSON-able; the ones that decide
    the results) and ``inputs`` (name -> path, hashed by content), creating it if needed.

    ``adopt(out)`` says whether a non-empty directory without ``job.json`` holds this command's
    earlier work (from before ``job.json``), which is then claimed and resumed.

    Raises:
        JobDirError: the directory is a file, belongs to another command, holds this command's
            work with other settings or inputs (without ``overwrite``), or holds files of no job.
        LockedError: another process is using the directory now.
    """
    out = Path(out)
    # Refuse a file, another command's directory or files of no job before creating anything
    # (not even the lock file); the same checks run again under the lock.
    check_claimable(out, command, adopt)
    settings_j: dict[str, Any] = json.loads(json.dumps(dict(settings or {}), default=str))
    inputs_j = _describe_inputs(dict(inputs or {}))
    out.mkdir(parents=True, exist_ok=True)
    lock_fd = acquire_lock(
        out / LOCK_FILE,
        f"{out} is in use by another codepercept job (pid {{pid}}); wait for it to finish, "
        "stop it, or use another --out",
    )
    try:
        resumed = _check(out, command, settings_j, inputs_j, overwrite, adopt)
        record = {
            "codepercept_job": JOB_VERSION,
            "command": command,
            "settings": settings_j,
            "inputs": inputs_j,
            "versions": _versions(),
            "argv": [os.path.basename(sys.argv[0]), *sys.argv[1:]] if sys.argv else [],
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if resumed:
            old = read_job(out)
            if old is not None:
                record["created"] = old.get("created", record["created"])
                record["runs"] = int(old.get("runs", 1)) + 1
        atomic_write(out / JOB_FILE, json.dumps(record, indent=1, ensure_ascii=False))
    except BaseException:
        release_lock(lock_fd)
        raise
    return Job(out, record, resumed, lock_fd)


def _check(
    out: Path,
    command: str,
    settings: dict[str, Any],
    inputs: dict[str, Any],
    overwrite: bool,
    adopt: Callable[[Path], bool] | None,
) -> bool:
    """Whether ``out`` holds earlier work of this job (resume); raises if it may not be used."""
    entries = _entries(out)
    if not entries:
        return False
    old = read_job(out)
    if old is None:
        if (out / JOB_FILE).exists():
            raise JobDirError(
                f"{out / JOB_FILE} is unreadable; the directory's owner is unknown. Use another "
                "--out, or delete the directory yourself"
            )
        if adopt is not None and adopt(out):
            return True
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise JobDirError(
            f"{out} is not empty ({shown}) and was not made by `codepercept {command}`; "
            "use an empty or new --out directory"
        )
    if old.get("command") != command:
        raise JobDirError(
            f"{out} belongs to `codepercept {old.get('command')}`; `codepercept {command}` will "
            "not write into it. Use another --out directory"
        )
    diffs = _differences(old, settings, inputs)
    if not diffs:
        return True
    if overwrite:
        _empty(out)
        return False
    raise JobDirError(
        f"{out} holds a `codepercept {command}` run made differently ("
        + "; ".join(diffs)
        + "). Re-run with the same arguments to resume, add --overwrite to start it over, "
        "or use another --out"
    )


def check_claimable(
    out: str | os.PathLike[str], command: str, adopt: Callable[[Path], bool] | None = None
) -> None:
    """Raise :class:`JobDirError` now if :func:`claim` would refuse ``out`` for ``command``
    whatever the settings (a file, another command's directory, files of no job), so a command
    can refuse before it does any work; takes no lock and writes nothing."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise JobDirError(f"{out} is a file, not a directory; give a directory for the output")
    if not out.is_dir() or not _entries(out):
        return
    old = read_job(out)
    if old is None or old.get("command") != command:
        # files of no job (unless ``adopt`` takes them), or another command's directory
        _check(out, command, {}, {}, False, adopt)


def _empty(out: Path) -> None:
    """Delete everything in ``out`` but the lock we hold (never following a symlink)."""
    for entry in os.scandir(out):
        if entry.name == LOCK_FILE:
            continue
        if entry.is_dir(follow_symlinks=False):
            ok = clear_dir(entry.path, remove=True)
        else:
            ok = True
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                pass
            except OSError:
                ok = False
        if not ok:
            raise JobDirError(f"--overwrite could not delete {entry.path}; remove it yourself")


@contextlib.contextmanager
def claimed(*args: Any, **kwargs: Any) -> Iterator[Job]:
    """:func:`claim` as a context manager that releases the lock on exit."""
    job = claim(*args, **kwargs)
    try:
        yield job
    finally:
        job.release()


__all__ += ["LockedError", "claimed"]
