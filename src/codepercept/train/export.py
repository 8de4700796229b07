"""``codepercept export``: an ICC dataset as supervised fine-tuning data for a trainer.

Each ICC record (image, ground-truth code, code-grounded caption) gives up to two
conversations, the paper's two S1 tasks, with the prompts of :mod:`codepercept.models.prompts`:

* ``image2code`` — the official STEM2Code prompt (its system message and text) with the figure;
  the answer is the record's code in one fenced ```python block;
* ``caption`` — the ``describe`` prompt with the figure; the answer is the record's caption.

The rows take one trainer's layout (:mod:`codepercept.train.export_formats`): ``ms-swift``,
``llamafactory``, ``trl`` or ``sharegpt``.

**The split leaks no family seed.** Every record has a *group*, the thing it was derived from
(:func:`group_key`): a model-driven item its seed image, a refined program the sample it refines,
a synthetic one its (family, seed). A group is in validation when a hash of ``(seed, group)``
falls below ``val_fraction``, so all of a group's records (variants, both tasks) land on one
side; the same group lands on the same side in every export made with the same ``seed`` (a
captions-only and an image2code-only export, or a dataset that grew), and the export is one
streaming pass. The validation share is therefore close to ``val_fraction`` on many groups, not
exact; the summary reports the sizes.

**Skipped rows** are counted by reason, never silent: ``caption:no_caption`` (an empty caption),
``image2code:no_code``, ``image2code:code_contains_fence`` (the answer's ``` would end the
block early), and, for the layouts that mark the image with ``<image>`` in the text,
``TASK:text_contains_<image>`` (the trainer would count one image too many). A dataset without
a caption column cannot be exported for ``caption``/``both`` (a usage error), and an export that
would hold no row at all is refused.

**Writing.** ``out`` is claimed with :func:`codepercept.jobdir.claim`. Split files are written
under temporary names and renamed when complete; each image is written atomically and kept by
a re-run. Nothing is resumed item by item: the same command again redoes the text in one pass
(images already written are not rewritten), which is I/O-bound.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from codepercept._fs import atomic_write
from codepercept.errors import JobError, UsageError
from codepercept.train.export_formats import (
    FORMATS,
    IMAGE_TAG,
    VERIFIED,
    Sample,
    TrainerFormat,
    how_to_train,
    llamafactory_dataset_info,
    trainer_format,
    trl_arrow_schema,
)

log = logging.getLogger(__name__)

__all__ = ["EXPORT_FORMATS", "TASKS", "export_sft", "group_key", "image_path", "is_validation"]

EXPORT_FORMATS: tuple[str, ...] = tuple(FORMATS)
TASKS: tuple[str, ...] = ("caption", "image2code", "both")
#: Bumped when the rows an export writes change for the same input and arguments.
EXPORT_VERSION = 1
SUMMARY_FILE = "export.json"
CARD_FILE = "README.md"
IMAGES_DIR = "images"
_REFINE_PREFIX = "refine-"  # codepercept refine-code names an item refine-<source id>
_PARQUET_ROWS = 100  # rows per Parquet row group (a few MB of figures)


# ---- the split ------------------------------------------------------------------------------


def group_key(record: dict[str, Any]) -> str:
    """What ``record`` was derived from; records with the same key share a split side.

    In order: a model-driven item (``reproduce``/``diversify``) its seed image
    (``seed:SEED_ID``), since its family and seed are placeholders; a ``refine-code`` item the
    sample it refines (its id without ``refine-``, which for a synthetic sample is that
    sample's key); a record with ``family`` and ``seed`` the pair (``FAMILY-SEED``, the id
    ``codepercept synth`` gives it, so variants made from one seed share it); else its id."""
    seed_id = record.get("seed_id")
    if isinstance(seed_id, str) and seed_id:
        return f"seed:{seed_id}"
    rid = str(record["id"])
    if "reference_code" in record and rid.startswith(_REFINE_PREFIX):
        return rid[len(_REFINE_PREFIX) :]
    family, seed = record.get("family"), record.get("seed")
    if isinstance(family, str) and family and seed is not None:
        return f"{family}-{seed}"
    return rid


def _group_hash(key: str, seed: int) -> int:
    """The first 8 bytes of BLAKE2b over ``"SEED\\0KEY"``, as an integer."""
    return int.from_bytes(hashlib.blake2b(f"{seed}\0{key}".encode(), digest_size=8).digest(), "big")


def is_validation(key: str, val_fraction: float, seed: int) -> bool:
    """Whether group ``key`` goes to validation: its hash with ``seed`` (:func:`_group_hash`),
    read as a fraction of 2**64, is below ``val_fraction``."""
    return val_fraction > 0 and _group_hash(key, seed) / 2**64 < val_fraction


# ---- conversations --------------------------------------------------------------------------


def image_path(record_id: str) -> str:
    """Where a record's image goes, relative to the export directory: ``images/AB/ID.png``
    (``AB`` two hex digits of a hash of the id, so no directory holds more than ~1/256 of
    them)."""
    bucket = hashlib.sha1(record_id.encode()).hexdigest()[:2]
    return f"{IMAGES_DIR}/{bucket}/{record_id}.png"


def _prompts() -> dict[str, Any]:
    from codepercept.models.prompts import DESCRIBE, STEM2CODE

    return {"image2code": STEM2CODE, "caption": DESCRIBE}


def _answer(task: str, record: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(answer, None)`` or ``(None, skip reason)``."""
    if task == "caption":
        caption = record.get("caption")
        if not isinstance(caption, str) or not caption.strip():
            return None, "no_caption"
        return caption.strip(), None
    code = record.get("code")
    if not isinstance(code, str) or not code.strip():
        return None, "no_code"
    if "```" in code:
        return None, "code_contains_fence"
    return f"```python\n{code.rstrip()}\n```", None


def samples_of(
    record: dict[str, Any], tasks: list[str], fmt: TrainerFormat, skipped: Counter[str]
) -> list[Sample]:
    """The conversations one record gives (one per task it can serve); each it cannot serve
    adds ``"TASK:REASON"`` to ``skipped``."""
    prompts = _prompts()
    rid = str(record["id"])
    path = image_path(rid) if fmt.image_files else None
    out = []
    for task in tasks:
        answer, why = _answer(task, record)
        p = prompts[task]
        text = p.text()
        if answer is not None and fmt.image_tag and (IMAGE_TAG in answer or IMAGE_TAG in text):
            answer, why = None, f"text_contains_{IMAGE_TAG}"
        if answer is None:
            skipped[f"{task}:{why}"] += 1
            continue
        out.append(Sample(rid, task, p.system, text, answer, bytes(record["image"]), path))
    return out


# ---- input checks ---------------------------------------------------------------------------


def _check_source(src: Path, tasks: list[str]) -> None:
    """Refuse, before anything is written, what is not an ICC dataset this export can use."""
    from codepercept.data.manifest import MANIFEST_NAME, load_manifest

    if not src.is_dir():
        raise UsageError(
            f"{src} is not a directory; give an ICC dataset (`codepercept synth --out DIR`)"
        )
    if not (src / MANIFEST_NAME).is_file():
        raise UsageError(
            f"{src} is not a dataset (no {MANIFEST_NAME}); give an ICC dataset "
            "(`codepercept synth --out DIR`)"
        )
    try:
        manifest = load_manifest(src)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{src} is not a readable dataset ({exc})") from None
    kinds = {c.name: c.kind for c in manifest.schema}
    for name, kind in (("image", "image"), ("code", "string")):
        if kinds.get(name) != kind:
            raise UsageError(
                f"{src} is not an ICC dataset (no {kind} column {name!r}; it has "
                f"{', '.join(kinds) or 'no columns'}); give one made by `codepercept synth`, "
                "reproduce, diversify or refine-code"
            )
    if "caption" in tasks and kinds.get("caption") != "string":
        raise UsageError(
            f"{src} has no caption column, so it cannot be exported for captioning; use "
            "--task image2code"
        )


def _check_out(src: Path, out: Path) -> None:
    a, b = src.resolve(), out.resolve()
    if a == b or a in b.parents or b in a.parents:
        raise UsageError(
            f"--out {out} and the dataset {src} overlap; write the export to a directory "
            "outside the dataset"
        )


# ---- writing --------------------------------------------------------------------------------


@contextlib.contextmanager
def _staged(path: Path) -> Iterator[tuple[IO[bytes], Callable[[], None]]]:
    """A file written under a temporary name beside ``path``; ``commit()`` renames it into
    place (after an fsync); leaving without a commit removes it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.name}.")
    fh = os.fdopen(fd, "wb")
    done = False

    def commit() -> None:
        nonlocal done
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        done = True

    try:
        yield fh, commit
    finally:
        if not done:
            fh.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class _SplitWriter:
    """Rows of one split into one staged file: JSON lines, or Parquet row groups (trl)."""

    def __init__(self, fh: IO[bytes], fmt: TrainerFormat) -> None:
        self.fh, self.fmt, self.rows = fh, fmt, 0
        self._batch: list[dict[str, Any]] = []
        self._parquet: Any = None
        if fmt.suffix == ".parquet":
            import pyarrow.parquet as pq

            self._schema = trl_arrow_schema()
            self._parquet = pq.ParquetWriter(fh, self._schema, compression="zstd")

    def add(self, row: dict[str, Any]) -> None:
        self.rows += 1
        if self._parquet is None:
            line = json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
            self.fh.write(line.encode("utf-8"))
            return
        self._batch.append(row)
        if len(self._batch) >= _PARQUET_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._batch:
            self._parquet.write_table(pa.Table.from_pylist(self._batch, schema=self._schema))
            self._batch = []

    def close(self) -> None:
        if self._parquet is not None:
            self._flush()
            self._parquet.close()


def _source(record: dict[str, Any]) -> str:
    """Where a record came from: a model-driven job's ``source``, ``refine-code``, or the
    synthetic domain."""
    if record.get("source"):
        return str(record["source"])
    if "reference_code" in record:
        return "refine-code"
    return str(record.get("domain") or "-")


def _write_image(out: Path, rel: str, png: bytes) -> bool:
    """Write one image (atomically) unless it is already there; whether it was written."""
    path = out / rel
    if path.is_file() and path.stat().st_size == len(png):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, png)
    return True


_SPLIT_FILES = {f"{split}{fmt.suffix}" for split in ("train", "val") for fmt in FORMATS.values()}


def _remove_stale(out: Path, keep: set[str] | None = None) -> None:
    """Temporary files of an interrupted run; with ``keep``, also the split files this run did
    not write (an empty validation split where an earlier run had one)."""
    for entry in [*out.iterdir(), *out.glob(f"{IMAGES_DIR}/*/.tmp-*")]:
        name = entry.name
        stale = keep is not None and name in _SPLIT_FILES and name not in keep
        if (name.startswith(".tmp-") or stale) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()


# ---- the job --------------------------------------------------------------------------------


def export_sft(
    src: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    format: str,
    task: str = "both",
    val_fraction: float = 0.05,
    seed: int = 0,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Export the ICC dataset ``src`` as SFT data in ``format`` into ``out``; returns the
    summary (also written to ``out/export.json``; ``out/README.md`` is the dataset card).

    ``task``: ``caption``, ``image2code`` or ``both`` (two rows per record).
    ``val_fraction`` in [0, 1): the share of groups (:func:`group_key`) held out, chosen by
    :func:`is_validation` with ``seed``. ``progress(done, total)`` is called per record.

    Raises:
        UsageError: ``src`` is not an ICC dataset (or lacks captions for a caption task), an
            argument is out of range, ``out`` overlaps ``src`` or belongs to another job, or
            nothing would be exported.
        JobError: the dataset changed while it was read.
    """
    from codepercept.data import dataset_summary, read_dataset
    from codepercept.jobdir import claim

    t0 = time.monotonic()
    src, out = Path(src), Path(out)
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    fmt = trainer_format(format)
    if task not in TASKS:
        raise UsageError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    if not isinstance(val_fraction, (int, float)) or not 0 <= val_fraction < 1:
        raise UsageError(f"val_fraction must be at least 0 and less than 1; got {val_fraction!r}")
    tasks = ["caption", "image2code"] if task == "both" else [task]
    _check_source(src, tasks)
    _check_out(src, out)
    try:
        before = dataset_summary(src)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{src} is not a readable dataset ({exc})") from None
    total = int(before["kept"]) + int(before["journaled"])

    prompts = {t: p.id for t, p in _prompts().items() if t in tasks}
    settings = {
        "export_version": EXPORT_VERSION, "format": format, "task": task,
        "val_fraction": float(val_fraction), "seed": int(seed), "prompts": prompts,
    }  # fmt: skip
    with claim(out, "export", settings, {"icc": src}, overwrite=overwrite) as job:
        names = {split: f"{split}{fmt.suffix}" for split in ("train", "val")}
        _remove_stale(out)
        skipped: Counter[str] = Counter()
        rows: dict[str, Counter[str]] = {"train": Counter(), "val": Counter()}
        records: Counter[str] = Counter()
        groups: dict[str, set[int]] = {"train": set(), "val": set()}
        families: dict[str, Counter[str]] = defaultdict(Counter)
        sources: Counter[str] = Counter()
        images_written = done = 0
        with contextlib.ExitStack() as stack:
            staged = {s: stack.enter_context(_staged(out / n)) for s, n in names.items()}
            writers = {s: _SplitWriter(fh, fmt) for s, (fh, _) in staged.items()}
            for record in read_dataset(src):
                done += 1
                samples = samples_of(record, tasks, fmt, skipped)
                if samples:
                    # only the group's hash is kept (to count groups), not its key
                    h = _group_hash(group_key(record), seed)
                    side = "val" if val_fraction > 0 and h / 2**64 < val_fraction else "train"
                    if fmt.image_files:
                        assert samples[0].image_path is not None
                        images_written += _write_image(out, samples[0].image_path, samples[0].image)
                    for sample in samples:
                        writers[side].add(fmt.row(sample))
                        rows[side][sample.task] += 1
                    records[side] += 1
                    groups[side].add(h)
                    families[str(record.get("family") or "-")][side] += 1
                    sources[_source(record)] += 1
                if progress is not None:
                    progress(done, max(total, done))
            for w in writers.values():
                w.close()
            if done > total:
                raise JobError(
                    f"export: {src} changed while it was read ({done} records, {total} at the "
                    "start); re-run when its writer has finished"
                )
            if not records["train"] and not records["val"]:
                raise UsageError(
                    f"export: nothing to export from {src}: {done} records, every row skipped "
                    f"({', '.join(f'{k} {v}' for k, v in sorted(skipped.items())) or 'none'})"
                )
            files = {}
            for split, (_, commit) in staged.items():
                if writers[split].rows:
                    commit()
                    files[split] = names[split]
        _remove_stale(out, keep=set(files.values()))
        if format == "llamafactory":
            info = llamafactory_dataset_info(files)
            atomic_write(out / "dataset_info.json", json.dumps(info, indent=1) + "\n")
        summary = {
            "format": format,
            "task": task,
            "source": str(src.resolve()),
            "source_hash": job.record["inputs"]["icc"]["hash"],
            "records_read": done,
            "val_fraction": float(val_fraction),
            "seed": int(seed),
            "files": {**files, "images": f"{IMAGES_DIR}/" if fmt.image_files else None},
            "rows": {
                s: dict(sorted(c.items())) | {"total": sum(c.values())} for s, c in rows.items()
            },
            "records": {"train": records["train"], "val": records["val"]},
            "groups": {s: len(g) for s, g in groups.items()},
            "val_share": round(records["val"] / max(1, records["train"] + records["val"]), 4),
            "families": {
                f: {"train": c["train"], "val": c["val"]} for f, c in sorted(families.items())
            },
            "sources": dict(sorted(sources.items())),
            "skipped": dict(sorted(skipped.items())),
            "prompts": prompts,
            "images_written": images_written,
            "verified_against": VERIFIED[format],
            "seconds": round(time.monotonic() - t0, 3),
        }
        leak = groups["train"] & groups["val"]
        assert not leak, f"{len(leak)} groups on both sides"  # impossible by construction
        atomic_write(out / SUMMARY_FILE, json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
        atomic_write(out / CARD_FILE, dataset_card(summary))
    return summary


# ---- the dataset card -----------------------------------------------------------------------

_LICENSE = (
    "The figures, programs and captions are produced by codepercept (Apache-2.0): synthetic "
    "records come from its procedural figure families, and captions are generated from the "
    "execution trace. Records made by `codepercept reproduce`, `diversify` or `refine-code` "
    "(the sources reproduction, diversity and refine-code above) also derive from seed "
    "images and a model's output: the seed images' licences and the model provider's terms "
    "apply to them; check both before you redistribute this export. The image-to-code "
    "prompt is the public STEM2Code-Eval prompt."
)


def _table(header: list[str], body: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in body]
    return "\n".join(lines)


def dataset_card(summary: dict[str, Any]) -> str:
    """The export's README.md: source, counts per split, task and family, the prompts, the
    split rule, what was skipped, how to train with the format's trainer, the licence note."""
    from codepercept.models.prompts import PROMPTS

    s = summary
    fmt = s["format"]
    rows = s["rows"]
    tasks = [t for t in ("caption", "image2code") if t in s["prompts"]]
    split_rows = [
        [split, *(rows[split].get(t, 0) for t in tasks), rows[split]["total"],
         s["records"][split], s["groups"][split], s["files"].get(split) or "(empty: not written)"]
        for split in ("train", "val")
    ]  # fmt: skip
    fam_rows = [[f, c["train"], c["val"]] for f, c in s["families"].items()]
    prompt_lines = []
    for task in tasks:
        p = PROMPTS[s["prompts"][task].split("@")[0]]
        answer = (
            "the record's code in one fenced python block"
            if task == "image2code"
            else "the record's code-grounded caption"
        )
        prompt_lines.append(
            f"- **{task}** — prompt `{p.id}`; system: {json.dumps(p.system)}; user: the "
            f"figure, then {json.dumps(p.text())}; answer: {answer}."
        )
    skipped = (
        "\n".join(f"- `{k}`: {v}" for k, v in s["skipped"].items())
        if s["skipped"]
        else "Nothing was skipped."
    )
    command = (
        f"codepercept export {s['source']} --format {fmt} --task {s['task']} "
        f"--val-fraction {s['val_fraction']} --seed {s['seed']} --out DIR"
    )
    parts = [
        f"# codepercept SFT export ({fmt}, task {s['task']})",
        "",
        f"Made from the ICC dataset `{s['source']}` (manifest {s['source_hash']}) by "
        f"`{command}`. {s['records_read']} records read; every figure is a rendering of its "
        "ground-truth program.",
        "",
        "## Splits",
        "",
        _table(["split", *tasks, "rows", "records", "groups", "file"], split_rows),
        "",
        f"Validation: groups whose hash with seed {s['seed']} falls below {s['val_fraction']} "
        f"(requested share {s['val_fraction']}, actual {s['val_share']} of records). A group "
        "is what a record was derived from: a model-driven item's seed image, a refined "
        "program's source sample, else the (family, seed) pair, so variants of one seed and "
        "both tasks of one record are always on the same side, and the same seed puts the same "
        "group on the same side in every export.",
        "",
        "## Families (records)",
        "",
        _table(["family", "train", "val"], fam_rows),
        "",
        "## Sources (records)",
        "",
        _table(["source", "records"], [[k, v] for k, v in s["sources"].items()]),
        "",
        "## Prompts (codepercept.models.prompts)",
        "",
        *prompt_lines,
        "",
        "## Skipped",
        "",
        skipped,
        "",
        f"## Training with {fmt}",
        "",
        how_to_train(fmt, {k: v for k, v in s["files"].items() if k in ("train", "val") and v}),
        "",
        f"Layout checked against {s['verified_against']}.",
        "",
        "## Licence",
        "",
        _LICENSE,
        "",
    ]
    return "\n".join(parts)
