"""Each framework adapter, loaded and called the way its framework does (versions in the
adapters' docstrings). TRL runs for real; verl and ms-swift run through their own loaders
where they import, and skip with the reason where they do not; OpenRLHF's loader is three lines
of its agent.py, repeated here."""

from __future__ import annotations

import asyncio
import importlib.util
import math
import os
import pickle
import subprocess
import sys

import pytest

from codepercept.rewards import COMPONENTS
from codepercept.rewards.openrlhf import response_from_query
from codepercept.rewards.trl import (
    AsyncCodeperceptReward,
    CodeperceptReward,
    aimage2code_reward,
    completion_text,
    image2code_reward,
)
from tests.rewards.test_reward_attacks import REF, fence
from tests.rewards.test_reward_core import BARS, COLOUR

GOOD, OFF, BAD = fence(REF), fence(COLOUR), "no idea"


@pytest.fixture(autouse=True)
def _one_worker(monkeypatch):
    monkeypatch.setenv("CODEPERCEPT_REWARD_WORKERS", "2")


def conversational(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


# -- TRL ----------------------------------------------------------------------------------------


def test_completion_text_reads_every_shape_a_trainer_sends():
    assert completion_text("x") == "x"
    assert completion_text(conversational("x")) == "x"
    assert completion_text([{"role": "assistant", "content": [{"type": "text", "text": "a"},
                                                              {"type": "text", "text": "b"}]}]) == "ab"  # fmt: skip
    assert completion_text({"content": "y"}) == "y"
    assert completion_text(None) is None


def test_trl_keyword_call_with_columns_logs_and_none_for_a_bad_reference():
    metrics: dict[str, float] = {}
    extra: dict[str, list] = {}
    bad_ref = "import matplotlib.pyplot as plt\nraise ValueError('broken reference')\n"
    out = image2code_reward(
        prompts=[[{"role": "user", "content": "draw"}]] * 4,
        completions=[conversational(t) for t in (GOOD, OFF, BAD, GOOD)],
        completion_ids=[[1], [2], [3], [4]],
        reference=[REF, REF, REF, bad_ref],
        image=[None] * 4,
        trainer_state=object(),
        log_metric=lambda k, v: metrics.__setitem__(k, v),
        log_extra=lambda k, v: extra.__setitem__(k, v),
    )
    assert out[0] == 1.0 and 0.5 < out[1] < 1.0 and out[2] == 0.0 and out[3] is None
    assert {f"codepercept/{c}" for c in COMPONENTS} <= set(metrics)
    assert metrics["codepercept/exec_rate"] == 0.5
    assert extra["codepercept_status"] == ["ok", "ok", "no_code", "bad_reference"]


def test_trl_missing_reference_column_names_the_fix():
    with pytest.raises(
        KeyError, match=r"column 'reference'.*\['code'\].*CodeperceptReward\(column"
    ):
        image2code_reward(prompts=["p"], completions=[GOOD], code=[REF])
    assert CodeperceptReward(column="code")(prompts=["p"], completions=[GOOD], code=[REF]) == [1.0]


def test_trl_forms_pickle_and_are_recognised_by_trl():
    trl_utils = pytest.importorskip("trl.trainer.utils", reason="trl is a test extra")
    for f in (image2code_reward, aimage2code_reward, CodeperceptReward(component="scene")):
        g = pickle.loads(pickle.dumps(f))
        assert trl_utils.get_callable_name(g) == f.__name__
        assert trl_utils.is_async_callable(g) == isinstance(f, AsyncCodeperceptReward)
    with pytest.raises(ValueError, match="component must be one of"):
        CodeperceptReward(component="beauty")


def _tiny_lm(path):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    words = ["<unk>", "<pad>", "<eos>", "draw", "the", "figure", "```python", "```", "x"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>",
                                   eos_token="<eos>")  # fmt: skip
    fast.chat_template = (
        "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }} {% endfor %}"
        "{% if add_generation_prompt %}assistant: {% endif %}"
    )
    fast.save_pretrained(path)
    cfg = GPT2Config(vocab_size=len(words), n_positions=64, n_embd=16, n_layer=1, n_head=2,
                     bos_token_id=2, eos_token_id=2, pad_token_id=1)  # fmt: skip
    GPT2LMHeadModel(cfg).save_pretrained(path)


def test_trl_grpo_trainer_calls_our_rewards_sync_async_and_per_component(tmp_path):
    """The real GRPOTrainer: its reward path (_calculate_rewards: sync calls, async gather on
    its loop, None -> NaN, log_metric), and one real training step."""
    pytest.importorskip("trl", reason="trl is a test extra")
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    _tiny_lm(tmp_path / "lm")
    data = Dataset.from_list([{"prompt": [{"role": "user", "content": "draw the figure"}],
                               "reference": REF}] * 4)  # fmt: skip
    args = GRPOConfig(output_dir=str(tmp_path / "out"), per_device_train_batch_size=4,
                      num_generations=4, max_completion_length=8, max_steps=1, report_to=[],
                      use_cpu=True, logging_steps=1, save_strategy="no", bf16=False)  # fmt: skip
    funcs = [image2code_reward, aimage2code_reward, CodeperceptReward(component="image")]
    trainer = GRPOTrainer(model=str(tmp_path / "lm"), reward_funcs=funcs, args=args,
                          train_dataset=data)  # fmt: skip
    prompts = [[{"role": "user", "content": "draw the figure"}]] * 4
    completions = [conversational(t) for t in (GOOD, OFF, BAD, fence(BARS))]
    inputs = [{"prompt": p, "reference": REF} for p in prompts]
    rewards = trainer._calculate_rewards(inputs, prompts, completions, [[0]] * 4)
    got = rewards.tolist()
    assert [row[0] for row in got] == [row[1] for row in got]  # sync == async
    assert got[0] == [1.0, 1.0, 1.0] and got[2][0] == 0.0
    assert 0 < got[3][2] < got[1][2] < 1.0  # the image component alone
    trainer.train()  # one step end to end: the tiny model's garbage earns no_code rewards
    logged = {k for entry in trainer.state.log_history for k in entry}
    assert "codepercept/exec_rate" in logged or any(
        k.endswith("codepercept/exec_rate") for k in logged
    )
    assert any("rewards/codepercept" in k for k in logged), sorted(logged)


# -- verl ---------------------------------------------------------------------------------------


def _framework(module: str, what: str):
    """The framework's module, or a skip where it is not installed (never in CI, where
    scripts/dev installs it: a skip there would hide a broken install)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{what} must be installed in CI (scripts/dev test): {exc}")
        pytest.skip(f"{what} is not installed (scripts/dev test installs it): {exc}")


def _verl():
    return _framework("verl.trainer.ppo.reward", "verl")


@pytest.mark.parametrize("name", ["compute_score", "compute_score_async"])
def test_verl_loads_and_calls_compute_score_as_its_naive_manager_does(name):
    reward = _verl()
    from omegaconf import OmegaConf

    cfg = OmegaConf.create({"reward": {"custom_reward_function": {
        "path": "pkg://codepercept.rewards.verl", "name": name,
        "reward_kwargs": {"weights": {"image": 1.0}}}}})  # fmt: skip
    fn = reward.get_custom_reward_fn(cfg)
    call = dict(data_source="stem2code", solution_str=OFF, ground_truth=REF,
                extra_info={"num_turns": 2, "rollout_reward_scores": {}})  # fmt: skip
    result = asyncio.run(fn(**call)) if name.endswith("async") else fn(**call)
    assert set(result) >= {"score", *COMPONENTS} and all(
        isinstance(v, float) for v in result.values()
    )
    assert result["score"] == pytest.approx(result["image"])  # the reward_kwargs took effect


def test_verl_reward_manager_loads_with_importlib_and_scores_a_sample():
    reward = _verl()
    import numpy as np
    import torch
    from omegaconf import OmegaConf
    from verl import DataProto
    from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase

    cfg = OmegaConf.create({"reward": {"reward_manager": {
        "source": "importlib", "name": "CodeperceptRewardManager",
        "module": {"path": "pkg://codepercept.rewards.verl_manager"}}}})  # fmt: skip
    cls = reward.resolve_reward_manager_cls(cfg)
    assert issubclass(cls, RewardManagerBase)

    class Chars:  # a character tokenizer: decode(ids) -> text
        def decode(self, ids, skip_special_tokens=True):
            return "".join(chr(int(i)) for i in ids if int(i) > 0)

    text = OFF
    ids = torch.tensor([[ord(c) for c in text] + [0, 0]])
    mask = torch.cat([torch.ones(1, 3), torch.ones(1, len(text)), torch.zeros(1, 2)], dim=1)
    data = DataProto.from_dict(
        tensors={"responses": ids, "attention_mask": mask, "prompts": torch.ones(1, 3)},
        non_tensors={
            "reward_model": np.array([{"ground_truth": REF}], dtype=object),
            "data_source": np.array(["stem2code"], dtype=object),
        },
    )
    manager = cls(config=cfg, tokenizer=Chars(), compute_score=None)
    out = asyncio.run(manager.run_single(data))
    assert 0.5 < out["reward_score"] < 1.0 and out["reward_extra_info"]["exec_ok"] == 1.0


# -- ms-swift -----------------------------------------------------------------------------------


def test_ms_swift_plugin_file_registers_orm_and_async_orm(tmp_path):
    _framework("swift.rewards", "ms-swift")
    from swift.rewards import orms
    from swift.utils.utils import import_external_file

    plugin = tmp_path / "plugin.py"
    plugin.write_text(subprocess.run([sys.executable, "-m", "codepercept.rewards.swift"],
                                     capture_output=True, text=True, check=True).stdout)  # fmt: skip
    import_external_file(str(plugin))
    sync = orms["codepercept"](args=None)
    completions = [GOOD, OFF, BAD]
    kw = {"reference": [REF] * 3, "messages": [[{"role": "assistant", "content": c}] for c in completions],
          "trainer_state": None, "request_id": ["a", "b", "c"]}  # fmt: skip
    values = sync(completions, **kw)
    assert values[0] == 1.0 and values[2] == 0.0
    asynchronous = orms["codepercept_async"](args=None)
    # a fresh event loop for every step, as ms-swift does
    assert asyncio.run(asynchronous(completions, **kw)) == values
    assert asyncio.run(asynchronous(completions, **kw)) == values


# -- OpenRLHF -----------------------------------------------------------------------------------

QWEN_PROMPT = ("<|im_start|>system\nYou are an useful assistant.<|im_end|>\n<|im_start|>user\n"
               "<|vision_start|><|image_pad|><|vision_end|>reproduce it<|im_end|>\n"
               "<|im_start|>assistant\n")  # fmt: skip


@pytest.mark.parametrize(
    "query, prompt, want",
    [
        (
            QWEN_PROMPT.replace("<|image_pad|>", "<|image_pad|>" * 300) + GOOD + "<|im_end|>",
            QWEN_PROMPT,
            GOOD,
        ),
        ("Q: draw A: " + GOOD + "</s>", "Q: draw A: ", GOOD),
        (GOOD + "<|endoftext|><|endoftext|>", "", GOOD),
        (None, "", None),
    ],
    ids=["vlm-expanded-image", "plain-prefix", "no-prompt", "not-text"],
)
def test_openrlhf_response_from_query(query, prompt, want):
    assert response_from_query(query, prompt) == want


def test_openrlhf_loads_the_module_file_and_calls_it_from_many_threads():
    import codepercept.rewards.openrlhf as mod

    # exactly what openrlhf/utils/agent.py (0.11.2) does with a --reward.remote_url ending in .py
    spec = importlib.util.spec_from_file_location("reward_func", mod.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = module.reward_func

    async def actors():
        texts = [GOOD, OFF, BAD, GOOD] * 8
        calls = [
            asyncio.to_thread(fn, [QWEN_PROMPT + t + "<|im_end|>"], [QWEN_PROMPT], [REF])
            for t in texts
        ]
        return texts, await asyncio.gather(*calls)

    texts, replies = asyncio.run(actors())
    for text, reply in zip(texts, replies, strict=True):
        assert set(reply) == {"rewards", "scores", "extra_logs"}
        assert len(reply["rewards"]) == 1 and reply["scores"] == reply["rewards"]
        assert all(isinstance(v, float) and math.isfinite(v) for v in reply["extra_logs"].values())
        if text == GOOD:
            assert reply["rewards"] == [1.0]
        if text == BAD:
            assert reply["rewards"] == [0.0]
