"""The `caption` CLI sub-app: describe by default, verify table / JSON, correct."""

from __future__ import annotations

import json
from pathlib import Path

from caption_corpus import Corpus, Item
from typer.testing import CliRunner

from codepercept.caption.cli import app

runner = CliRunner()


def _write(item: Item, root: Path) -> Path:
    d = root / item.id
    d.mkdir(parents=True)
    (d / "scene.json").write_text(item.scene.to_json(), encoding="utf-8")
    (d / "facts.json").write_text(json.dumps(item.facts), encoding="utf-8")
    return d


def test_describe_is_the_default(corpus: Corpus, tmp_path: Path) -> None:
    item = next(i for i in corpus.correct if i.family == "bar_chart")
    d = _write(item, tmp_path)
    res = runner.invoke(app, [str(d), "--style", "brief"])
    assert res.exit_code == 0, res.output
    assert "bar chart" in res.output
    other = next(i for i in corpus.correct if i.family == "pie_chart")
    _write(other, tmp_path)
    res = runner.invoke(app, [str(tmp_path)])
    assert res.exit_code == 0 and item.id in res.output and other.id in res.output


def test_verify_table_and_exit_code(corpus: Corpus, tmp_path: Path) -> None:
    item = next(i for i in corpus.planted if i.family == "bar_chart" and i.error == "count")
    d = _write(item, tmp_path)
    res = runner.invoke(
        app,
        ["verify", "--caption", item.caption, "--scene", str(d / "scene.json")],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 1
    assert "contradicted" in res.output and "supported" in res.output
    good = tmp_path / "good.txt"
    good.write_text(item.original, encoding="utf-8")
    res = runner.invoke(app, ["verify", "--caption", str(good), "--scene", str(d), "--json"])
    assert res.exit_code == 0
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert rows and all(r["verdict"] != "contradicted" for r in rows)


def test_correct_prints_the_fix(corpus: Corpus, tmp_path: Path) -> None:
    item = next(i for i in corpus.planted if i.family == "network_graph" and i.error == "label")
    d = _write(item, tmp_path)
    res = runner.invoke(
        app, ["correct", "--caption", item.caption, "--scene", str(d)], env={"COLUMNS": "300"}
    )
    assert res.exit_code == 0
    assert res.output.strip() == item.original


def test_bad_scene_path_says_what_to_do(tmp_path: Path) -> None:
    res = runner.invoke(app, [str(tmp_path / "missing")])
    assert res.exit_code != 0
    assert "codepercept exec" in res.output
