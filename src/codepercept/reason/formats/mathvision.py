"""MATH-Vision (mathllm/MATH-V): ``test.jsonl`` / ``testmini.jsonl`` or the Hugging Face Parquet.

One JSON object a line with ``id``, ``question`` (with ``<image1>`` placeholders), ``options``
(five option texts, ``["A", ..., "E"]`` when the options are drawn in the image, or ``[]`` for a
free-form question), ``answer`` (the option letter, or the value, often LaTeX), ``solution``,
``level`` (1-5), ``subject`` and ``image`` (relative, ``images/<id>.jpg``). The Parquet rows carry
the same fields plus ``decoded_image``.
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
    read_jsonl,
    read_parquet_rows,
    row_image,
    take,
)

NAME = "mathvision"
_KEYS = ("id", "question", "options", "answer")
EXPECTED = (
    "JSON lines with keys id, question, options, answer, solution, level, subject, image "
    "(MATH-Vision test.jsonl / testmini.jsonl)"
)
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)")


def locate(path: Path) -> Path:
    """The file itself, or ``test.jsonl`` (else ``testmini.jsonl``, else their Parquet) inside a
    directory or its ``data/``."""
    return find_file(
        NAME,
        path,
        ("test.jsonl", "test-*.parquet", "testmini.jsonl", "testmini-*.parquet"),
        EXPECTED,
    )


def answer_type_of(answer: str) -> str:
    """A free-form gold answer's type: ``integer``/``float`` when it is a plain number, else
    ``text`` (LaTeX expressions, tuples, words: MATH-V declares no answer type)."""
    text = answer.strip()
    if _INT.fullmatch(text):
        return "integer"
    if _FLOAT.fullmatch(text):
        return "float"
    return "text"


def load(path: Path, limit: int | None) -> list[ReasonItem]:
    data_file = locate(path)
    if data_file.suffix == ".parquet":
        rows = read_parquet_rows(NAME, data_file, EXPECTED)
    else:
        rows = read_jsonl(NAME, data_file, EXPECTED)
    split = "testmini" if data_file.name.startswith("testmini") else "test"
    items = []
    for i, row in enumerate(take(rows, limit)):
        if not isinstance(row, dict):
            raise bad(NAME, data_file, EXPECTED, f"record {i + 1} is {describe(row)}")
        missing = [k for k in _KEYS if k not in row]
        if missing:
            raise bad(NAME, data_file, EXPECTED, f"record {i + 1} without {', '.join(missing)}")
        items.append(_item(data_file, split, row))
    return items


def _item(data_file: Path, split: str, row: dict[str, Any]) -> ReasonItem:
    rid = str(row["id"])
    options = tuple(str(o) for o in (row.get("options") or ()))
    answer = str(row["answer"])
    question = str(row["question"])
    if options and "".join(options) != "ABCDE"[: len(options)]:
        question += "\n" + "\n".join(f"({chr(ord('A') + i)}) {o}" for i, o in enumerate(options))
    level = row.get("level")
    meta: dict[str, Any] = {
        "split": split,
        "level": level,
        "subject": str(row.get("subject") or ""),
    }
    image = row_image(NAME, data_file, row, rid, meta)
    return ReasonItem(
        benchmark=NAME,
        id=rid,
        question=question,
        image=image,
        answer=answer,
        answer_type="choice" if options else answer_type_of(answer),
        options=options,
        category=meta["subject"],
        subset=f"level{level}" if level not in (None, "") else "",
        meta=meta,
    )
