"""codepercept.data — the crash-safe, resumable sharded dataset writer and its readers.

Every dataset producer (ICC synthetic triplets, TokenIT samples, benchmark builders) writes
through :class:`DatasetWriter`; see :mod:`codepercept.data.writer` for the commit protocol and
the producer loop, :mod:`codepercept.data.manifest` for the on-disk manifest, and
:mod:`codepercept.data.phash` for near-duplicate hashing, :mod:`codepercept.data.ray` for Ray Data
(``to_ray_dataset``, ``write_ray_dataset``; needs the optional ray package).
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
    from codepercept.data.formats import FORMATS
    from codepercept.data.manifest import Manifest, ShardEntry, load_manifest
    from codepercept.data.phash import HashIndex, hamming, phash64
    from codepercept.data.ray import to_ray_dataset, write_ray_dataset
    from codepercept.data.reader import dataset_phashes, dataset_summary, read_dataset
    from codepercept.data.schema import Column, RawJSON, Schema
    from codepercept.data.writer import (
        DatasetLockedError,
        DatasetMismatchError,
        DatasetWriter,
        WriterState,
    )

__all__ = [
    "FORMATS",
    "Column",
    "DatasetLockedError",
    "DatasetMismatchError",
    "DatasetWriter",
    "HashIndex",
    "Manifest",
    "RawJSON",
    "Schema",
    "ShardEntry",
    "WriterState",
    "dataset_phashes",
    "dataset_summary",
    "hamming",
    "load_manifest",
    "phash64",
    "read_dataset",
    "to_ray_dataset",
    "write_ray_dataset",
]

# Lazy: the sandbox's screen probe imports ``codepercept.data.phash`` and must not pay for
# pyarrow through this package.
__getattr__ = lazy_getattr(
    __name__,
    {
        "FORMATS": "formats",
        "Manifest": "manifest",
        "ShardEntry": "manifest",
        "load_manifest": "manifest",
        "HashIndex": "phash",
        "hamming": "phash",
        "phash64": "phash",
        "to_ray_dataset": "ray",
        "write_ray_dataset": "ray",
        "dataset_phashes": "reader",
        "dataset_summary": "reader",
        "read_dataset": "reader",
        "Column": "schema",
        "RawJSON": "schema",
        "Schema": "schema",
        "DatasetLockedError": "writer",
        "DatasetMismatchError": "writer",
        "DatasetWriter": "writer",
        "WriterState": "writer",
    },
)
