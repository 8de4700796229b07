"""One :class:`~codepercept.rewards.RewardScorer` per process and configuration, for framework
adapters that a trainer calls as plain functions (TRL, verl, ms-swift, OpenRLHF).

Settings come from the caller, else from the environment, else the defaults:

* ``CODEPERCEPT_REWARD_WORKERS`` — sandbox workers (default: the CPUs this process may use);
* ``CODEPERCEPT_REWARD_WEIGHTS`` — e.g. ``format=0.1,execution=0.2,image=0.35,scene=0.35``;
* ``CODEPERCEPT_REWARD_TIMEOUT_S``, ``CODEPERCEPT_REWARD_DPI``;
* ``CODEPERCEPT_REWARD_CACHE`` — a directory for prepared references, shared by processes.

The scorer is made on first use (nothing starts at import) and again after a fork, so a
trainer that forks workers gives each its own sandbox pool.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Mapping
from typing import Any

from codepercept.rewards.core import RewardConfig, RewardScorer

__all__ = ["config_from", "shared_scorer"]

_lock = threading.Lock()
_scorers: dict[tuple[int, str, int, str], RewardScorer] = {}


def _weights_from_env(text: str) -> dict[str, float]:
    out = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"CODEPERCEPT_REWARD_WEIGHTS: {part!r} is not name=weight")
        out[name.strip()] = float(value)
    return out


def config_from(settings: Mapping[str, Any] | None = None) -> RewardConfig:
    """A :class:`RewardConfig` from ``settings`` (``weights``, ``timeout_s``, ``dpi``,
    ``memory_mb``), falling back on the environment, then the defaults."""
    s = dict(settings or {})
    env = os.environ
    kw: dict[str, Any] = {}
    weights = s.get("weights") or env.get("CODEPERCEPT_REWARD_WEIGHTS")
    if weights:
        kw["weights"] = _weights_from_env(weights) if isinstance(weights, str) else dict(weights)
    for key, cast in (("timeout_s", float), ("dpi", float), ("memory_mb", int)):
        value = s.get(key, env.get(f"CODEPERCEPT_REWARD_{key.upper()}"))
        if value is not None:
            kw[key] = cast(value)
    return RewardConfig(**kw)


def shared_scorer(
    config: RewardConfig | None = None, workers: int | None = None, cache_dir: str | None = None
) -> RewardScorer:
    """This process's scorer for ``config`` (made on first use)."""
    config = config or config_from()
    if workers is None:
        workers = int(os.environ.get("CODEPERCEPT_REWARD_WORKERS", 0)) or len(
            os.sched_getaffinity(0)
        )
    cache_dir = cache_dir or os.environ.get("CODEPERCEPT_REWARD_CACHE") or None
    key = (
        os.getpid(),
        config.key() + repr(sorted(config.weights.items())),
        workers,
        cache_dir or "",
    )
    with _lock:
        scorer = _scorers.get(key)
        if scorer is None:
            scorer = RewardScorer(config, workers=workers, cache_dir=cache_dir)
            _scorers[key] = scorer
        return scorer


@atexit.register
def _close_all() -> None:
    with _lock:
        mine = [s for k, s in _scorers.items() if k[0] == os.getpid()]
        _scorers.clear()
    for s in mine:
        s.close()
