"""The CPU recipe's pieces: batch padding with a restricted table, the optional losses, the
time-based schedule, the fast token-id scan and an oracle check of the evaluation."""

from __future__ import annotations

import pytest
import torch

from codepercept.tokenocr.data import CropSampler, synthetic_samples
from codepercept.tokenocr.target import load_embedding_table


def test_padding_ids_lie_in_a_restricted_table():
    # Crops hold different numbers of tokens, so batches are padded; the padding ids must be
    # looked up in a restricted table without a KeyError (id 0 need not be in it).
    samples = synthetic_samples(4, seed=3, size=(64, 64))
    space = 5
    sampler = CropSampler(
        samples, tile_size=64, feature_size=32, batch_size=8, space_id=space, bg_boxes=0
    )
    batch = sampler.next_batch()
    assert (~batch.valid).any()
    ids = {t.token_id for s in samples for t in s.tokens} - {0}
    table = load_embedding_table(None, vocab_size=17, dim=8, restrict_to=ids | {space})
    assert table(batch.ids).shape == (*batch.ids.shape, 8)
    assert (batch.ids[~batch.valid] == space).all()


class _Oracle(torch.nn.Module):
    """Reads the mask value a test image encodes in its red/green channels and outputs, per
    pixel, that token's embedding (a fixed vector on the background), average-pooled to the
    feature grid: what a perfect reader would produce. Exercises tiling, stitching and the
    mask alignment of the evaluation."""

    def __init__(self, cfg, table, value_to_id: torch.Tensor) -> None:
        super().__init__()
        self.cfg, self.table, self.value_to_id = cfg, table, value_to_id
        self.background = torch.randn(table.dim, generator=torch.Generator().manual_seed(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        from codepercept.tokenocr.model import _MEAN, _STD

        raw = ((x * _STD + _MEAN) * 255).round().long()
        value = (raw[:, 0] + 256 * raw[:, 1]).clamp(max=len(self.value_to_id) - 1)
        ids = self.value_to_id[value]
        feats = self.table(ids.clamp(min=0))
        feats[ids < 0] = self.background
        f = self.cfg.feature_size
        return torch.nn.functional.adaptive_avg_pool2d(feats.permute(0, 3, 1, 2), (f, f))


def test_evaluation_scores_a_perfect_reader_near_one(micro):
    import numpy as np

    from codepercept.tokenocr.data import OcrSample
    from codepercept.tokenocr.evaluate import evaluate_model
    from codepercept.tokenocr.model import get_config

    cfg = get_config("tiny", **micro)
    table = load_embedding_table(None, vocab_size=17, dim=cfg.embed_dim, seed=3)
    samples = synthetic_samples(3, seed=5, size=(150, 170))  # 3 x 3 tiles of 64 px, padded
    for s in samples:
        m = np.asarray(s.mask).astype(np.int64)
        img = np.stack([m % 256, m // 256, np.zeros_like(m)], -1).astype(np.uint8)
        value_to_id = torch.full((int(m.max()) + 1,), -1, dtype=torch.long)
        for t in s.tokens:
            value_to_id[t.mask_value] = t.token_id
        oracle = _Oracle(cfg, table, value_to_id)
        coded = OcrSample(s.id, img, s.mask, s.tokens, s.tokenizer)
        r = evaluate_model(oracle, table, [coded], torch.arange(17), space_id=0)
        assert r["pointing"] == 1.0, r
        assert r["top1"] >= 0.95 and r["top5"] == 1.0, r


def test_vocab_ce_is_switchable_and_ranks_the_table(toy_batch):
    import math

    import torch.nn.functional as F

    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch()
    table = load_embedding_table(None, vocab_size=10, dim=16, restrict_to=[0, 4, 7, 9])
    emb = table(ids)
    paper = tokenocr_losses(feats, masks, emb, ids, valid, LossConfig(siglip=False))
    assert "vocab_ce" not in paper
    cfg = LossConfig(seg=False, sim=False, siglip=False, vocab_ce=True, vocab_ce_scale=5.0)
    out = tokenocr_losses(feats, masks, emb, ids, valid, cfg, table=table)
    assert set(out) == {"vocab_ce", "total"}
    # By hand: pooled features vs the 4 rows of the restricted table.
    pooled = torch.einsum("bkhw,bdhw->bkd", masks, feats) / masks.flatten(2).sum(-1).clamp(
        min=1
    ).unsqueeze(-1)
    logits = 5.0 * F.normalize(pooled[valid], dim=-1) @ F.normalize(table.weight, dim=-1).T
    want = F.cross_entropy(logits, table.rows(ids[valid]))
    assert out["vocab_ce"].item() == pytest.approx(want.item(), rel=1e-5)
    # Features equal to the targets under every mask, a large scale: the loss vanishes.
    perfect = torch.einsum("bkd,bkhw->bdhw", emb * valid[..., None], masks)
    big = LossConfig(seg=False, sim=False, siglip=False, vocab_ce=True, vocab_ce_scale=200.0)
    assert tokenocr_losses(perfect, masks, emb, ids, valid, big, table=table)[
        "vocab_ce"
    ].item() == pytest.approx(0.0, abs=1e-4)
    half = LossConfig(**{**cfg.to_dict(), "vocab_ce_weight": 0.5})
    assert tokenocr_losses(feats, masks, emb, ids, valid, half, table=table)[
        "vocab_ce"
    ].item() == pytest.approx(0.5 * want.item(), rel=1e-5)
    out["total"].backward()
    assert feats.grad is not None and feats.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="table"):
        tokenocr_losses(feats, masks, emb, ids, valid, cfg)
    assert math.isfinite(paper["total"].item())


def test_segmentation_logit_scale_and_bias(toy_batch):
    import torch.nn.functional as F

    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch()
    emb = torch.randn(10, 16)[ids]
    only_seg = dict(sim=False, siglip=False)
    cos = torch.einsum(
        "bkd,bdhw->bkhw", F.normalize(emb, dim=-1), F.normalize(feats.detach(), dim=1)
    )
    for scale, bias in ((1.0, 0.0), (10.0, -5.0)):
        cfg = LossConfig(seg_logit_scale=scale, seg_logit_bias=bias, **only_seg)
        got = tokenocr_losses(feats, masks, emb, ids, valid, cfg)["seg"].item()
        bce = F.binary_cross_entropy_with_logits(scale * cos + bias, masks, reduction="none")
        want = bce.mean((2, 3))[valid].mean().item()
        assert got == pytest.approx(want, rel=1e-5)


def test_time_schedule_ends_the_cosine_at_the_time_limit():
    from codepercept.tokenocr.train import TrainConfig, _lr_factor

    by_steps = TrainConfig(out="x.pt", steps=1000, warmup_steps=10, time_limit_s=100.0)
    by_time = TrainConfig(**{**by_steps.__dict__, "time_schedule": True})
    assert _lr_factor(5, by_time, elapsed=50.0) == _lr_factor(5, by_steps) == 0.6  # warmup
    # 50 of 100 s spent at step 20: halfway down the cosine by time, barely started by steps.
    assert _lr_factor(20, by_time, elapsed=50.0) == pytest.approx(0.5 * (1 + 0.05))
    assert _lr_factor(20, by_steps, elapsed=50.0) > 0.99
    assert _lr_factor(20, by_time, elapsed=150.0) == pytest.approx(0.05)  # floor
    assert _lr_factor(1000, by_time, elapsed=1.0) == pytest.approx(0.05)  # steps still bound


def test_token_ids_scan_matches_the_decoded_samples(tmp_path):
    from codepercept.tokenit import generate
    from codepercept.tokenocr.data import iter_samples, token_counts, token_ids

    generate(3, tmp_path / "d", seed=4, domains=["documents"])
    decoded = {t.token_id for s in iter_samples(tmp_path / "d") for t in s.tokens}
    assert token_ids(tmp_path / "d") == decoded and len(decoded) > 10
    counts = token_counts(tmp_path / "d")
    assert sum(counts.values()) == sum(len(s.tokens) for s in iter_samples(tmp_path / "d"))
    first = {t.token_id for s in iter_samples(tmp_path / "d", 1) for t in s.tokens}
    assert token_ids(tmp_path / "d", limit=1) == first
    samples = synthetic_samples(2, seed=1)
    assert token_ids(samples) == {t.token_id for s in samples for t in s.tokens}


def test_pixel_ce_labels_each_singly_owned_pixel(toy_batch):
    import torch.nn.functional as F

    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch()
    masks[0, 1, 1, 1] = 1  # (0, 1, 1) is now covered by two tokens: it has no label
    table = load_embedding_table(None, vocab_size=10, dim=16, restrict_to=[0, 4, 7])
    cfg = LossConfig(seg=False, sim=False, siglip=False, pixel_ce=True, pixel_ce_scale=3.0)
    out = tokenocr_losses(feats, masks, table(ids), ids, valid, cfg, table=table)
    assert set(out) == {"pixel_ce", "total"}
    rows, labels = [], []
    for b in range(2):
        for y in range(6):
            for x in range(6):
                owners = [k for k in range(3) if valid[b, k] and masks[b, k, y, x] > 0]
                if len(owners) == 1:
                    rows.append(feats[b, :, y, x])
                    labels.append(int(ids[b, owners[0]]))
    assert len(rows) == 3 + 9 + 12  # one pixel of the first token is shared with the second
    logits = 3.0 * F.normalize(torch.stack(rows), dim=-1) @ F.normalize(table.weight, dim=-1).T
    want = F.cross_entropy(logits, table.rows(torch.tensor(labels)))
    assert out["pixel_ce"].item() == pytest.approx(want.item(), rel=1e-5)
    capped = LossConfig(**{**cfg.to_dict(), "pixel_ce_max": 5})
    torch.manual_seed(0)
    assert torch.isfinite(
        tokenocr_losses(feats, masks, table(ids), ids, valid, capped, table=table)["pixel_ce"]
    )


def test_balanced_vocab_ce_weights_rare_tokens_up(toy_batch):
    import torch.nn.functional as F

    from codepercept.tokenocr.losses import LossConfig, class_weights, tokenocr_losses

    table = load_embedding_table(None, vocab_size=10, dim=16, restrict_to=[0, 4, 7, 9])
    w = class_weights(table, {4: 100, 7: 4}, alpha=0.5)
    assert w[0].item() == w[3].item() == 1.0  # ids without counts
    assert w[2].item() == pytest.approx(5 * w[1].item())  # sqrt(100 / 4)
    assert (100 * w[1] + 4 * w[2]).item() == pytest.approx(104.0)  # mean 1 over occurrences
    feats, masks, ids, valid = toy_batch()
    cfg = LossConfig(seg=False, sim=False, siglip=False, vocab_ce=True, vocab_ce_balance=0.5)
    plain = tokenocr_losses(feats, masks, table(ids), ids, valid, cfg, table=table)
    weighted = tokenocr_losses(
        feats, masks, table(ids), ids, valid, cfg, table=table, class_weight=w
    )
    pooled = torch.einsum("bkhw,bdhw->bkd", masks, feats) / masks.flatten(2).sum(-1).clamp(
        min=1
    ).unsqueeze(-1)
    logits = 16.0 * F.normalize(pooled[valid], dim=-1) @ F.normalize(table.weight, dim=-1).T
    rows = table.rows(ids[valid])
    per = F.cross_entropy(logits, rows, reduction="none")
    assert plain["vocab_ce"].item() == pytest.approx(per.mean().item(), rel=1e-5)
    assert weighted["vocab_ce"].item() == pytest.approx((per * w[rows]).mean().item(), rel=1e-5)
