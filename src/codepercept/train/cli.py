"""``codepercept train sft|grpo``: S1 and R1 on TRL (thin wrappers over
:mod:`codepercept.train.recipes`), or, with ``--emit-config``, the GPU-scale ms-swift / verl run
written from the same settings (:mod:`codepercept.train.emit`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from codepercept._cli import (
    MAX_COUNT,
    check_choice,
    check_float,
    check_out_dir,
    dataset_config,
)

app = typer.Typer(
    help="Train a vision-language model on ICC data with TRL: S1 (sft), then R1 (grpo).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True)

_MAKE_ICC = "make one with `codepercept synth --out DIR`"


def _check_icc(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
    """An ICC dataset: a directory whose manifest starts with a dataset header, not TokenIT's."""
    if value is None:
        return None
    config = dataset_config(ctx, param, value, "dataset", _MAKE_ICC)
    if (config.get("producer") or config.get("job")) == "tokenit":
        raise typer.BadParameter(
            f"{value} is a TokenIT dataset, not ICC; {_MAKE_ICC}", ctx=ctx, param=param
        )
    return value


def _check_model(model: str, emit: str | None) -> None:
    """A local checkpoint directory (with config.json); with --emit-config also a hub id,
    which the GPU machine downloads."""
    if emit is not None:
        if not model.strip():
            raise typer.BadParameter(
                "an empty model; give a path or a hub id", param_hint="--model"
            )
        return
    p = Path(model)
    if not p.is_dir():
        why = "does not exist" if not p.exists() else "is a file"
        raise typer.BadParameter(
            f"{model} {why}; give a checkpoint directory (e.g. one `codepercept train sft` "
            "wrote: OUT/model)",
            param_hint="--model",
        )
    if not (p / "config.json").is_file():
        raise typer.BadParameter(
            f"{model} holds no config.json; give a transformers checkpoint directory",
            param_hint="--model",
        )


def _tasks(value: str) -> tuple[str, ...]:
    """``code,caption`` as ``("code", "caption")`` (order kept, repeats dropped)."""
    return tuple(dict.fromkeys(x.strip() for x in value.split(",") if x.strip()))


def _check_tasks(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    from codepercept.train.rows import TASKS

    names = _tasks(value)
    if not names or any(x not in TASKS for x in names):
        raise typer.BadParameter(
            f"{value!r}: choose tasks from {', '.join(TASKS)} (comma-separated)",
            ctx=ctx,
            param=param,
        )
    return value


def _weights(value: str | None) -> dict[str, float] | None:
    """``format=0.1,execution=0.2,...`` as a mapping (checked by :func:`_check_weights`)."""
    if value is None:
        return None
    pairs = (item.partition("=") for item in value.split(",") if item.strip())
    return {key.strip(): float(num) for key, _, num in pairs}


def _check_weights(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """Each item COMPONENT=WEIGHT, a known component, a finite weight >= 0, not all 0."""
    if value is None:
        return None
    import math

    from codepercept.rewards import COMPONENTS

    total = 0.0
    for item in (x.strip() for x in value.split(",")):
        key, eq, num = item.partition("=")
        try:
            w = float(num)
        except ValueError:
            w = math.nan
        if not eq or key.strip() not in COMPONENTS or not math.isfinite(w) or w < 0:
            raise typer.BadParameter(
                f"{item!r}: use COMPONENT=WEIGHT with components {', '.join(COMPONENTS)} "
                "and weights >= 0, e.g. format=0.1,execution=0.2,image=0.35,scene=0.35",
                ctx=ctx,
                param=param,
            )
        total += w
    if total <= 0:
        raise typer.BadParameter(f"{value!r}: the weights must not all be 0", ctx=ctx, param=param)
    return value


def _progress(label: str) -> Any:
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from codepercept._cli import progress

    return progress(
        TextColumn(f"[bold]{label}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[shown]}"), TimeElapsedColumn(), TimeRemainingColumn(),
        console=console,
    )  # fmt: skip


def _quiet_transformers() -> None:
    """transformers' own progress bars (loading, saving) and advice would break the one
    progress bar and the one-line errors."""
    import warnings

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    warnings.filterwarnings("ignore", category=FutureWarning, module="transformers")


def _say_done(summary: dict[str, Any], out: Path, keys: tuple[str, ...]) -> None:
    last = summary.get("last") or {}
    shown = " ".join(f"{k}={last[k]:.3f}" for k in keys if isinstance(last.get(k), int | float))
    rate = summary.get("seconds_per_step")
    console.print(
        f"[green]done[/green] {summary['steps']} steps"
        + (f" ({rate:.2f} s/step)" if rate else "")
        + (f"  {shown}" if shown else "")
    )
    console.print(f"  model: {out / 'model'}")
    console.print(f"  log: {out / 'log.jsonl'}; summary: {out / 'summary.json'}")


# ---- options both commands share ---------------------------------------------------------------


def _lr(default: float) -> Any:
    """``--lr`` with a stage's default."""
    return typer.Option(
        default, "--lr", help="Peak learning rate (more than 0).",
        callback=check_float(0, 10, lo_open=True),
    )  # fmt: skip


def _emit_config(target: str, writes: str) -> Any:
    """``--emit-config TARGET``: write the GPU-scale run for TARGET instead of training."""
    return typer.Option(
        None, "--emit-config",
        help=f"Write the GPU-scale run instead of training: {target} ({writes}).",
        callback=check_choice(target),
    )  # fmt: skip


_MODEL = typer.Option(
    ..., "--model", help="Checkpoint directory (a transformers vision-language model); with "
    "--emit-config, a path or hub id for the GPU machine."
)  # fmt: skip
_DATA = typer.Option(
    ..., "--data", help="ICC dataset (`codepercept synth --out DIR`).", callback=_check_icc
)
_OUT = typer.Option(
    ..., "--out", "-o", help="Run directory: checkpoints/, model/, log.jsonl, summary.json.",
    callback=check_out_dir,
)  # fmt: skip
_EPOCHS = typer.Option(
    1.0, "--epochs", help="Passes over the data (more than 0).",
    callback=check_float(0, 1e6, lo_open=True),
)  # fmt: skip
_MAX_STEPS = typer.Option(
    None, "--max-steps", min=1, max=MAX_COUNT, help="Optimiser steps (overrides --epochs)."
)
_GRAD_ACCUM = typer.Option(
    1, "--grad-accum", min=1, max=65536, help="Batches accumulated per optimiser step."
)
_WARMUP = typer.Option(
    0.03, "--warmup-ratio", help="Share of the steps spent warming up (0 to below 1).",
    callback=check_float(0, 0.999),
)  # fmt: skip
_SEED = typer.Option(0, "--seed", min=0, max=2**32 - 1, help="Seed (0 to 2^32-1).")
_LIMIT = typer.Option(None, "--limit", min=1, help="Use only the first N samples.")
_SAVE_STEPS = typer.Option(
    200, "--save-steps", min=1, max=MAX_COUNT, help="Save a checkpoint every N steps."
)
_THREADS = typer.Option(
    None,
    "--threads",
    min=1,
    max=4096,
    help="torch CPU threads (1 is often fastest on a busy machine).",
)
_OVERWRITE = typer.Option(
    False, "--overwrite", help="Start over: empty --out first if it holds this command's run "
    "made with other arguments.",
)  # fmt: skip
_GPUS = typer.Option(
    8, "--gpus", min=1, max=4096, help="GPUs per node the emitted config is written for."
)


@app.command("sft")
def sft_cmd(
    model: str = _MODEL,
    data: Path = _DATA,
    out: Path = _OUT,
    tasks: str = typer.Option(
        "code,caption",
        "--tasks",
        help="Tasks to train jointly: code (image to program), "
        "caption (image to code-grounded caption), or both.",
        callback=_check_tasks,
    ),
    epochs: float = _EPOCHS,
    max_steps: int | None = _MAX_STEPS,
    batch_size: int = typer.Option(8, "--batch-size", min=1, max=65536, help="Rows per step."),
    grad_accum: int = _GRAD_ACCUM,
    lr: float = _lr(1e-5),
    warmup_ratio: float = _WARMUP,
    max_length: int = typer.Option(
        4096, "--max-length", min=16, max=1 << 20, help="Longest row in tokens; longer are cut."
    ),
    seed: int = _SEED,
    limit: int | None = _LIMIT,
    save_steps: int = _SAVE_STEPS,
    threads: int | None = _THREADS,
    overwrite: bool = _OVERWRITE,
    emit_config: str | None = _emit_config(
        "ms-swift", "OUT/ms-swift: sft.yaml, train.jsonl, images/"
    ),
    gpus: int = _GPUS,
) -> None:
    """S1: supervised fine-tuning on ICC image-to-code and captioning (resumes after a stop:
    re-run the same command)."""
    from codepercept.train.recipes import SFTSettings

    _check_model(model, emit_config)
    settings = SFTSettings(
        tasks=_tasks(tasks), epochs=epochs, max_steps=max_steps, batch_size=batch_size,
        grad_accum=grad_accum, lr=lr, warmup_ratio=warmup_ratio, max_length=max_length,
        seed=seed, limit=limit, save_steps=save_steps, threads=threads,
    )  # fmt: skip
    if emit_config is not None:
        from codepercept.train.emit import emit_ms_swift

        written = emit_ms_swift(model, data, out, settings, gpus=gpus)
        console.print(f"wrote {written['config']} (run: {written['readme']})")
        return
    _quiet_transformers()
    from codepercept.train.recipes import run_sft

    with _progress("sft") as bar:
        task = bar.add_task("sft", total=None, shown="")

        def on_step(step: int, total: int, logs: Any) -> None:
            shown = f"loss={logs['loss']:.3f}" if "loss" in logs else ""
            bar.update(task, completed=step, total=total, shown=shown)

        summary = run_sft(model, data, out, settings, overwrite=overwrite, progress=on_step)
    _say_done(summary, out, ("loss", "mean_token_accuracy"))


@app.command("grpo")
def grpo_cmd(
    model: str = _MODEL,
    data: Path = _DATA,
    out: Path = _OUT,
    epochs: float = _EPOCHS,
    max_steps: int | None = _MAX_STEPS,
    num_generations: int = typer.Option(
        8, "--num-generations", min=2, max=4096, help="Completions per prompt (the group, 2+)."
    ),
    prompts_per_step: int = typer.Option(
        2, "--prompts-per-step", min=1, max=65536, help="Prompts per step."
    ),
    max_completion_length: int = typer.Option(
        1024, "--max-completion-length", min=1, max=1 << 20, help="Longest completion, in tokens."
    ),
    temperature: float = typer.Option(
        1.0,
        "--temperature",
        help="Sampling temperature (more than 0).",
        callback=check_float(0, 100, lo_open=True),
    ),
    beta: float = typer.Option(
        0.0,
        "--beta",
        help="KL coefficient against the starting model (0: none, no reference model kept).",
        callback=check_float(0, 1e3),
    ),
    loss_type: str = typer.Option(
        "dapo",
        "--loss-type",
        help="TRL loss: dapo (its default), grpo, dr_grpo or bnpo.",
        callback=check_choice("dapo", "grpo", "dr_grpo", "bnpo"),
    ),
    reward_weights: str | None = typer.Option(
        None,
        "--reward-weights",
        help="Reward component weights, e.g. "
        "format=0.1,execution=0.2,image=0.35,scene=0.35 (the default).",
        callback=_check_weights,
    ),
    reward_workers: int = typer.Option(
        2, "--reward-workers", min=1, max=512, help="Sandbox processes running completions."
    ),
    grad_accum: int = _GRAD_ACCUM,
    lr: float = _lr(1e-6),
    warmup_ratio: float = _WARMUP,
    seed: int = _SEED,
    limit: int | None = _LIMIT,
    save_steps: int = _SAVE_STEPS,
    threads: int | None = _THREADS,
    overwrite: bool = _OVERWRITE,
    emit_config: str | None = _emit_config(
        "verl", "OUT/verl: run.sh, train.parquet; the reward is codepercept.rewards.verl"
    ),
    gpus: int = _GPUS,
) -> None:
    """R1: GRPO on ICC image-to-code, rewarded by codepercept's sandboxed reward (format,
    execution, image, scene); resumes after a stop: re-run the same command."""
    from codepercept.train.recipes import GRPOSettings

    _check_model(model, emit_config)
    weights = _weights(reward_weights)
    settings = GRPOSettings(
        epochs=epochs, max_steps=max_steps, num_generations=num_generations,
        prompts_per_step=prompts_per_step, max_completion_length=max_completion_length,
        temperature=temperature, beta=beta, loss_type=loss_type, reward_workers=reward_workers,
        grad_accum=grad_accum, lr=lr, warmup_ratio=warmup_ratio, seed=seed, limit=limit,
        save_steps=save_steps, threads=threads,
        **({"reward_weights": weights} if weights is not None else {}),
    )  # fmt: skip
    if emit_config is not None:
        from codepercept.train.emit import emit_verl

        written = emit_verl(model, data, out, settings, gpus=gpus)
        console.print(f"wrote {written['script']} (with {written['data']})")
        return
    _quiet_transformers()
    from codepercept.train.recipes import run_grpo

    with _progress("grpo") as bar:
        task = bar.add_task("grpo", total=None, shown="")

        def on_step(step: int, total: int, logs: Any) -> None:
            shown = " ".join(f"{k.split('/')[-1]}={logs[k]:.3f}" for k in
                             ("reward", "codepercept/execution") if k in logs)  # fmt: skip
            bar.update(task, completed=step, total=total, shown=shown)

        summary = run_grpo(model, data, out, settings, overwrite=overwrite, progress=on_step)
    _say_done(summary, out, ("reward", "codepercept/execution", "codepercept/image"))
