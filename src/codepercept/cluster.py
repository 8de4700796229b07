"""Scale-out on Ray: the sandbox work of a job on a cluster, with output identical to a local run.

A job that runs programs (``synth``, ...) does two kinds of work per item: the *pure* part — make
item k's program from (settings, k), run it in a sandbox, read what it drew — and the *ordered*
part — judge it against what is already kept (duplicates), write it, journal it. Locally both
run in one process. With ``--executor ray``:

* a pool of Ray actors, each owning its own sandbox :class:`~codepercept.sandbox.Executor`
  (``workers`` programs in flight per actor), runs the pure part over **contiguous item
  ranges** (``task_size`` items per Ray task);
* the driver consumes the ranges' results **strictly in item order** and does the ordered part
  exactly as the local run does.

So the output (ids, records, shard files) is the same bytes as a local run with the same
settings, whatever the cluster's size, and the job's resume journal is the local one: a killed
driver resumes (on Ray or locally) without duplicates or losses. A Ray task is a pure function of
its items, so a worker that dies is replaced and its range re-run (``max_restarts``,
``max_task_retries``) with the same result.

:class:`RayOptions` is what the command line gives (``--executor ray --ray-address ...``);
:class:`ShardMap` is the pool. Ray is optional (``pip install 'codepercept[ray]'``): nothing
here imports it until a Ray job starts. docs/ray.md has the figures.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import socket
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from codepercept.errors import JobError, UsageError

if TYPE_CHECKING:
    from codepercept.sandbox import Executor

__all__ = [
    "EXECUTORS",
    "RAY_MISSING",
    "ActorPool",
    "RayOptions",
    "ShardMap",
    "check_reachable",
    "connect",
    "first_line",
    "ray_available",
    "start_actors",
    "stop_actors",
]

T = TypeVar("T")
R = TypeVar("R")
_P = TypeVar("_P", bound="ActorPool")

EXECUTORS = ("local", "ray")
RAY_MISSING = (
    "--executor ray needs the ray package, which is not installed; install it "
    "(pip install 'codepercept[ray]') or use --executor local"
)
#: Items per Ray task unless told: big enough that Ray's per-task cost (about a millisecond) is
#: small beside the items' (tens of milliseconds each), small enough to keep every actor busy.
TASK_SIZE = 32
#: Ray tasks in flight per actor (one running, one queued: no actor waits for the driver).
IN_FLIGHT_PER_ACTOR = 2
#: Times a dead actor is restarted, and a task on it retried, before the job stops.
RETRIES = 3


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


@dataclass(frozen=True)
class RayOptions:
    """How a job runs on Ray. ``address``: a running cluster (``HOST:PORT``, ``auto`` or
    ``ray://HOST:PORT``); None starts or joins a local one, as ``ray.init()`` does. ``actors``:
    sandbox actors (default: as many as the cluster's CPUs hold, each taking ``workers`` CPUs).
    ``task_size``: items per Ray task."""

    address: str | None = None
    actors: int | None = None
    task_size: int = TASK_SIZE

    def __post_init__(self) -> None:
        if self.actors is not None and not 1 <= self.actors <= 100_000:
            raise UsageError(f"ray actors must be from 1 to 100000, got {self.actors!r}")
        if not 1 <= self.task_size <= 1_000_000:
            raise UsageError(f"ray task size must be from 1 to 1000000, got {self.task_size!r}")


class _SandboxActor:
    """A Ray actor owning one sandbox pool (or whatever ``make_executor`` makes: the object the
    task needs, started if it has ``start``); runs ``task(executor, payload, items)``."""

    def __init__(self, make_executor: Callable[[], Any]) -> None:
        self.ex = make_executor()
        start = getattr(self.ex, "start", None)
        if callable(start):
            start()  # a sandbox that cannot start fails the actor here, not per item

    def info(self) -> dict[str, Any]:
        import ray

        return {"pid": os.getpid(), "node": ray.get_runtime_context().get_node_id(),
                "python": sys.version.split()[0]}  # fmt: skip

    def run(self, task: Callable[[Executor, Any, list[Any]], list[Any]], payload: Any,
            items: list[Any]) -> list[Any]:  # fmt: skip
        return task(self.ex, payload, items)


def first_line(exc: BaseException) -> str:
    """The last non-blank line of an exception's text (Ray puts the cause there)."""
    text = str(exc).strip().splitlines()
    return next((line.strip() for line in reversed(text) if line.strip()), type(exc).__name__)


def check_reachable(address: str | None, timeout_s: float = 5.0) -> None:
    """JobError (one line, at once) when ``address`` names a HOST:PORT nothing answers on;
    Ray's own client would keep retrying for minutes. ``auto`` and a local cluster pass."""
    if not address or address == "auto":
        return
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        raise UsageError(f"--ray-address {address!r} is not HOST:PORT, ray://HOST:PORT or auto")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise JobError(
            f"cannot reach the Ray cluster at {address}: {reason}; start it with `ray start "
            "--head` or leave out --ray-address for a local one"
        ) from None


def connect(address: str | None) -> bool:
    """Join or start the cluster; True when this call initialised Ray (and must shut it down)."""
    if not ray_available():
        raise UsageError(RAY_MISSING)
    import ray

    if ray.is_initialized():
        return False
    check_reachable(address)
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                              "logging_level": "ERROR"}  # fmt: skip
    try:
        if address is None:
            ray.init(**kwargs)
        else:
            ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        where = address or "a local cluster"
        why = first_line(exc.__cause__ or exc)[:300]  # e.g. the cluster's auth token is missing
        raise JobError(f"cannot reach the Ray cluster at {where}: {why}") from None
    return True


def start_actors(
    cls: type, args: tuple[Any, ...], actors: int | None, cpus_per_actor: int, what: str
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Start ``actors`` Ray actors of ``cls(*args)`` (default: as many as the cluster's CPUs
    hold at ``cpus_per_actor`` each), restarted by Ray when they die; wait until each answers
    ``info()``. Returns (actors, their info). A cluster that cannot place them, or workers that
    cannot build them (``what`` names them), raise JobError after the started ones are stopped."""
    import ray

    started: list[Any] = []
    n = need = 1
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        n = actors or max(1, cpus // max(1, cpus_per_actor))
        # an actor asks for the CPUs its pool uses, but no more than the cluster has, so that
        # one big actor still fits a small cluster
        need = min(cpus_per_actor, max(1, cpus))
        remote = ray.remote(cls).options(
            num_cpus=need, max_restarts=RETRIES, max_task_retries=RETRIES
        )
        started = [remote.remote(*args) for _ in range(n)]
        return started, ray.get([a.info.remote() for a in started], timeout=300)
    except Exception as exc:
        stop_actors(started)
        if isinstance(exc, ray.exceptions.GetTimeoutError):
            raise JobError(
                f"the Ray cluster did not start {n} {what}s of {need} CPU(s) in 300 s; give "
                "fewer --workers per actor or add nodes"
            ) from None
        if isinstance(exc, (ray.exceptions.RayActorError, ray.exceptions.RayTaskError)):
            raise JobError(
                f"the Ray workers could not start a {what} ({first_line(exc)}); install "
                "codepercept with the same version on every node (pip install "
                "'codepercept[ray]')"
            ) from None
        raise


def stop_actors(actors: list[Any], pending: Iterable[Any] = (), owns_ray: bool = False) -> None:
    """Stop what a pool started: when this process started Ray, shut it down (Ray removes the
    job's actors, and their sandboxes); otherwise (a Ray job this process is part of) cancel
    ``pending`` tasks and kill ``actors``, leaving the rest of Ray as it was."""
    import ray

    if owns_ray:
        if ray.is_initialized():
            ray.shutdown()
        return
    for ref in pending:
        try:
            ray.cancel(ref)
        except Exception:  # finished or gone already
            pass
    for a in actors:
        try:
            ray.kill(a, no_restart=True)
        except Exception:  # an actor already gone
            pass


class ActorPool:
    """Actors of ``cls(*args)`` started on the cluster at ``address`` (joined or started, see
    :func:`connect`) by :func:`start_actors`; :meth:`close` (or leaving the ``with`` block)
    stops them, and Ray too when this pool started it."""

    def __init__(self, cls: type, args: tuple[Any, ...], address: str | None,
                 actors: int | None, cpus_per_actor: int, what: str) -> None:  # fmt: skip
        self._pending: deque[tuple[list[Any], Any]] = deque()
        self._owns_ray = connect(address)
        self.actors: list[Any] = []
        self.info: list[dict[str, Any]] = []
        try:
            self.actors, self.info = start_actors(cls, args, actors, cpus_per_actor, what)
        except BaseException:
            self.close()
            raise

    def __enter__(self: _P) -> _P:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the actors (their sandboxes with them); leave Ray as it was found."""
        stop_actors(self.actors, [ref for _, ref in self._pending], self._owns_ray)
        self._owns_ray = False
        self._pending.clear()
        self.actors = []


class ShardMap(ActorPool):
    """Ray actors, each with its own sandbox pool from ``make_executor`` (which takes
    ``cpus_per_actor`` CPUs), mapping ``task(executor, payload, items) -> results`` (one result
    per item, in order) over contiguous ranges of items. Use as a context manager."""

    def __init__(
        self,
        task: Callable[[Executor, Any, list[Any]], list[Any]],
        payload: Any,
        make_executor: Callable[[], Any],
        options: RayOptions,
        cpus_per_actor: int = 1,
    ) -> None:
        self.task = task
        self.payload = payload
        self.options = options
        super().__init__(_SandboxActor, (make_executor,), options.address, options.actors,
                         cpus_per_actor, "codepercept sandbox actor")  # fmt: skip

    def ordered(
        self, items: Iterable[T], stop: Callable[[], bool] | None = None
    ) -> Iterator[tuple[T, Any]]:
        """``(item, result)`` for every item, in the items' order, ``task_size`` items per Ray
        task with ``IN_FLIGHT_PER_ACTOR`` tasks per actor in flight. ``items`` may be endless:
        only what is in flight is drawn from it. ``stop()`` true ends the iteration early (what
        is in flight is abandoned). A task that fails after Ray's retries raises JobError."""
        import ray

        it = iter(items)
        size = self.options.task_size
        pending = self._pending
        pending.clear()
        turn = itertools.cycle(range(len(self.actors)))
        exhausted = False

        def fill() -> None:
            nonlocal exhausted
            while not exhausted and len(pending) < IN_FLIGHT_PER_ACTOR * len(self.actors):
                chunk = list(itertools.islice(it, size))
                if not chunk:
                    exhausted = True
                    return
                actor = self.actors[next(turn)]
                pending.append((chunk, actor.run.remote(self.task, self.payload, chunk)))

        fill()
        while pending:
            chunk, ref = pending[0]
            while True:
                ready, _ = ray.wait([ref], timeout=0.25)
                if ready:
                    break
                if stop is not None and stop():
                    return
            try:
                results = ray.get(ref)
            except (ray.exceptions.RayActorError, ray.exceptions.RayTaskError) as exc:
                raise JobError(
                    f"a Ray task ({len(chunk)} items) failed {RETRIES + 1} times: "
                    f"{first_line(exc)}; what was finished is saved, re-run to resume"
                ) from None
            pending.popleft()
            fill()
            if len(results) != len(chunk):
                raise JobError(f"a Ray task gave {len(results)} results for {len(chunk)} items")
            yield from zip(chunk, results, strict=True)
