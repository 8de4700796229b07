"""Column schema for datasets written by :class:`codepercept.data.DatasetWriter`.

A :class:`Schema` is an ordered list of :class:`Column` s. Every schema has a column named ``id``
of kind ``"string"``: it is the record's unique key (the WebDataset key, the ``files`` sample
directory name, the dedup key of the manifest).

Kinds and the Python values they accept (``None`` is rejected for every kind except ``json``,
where it is the JSON value ``null``):

=========  ===============================  ==================================================
kind       accepted value                   stored as
=========  ===============================  ==================================================
string     ``str``                          UTF-8 text
int        ``int`` (not ``bool``)           int64
float      ``float`` or ``int``             float64 (read back as ``float``)
json       any JSON-able value              compact JSON text (read back decoded)
image      PNG ``bytes``                    PNG bytes; in Parquet a HuggingFace ``Image``
binary     ``bytes``                        raw bytes
=========  ===============================  ==================================================
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["KINDS", "Column", "Kind", "RawJSON", "Schema", "validate_id"]

Kind = Literal["string", "int", "float", "json", "image", "binary"]
KINDS: tuple[str, ...] = ("string", "int", "float", "json", "image", "binary")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_ID_LEN = 200


@dataclass(frozen=True)
class Column:
    """One named, typed column. ``name`` is an identifier (``[A-Za-z_][A-Za-z0-9_]*``)."""

    name: str
    kind: Kind

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            raise ValueError(
                f"column name {self.name!r} is not an identifier; use letters, digits and '_' "
                "(it becomes part of file and member names)"
            )
        if self.kind not in KINDS:
            raise ValueError(
                f"column {self.name!r} has unknown kind {self.kind!r}; choose one of {KINDS}"
            )

    def to_dict(self) -> dict[str, str]:
        """``{"name": ..., "kind": ...}`` as stored in the manifest header."""
        return {"name": self.name, "kind": self.kind}


class Schema:
    """An ordered, immutable list of columns; must contain ``Column("id", "string")``."""

    def __init__(self, columns: Iterable[Column]) -> None:
        cols = tuple(columns)
        names = [c.name for c in cols]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate column names in schema: {dupes}")
        if "id" not in names:
            raise ValueError(
                "schema has no 'id' column; add Column('id', 'string') (every record needs a "
                "unique id)"
            )
        if cols[names.index("id")].kind != "string":
            raise ValueError("the 'id' column must have kind 'string'")
        self._columns = cols
        self._by_name = {c.name: c for c in cols}

    @property
    def columns(self) -> tuple[Column, ...]:
        """Columns in schema order."""
        return self._columns

    @property
    def names(self) -> list[str]:
        """Column names in schema order."""
        return [c.name for c in self._columns]

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self._columns == other._columns

    def __hash__(self) -> int:
        return hash(self._columns)

    def __repr__(self) -> str:
        return f"Schema({list(self._columns)!r})"

    def to_list(self) -> list[dict[str, str]]:
        """JSON form stored in the manifest header: ``[{"name", "kind"}, ...]``."""
        return [c.to_dict() for c in self._columns]

    @classmethod
    def from_list(cls, items: Iterable[Mapping[str, str]]) -> Schema:
        """Inverse of :meth:`to_list`."""
        return cls(Column(d["name"], d["kind"]) for d in items)  # type: ignore[arg-type]

    def validate(self, record: Mapping[str, Any]) -> None:
        """Raise ``ValueError``/``TypeError`` unless ``record`` has exactly the schema's columns
        with values of the right kinds (see the module docstring)."""
        if not isinstance(record, Mapping):
            raise TypeError(f"record must be a dict, got {type(record).__name__}")
        missing = [n for n in self.names if n not in record]
        extra = sorted(k for k in record if k not in self._by_name)
        if missing or extra:
            raise ValueError(
                f"record columns do not match the schema: missing {missing}, unexpected {extra}"
            )
        for col in self._columns:
            _check_value(col, record[col.name])
        validate_id(record["id"])


def validate_id(record_id: str) -> None:
    """Raise ``ValueError`` unless ``record_id`` is usable as a file name on every format:
    non-empty, at most 200 characters, no ``/``, ``\\`` or NUL, not starting with ``.``."""
    if not isinstance(record_id, str) or not record_id:
        raise ValueError(f"record id must be a non-empty string, got {record_id!r}")
    if len(record_id) > _MAX_ID_LEN:
        raise ValueError(f"record id is longer than {_MAX_ID_LEN} characters: {record_id[:40]!r}…")
    if record_id.startswith(".") or any(ch in record_id for ch in "/\\\x00"):
        raise ValueError(
            f"record id {record_id!r} is not a safe file name (no leading '.', no '/', '\\', NUL)"
        )


def _check_value(col: Column, value: Any) -> None:
    kind = col.kind
    if value is None and kind != "json":
        raise TypeError(
            f"column {col.name!r} ({kind}) is None; only 'json' columns accept None (as null)"
        )
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and not -(2**63) <= value < 2**63:
            raise ValueError(f"column {col.name!r}: {value} does not fit in int64")
    elif kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "json":
        encode_json(value, col.name)
        ok = True
    elif kind == "image":
        ok = isinstance(value, (bytes, bytearray, memoryview))
        if ok and not bytes(value[:8]) == PNG_SIGNATURE:
            raise ValueError(f"column {col.name!r} (image) must hold PNG bytes (bad signature)")
    else:  # binary
        ok = isinstance(value, (bytes, bytearray, memoryview))
    if not ok:
        raise TypeError(f"column {col.name!r} ({kind}) got a {type(value).__name__}")


class RawJSON(str):
    """JSON text that is already encoded (e.g. a scene exactly as the sandbox serialised it),
    stored in a ``json`` column as is, so a large value is not decoded and encoded again.
    The producer vouches that it is standard JSON; it reads back decoded like any value."""

    __slots__ = ()


def encode_json(value: Any, column: str = "?") -> str:
    """Compact, deterministic JSON text for a ``json`` column (keys keep insertion order;
    NaN/Infinity are rejected so the text is standard JSON). :class:`RawJSON` passes as is."""
    if isinstance(value, RawJSON):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {column!r} (json) is not JSON-serialisable: {exc}") from exc


def format_float(value: float) -> str:
    """Text form of a float that round-trips exactly through ``float()``."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    return repr(value)
