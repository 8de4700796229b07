"""Training rows from an ICC dataset, in the shapes TRL 1.16 trainers take.

* :func:`sft_rows` — S1 (supervised): conversational *prompt-completion* rows with an
  ``images`` column, one row per task of a sample: ``code`` (image → the program, asked with
  the official STEM2Code prompt) and ``caption`` (image → the code-grounded caption, asked with
  the ``describe`` prompt). TRL's ``SFTTrainer`` puts the image before the user's text and
  computes the loss on the completion only (``DataCollatorForVisionLanguageModeling``,
  trl/trainer/sft_trainer.py).
* :func:`grpo_rows` — R1 (RL): a conversational ``prompt`` (image-to-code only, as the paper's
  R1), one ``image`` and the ``reference`` program, which TRL's ``GRPOTrainer`` hands to the
  reward function as a keyword argument (trl/trainer/grpo_trainer.py, ``_calculate_rewards``).

Prompts are the project's (:mod:`codepercept.models.prompts`), so training, serving and the
benchmark ask the same question. A program is answered as one fenced ```python block, which
is what the benchmark's extractor and the reward's format check look for.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from typing import Any

from codepercept.models.prompts import DESCRIBE, STEM2CODE, Prompt

__all__ = ["TASKS", "code_answer", "grpo_rows", "icc_records", "prompt_messages", "sft_rows"]

#: S1's tasks: image-to-code and captioning (the paper trains both jointly).
TASKS = ("code", "caption")


def code_answer(code: str) -> str:
    """A program as the answer a model is trained to give: one ```python block."""
    return f"```python\n{code.strip(chr(10))}\n```"


def prompt_messages(prompt: Prompt = STEM2CODE) -> list[dict[str, str]]:
    """The system and user messages of ``prompt``, text only (the trainers insert the image
    before the user's text)."""
    out = []
    if prompt.system is not None:
        out.append({"role": "system", "content": prompt.system})
    out.append({"role": "user", "content": prompt.text()})
    return out


def icc_records(data: str | os.PathLike[str], limit: int | None = None) -> list[dict[str, Any]]:
    """The samples of an ICC dataset (``codepercept synth`` and the model pipelines write
    them) that have an image and a program, in dataset order, at most ``limit``."""
    from codepercept.data import read_dataset

    out = []
    for rec in read_dataset(data):
        if rec.get("image") and rec.get("code"):
            out.append(rec)
            if limit is not None and len(out) >= limit:
                break
    return out


def _image(rec: dict[str, Any]) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(rec["image"])).convert("RGB")


def sft_rows(records: Iterable[dict[str, Any]], tasks: Iterable[str] = TASKS) -> Iterator[dict]:
    """S1 rows (see the module docstring): per record, one row per task in ``tasks`` (a record
    without a caption gives no caption row)."""
    tasks = tuple(tasks)
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        raise ValueError(f"unknown tasks {unknown}; choose from {', '.join(TASKS)}")
    for rec in records:
        image = _image(rec)
        if "code" in tasks:
            yield {
                "prompt": prompt_messages(STEM2CODE),
                "completion": [{"role": "assistant", "content": code_answer(rec["code"])}],
                "images": [image],
            }
        caption = rec.get("caption")
        if "caption" in tasks and isinstance(caption, str) and caption.strip():
            yield {
                "prompt": prompt_messages(DESCRIBE),
                "completion": [{"role": "assistant", "content": caption.strip()}],
                "images": [image],
            }


def grpo_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict]:
    """R1 rows (see the module docstring)."""
    for rec in records:
        yield {
            "prompt": prompt_messages(STEM2CODE),
            "image": _image(rec),
            "reference": rec["code"],
            "id": str(rec.get("id", "")),
        }
