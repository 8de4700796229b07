"""One loader a benchmark, each reading the files that benchmark's authors distribute.

Every module has ``NAME`` and ``load(path, limit) -> list[ReasonItem]``; the shared item type and
file helpers are in :mod:`codepercept.reason.formats._common`.
"""
