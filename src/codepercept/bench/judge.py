"""Optional LLM judges: the STEM2Code-Eval Image Score and Code Score rubrics.

Two judges, each asked once per executed item at temperature 0, each told to end with a line
``Score: N/100``:

* **Image judge** (multimodal) sees the benchmark image and the rendering of the model's code.
  Rubric: structure & element counts 30, positions & relations 30, text & annotations 10,
  visual style 20, clarity 10. An item whose code did not run scores 0 without a request.
* **Code judge** (text only) compares the reference code with the model's code, judging what the
  two programs would *draw*: layout & visual attributes 20, quantitative fidelity (element types
  and counts) 20, positioning 30, relationships & stacking order 20, code quality 10.

The prompts below are our own wording of those rubrics. The result is stored beside the
deterministic scores as ``row["judge"]``::

    {"image": float | None, "code": float | None, "raw_image": str, "raw_code": str,
     "error": str | None, "failed": ["image" | "code", ...],
     "models": {"image": str, "code": str}, "rubric": RUBRIC_VERSION}

A judge failure (HTTP error, unparseable reply, missing rendering) is recorded in ``error`` and
leaves that score ``None``; it never raises into the runner. ``failed`` names the judges whose
request got no answer (the endpoint failed, after its retries): such a row's judging is not a
result, and a resumed run judges the item again (failed requests are never cached). An
unparseable reply is an answer (cached; asking again would get the same one), so it is not in
``failed``.
"""

from __future__ import annotations

import base64
import logging
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from codepercept.bench.dataset import BenchItem

log = logging.getLogger(__name__)

RUBRIC_VERSION = "stem2code-judge-v1"

IMAGE_RUBRIC = """\
You grade how faithfully a generated figure reproduces a reference STEM figure (geometry, \
functions, charts, physics, chemistry, graphs, puzzles). You are shown the REFERENCE image first \
and the GENERATED image second. The generated image was rendered from matplotlib code that a \
model wrote while looking only at the reference.

Award points in five parts (100 in total):
1. Structure and element counts (0-30): the same kinds of elements (points, segments, curves, \
shapes, bars, arrows, nodes, axes, grids) and the same number of each.
2. Positions and spatial relations (0-30): elements sit where they sit in the reference, with \
the same proportions, alignments, intersections, tangencies, containment and adjacency.
3. Text and annotations (0-10): labels, numbers, symbols, titles and legends are present, \
correct and attached to the right elements.
4. Visual style (0-20): colours, line widths and styles (solid, dashed), fills, markers and \
fonts match.
5. Clarity (0-10): the figure is legible and clean - nothing clipped, overlapping or illegible \
that is not so in the reference.

Judge only what is visible. Do not reward effort or penalise harmless differences in canvas \
size or resolution. Give one short justification per part with its points, then finish with a \
final line of exactly this form, where N is the integer sum of the five parts:
Score: N/100"""

CODE_RUBRIC = """\
You grade how faithfully a model's matplotlib program reproduces a reference matplotlib program \
for a STEM figure. Both programs are shown as text. Judge the figure each program WOULD RENDER, \
not its wording: two programs that draw the same picture in different ways are equally good.

Award points in five parts (100 in total):
1. Layout and visual attributes (0-20): figure and axes setup (limits, aspect, visible or \
hidden axes, ticks, grid), colours, line styles and widths, fills, markers, fonts.
2. Quantitative fidelity (0-20): the same types of drawn elements (lines, patches, text, \
scatter points, bars, arrows) in the same counts.
3. Positioning (0-30): coordinates, sizes, angles and data values place every element where \
the reference places it.
4. Relationships and stacking order (0-20): geometric and logical relations between elements \
(endpoints meeting, points on curves, labels next to what they name) and which element is drawn \
on top of which (draw order, zorder, alpha).
5. Code quality (0-10): the program is self-contained, runs as written, and is clear.

Give one short justification per part with its points, then finish with a final line of \
exactly this form, where N is the integer sum of the five parts:
Score: N/100"""

# "Score: 85/100", "**Score:** 85 / 100", "Final score = 85.5/100", "Score: 85" (no denominator).
_SCORE_RE = re.compile(
    r"score\s*[*_`]*\s*[:=]\s*[*_`]*\s*(-?\d+(?:\.\d+)?)\s*[*_`]*"
    r"(?:\s*(?:/|out\s+of)\s*[*_`]*\s*(\d+(?:\.\d+)?))?",
    re.IGNORECASE,
)


def parse_score(text: str | None) -> float | None:
    """The judge's score from its reply: the *last* ``Score: N/100`` in ``text``, clamped to 0..100.

    Case and markdown emphasis are ignored (``**Score:** 85/100``); decimals are kept; the
    ``/100`` may be omitted. A match with another denominator (``Score: 7/10``) is not a score on
    this scale and is skipped. Returns ``None`` when no line qualifies (empty text included).
    """
    if not text:
        return None
    best: float | None = None
    for m in _SCORE_RE.finditer(text):
        denom = m.group(2)
        if denom is not None and float(denom) != 100.0:
            continue
        value = float(m.group(1))
        if math.isfinite(value):
            best = min(100.0, max(0.0, value))
    return best


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def image_judge_messages(reference_png: bytes, rendering_png: bytes) -> list[dict[str, Any]]:
    """Chat messages asking the image judge to compare a reference with a rendering."""
    return [
        {"role": "system", "content": IMAGE_RUBRIC},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "REFERENCE image:"},
                {"type": "image_url", "image_url": {"url": _data_uri(reference_png)}},
                {"type": "text", "text": "GENERATED image:"},
                {"type": "image_url", "image_url": {"url": _data_uri(rendering_png)}},
                {"type": "text", "text": "Grade the GENERATED image. End with 'Score: N/100'."},
            ],
        },
    ]


def code_judge_messages(reference_code: str, model_code: str) -> list[dict[str, Any]]:
    """Chat messages asking the (text-only) code judge to compare two programs."""
    user = (
        f"REFERENCE program:\n```python\n{reference_code.rstrip()}\n```\n\n"
        f"MODEL program:\n```python\n{model_code.rstrip()}\n```\n\n"
        "Grade the MODEL program. End with 'Score: N/100'."
    )
    return [{"role": "system", "content": CODE_RUBRIC}, {"role": "user", "content": user}]


class Judge:
    """Callable ``judge(item, row) -> dict`` for :func:`~codepercept.bench.run_benchmark`.

    Args:
        image_client / code_client: :class:`~codepercept.models.openai.OpenAIChat` clients (the
            same object may serve both); ``None`` skips that judge (its score stays ``None``).
        images_dir: where the runner wrote renderings (``RUN/images/<id>.png``).
    """

    def __init__(self, image_client: Any, code_client: Any, images_dir: str | Path) -> None:
        self.image_client = image_client
        self.code_client = code_client
        self.images_dir = Path(images_dir)
        # clients closed by close(); make_judge hands over the ones it built
        self.owned: list[Any] = [c for c in {id(c): c for c in (image_client, code_client)
                                             if c is not None}.values()]  # fmt: skip

    @property
    def spec(self) -> dict[str, Any]:
        """What decides this judge's scores (a run directory's settings record it)."""

        def name(client: Any) -> str | None:
            if client is None:
                return None
            url = getattr(client, "base_url", None)
            return f"openai:{client.model}@{url}" if url else str(getattr(client, "model", "?"))

        return {"image": name(self.image_client), "code": name(self.code_client),
                "rubric": RUBRIC_VERSION}  # fmt: skip

    def preflight(self) -> None:
        """Check that each judge's endpoint answers at all (see ``OpenAIChat.preflight``)."""
        for client in self.owned:
            check = getattr(client, "preflight", None)
            if check is not None:
                check()

    def _ask(
        self, client: Any, messages: list[dict[str, Any]]
    ) -> tuple[float | None, str, str, bool]:
        """(score, raw reply, error message or '', whether the request itself failed)."""
        try:
            raw = client.complete(messages, temperature=0.0)
        except Exception as exc:  # an endpoint failure is this item's judge error
            return None, "", f"{type(exc).__name__}: {exc}"[:300], True
        score = parse_score(raw)
        if score is None:
            return None, raw, "no 'Score: N/100' line in the reply", False
        return score, raw, "", False

    def __call__(self, item: BenchItem, row: dict[str, Any]) -> dict[str, Any]:
        """Judge one result row; never raises."""
        out: dict[str, Any] = {"image": None, "code": None, "raw_image": "", "raw_code": "",
                               "error": None, "failed": [], "rubric": RUBRIC_VERSION,
                               "models": {"image": getattr(self.image_client, "model", None),
                                          "code": getattr(self.code_client, "model", None)}}  # fmt: skip
        if row.get("status") != "ok":
            out["image"] = 0.0  # the rubric: code that did not run scores 0
            return out
        errors: list[str] = []
        if self.image_client is not None:
            rendering = self.images_dir / f"{item.id}.png"
            try:
                messages = image_judge_messages(item.image_bytes(), rendering.read_bytes())
            except OSError as exc:
                errors.append(f"image: cannot read images ({exc})")
            else:
                out["image"], out["raw_image"], err, failed = self._ask(self.image_client, messages)
                if err:
                    errors.append(f"image: {err}")
                if failed:
                    out["failed"].append("image")
        if self.code_client is not None:
            messages = code_judge_messages(item.code, str(row.get("code") or ""))
            out["code"], out["raw_code"], err, failed = self._ask(self.code_client, messages)
            if err:
                errors.append(f"code: {err}")
            if failed:
                out["failed"].append("code")
        out["error"] = "; ".join(errors) or None
        return out

    def close(self) -> None:
        """Close the HTTP clients."""
        for client in self.owned:
            client.close()

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _client(spec: str, cache_dir: Path | None, **kwargs: Any) -> Any:
    from codepercept.models.openai import OpenAIChat

    kind, _, arg = spec.partition(":")
    if kind != "openai" or not arg:
        raise ValueError(
            f"unknown judge spec {spec!r}; use openai:MODEL@BASE_URL "
            "(e.g. openai:gpt-4o@https://api.openai.com/v1)"
        )
    return OpenAIChat.from_spec(arg, cache_dir=cache_dir, temperature=0.0, **kwargs)


def make_judge(
    spec: str,
    run_dir: str | Path | None = None,
    *,
    code_spec: str | None = None,
    parts: Iterable[str] = ("image", "code"),
    **client_kwargs: Any,
) -> Judge:
    """A :class:`Judge` from ``openai:MODEL@BASE_URL``.

    ``spec`` judges both rubrics unless ``code_spec`` names another endpoint for the Code Score
    (the paper used one model per rubric). ``run_dir`` is the benchmark run directory: the
    renderings are read from ``RUN/images`` and replies cached in ``RUN/cache`` (None: the
    current directory's ``images``, no cache). ``parts`` limits which judges run.
    ``client_kwargs`` go to :class:`~codepercept.models.openai.OpenAIChat` (timeouts, retries).
    Raises ``ValueError`` for a malformed spec.
    """
    wanted = set(parts)
    if not wanted <= {"image", "code"}:
        raise ValueError(f"parts must be among 'image', 'code'; got {sorted(wanted)}")
    run = Path(run_dir) if run_dir is not None else None
    cache = run / "cache" if run is not None else None
    main = _client(spec, cache, **client_kwargs)
    code_client = None
    if "code" in wanted:
        code_client = _client(code_spec, cache, **client_kwargs) if code_spec else main
    judge = Judge(
        image_client=main if "image" in wanted else None,
        code_client=code_client,
        images_dir=(run or Path(".")) / "images",
    )
    judge.owned = [main] if code_client in (None, main) else [main, code_client]
    return judge
