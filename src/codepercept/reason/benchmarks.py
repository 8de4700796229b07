"""Six STEM visual-reasoning benchmarks, loaded from the files their authors distribute.

:func:`load_benchmark` reads a local file or directory (nothing is downloaded);
:func:`make_record` turns an item and a model's extracted answer into the record
:func:`summarise` aggregates, with the breakdowns each benchmark reports. Formats, rules and the
sources they were read from are in ``docs/reason-benchmarks.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from codepercept.errors import UsageError
from codepercept.reason.answers import extract_answer, is_correct
from codepercept.reason.formats import (
    dynamath,
    logicvista,
    mathverse,
    mathvision,
    mathvista,
    wemath,
)
from codepercept.reason.formats._common import ReasonItem

__all__ = ["BENCHMARKS", "ReasonItem", "load_benchmark", "make_record", "summarise"]

_LOADERS: dict[str, Callable[[Path, int | None], list[ReasonItem]]] = {
    "mathvista": mathvista.load,
    "mathvision": mathvision.load,
    "mathverse": mathverse.load,
    "dynamath": dynamath.load,
    "wemath": wemath.load,
    "logicvista": logicvista.load,
}

#: The benchmark names :func:`load_benchmark`, :func:`extract_answer` and :func:`summarise` take.
BENCHMARKS: tuple[str, ...] = tuple(_LOADERS)


def _check_name(name: str) -> str:
    key = str(name).strip().lower().replace("-", "").replace("_", "")
    key = {"mathv": "mathvision"}.get(key, key)
    if key not in _LOADERS:
        raise UsageError(f"unknown benchmark {name!r}: expected one of {', '.join(BENCHMARKS)}")
    return key


def load_benchmark(name: str, path: str | Path, *, limit: int | None = None) -> list[ReasonItem]:
    """The items of benchmark ``name`` read from ``path`` (a data file, or the directory that
    holds it), in file order. ``limit`` keeps the first ``limit`` items — for DynaMath the first
    ``limit`` seed questions with all their variants, for We-Math the first ``limit`` problems
    with all their sub-problems, so their grouped metrics stay meaningful.

    Raises :class:`~codepercept.errors.UsageError` (a ``ValueError``) with one line naming the
    file and what was expected when the path is missing or is not the benchmark's format."""
    key = _check_name(name)
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise UsageError(f"limit must be a non-negative number of items, got {limit!r}")
    return _LOADERS[key](Path(path).expanduser(), limit)


# -- records -------------------------------------------------------------------------------------

_GROUP_KEYS: dict[str, tuple[str, ...]] = {
    "mathvista": ("skills", "question_type", "answer_type", "language", "source", "category",
                  "context", "grade"),
    "mathvision": ("level", "subject"),
    "mathverse": ("subject", "subfield", "problem_index"),
    "dynamath": ("seed", "variant", "level", "subject"),
    "wemath": ("problem", "key", "steps", "step", "knowledge_concept", "domains"),
    "logicvista": ("skills", "broad_capability", "specific_capability"),
}  # fmt: skip


def make_record(
    item: ReasonItem,
    response: str | None = None,
    *,
    extracted: str | None = None,
    status: str = "ok",
) -> dict[str, Any]:
    """The record :func:`summarise` reads for ``item``: ``id``, ``category``, ``subset``,
    ``correct``, ``status``, ``extracted``, and ``groups`` (the item's breakdown keys: skills,
    level, seed, problem, ...). The answer is extracted from ``response`` unless ``extracted``
    is given; a status other than ``"ok"`` (the runner's error for the item) is never correct."""
    if extracted is None and response is not None:
        extracted = extract_answer(item, response)
    ok = status == "ok"
    return {
        "benchmark": item.benchmark,
        "id": item.id,
        "category": item.category,
        "subset": item.subset,
        "correct": bool(ok and is_correct(item, extracted)),
        "status": status,
        "extracted": extracted,
        "groups": {k: item.meta[k] for k in _GROUP_KEYS[item.benchmark] if k in item.meta},
    }


# -- summaries -----------------------------------------------------------------------------------


def _acc(values: Iterable[bool]) -> dict[str, Any]:
    values = list(values)
    correct = sum(1 for v in values if v)
    return {
        "n": len(values),
        "correct": correct,
        "accuracy": correct / len(values) if values else 0.0,
    }


def _by(records: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Accuracy per value of ``key(record)`` (a list value counts the record under each)."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for r in records:
        value = key(r)
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if v is not None and v != "":
                groups[str(v)].append(_ok(r))
    return {k: _acc(groups[k]) for k in sorted(groups)}


def _ok(record: dict[str, Any]) -> bool:
    return record.get("status", "ok") == "ok" and bool(record.get("correct"))


def _group(record: dict[str, Any], key: str) -> Any:
    groups = record.get("groups")
    return groups.get(key) if isinstance(groups, dict) else None


def _check_records(records: list[dict[str, Any]]) -> None:
    for i, r in enumerate(records):
        if not isinstance(r, dict):
            raise UsageError(f"record {i} is a {type(r).__name__}, expected a dict")
        missing = [k for k in ("id", "correct") if k not in r]
        if missing:
            raise UsageError(f"record {i} without {', '.join(missing)}")


def summarise(benchmark: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall accuracy of ``records`` plus the breakdowns ``benchmark`` reports.

    Every summary has ``n``, ``correct``, ``accuracy``, ``errors`` (count per non-``ok``
    status; those records count as wrong), ``by_category`` and ``by_subset``. Added per
    benchmark: MathVista ``by_skill`` and the other metadata breakdowns; MATH-Vision
    ``by_level`` and ``by_subject_level``; MathVerse ``by_version`` and ``by_subject_subfield``;
    DynaMath ``average`` and ``worst_case`` (a seed question counts only if all its variants are
    right); We-Math ``one_step`` / ``two_step`` / ``three_step`` accuracy, ``four_dimensional``
    (IK, IG, CM, RM, strict and loose scores) and ``by_domain``; LogicVista ``by_skill`` and
    ``by_capability``. Records made by :func:`make_record` carry the grouping keys these need;
    plain records fall back to what ``id``, ``category`` and ``subset`` say."""
    key = _check_name(benchmark)
    records = list(records)
    _check_records(records)
    errors: dict[str, int] = defaultdict(int)
    for r in records:
        if r.get("status", "ok") != "ok":
            errors[str(r.get("status"))] += 1
    out: dict[str, Any] = {"benchmark": key, **_acc(_ok(r) for r in records)}
    out["errors"] = dict(sorted(errors.items()))
    out["by_category"] = _by(records, lambda r: r.get("category"))
    out["by_subset"] = _by(records, lambda r: r.get("subset"))
    out.update(_EXTRA[key](records))
    return out


def _mathvista(records: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"by_task": _by(records, lambda r: r.get("category"))}
    out["by_skill"] = _by(records, lambda r: _group(r, "skills"))
    for key in ("question_type", "answer_type", "language", "source", "context", "grade"):
        out[f"by_{key}"] = _by(records, lambda r, key=key: _group(r, key))
    # metadata.category (math-targeted / general VQA); by_category is the task, as for all
    out["by_metadata_category"] = _by(records, lambda r: _group(r, "category"))
    return out


def _mathvision(records: list[dict[str, Any]]) -> dict[str, Any]:
    def level(r: dict[str, Any]) -> Any:
        lv = _group(r, "level")
        return f"level{lv}" if lv not in (None, "") else r.get("subset")

    return {
        "by_subject": _by(records, lambda r: r.get("category")),
        "by_level": _by(records, level),
        "by_subject_level": _by(records, lambda r: f"{r.get('category')}_{level(r)}"),
    }


def _mathverse(records: list[dict[str, Any]]) -> dict[str, Any]:
    def subfield(r: dict[str, Any]) -> Any:
        sub = _group(r, "subfield")
        return f"{r.get('category')}-{sub}" if sub else None

    return {
        "by_version": _by(records, lambda r: r.get("subset")),
        "by_subject": _by(records, lambda r: r.get("category")),
        "by_subject_subfield": _by(records, subfield),
    }


def _seed(r: dict[str, Any]) -> str:
    seed = _group(r, "seed")
    return str(seed) if seed is not None else str(r["id"]).split("/", 1)[0]


def _dynamath(records: list[dict[str, Any]]) -> dict[str, Any]:
    average = {
        **_acc(_ok(r) for r in records),
        "by_subject": _by(records, lambda r: r.get("category")),
        "by_level": _by(records, lambda r: _group(r, "level")),
    }
    seeds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        seeds[_seed(r)].append(r)
    worst = [
        {
            "correct": all(_ok(r) for r in rs),
            "category": rs[0].get("category"),
            "groups": {"level": _group(rs[0], "level")},
        }
        for rs in seeds.values()
    ]
    counts = [len(rs) for rs in seeds.values()]
    worst_case = {
        **_acc(w["correct"] for w in worst),
        "by_subject": _by(worst, lambda r: r.get("category")),
        "by_level": _by(worst, lambda r: _group(r, "level")),
        "variants_per_seed": {"min": min(counts), "max": max(counts)} if counts else {},
    }
    return {"average": average, "worst_case": worst_case}


def _wemath(records: list[dict[str, Any]]) -> dict[str, Any]:
    problems: dict[str, dict[str, bool]] = defaultdict(dict)
    concept_of: dict[str, str] = {}
    domains_of: dict[str, list[str]] = {}
    for r in records:
        problem = _group(r, "problem") or str(r["id"]).split("/", 1)[0]
        key = _group(r, "key") or r.get("subset") or str(r["id"]).split("/", 1)[-1]
        step = str(key).rsplit("_", 1)[-1]
        problems[str(problem)][step] = _ok(r)
        if step != "multi":
            concept_of[f"{problem}/{step}"] = str(
                r.get("category") or _group(r, "knowledge_concept") or ""
            )
            domains_of[f"{problem}/{step}"] = list(_group(r, "domains") or [])
    one = [ok for p in problems.values() for s, ok in p.items() if s != "multi"]
    two = [p["multi"] for name, p in problems.items() if "multi" in p and name.startswith("2steps")]
    three = [
        p["multi"] for name, p in problems.items() if "multi" in p and name.startswith("3steps")
    ]
    out: dict[str, Any] = {
        "one_step": _acc(one),
        "two_step": _acc(two),
        "three_step": _acc(three),
        "four_dimensional": _four_dimensional(problems),
    }
    # a domain's score is the mean over its knowledge concepts of their one-step accuracy
    per_concept: dict[str, list[bool]] = defaultdict(list)
    concept_domains: dict[str, set[str]] = defaultdict(set)
    for key, concept in concept_of.items():
        step_ok = problems[key.split("/", 1)[0]][key.split("/", 1)[1]]
        per_concept[concept].append(step_ok)
        concept_domains[concept].update(domains_of[key])
    domains: dict[str, list[float]] = defaultdict(list)
    for concept, oks in per_concept.items():
        for domain in concept_domains[concept]:
            domains[domain].append(sum(oks) / len(oks))
    out["by_domain"] = {
        d: {"concepts": len(v), "accuracy": sum(v) / len(v)} for d, v in sorted(domains.items())
    }
    return out


def _four_dimensional(problems: dict[str, dict[str, bool]]) -> dict[str, Any]:
    """IK, IG, CM, RM over the problems whose sub-problems and composite problem all have a
    record: IK = a sub-problem wrong and the composite wrong; IG = every sub-problem right and
    the composite wrong; CM = the composite right with every (strict) / any (loose) sub-problem
    right; RM = the composite right with any (strict) / every (loose) sub-problem wrong. Score =
    (N - 0.5 IG - RM - IK) / N; the RM rate is RM / (CM + RM)."""
    counts = {"IK": 0, "IG": 0, "CM_strict": 0, "CM_loose": 0, "RM_strict": 0, "RM_loose": 0}
    complete = 0
    for name, steps in problems.items():
        k = 3 if name.startswith("3steps") else 2
        subs = [steps.get(str(i)) for i in range(1, k + 1)]
        if "multi" not in steps or any(s is None for s in subs):
            continue
        complete += 1
        multi, all_ok, any_ok = steps["multi"], all(subs), any(subs)
        if multi:
            counts["CM_strict"] += all_ok
            counts["CM_loose"] += any_ok
            counts["RM_strict"] += not all_ok
            counts["RM_loose"] += not any_ok
        else:
            counts["IG"] += all_ok
            counts["IK"] += not all_ok
    out: dict[str, Any] = {"problems": complete, "counts": counts}
    if complete:
        n = complete
        out["rates"] = {
            "IK": counts["IK"] / n,
            "IG": counts["IG"] / n,
            "CM_strict": counts["CM_strict"] / n,
            "CM_loose": counts["CM_loose"] / n,
            "RM_strict": _ratio(counts["RM_strict"], counts["CM_strict"] + counts["RM_strict"]),
            "RM_loose": _ratio(counts["RM_loose"], counts["CM_loose"] + counts["RM_loose"]),
        }
        for mode in ("strict", "loose"):
            lost = 0.5 * counts["IG"] + counts[f"RM_{mode}"] + counts["IK"]
            out[f"score_{mode}"] = (n - lost) / n
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _logicvista(records: list[dict[str, Any]]) -> dict[str, Any]:
    def skills(r: dict[str, Any]) -> Any:
        return _group(r, "skills") or r.get("category")

    return {
        "by_skill": _by(records, skills),
        "by_capability": _by(records, lambda r: _group(r, "broad_capability")),
        "by_specific_capability": _by(records, lambda r: _group(r, "specific_capability")),
    }


_EXTRA: dict[str, Callable[[list[dict[str, Any]]], dict[str, Any]]] = {
    "mathvista": _mathvista,
    "mathvision": _mathvision,
    "mathverse": _mathverse,
    "dynamath": _dynamath,
    "wemath": _wemath,
    "logicvista": _logicvista,
}
