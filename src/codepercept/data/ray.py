"""Ray Data interop: a codepercept dataset as a ``ray.data.Dataset``, and a Ray Dataset written
as a codepercept dataset.

- :func:`to_ray_dataset` gives exactly the records :func:`~codepercept.data.read_dataset` yields,
  in the same order, with the same values: the committed shards in manifest order (rows in
  stored order), then the records journaled since the last commit. Every format is read the same
  way: one Ray task per shard (one block per shard, in manifest order, with
  ``preserve_order`` set on the returned dataset's context), decoding as ``read_dataset`` does
  and checking each shard's ids against the manifest. Parquet shards are read column-wise with
  pyarrow. ``ray.data.read_parquet`` is *not* used: Ray 2.60's Parquet reader bin-packs the
  files' row groups into read tasks first-fit, so even with ``preserve_order`` its rows need not
  follow the file list. Ten shards of 29 MB, the last of 10 MB, come out as shards 0-3, 9, 4-8
  (its ``OnlineBinPacker`` with the default 128 MiB bins); a three-shard dataset read with
  smaller bins came out as shards 0, 2, 1.
- :func:`write_ray_dataset` writes a Ray Dataset's rows, in the dataset's order, through
  :class:`~codepercept.data.DatasetWriter` (row number = candidate index), so the result is a
  normal dataset (``read_dataset``, ``codepercept serve --backend offline:DIR``, ``export`` ...)
  and re-running on the same directory resumes: rows already written are skipped.

``json`` columns are Python values by default (as ``read_dataset`` gives them), held in Ray's
pickled-object column type so that they stay exactly as decoded. Row-based Ray transforms
(``map``, ``flat_map``, ``filter(fn)``, ``map_batches(batch_format="numpy")``) rebuild blocks by
inferring Arrow types from the Python values, which changes JSON values (an int in a list beside
floats becomes a float, a key missing from one row's object appears as ``None``). Either keep to
transforms that pass blocks through (``filter(expr=...)``, ``select_columns``, ``limit``,
``map_batches`` with ``batch_format="pyarrow"`` or ``"pandas"``), or pass ``json_text=True`` to
both functions: ``json`` columns are then their stored JSON text (``str``), which every transform
keeps as is.

Ray is optional (``pip install 'codepercept[ray]'``): nothing here imports it until a function
is called. The dataset directory must be readable at the same path on every node that runs a
read task (one machine, or a shared filesystem), as for ``ray.data.read_parquet`` on local paths.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codepercept.errors import UsageError

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

    from codepercept.data.schema import Schema

__all__ = ["DATASET_KINDS", "RAY_DATA_MISSING", "to_ray_dataset", "write_ray_dataset"]

RAY_DATA_MISSING = (
    "Ray Data interop needs the ray package, which is not installed; install it with "
    "pip install 'codepercept[ray]'"
)
#: The dataset kinds ``write_ray_dataset`` knows by name.
DATASET_KINDS = ("icc", "tokenit")
_WHAT = "a directory written by codepercept synth, codepercept tokenit or write_ray_dataset"


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise UsageError(RAY_DATA_MISSING) from None
    return ray


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


# ---- reading ---------------------------------------------------------------------------------


def to_ray_dataset(out_dir: str | os.PathLike[str], *, json_text: bool = False) -> ray.data.Dataset:
    """Every record of the dataset at ``out_dir`` as a Ray Dataset: exactly what
    ``read_dataset(out_dir)`` yields, in the same order, with the same values (``image``
    columns as PNG ``bytes``, ``json`` columns decoded, ``int``/``float`` Python numbers).

    The committed shards and the journal's records are those of this call (a writer still
    appending adds nothing to the returned dataset). ``preserve_order`` is set on the returned
    dataset's own context, so ``iter_rows()`` and the datasets derived from it keep the order.
    ``json_text=True``: ``json`` columns as JSON text instead (see the module docstring for
    why): the stored text of Parquet shards and journaled records, the compact encoding of the
    values for ``webdataset`` and ``files`` shards.

    Raises:
        UsageError: ray is not installed; ``out_dir`` is not a dataset (no manifest), or its
            manifest or journal cannot be read.
    """
    ray = _ray()
    from codepercept.data.manifest import MANIFEST_NAME
    from codepercept.data.reader import _snapshot

    root = Path(out_dir)
    if not (root / MANIFEST_NAME).is_file():
        raise UsageError(f"{root} is not a dataset (no {MANIFEST_NAME}); give {_WHAT}")
    try:
        manifest, journaled = _snapshot(root)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{root} is not a readable dataset: {_one_line(exc)}") from None
    tasks: list[tuple[str, Any, Any]] = [
        ("shard", str(root.resolve() / entry.name), entry.ids)
        for entry in manifest.shards
        if entry.name is not None
    ]
    records = [e.record for e in journaled if e.record is not None]
    if records:
        tasks.append(("records", None, records))
    columns = manifest.schema.to_list()
    if not tasks:
        ds = ray.data.from_arrow(_table(manifest.schema, [], json_text))
    else:
        items = [{"task": pickle.dumps(t, protocol=pickle.HIGHEST_PROTOCOL)} for t in tasks]
        ds = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            _load_batch,
            batch_size=1,
            batch_format="pyarrow",
            fn_kwargs={"fmt": manifest.format, "columns": columns, "json_text": json_text},
        )
    ds.context.execution_options.preserve_order = True
    return ds


def _load_batch(
    batch: pa.Table, fmt: str, columns: list[dict[str, str]], json_text: bool
) -> pa.Table:
    """Ray task body: the records of the shards (or journaled records) named in ``batch``."""
    import pyarrow as pa

    from codepercept.data.schema import Schema

    schema = Schema.from_list(columns)
    tables = []
    for cell in batch.column("task").to_pylist():
        kind, path, payload = pickle.loads(cell)
        if kind == "shard":
            tables.append(_shard_table(fmt, schema, Path(path), payload, json_text))
        else:
            tables.append(_table(schema, payload, json_text, raw=True))
    if len(tables) == 1:
        return tables[0]
    return pa.concat_tables(tables)


def _shard_table(fmt: str, schema: Schema, path: Path, ids: list[str], json_text: bool) -> pa.Table:
    """One committed shard as an Arrow table of :func:`_arrow_type` columns; raises
    ``ValueError`` (as ``read_dataset`` does) when it does not hold the manifest's ids."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if fmt != "parquet":
        from codepercept.data.formats import read_shard

        return _table(schema, list(read_shard(fmt, schema, path, ids)), json_text)
    stored = pq.read_table(path, columns=schema.names)
    if stored.column("id").to_pylist() != list(ids):
        raise ValueError(f"shard {path} does not match the manifest")
    arrays = []
    for col in schema:
        data = stored.column(col.name)
        if col.kind == "image":
            data = pc.struct_field(data, "bytes")
        elif col.kind == "json" and not json_text:
            data = _json_array(data.to_pylist(), json_text)
        arrays.append(data)
    return pa.table(arrays, schema=_arrow_schema(schema, json_text))


def _arrow_schema(schema: Schema, json_text: bool) -> pa.Schema:
    import pyarrow as pa

    return pa.schema([(c.name, _arrow_type(c.kind, json_text)) for c in schema])


def _arrow_type(kind: str, json_text: bool) -> pa.DataType:
    import pyarrow as pa

    if kind == "json":
        if json_text:
            return pa.string()
        from ray.data.extensions import ArrowPythonObjectType

        return ArrowPythonObjectType()
    return {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "image": pa.binary(),
        "binary": pa.binary(),
    }[kind]


def _json_array(texts: list[str], json_text: bool) -> pa.Array:
    import pyarrow as pa

    if json_text:
        return pa.array(texts, type=pa.string())
    from ray.data.extensions import ArrowPythonObjectArray

    return ArrowPythonObjectArray.from_objects([json.loads(t) for t in texts])


def _table(
    schema: Schema, records: list[dict[str, Any]], json_text: bool, *, raw: bool = False
) -> pa.Table:
    """Records as an Arrow table: ``json`` columns decoded values, or JSON text if ``raw``
    (journal entries)."""
    import pyarrow as pa

    from codepercept.data.schema import encode_json

    arrays = []
    for col in schema:
        values = [r[col.name] for r in records]
        if col.kind == "json":
            if raw:
                arrays.append(_json_array([str(v) for v in values], json_text))
            elif json_text:
                arrays.append(pa.array([encode_json(v, col.name) for v in values], pa.string()))
            else:
                from ray.data.extensions import ArrowPythonObjectArray

                arrays.append(ArrowPythonObjectArray.from_objects(values))
        else:
            arrays.append(pa.array(values, type=_arrow_type(col.kind, json_text)))
    return pa.table(arrays, schema=_arrow_schema(schema, json_text))


# ---- writing ---------------------------------------------------------------------------------


def _schema_for(schema_or_kind: Any) -> tuple[Schema, str]:
    """The schema and how to name it in messages."""
    from codepercept.data.schema import Schema

    if isinstance(schema_or_kind, Schema):
        return schema_or_kind, "given"
    if schema_or_kind == "icc":
        from codepercept.synth.pipeline import ICC_SCHEMA

        return ICC_SCHEMA, "icc"
    if schema_or_kind == "tokenit":
        from codepercept.tokenit.generate import schema

        return schema(), "tokenit"
    raise UsageError(
        f"unknown dataset kind {schema_or_kind!r}; give 'icc', 'tokenit' or a "
        "codepercept.data.Schema"
    )


def _check_columns(names: list[str], schema: Schema, label: str, where: str) -> None:
    missing = [n for n in schema.names if n not in names]
    if missing:
        raise UsageError(
            f"{where} has no column {missing[0]!r} of the {label} schema (its columns: "
            f"{', '.join(schema.names)})"
        )
    extra = [n for n in names if n not in schema.names]
    if extra:
        raise UsageError(
            f"{where} has column {extra[0]!r}, which the {label} schema does not have (its "
            f"columns: {', '.join(schema.names)}); drop it first (ds.drop_columns)"
        )


def _value(kind: str, value: Any, json_text: bool) -> Any:
    """A Ray row's value as ``DatasetWriter`` takes it: numpy scalars as Python numbers, an
    image as the ``{"bytes", "path"}`` struct HF/Arrow readers give, ``json_text`` as
    :class:`RawJSON` (checked to be standard JSON)."""
    from codepercept.data.schema import RawJSON

    if kind == "json":
        if not json_text:
            return value
        if not isinstance(value, str):
            raise TypeError(f"holds a {type(value).__name__}, not JSON text (json_text=True)")
        json.loads(value, parse_constant=_no_constant)
        return RawJSON(value)
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # a numpy scalar
    if kind == "image" and isinstance(value, Mapping) and "bytes" in value:
        value = value["bytes"]
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")


def write_ray_dataset(
    ds: ray.data.Dataset,
    out: str | os.PathLike[str],
    schema_or_kind: Schema | str,
    *,
    format: str = "parquet",
    shard_size: int = 500,
    config: Mapping[str, Any] | None = None,
    json_text: bool = False,
    phash: bool | None = None,
) -> dict[str, Any]:
    """Write the rows of ``ds``, in its order, as a codepercept dataset at ``out``.

    Row ``i`` (counting from 0 in the dataset's order) is candidate ``i`` of a
    :class:`~codepercept.data.DatasetWriter` (``format``, ``shard_size``, ``config`` as there),
    so a re-run on the same ``out`` resumes: rows already written (committed or journaled) are
    skipped, the others added, and the shards are those one uninterrupted write gives. The
    dataset is iterated with ``preserve_order`` on (its context is restored afterwards).

    ``schema_or_kind``: a :class:`~codepercept.data.Schema`, ``"icc"`` (the schema ``codepercept
    synth`` writes) or ``"tokenit"``. Rows must have exactly its columns, with values of its
    kinds (``json`` columns as Python values, or as JSON text with ``json_text=True``; an
    ``image`` column also takes a ``{"bytes": ..., "path": ...}`` struct). ``phash``: store each
    record's perceptual hash of its ``image`` column, so near-duplicate checks against the
    dataset (``codepercept bench build --exclude-dataset``) see it; default: for ``"icc"``, as
    synth does.

    Returns ``{"out", "rows", "added", "skipped", "kept", "shards"}``: the rows seen, added now,
    skipped as already written, and the dataset's kept records and shard files.

    Raises:
        UsageError: ray is not installed; ``ds`` is not a Ray Dataset; an unknown kind; a row
            lacking a schema column or with one it does not have, or a value it cannot store
            (the message names the row and the column); ``out`` holds another dataset (format,
            schema or config differ), is being written, or holds other rows at these indices.
    """
    ray = _ray()
    from codepercept.data.formats import FORMATS
    from codepercept.data.phash import phash64
    from codepercept.data.writer import DatasetWriter
    from codepercept.errors import CodeperceptError

    if not isinstance(ds, ray.data.Dataset):
        raise UsageError(f"write_ray_dataset needs a ray.data.Dataset, got {type(ds).__name__}")
    schema, label = _schema_for(schema_or_kind)
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if not isinstance(shard_size, int) or isinstance(shard_size, bool) or shard_size < 1:
        raise UsageError(f"shard_size must be a positive int, got {shard_size!r}")
    if phash is None:
        phash = label == "icc"
    if phash and "image" not in schema.names:
        raise UsageError(f"phash=True needs an 'image' column; the {label} schema has none")
    declared = ds.schema()
    if declared is not None:
        _check_columns(list(declared.names), schema, label, "the dataset")
    kinds = [(c.name, c.kind) for c in schema]
    rows = added = skipped = 0
    ctx = ds.context
    ordered = ctx.execution_options.preserve_order
    try:
        with DatasetWriter(out, schema, format=format, shard_size=shard_size,
                           config=config) as writer:  # fmt: skip
            done, ids = writer.state.done_indices, writer.state.ids
            ctx.execution_options.preserve_order = True
            for index, row in enumerate(ds.iter_rows()):
                rows += 1
                where = f"row {index}"
                if index in done:
                    if row.get("id") not in ids:
                        raise UsageError(
                            f"{out} already holds a record for {where}, and its id is not "
                            f"{row.get('id')!r}: it was written from other rows (or another "
                            "order); use another out directory"
                        )
                    skipped += 1
                    continue
                _check_columns(list(row.keys()), schema, label, where)
                record = {}
                for name, kind in kinds:
                    try:
                        record[name] = _value(kind, row[name], json_text)
                    except (TypeError, ValueError) as exc:
                        raise UsageError(f"{where}: column {name!r}: {_one_line(exc)}") from None
                try:
                    schema.validate(record)  # before hashing: a clear message for a bad image
                    h = phash64(record["image"]) if phash else None
                    writer.add(index, record, phash=h)
                except (TypeError, ValueError, OSError) as exc:
                    raise UsageError(f"{where} (id {record['id']!r}): {_one_line(exc)}") from None
                added += 1
            writer.finish({"source": "ray.data", "rows": rows})
            kept, shards = writer.state.kept, writer.state.shards
    except CodeperceptError:
        raise
    except ValueError as exc:  # DatasetMismatchError, a damaged directory
        raise UsageError(_one_line(exc)) from None
    finally:
        ctx.execution_options.preserve_order = ordered
    return {"out": str(out), "rows": rows, "added": added, "skipped": skipped, "kept": kept,
            "shards": shards}  # fmt: skip
