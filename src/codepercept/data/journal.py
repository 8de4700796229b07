"""The journal: ``out_dir/journal.bin``, every ``DatasetWriter.add`` since the last commit.

The writer appends one frame per ``add`` (kept record or drop) with ``os.write`` on an unbuffered
descriptor, so an added record is in the page cache (which outlives a ``kill -9`` of the
process) before ``add`` returns, whatever the shard size. When a commit leaves nothing
uncommitted the writer truncates the journal to 0; on open it replays the entries the manifest
does not name. Readers yield the journal's kept records after the committed shards.

A frame::

    header (16 bytes, little-endian): magic b"CPJ1", payload length (u32),
                                      CRC32 of the payload (u32), CRC32 of the first 12 bytes (u32)
    payload: version (u8 = 1), meta length (u32), meta (compact JSON), column bytes

``meta`` is ``{"i": index, "k": "drop", "r": reason}`` or ``{"i": index, "k": "kept", "h":
phash | null, "c": [byte length of each column, in schema order]}``; the column bytes follow,
concatenated. Columns are stored as the shard will store them, so replayed records give the same
shard bytes: ``string`` UTF-8 (``surrogatepass``), ``int`` 8 bytes signed, ``float`` the 8 bytes
of ``float(value)``, ``json`` the compact text a shard stores (:func:`encode_json`; read back as
:class:`RawJSON`), ``image``/``binary`` the bytes. No pickle: a journal is input like any other.

Damage: a crash (or a power loss inside the fsync window) can only leave an incomplete or
damaged *tail*: a region with no intact frame after it. It is ignored by readers and cut off by
the writer. A file that does not start like a frame (nor with zeros) is refused, not cut: it is
not a journal. A damaged frame followed by an intact one, a frame that declares more than
:data:`MAX_FRAME` bytes, or an intact frame whose content is not a valid entry cannot come from
a crash: :class:`ValueError` naming the file and the byte offset.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codepercept.data.schema import RawJSON, Schema, encode_json

__all__ = [
    "HEADER",
    "JOURNAL_NAME",
    "MAGIC",
    "MAX_FRAME",
    "JournalEntry",
    "encode_entry",
    "parse_journal",
    "read_journal_bytes",
]

#: Matched by neither ``SHARD_NAME_RE`` nor the ``.tmp-`` prefix, so recovery never removes it.
JOURNAL_NAME = "journal.bin"
MAGIC = b"CPJ1"
HEADER = struct.Struct("<4sIII")
#: The largest payload a frame may declare (1 GiB); a larger record is refused by ``add``.
MAX_FRAME = 1 << 30
VERSION = 1
_PREFIX = struct.Struct("<BI")
_INT = struct.Struct("<q")
_FLOAT = struct.Struct("<d")


@dataclass
class JournalEntry:
    """One parsed frame: where it starts, the candidate ``index``, and either a kept ``record``
    (``json`` columns as :class:`RawJSON`, bytes columns as ``bytes``) with its ``phash``, or a
    drop ``reason``. ``frame`` is the frame's bytes (a replay may append it again as is)."""

    offset: int
    index: int
    record: dict[str, Any] | None
    reason: str | None
    phash: int | None
    frame: bytes


def _column_bytes(kind: str, value: Any) -> bytes:
    if kind == "string":
        return value.encode("utf-8", "surrogatepass")
    if kind == "int":
        return _INT.pack(value)
    if kind == "float":
        return _FLOAT.pack(float(value))
    if kind == "json":
        return encode_json(value).encode("utf-8", "surrogatepass")
    return bytes(value)  # image, binary


def encode_entry(
    schema: Schema,
    index: int,
    record: dict[str, Any] | None,
    reason: str | None,
    phash: int | None,
) -> list[bytes]:
    """The frame of one validated ``add``, as parts to write in order (``os.writev``)."""
    if record is None:
        meta: dict[str, Any] = {"i": index, "k": "drop", "r": reason}
        blobs: list[bytes] = []
    else:
        blobs = [_column_bytes(col.kind, record[col.name]) for col in schema]
        meta = {"i": index, "k": "kept", "h": phash, "c": [len(b) for b in blobs]}
    text = json.dumps(meta, separators=(",", ":")).encode("ascii")
    prefix = _PREFIX.pack(VERSION, len(text))
    length = len(prefix) + len(text) + sum(len(b) for b in blobs)
    if length > MAX_FRAME:
        raise ValueError(
            f"record {index} is {length} bytes encoded, more than the journal's limit of "
            f"{MAX_FRAME} bytes per record"
        )
    crc = zlib.crc32(text, zlib.crc32(prefix))
    for b in blobs:
        crc = zlib.crc32(b, crc)
    head = HEADER.pack(MAGIC, length, crc, 0)[:12]
    return [head + struct.pack("<I", zlib.crc32(head)), prefix, text, *blobs]


def _frame_at(data: memoryview, pos: int) -> int | None:
    """The payload length of an intact frame at ``pos``, or None."""
    if len(data) - pos < HEADER.size:
        return None
    magic, length, crc, head_crc = HEADER.unpack_from(data, pos)
    if magic != MAGIC or zlib.crc32(data[pos : pos + 12]) != head_crc:
        return None
    end = pos + HEADER.size + length
    if length > MAX_FRAME or end > len(data):
        return None
    if zlib.crc32(data[pos + HEADER.size : end]) != crc:
        return None
    return length


def _intact_frame_after(data: memoryview, raw: bytes, pos: int) -> int | None:
    """Offset of the first intact frame starting after ``pos``, or None."""
    at = raw.find(MAGIC, pos + 1)
    while at >= 0:
        if _frame_at(data, at) is not None:
            return at
        at = raw.find(MAGIC, at + 1)
    return None


def parse_journal(
    raw: bytes, schema: Schema, where: str | os.PathLike[str]
) -> tuple[list[JournalEntry], int]:
    """Parse journal bytes into entries; return ``(entries, valid_length)``.

    ``valid_length`` is the length of the intact prefix: ``len(raw)`` unless a damaged tail
    (no intact frame after it) was left out. Raises ``ValueError`` naming ``where`` and the byte
    offset for damage before the tail, an oversized length and an invalid entry.
    """
    data = memoryview(raw)
    head = raw[: len(MAGIC)]
    if head and not MAGIC.startswith(head) and raw.strip(b"\0"):
        # Not even a torn first frame (nor a zero-filled one): someone else's file. Refuse
        # rather than cut it off as a torn tail.
        raise ValueError(
            f"{where}: not a codepercept journal (it does not start with {MAGIC!r} at byte 0); "
            "move it away"
        )
    entries: list[JournalEntry] = []
    pos = 0
    while pos < len(data):
        if len(data) - pos >= HEADER.size:
            magic, length, _, head_crc = HEADER.unpack_from(data, pos)
            if (
                magic == MAGIC
                and zlib.crc32(data[pos : pos + 12]) == head_crc
                and length > MAX_FRAME
            ):
                raise ValueError(
                    f"{where}: journal frame at byte {pos} declares a payload length of "
                    f"{length} bytes, more than the maximum {MAX_FRAME}; this writer never "
                    "writes that (the file was altered)"
                )
        length = _frame_at(data, pos)
        if length is None:
            later = _intact_frame_after(data, raw, pos)
            if later is None:
                return entries, pos  # a torn tail
            raise ValueError(
                f"{where}: corrupt journal frame at byte {pos} (an intact frame follows at byte "
                f"{later}, so this is not a tail torn by a crash); the file was damaged or "
                "altered. Move it away to redo its candidates"
            )
        end = pos + HEADER.size + length
        payload = data[pos + HEADER.size : end]
        try:
            entries.append(_decode(payload, schema, pos, bytes(data[pos:end])))
        except (ValueError, TypeError, KeyError, struct.error) as exc:
            raise ValueError(f"{where}: journal entry at byte {pos}: {exc}") from None
        pos = end
    return entries, pos


def _strict_constant(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")


def _decode(payload: memoryview, schema: Schema, offset: int, frame: bytes) -> JournalEntry:
    if len(payload) < _PREFIX.size:
        raise ValueError("entry is shorter than its prefix")
    version, meta_len = _PREFIX.unpack_from(payload, 0)
    if version != VERSION:
        raise ValueError(f"unknown entry version {version} (this codepercept reads {VERSION})")
    body = _PREFIX.size + meta_len
    if body > len(payload):
        raise ValueError(f"entry meta length {meta_len} exceeds the payload ({len(payload)} bytes)")
    try:
        meta = json.loads(bytes(payload[_PREFIX.size : body]))
    except ValueError as exc:
        raise ValueError(f"entry meta is not valid JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"entry meta is not a JSON object: {type(meta).__name__}")
    index = meta.get("i")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise ValueError(f"entry index {index!r} is not a non-negative int")
    kind = meta.get("k")
    if kind == "drop":
        reason = meta.get("r")
        if not isinstance(reason, str) or not reason:
            raise ValueError(f"drop reason {reason!r} is not a non-empty string")
        if body != len(payload):
            raise ValueError("a drop entry carries column bytes")
        return JournalEntry(offset, index, None, reason, None, frame)
    if kind != "kept":
        raise ValueError(f"entry kind {kind!r} is neither 'kept' nor 'drop'")
    phash = meta.get("h")
    if phash is not None and not (
        isinstance(phash, int) and not isinstance(phash, bool) and 0 <= phash < 2**64
    ):
        raise ValueError(f"phash must be null or an int in [0, 2**64), got {phash!r}")
    lengths = meta.get("c")
    if not isinstance(lengths, list) or len(lengths) != len(schema):
        count = len(lengths) if isinstance(lengths, list) else lengths
        raise ValueError(
            f"entry has {count!r} column lengths; the schema has {len(schema)} columns"
        )
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in lengths):
        raise ValueError(f"column lengths {lengths!r} are not non-negative ints")
    if sum(lengths) != len(payload) - body:
        raise ValueError(
            f"column lengths sum to {sum(lengths)} bytes; the entry holds {len(payload) - body}"
        )
    record: dict[str, Any] = {}
    pos = body
    for col, n in zip(schema, lengths, strict=True):
        chunk = payload[pos : pos + n]
        pos += n
        record[col.name] = _decode_column(col.name, col.kind, chunk)
    schema.validate(record)
    return JournalEntry(offset, index, record, None, phash, frame)


def _decode_column(name: str, kind: str, chunk: memoryview) -> Any:
    if kind in ("image", "binary"):
        return bytes(chunk)
    if kind in ("int", "float"):
        if len(chunk) != 8:
            raise ValueError(f"column {name!r} ({kind}) needs 8 bytes, got {len(chunk)}")
        return (_INT if kind == "int" else _FLOAT).unpack(chunk)[0]
    text = bytes(chunk).decode("utf-8", "surrogatepass")
    if kind == "json":
        try:
            json.loads(text, parse_constant=_strict_constant)
        except ValueError as exc:
            raise ValueError(f"column {name!r} (json) is not valid JSON: {exc}") from None
        return RawJSON(text)
    return text


def read_journal_bytes(out_dir: str | os.PathLike[str]) -> bytes:
    """The journal's bytes (``b""`` when there is none); never modifies anything."""
    try:
        return (Path(out_dir) / JOURNAL_NAME).read_bytes()
    except FileNotFoundError:
        return b""
