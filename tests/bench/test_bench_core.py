"""STEM2Code-Eval core: format, extraction, models, runner (resume), conventions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codepercept.bench import (
    build_benchmark,
    extract_code,
    load_bench,
    read_results,
    run_benchmark,
    summarize,
)
from codepercept.bench.dataset import PROMPT
from codepercept.bench.runner import _repair_tail
from codepercept.models.adapters import image_embedding, make_model
from tests.openai_server import serve_chat


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    build_benchmark(8, out, seed=11)
    return out


# -- extraction ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("response", "want"),
    [
        ("Here:\n```python\nimport a\n```\nand\n```python\nimport b\n```", "import a\n"),
        ("```\nimport c\n```", "import c\n"),
        ("```py\nx = 1\n```", "x = 1\n"),
        ("```python\nimport d\nplt.plot([1", "import d\nplt.plot([1\n"),  # truncated output
        (
            "import matplotlib.pyplot as plt\nplt.plot([1, 2])",
            "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n",
        ),
        ("I cannot draw this picture.", ""),
        ("", ""),
        (None, ""),
        ("```text\nnot code\n```", ""),
    ],
)
def test_extract_code(response, want):
    assert extract_code(response) == want


def test_extract_code_prefers_python_over_bare_and_can_take_last():
    r = "```\nbare\n```\n```python\nfirst\n```\n```python\nlast\n```"
    assert extract_code(r) == "first\n"
    assert extract_code(r, prefer_last=True) == "last\n"


# -- data -----------------------------------------------------------------------------------------
def test_built_benchmark_is_in_the_official_format(bench):
    line = json.loads((bench / "bench.jsonl").read_text().splitlines()[0])
    assert line["messages"][1]["content"][0]["image"].startswith("images/")
    assert "plt.show()" in line["messages"][3]["content"][0]["text"]
    assert line["messages"][2]["content"][0]["text"] == PROMPT
    manifest = json.loads((bench / "manifest.json").read_text())
    assert manifest["n"] == 8 and sum(manifest["per_domain"].values()) == 8
    assert len(manifest["per_domain"]) == 8  # balanced: one per domain


def test_loader_reports_the_bad_line(tmp_path, bench):
    good = (bench / "bench.jsonl").read_text().splitlines()[0]
    (tmp_path / "b.jsonl").write_text(
        good.replace('"images/', f'"{bench}/images/') + '\n{"messages": []}\n'
    )
    with pytest.raises(ValueError, match=r"b.jsonl:2"):
        load_bench(tmp_path / "b.jsonl")
    with pytest.raises(FileNotFoundError, match="no benchmark"):
        load_bench(tmp_path / "missing")


def test_rebuild_with_same_arguments_is_a_no_op_and_other_arguments_refuse(bench):
    assert build_benchmark(8, bench, seed=11)["n"] == 8
    with pytest.raises(ValueError, match="n: 8 before, 9 now"):  # a JobDirError
        build_benchmark(9, bench, seed=11)


# -- models and runner ----------------------------------------------------------------------------
def test_oracle_is_perfect_and_blank_is_zero(bench, tmp_path):
    oracle = run_benchmark(bench, "oracle", tmp_path / "o")
    assert oracle["overall"]["official"] == {"image": 100.0, "code": 100.0, "exec": 100.0,
                                             "final": 100.0, "avg": 100.0}  # fmt: skip
    blank = run_benchmark(bench, "blank", tmp_path / "b")
    assert blank["overall"]["strict"]["final"] == 0.0 and blank["overall"]["exec_rate"] == 0.0
    row = read_results(tmp_path / "o")[0]
    assert {"image_parts", "code_parts"} <= set(row["scores"])
    assert (tmp_path / "o" / "images" / f"{row['id']}.png").exists()


def test_predictions_model_and_hostile_code_is_just_a_status(bench, tmp_path):
    items = load_bench(bench)
    preds = tmp_path / "p.jsonl"
    hostile = "```python\nimport os\nos.system('touch /tmp/cp_bench_pwned')\n```"
    lines = [{"id": items[0].id, "response": hostile}]
    lines += [{"id": it.id, "response": f"```python\n{it.code}\n```"} for it in items[1:]]
    preds.write_text("".join(json.dumps(x) + "\n" for x in lines))
    summary = run_benchmark(bench, f"predictions:{preds}", tmp_path / "run")
    rows = {r["id"]: r for r in read_results(tmp_path / "run")}
    assert rows[items[0].id]["status"] == "forbidden"
    assert not Path("/tmp/cp_bench_pwned").exists()
    assert summary["overall"]["exec_rate"] == pytest.approx(100 * 7 / 8)
    # official averages over executed items; strict counts the failure as 0
    assert summary["overall"]["official"]["image"] == 100.0
    assert summary["overall"]["strict"]["image"] == pytest.approx(100 * 7 / 8)


def test_resume_skips_finished_items_and_repairs_a_torn_line(bench, tmp_path):
    run = tmp_path / "r"
    run_benchmark(bench, "oracle", run, limit=3)
    path = run / "results.jsonl"
    with open(path, "a") as fh:
        fh.write('{"id": "torn')  # what a kill mid-write leaves
    _repair_tail(path)
    assert len(read_results(run)) == 3
    (run / "results.jsonl").write_text(
        "\n".join((run / "results.jsonl").read_text().splitlines()[:2]) + "\n"
    )  # the third item's row was lost in the kill
    run_benchmark(bench, "oracle", run, limit=3)
    ids = [r["id"] for r in read_results(run)]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert len((run / "results.jsonl").read_text().splitlines()) == 3


def test_openai_model_through_a_real_local_server(bench, tmp_path):
    items = load_bench(bench)
    by_prompt = {}

    def answer(body):
        content = body["messages"][1]["content"]
        assert content[0]["image_url"]["url"].startswith("data:image/png;base64,")
        assert content[1]["text"] == PROMPT
        by_prompt.setdefault("n", 0)
        by_prompt["n"] += 1
        return (
            "```python\nimport matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()\n```"
        )

    with serve_chat(answer) as srv:
        summary = run_benchmark(bench, f"openai:test-vlm@{srv.base_url}", tmp_path / "m")
        assert summary["overall"]["exec_rate"] == 100.0
        assert 0 < summary["overall"]["official"]["image"] < 100
        # a re-run in a fresh directory with the same cache would not pay; the same run resumes
        run_benchmark(bench, f"openai:test-vlm@{srv.base_url}", tmp_path / "m")
    assert by_prompt["n"] == len(items)


def test_model_errors_are_recorded_per_item(bench, tmp_path):
    with serve_chat(lambda body: (400, {"error": {"message": "image too large"}})) as srv:
        summary = run_benchmark(bench, f"openai:m@{srv.base_url}", tmp_path / "e", limit=2)
    rows = read_results(tmp_path / "e")
    assert [r["status"] for r in rows] == ["model_error", "model_error"]
    assert "image too large" in rows[0]["message"]
    # recorded, but not results: nothing scored (see tests/bench/test_bench_jobs.py)
    assert summary["overall"]["n"] == 0 and summary["overall"]["model_errors"] == 2


def test_knn_is_strictly_between_blank_and_oracle(bench, tmp_path, executor):
    from codepercept.synth.pipeline import synthesize

    synthesize(24, tmp_path / "train", seed=3, executor=executor)
    summary = run_benchmark(bench, f"knn:{tmp_path / 'train'}", tmp_path / "k")
    final = summary["overall"]["official"]["final"]
    assert 0 < final < 100


def test_unknown_model_spec_is_a_clear_error():
    with pytest.raises(ValueError, match="knn:TRAIN_DIR"):
        make_model("gpt")


def test_embedding_is_normalised_and_self_similar(bench):
    png = load_bench(bench)[0].image_bytes()
    v = image_embedding(png)
    assert abs(float(v @ v) - 1) < 1e-6


def test_summarize_per_domain():
    rows = [
        {"id": "a", "domain": "x", "status": "ok", "scores": {"image": 80, "code": 60}},
        {"id": "b", "domain": "x", "status": "timeout", "scores": {}},
        {"id": "c", "domain": "y", "status": "ok", "scores": {"image": 50, "code": 50}},
    ]
    s = summarize(rows)
    assert s["per_domain"]["x"]["official"]["image"] == 80.0
    assert s["per_domain"]["x"]["strict"]["image"] == 40.0
    assert s["overall"]["exec_rate"] == pytest.approx(66.67)
    assert s["overall"]["official"]["final"] == pytest.approx(round((65 + 55 + 66.666667) / 3, 2))


def test_bench_build_that_can_keep_nothing_stops_and_says_why(tmp_path, monkeypatch):
    """Every candidate near the excluded set (distance 64 covers every hash): a bound, not a hang."""
    from codepercept.bench import build as build_mod
    from codepercept.synth.pipeline import NoProgressError, synthesize

    synthesize(2, tmp_path / "train", seed=1, family_names=["cube_net"], workers=1)
    monkeypatch.setattr(build_mod, "NO_PROGRESS_LIMIT", 12)
    with pytest.raises(
        NoProgressError,
        match=r"bench build: stopped: the last 1\d candidates.*near_excluded 1\d.*kept so far\)",
    ):
        build_benchmark(4, tmp_path / "b", exclude_dataset=tmp_path / "train",
                        exclude_distance=64, workers=1)  # fmt: skip


def test_the_official_convention_renders_at_300_and_scenes_follow_the_run_dpi(bench, tmp_path):
    """Built and run at 300 (the public harness's savefig dpi) the oracle is perfect; run at
    100 on that benchmark, the reference scenes are traced again at 100 (a trace depends on the
    dpi), so the code score stays exact, and the summary and report say which dpi it was."""
    from codepercept.bench import build_report
    from codepercept.bench.runner import OFFICIAL_DPI, bench_dpi

    assert bench_dpi(bench) == OFFICIAL_DPI == 300
    official = run_benchmark(bench, "oracle", tmp_path / "o300", limit=3)
    low = run_benchmark(bench, "oracle", tmp_path / "o100", limit=3, dpi=100)
    assert official["dpi"] == 300 and low["dpi"] == 100
    assert official["overall"]["official"]["code"] == 100.0
    assert low["overall"]["official"]["code"] == 100.0
    assert "dpi 300" in official["conventions"]["official"]
    assert len(list((tmp_path / "o100" / "reference").glob("*.scene.json"))) == 3
    assert not list((tmp_path / "o300" / "reference").glob("*.scene.json"))
    build_report([tmp_path / "o300", tmp_path / "o100"], tmp_path / "rep.html")
    page = (tmp_path / "rep.html").read_text()
    assert '<th rowspan="2">dpi</th>' in page and "100*" in page
