"""The writer's journal: every ``add`` survives a ``kill -9`` whatever the shard size; torn tails
are cut, corruption and hostile journals are refused by name; replay is byte-exact."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import struct
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from datawriter_producer import SCHEMA, produce, sample_png, sample_record

from codepercept.data import (
    FORMATS,
    Column,
    DatasetWriter,
    RawJSON,
    Schema,
    dataset_summary,
    load_manifest,
    read_dataset,
)
from codepercept.data import writer as writer_module
from codepercept.data.journal import HEADER, JOURNAL_NAME, MAGIC, MAX_FRAME

PRODUCER = Path(__file__).with_name("datawriter_producer.py")


_png = sample_png
_record = sample_record


def _ids(out: Path) -> list[str]:
    return [r["id"] for r in read_dataset(out)]


def _digest(root: Path) -> dict[str, str]:
    """sha256 of every file of every shard (files or directories), by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0].startswith("shard-")
    }


def _frame(payload: bytes, length: int | None = None) -> bytes:
    """A journal frame around ``payload`` with a valid header CRC (``length`` may lie)."""
    n = len(payload) if length is None else length
    head = struct.pack("<4sII", MAGIC, n, zlib.crc32(payload))
    return head + struct.pack("<I", zlib.crc32(head)) + payload


def _payload(meta: object, blobs: bytes = b"", raw_meta: bytes | None = None) -> bytes:
    text = raw_meta if raw_meta is not None else json.dumps(meta).encode()
    return struct.pack("<BI", 1, len(text)) + text + blobs


# ---- durability ---------------------------------------------------------------------------


def test_sigkill_with_a_large_shard_size_loses_no_added_record(tmp_path: Path) -> None:
    # The shard (1000 rows) is never full: before the journal every one of these was lost.
    out = tmp_path / "d"
    args = [sys.executable, str(PRODUCER), str(out), "parquet", "40", "7", "1000", "0.01"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    done = [int(proc.stdout.readline()) for _ in range(15)]  # printed after add() returned
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    ids = _ids(out)
    assert len(ids) == len(set(ids))
    summary = dataset_summary(out)
    assert summary["kept"] == 0 and summary["journaled"] == len(ids)
    ref = tmp_path / "ref"
    produce(ref, "parquet", 40, 7, 1000)
    added = {i for i in _ids(ref) if int(i.split(".")[1]) <= max(done)}
    assert len(added) >= 8 and added <= set(ids)  # every record added before the kill is there
    produce(out, "parquet", 40, 7, 1000)
    assert list(read_dataset(out)) == list(read_dataset(ref))
    assert _digest(out) == _digest(ref) and len(_digest(out)) == 1
    assert not (out / JOURNAL_NAME).exists()  # a finished, closed writer leaves no journal


@pytest.mark.parametrize("fmt", FORMATS)
def test_replayed_records_of_every_kind_give_byte_identical_shards(
    tmp_path: Path, fmt: str
) -> None:
    records = [_record(i) for i in range(7)]
    records[1]["meta"] = RawJSON('{"b":[1,2.5,null],"a":"\\u00e9"}')
    records[2]["x"] = -0.0
    records[3]["x"] = float("nan")
    records[4]["x"] = 5  # an int in a float column
    records[5]["blob"] = bytearray(b"\x00\x01")
    records[6]["image"] = memoryview(_png(60))
    records[6]["code"] = "naïve ✓ \U0001f600"
    records[0]["n"] = 2**63 - 1

    def write(out: Path, stops: set[int]) -> None:
        i = 0
        while True:
            with DatasetWriter(out, SCHEMA, format=fmt, shard_size=3) as w:
                assert w.state.done_indices == set(range(i))
                while i < len(records):
                    w.add(i, records[i], phash=i * 11)
                    i += 1
                    if i in stops:
                        break  # close without finish: the records stay in the journal
                else:
                    w.finish({"n": len(records)})
                    return

    write(tmp_path / "ref", set())
    write(tmp_path / "out", {1, 2, 5})
    assert _digest(tmp_path / "out") == _digest(tmp_path / "ref")
    ref_lines = (tmp_path / "ref" / "manifest.jsonl").read_bytes()
    assert (tmp_path / "out" / "manifest.jsonl").read_bytes() == ref_lines


def test_close_without_finish_keeps_the_buffer_in_the_journal_not_a_partial_shard(
    tmp_path: Path,
) -> None:
    with pytest.raises(KeyboardInterrupt), DatasetWriter(tmp_path, SCHEMA, shard_size=4) as w:
        w.add(0, _record(0), phash=1)
        w.add(1, None, reason="blank")
        w.add(2, _record(2))
        raise KeyboardInterrupt
    assert not list(tmp_path.glob("shard-*"))
    assert _ids(tmp_path) == ["fig.000", "fig.002"]  # readers see the journaled tail
    summary = dataset_summary(tmp_path)
    assert summary["kept"] == 0 and summary["journaled"] == 2 and not summary["finished"]
    with DatasetWriter(tmp_path, SCHEMA, shard_size=4) as w:
        assert w.state.kept == 2 and w.state.done_indices == {0, 1, 2}
        assert w.state.ids == {"fig.000", "fig.002"} and w.state.drops == {"blank": 1}
        assert w.state.phashes == [1] and w.state.hash_index.near(1, 0)
        w.add(3, _record(3))
        w.add(4, _record(4))  # the 4th kept record: exactly one full shard
        assert [p.name for p in tmp_path.glob("shard-*")] == ["shard-00000.parquet"]
        assert (tmp_path / JOURNAL_NAME).stat().st_size == 0
    assert _ids(tmp_path) == ["fig.000", "fig.002", "fig.003", "fig.004"]
    assert load_manifest(tmp_path).shards[0].dropped == [(1, "blank")]


def test_drop_only_commit_keeps_the_buffered_records_journaled(tmp_path: Path) -> None:
    schema = Schema([Column("id", "string")])
    with DatasetWriter(tmp_path, schema, shard_size=3) as w:
        w.add(0, {"id": "a"})
        for i in range(1, 4):
            w.add(i, None, reason="blank")  # the 3rd drop commits the drops alone
        assert load_manifest(tmp_path).drops == {"blank": 3}
    with DatasetWriter(tmp_path, schema, shard_size=3) as w:
        assert w.state.kept == 1 and w.state.done_indices == {0, 1, 2, 3}
        assert w.state.drops == {"blank": 3}
        w.add(4, {"id": "b"})
        w.add(5, {"id": "c"})
    assert [s.ids for s in load_manifest(tmp_path).shards] == [[], ["a", "b", "c"]]


def _saving_truncations(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record the journal's bytes just before each truncation."""
    saved: list[bytes] = []
    real = writer_module.DatasetWriter._truncate_journal

    def keep_a_copy(self: DatasetWriter) -> None:
        saved.append((self.out_dir / JOURNAL_NAME).read_bytes())
        real(self)

    monkeypatch.setattr(writer_module.DatasetWriter, "_truncate_journal", keep_a_copy)
    return saved


def test_crash_between_manifest_line_and_journal_truncate_does_not_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, ref = tmp_path / "out", tmp_path / "ref"
    saved = _saving_truncations(monkeypatch)
    with DatasetWriter(out, SCHEMA, shard_size=3) as w:
        for i in range(3):
            w.add(i, _record(i), phash=i)
    monkeypatch.undo()
    assert len(saved) == 1 and not (out / JOURNAL_NAME).exists()
    (out / JOURNAL_NAME).write_bytes(saved[0])  # as if the truncate never happened
    assert _ids(out) == ["fig.000", "fig.001", "fig.002"]
    assert dataset_summary(out)["journaled"] == 0
    with DatasetWriter(out, SCHEMA, shard_size=3) as w:
        assert w.state.kept == 3 and sorted(w.state.phashes) == [0, 1, 2]
        assert (out / JOURNAL_NAME).stat().st_size == 0  # the skipped truncate, done now
        for i in range(3, 6):
            w.add(i, _record(i), phash=i)
        w.finish({})
    assert _ids(out) == [f"fig.{i:03d}" for i in range(6)]
    with DatasetWriter(ref, SCHEMA, shard_size=3) as w:
        for i in range(6):
            w.add(i, _record(i), phash=i)
        w.finish({})
    assert (out / "manifest.jsonl").read_bytes() == (ref / "manifest.jsonl").read_bytes()
    assert _digest(out) == _digest(ref)


def test_replay_of_a_full_buffer_commits_it_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Killed after journaling a shard's last record, before its shard was committed.
    saved = _saving_truncations(monkeypatch)
    with DatasetWriter(tmp_path, SCHEMA, shard_size=3) as w:
        for i in range(3):
            w.add(i, _record(i))
    monkeypatch.undo()
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_bytes(manifest.read_bytes().splitlines(keepends=True)[0])
    (tmp_path / "shard-00000.parquet").unlink()
    (tmp_path / JOURNAL_NAME).write_bytes(saved[0])
    assert dataset_summary(tmp_path)["journaled"] == 3
    with DatasetWriter(tmp_path, SCHEMA, shard_size=3) as w:
        assert w.state.shards == 1 and w.state.kept == 3
        assert (tmp_path / JOURNAL_NAME).stat().st_size == 0
        w.add(3, _record(3))
    assert [s.ids for s in load_manifest(tmp_path).shards] == [["fig.000", "fig.001", "fig.002"]]
    assert _ids(tmp_path) == [f"fig.{i:03d}" for i in range(4)]


# ---- torn tails and corruption ---------------------------------------------------------------


def _journal_of_three(tmp_path: Path) -> tuple[Path, list[int]]:
    """A dataset whose journal holds three kept records; returns the journal and frame offsets."""
    offsets = []
    with DatasetWriter(tmp_path, SCHEMA, shard_size=10) as w:
        for i in range(3):
            offsets.append((tmp_path / JOURNAL_NAME).stat().st_size)
            w.add(i, _record(i))
    return tmp_path / JOURNAL_NAME, offsets


@pytest.mark.parametrize("cut", ["half_header", "half_payload", "zeros", "garbage_tail"])
def test_torn_tail_is_cut_off_on_open(tmp_path: Path, cut: str) -> None:
    journal, offsets = _journal_of_three(tmp_path)
    data = journal.read_bytes()
    if cut == "half_header":
        torn = data[: offsets[2] + HEADER.size // 2]
    elif cut == "half_payload":
        torn = data[: (offsets[2] + len(data)) // 2]
    elif cut == "zeros":  # power loss: the size grew but the blocks were never written
        torn = data[: offsets[2]] + bytes(len(data) - offsets[2])
    else:
        torn = data[:-1] + b"\x00"  # the last frame's payload CRC fails
    journal.write_bytes(torn)
    assert _ids(tmp_path) == ["fig.000", "fig.001"]  # readers cut nothing, just stop there
    assert journal.read_bytes() == torn
    with DatasetWriter(tmp_path, SCHEMA, shard_size=10) as w:
        assert w.state.kept == 2 and w.state.done_indices == {0, 1}
        assert journal.stat().st_size == offsets[2]
        w.add(2, _record(2))
    assert journal.read_bytes() == data


@pytest.mark.parametrize("where", ["payload_bit", "header_bit", "length"])
def test_corruption_before_the_tail_raises_naming_file_and_offset(
    tmp_path: Path, where: str
) -> None:
    journal, offsets = _journal_of_three(tmp_path)
    data = bytearray(journal.read_bytes())
    if where == "payload_bit":
        data[offsets[1] + HEADER.size + 40] ^= 0x10
    elif where == "header_bit":
        data[offsets[1] + 1] ^= 0x01
    else:
        data[offsets[1] + 4 : offsets[1] + 8] = struct.pack("<I", 2**31)
    journal.write_bytes(bytes(data))
    pattern = rf"{JOURNAL_NAME}.*byte {offsets[1]}\b"
    with pytest.raises(ValueError, match=pattern):
        DatasetWriter(tmp_path, SCHEMA, shard_size=10)
    with pytest.raises(ValueError, match=pattern):
        list(read_dataset(tmp_path))
    with pytest.raises(ValueError, match=pattern):
        dataset_summary(tmp_path)
    assert journal.read_bytes() == bytes(data)  # nothing was cut


# ---- hostile journals ------------------------------------------------------------------------


def _hostile(tmp_path: Path, frame: bytes) -> int:
    """A dataset whose journal holds a good record, ``frame``, and another good record; returns
    the offset of ``frame``."""
    journal, offsets = _journal_of_three(tmp_path)
    data = journal.read_bytes()
    journal.write_bytes(data[: offsets[1]] + frame + data[offsets[2] :])
    return offsets[1]


def _kept_payload(index: int, record: dict, columns: list[bytes] | None = None) -> bytes:
    blobs = columns or [
        record["id"].encode(),
        record["image"],
        json.dumps(record["meta"]).encode(),
        record["code"].encode(),
        struct.pack("<q", record["n"]),
        struct.pack("<d", record["x"]),
        record["blob"],
    ]
    meta = {"i": index, "k": "kept", "h": None, "c": [len(b) for b in blobs]}
    return _payload(meta, b"".join(blobs))


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("bad_json", _payload(None, raw_meta=b'{"i": 1, "k": '), "not valid JSON"),
        ("not_an_object", _payload([1, 2]), "entry"),
        ("bad_kind", _payload({"i": 1, "k": "eaten"}), "kind"),
        ("negative_index", _payload({"i": -1, "k": "drop", "r": "blank"}), "index"),
        ("empty_reason", _payload({"i": 1, "k": "drop", "r": ""}), "reason"),
        ("version", b"\x07" + _payload({"i": 1, "k": "drop", "r": "x"})[1:], "version"),
        ("meta_too_long", struct.pack("<BI", 1, 2**31) + b"{}", "meta"),
        ("wrong_schema", _payload({"i": 1, "k": "kept", "h": None, "c": [1, 1]}, b"ab"), "column"),
        ("lengths_overrun", _payload({"i": 1, "k": "kept", "h": None, "c": [9] * 7}, b"x"), "length"),
        ("bad_int", _kept_payload(1, _record(1), [b"fig.001", _png(1), b"{}", b"", b"123", b"\0" * 8, b""]), "int"),
        ("bad_json_column", _kept_payload(1, _record(1), [b"fig.001", _png(1), b"{nope", b"", b"\0" * 8, b"\0" * 8, b""]), "JSON"),
        ("nan_in_json", _kept_payload(1, _record(1), [b"fig.001", _png(1), b"[NaN]", b"", b"\0" * 8, b"\0" * 8, b""]), "JSON"),
        ("unsafe_id", _kept_payload(1, _record(1) | {"id": "../../etc"}), "safe file name"),
        ("not_png", _kept_payload(1, _record(1) | {"image": b"GIF89a"}), "PNG"),
        ("bad_phash", _payload({"i": 1, "k": "kept", "h": -5, "c": [0] * 7}), "phash"),
        ("duplicate_index", _payload({"i": 0, "k": "drop", "r": "blank"}), "already done"),
        ("duplicate_id", _kept_payload(1, _record(0)), "already in the dataset"),
    ],
)  # fmt: skip
def test_hostile_journal_entries_are_refused_by_name(
    tmp_path: Path, name: str, payload: bytes, message: str
) -> None:
    offset = _hostile(tmp_path, _frame(payload))
    pattern = rf"{JOURNAL_NAME}.*byte {offset}\b.*{message}"
    with pytest.raises(ValueError, match=pattern):
        DatasetWriter(tmp_path, SCHEMA, shard_size=10)
    with pytest.raises(ValueError, match=pattern):
        list(read_dataset(tmp_path))


@pytest.mark.parametrize("at_the_end", [False, True])
def test_huge_length_prefix_is_refused_without_allocating_it(
    tmp_path: Path, at_the_end: bool
) -> None:
    journal, offsets = _journal_of_three(tmp_path)
    data = journal.read_bytes()
    liar = _frame(b"x" * 100, length=2**32 - 1)
    assert MAX_FRAME < 2**32 - 1
    journal.write_bytes(
        data + liar if at_the_end else data[: offsets[1]] + liar + data[offsets[1] :]
    )
    where = len(data) if at_the_end else offsets[1]
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=rf"byte {where}\b.*length"):
            DatasetWriter(tmp_path, SCHEMA, shard_size=10)
        with pytest.raises(ValueError, match=rf"byte {where}\b.*length"):
            dataset_summary(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


def test_journal_without_manifest_is_not_adopted(tmp_path: Path) -> None:
    (tmp_path / JOURNAL_NAME).write_bytes(_frame(_payload({"i": 0, "k": "drop", "r": "x"})))
    with pytest.raises(ValueError, match="journal"):
        DatasetWriter(tmp_path, SCHEMA)
    assert (tmp_path / JOURNAL_NAME).stat().st_size > 0


def test_journal_flag_off_writes_no_journal_and_flushes_on_close(tmp_path: Path) -> None:
    with DatasetWriter(tmp_path, SCHEMA, shard_size=10, journal=False) as w:
        w.add(0, _record(0))
        assert not (tmp_path / JOURNAL_NAME).exists()
    assert dataset_summary(tmp_path)["kept"] == 1


def test_journal_is_fsynced_at_most_a_second_apart_and_on_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[float] = []
    real_fsync = os.fsync
    clock = [1000.0]
    with DatasetWriter(tmp_path, SCHEMA, shard_size=100) as w:
        jfd = w._journal_fd

        def fsync(fd: int) -> None:
            if fd == jfd:
                synced.append(clock[0])
            real_fsync(fd)

        monkeypatch.setattr(writer_module.os, "fsync", fsync)
        monkeypatch.setattr(writer_module, "_clock", lambda: clock[0])
        w._last_journal_sync = clock[0]
        for i in range(10):
            clock[0] += 0.3
            w.add(i, _record(i))
        assert synced == pytest.approx([1001.2, 1002.4])
    assert len(synced) == 3  # and once more on close


def test_readers_ignore_a_journal_that_vanishes_or_appears(tmp_path: Path) -> None:
    produce(tmp_path, "parquet", target=5, seed=3, shard_size=2)
    assert not (tmp_path / JOURNAL_NAME).exists()
    assert dataset_summary(tmp_path)["journaled"] == 0
    (tmp_path / JOURNAL_NAME).write_bytes(b"")
    assert len(_ids(tmp_path)) == 5


def test_readers_see_each_add_at_once_across_commits(tmp_path: Path) -> None:
    seen = []
    with DatasetWriter(tmp_path, SCHEMA, shard_size=3) as w:
        for i in range(8):
            w.add(i, _record(i))
            seen.append(_ids(tmp_path))
        w.finish({})
    assert seen == [[f"fig.{j:03d}" for j in range(i + 1)] for i in range(8)]


def test_dataset_phashes_include_the_journal(tmp_path: Path) -> None:
    from codepercept.data import dataset_phashes

    with DatasetWriter(tmp_path, SCHEMA, shard_size=2) as w:
        for i in range(5):
            w.add(i, _record(i), phash=None if i == 1 else 100 + i)
    assert dataset_phashes(tmp_path) == [100, 102, 103, 104]


def test_a_planted_journal_link_or_foreign_file_is_refused_not_truncated(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious, not a journal\n")
    out = tmp_path / "d"
    with DatasetWriter(out, SCHEMA) as w:
        w.add(0, _record(0))
    (out / JOURNAL_NAME).unlink()
    (out / JOURNAL_NAME).symlink_to(victim)
    with pytest.raises(ValueError, match="cannot be opened as the journal"):
        DatasetWriter(out, SCHEMA)
    (out / JOURNAL_NAME).unlink()
    os.link(victim, out / JOURNAL_NAME)
    with pytest.raises(ValueError, match="not a plain file of its own"):
        DatasetWriter(out, SCHEMA)
    (out / JOURNAL_NAME).unlink()
    (out / JOURNAL_NAME).write_bytes(victim.read_bytes())
    with pytest.raises(ValueError, match=rf"{JOURNAL_NAME}: not a codepercept journal"):
        DatasetWriter(out, SCHEMA)
    with pytest.raises(ValueError, match="not a codepercept journal"):
        list(read_dataset(out))
    assert victim.read_bytes() == (out / JOURNAL_NAME).read_bytes() == b"precious, not a journal\n"


def test_readers_racing_a_writer_see_growing_prefixes_without_duplicates(tmp_path: Path) -> None:
    # Small shards: the writer commits (and truncates its journal) every few records while the
    # reader reads; every read must be a prefix of the final dataset.
    out = tmp_path / "d"
    args = [sys.executable, str(PRODUCER), str(out), "webdataset", "60", "2", "3", "0.002"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    reads: list[list[str]] = []
    try:
        while proc.poll() is None:
            try:
                reads.append(_ids(out))
            except FileNotFoundError:
                continue  # no manifest header yet
    finally:
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    final = _ids(out)
    assert len(final) == 60 and len(reads) > 20
    lengths = [len(r) for r in reads]
    assert lengths == sorted(lengths) and len(set(lengths)) > 5
    assert all(r == final[: len(r)] for r in reads)
