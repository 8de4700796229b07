"""The SandboxFusion ``POST /run_code`` wire format: requests checked into :class:`RunCode`,
sandbox results translated into SandboxFusion's response.

Nothing here does I/O; :mod:`codepercept.rewards.server` only translates between HTTP and these
functions. The shapes follow bytedance/SandboxFusion ``sandbox/server/sandbox_api.py`` and
``sandbox/runners/types.py`` (read at 469de08): a request is ``code``, ``language`` (required),
``compile_timeout``, ``run_timeout`` (seconds, default 10), ``memory_limit_MB`` (default -1:
none), ``stdin`` (optional), ``files`` (path -> base64, or null to skip) and ``fetch_files``;
the answer to a well-formed request is always HTTP 200 with ``status`` (``Success`` /
``Failed`` / ``SandboxError``), ``message``, ``compile_result`` (null: Python compiles nothing),
``run_result`` ``{status, execution_time, return_code, stdout, stderr}``, ``executor_pod_name``
and ``files`` (path -> base64; paths not there are left out). Two fields are added, which
SandboxFusion's clients ignore: ``sandbox_status`` (the sandbox's own status) and ``scene`` (the
trace of what the program drew, or null).

Only ``python`` runs here; every other language SandboxFusion knows is answered
``SandboxError``. How each sandbox status maps (:func:`run_code_reply`):

* ``ok``, ``no_figure`` -> ``Success``, ``Finished``, return code 0;
* ``syntax_error``, ``forbidden`` -> ``Failed``, ``Finished``, 1;
* ``runtime_error`` -> ``Failed``, ``Finished``, 1 (N for ``sys.exit(N)``, mod 256);
* ``memory_error`` -> ``Failed``, ``Finished``, 1 (-9 when the OOM killer ended it);
* ``output_too_large`` -> ``Failed``, ``Finished``, -9 (the sandbox killed it);
* ``timeout`` -> ``Failed``, ``TimeLimitExceeded``, null;
* ``crashed`` by the program's doing (killed by signal N, exited without a result, a forged
  result) -> ``Failed``, ``Finished``, -N, its exit code, or 1;
* ``crashed`` by the sandbox's (it could not start, its slot process died) -> ``SandboxError``,
  ``run_result`` null.

Where the return code is not 0, the sandbox's one-line message (``ZeroDivisionError: division
by zero (line 3)``) is appended to the program's stderr, where Python would have printed its
traceback.
stdout and stderr are the last 8 KiB each (the sandbox keeps no more); ``message`` says so when
either was cut.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import signal
from dataclasses import dataclass, field
from typing import Any

from codepercept.sandbox.protocol import MAX_FILES, MAX_FILES_BYTES, check_file_name
from codepercept.sandbox.result import ExecResult
from codepercept.serve.protocol import ApiError, _type_name

__all__ = [
    "LANGUAGES",
    "RunCode",
    "figure_files",
    "json_object",
    "parse_run_code",
    "run_code_reply",
    "sandbox_error_reply",
    "unsupported_language",
]

#: Every language SandboxFusion's ``/run_code`` accepts (``sandbox/runners/types.py``).
LANGUAGES = (
    "python", "cpp", "nodejs", "go", "go_test", "java", "php", "csharp", "bash", "typescript",
    "sql", "rust", "cuda", "lua", "R", "perl", "D_ut", "ruby", "scala", "julia", "pytest", "junit",
    "kotlin_script", "jest", "verilog", "python_gpu", "lean", "swift", "racket",
)  # fmt: skip
#: SandboxFusion's default compile and run time-out, in seconds.
DEFAULT_TIMEOUT_S = 10.0
#: The sandbox keeps this much of the end of stdout and of stderr.
STREAM_TAIL_BYTES = 8 * 1024
#: Names under which every figure comes back: ``figure_0.png``, ``figure_1.png``, ...
FIGURE_NAME = re.compile(r"figure_(0|[1-9][0-9]{0,5})\.png")

_SYS_EXIT = re.compile(r"sys\.exit\((-?\d{1,6})\)")
_KILLED_BY = re.compile(r"killed by (SIG[A-Z0-9]+|signal (\d+))")
_EXIT_CODE = re.compile(r"exited with code (\d+)")
#: ``crashed`` messages that are the program's doing (its death, its forged or broken
#: result); any other ``crashed`` is the sandbox failing (see executor.py).
_PROGRAM_DEATHS = ("program ", "malformed result from the sandbox")


@dataclass(frozen=True)
class RunCode:
    """A checked ``/run_code`` request (``files`` decoded; ``memory_limit_mb`` <= 0: none;
    a time-out the client did not send is None: SandboxFusion's default,
    :data:`DEFAULT_TIMEOUT_S`, applies)."""

    code: str
    language: str
    run_timeout: float | None = None
    compile_timeout: float | None = None
    memory_limit_mb: int = -1
    stdin: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    fetch_files: tuple[str, ...] = ()


def _bad(param: str, message: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, f"{param}: {message}", param=param, code=code)


def _wrong_type(param: str, want: str, got: Any) -> ApiError:
    return _bad(param, f"must be {want}, not {_type_name(got)}", "invalid_type")


def _seconds(body: dict[str, Any], name: str) -> float | None:
    v = body.get(name)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _wrong_type(name, "a number of seconds", v)
    if not (math.isfinite(v) and v > 0):
        raise _bad(name, f"{v!r} is not a finite number of seconds above 0")
    return float(v)


def _memory(body: dict[str, Any]) -> int:
    v = body.get("memory_limit_MB", -1)
    if v is None:
        return -1
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        raise _wrong_type("memory_limit_MB", "an integer (megabytes; -1: no limit)", v)
    return v if v > 0 else -1


def _file_name(name: str) -> str:
    """A name from ``files`` as a path below the program's directory: ``./`` and empty parts
    are dropped (as ``os.path.join`` would read them); absolute paths and ``..`` are refused."""
    if name.startswith("/"):
        raise ValueError("absolute paths cannot be placed; give a path relative to the program")
    tidy = "/".join(p for p in name.split("/") if p not in ("", "."))
    check_file_name(tidy)
    return tidy


def _files(body: dict[str, Any]) -> dict[str, bytes]:
    raw = body.get("files", {})
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _wrong_type("files", "an object of path -> base64 content", raw)
    out: dict[str, bytes] = {}
    total = 0
    for name, content in raw.items():
        param = f"files[{json.dumps(name)[:80]}]"
        if content is None:  # SandboxFusion skips these
            continue
        if not isinstance(content, str):
            raise _wrong_type(param, "base64 text (or null to skip the file)", content)
        try:
            path = _file_name(name)
        except ValueError as exc:
            raise _bad(param, str(exc)) from None
        try:
            data = base64.b64decode("".join(content.split()), validate=True)
        except (binascii.Error, ValueError):
            raise _bad(param, "not valid base64") from None
        total += len(data)
        if total > MAX_FILES_BYTES:
            raise _bad("files", f"more than {MAX_FILES_BYTES >> 20} MB in all")
        out[path] = data
    if len(out) > MAX_FILES:
        raise _bad("files", f"{len(out)} files: at most {MAX_FILES} go with a program")
    return out


def json_object(body: bytes) -> dict[str, Any]:
    """The JSON object in a request body, or a 400 :class:`ApiError` saying what it is not."""
    try:
        text = body.decode("utf-8")  # JSON is UTF-8 (json.loads would guess UTF-16 from a BOM)
    except UnicodeDecodeError as exc:
        raise ApiError(
            400, f"the request body is not UTF-8 text (byte {exc.start})", code="invalid_json"
        ) from None
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError(400, "the request body is not valid JSON", code="invalid_json") from None
    if not isinstance(obj, dict):
        raise ApiError(
            400, f"the request body must be a JSON object, not {_type_name(obj)}",
            code="invalid_json",
        )  # fmt: skip
    return obj


def parse_run_code(body: bytes) -> RunCode:
    """The checked request in ``body`` (JSON), or an :class:`ApiError` (400) naming the field
    at fault. Unknown fields are ignored, as SandboxFusion does."""
    obj = json_object(body)
    for name in ("code", "language"):
        if name not in obj:
            raise _bad(name, "is required", "missing_field")
        if not isinstance(obj[name], str):
            raise _wrong_type(name, "a string", obj[name])
    stdin = obj.get("stdin")
    if stdin is not None and not isinstance(stdin, str):
        raise _wrong_type("stdin", "a string or null", stdin)
    fetch = obj.get("fetch_files", [])
    if fetch is None:
        fetch = []
    if not isinstance(fetch, list):
        raise _wrong_type("fetch_files", "an array of paths", fetch)
    for i, name in enumerate(fetch):
        if not isinstance(name, str):
            raise _wrong_type(f"fetch_files[{i}]", "a path (a string)", name)
    return RunCode(
        code=obj["code"],
        language=obj["language"],
        run_timeout=_seconds(obj, "run_timeout"),
        compile_timeout=_seconds(obj, "compile_timeout"),
        memory_limit_mb=_memory(obj),
        stdin=stdin,
        files=_files(obj),
        fetch_files=tuple(dict.fromkeys(fetch)),
    )


def unsupported_language(language: str) -> str | None:
    """Why ``language`` does not run here (None for ``python``)."""
    if language == "python":
        return None
    hint = " (SandboxFusion's name for it is 'python')" if language.lower() in (
        "python3", "py", "python2", "py3") else ""  # fmt: skip
    known = "" if language in LANGUAGES else " (nor is it a language SandboxFusion knows)"
    return (
        f"language {language[:60]!r} does not run here: this is codepercept's reward server, "
        f"which runs only 'python' (matplotlib programs, in its sandbox){hint}{known}"
    )


def _norm(path: str) -> str:
    """A path as written by a program or a client, compared: ``./`` and empty parts dropped."""
    lead = "/" if path.startswith("/") else ""
    parts: list[str] = []
    for p in path.split("/"):
        if p in ("", "."):
            continue
        if p == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(p)
    return lead + "/".join(parts)


def figure_files(res: ExecResult, wanted: tuple[str, ...]) -> dict[str, bytes]:
    """The figures a client asked for by name: ``figure_<i>.png`` is the i-th figure, and a
    path the program passed to ``savefig`` (for a PNG) is that figure (the last one saved
    there, if several were). Names that match nothing are left out, as SandboxFusion leaves out
    files that are not there."""
    by_path: dict[str, bytes] = {}
    for image, paths in zip(res.images, res.saved_as or [[]] * len(res.images), strict=False):
        for p in paths:
            by_path[_norm(p)] = image
    out: dict[str, bytes] = {}
    for name in wanted:
        m = FIGURE_NAME.fullmatch(name)
        if m is not None and int(m.group(1)) < len(res.images):
            out[name] = res.images[int(m.group(1))]
        elif _norm(name) in by_path:
            out[name] = by_path[_norm(name)]
    return out


def _result(status: str, seconds: float, code: int | None, stdout: str, stderr: str) -> dict:
    return {"status": status, "execution_time": round(seconds, 6), "return_code": code,
            "stdout": stdout, "stderr": stderr}  # fmt: skip


def _with_line(stderr: str, line: str) -> str:
    if not line:
        return stderr
    sep = "" if not stderr or stderr.endswith("\n") else "\n"
    return f"{stderr}{sep}{line}\n"


def _signal_number(m: re.Match[str]) -> int:
    if m.group(2):
        return int(m.group(2))
    try:
        return int(signal.Signals[m.group(1)])
    except KeyError:
        return int(signal.SIGKILL)


def _exit_code(res: ExecResult) -> int | None:
    """The return code ``python program.py`` would have had (None: the sandbox failed)."""
    msg = res.message
    if res.status in ("ok", "no_figure"):
        return 0
    if res.status == "runtime_error":
        m = _SYS_EXIT.search(msg)
        return int(m.group(1)) % 256 if m else 1
    if res.status == "memory_error":
        return -int(signal.SIGKILL) if "OOM killer" in msg else 1
    if res.status == "output_too_large":
        return -int(signal.SIGKILL)
    if res.status == "crashed":
        if not msg.startswith(_PROGRAM_DEATHS):
            return None
        m = _KILLED_BY.search(msg)
        if m is not None:
            return -_signal_number(m)
        m = _EXIT_CODE.search(msg)
        return int(m.group(1)) if m else 1
    return 1  # syntax_error, forbidden


def run_code_reply(
    res: ExecResult,
    req: RunCode,
    *,
    pod: str | None = None,
    notes: tuple[str, ...] = (),
) -> dict[str, Any]:
    """SandboxFusion's response for ``req`` run with result ``res`` (see the module table).

    ``notes`` are added to ``message`` (e.g. a time-out capped at the server's)."""
    stdout, stderr = res.stdout, res.stderr
    said = list(notes)
    if any(len(s.encode("utf-8", "replace")) >= STREAM_TAIL_BYTES for s in (stdout, stderr)):
        said.append("stdout/stderr are their last 8 KiB")
    files = {k: base64.b64encode(v).decode("ascii")
             for k, v in figure_files(res, req.fetch_files).items()}  # fmt: skip
    scene = res.scene.to_dict() if res.scene is not None else None
    code = _exit_code(res)
    if code is None:
        return sandbox_error_reply(f"the sandbox failed: {res.message}", pod=pod,
                                   sandbox_status=res.status)  # fmt: skip
    if res.status == "timeout":
        run = _result("TimeLimitExceeded", res.wall_s, None, stdout, stderr)
    else:
        if code != 0:
            stderr = _with_line(stderr, res.message)
        run = _result("Finished", res.wall_s, code, stdout, stderr)
    status = "Success" if res.status in ("ok", "no_figure") else "Failed"
    if res.message and status == "Success":
        said.insert(0, res.message)
    elif res.message:
        said.insert(0, f"{res.status}: {res.message}")
    return {
        "status": status,
        "message": "; ".join(said),
        "compile_result": None,
        "run_result": run,
        "executor_pod_name": pod,
        "files": files,
        "sandbox_status": res.status,
        "scene": scene,
    }


def sandbox_error_reply(
    message: str, *, pod: str | None = None, sandbox_status: str | None = None
) -> dict[str, Any]:
    """SandboxFusion's answer when nothing ran (HTTP 200, ``SandboxError``)."""
    return {
        "status": "SandboxError",
        "message": message,
        "compile_result": None,
        "run_result": None,
        "executor_pod_name": pod,
        "files": {},
        "sandbox_status": sandbox_status,
        "scene": None,
    }
