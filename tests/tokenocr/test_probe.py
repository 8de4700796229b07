"""Linear-probe text segmentation: it reads text from features that encode it, is deterministic
and bounded, and reaches evaluate, its table and the `eval` command (--probe-steps, --compare)."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from codepercept.errors import UsageError
from codepercept.tokenocr import probe as probe_mod
from codepercept.tokenocr.checkpoint import load_checkpoint, load_encoder
from codepercept.tokenocr.evaluate import EvalConfig, evaluate, format_table
from codepercept.tokenocr.model import TokenOCR, TokenOCRConfig
from codepercept.tokenocr.probe import ProbeConfig, linear_probe
from codepercept.tokenocr.train import train

SMALL = ProbeConfig(steps=60, batch_pixels=1024)


class Darkness(nn.Module):
    """A stand-in encoder (what ``dense_features`` needs: ``cfg`` and a forward to the feature
    grid) whose one feature per cell is the darkest pixel of the cell — text, trivially — or,
    with ``constant``, the same value everywhere (no information at all)."""

    def __init__(self, micro: dict, constant: bool = False) -> None:
        super().__init__()
        self.cfg = TokenOCRConfig(**micro)
        self.constant = constant

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dark = F.max_pool2d(-x.mean(1, keepdim=True), self.cfg.patch_size // 4)
        return torch.ones_like(dark) if self.constant else dark


@pytest.fixture(scope="module")
def tokenit_ckpt(tmp_path_factory, tokenit_dir, make_config):
    """A 2-step micro checkpoint of the TokenIT fixture (restricted table): weights that are
    not meaningful, a checkpoint that is real."""
    out = tmp_path_factory.mktemp("probe") / "m.pt"
    return train(make_config(out, 2, restrict_vocab=True), tokenit_dir).checkpoint


def test_the_probe_reads_text_from_features_that_encode_it(micro, train_samples, heldout_samples):
    tr, te = train_samples[:6], heldout_samples[:6]
    good = linear_probe(Darkness(micro), tr, te, SMALL)
    assert good["text_iou"] > 0.9 and good["pixel_acc"] > 0.97, good
    flat = linear_probe(Darkness(micro, constant=True), tr, te, SMALL)
    assert flat["text_iou"] < 0.3, flat
    assert good["n_train"] == flat["n_train"] == 6 and good["n_test"] == 6
    assert 0 < good["text_share"] < 0.5  # text is rare: all-paper accuracy is high already
    assert flat["pixel_acc"] <= 1 - good["text_share"] + 1e-9


def test_the_probe_is_deterministic_bounded_and_leaves_the_encoder_as_found(
    micro, train_samples, heldout_samples, monkeypatch
):
    torch.manual_seed(0)
    enc = TokenOCR(TokenOCRConfig(**micro)).train()
    before = {k: v.clone() for k, v in enc.state_dict().items()}
    tr, te = train_samples[:3], heldout_samples[:2]
    cfg = ProbeConfig(steps=15, batch_pixels=256)
    a, b = linear_probe(enc, tr, te, cfg), linear_probe(enc, tr, te, cfg)
    assert a == b
    other = linear_probe(enc, tr, te, ProbeConfig(steps=15, batch_pixels=256, seed=1))
    assert other["loss"] != a["loss"]
    assert enc.training  # its mode is restored; its weights (and BatchNorm stats) untouched
    assert all(torch.equal(v, before[k]) for k, v in enc.state_dict().items())
    # the pool is bounded: POOL_FLOATS // D cells in all (at least batch_pixels)
    monkeypatch.setattr(probe_mod, "POOL_FLOATS", micro["embed_dim"] * 90)
    small = linear_probe(enc, tr, te, cfg)
    assert small["n_pixels"] <= 3 * 86 and small["n_test"] == 2  # ceil(256 / 3) per image
    with pytest.raises(ValueError, match="no text"):
        blank = [type(s)(s.id, s.image, s.mask * 0, [], s.tokenizer) for s in tr]
        linear_probe(enc, blank, te, cfg)


def test_evaluate_runs_the_probe_for_the_model_its_control_and_compared_encoders(
    micro, train_samples, heldout_samples, tmp_path, make_config
):
    ck = train(make_config(tmp_path / "s.pt", 2), train_samples[:2]).checkpoint
    lm = load_checkpoint(ck)
    data = heldout_samples[:4]
    cfg = EvalConfig(limit=None, probe_steps=10)
    res = evaluate(lm, data, cfg, tmp_path / "e.json", compare={"dark": Darkness(micro)})
    assert set(res["probe"]) == {"trained", "untrained", "dark"}
    for r in res["probe"].values():  # the first half trains the head, the second tests it
        assert (r["n_train"], r["n_test"]) == (2, 2) and 0 <= r["text_iou"] <= 1
    assert json.loads((tmp_path / "e.json").read_text())["probe"]["dark"] == res["probe"]["dark"]
    table = format_table(res)
    assert "probe_iou" in table and "probe_acc" in table and "dark" in table.splitlines()[0]
    assert table.splitlines()[1].split()[-1] == "-"  # the compared encoder has no top1
    # a separate training source: every evaluation sample is a test image
    sep = evaluate(
        lm,
        data,
        EvalConfig(limit=None, probe_steps=5, probe_train=3),
        probe_train_data=train_samples,
    )
    assert (sep["probe"]["trained"]["n_train"], sep["probe"]["trained"]["n_test"]) == (3, 4)
    assert "probe" not in evaluate(lm, data[:1], EvalConfig(limit=None))
    with pytest.raises(UsageError, match="probe_steps"):
        evaluate(lm, data, EvalConfig(limit=None), compare={"dark": Darkness(micro)})
    with pytest.raises(UsageError, match="at least one of each"):
        evaluate(lm, data, EvalConfig(limit=None, probe_steps=5, probe_train=4))


def test_load_encoder(tokenit_ckpt, tmp_path):
    enc = load_encoder(tokenit_ckpt)
    assert isinstance(enc, TokenOCR) and not enc.training
    ref = load_checkpoint(tokenit_ckpt).model.state_dict()
    assert all(torch.equal(v, ref[k]) for k, v in enc.state_dict().items())
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(2)}, foreign)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    for path in (foreign, junk, tmp_path / "missing.pt"):
        with pytest.raises(UsageError, match=path.name):
            load_encoder(path)


def test_cli_eval_probe_and_compare(tokenit_ckpt, tokenit_dir, tmp_path):
    from typer.testing import CliRunner

    from codepercept.tokenocr.cli import app

    base = ["eval", "--ckpt", str(tokenit_ckpt), "--data", str(tokenit_dir), "--limit", "3"]
    out = tmp_path / "eval.json"
    res = CliRunner().invoke(
        app,
        [*base, "--probe-steps", "20", "--compare", f"other={tokenit_ckpt}", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    probe = json.loads(out.read_text())["probe"]
    assert set(probe) == {"trained", "untrained", "other"}
    assert (probe["trained"]["n_train"], probe["trained"]["n_test"]) == (1, 2)
    # the same weights, the same probe: the compared encoder is the checkpoint's own model
    assert probe["other"] == probe["trained"]
    assert "probe_iou" in res.output and "other" in res.output

    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(2)}, foreign)
    bad = {
        "NAME=PATH": ["--probe-steps", "5", "--compare", str(tokenit_ckpt)],
        "does not exist": ["--probe-steps", "5", "--compare", f"x={tmp_path / 'nope.pt'}"],
        "not an encoder checkpoint": ["--probe-steps", "5", "--compare", f"x={foreign}"],
        "own column": ["--probe-steps", "5", "--compare", f"trained={tokenit_ckpt}"],
        "given twice": ["--probe-steps", "5", *(["--compare", f"x={tokenit_ckpt}"] * 2)],
        "add --probe-steps": ["--compare", f"x={tokenit_ckpt}"],
    }
    for says, extra in bad.items():
        res = CliRunner().invoke(app, [*base, *extra])
        assert res.exit_code == 2, (says, res.output)
        assert says in " ".join(res.output.split()), res.output
