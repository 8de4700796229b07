"""S1/R1 on TRL with a tiny random Qwen2.5-VL built offline: the model round-trips from disk,
``train sft`` and ``train grpo`` run and write checkpoints that load, the reward reaches TRL
with its components logged, and the emitted ms-swift / verl runs use their versions' keys.

Everything is tiny (a 64-wide, 2-layer model on a 1,024-rank prefix of Qwen's BPE, 4 ICC
samples, 1-2 steps) so each test takes seconds on a busy 2-core machine."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("trl")
torch.set_num_threads(1)  # a busy 2-core machine runs tiny models faster on one thread

from codepercept.cli import main  # noqa: E402
from codepercept.train.tiny import QWEN_ADDED_TOKENS, build_tiny_vlm, load_vlm  # noqa: E402

TINY = dict(vocab=1024, hidden=64, layers=2, heads=2, kv_heads=1, vision_hidden=32,
            vision_layers=1, vision_heads=2)  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_vlm(tmp_path_factory.mktemp("tiny") / "vlm", seed=0, **TINY)


@pytest.fixture(scope="module")
def icc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from codepercept.synth.pipeline import synthesize

    out = tmp_path_factory.mktemp("icc") / "data"
    synthesize(4, out, seed=3, family_names=["bar_chart"], workers=1)
    return out


def _logs(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]


# ---- the tiny model ----------------------------------------------------------------------------


def test_tiny_vlm_round_trips_from_disk(tiny: Path) -> None:
    from transformers import Qwen2_5_VLForConditionalGeneration

    model, processor = load_vlm(tiny)
    assert isinstance(model, Qwen2_5_VLForConditionalGeneration)
    again = build_tiny_vlm(tiny.parent / "again", seed=0, **TINY)
    same = load_vlm(again)[0].state_dict()
    assert all(torch.equal(v, same[k]) for k, v in model.state_dict().items())  # seeded
    # the files name the standard classes (AutoProcessor loads them where torchvision is)
    saved = json.loads((tiny / "processor_config.json").read_text())
    assert saved["processor_class"] == "Qwen2_5_VLProcessor"
    assert json.loads((tiny / "config.json").read_text())["model_type"] == "qwen2_5_vl"

    tok = processor.tokenizer
    ids = [tok.convert_tokens_to_ids(t) for t, _ in QWEN_ADDED_TOKENS]
    assert ids == list(range(1024, 1024 + len(QWEN_ADDED_TOKENS)))  # Qwen's order, after the BPE
    assert tok.eos_token == "<|im_end|>" and tok.pad_token == "<|endoftext|>"

    from PIL import Image

    messages = [{"role": "user", "content": [{"type": "image", "image": Image.new("RGB", (620, 420), "white")},
                                             {"type": "text", "text": "draw"}]}]  # fmt: skip
    enc = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                        return_dict=True, return_tensors="pt")  # fmt: skip
    n_image = int((enc["input_ids"] == tok.convert_tokens_to_ids("<|image_pad|>")).sum())
    assert 4 <= n_image <= 48  # a figure is a few dozen vision tokens (max_pixels)
    text = tok.decode(enc["input_ids"][0])
    assert text.startswith("<|im_start|>system\n") and text.endswith("<|im_start|>assistant\n")
    out = model.generate(**enc, max_new_tokens=3, do_sample=False)
    assert out.shape[1] == enc["input_ids"].shape[1] + 3 or out[0, -1] in (ids[0], ids[2])


def test_the_tokenizer_is_a_prefix_of_qwens_bpe() -> None:
    """Every kept token has Qwen's id, and text splits as Qwen's BPE restricted to those ranks
    (tiktoken, the reference implementation, on Qwen's own vocabulary file)."""
    import tiktoken

    from codepercept.tokenit.tokenizer import _load_tiktoken_ranks, qwen_vocab_path
    from codepercept.train.tiny import QWEN_PRETOKENIZE, qwen_tokenizer

    ranks = _load_tiktoken_ranks(qwen_vocab_path())
    ref = tiktoken.Encoding(name="qwen-4096", pat_str=QWEN_PRETOKENIZE,
                            mergeable_ranks={b: r for b, r in ranks.items() if r < 4096},
                            special_tokens={})  # fmt: skip
    tok = qwen_tokenizer(4096)
    texts = [
        'fig, ax = plt.subplots(figsize=(6.4, 4.2))\nax.bar(["Q1", "Q2"], [12, 7], color="#1f77b4")\n',
        "  ax.set_title('Energy — π ≈ 3.14 日本語 🙂')\r\n\tx=1_000_000",
    ]
    for text in texts:
        assert tok(text, add_special_tokens=False)["input_ids"] == ref.encode_ordinary(text)
        assert tok.decode(tok(text)["input_ids"]) == text


# ---- S1 ----------------------------------------------------------------------------------------


def test_train_sft_runs_two_steps_and_writes_a_checkpoint_that_loads(
    tiny: Path, icc: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s1"
    argv = ["train", "sft", "--model", str(tiny), "--data", str(icc), "--out", str(out),
            "--max-steps", "2", "--batch-size", "2", "--lr", "1e-3", "--threads", "1"]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 2 and summary["complete"] and summary["rows"] == 8  # code+caption
    steps = [row for row in _logs(out) if "loss" in row]
    assert [row["step"] for row in steps] == [1, 2]
    model, processor = load_vlm(out / "model")
    trained = model.state_dict()
    start = load_vlm(tiny)[0].state_dict()
    assert any(not torch.equal(trained[k], start[k]) for k in start)  # it learned something
    assert processor.tokenizer.convert_tokens_to_ids("<|image_pad|>") == 1024 + 12
    # the same command again: the finished run is kept, nothing retrained
    mtime = (out / "model" / "model.safetensors").stat().st_mtime_ns
    assert main(argv) == 0
    assert (out / "model" / "model.safetensors").stat().st_mtime_ns == mtime


def test_a_stop_saves_a_checkpoint_and_the_same_command_resumes(
    tiny: Path, icc: Path, tmp_path: Path
) -> None:
    from codepercept._interrupt import Interrupted
    from codepercept.train.recipes import SFTSettings, run_sft

    out = tmp_path / "s1"
    settings = SFTSettings(tasks=("code",), max_steps=2, batch_size=2, lr=1e-3, threads=1)

    sent: list[int] = []

    def ctrl_c_after_step_one(step: int, total: int, logs: object) -> None:
        if step == 1 and not sent:  # progress may report a step twice (its end, its log)
            sent.append(step)
            os.kill(os.getpid(), signal.SIGINT)  # the first Ctrl-C: finish the step, save, stop

    with pytest.raises(Interrupted, match="stopped after step 1 of 2"):
        run_sft(tiny, icc, out, settings, progress=ctrl_c_after_step_one)
    assert (out / "checkpoints" / "checkpoint-1").is_dir() and not (out / "model").exists()
    summary = run_sft(tiny, icc, out, settings)
    assert summary["steps"] == 2 and summary["steps_this_run"] == 1 and (out / "model").is_dir()


# ---- R1 ----------------------------------------------------------------------------------------


def test_train_grpo_runs_with_the_codepercept_reward_and_logs_its_components(
    tiny: Path, icc: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r1"
    argv = ["train", "grpo", "--model", str(tiny), "--data", str(icc), "--out", str(out),
            "--max-steps", "2", "--num-generations", "2", "--prompts-per-step", "1",
            "--max-completion-length", "8", "--lr", "1e-4", "--threads", "1",
            "--reward-workers", "1"]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    steps = [row for row in _logs(out) if "reward" in row]
    assert [row["step"] for row in steps] == [1, 2]
    for row in steps:
        for name in ("format", "execution", "image", "scene", "exec_rate"):
            assert 0.0 <= row[f"codepercept/{name}"] <= 1.0
        assert row["completions/mean_length"] <= 8
    summary = json.loads((out / "summary.json").read_text())
    assert summary["complete"] and summary["reward"]["completions"] == 4  # 2 steps x 2
    load_vlm(out / "model")


# ---- the GPU-scale runs --------------------------------------------------------------------------

#: Every key the S1 config may hold: fields of ms-swift 4.6.0's SftArguments (its
#: swift/arguments/*.py, swift/trainers/arguments.py and transformers' TrainingArguments).
MS_SWIFT_4_KEYS = {
    "ENV", "model", "dataset", "split_dataset_ratio", "tuner_type", "torch_dtype", "attn_impl",
    "freeze_vit", "freeze_aligner", "max_pixels", "max_length", "num_train_epochs",
    "per_device_train_batch_size", "gradient_accumulation_steps", "learning_rate",
    "lr_scheduler_type", "warmup_ratio", "gradient_checkpointing", "deepspeed", "seed",
    "save_steps", "save_total_limit", "logging_steps", "output_dir", "dataloader_num_workers",
    "dataset_num_proc", "max_steps",
}  # fmt: skip

#: Every override the R1 script may pass: keys of verl 0.9.1's _generated_ppo_trainer.yaml.
VERL_091_KEYS = {
    "algorithm.adv_estimator", "algorithm.use_kl_in_reward", "algorithm.norm_adv_by_std_in_grpo",
    "data.train_files", "data.val_files", "data.train_batch_size", "data.max_prompt_length",
    "data.max_response_length", "data.filter_overlong_prompts", "data.truncation",
    "data.image_key", "data.seed", "actor_rollout_ref.model.path",
    "actor_rollout_ref.model.use_remove_padding",
    "actor_rollout_ref.model.enable_gradient_checkpointing", "actor_rollout_ref.actor.optim.lr",
    "actor_rollout_ref.actor.optim.lr_warmup_steps_ratio",
    "actor_rollout_ref.actor.ppo_mini_batch_size",
    "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu", "actor_rollout_ref.actor.use_kl_loss",
    "actor_rollout_ref.actor.kl_loss_coef", "actor_rollout_ref.actor.kl_loss_type",
    "actor_rollout_ref.actor.entropy_coeff", "actor_rollout_ref.actor.clip_ratio",
    "actor_rollout_ref.actor.loss_agg_mode", "actor_rollout_ref.rollout.name",
    "actor_rollout_ref.rollout.n", "actor_rollout_ref.rollout.temperature",
    "actor_rollout_ref.rollout.tensor_model_parallel_size",
    "actor_rollout_ref.rollout.gpu_memory_utilization",
    "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu",
    "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu",
    "reward.custom_reward_function.path", "reward.custom_reward_function.name",
    "trainer.n_gpus_per_node", "trainer.nnodes", "trainer.total_epochs",
    "trainer.total_training_steps", "trainer.save_freq", "trainer.test_freq",
    "trainer.val_before_train", "trainer.critic_warmup", "trainer.logger", "trainer.project_name",
    "trainer.experiment_name", "trainer.default_local_dir",
}  # fmt: skip


def test_the_emitted_ms_swift_config_has_ms_swift_4_keys(icc: Path, tmp_path: Path) -> None:
    import yaml

    argv = ["train", "sft", "--model", "Qwen/Qwen2.5-VL-7B-Instruct", "--data", str(icc),
            "--out", str(tmp_path), "--emit-config", "ms-swift", "--max-steps", "100"]  # fmt: skip
    assert main(argv) == 0
    config = yaml.safe_load((tmp_path / "ms-swift" / "sft.yaml").read_text())
    assert set(config) <= MS_SWIFT_4_KEYS
    assert config["tuner_type"] == "full" and "train_type" not in config  # 3.x's name
    assert config["max_steps"] == 100 and config["model"] == "Qwen/Qwen2.5-VL-7B-Instruct"
    assert config["ENV"]["NPROC_PER_NODE"] == 8
    # the data is codepercept export's ms-swift layout, every sample in training
    lines = (tmp_path / "ms-swift" / config["dataset"][0]).read_text().splitlines()
    rows = [json.loads(x) for x in lines]
    assert len(rows) == 8  # code and caption rows of 4 samples
    code = next(r for r in rows if r["task"] == "image2code")
    user = code["messages"][1]
    assert user["role"] == "user" and user["content"].startswith("<image>")
    assert code["messages"][-1]["content"].startswith("```python\n")
    assert (tmp_path / "ms-swift" / code["images"][0]).is_file()


def test_the_emitted_verl_run_has_verl_0_9_keys_and_a_working_reward(
    icc: Path, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    from codepercept.rewards.verl import compute_score_async

    argv = ["train", "grpo", "--model", "/ckpt/s1", "--data", str(icc), "--out", str(tmp_path),
            "--emit-config", "verl", "--gpus", "4", "--reward-weights",
            "format=0.2,execution=0.2,image=0.3,scene=0.3"]  # fmt: skip
    assert main(argv) == 0
    script = (tmp_path / "verl" / "run.sh").read_text()
    assert "python3 -m verl.trainer.main_ppo" in script
    overrides = dict(line.strip().rstrip(" \\").split("=", 1) for line in script.splitlines()
                     if line.startswith("    ") and "=" in line)  # fmt: skip
    added = {k[1:]: v for k, v in overrides.items() if k.startswith("+")}
    assert {k for k in overrides if not k.startswith("+")} <= VERL_091_KEYS
    # "+" adds what verl's defaults lack: only the reward function's keyword arguments
    assert all(k.startswith("reward.custom_reward_function.reward_kwargs.") for k in added)
    # 0.8 moved the custom reward under reward.; 0.9.1 silently ignores the old top-level key
    assert overrides["reward.custom_reward_function.path"] == "pkg://codepercept.rewards.verl"
    assert overrides["reward.custom_reward_function.name"] == "compute_score_async"
    assert not any(k.startswith(("custom_reward_function.", "reward_model.")) for k in overrides)
    assert overrides["algorithm.adv_estimator"] == "grpo"
    assert overrides["actor_rollout_ref.rollout.n"] == "8"
    assert overrides["trainer.n_gpus_per_node"] == "4"

    table = pq.read_table(tmp_path / "verl" / "train.parquet").to_pylist()
    assert len(table) == 4
    row = table[0]
    assert row["prompt"][-1]["content"].startswith("<image>")
    assert row["images"][0]["bytes"][:4] == b"\x89PNG"
    code = row["reward_model"]["ground_truth"]
    # the function verl loads, called as verl calls it, with the emitted reward_kwargs
    prefix = "reward.custom_reward_function.reward_kwargs."
    kwargs: dict = {"weights": {}}
    for key, value in added.items():
        name = key[len(prefix) :]
        if name.startswith("weights."):
            kwargs["weights"][name.split(".", 1)[1]] = float(value)
        else:
            kwargs[name] = float(value) if name == "timeout_s" else int(value)
    assert kwargs["weights"] == {"format": 0.2, "execution": 0.2, "image": 0.3, "scene": 0.3}
    got = asyncio.run(compute_score_async(data_source=row["data_source"],
                                          solution_str=f"```python\n{code}\n```",
                                          ground_truth=code, extra_info=row["extra_info"],
                                          **kwargs))  # fmt: skip
    assert got["score"] > 0.95 and got["exec_ok"] == 1.0
