"""ms-swift GRPO reward plugins (checked against ms-swift 4.6.0: ``swift/rewards/orm.py``,
``swift/utils/utils.py`` ``import_external_file``, ``swift/rlhf_trainers/grpo_trainer.py``
``_prepare_rewards``).

ms-swift instantiates every entry of ``swift.rewards.orms`` named by ``--reward_funcs`` as
``cls(args=GRPOConfig)`` and calls it with the completions **positionally** (the content of
the last message) and each dataset column as a keyword list. Its async rewards run under
``asyncio.run`` on every scoring call: a fresh event loop per step, so nothing here holds a
loop-bound object between calls (the scorer binds nothing to a loop).

Use: ``python -m codepercept.rewards.swift > plugin.py`` writes the plugin file (two lines:
it imports :func:`register` and calls it), then::

    swift rlhf --rlhf_type grpo --external_plugins plugin.py \\
        --reward_funcs codepercept [--reward_weights 1.0] ...

with the reference program in the dataset column ``reference`` (``CODEPERCEPT_REWARD_COLUMN``
names another). ``codepercept_async`` is the :class:`AsyncORM` form.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from codepercept.rewards.trl import AsyncCodeperceptReward, CodeperceptReward

__all__ = ["PLUGIN", "register"]

#: The whole plugin file a user passes to ``--external_plugins``.
PLUGIN = '''"""codepercept rewards for ms-swift GRPO (--reward_funcs codepercept | codepercept_async)."""
from codepercept.rewards.swift import register

register()
'''


def register() -> None:
    """Register ``codepercept`` (an ORM) and ``codepercept_async`` (an AsyncORM) in
    ``swift.rewards.orms``."""
    from swift.rewards import ORM, AsyncORM, orms

    column = os.environ.get("CODEPERCEPT_REWARD_COLUMN", "reference")

    class CodeperceptORM(ORM):
        def __init__(self, args: Any = None, **kwargs: Any) -> None:
            super().__init__(args, **kwargs)
            self.reward = CodeperceptReward(column=column)

        def __call__(self, completions: Sequence[Any], **kwargs: Any) -> list[float | None]:
            return self.reward(completions=completions, **kwargs)

    class CodeperceptAsyncORM(AsyncORM):
        def __init__(self, args: Any = None, **kwargs: Any) -> None:
            super().__init__(args, **kwargs)
            self.reward = AsyncCodeperceptReward(column=column)

        async def __call__(self, completions: Sequence[Any], **kwargs: Any) -> list[float | None]:
            return await self.reward(completions=completions, **kwargs)

    orms["codepercept"] = CodeperceptORM
    orms["codepercept_async"] = CodeperceptAsyncORM


if __name__ == "__main__":
    print(PLUGIN, end="")
