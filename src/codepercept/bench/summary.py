"""Aggregating per-item results under two clearly labelled conventions.

* ``official`` — as the public harness computes: Image and Code averaged over the items that
  executed (rendered an image); Exec = executed / scored x 100; final = (Image + Code + Exec) / 3;
  ``avg`` = (Image + Code) / 2 as in the paper's table.
* ``strict`` — every scored item counts; an item that did not execute scores 0 on Image and Code.

What is scored, in both: every item with a result. ``model_error`` (the model's endpoint gave
no answer, after its retries) is not a result: such items are left out of ``n`` and of every
average, counted as ``model_errors``, and retried when the run is resumed. ``no_prediction``
(a predictions file without a response for the item) is a result: the model gave nothing, so
the item counts as not executed. Each block holds ``n`` (= ``scored``, the items every number
is over), ``model_errors``, ``no_prediction``, ``attempted`` (``scored`` +
``model_errors``), ``exec_rate``, both conventions and the count of each status.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

#: Statuses that are not results: the item was not scored and is retried on resume.
NOT_RESULTS = frozenset({"model_error"})

CONVENTIONS = {
    "official": "programs rendered at dpi 300, as the public harness saves them (the run's dpi "
    "is in the summary); Image/Code averaged over executed items; Exec = executed/scored; "
    "final=(Image+Code+Exec)/3; model_error items (no answer from the model) are not scored "
    "(left out of n and every average, counted in model_errors); no_prediction items are "
    "scored as not executed",
    "strict": "every scored item counts: a non-executed item (no_prediction included) scores 0 "
    "on Image and Code; final=(Image+Code+Exec)/3; model_error items are not scored (left out "
    "of n and every average, counted in model_errors)",
}


def is_result(row: dict[str, Any]) -> bool:
    """Whether a result row scores its item (a ``model_error`` row does not)."""
    return row.get("status") not in NOT_RESULTS


def _block(rows: list[dict[str, Any]]) -> dict[str, Any]:
    scored = [r for r in rows if is_result(r)]
    n = len(scored)
    executed = [r for r in scored if r.get("status") == "ok"]
    exec_rate = 100.0 * len(executed) / n if n else 0.0

    def mean(vals: list[float]) -> float:
        return sum(vals) / len(vals) if vals else 0.0

    img_exec = [float(r["scores"]["image"]) for r in executed if "image" in r.get("scores", {})]
    code_exec = [float(r["scores"]["code"]) for r in executed if "code" in r.get("scores", {})]
    official_img, official_code = mean(img_exec), mean(code_exec)
    strict_img = sum(img_exec) / n if n else 0.0
    strict_code = sum(code_exec) / n if n else 0.0
    statuses: dict[str, int] = defaultdict(int)
    for r in rows:
        statuses[r.get("status", "unknown")] += 1
    r2 = lambda x: round(x, 2)  # noqa: E731
    return {
        "n": n,
        "scored": n,
        "model_errors": len(rows) - n,
        "no_prediction": statuses.get("no_prediction", 0),
        "attempted": len(rows),
        "exec_rate": r2(exec_rate),
        "official": {
            "image": r2(official_img),
            "code": r2(official_code),
            "exec": r2(exec_rate),
            "final": r2((official_img + official_code + exec_rate) / 3),
            "avg": r2((official_img + official_code) / 2),
        },
        "strict": {
            "image": r2(strict_img),
            "code": r2(strict_code),
            "exec": r2(exec_rate),
            "final": r2((strict_img + strict_code + exec_rate) / 3),
            "avg": r2((strict_img + strict_code) / 2),
        },
        "statuses": dict(sorted(statuses.items())),
    }


def summarize(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Overall and per-domain summaries of result rows (one row per item)."""
    rows = list(results)
    by_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_domain[r.get("domain", "unknown")].append(r)
    return {
        "overall": _block(rows),
        "per_domain": {d: _block(rs) for d, rs in sorted(by_domain.items())},
        "conventions": dict(CONVENTIONS),
    }
