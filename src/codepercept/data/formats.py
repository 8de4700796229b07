"""Shard codecs: how a batch of validated records becomes one shard on disk, and back.

Three formats, all deterministic (the same records in the same order give identical bytes):

- ``parquet``: ``shard-00003.parquet``; one Parquet file, zstd, fixed row-group size, Arrow schema
  metadata carrying the HuggingFace ``datasets`` features (image columns are ``Image``), so
  ``datasets.load_dataset("parquet", data_files=...)`` decodes images to PIL.
- ``webdataset``: ``shard-00003.tar``; members ``{key}.{column}.{ext}`` grouped per sample in
  record order, columns in schema order; ``key`` is the id with ``.`` replaced by ``_``; mtime,
  uid and gid 0, mode 0644.
- ``files``: directory ``shard-00003/`` with one sub-directory per sample named by its id and one
  file per column (:func:`column_filename`).

Writers here only write to the path they are given and fsync it; naming, renaming and the manifest
are the job of :mod:`codepercept.data.writer`.
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from codepercept.data.schema import Column, Schema, encode_json, format_float

__all__ = [
    "FORMATS",
    "SHARD_NAME_RE",
    "column_filename",
    "read_shard",
    "shard_name",
    "wds_key",
    "write_shard",
]

FORMATS: tuple[str, ...] = ("parquet", "webdataset", "files")
SHARD_NAME_RE = re.compile(r"^shard-\d{5,}(\.parquet|\.tar)?$")
# Fixed so that shard bytes do not depend on anything but the records; ~100 rows keeps a row
# group of rendered figures at a few MB, which is what HF viewers and loaders handle well.
PARQUET_ROW_GROUP_ROWS = 100
_IMAGE_TYPE = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
_ARROW_TYPES = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "json": pa.string(),
    "image": _IMAGE_TYPE,
    "binary": pa.binary(),
}
_HF_FEATURES = {
    "string": {"dtype": "string", "_type": "Value"},
    "int": {"dtype": "int64", "_type": "Value"},
    "float": {"dtype": "float64", "_type": "Value"},
    "json": {"dtype": "string", "_type": "Value"},
    "image": {"_type": "Image"},
    "binary": {"dtype": "binary", "_type": "Value"},
}
_WDS_EXT = {
    "string": "txt",
    "int": "txt",
    "float": "txt",
    "json": "json",
    "image": "png",
    "binary": "bin",
}


def shard_name(fmt: str, number: int) -> str:
    """Final name of shard ``number``: ``shard-00003.parquet``, ``.tar`` or a bare dir name."""
    base = f"shard-{number:05d}"
    return {"parquet": base + ".parquet", "webdataset": base + ".tar", "files": base}[fmt]


def wds_key(record_id: str) -> str:
    """WebDataset sample key for an id (WebDataset splits member names at the first dot)."""
    return record_id.replace(".", "_")


def column_filename(col: Column) -> str:
    """File name of a column in the ``files`` format (``image.png``, ``code.py``, ``meta.json``,
    ``caption.txt``, ``blob.bin``)."""
    if col.name == "code" and col.kind == "string":
        return "code.py"
    return f"{col.name}.{_WDS_EXT[col.kind]}"


def arrow_schema(schema: Schema) -> pa.Schema:
    """Arrow schema of a Parquet shard, with ``huggingface`` features and ``codepercept`` column
    kinds in the schema metadata."""
    features = {c.name: _HF_FEATURES[c.kind] for c in schema}
    meta = {
        b"huggingface": json.dumps({"info": {"features": features}}).encode(),
        b"codepercept": json.dumps({"columns": schema.to_list()}).encode(),
    }
    return pa.schema([(c.name, _ARROW_TYPES[c.kind]) for c in schema], metadata=meta)


def _to_bytes(value: Any) -> bytes:
    return bytes(value)


def _encode_text(col: Column, value: Any) -> bytes:
    """Bytes of one value as stored in a tar member or a file."""
    kind = col.kind
    if kind in ("image", "binary"):
        return _to_bytes(value)
    if kind == "json":
        return encode_json(value, col.name).encode("utf-8")
    if kind == "float":
        return format_float(value).encode("ascii")
    if kind == "int":
        return str(int(value)).encode("ascii")
    return value.encode("utf-8")


def _decode_text(col: Column, data: bytes) -> Any:
    kind = col.kind
    if kind in ("image", "binary"):
        return data
    if kind == "json":
        return json.loads(data.decode("utf-8"))
    if kind == "float":
        return float(data.decode("ascii"))
    if kind == "int":
        return int(data.decode("ascii"))
    return data.decode("utf-8")


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """fsync a directory so that entries created/renamed in it are durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def warm_up(fmt: str) -> None:
    """Pay a format's one-off lazy costs now: pyarrow imports pandas (~0.2 s) on its first
    ``pa.array``, which would otherwise land on the first shard write, at the end of a short run
    with nothing left to overlap it."""
    if fmt == "parquet":
        pa.array([0])


def write_shard(fmt: str, schema: Schema, records: Sequence[dict[str, Any]], path: Path) -> None:
    """Write validated ``records`` as one shard at ``path`` (a file, or a directory for
    ``files``) and fsync everything written. ``path`` must not exist."""
    if fmt == "parquet":
        _write_parquet(schema, records, path)
    elif fmt == "webdataset":
        _write_tar(schema, records, path)
    elif fmt == "files":
        _write_files(schema, records, path)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {FORMATS}")


def _write_parquet(schema: Schema, records: Sequence[dict[str, Any]], path: Path) -> None:
    arrays = []
    for col in schema:
        values = [r[col.name] for r in records]
        if col.kind == "image":
            values = [{"bytes": _to_bytes(v), "path": None} for v in values]
        elif col.kind == "binary":
            values = [_to_bytes(v) for v in values]
        elif col.kind == "json":
            values = [encode_json(v, col.name) for v in values]
        elif col.kind == "float":
            values = [float(v) for v in values]
        arrays.append(pa.array(values, type=_ARROW_TYPES[col.kind]))
    table = pa.Table.from_arrays(arrays, schema=arrow_schema(schema))
    with open(path, "xb") as f:
        pq.write_table(
            table,
            f,
            row_group_size=PARQUET_ROW_GROUP_ROWS,
            compression="zstd",
            version="2.6",
            write_statistics=True,
        )
        f.flush()
        os.fsync(f.fileno())


def _write_tar(schema: Schema, records: Sequence[dict[str, Any]], path: Path) -> None:
    with open(path, "xb") as f:
        with tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for record in records:
                key = wds_key(record["id"])
                for col in schema:
                    data = _encode_text(col, record[col.name])
                    info = tarfile.TarInfo(f"{key}.{col.name}.{_WDS_EXT[col.kind]}")
                    info.size = len(data)
                    info.mtime = 0
                    info.mode = 0o644
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    tar.addfile(info, io.BytesIO(data))
        f.flush()
        os.fsync(f.fileno())


def _write_files(schema: Schema, records: Sequence[dict[str, Any]], path: Path) -> None:
    path.mkdir()
    for record in records:
        sample_dir = path / record["id"]
        sample_dir.mkdir()
        for col in schema:
            _write_file(sample_dir / column_filename(col), _encode_text(col, record[col.name]))
        fsync_dir(sample_dir)
    fsync_dir(path)


def read_shard(
    fmt: str, schema: Schema, path: Path, ids: Sequence[str]
) -> Iterator[dict[str, Any]]:
    """Yield the records of one committed shard in stored order, decoded: ``json`` columns as
    values, ``image`` columns as PNG bytes. ``ids`` (from the manifest) orders ``files`` shards
    and is checked against the other formats' contents."""
    if fmt == "parquet":
        records = _read_parquet(schema, path)
    elif fmt == "webdataset":
        records = _read_tar(schema, path)
    elif fmt == "files":
        records = _read_files(schema, path, ids)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {FORMATS}")
    n = 0
    for record in records:
        if n >= len(ids) or record["id"] != ids[n]:
            raise ValueError(f"shard {path} does not match the manifest at row {n}")
        n += 1
        yield record
    if n != len(ids):
        raise ValueError(f"shard {path} has {n} records, the manifest lists {len(ids)}")


def _read_parquet(schema: Schema, path: Path) -> Iterator[dict[str, Any]]:
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=PARQUET_ROW_GROUP_ROWS, columns=schema.names):
        for row in batch.to_pylist():
            out = {}
            for col in schema:
                value = row[col.name]
                if col.kind == "image":
                    value = value["bytes"]
                elif col.kind == "json":
                    value = json.loads(value)
                out[col.name] = value
            yield out


def _read_tar(schema: Schema, path: Path) -> Iterator[dict[str, Any]]:
    current_key: str | None = None
    current: dict[str, Any] = {}

    def finished(key: str | None, sample: dict[str, Any]) -> dict[str, Any]:
        missing = [n for n in schema.names if n not in sample]
        if missing:
            raise ValueError(f"{path}: sample {key!r} lacks members for columns {missing}")
        return {n: sample[n] for n in schema.names}

    with tarfile.open(path, mode="r:") as tar:
        for member in tar:
            if not member.isfile():
                continue
            key, column, _ext = member.name.rsplit(".", 2)
            if key != current_key:
                if current_key is not None:
                    yield finished(current_key, current)
                current_key, current = key, {}
            fobj = tar.extractfile(member)
            assert fobj is not None  # isfile() members always have data
            current[column] = _decode_text(schema[column], fobj.read())
        if current_key is not None:
            yield finished(current_key, current)


def _read_files(schema: Schema, path: Path, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    for record_id in ids:
        sample_dir = path / record_id
        yield {
            col.name: _decode_text(col, (sample_dir / column_filename(col)).read_bytes())
            for col in schema
        }
