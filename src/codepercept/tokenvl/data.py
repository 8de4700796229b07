"""Training and evaluation examples for TokenVL.

An :class:`Examples` set holds every image once, letterboxed to the model's ``image_size``
(uint8, so thousands fit in memory), and one row per question: the prompt's token ids, the
answer's token ids and, where the answer is read from the image, the answer's pixels on the
visual-token grid (for the token-alignment losses).

Two sources:

* **TokenIT** (a directory from ``codepercept tokenit`` or a list of ``TokenSample``): the
  questions come from :func:`codepercept.tokenvl.docqa.make_qa`, which knows each answer's
  exact pixels (its ``evidence``: the mask values of the answer's tokens). An answer gets an
  alignment mask only when the text of its evidence tokens is the answer itself (a count's
  evidence is the counted word, not the digits, so counts are not aligned).
* **A VQA file** (DocVQA, ChartQA, TextVQA, OCRBench formats,
  :func:`codepercept.tokenvl.vqa.load_vqa`): images and answers, no masks; items whose image
  is missing keep their status and are skipped for training.

Answer tokens and evidence tokens are paired position by position when there are as many of
each (the usual case: the answer is one word and its token ids differ only by the leading
space); otherwise every answer token is aligned to the union of the evidence pixels.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from codepercept.tokenvl.lm import TextCodec
from codepercept.tokenvl.model import PROMPT_TEMPLATE

__all__ = ["Batch", "Example", "Examples", "build_examples", "grid_masks", "letterbox"]


@dataclass
class Example:
    """One question about image ``image`` of its set."""

    image: int
    sample_id: str
    question: str
    answers: list[str]
    kind: str
    prompt_ids: list[int]
    answer_ids: list[int]  # the first answer's tokens + end-of-text
    align: np.ndarray | None = None  # (n_answer_tokens, g, g) bool; None: not aligned
    benchmark: str = "tokenit"
    status: str = "ok"  # "ok", or why the item is not trained on / scored (image_missing, …)
    item: Any = None  # the VQAItem a public-format example came from (its metric needs it)


@dataclass
class Examples:
    images: np.ndarray  # (N, S, S, 3) uint8, letterboxed
    rows: list[Example] = field(default_factory=list)
    grid: int = 0

    def __len__(self) -> int:
        return len(self.rows)


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """HxWx3 uint8 → ``size × size`` uint8, scaled to fit (aspect kept), white padding on the
    right and bottom; returns the picture and the scale."""
    from PIL import Image

    img = np.ascontiguousarray(np.asarray(image)[..., :3])
    if img.ndim != 3:
        raise ValueError(f"expected an HxWx3 image, got shape {img.shape}")
    h, w = img.shape[:2]
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    out = np.full((size, size, 3), 255, dtype=np.uint8)
    im = Image.fromarray(img)
    if (nw, nh) != (w, h):
        im = im.resize((nw, nh), Image.BILINEAR)
    out[:nh, :nw] = np.asarray(im)
    return out, scale


def grid_masks(
    mask: np.ndarray, groups: list[list[int]], scale: float, size: int, grid: int
) -> np.ndarray:
    """For each group of mask values, the ``grid × grid`` cells any of its pixels falls in
    after letterboxing (pixel ``(y, x)`` lands in cell ``(⌊y·scale·grid/size⌋, ·)``). Thin
    strokes are never lost to resampling: the mapping is exact."""
    out = np.zeros((len(groups), grid, grid), dtype=bool)
    m = np.asarray(mask)
    for k, values in enumerate(groups):
        ys, xs = np.nonzero(np.isin(m, values))
        if len(ys):
            cy = np.minimum((ys * scale * grid / size).astype(np.int64), grid - 1)
            cx = np.minimum((xs * scale * grid / size).astype(np.int64), grid - 1)
            out[k, cy, cx] = True
    return out


def _prompt(codec: TextCodec, question: str) -> list[int]:
    return codec.encode(PROMPT_TEMPLATE.format(question=question))


def _answer_ids(codec: TextCodec, answer: str) -> list[int]:
    return [*codec.encode(" " + answer.strip()), codec.eos_id]


def _align_groups(record: dict, evidence: tuple[int, ...], answer: str, n_tokens: int):
    """Mask-value groups, one per answer token, or None when the evidence is not the answer."""
    if not evidence:
        return None
    by_value = {t["mask_value"]: t for t in record["tokens"]}
    toks = [by_value.get(v) for v in evidence]
    if any(t is None for t in toks):
        return None
    if "".join(t["token"] for t in toks).strip() != answer.strip():
        return None
    if len(toks) == n_tokens:
        return [[v] for v in evidence]
    return [list(evidence)] * n_tokens


def _tokenit_samples(source) -> Iterator:
    if isinstance(source, str | Path):
        from codepercept.tokenit import read_samples

        path = Path(source)
        if not path.is_dir():
            raise FileNotFoundError(
                f"TokenIT directory {path} does not exist; make one with "
                "`codepercept tokenit --n N --out DIR`"
            )
        yield from read_samples(path)
    else:
        yield from source


def build_examples(
    source: str | Path | Iterable,
    image_size: int,
    grid: int,
    *,
    seed: int = 0,
    per_kind: int = 2,
    kinds: tuple[str, ...] | None = None,
    limit: int | None = None,
    codec: TextCodec | None = None,
) -> Examples:
    """Questions about TokenIT samples (a directory or ``TokenSample`` objects), at most
    ``limit`` samples; deterministic in ``seed`` (sample ``i`` draws its questions from
    ``Random(f"{seed}:{i}")``)."""
    from codepercept.tokenvl.docqa import KINDS, make_qa

    codec = codec or TextCodec()
    images: list[np.ndarray] = []
    rows: list[Example] = []
    for i, s in enumerate(_tokenit_samples(source)):
        if limit is not None and i >= limit:
            break
        qas = make_qa(s.record, random.Random(f"{seed}:{i}"), kinds or KINDS, per_kind)
        if not qas:
            continue
        img, scale = letterbox(s.image, image_size)
        images.append(img)
        for qa in qas:
            ans = _answer_ids(codec, qa.answer)
            groups = _align_groups(s.record, tuple(qa.evidence), qa.answer, len(ans) - 1)
            align = None
            if groups is not None:
                align = grid_masks(s.mask, groups, scale, image_size, grid)
                if not align.any():
                    align = None
            rows.append(
                Example(
                    len(images) - 1,
                    str(s.id),
                    qa.question,
                    [qa.answer],
                    qa.kind,
                    _prompt(codec, qa.question),
                    ans,
                    align,
                )
            )
    stack = np.stack(images) if images else np.zeros((0, image_size, image_size, 3), np.uint8)
    return Examples(stack, rows, grid)


def vqa_examples(
    items: Iterable, image_size: int, grid: int, codec: TextCodec | None = None
) -> Examples:
    """Examples from :class:`codepercept.tokenvl.vqa.VQAItem` rows (no alignment masks). An
    item whose image is missing or unreadable keeps a status other than ``ok`` and has no
    image (index -1); an item of a test split (``no_answers``) has its image, so it is
    answered, but it is neither trained on nor scored."""
    from PIL import Image, UnidentifiedImageError

    codec = codec or TextCodec()
    items = list(items)
    pages = _tokenit_pages(items, image_size)
    images: list[np.ndarray] = []
    rows: list[Example] = []
    for it in items:
        idx, status = -1, it.status
        if status in ("ok", "no_answers") and it.image is None:  # our own QA rows
            key = (it.meta.get("tokenit_dir"), it.meta.get("sample_id"))
            if key in pages:
                images.append(pages[key])
                idx = len(images) - 1
            else:
                status = "image_missing"
        elif status in ("ok", "no_answers"):  # a test split is answered, not scored
            try:
                with Image.open(it.image) as im:
                    arr = np.asarray(im.convert("RGB"))
                images.append(letterbox(arr, image_size)[0])
                idx = len(images) - 1
            except (OSError, UnidentifiedImageError, ValueError):
                status = "image_unreadable"
        answers = [str(a) for a in it.answers] or [""]
        rows.append(
            Example(
                idx,
                it.id,
                it.question,
                answers,
                it.category,
                _prompt(codec, it.question),
                _answer_ids(codec, answers[0]),
                None,
                it.benchmark,
                status,
                it,
            )
        )
    stack = np.stack(images) if images else np.zeros((0, image_size, image_size, 3), np.uint8)
    return Examples(stack, rows, grid)


def _tokenit_pages(items: list, image_size: int) -> dict[tuple[str, str], np.ndarray]:
    """The letterboxed pages that QA rows of the ``tokenit`` format name, read in one pass
    over each TokenIT directory (rows without a directory get none)."""
    from codepercept.tokenit import read_samples

    wanted: dict[str, set[str]] = {}
    for it in items:
        d, sid = it.meta.get("tokenit_dir"), it.meta.get("sample_id")
        if it.image is None and d and sid is not None:
            wanted.setdefault(d, set()).add(str(sid))
    pages = {}
    for d, ids in wanted.items():
        for s in read_samples(d):
            if str(s.id) in ids:
                pages[(d, str(s.id))] = letterbox(s.image, image_size)[0]
    return pages


@dataclass
class Batch:
    """A right-padded batch: ``images`` ``(B, S, S, 3)`` uint8; ``ids``/``mask`` ``(B, L)``;
    ``targets`` ``(B, L)`` = the next token at answer positions, -100 elsewhere; alignment:
    ``align_rows`` (batch index), ``align_pos`` (text position of the answer token),
    ``align_masks`` ``(K, g·g)`` float."""

    images: torch.Tensor
    ids: torch.Tensor
    mask: torch.Tensor
    targets: torch.Tensor
    align_rows: torch.Tensor
    align_pos: torch.Tensor
    align_masks: torch.Tensor


def collate(ex: Examples, idx: list[int]) -> Batch:
    rows = [ex.rows[i] for i in idx]
    seqs = [r.prompt_ids + r.answer_ids for r in rows]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width, dtype=torch.long)
    targets = torch.full((len(rows), width), -100, dtype=torch.long)
    a_rows: list[int] = []
    a_pos: list[int] = []
    a_masks: list[np.ndarray] = []
    for b, (r, s) in enumerate(zip(rows, seqs, strict=True)):
        ids[b, : len(s)] = torch.tensor(s)
        mask[b, : len(s)] = 1
        p = len(r.prompt_ids)
        # position t predicts token t + 1: the last prompt token predicts the first answer token
        targets[b, p - 1 : len(s) - 1] = torch.tensor(r.answer_ids)
        if r.align is not None:
            for j in range(r.align.shape[0]):
                if r.align[j].any():
                    a_rows.append(b)
                    a_pos.append(p + j)
                    a_masks.append(r.align[j].reshape(-1))
    g2 = ex.grid * ex.grid
    return Batch(
        torch.from_numpy(ex.images[[r.image for r in rows]]),
        ids,
        mask,
        targets,
        torch.tensor(a_rows, dtype=torch.long),
        torch.tensor(a_pos, dtype=torch.long),
        torch.from_numpy(np.stack(a_masks)).float() if a_masks else torch.zeros(0, g2),
    )
