"""A tiny, randomly initialised Qwen2.5-VL: the real architecture and Qwen's real BPE, small
enough to train on two CPU cores (tests, ``benchmarks/train_cpu.py``).

:func:`build_tiny_vlm` writes a checkpoint directory that transformers loads like any Qwen2.5-VL
(``config.json`` of ``model_type: qwen2_5_vl``, safetensors weights, ``tokenizer.json``, the
image processor's and processor's configs, Qwen2.5-VL's chat template). Nothing is downloaded:

* the vocabulary is Qwen's BPE (``qwen.tiktoken``, shipped in the ``dashscope`` package),
  converted to a ``tokenizers`` byte-level BPE with Qwen's pre-tokenisation pattern. ``vocab``
  keeps its first ``vocab`` merge ranks (default 16,384): a prefix of a BPE is a BPE, every kept
  token has the same id as in Qwen's, and text splits as Qwen's would with the later (rarer)
  merges undone: on ICC programs, 16,384 ranks give 12 % more tokens than all 151,643, and cut
  the output layer (the bulk of a tiny model's compute) nine-fold. ``vocab=None`` keeps all.
  Qwen2.5-VL's 22 added tokens (``<|endoftext|>`` … ``<|file_sep|>``, in Qwen's order) follow at
  ``vocab``, ``vocab + 1``, …: with every rank kept, their ids are Qwen's own (151643 …);
* the model is ``Qwen2_5_VLForConditionalGeneration`` with a small text decoder (``hidden``,
  ``layers``) and vision tower; the image processor caps a figure at ``max_pixels`` (default
  28·28·48: at most 48 vision tokens after the 2x2 merge).

transformers 5 builds a Qwen2.5-VL processor only with a video processor, and every video
processor needs ``torchvision``. Without it, :func:`load_processor` returns
:class:`ImageOnlyQwen2_5_VLProcessor`, the same processor without video, from the same files;
the files name the standard classes, so a machine with torchvision loads them with
``AutoProcessor``.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "QWEN2_5_VL_CHAT_TEMPLATE",
    "QWEN_ADDED_TOKENS",
    "TinyVLMSpec",
    "build_tiny_vlm",
    "load_processor",
    "load_vlm",
    "qwen_tokenizer",
]

#: Qwen2.5-VL's added tokens in id order (151643 …) and whether each is special.
QWEN_ADDED_TOKENS: tuple[tuple[str, bool], ...] = (
    ("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
    ("<|object_ref_start|>", True), ("<|object_ref_end|>", True), ("<|box_start|>", True),
    ("<|box_end|>", True), ("<|quad_start|>", True), ("<|quad_end|>", True),
    ("<|vision_start|>", True), ("<|vision_end|>", True), ("<|vision_pad|>", True),
    ("<|image_pad|>", True), ("<|video_pad|>", True), ("<tool_call>", False),
    ("</tool_call>", False), ("<|fim_prefix|>", False), ("<|fim_middle|>", False),
    ("<|fim_suffix|>", False), ("<|fim_pad|>", False), ("<|repo_name|>", False),
    ("<|file_sep|>", False),
)  # fmt: skip

#: Qwen2.5-VL's chat template (as its checkpoints ship it; TRL 1.16 keeps a byte-identical copy,
#: ``trl/chat_templates/qwen2_5_vl.jinja``, and recognises models by it).
QWEN2_5_VL_CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}"
    "{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}"
    "Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}"
    "{% set video_count.value = video_count.value + 1 %}{% if add_vision_id %}"
    "Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

#: Qwen's pre-tokenisation (single digits; as Qwen2's tokenizer.json).
QWEN_PRETOKENIZE = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
QWEN_BPE_RANKS = 151_643


@dataclass(frozen=True)
class TinyVLMSpec:
    """The shape of a tiny Qwen2.5-VL (every field is recorded in ``tiny_vlm.json``)."""

    vocab: int | None = 16_384
    hidden: int = 128
    layers: int = 4
    heads: int = 4
    kv_heads: int = 2
    vision_hidden: int = 64
    vision_layers: int = 2
    vision_heads: int = 4
    min_pixels: int = 28 * 28 * 4
    max_pixels: int = 28 * 28 * 48

    def check(self) -> None:
        """Raise ``ValueError`` naming the first field out of range."""
        if self.vocab is not None and not 256 <= self.vocab <= QWEN_BPE_RANKS:
            raise ValueError(f"vocab must be 256 to {QWEN_BPE_RANKS} (or None), not {self.vocab}")
        for name in ("hidden", "layers", "heads", "kv_heads", "vision_hidden", "vision_layers",
                     "vision_heads"):  # fmt: skip
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.hidden % (4 * self.heads) or self.heads % self.kv_heads:
            raise ValueError("hidden must be a multiple of 4*heads, heads of kv_heads")
        if self.vision_hidden % self.vision_heads:
            raise ValueError("vision_hidden must be a multiple of vision_heads")
        if not 28 * 28 <= self.min_pixels <= self.max_pixels:
            raise ValueError("need 28*28 <= min_pixels <= max_pixels")


def _bpe_ranks(vocab: int | None) -> dict[bytes, int]:
    from codepercept.tokenit.tokenizer import _load_tiktoken_ranks, qwen_vocab_path

    ranks = _load_tiktoken_ranks(qwen_vocab_path())
    if vocab is None:
        return ranks
    return {tok: r for tok, r in ranks.items() if r < vocab}


def qwen_tokenizer(vocab: int | None = 16_384) -> Any:
    """Qwen's BPE (its first ``vocab`` ranks) as a transformers fast tokenizer, with Qwen2.5-VL's
    added tokens, eos ``<|im_end|>``, pad ``<|endoftext|>`` and chat template."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers as pre
    from transformers import PreTrainedTokenizerFast
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    ranks = _bpe_ranks(vocab)
    byte_char = bytes_to_unicode()

    def text(b: bytes) -> str:
        return "".join(byte_char[x] for x in b)

    # Each token of rank r is the merge of two lower-ranked tokens; its merge gets priority r
    # (as transformers' TikTokenConverter does for tiktoken files).
    merges: list[tuple[int, int, int, bytes, bytes]] = []
    for tok, rank in ranks.items():
        for i in range(1, len(tok)):
            left, right = tok[:i], tok[i:]
            if left in ranks and right in ranks:
                merges.append((rank, ranks[left], ranks[right], left, right))
    merges.sort()
    bpe = models.BPE(
        {text(t): r for t, r in ranks.items()},
        [(text(a), text(b)) for *_, a, b in merges],
        fuse_unk=False,
        ignore_merges=True,  # a pre-token that is itself in the vocabulary stays whole, as tiktoken
    )
    tok = Tokenizer(bpe)
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre.Sequence([
        pre.Split(Regex(QWEN_PRETOKENIZE), behavior="isolated", invert=False),
        pre.ByteLevel(add_prefix_space=False, use_regex=False),
    ])  # fmt: skip
    tok.decoder = decoders.ByteLevel()
    for content, special in QWEN_ADDED_TOKENS:  # one at a time: ids in Qwen's order
        tok.add_tokens([AddedToken(content, special=special, normalized=False)])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        model_max_length=32_768,
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = QWEN2_5_VL_CHAT_TEMPLATE
    return fast


@functools.cache
def _image_only_processor_class() -> type:
    from transformers import Qwen2_5_VLProcessor
    from transformers.processing_utils import ProcessorMixin

    class ImageOnlyQwen2_5_VLProcessor(Qwen2_5_VLProcessor):
        """Qwen2.5-VL's processor without the video processor (which needs torchvision)."""

        def __init__(self, image_processor: Any = None, tokenizer: Any = None,
                     chat_template: str | None = None, **kwargs: Any) -> None:  # fmt: skip
            self.image_token = getattr(tokenizer, "image_token", None) or "<|image_pad|>"
            self.video_token = getattr(tokenizer, "video_token", None) or "<|video_pad|>"
            self.image_token_id = tokenizer.convert_tokens_to_ids(self.image_token)
            self.video_token_id = tokenizer.convert_tokens_to_ids(self.video_token)
            ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template)

    # The files it writes name the standard class, so they load with AutoProcessor wherever
    # torchvision is installed.
    ImageOnlyQwen2_5_VLProcessor.__name__ = "Qwen2_5_VLProcessor"
    return ImageOnlyQwen2_5_VLProcessor


def _has_torchvision() -> bool:
    from transformers.utils import is_torchvision_available

    return bool(is_torchvision_available())


def _model_type(path: Path) -> str | None:
    try:
        return json.loads((path / "config.json").read_text()).get("model_type")
    except (OSError, ValueError, AttributeError):
        return None


def load_processor(path: str | os.PathLike[str]) -> Any:
    """The processor saved at ``path``: ``AutoProcessor``'s, except for a Qwen2.5-VL checkpoint
    on a machine without torchvision, which gets the image-only Qwen2.5-VL processor (see the
    module docstring)."""
    from transformers import AutoProcessor

    if _has_torchvision() or _model_type(Path(path)) != "qwen2_5_vl":
        return AutoProcessor.from_pretrained(str(path))
    return _image_only_processor_class().from_pretrained(str(path))


def load_vlm(path: str | os.PathLike[str], dtype: Any = None) -> tuple[Any, Any]:
    """``(model, processor)`` of the checkpoint at ``path`` (float32 unless ``dtype``)."""
    import torch
    from transformers import AutoModelForImageTextToText

    model = AutoModelForImageTextToText.from_pretrained(str(path), dtype=dtype or torch.float32)
    return model, load_processor(path)


def _new_processor(spec: TinyVLMSpec) -> Any:
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import (
        Qwen2VLImageProcessorPil,
    )

    image = Qwen2VLImageProcessorPil(
        min_pixels=spec.min_pixels, max_pixels=spec.max_pixels, patch_size=14, merge_size=2,
        temporal_patch_size=2,
    )  # fmt: skip
    tokenizer = qwen_tokenizer(spec.vocab)
    if _has_torchvision():
        from transformers import Qwen2_5_VLProcessor, Qwen2VLVideoProcessor

        return Qwen2_5_VLProcessor(
            image_processor=image, tokenizer=tokenizer, video_processor=Qwen2VLVideoProcessor(),
            chat_template=QWEN2_5_VL_CHAT_TEMPLATE,
        )  # fmt: skip
    return _image_only_processor_class()(image, tokenizer, chat_template=QWEN2_5_VL_CHAT_TEMPLATE)


def _model_config(spec: TinyVLMSpec, tokenizer: Any) -> Any:
    from transformers import Qwen2_5_VLConfig

    ids = {t: tokenizer.convert_tokens_to_ids(t) for t, _ in QWEN_ADDED_TOKENS}
    vocab_size = -(-len(tokenizer) // 64) * 64  # padded, as Qwen's 151,936
    head_dim = spec.hidden // spec.heads
    # M-RoPE splits the rotary half of a head into temporal, height and width sections in
    # Qwen's proportions 2:3:3 (16, 24, 24 of 64).
    half = head_dim // 2
    t = half // 4
    section = [t, (half - t) // 2, half - t - (half - t) // 2]
    text = dict(
        vocab_size=vocab_size, hidden_size=spec.hidden, intermediate_size=spec.hidden * 3,
        num_hidden_layers=spec.layers, num_attention_heads=spec.heads,
        num_key_value_heads=spec.kv_heads, max_position_embeddings=8192, rms_norm_eps=1e-6,
        rope_parameters={"rope_type": "default", "rope_theta": 1_000_000.0,
                         "mrope_section": section},
        bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"], tie_word_embeddings=True,
    )  # fmt: skip
    vision = dict(
        depth=spec.vision_layers, hidden_size=spec.vision_hidden,
        intermediate_size=spec.vision_hidden * 2, num_heads=spec.vision_heads,
        out_hidden_size=spec.hidden, patch_size=14, spatial_merge_size=2,
        temporal_patch_size=2, window_size=112, fullatt_block_indexes=[spec.vision_layers - 1],
    )  # fmt: skip
    return Qwen2_5_VLConfig(
        text_config=text, vision_config=vision, image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"], vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"], tie_word_embeddings=True,
    )  # fmt: skip


def build_tiny_vlm(
    path: str | os.PathLike[str], seed: int = 0, spec: TinyVLMSpec | None = None, **fields: Any
) -> Path:
    """Write a randomly initialised tiny Qwen2.5-VL and its processor to ``path``; return it.

    ``spec`` (or its fields as keywords: ``vocab``, ``hidden``, ``layers``, …) gives the shape;
    ``seed`` the weights (same seed and shape, same bytes). ``path/tiny_vlm.json`` records both.

    Raises:
        ValueError: a field out of range (:meth:`TinyVLMSpec.check`).
    """
    import torch
    from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration

    spec = spec or TinyVLMSpec(**fields)
    spec.check()
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    processor = _new_processor(spec)
    config = _model_config(spec, processor.tokenizer)
    torch.manual_seed(seed)
    model = Qwen2_5_VLForConditionalGeneration(config)
    tok = processor.tokenizer
    model.generation_config = GenerationConfig(
        eos_token_id=[tok.convert_tokens_to_ids("<|im_end|>"),
                      tok.convert_tokens_to_ids("<|endoftext|>")],
        pad_token_id=tok.pad_token_id, do_sample=True, temperature=1.0,
    )  # fmt: skip
    model.save_pretrained(out)
    processor.save_pretrained(out)
    record = {
        "seed": seed,
        **asdict(spec),
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    (out / "tiny_vlm.json").write_text(json.dumps(record, indent=1) + "\n")
    return out
