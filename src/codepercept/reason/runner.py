"""Perception → reasoning evaluation: captioner + text-only solver, direct, and solver-only.

The paper measures perception downstream: a *captioner* describes the image, a text-only
*solver* answers the question from that description alone. Two references frame it: *direct*
(one multimodal model answers from the image) and *solver-only* (the solver sees the question
and nothing else: the floor, what can be answered without looking).

:func:`run_reason_eval` runs one mode over benchmark items
(:class:`~codepercept.reason.benchmarks.ReasonItem`) or the code-grounded QA set
(:class:`~codepercept.reason.qa.QAItem`) into a run directory:

* ``OUT/results.jsonl`` — append-only, one fsynced JSON line per finished item (id, benchmark,
  category, subset, mode, caption, response, extracted, correct, status, timings);
* ``OUT/summary.json`` — per benchmark the benchmark's own summary (``summarise``), counts per
  status, and each model client's numbers.

Statuses: ``ok`` (an answer was extracted; right or wrong), ``no_answer`` (the model answered
nothing, or in another language, or nothing the benchmark's rule can extract), ``image_missing``
(the item's image is not on disk: counted, never sent, in every mode so that the three modes
score the same items), ``model_error`` (the endpoint gave no answer after the client's retries:
not a result, asked again on resume). An endpoint that cannot be reached at all (its preflight,
or two items in a row) stops the job with a one-line :class:`~codepercept.errors.JobError`.

Model specs: ``openai:MODEL@BASE_URL`` (any OpenAI-compatible endpoint, ``codepercept serve``
included) and three offline baselines resolved here, so every path runs without a model:

* ``oracle-caption`` — captioner: the QA set's code-grounded caption of the figure (the
  caption the synth pipeline writes from the execution trace); QA items only;
* ``qa-solver`` — solver: :func:`~codepercept.reason.qa.solve_from_caption`, the deterministic
  reader of those captions; QA items only;
* ``blank`` — any role: answers ``""``.

The same baselines, and the native-caption one, are served over HTTP by ``codepercept serve
--backend oracle:qa=N | offline:DIR | qa-solver`` (:mod:`codepercept.serve.reason`), which reads
a request back with :func:`parse_prompt`. See ``docs/reason-eval.md``.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write
from codepercept.errors import JobError, UsageError
from codepercept.jobdir import claim
from codepercept.reason.answers import extract_answer, final_span, is_correct
from codepercept.reason.benchmarks import make_record, summarise
from codepercept.reason.formats._common import ReasonItem
from codepercept.reason.qa import QAItem, check_answer, solve_from_caption

__all__ = [
    "MODES",
    "PROMPTS_V1",
    "EvalItem",
    "adapt",
    "parse_prompt",
    "read_results",
    "run_reason_eval",
]

MODES: tuple[str, ...] = ("captioner", "direct", "solver-only")

#: Statuses a resumed run keeps; any other (``model_error``) is asked again.
FINAL_STATUSES = frozenset({"ok", "no_answer", "image_missing"})

#: Offline model specs (see the module docstring).
OFFLINE_SPECS = ("oracle-caption", "qa-solver", "blank")

#: Items in a row that could not connect after which the endpoint counts as down.
MAX_CONNECT_ERRORS_IN_A_ROW = 2

#: The prompts, versioned: the version is part of a run's settings, so a resume with other
#: words is refused. ``{question}`` is the item's question with its options laid out as the
#: benchmark lays them out; ``{caption}`` is the captioner's description.
PROMPTS_V1: dict[str, str] = {
    "version": "reason-prompts-v1",
    "caption": (
        "Describe this image in full detail for someone who cannot see it and will have to "
        "answer questions about it from your words alone. State every piece of text, number, "
        "label, title and axis label exactly as written; count the objects of each kind "
        "(bars, points, lines, shapes, arrows, nodes); give the values, positions, sizes and "
        "colours you can read; and say how the parts relate (what is connected to what, what "
        "lies inside, above or next to what). Describe only what is shown; do not solve any "
        "problem."
    ),
    "solver": (
        "You cannot see the image. Below is a detailed description of it, followed by a "
        "question about it.\n\nDescription of the image:\n{caption}\n\nQuestion:\n{question}\n\n"
        "Answer using only the description. Reason step by step, then finish with a last line "
        'of the form "The answer is X" (for a multiple-choice question, X is the option\'s '
        "letter)."
    ),
    "direct": (
        "{question}\n\nReason step by step about the image, then finish with a last line of the "
        'form "The answer is X" (for a multiple-choice question, X is the option\'s letter).'
    ),
    "solver-only": (
        "A question refers to an image that you are not shown.\n\nQuestion:\n{question}\n\n"
        "Give your best answer anyway. Reason step by step, then finish with a last line of the "
        'form "The answer is X" (for a multiple-choice question, X is the option\'s letter).'
    ),
}


def parse_prompt(
    text: str, prompts: dict[str, str] = PROMPTS_V1
) -> tuple[str, dict[str, str]] | None:
    """``(role, fields)`` of a user text one of ``prompts`` made (role ``caption``, ``solver``,
    ``direct`` or ``solver-only``; fields ``caption``, ``question``), or None: how the offline
    baselines of ``codepercept serve`` (:mod:`codepercept.serve.reason`) read a request.

    The solver prompt is split at the *last* place its template allows, because the caption
    before the question is a model's output and may itself contain the words that separate
    them; the question is the benchmark's own."""
    from string import Formatter

    if not isinstance(text, str):
        return None
    for role in ("caption", "solver-only", "solver", "direct"):
        template = prompts.get(role)
        if not isinstance(template, str):
            continue
        pieces = list(Formatter().parse(template))
        literals = [lit for lit, _, _, _ in pieces]
        names = [name for _, name, _, _ in pieces if name]
        if not names:
            if text == template:
                return role, {}
            continue
        if len(literals) == len(names):
            literals.append("")  # a template that ends with a field
        head, tail = literals[0], literals[-1]
        if not (text.startswith(head) and text.endswith(tail)) or len(text) < len(head + tail):
            continue
        body = text[len(head) : len(text) - len(tail)]
        values: list[str] = []
        for sep in reversed(literals[1:-1]):  # split from the end: the last field first
            at = body.rfind(sep)
            if at < 0:
                break
            values.insert(0, body[at + len(sep) :])
            body = body[:at]
        else:
            values.insert(0, body)
            return role, dict(zip(names, values, strict=True))
    return None


# -- items ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalItem:
    """What the runner needs of an item, whatever its source: ``id``, ``benchmark`` (``"qa"``
    for the QA set), ``category``, ``subset``, ``question`` (options laid out in it),
    ``options``, the image (``image_bytes`` in memory or ``image_path`` on disk; neither, or a
    path that is not a file: the image is missing), ``oracle_caption`` (QA set only) and the
    source item, which :meth:`extract` and :meth:`correct` read."""

    id: str
    benchmark: str
    category: str
    subset: str
    question: str
    options: tuple[str, ...]
    source: ReasonItem | QAItem
    image_path: str | None = None
    image_bytes: bytes | None = None
    oracle_caption: str | None = None

    def image(self) -> bytes | None:
        """The image's bytes, or None when it is missing."""
        if self.image_bytes is not None:
            return self.image_bytes
        if self.image_path and os.path.isfile(self.image_path):
            try:
                return Path(self.image_path).read_bytes()
            except OSError:
                return None
        return None

    def extract(self, response: str | None) -> str | None:
        """The short answer ``response`` gives (None: none, blank, another language)."""
        src = self.source
        if isinstance(src, ReasonItem):
            return extract_answer(src, response)
        if not isinstance(response, str) or not response.strip():
            return None
        from codepercept.reason.qa import _latin

        if not _latin(response, src.answer):
            return None
        span = final_span(response)
        return span.strip() if span and span.strip() else None

    def correct(self, response: str | None, extracted: str | None) -> bool:
        src = self.source
        if extracted is None:
            return False
        if isinstance(src, ReasonItem):
            return is_correct(src, extracted)
        return check_answer(src, response)


def adapt(
    items: Sequence[ReasonItem | QAItem | EvalItem],
    images: dict[str, bytes] | None = None,
    captions: dict[str, str] | None = None,
) -> list[EvalItem]:
    """Benchmark items and QA items as :class:`EvalItem`. QA items take their figure's PNG
    from ``images`` and its oracle caption from ``captions`` (both keyed by figure id, as
    :func:`~codepercept.reason.qa.build_qa_set` returns them)."""
    out: list[EvalItem] = []
    for it in items:
        if isinstance(it, EvalItem):
            out.append(it)
        elif isinstance(it, ReasonItem):
            out.append(EvalItem(
                id=it.id, benchmark=it.benchmark, category=it.category, subset=it.subset,
                question=it.question, options=it.options, source=it, image_path=it.image,
            ))  # fmt: skip
        elif isinstance(it, QAItem):
            out.append(EvalItem(
                id=it.id, benchmark="qa", category=it.kind, subset=it.answer_type,
                question=it.question, options=it.options, source=it,
                image_bytes=(images or {}).get(it.figure_id),
                oracle_caption=(captions or {}).get(it.figure_id),
            ))  # fmt: skip
        else:
            raise UsageError(f"not an item: {type(it).__name__}")
    return out


# -- models --------------------------------------------------------------------------------------


class _Local:
    """An offline model: ``answer(item, role, caption) -> str``."""

    remote = False

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.name = spec
        self.url = spec

    async def ask(
        self, item: EvalItem, role: str, messages: list[dict[str, Any]], caption: str | None
    ) -> str:
        if self.spec == "blank":
            return ""
        if self.spec == "oracle-caption":
            if role != "caption":
                raise UsageError("oracle-caption is a captioner: use it as --captioner only")
            if item.oracle_caption is None:
                raise UsageError(
                    f"oracle-caption has no caption for item {item.id!r}: it captions only the "
                    "QA set (--qa-set)"
                )
            return item.oracle_caption
        if self.spec == "qa-solver":
            if not isinstance(item.source, QAItem):
                raise UsageError("qa-solver answers only the QA set's questions (--qa-set)")
            answer = solve_from_caption(item.source, caption or "")
            return "" if answer is None else f"The answer is {answer}"
        raise UsageError(f"unknown offline model {self.spec!r}")

    async def preflight(self) -> None:
        return None

    async def aclose(self) -> None:
        return None

    def stats(self) -> dict[str, Any] | None:
        return None


class _Remote:
    remote = True

    def __init__(self, spec: str, cache_dir: Path, concurrency: int) -> None:
        from codepercept.models.client import AsyncChat

        self.spec = spec
        self.client = AsyncChat.from_spec(
            spec.partition(":")[2], concurrency=concurrency, cache_dir=cache_dir,
            temperature=0.0,
        )  # fmt: skip
        self.name = f"openai:{self.client.model}"
        self.url = self.client.base_url

    async def ask(
        self, item: EvalItem, role: str, messages: list[dict[str, Any]], caption: str | None
    ) -> str:
        return (await self.client.complete(messages)).text

    async def preflight(self) -> None:
        await self.client.preflight()

    async def aclose(self) -> None:
        await self.client.aclose()

    def stats(self) -> dict[str, Any] | None:
        return self.client.stats.to_dict()


def check_spec(spec: str) -> str:
    """``spec`` normalised (the form recorded in the job's settings); UsageError if unknown."""
    spec = str(spec).strip()
    if spec in OFFLINE_SPECS:
        return spec
    kind, _, rest = spec.partition(":")
    model, at, url = rest.partition("@")
    if kind == "openai" and model and at and url.startswith(("http://", "https://")):
        return f"openai:{model}@{url.rstrip('/')}"
    raise UsageError(
        f"{spec!r} is not a model: use openai:MODEL@BASE_URL, or an offline baseline "
        f"({', '.join(OFFLINE_SPECS)})"
    )


def _make(spec: str, cache: Path, concurrency: int) -> _Local | _Remote:
    spec = check_spec(spec)
    if spec in OFFLINE_SPECS:
        return _Local(spec)
    return _Remote(spec, cache, concurrency)


# -- results -------------------------------------------------------------------------------------


def _raw_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    lines = path.read_bytes().split(b"\n")
    for lineno, line in enumerate(lines[:-1], 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            row = None
        if not (isinstance(row, dict) and "id" in row):
            raise UsageError(
                f"{path}:{lineno} is not a result row (a JSON object with an id); restore the "
                "file, or start the run over with --overwrite"
            )
        rows.append(row)
    return rows  # a torn final line (a kill mid-write) is not a row


def _repair_tail(path: Path) -> None:
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(path, "r+b") as fh:
                fh.truncate(data.rfind(b"\n") + 1)


def read_results(out: str | Path) -> list[dict[str, Any]]:
    """One row per item: the last line written for it (a retried ``model_error`` item's new
    row follows its old one), in the order the items first appear."""
    last: dict[str, dict[str, Any]] = {}
    for row in _raw_rows(Path(out) / "results.jsonl"):
        last[str(row["id"])] = row
    return list(last.values())


def _qa_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    def acc(rs: list[dict[str, Any]]) -> dict[str, Any]:
        correct = sum(1 for r in rs if r.get("status") == "ok" and r.get("correct"))
        return {"n": len(rs), "correct": correct, "accuracy": correct / len(rs) if rs else 0.0}

    errors = Counter(str(r.get("status")) for r in records if r.get("status") != "ok")
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by[str(r.get("category"))].append(r)
    return {"benchmark": "qa", **acc(records), "errors": dict(sorted(errors.items())),
            "by_category": {k: acc(v) for k, v in sorted(by.items())}}  # fmt: skip


# -- the run -------------------------------------------------------------------------------------


def _messages(text: str, image: bytes | None) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = []
    if image is not None:
        from codepercept.models.images import image_data_url

        content.append({"type": "image_url", "image_url": {"url": image_data_url(image)}})
    content.append({"type": "text", "text": text})
    return [{"role": "user", "content": content}]


def _error_kind(exc: BaseException) -> str:
    if getattr(exc, "connect", False):
        return "connect"
    return "refused" if getattr(exc, "refused", False) else "failed"


async def _evaluate(
    item: EvalItem,
    mode: str,
    models: dict[str, _Local | _Remote],
    prompts: dict[str, str],
) -> dict[str, Any]:
    """One item's record. Never raises for a model's failure (a ``model_error`` row)."""
    row: dict[str, Any] = {"id": item.id, "benchmark": item.benchmark, "category": item.category,
                           "subset": item.subset, "mode": mode, "caption": None,
                           "response": None, "extracted": None, "correct": False,
                           "status": "ok", "timings": {}}  # fmt: skip
    if isinstance(item.source, ReasonItem):
        row["groups"] = make_record(item.source, extracted=None)["groups"]
    image = item.image()
    if image is None:
        row["status"] = "image_missing"
        row["message"] = f"no image at {item.image_path}" if item.image_path else "no image"
        return row
    stage = "model"
    try:
        if mode == "captioner":
            stage = "captioner"
            t0 = time.perf_counter()
            caption = await models["captioner"].ask(
                item, "caption", _messages(prompts["caption"], image), None
            )
            row["timings"]["caption_s"] = round(time.perf_counter() - t0, 4)
            row["caption"] = caption
            stage = "solver"
            t0 = time.perf_counter()
            text = prompts["solver"].format(caption=caption, question=item.question)
            response = await models["solver"].ask(item, "solve", _messages(text, None), caption)
            row["timings"]["solve_s"] = round(time.perf_counter() - t0, 4)
        elif mode == "direct":
            t0 = time.perf_counter()
            text = prompts["direct"].format(question=item.question)
            response = await models["model"].ask(item, "direct", _messages(text, image), None)
            row["timings"]["generate_s"] = round(time.perf_counter() - t0, 4)
        else:
            stage = "solver"
            t0 = time.perf_counter()
            text = prompts["solver-only"].format(question=item.question)
            response = await models["solver"].ask(item, "solve", _messages(text, None), None)
            row["timings"]["solve_s"] = round(time.perf_counter() - t0, 4)
    except UsageError:
        raise
    except Exception as exc:  # no answer: recorded, not a result, asked again on resume
        row.update(status="model_error", error_kind=_error_kind(exc), stage=stage,
                   message=f"{type(exc).__name__}: {exc}"[:500])  # fmt: skip
        return row
    row["response"] = response
    extracted = item.extract(response)
    row["extracted"] = extracted
    row["correct"] = item.correct(response, extracted)
    if extracted is None:
        row["status"] = "no_answer"
    return row


def run_reason_eval(
    items: Sequence[ReasonItem | QAItem | EvalItem],
    mode: str,
    out: str | Path,
    *,
    captioner: str | None = None,
    solver: str | None = None,
    model: str | None = None,
    concurrency: int = 8,
    prompts: dict[str, str] = PROMPTS_V1,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
    source: dict[str, Any] | None = None,
    inputs: dict[str, str | Path | None] | None = None,
    images: dict[str, bytes] | None = None,
    captions: dict[str, str] | None = None,
    cache_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Run ``mode`` over ``items`` into ``out``; returns (and writes) the summary.

    ``captioner`` + ``solver`` for ``captioner`` mode, ``model`` for ``direct``, ``solver``
    for ``solver-only`` (specs: see the module docstring). ``source`` (JSON-able: which
    benchmark, which QA set) joins the settings ``out`` is claimed with, and ``inputs`` (name →
    path) are recorded by content; a re-run with other settings is refused unless
    ``overwrite``. ``images``/``captions`` serve QA items (see :func:`adapt`).
    ``cache_dir``: where the endpoints' answers are cached (default ``OUT/cache``; the scaling
    grid shares one across its runs so that a caption is asked once per captioner and item).

    Raises UsageError (bad mode, missing or unknown specs, an offline model used where it
    cannot answer), JobDirError (``out`` made differently), JobError (an endpoint is down: the
    summary so far is written first)."""
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
    need = {"captioner": ("captioner", "solver"), "direct": ("model",),
            "solver-only": ("solver",)}[mode]  # fmt: skip
    given = {"captioner": captioner, "solver": solver, "model": model}
    missing = [k for k in need if not given[k]]
    if missing:
        raise UsageError(f"mode {mode} needs --{' and --'.join(missing)}")
    extra = [k for k, v in given.items() if v and k not in need]
    if extra:
        raise UsageError(f"mode {mode} does not use --{' or --'.join(extra)}")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise UsageError(f"concurrency must be a whole number, at least 1; got {concurrency!r}")
    if not isinstance(prompts, dict) or "version" not in prompts:
        raise UsageError("prompts must be a dict with a 'version' key (see PROMPTS_V1)")
    specs = {k: check_spec(str(given[k])) for k in need}
    evals = adapt(items, images, captions)
    ids = [it.id for it in evals]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise UsageError(f"item id {dup!r} occurs twice; ids must be unique")
    out = Path(out)
    settings = {"mode": mode, "captioner": specs.get("captioner"), "solver": specs.get("solver"),
                "model": specs.get("model"), "prompts": prompts["version"],
                "source": source}  # fmt: skip
    with claim(out, "reason-eval", settings, inputs, overwrite=overwrite):
        if prompts is not PROMPTS_V1:
            atomic_write(out / "prompts.json", json.dumps(prompts, indent=1))
        cache = Path(cache_dir) if cache_dir is not None else out / "cache"
        return asyncio.run(_run(evals, mode, out, specs, concurrency, prompts, progress, cache))


async def _run(
    items: list[EvalItem],
    mode: str,
    out: Path,
    specs: dict[str, str],
    concurrency: int,
    prompts: dict[str, str],
    progress: Callable[[int, int], None] | None,
    cache: Path,
) -> dict[str, Any]:
    results = out / "results.jsonl"
    _repair_tail(results)
    wanted = {it.id for it in items}
    done = {r["id"] for r in read_results(out)
            if r["id"] in wanted and r.get("status") in FINAL_STATUSES}  # fmt: skip
    todo = [it for it in items if it.id not in done]
    models = {role: _make(spec, cache, concurrency) for role, spec in specs.items()}
    count = [len(items) - len(todo)]
    if progress:
        progress(count[0], len(items))
    stopped: JobError | None = None
    try:
        if todo:
            for role, m in models.items():
                try:
                    await m.preflight()
                except Exception as exc:
                    if not getattr(exc, "connect", False):
                        raise
                    stopped = _down(role, m.url, "its preflight request could not connect",
                                    str(exc), len(todo))  # fmt: skip
                    break
        if stopped is None and todo:
            stopped = await _loop(todo, mode, models, prompts, results, concurrency, count,
                                  len(items), progress)  # fmt: skip
        summary = _finish(out, items, mode, specs, prompts, models, stopped)
    finally:
        for m in models.values():
            await m.aclose()
    if stopped is not None:
        raise stopped
    return summary


def _down(role: str, url: str, reason: str, last: str, pending: int) -> JobError:
    last = " ".join(last.split())[:300]
    return JobError(
        f"reason-eval: the {role} endpoint {url} is down ({reason}; last error: {last}); "
        f"{pending} items have no result; re-run when the endpoint is up"
    )


async def _loop(
    todo: list[EvalItem],
    mode: str,
    models: dict[str, _Local | _Remote],
    prompts: dict[str, str],
    results: Path,
    concurrency: int,
    count: list[int],
    total: int,
    progress: Callable[[int, int], None] | None,
) -> JobError | None:
    """Evaluate ``todo`` with ``concurrency`` items in flight; rows are written here, one
    fsynced line each, in the order they finish. Returns the JobError that stopped it."""
    queue = list(reversed(todo))
    connect_in_a_row = 0
    tripped: JobError | None = None
    with open(results, "a", encoding="utf-8") as fh:

        async def worker() -> None:
            nonlocal connect_in_a_row, tripped
            while queue and tripped is None:
                item = queue.pop()
                row = await _evaluate(item, mode, models, prompts)
                if tripped is not None:
                    return  # the job stopped while this one was in flight: not kept
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
                if row["status"] == "model_error" and row.get("error_kind") == "connect":
                    connect_in_a_row += 1
                    if connect_in_a_row >= MAX_CONNECT_ERRORS_IN_A_ROW:
                        role = str(row.get("stage", "model"))
                        m = models.get(role) or next(iter(models.values()))
                        tripped = _down(role, m.url,
                                        f"{connect_in_a_row} items in a row could not connect",
                                        str(row.get("message")), len(queue))  # fmt: skip
                else:
                    connect_in_a_row = 0
                count[0] += 1
                if progress:
                    progress(count[0], total)

        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(todo)))))
    return tripped


def _finish(
    out: Path,
    items: list[EvalItem],
    mode: str,
    specs: dict[str, str],
    prompts: dict[str, str],
    models: dict[str, _Local | _Remote],
    stopped: JobError | None,
) -> dict[str, Any]:
    wanted = {it.id for it in items}
    rows = [r for r in read_results(out) if r["id"] in wanted]
    statuses = Counter(str(r.get("status")) for r in rows)
    results = [r for r in rows if r.get("status") in FINAL_STATUSES]
    by_bench: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        by_bench[str(r["benchmark"])].append(r)
    benchmarks = {
        name: _qa_summary(rs) if name == "qa" else summarise(name, rs)
        for name, rs in sorted(by_bench.items())
    }
    pending = len(items) - len(results)
    summary: dict[str, Any] = {
        "mode": mode,
        **{role: specs.get(role) for role in ("captioner", "solver", "model")},
        "prompts": prompts["version"],
        "items": len(items),
        "results": len(results),
        "pending": pending,
        "complete": pending == 0,
        "statuses": dict(sorted(statuses.items())),
        "benchmarks": benchmarks,
        "stopped": str(stopped) if stopped is not None else None,
        "clients": {role: s for role, m in models.items() if (s := m.stats()) is not None},
    }
    atomic_write(out / "summary.json", json.dumps(summary, indent=1, ensure_ascii=False))
    return summary
