"""Crash-safe, resumable sharded dataset writer shared by every dataset producer.

Usage, the pattern every producer follows::

    with DatasetWriter(out, schema, format="parquet", shard_size=1000, config=cfg) as w:
        for index in range(total_candidates):
            if w.state.kept >= target:
                break
            if index in w.state.done_indices:
                continue
            ...  # build the candidate deterministically from (seed, index)
            w.add(index, record)                 # kept
            w.add(index, None, reason="blank")   # or dropped
        w.finish({"target": target})

Durability (why a ``kill -9`` at any point loses no added record, whatever ``shard_size``):

* every ``add`` (a kept record with its phash, or a drop with its reason) is appended at once to
  ``out_dir/journal.bin`` (:mod:`codepercept.data.journal`: length-prefixed, CRC-checked frames)
  with ``os.write`` on an unbuffered descriptor, before ``add`` returns. The page cache outlives
  the process, so a ``kill -9`` loses only the candidates the producer had not yet added. The
  journal is fsynced by the first ``add`` at least :data:`JOURNAL_SYNC_S` (1 s) after its last
  fsync, at every commit and on close, so a power loss can lose about a second more.
* records are buffered until ``shard_size`` of them make a shard, then committed:

  1. the buffered records are written to ``out_dir/.tmp-<final name>`` and fsynced;
  2. the temporary is renamed to its final name (``shard-00003.parquet`` / ``.tar`` /
     ``shard-00003/``) and the directory is fsynced;
  3. one line is appended to ``manifest.jsonl`` and fsynced. Only now is the shard committed;
  4. when nothing uncommitted is left, the journal is truncated to 0 and fsynced (after a
     drop-only commit the buffered records keep their journal entries).

On open, a damaged final manifest line (crash in 3) is cut off, and ``.tmp-*`` entries (crash in
1) and shard files not named in the manifest (crash between 2 and 3) are deleted. Then the
journal is replayed: a torn tail (crash mid-append) is cut off, entries whose candidate index the
manifest already names are skipped (crash between 3 and 4), and the others are validated and put
back into the buffer and :attr:`DatasetWriter.state` exactly as ``add`` put them. The producer
carries on from the first candidate it had not added. An exclusive ``fcntl.flock`` on
``out_dir/.lock`` keeps a second writer out.

A shard is only cut when full (or on ``flush``/``finish``); closing without ``finish`` (an
exception, Ctrl-C) leaves the buffer in the journal rather than writing a short shard. So a
producer that is killed or interrupted and re-run writes exactly the shards an uninterrupted run
writes, byte for byte. Readers (:mod:`codepercept.data.reader`) yield the journal's records after
the committed shards.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codepercept.data.formats import (
    FORMATS,
    SHARD_NAME_RE,
    fsync_dir,
    shard_name,
    warm_up,
    wds_key,
    write_shard,
)
from codepercept.data.journal import JOURNAL_NAME, JournalEntry, encode_entry, parse_journal
from codepercept.data.lock import LockedError, acquire_lock, release_lock
from codepercept.data.manifest import (
    MANIFEST_NAME,
    MANIFEST_VERSION,
    Manifest,
    ShardEntry,
    encode_line,
    manifest_from_objects,
    parse_manifest_bytes,
)
from codepercept.data.phash import HashIndex
from codepercept.data.schema import Schema

__all__ = ["DatasetLockedError", "DatasetMismatchError", "DatasetWriter", "WriterState"]

log = logging.getLogger(__name__)

LOCK_NAME = ".lock"
TMP_PREFIX = ".tmp-"
#: The journal is fsynced by the first ``add`` at least this long after its previous fsync.
JOURNAL_SYNC_S = 1.0
_clock = time.monotonic  # a seam for tests


class DatasetLockedError(LockedError):
    """Another live writer holds the directory's lock."""


class DatasetMismatchError(ValueError):
    """The directory holds a dataset written with a different format, schema or config."""


@dataclass
class WriterState:
    """What is already done: committed work and journaled work read on open, plus everything
    added since.

    Records still in the writer's buffer count here (so ids and near-duplicates are caught within
    the buffer too); after a crash the manifest and the journal are read back, so only the
    candidates that were never added are redone.

    ``done_indices``: candidate indices completed (kept or dropped); ``kept``: number of kept
    records; ``ids``: their ids; ``phashes``: their perceptual hashes (records added without one
    are absent); ``hash_index``: the same hashes in a :class:`HashIndex` for near-duplicate tests;
    ``drops``: dropped candidates per reason; ``shards``: shard files committed; ``finished``:
    whether the last committed manifest line is a ``finish`` line.
    """

    done_indices: set[int] = field(default_factory=set)
    kept: int = 0
    ids: set[str] = field(default_factory=set)
    phashes: list[int] = field(default_factory=list)
    drops: Counter[str] = field(default_factory=Counter)
    shards: int = 0
    finished: bool = False
    hash_index: HashIndex = field(default_factory=HashIndex)

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> WriterState:
        """State of the committed work in ``manifest``."""
        state = cls()
        for entry in manifest.shards:
            state.done_indices.update(entry.indices)
            state.ids.update(entry.ids)
            state.kept += len(entry.ids)
            for h in entry.phashes:
                if h is not None:
                    state.phashes.append(h)
                    state.hash_index.add(h)
            for index, reason in entry.dropped:
                state.done_indices.add(index)
                state.drops[reason] += 1
            if entry.name is not None:
                state.shards += 1
        state.finished = manifest.finished
        return state


class DatasetWriter:
    """Append records to a sharded dataset directory, crash-safely and resumably.

    Opening (the constructor) takes the directory lock, recovers from any crash, replays the
    journal and loads :attr:`state`. Use as a context manager; leaving the block without
    :meth:`finish` (an exception, Ctrl-C) keeps the buffered records in the journal, where the
    next writer on the directory finds them, and releases the lock.

    Args:
        out_dir: dataset directory (created if missing).
        schema: columns; must include ``Column("id", "string")``.
        format: ``"parquet"``, ``"webdataset"`` or ``"files"``.
        shard_size: kept records per shard; also the number of pending drops that triggers a
            drop-only commit.
        config: JSON-able producer arguments (seed, target, generator settings...). Re-opening a
            directory with a different format, schema or config raises
            :class:`DatasetMismatchError` (a ``ValueError``).
        journal: keep the journal (the default). ``False`` is for measuring its cost only:
            nothing survives a crash until its shard is committed, and ``close`` flushes a
            short shard as writers without a journal did.

    Raises:
        DatasetLockedError: another process (or another writer in this one) has the directory.
        DatasetMismatchError: the directory was created with other arguments.
        ValueError: the manifest is corrupt before its final line, or names a missing shard; the
            journal is damaged before its tail or holds an invalid entry (the message names the
            file and the byte offset).

    Not thread-safe: call ``add`` from one thread.
    """

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        schema: Schema,
        format: str = "parquet",
        shard_size: int = 1000,
        config: Mapping[str, Any] | None = None,
        *,
        journal: bool = True,
        on_commit: Callable[[str | None], None] | None = None,
    ) -> None:
        if format not in FORMATS:
            raise ValueError(f"unknown format {format!r}; choose one of {FORMATS}")
        if not isinstance(shard_size, int) or shard_size < 1:
            raise ValueError(f"shard_size must be a positive int, got {shard_size!r}")
        try:
            # Round-trip so that tuples/lists and int keys compare as they will on re-open.
            self.config: dict[str, Any] = json.loads(json.dumps(dict(config or {})))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"config must be JSON-serialisable: {exc}") from exc
        self.out_dir = Path(out_dir)
        self.schema = schema
        self.format = format
        self.shard_size = shard_size
        self._buffer: list[tuple[int, dict[str, Any], int | None]] = []
        self._pending_drops: list[tuple[int, str]] = []
        self._keys: set[str] = set()
        self._closed = False
        self._failed = False
        self._finished_here = False
        self._last_line: dict[str, Any] | None = None
        self._manifest_fd = -1
        self._use_journal = journal
        #: called after every commit with the new shard's name (None for a drop-only commit or
        #: a finish line), when the manifest names it: how a mirror copies the dataset out
        self.on_commit = on_commit
        self._journal_path = self.out_dir / JOURNAL_NAME
        self._journal_fd = -1
        self._journal_size = 0
        self._journal_truncations = 0
        self._last_journal_sync = _clock()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        warm_up(format)  # the first shard's lazy imports now, while a producer starts its workers
        self._lock_fd = self._acquire_lock()
        try:
            self.state = self._open()
        except BaseException:
            self._close_fds()
            self._release_lock()
            raise

    # ---- opening -------------------------------------------------------------------------

    def _acquire_lock(self) -> int:
        try:
            return acquire_lock(
                self.out_dir / LOCK_NAME,
                f"{self.out_dir} is being written by another writer (pid {{pid}}); wait for it to "
                "finish or stop it, or use another --out directory",
            )
        except LockedError as exc:
            raise DatasetLockedError(str(exc)) from exc

    def _release_lock(self) -> None:
        release_lock(self._lock_fd)
        self._lock_fd = -1

    def _header(self) -> dict[str, Any]:
        return {
            "type": "header",
            "version": MANIFEST_VERSION,
            "format": self.format,
            "columns": self.schema.to_list(),
            "config": self.config,
        }

    def _open(self) -> WriterState:
        path = self.out_dir / MANIFEST_NAME
        data = path.read_bytes() if path.exists() else b""
        objects, valid_len = parse_manifest_bytes(data)
        if not objects:
            self.state = self._create(path)
            self._open_journal()
            return self.state
        manifest = manifest_from_objects(objects, path)
        self._check_same_arguments(objects[0])
        if valid_len < len(data):
            log.warning(
                "%s: dropping a damaged final manifest line (%d bytes) left by a crash",
                path,
                len(data) - valid_len,
            )
            os.truncate(path, valid_len)
            with open(path, "rb+") as f:
                os.fsync(f.fileno())
        named = set(manifest.shard_names)
        self._remove_leftovers(named)
        missing = sorted(n for n in named if not (self.out_dir / n).exists())
        if missing:
            raise ValueError(
                f"{self.out_dir}: the manifest lists shards that are missing: {missing}; the "
                "dataset was damaged outside the writer. Restore them or start a new --out"
            )
        self.state = state = WriterState.from_manifest(manifest)
        if self.format == "webdataset":
            self._keys = {wds_key(i) for i in state.ids}
        self._last_line = objects[-1]
        self._manifest_fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        replayed = self._replay(self._open_journal())
        if not replayed and self._journal_size:
            self._truncate_journal()  # only committed entries: the truncate a crash skipped
        log.info(
            "resuming %s: %d kept, %d candidates done (%d of them from the journal), %d shards",
            self.out_dir,
            state.kept,
            len(state.done_indices),
            replayed,
            state.shards,
        )
        return state

    def _create(self, path: Path) -> WriterState:
        strays = sorted(p.name for p in self.out_dir.iterdir() if SHARD_NAME_RE.match(p.name))
        if strays:
            raise ValueError(
                f"{self.out_dir} holds shard files {strays[:3]} but no manifest header; it was not "
                "written by this writer (or its manifest was deleted). Use another --out directory"
            )
        if self._journal_path.exists() and self._journal_path.stat().st_size:
            raise ValueError(
                f"{self.out_dir} holds a {JOURNAL_NAME} but no manifest header; this writer "
                "never leaves one so (it was copied in, or the manifest was deleted). Use another "
                "--out directory"
            )
        self._remove_leftovers(set())
        header = self._header()
        self._manifest_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self._append(header)
        fsync_dir(self.out_dir)
        return WriterState()

    def _open_journal(self) -> list[JournalEntry]:
        """Open the journal for appending (created if missing) and return its intact entries,
        after cutting off a torn tail."""
        path = self._journal_path
        if not self._use_journal:
            if path.exists() and path.stat().st_size:
                raise ValueError(
                    f"{path} holds uncommitted records; open {self.out_dir} with the journal on"
                )
            return []
        # Never follow a link planted in the directory: recovery may truncate this file.
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            self._journal_fd = fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise ValueError(f"{path} cannot be opened as the journal: {exc}") from exc
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            raise ValueError(
                f"{path} is not a plain file of its own (a link or a special file); this "
                "writer never makes one. Move it away"
            )
        chunks = []
        while chunk := os.read(fd, 1 << 24):
            chunks.append(chunk)
        raw = b"".join(chunks)
        del chunks
        entries, valid_len = parse_journal(raw, self.schema, path)
        if valid_len < len(raw):
            log.warning(
                "%s: cutting off a torn tail (%d bytes) left by a crash mid-append",
                path,
                len(raw) - valid_len,
            )
            os.ftruncate(fd, valid_len)
            os.fsync(fd)
        self._journal_size = valid_len
        fsync_dir(self.out_dir)  # the journal's directory entry, created or not
        return entries

    def _replay(self, entries: list[JournalEntry]) -> int:
        """Put the journal's uncommitted entries back as ``add`` put them; return how many."""
        committed = set(self.state.done_indices)
        rejournal = False  # set once a commit here truncated the journal under later entries
        replayed = 0
        for entry in entries:
            if entry.index in committed:
                continue  # committed, but the journal was not truncated yet (crash in between)
            try:
                self._check_entry(entry.index, entry.record, entry.reason, entry.phash)
            except (ValueError, TypeError) as exc:
                raise ValueError(
                    f"{self._journal_path}: journal entry at byte {entry.offset}: {exc}"
                ) from None
            if rejournal:
                self._journal_append([entry.frame])
            truncations = self._journal_truncations
            self._apply(entry.index, entry.record, entry.reason, entry.phash)
            rejournal = rejournal or self._journal_truncations != truncations
            replayed += 1
        return replayed

    def _check_same_arguments(self, header: dict[str, Any]) -> None:
        diffs: list[str] = []
        if header.get("format") != self.format:
            diffs.append(f"format: {header.get('format')!r} on disk vs {self.format!r} now")
        if header.get("columns") != self.schema.to_list():
            diffs.append(
                f"columns: {header.get('columns')!r} on disk vs {self.schema.to_list()!r} now"
            )
        old = header.get("config", {})
        for key in sorted(set(old) | set(self.config), key=str):
            if key not in self.config:
                diffs.append(f"config[{key!r}]: {old[key]!r} on disk, absent now")
            elif key not in old:
                diffs.append(f"config[{key!r}]: absent on disk, {self.config[key]!r} now")
            elif old[key] != self.config[key]:
                diffs.append(f"config[{key!r}]: {old[key]!r} on disk vs {self.config[key]!r} now")
        if diffs:
            raise DatasetMismatchError(
                f"{self.out_dir} already holds a dataset written with different arguments — "
                + "; ".join(diffs)
                + ". Use another --out directory, or re-run with the same arguments to resume."
            )

    def _remove_leftovers(self, named: set[str]) -> None:
        for entry in sorted(self.out_dir.iterdir()):
            name = entry.name
            if name.startswith(TMP_PREFIX):
                why = "temporary file of an interrupted commit"
            elif SHARD_NAME_RE.match(name) and name not in named:
                why = "shard not in the manifest (crash before its manifest line)"
            else:
                continue
            log.warning("%s: removing %s: %s", self.out_dir, name, why)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        fsync_dir(self.out_dir)

    # ---- adding --------------------------------------------------------------------------

    def add(
        self,
        index: int,
        record: dict[str, Any] | None,
        reason: str | None = None,
        phash: int | None = None,
    ) -> None:
        """Record the outcome of candidate ``index``: kept (``record``, no ``reason``) or dropped
        (``record=None`` and a ``reason`` such as ``"blank"``, ``"duplicate"``).

        The record is validated against the schema and appended to the journal now (so it
        survives a ``kill -9`` of this process from here on), and buffered; it is committed in
        a shard when the buffer holds ``shard_size`` records, or on :meth:`flush`/:meth:`finish`.
        Do not mutate a record's values after adding it. ``phash`` (an unsigned 64-bit int) is
        stored in the manifest and added to ``state.phashes``/``state.hash_index``.

        Raises:
            ValueError: ``index`` is already done; both or neither of record/reason given; the
                record's id is already present (or, for webdataset, maps to a present key);
                the record does not match the schema (``TypeError`` for wrong value types).
            RuntimeError: the writer is closed, finished, or a previous commit failed.
        """
        self._check_usable()
        self._check_entry(index, record, reason, phash)
        if self._journal_fd < 0:
            self._apply(index, record, reason, phash)
            return
        self._journal_append(encode_entry(self.schema, index, record, reason, phash))
        self._apply(index, record, reason, phash)
        now = _clock()
        if now - self._last_journal_sync >= JOURNAL_SYNC_S:
            try:
                os.fsync(self._journal_fd)
            except BaseException:
                self._failed = True  # added, but its durability is unknown: stop here
                raise
            self._last_journal_sync = now

    def _check_entry(
        self,
        index: int,
        record: dict[str, Any] | None,
        reason: str | None,
        phash: int | None,
    ) -> None:
        """Everything ``add`` refuses, checked before anything changes."""
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ValueError(f"index must be a non-negative int, got {index!r}")
        if index in self.state.done_indices:
            raise ValueError(
                f"candidate index {index} is already done; skip indices in "
                "writer.state.done_indices"
            )
        if (record is None) == (reason is None):
            raise ValueError("pass either a record (kept) or reason= (dropped), not both/neither")
        if record is None:
            if not isinstance(reason, str) or not reason:
                raise ValueError(f"drop reason must be a non-empty string, got {reason!r}")
            if phash is not None:
                raise ValueError("phash is only recorded for kept records")
            return
        self.schema.validate(record)
        record_id = record["id"]
        if record_id in self.state.ids:
            raise ValueError(
                f"record id {record_id!r} is already in the dataset; ids must be unique"
            )
        if self.format == "webdataset" and wds_key(record_id) in self._keys:
            raise ValueError(
                f"record id {record_id!r} maps to WebDataset key {wds_key(record_id)!r}, which "
                "another id already uses ('.' becomes '_'); make ids differ in more than "
                "dots/underscores"
            )
        if phash is not None and not (
            isinstance(phash, int) and not isinstance(phash, bool) and 0 <= phash < 2**64
        ):
            raise ValueError(f"phash must be an int in [0, 2**64), got {phash!r}")

    def _apply(
        self,
        index: int,
        record: dict[str, Any] | None,
        reason: str | None,
        phash: int | None,
    ) -> None:
        """Buffer a checked entry, count it in :attr:`state` and commit when a batch is full."""
        if record is None:
            assert reason is not None
            self._pending_drops.append((index, reason))
            self.state.done_indices.add(index)
            self.state.drops[reason] += 1
            if len(self._pending_drops) >= self.shard_size:
                # Drops alone: commit them without cutting the kept buffer short, so shard
                # boundaries depend on the kept records only.
                self._guarded_commit(with_records=False)
            return
        record_id = record["id"]
        self._buffer.append((index, dict(record), phash))
        self.state.done_indices.add(index)
        self.state.ids.add(record_id)
        self.state.kept += 1
        if self.format == "webdataset":
            self._keys.add(wds_key(record_id))
        if phash is not None:
            self.state.phashes.append(phash)
            self.state.hash_index.add(phash)
        if len(self._buffer) >= self.shard_size:
            self.flush()

    def _journal_append(self, parts: list[bytes]) -> None:
        """Append one frame; on any failure cut the journal back so no partial frame stays."""
        fd = self._journal_fd
        total = sum(len(p) for p in parts)
        try:
            written = os.writev(fd, parts)
            if written < total:
                rest = memoryview(b"".join(parts))[written:]
                while rest:
                    rest = rest[os.write(fd, rest) :]
        except BaseException:
            try:
                os.ftruncate(fd, self._journal_size)
            except OSError:
                self._failed = True  # a partial frame may remain: stop appending after it
            raise
        self._journal_size += total

    def _truncate_journal(self) -> None:
        """Empty the journal once everything in it is committed."""
        os.ftruncate(self._journal_fd, 0)
        os.fsync(self._journal_fd)
        self._journal_size = 0
        self._journal_truncations += 1
        self._last_journal_sync = _clock()

    def flush(self) -> None:
        """Commit the buffered records (one shard) and pending drops; no-op when empty.

        A shard cut here is shorter than ``shard_size``, so a re-run of an interrupted producer
        no longer writes the same shards as an uninterrupted run; producers call :meth:`finish`
        (which flushes) and let a crash or ``close`` leave the rest in the journal."""
        self._check_usable(allow_finished=True)
        if not self._buffer and not self._pending_drops:
            return
        self._guarded_commit(with_records=True)

    def _guarded_commit(self, with_records: bool) -> None:
        try:
            self._commit(with_records)
        except BaseException:
            # State now counts records that are not committed: refuse further use. The next open
            # recovers (deletes the temporary/orphan) and replays the journal.
            self._failed = True
            raise

    def _commit(self, with_records: bool) -> None:
        name: str | None = None
        batch = self._buffer if with_records else []
        if batch:
            name = shard_name(self.format, self.state.shards)
            final = self.out_dir / name
            tmp = self.out_dir / (TMP_PREFIX + name)
            if final.exists():
                raise RuntimeError(
                    f"{final} exists but is not in the manifest; refusing to overwrite"
                )
            records = [r for _, r, _ in batch]
            write_shard(self.format, self.schema, records, tmp)
            os.rename(tmp, final)
            fsync_dir(self.out_dir)
        entry = ShardEntry(
            name=name,
            indices=[i for i, _, _ in batch],
            ids=[r["id"] for _, r, _ in batch],
            phashes=[h for _, _, h in batch],
            dropped=list(self._pending_drops),
        )
        self._append(entry.to_line())
        log.debug(
            "%s: committed %s (%d kept, %d dropped)",
            self.out_dir,
            name or "drop-only batch",
            len(entry.ids),
            len(entry.dropped),
        )
        if name is not None:
            self.state.shards += 1
        self.state.finished = False
        if with_records:
            self._buffer.clear()
        self._pending_drops.clear()
        if self._journal_fd >= 0 and not self._buffer:
            self._truncate_journal()
        if self.on_commit is not None:
            self.on_commit(name)

    def _append(self, obj: dict[str, Any]) -> None:
        data = memoryview(encode_line(obj))
        while data:
            written = os.write(self._manifest_fd, data)
            data = data[written:]
        os.fsync(self._manifest_fd)
        self._last_line = obj

    def finish(self, summary: Mapping[str, Any] | None = None) -> None:
        """Flush and record completion with a JSON-able ``summary``. Idempotent: re-running a
        finished producer with nothing new to add appends nothing. No ``add`` on this writer after
        this (a new writer on the same directory may add more)."""
        self._check_usable(allow_finished=True)
        try:
            summary_obj = json.loads(json.dumps(dict(summary or {})))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"summary must be JSON-serialisable: {exc}") from exc
        self.flush()
        line = {
            "type": "finish",
            "summary": summary_obj,
            "kept": self.state.kept,
            "drops": dict(sorted(self.state.drops.items())),
        }
        if self._last_line != line:
            try:
                self._append(line)
            except BaseException:
                self._failed = True
                raise
            if self.on_commit is not None:
                self.on_commit(None)
        self.state.finished = True
        self._finished_here = True

    def _check_usable(self, allow_finished: bool = False) -> None:
        if self._closed:
            raise RuntimeError(f"writer for {self.out_dir} is closed")
        if self._failed:
            raise RuntimeError(
                f"a commit to {self.out_dir} failed; close this writer and open a new one (it "
                "recovers and replays the journal)"
            )
        if self._finished_here and not allow_finished:
            raise RuntimeError(
                f"finish() was called on this writer for {self.out_dir}; open a new one to add more"
            )

    # ---- closing -------------------------------------------------------------------------

    def close(self) -> None:
        """Close without committing: what is not committed stays in the journal (fsynced) for
        the next writer, and an empty journal is removed; then release the lock. Idempotent.

        Without a journal (``journal=False``) the buffer is flushed first, as before."""
        if self._closed:
            return
        try:
            if not self._use_journal and not self._failed:
                self.flush()
        finally:
            self._closed = True
            try:
                self._close_journal()
            finally:
                self._close_fds()
                self._release_lock()

    def _close_journal(self) -> None:
        if self._journal_fd < 0:
            return
        if self._journal_size:
            os.fsync(self._journal_fd)
        else:
            # Nothing uncommitted: a finished dataset directory holds no journal. The lock is
            # still ours, so no writer is appending to it.
            with contextlib.suppress(OSError):
                self._journal_path.unlink()
                fsync_dir(self.out_dir)

    def _close_fds(self) -> None:
        for attr in ("_journal_fd", "_manifest_fd"):
            fd = getattr(self, attr)
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, attr, -1)

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"DatasetWriter({str(self.out_dir)!r}, format={self.format!r}, "
            f"kept={self.state.kept}, shards={self.state.shards})"
        )
