"""``reproduce`` and ``diversify --executor ray`` on a real local Ray cluster against a real
``codepercept serve --backend offline:DIR``: the same dataset bytes as a local run (the gate
statistics and the client's counts gathered from the actors), and a resume across executors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from codepercept.cli import main
from tests.serve.serving import Served, stop_all


def _data(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())
            if p.name == "manifest.jsonl" or p.suffix == ".parquet"}  # fmt: skip


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from codepercept.synth.pipeline import synthesize

    icc = tmp_path_factory.mktemp("icc") / "icc"
    synthesize(10, icc, family_names=["bar_chart", "line_chart", "venn_diagram"], workers=2)
    server = Served("--backend", f"offline:{icc}", "--model-name", "m")
    try:
        yield f"openai:m@{server.url}", icc
    finally:
        stop_all([server])


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, model):
    from codepercept.data import read_dataset

    d = tmp_path_factory.mktemp("seeds")
    for rec in list(read_dataset(model[1]))[:6]:
        (d / f"{rec['id']}.png").write_bytes(rec["image"])
    img = Image.new("RGB", (300, 220), "white")  # drawn by hand, not by our families
    ImageDraw.Draw(img).ellipse([60, 40, 240, 180], outline="black", width=3)
    img.save(d / "circle.png")
    (d / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    return d


@pytest.mark.parametrize("job", ["reproduce", "diversify"])
def test_same_bytes_as_local(ray_cluster, model, seeds, tmp_path, job):
    spec, _ = model
    src = ["--images", str(seeds)] if job == "reproduce" else ["--seeds", str(seeds), "--k", "3"]
    base = [job, *src, "--model", spec, "--concurrency", "4"]
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main([*base, "--out", str(local)]) == 0
    assert main([*base, "--out", str(on_ray), "--executor", "ray", "--ray-address", ray_cluster,
                 "--workers", "1", "--ray-actors", "2", "--ray-task-size", "2"]) == 0  # fmt: skip
    assert _data(on_ray) == _data(local)
    a, b = (json.loads((d / "summary.json").read_text()) for d in (local, on_ray))
    assert (a["kept"], a["drops"], a["gates"]) == (b["kept"], b["drops"], b["gates"])
    assert a["client"]["answers"] == b["client"]["answers"] > 0
    assert a["kept"] > 0 and "bad_seed" in a["drops"]


def test_to_a_uri_on_ray(ray_cluster, model, seeds, tmp_path, monkeypatch):
    """``reproduce --out file://...`` (any filesystem pyarrow reaches) on Ray: the dataset the
    URI ends up holding is the local run's."""
    monkeypatch.setenv("CODEPERCEPT_STAGING", str(tmp_path / "staging"))
    spec, _ = model
    base = ["reproduce", "--images", str(seeds), "--model", spec, "--concurrency", "4"]
    local, remote = tmp_path / "local", tmp_path / "bucket" / "repro"
    assert main([*base, "--out", str(local)]) == 0
    assert main([*base, "--out", f"file://{remote}", "--executor", "ray",
                 "--ray-address", ray_cluster, "--workers", "1"]) == 0  # fmt: skip
    assert _data(remote) == _data(local) and (remote / "summary.json").exists()
