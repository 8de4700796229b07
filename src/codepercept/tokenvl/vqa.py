"""Text-rich VQA benchmarks read from the files their authors distribute, and their metrics.

Nothing is downloaded: :func:`load_vqa` reads a local file, :func:`score_item` scores a model's
answer with the benchmark's own rule, :func:`make_record` / :func:`summarise` aggregate.

Formats (``benchmark``: what the file holds; default image root; item ``id``; ``category``)

- ``docvqa``: ``{"data": [{"questionId", "question", "image", "answers": [str, ...],
  "question_types"?, ...}]}`` (``<split>/<split>_v1.0.json``; InfographicVQA's
  ``image_local_name`` is accepted for ``image``). Images: the path ``image`` gives, relative to
  the json's directory, then its parent (pix2struct ``preprocessing/convert_docvqa.py`` reads
  them from the split directory). ``id`` = ``questionId``; ``category`` = the first of
  ``question_types`` (all of them are kept in ``meta["question_types"]`` and the summary counts
  an item under each, as the DocVQA per-type table does).
- ``chartqa``: ``[{"imgname", "query", "label"}]`` (``test/test_human.json``,
  ``test/test_augmented.json`` in ``vis-nlp/ChartQA``). Images: ``png/<imgname>`` beside the
  json. ``id`` = ``<file stem>/<index>``; ``category`` = ``human`` / ``augmented`` (from the file
  name, ``test_human`` → ``human``; otherwise the stem).
- ``textvqa``: ``{"data": [{"question_id", "question", "image_id", "answers": [10 str], ...}]}``
  (``TextVQA_0.5.1_val.json``). Images: ``<image_id>.jpg`` in ``train_images/`` (train and val,
  as ``train_val_images.zip`` unpacks), ``test_images/``, ``images/`` or beside the json.
  ``id`` = ``question_id``; no category.
- ``ocrbench``: ``[{"dataset_name", "id", "image_path", "question", "answers": str | [str],
  "type"}]`` (``OCRBench/OCRBench.json`` in ``Yuliang-Liu/MultimodalOCR``). Images:
  ``OCRBench_Images/<image_path>`` beside the json or one directory up (the scripts' default
  ``--image_folder ./OCRBench_Images``), else beside the json. ``id`` =
  ``<dataset_name>/<id>``; ``category`` = ``type``; ``meta["dataset_name"]``.
- ``tokenit``: JSON lines ``{"sample_id", "question", "answer", "kind"}`` (our generated QA);
  ``images`` names the TokenIT dataset directory. ``image`` is None; ``id`` =
  ``<sample_id>#<k>`` (the k-th question about that sample); ``meta["sample_id"]``;
  ``category`` = ``kind``. :func:`tokenit_image` decodes a sample's picture.

``benchmark=None`` detects the format from the file's shape. A file that is missing, not JSON,
or not the format raises :class:`~codepercept.errors.UsageError` with one line naming the file
and the problem. An item whose image is not on disk still loads, with ``status
"image_missing"``; a file without any answers (a test split) loads with ``status
"no_answers"``.

Metrics (each takes any prediction — ``None``, non-strings, 10^6 characters, any unicode — and
returns a float in [0, 1] without raising)

- :func:`anls` (DocVQA): lower-case, strip and collapse whitespace (the RRC evaluation script as
  reproduced in ``shunk031/ANLS`` ``anls/metrics/score.py``); normalised Levenshtein distance
  ``NL = d / max(len)``; per answer ``1 - NL`` when ``NL <= threshold`` else 0 (pix2struct
  ``metrics.anls_metric``; MMF ``STVQAANLSEvaluator`` keeps ``1 - NL >= 0.5`` the same way; the
  paper's Eq. 1 writes ``NL < 0.5`` — the two differ only at exactly 0.5); max over answers.
  Bounded time: ``d >= |len(a) - len(b)|``, so a pair whose length difference alone puts
  ``NL`` above the threshold scores 0 without running the edit distance (exact, and what makes
  a 10^6-character prediction against a short answer instant); otherwise both strings are cut
  to :data:`ANLS_MAX_CHARS` characters before the distance (only strings longer than that are
  affected; no DocVQA answer comes close).
- :func:`relaxed_accuracy` (ChartQA): pix2struct ``metrics.relaxed_correctness``, the rule of
  ChartQA §5.1: both strings are read as numbers (Python ``float``; a trailing ``%`` divides by
  100 — so ``"62%"`` against the label ``"62"`` is 0.62 vs 62 and is wrong); when both are
  numbers and the label is non-zero, correct iff ``|pred - label| / |label| <= tolerance``;
  otherwise a case-insensitive exact match (here also whitespace-stripped). Max over answers.
- :func:`vqa_accuracy` (TextVQA): MMF ``mmf/utils/m4c_evaluators.py``
  ``TextVQAAccuracyEvaluator`` with ``EvalAIAnswerProcessor`` (the EvalAI/VQA normalisation:
  lower-case; drop ``,`` and ``?``; ``'s`` split off; newlines/tabs to spaces; punctuation
  removed or turned into a space; a period not followed by a digit removed; number words
  ``none``/``zero``…``ten`` to digits; articles ``a an the`` dropped; apostrophe-less
  contractions restored) applied to the prediction and to every human answer; an answer's score
  is the mean over the leave-one-out subsets of ``min(1, matches / 3)`` (the official VQA
  ``vqaEval.py``); 2 agreeing humans of 10 give 0.6, 3 give 0.9, 4 or more 1.0.
- :func:`ocrbench_match` (OCRBench): ``OCRBench/scripts/*.py`` in ``Yuliang-Liu/MultimodalOCR``:
  for ``HME100k`` both strings are stripped, newlines made spaces and then every space removed
  (case is kept — the code does not lower-case formulas); for every other dataset both are
  lower-cased, stripped and newlines made spaces; 1 iff some answer is a substring of the
  prediction. The summary's OCRBench block adds the per-``type`` sums, Text Recognition (the
  six recognition types, out of 300) and the final score (out of 1000 on the full set).
- :func:`exact_match` (TokenIT): equal after stripping and collapsing whitespace
  (case-sensitive: the answers are text we rendered).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from codepercept.errors import UsageError
from codepercept.reason.formats._common import describe  # one wording for JSON shapes

__all__ = [
    "ANLS_MAX_CHARS",
    "BENCHMARKS",
    "METRIC_OF",
    "OCRBENCH_TYPES",
    "VQAItem",
    "anls",
    "exact_match",
    "load_vqa",
    "make_record",
    "ocrbench_match",
    "relaxed_accuracy",
    "score_item",
    "summarise",
    "tokenit_image",
    "vqa_accuracy",
    "vqa_normalise",
]

#: The benchmark names :func:`load_vqa` takes.
BENCHMARKS: tuple[str, ...] = ("docvqa", "chartqa", "textvqa", "ocrbench", "tokenit")

#: Strings longer than this (after normalisation) are cut before ANLS's edit distance, once the
#: exact length bound has not already decided the score.
ANLS_MAX_CHARS = 4096


@dataclass
class VQAItem:
    """One question of a VQA benchmark, as distributed. ``image`` is the absolute image path
    (None for TokenIT rows, whose pictures live in the dataset; see :func:`tokenit_image`);
    ``answers`` the gold answers as strings; ``status`` ``"ok"``, ``"image_missing"`` or
    ``"no_answers"``; ``meta`` what scoring and summaries need (OCRBench ``dataset_name``,
    DocVQA ``question_types``, TokenIT ``sample_id``)."""

    id: str
    image: Path | None
    question: str
    answers: list[str]
    benchmark: str
    category: str = ""
    status: str = "ok"
    meta: dict[str, Any] = field(default_factory=dict)


# -- loading -------------------------------------------------------------------------------------


def _bad(benchmark: str, path: Path, problem: str) -> UsageError:
    return UsageError(f"{benchmark}: {path}: {problem}")


def _read_text(label: str, path: Path) -> str:
    if not path.exists():
        raise _bad(label, path, "no such file")
    if path.is_dir():
        raise _bad(label, path, "is a directory, expected the benchmark's json file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _bad(label, path, "not UTF-8 text") from None
    except OSError as exc:
        raise _bad(label, path, f"cannot be read ({exc.strerror or exc})") from None


def _parse(label: str, path: Path, text: str, jsonl_ok: bool) -> Any:
    """The JSON document; when it is not one and ``jsonl_ok``, the list of its JSON lines."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        first = exc
    except RecursionError:
        raise _bad(label, path, "JSON nested too deeply") from None
    if jsonl_ok and first.msg == "Extra data":
        rows = []
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise _bad(label, path, f"invalid JSON on line {lineno} ({exc.msg})") from None
            except RecursionError:
                raise _bad(label, path, f"JSON nested too deeply on line {lineno}") from None
        return rows
    raise _bad(label, path, f"not JSON ({first.msg} at line {first.lineno})")


def _detect(path: Path, doc: Any) -> str:
    if isinstance(doc, dict) and isinstance(doc.get("data"), list) and doc["data"]:
        first = doc["data"][0]
        if isinstance(first, dict):
            if "questionId" in first:
                return "docvqa"
            if "question_id" in first and "image_id" in first:
                return "textvqa"
    if isinstance(doc, dict) and "sample_id" in doc:  # a JSON-lines file of one row
        return "tokenit"
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):
        first = doc[0]
        if {"imgname", "query", "label"} <= first.keys():
            return "chartqa"
        if {"dataset_name", "image_path"} <= first.keys():
            return "ocrbench"
        if "sample_id" in first:
            return "tokenit"
    raise UsageError(
        f"{path}: cannot tell which benchmark this file is (got {describe(doc)}); pass "
        f"benchmark= one of {', '.join(BENCHMARKS)}"
    )


def _check_benchmark(name: Any) -> str:
    key = str(name).strip().lower().replace("-", "").replace("_", "")
    if key not in BENCHMARKS:
        raise UsageError(f"unknown benchmark {name!r}: expected one of {', '.join(BENCHMARKS)}")
    return key


def load_vqa(
    path: str | Path, benchmark: str | None = None, images: str | Path | None = None
) -> list[VQAItem]:
    """The items of the benchmark file ``path``, in file order.

    ``benchmark``: one of :data:`BENCHMARKS`, or None to detect it from the file's shape.
    ``images``: the image root (for ``tokenit`` the TokenIT dataset directory); by default the
    per-benchmark places listed in the module docstring, relative to the json file.

    Raises :class:`~codepercept.errors.UsageError` with one line naming the file when it is
    missing, not JSON, or not the benchmark's format; an unknown ``benchmark`` likewise.
    """
    key = None if benchmark is None else _check_benchmark(benchmark)
    p = Path(path).expanduser()
    label = key or "vqa"
    text = _read_text(label, p)
    doc = _parse(label, p, text, jsonl_ok=key in (None, "tokenit"))
    if key is None:
        key = _detect(p, doc)
    root = None if images is None else Path(images).expanduser()
    if root is not None and key != "tokenit" and not root.is_dir():
        raise _bad(key, p, f"image directory {root} does not exist")
    return _LOADERS[key](p, doc, root)


def _records(key: str, path: Path, doc: Any, expected: str, wrapped: bool) -> list[Any]:
    if wrapped:
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
            raise _bad(key, path, f"expected {expected} — got {describe(doc)}")
        return doc["data"]
    if not isinstance(doc, list):
        raise _bad(key, path, f"expected {expected} — got {describe(doc)}")
    return doc


def _field(
    key: str, path: Path, i: int, row: Any, name: str, kinds: tuple[type, ...] = (str,)
) -> Any:
    if not isinstance(row, dict):
        raise _bad(key, path, f"item {i} is {describe(row)}, expected an object")
    if name not in row:
        raise _bad(key, path, f"item {i} has no {name!r} field")
    value = row[name]
    if not isinstance(value, kinds) or isinstance(value, bool):
        want = " or ".join(k.__name__ for k in kinds)
        raise _bad(key, path, f"item {i}: {name!r} is {describe(value)}, expected {want}")
    return value


def _answers(key: str, path: Path, i: int, row: dict, name: str, *, str_ok: bool) -> list[str]:
    value = row[name]
    if isinstance(value, str) and str_ok:
        return [value]
    if not isinstance(value, list):
        want = "a string or a list of strings" if str_ok else "a list of strings"
        raise _bad(key, path, f"item {i}: {name!r} is {describe(value)}, expected {want}")
    out = []
    for a in value:
        if isinstance(a, bool) or not isinstance(a, (str, int, float)):
            raise _bad(key, path, f"item {i}: {name!r} holds {describe(a)}, expected strings")
        out.append(a if isinstance(a, str) else str(a))
    return out


def _no_answers(items: list[VQAItem]) -> None:
    for it in items:
        if it.status == "ok":
            it.status = "no_answers"


def _image(candidates: Iterable[Path]) -> tuple[Path, str]:
    """The first candidate on disk, else the first candidate with ``image_missing``."""
    candidates = list(candidates)
    for c in candidates:
        if c.is_file():
            return c.resolve(), "ok"
    return candidates[0].absolute(), "image_missing"


def _rel(key: str, path: Path, i: int, rel: str) -> Path:
    r = Path(rel.strip())
    if not rel.strip() or "\x00" in rel:
        raise _bad(key, path, f"item {i}: empty or invalid image path {rel[:40]!r}")
    return r


def _load_docvqa(path: Path, doc: Any, root: Path | None) -> list[VQAItem]:
    key = "docvqa"
    rows = _records(key, path, doc, '{"data": [{"questionId", "question", "image", ...}]}', True)
    base = path.resolve().parent
    has_answers = any(isinstance(r, dict) and "answers" in r for r in rows)
    items = []
    for i, row in enumerate(rows):
        qid = _field(key, path, i, row, "questionId", (str, int))
        question = _field(key, path, i, row, "question")
        img_key = "image" if "image" in row or "image_local_name" not in row else "image_local_name"
        rel = _rel(key, path, i, _field(key, path, i, row, img_key))
        if has_answers:
            _field(key, path, i, row, "answers", (list,))
            answers = _answers(key, path, i, row, "answers", str_ok=False)
        else:
            answers = []
        types = row.get("question_types") or []
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise _bad(key, path, f"item {i}: 'question_types' is {describe(types)}")
        cands = (
            [root / rel, root / rel.name] if root is not None else [base / rel, base.parent / rel]
        )
        image, status = _image(cands)
        items.append(
            VQAItem(
                str(qid), image, question, answers, key, types[0] if types else "", status,
                {"question_types": list(types)},
            )
        )  # fmt: skip
    if not has_answers:
        _no_answers(items)
    return items


def _load_chartqa(path: Path, doc: Any, root: Path | None) -> list[VQAItem]:
    key = "chartqa"
    rows = _records(key, path, doc, '[{"imgname", "query", "label"}]', False)
    base = root if root is not None else path.resolve().parent / "png"
    stem = path.stem
    category = stem[5:] if stem.startswith("test_") else stem
    items = []
    for i, row in enumerate(rows):
        rel = _rel(key, path, i, _field(key, path, i, row, "imgname"))
        question = _field(key, path, i, row, "query")
        label = _field(key, path, i, row, "label", (str, int, float))
        image, status = _image([base / rel])
        items.append(VQAItem(f"{stem}/{i}", image, question, [str(label)], key, category, status))
    return items


def _load_textvqa(path: Path, doc: Any, root: Path | None) -> list[VQAItem]:
    key = "textvqa"
    rows = _records(
        key, path, doc, '{"data": [{"question_id", "question", "image_id", "answers"}]}', True
    )
    base = path.resolve().parent
    dirs = (
        [root]
        if root is not None
        else [base / "train_images", base / "test_images", base / "images", base]
    )
    has_answers = any(isinstance(r, dict) and "answers" in r for r in rows)
    items = []
    for i, row in enumerate(rows):
        qid = _field(key, path, i, row, "question_id", (str, int))
        question = _field(key, path, i, row, "question")
        image_id = _field(key, path, i, row, "image_id", (str, int))
        name = _rel(key, path, i, f"{image_id}.jpg")
        if has_answers:
            _field(key, path, i, row, "answers", (list,))
            answers = _answers(key, path, i, row, "answers", str_ok=False)
        else:
            answers = []
        order = dirs
        if root is None and str(row.get("set_name", "")).lower() == "test":
            order = [dirs[1], dirs[0], *dirs[2:]]
        image, status = _image(d / name for d in order)
        items.append(VQAItem(str(qid), image, question, answers, key, "", status))
    if not has_answers:
        _no_answers(items)
    return items


def _load_ocrbench(path: Path, doc: Any, root: Path | None) -> list[VQAItem]:
    key = "ocrbench"
    rows = _records(
        key,
        path,
        doc,
        '[{"dataset_name", "id", "image_path", "question", "answers", "type"}]',
        False,
    )
    base = path.resolve().parent
    dirs = (
        [root]
        if root is not None
        else [base / "OCRBench_Images", base.parent / "OCRBench_Images", base]
    )
    seen: dict[str, int] = {}
    items = []
    for i, row in enumerate(rows):
        dataset = _field(key, path, i, row, "dataset_name")
        num = _field(key, path, i, row, "id", (str, int))
        rel = _rel(key, path, i, _field(key, path, i, row, "image_path"))
        question = _field(key, path, i, row, "question")
        _field(key, path, i, row, "answers", (str, list))
        answers = _answers(key, path, i, row, "answers", str_ok=True)
        kind = _field(key, path, i, row, "type")
        item_id = f"{dataset}/{num}"
        if item_id in seen:  # ids repeat across the file's versions; keep them distinct
            seen[item_id] += 1
            item_id = f"{item_id}#{seen[item_id]}"
        else:
            seen[item_id] = 0
        image, status = _image(d / rel for d in dirs)
        items.append(
            VQAItem(item_id, image, question, answers, key, kind, status, {"dataset_name": dataset})
        )
    return items


def _load_tokenit(path: Path, doc: Any, root: Path | None) -> list[VQAItem]:
    key = "tokenit"
    if isinstance(doc, dict):
        doc = [doc]  # a JSON-lines file of one row parses as one object
    rows = _records(key, path, doc, 'JSON lines {"sample_id", "question", "answer", "kind"}', False)
    if root is not None and not root.is_dir():
        raise _bad(key, path, f"TokenIT directory {root} does not exist")
    counts: dict[str, int] = defaultdict(int)
    items = []
    for i, row in enumerate(rows):
        sid = str(_field(key, path, i, row, "sample_id", (str, int)))
        question = _field(key, path, i, row, "question")
        answer = _field(key, path, i, row, "answer", (str, int, float))
        kind = row.get("kind", "")
        if not isinstance(kind, str):
            raise _bad(key, path, f"item {i}: 'kind' is {describe(kind)}, expected str")
        k = counts[sid]
        counts[sid] += 1
        meta = {"sample_id": sid, "tokenit_dir": None if root is None else str(root)}
        items.append(VQAItem(f"{sid}#{k}", None, question, [str(answer)], key, kind, "ok", meta))
    return items


_LOADERS: dict[str, Callable[[Path, Any, Path | None], list[VQAItem]]] = {
    "docvqa": _load_docvqa,
    "chartqa": _load_chartqa,
    "textvqa": _load_textvqa,
    "ocrbench": _load_ocrbench,
    "tokenit": _load_tokenit,
}


def tokenit_image(dir: str | Path, sample_id: str) -> np.ndarray:
    """The HxWx3 uint8 picture of TokenIT sample ``sample_id`` in dataset directory ``dir``
    (:func:`codepercept.tokenit.generate.read_sample`). Raises
    :class:`~codepercept.errors.UsageError` when the directory is not a TokenIT dataset or has
    no such sample."""
    from codepercept.tokenit.generate import read_sample

    try:
        return read_sample(dir, str(sample_id)).image
    except KeyError:
        raise UsageError(f"tokenit: {dir}: no sample {sample_id!r}") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"tokenit: {dir}: not a readable TokenIT dataset ({exc})") from None


# -- metrics -------------------------------------------------------------------------------------


def _texts(answers: Any) -> list[str]:
    """The string answers of ``answers`` (a string is one answer; anything else is skipped)."""
    if isinstance(answers, str):
        return [answers]
    if not isinstance(answers, (list, tuple)):
        return []
    return [a for a in answers if isinstance(a, str)]


_WS = re.compile(r"\s+")


def _collapse(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _code_points(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _bounded_levenshtein(a: str, b: str, limit: int) -> int:
    """The edit distance of ``a`` and ``b`` when it is at most ``limit``, else ``limit + 1``.
    Row by row with numpy: a row's insertions are a running minimum of ``row - j``; stops as
    soon as a whole row exceeds ``limit`` (distances along a path never decrease)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return min(len(a), limit + 1)
    bs = _code_points(b)
    j = np.arange(len(bs) + 1)
    prev = j.copy()
    for i, ca in enumerate(_code_points(a), 1):
        cur = np.empty_like(prev)
        cur[0] = i
        np.minimum(prev[:-1] + (bs != ca), prev[1:] + 1, out=cur[1:])
        cur = np.minimum.accumulate(cur - j) + j
        if cur.min() > limit:
            return limit + 1
        prev = cur
    return int(min(prev[-1], limit + 1))


def _anls_one(pred: str, answer: str, threshold: float) -> float:
    la, lb = len(pred), len(answer)
    n = max(la, lb)
    if n == 0:
        return 1.0
    if abs(la - lb) / n > threshold:  # d >= |la - lb|, so NL > threshold whatever d is
        return 0.0
    if n > ANLS_MAX_CHARS:
        pred, answer = pred[:ANLS_MAX_CHARS], answer[:ANLS_MAX_CHARS]
        n = max(len(pred), len(answer))
    limit = math.floor(threshold * n + 1e-9)
    d = _bounded_levenshtein(pred, answer, limit)
    nl = d / n
    return 1.0 - nl if nl <= threshold else 0.0


def anls(pred: Any, answers: Any, threshold: float = 0.5) -> float:
    """DocVQA's ANLS for one question: the best over ``answers`` of ``1 - NL`` when the
    normalised Levenshtein distance ``NL <= threshold``, else 0 (rules and bounds in the module
    docstring). A prediction that is None or not a string scores 0."""
    if not isinstance(pred, str):
        return 0.0
    p = _collapse(pred.lower())
    return max(
        (_anls_one(p, _collapse(a.lower()), threshold) for a in _texts(answers)), default=0.0
    )


def _to_float(text: str) -> float | None:
    # pix2struct metrics.relaxed_correctness._to_float: a trailing "%" means hundredths.
    try:
        if text.endswith("%"):
            return float(text.rstrip("%")) / 100.0
        return float(text)
    except (ValueError, OverflowError):
        return None


def _relaxed_one(pred: str, target: str, tolerance: float) -> bool:
    p, t = pred.strip(), target.strip()
    pf, tf = _to_float(p), _to_float(t)
    if pf is not None and tf:  # a zero label falls through to the string comparison
        return abs(pf - tf) / abs(tf) <= tolerance
    return p.lower() == t.lower()


def relaxed_accuracy(pred: Any, answers: Any, tolerance: float = 0.05) -> float:
    """ChartQA's relaxed accuracy (pix2struct ``relaxed_correctness``): 1.0 when a numeric
    prediction is within ``tolerance`` relative error of a numeric answer (``%`` read as
    hundredths), or otherwise equals it ignoring case and surrounding whitespace."""
    if not isinstance(pred, str):
        return 0.0
    return float(any(_relaxed_one(pred, a, tolerance) for a in _texts(answers)))


# The EvalAI answer processor (MMF m4c_evaluators.EvalAIAnswerProcessor), rebuilt from its rules.
_NUMBERS_TEXT = "zero one two three four five six seven eight nine ten"
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_NUMBERS_TEXT.split())}
_NUMBER_WORDS["none"] = "0"
_ARTICLES = frozenset({"a", "an", "the"})
_PUNCT = tuple(';/[]"{}()=+\\_-><@`,?!')
_COMMA_BETWEEN_DIGITS = re.compile(r"(?<=\d),+(?=\d)")
_PERIOD_NOT_BEFORE_DIGIT = re.compile(r"\.(?!\d)")
# The contractions the processor restores: each of these written with exactly one apostrophe
# left out maps back to it (its table, e.g. "dont" -> "don't", "hed've" -> "he'd've"); the
# table's capitalised "I" keys never match lower-cased text and are left out.
_CONTRACTED_TEXT = (
    "ain't aren't can't could've couldn't couldn't've didn't doesn't don't hadn't hadn't've "
    "hasn't haven't he'd he'd've he's how'd how'll how's isn't it'd it'd've it'll ma'am "
    "mightn't mightn't've might've mustn't must've needn't not've o'clock oughtn't 'ow's'at "
    "shan't she'd've should've shouldn't shouldn't've somebody'd've somebody'll somebody's "
    "someone'd someone'd've someone'll someone's something'd something'd've something'll "
    "that's there'd there'd've there're there's they'd they'd've they'll they're they've "
    "'twas wasn't we'd've we've weren't what'll what're what's what've when's where'd where's "
    "where've who'd who'd've who'll who's who've why'll why're why's won't would've wouldn't "
    "wouldn't've y'all y'all'll y'all'd've you'd you'd've you'll you're you've"
)
_CONTRACTED = _CONTRACTED_TEXT.split()
_CONTRACTIONS: dict[str, str] = {
    word[:k] + word[k + 1 :]: word for word in _CONTRACTED for k, ch in enumerate(word) if ch == "'"
}
_CONTRACTIONS["somebody'd"] = "somebodyd"  # the table maps this one the other way round


def vqa_normalise(text: str) -> str:
    """A VQA/TextVQA answer as the EvalAI answer processor normalises it (see module doc)."""
    s = text.lower().replace(",", "").replace("?", "").replace("'s", " 's").strip()
    s = s.replace("\n", " ").replace("\t", " ").strip()
    before = s
    glued = _COMMA_BETWEEN_DIGITS.search(before) is not None
    for p in _PUNCT:
        # Punctuation next to a space (or any, once digits are comma-grouped) is dropped;
        # punctuation inside a word becomes a space.
        if glued or p + " " in before or " " + p in before:
            s = s.replace(p, "")
        else:
            s = s.replace(p, " ")
    # The processor passes re.UNICODE (32) where re.sub takes its count: at most 32 periods go.
    s = _PERIOD_NOT_BEFORE_DIGIT.sub("", s, count=32)
    words = [_NUMBER_WORDS.get(w, w) for w in s.split()]
    words = [_CONTRACTIONS.get(w, w) for w in words if w not in _ARTICLES]
    return " ".join(words)


def vqa_accuracy(pred: Any, answers: Any) -> float:
    """TextVQA/VQA accuracy: the mean over the leave-one-out subsets of the human answers of
    ``min(1, #matching / 3)``, prediction and answers normalised by :func:`vqa_normalise`. With
    one answer there is nothing to leave out: 1.0 when it matches."""
    gts = _texts(answers)
    if not isinstance(pred, str) or not gts:
        return 0.0
    p = vqa_normalise(pred)
    norm = [vqa_normalise(a) for a in gts]
    k = sum(1 for a in norm if a == p)
    if k == 0:
        return 0.0
    if len(norm) == 1:
        return 1.0
    # Leaving out one of the k matching answers leaves k - 1 matches; leaving out another, k.
    n = len(norm)
    return (k * min(1.0, (k - 1) / 3) + (n - k) * min(1.0, k / 3)) / n


def ocrbench_match(pred: Any, answers: Any, dataset_name: str = "") -> float:
    """OCRBench's rule: 1.0 when some answer is contained in the prediction after the
    normalisation of its scripts (HME100k: strip, newlines to spaces, all spaces removed, case
    kept; others: lower-case, strip, newlines to spaces)."""
    if not isinstance(pred, str):
        return 0.0
    if dataset_name == "HME100k":

        def norm(s: str) -> str:
            return s.strip().replace("\n", " ").replace(" ", "")
    else:

        def norm(s: str) -> str:
            return s.lower().strip().replace("\n", " ")

    p = norm(pred)
    return float(any(norm(a) in p for a in _texts(answers)))


def exact_match(pred: Any, answers: Any) -> float:
    """1.0 when the prediction equals an answer after stripping and collapsing whitespace."""
    if not isinstance(pred, str):
        return 0.0
    p = _collapse(pred)
    return float(any(p == _collapse(a) for a in _texts(answers)))


#: The metric of each benchmark (``ocrbench_match`` also takes the item's ``dataset_name``).
METRIC_OF: dict[str, Callable[..., float]] = {
    "docvqa": anls,
    "chartqa": relaxed_accuracy,
    "textvqa": vqa_accuracy,
    "ocrbench": ocrbench_match,
    "tokenit": exact_match,
}


def score_item(item: VQAItem, pred: Any) -> float:
    """The benchmark's score of prediction ``pred`` for ``item`` (0.0 when the item has no
    answers, e.g. a test split)."""
    if item.benchmark not in METRIC_OF:
        raise UsageError(
            f"unknown benchmark {item.benchmark!r}: expected one of {', '.join(BENCHMARKS)}"
        )
    if not item.answers:
        return 0.0
    if item.benchmark == "ocrbench":
        return ocrbench_match(pred, item.answers, str(item.meta.get("dataset_name", "")))
    return float(METRIC_OF[item.benchmark](pred, item.answers))


# -- records and summaries -----------------------------------------------------------------------

#: OCRBench's ten question types with the number of questions of each in the 1000-item set
#: (OCRBench/scripts/*.py); the first six make up Text Recognition (300).
OCRBENCH_TYPES: dict[str, int] = {
    "Regular Text Recognition": 50,
    "Irregular Text Recognition": 50,
    "Artistic Text Recognition": 50,
    "Handwriting Recognition": 50,
    "Digit String Recognition": 50,
    "Non-Semantic Text Recognition": 50,
    "Scene Text-centric VQA": 200,
    "Doc-oriented VQA": 200,
    "Key Information Extraction": 200,
    "Handwritten Mathematical Expression Recognition": 100,
}
_RECOGNITION = tuple(OCRBENCH_TYPES)[:6]


def make_record(item: VQAItem, pred: Any = None, *, status: str | None = None) -> dict[str, Any]:
    """The record :func:`summarise` reads: ``benchmark``, ``id``, ``category``, ``categories``
    (DocVQA: every question type), ``dataset`` (OCRBench), ``status`` and ``score``. The status
    is ``status`` when given (the runner's error for the item), else the item's; a record whose
    status is not ``"ok"`` scores 0 and still counts."""
    st = status if status is not None else item.status
    cats = list(item.meta.get("question_types") or ([item.category] if item.category else []))
    return {
        "benchmark": item.benchmark,
        "id": item.id,
        "category": item.category,
        "categories": cats,
        "dataset": item.meta.get("dataset_name", ""),
        "status": st,
        "score": score_item(item, pred) if st == "ok" else 0.0,
    }


def _mean(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "mean": sum(values) / len(values) if values else 0.0}


def summarise(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Per benchmark: ``n``, ``mean``, ``status`` counts, ``by_category`` (``{cat: {n,
    mean}}``; a DocVQA question counts under each of its types) and, for OCRBench,
    ``ocrbench``: ``by_type`` (``{type: {score, n, of}}``, ``of`` the official count),
    ``text_recognition`` (sum of the six recognition types), ``final_score`` (sum of all; out
    of 1000 when ``complete``), ``complete`` (the 1000 questions are all there) and
    ``by_dataset`` (mean per ``dataset_name``, what the scripts print for other files)."""
    by_bench: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in records:
        by_bench[str(r.get("benchmark", ""))].append(r)
    out: dict[str, Any] = {}
    for bench, recs in by_bench.items():
        scores = [float(r.get("score") or 0.0) for r in recs]
        cats: dict[str, list[float]] = defaultdict(list)
        statuses: dict[str, int] = defaultdict(int)
        for r, s in zip(recs, scores, strict=True):
            statuses[str(r.get("status", "ok"))] += 1
            for c in r.get("categories") or ([r["category"]] if r.get("category") else []):
                cats[str(c)].append(s)
        summary = {
            **_mean(scores),
            "status": dict(statuses),
            "by_category": {c: _mean(v) for c, v in sorted(cats.items())},
        }
        if bench == "ocrbench":
            summary["ocrbench"] = _ocrbench_block(recs, scores)
        out[bench] = summary
    return out


def _ocrbench_block(recs: list[Mapping[str, Any]], scores: list[float]) -> dict[str, Any]:
    by_type: dict[str, dict[str, Any]] = {
        t: {"score": 0.0, "n": 0, "of": of} for t, of in OCRBENCH_TYPES.items()
    }
    datasets: dict[str, list[float]] = defaultdict(list)
    for r, s in zip(recs, scores, strict=True):
        t = str(r.get("category", ""))
        slot = by_type.setdefault(t, {"score": 0.0, "n": 0, "of": None})
        slot["score"] += s
        slot["n"] += 1
        datasets[str(r.get("dataset", ""))].append(s)
    complete = len(recs) == sum(OCRBENCH_TYPES.values()) and all(
        by_type[t]["n"] == of for t, of in OCRBENCH_TYPES.items()
    )
    return {
        "by_type": by_type,
        "text_recognition": sum(by_type[t]["score"] for t in _RECOGNITION),
        "final_score": sum(scores),
        "complete": complete,
        "by_dataset": {d: _mean(v) for d, v in sorted(datasets.items())},
    }
