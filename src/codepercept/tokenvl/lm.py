"""The language-model side of TokenVL: the text codec and local causal language models.

Text is encoded with the Qwen BPE vocabulary that TokenIT's masks and TokenOCR's targets use
(``codepercept.tokenit.tokenizer.load_tokenizer("qwen")``, offline), so a token id in a
TokenIT record, a row of the language model's embedding table and a target of the TokenOCR
encoder are the same thing. Any ``transformers`` causal LM with at least that many embedding
rows can be loaded from a local directory; nothing is downloaded.

:func:`tiny_lm` writes a small randomly initialised Qwen2-architecture model in the standard
``transformers`` layout (config.json + model.safetensors) for CPU work and tests.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from codepercept.errors import UsageError

__all__ = ["TextCodec", "check_vocab", "lm_from_config", "load_lm", "tiny_lm"]

EOS_TOKEN = "<|endoftext|>"


class TextCodec:
    """Qwen BPE encode/decode plus the end-of-text id."""

    def __init__(self) -> None:
        from codepercept.tokenit.tokenizer import load_tokenizer

        self.tokenizer = load_tokenizer("qwen")
        enc = self.tokenizer._enc
        self.eos_id = int(enc.encode_single_token(EOS_TOKEN))
        self.n_vocab = int(self.tokenizer.n_vocab)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text)

    def decode(self, ids: list[int]) -> str:
        keep = [i for i in ids if 0 <= i < self.eos_id]  # special tokens decode to nothing
        return self.tokenizer._enc.decode(keep)


def _padded(n: int, multiple: int = 64) -> int:
    return (n + multiple - 1) // multiple * multiple


def tiny_lm(
    out: str | Path,
    *,
    hidden: int = 128,
    layers: int = 2,
    heads: int = 4,
    kv_heads: int = 2,
    intermediate: int = 256,
    init_std: float = 0.02,
    seed: int = 0,
) -> Path:
    """Write a randomly initialised Qwen2-architecture causal LM with the Qwen vocabulary to
    directory ``out`` (``config.json`` + ``model.safetensors``); deterministic in ``seed``.

    ``init_std`` is the weights' initial standard deviation (``initializer_range``; 0.02 is
    Qwen's). With a tied head, a narrow model's logits are about ``init_std · hidden`` at
    most, so a random 128-wide model at 0.02 needs hundreds of steps just to make one of the
    152k tokens likely; larger values let a short CPU run learn."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    codec = TextCodec()
    cfg = Qwen2Config(
        vocab_size=_padded(codec.n_vocab),
        hidden_size=hidden,
        intermediate_size=intermediate,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        max_position_embeddings=1024,
        initializer_range=init_std,
        tie_word_embeddings=True,
        bos_token_id=codec.eos_id,
        eos_token_id=codec.eos_id,
    )
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(cfg)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    return out


def check_vocab(lm: nn.Module, where: str) -> None:
    """Refuse a language model whose embedding table cannot hold every Qwen token id."""
    rows = lm.get_input_embeddings().weight.shape[0]
    need = TextCodec().n_vocab
    if rows < need:
        raise UsageError(
            f"{where}: the language model has {rows} embedding rows but the Qwen vocabulary "
            f"TokenIT uses needs {need}; use a Qwen-vocabulary model (or `codepercept tokenvl "
            "tiny-lm` for a small random one)"
        )


def load_lm(path: str | Path) -> nn.Module:
    """A causal LM from a local ``transformers`` directory (float32, train mode off)."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise UsageError(
            f"{path} is not a transformers model directory (no config.json); make a small one "
            "with `codepercept tokenvl tiny-lm --out DIR`"
        )
    from transformers import AutoModelForCausalLM

    try:
        lm = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=torch.float32)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"{path}: cannot load a causal language model ({exc})") from None
    check_vocab(lm, str(path))
    return lm


def lm_from_config(config: dict) -> nn.Module:
    """A causal LM with random weights from a saved ``config.to_dict()`` (checkpoints store
    the weights beside it)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    d = dict(config)
    cfg = AutoConfig.for_model(d.pop("model_type"), **d)
    return AutoModelForCausalLM.from_config(cfg, dtype=torch.float32)
