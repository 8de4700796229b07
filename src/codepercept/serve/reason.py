"""The perception → reasoning baselines behind ``codepercept serve``, so that ``reason-eval`` and
``reason-grid`` run end to end over HTTP with no model (docs/reason-eval.md, "Served baselines").

Each backend answers the four prompts of :data:`codepercept.reason.runner.PROMPTS_V1`, read back
with :func:`~codepercept.reason.runner.parse_prompt`:

* ``caption`` (an image) — the backend's caption of the image;
* ``solver`` (a caption and a question) — the deterministic solver: the question read back by
  :func:`~codepercept.reason.qa.parse_question`, answered by
  :func:`~codepercept.reason.qa.solve_from_caption` as ``The answer is X``;
* ``direct`` (an image and a question) — the backend's caption of the image, then the solver;
* ``solver-only`` (a question) — the solver with no caption.

The solver never guesses: a question the QA set does not ask (a benchmark's), or one the caption
does not settle, gets an empty reply, which the evaluation records as ``no_answer``.

The captions differ by backend:

* ``oracle:qa=N`` / ``oracle:DIR`` — the **oracle captioner**: the code-grounded caption written
  from the execution trace, of the QA set of N figures (``build_qa_set(N)``, the set ``reason-eval
  --qa-set N`` asks about) or of an ICC dataset's samples. The image is recognised by its pixels
  (exactly, or a near-identical copy, e.g. one a client scaled down); an image it does not know
  gets :data:`UNKNOWN_IMAGE`, never another figure's caption;
* ``offline:DIR`` (:mod:`codepercept.serve.offline`) — the **native-caption baseline**: the
  caption of the dataset sample whose image looks most like the request's (a retrieval
  captioner: fluent, about a figure of the same kind, wrong in the details, like the paper's
  "native caption"); give it a dataset that does not hold the evaluated figures;
* ``qa-solver`` — a text-only solver: it captions nothing (:data:`NO_EYES`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np

from codepercept.errors import UsageError
from codepercept.serve.protocol import ChatRequest

__all__ = [
    "NO_EYES",
    "UNKNOWN_IMAGE",
    "OracleBackend",
    "SolverBackend",
    "answer_reason",
    "reason_role",
    "solve_text",
]

UNKNOWN_IMAGE = (
    "No code-grounded caption: this image is not one of the figures this oracle has the code of."
)
NO_EYES = "This is a text-only solver; it does not see images."
SOLVER_TEXT = (
    "This is codepercept's deterministic solver for the code-grounded QA set; send it the "
    "reason-eval prompts (docs/reason-eval.md)."
)
#: The thumbnail an image is recognised by (side, pixels).
THUMB = 32
#: The largest mean difference (0..255 per channel) of a near-identical copy's thumbnail.
NEAR = 2.0


def reason_role(request: ChatRequest) -> tuple[str, dict[str, str]] | None:
    """``(role, fields)`` when ``request`` is one of the reason-eval prompts, else None."""
    from codepercept.models.prompts import user_text
    from codepercept.reason.runner import parse_prompt

    text, _ = user_text(request.messages)
    return parse_prompt(text)


def solve_text(question: str, caption: str) -> str:
    """The deterministic solver's reply: ``The answer is X``, or ``""`` when ``question`` is
    not one the QA set asks or ``caption`` does not settle it."""
    from codepercept.reason.qa import parse_question, solve_from_caption

    item = parse_question(question)
    if item is None:
        return ""
    answer = solve_from_caption(item, caption)
    return "" if answer is None else f"The answer is {answer}"


def answer_reason(
    role: str,
    fields: dict[str, str],
    image: bytes | None,
    caption_of: Callable[[bytes], str],
) -> str:
    """The reply to a reason-eval prompt, with ``caption_of(image)`` as the backend's eyes."""
    if role == "caption":
        return caption_of(image) if image is not None else ""
    question = fields.get("question", "")
    if role == "solver":
        return solve_text(question, fields.get("caption", ""))
    if role == "direct":
        return solve_text(question, caption_of(image) if image is not None else "")
    return solve_text(question, "")  # solver-only


def _signature(png: bytes) -> tuple[bytes, float, np.ndarray] | None:
    """(digest of the decoded pixels, aspect ratio, RGB thumbnail), or None for a non-image."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png)) as img:
            rgb = img.convert("RGB")
    except Exception:  # a reply, not a crash: the image is simply not known
        return None
    w, h = rgb.size
    digest = hashlib.blake2b(f"{w}x{h}:".encode() + rgb.tobytes(), digest_size=16).digest()
    thumb = np.asarray(rgb.resize((THUMB, THUMB), Image.BOX), dtype=np.float32)
    return digest, w / h, thumb


class OracleBackend:
    """The oracle captioner (see the module docstring). ``source`` is ``qa=N`` or a dataset
    directory."""

    def __init__(self, source: str, name: str | None = None) -> None:
        self.name = name or f"oracle:{source}"
        pairs: list[tuple[bytes, str]] = []
        if source.startswith("qa="):
            from codepercept.reason.qa import build_qa_set

            n = int(source[3:])
            _, images, captions = build_qa_set(n)
            pairs = [(images[k], captions[k]) for k in images]
            self.model_name = f"oracle-qa-{n}"
        else:
            from codepercept.data import read_dataset

            for rec in read_dataset(Path(source)):
                if rec.get("image") and isinstance(rec.get("caption"), str):
                    pairs.append((rec["image"], rec["caption"]))
            self.model_name = f"oracle-{Path(source).resolve().name}"
        if not pairs:
            raise UsageError(f"oracle:{source} holds no figures with an image and a caption")
        self._exact: dict[bytes, str] = {}
        ratios, thumbs, self._captions = [], [], []
        for png, caption in pairs:
            sig = _signature(png)
            if sig is None:
                continue
            self._exact.setdefault(sig[0], caption)
            ratios.append(sig[1])
            thumbs.append(sig[2])
            self._captions.append(caption)
        self._ratios = np.asarray(ratios)
        self._thumbs = np.stack(thumbs)

    def caption_of(self, image: bytes) -> str:
        """The code-grounded caption of ``image``, or :data:`UNKNOWN_IMAGE`."""
        sig = _signature(image)
        if sig is None:
            return UNKNOWN_IMAGE
        digest, ratio, thumb = sig
        if digest in self._exact:
            return self._exact[digest]
        same_shape = np.abs(self._ratios - ratio) <= 0.02 * ratio
        if not same_shape.any():
            return UNKNOWN_IMAGE
        dist = np.abs(self._thumbs - thumb).mean(axis=(1, 2, 3))
        dist[~same_shape] = np.inf
        order = np.argsort(dist, kind="stable")
        best = float(dist[order[0]])
        second = float(dist[order[1]]) if len(order) > 1 else np.inf
        if best > NEAR or second <= 2 * best + 0.5:
            return UNKNOWN_IMAGE  # not near enough, or two figures equally near: not known
        return self._captions[int(order[0])]

    async def generate(self, request: ChatRequest) -> list[str]:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.answer, request)

    def answer(self, request: ChatRequest) -> list[str]:
        """Reason-eval prompts as the module docstring says; the pipelines' ``describe``
        prompt with the same caption; anything else with a short fixed text."""
        from codepercept.models.prompts import identify

        image = request.images[-1] if request.images else None
        found = reason_role(request)
        if found is not None:
            text = answer_reason(found[0], found[1], image, self.caption_of)
        elif (
            image is not None and (hit := identify(request.messages)) and hit[0].role == "describe"
        ):
            text = self.caption_of(image)
        else:
            text = (
                "This is codepercept's oracle captioner; send a figure with the reason-eval "
                "caption prompt (docs/reason-eval.md)."
            )
        return [text] * request.n


class SolverBackend:
    """``qa-solver``: the deterministic solver alone (see the module docstring)."""

    name = "qa-solver"
    model_name = "qa-solver"

    async def generate(self, request: ChatRequest) -> list[str]:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.answer, request)

    def answer(self, request: ChatRequest) -> list[str]:
        found = reason_role(request)
        if found is None:
            return [SOLVER_TEXT] * request.n
        role, fields = found
        text = answer_reason(role, fields, None, lambda _: "")
        if role == "caption":
            text = NO_EYES
        return [text] * request.n
