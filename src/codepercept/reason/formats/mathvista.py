"""MathVista (lupantech/MathVista): ``testmini.json`` / ``test.json`` or the Hugging Face Parquet.

The GitHub file is one JSON object, pid → problem, with ``question``, ``image`` (relative,
``images/<pid>.jpg``), ``choices`` (list or null), ``unit``, ``precision``, ``answer`` (a string;
the option text for multiple choice), ``question_type`` (``multi_choice`` | ``free_form``),
``answer_type`` (``text`` | ``integer`` | ``float`` | ``list``), ``pid`` and ``metadata`` (split,
language, source, category, task, context, grade, skills). The Hugging Face Parquet rows have the
same fields plus ``query`` (the prompt) and ``decoded_image``. A ``query.json`` beside the JSON
(pid → prompt) is read when present.
"""

from __future__ import annotations

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

NAME = "mathvista"
_KEYS = ("question", "answer", "question_type", "answer_type")
EXPECTED_JSON = (
    "a JSON object of pid → problem with keys question, image, choices, unit, precision, "
    "answer, question_type, answer_type, metadata (MathVista testmini.json)"
)
EXPECTED_PARQUET = "MathVista Parquet rows with pid, question, answer, question_type, answer_type"
_ANSWER_TYPES = {"integer": "integer", "float": "float", "list": "list", "text": "text"}


def locate(path: Path) -> Path:
    """The data file ``path`` names: the file itself, or ``testmini.json`` / the testmini
    Parquet inside a directory (or its ``data/``)."""
    return find_file(NAME, path, ("testmini.json", "testmini-*.parquet"), EXPECTED_JSON)


def load(path: Path, limit: int | None) -> list[ReasonItem]:
    data_file = locate(path)
    if data_file.suffix == ".parquet":
        rows = read_parquet_rows(NAME, data_file, EXPECTED_PARQUET)
        problems: list[tuple[str, dict[str, Any]]] = []
        for i, row in enumerate(rows):
            if "pid" not in row:
                raise bad(NAME, data_file, EXPECTED_PARQUET, f"row {i} without pid")
            problems.append((str(row["pid"]), row))
        queries: dict[str, Any] = {}
    else:
        doc = read_json(NAME, data_file, EXPECTED_JSON)
        if not isinstance(doc, dict):
            raise bad(NAME, data_file, EXPECTED_JSON, describe(doc))
        problems = [(str(k), v) for k, v in doc.items()]
        qfile = data_file.with_name("query.json")
        queries = read_json(NAME, qfile, "a JSON object of pid → query") if qfile.is_file() else {}
        if not isinstance(queries, dict):
            queries = {}
    items = []
    for pid, prob in take(problems, limit):
        if not isinstance(prob, dict):
            raise bad(NAME, data_file, EXPECTED_JSON, f"problem {pid} is {describe(prob)}")
        missing = [k for k in _KEYS if k not in prob]
        if missing:
            raise bad(NAME, data_file, EXPECTED_JSON, f"problem {pid} without {', '.join(missing)}")
        items.append(_item(data_file, pid, prob, queries.get(pid)))
    return items


def _item(data_file: Path, pid: str, prob: dict[str, Any], query: Any) -> ReasonItem:
    choices = tuple(str(c) for c in (prob.get("choices") or ()))
    unit = prob.get("unit") or ""
    question = str(prob["question"])
    if unit:
        question += f" (Unit: {unit})"
    if choices:
        question += "\nChoices:\n" + "\n".join(
            f"({chr(ord('A') + i)}) {c}" for i, c in enumerate(choices)
        )
    meta: dict[str, Any] = {
        "pid": pid,
        "question_type": prob["question_type"],
        "answer_type": prob["answer_type"],
        "precision": prob.get("precision"),
        "unit": unit,
    }
    metadata = prob.get("metadata") or {}
    if isinstance(metadata, dict):
        for key in ("language", "source", "category", "context", "grade", "split", "task"):
            if metadata.get(key) is not None:
                meta[key] = str(metadata[key])
        meta["skills"] = [str(s) for s in (metadata.get("skills") or [])]
    prompt = prob.get("query") or query
    if prompt:
        meta["prompt"] = str(prompt)
    if prob["question_type"] == "multi_choice":
        answer_type = "choice"
    else:
        answer_type = _ANSWER_TYPES.get(str(prob["answer_type"]), "text")
        if str(prob["answer_type"]) not in _ANSWER_TYPES:
            meta["unknown_answer_type"] = prob["answer_type"]
    image = row_image(NAME, data_file, prob, pid, meta)
    return ReasonItem(
        benchmark=NAME,
        id=pid,
        question=question,
        image=image,
        answer=str(prob["answer"]),
        answer_type=answer_type,
        options=choices,
        category=meta.get("task", ""),
        subset=meta.get("split", ""),
        meta=meta,
    )
