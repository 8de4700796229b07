"""What every loader shares: the item type, reading the distributed files, resolving images.

Loaders read only local files. A data file that cannot be read, or that does not have the
benchmark's schema, raises :class:`~codepercept.errors.UsageError` (a ``ValueError``) with one
line naming the file and what was expected. An item whose image is not on disk is still loaded:
its ``image`` keeps the resolved path and ``meta["image_missing"]`` is True.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codepercept.errors import UsageError

__all__ = [
    "ANSWER_TYPES",
    "ReasonItem",
    "bad",
    "describe",
    "find_file",
    "image_from_row",
    "parse_inline_options",
    "parse_line_options",
    "read_json",
    "read_jsonl",
    "read_parquet_rows",
    "resolve_image",
    "take",
]

#: The normalised answer-type vocabulary of :attr:`ReasonItem.answer_type`.
ANSWER_TYPES = ("choice", "integer", "float", "text", "list")


@dataclass(frozen=True)
class ReasonItem:
    """One question of a visual-reasoning benchmark, as the benchmark distributes it.

    ``question`` is the benchmark's question text with its options laid out the way the
    benchmark's own prompt lays them out (answer-format instructions are not added; a prompt the
    data file carries is kept in ``meta["prompt"]``). ``answer`` is the gold answer exactly as
    distributed; ``answer_type`` is one of :data:`ANSWER_TYPES`. ``meta`` holds what the matcher
    and the summary need (precision, unit, the original question type, grouping keys).
    """

    benchmark: str
    id: str
    question: str
    image: str | None
    answer: str
    answer_type: str
    options: tuple[str, ...] = ()
    category: str = ""
    subset: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def letters(self) -> str:
        """The option labels in order (``"ABCD"`` for four options; "" without options)."""
        return "".join(chr(ord("A") + i) for i in range(len(self.options)))


def bad(benchmark: str, path: Path | str, expected: str, got: str) -> UsageError:
    """The one-line error for a file that is not the benchmark's distributed format."""
    return UsageError(f"{benchmark}: {path}: expected {expected} — got {got}")


def describe(value: Any) -> str:
    """A short description of what a JSON value is, for error messages."""
    if isinstance(value, dict):
        keys = ", ".join(sorted(map(str, value))[:6])
        return f"an object with keys {keys}" if value else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    if value is None:
        return "null"
    return f"a {type(value).__name__} ({str(value)[:40]!r})"


def _must_exist(benchmark: str, path: Path, expected: str) -> None:
    if not path.exists():
        raise bad(benchmark, path, expected, "no such file")
    if path.is_dir():
        raise bad(benchmark, path, expected, "a directory")


def read_json(benchmark: str, path: Path, expected: str) -> Any:
    """The parsed JSON document at ``path``; a clear error when it is missing or not JSON."""
    _must_exist(benchmark, path, expected)
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except UnicodeDecodeError:
        raise bad(benchmark, path, expected, "a file that is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise bad(
            benchmark, path, expected, f"invalid JSON ({exc.msg} at line {exc.lineno})"
        ) from None


def read_jsonl(benchmark: str, path: Path, expected: str) -> list[Any]:
    """The records of a JSON-lines file (blank lines skipped)."""
    _must_exist(benchmark, path, expected)
    rows = []
    try:
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise bad(
                        benchmark, path, expected, f"invalid JSON on line {lineno} ({exc.msg})"
                    ) from None
    except UnicodeDecodeError:
        raise bad(benchmark, path, expected, "a file that is not UTF-8 text") from None
    return rows


def read_parquet_rows(benchmark: str, path: Path, expected: str) -> list[dict[str, Any]]:
    """The rows of a Parquet file as dicts (pyarrow is imported only here)."""
    _must_exist(benchmark, path, expected)
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise bad(benchmark, path, expected, f"an unreadable Parquet file ({exc})") from None
    return table.to_pylist()


def find_file(benchmark: str, path: Path, patterns: Iterable[str], expected: str) -> Path:
    """``path`` itself when it is a file, else the first file matching one of ``patterns``
    (file names or globs, in order of preference) inside the directory or its ``data/``."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise bad(benchmark, path, expected, "no such file or directory")
    patterns = list(patterns)
    for sub in (path, path / "data"):
        for pattern in patterns:
            hits = sorted(h for h in sub.glob(pattern) if h.is_file())
            if hits:
                return hits[0]
    raise bad(benchmark, path, expected, f"a directory without {' or '.join(patterns)}")


def resolve_image(data_file: Path, rel: str | None) -> tuple[str | None, bool]:
    """The absolute path of the image ``rel`` names, relative to the data file, and whether it
    is missing. Looked for beside the data file, then one directory up (the layout of the
    Hugging Face repositories, where the data file sits in ``data/`` and the images unpack at the
    root); a missing image keeps the path beside the data file. ``None`` when ``rel`` is empty."""
    if not rel or not str(rel).strip():
        return None, False
    rel = str(rel).strip()
    base = data_file.resolve().parent
    candidate = Path(rel)
    if candidate.is_absolute():
        return str(candidate), not candidate.is_file()
    for root in (base, base.parent):
        full = root / candidate
        if full.is_file():
            return str(full), False
    return str(base / candidate), True


def _cache_root() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "codepercept" / "reason-images"


def image_from_row(
    benchmark: str, data_file: Path, rel: Any, embedded: Any, key: str
) -> tuple[str | None, bool]:
    """The image of a Parquet row: the file ``rel`` names when it is on disk (see
    :func:`resolve_image`), else the row's embedded bytes written once to a cache directory
    (``$XDG_CACHE_HOME/codepercept/reason-images/<benchmark>/<file digest>/``)."""
    if isinstance(rel, dict):  # an Image feature stored in the path column itself
        embedded, rel = rel, rel.get("path")
    path, missing = resolve_image(data_file, rel if isinstance(rel, str) else None)
    if path is not None and not missing:
        return path, False
    data = embedded.get("bytes") if isinstance(embedded, dict) else None
    if not data:
        return path, path is not None
    stat = data_file.stat()
    digest = hashlib.sha1(f"{data_file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    named = rel if isinstance(rel, str) and rel else embedded.get("path") or ""
    suffix = Path(str(named)).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        suffix = ".png"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", key) + suffix  # the item's key: unique in the file
    out = _cache_root() / benchmark / digest.hexdigest()[:16] / name
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(out)
    return str(out), False


def row_image(
    benchmark: str, data_file: Path, row: dict[str, Any], key: str, meta: dict[str, Any]
) -> str | None:
    """The image of a JSON or Parquet row (its ``image`` column, a path or an Image feature,
    and its ``decoded_image`` bytes if any); sets ``meta["image_missing"]`` when it is not on
    disk and not embedded."""
    if "decoded_image" in row or isinstance(row.get("image"), dict):
        image, missing = image_from_row(
            benchmark, data_file, row.get("image"), row.get("decoded_image"), key
        )
    else:
        image, missing = resolve_image(data_file, row.get("image"))
    if missing:
        meta["image_missing"] = True
    return image


_INLINE_OPTION = re.compile(r"\(([A-H])\)\s*")


def parse_inline_options(text: str) -> tuple[str, ...]:
    """Options written inline as ``(A) yes (B) no`` (labels in order from A); () otherwise."""
    marks = list(_INLINE_OPTION.finditer(text))
    labels = [m.group(1) for m in marks]
    if len(labels) < 2 or labels != [chr(ord("A") + i) for i in range(len(labels))]:
        return ()
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out.append(text[m.end() : end].strip().rstrip(",;").strip())
    return tuple(out)


_LINE_OPTION = re.compile(r"^[ \t]*([A-H])[ \t]*[:.)][ \t]*(.*?)[ \t]*$", re.MULTILINE)


def parse_line_options(text: str) -> tuple[str, ...]:
    """Options written one a line as ``A. text`` / ``A: text`` / ``A) text`` (labels in order
    from A, at least two); () otherwise."""
    out: list[str] = []
    for m in _LINE_OPTION.finditer(text):
        if m.group(1) == chr(ord("A") + len(out)):
            out.append(m.group(2))
        elif m.group(1) == "A":  # a new list starts: keep the last one
            out = [m.group(2)]
    return tuple(out) if len(out) >= 2 else ()


def take(items: Iterator[Any] | list[Any], limit: int | None) -> list[Any]:
    """The first ``limit`` of ``items`` (all of them for ``None``)."""
    items = list(items)
    if limit is None:
        return items
    if limit < 0:
        raise UsageError(f"limit must be a non-negative number of items, got {limit}")
    return items[:limit]
