"""Answers of a local checkpoint to the image-to-code prompt, batched, for evaluating a trained
model on held-out figures (``benchmarks/train_cpu.py``; ``codepercept serve --backend hf:PATH``
serves one request at a time instead).

The conversation is the one the recipes train on (:func:`codepercept.train.rows.prompt_messages`
with the image before the user's text, as TRL inserts it), rendered by the checkpoint's chat
template with the generation prompt.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

from codepercept.models.prompts import STEM2CODE, Prompt

__all__ = ["generate_answers"]


def _conversation(image: Any, prompt: Prompt) -> list[dict[str, Any]]:
    from codepercept.train.rows import prompt_messages

    out = []
    for m in prompt_messages(prompt):
        blocks: list[dict[str, Any]] = [{"type": "text", "text": m["content"]}]
        if m["role"] == "user":
            blocks.insert(0, {"type": "image", "image": image})
        out.append({"role": m["role"], "content": blocks})
    return out


def generate_answers(
    model: str | os.PathLike[str],
    images: Sequence[bytes],
    *,
    samples: int = 1,
    max_new_tokens: int = 1024,
    temperature: float = 1.0,
    seed: int = 0,
    batch_size: int = 8,
    prompt: Prompt = STEM2CODE,
) -> list[list[str]]:
    """``samples`` answers per image (PNG bytes) from the checkpoint ``model``: sampled at
    ``temperature`` (greedy when 0), each batch seeded from ``seed`` so a call is reproducible.
    Returns one list of answers per image, in order."""
    import torch
    from PIL import Image

    from codepercept.train.tiny import load_vlm

    if samples < 1 or batch_size < 1 or max_new_tokens < 1:
        raise ValueError("samples, batch_size and max_new_tokens must be at least 1")
    vlm, processor = load_vlm(model)
    vlm.eval()
    jobs = [(i, Image.open(io.BytesIO(png)).convert("RGB")) for i, png in enumerate(images)]
    jobs = [job for job in jobs for _ in range(samples)]
    out: list[list[str]] = [[] for _ in images]
    kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens, "do_sample": temperature > 0}
    if temperature > 0:
        kwargs.update(temperature=temperature, top_p=1.0, top_k=0)
    for start in range(0, len(jobs), batch_size):
        batch = jobs[start : start + batch_size]
        enc = processor.apply_chat_template(
            [_conversation(img, prompt) for _, img in batch],
            add_generation_prompt=True,
            tokenize=True,
            return_dict=True,
            return_tensors="pt",
            processor_kwargs={"padding": True, "padding_side": "left"},
        )
        torch.manual_seed(seed + start)
        with torch.inference_mode():
            ids = vlm.generate(**enc, **kwargs)
        texts = processor.batch_decode(
            ids[:, enc["input_ids"].shape[1] :], skip_special_tokens=True
        )
        for (i, _), text in zip(batch, texts, strict=True):
            out[i].append(text)
    return out
