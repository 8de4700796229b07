"""Verifiable rewards for image-to-code RL: format, execution, visual and structural similarity.

The paper's R1 reward is format + content, where content combines execution success, code
equivalence and visual similarity, the last two judged by GPT-4o. Here both judges are replaced
by codepercept's deterministic scores, so the reward is free, reproducible, fast and cannot be
flattered::

    total = (w_format * format + w_execution * execution + w_image * image + w_scene * scene)
            / (w_format + w_execution + w_image + w_scene)

with every component in 0..1:

* ``format`` — 1.0 for exactly one closed ```python block that parses; 0.5 for code that parses
  but arrives otherwise (a bare fence, several blocks, an unclosed block, no fence); 0 for none.
* ``execution`` — 1.0 when the program ran in the sandbox and drew a figure.
* ``image`` — :func:`codepercept.score.image_score` of the first figure against the reference's
  rendering, / 100.
* ``scene`` — :func:`codepercept.score.scene_score` of what it drew against what the reference
  drew (the execution trace), / 100: the Code Score of STEM2Code-Eval.

Default weights (:data:`DEFAULT_WEIGHTS`): format 0.1, execution 0.2, image 0.35, scene 0.35.

Some outcomes earn 0 whatever the format, because a policy must never learn them: a guard's
refusal (literal data far beyond what the reference needs, a pasted raster: see
:mod:`codepercept.rewards.guards`), a time-out (stalling), a ``forbidden`` program, and inputs
that are not a completion at all (not text, over ``max_completion_chars``, invalid UTF-8). Every
call returns the total *and* the components, with a status and a one-line reason.

A reference is run once (its rendering and scene are cached in memory, and on disk under
``cache_dir`` when given). Identical completions for one reference run once, within a group and
across calls and threads (a bounded cache); a reference that fails to run is
:class:`BadReference` from :meth:`RewardScorer.prepare` (call it when preparing a dataset) and a
``bad_reference`` reward of 0 from :meth:`RewardScorer.score` (which never raises for its input).
"""

from __future__ import annotations

import ast
import asyncio
import concurrent.futures as cf
import hashlib
import json
import logging
import math
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from codepercept._fs import atomic_write
from codepercept.bench.extract import extract_code
from codepercept.errors import JobError
from codepercept.rewards.guards import (
    GuardConfig,
    LiteralStats,
    Verdict,
    literal_stats,
    raster_verdict,
    static_verdict,
)
from codepercept.sandbox import ExecResult, Executor
from codepercept.scene.model import Scene
from codepercept.score import (
    SCORE_VERSION,
    PreparedImage,
    image_score,
    prepare_image,
    scene_score,
)

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "BadReference",
    "Reference",
    "Reward",
    "RewardConfig",
    "RewardScorer",
    "check_format",
]

log = logging.getLogger(__name__)

#: The reward's components, in the order they are reported.
COMPONENTS = ("format", "execution", "image", "scene")
#: Default weights of the components (normalised by their sum).
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "format": 0.1,
    "execution": 0.2,
    "image": 0.35,
    "scene": 0.35,
}
#: Outcomes that earn 0 whatever the format (see the module docstring).
ZERO_STATUSES = frozenset({"timeout", "forbidden", "giant_literal", "raster", "bad_input",
                           "too_long", "bad_reference"})  # fmt: skip

_FENCE = "```"
_PY_FENCE_OPEN = ("```python\n", "```py\n", "```python3\n")


@dataclass(frozen=True)
class RewardConfig:
    """How completions are rewarded. Every field has a documented default."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    dpi: float = 100.0  # renderings compared at this dpi (the reference is rendered at it too)
    timeout_s: float = 10.0  # per program: a completion that runs longer earns 0
    memory_mb: int = 2048
    max_completion_chars: int = 200_000  # longer completions earn 0 without running
    guards: GuardConfig = field(default_factory=GuardConfig)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(COMPONENTS))
        if unknown:
            raise ValueError(f"unknown reward components {unknown}: use {list(COMPONENTS)}")
        for k, w in self.weights.items():
            if not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
                raise ValueError(f"weight of {k} must be a finite number >= 0, got {w!r}")
        if sum(self.weights.values()) <= 0:
            raise ValueError("the reward weights must not all be 0")
        if not (math.isfinite(self.timeout_s) and self.timeout_s > 0):
            raise ValueError(f"timeout_s must be > 0, got {self.timeout_s!r}")
        if not (math.isfinite(self.dpi) and self.dpi > 0):
            raise ValueError(f"dpi must be > 0, got {self.dpi!r}")

    def total(self, components: Mapping[str, float]) -> float:
        num = sum(w * components.get(k, 0.0) for k, w in self.weights.items())
        return min(1.0, max(0.0, num / sum(self.weights.values())))

    def key(self) -> str:
        """What, in this config, changes an outcome (for caches)."""
        g = self.guards
        return json.dumps([self.dpi, self.timeout_s, self.memory_mb, self.max_completion_chars,
                           g.__dict__], sort_keys=True)  # fmt: skip


@dataclass
class Reward:
    """One completion's reward: ``total`` in 0..1, its ``components`` (each 0..1), a ``status``
    (the sandbox's, ``ok``, or a refusal: ``no_code``, ``giant_literal``, ``raster``, ...) and a
    one-line ``reason`` for people."""

    total: float
    components: dict[str, float]
    status: str
    reason: str = ""
    wall_s: float = 0.0  # the program's run time (0 when it did not run)
    score_version: int = SCORE_VERSION  # of the image and scene scores in the components

    def to_dict(self) -> dict[str, Any]:
        """``score``, every component, ``status``, ``reason`` and ``score_version`` (the verl
        dict shape)."""
        return {"score": self.total, **self.components, "status": self.status,
                "reason": self.reason, "score_version": self.score_version}  # fmt: skip


class BadReference(JobError):
    """A reference program that does not run and draw: a dataset error, not a zero reward.
    ``transient`` when the sandbox, not the program, failed (then it is tried again)."""

    transient: bool = False


@dataclass(frozen=True)
class Reference:
    """A prepared reference: its rendering (decoded once) and what it drew."""

    key: str
    image: PreparedImage
    scene: Scene | None
    literals: LiteralStats
    wall_s: float


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def check_format(completion: Any, max_chars: int = 200_000) -> tuple[float, str, Verdict | None]:
    """``(format score, code, refusal)`` for one completion (see the module docstring).

    ``code`` is the program the completion holds ("" when none); ``refusal`` is set when the
    completion is not something to run (not text, too long, not UTF-8, no code, bad syntax)."""
    if isinstance(completion, bytes):
        try:
            completion = completion.decode("utf-8")
        except UnicodeDecodeError as exc:
            return (
                0.0,
                "",
                Verdict("bad_input", f"the completion is not valid UTF-8 ({exc.reason})"),
            )
    if not isinstance(completion, str):
        return (
            0.0,
            "",
            Verdict("bad_input", f"the completion is {type(completion).__name__}, not text"),
        )
    if len(completion) > max_chars:
        return (
            0.0,
            "",
            Verdict(
                "too_long", f"the completion has {len(completion)} characters (limit {max_chars})"
            ),
        )
    try:
        completion.encode("utf-8")
    except UnicodeEncodeError:
        return 0.0, "", Verdict("bad_input", "the completion holds unpaired surrogates (not UTF-8)")
    code = extract_code(completion)
    if not code.strip():
        return 0.0, "", Verdict("no_code", "the completion holds no python code")
    try:
        ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
        return (
            0.0,
            code,
            Verdict("syntax_error", f"the code does not parse{where}: {exc.__class__.__name__}"),
        )
    opens = sum(completion.count(f) for f in _PY_FENCE_OPEN)
    exact = opens == 1 and completion.count(_FENCE) == 2
    return (1.0 if exact else 0.5), code, None


_T = TypeVar("_T")


class _SingleFlight:
    """A bounded memo where concurrent callers of one key (from any thread or event loop) share
    one computation. Results for which ``keep(result)`` is false are handed to the waiting
    callers but not remembered."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.done: OrderedDict[str, Any] = OrderedDict()
        self.pending: dict[str, cf.Future[Any]] = {}
        self.lock = threading.Lock()
        self.hits = 0

    def _claim(self, key: str) -> tuple[bool, Any]:
        """(owner?, result-or-future)."""
        with self.lock:
            if key in self.done:
                self.done.move_to_end(key)
                self.hits += 1
                return False, self.done[key]
            fut = self.pending.get(key)
            if fut is not None:
                self.hits += 1
                return False, fut
            fut = cf.Future()
            self.pending[key] = fut
            return True, fut

    def _settle(self, key: str, fut: cf.Future[Any], value: Any, keep: bool) -> None:
        with self.lock:
            self.pending.pop(key, None)
            if keep:
                self.done[key] = value
                while len(self.done) > self.size:
                    self.done.popitem(last=False)
        fut.set_result(value)

    async def aget(
        self, key: str, compute: Callable[[], Awaitable[_T]], keep: Callable[[_T], bool]
    ) -> _T:
        owner, got = self._claim(key)
        if not owner:
            return await asyncio.wrap_future(got) if isinstance(got, cf.Future) else got
        try:
            value = await compute()
        except BaseException as exc:  # cancelled: the waiting callers must not hang
            with self.lock:
                self.pending.pop(key, None)
            got.set_exception(exc if isinstance(exc, Exception) else RuntimeError("cancelled"))
            raise
        self._settle(key, got, value, keep(value))
        return value


@dataclass(frozen=True)
class _Outcome:
    """What running and scoring one program against one reference gave (format aside)."""

    status: str
    reason: str
    execution: float = 0.0
    image: float = 0.0
    scene: float = 0.0
    wall_s: float = 0.0


class RewardScorer:
    """Rewards completions against reference programs; sync (:meth:`score`) and async
    (:meth:`ascore`). Thread-safe; one instance serves every caller of a process.

    Args:
        config: weights, dpi, time-out and guard limits (:class:`RewardConfig`).
        workers: sandbox workers (programs run at once) when the scorer makes its executor.
        executor: an existing :class:`~codepercept.sandbox.Executor` to use instead (its dpi,
            time-out and memory limit then apply; the scorer does not close it).
        cache_dir: where prepared references are kept on disk across processes (optional).
        cache_size: outcomes and references remembered in memory.
    """

    def __init__(
        self,
        config: RewardConfig | None = None,
        *,
        workers: int = 2,
        executor: Executor | None = None,
        cache_dir: str | Path | None = None,
        cache_size: int = 4096,
    ) -> None:
        self.config = config or RewardConfig()
        self.workers = workers
        self._own = executor is None
        self._executor = executor
        self._exec_lock = threading.Lock()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._refs = _SingleFlight(cache_size)
        self._outcomes = _SingleFlight(cache_size)
        self._ckey = self.config.key()
        self._stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._bg: asyncio.AbstractEventLoop | None = None
        self._bg_thread: threading.Thread | None = None
        self._bg_pid = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def executor(self) -> Executor:
        """The sandbox every program runs in (started on first use)."""
        with self._exec_lock:
            if self._executor is None:
                cfg = self.config
                self._executor = Executor(workers=self.workers, dpi=cfg.dpi,
                                          timeout_s=cfg.timeout_s, memory_mb=cfg.memory_mb)  # fmt: skip
            return self._executor

    def close(self) -> None:
        with self._exec_lock:
            if self._own and self._executor is not None:
                self._executor.close()
                self._executor = None
            loop, thread, self._bg = self._bg, self._bg_thread, None
        if loop is not None and thread is not None and self._bg_pid == os.getpid():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            if not thread.is_alive():
                loop.close()

    def __enter__(self) -> RewardScorer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def stats(self) -> dict[str, Any]:
        """Counters: completions, executed programs, cache hits, rewards per status."""
        with self._stats_lock:
            out: dict[str, Any] = dict(self._stats)
        out["outcome_cache_hits"] = self._outcomes.hits
        out["reference_cache_hits"] = self._refs.hits
        return out

    def _count(self, *keys: str) -> None:
        with self._stats_lock:
            self._stats.update(keys)

    # -- references --------------------------------------------------------------------------

    def _ref_key(self, code: str) -> str:
        return _sha(self._ckey + "\0" + code)[:32]

    def _load_cached(self, key: str, code: str) -> Reference | None:
        if self.cache_dir is None:
            return None
        png, meta = self.cache_dir / f"{key}.png", self.cache_dir / f"{key}.json"
        try:
            info = json.loads(meta.read_text("utf-8"))
            scene = Scene.from_dict(info["scene"]) if info.get("scene") else None
            tree = ast.parse(code)
            return Reference(key, prepare_image(png.read_bytes()), scene, literal_stats(tree),
                             float(info.get("wall_s", 0.0)))  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError, SyntaxError):
            return None

    def _reference_from(self, key: str, code: str, res: ExecResult) -> Reference | BadReference:
        if not res.ok or not res.images:
            bad = BadReference(
                f"the reference program does not run and draw ({res.status}: "
                f"{(res.message or 'no figure').splitlines()[0][:200]})"
            )
            bad.transient = res.status == "crashed"
            return bad
        ref = Reference(key, prepare_image(res.images[0]), res.scene,
                        literal_stats(ast.parse(code)), res.wall_s)  # fmt: skip
        if self.cache_dir is not None:
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                atomic_write(self.cache_dir / f"{key}.png", res.images[0])
                scene = res.scene.to_dict() if res.scene is not None else None
                atomic_write(self.cache_dir / f"{key}.json",
                             json.dumps({"scene": scene, "wall_s": res.wall_s}))  # fmt: skip
            except OSError as exc:
                log.warning("reward reference cache %s not written: %s", self.cache_dir, exc)
        return ref

    def _check_reference_text(self, code: Any) -> BadReference | None:
        if not isinstance(code, str):
            return BadReference(f"the reference is {type(code).__name__}, not program text")
        try:
            ast.parse(code)
        except (SyntaxError, ValueError) as exc:
            return BadReference(f"the reference program does not parse: {exc}")
        return None

    async def _prepare_async(self, code: Any) -> Reference | BadReference:
        bad = self._check_reference_text(code)
        if bad is not None:
            return bad
        key = self._ref_key(code)

        async def compute() -> Reference | BadReference:
            cached = self._load_cached(key, code)
            if cached is not None:
                return cached
            self._count("reference_runs")
            res = await self.executor.arun(code)
            return await asyncio.to_thread(self._reference_from, key, code, res)

        return await self._refs.aget(key, compute, _keep_ref)

    def prepare(self, reference: str) -> Reference:
        """Run a reference program once and keep its rendering and scene; raises
        :class:`BadReference` when it does not run and draw (call this at dataset preparation)."""
        ref = self._sync(self._prepare_async(reference))
        if isinstance(ref, BadReference):
            raise ref
        return ref

    def prepare_many(self, references: Sequence[str], ids: Sequence[str] | None = None) -> None:
        """Prepare every reference (``workers`` at a time); raises one :class:`BadReference`
        naming every one that fails (by id, or by index)."""
        unique = list(dict.fromkeys(_hashable(r) for r in references))

        async def every() -> list[Reference | BadReference]:
            return list(await asyncio.gather(*(self._prepare_async(c) for c in unique)))

        bad = {c: got for c, got in zip(unique, self._sync(every()), strict=True)
               if isinstance(got, BadReference)}  # fmt: skip
        if bad:
            names = [str(ids[i]) if ids is not None else f"#{i}"
                     for i, code in enumerate(references) if _hashable(code) in bad]  # fmt: skip
            first = next(iter(bad.values()))
            shown = ", ".join(names[:10]) + (
                f" and {len(names) - 10} more" if len(names) > 10 else ""
            )
            raise BadReference(f"{len(names)} reference program(s) fail: {shown}; first: {first}")

    # -- scoring -----------------------------------------------------------------------------

    def _run_checked(self, code: str, ref: Reference) -> Verdict | None:
        return static_verdict(literal_stats(ast.parse(code)), ref.literals, self.config.guards)

    def _judge(self, ref: Reference, res: ExecResult) -> _Outcome:
        """Score an executed program against its reference (CPU-bound; no I/O)."""
        wall = res.wall_s
        if res.status != "ok":
            reason = res.message.splitlines()[0][:300] if res.message else res.status
            if res.status == "no_figure" and res.stdout.strip():
                reason = f"printed {len(res.stdout)} characters and drew nothing"
            elif res.status == "timeout":
                reason = f"ran past {self.config.timeout_s:g} s: stalling earns nothing"
            return _Outcome(res.status, reason, wall_s=wall)
        verdict = raster_verdict(res.scene, ref.scene, self.config.guards)
        if verdict is not None:
            return _Outcome(verdict.status, verdict.reason, wall_s=wall)
        if not res.images:  # ok always has a figure; be safe
            return _Outcome("no_figure", "drew nothing", wall_s=wall)
        # Scoring decodes the rendering in this process: a figure far larger than the
        # reference's would cost the trainer seconds and hundreds of MB per completion.
        size = _png_size(res.images[0])
        ref_px = ref.image.rgb.shape[0] * ref.image.rgb.shape[1]
        limit = max(4 * ref_px, 4_000_000)
        if size is None or size[0] * size[1] > limit:
            what = f"{size[0]} x {size[1]} pixels" if size else "an unreadable PNG"
            return _Outcome("image_too_large", f"the figure is {what} (limit {limit} pixels, "
                            f"4x the reference's)", execution=1.0, wall_s=wall)  # fmt: skip
        img = image_score(ref.image, res.images[0]).total / 100.0
        if ref.scene is not None and res.scene is not None:
            sc = scene_score(ref.scene, res.scene).total / 100.0
        else:
            sc = 0.0
        return _Outcome("ok", "", 1.0, round(img, 6), round(sc, 6), wall)

    def _reward(self, fmt: float, out: _Outcome) -> Reward:
        comps = {"format": fmt, "execution": out.execution, "image": out.image, "scene": out.scene}
        total = 0.0 if out.status in ZERO_STATUSES else self.config.total(comps)
        self._count("completions", f"status:{out.status}")
        return Reward(round(total, 6), comps, out.status, out.reason, out.wall_s)

    def _refused(self, fmt: float, verdict: Verdict) -> Reward:
        return self._reward(fmt, _Outcome(verdict.status, verdict.reason))

    def _triage(self, completion: Any, ref: Reference | BadReference
                ) -> tuple[float, str, Reward | None]:  # fmt: skip
        """(format, code, a final reward when nothing needs to run)."""
        fmt, code, refusal = check_format(completion, self.config.max_completion_chars)
        if isinstance(ref, BadReference):
            return fmt, code, self._refused(fmt, Verdict("bad_reference", str(ref)))
        if refusal is not None:
            return fmt, code, self._refused(fmt, refusal)
        guard = self._run_checked(code, ref)
        if guard is not None:
            return fmt, code, self._refused(fmt, guard)
        return fmt, code, None

    def _outcome_key(self, code: str, ref: Reference) -> str:
        return ref.key + _sha(code)[:32]

    async def _arun_one(self, code: str, ref: Reference) -> _Outcome:
        async def compute() -> _Outcome:
            self._count("executed")
            res = await self.executor.arun(code)
            return await asyncio.to_thread(self._judge, ref, res)

        return await self._outcomes.aget(self._outcome_key(code, ref), compute, _keep_outcome)

    def _loop(self) -> asyncio.AbstractEventLoop:
        """The scorer's own event loop, on a daemon thread (started on first use, again in a
        forked child): the sync entry points run the async implementation there, so a
        trainer's thread and every thread of verl's executor share one set of programs in
        flight and one scheduler."""
        with self._exec_lock:
            alive = self._bg_thread is not None and self._bg_thread.is_alive()
            if self._bg is None or self._bg_pid != os.getpid() or not alive:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="reward-loop", daemon=True)
                thread.start()
                self._bg, self._bg_thread, self._bg_pid = loop, thread, os.getpid()
            return self._bg

    def _sync(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop()).result()

    def score(self, completions: Sequence[Any], references: Sequence[Any]) -> list[Reward]:
        """One :class:`Reward` per completion, in order; ``references[i]`` is the reference
        program of ``completions[i]``. Never raises for what the completions or references
        hold (a bad reference gives ``bad_reference`` rewards of 0). Thread-safe: it runs
        :meth:`ascore` on the scorer's own event loop."""
        _check_lengths(completions, references)
        return self._sync(self.ascore(completions, references))

    async def ascore(self, completions: Sequence[Any], references: Sequence[Any]) -> list[Reward]:
        """:meth:`score` on the caller's event loop: programs wait on the loop, scoring runs in
        threads. Safe under a fresh loop per call (nothing is bound to a loop)."""
        _check_lengths(completions, references)
        keys = list(dict.fromkeys(_hashable(r) for r in references))
        got = await asyncio.gather(*(self._prepare_async(k) for k in keys))
        refs = dict(zip(keys, got, strict=True))

        async def one(completion: Any, reference: Any) -> Reward:
            fmt, code, final = self._triage(completion, refs[_hashable(reference)])
            if final is not None:
                return final
            ref = refs[_hashable(reference)]
            assert isinstance(ref, Reference)
            try:
                outcome = await self._arun_one(code, ref)
            except Exception as exc:  # an executor failure is this completion's, not the call's
                outcome = _Outcome("crashed", f"{type(exc).__name__}: {exc}"[:300])
            return self._reward(fmt, outcome)

        return list(
            await asyncio.gather(*(one(c, r) for c, r in zip(completions, references, strict=True)))
        )

    def score_one(self, completion: Any, reference: Any) -> Reward:
        return self.score([completion], [reference])[0]

    async def ascore_one(self, completion: Any, reference: Any) -> Reward:
        return (await self.ascore([completion], [reference]))[0]


def _png_size(png: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk, without decoding it."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return None
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _keep_ref(value: Reference | BadReference) -> bool:
    # a bad reference is bad every time (do not rerun it per completion), unless the sandbox
    # failed rather than the program
    return not (isinstance(value, BadReference) and value.transient)


def _keep_outcome(value: _Outcome) -> bool:
    return (
        value.status != "crashed"
    )  # an executor failure may pass; the program may deserve a rerun


def _hashable(reference: Any) -> Any:
    """References key the per-call tables; a non-hashable one (never text) keys by identity."""
    try:
        hash(reference)
    except TypeError:
        return (type(reference).__name__, id(reference))  # not text: a bad reference
    return reference


def _check_lengths(completions: Sequence[Any], references: Sequence[Any]) -> None:
    if len(completions) != len(references):
        raise ValueError(
            f"{len(completions)} completions but {len(references)} references: one reference per "
            f"completion"
        )
