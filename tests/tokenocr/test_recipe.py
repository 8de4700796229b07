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
        # Single features: the oracle is exact per pixel, so any miss is a misalignment.
        r = evaluate_model(oracle, table, [coded], torch.arange(17), space_id=0, local_pool=0)
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


def test_token_ids_scan_matches_the_decoded_samples(tokenit_dir):
    from codepercept.tokenocr.data import iter_samples, token_counts, token_ids

    d = tokenit_dir
    decoded = {t.token_id for s in iter_samples(d) for t in s.tokens}
    assert token_ids(d) == decoded and len(decoded) > 10
    counts = token_counts(d)
    assert sum(counts.values()) == sum(len(s.tokens) for s in iter_samples(d))
    first = {t.token_id for s in iter_samples(d, 1) for t in s.tokens}
    assert token_ids(d, limit=1) == first
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


def test_pixel_subset_balance_shares_pixels_between_masks():
    from codepercept.tokenocr.losses import pixel_subset

    # 3 pixels of a 3-pixel token beside 97 of the page's 97-pixel background mask
    area = torch.tensor([3.0] * 3 + [97.0] * 97)
    torch.manual_seed(0)
    share = {
        b: sum(int((pixel_subset(area, 2, b) < 3).sum()) for _ in range(2000)) / 4000
        for b in (0.0, 1.0)
    }
    assert share[0.0] < 0.06  # uniform: ~3 %
    assert 0.4 < share[1.0] < 0.6  # each mask about half
    picked = pixel_subset(area, 50, 0.5)
    assert len(set(picked.tolist())) == 50  # without replacement


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


def test_seg_negatives_push_absent_rows_down_everywhere(toy_batch):
    import torch.nn.functional as F

    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch()
    ids = ids.masked_fill(~valid, 4)  # padding carries an id of the table
    table = load_embedding_table(None, vocab_size=10, dim=16, restrict_to=[4, 7])
    cfg = LossConfig(
        seg=False,
        sim=False,
        siglip=False,
        seg_negatives=64,
        seg_logit_scale=10.0,
        seg_logit_bias=-5.0,
    )
    out = tokenocr_losses(feats, masks, table(ids), ids, valid, cfg, table=table)
    assert set(out) == {"seg_neg", "total"}
    # Crop 0 holds ids 4 and 7, so no row of this table is absent from it; crop 1 holds only
    # 4, so every counted negative is row 7 (64 draws from 2 rows: it is drawn) with an
    # all-zero target: BCE(10·cos − 5, 0) = softplus(10·cos − 5), averaged over the map.
    cos = F.cosine_similarity(feats[1].detach(), table.weight[1][:, None, None], dim=0)
    want = F.softplus(10 * cos - 5).mean()
    assert out["seg_neg"].item() == pytest.approx(want.item(), rel=1e-5)
    out["total"].backward()
    assert feats.grad[0].abs().sum() == 0  # nothing absent from crop 0: no gradient there
    assert feats.grad[1].abs().sum() > 0
    with pytest.raises(ValueError, match="seg_negatives"):
        tokenocr_losses(feats, masks, table(ids), ids, valid, cfg)  # no table given


def test_bg_fill_labels_every_ink_free_cell_as_space():
    from codepercept.tokenocr.data import feature_masks

    (sample,) = synthetic_samples(1, seed=4, size=(64, 64))
    space = 0
    sampler = CropSampler(
        [sample], tile_size=64, feature_size=32, batch_size=4, space_id=space, bg_fill=True
    )
    batch = sampler.next_batch()
    ink = feature_masks((sample.mask > 0).astype("int64"), [1], (32, 32))[0]
    assert 0 < ink.sum() < 32 * 32
    for i in range(4):  # the tile is the whole image, so every crop is the whole sample
        rows = (batch.ids[i] == space) & batch.valid[i]
        assert rows.sum() == 1
        assert torch.equal(batch.masks[i][rows][0], 1 - ink)
        tokens = batch.masks[i][batch.valid[i] & (batch.ids[i] != space)]
        assert (tokens.amax(0) * (1 - ink)).sum() == 0  # space and tokens never share a cell


def test_random_crops_also_show_blank_paper():
    import numpy as np

    from codepercept.tokenocr.data import OcrSample

    (s,) = synthetic_samples(1, seed=5, size=(64, 64))
    # the text sits in the first 64 columns of a 64 x 512 page; the rest is blank paper
    image = np.concatenate([s.image, np.broadcast_to(s.image[:1, :1], (64, 448, 3))], axis=1)
    mask = np.pad(s.mask, ((0, 0), (0, 448)))
    page = OcrSample("page", image, mask, s.tokens, s.tokenizer)

    def blank_share(share: float) -> float:
        sampler = CropSampler(
            [page],
            tile_size=64,
            feature_size=32,
            batch_size=64,
            space_id=0,
            bg_boxes=0,
            random_crops=share,
        )
        images = sampler.next_batch().images
        paper = torch.from_numpy(image[0, 0].copy())
        return float((images == paper).all(-1).flatten(1).all(1).float().mean())

    assert blank_share(0.0) < 0.1  # crops centred on tokens
    assert blank_share(1.0) > 0.5  # uniform over the page: mostly blank paper
    with pytest.raises(ValueError, match="random_crops"):
        CropSampler([page], tile_size=64, feature_size=32, batch_size=1, space_id=0, random_crops=2)


def test_local_mean_averages_a_character_wide_window():
    from codepercept.tokenocr.infer import local_mean

    torch.manual_seed(0)
    f = torch.randn(5, 9, 11)
    assert local_mean(f, 0, 4.0) is f  # off
    assert local_mean(f, 4, 4.0) is f  # one feature wide: nothing to average
    out = local_mean(f, 12, 4.0)  # 12 px at 4 px per feature: a 3 x 3 window
    assert out.shape == f.shape
    assert torch.allclose(out[:, 4, 5], f[:, 3:6, 4:7].mean((1, 2)), atol=1e-6)
    assert torch.allclose(out[:, 0, 0], f[:, :2, :2].mean((1, 2)), atol=1e-6)  # cut, not padded
    wide = local_mean(f, 20, 4.0)  # 5 x 5
    assert torch.allclose(wide[:, 4, 5], f[:, 2:7, 3:8].mean((1, 2)), atol=1e-6)


def test_point_ce_is_a_softmax_over_pixels_per_token(toy_batch):
    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch()
    table = load_embedding_table(None, vocab_size=10, dim=16, restrict_to=[0, 4, 7])
    cfg = LossConfig(seg=False, sim=False, siglip=False, point_ce=True, pixel_ce_scale=3.0)
    out = tokenocr_losses(feats, masks, table(ids), ids, valid, cfg, table=table)
    assert set(out) == {"point_ce", "total"}
    # by hand: the singly owned pixels of the batch, and per id among their labels the
    # cross-entropy of a softmax over all of them against the id's own pixels
    pix, labels = [], []
    for b in range(2):
        for y in range(6):
            for x in range(6):
                owners = [k for k in range(3) if valid[b, k] and masks[b, k, y, x] > 0]
                if len(owners) == 1:
                    pix.append(torch.nn.functional.normalize(feats[b, :, y, x], dim=0))
                    labels.append(int(ids[b, owners[0]]))
    emb = torch.nn.functional.normalize(table.weight, dim=-1)
    terms = []
    for t in sorted(set(labels)):
        e = emb[table.rows(torch.tensor([t]))[0]]
        logit = torch.stack([3.0 * (p @ e) for p in pix])
        own = torch.tensor([lab == t for lab in labels])
        terms.append(logit.logsumexp(0) - logit[own].logsumexp(0))
    assert out["point_ce"].item() == pytest.approx(torch.stack(terms).mean().item(), rel=1e-5)
    # pointing-perfect features (each token's pixels hold its embedding, scaled up) score
    # lower than features that put every token's best response on another token's pixels
    good = torch.zeros_like(feats)
    bad = torch.zeros_like(feats)
    order = [0, 4, 7]
    for b in range(2):
        for k in range(3):
            if not valid[b, k]:
                continue
            row = table.rows(ids[b, k : k + 1])[0]
            wrong = table.rows(torch.tensor([order[(order.index(int(ids[b, k])) + 1) % 3]]))[0]
            on = masks[b, k] > 0
            good[b][:, on] = 8 * emb[row][:, None]
            bad[b][:, on] = 8 * emb[wrong][:, None]
    loss = {
        name: tokenocr_losses(f, masks, table(ids), ids, valid, cfg, table=table)["point_ce"]
        for name, f in (("good", good), ("bad", bad))
    }
    assert loss["good"] < loss["bad"]
    both = LossConfig(**{**cfg.to_dict(), "pixel_ce": True, "point_ce_weight": 2.0})
    out2 = tokenocr_losses(feats, masks, table(ids), ids, valid, both, table=table)
    assert set(out2) == {"pixel_ce", "point_ce", "total"}
    assert out2["point_ce"].item() == pytest.approx(2 * out["point_ce"].item(), rel=1e-5)


def test_point_ce_scale_sharpens_the_softmax_over_pixels(toy_batch):
    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch()
    table = load_embedding_table(None, vocab_size=10, dim=16, restrict_to=[0, 4, 7])
    base = dict(seg=False, sim=False, siglip=False, point_ce=True, pixel_ce_scale=3.0)
    same = tokenocr_losses(
        feats, masks, table(ids), ids, valid, LossConfig(**base, point_ce_scale=3.0), table=table
    )["point_ce"]
    default = tokenocr_losses(
        feats, masks, table(ids), ids, valid, LossConfig(**base), table=table
    )["point_ce"]
    assert same.item() == default.item()
    # point_ce at scale 6 with pixel_ce at 3 is point_ce at scale 6 on its own
    sharp = tokenocr_losses(
        feats, masks, table(ids), ids, valid, LossConfig(**base, point_ce_scale=6.0), table=table
    )["point_ce"]
    alone = tokenocr_losses(
        feats,
        masks,
        table(ids),
        ids,
        valid,
        LossConfig(**{**base, "pixel_ce_scale": 6.0}),
        table=table,
    )["point_ce"]
    assert sharp.item() == pytest.approx(alone.item(), rel=1e-6)
    assert sharp.item() != pytest.approx(default.item(), rel=1e-3)


def test_bf16_features_give_the_float32_losses_and_gradients(toy_batch):
    """Under bf16 autocast the three big products run in bf16; every term and the gradient stay
    within bf16 rounding of the float32 computation on the same (bf16-representable) features."""
    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch(d=32)
    table = load_embedding_table(None, vocab_size=10, dim=32, restrict_to=[0, 4, 7])
    cfg = LossConfig(
        siglip=False,
        vocab_ce=True,
        pixel_ce=True,
        point_ce=True,
        seg_logit_scale=10.0,
        seg_logit_bias=-5.0,
    )
    f32 = feats.detach().to(torch.bfloat16).float().requires_grad_()
    b16 = f32.detach().to(torch.bfloat16).requires_grad_()
    ref = tokenocr_losses(f32, masks, table(ids), ids, valid, cfg, table=table)
    got = tokenocr_losses(b16, masks, table(ids), ids, valid, cfg, table=table)
    assert set(got) == set(ref)
    for k in ref:
        assert got[k].dtype == torch.float32
        assert got[k].item() == pytest.approx(ref[k].item(), rel=2e-2, abs=1e-3), k
    ref["total"].backward()
    got["total"].backward()
    assert b16.grad.dtype == torch.bfloat16
    cos = torch.nn.functional.cosine_similarity(b16.grad.float().flatten(), f32.grad.flatten(), 0)
    assert cos > 0.99


def test_edge_ce_is_a_softmax_over_each_mask_and_its_ring(toy_batch):
    from codepercept.tokenocr.losses import LossConfig, tokenocr_losses

    feats, masks, ids, valid = toy_batch()
    table = load_embedding_table(None, vocab_size=10, dim=16, restrict_to=[0, 4, 7])
    emb = table(ids)
    cfg = LossConfig(seg=False, sim=False, siglip=False, edge_ce=True, edge_ce_scale=5.0)
    out = tokenocr_losses(feats, masks, emb, ids, valid, cfg, table=table)
    assert set(out) == {"edge_ce", "total"}
    # by hand: per valid token, the cells of its mask and the cells touching it (8-neighbours)
    unit = torch.nn.functional.normalize(feats, dim=1)
    terms = []
    for b in range(2):
        for k in range(3):
            if not valid[b, k]:
                continue
            e = torch.nn.functional.normalize(emb[b, k], dim=0)
            z = 5.0 * torch.einsum("d,dhw->hw", e, unit[b])
            own = masks[b, k] > 0
            ring = torch.zeros_like(own)
            for y, x in own.nonzero().tolist():
                ring[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2] = True
            terms.append(z[ring].logsumexp(0) - z[own].logsumexp(0))
    assert out["edge_ce"].item() == pytest.approx(torch.stack(terms).mean().item(), rel=1e-5)
    # finite gradients although padding slots hold empty masks; a token whose cosine peaks on
    # its own cells scores lower than one peaking on the ring
    out["total"].backward()
    assert torch.isfinite(feats.grad).all() and feats.grad.abs().sum() > 0
    good, bad = torch.zeros_like(feats), torch.zeros_like(feats)
    own = masks[0, 0] > 0
    ring = torch.nn.functional.max_pool2d(masks[0, 0][None, None], 3, 1, 1)[0, 0].bool() & ~own
    e = table(ids[0, 0:1])[0]
    good[0][:, own], bad[0][:, ring] = e[:, None], e[:, None]
    one = torch.tensor([[True, False, False], [False, False, False]])
    loss = {
        name: tokenocr_losses(f, masks, emb, ids, one, cfg, table=table)["edge_ce"]
        for name, f in (("good", good + 0.01), ("bad", bad + 0.01))
    }
    assert loss["good"] < loss["bad"]
