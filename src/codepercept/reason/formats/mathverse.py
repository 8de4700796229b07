"""MathVerse (ZrrSkywalker/MathVerse): ``testmini.json`` (five problem versions) and
``testmini_text_only.json``, from GitHub or the Hugging Face dataset (JSON or Parquet).

A JSON list of samples with ``sample_index``, ``problem_index``, ``problem_version`` (Text
Dominant, Text Lite, Vision Intensive, Vision Dominant, Vision Only; Text Only in the text-only
file), ``question`` (options follow a ``Choices:`` line as ``A:...`` or ``A. ...``), ``image``
(relative, ``images_version_1-4/image_<n>.png``; empty for Text Only), ``answer``,
``question_type`` (``multi-choice`` | ``free-form``), ``metadata`` (split, source, subject,
subfield), and the two prompts ``query_wo`` (direct answer) and ``query_cot`` (reasoning).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from codepercept.reason.formats._common import (
    ReasonItem,
    bad,
    describe,
    find_file,
    read_json,
    read_parquet_rows,
    row_image,
    take,
)
from codepercept.reason.formats.mathvision import answer_type_of

NAME = "mathverse"
VERSIONS = ("Text Dominant", "Text Lite", "Vision Intensive", "Vision Dominant", "Vision Only")
_KEYS = ("sample_index", "problem_version", "question", "answer", "question_type")
EXPECTED = (
    "a JSON list of samples with keys sample_index, problem_index, problem_version, question, "
    "image, answer, question_type, metadata, query_wo, query_cot (MathVerse testmini.json)"
)
_CHOICES = re.compile(r"(?:^|\n)\s*Choices?\s*:\s*\n(.*)\Z", re.DOTALL)
_OPTION_LINE = re.compile(r"^\s*([A-H])\s*[:.]\s*(.*?)\s*$")


def locate(path: Path) -> Path:
    """The file itself, or ``testmini.json`` (else ``testmini.parquet``) inside a directory."""
    return find_file(NAME, path, ("testmini.json", "testmini.parquet"), EXPECTED)


def parse_options(question: str) -> tuple[str, ...]:
    """The option texts listed after the question's ``Choices:`` line, in label order."""
    m = _CHOICES.search(question)
    if not m:
        return ()
    out: list[str] = []
    for line in m.group(1).splitlines():
        opt = _OPTION_LINE.match(line)
        if opt and opt.group(1) == chr(ord("A") + len(out)):
            out.append(opt.group(2))
        elif opt is None and out and line.strip():
            out[-1] = f"{out[-1]} {line.strip()}"  # an option text continued on the next line
    return tuple(out) if len(out) >= 2 else ()


def load(path: Path, limit: int | None) -> list[ReasonItem]:
    data_file = locate(path)
    if data_file.suffix == ".parquet":
        rows: Any = read_parquet_rows(NAME, data_file, EXPECTED)
    else:
        rows = read_json(NAME, data_file, EXPECTED)
    if not isinstance(rows, list):
        raise bad(NAME, data_file, EXPECTED, describe(rows))
    items = []
    for i, row in enumerate(take(rows, limit)):
        if not isinstance(row, dict):
            raise bad(NAME, data_file, EXPECTED, f"sample {i} is {describe(row)}")
        missing = [k for k in _KEYS if k not in row]
        if missing:
            raise bad(NAME, data_file, EXPECTED, f"sample {i} without {', '.join(missing)}")
        items.append(_item(data_file, row))
    return items


def _item(data_file: Path, row: dict[str, Any]) -> ReasonItem:
    sid = str(row["sample_index"])
    question = str(row["question"])
    answer = str(row["answer"])
    metadata = row.get("metadata") if isinstance(row.get("metadata"), dict) else {}
    meta: dict[str, Any] = {
        "question_type": row["question_type"],
        "problem_index": str(row.get("problem_index", "")),
        "subject": str(metadata.get("subject", "")),
        "subfield": str(metadata.get("subfield", "")),
        "source": str(metadata.get("source", "")),
    }
    if row.get("query_cot"):
        meta["prompt"] = str(row["query_cot"])
    if row.get("query_wo"):
        meta["prompt_direct"] = str(row["query_wo"])
    if row["question_type"] == "multi-choice":
        answer_type, options = "choice", parse_options(question)
    elif row["question_type"] == "free-form":
        answer_type, options = answer_type_of(answer), ()
    else:
        answer_type, options = "text", ()
        meta["unknown_answer_type"] = row["question_type"]
    image = row_image(NAME, data_file, row, sid, meta)
    return ReasonItem(
        benchmark=NAME,
        id=sid,
        question=question,
        image=image,
        answer=answer,
        answer_type=answer_type,
        options=options,
        category=meta["subject"],
        subset=str(row["problem_version"]),
        meta=meta,
    )
