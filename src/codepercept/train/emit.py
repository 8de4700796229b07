"""The GPU-scale runs, written from the same settings as the CPU recipes: ms-swift for S1 and
verl for R1, as the paper trained (ms-swift SFT, then verl GRPO).

:func:`emit_ms_swift` writes ``OUT/ms-swift/``:

* ``train.jsonl`` + ``images/`` — the S1 data, written by ``codepercept export --format
  ms-swift`` (:func:`codepercept.train.export.export_sft`: ``messages`` with ``<image>`` in the
  user turn, ``images`` as paths relative to the directory), every sample in training;
* ``sft.yaml`` — the arguments, for ``swift sft sft.yaml`` run in that directory (``RUN.txt``): ms-swift 4.x reads a .yaml/.json
  first argument as one command-line option per key and its ``ENV`` block as environment variables
  (swift/cli/main.py ``parse_yaml_args``). Keys are those of ms-swift 4.6.0's ``SftArguments``
  (swift/arguments/*.py, swift/trainers/arguments.py): ``tuner_type`` (3.x called it
  ``train_type``), ``torch_dtype``, ``max_pixels``, ``freeze_vit``, ``warmup_ratio`` (kept by
  ms-swift although transformers 5.12+ dropped it), ...

:func:`emit_verl` writes ``OUT/verl/``:

* ``train.parquet`` — the R1 rows as verl's ``RLHFDataset`` reads them: ``prompt`` (chat
  messages, ``<image>`` where the image goes), ``images`` (``[{"bytes": PNG}]``),
  ``data_source``, ``reward_model.ground_truth`` (the reference program), ``extra_info``;
* ``run.sh`` — ``python3 -m verl.trainer.main_ppo`` with Hydra overrides. The reward is
  :func:`codepercept.rewards.verl.compute_score_async` (``pkg://codepercept.rewards.verl``,
  awaited by verl 0.9.1's reward loop), its weights, time-out and workers passed as
  ``reward_kwargs``. verl 0.8 moved the custom reward to ``reward.custom_reward_function.*``;
  0.9.1 ignores the old top-level ``custom_reward_function`` (verl/trainer/config/reward/
  reward.yaml, verl/trainer/ppo/reward.py ``get_custom_reward_fn``); every other key is one of
  0.9.1's ``_generated_ppo_trainer.yaml``.

Keys are generated here without their dashes, and checked by tests/train/test_recipes.py.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write
from codepercept.jobdir import claim
from codepercept.train.recipes import GRPOSettings, SFTSettings
from codepercept.train.rows import icc_records

__all__ = [
    "MS_SWIFT_VERSION",
    "PAPER_MAX_PIXELS",
    "VERL_VERSION",
    "emit_ms_swift",
    "emit_verl",
    "ms_swift_args",
    "verl_overrides",
]

MS_SWIFT_VERSION = "4.6.0"
VERL_VERSION = "0.9.1"
#: The paper serves CodePercept with at most 1,310,720 image pixels.
PAPER_MAX_PIXELS = 1_310_720


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


# ---- ms-swift (S1) -----------------------------------------------------------------------------


def ms_swift_args(
    settings: SFTSettings,
    model: str,
    dataset: str,
    output_dir: str,
    *,
    gpus: int = 8,
    max_pixels: int = PAPER_MAX_PIXELS,
) -> dict[str, Any]:
    """``swift sft`` arguments for S1 with ``settings`` (full fine-tuning, bf16, DeepSpeed
    ZeRO-2, the vision tower trained too, as a joint captioning + code SFT)."""
    args: dict[str, Any] = {
        "model": model,
        "dataset": [dataset],
        "split_dataset_ratio": 0.0,
        "tuner_type": "full",
        "torch_dtype": "bfloat16",
        "attn_impl": "flash_attn",
        "freeze_vit": False,
        "freeze_aligner": False,
        "max_pixels": max_pixels,
        "max_length": settings.max_length or 16384,
        "num_train_epochs": settings.epochs,
        "per_device_train_batch_size": 1,
        "gradient_accumulation_steps": max(1, settings.batch_size * settings.grad_accum // gpus),
        "learning_rate": settings.lr,
        "lr_scheduler_type": "cosine",
        "warmup_ratio": settings.warmup_ratio,
        "gradient_checkpointing": True,
        "deepspeed": "zero2",
        "seed": settings.seed,
        "save_steps": settings.save_steps,
        "save_total_limit": 2,
        "logging_steps": settings.logging_steps,
        "output_dir": output_dir,
        "dataloader_num_workers": 4,
        "dataset_num_proc": 4,
    }
    if settings.max_steps is not None:
        args["max_steps"] = settings.max_steps
    return args


def emit_ms_swift(
    model: str,
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    settings: SFTSettings | None = None,
    *,
    gpus: int = 8,
    max_pixels: int = PAPER_MAX_PIXELS,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write ``out/ms-swift/`` (see the module docstring) for S1 of ``model`` (a local path or a
    hub id such as ``Qwen/Qwen2.5-VL-7B-Instruct``) on the ICC dataset ``data``; returns the
    paths written (``config``, ``data``, ``readme``)."""
    from codepercept.errors import UsageError
    from codepercept.train.export import export_sft

    settings = settings or SFTSettings()
    settings.check()
    if settings.limit is not None:
        raise UsageError("--limit does not apply to --emit-config: the export takes every sample")
    root = Path(out) / "ms-swift"
    recorded = {**asdict(settings), "threads": None, "emit": "ms-swift", "gpus": gpus,
                "max_pixels": max_pixels}  # fmt: skip
    task = "both" if len(set(settings.tasks)) == 2 else _EXPORT_TASK[settings.tasks[0]]
    with claim(out, "train sft", recorded, {"data": data}, overwrite=overwrite):
        exported = export_sft(data, root, format="ms-swift", task=task, val_fraction=0.0,
                              seed=settings.seed, overwrite=overwrite)  # fmt: skip
        train_file = exported["files"]["train"]
        args = ms_swift_args(settings, model, train_file, "output", gpus=gpus,
                             max_pixels=max_pixels)  # fmt: skip
        # image paths in the export are relative to its directory, where ms-swift runs
        env = {"NPROC_PER_NODE": gpus, "MAX_PIXELS": max_pixels}
        atomic_write(root / "sft.yaml", _yaml({"ENV": env, **args}))
        rows = exported["rows"]["train"]["total"]
        readme = (
            f"# S1 with ms-swift {MS_SWIFT_VERSION} ({rows} rows from {Path(data).resolve()})\n"
            f"cd {shlex.quote(str(root.resolve()))} && swift sft sft.yaml\n"
        )
        atomic_write(root / "RUN.txt", readme)
    return {"config": root / "sft.yaml", "data": root / train_file, "readme": root / "RUN.txt"}


#: Our S1 task names as ``codepercept export`` calls them.
_EXPORT_TASK = {"code": "image2code", "caption": "caption"}


def _yaml(config: Mapping[str, Any]) -> str:
    """A flat YAML document (JSON scalars are valid YAML); nested mappings one level deep."""
    lines = []
    for key, value in config.items():
        if isinstance(value, Mapping):
            lines.append(f"{key}:")
            lines += [f"  {k}: {json.dumps(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {json.dumps(v)}" for v in value]
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


# ---- verl (R1) ---------------------------------------------------------------------------------


def verl_overrides(
    settings: GRPOSettings,
    model: str,
    train_file: str,
    output_dir: str,
    *,
    gpus: int = 8,
    prompt_length: int = 4096,
) -> dict[str, Any]:
    """verl 0.9.1 Hydra overrides for R1 with ``settings``: GRPO, vLLM rollouts of
    ``num_generations`` per prompt, the codepercept reward as the custom reward function."""
    batch = max(gpus, settings.prompts_per_step * settings.grad_accum * gpus)
    overrides: dict[str, Any] = {
        "algorithm.adv_estimator": "grpo",
        "algorithm.use_kl_in_reward": False,
        "algorithm.norm_adv_by_std_in_grpo": settings.scale_rewards != "none",
        "data.train_files": train_file,
        "data.val_files": train_file,
        "data.train_batch_size": batch,
        "data.max_prompt_length": prompt_length,
        "data.max_response_length": settings.max_completion_length,
        "data.filter_overlong_prompts": True,
        "data.truncation": "error",
        "data.image_key": "images",
        "data.seed": settings.seed,
        "actor_rollout_ref.model.path": model,
        "actor_rollout_ref.model.use_remove_padding": True,
        "actor_rollout_ref.model.enable_gradient_checkpointing": True,
        "actor_rollout_ref.actor.optim.lr": settings.lr,
        "actor_rollout_ref.actor.optim.lr_warmup_steps_ratio": settings.warmup_ratio,
        "actor_rollout_ref.actor.ppo_mini_batch_size": batch,
        "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu": 4,
        "actor_rollout_ref.actor.use_kl_loss": settings.beta > 0,
        "actor_rollout_ref.actor.kl_loss_coef": settings.beta,
        "actor_rollout_ref.actor.kl_loss_type": "low_var_kl",
        "actor_rollout_ref.actor.entropy_coeff": 0,
        "actor_rollout_ref.actor.clip_ratio": settings.epsilon,
        # TRL's dapo/bnpo average over tokens; grpo over each sequence, then the group
        "actor_rollout_ref.actor.loss_agg_mode": "seq-mean-token-mean"
        if settings.loss_type == "grpo" else "token-mean",
        "actor_rollout_ref.rollout.name": "vllm",
        "actor_rollout_ref.rollout.n": settings.num_generations,
        "actor_rollout_ref.rollout.temperature": settings.temperature,
        "actor_rollout_ref.rollout.tensor_model_parallel_size": 1,
        "actor_rollout_ref.rollout.gpu_memory_utilization": 0.6,
        "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu": 8,
        "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu": 8,
        "reward.custom_reward_function.path": "pkg://codepercept.rewards.verl",
        "reward.custom_reward_function.name": "compute_score_async",
        # not in verl's defaults, so added with "+"; verl passes them to the function
        "+reward.custom_reward_function.reward_kwargs.timeout_s": settings.reward_timeout_s,
        "+reward.custom_reward_function.reward_kwargs.workers": settings.reward_workers,
        "trainer.n_gpus_per_node": gpus,
        "trainer.nnodes": 1,
        "trainer.total_epochs": max(1, round(settings.epochs)),
        "trainer.save_freq": settings.save_steps,
        "trainer.test_freq": -1,
        "trainer.val_before_train": False,
        "trainer.critic_warmup": 0,
        "trainer.logger": ["console"],
        "trainer.project_name": "codepercept",
        "trainer.experiment_name": "r1",
        "trainer.default_local_dir": output_dir,
    }  # fmt: skip
    for name, weight in settings.reward_weights.items():
        overrides[f"+reward.custom_reward_function.reward_kwargs.weights.{name}"] = weight
    if settings.max_steps is not None:
        overrides["trainer.total_training_steps"] = settings.max_steps
    return overrides


def _override_value(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return json.dumps(value)  # Hydra reads a JSON list of strings as a list
    return str(value)


def _override(key: str, value: Any) -> str:
    """``key=value`` for the shell: quoted, except ``$HERE/...`` (the script's directory)."""
    text = _override_value(value)
    if text.startswith("$HERE/"):
        return f'{key}="{text}"'
    return f"{key}={shlex.quote(text)}"


def write_verl_dataset(records: Iterable[Mapping[str, Any]], path: Path) -> int:
    """The R1 rows as verl's parquet (see the module docstring); returns the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from codepercept.models.prompts import STEM2CODE
    from codepercept.train.rows import prompt_messages

    messages = prompt_messages(STEM2CODE)
    prompt = [{**m, "content": ("<image>" + m["content"]) if m["role"] == "user" else m["content"]}
              for m in messages]  # fmt: skip
    rows = []
    for i, rec in enumerate(records):
        rows.append({
            "data_source": "codepercept/icc",
            "prompt": prompt,
            "images": [{"bytes": rec["image"]}],
            "ability": "image-to-code",
            "reward_model": {"style": "rule", "ground_truth": rec["code"]},
            "extra_info": {"index": i, "id": str(rec.get("id", i))},
        })  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    pq.write_table(pa.Table.from_pylist(rows), tmp)
    os.replace(tmp, path)
    return len(rows)


def emit_verl(
    model: str,
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    settings: GRPOSettings | None = None,
    *,
    gpus: int = 8,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write ``out/verl/`` (see the module docstring) for R1 of ``model`` (usually S1's output,
    a local path or hub id) on the ICC dataset ``data``; returns the paths written (``script``,
    ``data``)."""
    settings = settings or GRPOSettings()
    settings.check()
    root = Path(out) / "verl"
    recorded = {**asdict(settings), "threads": None, "emit": "verl", "gpus": gpus,
                "reward_weights": dict(settings.reward_weights)}  # fmt: skip
    with claim(out, "train grpo", recorded, {"data": data}, overwrite=overwrite):
        root.mkdir(parents=True, exist_ok=True)
        records = icc_records(data, settings.limit)
        rows = write_verl_dataset(records, root / "train.parquet")
        _write_verl_run(root, model, settings, gpus, rows, data)
    return {"script": root / "run.sh", "data": root / "train.parquet"}


def _write_verl_run(
    root: Path, model: str, settings: GRPOSettings, gpus: int, rows: int, data: Any
) -> None:
    here = '$(cd "$(dirname "$0")" && pwd)'
    overrides = verl_overrides(settings, model, "$HERE/train.parquet", "$HERE/output", gpus=gpus)
    lines = [_override(k, v) for k, v in overrides.items()]
    script = (
        "#!/bin/sh\n"
        f"# R1 (GRPO) with verl {VERL_VERSION}: {rows} prompts from {_one_line(Path(data).resolve())}\n"
        "set -e\n"
        f"HERE={here}\n"
        "python3 -m verl.trainer.main_ppo \\\n    " + " \\\n    ".join([*lines, '"$@"']) + "\n"
    )
    atomic_write(root / "run.sh", script)
    os.chmod(root / "run.sh", 0o755)
