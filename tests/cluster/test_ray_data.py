"""Ray Data interop on a real ``ray start --head`` cluster: ``to_ray_dataset`` gives exactly
``read_dataset``'s records in order (ICC, TokenIT, the ``files`` format, journaled records);
``write_ray_dataset`` round-trips to the same shard bytes, keeps a Ray-side filter's rows,
resumes without duplicates (after a finished part and after an interrupted write); bad input is
one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import ray

from codepercept.data import (
    DatasetWriter,
    load_manifest,
    read_dataset,
    to_ray_dataset,
    write_ray_dataset,
)
from codepercept.errors import UsageError
from codepercept.synth.pipeline import ICC_SCHEMA, synthesize
from codepercept.tokenit.generate import generate

FAMILIES = ["bar_chart", "line_chart"]


@pytest.fixture(scope="module", autouse=True)
def client(ray_cluster):
    ray.init(address=ray_cluster, logging_level="ERROR")
    ctx = ray.data.DataContext.get_current()
    bars, ctx.enable_progress_bars = ctx.enable_progress_bars, False
    try:
        yield
    finally:
        ctx.enable_progress_bars = bars
        ray.shutdown()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small real datasets: ICC in parquet (10 records, shards of 4, 4, 2) and files, TokenIT
    (6 records, 4 + 2), and one with journaled records (a shard of 4, then 2 not committed)."""
    root = tmp_path_factory.mktemp("ray-data")
    out = {name: root / name for name in ("icc", "icc_files", "tokenit", "journaled")}
    synthesize(10, out["icc"], shard_size=4, family_names=FAMILIES, workers=1)
    synthesize(10, out["icc_files"], shard_size=4, family_names=FAMILIES, workers=1,
               format="files")  # fmt: skip
    generate(6, out["tokenit"], ["documents"], shard_size=4)
    with DatasetWriter(out["journaled"], ICC_SCHEMA, shard_size=4) as w:
        for i, record in enumerate(list(read_dataset(out["icc"]))[:6]):
            w.add(i, record)  # closed without finish: 4 committed, 2 in the journal
    return out


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.glob("shard-*.parquet"))}


def _lines(d: Path) -> list[dict]:
    return [json.loads(line) for line in (d / "manifest.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("name", ["icc", "icc_files", "tokenit", "journaled"])
def test_rows_are_read_dataset(data, name):
    d = data[name]
    expected = list(read_dataset(d))
    assert len(load_manifest(d).shard_names) >= 2 or name == "journaled"
    assert list(to_ray_dataset(d).iter_rows()) == expected
    # derived datasets keep the order too (preserve_order is on the dataset's context)
    assert [r["id"] for r in to_ray_dataset(d).limit(len(expected) - 1).take_all()] == [
        r["id"] for r in expected[:-1]
    ]


def test_json_text_rows(data):
    """``json_text=True``: the same records with the json columns as their stored text."""
    kinds = {c.name: c.kind for c in ICC_SCHEMA}
    rows = to_ray_dataset(data["icc"], json_text=True).take_all()
    assert all(isinstance(r["scene"], str) for r in rows)
    decoded = [{k: json.loads(v) if kinds[k] == "json" else v for k, v in r.items()} for r in rows]
    assert decoded == list(read_dataset(data["icc"]))


def test_round_trip_same_bytes(data, tmp_path):
    """Written back with the same shard size and format: the same shard files and shard lines
    (ids, indices, phashes). The header differs in config only (synth records its arguments),
    the finish line in its summary."""
    a, b = data["icc"], tmp_path / "b"
    summary = write_ray_dataset(to_ray_dataset(a, json_text=True), b, "icc", shard_size=4,
                                json_text=True)  # fmt: skip
    assert summary == {"out": str(b), "rows": 10, "added": 10, "skipped": 0, "kept": 10,
                       "shards": 3}  # fmt: skip
    assert _files(b) == _files(a) and len(_files(a)) == 3
    la, lb = _lines(a), _lines(b)
    assert [ln for ln in la if ln["type"] == "shard"] == [ln for ln in lb if ln["type"] == "shard"]
    assert {**la[0], "config": {}} == lb[0]
    assert lb[-1] == {"type": "finish", "summary": {"source": "ray.data", "rows": 10},
                      "kept": 10, "drops": {}}  # fmt: skip


def test_round_trip_values(data, tmp_path):
    """Decoded json values: the same records and shard lines. ICC scene text is the sandbox's
    (non-ASCII escaped), re-encoded compactly from the values, so its shards may differ in
    bytes; TokenIT's json is codepercept's own compact text, so its shards are the same."""
    for name, kind in (("icc", "icc"), ("tokenit", "tokenit")):
        a, b = data[name], tmp_path / name
        write_ray_dataset(to_ray_dataset(a), b, kind, shard_size=4)
        assert list(read_dataset(b)) == list(read_dataset(a))
        shards = [[ln for ln in _lines(d) if ln["type"] == "shard"] for d in (a, b)]
        assert shards[0] == shards[1]
    assert _files(tmp_path / "tokenit") == _files(data["tokenit"])


def test_filter_on_ray(data, tmp_path):
    """A Ray-side row filter (json as text: row transforms keep it exactly) and an expression
    filter (decoded values: blocks pass through), written back and read with read_dataset."""
    from ray.data.expressions import col

    expected = [r for r in read_dataset(data["icc"]) if r["family"] == "bar_chart"]
    assert 0 < len(expected) < 10
    rows = to_ray_dataset(data["icc"], json_text=True).filter(lambda r: r["family"] == "bar_chart")
    write_ray_dataset(rows, tmp_path / "fn", "icc", shard_size=4, json_text=True)
    assert list(read_dataset(tmp_path / "fn")) == expected
    rows = to_ray_dataset(data["icc"]).filter(expr=col("family") == "bar_chart")
    write_ray_dataset(rows, tmp_path / "expr", "icc", shard_size=4)
    assert list(read_dataset(tmp_path / "expr")) == expected


def test_resume(data, tmp_path, monkeypatch):
    """Half, then all: no duplicates, the records of one write. An interrupted write resumes
    to the same bytes as one write (the added rows wait in the journal)."""
    ds = to_ray_dataset(data["icc"], json_text=True)
    once, twice = tmp_path / "once", tmp_path / "twice"
    write_ray_dataset(ds, once, "icc", shard_size=4, json_text=True)
    first = write_ray_dataset(ds.limit(5), twice, "icc", shard_size=4, json_text=True)
    again = write_ray_dataset(ds, twice, "icc", shard_size=4, json_text=True)
    assert (first["added"], again["skipped"], again["added"], again["kept"]) == (5, 5, 5, 10)
    assert list(read_dataset(twice)) == list(read_dataset(once))

    # Interrupted at row 6 (Ctrl-C): rows 0-3 committed, 4-5 in the journal; a re-run
    # skips them and writes the same bytes as one write.
    add = DatasetWriter.add

    def add_until_6(self, index, record, *args, **kwargs):
        if index == 6:
            raise KeyboardInterrupt
        add(self, index, record, *args, **kwargs)

    broken = tmp_path / "broken"
    monkeypatch.setattr(DatasetWriter, "add", add_until_6)
    with pytest.raises(KeyboardInterrupt):
        write_ray_dataset(ds, broken, "icc", shard_size=4, json_text=True)
    monkeypatch.undo()
    assert [len(ln["ids"]) for ln in _lines(broken)[1:]] == [4]
    assert len(list(read_dataset(broken))) == 6
    resumed = write_ray_dataset(ds, broken, "icc", shard_size=4, json_text=True)
    assert (resumed["skipped"], resumed["added"]) == (6, 4)
    assert _files(broken) == _files(once)
    assert _lines(broken) == _lines(once)


def _one_line(exc: pytest.ExceptionInfo[UsageError]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_bad_input(data, tmp_path):
    with pytest.raises(UsageError) as exc:
        to_ray_dataset(tmp_path)
    assert "is not a dataset (no manifest.jsonl)" in _one_line(exc)
    ds = to_ray_dataset(data["icc"])
    out = tmp_path / "out"
    with pytest.raises(UsageError) as exc:
        write_ray_dataset(ds.drop_columns(["caption"]), out, "icc")
    assert "no column 'caption' of the icc schema" in _one_line(exc)
    with pytest.raises(UsageError) as exc:
        write_ray_dataset(to_ray_dataset(data["tokenit"]), out, "icc")
    assert "no column 'code' of the icc schema" in _one_line(exc)
    with pytest.raises(UsageError) as exc:
        write_ray_dataset(ds.add_column("extra", lambda b: b["seed"]), out, "icc")
    assert "column 'extra', which the icc schema does not have" in _one_line(exc)
    assert not out.exists()  # refused before anything was written
    with pytest.raises(UsageError) as exc:
        write_ray_dataset(ds, out, "imagenet")
    assert "unknown dataset kind 'imagenet'" in _one_line(exc)
    with pytest.raises(UsageError) as exc:  # a row whose value the schema refuses
        write_ray_dataset(ds, out, "icc", json_text=True)
    assert "row 0: column 'scene':" in _one_line(exc) and "not JSON text" in _one_line(exc)
    with pytest.raises(UsageError) as exc:  # another dataset's directory
        write_ray_dataset(ds, data["tokenit"], "icc")
    assert "already holds a dataset written with different arguments" in _one_line(exc)
