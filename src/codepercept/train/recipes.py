"""S1 and R1 on TRL: supervised fine-tuning on ICC data, then GRPO with codepercept's reward.

:func:`run_sft` (S1: image-to-code and captioning, jointly) and :func:`run_grpo` (R1:
image-to-code, rewarded by :class:`codepercept.rewards.trl.CodeperceptReward`, the TRL adapter
of :class:`codepercept.rewards.RewardScorer`) train a local
transformers vision-language checkpoint (a Qwen2.5-VL, or the tiny one of
:mod:`codepercept.train.tiny`) with TRL 1.16's ``SFTTrainer`` and ``GRPOTrainer``
(transformers generation, ``use_vllm=False``). They are for one machine; the GPU-scale runs the
paper made (ms-swift for S1, verl for R1) are written by :mod:`codepercept.train.emit` from the
same settings.

A run directory ``OUT`` is claimed for one job (:mod:`codepercept.jobdir`): the settings, the
model and the data (by content). It holds

* ``checkpoints/checkpoint-N`` — the trainer's checkpoints (every ``save_steps`` and on a
  stop); re-running the same command resumes from the last one;
* ``model/`` — the trained model and its processor, loadable like the input checkpoint;
* ``log.jsonl`` — every log line of the trainer (loss, learning rate; for GRPO the reward, its
  spread and each reward component: ``codepercept/format``, ``codepercept/execution``,
  ``codepercept/image``, ``codepercept/scene``, and ``codepercept/exec_rate``), one JSON object
  a line, as it is logged;
* ``summary.json`` — steps, seconds per step, the first and last logged values (for GRPO also
  the scorer's counters for the run: programs executed, cache hits, rewards per status).

The first Ctrl-C (or SIGTERM) stops after the step in progress, saves a checkpoint and the
summary, and raises :class:`~codepercept._interrupt.Interrupted`; the second stops at once.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write
from codepercept._interrupt import Interrupted, graceful
from codepercept.errors import UsageError
from codepercept.jobdir import claim
from codepercept.train.rows import TASKS, grpo_rows, icc_records, sft_rows

__all__ = ["GRPOSettings", "SFTSettings", "run_grpo", "run_sft"]

log = logging.getLogger(__name__)

#: Called after every optimiser step with (step, total steps, the last logged values).
Progress = Callable[[int, int, Mapping[str, float]], None]


@dataclass(frozen=True)
class _Common:
    epochs: float = 1.0  # passes over the data (the paper: 1 for S1 and for R1)
    max_steps: int | None = None  # optimiser steps; when set, overrides epochs
    lr: float = 1e-5
    warmup_ratio: float = 0.03
    grad_accum: int = 1
    seed: int = 0
    limit: int | None = None  # use at most this many samples of the dataset
    save_steps: int = 200
    logging_steps: int = 1
    threads: int | None = None  # torch CPU threads (None: torch's default)

    def _check(self) -> None:
        if not (math.isfinite(self.epochs) and self.epochs > 0):
            raise UsageError(f"epochs must be a number above 0, not {self.epochs!r}")
        if self.max_steps is not None and self.max_steps < 1:
            raise UsageError(f"max_steps must be at least 1, not {self.max_steps}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise UsageError(f"lr must be a number above 0, not {self.lr!r}")
        if not 0 <= self.warmup_ratio < 1:
            raise UsageError(f"warmup_ratio must be in [0, 1), not {self.warmup_ratio!r}")
        for name in ("grad_accum", "save_steps", "logging_steps"):
            if getattr(self, name) < 1:
                raise UsageError(f"{name} must be at least 1")


@dataclass(frozen=True)
class SFTSettings(_Common):
    """S1: supervised fine-tuning on ICC captioning and image-to-code."""

    tasks: tuple[str, ...] = TASKS
    batch_size: int = 8  # rows per device and step
    max_length: int | None = 4096  # tokens (prompt, image and answer); longer rows are cut

    def check(self) -> None:
        self._check()
        if not self.tasks or set(self.tasks) - set(TASKS):
            raise UsageError(f"tasks must be some of {', '.join(TASKS)}, not {self.tasks!r}")
        if self.batch_size < 1:
            raise UsageError("batch_size must be at least 1")


@dataclass(frozen=True)
class GRPOSettings(_Common):
    """R1: GRPO on image-to-code with codepercept's reward."""

    lr: float = 1e-6
    num_generations: int = 8  # completions per prompt (the group)
    prompts_per_step: int = 2  # prompts per device and step (x num_generations completions)
    max_completion_length: int = 1024
    temperature: float = 1.0
    beta: float = 0.0  # KL coefficient (TRL's default: no reference model)
    epsilon: float = 0.2  # PPO clip
    loss_type: str = "dapo"  # TRL 1.16's default
    scale_rewards: str = "group"
    reward_weights: Mapping[str, float] = field(default_factory=lambda: _default_weights())
    reward_workers: int = 2  # sandbox processes running completions
    reward_timeout_s: float = 10.0

    def check(self) -> None:
        self._check()
        if self.num_generations < 2:
            raise UsageError("num_generations must be at least 2 (GRPO compares a group)")
        if self.prompts_per_step < 1 or self.max_completion_length < 1:
            raise UsageError("prompts_per_step and max_completion_length must be at least 1")
        if not (math.isfinite(self.temperature) and self.temperature > 0):
            raise UsageError(f"temperature must be above 0, not {self.temperature!r}")
        if not (math.isfinite(self.beta) and self.beta >= 0):
            raise UsageError(f"beta must be 0 or more, not {self.beta!r}")
        if self.loss_type not in ("grpo", "dr_grpo", "dapo", "bnpo"):
            raise UsageError(
                f"loss_type must be grpo, dr_grpo, dapo or bnpo, not {self.loss_type!r}"
            )
        if self.scale_rewards not in ("group", "batch", "none"):
            raise UsageError(
                f"scale_rewards must be group, batch or none, not {self.scale_rewards!r}"
            )
        from codepercept.rewards import RewardConfig

        try:
            RewardConfig(weights=dict(self.reward_weights), timeout_s=self.reward_timeout_s)
        except ValueError as exc:
            raise UsageError(str(exc)) from None


def _default_weights() -> dict[str, float]:
    from codepercept.rewards import DEFAULT_WEIGHTS

    return dict(DEFAULT_WEIGHTS)


# ---- shared machinery ------------------------------------------------------------------------


def _callbacks(out: Path, stop: Any, progress: Progress | None) -> list[Any]:
    """A TrainerCallback that appends every log to ``out/log.jsonl``, reports progress and
    turns a stop request into "save a checkpoint and stop"."""
    from transformers import TrainerCallback

    log_path = out / "log.jsonl"
    last: dict[str, float] = {}

    class Journal(TrainerCallback):  # type: ignore[misc]
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            row = {"step": state.global_step, **{k: v for k, v in (logs or {}).items()
                                                if isinstance(v, int | float | str)}}  # fmt: skip
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")
            last.update({k: v for k, v in row.items() if isinstance(v, int | float)})
            if progress is not None:  # the trainer logs a step after its on_step_end
                progress(state.global_step, state.max_steps, dict(last))

        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            if progress is not None:
                progress(state.global_step, state.max_steps, dict(last))
            if stop.requested:
                control.should_save = True
                control.should_training_stop = True

    return [Journal()]


def _last_checkpoint(out: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    ckpts = out / "checkpoints"
    return get_last_checkpoint(str(ckpts)) if ckpts.is_dir() else None


def _set_threads(threads: int | None) -> None:
    if threads is not None:
        import torch

        torch.set_num_threads(threads)


def _trainer_args(common: _Common, out: Path) -> dict[str, Any]:
    import torch

    cuda = torch.cuda.is_available()
    return {
        "output_dir": str(out / "checkpoints"),
        "num_train_epochs": common.epochs,
        "max_steps": common.max_steps if common.max_steps is not None else -1,
        "learning_rate": common.lr,
        # transformers 5: a warmup_steps below 1 is a share of the steps (warmup_ratio is gone)
        "warmup_steps": common.warmup_ratio,
        "lr_scheduler_type": "cosine",
        "gradient_accumulation_steps": common.grad_accum,
        "seed": common.seed,
        "data_seed": common.seed,
        "save_strategy": "steps",
        "save_steps": common.save_steps,
        "save_total_limit": 2,
        "logging_steps": common.logging_steps,
        "report_to": [],
        "disable_tqdm": True,
        "use_cpu": not cuda,
        "bf16": cuda and torch.cuda.is_bf16_supported(),
        "dataloader_num_workers": 0,
        "weight_decay": 0.0,
    }


def _quiet(trainer: Any) -> None:
    """The trainer's own printing (a log dict per step on stdout) is replaced by log.jsonl."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    for cb in (PrinterCallback, ProgressCallback):
        trainer.remove_callback(cb)


def _summary(out: Path, command: str, trainer: Any, seconds: float, steps_run: int,
             interrupted: bool, extra: Mapping[str, Any]) -> dict[str, Any]:  # fmt: skip
    logs = [h for h in trainer.state.log_history if "train_runtime" not in h]
    keys = sorted(
        {k for h in logs for k, v in h.items() if isinstance(v, int | float)} - {"step", "epoch"}
    )
    first = {k: next((h[k] for h in logs if k in h), None) for k in keys}
    final = {k: next((h[k] for h in reversed(logs) if k in h), None) for k in keys}
    summary = {
        "command": command,
        "steps": trainer.state.global_step,
        "max_steps": trainer.state.max_steps,
        "steps_this_run": steps_run,
        "seconds_this_run": round(seconds, 2),
        "seconds_per_step": round(seconds / steps_run, 3) if steps_run else None,
        "interrupted": interrupted,
        "complete": not interrupted,
        "first": first,
        "last": final,
        "model": "model" if not interrupted else None,
        **extra,
    }
    atomic_write(out / "summary.json", json.dumps(summary, indent=1))
    return summary


def _train(
    trainer: Any, out: Path, command: str, stop: Any, extra: Mapping[str, Any]
) -> dict[str, Any]:
    resume = _last_checkpoint(out)
    start_step = 0
    if resume is not None:
        state = json.loads((Path(resume) / "trainer_state.json").read_text())
        start_step = int(state.get("global_step", 0))
    t0 = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume)
    seconds = time.perf_counter() - t0
    steps_run = trainer.state.global_step - start_step
    interrupted = stop.requested and trainer.state.global_step < trainer.state.max_steps
    if not interrupted:
        trainer.save_model(str(out / "model"))
        processor = trainer.processing_class
        if processor is not None:
            processor.save_pretrained(str(out / "model"))
    summary = _summary(out, command, trainer, seconds, steps_run, interrupted, extra)
    if interrupted:
        raise Interrupted(
            f"{command}: stopped after step {trainer.state.global_step} of "
            f"{trainer.state.max_steps} (checkpoint in {out / 'checkpoints'}); re-run the same "
            "command to resume"
        )
    return summary


def _finished(out: Path, resumed: bool) -> dict[str, Any] | None:
    """The summary of a finished run of this job in ``out`` (re-running it does nothing)."""
    if not resumed:
        return None
    try:
        summary = json.loads((out / "summary.json").read_text())
    except (OSError, ValueError):
        return None
    return summary if summary.get("complete") and (out / "model").is_dir() else None


def _inputs(model: str | os.PathLike[str], data: str | os.PathLike[str]) -> dict[str, Any]:
    for what, p in (("model", model), ("data", data)):
        if not Path(p).is_dir():
            raise UsageError(f"the {what} {p} is not a directory")
    return {"model": model, "data": data}


def _dataset(rows: list[dict[str, Any]], what: str, data: Any) -> Any:
    from datasets import Dataset

    if not rows:
        raise UsageError(f"{data} holds no samples with an image and a program to train {what} on")
    return Dataset.from_list(rows)


# ---- S1 ----------------------------------------------------------------------------------------


def run_sft(
    model: str | os.PathLike[str],
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    settings: SFTSettings | None = None,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """S1: fine-tune the checkpoint ``model`` on the ICC dataset ``data`` into ``out`` (see the
    module docstring); returns the summary.

    Raises:
        UsageError: bad settings, an input that is not a directory, a dataset with nothing to
            train on; :class:`~codepercept.jobdir.JobDirError` when ``out`` belongs to another
            job (``overwrite`` starts this job's run over).
        Interrupted: stopped by Ctrl-C/SIGTERM after saving a checkpoint.
    """
    settings = settings or SFTSettings()
    settings.check()
    out = Path(out)
    inputs = _inputs(model, data)
    with claim(out, "train sft", asdict(settings) | {"threads": None}, inputs,
               overwrite=overwrite) as job:  # fmt: skip
        done = _finished(out, job.resumed)
        if done is not None:
            return done
        _set_threads(settings.threads)
        from trl import SFTConfig, SFTTrainer

        from codepercept.train.tiny import load_vlm

        records = icc_records(data, settings.limit)
        dataset = _dataset(list(sft_rows(records, settings.tasks)), "S1", data)
        vlm, processor = load_vlm(model)
        args = SFTConfig(
            **_trainer_args(settings, out),
            per_device_train_batch_size=settings.batch_size,
            max_length=settings.max_length,
            remove_unused_columns=False,  # the vision collator needs the raw columns
        )
        with graceful("train sft") as stop:
            trainer = SFTTrainer(model=vlm, args=args, train_dataset=dataset,
                                 processing_class=processor,
                                 callbacks=_callbacks(out, stop, progress))  # fmt: skip
            _quiet(trainer)
            extra = {"rows": len(dataset), "samples": len(records), "settings": asdict(settings)}
            return _train(trainer, out, "train sft", stop, extra)


# ---- R1 ----------------------------------------------------------------------------------------


def run_grpo(
    model: str | os.PathLike[str],
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    settings: GRPOSettings | None = None,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """R1: GRPO on image-to-code from the checkpoint ``model`` (usually S1's ``out/model``) on
    the ICC dataset ``data`` into ``out``, rewarded by :class:`~codepercept.rewards.RewardScorer`
    (see the module docstring); returns the summary.

    Every reference program is run once before training: one that does not run and draw stops
    the job with :class:`~codepercept.rewards.BadReference` naming it.

    Raises:
        UsageError, JobDirError, Interrupted: as :func:`run_sft`.
        BadReference: a reference program of ``data`` does not run.
    """
    settings = settings or GRPOSettings()
    settings.check()
    out = Path(out)
    inputs = _inputs(model, data)
    recorded = asdict(settings) | {"threads": None, "reward_weights": dict(settings.reward_weights)}
    with claim(out, "train grpo", recorded, inputs, overwrite=overwrite) as job:
        done = _finished(out, job.resumed)
        if done is not None:
            return done
        _set_threads(settings.threads)
        from trl import GRPOConfig, GRPOTrainer

        from codepercept.rewards import RewardConfig
        from codepercept.rewards.shared import shared_scorer
        from codepercept.rewards.trl import CodeperceptReward
        from codepercept.train.tiny import load_vlm

        records = icc_records(data, settings.limit)
        rows = list(grpo_rows(records))
        dataset = _dataset(rows, "R1", data)
        config = RewardConfig(
            weights=dict(settings.reward_weights), timeout_s=settings.reward_timeout_s
        )
        # TRL's reward function is codepercept.rewards.trl's adapter over this process's scorer
        # for this config; every reference runs once here, so a bad one stops the job now.
        scorer = shared_scorer(config, settings.reward_workers)
        scorer.prepare_many([r["reference"] for r in rows], [r["id"] for r in rows])
        reward = CodeperceptReward("reference", config=config, workers=settings.reward_workers)
        vlm, processor = load_vlm(model)
        args = GRPOConfig(
            **_trainer_args(settings, out),
            per_device_train_batch_size=settings.prompts_per_step * settings.num_generations,
            num_generations=settings.num_generations,
            max_completion_length=settings.max_completion_length,
            temperature=settings.temperature,
            beta=settings.beta,
            epsilon=settings.epsilon,
            loss_type=settings.loss_type,
            scale_rewards=settings.scale_rewards,
            use_vllm=False,
            log_completions=False,
        )
        with graceful("train grpo") as stop:
            trainer = GRPOTrainer(
                model=vlm,
                reward_funcs=[reward],
                args=args,
                train_dataset=dataset,
                processing_class=processor,
                callbacks=_callbacks(out, stop, progress),
            )
            _quiet(trainer)
            extra = {"samples": len(records), "settings": recorded}
            before = scorer.stats
            summary = _train(trainer, out, "train grpo", stop, extra)
        summary["reward"] = _stats_delta(before, scorer.stats)
        atomic_write(out / "summary.json", json.dumps(summary, indent=1))
        return summary


def _stats_delta(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The scorer's counters for this run (the scorer is shared by the process)."""
    return {k: v - before.get(k, 0) for k, v in after.items() if isinstance(v, int)}


def with_overrides(settings: Any, **changes: Any) -> Any:
    """``settings`` with the given fields replaced (None values are left as they are)."""
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})
