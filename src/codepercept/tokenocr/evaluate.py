"""Evaluation on held-out samples, always beside an untrained control (same architecture, same
frozen table, random weights).

All measures work at feature resolution (one feature per ``patch/4`` pixels of the dynamically
tiled image); a token's mask there is its area-resized mask with any coverage counted.

* **recognition** — mask-pool the features of each true token occurrence, rank the evaluation
  vocabulary by cosine to their embeddings: top-1 / top-5 accuracy over occurrences. The
  vocabulary is ``"seen"`` (ids in the eval set ∪ ids seen in training, from the checkpoint),
  ``"data"`` (eval-set ids only) or ``"full"`` (the whole table; slow for 151k rows).
* **localisation** — per (image, distinct token id): the id's cosine map over the features
  averaged over ``local_pool`` pixels (:func:`~codepercept.tokenocr.infer.local_mean`; 0:
  single features, as the paper draws its maps), min-max normalised;
  IoU of (map ≥ ``threshold``) with the union mask of the id's occurrences → mIoU; pointing
  accuracy = the map's argmax falls inside that union mask.
* **text segmentation (zero-shot)** — the space token's normalised map over the single
  features (not pooled: pooling blurs the ink/paper boundary) below ``threshold`` is "text";
  IoU with the true text pixels (mask > 0), averaged over images.
* **retrieval** — for each image, a query = its token id (of the vocabulary) that occurs in
  the fewest gallery images; every image is scored by its best position's cosine (same features) to the query; Recall@k = a
  relevant image (one that holds the id) is among the top k.
* **linear-probe text segmentation** (``probe_steps`` > 0; :mod:`~codepercept.tokenocr.probe`)
  — a linear text/background head trained on the frozen features of some images, IoU on the
  others. By default the first ``probe_train`` samples (half, rounded down, when None) train
  the head and the rest are its test set; with ``probe_train_data`` the head trains on that
  source instead and every evaluation sample is a test image. The other metrics always use all
  samples (nothing is trained for them). Encoders given in ``compare`` get the probe only (the
  other metrics read the token table, which only the checkpoint's own model is aligned with).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from codepercept.tokenocr.checkpoint import LoadedModel, load_checkpoint
from codepercept.tokenocr.data import OcrSample, feature_masks, iter_samples
from codepercept.tokenocr.infer import LOCAL_POOL_PX, cosine_maps, local_mean, minmax
from codepercept.tokenocr.model import DenseFeatures, TokenOCR, dense_features
from codepercept.tokenocr.target import EmbeddingTable

__all__ = ["EvalConfig", "evaluate", "evaluate_model", "format_table"]

log = logging.getLogger(__name__)

METRICS = ("top1", "top5", "miou", "pointing", "text_iou", "recall@1", "recall@5")


@dataclass
class EvalConfig:
    limit: int | None = 200
    vocab: str = "seen"
    threshold: float = 0.5
    device: str = "cpu"
    control_seed: int = 0
    local_pool: float = LOCAL_POOL_PX  # pixels features are averaged over for maps (0: none)
    probe_steps: int = 0  # linear-probe text segmentation: the head's training steps (0: off)
    probe_train: int | None = None  # samples that train the probe's head (None: half the data)


def _feature_mask_image(s: OcrSample, df) -> np.ndarray:
    """The sample's instance mask brought onto the scaled, padded grid the features cover."""
    from PIL import Image

    mask = np.asarray(s.mask)
    plan = df.plan
    if plan.scale != 1.0:
        mask = np.asarray(
            Image.fromarray(mask.astype(np.int32)).resize((plan.width, plan.height), Image.NEAREST)
        )
    h, w = df.features.shape[1:]
    ph, pw = round(h * df.stride), round(w * df.stride)
    return np.pad(mask, ((0, max(0, ph - mask.shape[0])), (0, max(0, pw - mask.shape[1]))))[
        :ph, :pw
    ]


def text_cells(
    s: OcrSample, df: DenseFeatures, mask_image: np.ndarray | None = None
) -> torch.Tensor:
    """The true text/background label of every feature cell of ``df``: bool ``(h, w)``, True
    where any pixel of the sample's mask > 0 falls in the cell (the zero-shot text segmentation's
    target and the linear probe's labels). ``mask_image``: :func:`_feature_mask_image` of the
    pair when the caller has it already."""
    m = _feature_mask_image(s, df) if mask_image is None else mask_image
    return feature_masks(m > 0, [1], tuple(df.features.shape[1:]))[0].bool()


def text_iou(true: torch.Tensor, pred: torch.Tensor) -> float | None:
    """IoU of two boolean text maps; None when both are empty (the image is left out of the
    mean). One definition for the zero-shot and the linear-probe text segmentation."""
    union = int((true | pred).sum())
    return int((true & pred).sum()) / union if union else None


def _retrieval_queries(id_sets: list[set[int]]) -> list[int]:
    """Per image (given as its set of token ids): its id held by the fewest images (ties to
    the smaller id), or -1 for an image without tokens."""
    df: dict[int, int] = {}
    for ids in id_sets:
        for t in ids:
            df[t] = df.get(t, 0) + 1
    return [min(ids, key=lambda t: (df[t], t)) if ids else -1 for ids in id_sets]


@torch.no_grad()
def evaluate_model(
    model: TokenOCR,
    table: EmbeddingTable,
    samples: list[OcrSample],
    vocab_ids: torch.Tensor,
    space_id: int,
    threshold: float = 0.5,
    device: str = "cpu",
    local_pool: float = LOCAL_POOL_PX,
) -> dict[str, float]:
    """All metrics of one model over ``samples`` (see the module docstring). ``vocab_ids``:
    global ids the recognition ranks over (must include every true id)."""
    model.eval()
    vocab_emb = F.normalize(table(vocab_ids.to(table.weight.device)).float(), dim=-1)
    row_of = {int(t): i for i, t in enumerate(vocab_ids.tolist())}
    # ids outside the vocabulary (not in a restricted table) are neither ranked nor queried
    id_sets = [{t.token_id for t in s.tokens if t.token_id in row_of} for s in samples]
    queries = _retrieval_queries(id_sets)
    q_ids = torch.tensor([max(q, 0) for q in queries], device=table.weight.device)
    q_emb = table(q_ids)
    scores = torch.zeros(len(queries), len(samples))
    top1 = top5 = n_tok = 0
    ious, points, text_ious = [], [], []
    space = table(torch.tensor([space_id], device=table.weight.device))
    for j, s in enumerate(samples):
        df = dense_features(model, s.image, device)
        feats = df.features
        near = local_mean(feats, local_pool, df.stride)  # for maps; recognition pools masks
        h, w = feats.shape[1:]
        m = _feature_mask_image(s, df)
        scores[:, j] = cosine_maps(near, q_emb).flatten(1).max(1).values.cpu()
        # text / background via the space token, from single features: pooling sharpens token
        # maps but blurs the ink/paper boundary (text IoU 0.87 -> 0.44 on the GPU checkpoint)
        iou = text_iou(text_cells(s, df, m), minmax(cosine_maps(feats, space))[0].cpu() < threshold)
        if iou is not None:
            text_ious.append(iou)
        toks = [t for t in s.tokens if t.token_id in row_of]
        if not toks:
            continue
        masks = feature_masks(m, [t.mask_value for t in toks], (h, w)).to(feats.device)
        keep = masks.flatten(1).sum(1) > 0
        masks = masks[keep]
        ids = [t.token_id for t, k in zip(toks, keep.tolist(), strict=True) if k]
        if not ids:
            continue
        # recognition
        pooled = torch.einsum("khw,dhw->kd", masks, feats) / masks.flatten(1).sum(1, keepdim=True)
        sims = F.normalize(pooled, dim=-1) @ vocab_emb.T
        true_rows = torch.tensor([row_of[i] for i in ids], device=sims.device)
        rank = (sims > sims.gather(1, true_rows[:, None])).sum(1)
        top1 += int((rank < 1).sum())
        top5 += int((rank < 5).sum())
        n_tok += len(ids)
        # localisation per distinct id
        uniq = sorted(set(ids))
        ids_t = torch.tensor(ids, device=masks.device)
        maps = minmax(cosine_maps(near, table(torch.tensor(uniq, device=table.weight.device))))
        for u, mp in zip(uniq, maps, strict=True):
            gt = masks[ids_t == u].amax(0) > 0
            pred = mp >= threshold
            ious.append(((gt & pred).sum() / (gt | pred).sum().clamp(min=1)).item())
            points.append(bool(gt.flatten()[mp.flatten().argmax()]))
    rel = torch.tensor([[q in ids for ids in id_sets] for q in queries])
    order = scores.argsort(dim=1, descending=True)
    hits = rel.gather(1, order)
    valid_q = torch.tensor([q >= 0 for q in queries])

    def recall(k: int) -> float:
        return float(hits[valid_q, :k].any(1).float().mean()) if valid_q.any() else float("nan")

    def mean(x: list) -> float:
        return float(np.mean(x)) if x else float("nan")

    return {
        "top1": top1 / max(n_tok, 1),
        "top5": top5 / max(n_tok, 1),
        "miou": mean(ious),
        "pointing": mean(points),
        "text_iou": mean(text_ious),
        "recall@1": recall(1),
        "recall@5": recall(5),
        "n_tokens": n_tok,
        "n_queries": int(valid_q.sum()),
    }


def _probe_split(
    samples: list[OcrSample],
    cfg: EvalConfig,
    probe_train_data: str | Path | list[OcrSample] | None,
) -> tuple[list[OcrSample], list[OcrSample]]:
    """The linear probe's (train, test) images (see the module docstring)."""
    from codepercept.errors import UsageError

    if probe_train_data is not None:
        n = cfg.probe_train if cfg.probe_train is not None else cfg.limit
        train = list(iter_samples(probe_train_data, n))
        if not train:
            raise UsageError(f"no samples in {probe_train_data} to train the linear probe on")
        return train, samples
    k = cfg.probe_train if cfg.probe_train is not None else len(samples) // 2
    if not 1 <= k < len(samples):
        raise UsageError(
            f"the linear probe trains on the first {k} of the {len(samples)} evaluation samples "
            "and tests on the rest: it needs at least one of each (evaluate more samples, or "
            "set probe_train, --probe-train, from 1 to the number of samples - 1)"
        )
    return samples[:k], samples[k:]


def evaluate(
    ckpt: str | Path | LoadedModel,
    data: str | Path | list[OcrSample],
    cfg: EvalConfig | None = None,
    out_json: str | Path | None = None,
    *,
    compare: dict[str, TokenOCR] | None = None,
    probe_train_data: str | Path | list[OcrSample] | None = None,
) -> dict:
    """Evaluate a checkpoint and its untrained control on ``data``; optionally write JSON.

    Returns ``{"trained": metrics, "untrained": metrics, "n_images", "vocab_size", "config"}``;
    with ``cfg.probe_steps`` > 0 also ``"probe": {"trained": …, "untrained": …, NAME: …}``,
    the linear probe (:func:`~codepercept.tokenocr.probe.linear_probe`) of the checkpoint's
    model, the control and each encoder of ``compare`` (which needs the probe on).
    """
    from codepercept.errors import UsageError

    cfg = cfg or EvalConfig()
    compare = dict(compare or {})
    if compare and cfg.probe_steps <= 0:
        raise UsageError("comparison encoders get the linear probe only: set probe_steps > 0")
    clash = sorted(set(compare) & {"trained", "untrained"})
    if clash:
        raise UsageError(f"{clash[0]!r} names the checkpoint's own model; name the encoder else")
    lm = ckpt if isinstance(ckpt, LoadedModel) else load_checkpoint(ckpt, cfg.device)
    samples = list(iter_samples(data, cfg.limit))
    if not samples:
        raise ValueError(f"no samples in {data}")
    if cfg.probe_steps > 0:
        probe_train, probe_test = _probe_split(samples, cfg, probe_train_data)
    info = lm.meta.get("data_info") or {}
    space_id = int(info.get("space_id", 0))
    eval_ids = {t.token_id for s in samples for t in s.tokens}
    if cfg.vocab == "full":
        vocab = lm.table.global_ids().cpu()
    elif cfg.vocab in ("seen", "data"):
        ids = eval_ids | (
            {int(i) for i in lm.meta.get("seen_ids") or []} if cfg.vocab == "seen" else set()
        )
        if lm.table.ids is not None:
            known = set(lm.table.ids.tolist())
            dropped = ids - known
            if dropped:
                log.warning(
                    "%d eval token ids are not in the restricted table; skipping them", len(dropped)
                )
            ids &= known
        vocab = torch.tensor(sorted(ids))
    else:
        raise ValueError(f"vocab must be 'seen', 'data' or 'full', not {cfg.vocab!r}")
    trained = evaluate_model(
        lm.model, lm.table, samples, vocab, space_id, cfg.threshold, cfg.device, cfg.local_pool
    )
    torch.manual_seed(cfg.control_seed)
    control = TokenOCR(lm.model.cfg).to(cfg.device).eval()
    untrained = evaluate_model(
        control, lm.table, samples, vocab, space_id, cfg.threshold, cfg.device, cfg.local_pool
    )
    result = {
        "trained": trained,
        "untrained": untrained,
        "n_images": len(samples),
        "vocab_size": len(vocab),
        "chance_top1": 1.0 / max(len(vocab), 1),
        "config": asdict(cfg),
    }
    if cfg.probe_steps > 0:
        # imported here: the probe builds on this module's text labels and IoU
        from codepercept.tokenocr.probe import ProbeConfig, linear_probe

        pcfg = ProbeConfig(steps=cfg.probe_steps, device=cfg.device)
        encoders = {"trained": lm.model, "untrained": control, **compare}
        result["probe"] = {
            name: linear_probe(enc.to(cfg.device), probe_train, probe_test, pcfg)
            for name, enc in encoders.items()
        }
    if out_json is not None:
        Path(out_json).parent.mkdir(parents=True, exist_ok=True)
        Path(out_json).write_text(json.dumps(result, indent=2))
    return result


def format_table(result: dict) -> str:
    """A short plain-text table: metric, trained, untrained (and, with the linear probe, its
    rows ``probe_iou`` / ``probe_acc`` and a column per comparison encoder, ``-`` elsewhere)."""
    probe = result.get("probe") or {}
    others = [k for k in probe if k not in ("trained", "untrained")]
    widths = [max(9, len(k)) for k in others]
    lines = [f"{'metric':<10} {'trained':>9} {'untrained':>10}"]
    lines[0] += "".join(f" {k:>{w}}" for k, w in zip(others, widths, strict=True))
    rows = [(k, result["trained"][k], result["untrained"][k], {}) for k in METRICS]
    if probe:
        for key, label in (("text_iou", "probe_iou"), ("pixel_acc", "probe_acc")):
            extra = {k: probe[k][key] for k in others}
            rows.append((label, probe["trained"][key], probe["untrained"][key], extra))
    for label, t, u, extra in rows:
        cells = "".join(
            f" {extra[k]:>{w}.3f}" if k in extra else f" {'-':>{w}}"
            for k, w in zip(others, widths, strict=True)
        )
        lines.append(f"{label:<10} {t:>9.3f} {u:>10.3f}{cells}")
    lines.append(
        f"images={result['n_images']} tokens={result['trained']['n_tokens']} "
        f"vocab={result['vocab_size']} chance_top1={result['chance_top1']:.4f}"
    )
    if probe:
        p = probe["trained"]
        lines.append(
            f"probe: {result['config']['probe_steps']} steps, head trained on {p['n_train']} "
            f"images, tested on {p['n_test']}; text share {p['text_share']:.3f} "
            f"(all-paper accuracy {1 - p['text_share']:.3f})"
        )
    return "\n".join(lines)
