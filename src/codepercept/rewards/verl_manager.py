"""A verl reward manager that scores with codepercept (needs verl >= 0.8 installed).

Load it with ``reward.reward_manager.source=importlib``,
``reward.reward_manager.name=CodeperceptRewardManager`` and
``reward.reward_manager.module.path=pkg://codepercept.rewards.verl_manager``.

verl 0.9's reward loop hands a manager one sample at a time (``run_single``), from many
concurrent tasks. This manager decodes the response as verl's naive manager does (checked
against verl 0.9.1 ``verl/experimental/reward_loop/reward_manager/naive.py``) and awaits
:meth:`RewardScorer.ascore_one` on the loop: the completions of one group that arrive together
share one reference preparation and one run per distinct program (the scorer's single-flight
caches), which is what a batch manager was for, without holding samples back.
Settings come from ``reward.reward_kwargs`` / the environment (see
:mod:`codepercept.rewards.shared`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase

from codepercept.rewards.verl import _scorer, verl_result

__all__ = ["CodeperceptRewardManager"]


class CodeperceptRewardManager(RewardManagerBase):
    """verl ``RewardManagerBase`` scoring image-to-code responses against
    ``reward_model.ground_truth`` (the reference program)."""

    def __init__(
        self, config: Any, tokenizer: Any, compute_score: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(config, tokenizer, compute_score)
        self.settings = dict(kwargs.get("reward_kwargs") or {})

    async def run_single(self, data: Any) -> dict[str, Any]:
        item = data[-1:][0]
        response_ids = item.batch["responses"]
        n = int(item.batch["attention_mask"][-response_ids.shape[-1] :].sum())
        # the running loop, not the one captured at construction (a manager made outside
        # the loop that awaits it must still work)
        text = await asyncio.get_running_loop().run_in_executor(
            None, lambda: self.tokenizer.decode(response_ids[:n], skip_special_tokens=True)
        )
        reference = item.non_tensor_batch["reward_model"]["ground_truth"]
        reward = await _scorer(self.settings).ascore_one(text, reference)
        extra = verl_result(reward)
        return {"reward_score": extra["score"], "reward_extra_info": extra}
