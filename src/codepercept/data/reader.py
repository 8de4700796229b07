"""Readers over committed data: every record, the manifest, and a summary.

Readers never modify the directory and only see committed shards (those with a manifest line),
so they are safe to run while a writer is appending.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from codepercept.data.formats import read_shard
from codepercept.data.manifest import load_manifest

__all__ = ["dataset_summary", "read_dataset"]


def read_dataset(out_dir: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Yield every committed record, shard by shard in manifest order, rows in stored order.

    Each record is a dict with the schema's columns in schema order; ``json`` columns are decoded
    to values, ``image`` columns are PNG ``bytes``, ``int``/``float`` are Python numbers.
    Raises ``ValueError`` if a shard disagrees with its manifest line.
    """
    root = Path(out_dir)
    manifest = load_manifest(root)
    for entry in manifest.shards:
        if entry.name is None:
            continue
        yield from read_shard(manifest.format, manifest.schema, root / entry.name, entry.ids)


def dataset_summary(out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Counts of the committed data: ``{"format", "kept", "drops": {reason: n}, "dropped",
    "shards", "finished", "summary"}`` (``summary`` is the last ``finish`` summary or None)."""
    manifest = load_manifest(out_dir)
    drops = manifest.drops
    return {
        "format": manifest.format,
        "kept": manifest.kept,
        "drops": dict(sorted(drops.items())),
        "dropped": sum(drops.values()),
        "shards": len(manifest.shard_names),
        "finished": manifest.finished,
        "summary": manifest.summary,
    }
