"""What every command shares: checking options before work starts, and one-line errors.

Options are checked at the edge, by click callbacks, before a command does anything: ranges
and finiteness of numbers, whether an input exists and is a file or a directory, whether an
output can be written. A bad value stops the command with one line naming the option, the value
and what to do, exit status 2, and nothing written.

:func:`run` is the program's entry point: it turns every error into one line on stderr
(``codepercept <command>: error: ...``) and an exit status: 2 for usage errors, 1 for a job that
could not go on or an unreadable input, 130 for an interrupt. Set ``CODEPERCEPT_DEBUG=1`` to get
the traceback of an unexpected error instead.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import typer
import typer.main

from codepercept._interrupt import EXIT_INTERRUPTED, Interrupted
from codepercept.errors import CodeperceptError

# typer vendors click since 0.20 (``typer._click``); before, it used click itself. The exception
# classes come from wherever this typer's own exceptions live.
_exc = sys.modules[typer.BadParameter.__module__]
_UsageError: type[Exception] = _exc.UsageError
_ClickException: type[Exception] = _exc.ClickException
_NoArgsIsHelp: type[Exception] | None = getattr(_exc, "NoArgsIsHelpError", None)
_Exit: type[Exception] = typer.Exit
_Abort: type[Exception] = typer.Abort

Ctx = typer.Context
Param = typer.CallbackParam


def _bad(ctx: Ctx, param: Param, message: str) -> typer.BadParameter:
    return typer.BadParameter(message, ctx=ctx, param=param)


__all__ = [
    "MAX_COUNT",
    "MAX_WORKERS",
    "check_bench",
    "check_float",
    "check_in_path",
    "check_out_dir",
    "check_out_file",
    "check_text",
    "one_line",
    "progress",
    "run",
]

#: The most programs a command keeps in flight (each is a sandbox process with its own memory).
MAX_WORKERS = 512
#: The most samples, items or programs one command is asked for (a typo guard: a billion
#: figures is years of sandbox time, and 10**23 is a run that never ends).
MAX_COUNT = 1_000_000_000


def one_line(text: object, limit: int = 600) -> str:
    """``text`` as one line (whitespace runs, newlines included, become one space)."""
    out = " ".join(str(text).split())
    return out if len(out) <= limit else out[: limit - 3] + "..."


# ---- option checks (click callbacks) ------------------------------------------------------


def check_float(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    what: str = "",
) -> Callable[[Ctx, Param, float | None], float | None]:
    """A callback accepting finite floats in ``[lo, hi]`` (``(lo, hi]`` when ``lo_open``)."""

    def callback(ctx: Ctx, param: Param, value: float | None) -> float | None:
        if value is None:
            return None
        bad = not math.isfinite(value)
        bad = bad or (lo is not None and (value <= lo if lo_open else value < lo))
        bad = bad or (hi is not None and value > hi)
        if bad:
            if lo is not None and hi is not None:
                span = f"{'more than' if lo_open else 'at least'} {lo:g} and at most {hi:g}"
            elif lo is not None:
                span = f"{'more than' if lo_open else 'at least'} {lo:g}"
            else:
                span = f"at most {hi:g}"
            raise _bad(ctx, param, f"{value!r} is not a finite number {span}{what}")
        return value

    return callback


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _writable_dir(d: Path) -> str | None:
    """Why nothing can be created in the existing path ``d`` (None when something can)."""
    if not d.is_dir():
        return f"{d} is a file, not a directory"
    try:  # the real test (root passes every access() check, a read-only mount does not)
        probe = tempfile.mkdtemp(prefix=".cp-probe-", dir=d)
    except OSError as exc:
        return f"cannot create anything in {d} ({exc.strerror or exc})"
    with contextlib.suppress(OSError):
        os.rmdir(probe)
    return None


def check_out_dir(ctx: Ctx, param: Param, value: Path | None) -> Path | None:
    """An output directory: absent (its nearest existing parent must be a writable directory)
    or an existing writable directory. Nothing is created here."""
    if value is None:
        return None
    value = Path(value)
    if str(value) == "":
        raise _bad(ctx, param, "an empty path; give a directory")
    if value.exists() and not value.is_dir():
        raise _bad(ctx, param, f"{value} is a file; give a directory (new or existing)")
    why = _writable_dir(_nearest_existing(value))
    if why is not None:
        raise _bad(ctx, param, f"cannot write {value}: {why}")
    return value


def check_out_target(ctx: Ctx, param: Param, value: str | None) -> Path | str | None:
    """An output directory (as :func:`check_out_dir`), or a filesystem URI (``s3://...``,
    any filesystem pyarrow reaches: checked when the job opens it), kept as text."""
    if value is None:
        return None
    if "://" in value:
        return value
    return check_out_dir(ctx, param, Path(value))


def check_out_file(ctx: Ctx, param: Param, value: Path | str | None) -> Path | str | None:
    """An output file: not a directory, and its nearest existing parent a writable directory.
    A ``str`` value (an option declared as text) is returned as given; one that ends with a
    slash names a directory and is refused."""
    if value is None:
        return None
    given = value
    if isinstance(value, str) and value.endswith(("/", os.sep)) and value.strip("/" + os.sep):
        raise _bad(ctx, param, f"{value} ends with a slash, so names a directory; give a file name")
    value = Path(value)
    if str(value) in ("", ".") or value.is_dir():
        raise _bad(ctx, param, f"{value} is a directory; give a file name")
    if value.exists() and not os.access(value, os.W_OK):
        raise _bad(ctx, param, f"{value} exists and is not writable")
    why = _writable_dir(_nearest_existing(value.parent))
    if why is not None:
        raise _bad(ctx, param, f"cannot write {value}: {why}")
    from codepercept.jobdir import read_job

    owner = read_job(value.parent) if value.parent.is_dir() else None
    if owner is not None:
        raise _bad(
            ctx,
            param,
            f"{value.parent} belongs to `codepercept {owner.get('command')}`; "
            "write the file somewhere else",
        )
    return given if isinstance(given, str) else value


def check_text(what: str, blank_ok: bool = False) -> Callable[[Ctx, Param, str | None], str | None]:
    """A callback refusing empty text, and all-blank text unless ``blank_ok`` (``what`` says
    what the text is)."""

    def callback(ctx: Ctx, param: Param, value: str | None) -> str | None:
        if value is not None and (value == "" or not (blank_ok or value.strip())):
            raise _bad(ctx, param, f"{value!r} is empty; give {what}")
        return value

    return callback


def _has_text(path: Path) -> bool:
    """Whether ``path`` holds anything but whitespace (read in chunks, stops at the first)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 16):
            if chunk.strip():
                return True
    return False


def check_bench(ctx: Ctx, param: Param, value: Path | None) -> Path | None:
    """A benchmark: a JSONL file with something in it, or a directory holding ``bench.jsonl``."""
    if value is None:
        return None
    check_in_path()(ctx, param, value)
    path = Path(value)
    if path.is_dir():
        if not (path / "bench.jsonl").is_file():
            raise _bad(
                ctx,
                param,
                f"{path} holds no bench.jsonl; give a benchmark directory "
                "(`codepercept bench build --out DIR`) or a .jsonl file",
            )
        path = path / "bench.jsonl"
    try:
        empty = not _has_text(path)
    except OSError as exc:
        raise _bad(ctx, param, f"cannot read {path}: {exc.strerror or exc}") from None
    if empty:
        raise _bad(ctx, param, f"{path} is empty; a benchmark has one JSON item per line")
    return value


@contextlib.contextmanager
def progress(*columns: Any, console: Any, **kwargs: Any) -> Any:
    """A ``rich`` progress bar that leaves nothing behind when the work fails, so the error
    stays the one line on stderr (on success the final bar stays, as usual)."""
    from rich.progress import Progress

    bar = Progress(*columns, console=console, **kwargs)
    with bar:
        try:
            yield bar
        except BaseException:
            bar.live.transient = True  # erase on a terminal, print nothing to a file
            raise


def dataset_config(ctx: Ctx, param: Param, value: Path, kind: str, make: str) -> dict[str, Any]:
    """The ``config`` of the dataset directory ``value`` (its manifest's header), or a usage
    error naming what is wrong, ending with ``make`` (how to make one). ``kind`` names what
    was expected in the "no manifest" message."""
    check_in_path("dir")(ctx, param, value)
    manifest = Path(value) / "manifest.jsonl"
    if not manifest.is_file():
        raise _bad(ctx, param, f"{value} is not a {kind} (no manifest.jsonl); {make}")
    try:
        with open(manifest, "rb") as fh:
            header = json.loads(fh.readline().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise _bad(ctx, param, f"{manifest} is not a dataset manifest ({exc}); {make}") from None
    config = header.get("config") if isinstance(header, dict) else None
    if not isinstance(config, dict) or header.get("type") != "header":
        raise _bad(ctx, param, f"{manifest} does not start with a dataset header; {make}")
    return config


def check_in_path(
    kind: str = "any",
) -> Callable[[Ctx, Param, Any], Any]:
    """A callback for inputs that must exist: ``kind`` is ``"file"``, ``"dir"`` or ``"any"``.
    Works on one path or a list of them."""

    def one(ctx: Ctx, param: Param, value: Any) -> Any:
        p = Path(value)
        if not p.exists():
            raise _bad(ctx, param, f"{p} does not exist")
        if kind == "file" and not p.is_file():
            raise _bad(ctx, param, f"{p} is a directory; give a file")
        if kind == "dir" and not p.is_dir():
            raise _bad(ctx, param, f"{p} is a file; give a directory")
        if not os.access(p, os.R_OK):
            raise _bad(ctx, param, f"{p} is not readable")
        return value

    def callback(ctx: Ctx, param: Param, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (list, tuple)):
            return [one(ctx, param, v) for v in value]
        return one(ctx, param, value)

    return callback


def check_workers(ctx: Ctx, param: Param, value: int | None) -> int | None:
    """Programs in flight: 1 to :data:`MAX_WORKERS`."""
    if value is None:
        return None
    if not 1 <= value <= MAX_WORKERS:
        raise _bad(
            ctx,
            param,
            f"{value} is not between 1 and {MAX_WORKERS} (each worker is a sandbox process; "
            f"this machine has {os.cpu_count()} cores)",
        )
    return value


def check_dpi(ctx: Ctx, param: Param, value: float | None) -> float | None:
    """A rendering resolution: finite, 10 to 1200 dots per inch."""
    return check_float(10, 1200, what=" dots per inch")(ctx, param, value)


def check_choice(
    *choices: str,
) -> Callable[[Ctx, Param, str | None], str | None]:
    """A callback accepting one of ``choices``."""

    def callback(ctx: Ctx, param: Param, value: str | None) -> str | None:
        if value is not None and value not in choices:
            raise _bad(ctx, param, f"{value!r} is not one of {', '.join(choices)}")
        return value

    return callback


# ---- the entry point ------------------------------------------------------------------------


def _say(prefix: str, message: object) -> None:
    sys.stderr.write(f"{prefix}: error: {one_line(message)}\n")
    sys.stderr.flush()


def _os_error_text(exc: OSError) -> str:
    where = f"{exc.filename}" if exc.filename is not None else ""
    if exc.filename2 is not None:
        where += f" -> {exc.filename2}"
    what = exc.strerror or str(exc)
    return f"{what}: {where}" if where else what


def _command_path(command: Any, args: Sequence[str], prog: str) -> str:
    """``prog`` and the subcommand names at the start of ``args`` (options skipped): the name
    an error line starts with."""
    path = [prog]
    for tok in args:
        if tok.startswith("-"):
            continue
        sub = getattr(command, "commands", {}).get(tok)
        if sub is None:
            break
        path.append(tok)
        command = sub
    return " ".join(path)


def run(app: typer.Typer, argv: Sequence[str] | None = None, prog: str = "codepercept") -> int:
    """Run ``app`` on ``argv`` (default ``sys.argv[1:]``); return the exit status. Every error
    is one line on stderr; nothing escapes as a traceback unless ``CODEPERCEPT_DEBUG`` is set.

    The command is invoked directly (not through click's ``main``), so an ``EOFError`` from a
    truncated input is reported as such rather than turned into "Aborted", and an interrupt
    says what happened instead of exiting 130 in silence."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = os.environ.get("CODEPERCEPT_DEBUG", "") not in ("", "0")
    command = typer.main.get_command(app)
    where = _command_path(command, args, prog)
    try:
        with command.make_context(prog, args) as ctx:
            rv = command.invoke(ctx)
    except _UsageError as exc:
        ctx = getattr(exc, "ctx", None)
        if _NoArgsIsHelp is not None and isinstance(exc, _NoArgsIsHelp) and ctx is not None:
            sys.stderr.write(ctx.get_help() + "\n")  # a bare group: its help, as click shows
            return 2
        cmd = ctx.command_path if ctx is not None else where
        _say(cmd, f"{exc.format_message()} (see `{cmd} --help`)")  # type: ignore[attr-defined]
        return 2
    except _Exit as exc:
        return int(getattr(exc, "exit_code", 0))
    except (_Abort, KeyboardInterrupt):
        _say(where, "interrupted; finished work is kept (re-run the same command to resume)")
        return EXIT_INTERRUPTED
    except Interrupted as exc:
        _say(where, exc)
        return EXIT_INTERRUPTED
    except CodeperceptError as exc:
        if debug:
            raise
        _say(where, exc)
        return exc.exit_code
    except _ClickException as exc:
        _say(where, exc.format_message())  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", 1))
    except UnicodeDecodeError as exc:
        if debug:
            raise
        _say(where, f"an input is not UTF-8 text ({exc}); convert it to UTF-8")
        return 1
    except EOFError as exc:
        if debug:
            raise
        _say(where, f"an input ends too early, truncated or empty ({exc or 'EOFError'})")
        return 1
    except BrokenPipeError:
        # The reader went away (`codepercept synth list | head -1`): nowhere to say anything,
        # and Python's final flush of stdout must not fail again (as the docs of SIGPIPE say).
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        if debug:
            raise
        _say(where, _os_error_text(exc))
        return 1
    except (ValueError, LookupError) as exc:
        if debug:
            raise
        _say(where, exc.args[0] if len(exc.args) == 1 else exc)
        return 1
    except MemoryError:
        _say(where, "out of memory")
        return 1
    except Exception as exc:
        if debug:
            raise
        _say(
            where,
            f"internal error {type(exc).__name__}: {exc} (this is a bug in codepercept; "
            "CODEPERCEPT_DEBUG=1 shows the traceback)",
        )
        return 70
    return rv if isinstance(rv, int) else 0


# -- scale-out (every command that runs programs takes the same four options) -------------------

EXECUTOR_OPT = typer.Option(
    "local",
    "--executor",
    help="Where the programs run: local (this machine's sandbox) or ray (sandbox actors on a "
    "Ray cluster; the output is the same bytes). Needs pip install 'codepercept[ray]'.",
    callback=check_choice("local", "ray"),
)
RAY_ADDRESS_OPT = typer.Option(
    None,
    "--ray-address",
    help="With --executor ray: the cluster (HOST:PORT of `ray start --head`, auto, or "
    "ray://HOST:PORT); default: start or join a local one.",
    callback=check_text("a Ray address"),
)
RAY_ACTORS_OPT = typer.Option(
    None,
    "--ray-actors",
    min=1,
    max=100_000,
    help="With --executor ray: sandbox actors, each with --workers programs in flight "
    "(default: as many as the cluster's CPUs hold).",
)
RAY_TASK_SIZE_OPT = typer.Option(
    32,
    "--ray-task-size",
    min=1,
    max=1_000_000,
    help="With --executor ray: consecutive items per Ray task (see docs/ray.md to pick it).",
)


def ray_options(executor: str, address: str | None, actors: int | None, task_size: int) -> Any:
    """The :class:`~codepercept.cluster.RayOptions` of ``--executor ray``, or None for local;
    a usage error for Ray options without it, or for Ray that is not installed."""
    from codepercept.cluster import RAY_MISSING, RayOptions, ray_available

    if executor != "ray":
        given = [name for name, v in (("--ray-address", address), ("--ray-actors", actors),
                                      ("--ray-task-size", task_size != 32)) if v]  # fmt: skip
        if given:
            raise typer.BadParameter(f"{given[0]} needs --executor ray", param_hint=given[0])
        return None
    if not ray_available():
        raise typer.BadParameter(RAY_MISSING, param_hint="--executor")
    return RayOptions(address=address, actors=actors, task_size=task_size)


@contextlib.contextmanager
def counting(name: str, console: Any) -> Iterator[Callable[[int, int], None]]:
    """A progress bar named ``name`` (done/total, time remaining) on ``console``; yields the
    ``progress(done, total)`` callback a job takes."""
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

    with progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as bar:  # fmt: skip
        task = bar.add_task(name, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
