"""Shapes, dtypes, tiling, the frozen table and the losses."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from codepercept.tokenocr.data import feature_masks, synthetic_samples
from codepercept.tokenocr.losses import LossConfig, SigLIPHead, tokenocr_losses
from codepercept.tokenocr.model import TokenOCR, dense_features, get_config, plan_tiles
from codepercept.tokenocr.target import load_embedding_table


def test_forward_shapes_and_dtypes(micro):
    cfg = get_config("tiny", **micro)
    model = TokenOCR(cfg).eval()
    x = torch.randn(3, 3, cfg.tile_size, cfg.tile_size)
    y = model(x)
    assert y.shape == (3, cfg.embed_dim, cfg.feature_size, cfg.feature_size)
    assert cfg.feature_size == 4 * cfg.tile_size // cfg.patch_size
    assert y.dtype == torch.float32
    # A non-square input works through interpolated position embeddings.
    y2 = model(torch.randn(1, 3, cfg.tile_size, 2 * cfg.tile_size))
    assert y2.shape == (1, cfg.embed_dim, cfg.feature_size, 2 * cfg.feature_size)


@pytest.mark.parametrize("name", ["tiny", "small", "base"])
def test_named_configs_are_consistent(name):
    cfg = get_config(name)
    assert cfg.name == name
    assert cfg.tile_size % cfg.patch_size == 0 and cfg.dim % cfg.heads == 0
    assert cfg.feature_size == 4 * cfg.tile_size // cfg.patch_size
    # Overrides give a copy; the named config itself is left alone (None means "keep").
    changed = get_config(name, depth=1, heads=None)
    assert changed.depth == 1 and changed.heads == cfg.heads
    assert get_config(name).depth == cfg.depth != 1


def test_bad_config_is_rejected_with_a_fix():
    with pytest.raises(ValueError, match="multiple of patch_size"):
        get_config("tiny", tile_size=50, patch_size=16)
    with pytest.raises(ValueError, match="unknown config"):
        get_config("huge")


def test_dynamic_tiling_and_stitching(micro):
    cfg = get_config("tiny", **micro)
    img = np.random.default_rng(0).integers(0, 255, (70, 100, 3), dtype=np.uint8)
    plan = plan_tiles(img, cfg)
    assert (plan.rows, plan.cols, plan.scale) == (2, 2, 1.0)
    assert plan.tiles.shape == (4, cfg.tile_size, cfg.tile_size, 3)
    np.testing.assert_array_equal(plan.tiles[0], img[: cfg.tile_size, : cfg.tile_size])
    df = dense_features(TokenOCR(cfg).eval(), img)
    stride = cfg.patch_size / 4
    assert df.stride == stride
    assert df.features.shape == (cfg.embed_dim, math.ceil(70 / stride), math.ceil(100 / stride))
    # Too many tiles: the image is scaled down to fit max_tiles; a thumbnail is added.
    small = get_config("tiny", **{**micro, "max_tiles": 2, "thumbnail": True})
    plan = plan_tiles(img, small)
    assert plan.rows * plan.cols <= 2 and plan.scale < 1.0
    assert plan.thumbnail is not None and plan.thumbnail.shape == (small.tile_size,) * 2 + (3,)


def test_overlapping_tiles_keep_each_tiles_centre(micro):
    import torch

    from codepercept.tokenocr.model import default_margin, normalize_images

    cfg = get_config("tiny", **micro)
    m = default_margin(cfg)
    assert m % cfg.patch_size == 0 and 0 < 2 * m < cfg.tile_size
    img = np.random.default_rng(1).integers(0, 255, (150, 170, 3), dtype=np.uint8)
    model = TokenOCR(cfg).eval()
    df = dense_features(model, img)  # the default overlaps
    stride = cfg.patch_size / 4
    assert df.stride == stride and df.plan.margin == m
    assert df.features.shape == (cfg.embed_dim, math.ceil(150 / stride), math.ceil(170 / stride))
    # the second tile of the first row covers image rows -m.. (edge padding above) and columns
    # step - m..; its centre features are the model's output on that crop
    step, s = cfg.tile_size - 2 * m, cfg.tile_size
    np.testing.assert_array_equal(df.plan.tiles[1][m:], img[: s - m, step - m : step - m + s])
    with torch.no_grad():
        own = model(normalize_images(torch.from_numpy(df.plan.tiles[1:2])))[0]
    k = int(m / stride)
    x0 = int(step / stride)
    centre = own[:, k:-k, k:-k]
    got = df.features[:, : centre.shape[1], x0 : x0 + centre.shape[2]]
    torch.testing.assert_close(got, centre[:, : got.shape[1], : got.shape[2]])
    flat = dense_features(model, img, margin=0)  # edge to edge, as the paper tiles
    assert flat.features.shape == df.features.shape and flat.plan.margin == 0
    assert not torch.equal(flat.features, df.features)
    with pytest.raises(ValueError, match="margin"):
        dense_features(model, img, margin=3)


def test_gaussian_table_is_seeded_frozen_and_restrictable():
    a = load_embedding_table(None, vocab_size=20000, dim=16, seed=3)
    b = load_embedding_table(None, vocab_size=20000, dim=16, seed=3)
    assert torch.equal(a.weight, b.weight) and a.weight.shape == (20000, 16)
    assert list(a.parameters()) == [] and not a.weight.requires_grad
    r = load_embedding_table(None, vocab_size=20000, dim=16, seed=3, restrict_to=[5, 9000, 19999])
    ids = torch.tensor([19999, 5, 9000])
    assert torch.equal(r(ids), a(ids))
    with pytest.raises(KeyError):
        r(torch.tensor([6]))


def test_table_from_safetensors_state_dict_and_hf_dir(tmp_path):
    from safetensors.torch import save_file

    emb = torch.randn(50, 8)
    save_file(
        {"model.embed_tokens.weight": emb, "lm_head.weight": torch.randn(50, 8)},
        str(tmp_path / "m.safetensors"),
    )
    t = load_embedding_table(tmp_path / "m.safetensors")
    assert torch.equal(t.weight, emb)
    torch.save({"transformer.wte.weight": emb}, tmp_path / "sd.pt")
    assert torch.equal(load_embedding_table(tmp_path / "sd.pt").weight, emb)
    assert torch.equal(
        load_embedding_table(tmp_path / "sd.pt", embed_key="transformer.wte.weight").weight, emb
    )
    hf = tmp_path / "hf"
    hf.mkdir()
    save_file({"a.weight": torch.randn(3, 3)}, str(hf / "model-00001.safetensors"))
    save_file({"model.embed_tokens.weight": emb}, str(hf / "model-00002.safetensors"))
    assert torch.equal(load_embedding_table(hf).weight, emb)
    with pytest.raises(KeyError, match="embed-key"):
        load_embedding_table(tmp_path / "sd.pt", embed_key="nope")


def test_feature_masks_any_coverage():
    m = np.zeros((8, 8), np.uint16)
    m[0, 0] = 3
    m[4:8, 4:8] = 7
    fm = feature_masks(m, [3, 7, 9], (4, 4))
    assert fm.shape == (3, 4, 4) and fm.dtype == torch.float32
    assert fm[0].sum() == 1 and fm[0, 0, 0] == 1
    assert fm[1].sum() == 4 and fm[1, 2:, 2:].all()
    assert fm[2].sum() == 0
    # ink_free appends the cells no non-zero pixel falls in, listed or not (5 is not listed)
    m[0, 7] = 5
    both = feature_masks(m, [3, 7], (4, 4), ink_free=True)
    assert both.shape == (3, 4, 4)
    assert torch.equal(both[:2], feature_masks(m, [3, 7], (4, 4)))
    assert torch.equal(both[2], 1.0 - feature_masks((m > 0).astype(np.int64), [1], (4, 4))[0])
    assert both[2, 0, 0] == 0 and both[2, 0, 3] == 0 and both[2].sum() == 16 - 1 - 1 - 4
    assert torch.equal(feature_masks(m, [], (4, 4), ink_free=True), both[2:])
    with pytest.raises(ValueError, match="non-zero"):
        feature_masks(m, [0, 3], (4, 4), ink_free=True)


def test_losses_switch_and_known_values(toy_batch):
    feats, masks, ids, valid = toy_batch()
    emb = torch.randn(10, 16)[ids]
    head = SigLIPHead()
    assert head.logit_scale.exp().item() == pytest.approx(10.0)
    out = tokenocr_losses(feats, masks, emb, ids, valid, LossConfig(), head)
    assert set(out) == {"seg", "sim", "siglip", "total"}
    assert out["total"].item() == pytest.approx(
        sum(out[k].item() for k in ("seg", "sim", "siglip"))
    )
    only = tokenocr_losses(
        feats, masks, emb, ids, valid, LossConfig(seg=False, siglip=False, l2=True)
    )
    assert set(only) == {"sim", "l2", "total"}
    # Features equal to the target under every mask: the similarity loss is 0.
    perfect = torch.einsum("bkd,bkhw->bdhw", emb, masks)
    sim = tokenocr_losses(perfect, masks, emb, ids, valid, LossConfig(seg=False, siglip=False))
    assert sim["sim"].item() == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="switched off"):
        tokenocr_losses(
            feats, masks, emb, ids, valid, LossConfig(seg=False, sim=False, siglip=False)
        )
    fixed = SigLIPHead(bias=-8.9375, learnable_bias=False)
    assert [n for n, _ in fixed.named_parameters()] == ["logit_scale"]


def test_gradients_reach_the_model_but_never_the_table(micro):
    cfg = get_config("tiny", **micro)
    model = TokenOCR(cfg)
    table = load_embedding_table(None, vocab_size=len(range(17)), dim=cfg.embed_dim)
    before = table.weight.clone()
    head = SigLIPHead()
    s = synthetic_samples(2, seed=4)[0]
    crop_img = torch.from_numpy(s.image[: cfg.tile_size, : cfg.tile_size].copy())[None]
    vals = [t.mask_value for t in s.tokens[:3]]
    masks = feature_masks(s.mask[: cfg.tile_size, : cfg.tile_size], vals, (cfg.feature_size,) * 2)[
        None
    ]
    ids = torch.tensor([[t.token_id for t in s.tokens[:3]]])
    from codepercept.tokenocr.model import normalize_images

    feats = model(normalize_images(crop_img))
    valid = masks.flatten(2).sum(-1) > 0
    assert valid.any()
    out = tokenocr_losses(feats, masks, table(ids), ids, valid, LossConfig(), head)
    opt = torch.optim.AdamW([*model.parameters(), *head.parameters()], lr=1e-2)
    out["total"].backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
    assert head.logit_scale.grad is not None and head.logit_bias.grad is not None
    assert table.weight.grad is None and not table.weight.requires_grad
    opt.step()
    assert torch.equal(table.weight, before)
