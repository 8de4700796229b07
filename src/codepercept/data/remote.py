"""Dataset output on any filesystem pyarrow reaches (``s3://``, ``gs://``, ``hdfs://``,
``abfs://``, ``file://`` …), for jobs whose driver writes where its workers and readers are.

The writer's crash safety rests on POSIX files: an append-only journal, fsync, rename. An
object store has none of these, so a job writes to a local **staging** directory exactly as it
would write a local dataset, and :class:`Mirror` copies each commit to the URI:

* every committed shard not there yet, then ``manifest.jsonl`` (so a reader of the URI never sees
  a manifest naming a shard that is missing: an object is whole once its write completes);
* ``job.json`` and ``summary.json`` when the job ends (or stops).

A job resumes from the URI: when the staging directory has no manifest (another machine, a lost
disk), :meth:`Mirror.pull` downloads the manifest, the shards it names and ``job.json`` first, and
the job goes on from the last commit (the journal of uncommitted items stays local: those are
redone, so the output is the same bytes). The staging directory is
``$CODEPERCEPT_STAGING/<hash of the URI>`` (default ``~/.cache/codepercept/staging``).

One job per URI at a time: the lock is the staging directory's, which another machine does not
see.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from codepercept.errors import JobError, UsageError

__all__ = ["Mirror", "is_uri"]

#: The files of a dataset directory the mirror carries (the journal and locks stay local).
CARRIED = ("manifest.jsonl", "job.json", "summary.json")
CHUNK = 8 << 20


def is_uri(out: object) -> bool:
    """Whether ``out`` names a filesystem URI (``scheme://...``) rather than a local path."""
    return isinstance(out, str) and "://" in out


def staging_root() -> Path:
    env = os.environ.get("CODEPERCEPT_STAGING")
    return Path(env) if env else Path.home() / ".cache" / "codepercept" / "staging"


class Mirror:
    """A dataset at ``uri`` written through the local directory :attr:`staging`."""

    def __init__(self, uri: str) -> None:
        import pyarrow as pa
        import pyarrow.fs as pafs

        self.uri = uri.rstrip("/")
        try:
            self.fs, self.root = pafs.FileSystem.from_uri(self.uri)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, OSError) as exc:
            raise UsageError(f"{uri} is not a filesystem pyarrow reaches: {exc}") from None
        digest = hashlib.sha256(self.uri.encode()).hexdigest()[:16]
        self.staging = staging_root() / digest
        self._there: set[str] | None = None
        self._made = False

    def _remote(self, name: str) -> str:
        return f"{self.root.rstrip('/')}/{name}"

    def _listing(self) -> set[str]:
        import pyarrow.fs as pafs

        try:
            infos = self.fs.get_file_info(pafs.FileSelector(self.root, allow_not_found=True))
        except OSError as exc:
            raise JobError(f"cannot list {self.uri}: {exc}") from None
        return {Path(i.path).name for i in infos if i.type == pafs.FileType.File}

    def pull(self) -> int:
        """Download the dataset at the URI into an empty staging directory (see the module
        docstring); returns the files fetched (0 when staging already holds a dataset, which is
        then the newer of the two, or when the URI holds none)."""
        if (self.staging / "manifest.jsonl").is_file():
            return 0
        there = self._listing()
        self._there = set(there)
        if "manifest.jsonl" not in there:
            return 0
        from codepercept._fs import atomic_write

        self.staging.mkdir(parents=True, exist_ok=True)
        names = [n for n in sorted(there) if n in CARRIED or n.startswith("shard-")]
        for name in names:
            try:
                with self.fs.open_input_stream(self._remote(name)) as src:
                    data = src.read()
            except OSError as exc:
                raise JobError(f"cannot read {self.uri}/{name}: {exc}") from None
            atomic_write(self.staging / name, data)
        return len(names)

    def push(self, names: Iterable[str]) -> None:
        """Upload these staging files (each whole, or not at all)."""
        if not self._made:
            try:  # a local or HDFS directory must exist; an object store has no directories
                self.fs.create_dir(self.root, recursive=True)
            except OSError:
                pass  # an object store that refuses it: the objects' writes will say
            self._made = True
        for name in names:
            path = self.staging / name
            if not path.is_file():
                continue
            try:
                with open(path, "rb") as src, self.fs.open_output_stream(self._remote(name)) as dst:
                    while chunk := src.read(CHUNK):
                        dst.write(chunk)
            except OSError as exc:
                raise JobError(
                    f"cannot write {self.uri}/{name}: {exc}; the commit is kept in "
                    f"{self.staging}, re-run the same command to upload it"
                ) from None
            if self._there is not None:
                self._there.add(name)

    def on_commit(self, shard: str | None) -> None:
        """After a commit: every shard the URI lacks, then the manifest (the writer's hook)."""
        if self._there is None:
            self._there = self._listing()
        missing = sorted(p.name for p in self.staging.glob("shard-*")
                         if p.name not in self._there and not p.name.startswith("."))  # fmt: skip
        self.push([*missing, "manifest.jsonl"])

    def finish(self) -> None:
        """At the end of a job (finished or stopped): the last commit and the job's files."""
        self.on_commit(None)
        self.push(["job.json", "summary.json"])
