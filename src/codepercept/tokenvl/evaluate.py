"""Answering and scoring: greedy answers for every example, scored with the metric of its
benchmark (exact match and ANLS for questions generated from TokenIT; ANLS, relaxed accuracy,
VQA accuracy or OCRBench matching for the public formats, see :mod:`codepercept.tokenvl.vqa`).

Every item ends with a record ``{"id", "question", "answers", "prediction", "kind",
"benchmark", "status", "score", "exact", "anls"}``; items without an image keep their status
and score 0 (they count in the denominators: a missing image is not a free pass).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import torch

from codepercept.tokenocr.model import normalize_images
from codepercept.tokenvl.data import Examples, letterbox
from codepercept.tokenvl.lm import TextCodec
from codepercept.tokenvl.model import PROMPT_TEMPLATE, TokenVL

__all__ = ["answer", "answer_examples", "iter_answers", "score_records"]


def answer_examples(
    model: TokenVL,
    ex: Examples,
    codec: TextCodec | None = None,
    batch_size: int = 16,
    max_new: int | None = None,
    device: str = "cpu",
) -> list[dict]:
    """Records (see the module docstring) for every example of ``ex``, in order."""
    return [r for _, r in iter_answers(model, ex, codec, batch_size, max_new, device)]


def _record(r, pred: str | None) -> dict:
    """A public-format item's record is :func:`codepercept.tokenvl.vqa.make_record`'s (its
    benchmark's score, category, dataset), so :func:`~codepercept.tokenvl.vqa.summarise` reads
    it; a generated question's is the same shape, scored by exact match."""
    from codepercept.tokenvl.vqa import anls, exact_match, make_record

    ok = pred is not None and r.status == "ok"
    if r.item is not None:
        rec = make_record(r.item, pred, status=r.status)
    else:
        rec = {
            "benchmark": r.benchmark,
            "id": r.sample_id,
            "category": r.kind,
            "categories": [r.kind],
            "dataset": "",
            "status": r.status,
            "score": exact_match(pred, r.answers) if ok else 0.0,
        }
    rec.update(
        id=r.sample_id,
        question=r.question,
        answers=r.answers,
        prediction=pred,
        kind=r.kind,
        exact=float(exact_match(pred, r.answers)) if ok else 0.0,
        anls=float(anls(pred, r.answers)) if ok else 0.0,
    )
    return rec


@torch.no_grad()
def iter_answers(
    model: TokenVL,
    ex: Examples,
    codec: TextCodec | None = None,
    batch_size: int = 16,
    max_new: int | None = None,
    device: str = "cpu",
    skip: Iterable[int] = (),
) -> Iterator[tuple[int, dict]]:
    """``(index, record)`` for every example not in ``skip``, in index order, a batch of
    greedy answers at a time (a caller that writes each record as it comes can resume)."""
    codec = codec or TextCodec()
    model.eval()
    max_new = max_new or model.cfg.max_answer_tokens
    done = set(skip)
    todo = [i for i in range(len(ex.rows)) if i not in done]
    for k in range(0, len(todo), batch_size):
        chunk = todo[k : k + batch_size]
        usable = [i for i in chunk if ex.rows[i].image >= 0]
        preds: dict[int, str] = {}
        if usable:
            imgs = torch.from_numpy(ex.images[[ex.rows[i].image for i in usable]]).to(device)
            outs = model.generate(
                normalize_images(imgs),
                [ex.rows[i].prompt_ids for i in usable],
                codec.eos_id,
                max_new,
            )
            preds = {i: codec.decode(ids).strip() for i, ids in zip(usable, outs, strict=True)}
        for i in chunk:
            yield i, _record(ex.rows[i], preds.get(i))


def score_records(records: list[dict]) -> dict:
    """Means of ``score``, ``exact`` and ``anls`` overall, per benchmark and per kind."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        groups["all"].append(r)
        groups[f"benchmark:{r['benchmark']}"].append(r)
        if r.get("kind"):
            groups[f"kind:{r['kind']}"].append(r)
    return {
        name: {
            "n": len(rs),
            "score": float(np.mean([r["score"] for r in rs])),
            "exact": float(np.mean([r["exact"] for r in rs])),
            "anls": float(np.mean([r["anls"] for r in rs])),
        }
        for name, rs in sorted(groups.items())
    }


@torch.no_grad()
def answer(
    model: TokenVL,
    image: np.ndarray | str | Path,
    question: str,
    codec: TextCodec | None = None,
    max_new: int | None = None,
) -> str:
    """One greedy answer to ``question`` about ``image`` (an HxWx3 array or an image file)."""
    from PIL import Image

    codec = codec or TextCodec()
    if not isinstance(image, np.ndarray):
        with Image.open(image) as im:
            image = np.asarray(im.convert("RGB"))
    img, _ = letterbox(image, model.cfg.image_size)
    dev = next(model.parameters()).device
    x = normalize_images(torch.from_numpy(img).unsqueeze(0).to(dev))
    ids = codec.encode(PROMPT_TEMPLATE.format(question=question))
    out = model.eval().generate(x, [ids], codec.eos_id, max_new or model.cfg.max_answer_tokens)
    return codec.decode(out[0]).strip()
