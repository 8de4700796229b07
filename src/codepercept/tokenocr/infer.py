"""Inference: per-token similarity maps of a text query over an image.

Query text → tokens (the paper's leading-space rule: a space is prepended unless the query
starts with whitespace, a digit, punctuation or a symbol, so ``"the"`` matches the word-initial
token ``" the"``) → frozen embeddings → cosine map per token against the L2-normalised pixel
features of the dynamically tiled image (each feature first averaged with its neighbours over
``local_pool`` pixels, :func:`local_mean`; 0 keeps single features as the paper does) →
min-max normalised → bilinearly upsampled to the
image → overlaid, one panel per token plus their mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from codepercept.tokenit.tokenizer import leading_space
from codepercept.tokenocr.checkpoint import LoadedModel, load_checkpoint
from codepercept.tokenocr.data import SYNTH_VOCAB
from codepercept.tokenocr.model import dense_features

__all__ = [
    "QueryMaps",
    "cosine_maps",
    "heatmap",
    "leading_space",
    "local_mean",
    "minmax",
    "query_maps",
    "query_token_ids",
    "render_heatmaps",
]


def query_token_ids(query: str, tokenizer: str | None) -> list[tuple[str, int]]:
    """``(piece, token_id)`` for each non-whitespace token of ``query`` after
    :func:`leading_space`. ``tokenizer`` is the training data's (``"synthetic"`` → the toy
    word-level vocabulary; anything else → ``codepercept.tokenit.tokenizer.load_tokenizer``)."""
    if tokenizer == "synthetic":
        out = []
        for w in leading_space(query).split():
            piece = " " + w
            if piece not in SYNTH_VOCAB:
                raise ValueError(f"{w!r} is not in the synthetic vocabulary {SYNTH_VOCAB[1:]}")
            out.append((piece, SYNTH_VOCAB.index(piece)))
        return out
    from codepercept.tokenit.tokenizer import load_tokenizer

    tok = load_tokenizer(tokenizer or "qwen")
    spans = tok.query_tokens(query)  # applies leading_space itself
    return [(s.text, s.token_id) for s in spans if s.text and not s.text.isspace()]


def cosine_maps(features: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
    """Cosine similarity ``(T, h, w)`` between embeddings ``(T, D)`` and features ``(D, h, w)``."""
    return torch.einsum(
        "td,dhw->thw", F.normalize(emb.float(), dim=-1), F.normalize(features.float(), dim=0)
    )


#: Default neighbourhood (image pixels) over which features are averaged before a map is drawn.
LOCAL_POOL_PX = 12.0


def local_mean(features: torch.Tensor, pixels: float, stride: float) -> torch.Tensor:
    """Each feature of ``(D, h, w)`` replaced by the mean of the features within an odd
    ``k x k`` window spanning about ``pixels`` image pixels (``stride`` pixels per feature;
    windows are cut at the border, not padded). ``k`` = 1 returns ``features`` unchanged.

    Single features of a small model are noisy, and a heat map's argmax over tens of thousands
    of them lands on whichever one is noisiest; a token's mask-pooled feature is what training
    aligns. Averaging over about a character's width (12 px at the default) makes every
    position a small pooled region: measured on the CPU evidence checkpoint, pointing rises
    from 0.39 to 0.55 (docs/tokenocr.md)."""
    k = round((pixels / stride - 1) / 2) * 2 + 1 if pixels > 0 else 1
    if k <= 1:
        return features
    pooled = F.avg_pool2d(features[None].float(), k, 1, k // 2, count_include_pad=False)
    return pooled[0]


def minmax(maps: torch.Tensor) -> torch.Tensor:
    """Min-max normalise each map of ``(T, h, w)`` to [0, 1] (a constant map becomes 0)."""
    lo = maps.flatten(1).min(1).values[:, None, None]
    hi = maps.flatten(1).max(1).values[:, None, None]
    return (maps - lo) / (hi - lo).clamp(min=1e-12)


@dataclass
class QueryMaps:
    """Normalised maps at image resolution: ``maps`` (T, H, W) float32 in [0, 1], ``mean``
    (H, W); ``tokens`` the query pieces."""

    tokens: list[str]
    token_ids: list[int]
    maps: np.ndarray
    mean: np.ndarray


@torch.no_grad()
def query_maps(
    lm: LoadedModel,
    image: np.ndarray,
    query: str,
    device: str = "cpu",
    local_pool: float = LOCAL_POOL_PX,
) -> QueryMaps:
    """Per-token similarity maps of ``query`` over ``image`` (HxWx3 uint8); ``local_pool``:
    see :func:`local_mean` (0: single features)."""
    pieces = query_token_ids(query, (lm.meta.get("data_info") or {}).get("tokenizer"))
    if not pieces:
        raise ValueError(f"query {query!r} has no non-whitespace tokens")
    ids = torch.tensor([i for _, i in pieces], device=lm.table.weight.device)
    df = dense_features(lm.model, image, device)
    feats = local_mean(df.features, local_pool, df.stride)
    maps = minmax(cosine_maps(feats, lm.table(ids)))
    h, w = image.shape[:2]
    # Features cover the scaled image plus at most one feature of padding: map to image size.
    full_h, full_w = df.plan.height / df.stride, df.plan.width / df.stride
    crop = maps[:, : max(1, round(full_h)), : max(1, round(full_w))]
    up = F.interpolate(crop[None], size=(h, w), mode="bilinear", align_corners=False)[0]
    up = up.clamp(0, 1).cpu().numpy().astype(np.float32)
    return QueryMaps([p for p, _ in pieces], [i for _, i in pieces], up, up.mean(0))


def render_heatmaps(image: np.ndarray, qm: QueryMaps, out: str | Path, alpha: float = 0.55) -> Path:
    """Save a figure: one overlay panel per token plus their mean."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [*zip([repr(t) for t in qm.tokens], qm.maps, strict=True), ("mean", qm.mean)]
    h, w = image.shape[:2]
    n = len(panels)
    cols = min(n, 4)
    rows = (n + cols - 1) // cols
    pw = 4.0
    fig, axes = plt.subplots(
        rows, cols, figsize=(pw * cols, pw * rows * h / w + 0.4 * rows), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (title, m) in zip(axes.ravel(), panels, strict=False):
        ax.imshow(image)
        ax.imshow(m, cmap="jet", alpha=alpha, vmin=0, vmax=1)
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def heatmap(
    ckpt: str | Path,
    image: str | Path | np.ndarray,
    query: str,
    out: str | Path,
    device: str = "cpu",
    local_pool: float = LOCAL_POOL_PX,
) -> Path:
    """Load ``ckpt``, compute the query's maps over ``image`` (path or array), save the figure."""
    from PIL import Image

    if not isinstance(image, np.ndarray):
        p = Path(image)
        if not p.is_file():
            raise FileNotFoundError(f"image {p} not found")
        image = np.asarray(Image.open(p).convert("RGB"))
    lm = load_checkpoint(ckpt, device)
    return render_heatmaps(image, query_maps(lm, image, query, device, local_pool), out)
