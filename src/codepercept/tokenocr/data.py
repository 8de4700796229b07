"""Samples for TokenOCR: one loader for TokenIT directories and in-memory synthetic samples,
and the crop sampler that turns samples into training batches.

Every consumer goes through :func:`iter_samples` (a directory written by
``codepercept.tokenit.generate`` or a list of :class:`OcrSample`), so TokenIT and the synthetic
samples used in tests are interchangeable.

A :class:`Batch` holds fixed-size crops (``tile_size`` square, native resolution) and, per crop,
up to ``max_tokens`` token masks already resized to the feature resolution and binarised
(area fraction > 0), plus optional background boxes labelled with the space token.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = [
    "Batch",
    "CropLoader",
    "CropSampler",
    "DataInfo",
    "OcrSample",
    "OcrToken",
    "data_info",
    "feature_masks",
    "iter_samples",
    "synthetic_samples",
    "token_counts",
    "token_ids",
]


@dataclass(frozen=True)
class OcrToken:
    """One token occurrence: its global id, its value in the mask image, its string."""

    token_id: int
    mask_value: int
    text: str
    bbox: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 (exclusive) of its ink


@dataclass
class OcrSample:
    """An image (HxWx3 uint8), its instance mask (HxW, 0 = background) and its visible tokens
    (whitespace tokens dropped; a token may still own no pixels)."""

    id: str
    image: np.ndarray
    mask: np.ndarray
    tokens: list[OcrToken]
    tokenizer: str | None = None


@dataclass(frozen=True)
class DataInfo:
    """What training needs to know about a data source's tokenizer."""

    vocab_size: int
    space_id: int
    tokenizer: str | None


# ---------------------------------------------------------------------------------- sources


def _from_tokenit(s) -> OcrSample:
    toks = [
        OcrToken(
            int(t["token_id"]),
            int(t["mask_value"]),
            t["token"],
            tuple(t["bbox"]) if t.get("bbox") else None,
        )
        for t in s.record["tokens"]
        if not t.get("whitespace") and t.get("mask_value")
    ]
    return OcrSample(str(s.id), s.image, s.mask, toks, s.record.get("tokenizer"))


def iter_samples(
    source: str | Path | Iterable[OcrSample], limit: int | None = None
) -> Iterator[OcrSample]:
    """Samples from a TokenIT directory (via ``codepercept.tokenit.read_samples``) or from an
    iterable of :class:`OcrSample`. At most ``limit`` samples."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(
                f"data directory {path} does not exist; make one with "
                "`codepercept tokenit --n N --out DIR`"
            )
        try:
            from codepercept.tokenit import read_samples
        except ImportError as exc:
            raise ImportError(
                "reading a TokenIT directory needs codepercept.tokenit.read_samples"
            ) from exc
        it: Iterator[OcrSample] = (_from_tokenit(s) for s in read_samples(path))
    else:
        it = iter(source)
    for i, s in enumerate(it):
        if limit is not None and i >= limit:
            return
        yield s


def token_counts(source: str | Path | Iterable[OcrSample], limit: int | None = None) -> Counter:
    """How often each visible token id occurs in the first ``limit`` samples. A TokenIT
    directory is read from its records alone (no image or mask is decoded), so scanning
    thousands of samples takes seconds."""
    if not isinstance(source, str | Path):
        return Counter(t.token_id for s in iter_samples(source, limit) for t in s.tokens)
    from codepercept.data import read_dataset

    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"data directory {path} does not exist")
    out: Counter = Counter()
    for i, row in enumerate(read_dataset(path)):
        if limit is not None and i >= limit:
            break
        out.update(
            int(t["token_id"])
            for t in row["record"]["tokens"]
            if not t.get("whitespace") and t.get("mask_value")
        )
    return out


def token_ids(source: str | Path | Iterable[OcrSample], limit: int | None = None) -> set[int]:
    """The ids of the visible tokens of the first ``limit`` samples (see :func:`token_counts`)."""
    return set(token_counts(source, limit))


def data_info(source: str | Path | Iterable[OcrSample]) -> DataInfo:
    """Vocabulary size and space-token id of the source's tokenizer (read from its first
    sample; the synthetic tokenizer is ``"synthetic"``)."""
    first = next(iter_samples(source, limit=1), None)
    if first is None:
        raise ValueError(f"no samples in {source}")
    name = first.tokenizer
    if name == "synthetic":
        return DataInfo(len(SYNTH_VOCAB), 0, name)
    from codepercept.tokenit.tokenizer import load_tokenizer

    tok = load_tokenizer(name or "qwen")
    return DataInfo(int(tok.n_vocab), int(tok.encode(" ")[0]), name)


# -------------------------------------------------------------------------------- synthetic

#: A word-level toy vocabulary: id 0 is the space token; words carry their leading space.
SYNTH_VOCAB = [" "] + [
    " " + w
    for w in (
        [
            "cat",
            "dog",
            "sun",
            "map",
            "red",
            "box",
            "sky",
            "tree",
            "rain",
            "fish",
            "moon",
            "king",
            "ant",
            "owl",
            "pen",
            "cup",
        ]
    )
]


def synthetic_samples(n: int, seed: int = 0, size: tuple[int, int] = (64, 96)) -> list[OcrSample]:
    """``n`` small images of 2–4 words from :data:`SYNTH_VOCAB` drawn with DejaVu Sans, each
    word its own mask value. Deterministic in ``seed``. For tests and smoke runs."""
    from PIL import Image, ImageDraw, ImageFont

    from codepercept.tokenit.canvas import font_catalog

    font_path = font_catalog()["sans"]  # matplotlib's DejaVuSans.ttf
    rng = random.Random(seed)
    h, w = size
    out = []
    for i in range(n):
        img = Image.new("RGB", (w, h), tuple(rng.randint(200, 255) for _ in range(3)))
        mask = np.zeros((h, w), np.uint16)
        toks: list[OcrToken] = []
        font = ImageFont.truetype(str(font_path), rng.randint(14, 18))
        y = rng.randint(1, 6)
        value = 0
        while y + 18 < h:
            x = rng.randint(1, 8)
            while True:
                tid = rng.randrange(1, len(SYNTH_VOCAB))
                word = SYNTH_VOCAB[tid].strip()
                x1 = font.getbbox(word)[2]
                if x + x1 > w - 1:
                    break
                layer = Image.new("L", (w, h), 0)
                ImageDraw.Draw(layer).text((x, y), word, font=font, fill=255)
                ink = np.asarray(layer) > 100
                value += 1
                mask[ink & (mask == 0)] = value
                ImageDraw.Draw(img).text((x, y), word, font=font, fill=(0, 0, 0))
                toks.append(OcrToken(tid, value, SYNTH_VOCAB[tid]))
                x += x1 + font.getbbox(" ")[2] + rng.randint(0, 4)
            y += 22
        out.append(OcrSample(f"synth-{seed}-{i}", np.asarray(img), mask, toks, "synthetic"))
    return out


# ------------------------------------------------------------------------------------ masks


def feature_masks(
    mask: np.ndarray | torch.Tensor,
    values: Iterable[int],
    size: tuple[int, int],
    ink_free: bool = False,
) -> torch.Tensor:
    """Binary masks ``(K, h, w)`` (float 0/1) of the given mask values at feature size ``(h,
    w)``: a feature cell is on when any pixel of the value falls in it (pixel ``(y, x)`` of an
    ``H x W`` mask falls in cell ``(y·h // H, x·w // W)``). O(H·W) whatever K is.

    ``ink_free`` appends one more row: the cells no pixel of any non-zero value falls in (the
    blank paper of an instance mask), from the same pass over the mask; the values must then
    be non-zero."""
    m = mask.cpu().numpy() if isinstance(mask, torch.Tensor) else np.asarray(mask)
    m = m.astype(np.int64, copy=False)
    vals = [int(v) for v in values]
    k = len(vals)
    h, w = size
    if ink_free and 0 in vals:
        raise ValueError("ink_free needs non-zero mask values (0 is the paper)")
    if k == 0 and not ink_free:
        return torch.zeros(0, h, w)
    # rows: the k values, then every other non-zero value, then (ink_free) value 0
    lut = np.full(max(int(m.max()), max(vals, default=0)) + 1, k, dtype=np.int64)
    lut[vals] = np.arange(k)
    if ink_free:
        lut[0] = k + 1
    present = np.zeros((k + 2, h * w), dtype=np.float32)
    present[lut[m].ravel(), _cells(m.shape, size).ravel()] = 1.0
    out = present[:k]
    if ink_free:
        out = np.concatenate([out, 1.0 - present[: k + 1].max(0, keepdims=True)])
    return torch.from_numpy(out.reshape(len(out), h, w))


@functools.lru_cache(maxsize=16)
def _cells(shape: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
    """Per pixel of an ``shape`` mask, the index of its cell in an ``size`` feature grid."""
    (big_h, big_w), (h, w) = shape, size
    ys, xs = (np.arange(big_h) * h) // big_h, (np.arange(big_w) * w) // big_w
    cells = ys[:, None] * w + xs[None, :]
    cells.flags.writeable = False
    return cells


# ----------------------------------------------------------------------------------- batches


@dataclass
class Batch:
    """A training batch. ``images`` uint8 ``(B, S, S, 3)``; ``masks`` float ``(B, K, h, w)``;
    ``ids`` long ``(B, K)`` global token ids (padding holds the space id); ``valid`` bool
    ``(B, K)`` (padding is False)."""

    images: torch.Tensor
    masks: torch.Tensor
    ids: torch.Tensor
    valid: torch.Tensor

    def to(self, device: str | torch.device) -> Batch:
        """The batch on ``device``; masks arrive as float (loader workers ship them as bool)."""
        images, masks, ids, valid = (
            t.to(device, non_blocking=True) for t in (self.images, self.masks, self.ids, self.valid)
        )
        return Batch(images, masks.float(), ids, valid)

    def pin_memory(self) -> Batch:
        """Page-locked copies (called by the DataLoader's pinning thread)."""
        return Batch(*(t.pin_memory() for t in (self.images, self.masks, self.ids, self.valid)))


@dataclass
class _Pooled:
    sample: OcrSample
    centres: np.ndarray  # (N, 2) y, x of token mask centroids
    areas: dict[int, int] = field(default_factory=dict)  # mask value -> pixels, inked tokens
    uses: int = 0
    index: int = 0  # position in the (cyclic) sample stream
    token_ids: dict[int, int] = field(default_factory=dict)  # mask value -> token id


class CropSampler:
    """Endless stream of :class:`Batch` es of random ``tile_size`` crops.

    Streams samples from ``source`` (re-reading it each epoch) through a shuffle pool of
    ``pool`` samples; each sample yields ``crops_per_sample`` crops before it is replaced.
    Crops are centred on a random token (jittered) so most hold text; a ``random_crops`` share
    of them is placed uniformly over the image instead, so the model also sees the blank paper
    and margins that a whole-page heat map covers. A token counts in a crop when at least
    ``min_visible`` of its pixels are inside; up to ``max_tokens`` are kept. ``bg_boxes``
    text-free boxes of 10–20 px per crop are labelled with ``space_id``; with ``bg_fill`` the
    space token's mask is every feature cell holding no token ink instead.
    With ``rank``/``world`` (DDP) each process keeps every ``world``-th sample.
    """

    def __init__(
        self,
        source: str | Path | list[OcrSample],
        *,
        tile_size: int,
        feature_size: int,
        batch_size: int,
        space_id: int,
        max_tokens: int = 70,
        bg_boxes: int = 2,
        bg_fill: bool = False,
        random_crops: float = 0.0,
        min_visible: float = 0.6,
        crops_per_sample: int = 16,
        pool: int = 64,
        limit: int | None = None,
        seed: int = 0,
        rank: int = 0,
        world: int = 1,
    ) -> None:
        self.source, self.limit = source, limit
        self.tile, self.feat, self.batch_size = tile_size, feature_size, batch_size
        self.space_id, self.max_tokens, self.bg_boxes = space_id, max_tokens, bg_boxes
        if not 0.0 <= random_crops <= 1.0:
            raise ValueError(f"random_crops must be in [0, 1], not {random_crops}")
        self.bg_fill, self.random_crops = bg_fill, random_crops
        self.min_visible, self.crops_per_sample, self.pool_size = (
            min_visible,
            crops_per_sample,
            pool,
        )
        self.rng = np.random.default_rng(seed + 1000 * rank)
        self.rank, self.world = rank, world
        self.seen_ids: set[int] = set()
        self._stream = self._samples()
        self._pool: list[_Pooled] = []
        self.consumed = 0  # samples taken from the stream so far

    def state_dict(self) -> dict:
        """The sampler's position: RNG state, stream position, pool contents (by stream index)."""
        return {
            "rng": self.rng.bit_generator.state,
            "consumed": self.consumed,
            "pool": [(p.index, p.uses) for p in self._pool],
            "seen_ids": sorted(self.seen_ids),
        }

    def load_state_dict(self, st: dict) -> None:
        """Restore a position saved by :meth:`state_dict` by replaying the sample stream
        (re-reads ``consumed`` samples; exact for a deterministic source)."""
        _check_loader_workers(st, 0)
        want = {idx: uses for idx, uses in st["pool"]}
        self._stream = self._samples()
        found: dict[int, _Pooled] = {}
        for idx in range(st["consumed"]):
            s = next(self._stream)
            if idx in want:
                found[idx] = self._prepare(s, idx)
                found[idx].uses = want[idx]
        self._pool = [found[idx] for idx, _ in st["pool"]]
        self.consumed = st["consumed"]
        self.seen_ids = set(st["seen_ids"])
        self.rng.bit_generator.state = st["rng"]

    def _take(self) -> _Pooled:
        p = self._prepare(next(self._stream), self.consumed)
        self.consumed += 1
        return p

    def _samples(self) -> Iterator[OcrSample]:
        while True:
            n = 0
            for i, s in enumerate(iter_samples(self.source, self.limit)):
                if i % self.world == self.rank:
                    n += 1
                    yield s
            if n == 0:
                raise ValueError(f"no samples in {self.source}")

    def _prepare(self, s: OcrSample, index: int) -> _Pooled:
        flat = np.asarray(s.mask).ravel()
        nv = int(flat.max()) + 1
        areas = np.bincount(flat, minlength=nv)
        toks = [t for t in s.tokens if t.mask_value < nv and areas[t.mask_value] > 0]
        vals = [t.mask_value for t in toks]
        self.seen_ids.update(t.token_id for t in s.tokens)
        if all(t.bbox is not None for t in toks):
            centres = np.array(
                [[(t.bbox[1] + t.bbox[3]) / 2, (t.bbox[0] + t.bbox[2]) / 2] for t in toks]
            ).reshape(-1, 2)
        else:  # centroids from the mask
            ys, xs = np.divmod(np.arange(flat.size), s.mask.shape[1])
            cy = np.bincount(flat, weights=ys, minlength=nv) / np.maximum(areas, 1)
            cx = np.bincount(flat, weights=xs, minlength=nv) / np.maximum(areas, 1)
            centres = np.array([[cy[v], cx[v]] for v in vals]).reshape(-1, 2)
        token_ids = {t.mask_value: t.token_id for t in s.tokens}
        return _Pooled(s, centres, {int(v): int(areas[v]) for v in vals}, 0, index, token_ids)

    def _next_pooled(self) -> _Pooled:
        while len(self._pool) < self.pool_size:
            self._pool.append(self._take())
        i = int(self.rng.integers(len(self._pool)))
        p = self._pool[i]
        p.uses += 1
        if p.uses >= self.crops_per_sample:
            self._pool[i] = self._take()
        return p

    def _crop(self, p: _Pooled) -> tuple[np.ndarray, np.ndarray]:
        img, mask, s = p.sample.image, np.asarray(p.sample.mask), self.tile
        h, w = mask.shape
        if len(p.centres) and not (self.random_crops and self.rng.random() < self.random_crops):
            cy, cx = p.centres[int(self.rng.integers(len(p.centres)))]
            cy += self.rng.normal(0, s / 4)
            cx += self.rng.normal(0, s / 4)
        else:
            cy, cx = self.rng.uniform(0, h), self.rng.uniform(0, w)
        y0 = int(np.clip(round(cy - s / 2), 0, max(h - s, 0)))
        x0 = int(np.clip(round(cx - s / 2), 0, max(w - s, 0)))
        ci, cm = img[y0 : y0 + s, x0 : x0 + s], mask[y0 : y0 + s, x0 : x0 + s]
        ph, pw = s - ci.shape[0], s - ci.shape[1]
        if ph or pw:  # image smaller than a tile: pad with edge pixels / background
            ci = np.pad(ci, ((0, ph), (0, pw), (0, 0)), mode="edge")
            cm = np.pad(cm, ((0, ph), (0, pw)))
        return ci, cm

    def _bg_boxes(self, cm: np.ndarray) -> np.ndarray:
        """Up to ``bg_boxes`` text-free boxes (10–20 px) as a boolean mask."""
        s = self.tile
        ink = (cm > 0).astype(np.int32)
        integral = np.pad(ink.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        out = np.zeros_like(cm, dtype=bool)
        found = 0
        for _ in range(8 * self.bg_boxes):
            if found >= self.bg_boxes:
                break
            bh, bw = self.rng.integers(10, 21, size=2)
            y, x = int(self.rng.integers(0, s - bh + 1)), int(self.rng.integers(0, s - bw + 1))
            total = (
                integral[y + bh, x + bw]
                - integral[y, x + bw]
                - integral[y + bh, x]
                + integral[y, x]
            )
            if total == 0:
                out[y : y + bh, x : x + bw] = True
                found += 1
        return out

    def next_batch(self) -> Batch:
        """The next batch (B crops)."""
        b, f = self.batch_size, self.feat
        images = np.zeros((b, self.tile, self.tile, 3), np.uint8)
        per_crop: list[tuple[torch.Tensor, list[int]]] = []
        for i in range(b):
            p = self._next_pooled()
            ci, cm = self._crop(p)
            images[i] = ci
            inside = np.bincount(cm.ravel())
            # p.areas holds only the sample's inked tokens, so every kept value has a token id.
            keep = [
                v
                for v in np.flatnonzero(inside).tolist()
                if v in p.areas and inside[v] >= self.min_visible * p.areas[v]
            ]
            if len(keep) > self.max_tokens:
                keep = [keep[j] for j in self.rng.choice(len(keep), self.max_tokens, replace=False)]
            tids = [p.token_ids[v] for v in keep]
            if self.bg_fill:  # the tokens and the ink-free cells in one pass
                fm = feature_masks(cm, keep, (f, f), ink_free=True)
                if bool(fm[-1].any()):
                    tids.append(self.space_id)
                else:
                    fm = fm[:-1]
            else:
                fm = feature_masks(cm, keep, (f, f))
                box = self._bg_boxes(cm) if self.bg_boxes else None
                if box is not None and box.any():
                    fm = torch.cat([fm, feature_masks(box.astype(np.int64), [1], (f, f))])
                    tids.append(self.space_id)
            per_crop.append((fm, tids))
        k = max(1, max(len(t) for _, t in per_crop))  # pad to this batch's most tokens
        masks = torch.zeros(b, k, f, f)
        # Padding carries the space id: a real row of any table, restricted ones included.
        ids = torch.full((b, k), self.space_id, dtype=torch.long)
        valid = torch.zeros(b, k, dtype=torch.bool)
        for i, (fm, tids) in enumerate(per_crop):
            n = len(tids)
            if n:
                masks[i, :n] = fm
                ids[i, :n] = torch.tensor(tids, dtype=torch.long)
                valid[i, :n] = fm.flatten(1).sum(1) > 0
        return Batch(torch.from_numpy(images), masks, ids, valid)


def _check_loader_workers(st: dict, workers: int) -> None:
    """Refuse a crop-stream position saved by another number of loader workers (a
    :class:`CropSampler`'s counts as 0): its batches would not continue the same sequence."""
    saved = st.get("workers", 0)
    if saved != workers:
        raise ValueError(
            f"the checkpoint's crop stream was made by {saved} loader worker(s) and this run "
            f"asks for {workers}; resume with --workers {saved} (or --no-resume)"
        )


class _WorkerStreams(torch.utils.data.IterableDataset):
    """One :class:`CropSampler` per DataLoader worker. Stream ``k`` of ``workers`` keeps every
    ``world · workers``-th sample (offset ``rank · workers + k``) and yields ``(k, batch,
    state)``, the state being its sampler's position just after that batch. The DataLoader
    always asks its worker 0 first, so worker ``j`` runs stream ``(j + first) % workers``."""

    def __init__(
        self, sampler_kwargs: dict, workers: int, states: list[dict | None], first: int
    ) -> None:
        self.kwargs, self.workers, self.states, self.first = sampler_kwargs, workers, states, first

    def __iter__(self) -> Iterator[tuple[int, Batch, dict]]:
        info = torch.utils.data.get_worker_info()
        k = ((info.id if info is not None else 0) + self.first) % self.workers
        kw = dict(self.kwargs)
        rank, world = kw.pop("rank", 0), kw.pop("world", 1)
        s = CropSampler(**kw, rank=rank * self.workers + k, world=world * self.workers)
        if self.states[k] is not None:
            s.load_state_dict(self.states[k])
        sent: set[int] = set()
        while True:
            b = s.next_batch()
            st = s.state_dict()
            new = s.seen_ids - sent  # ship only ids not reported before
            sent |= new
            st["seen_ids"] = sorted(new)
            # Masks are 0/1: bool is a quarter of the bytes through shared memory and to the GPU.
            yield k, Batch(b.images, b.masks.bool(), b.ids, b.valid), st


class CropLoader:
    """:class:`CropSampler` batches made in ``workers`` background processes (a torch
    ``DataLoader``), so a GPU is not kept waiting for crops.

    The order is fixed: batch ``i`` comes from worker ``i % workers``, each worker streaming its
    own shard of the samples with its own RNG, so a run is reproducible for a given ``workers``.
    Every batch carries its worker's sampler position; :meth:`state_dict` keeps the positions
    of the batches handed out, so a resumed run continues exactly where the checkpoint was
    taken (with the same ``workers``). ``sampler_kwargs`` are :class:`CropSampler`'s.
    """

    def __init__(
        self,
        workers: int,
        *,
        pin_memory: bool = False,
        prefetch: int = 4,
        **sampler_kwargs: Any,
    ) -> None:
        if workers < 1:
            raise ValueError(f"CropLoader needs workers >= 1, not {workers}; use CropSampler")
        self.workers, self.pin, self.prefetch = workers, pin_memory, prefetch
        self.kwargs = sampler_kwargs
        self.seen_ids: set[int] = set()
        self._states: list[dict | None] = [None] * workers
        self._next = 0  # the stream the next batch comes from
        self._it: Iterator | None = None

    def _start(self) -> Iterator:
        ds = _WorkerStreams(self.kwargs, self.workers, list(self._states), self._next)
        return iter(
            torch.utils.data.DataLoader(
                ds,
                batch_size=None,
                num_workers=self.workers,
                pin_memory=self.pin,
                prefetch_factor=self.prefetch,
            )
        )

    def next_batch(self) -> Batch:
        """The next batch (masks as bool until :meth:`Batch.to`)."""
        if self._it is None:
            self._it = self._start()
        k, batch, st = next(self._it)
        if k != self._next:  # the DataLoader's round robin is the order; this never fires
            raise RuntimeError(f"crop stream {k} answered where {self._next} was due")
        self._next = (k + 1) % self.workers
        self.seen_ids.update(st.pop("seen_ids"))
        self._states[k] = st
        return batch

    def state_dict(self) -> dict:
        """Every worker's sampler position after the last batch handed out."""
        return {
            "workers": self.workers,
            "next": self._next,
            "states": [None if s is None else {**s, "seen_ids": []} for s in self._states],
            "seen_ids": sorted(self.seen_ids),
        }

    def load_state_dict(self, st: dict) -> None:
        """Continue from a :meth:`state_dict` (the workers restart from those positions)."""
        _check_loader_workers(st, self.workers)
        self.close()
        self._states = list(st["states"])
        self._next = int(st["next"])
        self.seen_ids = set(st["seen_ids"])

    def close(self) -> None:
        """Stop the worker processes (they restart on the next batch)."""
        self._it = None  # the DataLoader iterator shuts its workers down when released
