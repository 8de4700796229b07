"""The HTML/CSV report on constructed runs, and the page as headless Chromium renders it."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from codepercept.bench.dataset import item_line
from codepercept.bench.report import build_report
from codepercept.bench.summary import summarize
from codepercept.cli import app
from tests.chromium import CHROMIUM, chromium

ITEMS = [("geo-0", "plane_geometry"), ("geo-1", "plane_geometry"), ("bar-0", "charts")]
HOSTILE = "<script>alert('x')</script> Traceback: ZeroDivisionError"


def draw(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> None:
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    d.rectangle([60, 60, size[0] - 60, size[1] - 60], fill=color, outline="black", width=4)
    d.line([(0, 0), size], fill="black", width=3)
    img.save(path)


def make_run(root: Path, name: str, model: str, bench: Path, outcomes: dict) -> Path:
    """A run directory written the way the runner writes it (rows, renderings, summary)."""
    run = root / name
    (run / "images").mkdir(parents=True)
    rows = []
    for item_id, domain in ITEMS:
        status, image, code, judge = outcomes[item_id]
        row = {"id": item_id, "domain": domain, "family": "fam", "model": model,
               "status": status, "message": "" if status == "ok" else HOSTILE,
               "scores": {}, "code": "", "response": ""}  # fmt: skip
        if status == "ok":
            draw(run / "images" / f"{item_id}.png", (220, 30, 30))
            row["scores"] = {"image": image, "code": code,
                             "image_parts": {"structure": image, "edges": image},
                             "code_parts": {"position": code}}  # fmt: skip
        if judge is not None:
            row["judge"] = {"image": judge, "code": judge, "raw_image": "", "raw_code": "",
                            "error": None}  # fmt: skip
        rows.append(row)
    (run / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = {**summarize(rows), "model": model, "bench": str(bench)}
    (run / "summary.json").write_text(json.dumps(summary))
    return run


@pytest.fixture()
def runs(tmp_path):
    bench = tmp_path / "bench"
    (bench / "images").mkdir(parents=True)
    lines = []
    for i, (item_id, domain) in enumerate(ITEMS):
        draw(bench / "images" / f"{item_id}.png", (30, 30 + 80 * i, 200))
        line = item_line(item_id, f"images/{item_id}.png", "pass", domain=domain, family="fam")
        lines.append(json.dumps(line))
    (bench / "bench.jsonl").write_text("\n".join(lines) + "\n")
    weak = make_run(tmp_path, "weak", "blank-ish", bench, {
        "geo-0": ("ok", 40.0, 30.0, None), "geo-1": ("timeout", 0, 0, None),
        "bar-0": ("no_code", 0, 0, None)})  # fmt: skip
    strong = make_run(tmp_path, "strong", "oracle-ish", bench, {
        "geo-0": ("ok", 90.0, 80.0, 85.0), "geo-1": ("ok", 70.0, 60.0, 65.0),
        "bar-0": ("ok", 95.0, 99.0, 90.0)})  # fmt: skip
    return [weak, strong]


def data_uris(page: str) -> list[str]:
    return re.findall(r'src="(data:image/png;base64,[A-Za-z0-9+/=]+)"', page)


def test_report_content(runs, tmp_path):
    info = build_report(runs, tmp_path / "out/report.html")
    page = (tmp_path / "out/report.html").read_text()
    # leaderboard: best official final first, both conventions labelled, judge columns present
    lb = re.findall(r'<tr class="lb-row" data-run="(r\d)"><td>(\d)</td>', page)
    assert lb == [("r1", "1"), ("r0", "2")]
    assert [e["run"] for e in info["leaderboard"]] == ["strong", "weak"]
    assert "official (Image/Code over executed items)" in page and "strict (non-executed" in page
    assert "judge (LLM)" in page and "<td>80.00</td>" in page  # strong's mean judge image
    # per-domain chart: one bar per run per domain
    assert page.count('<rect class="bar"') == 4
    # gallery: 3 benchmark images + 3 strong renderings + 1 weak rendering, all inline
    uris = data_uris(page)
    assert len(uris) == 7 and page.count("<img ") == 7
    thumb = Image.open(io.BytesIO(base64.b64decode(uris[0].split(",", 1)[1])))
    assert max(thumb.size) == 320  # 640x480 downscaled
    assert page.count('class="item"') == 3 and "All 3 items." in page
    assert page.count("no rendering") == 2
    # filters
    for sel in ('id="f-status"', 'id="f-domain"', 'id="f-run"'):
        assert sel in page
    assert '<option value="timeout">' in page and '<option value="charts">' in page
    assert "function applyFilters" in page
    # error messages shown, escaped; nothing fetched from the network
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page) and "@import" not in page
    assert "default-src 'none'" in page
    # the CSV: every row of every run
    with open(info["csv"], newline="") as fh:
        table = list(csv.DictReader(fh))
    assert info["csv"].endswith("out/report.csv") and len(table) == 6
    strong_geo = next(r for r in table if r["run"] == "strong" and r["id"] == "geo-0")
    assert strong_geo["image"] == "90.0" and strong_geo["judge_image"] == "85.0"
    assert strong_geo["image_parts.structure"] == "90.0" and strong_geo["code_parts.position"]
    weak_timeout = next(r for r in table if r["run"] == "weak" and r["status"] == "timeout")
    assert weak_timeout["message"] == HOSTILE and weak_timeout["judge_image"] == ""


def test_gallery_cap_and_missing_benchmark(runs, tmp_path, caplog):
    shutil.rmtree(tmp_path / "bench")
    (runs[0] / "summary.json").unlink()  # recomputed from the rows
    with caplog.at_level("WARNING"):
        info = build_report(runs, tmp_path / "r.html", max_items=2, thumb_px=64)
    page = (tmp_path / "r.html").read_text()
    assert "Showing the first 2 of 3 items" in page and page.count('class="item"') == 2
    assert page.count("benchmark image unavailable") == 2
    # said, not silent: in the page, in what is returned, in the log
    (warning,) = info["warnings"]
    assert "benchmark not found" in warning and str(tmp_path / "bench") in warning
    assert "--bench" in warning and info["bench"] is None
    assert 'class="warn"' in page and "benchmark not found" in page
    assert "benchmark not found" in caplog.text
    assert info["items"] == 3 and (tmp_path / "r.csv").exists()
    thumb = Image.open(io.BytesIO(base64.b64decode(data_uris(page)[0].split(",", 1)[1])))
    assert max(thumb.size) == 64
    with pytest.raises(FileNotFoundError, match="results.jsonl"):
        build_report([tmp_path / "nowhere"], tmp_path / "x.html")


def test_cli_report(runs, tmp_path):
    res = CliRunner().invoke(app, ["bench", "report", *map(str, runs), "--bench",
                                   str(tmp_path / "bench"), "--out", str(tmp_path / "c.html")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (tmp_path / "c.html").exists() and (tmp_path / "c.csv").exists()
    assert "1. strong" in res.output


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)"
)
def test_report_in_headless_chromium(runs, tmp_path):
    build_report(runs, tmp_path / "report.html")
    url = (tmp_path / "report.html").as_uri()
    shot = tmp_path / "shot.png"
    res = chromium(tmp_path, "--window-size=1280,1600", f"--screenshot={shot}", url)
    assert shot.exists(), res.stderr[-2000:]
    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert img.shape == (1600, 1280, 3)
    assert img.std() > 20  # not a blank page
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 50
    # the inline images were decoded and painted: the renderings' red is on screen
    red = (img[..., 0] > 180) & (img[..., 1] < 80) & (img[..., 2] < 80)
    assert red.sum() > 500
    # the DOM after the scripts ran, with a status filter taken from the URL: every table row
    # and image is still there, and the script hid the items without a timeout
    res = chromium(tmp_path, "--dump-dom", url + "#status=timeout")
    dom = res.stdout
    assert dom.count('class="lb-row"') == 2 and dom.count("<img ") == 7, res.stderr[-2000:]
    assert '<span id="shown">1</span>' in dom  # the page itself says 3 before the script runs
    assert dom.count('class="item" data-domain="plane_geometry" data-id="geo-1">') == 1
    assert dom.count('style="display: none;"') >= 2  # the two other items hidden


def _relocate(runs, tmp_path, summary_bench, **extra):
    """Record ``summary_bench`` (and ``extra``) as the runs' benchmark."""
    for run in runs:
        summary = json.loads((run / "summary.json").read_text())
        summary.update(bench=summary_bench, **extra)
        (run / "summary.json").write_text(json.dumps(summary))


def test_report_finds_the_benchmark_of_a_moved_run(runs, tmp_path, monkeypatch):
    # the runner records the benchmark absolutely and relative to the run; a run directory
    # moved with its benchmark is found through the relative path
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in ("bench", "weak", "strong"):
        shutil.move(tmp_path / name, moved / name)
    runs = [moved / "weak", moved / "strong"]
    _relocate(runs, tmp_path, str(tmp_path / "bench"), bench_relative="../bench")
    monkeypatch.chdir("/")
    info = build_report(runs, tmp_path / "m.html")
    assert info["warnings"] == [] and info["bench"] == str(moved / "bench")
    assert len(data_uris((tmp_path / "m.html").read_text())) == 7  # 3 benchmark images


def test_report_finds_a_legacy_relative_benchmark_through_job_json(runs, tmp_path, monkeypatch):
    # before, summary.json held the path as typed (relative to where `bench run` ran); the
    # run's job.json holds it absolutely
    _relocate(runs, tmp_path, "bench")
    for run in runs:
        job = {"command": "bench run", "inputs": {"bench": {"path": str(tmp_path / "bench")}}}
        (run / "job.json").write_text(json.dumps(job))
    monkeypatch.chdir("/")
    info = build_report(runs, tmp_path / "l.html")
    assert info["warnings"] == [] and info["bench"] == str(tmp_path / "bench")
    assert len(data_uris((tmp_path / "l.html").read_text())) == 7
