"""``hf:PATH``: a local transformers checkpoint behind the server (needs ``transformers``).

The checkpoint is loaded once (``AutoProcessor`` and ``AutoModelForImageTextToText``, or a
text-only ``AutoTokenizer`` and ``AutoModelForCausalLM`` when it has no image processor); each
request's messages go through the processor's chat template, images as PIL images. One
generation runs at a time, in a worker thread: ``n`` sequences, sampling when
``temperature > 0``, ``max_new_tokens`` from ``max_tokens`` (default 1024), ``torch.manual_seed``
from ``seed`` (default 0).

Tested (tests/serve/test_serve_hf.py) with a tiny random text-only checkpoint made in the test;
the multimodal branch (a processor with an image processor) is not exercised by the suite.
Without transformers, ``serve --backend hf:PATH`` fails with :data:`~.backends.HF_MISSING`.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

from codepercept.errors import UsageError
from codepercept.serve.backends import HF_MISSING
from codepercept.serve.protocol import ChatRequest, decode_data_url

__all__ = ["HfBackend"]

DEFAULT_MAX_NEW_TOKENS = 1024


def _chat_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI messages as a transformers chat template takes them (images as PIL images)."""
    from PIL import Image

    out = []
    for m in messages:
        content = m.get("content")
        if content is None:
            content = ""
        if isinstance(content, str):
            parts: list[dict[str, Any]] = [{"type": "text", "text": content}]
        else:
            parts = []
            for p in content:
                if p.get("type") == "text":
                    parts.append({"type": "text", "text": p["text"]})
                elif p.get("type") == "image_url":
                    spec = p["image_url"]
                    url = spec["url"] if isinstance(spec, dict) else spec
                    img = Image.open(io.BytesIO(decode_data_url(url, "image_url"))).convert("RGB")
                    parts.append({"type": "image", "image": img})
        out.append({"role": m["role"], "content": parts})
    return out


class HfBackend:
    """Generates with a local transformers checkpoint (see the module docstring)."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        try:
            import torch
            import transformers
        except ImportError:
            raise UsageError(HF_MISSING) from None
        self.path = Path(path)
        self.name = name or f"hf:{path}"
        self.model_name = self.path.resolve().name
        self._torch = torch
        self._lock = threading.Lock()
        try:
            self.processor = transformers.AutoProcessor.from_pretrained(str(path))
            self.model = transformers.AutoModelForImageTextToText.from_pretrained(
                str(path), torch_dtype="auto"
            )
            self.multimodal = True
        except (ValueError, OSError, KeyError):
            self.processor = transformers.AutoTokenizer.from_pretrained(str(path))
            self.model = transformers.AutoModelForCausalLM.from_pretrained(
                str(path), torch_dtype="auto"
            )
            self.multimodal = False
        if torch.cuda.is_available():
            self.model.to("cuda")
        self.model.eval()

    async def generate(self, request: ChatRequest) -> list[str]:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self._generate, request)

    def _generate(self, request: ChatRequest) -> list[str]:
        torch = self._torch
        messages = _chat_messages(request.messages)
        if not self.multimodal:  # a text model: the text parts only
            messages = [
                {"role": m["role"],
                 "content": "\n".join(p["text"] for p in m["content"] if p["type"] == "text")}
                for m in messages
            ]  # fmt: skip
        inputs = self.processor.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=True, return_dict=True,
            return_tensors="pt",
        )  # fmt: skip
        inputs = inputs.to(self.model.device)
        sample = request.temperature > 0
        kwargs: dict[str, Any] = {
            "max_new_tokens": request.max_tokens or DEFAULT_MAX_NEW_TOKENS,
            "do_sample": sample,
            "num_return_sequences": request.n,
        }
        if sample:
            kwargs["temperature"] = request.temperature
        with self._lock, torch.inference_mode():
            torch.manual_seed(request.seed or 0)
            out = self.model.generate(**inputs, **kwargs)
        new = out[:, inputs["input_ids"].shape[1] :]
        decode = (
            getattr(self.processor, "batch_decode", None) or self.processor.tokenizer.batch_decode
        )
        return [str(t) for t in decode(new, skip_special_tokens=True)]
