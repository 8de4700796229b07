"""codepercept.train — training on ICC data (needs torch, transformers, trl).

Modules: ``tiny`` (a tiny random Qwen2.5-VL built offline, for tests and CPU runs), ``rows``
(ICC samples as TRL rows), ``recipes`` (S1 = SFT and R1 = GRPO with codepercept's reward, on
TRL), ``emit`` (the same runs as ms-swift / verl configs for GPUs), ``cli`` (the ``train``
sub-app). This package module imports nothing heavy.
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
    from codepercept.train.recipes import GRPOSettings, SFTSettings, run_grpo, run_sft
    from codepercept.train.tiny import build_tiny_vlm, load_vlm

__all__ = ["GRPOSettings", "SFTSettings", "build_tiny_vlm", "load_vlm", "run_grpo", "run_sft"]

__getattr__ = lazy_getattr(
    __name__,
    {
        "GRPOSettings": "recipes",
        "SFTSettings": "recipes",
        "run_grpo": "recipes",
        "run_sft": "recipes",
        "build_tiny_vlm": "tiny",
        "load_vlm": "tiny",
    },
)
