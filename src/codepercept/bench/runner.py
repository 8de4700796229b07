"""The benchmark runner: prompt -> response -> code -> sandbox -> scene -> scores, per item.

One JSON line per item is appended to ``RUN/results.jsonl`` as soon as the item finishes
(id, domain, status, response, code, timings, every score and sub-score, error message);
renderings go to ``RUN/images/<id>.png`` and their traces to ``RUN/images/<id>.scene.json``. A re-run skips finished items, so a killed run
resumes without duplicates (a torn last line is dropped). Nothing an item does (a model error,
hostile code) stops the run: it is recorded as that item's status.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write
from codepercept.bench.dataset import BenchItem, load_bench
from codepercept.bench.extract import extract_code
from codepercept.bench.models import Model, make_model
from codepercept.bench.summary import summarize
from codepercept.sandbox import Executor
from codepercept.scene.model import Scene
from codepercept.score import image_score, prepare_image, scene_score

log = logging.getLogger(__name__)


def read_results(run_dir: str | Path) -> list[dict[str, Any]]:
    """Complete result lines of a run (a torn final line, from a kill, is ignored)."""
    path = Path(run_dir) / "results.jsonl"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def _repair_tail(path: Path) -> None:
    """Cut a torn final line (no trailing newline) left by a kill."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(path, "r+b") as fh:
            fh.truncate(cut)


class _ReferenceCache:
    """Ground-truth scenes and prepared reference images, computed once per item."""

    def __init__(self, executor: Executor, run_dir: Path) -> None:
        self.executor = executor
        self.dir = run_dir / "reference"
        self.dir.mkdir(parents=True, exist_ok=True)

    def scene(self, item: BenchItem) -> Scene | None:
        if item.scene_path is not None:
            return Scene.from_json(item.scene_path.read_text())
        cached = self.dir / f"{item.id}.scene.json"
        if cached.exists():
            return Scene.from_json(cached.read_text())
        res = self.executor.run(item.code)
        if not res.ok or res.scene is None:
            log.warning("ground truth of %s does not execute (%s)", item.id, res.status)
            return None
        atomic_write(cached, res.scene.to_json())
        return res.scene


def evaluate_item(
    item: BenchItem, model: Model, executor: Executor, refs: _ReferenceCache, images_dir: Path
) -> dict[str, Any]:
    """Everything about one item, as one result row. Never raises."""
    row: dict[str, Any] = {"id": item.id, "domain": item.domain, "family": item.family,
                           "model": model.name, "timings": {}, "scores": {}}  # fmt: skip
    t0 = time.perf_counter()
    try:
        response = model.respond(item)
    except Exception as exc:  # a model failure is this item's outcome, not the run's
        row.update(status="model_error", message=f"{type(exc).__name__}: {exc}"[:500],
                   response=None, code="")  # fmt: skip
        row["timings"]["generate_s"] = round(time.perf_counter() - t0, 4)
        return row
    row["timings"]["generate_s"] = round(time.perf_counter() - t0, 4)
    code = extract_code(response)
    row.update(response=response, code=code)
    if not code.strip():
        row.update(status="no_code", message="the response holds no code block")
        return row
    res = executor.run(code)
    row["timings"]["exec_s"] = round(res.wall_s, 4)
    row.update(status=res.status, message=res.message)
    if not res.ok:
        return row
    t1 = time.perf_counter()
    png = res.images[0]
    atomic_write(images_dir / f"{item.id}.png", png)
    if res.scene is not None:  # kept so a run can be re-scored without re-executing
        atomic_write(images_dir / f"{item.id}.scene.json", res.scene.to_json())
    img = image_score(prepare_image(item.image_bytes()), png)
    row["scores"]["image"] = round(img.total, 3)
    row["scores"]["image_parts"] = {k: round(v, 3) for k, v in img.parts.items()}
    ref_scene = refs.scene(item)
    if ref_scene is not None and res.scene is not None:
        sc = scene_score(ref_scene, res.scene)
        row["scores"]["code"] = round(sc.total, 3)
        row["scores"]["code_parts"] = {k: round(v, 3) for k, v in sc.parts.items()}
    row["timings"]["score_s"] = round(time.perf_counter() - t1, 4)
    return row


def run_benchmark(
    bench: str | Path,
    model_spec: str,
    out: str | Path,
    workers: int = 2,
    limit: int | None = None,
    dpi: float = 100,
    timeout_s: float = 30.0,
    progress: Callable[[int, int], None] | None = None,
    judge: Callable[[BenchItem, dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run ``model_spec`` on the benchmark into ``out``; returns (and writes) the summary."""
    items = load_bench(bench)
    if limit is not None:
        items = items[:limit]
    out = Path(out)
    images_dir = out / "images"
    images_dir.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.jsonl"
    _repair_tail(results_path)
    done = {r["id"] for r in read_results(out)}
    todo = [it for it in items if it.id not in done]
    model = make_model(model_spec, cache_dir=out / "cache")
    lock = threading.Lock()
    finished = [len(items) - len(todo)]
    if progress:
        progress(finished[0], len(items))
    with (
        Executor(workers=workers, dpi=dpi, timeout_s=timeout_s) as ex,
        open(results_path, "a", encoding="utf-8") as fh,
    ):
        refs = _ReferenceCache(ex, out)

        def one(item: BenchItem) -> None:
            row = evaluate_item(item, model, ex, refs, images_dir)
            if judge is not None and row.get("status") == "ok":
                try:
                    row["judge"] = judge(item, row)
                except Exception as exc:
                    row["judge"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            line = json.dumps(row, ensure_ascii=False) + "\n"
            with lock:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
                finished[0] += 1
                if progress:
                    progress(finished[0], len(items))

        with ThreadPoolExecutor(max_workers=max(1, workers * 2)) as pool:
            for fut in [pool.submit(one, it) for it in todo]:
                fut.result()
    ids = {it.id for it in items}
    summary = summarize(r for r in read_results(out) if r["id"] in ids)
    summary["model"] = model.name
    summary["bench"] = str(bench)
    atomic_write(out / "summary.json", json.dumps(summary, indent=1))
    return summary
