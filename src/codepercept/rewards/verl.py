"""verl reward functions (checked against verl 0.9.1 and 0.8.0: ``verl/trainer/ppo/reward.py``
``get_custom_reward_fn``, ``verl/utils/import_utils.py`` ``load_extern_object``,
``verl/experimental/reward_loop/reward_manager/{base,naive}.py``).

**Per sample** (the default ``naive`` reward manager of verl's reward loop)::

    reward.custom_reward_function.path=pkg://codepercept.rewards.verl   # verl >= 0.8
    reward.custom_reward_function.name=compute_score                   # or compute_score_async
    +reward.custom_reward_function.reward_kwargs.weights.image=0.5     # optional settings

``compute_score(data_source, solution_str, ground_truth, extra_info, **kwargs)`` returns a dict
with ``score`` and every component (verl logs every key; strings are left out so that its
metric reduction stays numeric). ``ground_truth`` is the reference program
(``reward_model.ground_truth`` in the parquet). An ``async def`` is awaited by the naive manager
directly; the sync one runs in its thread pool. Keyword settings (``reward_kwargs``):
``weights``, ``timeout_s``, ``dpi``, ``memory_mb``, ``workers``.

**Per group**, for users who want a group's completions scored together (the old ``batch``
manager is not in the 0.9 reward loop's registry): :class:`CodeperceptRewardManager`, a
``RewardManagerBase`` subclass, loaded with::

    reward.reward_manager.source=importlib
    reward.reward_manager.name=CodeperceptRewardManager
    reward.reward_manager.module.path=pkg://codepercept.rewards.verl_manager

(it lives in its own module because it subclasses a verl class and needs verl installed).

Config keys moved in 0.8 (``custom_reward_function.*`` → ``reward.custom_reward_function.*``,
``reward_model.reward_manager`` → ``reward.reward_manager.*``); verl 0.9.1 still parses the old
ones but ignores them, so a 0.7-style config silently trains with the default scorer there.
"""

from __future__ import annotations

from typing import Any

from codepercept.rewards.core import COMPONENTS, Reward
from codepercept.rewards.shared import config_from, shared_scorer

__all__ = ["compute_score", "compute_score_async", "verl_result"]

_SETTINGS = ("weights", "timeout_s", "dpi", "memory_mb")


def _scorer(kwargs: dict[str, Any]) -> Any:
    settings = {k: kwargs[k] for k in _SETTINGS if k in kwargs}
    workers = kwargs.get("workers")
    return shared_scorer(config_from(settings), int(workers) if workers else None)


def verl_result(reward: Reward) -> dict[str, float]:
    """The dict verl expects: ``score`` plus numeric extras (components and outcome flags)."""
    out: dict[str, float] = {"score": reward.total}
    out.update({k: reward.components[k] for k in COMPONENTS})
    out["exec_ok"] = float(reward.status == "ok")
    out["guarded"] = float(reward.status in ("giant_literal", "raster"))
    out["timeout"] = float(reward.status == "timeout")
    out["bad_reference"] = float(reward.status == "bad_reference")
    return out


def compute_score(
    data_source: Any = None,
    solution_str: Any = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **kwargs: Any,
) -> dict[str, float]:
    """verl's custom reward function: one response against its reference program."""
    return verl_result(_scorer(kwargs).score_one(solution_str, ground_truth))


async def compute_score_async(
    data_source: Any = None,
    solution_str: Any = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **kwargs: Any,
) -> dict[str, float]:
    """:func:`compute_score`, awaited on the reward loop's event loop."""
    return verl_result(await _scorer(kwargs).ascore_one(solution_str, ground_truth))
