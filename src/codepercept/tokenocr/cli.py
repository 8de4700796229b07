"""``codepercept tokenocr …``: train, heatmap, eval. Thin wrappers over the library; the lead
mounts :data:`app` on the main CLI (``app.add_typer(tokenocr_app, name="tokenocr")``)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    help="TokenOCR: a token-level visual foundation model (train, heat maps, evaluation).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


def _parse_overrides(items: list[str] | None) -> dict:
    out: dict = {}
    for it in items or []:
        if "=" not in it:
            raise typer.BadParameter(f"--set {it!r}: use FIELD=VALUE, e.g. --set depth=6")
        k, v = it.split("=", 1)
        out[k] = json.loads(v) if v[:1] in "0123456789-[{tfn" else v
    return out


@app.command("train")
def train_cmd(
    data: Path = typer.Option(
        ..., "--data", help="TokenIT directory (`codepercept tokenit --out DIR`)."
    ),
    config: str = typer.Option("tiny", "--config", help="tiny | small | base"),
    out: Path = typer.Option(
        ..., "--out", help="Checkpoint path (.pt); metrics CSV and curve PNG go beside it."
    ),
    steps: int = typer.Option(1000, "--steps"),
    batch_size: int = typer.Option(32, "--batch-size"),
    lr: float = typer.Option(5e-4, "--lr"),
    warmup: int = typer.Option(50, "--warmup"),
    device: str = typer.Option("cpu", "--device", help="cpu | cuda"),
    limit: int | None = typer.Option(None, "--limit", help="Use at most this many samples."),
    workers: int = typer.Option(
        0, "--workers", help="Crop-making processes (0: in the training process; GPUs want 8+)."
    ),
    threads: int | None = typer.Option(
        None, "--threads", help="torch CPU threads (1 is often fastest on a busy machine)."
    ),
    embed: str | None = typer.Option(
        None,
        "--embed",
        help="Embedding table: .safetensors, state dict or HF checkpoint dir; default a seeded Gaussian table.",
    ),
    embed_key: str | None = typer.Option(
        None, "--embed-key", help="Name of the input-embedding tensor."
    ),
    restrict_vocab: bool = typer.Option(
        False, "--restrict-vocab", help="Keep only table rows of ids in the data."
    ),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="Stop after this many seconds."
    ),
    no_seg: bool = typer.Option(False, "--no-seg", help="Ablation: drop the segmentation loss."),
    no_sim: bool = typer.Option(False, "--no-sim", help="Ablation: drop the similarity loss."),
    no_siglip: bool = typer.Option(False, "--no-siglip", help="Ablation: drop the SigLIP loss."),
    l2: bool = typer.Option(False, "--l2", help="Add the L2 distance term."),
    seg_scale: float = typer.Option(
        1.0, "--seg-scale", help="Segmentation logit scale (1 = raw cosine, as released)."
    ),
    seg_bias: float = typer.Option(0.0, "--seg-bias", help="Segmentation logit bias."),
    vocab_ce: bool = typer.Option(
        False, "--vocab-ce", help="Our addition: CE of pooled tokens over the (restricted) table."
    ),
    pixel_ce: bool = typer.Option(
        False, "--pixel-ce", help="Our addition: CE of single pixels over the (restricted) table."
    ),
    pixel_ce_weight: float = typer.Option(1.0, "--pixel-ce-weight", help="Weight of --pixel-ce."),
    pixel_ce_balance: float = typer.Option(
        0.0,
        "--pixel-ce-balance",
        help="Draw --pixel-ce pixels with weight area(owner)^-B (0: uniform).",
    ),
    point_ce: bool = typer.Option(
        False,
        "--point-ce",
        help="Our addition: per token, a softmax over the --pixel-ce pixels; CE of its own.",
    ),
    point_ce_weight: float = typer.Option(1.0, "--point-ce-weight", help="Weight of --point-ce."),
    point_ce_scale: float | None = typer.Option(
        None, "--point-ce-scale", help="Logit scale of --point-ce (default: --pixel-ce's, 16)."
    ),
    edge_ce: bool = typer.Option(
        False,
        "--edge-ce",
        help="Our addition: per token, a softmax over its mask and the ring around it.",
    ),
    edge_ce_weight: float = typer.Option(1.0, "--edge-ce-weight", help="Weight of --edge-ce."),
    min_visible: float = typer.Option(
        0.6, "--min-visible", help="Share of a token's ink a crop must hold for it to count."
    ),
    bf16: bool | None = typer.Option(
        None, "--bf16/--no-bf16", help="bf16 autocast (default: on for CUDA, off on CPU)."
    ),
    time_schedule: bool = typer.Option(
        False, "--time-schedule", help="Cosine schedule over --time-limit (when it comes first)."
    ),
    bg_boxes: int = typer.Option(
        2, "--bg-boxes", help="Background boxes per crop (0 disables background learning)."
    ),
    bg_fill: bool = typer.Option(
        False, "--bg-fill", help="Our addition: label every ink-free cell as space (not boxes)."
    ),
    random_crops: float = typer.Option(
        0.0, "--random-crops", help="Share of crops placed anywhere, not centred on a token."
    ),
    seg_negatives: int = typer.Option(
        0, "--seg-negatives", help="Our addition: absent table rows per crop, target all-zero."
    ),
    set_: list[str] | None = typer.Option(
        None, "--set", help="Model config override FIELD=VALUE (repeatable)."
    ),
    seed: int = typer.Option(0, "--seed"),
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
    ckpt: Path = typer.Option(..., "--ckpt"),
    image: Path = typer.Option(..., "--image"),
    query: str = typer.Option(..., "--query", help='Text to find, e.g. "energy".'),
    out: Path = typer.Option(Path("map.png"), "--out"),
    device: str = typer.Option("cpu", "--device"),
    local_pool: float = typer.Option(
        12.0, "--local-pool", help="Average features over this many pixels first (0: none)."
    ),
) -> None:
    """Per-token similarity maps of QUERY over IMAGE (one panel per token plus their mean)."""
    from codepercept.tokenocr.infer import heatmap

    console.print(f"wrote {heatmap(ckpt, image, query, out, device, local_pool)}")


@app.command("eval")
def eval_cmd(
    ckpt: Path = typer.Option(..., "--ckpt"),
    data: Path = typer.Option(..., "--data", help="Held-out TokenIT directory."),
    limit: int = typer.Option(200, "--limit"),
    vocab: str = typer.Option("seen", "--vocab", help="seen | data | full"),
    out: Path | None = typer.Option(None, "--out", help="JSON file for the results."),
    device: str = typer.Option("cpu", "--device"),
    local_pool: float = typer.Option(
        12.0, "--local-pool", help="Maps average features over this many pixels (0: none)."
    ),
) -> None:
    """Recognition, localisation, segmentation and retrieval, beside an untrained control."""
    from codepercept.tokenocr.evaluate import EvalConfig, evaluate, format_table

    cfg = EvalConfig(limit=limit, vocab=vocab, device=device, local_pool=local_pool)
    res = evaluate(ckpt, data, cfg, out)
    console.print(format_table(res))
    if out is not None:
        console.print(f"wrote {out}")
