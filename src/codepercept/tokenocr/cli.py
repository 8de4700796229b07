"""``codepercept tokenocr …``: train, heatmap, eval. Thin wrappers over the library; the lead
mounts :data:`app` on the main CLI (``app.add_typer(tokenocr_app, name="tokenocr")``)."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from codepercept._cli import (
    MAX_COUNT,
    check_choice,
    check_float,
    check_in_path,
    check_out_file,
    check_text,
    dataset_config,
    progress,
)

if TYPE_CHECKING:
    from codepercept.tokenocr.checkpoint import LoadedModel

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
    """cpu, cuda, cuda:N or mps, and one this machine has."""
    import re

    m = re.fullmatch(r"cpu|cuda(?::([0-9]+))?|mps", value)
    if not m:
        raise typer.BadParameter(
            f"{value!r} is not a device: use cpu, cuda, cuda:N or mps", ctx=ctx, param=param
        )
    if value == "cpu":
        return value
    import torch

    if value == "mps":
        if not torch.backends.mps.is_available():
            raise typer.BadParameter("mps is not available on this machine", ctx=ctx, param=param)
        return value
    n = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if n == 0:
        raise typer.BadParameter(
            f"{value}: this machine (or this torch build) has no CUDA device; use cpu",
            ctx=ctx,
            param=param,
        )
    if m.group(1) is not None and int(m.group(1)) >= n:
        raise typer.BadParameter(
            f"{value}: there is no such CUDA device (this machine has {n}: cuda:0 to cuda:{n - 1})",
            ctx=ctx,
            param=param,
        )
    return value


console = Console(stderr=True)


# Bounds of the integer model fields a --set may give (sanity, not taste: a depth of 10^6 is a
# model that does not fit in any memory, and 0 or a negative width is no model at all).
_INT_FIELD_MAX = {
    "patch_size": 1024,
    "tile_size": 8192,
    "dim": 16384,
    "depth": 256,
    "heads": 1024,
    "up_dim": 16384,
    "head_hidden": 65536,
    "embed_dim": 65536,
    "max_tiles": 4096,
}


def _field_value(name: str, default: object, text: str) -> object:
    """``text`` as a value of the model field ``name`` (typed like its ``default``); raises
    ``ValueError`` saying what the field takes."""
    if isinstance(default, bool):
        low = text.strip().lower()
        if low in ("true", "1", "yes", "on"):
            return True
        if low in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"{name} takes true or false, not {text!r}")
    if isinstance(default, int):
        hi = _INT_FIELD_MAX.get(name, 1 << 20)
        try:
            v = int(text)
        except ValueError:
            raise ValueError(f"{name} takes a whole number, not {text!r}") from None
        if not 1 <= v <= hi:
            raise ValueError(f"{name} takes a whole number from 1 to {hi}, not {v}")
        return v
    if isinstance(default, float):
        try:
            f = float(text)
        except ValueError:
            raise ValueError(f"{name} takes a number, not {text!r}") from None
        if name == "drop_path":
            if not (math.isfinite(f) and 0 <= f < 1):
                raise ValueError(f"drop_path takes a number in [0, 1), not {text!r}")
        elif not (math.isfinite(f) and 0 < f <= 1e4):
            raise ValueError(f"{name} takes a finite number above 0, not {text!r}")
        return f
    if not text.strip():
        raise ValueError(f"{name} takes a non-empty value")
    return text


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
            out[k] = _field_value(k, known[k].default, v)
        except ValueError as exc:
            raise typer.BadParameter(f"{it!r}: {exc}", param_hint="--set") from None
    return out


def _model_overrides(config: str, items: list[str] | None) -> dict:
    """The --set overrides, checked together with the named config (tile_size a multiple of
    patch_size, dim of heads, ...) before any work."""
    from codepercept.tokenocr.model import get_config

    overrides = _parse_overrides(items)
    try:
        get_config(config, **overrides)
    except ValueError as exc:
        raise typer.BadParameter(f"{exc}", param_hint="--set") from None
    return overrides


def _is_checkpoint_file(path: Path) -> bool:
    """Whether ``path`` looks like something ``torch.save`` wrote: a zip archive (the format
    since torch 1.6) or a legacy pickle (protocol 2+ starts with 0x80)."""
    import zipfile

    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
        return bool(head) and (head[:1] == b"\x80" or zipfile.is_zipfile(path))
    except OSError:
        return False


def _check_ckpt(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
    """A checkpoint file that exists and looks like one (the full read comes later)."""
    if value is None:
        return None
    check_in_path("file")(ctx, param, value)
    if Path(value).stat().st_size == 0:
        raise typer.BadParameter(f"{value} is empty", ctx=ctx, param=param)
    if not _is_checkpoint_file(Path(value)):
        raise typer.BadParameter(
            f"{value} is not a checkpoint (a .pt file that training writes)",
            ctx=ctx,
            param=param,
        )
    return value


def _load_ckpt(path: Path, device: str) -> LoadedModel:
    """The checkpoint at ``path`` on ``device``, or a usage error on --ckpt saying why the file
    cannot be used (read on the CPU first, so a device problem is not blamed on the file)."""
    import dataclasses
    import pickle

    from codepercept.tokenocr.checkpoint import load_checkpoint

    try:
        lm = load_checkpoint(path, "cpu")
    except (
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        KeyError,
        TypeError,
        ValueError,
        RuntimeError,
    ) as exc:
        raise typer.BadParameter(
            f"{path} is not a TokenOCR checkpoint ({type(exc).__name__}: {exc})",
            param_hint="--ckpt",
        ) from None
    if device == "cpu":
        return lm
    return dataclasses.replace(
        lm, model=lm.model.to(device), table=lm.table.to(device), siglip=lm.siglip.to(device)
    )


def _check_tokenit_dir(
    ctx: typer.Context, param: typer.CallbackParam, value: Path | None
) -> Path | None:
    """A directory written by ``codepercept tokenit`` (its manifest's header says so)."""
    if value is None:
        return None
    make = "make one with `codepercept tokenit --n N --out DIR`"
    config = dataset_config(ctx, param, value, "TokenIT directory", make)
    producer = config.get("producer") or config.get("job")
    if producer is not None and producer != "tokenit":
        raise typer.BadParameter(
            f"{value} holds a {producer} dataset, not TokenIT; {make}", ctx=ctx, param=param
        )
    return value


def _check_seed(ctx: typer.Context, param: typer.CallbackParam, value: int) -> int:
    if not 0 <= value < 2**32:
        raise typer.BadParameter(
            f"{value} is not a seed from 0 to 2^32-1 (numpy's range)", ctx=ctx, param=param
        )
    return value


@app.command("train")
def train_cmd(
    data: Path = typer.Option(
        ...,
        "--data",
        help="TokenIT directory (`codepercept tokenit --out DIR`).",
        callback=_check_tokenit_dir,
    ),
    config: str = typer.Option(
        "tiny",
        "--config",
        help="tiny | small | base",
        callback=check_choice("tiny", "small", "base"),
    ),
    out: str = typer.Option(
        ...,
        "--out",
        metavar="FILE",
        help="Checkpoint file (e.g. ckpt/tiny.pt); metrics CSV and curve PNG go beside it.",
        callback=check_out_file,
    ),
    steps: int = typer.Option(
        1000, "--steps", min=1, max=MAX_COUNT, help="Optimiser steps (1 to 10^9)."
    ),
    batch_size: int = typer.Option(
        32, "--batch-size", min=1, max=65536, help="Crops per step (1 to 65536)."
    ),
    lr: float = typer.Option(
        5e-4,
        "--lr",
        help="Peak learning rate (more than 0).",
        callback=check_float(0, 10, lo_open=True),
    ),
    warmup: int = typer.Option(
        50, "--warmup", min=0, max=MAX_COUNT, help="Linear warm-up steps (0 to 10^9)."
    ),
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
        None,
        "--threads",
        min=1,
        max=4096,
        help="torch CPU threads (1 is often fastest on a busy machine).",
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
    seed: int = typer.Option(
        0,
        "--seed",
        help="Seed of the model, the crops and the table (0 to 2^32-1).",
        callback=_check_seed,
    ),
    no_resume: bool = typer.Option(False, "--no-resume", help="Start over even if --out exists."),
) -> None:
    """Train TokenOCR on a TokenIT directory (resumes from --out when it exists)."""
    from rich.progress import (
        BarColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from codepercept.tokenocr.losses import LOSS_TERMS, LossConfig
    from codepercept.tokenocr.train import TrainConfig, train

    overrides = _model_overrides(config, set_)
    if Path(out).exists() and not no_resume and not _is_checkpoint_file(Path(out)):
        raise typer.BadParameter(
            f"{out} exists and is not a checkpoint to resume from; give another path, or "
            "--no-resume to replace it",
            param_hint="--out",
        )
    logging.basicConfig(level=logging.WARNING)
    cfg = TrainConfig(
        out=str(out),
        config=config,
        model_overrides=overrides,
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
    with progress(
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
        callback=_check_ckpt,
    ),
    image: Path = typer.Option(
        ..., "--image", help="Image to search (PNG, JPEG, ...).", callback=check_in_path("file")
    ),
    query: str = typer.Option(
        ..., "--query", help='Text to find, e.g. "energy".', callback=check_text("text to find")
    ),
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
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    from codepercept.tokenocr.infer import query_maps, render_heatmaps

    try:
        with Image.open(image) as im:
            pixels = np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise typer.BadParameter(
            f"cannot read an image from {image} ({exc})", param_hint="--image"
        ) from None
    lm = _load_ckpt(ckpt, device)
    written = render_heatmaps(pixels, query_maps(lm, pixels, query, device, local_pool), out)
    console.print(f"wrote {written}")


def _compare_items(items: list[str] | None) -> dict[str, Path]:
    """``--compare NAME=PATH`` values (checked by :func:`_check_compare`) as ``{NAME: PATH}``."""
    pairs = (item.partition("=") for item in items or [])
    return {name.strip(): Path(path) for name, _, path in pairs}


def _check_compare(
    ctx: typer.Context, param: typer.CallbackParam, value: list[str] | None
) -> list[str] | None:
    """``--compare NAME=PATH``: each NAME once, not ``trained`` or ``untrained`` (the
    checkpoint's own columns), each PATH a checkpoint file (read later)."""
    import re

    seen: set[str] = set()
    for item in value or []:
        name, sep, path = item.partition("=")
        name = name.strip()
        if not sep or not name or not path:
            raise typer.BadParameter(
                f"{item!r}: use NAME=PATH, e.g. --compare plain=runs/plain.pt", ctx=ctx, param=param
            )
        if not re.fullmatch(r"[A-Za-z0-9_.+-]{1,40}", name):
            raise typer.BadParameter(
                f"{item!r}: NAME takes 1 to 40 letters, digits, '_', '.', '+' or '-'",
                ctx=ctx,
                param=param,
            )
        if name in ("trained", "untrained"):
            raise typer.BadParameter(
                f"{item!r}: {name!r} is the checkpoint's own column; name the encoder else",
                ctx=ctx,
                param=param,
            )
        if name in seen:
            raise typer.BadParameter(f"{item!r}: {name!r} is given twice", ctx=ctx, param=param)
        seen.add(name)
        _check_ckpt(ctx, param, Path(path))
    return value


@app.command("eval")
def eval_cmd(
    ckpt: Path = typer.Option(
        ...,
        "--ckpt",
        help="Checkpoint (.pt) from `tokenocr train`.",
        callback=_check_ckpt,
    ),
    data: Path = typer.Option(
        ..., "--data", help="Held-out TokenIT directory.", callback=_check_tokenit_dir
    ),
    limit: int = typer.Option(
        200, "--limit", min=1, max=MAX_COUNT, help="Samples to evaluate (1 to 10^9)."
    ),
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
    probe_steps: int = typer.Option(
        0,
        "--probe-steps",
        min=0,
        max=1_000_000,
        help="Linear-probe text segmentation: train its head this many steps (0: off).",
    ),
    probe_train: int | None = typer.Option(
        None,
        "--probe-train",
        min=1,
        max=MAX_COUNT,
        help="Samples (the first ones) that train the probe's head; the rest test it. "
        "Default: half.",
    ),
    compare: list[str] | None = typer.Option(
        None,
        "--compare",
        metavar="NAME=PATH",
        help="Another encoder's checkpoint to probe beside the model (repeatable; "
        "needs --probe-steps).",
        callback=_check_compare,
    ),
) -> None:
    """Recognition, localisation, segmentation and retrieval, beside an untrained control;
    with --probe-steps, linear-probe text segmentation too (of --compare encoders as well)."""
    from codepercept.errors import UsageError
    from codepercept.tokenocr.checkpoint import load_encoder
    from codepercept.tokenocr.evaluate import EvalConfig, evaluate, format_table

    if not probe_steps and (compare or probe_train is not None):
        flag = "--compare" if compare else "--probe-train"
        raise typer.BadParameter(
            "belongs to the linear probe; add --probe-steps N (e.g. 300)", param_hint=flag
        )
    encoders = {}
    for name, path in _compare_items(compare).items():
        try:
            encoders[name] = load_encoder(path, "cpu").to(device)
        except UsageError as exc:
            raise typer.BadParameter(f"{name}: {exc}", param_hint="--compare") from None
    cfg = EvalConfig(
        limit=limit,
        vocab=vocab,
        device=device,
        local_pool=local_pool,
        probe_steps=probe_steps,
        probe_train=probe_train,
    )
    res = evaluate(_load_ckpt(ckpt, device), data, cfg, out, compare=encoders)
    console.print(format_table(res))
    if out is not None:
        console.print(f"wrote {out}")
