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
    image_from_row,
    read_jsonl,
    read_parquet_rows,
    resolve_image,
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
    if path.is_file():
        return path
    if not path.is_dir():
        raise bad(NAME, path, EXPECTED, "no such file or directory")
    for sub in (path, path / "data"):
        for name in ("test", "testmini"):
            if (sub / f"{name}.jsonl").is_file():
                return sub / f"{name}.jsonl"
            parquet = sorted(sub.glob(f"{name}-*.parquet"))
            if parquet:
                return parquet[0]
    raise bad(
        NAME, path, EXPECTED, "a directory without test.jsonl, testmini.jsonl or their Parquet"
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
    if "decoded_image" in row or isinstance(row.get("image"), dict):
        image, missing = image_from_row(
            NAME, data_file, row.get("image"), row.get("decoded_image"), rid
        )
    else:
        image, missing = resolve_image(data_file, row.get("image"))
    if missing:
        meta["image_missing"] = True
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
