"""The ICC pipeline: program -> sandbox -> scene -> filters -> caption -> dataset shards.

The candidate stream is deterministic: candidate ``k`` comes from domain ``k mod D`` and, within
it, family ``(k div D) mod F_d`` (so domains and families are balanced), with program seed
``derive_seed(seed, k)``. Candidates are executed in
a sliding window (``workers`` programs running) but judged and written strictly in index order, so the same
command and seed give the same dataset, and a run killed at any point resumes from the writer's
manifest and journal and ends with exactly ``n`` unique samples.

The first SIGINT/SIGTERM (:func:`codepercept._interrupt.graceful`) stops the run: no candidate is
submitted or added after it, the writer is closed without ``finish`` (what was added stays in its
journal), ``summary.json`` says ``"interrupted": true``, and :class:`Interrupted` is raised; the
same command resumes. A run whose last :data:`NO_PROGRESS_LIMIT` candidates were all dropped (e.g.
``--dpi 0``) stops the same way with :class:`NoProgressError`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import json
import logging
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from codepercept._fs import atomic_write
from codepercept._interrupt import Interrupted, graceful
from codepercept.caption import describe
from codepercept.cluster import RayOptions, ShardMap, check_reachable
from codepercept.data import Column, DatasetWriter, HashIndex, RawJSON, Schema, phash64
from codepercept.data.manifest import MANIFEST_NAME
from codepercept.data.remote import Mirror, is_uri
from codepercept.errors import JobError
from codepercept.jobdir import claim
from codepercept.sandbox import ExecResult, Executor
from codepercept.scene.model import Scene
from codepercept.score.image import ink_fraction
from codepercept.synth.base import Family, Program, list_families

log = logging.getLogger(__name__)

ICC_SCHEMA = Schema(
    [
        Column("id", "string"),
        Column("image", "image"),
        Column("code", "string"),
        Column("caption", "string"),
        Column("scene", "json"),
        Column("domain", "string"),
        Column("family", "string"),
        Column("seed", "int"),
        Column("params", "json"),
        Column("facts", "json"),
    ]
)


#: Programs one sandbox worker runs before a fresh one replaces it (generator programs only).
DEFAULT_REUSE = 32
#: A run stops with :class:`NoProgressError` once this many consecutive candidates of it were
#: all dropped: whatever is wrong (``--dpi 0``, a broken family, no sandbox) will not pass.
NO_PROGRESS_LIMIT = 1000


class NoProgressError(JobError):
    """A producer stopped because its last :data:`NO_PROGRESS_LIMIT` candidates were all
    dropped; the one-line message gives the top reasons and what to check. What it added is
    saved (the writer was closed, not finished)."""


class DropStreak:
    """Consecutive dropped candidates of this run, per reason (a kept one resets it)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.reasons: Counter[str] = Counter()
        self.count = 0

    def note(self, dropped: str | None) -> None:
        """``dropped``: the drop reason, or None for a kept candidate."""
        if dropped is None:
            self.reasons.clear()
            self.count = 0
        else:
            self.reasons[dropped] += 1
            self.count += 1

    @property
    def stalled(self) -> bool:
        return self.count >= self.limit

    def error(self, job: str, kept: int, n: int, check: str, saved: bool = True) -> NoProgressError:
        top = ", ".join(f"{reason} {count}" for reason, count in self.reasons.most_common(3))
        return NoProgressError(
            f"{job}: stopped: the last {self.count} candidates were all dropped ({top}), so the "
            f"run cannot reach {n}; check {check} ({kept} kept so far"
            + (", saved)" if saved else ")")
        )


@dataclass
class FilterConfig:
    """Bounds a rendered sample must meet to be kept."""

    min_ink: float = 0.003  # below: blank
    max_ink: float = 0.60  # above: a blob
    text_margin: float = 0.005  # text may overhang the canvas by this much (figure fraction)
    dedup_distance: int = 2  # pHash Hamming distance that counts as a near-duplicate


@dataclass
class SynthSummary:
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    per_family: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    per_domain: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    candidates: int = 0
    seconds: float = 0.0

    def note(self, prog: Program, outcome: str) -> None:
        self.candidates += 1
        if outcome == "kept":
            self.kept += 1
        else:
            self.dropped[outcome] += 1
        self.per_family[prog.family][outcome] += 1
        self.per_domain[prog.domain][outcome] += 1

    def to_dict(self) -> dict[str, Any]:
        def kept_ratio(c: Counter[str]) -> float:
            total = sum(c.values())
            return round(c["kept"] / total, 4) if total else 0.0

        return {
            "kept": self.kept,
            "candidates_this_run": self.candidates,
            "dropped": dict(sorted(self.dropped.items())),
            "per_domain": {
                d: {**dict(sorted(c.items())), "kept_ratio": kept_ratio(c)}
                for d, c in sorted(self.per_domain.items())
            },
            "per_family": {f: dict(sorted(c.items())) for f, c in sorted(self.per_family.items())},
            "seconds": round(self.seconds, 3),
            "triplets_per_s": round(self.candidates / self.seconds, 3) if self.seconds else 0.0,
        }


def derive_seed(seed: int, index: int) -> int:
    """Program seed of candidate ``index`` in the stream of run seed ``seed`` (63-bit)."""
    h = hashlib.blake2b(f"icc:{seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") >> 1


def candidate_family(fams: list[Family], index: int) -> Family:
    """Family of candidate ``index``: domains take turns, then families within a domain."""
    domains = sorted({f.domain for f in fams}, key=[f.domain for f in fams].index)
    dom = domains[index % len(domains)]
    members = [f for f in fams if f.domain == dom]
    return members[(index // len(domains)) % len(members)]


def candidate(
    fams: list[Family],
    seed: int,
    index: int,
    seed_of: Callable[[int, int], int] = derive_seed,
) -> Program:
    """Candidate ``index`` of the stream (program seed ``seed_of(seed, index)``); a family whose
    emitter raises gives a Program with empty code and the error in
    ``facts["generator_error"]`` (recorded as a drop)."""
    fam = candidate_family(fams, index)
    pseed = seed_of(seed, index)
    try:
        return fam.generate(pseed)
    except Exception as exc:
        log.warning("family %s failed for seed %d: %r", fam.name, pseed, exc)
        return Program(fam.name, fam.domain, pseed, "", facts={"generator_error": repr(exc)})


def text_outside(scene: Scene, margin: float) -> bool:
    """True if any visible text's rendered box leaves the canvas by more than ``margin``."""
    for el in scene.of_kind("text", "annotation"):
        if el.bbox and el.text and el.text.strip():
            x0, y0, x1, y1 = el.bbox
            if x0 < -margin or y0 < -margin or x1 > 1 + margin or y1 > 1 + margin:
                return True
    return False


def caption_for(prog: Program, scene: Scene) -> str:
    """Caption from the scene and the family's facts (the caption module's dense style)."""
    return describe(scene, facts=prog.facts, style="dense", seed=prog.seed)


def image_stats(res: ExecResult) -> tuple[float, int]:
    """(ink fraction, pHash) of the first image: from the sandbox's ``screen`` probe when the
    executor ran it (no PNG decode in this process), else from the decoded PNG. Both give the
    same numbers."""
    probe = res.probes.get("screen")
    if probe and "data" in probe[0]:
        data = probe[0]["data"]
        try:
            return float(data["ink"]), int(data["phash"], 16)
        except (KeyError, TypeError, ValueError):
            pass  # a malformed probe result: measure it here
    rgb = np.asarray(Image.open(io.BytesIO(res.images[0])).convert("RGB"))
    return ink_fraction(rgb), phash64(rgb)


def screen(
    prog: Program,
    res: ExecResult,
    cfg: FilterConfig,
    seen: HashIndex,
    exclude: HashIndex | None = None,
    exclude_distance: int = 0,
) -> tuple[str, int | None]:
    """The quality screen every sample passes: ``("ok", phash)`` or ``(reason, None)``.

    Reasons: the generator's error, the execution status, ``no_scene``, ``blank``, ``ink_blob``,
    ``text_outside``, ``near_excluded`` (within ``exclude_distance`` of a hash in ``exclude``,
    e.g. a training set), ``duplicate`` (within ``cfg.dedup_distance`` of one in ``seen``).
    """
    if "generator_error" in prog.facts:
        return "generator_error", None
    if res.status != "ok":
        return res.status, None
    if res.scene is None:
        return "no_scene", None
    ink, h = image_stats(res)
    if ink < cfg.min_ink:
        return "blank", None
    if ink > cfg.max_ink:
        return "ink_blob", None
    if text_outside(res.scene, cfg.text_margin):
        return "text_outside", None
    if exclude is not None and exclude.near(h, exclude_distance):
        return "near_excluded", None
    if seen.near(h, cfg.dedup_distance):
        return "duplicate", None
    return "ok", h


def judge(
    prog: Program, res: ExecResult, cfg: FilterConfig, writer: DatasetWriter
) -> tuple[str, dict[str, Any] | None, int | None]:
    """Decide one executed candidate: ``(outcome, record, phash)``; outcome "kept" or a reason."""
    outcome, h = screen(prog, res, cfg, writer.state.hash_index)
    if outcome != "ok":
        return outcome, None, None
    assert res.scene is not None
    record = {
        "id": prog.id,
        "image": res.images[0],
        "code": prog.code,
        "caption": caption_for(prog, res.scene),
        # The scene as the sandbox serialised it (equal to ``res.scene.to_dict()``), not re-encoded.
        "scene": RawJSON(res.scene_json.decode()) if res.scene_json else res.scene.to_dict(),
        "domain": prog.domain,
        "family": prog.family,
        "seed": prog.seed,
        "params": prog.params,
        "facts": prog.facts,
    }
    return "kept", record, h


def run_candidates(ex: Executor, payload: tuple[list[str], int], ks: list[int]) -> list[ExecResult]:
    """Run candidates ``ks`` of the stream of (family names, seed) in ``ex``, in order: the
    pure part of :func:`synthesize`, which a Ray actor runs on a range of candidates."""
    from codepercept.synth.base import get_family

    names, seed = payload
    fams = [get_family(name) for name in names]
    return ex.map([candidate(fams, seed, k).code for k in ks])


def _in_window(
    ex: Executor,
    pool: ThreadPoolExecutor,
    fams: list[Family],
    seed: int,
    indices: Iterator[int],
    size: int,
) -> Iterator[tuple[int, Program, ExecResult]]:
    """Candidates run locally: a sliding window of ``size`` in flight, yielded strictly in
    index order (the executor stays busy while the parent judges and writes)."""
    window: deque[tuple[int, Program, Future[ExecResult]]] = deque()
    while True:
        while len(window) < size:
            k = next(indices)
            prog = candidate(fams, seed, k)
            window.append((k, prog, pool.submit(ex.run, prog.code)))
        k, prog, fut = window.popleft()
        yield k, prog, fut.result()


def _on_ray(
    shards: ShardMap,
    fams: list[Family],
    seed: int,
    indices: Iterator[int],
    stop: Callable[[], bool],
) -> Iterator[tuple[int, Program, ExecResult]]:
    """Candidates run on Ray (:func:`run_candidates` over ranges), yielded in index order."""
    for k, res in shards.ordered(indices, stop):
        yield k, candidate(fams, seed, k), res


def synth_executor(
    workers: int = 2,
    dpi: float = 100,
    timeout_s: float = 20.0,
    reuse: int = DEFAULT_REUSE,
    png: str = "fast",
) -> Executor:
    """The executor :func:`synthesize` makes when given none: ``reuse`` programs per hardened
    process, the ``screen`` probe measuring ink and pHash in the child from the canvas, and
    the ``fast`` PNG encoding (savefig's pixels in fewer bytes and less time)."""
    return Executor(
        workers=workers, dpi=dpi, timeout_s=timeout_s, probes=["screen"], reuse=reuse, png=png
    )


def synthesize(
    n: int,
    out: str | Path,
    seed: int = 0,
    domains: list[str] | None = None,
    family_names: list[str] | None = None,
    workers: int = 2,
    format: str = "parquet",
    shard_size: int = 500,
    dpi: float = 100,
    timeout_s: float = 20.0,
    filters: FilterConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    reuse: int = DEFAULT_REUSE,
    overwrite: bool = False,
    ray: RayOptions | None = None,
) -> dict[str, Any]:
    """Generate ``n`` kept Image–Caption–Code triplets into ``out``; resumable; returns a summary.

    ``out`` belongs to this job (:mod:`codepercept.jobdir`): re-running with the same
    arguments resumes; other arguments are refused unless ``overwrite`` (which starts over),
    and another command's directory is always refused (:class:`~codepercept.jobdir.JobDirError`).

    The programs are codepercept's own, so by default one hardened sandbox process runs up to
    ``reuse`` of them in turn (``Executor(reuse=...)``: the same bytes as a fresh process per
    program, without the per-program fork); ``reuse=1`` forks one per program.

    ``ray``: run the programs on a Ray cluster (:mod:`codepercept.cluster`): actors with
    ``workers`` programs in flight each run contiguous ranges of candidates, this process judges
    and writes them in candidate order, so the dataset is the same bytes as a local run's (and
    either kind of run resumes the other's). ``executor`` and ``ray`` exclude each other.

    ``out`` may be a filesystem URI (``s3://bucket/icc``, any filesystem pyarrow reaches): the
    dataset is written through a local staging directory and copied there at each commit, and a
    run resumes from what is there (:mod:`codepercept.data.remote`).

    ``progress(kept, n)`` is called after every judged candidate. The summary (kept/dropped per
    reason, per family and per domain, rate) is also written to ``out/summary.json``.

    Raises:
        Interrupted: a first SIGINT/SIGTERM arrived; what was added is saved (``summary.json``
            has ``"interrupted": true``) and the same call resumes.
        NoProgressError: the last :data:`NO_PROGRESS_LIMIT` candidates were all dropped.
    """
    if n < 1:
        raise ValueError("n must be >= 1")
    if not (isinstance(dpi, (int, float)) and 10 <= dpi <= 1200):
        raise ValueError(f"dpi must be a finite number from 10 to 1200, got {dpi!r}")
    if ray is not None and executor is not None:
        raise ValueError("give executor or ray, not both")
    if ray is not None:
        check_reachable(ray.address)  # before the directory is claimed
    mirror = Mirror(out) if is_uri(out) else None
    if mirror is not None:  # written through a local staging directory, copied at each commit
        mirror.pull()
    out = mirror.staging if mirror is not None else Path(out)
    fams = list_families(domains, family_names)
    if not fams:
        raise ValueError("no families match the given --domains/--families")
    cfg = filters or FilterConfig()
    config = {
        "job": "icc-synth",
        "n": n,
        "seed": seed,
        "families": [f.name for f in fams],
        "dpi": dpi,
        "filters": cfg.__dict__,
    }
    job = claim(
        out,
        "synth",
        {**config, "format": format, "shard_size": shard_size},
        overwrite=overwrite,
        adopt=lambda d: (d / MANIFEST_NAME).is_file(),
    )
    try:
        return _synthesize(n, out, seed, fams, cfg, config, workers, format, shard_size, dpi,
                           timeout_s, progress, executor, reuse, ray, mirror)  # fmt: skip
    finally:
        job.release()


def _synthesize(
    n: int,
    out: Path,
    seed: int,
    fams: list[Family],
    cfg: FilterConfig,
    config: dict[str, Any],
    workers: int,
    format: str,
    shard_size: int,
    dpi: float,
    timeout_s: float,
    progress: Callable[[int, int], None] | None,
    executor: Executor | None,
    reuse: int,
    ray: RayOptions | None,
    mirror: Mirror | None = None,
) -> dict[str, Any]:
    t0 = time.perf_counter()
    make = functools.partial(synth_executor, workers, dpi, timeout_s, reuse)
    own_executor = executor is None and ray is None
    ex = executor if executor is not None or ray is not None else make()
    # The sandbox starts (~0.6 s, one core) while this thread imports the families, opens the
    # writer and pays its one-off imports on the other; the pool's threads feed the sandbox.
    pool = ThreadPoolExecutor(max_workers=max(2, workers * 2))
    stopped: str | None = None  # "interrupted" or "no_progress"
    kept_total = 0
    streak = DropStreak(NO_PROGRESS_LIMIT)
    shards: ShardMap | None = None
    try:
        with graceful("synth") as stop:
            if ray is not None:
                shards = ShardMap(run_candidates, ([f.name for f in fams], seed), make, ray,
                                  cpus_per_actor=workers)  # fmt: skip
            else:
                assert ex is not None
                starting = pool.submit(ex.start)
            summary = SynthSummary()
            with DatasetWriter(out, ICC_SCHEMA, format=format, shard_size=shard_size,
                               config=config,
                               on_commit=mirror.on_commit if mirror else None) as writer:  # fmt: skip
                done = writer.state.done_indices
                if progress:
                    progress(writer.state.kept, n)
                indices = (k for k in itertools.count() if k not in done)
                if shards is not None:
                    executed = _on_ray(shards, fams, seed, indices, lambda: stop.requested)
                else:
                    starting.result()
                    executed = _in_window(ex, pool, fams, seed, indices, max(4, workers * 4))
                while writer.state.kept < n:
                    if stop.requested:
                        stopped = "interrupted"
                        break
                    if streak.stalled:
                        stopped = "no_progress"
                        break
                    step = next(executed, None)
                    if step is None:  # the Ray pool stopped early: a signal arrived
                        stopped = "interrupted"
                        break
                    k, prog, res = step
                    if stop.requested:
                        # Nothing finished after the signal is added: a terminal's Ctrl-C also
                        # reaches the sandbox, whose runs may then end early. Redone on resume.
                        stopped = "interrupted"
                        break
                    outcome, record, h = judge(prog, res, cfg, writer)
                    if outcome == "kept":
                        writer.add(k, record, phash=h)
                    else:
                        writer.add(k, None, reason=outcome)
                    summary.note(prog, outcome)
                    streak.note(None if outcome == "kept" else outcome)
                    if progress:
                        progress(writer.state.kept, n)
                # The rest of the window is not needed: drop what has not started and write the
                # last shard while the programs already running finish (their results are
                # unused). A stopped run is not finished: its writer keeps the journal.
                pool.shutdown(wait=False, cancel_futures=True)
                if stopped is None:
                    writer.finish({"kept": writer.state.kept, "drops": dict(writer.state.drops)})
                kept_total = writer.state.kept
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if shards is not None:
            shards.close()
        if own_executor:
            ex.close()
    summary.seconds = time.perf_counter() - t0
    result = summary.to_dict()
    result["kept_total"] = kept_total
    result["target"] = n
    result["interrupted"] = stopped == "interrupted"
    if stopped is not None:
        result["stopped"] = stopped
    atomic_write(out / "summary.json", json.dumps(result, indent=1))
    if mirror is not None:
        mirror.finish()
    if stopped == "interrupted":
        raise Interrupted(
            f"synth: stopped after {kept_total} of {n} kept; re-run the same command to resume"
        )
    if stopped == "no_progress":
        raise streak.error("synth", kept_total, n, "--dpi, --families/--domains and the sandbox")
    return result
