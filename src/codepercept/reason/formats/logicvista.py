"""LogicVista (Yijia-Xiao/LogicVista): ``data/dataset.json`` with ``data/images/``.

A JSON object, ``v1_<n>`` → question with ``imagename`` (``v1_<n>.png`` in ``images/`` beside the
file), ``question`` (options are in the image or inline as ``(A) ... (B) ...``), ``answer`` (one
label, or several joined by ``", "`` such as ``"A, C"``; a few questions are labelled ``1``-``5``),
``reasoning``, ``skill`` (a list: inductive, deductive, numerical, spatial, mechanical),
``broad_capability``, ``specific_capability``, ``imagesource``, ``sourcelink``.
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
    parse_inline_options,
    read_json,
    resolve_image,
    take,
)

NAME = "logicvista"
_KEYS = ("question", "answer", "skill")
EXPECTED = (
    "a JSON object of id → question with keys imagename, question, answer, reasoning, skill, "
    "broad_capability, specific_capability (LogicVista dataset.json)"
)
_DIGIT_RANGE = re.compile(r"\b1\s*(?:-|–|to)\s*([2-9])\b")
_LETTER_RANGE = re.compile(r"\bA\s*(?:-|–|to)\s*([B-Z])\b")
_LETTER_LIST = re.compile(r"\bA,\s*(?:[B-Z],?\s*)*(?:(?:and|or)\s+)?([B-Z])\b")


def locate(path: Path) -> Path:
    return find_file(NAME, path, ("dataset.json",), EXPECTED)


def labels_of(question: str, options: tuple[str, ...]) -> str:
    """The answer labels the question offers: the letters of its inline options or of a range or
    list it names ("A-I", "A to F", "A, B, C, D, and E"); else ``1``-``n`` and A-E for "Select
    from 1-5"; else A-E."""
    last = ""
    for pattern in (_LETTER_RANGE, _LETTER_LIST):
        for found in pattern.finditer(question):
            last = max(last, found.group(1))
    if options:
        last = max(last, chr(ord("A") + len(options) - 1))
    if not last:
        m = _DIGIT_RANGE.search(question)
        if m:  # a few of these are labelled with letters all the same (v1_190: "B")
            return "".join(str(i) for i in range(1, int(m.group(1)) + 1)) + "ABCDE"
        last = "E"
    return "".join(chr(c) for c in range(ord("A"), ord(max(last, "E")) + 1))


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def load(path: Path, limit: int | None) -> list[ReasonItem]:
    data_file = locate(path)
    doc = read_json(NAME, data_file, EXPECTED)
    if not isinstance(doc, dict):
        raise bad(NAME, data_file, EXPECTED, describe(doc))
    items = []
    for qid, row in take(doc.items(), limit):
        if not isinstance(row, dict):
            raise bad(NAME, data_file, EXPECTED, f"question {qid} is {describe(row)}")
        missing = [k for k in _KEYS if k not in row]
        if missing:
            raise bad(NAME, data_file, EXPECTED, f"question {qid} without {', '.join(missing)}")
        items.append(_item(data_file, str(qid), row))
    return items


def _item(data_file: Path, qid: str, row: dict[str, Any]) -> ReasonItem:
    question = str(row["question"])
    answer = str(row["answer"])
    options = parse_inline_options(question)
    skills = [str(s) for s in (row["skill"] if isinstance(row["skill"], list) else [row["skill"]])]
    meta: dict[str, Any] = {
        "skills": skills,
        "broad_capability": _first(row.get("broad_capability")),
        "specific_capability": _first(row.get("specific_capability")),
        "labels": labels_of(question, options),
        "multi_select": ", " in answer,
    }
    name = row.get("imagename")
    image, missing = resolve_image(data_file, f"images/{name}" if name else None)
    if missing:
        meta["image_missing"] = True
    return ReasonItem(
        benchmark=NAME,
        id=qid,
        question=question,
        image=image,
        answer=answer,
        answer_type="choice",
        options=options,
        category=skills[0] if skills else "",
        subset="",
        meta=meta,
    )
