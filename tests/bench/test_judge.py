"""LLM judges: score parsing, and the judges against a real OpenAI-compatible server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from codepercept.bench.dataset import BenchItem, item_line
from codepercept.bench.judge import CODE_RUBRIC, IMAGE_RUBRIC, make_judge, parse_score
from codepercept.cli import app
from tests.openai_server import serve_chat

CODES = [
    "import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [0, 1, 0], color='red')\n",
    "import matplotlib.pyplot as plt\nplt.bar([1, 2, 3], [3, 1, 2])\n",
]


def make_bench(root: Path, codes: list[str] = CODES) -> Path:
    """A tiny benchmark: one drawn PNG and one small matplotlib program per item."""
    (root / "images").mkdir(parents=True)
    lines = []
    for i, code in enumerate(codes):
        img = Image.new("RGB", (200, 150), "white")
        ImageDraw.Draw(img).line([(10, 140), (100, 10), (190, 140)], fill=(200, 0, 0), width=3)
        img.save(root / "images" / f"t{i}.png")
        lines.append(json.dumps(item_line(f"t{i}", f"images/t{i}.png", code, domain="charts")))
    (root / "bench.jsonl").write_text("\n".join(lines) + "\n")
    return root


def is_image_request(body: dict) -> bool:
    content = body["messages"][-1]["content"]
    return isinstance(content, list) and any(p.get("type") == "image_url" for p in content)


# -- parsing ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Structure 25/30 ...\nScore: 85/100", 85.0),
        ("**Score:** 72 / 100", 72.0),
        ("score: 88.5/100", 88.5),
        ("Final Score = 77/100", 77.0),
        ("Score: 64 out of 100", 64.0),
        ("Score: 80", 80.0),  # no denominator: read on the 0..100 scale
        ("Score: 10/100 first draft\n...\nScore: 90/100", 90.0),  # the last match wins
        ("Score: 130/100", 100.0),  # clamped
        ("Score: -5/100", 0.0),  # clamped
        ("Score: 7/10", None),  # another scale is not a score
        ("Score: 7/10\nScore: 60/100", 60.0),
        ("End with 'Score: N/100'.", None),  # the template itself
        ("I think it is about 80 percent right.", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_score(text, expected):
    assert parse_score(text) == expected


@given(st.text(max_size=200), st.integers(min_value=-1000, max_value=1000))
def test_parse_score_final_line_wins(prefix, value):
    assert parse_score(f"{prefix}\nScore: {value}/100") == float(min(100, max(0, value)))


def test_rubrics_state_the_paper_weights():
    for part in ("(0-30)", "(0-30)", "(0-10)", "(0-20)", "(0-10)"):
        assert part in IMAGE_RUBRIC
    assert CODE_RUBRIC.count("(0-20)") == 3 and "(0-30)" in CODE_RUBRIC
    assert "(0-10)" in CODE_RUBRIC
    assert IMAGE_RUBRIC.rstrip().endswith("Score: N/100")
    assert CODE_RUBRIC.rstrip().endswith("Score: N/100")


def test_bad_spec_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="openai:MODEL@BASE_URL"):
        make_judge("gpt-4o", tmp_path)
    with pytest.raises(ValueError, match="MODEL@BASE_URL"):
        make_judge("openai:gpt-4o", tmp_path)


# -- against a real server --------------------------------------------------------------------
def test_cached_replies_are_not_asked_again(tmp_path):
    bench = make_bench(tmp_path / "bench", CODES[:1])
    item = BenchItem("t0", bench / "images/t0.png", CODES[0])
    (tmp_path / "run/images").mkdir(parents=True)
    (tmp_path / "run/images/t0.png").write_bytes(item.image_bytes())
    row = {"id": "t0", "status": "ok", "code": CODES[0]}
    with serve_chat(lambda body: "Score: 42/100") as srv:
        with make_judge(f"openai:j@{srv.base_url}", tmp_path / "run") as judge:
            first = judge(item, row)
        with make_judge(f"openai:j@{srv.base_url}", tmp_path / "run") as judge:
            second = judge(item, row)
        assert len(srv.requests) == 2  # image + code, once
    assert first == second and first["image"] == first["code"] == 42.0


def test_failures_are_recorded_not_raised(tmp_path):
    bench = make_bench(tmp_path / "bench", CODES[:1])
    item = BenchItem("t0", bench / "images/t0.png", CODES[0])

    def reply(body):
        if is_image_request(body):
            return "Looks close, maybe eighty."  # no score line
        return (400, {"error": {"message": "context too long"}})

    with serve_chat(reply) as srv:
        with make_judge(f"openai:j@{srv.base_url}", tmp_path / "run", retries=0) as judge:
            (tmp_path / "run/images").mkdir(parents=True)
            (tmp_path / "run/images/t0.png").write_bytes(item.image_bytes())
            out = judge(item, {"id": "t0", "status": "ok", "code": CODES[0]})
            missing = judge(
                BenchItem("t9", bench / "images/t0.png", CODES[0]),
                {"id": "t9", "status": "ok", "code": CODES[0]},
            )
            failed = judge(item, {"id": "t0", "status": "timeout", "code": CODES[0]})
            n_requests = len(srv.requests)
    assert out["image"] is None and out["raw_image"] == "Looks close, maybe eighty."
    assert out["code"] is None
    assert "no 'Score: N/100'" in out["error"] and "context too long" in out["error"]
    assert missing["image"] is None and "cannot read images" in missing["error"]
    # code that did not run scores 0 on the image rubric, without asking the judge
    assert failed["image"] == 0.0 and failed["code"] is None
    assert n_requests == 3  # image + code for t0, code for t9


def test_cli_run_with_judges_then_agreement(tmp_path):
    """`bench run --judge --code-judge` end to end against a real server, then `agreement`."""
    bench = make_bench(tmp_path / "bench")

    def reply(body):
        return "Parts...\nScore: 70/100" if is_image_request(body) else "Fine.\nScore: 55/100"

    runner = CliRunner()
    with serve_chat(reply) as srv:
        res = runner.invoke(app, ["bench", "run", "--bench", str(bench), "--model", "oracle",
                                  "--out", str(tmp_path / "run"), "--workers", "1",
                                  "--judge", f"openai:img-j@{srv.base_url}",
                                  "--code-judge", f"openai:code-j@{srv.base_url}"])  # fmt: skip
        requests = list(srv.requests)
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in map(json.loads, (tmp_path / "run/results.jsonl").open())}
    assert set(rows) == {"t0", "t1"}
    for row in rows.values():
        assert row["status"] == "ok" and "image" in row["scores"]  # deterministic scores kept
        j = row["judge"]
        assert (j["image"], j["code"], j["error"]) == (70.0, 55.0, None)
        assert j["raw_image"].endswith("Score: 70/100") and j["raw_code"].endswith("55/100")
        assert j["models"] == {"image": "img-j", "code": "code-j"}
    assert len(requests) == 4 and all(b["temperature"] == 0.0 for b in requests)
    image_reqs = [b for b in requests if is_image_request(b)]
    assert [b["model"] for b in image_reqs] == ["img-j", "img-j"]
    for body in image_reqs:
        assert body["messages"][0]["content"] == IMAGE_RUBRIC
        urls = [p["image_url"]["url"] for p in body["messages"][1]["content"] if "image_url" in p]
        assert len(urls) == 2 and all(u.startswith("data:image/png;base64,") for u in urls)
    code_reqs = [b for b in requests if not is_image_request(b)]
    assert [b["model"] for b in code_reqs] == ["code-j", "code-j"]
    assert {b["messages"][0]["content"] for b in code_reqs} == {CODE_RUBRIC}
    assert any("plt.bar([1, 2, 3]" in b["messages"][1]["content"] for b in code_reqs)
    assert list((tmp_path / "run/cache").rglob("*.json"))  # replies cached on disk

    res = runner.invoke(app, ["bench", "agreement", str(tmp_path / "run")])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout[res.stdout.index("{") :])
    assert data["image"]["n"] == data["code"]["n"] == 2 and data["judged"] == 2
    assert data["image"]["mean_judge"] == 70.0
    assert (tmp_path / "run/agreement.json").exists()

    res = runner.invoke(app, ["bench", "run", "--bench", str(bench), "--model", "oracle",
                              "--out", str(tmp_path / "run2"), "--judge", "nope"])  # fmt: skip
    assert res.exit_code != 0 and "judge" in res.output


def test_a_failed_judge_request_is_not_kept_and_is_asked_again_on_resume(tmp_path):
    from codepercept.bench import read_results, run_benchmark

    bench = make_bench(tmp_path / "bench")
    state = {"fail": True}

    def reply(body):
        if state["fail"]:
            return 503, {"error": {"message": "judge overloaded"}}
        return "Score: 70/100"

    with serve_chat(reply) as srv:
        spec = f"openai:j@{srv.base_url}"
        with make_judge(spec, tmp_path / "run", retries=0) as judge:
            run_benchmark(bench, "oracle", tmp_path / "run", judge=judge)
        rows = read_results(tmp_path / "run")
        assert [r["judge"]["failed"] for r in rows] == [["image", "code"]] * 2
        assert all("judge overloaded" in r["judge"]["error"] for r in rows)
        assert not list((tmp_path / "run/cache").rglob("*.json"))  # no failure cached
        state["fail"] = False
        with make_judge(spec, tmp_path / "run", retries=0) as judge:
            summary = run_benchmark(bench, "oracle", tmp_path / "run", judge=judge)
    rows = read_results(tmp_path / "run")
    assert len(rows) == 2 and summary["overall"]["n"] == 2
    assert [(r["judge"]["image"], r["judge"]["failed"]) for r in rows] == [(70.0, [])] * 2
