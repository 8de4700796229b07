"""The benchmark runner: prompt -> response -> code -> sandbox -> scene -> scores, per item.

One JSON line per item is appended to ``RUN/results.jsonl`` as soon as the item finishes
(id, domain, status, response, code, timings, every score and sub-score, error message);
renderings go to ``RUN/images/<id>.png`` and their traces to ``RUN/images/<id>.scene.json``.

The run directory is claimed for one job (:mod:`codepercept.jobdir`: the model, dpi, timeout and
judges, the benchmark's and the model's input files by content); re-running the same
command resumes it, anything else is refused unless ``overwrite``.

What is a result, and what is not:

* whatever the item's program does (hostile code, a crash, a timeout) is that item's status, and
  an item a predictions file has no response for is ``no_prediction``: results, kept on resume;
* a ``model_error`` (the model gave no answer, after its client's retries) is recorded but is no
  result: it is left out of the scores, and a resumed run asks again; likewise a row whose
  judge request failed is judged again;
* when the model's endpoint is down (its preflight cannot connect, two items in a row cannot
  connect, the first three items or any eight in a row get no answer) the run stops taking
  items, writes the summary so far and raises :class:`~codepercept.errors.JobError`;
* on Ctrl-C (SIGINT) or SIGTERM the run stops taking items, lets those in flight finish, writes
  the summary (``"interrupted": true``) and raises :class:`~codepercept._interrupt.Interrupted`;
  a second signal stops at once. An item cut short by the stop is never written.

``results.jsonl`` is append-only: a resumed item's new row follows its old one, and
:func:`read_results` keeps the last row of each item. A kill loses at most the items in flight
(a torn last line is dropped on the next start).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write
from codepercept._interrupt import Interrupted, graceful
from codepercept.bench.dataset import BenchItem, load_bench
from codepercept.bench.extract import extract_code
from codepercept.bench.summary import is_result, summarize
from codepercept.cluster import RayOptions, ShardMap, check_reachable
from codepercept.errors import JobError, UsageError
from codepercept.jobdir import claim
from codepercept.models.adapters import Model, NoPrediction, Predictions, make_model, model_job
from codepercept.sandbox import Executor
from codepercept.scene.model import Scene
from codepercept.score import SCORE_VERSION, image_score, prepare_image, scene_score

log = logging.getLogger(__name__)


#: The model's endpoint counts as down after this many items in a row got no answer ...
MAX_MODEL_ERRORS_IN_A_ROW = 8
#: ... after this many failures (not refusals of one request) before any answer ...
MAX_MODEL_ERRORS_AT_START = 3
#: ... or after this many items in a row could not even connect (each after its retries).
MAX_CONNECT_ERRORS_IN_A_ROW = 2


def _raw_rows(path: Path) -> list[dict[str, Any]]:
    """Every row of ``results.jsonl``. Only the final line may be torn (a kill mid-write) and is
    then skipped; any other line that is not a JSON object with an ``id`` is damage that a kill
    cannot make, and raises :class:`~codepercept.errors.UsageError` naming the line (a damaged
    file must not read as a run with fewer items)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    lines = data.split(b"\n")
    torn = lines[-1]  # the text after the last newline: empty, or a line cut short
    rows = []
    for lineno, line in enumerate(lines[:-1], 1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(
                f"{path}:{lineno} is not UTF-8 text; the file was changed by something other "
                "than `codepercept bench run`: restore it, or start the run over with --overwrite"
            ) from None
        try:
            row = json.loads(text)
        except ValueError:
            row = None
        if not (isinstance(row, dict) and "id" in row):
            raise UsageError(
                f"{path}:{lineno} is not a result row (a JSON object with an id); the file was "
                "changed by something other than `codepercept bench run`: restore it, or "
                "start the run over with --overwrite"
            )
        rows.append(row)
    if torn.strip():
        log.warning("%s: ignoring a torn final line (%d bytes) left by a kill", path, len(torn))
    return rows


def read_results(run_dir: str | Path) -> list[dict[str, Any]]:
    """One row per item of a run: the last line written for it (a resumed item's new row
    follows its old one), in the order items first appear. A torn final line, from a kill, is
    ignored. Rows of any status are returned; :func:`~codepercept.bench.summary.is_result`
    says which score their item."""
    last: dict[str, dict[str, Any]] = {}
    for row in _raw_rows(Path(run_dir) / "results.jsonl"):
        last[str(row["id"])] = row
    return list(last.values())


def _done(row: dict[str, Any]) -> bool:
    """Whether a resumed run keeps this row (else the item is run again)."""
    return is_result(row) and not (row.get("judge") or {}).get("failed")


def _repair_tail(path: Path) -> None:
    """Cut a torn final line (no trailing newline) left by a kill."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(path, "r+b") as fh:
            fh.truncate(cut)


#: The resolution the official convention renders at, as the public harness does (its
#: ``plt.savefig(..., dpi=300)``).
OFFICIAL_DPI = 300.0


def bench_dpi(bench: Path) -> float | None:
    """The dpi a built benchmark's images and scenes were made at (None when unknown)."""
    root = bench if bench.is_dir() else bench.parent
    try:
        value = json.loads((root / "manifest.json").read_text())["args"]["dpi"]
        return float(value)
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _ReferenceCache:
    """Ground-truth scenes, computed once per item at the run's dpi: the benchmark's own
    scenes serve only when it was built at that dpi (a trace depends on it)."""

    def __init__(
        self,
        executor: Executor,
        run_dir: Path,
        built_dpi: float | None = None,
    ) -> None:
        self.executor = executor
        self.dir = run_dir / "reference"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.use_built = built_dpi is not None and built_dpi == executor.dpi

    def scene(
        self, item: BenchItem, save: Callable[[str, bytes], None] | None = None
    ) -> Scene | None:
        """The item's ground-truth scene; a newly computed one is also given to ``save``
        (a Ray actor's cache is its own: the driver writes OUT/reference/ from what it saves)."""
        if item.scene_path is not None and self.use_built:
            return Scene.from_json(item.scene_path.read_text())
        cached = self.dir / f"{item.id}.scene.json"
        if cached.exists():
            return Scene.from_json(cached.read_text())
        res = self.executor.run(item.code)
        if not res.ok or res.scene is None:
            log.warning("ground truth of %s does not execute (%s)", item.id, res.status)
            return None
        text = res.scene.to_json()
        atomic_write(cached, text)
        if save is not None:
            save(f"reference/{item.id}.scene.json", text.encode())
        return res.scene


def evaluate_item(
    item: BenchItem,
    model: Model,
    executor: Executor,
    refs: _ReferenceCache,
    images_dir: Path,
    save: Callable[[str, bytes], None] | None = None,
) -> dict[str, Any]:
    """Everything about one item, as one result row. Never raises. The rendering and its scene
    go to ``images_dir``, or to ``save(relative path, bytes)`` when given (a Ray actor's)."""
    row: dict[str, Any] = {"id": item.id, "domain": item.domain, "family": item.family,
                           "model": model.name, "timings": {}, "scores": {}}  # fmt: skip
    t0 = time.perf_counter()
    try:
        response = model.respond(item)
    except NoPrediction as exc:  # the model gave nothing for this item: a result
        row.update(status="no_prediction", message=str(exc.args[0] if exc.args else exc)[:500],
                   response=None, code="")  # fmt: skip
        return row
    except Exception as exc:  # no answer: recorded, but not a result (retried on resume)
        row.update(status="model_error", message=f"{type(exc).__name__}: {exc}"[:500],
                   response=None, code="")  # fmt: skip
        # how: "connect" (the endpoint could not be reached), "refused" (it answered that it
        # will not serve this request), "failed" (it kept failing: 5xx, timeouts, bad replies)
        row["error_kind"] = (
            "connect"
            if getattr(exc, "connect", False)
            else "refused"
            if getattr(exc, "refused", False)
            else "failed"
        )
        row["timings"]["generate_s"] = round(time.perf_counter() - t0, 4)
        return row
    row["timings"]["generate_s"] = round(time.perf_counter() - t0, 4)
    code = extract_code(response)
    row.update(response=response, code=code)
    if not code.strip():
        row.update(status="no_code", message="the response holds no code block")
        return row
    res = executor.run(code)
    row["timings"]["exec_s"] = round(res.wall_s, 4)
    row.update(status=res.status, message=res.message)
    if not res.ok:
        return row
    t1 = time.perf_counter()
    png = res.images[0]
    ref_save = save
    if save is None:
        save = lambda rel, data: atomic_write(images_dir.parent / rel, data)  # noqa: E731
    save(f"{images_dir.name}/{item.id}.png", png)
    if res.scene is not None:  # kept so a run can be re-scored without re-executing
        save(f"{images_dir.name}/{item.id}.scene.json", res.scene.to_json().encode())
    img = image_score(prepare_image(item.image_bytes()), png)
    row["score_version"] = img.version
    row["scores"]["image"] = round(img.total, 3)
    row["scores"]["image_parts"] = {k: round(v, 3) for k, v in img.parts.items()}
    ref_scene = refs.scene(item, ref_save)
    if ref_scene is not None and res.scene is not None:
        sc = scene_score(ref_scene, res.scene)
        row["scores"]["code"] = round(sc.total, 3)
        row["scores"]["code_parts"] = {k: round(v, 3) for k, v in sc.parts.items()}
    row["timings"]["score_s"] = round(time.perf_counter() - t1, 4)
    return row


@dataclass
class _Breaker:
    """Tells an endpoint that is down from items that fail (see the module docstring)."""

    answered: bool = False
    in_a_row: int = 0
    failed_in_a_row: int = 0  # not counting refusals (one request's verdict, e.g. too large)
    connect_in_a_row: int = 0
    last: str = ""
    tripped: str = ""

    def record(self, row: dict[str, Any]) -> None:
        if row.get("status") != "model_error":
            self.answered, self.in_a_row, self.failed_in_a_row, self.connect_in_a_row = (
                True, 0, 0, 0)  # fmt: skip
            return
        kind = row.get("error_kind")
        self.in_a_row += 1
        self.failed_in_a_row = self.failed_in_a_row + 1 if kind != "refused" else 0
        self.connect_in_a_row = self.connect_in_a_row + 1 if kind == "connect" else 0
        self.last = str(row.get("message") or "")
        if self.connect_in_a_row >= MAX_CONNECT_ERRORS_IN_A_ROW:
            self.tripped = f"{self.connect_in_a_row} items in a row could not connect"
        elif not self.answered and self.failed_in_a_row >= MAX_MODEL_ERRORS_AT_START:
            self.tripped = f"the first {self.failed_in_a_row} items got no answer"
        elif self.in_a_row >= MAX_MODEL_ERRORS_IN_A_ROW:
            self.tripped = f"{self.in_a_row} items in a row got no answer"


@dataclass
class _Outcome:
    written: int = 0
    dropped: list[str] = field(default_factory=list)  # cut short by the stop: not written


def _cut_by_stop(row: dict[str, Any]) -> bool:
    """A row that a stop signal may have caused rather than the program (never kept as a
    result once a stop was requested): the sandbox run died, or the program got the SIGINT."""
    status, message = row.get("status"), str(row.get("message") or "")
    return status == "crashed" or (status == "runtime_error" and "KeyboardInterrupt" in message)


def _judge_spec(judge: Any) -> Any:
    if judge is None:
        return None
    spec = getattr(judge, "spec", None)
    if spec is not None:
        return spec
    kind = judge if callable(judge) and hasattr(judge, "__qualname__") else type(judge)
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"


def _adopt_legacy(model_name: str) -> Callable[[Path], bool]:
    """A run directory from before job.json is this job's when every result row is this
    model's; one holding another model's rows is refused with a message saying so."""

    def adopt(out: Path) -> bool:
        rows = _raw_rows(out / "results.jsonl")
        if not rows:
            return False
        models = sorted({str(r.get("model")) for r in rows})
        if models == [model_name]:
            return True
        from codepercept.jobdir import JobDirError

        raise JobDirError(
            f"{out} holds results of {', '.join(models)} from before job.json; `bench run "
            f"--model {model_name}` will not mix its results in. Use another --out directory"
        )

    return adopt


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run_benchmark(
    bench: str | Path,
    model_spec: str,
    out: str | Path,
    workers: int = 2,
    limit: int | None = None,
    dpi: float = OFFICIAL_DPI,
    timeout_s: float = 30.0,
    progress: Callable[[int, int], None] | None = None,
    judge: Callable[[BenchItem, dict[str, Any]], dict[str, Any]] | None = None,
    *,
    overwrite: bool = False,
    concurrency: int = 64,
    ray: RayOptions | None = None,
) -> dict[str, Any]:
    """Run ``model_spec`` on the benchmark into ``out``; returns (and writes) the summary.

    ``ray``: the items run on a Ray cluster (:mod:`codepercept.cluster`): actors, each with its
    own sandbox of ``workers`` and its own model client, evaluate contiguous ranges of items;
    this process writes renderings, references and rows in item order (and runs the judge), so
    the run directory is the same bytes as a local run's (``timings.jsonl`` and the summary's
    latencies aside). The benchmark and the model's files must be readable from every node.

    Items in flight: ``2 * workers`` for a local model (the sandbox is what binds), and
    ``max(2 * workers, concurrency)`` for a model behind an endpoint, whose client keeps up to
    ``concurrency`` requests in flight (an endpoint built to batch is then never what the run
    waits for). The summary's ``client`` block has the endpoint's requests, cache hits,
    retries, errors, tokens and latency.

    The summary (``out/summary.json``) holds, besides the scores (see
    :mod:`codepercept.bench.summary`): ``model``, ``bench`` (absolute) and ``bench_relative``
    (from ``out``), ``items`` (to run), ``pending`` (items without a result yet), ``complete``,
    ``interrupted``, ``stopped`` (the JobError's message when an endpoint was down, else None)
    and ``warnings`` (lines for people: items without a prediction, items the model gave no
    answer for).

    Raises:
        UsageError: ``limit`` < 1, a bad model spec, a predictions file with no id of the
            benchmark; :class:`~codepercept.jobdir.JobDirError` (a ``UsageError``) when ``out``
            belongs to another job and ``overwrite`` is not set (``overwrite`` empties it first;
            it never deletes a directory codepercept did not make).
        FileNotFoundError / ValueError: no benchmark at ``bench``, or a malformed one.
        LockedError: another process is running a job in ``out``.
        JobError: the model's endpoint is down (the summary so far is written first).
        Interrupted: stopped by SIGINT/SIGTERM (the summary so far is written first).
    """
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
        raise UsageError(f"concurrency must be a whole number, at least 1; got {concurrency!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise UsageError(f"limit must be a whole number of items, at least 1; got {limit!r}")
    if ray is not None:
        check_reachable(ray.address)  # before anything is created
    bench_path = Path(bench).resolve()
    all_items = load_bench(bench_path)
    items = all_items[:limit] if limit is not None else all_items
    out = Path(out)
    setting, model_inputs = model_job(model_spec)
    model = make_model(model_spec, cache_dir=out / "cache", concurrency=concurrency)
    warnings: list[str] = []
    if isinstance(model, Predictions):
        warnings += model.check(items, {it.id for it in all_items})
    # Not limit (it picks which items are scored, not how: a --limit smoke test grows into the
    # full run) and not workers.
    # The score version too: rows scored by another version of the formulas must not be mixed
    # into one table (a resume with a newer codepercept says so and asks for --overwrite).
    settings = {"model": setting, "dpi": dpi, "timeout_s": timeout_s, "judge": _judge_spec(judge),
                "score_version": SCORE_VERSION}  # fmt: skip
    inputs = {"bench": bench_path, **model_inputs}
    try:
        with claim(out, "bench run", settings, inputs, overwrite=overwrite,
                   adopt=_adopt_legacy(model.name)):  # fmt: skip
            return _run(items, model, out, bench_path, workers, dpi, timeout_s, progress, judge,
                        warnings, concurrency, ray, model_spec)  # fmt: skip
    finally:
        close = getattr(model, "close", None)
        if close is not None:
            close()


def _run(
    items: list[BenchItem],
    model: Model,
    out: Path,
    bench_path: Path,
    workers: int,
    dpi: float,
    timeout_s: float,
    progress: Callable[[int, int], None] | None,
    judge: Callable[[BenchItem, dict[str, Any]], dict[str, Any]] | None,
    warnings: list[str],
    concurrency: int = 64,
    ray: RayOptions | None = None,
    model_spec: str = "",
) -> dict[str, Any]:
    images_dir = out / "images"
    images_dir.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.jsonl"
    _repair_tail(results_path)
    ids = {it.id for it in items}
    done = {r["id"] for r in read_results(out) if r["id"] in ids and _done(r)}
    todo: deque[BenchItem] = deque(it for it in items if it.id not in done)
    url = str(getattr(model, "url", model.name))
    breaker = _Breaker()
    outcome = _Outcome()
    processed = [len(items) - len(todo)]
    if progress:
        progress(processed[0], len(items))

    def finish(interrupted: bool, stopped: JobError | None = None) -> dict[str, Any]:
        rows = [r for r in read_results(out) if r["id"] in ids]
        summary = summarize(rows)
        scored = sum(1 for r in rows if is_result(r))
        errors = len(rows) - scored
        notes = list(warnings)
        if errors:
            notes.append(
                f"{errors} items got no answer from the model (model_error): not scored; "
                "re-run the same command to ask again"
            )
        pending = len(items) - scored
        summary.update({
            "model": model.name,
            "score_version": SCORE_VERSION,
            "bench": str(bench_path),
            "bench_relative": os.path.relpath(bench_path, out.resolve()),
            "dpi": dpi,
            "items": len(items),
            "pending": pending,
            "complete": pending == 0,
            "interrupted": interrupted and pending > 0,
            "stopped": str(stopped) if stopped is not None else None,
            "warnings": notes,
        })  # fmt: skip
        client = getattr(getattr(model, "client", None), "stats", None)
        if client is not None:
            summary["client"] = client.to_dict()
        atomic_write(out / "summary.json", json.dumps(summary, indent=1))
        for line in notes:
            log.warning("%s", line)
        return summary

    def endpoint_down(reason: str, last: str, where: str = url, what: str = "model") -> JobError:
        pending = len(items) - sum(1 for r in read_results(out) if r["id"] in ids and is_result(r))
        return JobError(
            f"bench run: the {what} endpoint {where} is down ({reason}; last error: "
            f"{_one_line(last)}); nothing was scored for {pending} items; re-run when the "
            "endpoint is up"
        )

    with graceful("bench run") as stop:
        for what, check in (("model", getattr(model, "preflight", None)),
                            ("judge", getattr(judge, "preflight", None))):  # fmt: skip
            if check is None or not todo:
                continue
            try:
                check()
            except Exception as exc:
                if not getattr(exc, "connect", False):
                    raise
                where = str(getattr(exc, "url", "") or url)
                err = endpoint_down(
                    "its preflight request could not connect", str(exc), where, what
                )
                finish(False, err)
                raise err from None
        # an endpoint answers many at once: keep `concurrency` items waiting on it
        remote = getattr(model, "client", None) is not None
        in_flight = min(max(1, workers * 2, concurrency if remote else 0), max(1, len(todo)))
        if todo and not stop.requested and ray is not None:
            worker = functools.partial(_BenchWorker, model_spec, str(out / "cache"), concurrency,
                                       workers, dpi, timeout_s, bench_dpi(bench_path),
                                       in_flight)  # fmt: skip
            with _RowWriter(results_path, stop, breaker, outcome, processed, len(items),
                            progress) as rows:  # fmt: skip
                _loop_ray(todo, worker, ray, workers, out, judge, rows, model)
        elif todo and not stop.requested:
            with (
                Executor(workers=workers, dpi=dpi, timeout_s=timeout_s) as ex,
                _RowWriter(results_path, stop, breaker, outcome, processed, len(items),
                           progress) as rows,
            ):  # fmt: skip
                refs = _ReferenceCache(ex, out, bench_dpi(bench_path))
                _loop(todo, model, ex, refs, images_dir, judge, in_flight, rows)
        err = endpoint_down(breaker.tripped, breaker.last) if breaker.tripped else None
        summary = finish(stop.requested, err)
        if err is not None:
            raise err
        if summary["interrupted"]:
            results = len(items) - summary["pending"]
            raise Interrupted(
                f"bench run: stopped after {results} of {len(items)} items; re-run the same "
                "command to resume"
            )
    return summary


def _judged(
    judge: Callable[[BenchItem, dict[str, Any]], dict[str, Any]] | None,
    item: BenchItem,
    row: dict[str, Any],
) -> None:
    if judge is not None and row.get("status") == "ok":
        try:
            row["judge"] = judge(item, row)
        except Exception as exc:
            row["judge"] = {"error": f"{type(exc).__name__}: {exc}"[:300], "failed": ["judge"]}


class _RowWriter:
    """Writes result rows in item order (a row that finishes early waits for the ones before
    it), so that ``results.jsonl`` is the same bytes whatever the concurrency or executor; a
    row's ``timings`` go to ``timings.jsonl`` beside it (they differ from run to run). A row cut
    short by a stop is not kept (its place is skipped)."""

    def __init__(self, results_path: Path, stop: Any, breaker: _Breaker, outcome: _Outcome,
                 processed: list[int], total: int,
                 progress: Callable[[int, int], None] | None) -> None:  # fmt: skip
        self.path = results_path
        self.stop, self.breaker, self.outcome = stop, breaker, outcome
        self.processed, self.total, self.progress = processed, total, progress
        self.waiting: dict[int, tuple[BenchItem, dict[str, Any]]] = {}
        self.next = 0

    def __enter__(self) -> _RowWriter:
        self.fh = open(self.path, "a", encoding="utf-8")
        self.times = open(self.path.with_name("timings.jsonl"), "a", encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()
        self.times.close()

    def put(self, pos: int, item: BenchItem, row: dict[str, Any]) -> None:
        self.waiting[pos] = (item, row)
        while self.next in self.waiting:
            item, row = self.waiting.pop(self.next)
            self.next += 1
            self._write(item, row)

    def _write(self, item: BenchItem, row: dict[str, Any]) -> None:
        if self.stop.requested and _cut_by_stop(row):
            self.outcome.dropped.append(item.id)
            log.info("bench run: %s was cut short by the stop; not kept", item.id)
            return
        timings = row.pop("timings", {})
        self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.times.write(json.dumps({"id": item.id, "timings": timings}) + "\n")
        self.times.flush()
        self.outcome.written += 1
        self.breaker.record(row)
        self.processed[0] += 1
        if self.progress:
            self.progress(self.processed[0], self.total)


class _BenchWorker:
    """What a Ray actor of ``bench run`` holds: its own sandbox, model client and reference
    cache (in a directory of its own; new references travel to the driver)."""

    def __init__(self, model_spec: str, cache_dir: str, concurrency: int, workers: int,
                 dpi: float, timeout_s: float, built_dpi: float | None,
                 threads: int) -> None:  # fmt: skip
        import tempfile

        self.ex = Executor(workers=workers, dpi=dpi, timeout_s=timeout_s)
        self.model = make_model(model_spec, cache_dir=cache_dir, concurrency=concurrency)
        self.scratch = Path(tempfile.mkdtemp(prefix="codepercept-bench-actor-"))
        self.refs = _ReferenceCache(self.ex, self.scratch, built_dpi)
        self.threads = threads

    def start(self) -> None:
        self.ex.start()


def run_bench_items(
    w: _BenchWorker, payload: None, items: list[BenchItem]
) -> list[tuple[dict[str, Any], list[tuple[str, bytes]], Any]]:
    """Evaluate ``items`` on a Ray actor, ``w.threads`` at a time: per item ``(row, files to
    write (relative path, bytes), None)``; the last item's third field is the model client's
    statistics for this task (None for a model without a client)."""
    from concurrent.futures import ThreadPoolExecutor

    client = getattr(w.model, "client", None)
    client = getattr(client, "aio", client)  # the async client that keeps the counts
    if client is not None:  # this task's counts only (an actor runs its tasks one at a time)
        client.stats = type(client.stats)()

    def one(item: BenchItem) -> tuple[dict[str, Any], list[tuple[str, bytes]], Any]:
        files: list[tuple[str, bytes]] = []
        row = evaluate_item(item, w.model, w.ex, w.refs, w.scratch / "images",
                            lambda rel, data: files.append((rel, data)))  # fmt: skip
        return row, files, None

    with ThreadPoolExecutor(max_workers=max(1, min(w.threads, len(items)))) as pool:
        out = list(pool.map(one, items))
    if client is not None and out:
        out[-1] = (out[-1][0], out[-1][1], client.stats)
    return out


def _loop_ray(
    todo: deque[BenchItem],
    worker: Callable[[], _BenchWorker],
    options: RayOptions,
    workers: int,
    out: Path,
    judge: Callable[[BenchItem, dict[str, Any]], dict[str, Any]] | None,
    w: _RowWriter,
    model: Model,
) -> None:
    """:func:`_loop` on Ray: results taken in item order; this process writes each item's
    files and row (and runs the judge), exactly as a local run writes them."""
    halted = lambda: bool(w.stop.requested or w.breaker.tripped)  # noqa: E731
    client = getattr(model, "client", None)
    with ShardMap(run_bench_items, None, worker, options, cpus_per_actor=workers) as shards:
        for pos, (item, (row, files, stats)) in enumerate(shards.ordered(list(todo), halted)):
            for rel, data in files:
                atomic_write(out / rel, data)
            if stats is not None and client is not None:
                client.stats.merge(stats)
            _judged(judge, item, row)
            w.put(pos, item, row)
            if halted():
                break


def _loop(
    todo: deque[BenchItem],
    model: Model,
    ex: Executor,
    refs: _ReferenceCache,
    images_dir: Path,
    judge: Callable[[BenchItem, dict[str, Any]], dict[str, Any]] | None,
    threads: int,
    w: _RowWriter,
) -> None:
    """Evaluate ``todo`` on ``threads`` daemon threads; this (main) thread alone writes rows
    (through ``w``, in item order).

    No new item is taken once a stop is requested or the breaker trips; items in flight finish
    and are written (unless cut short by the stop). A second signal (KeyboardInterrupt here)
    abandons the items in flight: nothing more is written, and the daemon threads do not hold up
    the process's exit.
    """
    taking = threading.Event()
    taking.set()
    take_lock = threading.Lock()
    finished: queue.Queue[tuple[int, BenchItem, dict[str, Any]] | None] = queue.Queue()
    numbered = deque(enumerate(todo))

    def work() -> None:
        try:
            while taking.is_set():
                with take_lock:
                    if not numbered or not taking.is_set():
                        return
                    pos, item = numbered.popleft()
                row = evaluate_item(item, model, ex, refs, images_dir)
                _judged(judge, item, row)
                finished.put((pos, item, row))
        except BaseException as exc:  # never silently: the item is not written, say why
            log.error("bench run: a worker failed: %r", exc)
        finally:
            finished.put(None)

    pool = [threading.Thread(target=work, name=f"bench-{i}", daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    running = len(pool)
    try:
        while running:
            if w.stop.requested or w.breaker.tripped:
                taking.clear()
            try:
                got = finished.get(timeout=0.1)
            except queue.Empty:
                continue
            if got is None:
                running -= 1
                continue
            w.put(*got)
    finally:
        taking.clear()  # on a second Ctrl-C: no thread takes another item
