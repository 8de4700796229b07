"""TokenVL: the model's shapes, both training stages, exact resume, checkpoints (hostile ones
too), evaluation records and the CLI end to end. Micro sizes: an 8x8 grid of visual tokens
from 64-px pages, a 2-layer language model 32 wide with the full Qwen vocabulary."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
torch.set_num_threads(1)

from codepercept.errors import UsageError  # noqa: E402
from codepercept.tokenocr.model import TokenOCR, get_config  # noqa: E402
from codepercept.tokenvl.data import build_examples, collate, grid_masks  # noqa: E402
from codepercept.tokenvl.docqa import small_docs  # noqa: E402
from codepercept.tokenvl.lm import TextCodec, tiny_lm  # noqa: E402
from codepercept.tokenvl.model import TokenAbstractor, TokenVL, TokenVLConfig  # noqa: E402
from codepercept.tokenvl.train import (  # noqa: E402
    StageConfig,
    build_model,
    load_tokenvl,
    stage_losses,
    train_stage,
)

MICRO_ENC = dict(
    tile_size=64, patch_size=8, dim=48, depth=2, heads=2, up_dim=16, head_hidden=48, embed_dim=48
)
VL = TokenVLConfig(image_size=64, window=2, shuffle=2, max_answer_tokens=4)
GRID = 8


@pytest.fixture(scope="module")
def lm_dir(tmp_path_factory):
    return tiny_lm(
        tmp_path_factory.mktemp("lm"), hidden=32, layers=2, heads=2, kv_heads=1, intermediate=64
    )


@pytest.fixture(scope="module")
def docs():
    return small_docs(6, seed=3)


@pytest.fixture(scope="module")
def examples(docs):
    return build_examples(docs, VL.image_size, GRID, seed=0, per_kind=1)


def _model(lm_dir, seed=0):
    return build_model(lm_dir, None, encoder_overrides=MICRO_ENC, vl=VL, seed=seed)


def test_shapes_follow_the_config(lm_dir):
    m = _model(lm_dir)
    assert m.n_visual == GRID * GRID
    x = torch.randn(2, 3, 64, 64)
    vis = m.visual_tokens(x)
    assert vis.shape == (2, GRID * GRID, 32)
    ids = torch.ones(2, 5, dtype=torch.long)
    hidden, _ = m(x, ids, torch.ones_like(ids))
    assert hidden.shape == (2, GRID * GRID + 5, 32)
    # tiles are stitched in place: a 128-px image is 2x2 tiles of the 64-px encoder
    big = TokenVL(TokenVLConfig(image_size=128), m.encoder, m.lm)
    assert big.visual_tokens(torch.randn(1, 3, 128, 128)).shape == (1, 16 * 16, 32)


def test_abstractor_pools_each_window_separately():
    ab = TokenAbstractor(4, 2)
    x = torch.zeros(1, 4, 4, 4)
    x[0, :, 0:2, 0:2] = torch.randn(4, 2, 2)  # only the top-left window differs
    y = ab(x)
    assert y.shape == (1, 4, 2, 2)
    assert not torch.allclose(y[0, :, 0, 0], y[0, :, 1, 1])
    assert torch.allclose(y[0, :, 0, 1], y[0, :, 1, 1]) and torch.allclose(
        y[0, :, 1, 0], y[0, :, 1, 1]
    )


def test_bad_geometry_is_refused(lm_dir):
    enc = TokenOCR(get_config("tiny", **MICRO_ENC))
    with pytest.raises(ValueError, match="multiple of the encoder's tile_size"):
        TokenVL(TokenVLConfig(image_size=96), enc, _model(lm_dir).lm)
    with pytest.raises(ValueError, match="does not divide"):
        TokenVL(TokenVLConfig(image_size=64, window=3), enc, _model(lm_dir).lm)


def test_grid_masks_follow_the_ink_exactly():
    mask = np.zeros((100, 200), np.uint16)
    mask[10:12, 150:152] = 7  # a 2-pixel speck survives any downscale
    g = grid_masks(mask, [[7], [9]], scale=64 / 200, size=64, grid=8)
    assert g[0].sum() == 1 and g[0][int(10 * 0.32 * 8 / 64), int(150 * 0.32 * 8 / 64)]
    assert not g[1].any()


def test_examples_align_only_answers_read_from_the_page(examples, docs):
    codec = TextCodec()
    kinds = {r.kind for r in examples.rows}
    assert {"read_at", "count"} <= kinds
    for r in examples.rows:
        if r.kind == "count":
            assert r.align is None  # the digits are not drawn where the counted word is
        if r.align is not None:
            assert r.align.shape == (len(r.answer_ids) - 1, GRID, GRID)
            assert r.align.any(axis=(1, 2)).all()
        assert r.answer_ids[-1] == codec.eos_id
        assert codec.decode(r.answer_ids).strip() == r.answers[0]
    assert sum(r.align is not None for r in examples.rows) >= len(examples.rows) // 3


def test_collate_targets_are_the_answer_shifted_by_one(examples):
    b = collate(examples, [0, 1])
    for k in range(2):
        r = examples.rows[k]
        got = b.targets[k][b.targets[k] >= 0].tolist()
        assert got == r.answer_ids
        p = len(r.prompt_ids)
        assert b.ids[k, p : p + len(r.answer_ids)].tolist() == r.answer_ids


def test_alignment_losses_reach_the_encoder_and_not_the_frozen_lm(lm_dir, examples):
    m = _model(lm_dir)
    rows = [i for i, r in enumerate(examples.rows) if r.align is not None][:4]
    b = collate(examples, rows)
    off = stage_losses(m, b, 0.0)
    assert float(off["seg"]) == 0.0 and float(off["sim"]) == 0.0
    on = stage_losses(m, b, 0.5)
    assert float(on["seg"]) > 0 and float(on["sim"]) > 0
    m.lm.requires_grad_(False)
    m.zero_grad()
    (on["seg"] + on["sim"]).backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in m.encoder.parameters())
    assert all(p.grad is None for p in m.lm.parameters())


def test_stage1_trains_the_visual_side_only_and_stage2_everything(tmp_path, lm_dir, examples):
    m = _model(lm_dir)
    lm0 = {k: v.clone() for k, v in m.lm.state_dict().items()}
    enc0 = {k: v.clone() for k, v in m.encoder.state_dict().items()}
    r1 = train_stage(
        StageConfig(str(tmp_path / "s1.pt"), "align", 3, batch_size=4, log_every=1), m, examples
    )
    net, meta = load_tokenvl(r1.checkpoint)
    assert meta["stage"] == "align" and meta["step"] == 3 and meta["complete"]
    assert all(torch.equal(lm0[k], v) for k, v in net.lm.state_dict().items())
    assert any(not torch.equal(enc0[k], v) for k, v in net.encoder.state_dict().items())
    r2 = train_stage(
        StageConfig(str(tmp_path / "s2.pt"), "sft", 2, batch_size=4, freeze_embeddings=True),
        r1.checkpoint,
        examples,
    )
    net2, _ = load_tokenvl(r2.checkpoint)
    lm1 = net.lm.state_dict()
    changed = {k for k, v in net2.lm.state_dict().items() if not torch.equal(lm1[k], v)}
    assert changed and not any("embed_tokens" in k for k in changed)
    lines = (tmp_path / "s1.metrics.csv").read_text().splitlines()
    assert lines[0].split(",") == ["step", "lr", "seconds", "loss", "lm", "seg", "sim"]
    assert len(lines) == 4


def test_a_killed_stage_resumes_to_the_same_weights(tmp_path, lm_dir, examples):
    cfg = dict(stage="align", steps=4, batch_size=4, ckpt_every=2, log_every=1)
    whole = train_stage(StageConfig(str(tmp_path / "a.pt"), **cfg), _model(lm_dir), examples)

    class Kill(Exception):
        pass

    def die(step, m):
        if step == 3:
            raise Kill

    with pytest.raises(Kill):
        train_stage(StageConfig(str(tmp_path / "b.pt"), **cfg), _model(lm_dir), examples, die)
    _, meta = load_tokenvl(tmp_path / "b.pt")
    assert meta["step"] == 2 and not meta["complete"]
    resumed = train_stage(
        StageConfig(str(tmp_path / "b.pt"), **cfg), _model(lm_dir, seed=9), examples
    )
    assert resumed.steps == 4
    a, _ = load_tokenvl(whole.checkpoint)
    b, _ = load_tokenvl(resumed.checkpoint)
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(va, vb), k
    rows = (tmp_path / "b.metrics.csv").read_text().splitlines()[1:]
    assert [int(r.split(",")[0]) for r in rows] == [1, 2, 3, 4]  # no step twice
    # a finished stage is not trained again
    again = train_stage(StageConfig(str(tmp_path / "b.pt"), **cfg), _model(lm_dir), examples)
    assert again.steps == 4 and again.last == {}


def test_sft_learns_to_answer_its_training_questions(tmp_path, lm_dir, examples):
    from codepercept.tokenvl.evaluate import answer, answer_examples, score_records

    few = type(examples)(examples.images, examples.rows[:4], examples.grid)
    cfg = StageConfig(
        str(tmp_path / "m.pt"), "sft", 80, batch_size=4, lr=2e-2, warmup_steps=5, min_lr_ratio=0.5
    )
    r = train_stage(cfg, _model(lm_dir), few)
    assert r.last["lm"] < 0.5  # from ln(151872) = 11.9
    net, _ = load_tokenvl(r.checkpoint)
    recs = answer_examples(net, few, batch_size=4)
    got = [(x["answers"][0], x["prediction"]) for x in recs]
    assert score_records(recs)["all"]["exact"] >= 0.75, got
    # one question at a time (no padding) answers as the batch does (padded between the
    # visual tokens and the shorter prompts)
    for row, rec in zip(few.rows, recs, strict=True):
        assert answer(net, few.images[row.image], row.question) == rec["prediction"]


def test_hostile_and_foreign_checkpoints_are_refused(tmp_path, lm_dir):
    class Boom:
        def __reduce__(self):
            return (print, ("pwned",))

    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"kind": "tokenvl", "x": Boom()}))
    with pytest.raises(UsageError, match="not a checkpoint"):
        load_tokenvl(evil)
    other = tmp_path / "other.pt"
    torch.save({"model_config": {}, "model": {}, "table": {}}, other)
    with pytest.raises(UsageError, match="not a TokenVL checkpoint"):
        load_tokenvl(other)
    with pytest.raises(UsageError, match="not found"):
        load_tokenvl(tmp_path / "missing.pt")


def test_a_language_model_without_the_qwen_vocabulary_is_refused(tmp_path):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from codepercept.tokenvl.lm import load_lm

    cfg = Qwen2Config(
        vocab_size=1000,
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
    )
    Qwen2ForCausalLM(cfg).save_pretrained(tmp_path / "small")
    with pytest.raises(UsageError, match="1000 embedding rows"):
        load_lm(tmp_path / "small")
    with pytest.raises(UsageError, match="no config.json"):
        load_lm(tmp_path)


def test_stage_mismatch_on_an_existing_out_is_refused(tmp_path, lm_dir, examples):
    out = tmp_path / "s.pt"
    train_stage(StageConfig(str(out), "align", 1, batch_size=2), _model(lm_dir), examples)
    with pytest.raises(UsageError, match="not a 'sft' TokenVL checkpoint"):
        train_stage(StageConfig(str(out), "sft", 1, batch_size=2), _model(lm_dir), examples)


def test_eval_records_every_item_even_without_an_image(lm_dir, examples):
    from codepercept.tokenvl.evaluate import answer_examples, score_records

    rows = list(examples.rows[:3])
    rows[1] = type(rows[1])(**{**vars(rows[1]), "image": -1, "status": "image_missing"})
    ex = type(examples)(examples.images, rows, examples.grid)
    recs = answer_examples(_model(lm_dir), ex, batch_size=2)
    assert [r["status"] for r in recs] == ["ok", "image_missing", "ok"]
    assert recs[1]["prediction"] is None and recs[1]["score"] == 0.0
    assert score_records(recs)["all"]["n"] == 3


def test_cli_train_eval_ask_end_to_end(tmp_path, lm_dir, docs, capsys):
    from PIL import Image

    from codepercept.cli import main

    def run(args):
        rc = main(args)
        out = capsys.readouterr()
        return rc, out.out, out.err

    # a micro model through the library (the CLI's fresh models use the tiny encoder), then
    # the CLI trains stage 2 from it, evaluates (twice: the second run resumes) and answers
    init = tmp_path / "init.pt"
    ex = build_examples(docs, VL.image_size, GRID, seed=0, per_kind=1)
    train_stage(StageConfig(str(init), "align", 1, batch_size=2), _model(lm_dir), ex)
    vqa = tmp_path / "qa.json"
    img = tmp_path / "page.png"
    Image.fromarray(docs[0].image).save(img)
    vqa.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "questionId": 1,
                        "question": "What is the first word?",
                        "image": "page.png",
                        "answers": ["cat"],
                    },
                    {
                        "questionId": 2,
                        "question": "And here?",
                        "image": "gone.png",
                        "answers": ["dog"],
                    },
                ]
            }
        )
    )
    rc, out_, err = run(
        [
            "tokenvl",
            "train",
            "--stage",
            "sft",
            "--init",
            str(init),
            "--vqa",
            str(vqa),
            "--benchmark",
            "docvqa",
            "--out",
            str(tmp_path / "s2.pt"),
            "--steps",
            "2",
            "--batch-size",
            "2",
        ],
    )
    assert rc == 0, err
    out = tmp_path / "ev"
    args = [
        "tokenvl",
        "eval",
        "--ckpt",
        str(tmp_path / "s2.pt"),
        "--vqa",
        str(vqa),
        "--benchmark",
        "docvqa",
        "--out",
        str(out),
    ]
    rc, out_, err = run(args)
    assert rc == 0, err
    recs = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    assert [r["status"] for r in recs] == ["ok", "image_missing"]
    # a kill mid-write leaves a cut line: the re-run answers that item again, once
    (out / "records.jsonl").write_text(json.dumps(recs[0]) + "\n" + '{"index": 1, "que')
    rc, out_, err = run(args)
    assert rc == 0, err
    again = [
        json.loads(x) for x in (out / "records.jsonl").read_text().splitlines() if x.endswith("}")
    ]
    assert sorted(r["index"] for r in again) == [0, 1]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scores"]["all"]["n"] == 2
    docvqa = summary["benchmarks"]["docvqa"]  # the benchmark's own summary reads the records
    assert docvqa["n"] == 2 and docvqa["status"] == {"ok": 1, "image_missing": 1}
    # other settings on the same --out are refused
    rc, out_, err = run([*args[:-2], "--out", str(out), "--limit", "1"])
    assert rc == 2 and "other settings" in err
    rc, out_, err = run(
        [
            "tokenvl",
            "ask",
            "--ckpt",
            str(tmp_path / "s2.pt"),
            "--image",
            str(img),
            "--question",
            "What is the first word?",
        ],
    )
    assert rc == 0, err
    assert len(out_.strip().splitlines()) == 1
    rc, out_, err = run(
        [
            "tokenvl",
            "ask",
            "--ckpt",
            str(tmp_path / "s2.pt"),
            "--image",
            str(vqa),
            "--question",
            "x",
        ],
    )
    assert rc == 2 and "is not an image" in err
    rc, out_, err = run(
        [
            "tokenvl",
            "train",
            "--stage",
            "align",
            "--init",
            str(init),
            "--vqa",
            str(vqa),
            "--out",
            str(tmp_path / "x.pt"),
        ],
    )
    assert rc == 2 and "needs TokenIT masks" in err


def test_the_linear_probe_reads_a_tokenvl_encoder(tmp_path, lm_dir, examples):
    from codepercept.tokenocr.checkpoint import load_encoder

    r = train_stage(
        StageConfig(str(tmp_path / "s.pt"), "align", 1, batch_size=2), _model(lm_dir), examples
    )
    enc = load_encoder(r.checkpoint)
    net, _ = load_tokenvl(r.checkpoint)
    for (k, a), b in zip(enc.state_dict().items(), net.encoder.state_dict().values(), strict=True):
        assert torch.equal(a, b), k


def test_cli_trains_a_fresh_model_on_a_tokenit_directory(tmp_path, lm_dir, capsys):
    """The path a user takes first: a TokenIT directory, a language model, stage 1 from
    scratch (the tiny encoder, random), then a resumed no-op run."""
    from codepercept.cli import main
    from codepercept.tokenit import generate

    data = tmp_path / "tokenit"
    generate(2, data, domains=["documents"], workers=1, seed=0)
    out = tmp_path / "s1.pt"
    args = [
        "tokenvl",
        "train",
        "--stage",
        "align",
        "--lm",
        str(lm_dir),
        "--data",
        str(data),
        "--out",
        str(out),
        "--steps",
        "1",
        "--batch-size",
        "2",
        "--image-size",
        "128",
    ]
    assert main(args) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "with answer masks" in err and "wrote" in err
    _, meta = load_tokenvl(out)
    assert (
        meta["stage"] == "align" and meta["step"] == 1 and meta["encoder_config"]["name"] == "tiny"
    )
    assert main(args) == 0  # finished: nothing is trained again
    assert main([*args[:-2], "--image-size", "100"]) == 0  # resuming ignores fresh-model options
    bad = [
        "tokenvl",
        "train",
        "--lm",
        str(lm_dir),
        "--data",
        str(data),
        "--out",
        str(tmp_path / "x.pt"),
        "--image-size",
        "100",
    ]
    assert main(bad) == 2
    assert "multiple of the encoder's tile_size" in capsys.readouterr().err
    assert not (tmp_path / "x.pt").exists()
