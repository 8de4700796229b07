"""What the relation graph costs: scenes/s building it, and captions/s end to end (describe +
verify) with the relational sentences and claims beside the same without them (today's
captions before the graph), on the same scenes in one run.

Scenes: ``--n`` synth programs round-robin over every family (the synth pipeline's own
candidate stream) plus the hand-written relational figures of tests/caption/test_relations.py,
run once in the sandbox. Timing repeats each measurement ``--rounds`` times and keeps the best
(the machine's noise only ever adds time).

Usage: python benchmarks/relations_speed.py [--n 120] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def best_of(rounds: int, fn, scenes) -> float:
    out = []
    for _ in range(rounds):
        for s in scenes:  # every round builds the graphs afresh, as a pipeline meets new scenes
            s.__dict__.pop("_relation_graph", None)
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()

    import importlib

    from codepercept.caption import describe, verify
    from codepercept.sandbox import Executor
    from codepercept.scene.relations import relation_graph
    from codepercept.synth import list_families
    from codepercept.synth.pipeline import candidate
    from tests.caption.test_relations import FIGURES

    fams = list_families()
    codes = [candidate(fams, 0, i).code for i in range(a.n)] + list(FIGURES.values())
    with Executor(workers=2, dpi=100) as ex:
        scenes = [r.scene for r in ex.map(codes) if r.ok and r.scene is not None]
    n = len(scenes)

    graph_s = best_of(a.rounds, lambda: [relation_graph(s) for s in scenes], scenes)

    def captions() -> None:
        for s in scenes:
            verify(describe(s), s)

    def describe_only() -> None:
        for s in scenes:
            describe(s)

    with_s = best_of(a.rounds, captions, scenes)
    describe_with = best_of(a.rounds, describe_only, scenes)
    # today's captions before the graph: no relational sentences, no relational claims
    # (the package re-exports functions named like its modules: take the modules themselves)
    dmod = importlib.import_module("codepercept.caption.describe")
    vmod = importlib.import_module("codepercept.caption.verify")
    saved = dmod._relation_sentences, vmod.relational_claims
    dmod._relation_sentences = lambda index: []
    vmod.relational_claims = lambda caption, index: []
    try:
        without_s = best_of(a.rounds, captions, scenes)
        describe_without = best_of(a.rounds, describe_only, scenes)
    finally:
        dmod._relation_sentences, vmod.relational_claims = saved

    print(
        f"\nrelation graph: {n} scenes ({a.n} synth + {len(FIGURES)} hand-written), best of {a.rounds}"
    )
    print(
        f"  graph alone                 {n / graph_s:8.1f} scenes/s   ({graph_s / n * 1000:.2f} ms/scene)"
    )
    print(f"  describe+verify, with graph {n / with_s:8.1f} captions/s")
    print(f"  describe+verify, without    {n / without_s:8.1f} captions/s")
    print(f"  ratio with/without          {without_s / with_s:8.3f}  (1.0 = free)")
    print(
        f"  describe alone (what synth runs per item): with {n / describe_with:.1f}/s, "
        f"without {n / describe_without:.1f}/s, ratio {describe_without / describe_with:.3f}, "
        f"+{(describe_with - describe_without) / n * 1000:.2f} ms per item"
    )


if __name__ == "__main__":
    main()
