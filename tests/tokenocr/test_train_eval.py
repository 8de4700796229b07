"""Training (overfit, exact resume, checkpoint round trip), inference and evaluation."""

from __future__ import annotations

import csv
import subprocess
import sys

import numpy as np
import pytest
import torch

from codepercept.tokenocr.checkpoint import load_checkpoint
from codepercept.tokenocr.evaluate import EvalConfig, evaluate, format_table
from codepercept.tokenocr.infer import leading_space, query_maps, query_token_ids, render_heatmaps
from codepercept.tokenocr.model import normalize_images
from codepercept.tokenocr.train import train


def _totals(csv_path):
    with open(csv_path) as fh:
        return [float(r["total"]) for r in csv.DictReader(fh)]


def test_overfit_handful_of_samples_halves_the_loss(tmp_path, train_samples, make_config):
    res = train(make_config(tmp_path / "o.pt", 30, lr=3e-3), train_samples[:4])
    totals = _totals(res.metrics_csv)
    assert len(totals) == 30
    assert np.mean(totals[-3:]) <= 0.5 * np.mean(totals[:3]), totals
    assert res.curve_png is not None and res.curve_png.stat().st_size > 1000


@pytest.mark.parametrize("workers", [0, 2])
def test_resume_is_exact(tmp_path, train_samples, make_config, workers):
    def cfg(out, steps):
        return make_config(tmp_path / out, steps, crops_per_sample=1, workers=workers)

    straight = train(cfg("a.pt", 6), train_samples[:5])
    train(cfg("b.pt", 3), train_samples[:5])
    assert load_checkpoint(tmp_path / "b.pt").meta["step"] == 3
    # Same run asked for 6 steps, resumed from the 3-step checkpoint.
    resumed = train(cfg("b.pt", 6), train_samples[:5])
    assert resumed.steps == 6
    a = load_checkpoint(straight.checkpoint).model.state_dict()
    b = load_checkpoint(resumed.checkpoint).model.state_dict()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    assert _totals(straight.metrics_csv) == _totals(resumed.metrics_csv)


def test_resume_with_other_loader_workers_is_refused(tmp_path, train_samples, make_config):
    train(make_config(tmp_path / "w.pt", 2, workers=2), train_samples[:4])
    with pytest.raises(ValueError, match="resume with --workers 2"):
        train(make_config(tmp_path / "w.pt", 4, workers=0), train_samples[:4])


def test_checkpoint_round_trip_reproduces_outputs(trained, heldout_samples):
    a = load_checkpoint(trained.checkpoint)
    b = load_checkpoint(trained.checkpoint)
    x = normalize_images(torch.from_numpy(heldout_samples[0].image[None].copy()))
    with torch.no_grad():
        assert torch.equal(a.model(x), b.model(x))
    assert torch.equal(a.table.weight, b.table.weight)
    assert a.meta["step"] == 120 and a.meta["data_info"]["tokenizer"] == "synthetic"
    # Checkpoints are written atomically: no temporary file is left beside them.
    assert [p.name for p in trained.checkpoint.parent.iterdir() if "tmp" in p.name] == []


def test_eval_trained_beats_untrained_control(trained, train_samples, tmp_path):
    # On the fixture's own samples: a 120-step micro model memorises, it does not yet read
    # unseen renderings (the held-out evidence is benchmarks/tokenocr_cpu.py's job).
    res = evaluate(trained.checkpoint, train_samples, EvalConfig(limit=None), tmp_path / "e.json")
    t, u = res["trained"], res["untrained"]
    assert t["n_tokens"] > 20
    assert t["top5"] > u["top5"] and t["top1"] > u["top1"], format_table(res)
    assert t["pointing"] > u["pointing"] and t["text_iou"] > u["text_iou"], format_table(res)
    assert (tmp_path / "e.json").exists() and "top1" in format_table(res)


def test_text_segmentation_uses_single_features_whatever_the_local_pool(trained, train_samples):
    # Pooling is for token maps (pointing); the space token's text map stays sharp.
    lm = load_checkpoint(trained.checkpoint)
    runs = [
        evaluate(lm, train_samples[:6], EvalConfig(limit=None, local_pool=px))["trained"]
        for px in (0.0, 24.0)
    ]
    assert runs[0]["text_iou"] == runs[1]["text_iou"]
    assert runs[0]["pointing"] != runs[1]["pointing"] or runs[0]["miou"] != runs[1]["miou"]


def test_heatmap_maps_and_figure(trained, heldout_samples, tmp_path):
    lm = load_checkpoint(trained.checkpoint)
    img = heldout_samples[0].image
    qm = query_maps(lm, img, "cat dog")
    assert qm.tokens == [" cat", " dog"]
    assert qm.maps.shape == (2, *img.shape[:2]) and qm.mean.shape == img.shape[:2]
    assert qm.maps.min() >= 0 and qm.maps.max() <= 1 and qm.maps.max() > 0.5
    png = render_heatmaps(img, qm, tmp_path / "map.png")
    assert png.stat().st_size > 1000
    with pytest.raises(ValueError, match="synthetic vocabulary"):
        query_maps(lm, img, "zebra")


def test_leading_space_rule():
    assert leading_space("the") == " the"
    assert leading_space(" the") == " the"
    assert leading_space("3.5") == "3.5"
    assert leading_space("(x)") == "(x)"
    assert leading_space("±x") == "±x"  # symbols get no space
    assert leading_space("\tthe") == "\tthe"
    assert leading_space("") == ""
    assert [p for p, _ in query_token_ids("cat", "synthetic")] == [" cat"]


def test_package_imports_without_torch():
    code = (
        "import sys, codepercept, codepercept.tokenit, codepercept.tokenocr, "
        "codepercept.tokenocr.cli; assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_heatmap_command(trained, train_samples, tmp_path):
    from PIL import Image
    from typer.testing import CliRunner

    from codepercept.tokenocr.cli import app

    img = tmp_path / "img.png"
    Image.fromarray(train_samples[0].image).save(img)
    out = tmp_path / "map.png"
    args = ["heatmap", "--ckpt", str(trained.checkpoint), "--image", str(img), "--query", "cat"]
    res = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 1000
    bad = CliRunner().invoke(
        app, ["heatmap", "--ckpt", str(tmp_path / "nope.pt"), "--image", str(img), "--query", "cat"]
    )
    assert bad.exit_code != 0


def test_two_runs_cannot_write_the_same_checkpoint(tmp_path, train_samples, make_config):
    cfg = make_config(tmp_path / "m.pt", steps=2)
    lock = tmp_path / "m.pt.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from codepercept.data.lock import acquire_lock; "
         f"acquire_lock({str(lock)!r}, 'busy'); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RuntimeError, match="another training run"):
            train(cfg, train_samples)
    finally:
        holder.kill()
        holder.wait()
    train(cfg, train_samples)  # the lock dies with its holder


def test_eval_with_a_restricted_table_skips_unseen_ids(
    tmp_path, train_samples, heldout_samples, make_config
):
    # A restricted table holds only the training ids; held-out pages show other words too. Their
    # ids are left out of recognition, maps and retrieval queries instead of stopping the eval.
    res = train(make_config(tmp_path / "r.pt", 2, restrict_vocab=True), train_samples[:2])
    known = set(load_checkpoint(res.checkpoint).table.ids.tolist())
    held = {t.token_id for s in heldout_samples for t in s.tokens}
    assert held - known and held & known  # the case under test
    out = evaluate(res.checkpoint, heldout_samples, EvalConfig(limit=None))
    with_known = sum(any(t.token_id in known for t in s.tokens) for s in heldout_samples)
    assert out["trained"]["n_queries"] == with_known
    n_known = sum(t.token_id in known for s in heldout_samples for t in s.tokens)
    assert 0 < out["trained"]["n_tokens"] <= n_known


def test_cli_train_and_eval_commands(tmp_path, micro, tokenit_dir):
    """`codepercept tokenocr train` with the CE recipe's flags on a real TokenIT directory,
    then `eval` on it: the flags reach the checkpoint's loss config and eval writes JSON."""
    import json

    from typer.testing import CliRunner

    from codepercept.tokenocr.cli import app

    data = tokenit_dir
    sets = [f"--set={k}={v}" for k, v in micro.items()]
    ckpt = tmp_path / "cli.pt"
    flags = ["--no-siglip", "--vocab-ce", "--pixel-ce", "--point-ce", "--point-ce-scale", "24"]
    flags += ["--edge-ce", "--edge-ce-weight", "0.5", "--bg-fill", "--restrict-vocab"]
    args = ["train", "--data", str(data), "--out", str(ckpt), "--steps", "3", "--batch-size", "4"]
    res = CliRunner().invoke(app, [*args, "--threads", "1", *sets, *flags])
    assert res.exit_code == 0, res.output
    loss = load_checkpoint(ckpt).meta["loss_config"]
    assert loss["edge_ce"] and loss["edge_ce_weight"] == 0.5 and loss["point_ce_scale"] == 24
    assert not loss["siglip"] and loss["vocab_ce"] and loss["pixel_ce"] and loss["bg_fill"]
    with open(tmp_path / "cli.metrics.csv") as fh:
        assert {"edge_ce", "point_ce", "pixel_ce"} <= set(next(csv.reader(fh)))
    out = tmp_path / "eval.json"
    res = CliRunner().invoke(
        app, ["eval", "--ckpt", str(ckpt), "--data", str(data), "--limit", "1", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    result = json.loads(out.read_text())
    assert result["n_images"] == 1 and 0 <= result["trained"]["top1"] <= 1
    assert set(result["untrained"]) >= {"top1", "pointing", "text_iou", "recall@1"}


def test_ctrl_c_saves_the_step_and_a_resume_is_exact(tmp_path, train_samples, make_config):
    """The first SIGINT ends training after the current step with a checkpoint of it (exit 130
    in the CLI); re-running resumes to the same weights as an uninterrupted run."""
    import os
    import signal

    from codepercept._interrupt import Interrupted

    def cfg(out, steps):
        return make_config(tmp_path / out, steps, crops_per_sample=1)

    straight = train(cfg("a.pt", 6), train_samples[:5])

    def ctrl_c_at_3(step, _metrics):
        if step == 3:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(Interrupted, match=r"stopped at step 3 of 6.*re-run"):
        train(cfg("b.pt", 6), train_samples[:5], on_step=ctrl_c_at_3)
    assert load_checkpoint(tmp_path / "b.pt").meta["step"] == 3
    resumed = train(cfg("b.pt", 6), train_samples[:5])
    a = load_checkpoint(straight.checkpoint).model.state_dict()
    b = load_checkpoint(resumed.checkpoint).model.state_dict()
    for k in a:
        assert torch.equal(a[k], b[k]), k


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
def test_a_hostile_or_foreign_checkpoint_is_refused_without_running_it(tmp_path):
    """torch.load with pickle would run a planted __reduce__; checkpoints load weights only."""
    import pickle

    from codepercept.errors import UsageError
    from codepercept.tokenocr.checkpoint import load_checkpoint

    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    evil = tmp_path / "evil.pt"
    torch.save({"model_config": Payload(), "model": {}, "table": {}}, evil)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\xff\xfe\x00 not a checkpoint")
    plain = tmp_path / "plain.pt"
    with open(plain, "wb") as fh:
        pickle.dump({"a": 1}, fh)
    for path in (evil, junk, plain):
        with pytest.raises(UsageError, match="is not a TokenOCR checkpoint"):
            load_checkpoint(path)
    assert not marker.exists()
