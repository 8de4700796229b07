"""How well the LLM judges agree with the deterministic scores of a run.

For each score (``image``: judge Image Score vs our image score; ``code``: judge Code Score vs
our scene score) the pairs are the result rows where *both* numbers exist (executed items that
the judge scored). Reported per score: ``n``, Spearman's rho and Pearson's r with their
two-sided p-values, both means and the mean absolute difference. A correlation is ``None`` when
it is undefined: fewer than 3 pairs, or either side constant.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from codepercept._fs import atomic_write
from codepercept.bench.runner import read_results

KINDS = ("image", "code")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def score_pairs(rows: Iterable[dict[str, Any]], kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(judge, deterministic) arrays of ``kind`` over the rows holding both scores."""
    judge, det = [], []
    for row in rows:
        j = _number((row.get("judge") or {}).get(kind))
        d = _number((row.get("scores") or {}).get(kind))
        if j is not None and d is not None:
            judge.append(j)
            det.append(d)
    return np.asarray(judge, float), np.asarray(det, float)


def _r(x: float) -> float | None:
    return round(float(x), 4) if math.isfinite(x) else None


def correlate(judge: np.ndarray, det: np.ndarray) -> dict[str, Any]:
    """Spearman and Pearson between two equal-length arrays, with means and mean |difference|.

    Correlations (and p-values) are ``None`` for n < 3 or a constant side, where they are
    undefined (``note`` then says which); means are ``None`` for n = 0.
    """
    n = len(judge)
    out: dict[str, Any] = {"n": n, "spearman": None, "spearman_p": None, "pearson": None,
                           "pearson_p": None, "mean_judge": None, "mean_deterministic": None,
                           "mean_abs_diff": None}  # fmt: skip
    if n == 0:
        return out
    out["mean_judge"] = round(float(judge.mean()), 3)
    out["mean_deterministic"] = round(float(det.mean()), 3)
    out["mean_abs_diff"] = round(float(np.abs(judge - det).mean()), 3)
    if n < 3:
        out["note"] = "correlations undefined: fewer than 3 pairs"
        return out
    if np.ptp(judge) == 0 or np.ptp(det) == 0:
        side = "judge" if np.ptp(judge) == 0 else "deterministic"
        out["note"] = f"correlations undefined: every {side} score is the same"
        return out
    rho, rho_p = stats.spearmanr(judge, det)
    r, r_p = stats.pearsonr(judge, det)
    out.update(spearman=_r(rho), spearman_p=_r(rho_p), pearson=_r(r), pearson_p=_r(r_p))
    return out


def agreement(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Judge-vs-deterministic agreement over result rows: ``{"image": {...}, "code": {...}}``
    (see :func:`correlate`), plus ``judged`` (rows with a judge record) and ``judge_errors``."""
    rows = list(rows)
    out: dict[str, Any] = {k: correlate(*score_pairs(rows, k)) for k in KINDS}
    out["judged"] = sum(1 for r in rows if r.get("judge"))
    out["judge_errors"] = sum(1 for r in rows if (r.get("judge") or {}).get("error"))
    return out


def run_agreement(run_dir: str | Path, write: bool = True) -> dict[str, Any]:
    """:func:`agreement` over ``RUN/results.jsonl``; also written to ``RUN/agreement.json``.

    Raises ``FileNotFoundError`` when the directory holds no results.
    """
    run_dir = Path(run_dir)
    if not (run_dir / "results.jsonl").exists():
        raise FileNotFoundError(f"{run_dir} holds no results.jsonl (run `codepercept bench run`)")
    result = agreement(read_results(run_dir))
    result["run"] = str(run_dir)
    if write:
        atomic_write(run_dir / "agreement.json", json.dumps(result, indent=1))
    return result
