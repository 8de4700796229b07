"""Fixtures for the TokenOCR tests: a micro model config, synthetic samples, one short
training run shared by the tests that need a trained checkpoint."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
torch.set_num_threads(1)  # a busy 2-core machine runs small models far faster on one thread

from codepercept.tokenocr.data import synthetic_samples  # noqa: E402
from codepercept.tokenocr.losses import LossConfig  # noqa: E402
from codepercept.tokenocr.train import TrainConfig, train  # noqa: E402

#: A model small enough that a training step takes tens of milliseconds on one CPU core.
MICRO = dict(
    tile_size=64,
    patch_size=8,
    dim=48,
    depth=2,
    heads=2,
    up_dim=16,
    head_hidden=48,
    embed_dim=48,
    max_tiles=16,
)


def micro_config(out, steps: int, **kw) -> TrainConfig:
    base = dict(
        out=str(out),
        config="tiny",
        model_overrides=dict(MICRO),
        steps=steps,
        batch_size=16,
        lr=3e-3,
        warmup_steps=5,
        log_every=1,
        threads=1,
        ckpt_every=0,
        crops_per_sample=2,
        pool=32,
        loss=LossConfig(),
    )
    base.update(kw)
    return TrainConfig(**base)


@pytest.fixture(scope="session")
def micro():
    """Model-config overrides of the micro model."""
    return dict(MICRO)


@pytest.fixture(scope="session")
def make_config():
    """``make_config(out, steps, **overrides) -> TrainConfig`` for the micro model."""
    return micro_config


@pytest.fixture(scope="session")
def train_samples():
    return synthetic_samples(12, seed=1, size=(64, 64))


@pytest.fixture(scope="session")
def heldout_samples():
    return synthetic_samples(12, seed=99, size=(64, 64))


@pytest.fixture(scope="session")
def tokenit_dir(tmp_path_factory):
    """A real TokenIT directory: three generated documents (seed 4). Read it, don't write to it."""
    from codepercept.tokenit import generate

    out = tmp_path_factory.mktemp("tokenit") / "d"
    generate(3, out, seed=4, domains=["documents"])
    return out


@pytest.fixture(scope="session")
def trained(tmp_path_factory, train_samples):
    """A micro model trained for 120 steps on the 12 synthetic training samples."""
    out = tmp_path_factory.mktemp("tocr") / "micro.pt"
    res = train(micro_config(out, 120), train_samples)
    return res


def _toy_batch(d: int = 16):
    """Features (2, d, 6, 6) with gradients, three token masks per crop (two valid in the first,
    one in the second), ids and validity: small enough to check a loss by hand."""
    torch.manual_seed(0)
    feats = torch.randn(2, d, 6, 6, requires_grad=True)
    masks = torch.zeros(2, 3, 6, 6)
    masks[0, 0, :2, :2] = 1
    masks[0, 1, 3:, 3:] = 1
    masks[1, 0, 2:4, :] = 1
    ids = torch.tensor([[4, 7, 0], [4, 0, 0]])
    valid = torch.tensor([[True, True, False], [True, False, False]])
    return feats, masks, ids, valid


@pytest.fixture
def toy_batch():
    """``toy_batch(d=16) -> (feats, masks, ids, valid)``, see :func:`_toy_batch`."""
    return _toy_batch
