"""``codepercept tokenvl …``: tiny-lm, train, eval, ask. Thin wrappers over the library."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer
from rich.console import Console

from codepercept._cli import (
    MAX_COUNT,
    check_choice,
    check_float,
    check_in_path,
    check_out_dir,
    check_out_file,
    check_text,
    progress,
)
from codepercept.errors import UsageError
from codepercept.tokenocr.cli import _check_ckpt, _check_device, _check_tokenit_dir

app = typer.Typer(
    help="TokenVL: a document MLLM on the TokenOCR encoder (tiny-lm, train, eval, ask).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True)
log = logging.getLogger(__name__)

_BENCHMARKS = ("docvqa", "chartqa", "textvqa", "ocrbench", "tokenit")


def _examples(
    data: Path | None,
    vqa: Path | None,
    benchmark: str | None,
    images: Path | None,
    model_cfg,
    enc_cfg,
    seed: int,
    per_kind: int,
    limit: int | None,
):
    from codepercept.tokenvl.data import build_examples, vqa_examples

    if (data is None) == (vqa is None):
        raise UsageError("give exactly one of --data (a TokenIT directory) and --vqa (a file)")
    grid = model_cfg.grid_side(enc_cfg)
    if data is not None:
        ex = build_examples(
            data, model_cfg.image_size, grid, seed=seed, per_kind=per_kind, limit=limit
        )
    else:
        from codepercept.tokenvl.vqa import load_vqa

        items = load_vqa(vqa, benchmark, images)
        ex = vqa_examples(items[:limit] if limit else items, model_cfg.image_size, grid)
    if not ex.rows:
        raise UsageError(f"no questions could be made from {data or vqa}")
    return ex


@app.command("tiny-lm")
def tiny_lm_cmd(
    out: Path = typer.Option(..., "--out", help="Directory for the model.", callback=check_out_dir),
    hidden: int = typer.Option(128, "--hidden", min=16, max=4096, help="Hidden width."),
    layers: int = typer.Option(2, "--layers", min=1, max=64, help="Decoder layers."),
    heads: int = typer.Option(4, "--heads", min=1, max=64, help="Attention heads."),
    seed: int = typer.Option(0, "--seed", min=0, help="Initialisation seed."),
) -> None:
    """Write a small randomly initialised Qwen-vocabulary causal LM (transformers layout)."""
    from codepercept.tokenvl.lm import tiny_lm

    if hidden % heads:
        raise typer.BadParameter(f"--hidden {hidden} is not divisible by --heads {heads}")
    kv = heads // 2 if heads % 2 == 0 else heads
    tiny_lm(
        out,
        hidden=hidden,
        layers=layers,
        heads=heads,
        kv_heads=kv,
        intermediate=2 * hidden,
        seed=seed,
    )
    console.print(f"wrote {out}")


@app.command("train")
def train_cmd(
    out: Path = typer.Option(
        ..., "--out", help="Checkpoint file (.pt) to write or resume.", callback=check_out_file
    ),
    stage: str = typer.Option(
        "align",
        "--stage",
        help="align (stage 1) | sft (stage 2)",
        callback=check_choice("align", "sft"),
    ),
    init: Path | None = typer.Option(
        None,
        "--init",
        help="A TokenVL checkpoint to start from (stage 2 starts from stage 1's).",
        callback=_check_ckpt,
    ),
    lm: Path | None = typer.Option(
        None,
        "--lm",
        help="Language model directory (transformers layout) for a fresh model.",
        callback=check_in_path("dir"),
    ),
    encoder: Path | None = typer.Option(
        None,
        "--encoder",
        help="A `tokenocr train` checkpoint (default: a randomly initialised encoder).",
        callback=_check_ckpt,
    ),
    data: Path | None = typer.Option(
        None,
        "--data",
        help="TokenIT directory (questions are generated from it).",
        callback=_check_tokenit_dir,
    ),
    vqa: Path | None = typer.Option(
        None,
        "--vqa",
        help="A DocVQA/ChartQA/TextVQA/OCRBench file (stage 2 only: no masks).",
        callback=check_in_path("file"),
    ),
    benchmark: str | None = typer.Option(
        None,
        "--benchmark",
        help="Format of --vqa (default: detected).",
        callback=check_choice(*_BENCHMARKS),
    ),
    images: Path | None = typer.Option(
        None, "--images", help="Image root of --vqa.", callback=check_in_path("dir")
    ),
    image_size: int = typer.Option(
        128,
        "--image-size",
        min=16,
        max=8192,
        help="Side pages are letterboxed to (a fresh model; a multiple of the encoder's tile).",
    ),
    window: int = typer.Option(2, "--window", min=1, max=64, help="Abstractor window."),
    shuffle: int = typer.Option(2, "--shuffle", min=1, max=64, help="Pixel-shuffle factor."),
    steps: int = typer.Option(200, "--steps", min=1, max=MAX_COUNT, help="Optimiser steps."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, max=4096, help="Questions per step."),
    lr: float = typer.Option(1e-3, "--lr", callback=check_float(0, 10), help="Peak rate."),
    align_weight: float = typer.Option(
        0.5,
        "--align-weight",
        callback=check_float(0, 1e3),
        help="Weight of the alignment losses (stage 1; 0: off).",
    ),
    freeze_encoder: bool = typer.Option(False, "--freeze-encoder", help="Keep the encoder fixed."),
    freeze_embeddings: bool = typer.Option(
        False, "--freeze-embeddings", help="Keep the LM's token embeddings fixed (stage 2)."
    ),
    per_kind: int = typer.Option(
        2, "--per-kind", min=1, max=100, help="Questions per kind per page."
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, max=MAX_COUNT, help="Pages (or VQA items) to use."
    ),
    seed: int = typer.Option(0, "--seed", min=0, max=2**32 - 1, help="Seed."),
    device: str = typer.Option(
        "cpu", "--device", help="cpu | cuda | cuda:N | mps", callback=_check_device
    ),
    threads: int = typer.Option(
        0, "--threads", min=0, max=1024, help="torch threads (0: default)."
    ),
) -> None:
    """Train one stage (align: LM frozen + token alignment; sft: everything)."""
    from codepercept.tokenvl.train import StageConfig, build_model, load_tokenvl, train_stage

    if stage == "align" and vqa is not None:
        raise typer.BadParameter("stage 1 needs TokenIT masks: use --data, not --vqa")
    if out.is_file():  # resume: the checkpoint is the model; --init/--lm/--encoder are not read
        model, _ = load_tokenvl(out)
    elif init is not None:
        model, _ = load_tokenvl(init)
    elif lm is not None:
        from codepercept.tokenvl.model import TokenVLConfig

        vl = TokenVLConfig(image_size=image_size, window=window, shuffle=shuffle)
        try:
            model = build_model(lm, encoder, vl=vl, seed=seed)
        except ValueError as exc:
            raise typer.BadParameter(
                str(exc), param_hint="--image-size/--window/--shuffle"
            ) from None
    else:
        raise typer.BadParameter("give --init (a TokenVL checkpoint) or --lm (and --encoder)")
    ex = _examples(
        data, vqa, benchmark, images, model.cfg, model.encoder.cfg, seed, per_kind, limit
    )
    cfg = StageConfig(
        out=str(out),
        stage=stage,
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        align_weight=align_weight,
        freeze_encoder=freeze_encoder,
        freeze_embeddings=freeze_embeddings,
        seed=seed,
        device=device,
        threads=threads,
    )
    aligned = sum(r.align is not None for r in ex.rows)
    console.print(
        f"{len(ex.rows)} questions on {len(ex.images)} images; {aligned} with answer masks"
    )
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn

    with progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        task = bar.add_task(f"tokenvl {stage}", total=steps)

        def on_step(step: int, m: dict[str, float]) -> None:
            bar.update(task, completed=step, description=f"tokenvl {stage} loss {m['loss']:.3f}")

        res = train_stage(cfg, model, ex, on_step)
    console.print(f"wrote {res.checkpoint} ({res.steps} steps, {res.seconds:.0f} s)")


@app.command("eval")
def eval_cmd(
    ckpt: Path = typer.Option(..., "--ckpt", help="TokenVL checkpoint.", callback=_check_ckpt),
    out: Path = typer.Option(
        ...,
        "--out",
        help="Directory: records.jsonl, summary.json (a re-run resumes).",
        callback=check_out_dir,
    ),
    data: Path | None = typer.Option(
        None, "--data", help="Held-out TokenIT directory.", callback=_check_tokenit_dir
    ),
    vqa: Path | None = typer.Option(
        None,
        "--vqa",
        help="A DocVQA/ChartQA/TextVQA/OCRBench file.",
        callback=check_in_path("file"),
    ),
    benchmark: str | None = typer.Option(
        None, "--benchmark", help="Format of --vqa.", callback=check_choice(*_BENCHMARKS)
    ),
    images: Path | None = typer.Option(
        None, "--images", help="Image root of --vqa.", callback=check_in_path("dir")
    ),
    per_kind: int = typer.Option(
        2, "--per-kind", min=1, max=100, help="Questions per kind per page."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, max=MAX_COUNT, help="Pages or items."),
    seed: int = typer.Option(0, "--seed", min=0, max=2**32 - 1, help="Question seed."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, max=4096, help="Answers per batch."),
) -> None:
    """Answer every question and score it (exact match, ANLS, the benchmark's metric)."""
    from codepercept._fs import atomic_write
    from codepercept.tokenvl.evaluate import iter_answers, score_records
    from codepercept.tokenvl.train import load_tokenvl
    from codepercept.tokenvl.vqa import summarise

    model, meta = load_tokenvl(ckpt)
    ex = _examples(
        data, vqa, benchmark, images, model.cfg, model.encoder.cfg, seed, per_kind, limit
    )
    out.mkdir(parents=True, exist_ok=True)
    config = {
        "ckpt": str(ckpt.resolve()),
        "data": str(data) if data else None,
        "vqa": str(vqa) if vqa else None,
        "benchmark": benchmark,
        "seed": seed,
        "per_kind": per_kind,
        "limit": limit,
        "n": len(ex.rows),
    }
    cfg_path, rec_path = out / "config.json", out / "records.jsonl"
    if cfg_path.is_file():
        try:
            old = json.loads(cfg_path.read_text())
        except ValueError:
            old = None
        if old != config:
            raise typer.BadParameter(
                f"{out} holds an evaluation with other settings; choose another --out",
                param_hint="--out",
            )
    else:
        atomic_write(cfg_path, json.dumps(config, indent=2))
    done: dict[int, dict] = {}
    if rec_path.is_file():
        good = 0  # bytes up to the last whole record: a line cut by a kill is dropped
        with open(rec_path, "rb") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                    if not line.endswith(b"\n"):
                        raise ValueError("cut")
                    done[int(row["index"])] = row
                except (ValueError, KeyError, TypeError):
                    break  # its item, and any after it, are answered again
                good += len(line)
        with open(rec_path, "r+b") as fh:
            fh.truncate(good)
    with open(rec_path, "ab") as fh:
        for i, rec in iter_answers(model, ex, batch_size=batch_size, skip=done):
            rec = {"index": i, **rec}
            done[i] = rec
            fh.write((json.dumps(rec) + "\n").encode())
            fh.flush()
    records = [done[i] for i in sorted(done) if i < len(ex.rows)]
    summary = {
        "ckpt": str(ckpt),
        "stage": meta.get("stage"),
        "step": meta.get("step"),
        "scores": score_records(records),
        "benchmarks": summarise(records),  # per benchmark and category; OCRBench out of 1000
    }
    atomic_write(out / "summary.json", json.dumps(summary, indent=2))
    console.print(f"{'group':<28} {'n':>5} {'score':>7} {'exact':>7} {'anls':>7}")
    for name, s in summary["scores"].items():
        console.print(
            f"{name:<28} {s['n']:>5} {s['score']:>7.3f} {s['exact']:>7.3f} {s['anls']:>7.3f}"
        )
    console.print(f"wrote {out}")


@app.command("ask")
def ask_cmd(
    ckpt: Path = typer.Option(..., "--ckpt", help="TokenVL checkpoint.", callback=_check_ckpt),
    image: Path = typer.Option(
        ..., "--image", help="An image file.", callback=check_in_path("file")
    ),
    question: str = typer.Option(
        ..., "--question", help="The question.", callback=check_text("a question")
    ),
) -> None:
    """Answer one question about one image (prints the answer on stdout)."""
    from PIL import Image, UnidentifiedImageError

    from codepercept.tokenvl.evaluate import answer
    from codepercept.tokenvl.train import load_tokenvl

    try:
        with Image.open(image) as im:
            im.verify()
    except (OSError, UnidentifiedImageError):
        raise typer.BadParameter(f"{image} is not an image", param_hint="--image") from None
    model, _ = load_tokenvl(ckpt)
    print(answer(model, image, question))
