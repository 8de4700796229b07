"""The scaling grid (reason-grid) on the QA set with the offline baselines: the CSV, the page
(and the page as headless Chromium renders it), resume, and bad combinations. No mocks."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from codepercept.cli import main
from codepercept.reason.grid import run_grid, sanitise
from tests.chromium import CHROMIUM, chromium

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
ARGS = ["reason-grid", "--captioners", "oracle-caption,blank", "--solvers", "qa-solver,blank",
        "--qa-set", "4"]  # fmt: skip
PAIRS = {("oracle-caption", "qa-solver"), ("oracle-caption", "blank"), ("blank", "qa-solver"),
         ("blank", "blank"), ("solver-only", "qa-solver"), ("solver-only", "blank")}  # fmt: skip


def _table(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    out = tmp_path_factory.mktemp("grid") / "g"
    assert main([*ARGS, "--out", str(out)]) == 0
    return out


def test_grid_csv(grid):
    table = _table(grid / "grid.csv")
    overall = {(r["captioner"], r["solver"]): r for r in table if r["category"] == "all"}
    assert set(overall) == PAIRS and {r["benchmark"] for r in table} == {"qa"}
    acc = {k: float(r["accuracy"]) for k, r in overall.items()}
    best = max(acc, key=lambda k: acc[k])
    assert best == ("oracle-caption", "qa-solver") and acc[best] >= 0.95
    assert all(acc[k] <= acc[best] - 0.5 for k in PAIRS - {best})  # blank rows, floors: lower
    top = overall[best]
    assert int(top["n"]) >= 10 and top["ok"] == top["n"] and top["model_error"] == "0"
    assert overall[("blank", "qa-solver")]["no_answer"] == top["n"]
    # per-category rows add up to the overall one
    cats = [r for r in table if r["run"] == "oracle-caption__qa-solver" and r["category"] != "all"]
    assert len(cats) >= 2 and sum(int(r["n"]) for r in cats) == int(top["n"])
    for cap, sol in PAIRS:
        run = grid / f"{cap}__{sol}"
        assert (run / "results.jsonl").exists() and (run / "summary.json").exists()


def test_grid_html(grid):
    page = (grid / "grid.html").read_text()
    cells = re.findall(r'<td class="hm-cell" data-captioner="([^"]+)" data-solver="([^"]+)"', page)
    assert set(cells) == PAIRS and len(cells) == 6
    assert "100.0 %" in page and page.count('<rect class="bar"') == 6
    assert page.count('class="item"') == 3 and 'class="caption"' in page
    assert "<script" not in page and "default-src 'none'" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page) and "@import" not in page


def test_resume_asks_nothing_again(grid, capsys):
    before = {p: p.read_bytes() for p in grid.glob("*/results.jsonl")}
    assert len(before) == 6
    assert main([*ARGS, "--out", str(grid)]) == 0
    assert {p: p.read_bytes() for p in grid.glob("*/results.jsonl")} == before
    assert "15/15 (100.0 %)" in capsys.readouterr().err  # the console writes to stderr


@pytest.mark.parametrize(
    "args, said",
    [
        (["--captioners", "", "--solvers", "blank"], "at least one"),
        (["--captioners", ",", "--solvers", "blank"], "at least one"),
        (["--captioners", "blank,", "--solvers", "blank"], "empty spec"),
        (["--captioners", "nope", "--solvers", "blank"], "not a model"),
        (["--captioners", "blank", "--solvers", "openai:m"], "not a model"),
        (["--captioners", "blank", "--solvers", "oracle-caption"], "cannot be a solver"),
        (["--captioners", "qa-solver", "--solvers", "blank"], "cannot be a captioner"),
        (["--captioners", "blank,blank", "--solvers", "blank"], "twice"),
        (["--solvers", "blank"], "--captioners"),
    ],
)
def test_bad_combinations(args, said, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["reason-grid", *args, "--qa-set", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and said in err, err
    assert not out.exists()


def test_no_items_source(tmp_path, capsys):
    code = main(["reason-grid", "--captioners", "blank", "--solvers", "blank",
                 "--out", str(tmp_path / "o")])  # fmt: skip
    assert code == 2 and "--qa-set" in capsys.readouterr().err


def test_sanitised_names():
    assert sanitise("openai:Qwen/Qwen2.5-VL-7B@http://127.0.0.1:8000/v1") == (
        "openai-Qwen-Qwen2.5-VL-7B-http-127.0.0.1-8000-v1"
    )
    long = sanitise("openai:" + "m" * 100 + "@http://h/v1")
    assert len(long) <= 60 and "__" not in long


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from codepercept.reason.qa import build_qa_set

    items, images, captions = build_qa_set(2)
    first = items[0].figure_id
    captions = {**captions, first: captions[first] + "\n" + HOSTILE}
    out = tmp_path_factory.mktemp("hostile") / "g"
    run_grid(items, out, ["oracle-caption"], ["qa-solver"], images=images, captions=captions,
             source={"qa_set": 2, "hostile": True})  # fmt: skip
    return out


def test_hostile_caption_is_text(hostile):
    page = (hostile / "grid.html").read_text()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script" not in page and "<img" not in page


@pytest.mark.skipif(
    not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None,
    reason="needs /usr/bin/chromium (apt-get install -y chromium)",
)
def test_grid_in_headless_chromium(grid, hostile, tmp_path):
    # the grid page: the heat map's six cells in the DOM Chromium built
    dom = chromium(tmp_path, "--dump-dom", (grid / "grid.html").as_uri())
    assert dom.stdout.count('class="hm-cell"') == 6, dom.stderr[-2000:]
    assert dom.stdout.count("<rect") == 6
    # the hostile caption: text in a <pre>, no element made of it
    res = chromium(tmp_path, "--dump-dom", (hostile / "grid.html").as_uri())
    dom = res.stdout
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in dom, res.stderr[-2000:]
    assert "<script" not in dom and "<img" not in dom


def test_a_caption_is_asked_once_per_captioner_and_item(tmp_path):
    """Over a real HTTP server (MathVista's hand-made file): the captioner's request for an
    item is answered once, then read from DIR/cache by the other solver's run."""
    from codepercept.reason import load_benchmark
    from codepercept.reason.runner import PROMPTS_V1
    from tests.openai_server import serve_chat

    data = Path(__file__).parent / "data" / "mathvista" / "testmini.json"
    items = load_benchmark("mathvista", data)

    def reply(body):
        parts = body["messages"][-1]["content"]
        text = " ".join(p.get("text", "") for p in parts if p.get("type") == "text")
        return "A caption." if text == PROMPTS_V1["caption"] else "The answer is (A)"

    with serve_chat(reply) as server:
        spec = f"openai:m@{server.base_url}"
        res = run_grid(items, tmp_path / "g", [spec], [spec, "blank"],
                       source={"benchmark": "mathvista"})  # fmt: skip
        captioning = [b for b in server.requests
                      if any(p.get("type") == "image_url" for p in b["messages"][-1]["content"])]  # fmt: skip
    statuses = res["runs"][0]["summary"]["statuses"]
    assert statuses["image_missing"] == 1 and sum(statuses.values()) == 5  # one image missing
    assert len(captioning) == 4  # one per item with an image, not one per pair (8)
    assert (tmp_path / "g" / "cache").is_dir()
    assert {r["captioner"] for r in res["rows"]} == {spec, "solver-only"}
