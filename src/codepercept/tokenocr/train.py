"""Training TokenOCR, top to bottom: data → frozen table → model → AdamW + warmup/cosine →
loop (bf16 autocast on GPU, gradient clipping) → CSV/TensorBoard metrics, checkpoints with
exact resume, a training-curve PNG.

DDP: launched under ``torchrun`` (``WORLD_SIZE`` > 1 in the environment) each process trains on
every ``world``-th sample and gradients are all-reduced; only rank 0 logs and writes. SigLIP runs
over each process's local batch.

The library does not print: progress goes to ``on_step(step, metrics)`` (the CLI draws a rich
progress bar from it) and to the ``logging`` module.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from codepercept._interrupt import Interrupted, StopFlag, graceful
from codepercept.tokenocr.checkpoint import read_checkpoint, save_checkpoint, table_state
from codepercept.tokenocr.data import (
    CropLoader,
    CropSampler,
    DataInfo,
    OcrSample,
    data_info,
    token_counts,
)
from codepercept.tokenocr.losses import (
    LOSS_TERMS,
    RANKABLE_ROWS,
    LossConfig,
    SigLIPHead,
    class_weights,
    pooled_top1,
    tokenocr_losses,
)
from codepercept.tokenocr.model import TokenOCR, get_config, normalize_images
from codepercept.tokenocr.target import load_embedding_table, table_from_spec

__all__ = ["TrainConfig", "TrainResult", "train"]

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Everything a run needs. ``model_overrides`` change fields of the named ``config``.

    ``restrict_vocab``: keep only the embedding rows of token ids seen in the first
    ``restrict_scan`` samples (all of them when None; only the records are read) plus the space
    token (saves memory with big tables; evaluation then ranks only those ids; a training id
    outside the table would stop the run, so scan everything it trains on). ``time_limit_s``
    stops early (the schedule still spans ``steps``, unless ``time_schedule``: then the cosine runs over whichever of ``steps`` and
    ``time_limit_s`` is used up first, so a time-boxed run ends at the low learning rate on any
    machine; not bit-reproducible, as it depends on the clock). ``resume``: continue from
    ``out`` when it exists.
    """

    out: str
    config: str = "tiny"
    model_overrides: dict = field(default_factory=dict)
    loss: LossConfig = field(default_factory=LossConfig)
    steps: int = 1000
    batch_size: int = 32
    lr: float = 5e-4
    weight_decay: float = 0.05
    warmup_steps: int = 50
    min_lr_ratio: float = 0.05
    grad_clip: float = 1.0
    device: str = "cpu"
    threads: int | None = None  # torch CPU threads (1 is often fastest on a busy machine)
    bf16: bool | None = None  # None: on for CUDA, off on CPU
    seed: int = 0
    limit: int | None = None  # use at most this many samples
    max_tokens: int = 70
    min_visible: float = 0.6  # a token takes part in a crop when this share of its ink is inside
    random_crops: float = 0.0  # share of crops placed anywhere (blank paper too), not on a token
    crops_per_sample: int = 16  # crops per decoded sample (TokenIT images hold dozens of tiles)
    pool: int = 64
    workers: int = 0  # crop-making processes (0: in the training process); GPUs want several
    embed_source: str | None = None
    embed_key: str | None = None
    embed_seed: int = 0
    restrict_vocab: bool = False
    restrict_scan: int | None = None  # None: every sample (records only, seconds for 10k)
    log_every: int = 10
    ckpt_every: int = 200
    time_limit_s: float | None = None
    time_schedule: bool = False
    resume: bool = True


@dataclass
class TrainResult:
    """Where the run wrote, how far it got."""

    checkpoint: Path
    metrics_csv: Path
    curve_png: Path | None
    steps: int
    seconds: float
    last: dict[str, float]


def warmup_cosine(
    step: int, warmup_steps: int, steps: int, min_lr_ratio: float, done: float = 0.0
) -> float:
    """The learning-rate factor at ``step``: linear warmup to 1, then cosine down to
    ``min_lr_ratio`` at ``steps``, or earlier when ``done`` (a fraction of some other budget
    already spent) runs ahead of the steps."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    t = max(min(1.0, (step - warmup_steps) / max(1, steps - warmup_steps)), min(1.0, done))
    return min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * t))


def _lr_factor(step: int, cfg: TrainConfig, elapsed: float = 0.0) -> float:
    """:func:`warmup_cosine` over ``steps`` (or, with ``time_schedule``, over ``time_limit_s``
    seconds of training when that comes first)."""
    timed = cfg.time_schedule and cfg.time_limit_s
    done = elapsed / cfg.time_limit_s if timed else 0.0
    return warmup_cosine(step, cfg.warmup_steps, cfg.steps, cfg.min_lr_ratio, done)


def _dist_env() -> tuple[int, int, int]:
    """(rank, world, local_rank) from torchrun's environment; (0, 1, 0) otherwise."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, 0
    return int(os.environ["RANK"]), world, int(os.environ.get("LOCAL_RANK", "0"))


def _paths(out: Path) -> tuple[Path, Path, Path]:
    stem = out.with_suffix("")
    return out, Path(f"{stem}.metrics.csv"), Path(f"{stem}.curve.png")


def train(
    cfg: TrainConfig,
    data: str | Path | list[OcrSample],
    on_step: Callable[[int, dict[str, float]], None] | None = None,
) -> TrainResult:
    """Train (or resume) a TokenOCR model on ``data`` and write ``cfg.out``.

    Writes next to the checkpoint ``<stem>.metrics.csv`` (one row per ``log_every`` steps:
    step, lr, seconds, every loss term, SigLIP scale/bias) and ``<stem>.curve.png``.
    Deterministic in ``cfg.seed`` on CPU; resuming reproduces an uninterrupted run exactly.
    Holds ``<out>.lock`` while it runs: a second run on the same ``out`` is refused instead of
    interleaving its metrics and checkpoints with this one.
    """
    from codepercept.data.lock import acquire_lock, release_lock

    rank = _dist_env()[0]
    fd = -1
    if rank == 0:
        Path(cfg.out).parent.mkdir(parents=True, exist_ok=True)
        fd = acquire_lock(
            f"{cfg.out}.lock",
            f"another training run (pid {{pid}}) is writing {cfg.out}; wait for it, stop it, "
            "or choose another --out",
        )
    try:
        if _dist_env()[1] > 1:  # every rank must take the same steps: no graceful stop
            return _train(cfg, data, on_step, None)
        with graceful("tokenocr train") as stop:
            return _train(cfg, data, on_step, stop)
    finally:
        release_lock(fd)


def _train(
    cfg: TrainConfig,
    data: str | Path | list[OcrSample],
    on_step: Callable[[int, dict[str, float]], None] | None,
    stop: StopFlag | None = None,
) -> TrainResult:
    rank, world, local_rank = _dist_env()
    device = torch.device(
        cfg.device if cfg.device != "cuda" or world == 1 else f"cuda:{local_rank}"
    )
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda requested but CUDA is not available; use --device cpu")
    if world > 1:
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
        if device.type == "cuda":
            torch.cuda.set_device(device)
    use_bf16 = (device.type == "cuda") if cfg.bf16 is None else cfg.bf16
    if device.type == "cuda":  # the float32 loss maths (cosine maps) may use TF32 tensor cores
        torch.set_float32_matmul_precision("high")
    out, csv_path, png_path = _paths(Path(cfg.out))

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    # ---- data and the frozen target
    info: DataInfo = data_info(data)
    mcfg = get_config(cfg.config, **cfg.model_overrides)
    sampler_kwargs = dict(
        source=data,
        tile_size=mcfg.tile_size,
        feature_size=mcfg.feature_size,
        batch_size=cfg.batch_size,
        space_id=info.space_id,
        max_tokens=cfg.max_tokens,
        min_visible=cfg.min_visible,
        bg_boxes=cfg.loss.bg_boxes,
        bg_fill=cfg.loss.bg_fill,
        random_crops=cfg.random_crops,
        crops_per_sample=cfg.crops_per_sample,
        pool=cfg.pool,
        limit=cfg.limit,
        seed=cfg.seed,
        rank=rank,
        world=world,
    )
    sampler: CropSampler | CropLoader = (
        CropLoader(cfg.workers, pin_memory=device.type == "cuda", **sampler_kwargs)
        if cfg.workers > 0
        else CropSampler(**sampler_kwargs)
    )
    resume_state = None
    counts = None  # token frequencies of the training data, when a scan was needed
    if cfg.resume and out.is_file():
        resume_state = read_checkpoint(out)
        log.info("resuming from %s at step %d", out, resume_state["step"])
    if resume_state is not None:
        t = resume_state["table"]
        table = table_from_spec(t["spec"], t["weight"], t["ids"])
    else:
        restrict = None
        if cfg.restrict_vocab:
            limits = [n for n in (cfg.restrict_scan, cfg.limit) if n is not None]
            scan = min(limits) if limits else None
            counts = token_counts(data, scan)
            restrict = {info.space_id} | set(counts)
        table = load_embedding_table(
            cfg.embed_source,
            vocab_size=info.vocab_size,
            dim=mcfg.embed_dim,
            seed=cfg.embed_seed,
            embed_key=cfg.embed_key,
            restrict_to=restrict,
        )
    if table.dim != mcfg.embed_dim:
        raise ValueError(
            f"the embedding table has width {table.dim} but the model's embed_dim is "
            f"{mcfg.embed_dim}; pass --set embed_dim={table.dim}"
        )
    ranks = cfg.loss.vocab_ce or cfg.loss.pixel_ce or cfg.loss.point_ce
    if ranks and len(table) > RANKABLE_ROWS:
        raise ValueError(
            f"vocab_ce / pixel_ce / point_ce rank every row of the table ({len(table)} rows); use "
            "restrict_vocab (--restrict-vocab) to keep only the training data's ids"
        )
    table = table.to(device)
    class_weight = None
    if cfg.loss.vocab_ce and cfg.loss.vocab_ce_balance:
        if counts is None:
            counts = token_counts(data, cfg.limit)
        class_weight = class_weights(table, counts, cfg.loss.vocab_ce_balance)

    # ---- model, SigLIP head, optimiser
    model = TokenOCR(mcfg).to(device)
    siglip = SigLIPHead(cfg.loss.siglip_bias, cfg.loss.siglip_bias_learnable).to(device)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "pos_embed" not in n]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2 or "pos_embed" in n]
    opt = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": cfg.weight_decay},
            {"params": no_decay + list(siglip.parameters()), "weight_decay": 0.0},
        ],
        lr=cfg.lr,
        betas=(0.9, 0.95),
    )
    clock = {"elapsed": 0.0}  # training seconds so far, read by a time-based schedule
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: _lr_factor(s, cfg, clock["elapsed"]))
    step, elapsed_before = 0, 0.0
    if resume_state is not None:
        model.load_state_dict(resume_state["model"])
        siglip.load_state_dict(resume_state["siglip"])
        opt.load_state_dict(resume_state["opt"])
        sched.load_state_dict(resume_state["sched"])
        sampler.load_state_dict(resume_state["sampler"])
        torch.set_rng_state(resume_state["rng"]["torch"])
        step, elapsed_before = resume_state["step"], resume_state.get("seconds", 0.0)
    ddp_model = model
    if world > 1:
        ddp_model = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None
        )

    def checkpoint_state() -> dict:
        return {
            "model": model.state_dict(),
            "siglip": siglip.state_dict(),
            "opt": opt.state_dict(),
            "sched": sched.state_dict(),
            "sampler": sampler.state_dict(),
            "rng": {"torch": torch.get_rng_state()},
            "step": step,
            "seconds": elapsed_before + (time.perf_counter() - t0),
            "model_config": mcfg.to_dict(),
            "loss_config": cfg.loss.to_dict(),
            "train_config": {k: v for k, v in asdict(cfg).items() if k != "loss"},
            "table": table_state(table),
            "data_info": asdict(info),
            "seen_ids": sorted(sampler.seen_ids),
        }

    # ---- metrics sinks (rank 0)
    writer = None
    fields: list[str] | None = None
    if rank == 0:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        if resume_state is None and csv_path.exists():
            csv_path.unlink()
        try:
            from torch.utils.tensorboard import SummaryWriter

            writer = SummaryWriter(str(Path(f"{out.with_suffix('')}.tb")))
        except ImportError:
            writer = None

    # ---- the loop
    model.train()
    monitor = (
        len(table) <= RANKABLE_ROWS
    )  # log the batch's recognition top-1 (cheap for small tables)
    t0 = time.perf_counter()
    last: dict[str, float] = {}
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16)
    interrupted = False
    while step < cfg.steps:
        if stop is not None and stop.requested:
            interrupted = True  # the step finished; save it below and say how to resume
            break
        spent = elapsed_before + time.perf_counter() - t0  # a resumed run counts its past
        if cfg.time_limit_s is not None and spent > cfg.time_limit_s:
            log.info("time limit reached at step %d", step)
            break
        batch = sampler.next_batch().to(device)
        with autocast:
            feats = ddp_model(normalize_images(batch.images))
        losses = tokenocr_losses(
            feats,
            batch.masks,
            table(batch.ids),
            batch.ids,
            batch.valid,
            cfg.loss,
            siglip,
            table,
            class_weight,
        )
        top1 = None
        if monitor and ((step + 1) % cfg.log_every == 0 or step + 1 == cfg.steps):
            top1 = pooled_top1(feats.detach(), batch.masks, batch.ids, batch.valid, table)
        opt.zero_grad(set_to_none=True)
        losses["total"].backward()
        gnorm = torch.nn.utils.clip_grad_norm_(
            list(model.parameters()) + list(siglip.parameters()), cfg.grad_clip
        )
        opt.step()
        clock["elapsed"] = elapsed_before + time.perf_counter() - t0
        sched.step()
        step += 1
        last = {k: float(v.detach()) for k, v in losses.items()}
        last.update(
            lr=sched.get_last_lr()[0],
            grad_norm=float(gnorm),
            siglip_scale=float(siglip.logit_scale.detach().exp()),
            siglip_bias=float(siglip.logit_bias.detach()),
        )
        if top1 is not None:
            last["train_top1"] = top1
        if rank == 0:
            if step % cfg.log_every == 0 or step == cfg.steps:
                row = {
                    "step": step,
                    "seconds": round(elapsed_before + time.perf_counter() - t0, 3),
                    **last,
                }
                if fields is None:
                    fields = list(row)
                    new = not csv_path.exists() or csv_path.stat().st_size == 0
                    if not new:  # resumed: keep the header already there
                        with open(csv_path) as fh:
                            fields = next(csv.reader(fh))
                with open(csv_path, "a", newline="") as fh:
                    w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
                    if fh.tell() == 0:
                        w.writeheader()
                    w.writerow(row)
                if writer is not None:
                    for k, v in last.items():
                        writer.add_scalar(f"train/{k}", v, step)
                log.info("step %d %s", step, " ".join(f"{k}={v:.4f}" for k, v in last.items()))
            if on_step is not None:
                on_step(step, last)
            if cfg.ckpt_every and step % cfg.ckpt_every == 0:
                save_checkpoint(out, checkpoint_state())
    seconds = elapsed_before + time.perf_counter() - t0
    if isinstance(sampler, CropLoader):
        sampler.close()
    png = None
    if rank == 0:
        save_checkpoint(out, checkpoint_state())
        if writer is not None:
            writer.close()
        png = plot_curve(csv_path, png_path) if csv_path.exists() else None
    if world > 1:
        torch.distributed.destroy_process_group()
    if interrupted:
        raise Interrupted(
            f"tokenocr train: stopped at step {step} of {cfg.steps}; the checkpoint {out} holds "
            "it, re-run the same command to resume"
        )
    return TrainResult(out, csv_path, png, step, seconds, last)


def plot_curve(csv_path: str | Path, png_path: str | Path) -> Path:
    """Plot every loss term of a metrics CSV against the step (log scale); returns the PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(csv_path) as fh:
        rows = list(csv.DictReader(fh))
    steps = [int(r["step"]) for r in rows]
    terms = [k for k in LOSS_TERMS if rows and k in rows[0]]
    fig, axes = plt.subplots(1, len(terms), figsize=(3.2 * len(terms), 3), squeeze=False)
    for ax, k in zip(axes[0], terms, strict=True):
        ax.plot(steps, [float(r[k]) for r in rows], lw=1.2)
        ax.set_title(k)
        ax.set_xlabel("step")
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    fig.suptitle("TokenOCR training losses")
    fig.tight_layout()
    png_path = Path(png_path)
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    return png_path
