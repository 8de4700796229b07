"""The main job on built-in defaults: every part of the system once, small, end to end.

1. execute and trace the bundled example program in the sandbox;
2. synthesise a small ICC dataset (Image–Caption–Code triplets, Parquet);
3. build a held-out STEM2Code benchmark disjoint from it, run the oracle and the knn baseline;
4. write the HTML report of both runs;
5. make a few TokenIT samples (token-level masks).

Each step writes under ``out`` and is resumable (a re-run reuses finished work).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def run_demo(
    out: str | Path,
    n_icc: int = 48,
    n_bench: int = 16,
    n_tokenit: int = 8,
    workers: int = 2,
    say: Callable[[str], None] = log.info,
) -> dict[str, Any]:
    """Run the demo into ``out``; ``say`` receives one line per finished step."""
    from codepercept.bench import build_benchmark, build_report, run_benchmark
    from codepercept.sandbox import Executor
    from codepercept.sandbox.io import write_exec_outputs
    from codepercept.synth.pipeline import synthesize
    from codepercept.tokenit import generate
    from codepercept.tokenit.generate import read_samples

    out = Path(out)
    done: dict[str, Any] = {}
    t0 = time.perf_counter()
    source = resources.files("codepercept.examples").joinpath("triangle_incircle.py").read_bytes()
    with Executor(workers=1) as ex:
        res = ex.run(source)
        isolation = ex.isolation
    paths = write_exec_outputs(res, out / "exec")
    done["exec"] = {"status": res.status, "isolation": isolation, "paths": [str(p) for p in paths]}
    counts = res.scene.summary()["counts"] if res.scene else {}
    say(f"exec: {res.status}, drew {counts}; isolation {isolation} -> {out / 'exec'}")

    icc = synthesize(n_icc, out / "icc", seed=0, workers=workers)
    done["icc"] = icc
    say(f"icc: {n_icc} triplets, dropped {icc['dropped']} -> {out / 'icc'}")

    manifest = build_benchmark(n_bench, out / "bench", seed=0, exclude_dataset=out / "icc",
                               workers=workers)  # fmt: skip
    runs = {}
    for spec, name in (("oracle", "oracle"), (f"knn:{out / 'icc'}", "knn")):
        s = run_benchmark(out / "bench", spec, out / "runs" / name, workers=workers)
        runs[name] = s["overall"]["official"]
        o = s["overall"]["official"]
        say(f"bench {name}: Image {o['image']:.1f}  Code {o['code']:.1f}  Exec {o['exec']:.1f} "
            f"-> {out / 'runs' / name}")  # fmt: skip
    done["bench"] = {"items": manifest["n"], "runs": runs}
    report = build_report([out / "runs" / "oracle", out / "runs" / "knn"], out / "report.html",
                          bench=out / "bench")  # fmt: skip
    done["report"] = report
    say(f"report: {out / 'report.html'} (+ report.csv)")

    tk = generate(n_tokenit, out / "tokenit", workers=1, seed=0)
    done["tokenit"] = tk
    # generate() counts what this call made; a resumed demo made nothing, so count the dataset
    tokens = sum(len(s.record["tokens"]) for s in read_samples(out / "tokenit"))
    say(f"tokenit: {tk['kept']} samples, {tokens} token masks -> {out / 'tokenit'}")
    done["seconds"] = round(time.perf_counter() - t0, 1)
    say(f"done in {done['seconds']} s; everything is under {out}")
    return done
