"""DynaMath (DynaMath/DynaMath): generated variants of 501 seed questions.

One variant is a directory with ``dataset.json`` (an object, seed id ``"1"``..``"501"`` →
``question``, ``answer``, ``image`` (relative, ``image/image<n>.png``), ``answer_type``
(``float`` | ``multiple choice`` | ``text``, a few ``int`` / ``single answer``), ``subject``,
``level``), as ``dataset_generator/generate_json.py`` writes it and as the repository ships ten
of them under ``samples and result/10trials/trial<k>/``. The Hugging Face ``DynaMath_Sample``
Parquet splits ``sample_variant<k>`` carry ``id``, ``question``, ``image``, ``decoded_image``,
``ground_truth``, ``answer_type``, ``subject``, ``knowledge_level``.

``path`` may be one variant's ``dataset.json`` or directory, a directory of variant directories,
a Parquet file, or a directory of ``sample_variant<k>-*.parquet`` files. Item ids are
``<seed>/<variant>``; ``subset`` is the variant.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from codepercept.errors import UsageError
from codepercept.reason.formats._common import (
    ReasonItem,
    bad,
    describe,
    parse_inline_options,
    parse_line_options,
    read_json,
    read_parquet_rows,
    row_image,
)

NAME = "dynamath"
_KEYS = ("question", "answer", "answer_type")
EXPECTED = (
    "a JSON object of seed id → question with keys question, answer, image, answer_type, "
    "subject, level (DynaMath dataset.json)"
)
EXPECTED_PARQUET = "DynaMath Parquet rows with id, question, ground_truth, answer_type"
_TYPES = {"float": "float", "multiple choice": "choice", "text": "text", "int": "integer"}
_VARIANT_PARQUET = re.compile(r"^sample_?(?:variant)?(\d+)-")


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def _variants(path: Path) -> list[tuple[str, Path]]:
    """(variant label, data file) for everything ``path`` names."""
    if path.is_file():
        if path.suffix == ".parquet":
            m = _VARIANT_PARQUET.match(path.name)
            return [(f"variant{m.group(1)}" if m else path.stem, path)]
        return [(path.resolve().parent.name, path)]
    if not path.is_dir():
        raise bad(NAME, path, EXPECTED, "no such file or directory")
    if (path / "dataset.json").is_file():
        return [(path.resolve().name, path / "dataset.json")]
    subdirs = sorted(
        (d for d in path.iterdir() if d.is_dir() and (d / "dataset.json").is_file()),
        key=lambda d: _natural(d.name),
    )
    if subdirs:
        return [(d.name, d / "dataset.json") for d in subdirs]
    for sub in (path, path / "data"):
        found: dict[str, Path] = {}
        for f in sorted(sub.glob("*.parquet")):
            m = _VARIANT_PARQUET.match(f.name)
            if m:
                found.setdefault(f"variant{m.group(1)}", f)
        if found:
            return sorted(found.items(), key=lambda kv: _natural(kv[0]))
    raise bad(
        NAME, path, EXPECTED,
        "a directory without dataset.json, variant directories or sample_variant<k>-*.parquet",
    )  # fmt: skip


def load(path: Path, limit: int | None) -> list[ReasonItem]:
    """Every variant's items, variant by variant; ``limit`` keeps the first ``limit`` seed
    questions (with all their variants, so worst-case accuracy stays meaningful)."""
    if limit is not None and limit < 0:
        raise UsageError(f"limit must be a non-negative number of items, got {limit}")
    items: list[ReasonItem] = []
    keep: set[str] | None = None
    for variant, data_file in _variants(path):
        rows = _rows(data_file)
        if keep is None and limit is not None:
            keep = {seed for seed, _ in rows[:limit]}
        for seed, row in rows:
            if keep is None or seed in keep:
                items.append(_item(data_file, variant, seed, row))
    return items


def _rows(data_file: Path) -> list[tuple[str, dict[str, Any]]]:
    if data_file.suffix == ".parquet":
        out = []
        for i, row in enumerate(read_parquet_rows(NAME, data_file, EXPECTED_PARQUET)):
            missing = [k for k in ("id", "question", "ground_truth", "answer_type") if k not in row]
            if missing:
                raise bad(
                    NAME, data_file, EXPECTED_PARQUET, f"row {i} without {', '.join(missing)}"
                )
            row = dict(row, answer=row["ground_truth"], level=row.get("knowledge_level"))
            out.append((str(row["id"]), row))
        return out
    doc = read_json(NAME, data_file, EXPECTED)
    if not isinstance(doc, dict):
        raise bad(NAME, data_file, EXPECTED, describe(doc))
    out = []
    for seed, row in doc.items():
        if not isinstance(row, dict):
            raise bad(NAME, data_file, EXPECTED, f"question {seed} is {describe(row)}")
        missing = [k for k in _KEYS if k not in row]
        if missing:
            raise bad(NAME, data_file, EXPECTED, f"question {seed} without {', '.join(missing)}")
        out.append((str(seed), row))
    return out


def _item(data_file: Path, variant: str, seed: str, row: dict[str, Any]) -> ReasonItem:
    question = str(row["question"])
    kind = str(row["answer_type"])
    subject = str(row.get("subject") or "")
    meta: dict[str, Any] = {
        "seed": seed,
        "variant": variant,
        "question_type": kind,
        "level": str(row.get("level") or ""),
        "subject": subject,
    }
    answer_type = _TYPES.get(kind, "text")
    if kind not in _TYPES:
        meta["unknown_answer_type"] = kind
    image = row_image(NAME, data_file, row, f"{seed}_{variant}", meta)
    return ReasonItem(
        benchmark=NAME,
        id=f"{seed}/{variant}",
        question=question,
        image=image,
        answer=str(row["answer"]),
        answer_type=answer_type,
        options=(parse_inline_options(question) or parse_line_options(question))
        if answer_type == "choice"
        else (),
        category=" ".join(subject.split()),
        subset=variant,
        meta=meta,
    )
