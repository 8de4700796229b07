"""The manifest: ``out_dir/manifest.jsonl``, the single source of truth of a dataset directory.

A shard exists for readers and writers only once its manifest line is durable. Lines, one JSON
object each:

- ``{"type": "header", "version": 1, "format": ..., "columns": [{"name", "kind"}...],
  "config": {...}}`` — always the first line.
- ``{"type": "shard", "name": "shard-00003.parquet" | null, "indices": [[first, last], ...],
  "ids": [...], "phashes": [int | null, ...], "dropped": [[index, reason], ...]}`` — one commit.
  ``indices`` are the candidate indices of the *kept* records, aligned with ``ids`` and
  ``phashes``, compressed as inclusive runs of consecutive ascending integers. ``name`` is null
  for a commit that only dropped candidates (no shard file).
- ``{"type": "finish", "summary": {...}, "kept": n, "drops": {reason: n}}`` — written by
  ``DatasetWriter.finish``; the last one wins.

Only the final line can be damaged by a crash (it is the only one being appended); a damaged
final line is ignored by :func:`load_manifest` and removed by the writer on open. Damage anywhere
else raises, because it cannot come from a crash of this writer.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codepercept.data.schema import Schema

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "Manifest",
    "ShardEntry",
    "compress_ranges",
    "expand_ranges",
    "load_manifest",
]

MANIFEST_NAME = "manifest.jsonl"
MANIFEST_VERSION = 1


def compress_ranges(indices: Iterable[int]) -> list[list[int]]:
    """Encode a sequence of ints as inclusive ``[first, last]`` runs of consecutive ascending
    values, preserving order: ``[0, 1, 2, 5, 4] -> [[0, 2], [5, 5], [4, 4]]``."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return runs


def expand_ranges(runs: Iterable[Sequence[int]]) -> list[int]:
    """Inverse of :func:`compress_ranges`."""
    out: list[int] = []
    for first, last in runs:
        if last < first:
            raise ValueError(f"bad index run [{first}, {last}] in manifest")
        out.extend(range(first, last + 1))
    return out


@dataclass
class ShardEntry:
    """One committed batch: the shard file name (None for a drop-only batch), the kept records'
    candidate indices, ids and phashes (aligned), and the dropped ``(index, reason)`` pairs."""

    name: str | None
    indices: list[int]
    ids: list[str]
    phashes: list[int | None]
    dropped: list[tuple[int, str]] = field(default_factory=list)

    def to_line(self) -> dict[str, Any]:
        """The manifest JSON object for this entry."""
        return {
            "type": "shard",
            "name": self.name,
            "indices": compress_ranges(self.indices),
            "ids": self.ids,
            "phashes": self.phashes,
            "dropped": [[i, r] for i, r in self.dropped],
        }

    @classmethod
    def from_line(cls, obj: dict[str, Any]) -> ShardEntry:
        """Parse a ``"shard"`` manifest object; raises ``ValueError`` if inconsistent."""
        indices = expand_ranges(obj["indices"])
        ids = list(obj["ids"])
        phashes = list(obj.get("phashes") or [None] * len(ids))
        if not len(indices) == len(ids) == len(phashes):
            raise ValueError("manifest shard line has misaligned indices/ids/phashes")
        if obj["name"] is None and ids:
            raise ValueError("manifest shard line lists kept records but names no shard")
        dropped = [(int(i), str(r)) for i, r in obj.get("dropped", [])]
        return cls(obj["name"], indices, ids, phashes, dropped)


@dataclass
class Manifest:
    """A parsed manifest. ``shards`` includes drop-only entries (``name is None``)."""

    format: str
    schema: Schema
    config: dict[str, Any]
    shards: list[ShardEntry]
    summary: dict[str, Any] | None = None
    finished: bool = False

    @property
    def kept(self) -> int:
        """Number of committed kept records."""
        return sum(len(s.ids) for s in self.shards)

    @property
    def drops(self) -> Counter[str]:
        """Committed drops per reason."""
        return Counter(r for s in self.shards for _, r in s.dropped)

    @property
    def shard_names(self) -> list[str]:
        """Names of committed shard files/dirs, in commit order."""
        return [s.name for s in self.shards if s.name is not None]


def parse_manifest_bytes(data: bytes) -> tuple[list[dict[str, Any]], int]:
    """Parse manifest bytes into objects; return ``(objects, valid_length)``.

    ``valid_length`` is the byte length of the intact prefix: it is ``len(data)`` unless the final
    line is unterminated or not valid JSON (a crash mid-append), in which case that line is left
    out. A damaged line that is not the last raises ``ValueError``.
    """
    objects: list[dict[str, Any]] = []
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl + 1
        chunk = data[pos:end]
        is_last = end >= len(data)
        try:
            if nl < 0:
                raise ValueError("unterminated line")
            obj = json.loads(chunk)
            if not isinstance(obj, dict) or "type" not in obj:
                raise ValueError("not a manifest object")
        except ValueError as exc:
            if is_last:
                return objects, pos
            raise ValueError(
                f"manifest is corrupt at byte {pos} (not the final line, so not a crash "
                f"mid-append): {exc}"
            ) from exc
        objects.append(obj)
        pos = end
    return objects, pos


def manifest_from_objects(objects: list[dict[str, Any]], where: Path) -> Manifest:
    """Build a :class:`Manifest` from parsed lines; the first must be the header."""
    if not objects or objects[0].get("type") != "header":
        raise ValueError(f"{where} does not start with a header line")
    header = objects[0]
    if header.get("version") != MANIFEST_VERSION:
        raise ValueError(
            f"{where} has manifest version {header.get('version')!r}; this codepercept reads "
            f"version {MANIFEST_VERSION}"
        )
    manifest = Manifest(
        format=header["format"],
        schema=Schema.from_list(header["columns"]),
        config=header.get("config", {}),
        shards=[],
    )
    for obj in objects[1:]:
        kind = obj["type"]
        if kind == "shard":
            manifest.shards.append(ShardEntry.from_line(obj))
            manifest.finished = False
        elif kind == "finish":
            manifest.summary = obj.get("summary")
            manifest.finished = True
        else:
            raise ValueError(f"{where}: unknown manifest line type {kind!r}")
    return manifest


def load_manifest(out_dir: str | os.PathLike[str]) -> Manifest:
    """Read ``out_dir/manifest.jsonl`` without modifying anything.

    Safe while a writer is running: a half-appended final line is ignored. Raises
    ``FileNotFoundError`` if the directory holds no manifest with a complete header.
    """
    path = Path(out_dir) / MANIFEST_NAME
    data = path.read_bytes()
    objects, _ = parse_manifest_bytes(data)
    if not objects:
        raise FileNotFoundError(f"{path} has no complete header line; nothing committed yet")
    return manifest_from_objects(objects, path)


def encode_line(obj: dict[str, Any]) -> bytes:
    """One manifest line: compact JSON plus ``\\n``."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
