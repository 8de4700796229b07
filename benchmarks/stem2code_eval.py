"""STEM2Code-Eval figures in one run: baselines, end-to-end time, scoring throughput.

1. Builds a held-out synthetic benchmark (``--n`` items, default 200) disjoint from a small
   training set (``--train`` ICC samples, made first, used by the knn baseline).
2. Runs ``oracle``, ``blank`` and ``knn`` end to end (sandboxed execution + both scores) and
   prints Image / Code / Exec under both conventions, with wall time.
3. Times deterministic scoring alone on the oracle run's renderings (image score + scene score
   per item, ground-truth scenes cached), beside the obvious alternative — re-executing the
   reference and the candidate program to score each item, as harnesses without a trace cache
   do.

Usage: .venv/bin/python benchmarks/stem2code_eval.py [--n 200] [--train 300] [--workers 2]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    from codepercept.bench import build_benchmark, load_bench, read_results, run_benchmark
    from codepercept.sandbox import Executor
    from codepercept.scene import Scene
    from codepercept.score import image_score, prepare_image, scene_score
    from codepercept.synth.pipeline import synthesize

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--train", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="keep outputs here")
    args = ap.parse_args()
    root = Path(args.keep or tempfile.mkdtemp(prefix="bench-s2c-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        synthesize(args.train, root / "train", seed=123, workers=args.workers)
        t_train = time.perf_counter() - t0
        t0 = time.perf_counter()
        manifest = build_benchmark(args.n, root / "bench", seed=7, exclude_dataset=root / "train",
                                   workers=args.workers)  # fmt: skip
        t_build = time.perf_counter() - t0
        print(f"training set {args.train} ICC samples in {t_train:.1f} s; benchmark {manifest['n']} "
              f"items in {t_build:.1f} s; per domain {manifest['per_domain']}; "
              f"rejected {manifest['rejected']}")  # fmt: skip
        print(f"{'model':14s} {'wall s':>7s} {'Image':>7s} {'Code':>7s} {'Exec':>6s} "
              f"{'final':>7s} {'strict final':>13s}")  # fmt: skip
        for spec in ("oracle", "blank", f"knn:{root / 'train'}"):
            run = root / spec.split(":")[0]
            t0 = time.perf_counter()
            s = run_benchmark(root / "bench", spec, run, workers=args.workers)
            wall = time.perf_counter() - t0
            o = s["overall"]["official"]
            print(f"{spec.split(':')[0]:14s} {wall:7.1f} {o['image']:7.2f} {o['code']:7.2f} "
                  f"{o['exec']:6.1f} {o['final']:7.2f} {s['overall']['strict']['final']:13.2f}")  # fmt: skip

        # Scoring alone, on the oracle run's renderings.
        items = {it.id: it for it in load_bench(root / "bench")}
        rows = [r for r in read_results(root / "oracle") if r["status"] == "ok"]
        pairs = []
        for r in rows:
            it = items[r["id"]]
            img = root / "oracle" / "images" / f"{r['id']}.png"
            cand = Scene.from_json(img.with_suffix(".scene.json").read_text())
            pairs.append((it, img.read_bytes(), Scene.from_json(it.scene_path.read_text()), cand))
        t0 = time.perf_counter()
        for it, png, ref_scene, cand_scene in pairs:
            image_score(prepare_image(it.image_bytes()), png)
            scene_score(ref_scene, cand_scene)
        ours = len(pairs) / (time.perf_counter() - t0)
        sample = pairs[: min(40, len(pairs))]
        with Executor(workers=args.workers) as ex:
            t0 = time.perf_counter()
            for it, _png, _ref, _cand in sample:
                ref, cand = ex.map([it.code, it.code])
                image_score(ref.images[0], cand.images[0])
                scene_score(ref.scene, cand.scene)
            alt = len(sample) / (time.perf_counter() - t0)
        print(f"deterministic scoring alone: {ours:.1f} items/s (target >= 50); "
              f"re-executing reference+candidate per item: {alt:.1f} items/s; "
              f"ratio {ours / alt:.1f}x")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
