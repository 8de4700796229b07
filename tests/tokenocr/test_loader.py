"""The multi-process crop loader: fixed order, exact positions, same crops as the samplers."""

from __future__ import annotations

import pytest
import torch

from codepercept.tokenocr.data import Batch, CropLoader, CropSampler, synthetic_samples

KW = dict(tile_size=64, feature_size=32, batch_size=4, space_id=0, crops_per_sample=2, pool=4)


@pytest.fixture(scope="module")
def samples():
    return synthetic_samples(12, seed=5)


def _same(a: Batch, b: Batch) -> bool:
    return all(
        torch.equal(x, y)
        for x, y in zip(
            (a.images, a.masks, a.ids, a.valid), (b.images, b.masks, b.ids, b.valid), strict=True
        )
    )


def test_batches_alternate_over_worker_shards_in_a_fixed_order(samples):
    loader = CropLoader(2, source=samples, **KW)
    got = [loader.next_batch() for _ in range(4)]
    loader.close()
    # Worker k is a CropSampler over shard k of 2; batch i comes from worker i % 2.
    shards = [CropSampler(samples, **KW, rank=k, world=2) for k in range(2)]
    want = [shards[i % 2].next_batch() for i in range(4)]
    for g, w in zip(got, want, strict=True):
        assert g.masks.dtype == torch.bool  # shipped as bool ...
        assert g.to("cpu").masks.dtype == torch.float32  # ... and float once on the device
        assert _same(g.to("cpu"), w)
    assert loader.seen_ids == shards[0].seen_ids | shards[1].seen_ids


def test_state_dict_resumes_exactly(samples):
    a = CropLoader(2, source=samples, **KW)
    for _ in range(5):
        a.next_batch()
    st = a.state_dict()
    rest = [a.next_batch() for _ in range(4)]
    a.close()
    b = CropLoader(2, source=samples, **KW)
    b.load_state_dict(st)
    again = [b.next_batch() for _ in range(4)]
    b.close()
    for x, y in zip(rest, again, strict=True):
        assert _same(x, y)
    assert b.seen_ids >= set(st["seen_ids"])


def test_other_worker_count_is_refused(samples):
    a = CropLoader(2, source=samples, **KW)
    a.next_batch()
    st = a.state_dict()
    a.close()
    with pytest.raises(ValueError, match="resume with --workers 2"):
        CropLoader(3, source=samples, **KW).load_state_dict(st)
    with pytest.raises(ValueError, match="workers >= 1"):
        CropLoader(0, source=samples, **KW)


def test_a_worker_error_reaches_the_caller(tmp_path):
    loader = CropLoader(1, source=tmp_path / "missing", **KW)
    with pytest.raises(Exception, match="missing"):
        loader.next_batch()
