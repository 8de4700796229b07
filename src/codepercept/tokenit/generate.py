"""Generate a TokenIT dataset: render, tokenize, write shards through ``codepercept.data``.

Candidate ``index`` is built from ``(seed, index)`` alone (its own ``random.Random``), so the
same seed gives the same dataset whatever the number of workers; results are written in index
order, and a killed run resumes by skipping ``writer.state.done_indices``.

The ``stem`` domain runs ICC programs in the sandbox (:mod:`codepercept.tokenit.render_icc`):
one :class:`~codepercept.tokenit.render_icc.IccStem` (one executor, ``workers`` programs in
flight) serves the whole run from the parent process; the other domains render in a pool of
worker processes.

The first SIGINT/SIGTERM stops the run (nothing finished after it is added; the writer keeps
its journal, not finished) with :class:`~codepercept._interrupt.Interrupted`; a run whose last
``NO_PROGRESS_LIMIT`` candidates were all dropped stops with
:class:`~codepercept.synth.pipeline.NoProgressError`. Re-running the same call resumes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import multiprocessing
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from codepercept._interrupt import Interrupted, graceful
from codepercept.cluster import RayOptions, ShardMap, check_reachable
from codepercept.data.remote import Mirror, is_uri
from codepercept.tokenit.canvas import Dropped, Rendered
from codepercept.tokenit.sample import TokenSample, build_sample, decode_mask_png, encode_mask_png
from codepercept.tokenit.tokenizer import Tokenizer, load_tokenizer

if TYPE_CHECKING:
    from codepercept.tokenit.render_icc import IccStem

log = logging.getLogger(__name__)

#: Domains in the order they are listed to people (the default set).
DOMAINS: tuple[str, ...] = ("documents", "scene", "stem", "code", "gui")
#: Domains that must be asked for by name: ``stem_synthetic`` is the in-process renderer of
#: STEM-like figures that ``stem`` (text of real ICC programs) replaced.
EXTRA_DOMAINS: tuple[str, ...] = ("stem_synthetic",)
MIN_TOKENS, MAX_TOKENS = 30, 150
#: Domains whose pictures carry less text: ICC figures label points, angles and values.
MIN_TOKENS_BY_DOMAIN: dict[str, int] = {"stem": 10}
FORMAT_VERSION = 1


def _renderer(domain: str) -> Callable[[random.Random, int, int], Rendered]:
    if domain == "documents":
        from codepercept.tokenit.render_document import render_document

        return render_document
    if domain == "scene":
        from codepercept.tokenit.render_scene import render_scene

        return render_scene
    if domain == "stem_synthetic":
        from codepercept.tokenit.render_stem import render_stem

        return render_stem
    if domain == "code":
        from codepercept.tokenit.render_code import render_code

        return render_code
    if domain == "gui":
        from codepercept.tokenit.render_code import render_gui

        return render_gui
    known = ", ".join(DOMAINS + EXTRA_DOMAINS)
    raise ValueError(f"unknown domain {domain!r}; choose from {known}")


def check_domains(domains: list[str] | tuple[str, ...] | None) -> list[str]:
    """The requested domains in canonical order (:data:`DOMAINS` when None/empty); raises on
    unknown ones."""
    if not domains:
        return list(DOMAINS)
    every = DOMAINS + EXTRA_DOMAINS
    bad = sorted(set(domains) - set(every))
    if bad:
        raise ValueError(f"unknown domain(s) {bad}; choose from {', '.join(every)}")
    return [d for d in every if d in domains]


def candidate_seed(seed: int, index: int) -> int:
    """The seed of candidate ``index``: a hash of (seed, index), independent across indices."""
    h = hashlib.blake2b(f"tokenit:{seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big")


def _size(rng: random.Random, domain: str) -> tuple[int, int]:
    if domain == "documents":
        w = rng.randint(448, 1024)
        h = int(np.clip(w * rng.uniform(0.6, 1.4), 448, 1024))
    else:
        w = rng.randint(480, 1024)
        h = int(np.clip(w * rng.uniform(0.55, 1.0), 448, 1024))
    return w, h


def render_picture(
    seed: int,
    index: int,
    domains: list[str],
    augment: bool = True,
    stem: IccStem | None = None,
) -> Rendered:
    """The rendered picture of candidate ``index`` (domain chosen round-robin over
    ``domains``); ``augment=False`` gives scene text without its augmentations. A ``stem``
    candidate runs its ICC program through ``stem`` (when None, a sandbox is started and
    stopped for this one picture). Raises :class:`Dropped` when there is no usable picture."""
    domain = domains[index % len(domains)]
    if domain == "stem":
        if stem is None:
            from codepercept.tokenit.render_icc import IccStem

            with IccStem() as own:
                return own.render(seed, index, len(domains))
        return stem.render(seed, index, len(domains))
    rng = random.Random(candidate_seed(seed, index))
    w, h = _size(rng, domain)
    fn = _renderer(domain)
    rendered = fn(rng, w, h, augment=augment) if domain == "scene" else fn(rng, w, h)
    rendered.meta["domain"] = domain
    return rendered


def render_candidate(
    seed: int,
    index: int,
    domains: list[str],
    tokenizer: Tokenizer,
    augment: bool = True,
    stem: IccStem | None = None,
) -> TokenSample:
    """Render and tokenize candidate ``index`` into a :class:`TokenSample` (see
    :func:`render_picture`)."""
    rendered = render_picture(seed, index, domains, augment, stem)
    return build_sample(f"tokenit-{seed}-{index:08d}", rendered, tokenizer)


def drop_reason(sample: TokenSample) -> str | None:
    """Why a candidate is not kept, or None: too few / too many tokens, or no visible ink."""
    toks = sample.record["tokens"]
    if len(toks) < MIN_TOKENS_BY_DOMAIN.get(sample.record["domain"], MIN_TOKENS):
        return "too_few_tokens"
    if len(toks) > MAX_TOKENS:
        return "too_many_tokens"
    if not any(t["bbox"] for t in toks):
        return "no_ink"
    return None


def _png(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


# Worker-process tokenizer cache: loading Qwen's vocabulary takes about a second.
_TOKENIZERS: dict[str, Tokenizer] = {}


def _tokenizer(spec: str) -> Tokenizer:
    if spec not in _TOKENIZERS:
        _TOKENIZERS[spec] = load_tokenizer(spec)
    return _TOKENIZERS[spec]


def _build_row(
    seed: int, index: int, domains: list[str], spec: str, stem: IccStem | None = None
) -> tuple[int, dict[str, Any] | None, str | None]:
    """``(index, row, None)`` for a kept candidate, ``(index, None, drop reason)`` otherwise;
    never raises."""
    try:
        sample = render_candidate(seed, index, domains, _tokenizer(spec), stem=stem)
    except Dropped as exc:
        return index, None, exc.reason
    except Exception as exc:  # an item's failure is recorded, never fatal to the run
        log.exception("candidate %d failed", index)
        return index, None, f"error:{type(exc).__name__}"
    reason = drop_reason(sample)
    if reason:
        return index, None, reason
    row = {
        "id": sample.id,
        "image": _png(sample.image),
        "mask": encode_mask_png(sample.mask),
        "record": sample.record,
        "domain": sample.record["domain"],
        "seed": candidate_seed(seed, index) & 0x7FFFFFFFFFFFFFFF,
    }
    return index, row, None


def _stem_for(domains: list[str]) -> IccStem | None:
    """What a Ray actor building candidates holds: a one-program sandbox for ``stem``."""
    if "stem" not in domains:
        return None
    from codepercept.tokenit.render_icc import IccStem

    return IccStem(workers=1)


def build_rows(
    stem: IccStem | None, payload: tuple[int, list[str], str], indices: list[int]
) -> list[tuple[int, dict[str, Any] | None, str | None]]:
    """:func:`_build_row` for each of ``indices`` (``payload``: seed, domains, tokenizer spec),
    in order: what a Ray actor runs on a range of candidates."""
    seed, domains, spec = payload
    return [_build_row(seed, i, domains, spec, stem) for i in indices]


def schema():
    from codepercept.data import Column, Schema

    return Schema(
        [
            Column("id", "string"),
            Column("image", "image"),
            Column("mask", "binary"),
            Column("record", "json"),
            Column("domain", "string"),
            Column("seed", "int"),
        ]
    )


def generate(
    n: int,
    out: str | Path,
    domains: list[str] | None = None,
    tokenizer: str = "qwen",
    workers: int = 1,
    seed: int = 0,
    *,
    format: str = "parquet",
    shard_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
    ray: RayOptions | None = None,
) -> dict[str, Any]:
    """Write ``n`` TokenIT samples to ``out``; resumable (re-run the same call after a crash).

    ``ray``: build the candidates on a Ray cluster (:mod:`codepercept.cluster`; one actor per
    CPU, each with its own sandbox for ``stem``), over contiguous ranges, accepted here in index
    order: the same bytes as a local run, and either kind of run resumes the other's.

    Returns a summary: ``{"kept", "dropped": {reason: n}, "by_domain", "tokens", "seconds",
    "out"}``. ``progress(kept, n)`` is called after each kept sample.

    Raises:
        Interrupted: a first SIGINT/SIGTERM arrived; what was added is saved, the same call
            resumes.
        NoProgressError: the last ``NO_PROGRESS_LIMIT`` candidates were all dropped.
    """

    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    doms = check_domains(domains)
    spec = str(tokenizer)
    tok = _tokenizer(spec)  # fail early on a bad tokenizer, before any worker starts
    config = {
        "producer": "tokenit",
        "version": FORMAT_VERSION,
        "seed": int(seed),
        "domains": doms,
        "tokenizer": tok.name,
    }
    from codepercept.data.manifest import MANIFEST_NAME
    from codepercept.jobdir import claimed

    if ray is not None:
        check_reachable(ray.address)  # before the directory is claimed
    mirror = None
    if is_uri(out):  # written through a local staging directory, copied at each commit
        mirror = Mirror(str(out))
        mirror.pull()
    target = out
    out = mirror.staging if mirror is not None else Path(out)
    with claimed(
        out,
        "tokenit",
        {**config, "format": format, "shard_size": shard_size},
        {"tokenizer": spec} if spec != "qwen" else None,
        overwrite=overwrite,
        adopt=lambda d: (d / MANIFEST_NAME).is_file(),
    ):
        try:
            summary = _generate(n, out, doms, spec, tok, workers, seed, config, format,
                                shard_size, progress, ray, mirror)  # fmt: skip
        finally:
            if mirror is not None:
                mirror.finish()
        summary["out"] = str(target)
        return summary


def _generate(
    n: int,
    out: str | Path,
    doms: list[str],
    spec: str,
    tok: Tokenizer,
    workers: int,
    seed: int,
    config: dict[str, Any],
    format: str,
    shard_size: int,
    progress: Callable[[int, int], None] | None,
    ray: RayOptions | None = None,
    mirror: Mirror | None = None,
) -> dict[str, Any]:
    from codepercept.data import DatasetWriter
    from codepercept.synth import pipeline

    t0 = time.perf_counter()
    by_domain: Counter[str] = Counter()
    n_tokens = 0
    streak = pipeline.DropStreak(pipeline.NO_PROGRESS_LIMIT)
    with (
        graceful("tokenit") as stop,
        DatasetWriter(
            out,
            schema(),
            format=format,
            shard_size=shard_size,
            config=config,
            on_commit=mirror.on_commit if mirror else None,
        ) as writer,
    ):
        state = writer.state

        def pending() -> Iterator[int]:
            i = 0
            while True:
                if i not in state.done_indices:
                    yield i
                i += 1

        def accept(index, row, reason) -> None:
            nonlocal n_tokens
            streak.note(reason)
            if row is None:
                writer.add(index, None, reason=reason)
                return
            writer.add(index, row)
            by_domain[row["domain"]] += 1
            n_tokens += len(row["record"]["tokens"])
            if progress:
                progress(state.kept, n)

        def more() -> bool:
            return state.kept < n and not stop.requested and not streak.stalled

        if ray is not None:
            payload = (seed, doms, spec)
            with ShardMap(build_rows, payload, functools.partial(_stem_for, doms), ray) as shards:
                for _, built in shards.ordered(pending(), lambda: stop.requested):
                    if not more():
                        break
                    accept(*built)
        stem = None
        if "stem" in doms and ray is None:
            from codepercept.tokenit.render_icc import IccStem

            stem = IccStem(workers=max(1, workers))
        try:
            if stem is not None:
                stem.start()  # a sandbox that cannot start fails the run here, not per sample
            if ray is not None:
                pass  # built above
            elif workers <= 1:
                for index in pending():
                    if not more():
                        break
                    built = _build_row(seed, index, doms, spec, stem)
                    if stop.requested:
                        break  # finished after the signal: not added (see _run_parallel)
                    accept(*built)
            else:
                _run_parallel(
                    seed, doms, spec, workers, stem, pending(), accept, more, lambda: stop.requested
                )
        finally:
            if stem is not None:
                stem.close()
        if stop.requested:
            raise Interrupted(
                f"tokenit: stopped after {state.kept} of {n} kept; re-run the same command to "
                "resume"
            )
        if streak.stalled and state.kept < n:
            raise streak.error("tokenit", state.kept, n, "--domains and --tokenizer")
        writer.finish({"kept": state.kept, "by_domain": dict(by_domain)})
        summary = {
            "kept": state.kept,
            "dropped": dict(state.drops),
            "by_domain": dict(by_domain),
            "tokens": n_tokens,
            "seconds": round(time.perf_counter() - t0, 3),
            "out": str(out),
        }
    return summary


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the parent (a terminal sends it to the whole group), which
    stops the run in order; a worker that died of it would break the pool instead."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_parallel(
    seed: int,
    doms: list[str],
    spec: str,
    workers: int,
    stem: IccStem | None,
    indices: Iterator[int],
    accept: Callable[[int, dict[str, Any] | None, str | None], None],
    more: Callable[[], bool],
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """Build candidates ``indices`` with ``workers`` in flight and ``accept`` them in index
    order while ``more()``: ``stem`` candidates in threads of this process (their programs
    run in ``stem``'s sandbox, ``workers`` at a time), the others in worker processes (the
    pool starts on the first of those). Once ``stopping()``, a candidate that finishes is not
    accepted (a Ctrl-C reaches the sandbox too, whose runs may then end early), and the
    builds still running are not waited for."""
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)
    threads = ThreadPoolExecutor(max_workers=workers)
    window: list[Future] = []
    wait = False
    try:
        while more():
            # Keep about 3 candidates per worker in flight; consume in index order.
            while len(window) < 3 * workers:
                i = next(indices)
                if doms[i % len(doms)] == "stem":
                    window.append(threads.submit(_build_row, seed, i, doms, spec, stem))
                else:
                    window.append(pool.submit(_build_row, seed, i, doms, spec))
            built = window.pop(0).result()
            if stopping():
                break
            accept(*built)
        wait = not stopping()
    finally:
        for f in window:
            f.cancel()
        # After a normal end the few builds still running are waited for (clean exit of the
        # pool); after a stop or an error they are not (the caller closes the sandbox).
        threads.shutdown(wait=wait, cancel_futures=True)
        pool.shutdown(wait=wait, cancel_futures=True)


def _sample_from_row(row: dict[str, Any]) -> TokenSample:
    image = np.asarray(Image.open(io.BytesIO(row["image"])).convert("RGB"))
    return TokenSample(row["id"], image, decode_mask_png(row["mask"]), row["record"])


def read_samples(out: str | Path) -> Iterator[TokenSample]:
    """Every committed sample of a TokenIT dataset directory, in stored order."""
    from codepercept.data import read_dataset

    for row in read_dataset(out):
        yield _sample_from_row(row)


def read_sample(out: str | Path, sample_id: str | None = None) -> TokenSample:
    """The sample ``sample_id`` of a TokenIT dataset directory (the first one when None);
    only that sample's image and mask are decoded. Raises ``KeyError`` when it is absent."""
    from codepercept.data import read_dataset

    for row in read_dataset(out):
        if sample_id is None or row["id"] == sample_id:
            return _sample_from_row(row)
    raise KeyError(f"no sample {sample_id!r} in {out}")
