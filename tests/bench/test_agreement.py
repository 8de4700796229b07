"""Judge-vs-deterministic agreement on constructed runs with known correlations."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from codepercept.bench.agreement import agreement, correlate, run_agreement, score_pairs
from codepercept.cli import app


def row(i, det_img, det_code, j_img, j_code, status="ok"):
    scores = {} if det_img is None else {"image": det_img, "code": det_code}
    return {"id": f"r{i}", "status": status, "scores": scores,
            "judge": {"image": j_img, "code": j_code, "error": None}}  # fmt: skip


def test_hand_computed_rank_correlation():
    # judge ranks 2,1,4,3,5 against 1..5: sum d^2 = 4, rho = 1 - 6*4/(5*24) = 0.8; the values
    # are themselves ranks, so Pearson is 0.8 too.
    det = np.array([10.0, 20, 30, 40, 50])
    judge = np.array([2.0, 1, 4, 3, 5])
    out = correlate(judge, det)
    assert out["n"] == 5
    assert out["spearman"] == pytest.approx(0.8) and out["pearson"] == pytest.approx(0.8)
    assert out["mean_judge"] == 3.0 and out["mean_deterministic"] == 30.0
    assert out["mean_abs_diff"] == pytest.approx(np.abs(judge - det).mean(), abs=1e-3)


def test_monotone_but_nonlinear_separates_spearman_from_pearson():
    det = np.arange(1.0, 11.0)
    out = correlate(det**4, det)
    assert out["spearman"] == 1.0 and 0.85 < out["pearson"] < 0.99
    assert correlate(-det, det)["pearson"] == -1.0


def test_undefined_correlations_are_none():
    assert correlate(np.array([]), np.array([]))["mean_judge"] is None
    two = correlate(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    assert two["n"] == 2 and two["spearman"] is None and two["mean_judge"] == 1.5
    const = correlate(np.array([5.0, 5, 5, 5]), np.array([1.0, 2, 3, 4]))
    assert const["spearman"] is None and const["pearson"] is None
    assert "every judge score is the same" in const["note"] and "fewer than 3" in two["note"]


def test_only_rows_with_both_scores_pair_up():
    rows = [row(i, 10.0 * i, 100 - 10.0 * i, 10.0 * i + 5, 3.0 * i) for i in range(6)]
    rows += [
        row(6, None, None, 0.0, None, status="timeout"),  # judged 0 but never scored
        row(7, 50.0, 50.0, None, None),  # judge failed
        {"id": "r8", "status": "ok", "scores": {"image": 1.0, "code": 2.0}},  # not judged
        row(9, 40.0, 40.0, float("nan"), True),  # junk values are not numbers
    ]
    rows[7]["judge"]["error"] = "image: HTTP 500"
    j, d = score_pairs(rows, "image")
    assert len(j) == len(d) == 6
    out = agreement(rows)
    assert out["image"]["n"] == 6 and out["code"]["n"] == 6
    assert out["image"]["spearman"] == 1.0 and out["image"]["pearson"] == 1.0
    assert out["code"]["spearman"] == -1.0  # judge rises while the code score falls
    assert out["image"]["mean_abs_diff"] == 5.0
    assert out["judged"] == 9 and out["judge_errors"] == 1


def test_run_agreement_and_cli(tmp_path):
    with pytest.raises(FileNotFoundError, match="results.jsonl"):
        run_agreement(tmp_path)
    rng = np.random.default_rng(0)
    det = rng.uniform(0, 100, 40)
    judge = np.clip(det + rng.normal(0, 10, 40), 0, 100)
    rows = [row(i, float(det[i]), float(det[i]), float(judge[i]), float(judge[i]))
            for i in range(40)]  # fmt: skip
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = CliRunner().invoke(app, ["bench", "agreement", str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout[res.stdout.index("{") :])
    assert data == json.loads((tmp_path / "agreement.json").read_text())
    assert data["image"]["n"] == 40 and data["image"]["spearman"] > 0.9
    assert data["image"]["pearson"] == pytest.approx(np.corrcoef(det, judge)[0, 1], abs=1e-4)
    assert "Spearman" in res.output
