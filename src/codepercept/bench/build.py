"""Build a held-out synthetic STEM2Code benchmark in the official JSONL format.

Disjoint from training data twice over: programs come from their own seed space (``bench:``
prefixed seeds, never the ICC pipeline's), and any candidate whose rendering is a perceptual
near-duplicate of a training sample (pHash within ``exclude_distance``) is rejected. Items are
balanced over domains, and over families within each domain.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write
from codepercept.bench.dataset import item_line
from codepercept.data import HashIndex
from codepercept.data.reader import dataset_phashes
from codepercept.jobdir import claim
from codepercept.sandbox import Executor
from codepercept.synth.base import list_families
from codepercept.synth.pipeline import (
    DEFAULT_REUSE,
    NO_PROGRESS_LIMIT,
    DropStreak,
    FilterConfig,
    candidate,
    screen,
)

BENCH_VERSION = 1


def bench_seed(seed: int, index: int) -> int:
    h = hashlib.blake2b(f"bench:{seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") >> 1


def _training_hashes(train_dir: str | Path) -> HashIndex:
    """The training set's perceptual hashes: committed and journaled (a set still being
    written counts as it stands)."""
    index = HashIndex()
    for h in dataset_phashes(train_dir):
        index.add(int(h))
    return index


def build_benchmark(
    n: int,
    out: str | Path,
    seed: int = 0,
    exclude_dataset: str | Path | None = None,
    exclude_distance: int = 4,
    workers: int = 2,
    dpi: float = 300,
    domains: list[str] | None = None,
    *,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Write ``n`` items (images/, scenes/, bench.jsonl, manifest.json) into ``out``.

    ``out`` is claimed for this job (:func:`codepercept.jobdir.claim`: ``n``, ``seed``, ``dpi``,
    ``domains``, ``exclude_distance``, and the excluded dataset by content): the same call again
    returns the finished benchmark's manifest (or builds it again if it was cut short); other
    arguments are refused unless ``overwrite``, which empties the directory first. A benchmark
    built before ``job.json`` existed (``bench.jsonl`` + ``manifest.json``) is kept for the same
    arguments and refused for others.

    Raises:
        JobDirError (a ``ValueError``): ``out`` belongs to another job or holds other files.
        ValueError: no families to build from, or a legacy benchmark with other arguments.
        LockedError: another process is using ``out``.
    """
    out = Path(out)
    manifest_path = out / "manifest.json"
    args = {"n": n, "seed": seed, "dpi": dpi, "domains": domains,
            "exclude_dataset": str(exclude_dataset) if exclude_dataset else None}  # fmt: skip
    fams = list_families(domains)
    if not fams:
        raise ValueError("no families to build from")
    settings = {"n": n, "seed": seed, "dpi": dpi, "domains": domains,
                "exclude_distance": exclude_distance}  # fmt: skip

    def adopt(out: Path) -> bool:
        """A benchmark built before job.json existed: ours if built with these arguments."""
        if not ((out / "bench.jsonl").is_file() and manifest_path.is_file()):
            return False
        if json.loads(manifest_path.read_text()).get("args") == args:
            return True
        raise ValueError(
            f"{out} already holds a benchmark built with other arguments; use another --out"
        )

    with claim(out, "bench build", settings, {"exclude_dataset": exclude_dataset},
               overwrite=overwrite, adopt=adopt) as job:  # fmt: skip
        if job.resumed and manifest_path.exists():
            return json.loads(manifest_path.read_text())
        return _build(n, out, seed, exclude_dataset, exclude_distance, workers, dpi, fams, args)


def _build(
    n: int,
    out: Path,
    seed: int,
    exclude_dataset: str | Path | None,
    exclude_distance: int,
    workers: int,
    dpi: float,
    fams: list[Any],
    args: dict[str, Any],
) -> dict[str, Any]:
    manifest_path = out / "manifest.json"
    excluded = _training_hashes(exclude_dataset) if exclude_dataset else HashIndex()
    seen = HashIndex()
    cfg = FilterConfig()
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "scenes").mkdir(parents=True, exist_ok=True)
    lines: list[dict[str, Any]] = []
    rejected: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    fam_counts: Counter[str] = Counter()
    k = 0
    streak = DropStreak(NO_PROGRESS_LIMIT)
    # the bench's reference programs are codepercept's own: reusable workers, same bytes
    with Executor(workers=workers, dpi=dpi, probes=["screen"], reuse=DEFAULT_REUSE) as ex:
        while len(lines) < n:
            if streak.stalled:
                raise streak.error(
                    "bench build",
                    len(lines),
                    n,
                    "--exclude-dataset (too close?) and the sandbox",
                    saved=False,
                )
            # the same domain-interleaved stream as the ICC pipeline, in the bench seed space
            batch = [
                candidate(fams, seed, k + i, seed_of=bench_seed) for i in range(max(8, workers * 8))
            ]
            k += len(batch)
            for prog, res in zip(batch, ex.map([p.code for p in batch]), strict=True):
                if len(lines) >= n:
                    break
                outcome, h = screen(prog, res, cfg, seen, excluded, exclude_distance)
                if outcome != "ok":
                    rejected["near_training" if outcome == "near_excluded" else outcome] += 1
                    streak.note(outcome)
                    continue
                streak.note(None)
                assert h is not None and res.scene is not None
                seen.add(h)
                item_id = f"{prog.domain}-{len(lines):05d}"
                atomic_write(out / "images" / f"{item_id}.png", res.images[0])
                atomic_write(out / "scenes" / f"{item_id}.json", res.scene.to_json())
                lines.append(item_line(item_id, f"images/{item_id}.png", prog.code,
                                       domain=prog.domain, family=prog.family, seed=prog.seed))  # fmt: skip
                counts[prog.domain] += 1
                fam_counts[prog.family] += 1
    atomic_write(out / "bench.jsonl", "".join(json.dumps(x) + "\n" for x in lines).encode())
    manifest = {
        "version": BENCH_VERSION,
        "args": args,
        "n": len(lines),
        "per_domain": dict(sorted(counts.items())),
        "per_family": dict(sorted(fam_counts.items())),
        "rejected": dict(sorted(rejected.items())),
        "training_hashes": len(excluded),
    }
    atomic_write(manifest_path, json.dumps(manifest, indent=1).encode())
    return manifest
