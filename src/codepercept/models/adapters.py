"""The benchmark's models behind one interface: ``model.respond(item) -> str`` (the raw
response text); ``item`` is a :class:`~codepercept.bench.dataset.BenchItem` (``id``, ``code``,
``image_bytes()``).

Specs:
  ``oracle``                  the ground-truth code, fenced
  ``blank``                   no code at all
  ``knn:TRAIN_DIR``           nearest training image (cheap embedding) -> its code
  ``predictions:FILE.jsonl``  pre-computed responses, lines ``{"id", "response"}``
  ``openai:MODEL@BASE_URL``   any OpenAI-compatible endpoint (key from $OPENAI_API_KEY)

A model may also have ``preflight()`` (check, before any item, that it can answer at all;
raises ``ModelError`` with ``connect=True`` when its endpoint cannot be reached), ``url`` (where
it answers, for messages) and ``close()``. :func:`model_job` says what of a spec decides the
results (the settings and input files a run directory is claimed with).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from PIL import Image

from codepercept._fs import read_text
from codepercept.errors import UsageError
from codepercept.models.images import image_data_url
from codepercept.models.prompts import STEM2CODE
from codepercept.score import content_box

if TYPE_CHECKING:  # (bench imports this module: no import of bench at run time)
    from codepercept.bench.dataset import BenchItem


class Model(Protocol):
    name: str

    def respond(self, item: BenchItem) -> str: ...


@dataclass
class Oracle:
    name: str = "oracle"

    def respond(self, item: BenchItem) -> str:
        return f"```python\n{item.code.rstrip()}\n```"


@dataclass
class Blank:
    name: str = "blank"

    def respond(self, item: BenchItem) -> str:
        return ""


def image_embedding(png: bytes | np.ndarray, size: int = 24) -> np.ndarray:
    """A cheap, L2-normalised embedding: content-cropped grayscale thumbnail + colour histogram."""
    img = (
        Image.open(io.BytesIO(png)).convert("RGB")
        if isinstance(png, bytes)
        else Image.fromarray(png)
    )
    arr = np.asarray(img)
    box = content_box(arr)
    if box is not None:
        x0, y0, x1, y1 = box
        arr = arr[y0:y1, x0:x1]
    thumb = np.asarray(
        Image.fromarray(arr).convert("L").resize((size, size), Image.BILINEAR), float
    )
    thumb = 255.0 - thumb
    hist, _ = np.histogramdd(arr.reshape(-1, 3), bins=(4, 4, 4), range=[(0, 256)] * 3)
    hist = hist.ravel()[1:-1]  # drop pure black and pure white bins
    parts = [thumb.ravel() / (np.linalg.norm(thumb) + 1e-9), hist / (np.linalg.norm(hist) + 1e-9)]
    vec = np.concatenate([parts[0], 0.5 * parts[1]])
    return vec / (np.linalg.norm(vec) + 1e-9)


@dataclass
class Knn:
    """Retrieval baseline: the code of the most similar training image."""

    train_dir: Path
    name: str = "knn"
    _codes: list[str] = field(default_factory=list, repr=False)
    _emb: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from codepercept.data import read_dataset
        from codepercept.data.manifest import MANIFEST_NAME
        from codepercept.errors import UsageError

        if not (Path(self.train_dir) / MANIFEST_NAME).is_file():
            raise UsageError(
                f"knn:{self.train_dir} is not a dataset (no {MANIFEST_NAME}); give a directory "
                "written by `codepercept synth`"
            )
        vecs = []
        for rec in read_dataset(self.train_dir):
            if rec.get("image") and rec.get("code"):
                vecs.append(image_embedding(rec["image"]))
                self._codes.append(rec["code"])
        if not vecs:
            raise UsageError(f"{self.train_dir} holds no samples with image and code")
        self._emb = np.stack(vecs)
        self.name = f"knn:{Path(self.train_dir).name}"

    def respond(self, item: BenchItem) -> str:
        assert self._emb is not None
        q = image_embedding(item.image_bytes())
        best = int(np.argmax(self._emb @ q))
        return f"```python\n{self._codes[best].rstrip()}\n```"


class NoPrediction(KeyError):
    """The predictions file holds no response for this item (the item's status is
    ``no_prediction``: a result, the model gave nothing)."""


@dataclass
class Predictions:
    path: Path
    name: str = "predictions"
    _by_id: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for lineno, line in enumerate(read_text(self.path, "predictions file").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                self._by_id[str(rec["id"])] = str(rec["response"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise UsageError(
                    f'{self.path}:{lineno}: expected {{"id", "response"}} ({exc})'
                ) from None
        self.name = f"predictions:{Path(self.path).stem}"

    @property
    def ids(self) -> set[str]:
        return set(self._by_id)

    def respond(self, item: BenchItem) -> str:
        if item.id not in self._by_id:
            raise NoPrediction(f"no prediction for item {item.id!r} in {self.path}")
        return self._by_id[item.id]

    def check(self, items: list[BenchItem], all_ids: set[str]) -> list[str]:
        """Warnings about ``items`` (the ones to run, of a benchmark with ``all_ids``) that have
        no prediction and ids of the file that are not in the benchmark. Raises
        :class:`UsageError` when the file has a response for none of ``items``."""
        ids = self.ids
        unknown = sorted(ids - all_ids)
        missing = [it.id for it in items if it.id not in ids]
        eg = f" (e.g. {', '.join(map(repr, unknown[:3]))})" if unknown else ""
        if len(missing) == len(items):
            raise UsageError(
                f"{self.path} has no id of the benchmark's items: {len(unknown)} of its "
                f"{len(ids)} ids are not in the benchmark{eg}, and all {len(items)} items to "
                "run have no prediction; was it made for another benchmark?"
            )
        warnings = []
        if missing:
            warnings.append(
                f"{len(missing)} of {len(items)} items have no prediction in {self.path}: "
                "scored as not executed (status no_prediction)"
            )
        if unknown:
            plural = "id is" if len(unknown) == 1 else "ids are"
            warnings.append(
                f"{len(unknown)} {plural} in {self.path} but not in the benchmark (ignored){eg}"
            )
        return warnings


class OpenAIModel:
    """A multimodal model behind an OpenAI-compatible endpoint, asked the official prompt."""

    def __init__(
        self,
        spec: str,
        cache_dir: str | Path | None = None,
        concurrency: int = 64,
        **sampling: Any,
    ) -> None:
        from codepercept.models.openai import OpenAIChat

        self.client = OpenAIChat.from_spec(
            spec, cache_dir=cache_dir, max_concurrency=concurrency, **sampling
        )
        self.name = f"openai:{self.client.model}"
        self.url = self.client.base_url

    def preflight(self) -> None:
        self.client.preflight()

    def close(self) -> None:
        self.client.close()

    def respond(self, item: BenchItem) -> str:
        return self.client.complete(STEM2CODE.messages(image_data_url(item.image_bytes())))


def model_job(spec: str) -> tuple[str, dict[str, Path]]:
    """What of ``spec`` decides a run's results: its normalised form (a setting) and the files
    it reads (inputs, compared by content): ``knn:DIR`` -> ("knn", {"model_data": DIR}),
    ``predictions:FILE`` -> ("predictions", {"model_data": FILE}), ``openai:M@URL/`` ->
    ("openai:M@URL", {}). The spec is assumed valid (see :func:`make_model`)."""
    kind, _, arg = spec.strip().partition(":")
    if kind in ("knn", "predictions") and arg:
        return kind, {"model_data": Path(arg)}
    if kind == "openai" and arg:
        model, _, url = arg.partition("@")
        return f"openai:{model}@{url.strip().rstrip('/')}", {}
    return kind, {}


def make_model(
    spec: str, cache_dir: str | Path | None = None, concurrency: int = 64, **sampling: Any
) -> Model:
    """Build a model from its spec string (see the module docstring); ``concurrency`` bounds
    the requests an endpoint model keeps in flight."""
    kind, _, arg = spec.partition(":")
    if kind == "oracle" and not arg:
        return Oracle()
    if kind == "blank" and not arg:
        return Blank()
    if kind == "knn" and arg:
        return Knn(Path(arg))
    if kind == "predictions" and arg:
        return Predictions(Path(arg))
    if kind == "openai" and arg:
        return OpenAIModel(arg, cache_dir=cache_dir, concurrency=concurrency, **sampling)
    raise UsageError(
        f"unknown model spec {spec!r}; use oracle, blank, knn:TRAIN_DIR, "
        "predictions:FILE.jsonl or openai:MODEL@BASE_URL"
    )
