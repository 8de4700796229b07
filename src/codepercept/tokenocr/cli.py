"""``codepercept tokenocr …``: train, heatmap, eval. Thin wrappers over the library; the lead
mounts :data:`app` on the main CLI (``app.add_typer(tokenocr_app, name="tokenocr")``)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer
from rich.console import Console

from codepercept._cli import check_choice, check_float, check_in_path, check_out_file

app = typer.Typer(
    help="TokenOCR: a token-level visual foundation model (train, heat maps, evaluation).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

_nonneg = check_float(0)
_weight = check_float(0, 1e6, what=" (a loss weight)")
_share = check_float(0, 1, what=" (a share)")


def _check_device(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    import re

    if not re.fullmatch(r"cpu|cuda(:[0-9]+)?|mps", value):
        raise typer.BadParameter(
            f"{value!r} is not a device: use cpu, cuda, cuda:N or mps", ctx=ctx, param=param
        )
    return value


console = Console(stderr=True)


def _parse_overrides(items: list[str] | None) -> dict:
    from dataclasses import fields

    from codepercept.tokenocr.model import TokenOCRConfig

    known = {f.name: f for f in fields(TokenOCRConfig)}
    out: dict = {}
    for it in items or []:
        if "=" not in it:
            raise typer.BadParameter(
                f"{it!r}: use FIELD=VALUE, e.g. --set depth=6", param_hint="--set"
            )
        k, v = it.split("=", 1)
        if k not in known:
            raise typer.BadParameter(
                f"{k!r} is not a model field; choose from {', '.join(sorted(known))}",
                param_hint="--set",
            )
        try:
            out[k] = json.loads(v) if v[:1] in "0123456789-[{tfn" else v
        except ValueError:
            raise typer.BadParameter(f"{it!r}: {v!r} is not a value", param_hint="--set") from None
    return out


@app.command("train")
def train_cmd(
    data: Path = typer.Option(
        ...,
        "--data",
        help="TokenIT directory (`codepercept tokenit --out DIR`).",
        callback=check_in_path("dir"),
    ),
    config: str = typer.Option(
        "tiny",
        "--config",
        help="tiny | small | base",
        callback=check_choice("tiny", "small", "base"),
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        help="Checkpoint path (.pt); metrics CSV and curve PNG go beside it.",
        callback=check_out_file,
    ),
    steps: int = typer.Option(1000, "--steps", min=1, help="Optimiser steps (at least 1)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Crops per step (at least 1)."),
    lr: float = typer.Option(
        5e-4,
        "--lr",
        help="Peak learning rate (more than 0).",
        callback=check_float(0, 10, lo_open=True),
    ),
    warmup: int = typer.Option(50, "--warmup", min=0, help="Linear warm-up steps."),
    device: str = typer.Option(
        "cpu", "--device", help="cpu | cuda | cuda:N | mps", callback=_check_device
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Use at most this many samples."),
    workers: int = typer.Option(
        0,
        "--workers",
        min=0,
        max=256,
        help="Crop-making processes (0: in the training process; GPUs want 8+).",
    ),
    threads: int | None = typer.Option(
        None, "--threads", min=1, help="torch CPU threads (1 is often fastest on a busy machine)."
    ),
    embed: str | None = typer.Option(
        None,
        "--embed",
        help="Embedding table: .safetensors, state dict or HF checkpoint dir; default a seeded Gaussian table.",
        callback=check_in_path(),
    ),
    embed_key: str | None = typer.Option(
        None, "--embed-key", help="Name of the input-embedding tensor."
    ),
    restrict_vocab: bool = typer.Option(
        False, "--restrict-vocab", help="Keep only table rows of ids in the data."
    ),
    time_limit: float | None = typer.Option(
        None,
        "--time-limit",
        help="Stop after this many seconds.",
        callback=check_float(0, lo_open=True, what=" seconds"),
    ),
    no_seg: bool = typer.Option(False, "--no-seg", help="Ablation: drop the segmentation loss."),
    no_sim: bool = typer.Option(False, "--no-sim", help="Ablation: drop the similarity loss."),
    no_siglip: bool = typer.Option(False, "--no-siglip", help="Ablation: drop the SigLIP loss."),
    l2: bool = typer.Option(False, "--l2", help="Add the L2 distance term."),
    seg_scale: float = typer.Option(
        1.0,
        "--seg-scale",
        help="Segmentation logit scale (1 = raw cosine, as released).",
        callback=check_float(0, 1e4, lo_open=True),
    ),
    seg_bias: float = typer.Option(
        0.0, "--seg-bias", help="Segmentation logit bias.", callback=check_float(-1e4, 1e4)
    ),
    vocab_ce: bool = typer.Option(
        False, "--vocab-ce", help="Our addition: CE of pooled tokens over the (restricted) table."
    ),
    pixel_ce: bool = typer.Option(
        False, "--pixel-ce", help="Our addition: CE of single pixels over the (restricted) table."
    ),
    pixel_ce_weight: float = typer.Option(
        1.0, "--pixel-ce-weight", help="Weight of --pixel-ce.", callback=_weight
    ),
    pixel_ce_balance: float = typer.Option(
        0.0,
        "--pixel-ce-balance",
        help="Draw --pixel-ce pixels with weight area(owner)^-B (0: uniform).",
        callback=check_float(0, 4),
    ),
    point_ce: bool = typer.Option(
        False,
        "--point-ce",
        help="Our addition: per token, a softmax over the --pixel-ce pixels; CE of its own.",
    ),
    point_ce_weight: float = typer.Option(
        1.0, "--point-ce-weight", help="Weight of --point-ce.", callback=_weight
    ),
    point_ce_scale: float | None = typer.Option(
        None,
        "--point-ce-scale",
        help="Logit scale of --point-ce (default: --pixel-ce's, 16).",
        callback=check_float(0, 1e4, lo_open=True),
    ),
    edge_ce: bool = typer.Option(
        False,
        "--edge-ce",
        help="Our addition: per token, a softmax over its mask and the ring around it.",
    ),
    edge_ce_weight: float = typer.Option(
        1.0, "--edge-ce-weight", help="Weight of --edge-ce.", callback=_weight
    ),
    min_visible: float = typer.Option(
        0.6,
        "--min-visible",
        help="Share of a token's ink a crop must hold for it to count (0-1).",
        callback=_share,
    ),
    bf16: bool | None = typer.Option(
        None, "--bf16/--no-bf16", help="bf16 autocast (default: on for CUDA, off on CPU)."
    ),
    time_schedule: bool = typer.Option(
        False, "--time-schedule", help="Cosine schedule over --time-limit (when it comes first)."
    ),
    bg_boxes: int = typer.Option(
        2,
        "--bg-boxes",
        min=0,
        max=64,
        help="Background boxes per crop (0 disables background learning).",
    ),
    bg_fill: bool = typer.Option(
        False, "--bg-fill", help="Our addition: label every ink-free cell as space (not boxes)."
    ),
    random_crops: float = typer.Option(
        0.0,
        "--random-crops",
        help="Share of crops placed anywhere, not centred on a token (0-1).",
        callback=_share,
    ),
    seg_negatives: int = typer.Option(
        0,
        "--seg-negatives",
        min=0,
        help="Our addition: absent table rows per crop, target all-zero.",
    ),
    set_: list[str] | None = typer.Option(
        None, "--set", help="Model config override FIELD=VALUE (repeatable)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the model, the crops and the table."),
    no_resume: bool = typer.Option(False, "--no-resume", help="Start over even if --out exists."),
) -> None:
    """Train TokenOCR on a TokenIT directory (resumes from --out when it exists)."""
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from codepercept.tokenocr.losses import LOSS_TERMS, LossConfig
    from codepercept.tokenocr.train import TrainConfig, train

    logging.basicConfig(level=logging.WARNING)
    cfg = TrainConfig(
        out=str(out),
        config=config,
        model_overrides=_parse_overrides(set_),
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        warmup_steps=warmup,
        device=device,
        limit=limit,
        workers=workers,
        threads=threads,
        embed_source=embed,
        embed_key=embed_key,
        restrict_vocab=restrict_vocab,
        time_limit_s=time_limit,
        time_schedule=time_schedule,
        bf16=bf16,
        min_visible=min_visible,
        random_crops=random_crops,
        seed=seed,
        resume=not no_resume,
        loss=LossConfig(
            seg=not no_seg,
            sim=not no_sim,
            siglip=not no_siglip,
            l2=l2,
            bg_boxes=bg_boxes,
            bg_fill=bg_fill,
            seg_negatives=seg_negatives,
            seg_logit_scale=seg_scale,
            seg_logit_bias=seg_bias,
            vocab_ce=vocab_ce,
            pixel_ce=pixel_ce,
            pixel_ce_weight=pixel_ce_weight,
            pixel_ce_balance=pixel_ce_balance,
            point_ce=point_ce,
            point_ce_weight=point_ce_weight,
            point_ce_scale=point_ce_scale,
            edge_ce=edge_ce,
            edge_ce_weight=edge_ce_weight,
        ),
    )
    with Progress(
        TextColumn("[bold]train"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[losses]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("train", total=steps, losses="")

        def on_step(step: int, m: dict[str, float]) -> None:
            terms = " ".join(f"{k}={m[k]:.3f}" for k in LOSS_TERMS if k in m)
            bar.update(task, completed=step, losses=terms)

        res = train(cfg, data, on_step=on_step)
    console.print(f"[green]done[/green] {res.steps} steps in {res.seconds:.0f} s")
    for p in (res.checkpoint, res.metrics_csv, res.curve_png):
        if p is not None:
            console.print(f"  wrote {p}")


@app.command("heatmap")
def heatmap_cmd(
    ckpt: Path = typer.Option(
        ...,
        "--ckpt",
        help="Checkpoint (.pt) from `tokenocr train`.",
        callback=check_in_path("file"),
    ),
    image: Path = typer.Option(
        ..., "--image", help="Image to search (PNG, JPEG, ...).", callback=check_in_path("file")
    ),
    query: str = typer.Option(..., "--query", help='Text to find, e.g. "energy".'),
    out: Path = typer.Option(
        Path("map.png"), "--out", help="PNG to write.", callback=check_out_file
    ),
    device: str = typer.Option(
        "cpu", "--device", help="cpu | cuda | cuda:N | mps", callback=_check_device
    ),
    local_pool: float = typer.Option(
        12.0,
        "--local-pool",
        help="Average features over this many pixels first (0: none).",
        callback=check_float(0, 512),
    ),
) -> None:
    """Per-token similarity maps of QUERY over IMAGE (one panel per token plus their mean)."""
    from codepercept.tokenocr.infer import heatmap

    console.print(f"wrote {heatmap(ckpt, image, query, out, device, local_pool)}")


@app.command("eval")
def eval_cmd(
    ckpt: Path = typer.Option(
        ...,
        "--ckpt",
        help="Checkpoint (.pt) from `tokenocr train`.",
        callback=check_in_path("file"),
    ),
    data: Path = typer.Option(
        ..., "--data", help="Held-out TokenIT directory.", callback=check_in_path("dir")
    ),
    limit: int = typer.Option(200, "--limit", min=1, help="Samples to evaluate (at least 1)."),
    vocab: str = typer.Option(
        "seen",
        "--vocab",
        help="Recognition vocabulary: seen | data | full",
        callback=check_choice("seen", "data", "full"),
    ),
    out: Path | None = typer.Option(
        None, "--out", help="JSON file for the results.", callback=check_out_file
    ),
    device: str = typer.Option(
        "cpu", "--device", help="cpu | cuda | cuda:N | mps", callback=_check_device
    ),
    local_pool: float = typer.Option(
        12.0,
        "--local-pool",
        help="Maps average features over this many pixels (0: none).",
        callback=check_float(0, 512),
    ),
) -> None:
    """Recognition, localisation, segmentation and retrieval, beside an untrained control."""
    from codepercept.tokenocr.evaluate import EvalConfig, evaluate, format_table

    cfg = EvalConfig(limit=limit, vocab=vocab, device=device, local_pool=local_pool)
    res = evaluate(ckpt, data, cfg, out)
    console.print(format_table(res))
    if out is not None:
        console.print(f"wrote {out}")
