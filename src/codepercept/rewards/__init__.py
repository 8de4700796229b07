"""codepercept.rewards — verifiable rewards for training models to write figure code.

* :class:`RewardScorer` — rewards completions against reference programs (sync and async):
  format, execution, visual similarity and structural similarity, with guards against the
  reward hacks a policy finds (see :mod:`codepercept.rewards.core` and ``docs/rewards.md``).
* Framework adapters: :mod:`codepercept.rewards.trl`, :mod:`codepercept.rewards.verl`,
  :mod:`codepercept.rewards.swift`, :mod:`codepercept.rewards.openrlhf`.
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
    from codepercept.rewards.core import (
        COMPONENTS,
        DEFAULT_WEIGHTS,
        BadReference,
        Reference,
        Reward,
        RewardConfig,
        RewardScorer,
        check_format,
    )
    from codepercept.rewards.guards import GuardConfig

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "BadReference",
    "GuardConfig",
    "Reference",
    "Reward",
    "RewardConfig",
    "RewardScorer",
    "check_format",
]

__getattr__ = lazy_getattr(
    __name__, {name: "guards" if name == "GuardConfig" else "core" for name in __all__}
)
