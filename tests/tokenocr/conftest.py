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
def trained(tmp_path_factory, train_samples):
    """A micro model trained for 120 steps on the 12 synthetic training samples."""
    out = tmp_path_factory.mktemp("tocr") / "micro.pt"
    res = train(micro_config(out, 120), train_samples)
    return res
