"""The perception → reasoning baselines over real ``codepercept serve`` processes, side by side.

Three servers on 127.0.0.1 — the oracle captioner (``oracle:qa=N``: the code-grounded captions
of the QA set), the native-caption baseline (``offline:DIR``: the caption of the nearest figure
of a dataset of *other* figures of the same families) and the deterministic solver
(``qa-solver``) — and one ``reason-grid`` over the code-grounded QA set of N figures
(captioners: oracle, native, blank; solvers: qa-solver, blank; and the solver-only floors),
plus ``direct`` mode with each captioner's server as the multimodal model. Prints accuracy per
question family for every captioner x solver cell, and the wall time of each run.

    python benchmarks/reason_baselines.py [--figures 200] [--native 400] [--out DIR]

The run directories are kept under ``--out`` (default: a temporary directory, removed).
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    """A ``codepercept serve`` process and its URL (from its ready line)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "codepercept.cli", "serve", *args, "--port", "0"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("serving "):
        proc.kill()
        raise SystemExit(f"serve {args} did not start: {line!r}")
    return proc, line.split()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--figures", type=int, default=200, help="QA set size (figures)")
    ap.add_argument("--native", type=int, default=400, help="figures the native baseline knows")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    from codepercept.reason.grid import run_grid
    from codepercept.reason.qa import QA_FAMILIES, build_qa_set
    from codepercept.reason.runner import run_reason_eval
    from codepercept.synth.pipeline import synthesize

    tmp = tempfile.TemporaryDirectory() if args.out is None else None
    out = Path(tmp.name) if tmp is not None else args.out
    out.mkdir(parents=True, exist_ok=True)
    native_dir = out / "native-icc"
    t0 = time.perf_counter()
    if not (native_dir / "summary.json").exists():
        synthesize(args.native, native_dir, seed=1, family_names=list(QA_FAMILIES))
    print(f"native dataset: {args.native} figures, seed 1 ({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    items, images, captions = build_qa_set(args.figures)
    print(f"QA set: {args.figures} figures, {len(items)} questions, seed 0 "
          f"({time.perf_counter() - t0:.1f} s)")  # fmt: skip

    procs = []
    try:
        t0 = time.perf_counter()
        started = {
            "oracle": serve("--backend", f"oracle:qa={args.figures}", "--model-name", "oracle"),
            "native": serve("--backend", f"offline:{native_dir}", "--model-name", "native"),
            "solver": serve("--backend", "qa-solver"),
        }
        procs = [p for p, _ in started.values()]
        print(f"servers ready ({time.perf_counter() - t0:.1f} s)")
        spec = {
            "oracle": f"openai:oracle@{started['oracle'][1]}",
            "native": f"openai:native@{started['native'][1]}",
            "solver": f"openai:qa-solver@{started['solver'][1]}",
        }
        names = {v: k for k, v in spec.items()} | {"blank": "blank", "solver-only": "floor"}
        kw = {"images": images, "captions": captions, "source": {"qa_set": args.figures}}
        t0 = time.perf_counter()
        run_grid(items, out / "grid", [spec["oracle"], spec["native"], "blank"],
                 [spec["solver"], "blank"], concurrency=16, **kw)  # fmt: skip
        grid_s = time.perf_counter() - t0
        direct = {}
        for who in ("oracle", "native"):
            t0 = time.perf_counter()
            s = run_reason_eval(items, "direct", out / f"direct-{who}", model=spec[who],
                                concurrency=16, **kw)  # fmt: skip
            direct[who] = (s, time.perf_counter() - t0)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            p.wait(10)

    with open(out / "grid" / "grid.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for r in rows:
        key = (f"{names[r['captioner']]} x {names[r['solver']]}", r["category"])
        cells[key] = {"acc": f"{100 * float(r['accuracy']):.1f}", "n": r["n"]}
    for who, (s, _) in direct.items():
        qa = s["benchmarks"]["qa"]
        cells[(f"direct {who}", "all")] = {"acc": f"{100 * qa['accuracy']:.1f}", "n": str(qa["n"])}
        for cat, v in qa["by_category"].items():
            cells[(f"direct {who}", cat)] = {"acc": f"{100 * v['accuracy']:.1f}", "n": str(v["n"])}
    columns = sorted({k[0] for k in cells}, key=lambda c: (c.startswith("direct"), c))
    cats = [*sorted({k[1] for k in cells} - {"all"}), "all"]
    print()
    print("| family | n | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for cat in cats:
        n = next(v["n"] for k, v in cells.items() if k[1] == cat)
        accs = [cells.get((c, cat), {"acc": "–"})["acc"] for c in columns]
        print(f"| {cat} | {n} | " + " | ".join(accs) + " |")
    print()
    print(f"grid (3 x 2 + 2 floors = 8 runs, {len(items)} questions each): {grid_s:.1f} s; "
          + ", ".join(f"direct {w}: {t:.1f} s" for w, (_, t) in direct.items()))  # fmt: skip
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
