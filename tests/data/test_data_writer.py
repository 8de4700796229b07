"""DatasetWriter: round trips, determinism, recovery on open, argument checks, locking."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from datawriter_producer import SCHEMA, produce, sample_png, sample_record

from codepercept.data import (
    FORMATS,
    Column,
    DatasetLockedError,
    DatasetMismatchError,
    DatasetWriter,
    Schema,
    dataset_summary,
    load_manifest,
    read_dataset,
)
from codepercept.data.manifest import compress_ranges, expand_ranges

_png = sample_png
_record = sample_record


def _write(out: Path, fmt: str, n: int = 11, shard_size: int = 4, **cfg: object) -> list[dict]:
    records = []
    with DatasetWriter(out, SCHEMA, format=fmt, shard_size=shard_size, config=cfg) as w:
        for i in range(n):
            if i % 5 == 2:
                w.add(i, None, reason="blank")
            else:
                records.append(_record(i))
                w.add(i, records[-1], phash=i * 1000)
        w.finish({"n": n})
    return records


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(tmp_path: Path, fmt: str) -> None:
    records = _write(tmp_path / "d", fmt)
    assert list(read_dataset(tmp_path / "d")) == records
    summary = dataset_summary(tmp_path / "d")
    assert summary == {
        "format": fmt,
        "kept": 9,
        "journaled": 0,
        "drops": {"blank": 2},
        "dropped": 2,
        "shards": 3,
        "finished": True,
        "summary": {"n": 11},
    }
    with DatasetWriter(tmp_path / "d", SCHEMA, format=fmt, shard_size=4) as w:
        assert w.state.kept == 9
        assert w.state.done_indices == set(range(11))
        assert w.state.ids == {r["id"] for r in records}
        assert w.state.drops == {"blank": 2}
        assert sorted(w.state.phashes) == [i * 1000 for i in range(11) if i % 5 != 2]
        assert w.state.hash_index.near(3000, 0)
        assert w.state.finished and w.state.shards == 3


def test_layout_of_each_format(tmp_path: Path) -> None:
    import tarfile

    for fmt in FORMATS:
        _write(tmp_path / fmt, fmt)
    assert (tmp_path / "parquet" / "shard-00002.parquet").is_file()
    with tarfile.open(tmp_path / "webdataset" / "shard-00000.tar") as tar:
        members = tar.getmembers()
    assert [m.name for m in members[:7]] == [
        "fig_000.id.txt",
        "fig_000.image.png",
        "fig_000.meta.json",
        "fig_000.code.txt",
        "fig_000.n.txt",
        "fig_000.x.txt",
        "fig_000.blob.bin",
    ]
    assert {m.mtime for m in members} == {0}
    sample = tmp_path / "files" / "shard-00000" / "fig.000"
    assert sorted(p.name for p in sample.iterdir()) == sorted(
        ["id.txt", "image.png", "meta.json", "code.py", "n.txt", "x.txt", "blob.bin"]
    )
    assert (sample / "code.py").read_text() == "print(0)\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_records_give_identical_shard_bytes(tmp_path: Path, fmt: str) -> None:
    def digest(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"
        }

    _write(tmp_path / "a", fmt)
    _write(tmp_path / "b", fmt)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert len(digest(tmp_path / "a")) > 2


def test_manifest_lines_and_drop_only_commit(tmp_path: Path) -> None:
    schema = Schema([Column("id", "string")])
    with DatasetWriter(tmp_path, schema, shard_size=3) as w:
        w.add(0, {"id": "a"})
        for i in range(1, 4):
            w.add(
                i, None, reason="blank"
            )  # 3 pending drops: a drop-only commit, "a" stays buffered
        lines = [json.loads(s) for s in (tmp_path / "manifest.jsonl").read_text().splitlines()]
        assert lines[0] == {
            "type": "header",
            "version": 1,
            "format": "parquet",
            "columns": [{"name": "id", "kind": "string"}],
            "config": {},
        }
        assert lines[1] == {
            "type": "shard",
            "name": None,
            "indices": [],
            "ids": [],
            "phashes": [],
            "dropped": [[1, "blank"], [2, "blank"], [3, "blank"]],
        }
        w.add(4, {"id": "b"})
        w.add(6, {"id": "c"}, phash=2**64 - 1)
        w.finish()
    lines = [json.loads(s) for s in (tmp_path / "manifest.jsonl").read_text().splitlines()]
    assert lines[2]["name"] == "shard-00000.parquet"
    assert lines[2]["indices"] == [[0, 0], [4, 4], [6, 6]]
    assert lines[2]["phashes"] == [None, None, 2**64 - 1]
    assert [r["id"] for r in read_dataset(tmp_path)] == ["a", "b", "c"]


def test_ranges_round_trip() -> None:
    seq = [0, 1, 2, 3, 7, 8, 5, 10, 11, 11]
    assert compress_ranges(seq) == [[0, 3], [7, 8], [5, 5], [10, 11], [11, 11]]
    assert expand_ranges(compress_ranges(seq)) == seq


def test_exception_in_block_keeps_the_buffer_journaled_not_committed(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), DatasetWriter(tmp_path, SCHEMA, shard_size=100) as w:
        w.add(0, _record(0))
        w.add(1, _record(1))
        raise KeyboardInterrupt
    assert [r["id"] for r in read_dataset(tmp_path)] == ["fig.000", "fig.001"]
    summary = dataset_summary(tmp_path)
    assert summary["kept"] == 0 and summary["journaled"] == 2 and summary["shards"] == 0
    assert not summary["finished"]


def test_truncated_final_manifest_line_is_dropped_and_redone(tmp_path: Path) -> None:
    _write(tmp_path, "parquet", n=9, shard_size=3)
    manifest = tmp_path / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    assert json.loads(lines[-1])["type"] == "finish"
    # Crash mid-append of the last shard line: keep half of it, lose the finish line.
    manifest.write_bytes(b"".join(lines[:-2]) + lines[-2][: len(lines[-2]) // 2])
    assert dataset_summary(tmp_path)["shards"] == 2  # readers ignore the damaged line
    with DatasetWriter(tmp_path, SCHEMA, shard_size=3) as w:
        assert manifest.read_bytes().endswith(b"\n")
        assert not (tmp_path / "shard-00002.parquet").exists()  # orphaned by the cut line
        missing = sorted(set(range(9)) - w.state.done_indices)
        assert missing == [7, 8]
        w.add(7, None, reason="blank")
        w.add(8, _record(8), phash=8000)
        w.finish({"n": 9})
    ref = tmp_path.parent / "ref"
    assert list(read_dataset(tmp_path)) == _write(ref, "parquet", n=9, shard_size=3)
    assert (tmp_path / "manifest.jsonl").read_bytes() == (ref / "manifest.jsonl").read_bytes()


def test_corrupt_line_before_the_end_raises(tmp_path: Path) -> None:
    _write(tmp_path, "parquet")
    manifest = tmp_path / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    lines[1] = b'{"type": "shard", "na\n'
    manifest.write_bytes(b"".join(lines))
    with pytest.raises(ValueError, match="corrupt"):
        DatasetWriter(tmp_path, SCHEMA)
    with pytest.raises(ValueError, match="corrupt"):
        load_manifest(tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_orphan_shards_and_tmp_leftovers_are_removed(tmp_path: Path, fmt: str) -> None:
    _write(tmp_path, fmt, n=6, shard_size=3)
    manifest_before = (tmp_path / "manifest.jsonl").read_bytes()
    committed = set(load_manifest(tmp_path).shard_names)
    # Crash between rename and manifest append leaves a complete-looking shard nobody committed.
    source = tmp_path / sorted(committed)[0]
    orphan = tmp_path / ("shard-00009" + source.suffix)
    tmp = tmp_path / (".tmp-shard-00010" + source.suffix)
    if source.is_dir():
        (orphan / "x").mkdir(parents=True)
        (tmp / "y").mkdir(parents=True)
    else:
        orphan.write_bytes(source.read_bytes())
        tmp.write_bytes(b"half a shard")
    (tmp_path / "notes.txt").write_text("not ours")
    with DatasetWriter(tmp_path, SCHEMA, format=fmt, shard_size=3) as w:
        assert w.state.kept == 5
    assert not orphan.exists() and not tmp.exists()
    assert (tmp_path / "notes.txt").exists()
    assert {p.name for p in tmp_path.glob("shard-*")} == committed
    assert (tmp_path / "manifest.jsonl").read_bytes().startswith(manifest_before)


def test_missing_committed_shard_raises(tmp_path: Path) -> None:
    _write(tmp_path, "webdataset")
    (tmp_path / "shard-00001.tar").unlink()
    with pytest.raises(ValueError, match=r"missing.*shard-00001\.tar"):
        DatasetWriter(tmp_path, SCHEMA, format="webdataset")


def test_shards_without_manifest_are_not_deleted(tmp_path: Path) -> None:
    (tmp_path / "shard-00000.parquet").write_bytes(b"someone else's")
    with pytest.raises(ValueError, match="no manifest header"):
        DatasetWriter(tmp_path, SCHEMA)
    assert (tmp_path / "shard-00000.parquet").exists()


def test_reopen_with_other_arguments_names_the_differences(tmp_path: Path) -> None:
    _write(tmp_path, "parquet", seed=1, target=10, sizes=(1, 2))
    with pytest.raises(DatasetMismatchError) as err:
        DatasetWriter(tmp_path, SCHEMA, format="parquet", config={"seed": 2, "extra": True})
    msg = str(err.value)
    assert "config['seed']: 1 on disk vs 2 now" in msg
    assert "config['target']: 10 on disk, absent now" in msg
    assert "config['extra']" in msg
    assert "another --out" in msg and "same arguments" in msg
    assert isinstance(err.value, ValueError)
    with pytest.raises(ValueError, match="format: 'parquet' on disk vs 'files' now"):
        DatasetWriter(tmp_path, SCHEMA, format="files", config={"seed": 1})
    other = Schema([*SCHEMA.columns, Column("extra", "int")])
    with pytest.raises(ValueError, match="columns"):
        DatasetWriter(tmp_path, other, config={"seed": 1})
    # The same arguments (tuples compare like the JSON lists on disk) resume fine.
    with DatasetWriter(tmp_path, SCHEMA, config={"target": 10, "seed": 1, "sizes": [1, 2]}) as w:
        assert w.state.kept == 9


def test_second_writer_on_same_dir_is_locked_out(tmp_path: Path) -> None:
    with DatasetWriter(tmp_path, SCHEMA) as w:
        with pytest.raises(DatasetLockedError, match="another writer"):
            DatasetWriter(tmp_path, SCHEMA)
        w.add(0, _record(0))
    with DatasetWriter(tmp_path, SCHEMA) as w2:  # released on close
        assert w2.state.kept == 1


def test_add_rejects_bad_input(tmp_path: Path) -> None:
    with DatasetWriter(tmp_path, SCHEMA, format="webdataset", shard_size=2) as w:
        w.add(0, _record(0))
        with pytest.raises(ValueError, match="already done"):
            w.add(0, None, reason="blank")
        dup = _record(1) | {"id": "fig.000"}
        with pytest.raises(ValueError, match="already in the dataset"):
            w.add(1, dup)
        w.add(1, _record(1))  # flushes a shard; ids stay unique across shards
        with pytest.raises(ValueError, match="already in the dataset"):
            w.add(2, _record(0))
        with pytest.raises(ValueError, match="WebDataset key"):
            w.add(2, _record(1) | {"id": "fig_001"})
        with pytest.raises(ValueError, match="either a record"):
            w.add(2, _record(2), reason="blank")
        with pytest.raises(ValueError, match="either a record"):
            w.add(2, None)
        with pytest.raises(ValueError, match="missing"):
            w.add(2, {"id": "z"})
        with pytest.raises(TypeError, match="'n' \\(int\\)"):
            w.add(2, _record(2) | {"n": 1.5})
        with pytest.raises(TypeError, match="None"):
            w.add(2, _record(2) | {"code": None})
        with pytest.raises(ValueError, match="PNG"):
            w.add(2, _record(2) | {"image": b"GIF89a..."})
        with pytest.raises(ValueError, match="JSON"):
            w.add(2, _record(2) | {"meta": {"bad": float("nan")}})
        with pytest.raises(ValueError, match="safe file name"):
            w.add(2, _record(2) | {"id": "a/b"})
        with pytest.raises(ValueError, match="phash"):
            w.add(2, _record(2), phash=-1)
        w.add(2, _record(2))
    assert [r["id"] for r in read_dataset(tmp_path)] == ["fig.000", "fig.001", "fig.002"]


def test_schema_validation() -> None:
    with pytest.raises(ValueError, match="no 'id' column"):
        Schema([Column("image", "image")])
    with pytest.raises(ValueError, match="duplicate"):
        Schema([Column("id", "string"), Column("id", "string")])
    with pytest.raises(ValueError, match="unknown kind"):
        Column("x", "tensor")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="identifier"):
        Column("a.b", "string")


def test_finish_is_idempotent_and_ends_the_writer(tmp_path: Path) -> None:
    produce(tmp_path, "parquet", target=5, seed=3, shard_size=2)
    before = (tmp_path / "manifest.jsonl").read_bytes()
    produce(tmp_path, "parquet", target=5, seed=3, shard_size=2)  # nothing left to do
    assert (tmp_path / "manifest.jsonl").read_bytes() == before
    with DatasetWriter(tmp_path, SCHEMA, shard_size=2, config=load_manifest(tmp_path).config) as w:
        w.finish({"target": 5})
        assert (tmp_path / "manifest.jsonl").read_bytes() == before
        with pytest.raises(RuntimeError, match="finish"):
            w.add(100, None, reason="late")


@pytest.mark.parametrize("fmt", FORMATS)
def test_raw_json_is_stored_as_given_and_reads_back_decoded(tmp_path: Path, fmt: str) -> None:
    from codepercept.data import RawJSON

    text = '{"b":[1,2.5,null],"a":"\\u00e9"}'
    plain = {"id": "p", "image": _png(0), "meta": json.loads(text), "code": "", "n": 0, "x": 0.0,
             "blob": b""}  # fmt: skip
    raw = dict(plain, id="r", meta=RawJSON(text))
    with DatasetWriter(tmp_path / "d", SCHEMA, format=fmt) as w:
        w.add(0, plain)
        w.add(1, raw)
    rows = {r["id"]: r for r in read_dataset(tmp_path / "d")}
    assert rows["r"]["meta"] == rows["p"]["meta"] == {"b": [1, 2.5, None], "a": "é"}
