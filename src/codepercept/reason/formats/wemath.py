"""We-Math (We-Math/We-Math): ``testmini.json``, with ``knowledge_structure_nodes.json``.

A JSON list of questions with ``ID`` (the problem, ``2steps_<n>`` / ``3steps_<n>``), ``key`` (the
question's role in it: ``<k>steps_<i>`` for the one-step sub-problem i, ``<k>steps_multi`` for
the composite problem), ``split``, ``knowledge concept`` (``;``-joined for a composite problem),
``question``, ``option`` (one string, ``A. ...;B. ...; E. No correct answer``), ``answer`` (a
letter), ``image_path`` (relative, ``2steps/image/1-1.png``), ``question number`` and
``knowledge concept description``. The knowledge-structure file lists nodes with ``root0`` ..
``root4`` and ``full node`` (``_``-joined path); its ``root2`` is the domain the paper reports by.

Item ids are ``<ID>/<key>``; ``subset`` is the key; ``category`` the knowledge concept.
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
    find_file,
    read_json,
    resolve_image,
)

NAME = "wemath"
_KEYS = ("ID", "key", "question", "option", "answer")
EXPECTED = (
    "a JSON list of questions with keys ID, split, knowledge concept, question, option, answer, "
    "image_path, key, question number (We-Math testmini.json)"
)
EXPECTED_NODES = (
    "a JSON list of nodes with keys root2 and full node (knowledge_structure_nodes.json)"
)
_KEY = re.compile(r"^([23])steps_(\d+|multi)$")
_OPTION = re.compile(r"(?<![^\s;])([A-H])\.\s*")


def locate(path: Path) -> Path:
    return find_file(NAME, path, ("testmini.json",), EXPECTED)


def parse_options(option: str) -> tuple[str, ...]:
    """The option texts of a ``A. x;B. y; E. No correct answer`` string, in label order."""
    marks = []
    for m in _OPTION.finditer(option):
        if m.group(1) == chr(ord("A") + len(marks)):
            marks.append(m)
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(option)
        out.append(option[m.end() : end].strip().rstrip(";").strip())
    return tuple(out)


def _domains(data_file: Path) -> dict[str, list[str]]:
    """Knowledge concept (a node's last ``full node`` segment) → its ``root2`` domains, from
    ``knowledge_structure_nodes.json`` beside the data file or one directory up ({} if none)."""
    for folder in (data_file.resolve().parent, data_file.resolve().parent.parent):
        nodes_file = folder / "knowledge_structure_nodes.json"
        if nodes_file.is_file():
            break
    else:
        return {}
    nodes = read_json(NAME, nodes_file, EXPECTED_NODES)
    if not isinstance(nodes, list):
        raise bad(NAME, nodes_file, EXPECTED_NODES, describe(nodes))
    out: dict[str, list[str]] = {}
    for node in nodes:
        if not isinstance(node, dict) or "full node" not in node or "root2" not in node:
            raise bad(NAME, nodes_file, EXPECTED_NODES, f"a node that is {describe(node)}")
        concept = str(node["full node"]).split("_")[-1]
        domain = str(node["root2"])
        if domain not in out.setdefault(concept, []):
            out[concept].append(domain)
    return out


def load(path: Path, limit: int | None) -> list[ReasonItem]:
    """All questions in file order; ``limit`` keeps the questions of the first ``limit``
    problems (an ``ID`` with its sub-problems and composite problem, so the four-dimensional
    metrics stay meaningful)."""
    if limit is not None and limit < 0:
        raise UsageError(f"limit must be a non-negative number of items, got {limit}")
    data_file = locate(path)
    rows = read_json(NAME, data_file, EXPECTED)
    if not isinstance(rows, list):
        raise bad(NAME, data_file, EXPECTED, describe(rows))
    domains = _domains(data_file)
    problems: list[str] = []
    items = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise bad(NAME, data_file, EXPECTED, f"question {i} is {describe(row)}")
        missing = [k for k in _KEYS if k not in row]
        if missing:
            raise bad(NAME, data_file, EXPECTED, f"question {i} without {', '.join(missing)}")
        problem = str(row["ID"])
        if problem not in problems:
            if limit is not None and len(problems) >= limit:
                continue
            problems.append(problem)
        items.append(_item(data_file, row, domains))
    return items


def _item(data_file: Path, row: dict[str, Any], domains: dict[str, list[str]]) -> ReasonItem:
    problem, key = str(row["ID"]), str(row["key"])
    concept = str(row.get("knowledge concept") or "")
    option = str(row["option"])
    m = _KEY.match(key)
    meta: dict[str, Any] = {
        "problem": problem,
        "key": key,
        "steps": int(m.group(1)) if m else None,
        "step": m.group(2) if m else "",
        "question_number": row.get("question number"),
        "knowledge_concept": concept,
        "split": str(row.get("split") or ""),
    }
    if domains:
        meta["domains"] = list(domains.get(concept, []))
    image, missing = resolve_image(data_file, row.get("image_path"))
    if missing:
        meta["image_missing"] = True
    return ReasonItem(
        benchmark=NAME,
        id=f"{problem}/{key}",
        question=f"{row['question']}\n{option}",
        image=image,
        answer=str(row["answer"]),
        answer_type="choice",
        options=parse_options(option),
        category=concept,
        subset=key,
        meta=meta,
    )
