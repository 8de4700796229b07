"""codepercept.train — training data and recipes for trainers (ms-swift, LLaMA-Factory, TRL,
verl).

Modules: ``export`` (ICC datasets as SFT data for each trainer), ``tiny`` (a tiny random
Qwen2.5-VL built offline, for tests and CPU runs), ``rows`` (ICC samples as TRL rows),
``recipes`` (S1 = SFT and R1 = GRPO with codepercept's reward, on TRL), ``emit`` (the same runs
as ms-swift / verl configs for GPUs), ``generate`` (batched answers of a checkpoint), ``cli``
(the ``train`` sub-app). Names are re-exported lazily, so importing the package loads none of
its modules.
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
    from codepercept.train.export import EXPORT_FORMATS, TASKS, export_sft, group_key
    from codepercept.train.recipes import GRPOSettings, SFTSettings, run_grpo, run_sft
    from codepercept.train.tiny import build_tiny_vlm, load_vlm

__all__ = [
    "EXPORT_FORMATS",
    "TASKS",
    "GRPOSettings",
    "SFTSettings",
    "build_tiny_vlm",
    "export_sft",
    "group_key",
    "load_vlm",
    "run_grpo",
    "run_sft",
]

__getattr__ = lazy_getattr(
    __name__,
    {
        "EXPORT_FORMATS": "export",
        "TASKS": "export",
        "export_sft": "export",
        "group_key": "export",
        "GRPOSettings": "recipes",
        "SFTSettings": "recipes",
        "run_grpo": "recipes",
        "run_sft": "recipes",
        "build_tiny_vlm": "tiny",
        "load_vlm": "tiny",
    },
)
