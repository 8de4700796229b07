"""Model-driven ICC data: Image Reproduction, Image Diversity and code-draft refinement.

Three jobs, one engine. Each takes *units* (a seed image, or a dataset sample), asks a model
through :class:`~codepercept.models.client.AsyncChat` (hundreds of requests in flight), runs
what it wrote in the sandbox (``Executor.arun``, no thread per program), judges it, and writes
the outcome through :class:`~codepercept.data.DatasetWriter`:

* **reproduce** — the model describes the seed image (``describe``), then writes matplotlib
  code from the image and its description (``reproduce``); the quality gates
  (:mod:`codepercept.gates`) judge the program, its rendering and their consistency, including
  the rendering's Image Score against the seed. A kept item's caption is code-grounded (our
  caption module, from the trace), and the seed image, the model's description and the prompt
  versions are stored beside it.
* **diversify** — the model names the principle behind a seed (``principle``), then writes K
  programs that show it differently (``variants``); each is run and gated, and must differ from
  its seed and from every kept item (perceptual hash).
* **refine-code** — for a sample with known code, the model writes an explanatory draft with
  step comments (``draft``), then corrects it against the real code (``refine``); kept only
  when the refined program renders exactly the reference's pixels and keeps the comments.

Determinism and resuming: unit ``u`` owns candidate indices ``[u*K, u*K+K)``; outcomes are
added to the writer strictly in unit order (a unit finished early waits for the ones before),
and near-duplicates are judged at that point against what was kept, so the same inputs and the
same model answers give the same dataset. Answers are cached in ``OUT/cache``, so a resumed job
(after a kill -9, or Ctrl-C) asks nothing twice. A unit the model gave no answer for
(``ModelError``) is not written: it is counted, and a re-run asks again; an endpoint that is down
stops the job (:class:`~codepercept.errors.JobError`). A seed that is missing, corrupt or
enormous is one warning line naming the file and a ``bad_seed`` drop; the rest proceeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from codepercept._fs import atomic_write, read_text
from codepercept._interrupt import Interrupted, graceful
from codepercept.cluster import RayOptions, ShardMap, check_reachable
from codepercept.data.remote import Mirror, is_uri
from codepercept.errors import JobError, UsageError

log = logging.getLogger(__name__)

__all__ = [
    "IMAGE_SUFFIXES",
    "Seed",
    "diversify",
    "load_seeds",
    "refine_code",
    "reproduce",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")
#: A seed file larger than this is refused without reading it.
MAX_SEED_BYTES = 64 * 1024 * 1024
#: Consecutive units without an answer that stop the job (the endpoint is down or refusing).
MAX_MODEL_ERRORS_IN_A_ROW = 8
MAX_CONNECT_ERRORS_IN_A_ROW = 2


# ---- seeds ------------------------------------------------------------------------------------


@dataclass
class Seed:
    """A seed image: ``id`` (safe as a record id), ``path``; ``png`` once loaded (None with
    ``error`` saying why it cannot be used)."""

    id: str
    path: Path
    png: bytes | None = None
    error: str | None = None


def _safe_id(text: str) -> str:
    out = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "seed"
    return out[:120]


def load_seeds(spec: str | Path) -> list[Seed]:
    """The seed images of a directory (image files by name, sorted), one image file, or a JSONL
    file (lines
    ``{"id": ..., "image": PATH}``, paths relative to the file). Files are not read here
    (:func:`read_seed` does, per seed). Raises :class:`UsageError` for a missing source, a
    directory without images or a malformed JSONL line."""
    src = Path(spec)
    seeds: list[Seed] = []
    if src.is_dir():
        files = sorted(p for p in src.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        for p in files:
            seeds.append(Seed(_safe_id(p.stem), p))
    elif src.is_file() and src.suffix.lower() in IMAGE_SUFFIXES:
        seeds.append(Seed(_safe_id(src.stem), src))  # one image
    elif src.is_file():
        for lineno, line in enumerate(read_text(src, "seed list").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                image = obj["image"]
                if not isinstance(image, str) or not image:
                    raise TypeError("image must be a path")
            except (ValueError, KeyError, TypeError) as exc:
                raise UsageError(
                    f'{src}:{lineno}: expected {{"id": ..., "image": PATH}} ({exc})'
                ) from None
            path = Path(image) if Path(image).is_absolute() else src.parent / image
            seeds.append(Seed(_safe_id(str(obj.get("id") or Path(image).stem)), path))
    else:
        raise UsageError(f"{src} does not exist; give a directory of images or a .jsonl list")
    if not seeds:
        raise UsageError(f"{src} holds no images ({', '.join(IMAGE_SUFFIXES)})")
    seen: Counter[str] = Counter()
    for s in seeds:  # ids must be unique: a.png and a.jpg become a and a-2
        seen[s.id] += 1
        if seen[s.id] > 1:
            s.id = f"{s.id}-{seen[s.id]}"
    return seeds


def read_seed(seed: Seed) -> Seed:
    """Load ``seed.png`` (any image Pillow reads, converted to PNG), or set ``seed.error``."""
    from codepercept.models.images import MAX_SOURCE_PIXELS

    try:
        size = seed.path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise ValueError(f"{size} bytes is over {MAX_SEED_BYTES}")
        data = seed.path.read_bytes()
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
            if w * h > MAX_SOURCE_PIXELS:
                raise ValueError(f"{w}x{h} pixels is over {MAX_SOURCE_PIXELS}")
            if w < 8 or h < 8:
                raise ValueError(f"{w}x{h} pixels is too small to reproduce")
            img.load()
            if img.format == "PNG":
                seed.png = data
            else:
                buf = io.BytesIO()
                img.convert("RGBA" if "A" in img.getbands() else "RGB").save(buf, format="PNG")
                seed.png = buf.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        seed.error = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return seed


# ---- the engine -------------------------------------------------------------------------------

Outcome = tuple[dict[str, Any] | None, str | None, int | None]  # (record, drop reason, phash)


@dataclass
class _Counts:
    units: int = 0
    model_errors: int = 0
    kept: int = 0
    drops: Counter[str] = field(default_factory=Counter)


class _Breaker:
    def __init__(self) -> None:
        self.in_a_row = 0
        self.connect_in_a_row = 0
        self.last = ""
        self.tripped = ""

    def ok(self) -> None:
        self.in_a_row = self.connect_in_a_row = 0

    def error(self, exc: BaseException) -> None:
        self.in_a_row += 1
        self.connect_in_a_row = self.connect_in_a_row + 1 if getattr(exc, "connect", False) else 0
        self.last = " ".join(str(exc).split())[:300]
        if self.connect_in_a_row >= MAX_CONNECT_ERRORS_IN_A_ROW:
            self.tripped = f"{self.connect_in_a_row} units in a row could not connect"
        elif self.in_a_row >= MAX_MODEL_ERRORS_IN_A_ROW:
            self.tripped = f"{self.in_a_row} units in a row got no answer"


def _commit_unit(
    job: str,
    u: int,
    got: list[Outcome] | BaseException,
    per_unit: int,
    writer: Any,
    dedup_distance: int,
    counts: _Counts,
    breaker: _Breaker,
) -> None:
    """Add unit ``u``'s outcomes (the next in unit order): near-duplicates of what is kept are
    dropped here, where every earlier unit is written."""
    done = writer.state.done_indices
    if isinstance(got, BaseException):  # no answer: not written, asked again later
        counts.model_errors += 1
        breaker.error(got)
        log.warning("%s: unit %d got no answer: %s", job, u, breaker.last)
        return
    breaker.ok()
    for j, (record, reason, phash) in enumerate(got):
        index = u * per_unit + j
        if index in done:
            continue
        if (
            record is not None
            and phash is not None
            and writer.state.hash_index.near(phash, dedup_distance)
        ):
            record, reason = None, "consistency:duplicate"
        if record is not None:
            writer.add(index, record, phash=phash)
            counts.kept += 1
        else:
            writer.add(index, None, reason=reason or "dropped")
            counts.drops[reason or "dropped"] += 1


async def _process_unit(
    job: str, process: Callable[[int, Any], Awaitable[list[Outcome]]], u: int, unit: Any,
    per_unit: int,
) -> list[Outcome] | BaseException:  # fmt: skip
    """``process(u, unit)``; a ModelError (no answer: asked again on resume) is returned, and
    any other fault of ours becomes ``internal_error`` outcomes (the job goes on)."""
    from codepercept.models.client import ModelError

    try:
        return await process(u, unit)
    except ModelError as exc:
        return exc
    except Exception:
        log.exception("%s: unit %d failed", job, u)
        return [(None, "internal_error", None)] * per_unit


def _todo(units: Sequence[Any], per_unit: int, done: set[int]) -> list[int]:
    return [u for u in range(len(units))
            if not all(u * per_unit + j in done for j in range(per_unit))]  # fmt: skip


async def _engine(
    job: str,
    units: Sequence[Any],
    per_unit: int,
    process: Callable[[int, Any], Awaitable[list[Outcome]]],
    writer: Any,
    concurrency: int,
    dedup_distance: int,
    counts: _Counts,
    progress: Callable[[int, int], None] | None,
    stop: Any,
) -> str:
    """Run ``process(u, unit)`` for the units not done yet, ``concurrency`` at a time, adding
    their outcomes in unit order. Returns why it stopped early ("" when it did not)."""
    todo = _todo(units, per_unit, writer.state.done_indices)
    ready: dict[int, list[Outcome] | BaseException] = {}
    breaker = _Breaker()
    total = len(units)
    finished = [total - len(todo)]
    cursor = 0  # next position in todo to commit

    def commit() -> None:
        nonlocal cursor
        while cursor < len(todo) and todo[cursor] in ready:
            u = todo[cursor]
            cursor += 1
            finished[0] += 1
            _commit_unit(job, u, ready.pop(u), per_unit, writer, dedup_distance, counts, breaker)
            if progress:
                progress(finished[0], total)

    slots = asyncio.Semaphore(concurrency)
    tasks: list[asyncio.Task[None]] = []

    async def one(u: int) -> None:
        try:
            ready[u] = await _process_unit(job, process, u, units[u], per_unit)
        finally:
            slots.release()
        commit()

    if progress:
        progress(finished[0], total)
    why = ""
    for u in todo:
        await slots.acquire()
        if stop.requested or breaker.tripped:
            slots.release()
            why = "interrupted" if stop.requested else "endpoint"
            break
        counts.units += 1
        tasks.append(asyncio.create_task(one(u)))
    if tasks:
        await asyncio.gather(*tasks)
    commit()
    if breaker.tripped:
        why = "endpoint"
    elif stop.requested and cursor < len(todo):
        why = "interrupted"
    if why == "endpoint":
        why = f"endpoint: {breaker.tripped}; last error: {breaker.last}"
    return why


class _UnitWorker:
    """What a Ray actor of a model-driven job holds: its own sandbox, and the endpoint's
    settings (each task opens its own client: a client belongs to one event loop)."""

    def __init__(self, model: str, url: str, concurrency: int, cache_dir: str,
                 model_timeout_s: float, workers: int, dpi: float, timeout_s: float) -> None:  # fmt: skip
        from codepercept.sandbox import Executor

        self.chat_args = (model, url, concurrency, cache_dir, model_timeout_s)
        self.ex = Executor(workers=workers, dpi=dpi, timeout_s=timeout_s)

    def start(self) -> None:
        self.ex.start()


def run_units(
    worker: _UnitWorker, payload: tuple[str, Callable[..., Any], int], items: list[tuple[int, Any]]
) -> list[tuple[list[Outcome] | BaseException, Any]]:
    """Process units ``items`` (``(u, unit)`` pairs) on a Ray actor, all at once within the
    client's concurrency: each result is ``(outcomes or ModelError, stats)``, where the last
    one's ``stats`` is ``(GateStats, ClientStats)`` of the whole task (None for the others)."""
    from codepercept.gates import GateStats
    from codepercept.models.client import AsyncChat

    job, make_process, per_unit = payload
    model, url, concurrency, cache_dir, model_timeout_s = worker.chat_args

    async def main() -> tuple[list[list[Outcome] | BaseException], Any, Any]:
        chat = AsyncChat(model, url, concurrency=concurrency, cache_dir=cache_dir,
                         timeout_s=model_timeout_s, temperature=0.0)  # fmt: skip
        stats = GateStats()
        process = make_process(chat, worker.ex, stats)
        try:
            got = await asyncio.gather(
                *(_process_unit(job, process, u, unit, per_unit) for u, unit in items)
            )
        finally:
            await chat.aclose()
        return list(got), stats, chat.stats

    results, gate_stats, client_stats = asyncio.run(main())
    out: list[tuple[list[Outcome] | BaseException, Any]] = [(r, None) for r in results]
    if out:
        out[-1] = (results[-1], (gate_stats, client_stats))
    return out


def _engine_ray(
    job: str,
    units: Sequence[Any],
    per_unit: int,
    make_process: Callable[..., Any],
    worker: Callable[[], _UnitWorker],
    options: RayOptions,
    workers: int,
    writer: Any,
    dedup_distance: int,
    counts: _Counts,
    progress: Callable[[int, int], None] | None,
    stop: Any,
    gate_stats: Any,
    client_stats: Any,
) -> str:
    """:func:`_engine` on Ray: actors (each with its own sandbox of ``workers`` and its own
    client) process contiguous ranges of units; this process adds them in unit order, so the
    dataset is the same bytes as a local run's. Returns why it stopped early ("" when not)."""
    todo = _todo(units, per_unit, writer.state.done_indices)
    breaker = _Breaker()
    total = len(units)
    finished = len(units) - len(todo)
    if progress:
        progress(finished, total)
    halted = lambda: bool(stop.requested or breaker.tripped)  # noqa: E731
    payload = (job, make_process, per_unit)
    with ShardMap(run_units, payload, worker, options, cpus_per_actor=workers) as shards:
        for (u, _), (got, st) in shards.ordered(((u, units[u]) for u in todo), halted):
            counts.units += 1
            _commit_unit(job, u, got, per_unit, writer, dedup_distance, counts, breaker)
            if st is not None:
                if gate_stats is not None:
                    gate_stats.merge(st[0])
                client_stats.merge(st[1])
            finished += 1
            if progress:
                progress(finished, total)
            if halted():
                break
    if breaker.tripped:
        return f"endpoint: {breaker.tripped}; last error: {breaker.last}"
    if stop.requested and finished < total:
        return "interrupted"
    return ""


def _run_job(
    job: str,
    out: str | Path,
    units: Sequence[Any],
    per_unit: int,
    make_process: Callable[[Any, Any, Any], Callable[[int, Any], Awaitable[list[Outcome]]]],
    schema: Any,
    config: dict[str, Any],
    inputs: dict[str, Any],
    model_spec: str,
    *,
    workers: int,
    concurrency: int,
    dedup_distance: int,
    overwrite: bool,
    progress: Callable[[int, int], None] | None,
    dpi: float,
    timeout_s: float,
    extra_summary: Callable[[], dict[str, Any]] | None = None,
    stats: Any = None,
    model_timeout_s: float = 120.0,
    ray: RayOptions | None = None,
) -> dict[str, Any]:
    from codepercept.data import DatasetWriter
    from codepercept.data.manifest import MANIFEST_NAME
    from codepercept.jobdir import claimed
    from codepercept.models.client import AsyncChat, ModelError
    from codepercept.sandbox import Executor

    model, sep, url = model_spec.removeprefix("openai:").partition("@")
    if not model_spec.startswith("openai:") or not sep or not url:
        raise UsageError(f"--model must be openai:MODEL@BASE_URL, got {model_spec!r}")
    counts = _Counts()
    t0 = time.perf_counter()

    async def reachable() -> None:  # before anything is created: a down endpoint writes nothing
        async with AsyncChat(model, url, retries=3) as probe:
            await probe.preflight()

    if ray is not None:
        check_reachable(ray.address)  # before anything is created
    try:
        asyncio.run(reachable())
    except ModelError as exc:
        raise JobError(f"{job}: the model endpoint {url} cannot be reached ({exc}); nothing "
                       "was done") from None  # fmt: skip
    mirror = Mirror(str(out)) if is_uri(out) else None
    if mirror is not None:  # written through a local staging directory, copied at each commit
        mirror.pull()
    out = mirror.staging if mirror is not None else Path(out)
    with claimed(out, job, {**config, "model": model_spec}, inputs, overwrite=overwrite,
                 adopt=lambda d: (d / MANIFEST_NAME).is_file()):  # fmt: skip
        chat = AsyncChat(model, url, concurrency=concurrency, cache_dir=out / "cache",
                         timeout_s=model_timeout_s, temperature=0.0)  # fmt: skip
        why = ""
        with (
            graceful(job) as stop,
            DatasetWriter(
                out,
                schema,
                format="parquet",
                shard_size=500,
                config={**config, "model": model_spec},
                on_commit=mirror.on_commit if mirror is not None else None,
            ) as writer,  # fmt: skip
            contextlib.nullcontext(None) if ray is not None
            else Executor(workers=workers, dpi=dpi, timeout_s=timeout_s) as ex,
        ):  # fmt: skip

            async def main() -> str:
                try:
                    return await _engine(job, units, per_unit, make_process(chat, ex, stats), writer,
                                         concurrency, dedup_distance, counts, progress, stop)  # fmt: skip
                finally:
                    await chat.aclose()

            if ray is None:
                why = asyncio.run(main())
            else:
                worker = functools.partial(_UnitWorker, model, url, concurrency,
                                           str(out / "cache"), model_timeout_s, workers, dpi,
                                           timeout_s)  # fmt: skip
                why = _engine_ray(job, units, per_unit, make_process, worker, ray, workers,
                                  writer, dedup_distance, counts, progress, stop, stats,
                                  chat.stats)  # fmt: skip
                asyncio.run(chat.aclose())
            if not why:
                writer.finish({"kept": writer.state.kept, "drops": dict(writer.state.drops)})
            kept_total = writer.state.kept
            drops_total = dict(sorted(writer.state.drops.items()))
        summary = {
            "job": job,
            "model": model_spec,
            "units": len(units),
            "kept": kept_total,
            "drops": drops_total,
            "this_run": {
                "units": counts.units,
                "kept": counts.kept,
                "drops": dict(sorted(counts.drops.items())),
                "model_errors": counts.model_errors,
            },
            "client": chat.stats.to_dict(),
            "gates": stats.to_dict() if stats is not None else None,
            "seconds": round(time.perf_counter() - t0, 3),
            "interrupted": why == "interrupted",
            "stopped": why or None,
            **(extra_summary() if extra_summary else {}),
        }
        atomic_write(out / "summary.json", json.dumps(summary, indent=1))
        if mirror is not None:
            mirror.finish()
    if why == "interrupted":
        raise Interrupted(f"{job}: stopped after {kept_total} kept; re-run the same command "
                          "to resume")  # fmt: skip
    if why:
        raise JobError(f"{job}: the model endpoint {url} is down ({why.removeprefix('endpoint: ')}); "
                       "what was finished is saved; re-run when it is up")  # fmt: skip
    return summary


# ---- the ICC record ---------------------------------------------------------------------------


def _schema() -> Any:
    from codepercept.data import Column, Schema
    from codepercept.synth.pipeline import ICC_SCHEMA

    return Schema([
        *ICC_SCHEMA.columns,
        Column("source", "string"),
        Column("seed_id", "string"),
        Column("seed_image", "image"),
        Column("model_text", "string"),
        Column("model", "string"),
        Column("prompts", "json"),
        Column("gates", "json"),
    ])  # fmt: skip


def _phash_of(png: bytes) -> int:
    from codepercept.data import phash64

    return phash64(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))


async def _judge_program(
    ex: Any,
    code: str,
    *,
    mode: str,
    seed: Seed,
    seed_hash: int | None,
    source: str,
    record_id: str,
    model_text: str,
    model_name: str,
    prompts: dict[str, str],
    facts: dict[str, Any],
    stats: Any,
) -> Outcome:
    from codepercept.data import RawJSON
    from codepercept.gates import judge_item

    if not code.strip():
        return None, "code:no_code", None
    res = await ex.arun(code)
    judgement = await asyncio.to_thread(
        judge_item, code, res, mode=mode, seed_image=seed.png, seed_hash=seed_hash,
        facts=facts or None,
    )  # fmt: skip
    stats.note(judgement)
    if not judgement.passed:
        return None, f"{judgement.gate}:{judgement.reason}", None
    assert res.scene is not None
    record = {
        "id": record_id,
        "image": res.images[0],
        "code": code,
        "caption": judgement.caption or "",
        "scene": RawJSON(res.scene_json.decode()) if res.scene_json else res.scene.to_dict(),
        "domain": "model",
        "family": source,
        "seed": 0,
        "params": {},
        "facts": facts,
        "source": source,
        "seed_id": seed.id,
        "seed_image": seed.png,
        "model_text": model_text,
        "model": model_name,
        "prompts": prompts,
        "gates": judgement.to_dict(),
    }
    return record, None, judgement.phash


async def _seed_url(job: str, seed: Seed) -> str | None:
    """The seed as the model receives it (read, checked and scaled off the event loop), or None
    after one warning line naming the file when it cannot be used."""
    from codepercept.models.images import image_data_url

    def load() -> str | None:
        read_seed(seed)
        return image_data_url(seed.png) if seed.png is not None else None

    url = await asyncio.to_thread(load)
    if url is None:
        log.warning("%s: seed %s (%s) skipped: %s", job, seed.id, seed.path, seed.error)
    return url


def _common(
    seeds: Sequence[Seed] | str | Path,
) -> tuple[list[Seed], dict[str, Any]]:
    if isinstance(seeds, (str, Path)):
        src = Path(seeds)
        return load_seeds(src), {"seeds": src}
    return list(seeds), {}


def reproduce(
    images: Sequence[Seed] | str | Path,
    model: str,
    out: str | Path,
    *,
    workers: int = 2,
    concurrency: int = 64,
    dpi: float = 100,
    timeout_s: float = 30.0,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    model_timeout_s: float = 120.0,
    ray: RayOptions | None = None,
) -> dict[str, Any]:
    """Image Reproduction of every seed image into the dataset ``out`` (see the module
    docstring); returns (and writes ``out/summary.json``) the summary: kept, drops by
    ``gate:reason``, acceptance per gate, the client's requests, tokens and latency."""
    from codepercept.gates import GateConfig, GateStats
    from codepercept.models.prompts import DESCRIBE, REPRODUCE

    seeds, inputs = _common(images)
    stats = GateStats()
    prompts = {"describe": DESCRIBE.id, "reproduce": REPRODUCE.id}

    def make_process(
        chat: Any, ex: Any, stats: GateStats | None
    ) -> Callable[[int, Any], Awaitable[list[Outcome]]]:
        async def process(u: int, seed: Seed) -> list[Outcome]:
            url = await _seed_url("reproduce", seed)
            if url is None:
                return [(None, "bad_seed", None)]
            from codepercept.bench.extract import extract_code

            desc = await chat.complete(DESCRIBE.messages(url))
            answer = await chat.complete(REPRODUCE.messages(url, description=desc.text))
            return [await _judge_program(
                ex, extract_code(answer.text), mode="reproduction", seed=seed, seed_hash=None,
                source="reproduction", record_id=f"repro-{seed.id}", model_text=desc.text,
                model_name=chat.model, prompts=prompts, facts={}, stats=stats,
            )]  # fmt: skip

        return process

    config = {"job": "reproduce", "prompts": prompts, "gates": GateConfig().__dict__,
              "dpi": dpi, "seeds": [s.id for s in seeds]}  # fmt: skip
    return _run_job(
        "reproduce", out, seeds, 1, make_process, _schema(), config, inputs, model,
        workers=workers, concurrency=concurrency, dedup_distance=GateConfig().dedup_distance,
        overwrite=overwrite, progress=progress, dpi=dpi, timeout_s=timeout_s, stats=stats,
        model_timeout_s=model_timeout_s, ray=ray,
    )  # fmt: skip


def diversify(
    seeds: Sequence[Seed] | str | Path,
    model: str,
    out: str | Path,
    k: int = 4,
    *,
    workers: int = 2,
    concurrency: int = 64,
    dpi: float = 100,
    timeout_s: float = 30.0,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    model_timeout_s: float = 120.0,
    ray: RayOptions | None = None,
) -> dict[str, Any]:
    """Image Diversity: ``k`` variants per seed image into the dataset ``out`` (see the module
    docstring); returns (and writes) the summary."""
    from codepercept.bench.extract import extract_codes
    from codepercept.gates import GateConfig, GateStats
    from codepercept.models.prompts import PRINCIPLE, VARIANTS

    if not isinstance(k, int) or not 1 <= k <= 16:
        raise UsageError(f"k must be a whole number from 1 to 16, got {k!r}")
    seeds_list, inputs = _common(seeds)
    stats = GateStats()
    prompts = {"principle": PRINCIPLE.id, "variants": VARIANTS.id}

    def make_process(
        chat: Any, ex: Any, stats: GateStats | None
    ) -> Callable[[int, Any], Awaitable[list[Outcome]]]:
        async def process(u: int, seed: Seed) -> list[Outcome]:
            url = await _seed_url("diversify", seed)
            if url is None:
                return [(None, "bad_seed", None)] * k
            principle = await chat.complete(PRINCIPLE.messages(url))
            answer = await chat.complete(
                VARIANTS.messages(url, principle=principle.text.strip(), k=k)
            )
            codes = extract_codes(answer.text)[:k]
            seed_hash = await asyncio.to_thread(_phash_of, seed.png)
            facts = {"principle": principle.text.strip()[:2000]}
            judged = await asyncio.gather(*(
                _judge_program(
                    ex, code, mode="diversity", seed=seed, seed_hash=seed_hash,
                    source="diversity", record_id=f"div-{seed.id}-{j}",
                    model_text=principle.text, model_name=chat.model, prompts=prompts,
                    facts=facts, stats=stats,
                )
                for j, code in enumerate(codes)
            ))  # fmt: skip
            return [*judged, *[(None, "code:no_code", None)] * (k - len(codes))]

        return process

    config = {"job": "diversify", "k": k, "prompts": prompts, "gates": GateConfig().__dict__,
              "dpi": dpi, "seeds": [s.id for s in seeds_list]}  # fmt: skip
    return _run_job(
        "diversify", out, seeds_list, k, make_process, _schema(), config, inputs, model,
        workers=workers, concurrency=concurrency, dedup_distance=GateConfig().dedup_distance,
        overwrite=overwrite, progress=progress, dpi=dpi, timeout_s=timeout_s, stats=stats,
        model_timeout_s=model_timeout_s, ray=ray,
    )  # fmt: skip


# ---- refine-code ------------------------------------------------------------------------------


def _refine_schema() -> Any:
    from codepercept.data import Column, Schema

    return Schema([
        Column("id", "string"),
        Column("image", "image"),
        Column("code", "string"),
        Column("draft", "string"),
        Column("reference_code", "string"),
        Column("caption", "string"),
        Column("model", "string"),
        Column("prompts", "json"),
        Column("checks", "json"),
    ])  # fmt: skip


def _comment_lines(code: str) -> list[str]:
    return [ln.strip() for ln in code.splitlines() if ln.strip().startswith("#")]


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def refine_code(
    data: str | Path,
    model: str,
    out: str | Path,
    *,
    limit: int | None = None,
    workers: int = 2,
    concurrency: int = 64,
    dpi: float = 100,
    timeout_s: float = 30.0,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    model_timeout_s: float = 120.0,
) -> dict[str, Any]:
    """The image-to-code training target: for each sample of the ICC dataset ``data`` (image
    and ground-truth code), a model-written explanatory draft corrected against the real code.
    A refined program is kept only when it renders exactly the reference's pixels (both run in
    the sandbox) and keeps at least half of the draft's comments (and one)."""
    from codepercept.bench.extract import extract_code
    from codepercept.data import read_dataset
    from codepercept.data.manifest import MANIFEST_NAME
    from codepercept.models.images import image_data_url
    from codepercept.models.prompts import DRAFT, REFINE

    src = Path(data)
    if not (src / MANIFEST_NAME).is_file():
        raise UsageError(f"{src} is not a dataset (no {MANIFEST_NAME}); give an ICC dataset "
                         "(`codepercept synth --out DIR`)")  # fmt: skip
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise UsageError(f"limit must be a whole number, at least 1; got {limit!r}")
    samples = []
    for rec in read_dataset(src):
        if rec.get("image") and rec.get("code"):
            samples.append({"id": str(rec["id"]), "image": rec["image"], "code": rec["code"],
                            "caption": str(rec.get("caption") or "")})  # fmt: skip
        if limit is not None and len(samples) >= limit:
            break
    if not samples:
        raise UsageError(f"{src} holds no samples with an image and code")
    prompts = {"draft": DRAFT.id, "refine": REFINE.id}
    checks_count: Counter[str] = Counter()

    def make_process(
        chat: Any, ex: Any, stats: Any
    ) -> Callable[[int, Any], Awaitable[list[Outcome]]]:
        async def process(u: int, s: dict[str, Any]) -> list[Outcome]:
            url = await asyncio.to_thread(image_data_url, s["image"])  # off the loop
            draft = extract_code((await chat.complete(DRAFT.messages(url))).text)
            if not draft.strip():
                checks_count["no_draft"] += 1
                return [(None, "no_draft", None)]
            answer = await chat.complete(REFINE.messages(draft=draft, reference=s["code"]))
            refined = extract_code(answer.text)
            if not refined.strip():
                checks_count["no_code"] += 1
                return [(None, "no_code", None)]
            ref, got = await asyncio.gather(ex.arun(s["code"]), ex.arun(refined))
            if not ref.ok:
                checks_count["reference_does_not_run"] += 1
                return [(None, "reference_does_not_run", None)]
            if not got.ok:
                checks_count["refined_does_not_run"] += 1
                return [(None, f"refined_{got.status}", None)]
            same = len(ref.images) == len(got.images) and all(
                a.shape == b.shape and np.array_equal(a, b)
                for a, b in zip(map(_pixels, ref.images), map(_pixels, got.images), strict=True)
            )
            if not same:
                checks_count["rendering_differs"] += 1
                return [(None, "rendering_differs", None)]
            kept_comments = len(_comment_lines(refined))
            drafted = len(_comment_lines(draft))
            if kept_comments < max(1, drafted // 2):
                checks_count["comments_lost"] += 1
                return [(None, "comments_lost", None)]
            checks_count["verified"] += 1
            record = {
                "id": f"refine-{s['id']}",
                "image": ref.images[0],
                "code": refined,
                "draft": draft,
                "reference_code": s["code"],
                "caption": s["caption"],
                "model": chat.model,
                "prompts": prompts,
                "checks": {
                    "identical_rendering": True,
                    "comments": kept_comments,
                    "draft_comments": drafted,
                },
            }
            return [(record, None, None)]

        return process

    config = {"job": "refine-code", "prompts": prompts, "dpi": dpi, "limit": limit,
              "samples": len(samples)}  # fmt: skip
    return _run_job(
        "refine-code", out, samples, 1, make_process, _refine_schema(), config,
        {"data": src}, model, workers=workers, concurrency=concurrency, dedup_distance=-1,
        overwrite=overwrite, progress=progress, dpi=dpi, timeout_s=timeout_s,
        extra_summary=lambda: {"checks": dict(sorted(checks_count.items()))},
        model_timeout_s=model_timeout_s,
    )  # fmt: skip
