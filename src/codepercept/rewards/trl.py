"""TRL ``GRPOTrainer`` reward functions (checked against trl 1.16.0, ``trl/trainer/grpo_trainer.py``
``_calculate_rewards`` and ``trl/trainer/utils.py`` ``is_async_callable``/``get_callable_name``).

TRL calls each reward function with keyword arguments only: ``prompts``, ``completions``,
``completion_ids``, every dataset column except ``prompt`` (one value per completion),
``trainer_state``, and since 1.0 ``log_extra(column, values)`` and ``log_metric(name, value)``.
Conversational completions are ``[{"role": "assistant", "content": ...}]``; the content may be
a string or a list of typed blocks. A ``None`` reward becomes NaN and is skipped for that row.

Use::

    from codepercept.rewards.trl import image2code_reward          # sync
    from codepercept.rewards.trl import aimage2code_reward         # async (TRL >= 0.27 gathers it)
    GRPOTrainer(..., reward_funcs=[image2code_reward])

with the reference program in the dataset column ``reference`` (another name:
``CodeperceptReward(column="code")``). One reward per component, for TRL's own
``reward_weights``: ``[CodeperceptReward(component=c) for c in COMPONENTS]`` (the program runs
once; the others are cache hits). Both forms pickle (TRL's form rules). A reference that does
not run gives ``None`` (skipped, and logged once), never a silent zero; check references
before training with :meth:`RewardScorer.prepare_many`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from codepercept.rewards.core import COMPONENTS, Reward, RewardConfig
from codepercept.rewards.shared import shared_scorer

__all__ = ["AsyncCodeperceptReward", "CodeperceptReward", "aimage2code_reward",
           "completion_text", "image2code_reward"]  # fmt: skip

log = logging.getLogger(__name__)
_warned: set[str] = set()


def completion_text(completion: Any) -> Any:
    """The text of one completion as a trainer hands it over: a string, a conversational
    message list (the last message's content), or content as typed blocks (their text joined).
    Anything else is returned as is (and then scored ``bad_input``)."""
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        completion = completion[-1].get("content")
    if isinstance(completion, dict):
        completion = completion.get("content")
    if isinstance(completion, list):
        texts = [
            b.get("text") for b in completion if isinstance(b, dict) and b.get("type") == "text"
        ]
        if all(isinstance(t, str) for t in texts) and texts:
            return "".join(texts)
    return completion


class CodeperceptReward:
    """A TRL reward function over the image-to-code task (see the module docstring).

    Args:
        column: the dataset column holding each prompt's reference program.
        component: return one component instead of the total (``format``, ``execution``,
            ``image`` or ``scene``).
        config: the reward's weights and limits (default: the environment, then defaults; see
            :mod:`codepercept.rewards.shared`).
        workers: sandbox workers in this process.
    """

    def __init__(
        self,
        column: str = "reference",
        component: str | None = None,
        config: RewardConfig | None = None,
        workers: int | None = None,
    ) -> None:
        if component is not None and component not in COMPONENTS:
            raise ValueError(f"component must be one of {list(COMPONENTS)}, got {component!r}")
        self.column = column
        self.component = component
        self.config = config
        self.workers = workers
        self.__name__ = f"codepercept_{component}" if component else "codepercept"

    def _inputs(
        self, completions: Sequence[Any], kwargs: dict[str, Any]
    ) -> tuple[list[Any], list[Any]]:
        refs = kwargs.get(self.column)
        if refs is None:
            columns = sorted(k for k in kwargs if k not in ("trainer_state", "log_extra", "log_metric",
                                                            "completion_ids", "prompts"))  # fmt: skip
            raise KeyError(
                f"the reward needs the reference program in dataset column {self.column!r}; the "
                f"dataset has {columns}: name the column with CodeperceptReward(column=...)"
            )
        return [completion_text(c) for c in completions], list(refs)

    def _values(self, rewards: list[Reward], kwargs: dict[str, Any]) -> list[float | None]:
        out: list[float | None] = []
        for r in rewards:
            if r.status == "bad_reference":
                if r.reason not in _warned:
                    _warned.add(r.reason)
                    log.warning("reward skipped (None): %s", r.reason)
                out.append(None)
            else:
                out.append(r.components[self.component] if self.component else r.total)
        if self.component is None:
            _log(rewards, kwargs.get("log_metric"), kwargs.get("log_extra"))
        return out

    def __call__(self, *, completions: Sequence[Any], **kwargs: Any) -> list[float | None]:
        texts, refs = self._inputs(completions, kwargs)
        scorer = shared_scorer(self.config, self.workers)
        return self._values(scorer.score(texts, refs), kwargs)


class AsyncCodeperceptReward(CodeperceptReward):
    """:class:`CodeperceptReward` as an ``async def __call__`` (TRL >= 0.27 awaits it on its
    own loop, beside other async reward functions)."""

    async def __call__(self, *, completions: Sequence[Any], **kwargs: Any) -> list[float | None]:  # type: ignore[override]
        texts, refs = self._inputs(completions, kwargs)
        scorer = shared_scorer(self.config, self.workers)
        return self._values(await scorer.ascore(texts, refs), kwargs)


def _log(
    rewards: list[Reward],
    log_metric: Callable[[str, float], None] | None,
    log_extra: Callable[[str, list[Any]], None] | None,
) -> None:
    """Component means and outcome rates as metrics; status and reason per completion as
    columns of TRL's completions table (where this TRL has the hooks: 1.0 and later)."""
    if not rewards:
        return
    n = len(rewards)
    if callable(log_metric):
        for k in COMPONENTS:
            log_metric(f"codepercept/{k}", sum(r.components[k] for r in rewards) / n)
        counts = Counter(r.status for r in rewards)
        log_metric("codepercept/exec_rate", counts.get("ok", 0) / n)
        guarded = sum(counts.get(s, 0) for s in ("giant_literal", "raster"))
        log_metric("codepercept/guarded_rate", guarded / n)
        log_metric("codepercept/timeout_rate", counts.get("timeout", 0) / n)
    if callable(log_extra):
        log_extra("codepercept_status", [r.status for r in rewards])
        log_extra("codepercept_reason", [r.reason for r in rewards])


#: ``reward_funcs=[image2code_reward]``: the total reward, reference in column ``reference``.
image2code_reward = CodeperceptReward()
#: The same, awaited by TRL (>= 0.27) on its reward loop.
aimage2code_reward = AsyncCodeperceptReward()
