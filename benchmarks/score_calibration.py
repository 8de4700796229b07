"""Score version 1 against version 2 on the same sandbox runs: validity and anchors, side by side.

Runs the validity study's programs once (``--n-programs`` generated programs, balanced over the
eight domains, and the built-in hand-written real-style charts, every corruption at 4 severities,
the rewrites and the equivalent pairs; see ``codepercept bench validate``) and scores every run
with both score versions, then prints

* **validity**: per corruption and target score, Spearman rho pooled over all (program, level)
  pairs against the *damage* (the share actually changed: ``codepercept.bench.validate``) and
  against the severity, and the mean per-program rho, for version 1 and version 2;
* **anchors**: a program that draws nothing (0 by rule on both versions), the median and 90th
  percentile of both scores between figures of different domains — on the generated programs
  (the pairs version 2's chance levels were fitted on) and held out (real-style charts against
  generated programs and against each other, never used in fitting) — identical runs, the
  rendering-equivalent rewrites and hand-written equivalent pairs.

Usage: python benchmarks/score_calibration.py [--n-programs 40] [--workers 2] [--runs FILE]
(``--runs FILE`` keeps the sandbox runs in FILE, a pickle, and reuses it when it exists, so the
scores can be recomputed after a formula change without running anything again.)
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from codepercept.bench import validate as V  # noqa: E402
from codepercept.bench.realstyle import realstyle_programs  # noqa: E402
from codepercept.sandbox import Executor  # noqa: E402
from codepercept.score import image_score, scene_score  # noqa: E402

LEVELS = 5
SETS = ("generated", "realstyle")


def run_sets(n_programs: int, workers: int, seed: int) -> dict:
    progs = {"generated": V.synth_programs(n_programs, seed), "realstyle": realstyle_programs()}
    kinds = list(V.CORRUPTIONS)
    out = {}
    with Executor(workers=workers) as ex:
        for name, ps in progs.items():
            jobs = V.validity_jobs(ps, kinds, LEVELS, seed)
            t0 = time.perf_counter()
            res = ex.map([j.code for j in jobs])
            print(f"{name}: {len(jobs)} runs in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            out[name] = (ps, jobs, res)
    return {"kinds": kinds, "seed": seed, "sets": out}


def anchors(runs: dict, version: int, seed: int) -> dict:
    refs = {name: list(_references(*run)) for name, run in runs["sets"].items()}
    g, rs = refs["generated"], refs["realstyle"]
    fit = [(a, b) for a, b in itertools.combinations(g, 2) if a[0].domain != b[0].domain]
    rng = np.random.default_rng(seed)
    cross = [(a, b) for a in rs for b in g if a[0].domain != b[0].domain]
    cross = [cross[i] for i in sorted(rng.choice(len(cross), min(400, len(cross)), replace=False))]
    within = [(a, b) for a, b in itertools.combinations(rs, 2) if a[0].domain != b[0].domain]
    out = {}
    for label, pairs in (("other domain, generated (fit)", fit),
                         ("other domain, held out", cross + within)):  # fmt: skip
        im, sc = [], []
        for (_, ra), (_, rb) in pairs:
            im.append(image_score(ra.images[0], rb.images[0], version=version).total)
            sc.append(scene_score(ra.scene, rb.scene, version=version).total)
        out[label] = {
            "n": len(pairs),
            "image_median": float(np.median(im)), "image_p90": float(np.percentile(im, 90)),
            "scene_median": float(np.median(sc)), "scene_p90": float(np.percentile(sc, 90)),
        }  # fmt: skip
    return out


def _references(ps, jobs, res):
    for j, r in zip(jobs, res, strict=True):
        if j.kind == "reference" and r.ok and r.scene is not None and r.images:
            yield ps[j.program], r


def blank_anchor(version: int) -> dict:
    code_ref = (
        "import matplotlib.pyplot as plt\nplt.plot([0, 1], [0, 1])\nplt.title('x')\nplt.show()\n"
    )
    # an axes with its axis off: the program runs and renders a white canvas that shows nothing
    code_blank = (
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.axis('off')\nplt.show()\n"
    )
    with Executor(workers=1) as ex:
        ref, blank = ex.map([code_ref, code_blank])
    return {
        "image": image_score(ref.images[0], blank.images[0], version=version).total,
        "scene": scene_score(ref.scene, blank.scene, version=version).total,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-programs", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=Path, default=None, help="pickle of the sandbox runs (reused)")
    ap.add_argument("--out", type=Path, default=None, help="write every figure as JSON")
    a = ap.parse_args()
    if a.runs is not None and a.runs.exists():
        runs = pickle.loads(a.runs.read_bytes())
    else:
        runs = run_sets(a.n_programs, a.workers, a.seed)
        if a.runs is not None:
            a.runs.write_bytes(pickle.dumps(runs))
    kinds, seed = runs["kinds"], runs["seed"]
    result: dict = {"validity": {}, "anchors": {}}
    for version in (1, 2):
        for name in SETS:
            ps, jobs, res = runs["sets"][name]
            t0 = time.perf_counter()
            r = V.score_validity(ps, jobs, res, kinds, LEVELS, seed, version)
            print(f"v{version} {name}: scored in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            r.pop("records"), r.pop("rewrite_records")
            result["validity"][f"v{version}/{name}"] = r
        result["anchors"][f"v{version}"] = {
            **anchors(runs, version, seed),
            "blank": blank_anchor(version),
        }

    print("## Validity: pooled rho of the target score (v1 -> v2), same runs\n")
    print("| corruption | target | set | n | v1 rho vs damage | v2 rho vs damage | "
          "v1 rho vs severity | v2 rho vs severity | v2 per-program rho |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in kinds:
        targets = V.CORRUPTIONS[kind][1] or ()
        for t in targets:
            for name in SETS:
                c1 = result["validity"][f"v1/{name}"]["corruptions"][kind]
                c2 = result["validity"][f"v2/{name}"]["corruptions"][kind]
                cells = [c1["rho_damage"][t], c2["rho_damage"][t], c1["rho"][t], c2["rho"][t],
                         c2["rho_per_program"][t]]  # fmt: skip
                txt = " | ".join("–" if x is None else f"{x:+.2f}" for x in cells)
                print(f"| {kind} | {t} | {name} | {c2['n_programs']} | {txt} |")
    print("\n## Anchors (median / p90 over pairs; 0 and 100 by rule where stated)\n")
    print("| anchor | n | v1 image | v2 image | v1 scene | v2 scene |")
    print("| --- | --- | --- | --- | --- | --- |")
    a1, a2 = result["anchors"]["v1"], result["anchors"]["v2"]
    for label in ("other domain, generated (fit)", "other domain, held out"):
        x, y = a1[label], a2[label]
        print(f"| {label} | {x['n']} | {x['image_median']:.1f} / {x['image_p90']:.1f} | "
              f"{y['image_median']:.1f} / {y['image_p90']:.1f} | "
              f"{x['scene_median']:.1f} / {x['scene_p90']:.1f} | "
              f"{y['scene_median']:.1f} / {y['scene_p90']:.1f} |")  # fmt: skip
    print(f"| draws nothing | 1 | {a1['blank']['image']:.1f} | {a2['blank']['image']:.1f} | "
          f"{a1['blank']['scene']:.1f} | {a2['blank']['scene']:.1f} |")  # fmt: skip
    for name in SETS:
        v1, v2 = result["validity"][f"v1/{name}"], result["validity"][f"v2/{name}"]
        print(f"| identical run, {name} (min) | {v2['identical']['n']} | "
              f"{v1['identical']['min']['image.total']:.1f} | {v2['identical']['min']['image.total']:.1f} | "
              f"{v1['identical']['min']['scene.total']:.1f} | {v2['identical']['min']['scene.total']:.1f} |")  # fmt: skip
        for rw in v2["rewrites"]:
            x, y = v1["rewrites"][rw], v2["rewrites"][rw]
            print(f"| {rw}, {name} (min / mean) | {y['n']} | {x['image_min']:.1f} / {x['image_mean']:.1f} | "
                  f"{y['image_min']:.1f} / {y['image_mean']:.1f} | {x['scene_min']:.1f} / {x['scene_mean']:.1f} | "
                  f"{y['scene_min']:.1f} / {y['scene_mean']:.1f} |")  # fmt: skip
    p1 = result["validity"]["v1/generated"]["pairs"]
    p2 = result["validity"]["v2/generated"]["pairs"]
    print(f"| hand-written equivalent pairs (min) | {len(p2)} | "
          f"{min(p['image.total'] for p in p1):.1f} | {min(p['image.total'] for p in p2):.1f} | "
          f"{min(p['scene.total'] for p in p1):.1f} | {min(p['scene.total'] for p in p2):.1f} |")  # fmt: skip
    if a.out is not None:
        a.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
