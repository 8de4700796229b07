"""Readers over a dataset directory: every record, a summary, the perceptual hashes.

A dataset is its committed shards (those with a manifest line) followed by its journal's tail:
the records a writer has added but not yet committed in a shard (see
:mod:`codepercept.data.journal`). Readers never modify the directory, so they are safe to run
while a writer is appending: a half-appended manifest line or journal frame is simply not visible
yet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from codepercept.data.formats import read_shard
from codepercept.data.journal import JOURNAL_NAME, JournalEntry, parse_journal, read_journal_bytes
from codepercept.data.manifest import Manifest, load_manifest

__all__ = ["dataset_phashes", "dataset_summary", "read_dataset"]

_ATTEMPTS = 5


def _snapshot(root: Path) -> tuple[Manifest, list[JournalEntry]]:
    """The manifest and the journal's uncommitted entries, consistently.

    The journal is read before the manifest: a commit in between moves entries from the first
    to the second, and those are then skipped as committed, never lost nor yielded twice. A
    commit truncating the journal *while* it is read can show a mix of old and new frames,
    which fails to parse; then both are read again (while the journal bytes keep changing).
    """
    raw = read_journal_bytes(root)
    for attempt in range(_ATTEMPTS):
        manifest = load_manifest(root)
        try:
            entries, _ = parse_journal(raw, manifest.schema, root / JOURNAL_NAME)
            return manifest, _uncommitted(manifest, entries, root / JOURNAL_NAME)
        except ValueError:
            again = read_journal_bytes(root)
            if again == raw or attempt == _ATTEMPTS - 1:
                raise
            raw = again
    raise AssertionError("unreachable")


def _uncommitted(
    manifest: Manifest, entries: list[JournalEntry], where: Path
) -> list[JournalEntry]:
    """The journal entries the manifest does not name, checked as the writer checks a replay."""
    done: set[int] = set()
    ids: set[str] = set()
    for shard in manifest.shards:
        done.update(shard.indices)
        done.update(i for i, _ in shard.dropped)
        ids.update(shard.ids)
    committed = set(done)
    out = []
    for entry in entries:
        if entry.index in committed:
            continue
        if entry.index in done:
            raise ValueError(
                f"{where}: journal entry at byte {entry.offset}: candidate index {entry.index} "
                "is already done"
            )
        done.add(entry.index)
        if entry.record is not None:
            if entry.record["id"] in ids:
                raise ValueError(
                    f"{where}: journal entry at byte {entry.offset}: record id "
                    f"{entry.record['id']!r} is already in the dataset"
                )
            ids.add(entry.record["id"])
        out.append(entry)
    return out


def _decoded(manifest: Manifest, record: dict[str, Any]) -> dict[str, Any]:
    """A journaled record as :func:`read_shard` yields a stored one (``json`` decoded)."""
    return {
        col.name: json.loads(record[col.name]) if col.kind == "json" else record[col.name]
        for col in manifest.schema
    }


def read_dataset(out_dir: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Yield every record: the committed shards in manifest order (rows in stored order), then
    the records journaled since the last commit, in the order they were added.

    Each record is a dict with the schema's columns in schema order; ``json`` columns are decoded
    to values, ``image`` columns are PNG ``bytes``, ``int``/``float`` are Python numbers.
    Raises ``ValueError`` if a shard disagrees with its manifest line, or the journal is damaged
    before its tail or holds an invalid entry.
    """
    root = Path(out_dir)
    manifest, journaled = _snapshot(root)
    for entry in manifest.shards:
        if entry.name is None:
            continue
        yield from read_shard(manifest.format, manifest.schema, root / entry.name, entry.ids)
    for item in journaled:
        if item.record is not None:
            yield _decoded(manifest, item.record)


def dataset_summary(out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Counts: ``{"format", "kept", "journaled", "drops": {reason: n}, "dropped", "shards",
    "finished", "summary"}``. ``kept``, ``drops``, ``dropped`` and ``shards`` count committed
    work; ``journaled`` the kept records added since the last commit (what ``read_dataset``
    yields after the shards); ``summary`` is the last ``finish`` summary or None."""
    manifest, journaled = _snapshot(Path(out_dir))
    drops = manifest.drops
    return {
        "format": manifest.format,
        "kept": manifest.kept,
        "journaled": sum(1 for e in journaled if e.record is not None),
        "drops": dict(sorted(drops.items())),
        "dropped": sum(drops.values()),
        "shards": len(manifest.shard_names),
        "finished": manifest.finished,
        "summary": manifest.summary,
    }


def dataset_phashes(out_dir: str | os.PathLike[str]) -> list[int]:
    """The perceptual hashes of every record that has one: committed, then journaled (e.g. to
    keep a benchmark clear of a training set that is still being written)."""
    manifest, journaled = _snapshot(Path(out_dir))
    hashes = [int(h) for shard in manifest.shards for h in shard.phashes if h is not None]
    hashes.extend(e.phash for e in journaled if e.phash is not None)
    return hashes
