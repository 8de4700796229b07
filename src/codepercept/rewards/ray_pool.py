"""Reward scoring on Ray: an actor pool that owns the sandboxes, for RL trainers built on Ray.

verl and OpenRLHF run their rollouts on Ray; a GRPO step rewards every completion of every
prompt's group. :class:`RayRewardPool` spreads those over actors, each holding one
:class:`~codepercept.rewards.RewardScorer` (its own sandbox pool of ``workers`` programs, its own
reference and outcome caches) on whichever node Ray places it::

    pool = RayRewardPool(RewardConfig(), workers=4)       # inside a Ray job: joins it
    rewards = pool.score(completions, references)          # one Reward per completion, in order
    rewards = await pool.ascore(completions, references)   # from an async rollout worker

A pair goes to the actor chosen by a hash of its reference program, so a reference is run and
decoded once in the pool (not once per actor) and identical completions for it are deduplicated
by that actor's cache, as in one local scorer. Rewards are those of a local
:class:`~codepercept.rewards.RewardScorer` with the same config (``wall_s``, the program's run
time, aside). A dead actor is restarted and its batch re-scored (scoring is a pure function of
the pair); a batch that fails four times raises :class:`~codepercept.errors.JobError`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codepercept.cluster import ActorPool, RayOptions, first_line
from codepercept.errors import JobError
from codepercept.rewards.core import Reward, RewardConfig, _check_lengths

__all__ = ["RayRewardPool"]


class _ScorerActor:
    """One actor: a RewardScorer with its own sandbox."""

    def __init__(self, config: RewardConfig, workers: int, cache_dir: str | None) -> None:
        from codepercept.rewards.core import RewardScorer

        self.scorer = RewardScorer(config, workers=workers, cache_dir=cache_dir)
        self.scorer.executor.start()  # a sandbox that cannot start fails the actor here

    def score(self, completions: list[Any], references: list[Any]) -> list[Reward]:
        return self.scorer.score(completions, references)

    def stats(self) -> dict[str, Any]:
        return {**self.scorer.stats, "pid": os.getpid()}

    def info(self) -> dict[str, Any]:
        return {"pid": os.getpid()}


def _route(reference: Any, n: int) -> int:
    """The actor of a reference: stable across processes and runs (not Python's ``hash``)."""
    text = reference if isinstance(reference, str) else repr(reference)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n


class RayRewardPool(ActorPool):
    """Reward scoring on Ray actors (see the module docstring).

    Args:
        config: the reward config (:class:`RewardConfig`), the same for every actor.
        workers: sandbox programs in flight per actor (each actor asks Ray for this many CPUs,
            at most the cluster's).
        actors: how many actors (default: as many as the cluster's CPUs hold).
        address: the cluster to join when this process has not joined one (None: the Ray job
            this process is in, or a local cluster).
        cache_dir: prepared references kept on disk (a path every node can reach), optional.
    """

    def __init__(
        self,
        config: RewardConfig | None = None,
        *,
        workers: int = 2,
        actors: int | None = None,
        address: str | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.config = config or RewardConfig()
        options = RayOptions(address=address, actors=actors)
        cache = str(cache_dir) if cache_dir is not None else None
        super().__init__(_ScorerActor, (self.config, workers, cache), options.address,
                         options.actors, workers, "reward scorer actor")  # fmt: skip

    def _submit(self, completions: Sequence[Any], references: Sequence[Any]) -> tuple[
        list[list[int]], list[Any]
    ]:  # fmt: skip
        _check_lengths(completions, references)
        if not self.actors:
            raise JobError("the reward pool is closed")
        groups: list[list[int]] = [[] for _ in self.actors]
        for i, ref in enumerate(references):
            groups[_route(ref, len(self.actors))].append(i)
        refs = []
        for actor, idx in zip(self.actors, groups, strict=True):
            refs.append(
                actor.score.remote([completions[i] for i in idx], [references[i] for i in idx])
                if idx
                else None
            )
        return groups, refs

    @staticmethod
    def _join(n: int, groups: list[list[int]], results: list[list[Reward] | None]) -> list[Reward]:
        out: list[Reward | None] = [None] * n
        for idx, got in zip(groups, results, strict=True):
            for i, r in zip(idx, got or [], strict=True):
                out[i] = r
        assert all(r is not None for r in out)
        return out  # type: ignore[return-value]

    def score(self, completions: Sequence[Any], references: Sequence[Any]) -> list[Reward]:
        """One :class:`Reward` per completion, in order (as :meth:`RewardScorer.score`)."""
        import ray

        groups, refs = self._submit(completions, references)
        try:
            results = [ray.get(r) if r is not None else None for r in refs]
        except (ray.exceptions.RayActorError, ray.exceptions.RayTaskError) as exc:
            raise JobError(f"reward scoring failed on Ray: {first_line(exc)}") from None
        return self._join(len(completions), groups, results)

    async def ascore(self, completions: Sequence[Any], references: Sequence[Any]) -> list[Reward]:
        """:meth:`score` for an event loop (a Ray ObjectRef is awaitable)."""
        import ray

        groups, refs = self._submit(completions, references)

        async def get(r: Any) -> list[Reward] | None:
            return None if r is None else await r

        try:
            results = await asyncio.gather(*(get(r) for r in refs))
        except (ray.exceptions.RayActorError, ray.exceptions.RayTaskError) as exc:
            raise JobError(f"reward scoring failed on Ray: {first_line(exc)}") from None
        return self._join(len(completions), groups, list(results))

    def stats(self) -> list[dict[str, Any]]:
        """Each actor's scorer counters (completions, programs run, cache hits, statuses)."""
        import ray

        return ray.get([a.stats.remote() for a in self.actors])
