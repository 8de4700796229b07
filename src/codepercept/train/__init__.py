"""codepercept.train — training data and recipes for trainers (ms-swift, LLaMA-Factory, TRL).

Names are re-exported lazily, so importing the package loads none of its modules.
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
    from codepercept.train.export import EXPORT_FORMATS, TASKS, export_sft, group_key

__all__ = ["EXPORT_FORMATS", "TASKS", "export_sft", "group_key"]

__getattr__ = lazy_getattr(
    __name__,
    {"EXPORT_FORMATS": "export", "TASKS": "export", "export_sft": "export", "group_key": "export"},
)
