"""Linear-probe text segmentation: how linearly the frozen features separate text from paper.

The paper reports it beside zero-shot segmentation (TokenFD 48.77 IoU, InternViT2.5 42.21,
SAM-H 34.51). The encoder stays frozen (eval mode, no gradients); a linear head — a 1×1
convolution, i.e. ``nn.Linear(D, 1)`` per feature cell — is trained with binary cross-entropy on
the text / background label of single feature cells of the training images and scored on the
test images with the zero-shot metric's IoU.

* **Features** are those evaluation uses: :func:`~codepercept.tokenocr.model.dense_features`
  (the same dynamic, overlapping tiling), one feature per ``patch/4`` pixels.
* **Labels** are :func:`~codepercept.tokenocr.evaluate.text_cells`: a cell is text when any pixel
  of the sample's mask > 0 falls in it — the zero-shot text segmentation's target, from the same
  function.
* **Input of the head**: the raw features standardised per channel with the mean and standard
  deviation of the training pixels (not L2-normalised). Standardising is an affine change of
  variables, so the head is still exactly a linear classifier of the raw features (what "linear
  probe" means), while encoders whose features differ in scale by orders of magnitude (a trained
  model, its random-weight control, another encoder) train equally fast under one fixed
  learning rate and step budget: the comparison is of the features, not of the optimiser's
  conditioning. L2 normalisation would instead change what is separable (it drops each feature's
  norm; a one-channel feature would become its sign).
* **Pixels**: each training image's features are computed, sampled and dropped (one image in
  memory at a time); a bounded pool of cells is kept, at most :data:`POOL_FLOATS` floats in all
  (``max(batch_pixels, POOL_FLOATS // D)`` cells: 262,144 at D = 128), split evenly over the
  training images, and from each image at most half its share is text (the rest background, so
  rare text is not drowned). Steps draw ``batch_pixels`` cells from the pool. Test images are
  streamed one at a time too: time is linear in the number of images and memory is one image's
  features plus the pool, whatever the image size.
* **Class balance**: text cells are rare on a page, so the BCE weighs each class to half of the
  loss: a cell of class c gets weight ``N / (2 · N_c)`` over the pool's counts (so the mean
  weight is 1). The head is therefore calibrated for even odds, and ``threshold`` (0.5) on its
  probability is the balanced decision.
* **Optimiser**: Adam with ``lr`` for ``steps`` steps from a zero-initialised head (logistic
  regression is convex: the start does not matter, and nothing random is needed there).
  Everything random (the pool, the batches) is drawn from ``seed``: same seed, same numbers.

Reported on the test images: ``text_iou`` (mean over images of the IoU of predicted vs true text
cells, images where both are empty left out — the zero-shot definition), ``pixel_acc`` (share of
all test cells labelled right; read it against ``1 - text_share``, what "all paper" scores),
``n_train`` / ``n_test`` (images), ``n_pixels`` (cells in the pool), ``text_share`` (share of
text among the test cells) and ``loss`` (the last step's weighted BCE).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from codepercept.tokenocr.data import OcrSample
from codepercept.tokenocr.evaluate import text_cells, text_iou
from codepercept.tokenocr.model import TokenOCR, dense_features

__all__ = ["POOL_FLOATS", "ProbeConfig", "linear_probe"]

#: Bound on the training pool: cells × D floats (2^25 floats = 128 MiB of float32).
POOL_FLOATS = 1 << 25


@dataclass
class ProbeConfig:
    steps: int = 300
    lr: float = 1e-2
    batch_pixels: int = 8192
    seed: int = 0
    threshold: float = 0.5
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.steps < 1 or self.batch_pixels < 1:
            raise ValueError(
                f"steps ({self.steps}) and batch_pixels ({self.batch_pixels}) must be at least 1"
            )
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must lie in (0, 1), not {self.threshold}")


def _features(encoder: TokenOCR, s: OcrSample, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Features ``(h·w, D)`` float32 and labels ``(h·w,)`` bool of one sample, on the CPU."""
    df = dense_features(encoder, s.image, device)
    feats = df.features.float().flatten(1).T.cpu()
    return feats, text_cells(s, df).flatten()


def _take(labels: torch.Tensor, quota: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of at most ``quota`` cells: up to half of them text, the rest background."""
    lab = labels.numpy()
    text, paper = np.flatnonzero(lab), np.flatnonzero(~lab)
    n_text = min(len(text), quota // 2)
    n_paper = min(len(paper), quota - n_text)
    return np.concatenate(
        [rng.choice(text, n_text, replace=False), rng.choice(paper, n_paper, replace=False)]
    )


def linear_probe(
    encoder: TokenOCR,
    train: Iterable[OcrSample],
    test: Iterable[OcrSample],
    cfg: ProbeConfig | None = None,
) -> dict:
    """Train a linear text/background head on the frozen ``encoder``'s features of ``train``
    and score it on ``test`` (see the module docstring for every choice). Both are read once,
    an image at a time. The encoder's train/eval mode is restored afterwards.

    Returns ``{"text_iou", "pixel_acc", "n_train", "n_test", "n_pixels", "text_share",
    "loss"}``; raises ``ValueError`` when the training images hold no text cell or no
    background cell (nothing to separate) or ``test`` is empty."""
    cfg = cfg or ProbeConfig()
    train = train if isinstance(train, list) else list(train)
    if not train:
        raise ValueError("the linear probe needs at least one training image")
    was_training = encoder.training
    encoder.eval()
    try:
        return _probe(encoder, train, test, cfg)
    finally:
        encoder.train(was_training)


@torch.no_grad()
def _pool(
    encoder: TokenOCR, train: list[OcrSample], cfg: ProbeConfig
) -> tuple[torch.Tensor, torch.Tensor]:
    """The training pool: features ``(N, D)`` and labels ``(N,)`` bool, on the CPU."""
    xs, ys = [], []
    quota = None
    for i, s in enumerate(train):
        feats, labels = _features(encoder, s, cfg.device)
        if quota is None:  # D is known after the first image
            pool = max(cfg.batch_pixels, POOL_FLOATS // max(1, feats.shape[1]))
            quota = max(1, math.ceil(pool / len(train)))
        idx = torch.from_numpy(_take(labels, quota, np.random.default_rng([cfg.seed, i])))
        xs.append(feats[idx])
        ys.append(labels[idx])
    return torch.cat(xs), torch.cat(ys)


def _probe(encoder: TokenOCR, train: list[OcrSample], test: Iterable[OcrSample], cfg: ProbeConfig):
    x, y = _pool(encoder, train, cfg)
    n_text = int(y.sum())
    if n_text == 0 or n_text == len(y):
        raise ValueError(
            f"the linear probe's {len(train)} training images hold "
            f"{'no text' if n_text == 0 else 'no background'} cell; give pages with both"
        )
    mean, std = x.mean(0), x.std(0).clamp(min=1e-6)
    dev = torch.device(cfg.device)
    x = ((x - mean) / std).to(dev)
    target = y.float().to(dev)
    n = len(y)
    weight = torch.where(y, n / (2 * n_text), n / (2 * (n - n_text))).float().to(dev)

    head = nn.Linear(x.shape[1], 1).to(dev)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    opt = torch.optim.Adam(head.parameters(), lr=cfg.lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    b = min(cfg.batch_pixels, n)
    loss = torch.zeros(())
    for _ in range(cfg.steps):
        idx = torch.randint(n, (b,), generator=gen).to(dev)
        logits = head(x[idx])[:, 0]
        loss = F.binary_cross_entropy_with_logits(logits, target[idx], weight=weight[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    del x, target, weight

    cut = math.log(cfg.threshold / (1 - cfg.threshold))  # p >= threshold <=> logit >= cut
    ious: list[float] = []
    right = cells = text = n_test = 0
    with torch.no_grad():
        for s in test:
            feats, labels = _features(encoder, s, cfg.device)
            z = (feats - mean) / std
            pred = (head(z.to(dev))[:, 0] >= cut).cpu()
            iou = text_iou(labels, pred)
            if iou is not None:
                ious.append(iou)
            right += int((pred == labels).sum())
            cells += len(labels)
            text += int(labels.sum())
            n_test += 1
    if n_test == 0:
        raise ValueError("the linear probe needs at least one test image")
    return {
        "text_iou": float(np.mean(ious)) if ious else float("nan"),
        "pixel_acc": right / cells,
        "n_train": len(train),
        "n_test": n_test,
        "n_pixels": n,
        "text_share": text / cells,
        "loss": float(loss.detach()),
    }
