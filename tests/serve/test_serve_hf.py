"""`serve --backend hf:PATH` with a real (tiny, randomly initialised) transformers checkpoint
made here: a text-only GPT-2 with a word-level tokenizer and a chat template."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytest.importorskip("transformers")
pytest.importorskip("torch")

WORDS = ["<unk>", "<pad>", "<eos>", "import", "matplotlib", "plt", "plot", "user", "assistant",
         "draw", "a", "sine", "wave", ":", "```", "python"]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    out = tmp_path_factory.mktemp("hf") / "tiny-gpt2"
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>",
                                   eos_token="<eos>")  # fmt: skip
    fast.chat_template = (
        "{% for m in messages %}{{ m['role'] }} : {{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}assistant : {% endif %}"
    )
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(WORDS), n_positions=64, n_embd=16, n_layer=1, n_head=2,
                        eos_token_id=2, pad_token_id=1, bos_token_id=2)  # fmt: skip
    GPT2LMHeadModel(config).save_pretrained(out)
    fast.save_pretrained(out)
    return out


def test_a_local_checkpoint_answers_over_the_openai_api(start, tiny_checkpoint: Path) -> None:
    served = start("--backend", f"hf:{tiny_checkpoint}", "--model-name", "tiny")
    body = {"model": "tiny", "messages": [{"role": "user", "content": "draw a sine wave"}],
            "max_tokens": 6, "n": 2, "temperature": 0.8, "seed": 3}  # fmt: skip
    with httpx.Client(timeout=60) as c:
        first = c.post(f"{served.url}/chat/completions", json=body)
        again = c.post(f"{served.url}/chat/completions", json=body)
    assert first.status_code == 200, first.text
    choices = first.json()["choices"]
    # a random model may end at once (eos): an empty answer, "stop"; else up to max_tokens
    assert len(choices) == 2 and any(ch["message"]["content"].strip() for ch in choices)
    assert {ch["finish_reason"] for ch in choices} <= {"stop", "length"}
    words = set(" ".join(ch["message"]["content"] for ch in choices).split())
    assert words <= set(WORDS) - {"<unk>", "<pad>", "<eos>"}  # the tiny vocabulary, decoded
    assert again.json()["choices"] == choices  # seeded sampling: the same answer
    assert first.json()["usage"]["completion_tokens"] >= 1


def test_the_bench_client_runs_against_a_local_checkpoint(start, tiny_checkpoint: Path) -> None:
    from codepercept.models import OpenAIChat

    served = start("--backend", f"hf:{tiny_checkpoint}", "--model-name", "tiny2")
    with OpenAIChat("tiny2", served.url, max_tokens=4) as chat:
        text = chat.complete([{"role": "user", "content": "import matplotlib"}])
    assert isinstance(text, str)
