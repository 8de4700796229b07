"""Training TokenVL in two stages, top to bottom: build the model → losses → one loop for both
stages → checkpoints that resume exactly.

* **Stage 1, token alignment** (``stage="align"``): the language model is frozen; the visual
  side (encoder, abstractor, projector) learns from the language-modelling loss on the answers
  plus, with weight ``align_weight`` (0.5 as in TokenVL), the segmentation and similarity
  losses between the language model's last hidden state at each answer token and the visual
  tokens under that token's pixels (TokenIT's masks on the visual-token grid):

  - segmentation: binary cross-entropy of the raw cosine between the hidden state and every
    visual token against the token's grid mask (as TokenOCR's released code does for pixels);
  - similarity: ``1 − cos`` between the hidden state and the mean visual token under its mask.

  ``align_weight=0`` is the ablation "without alignment": the same stage and data, the
  language-modelling loss alone.
* **Stage 2, SFT** (``stage="sft"``): everything trains on the language-modelling loss
  (``freeze_encoder`` keeps the encoder fixed; ``freeze_embeddings`` the language model's token
  embeddings, and with them a tied output head: on a CPU the 152k-row Qwen table would
  otherwise dominate every step).

A checkpoint (one ``.pt``) holds the three configs and the whole state, so it rebuilds the
model without the original directories; while a stage runs it also holds the optimiser, the
schedule and the RNG, and a re-run with the same ``out`` resumes from it. Batches are drawn
from a seeded permutation per epoch, so a resumed run takes the same batches as an
uninterrupted one.
"""

from __future__ import annotations

import csv
import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from codepercept._interrupt import Interrupted, StopFlag, graceful
from codepercept.errors import UsageError
from codepercept.tokenocr.checkpoint import load_plain, save_checkpoint
from codepercept.tokenocr.model import TokenOCR, TokenOCRConfig, get_config, normalize_images
from codepercept.tokenocr.train import warmup_cosine
from codepercept.tokenvl.data import Batch, Examples, collate
from codepercept.tokenvl.lm import lm_from_config, load_lm
from codepercept.tokenvl.model import TokenVL, TokenVLConfig

__all__ = [
    "StageConfig",
    "StageResult",
    "build_model",
    "load_tokenvl",
    "stage_losses",
    "train_stage",
]

log = logging.getLogger(__name__)

STAGES = ("align", "sft")


@dataclass
class StageConfig:
    out: str
    stage: str = "align"
    steps: int = 200
    batch_size: int = 16
    lr: float = 1e-3
    warmup_steps: int = 10
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.05
    align_weight: float = 0.5  # stage 1 only; 0: the language-modelling loss alone
    freeze_encoder: bool = False
    freeze_embeddings: bool = False  # keep the LM's token embeddings (and a tied head) fixed
    clip: float = 1.0
    seed: int = 0
    threads: int = 0
    log_every: int = 10
    ckpt_every: int = 0  # 0: only at the end (and on an interrupt)
    device: str = "cpu"
    resume: bool = True

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {self.stage!r}")
        if self.steps < 1 or self.batch_size < 1:
            raise ValueError("steps and batch_size must be at least 1")
        if self.align_weight < 0:
            raise ValueError("align_weight must be >= 0")


@dataclass
class StageResult:
    checkpoint: Path
    metrics_csv: Path
    steps: int
    seconds: float
    last: dict[str, float]


# ------------------------------------------------------------------------------ the model


def _read(path: str | Path) -> dict:
    return load_plain(path, "a checkpoint")


def build_model(
    lm: str | Path,
    encoder: str | Path | None = None,
    encoder_config: str = "tiny",
    encoder_overrides: dict | None = None,
    vl: TokenVLConfig | None = None,
    seed: int = 0,
) -> TokenVL:
    """A fresh TokenVL: the encoder of a ``tokenocr train`` checkpoint (or, with ``encoder``
    None, a randomly initialised one of the named config), the language model of a local
    directory, new abstractor and projector (seeded)."""
    torch.manual_seed(seed)
    if encoder is not None:
        from codepercept.tokenocr.checkpoint import load_checkpoint

        enc = load_checkpoint(encoder).model
    else:
        enc = TokenOCR(get_config(encoder_config, **(encoder_overrides or {})))
    model_lm = load_lm(lm)
    hidden = int(model_lm.config.hidden_size)
    if enc.cfg.embed_dim != hidden:
        log.info("encoder width %d, language model width %d", enc.cfg.embed_dim, hidden)
    torch.manual_seed(seed)
    return TokenVL(vl or TokenVLConfig(), enc.train(), model_lm)


def _model_from_checkpoint(ck: dict) -> TokenVL:
    enc = TokenOCR(TokenOCRConfig(**ck["encoder_config"]))
    model = TokenVL(TokenVLConfig(**ck["vl_config"]), enc, lm_from_config(ck["lm_config"]))
    model.load_state_dict(ck["model"])
    return model


def load_tokenvl(path: str | Path, device: str = "cpu") -> tuple[TokenVL, dict]:
    """A trained TokenVL (eval mode) and its checkpoint's metadata (stage, step, configs)."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"checkpoint {path} not found; train one with `codepercept tokenvl train`")
    ck = _read(path)
    if ck.get("kind") != "tokenvl":
        raise UsageError(
            f"{path} is not a TokenVL checkpoint (made by `codepercept tokenvl train`)"
        )
    model = _model_from_checkpoint(ck).to(device).eval()
    meta = {k: v for k, v in ck.items() if k not in ("model", "opt", "sched", "rng")}
    return model, meta


def _state(model: TokenVL) -> dict:
    lm_cfg = model.lm.config.to_dict()
    return {
        "kind": "tokenvl",
        "vl_config": model.cfg.to_dict(),
        "encoder_config": model.encoder.cfg.to_dict(),
        "lm_config": {k: v for k, v in lm_cfg.items() if _plain(v)},
        "model": model.state_dict(),
    }


def _plain(v) -> bool:
    if v is None or isinstance(v, bool | int | float | str):
        return True
    if isinstance(v, list | tuple):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _plain(x) for k, x in v.items())
    return False


# ------------------------------------------------------------------------------- losses


def stage_losses(model: TokenVL, batch: Batch, align_weight: float) -> dict[str, torch.Tensor]:
    """``{"loss", "lm", "seg", "sim"}`` for one batch (seg and sim are 0 without alignment
    rows or with ``align_weight`` 0)."""
    hidden, vis = model(normalize_images(batch.images), batch.ids, batch.mask)
    t = vis.shape[1]
    text_h = hidden[:, t:]
    sel = batch.targets >= 0
    lm = F.cross_entropy(model.logits(text_h[sel]).float(), batch.targets[sel])
    zero = lm.new_zeros(())
    seg, sim = zero, zero
    if align_weight > 0 and len(batch.align_rows):
        h = text_h[batch.align_rows, batch.align_pos].float()  # (K, H)
        v = vis[batch.align_rows].float()  # (K, T, H)
        m = batch.align_masks.to(v.device)  # (K, T)
        cos = F.cosine_similarity(v, h[:, None, :], dim=-1)
        seg = F.binary_cross_entropy_with_logits(cos, m)
        pooled = (m[..., None] * v).sum(1) / m.sum(1, keepdim=True).clamp_min(1.0)
        sim = (1 - F.cosine_similarity(pooled, h, dim=-1)).mean()
    loss = lm + align_weight * (seg + sim)
    return {"loss": loss, "lm": lm, "seg": seg, "sim": sim}


# ---------------------------------------------------------------------------------- loop


def _batch_indices(n: int, cfg: StageConfig, step: int) -> list[int]:
    """The examples of batch ``step``: consecutive slices of a permutation per epoch, seeded
    by ``(seed, epoch)``, so the batches depend only on the step."""
    per_epoch = max(1, n // cfg.batch_size)
    epoch, k = divmod(step, per_epoch)
    perm = np.random.default_rng([cfg.seed, epoch]).permutation(n)
    if n < cfg.batch_size:
        return perm.tolist()
    return perm[k * cfg.batch_size : (k + 1) * cfg.batch_size].tolist()


def _keep_rows_upto(csv_path: Path, step: int) -> None:
    from codepercept._fs import atomic_write

    lines = csv_path.read_text().splitlines(keepends=True)
    keep = lines[:1]
    for line in lines[1:]:
        head = line.split(",", 1)[0]
        if line.endswith("\n") and head.isdigit() and int(head) <= step:
            keep.append(line)
    atomic_write(csv_path, "".join(keep))


def _trainable(model: TokenVL, cfg: StageConfig) -> None:
    model.requires_grad_(True)
    if cfg.stage == "align":
        model.lm.requires_grad_(False)
    if cfg.freeze_encoder:
        model.encoder.requires_grad_(False)
    if cfg.freeze_embeddings:
        model.lm.get_input_embeddings().requires_grad_(False)
        model.lm.get_output_embeddings().requires_grad_(False)


def train_stage(
    cfg: StageConfig,
    model: TokenVL | str | Path,
    examples: Examples,
    on_step: Callable[[int, dict[str, float]], None] | None = None,
) -> StageResult:
    """Run (or resume) one stage on ``examples`` from ``model`` (a TokenVL or the path of a
    TokenVL checkpoint from an earlier stage) and write ``cfg.out``. Holds ``<out>.lock``."""
    from codepercept.data.lock import acquire_lock, release_lock

    rows = [i for i, r in enumerate(examples.rows) if r.status == "ok" and r.image >= 0]
    if not rows:
        raise UsageError("no usable training examples (every item lacks an image or answer)")
    Path(cfg.out).parent.mkdir(parents=True, exist_ok=True)
    fd = acquire_lock(
        f"{cfg.out}.lock",
        f"another training run (pid {{pid}}) is writing {cfg.out}; wait for it, stop it, "
        "or choose another --out",
    )
    try:
        with graceful("tokenvl train") as stop:
            return _train(cfg, model, examples, rows, on_step, stop)
    finally:
        release_lock(fd)


def _train(
    cfg: StageConfig,
    model: TokenVL | str | Path,
    examples: Examples,
    rows: list[int],
    on_step: Callable[[int, dict[str, float]], None] | None,
    stop: StopFlag | None,
) -> StageResult:
    out = Path(cfg.out)
    csv_path = out.with_suffix(".metrics.csv")
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = torch.device(cfg.device)
    resume = None
    if cfg.resume and out.is_file():
        resume = _read(out)
        if resume.get("kind") != "tokenvl" or resume.get("stage") != cfg.stage:
            raise UsageError(
                f"{out} exists and is not a {cfg.stage!r} TokenVL checkpoint; choose another --out"
            )
        if resume.get("complete"):
            log.info("%s is complete (%d steps)", out, resume["step"])
            return StageResult(out, csv_path, int(resume["step"]), resume.get("seconds", 0.0), {})
    if resume is not None:
        net = _model_from_checkpoint(resume)
    elif isinstance(model, TokenVL):
        net = model
    else:
        net, _ = load_tokenvl(model)
    net = net.to(device).train()
    if examples.grid != net.cfg.grid_side(net.encoder.cfg):
        raise ValueError(
            f"examples were built for a {examples.grid}x{examples.grid} grid; the model's is "
            f"{net.cfg.grid_side(net.encoder.cfg)}"
        )
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    _trainable(net, cfg)
    params = [p for p in net.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    opt = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": cfg.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=cfg.lr,
        betas=(0.9, 0.95),
    )
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: warmup_cosine(s, cfg.warmup_steps, cfg.steps, cfg.min_lr_ratio)
    )
    step, seconds = 0, 0.0
    if resume is not None:
        opt.load_state_dict(resume["opt"])
        sched.load_state_dict(resume["sched"])
        torch.set_rng_state(resume["rng"])
        step, seconds = int(resume["step"]), float(resume.get("seconds", 0.0))
        log.info("resuming %s at step %d", out, step)
    align_weight = cfg.align_weight if cfg.stage == "align" else 0.0
    terms = ("loss", "lm", "seg", "sim")

    def save(complete: bool) -> None:
        st = _state(net)
        st.update(stage=cfg.stage, step=step, seconds=seconds, complete=complete)
        st["train_config"] = asdict(cfg)
        if not complete:
            st.update(opt=opt.state_dict(), sched=sched.state_dict(), rng=torch.get_rng_state())
        save_checkpoint(out, st)

    new_csv = not (resume is not None and csv_path.is_file())
    if not new_csv:
        _keep_rows_upto(csv_path, step)  # rows logged after the checkpoint are logged again
    last: dict[str, float] = {}
    with open(csv_path, "w" if new_csv else "a", newline="") as fh:
        w = csv.writer(fh)
        if new_csv:
            w.writerow(["step", "lr", "seconds", *terms])
        while step < cfg.steps:
            if stop is not None and stop.requested:
                save(False)
                raise Interrupted(f"tokenvl train stopped at step {step}; re-run to resume")
            t0 = time.perf_counter()
            idx = [rows[i] for i in _batch_indices(len(rows), cfg, step)]
            batch = collate(examples, idx)
            batch = Batch(*(x.to(device) for x in vars(batch).values()))
            losses = stage_losses(net, batch, align_weight)
            opt.zero_grad(set_to_none=True)
            losses["loss"].backward()
            if cfg.clip:
                torch.nn.utils.clip_grad_norm_(params, cfg.clip)
            opt.step()
            sched.step()
            step += 1
            seconds += time.perf_counter() - t0
            last = {k: float(losses[k].detach()) for k in terms}
            if step % cfg.log_every == 0 or step == cfg.steps:
                w.writerow([step, sched.get_last_lr()[0], round(seconds, 3), *last.values()])
                fh.flush()
            if on_step is not None:
                on_step(step, last)
            if cfg.ckpt_every and step % cfg.ckpt_every == 0 and step < cfg.steps:
                save(False)
    save(True)
    return StageResult(out, csv_path, step, seconds, last)
