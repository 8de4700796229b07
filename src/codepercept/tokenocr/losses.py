"""TokenOCR's losses, each switchable for ablations (released recipe: the three are summed).

With pixel features ``F`` (B, D, h, w), token masks ``M`` (B, K, h, w) in {0, 1}, frozen target
embeddings ``E`` (B, K, D) and ``^`` meaning L2-normalised:

* segmentation: ``BCEWithLogits(s · <Ê_k, F̂_p>, M_kp)`` averaged over pixels, then tokens
  (``s`` = ``seg_logit_scale``, 1 in the released code: raw cosine as logits);
* similarity: ``1 − cos(P_k, E_k)`` with ``P_k`` the mean of ``F`` under ``M_k``;
* SigLIP over all N pooled tokens of the batch: ``z_ij = cos(P_i, E_j) · exp(t) + b``,
  ``y_ij = +1`` if ``id_i == id_j`` else −1, loss ``−Σ log σ(y_ij z_ij) / N``; ``t`` starts at
  log 10, ``b`` at ``siglip_bias`` (learnable unless ``siglip_bias_learnable`` is False);
* optional L2: ``‖P_k − E_k‖² / D``;
* optional ``vocab_ce`` (**our addition, not in the paper or its code**): a softmax cross-entropy
  of each pooled token over the rows of the (restricted) table, ``CE(s_v · cos(P_k, E_v)_v,
  k)`` with ``s_v = vocab_ce_scale`` — the recognition task the evaluation measures, trained
  directly. Weighted by ``vocab_ce_weight``; with ``vocab_ce_balance`` = a > 0 each token's
  term is weighted by ``class_weight`` (training computes frequency^-a over the training data,
  normalised to mean 1 over token occurrences), so rare words are not drowned by digits;
* optional ``pixel_ce`` (**our addition**): the same cross-entropy for single feature pixels,
  each pixel covered by exactly one valid token mask labelled with that token (at most
  ``pixel_ce_max`` pixels per batch, drawn at random, with weight area(owner)^-``pixel_ce_balance``
  so that small tokens are not outnumbered by the background mask) — per-pixel recognition,
  which is what localisation (a token's best pixel must lie on it) needs. Weighted by
  ``pixel_ce_weight``.
* optional ``point_ce`` (**our addition**): the same pixels and logits read the other way — per
  token id among their labels, a softmax over the pixels (of the whole batch) of their logits
  for that id, and the cross-entropy of the id's own pixels: ``logsumexp_all − logsumexp_own``,
  averaged over the ids. ``pixel_ce`` makes each pixel's best token right, but leaves a token's
  cosine on an unrelated word free to exceed its cosine on its own pixels (both can be right
  per pixel); the heat map's argmax — pointing — is exactly that comparison across pixels.
  Weighted by ``point_ce_weight``; ``point_ce_scale`` (default ``pixel_ce_scale``) sets its
  logit scale: larger makes the softmax closer to the argmax, i.e. weighs the strongest
  competing pixels more.

* optional ``edge_ce`` (**our addition**): per token mask, a softmax of ``edge_ce_scale · cos``
  over the mask and the ring of cells around it (its 3x3 dilation), cross-entropy against the
  mask: ``logsumexp_{mask ∪ ring} − logsumexp_{mask}``, from the segmentation cosines of every
  cell (no sampling). About a third of the heat-map argmaxes that miss their token land on
  blank paper exactly one cell off its ink, cells the pixel-sampled ``point_ce`` rarely draws.
  Weighted by ``edge_ce_weight``.

* optional ``seg_negatives`` (**our addition**): per crop, that many rows drawn at random from
  the table among the ids absent from the crop, each with an all-zero target in the same BCE
  (``seg_neg``, mean over the drawn rows) — the segmentation loss only ever sees the tokens
  present in a crop, so nothing else keeps an absent token's cosine low on other words and
  on blank paper, which is where a heat map's argmax (pointing) goes wrong.

``seg_logit_bias`` (0 as released) shifts the segmentation logits: with ``s`` large, a negative
bias lets off-mask pixels sit near cos 0 instead of being pushed towards cos −1.

Tokens with ``valid`` False (padding, masks that vanished at feature resolution) are skipped.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from codepercept.tokenocr.target import EmbeddingTable

__all__ = [
    "LOSS_TERMS",
    "RANKABLE_ROWS",
    "LossConfig",
    "SigLIPHead",
    "class_weights",
    "mask_pool",
    "pooled_top1",
    "tokenocr_losses",
]

#: Every term :func:`tokenocr_losses` may return, in display order.
LOSS_TERMS = (
    "total",
    "seg",
    "seg_neg",
    "sim",
    "siglip",
    "l2",
    "vocab_ce",
    "pixel_ce",
    "point_ce",
    "edge_ce",
)
#: Largest table whose every row is ranked per token (``vocab_ce``, ``pixel_ce``, the monitor).
RANKABLE_ROWS = 65536


@dataclass
class LossConfig:
    """Which terms are on, and their constants."""

    seg: bool = True
    sim: bool = True
    siglip: bool = True
    l2: bool = False
    seg_logit_scale: float = 1.0
    seg_logit_bias: float = 0.0
    seg_negatives: int = 0  # our addition: absent table rows per crop with an all-zero target
    vocab_ce: bool = False  # our addition: softmax CE of pooled tokens over the table's rows
    vocab_ce_scale: float = 16.0
    vocab_ce_weight: float = 1.0
    vocab_ce_balance: float = 0.0  # a: token class weights ∝ frequency^-a (0: plain mean)
    pixel_ce: bool = False  # our addition: softmax CE of single pixel features over the table
    pixel_ce_scale: float = 16.0
    pixel_ce_weight: float = 1.0
    pixel_ce_max: int = 4096  # pixels per batch (a random subset when there are more)
    pixel_ce_balance: float = 0.0  # b: the subset drawn with weight area(owner)^-b (0: uniform)
    point_ce: bool = False  # our addition: per token id, softmax over the pixel_ce pixels
    point_ce_weight: float = 1.0
    point_ce_scale: float | None = None  # its logit scale (None: pixel_ce_scale's)
    edge_ce: bool = False  # our addition: per token, softmax over its mask and the ring around it
    edge_ce_scale: float = 16.0
    edge_ce_weight: float = 1.0
    siglip_bias: float = -2.71
    siglip_bias_learnable: bool = True
    bg_boxes: int = 2  # background learning: text-free boxes labelled with the space token
    bg_fill: bool = False  # our addition: every ink-free feature cell is labelled space instead

    def to_dict(self) -> dict:
        return asdict(self)


class SigLIPHead(nn.Module):
    """The learnable temperature ``t`` (init log 10) and bias ``b`` of the SigLIP loss."""

    def __init__(self, bias: float = -2.71, learnable_bias: bool = True) -> None:
        super().__init__()
        self.logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))
        b = torch.tensor(float(bias))
        if learnable_bias:
            self.logit_bias = nn.Parameter(b)
        else:
            self.register_buffer("logit_bias", b)

    def forward(self, pooled: torch.Tensor, emb: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """SigLIP loss of pooled features ``(N, D)`` vs embeddings ``(N, D)`` with ids ``(N,)``."""
        logits = F.normalize(pooled, dim=-1) @ F.normalize(emb, dim=-1).T
        logits = logits * self.logit_scale.exp() + self.logit_bias
        labels = 2.0 * (ids[:, None] == ids[None, :]).float() - 1.0
        return -F.logsigmoid(labels * logits).sum() / max(len(ids), 1)


def tokenocr_losses(
    features: torch.Tensor,
    masks: torch.Tensor,
    emb: torch.Tensor,
    ids: torch.Tensor,
    valid: torch.Tensor,
    cfg: LossConfig,
    siglip: SigLIPHead | None = None,
    table: EmbeddingTable | None = None,
    class_weight: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """All enabled loss terms plus ``total`` (their sum; only ``vocab_ce``, ``pixel_ce`` and
    ``point_ce`` are weighted), as scalar tensors.

    ``features`` (B, D, h, w); ``masks`` (B, K, h, w); ``emb`` (B, K, D) frozen targets;
    ``ids`` (B, K); ``valid`` (B, K) bool; ``table`` the frozen table (needed by ``vocab_ce``,
    ``pixel_ce`` and ``point_ce``); ``class_weight`` (V,) per table row, used by ``vocab_ce`` (None: 1).
    Computed in float32, except the three big matrix products — the segmentation cosines, the
    mask pooling and the pixels' logits over the table — which run in the dtype ``features``
    come in (bf16 under bf16 autocast, where they are ~3.5x faster on a CPU with AVX512-BF16;
    the products accumulate in float32 and their results are used in float32). With no valid
    token every term is 0 (still connected to the graph).
    """
    mm = features.dtype if features.dtype in (torch.bfloat16, torch.float16) else torch.float32
    low = features
    features, masks, emb = features.float(), masks.float(), emb.float()
    w = valid.float()
    n = w.sum().clamp(min=1.0)
    out: dict[str, torch.Tensor] = {}
    pooled = mask_pool(low.to(mm), masks.to(mm)).float()
    if cfg.seg or cfg.edge_ce:
        cos = torch.einsum("bkd,bdhw->bkhw", F.normalize(emb, dim=-1).to(mm), low.to(mm))
        cos = cos.float() * inv_norm(features)
    if cfg.edge_ce:
        out["edge_ce"] = cfg.edge_ce_weight * (
            (_edge_ce(cos, masks, cfg.edge_ce_scale) * w).sum() / n
        )
    if cfg.seg:
        logits = cos * cfg.seg_logit_scale + cfg.seg_logit_bias
        bce = F.binary_cross_entropy_with_logits(logits, masks, reduction="none")
        out["seg"] = (bce.mean((2, 3)) * w).sum() / n
    if cfg.sim:
        out["sim"] = ((1.0 - F.cosine_similarity(pooled, emb, dim=-1)) * w).sum() / n
    if cfg.l2:
        out["l2"] = (((pooled - emb) ** 2).mean(-1) * w).sum() / n
    if cfg.siglip:
        if siglip is None:
            raise ValueError("cfg.siglip is on but no SigLIPHead was given")
        out["siglip"] = siglip(pooled[valid], emb[valid], ids[valid]) + 0.0 * features.sum()
    if (cfg.vocab_ce or cfg.pixel_ce or cfg.point_ce or cfg.seg_negatives) and table is None:
        raise ValueError(
            "cfg.vocab_ce / cfg.pixel_ce / cfg.point_ce / cfg.seg_negatives is on but no embedding "
            "table was given"
        )
    if cfg.seg_negatives:
        out["seg_neg"] = _seg_negatives(features, ids, valid, table, cfg)
    if cfg.vocab_ce:
        vocab = F.normalize(table.weight.float(), dim=-1)  # (V, D)
        logits = F.normalize(pooled[valid], dim=-1) @ vocab.T * cfg.vocab_ce_scale
        rows = table.rows(ids[valid])
        ce = F.cross_entropy(logits, rows, reduction="none")
        if class_weight is not None:
            ce = ce * class_weight[rows]
        ce = ce.sum() / n
        out["vocab_ce"] = cfg.vocab_ce_weight * ce + 0.0 * features.sum()
    if cfg.pixel_ce or cfg.point_ce:
        logits, labels = _pixel_logits(features, masks, ids, valid, table, cfg, mm)
        if labels is None:
            pixel = point = 0.0 * features.sum()
        else:
            pixel = F.cross_entropy(logits, labels)
            ratio = (cfg.point_ce_scale or cfg.pixel_ce_scale) / cfg.pixel_ce_scale
            point = _point_ce(logits * ratio, labels)
        if cfg.pixel_ce:
            out["pixel_ce"] = cfg.pixel_ce_weight * pixel
        if cfg.point_ce:
            out["point_ce"] = cfg.point_ce_weight * point
    if not out:
        raise ValueError(
            "every loss term is switched off; enable at least one of " + "/".join(LOSS_TERMS[1:])
        )
    out["total"] = torch.stack(list(out.values())).sum()
    return out


def inv_norm(features: torch.Tensor) -> torch.Tensor:
    """``(B, 1, h, w)`` reciprocal L2 norm of each pixel feature of ``(B, D, h, w)`` (as
    ``F.normalize``'s, eps 1e-12). Scaling the K cosine maps by it equals normalising the D
    channels first, in less time and memory when K < D."""
    return features.norm(dim=1, keepdim=True).clamp_min(1e-12).reciprocal()


def mask_pool(features: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """``(B, K, D)`` mean of ``features`` (B, D, h, w) under each mask of ``masks`` (B, K, h, w)
    (an empty mask pools to 0)."""
    area = masks.flatten(2).sum(-1).clamp(min=1.0)
    return torch.einsum("bkhw,bdhw->bkd", masks, features) / area[..., None]


def class_weights(table: EmbeddingTable, counts: dict[int, int], alpha: float) -> torch.Tensor:
    """Per-row weights ``count^-alpha`` for the rows of ``table`` (ids absent from ``counts``
    get 1), scaled so that their mean over the counted occurrences is 1."""
    ids = table.global_ids().tolist()
    c = torch.tensor([float(counts.get(int(i), 0)) for i in ids])
    w = torch.ones(len(ids))
    seen = c > 0
    w[seen] = c[seen] ** -alpha
    if seen.any():
        w[seen] /= (w[seen] * c[seen]).sum() / c[seen].sum()
    return w.to(table.weight.device)


def _seg_negatives(
    features: torch.Tensor,
    ids: torch.Tensor,
    valid: torch.Tensor,
    table: EmbeddingTable,
    cfg: LossConfig,
) -> torch.Tensor:
    """Segmentation BCE against an all-zero mask for ``cfg.seg_negatives`` random table rows
    per crop; a row whose id is a valid token of the crop is left out of the mean."""
    b = features.shape[0]
    rows = torch.randint(len(table), (b, cfg.seg_negatives), device=features.device)
    neg_ids = table.global_ids().to(features.device)[rows]
    present = ((neg_ids[:, :, None] == ids[:, None, :]) & valid[:, None, :]).any(-1)
    keep = (~present).float()
    emb = F.normalize(table.weight.float()[rows], dim=-1)  # (B, R, D)
    cos = torch.einsum("brd,bdhw->brhw", emb, F.normalize(features, dim=1))
    # BCE with target 0 is softplus(logit)
    loss = F.softplus(cos * cfg.seg_logit_scale + cfg.seg_logit_bias).mean((2, 3))
    return (loss * keep).sum() / keep.sum().clamp(min=1.0)


def pixel_subset(area: torch.Tensor, k: int, balance: float = 0.0) -> torch.Tensor:
    """Indices of ``k`` of the pixels whose owning masks have areas ``area`` (one per pixel),
    drawn without replacement with weight ``area^-balance``: 0 draws uniformly (so the one
    large background mask of a page supplies most pixels); 1 gives every mask the same share."""
    if balance:
        return torch.multinomial(area.float().pow(-balance), k)
    return torch.randperm(len(area), device=area.device)[:k]


def _pixel_logits(
    features: torch.Tensor,
    masks: torch.Tensor,
    ids: torch.Tensor,
    valid: torch.Tensor,
    table: EmbeddingTable,
    cfg: LossConfig,
    mm: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``(P, V)`` float32 scaled cosines to the table's rows of the pixels owned by exactly one
    valid token (at most ``pixel_ce_max``, drawn as :func:`pixel_subset`) and their owners'
    rows; ``(empty, None)`` when no pixel is owned. The product runs in dtype ``mm``."""
    m = masks * valid.float()[..., None, None]
    owned = m.sum(1) == 1  # (B, h, w)
    b, y, x = owned.nonzero(as_tuple=True)
    if len(b) == 0:
        return features.new_zeros(0, len(table)), None
    # the owning token's slot: its mask is the pixel's only 1, so the slot-weighted sum is its
    # index (a contiguous reduction; argmax over dim 1 strides and took 15x longer)
    slots = torch.arange(m.shape[1], device=m.device, dtype=m.dtype)
    owner = torch.einsum("bkhw,k->bhw", m, slots)[b, y, x].long()
    if len(b) > cfg.pixel_ce_max:
        keep = pixel_subset(m.flatten(2).sum(-1)[b, owner], cfg.pixel_ce_max, cfg.pixel_ce_balance)
        b, y, x, owner = b[keep], y[keep], x[keep], owner[keep]
    pix = F.normalize(features[b, :, y, x], dim=-1)  # (P, D)
    vocab = F.normalize(table.weight.float(), dim=-1)
    logits = (pix.to(mm) @ vocab.to(mm).T).float() * cfg.pixel_ce_scale
    return logits, table.rows(ids[b, owner])


def _edge_ce(cos: torch.Tensor, masks: torch.Tensor, scale: float) -> torch.Tensor:
    """``(B, K)``: per token mask, the cross-entropy of a softmax of ``scale · cos`` over the
    mask and the ring of cells around it (its 3x3 dilation) against the mask's own cells:
    ``logsumexp_{mask ∪ ring} − logsumexp_{mask}`` (0 for an empty mask). The ring holds the
    blank paper and the neighbouring tokens right next to the token."""
    b, k, h, w = masks.shape
    near = F.max_pool2d(masks.reshape(b * k, 1, h, w), 3, 1, 1).reshape(b, k, -1) > 0
    on = masks.flatten(2) > 0
    # an empty mask (padding) softmaxes over every cell twice: exactly 0, and no -inf anywhere
    empty = ~on.any(-1, keepdim=True)
    z = (cos * scale).flatten(2)
    lse_near = z.masked_fill(~(near | empty), float("-inf")).logsumexp(-1)
    lse_own = z.masked_fill(~(on | empty), float("-inf")).logsumexp(-1)
    return lse_near - lse_own


def _point_ce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean over the rows in ``labels`` of the cross-entropy of a softmax over the pixels (the
    row's logits column) against that row's own pixels: ``logsumexp_all − logsumexp_own``."""
    rows = labels.unique()
    col = logits[:, rows]  # (P, U)
    own = labels[:, None] == rows[None, :]
    lse_own = col.masked_fill(~own, float("-inf")).logsumexp(0)
    return (col.logsumexp(0) - lse_own).mean()


@torch.no_grad()
def pooled_top1(
    features: torch.Tensor,
    masks: torch.Tensor,
    ids: torch.Tensor,
    valid: torch.Tensor,
    table: EmbeddingTable,
) -> float:
    """Training-batch recognition: the fraction of valid tokens whose mask-pooled feature is
    nearest (cosine) to its own row among all rows of ``table`` (a monitoring number)."""
    if not bool(valid.any()):
        return float("nan")
    pooled = mask_pool(features.float(), masks.float())
    sims = F.normalize(pooled[valid], dim=-1) @ F.normalize(table.weight.float(), dim=-1).T
    return float((sims.argmax(1) == table.rows(ids[valid])).float().mean())
