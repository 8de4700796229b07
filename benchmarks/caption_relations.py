"""Contradiction detection of ``caption.verify`` on the hand-written relational caption corpus.

Runs every figure of ``tests/caption/relations_corpus`` (hand-written matplotlib programs, not
our synth families) in the sandbox, checks that each draws what its claims assume, then
verifies every labelled claim two ways: alone (``single``: one ``verify`` call per sentence)
and as one caption per figure (``caption``: all of its sentences joined, each judged by the
claims inside its span). A sentence is *flagged* when ``verify`` contradicts something in it.

Prints, per mode, a table per relation type and per kind (relational / attribute) with the
precision and recall of contradiction detection, the share of true claims left unverifiable
and the number of true claims wrongly flagged (FP, the worst error); then the bad-input
sentences (other languages, numbers in words, units, nothing checkable: never to be
contradicted), every wrongly flagged sentence with the evidence, and the time per figure.
Formulas: see ``tests/caption/relations_harness.py``. Usage:

    PYTHONPATH=src .venv/bin/python benchmarks/caption_relations.py [--workers 2] [--json out.json]
        [--corpus tests/caption/relations_heldout]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "caption"))

from relations_harness import (
    CORPUS_DIR,
    MODES,
    Metrics,
    Outcome,
    check_structure,
    false_positives,
    judge,
    load_corpus,
    metrics,
    table,
)

from codepercept.sandbox import Executor


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the metrics and outcomes here")
    ap.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS_DIR,
        help="corpus directory (default: the dev corpus; tests/caption/relations_heldout: held out)",
    )
    args = ap.parse_args()

    figures = load_corpus(args.corpus)
    t0 = time.perf_counter()
    with Executor(workers=args.workers, timeout_s=30) as ex:
        results = ex.map([f.code for f in figures])
    run_wall = time.perf_counter() - t0

    outcomes: list[Outcome] = []
    bad: list[Outcome] = []
    per_figure: list[tuple[str, float, float, float, int]] = []
    problems: list[str] = []
    for fig, res in zip(figures, results, strict=True):
        if not res.ok or res.scene is None:
            problems.append(f"{fig.name}: {res.status} {res.message}")
            continue
        problems += [f"{fig.name}: {p}" for p in check_structure(fig, res.scene)]
        timings: dict[str, float] = {}
        for mode in MODES:
            outcomes += judge(fig.claims, res.scene, mode, timings)
            bad += judge(fig.bad_input, res.scene, mode)
        per_figure.append(
            (fig.name, res.wall_s, timings["single"], timings["caption"], len(fig.claims))
        )

    claims = [c for f in figures for c in f.claims]
    kinds = Counter(c.kind for c in claims)
    truths = Counter(c.truth for c in claims)
    print(
        f"corpus: {len(figures)} figures, {len(claims)} labelled claims "
        f"({kinds['relational']} relational, {kinds['attribute']} attribute; "
        f"{truths[True]} true, {truths[False]} false), "
        f"{sum(len(f.bad_input) for f in figures)} bad-input sentences"
    )
    if problems:
        print("\nFIGURES THAT DO NOT DRAW WHAT THEIR CLAIMS ASSUME:")
        print("\n".join(f"  {p}" for p in problems))

    for mode in MODES:
        print(
            f"\n== mode {mode}: "
            + (
                "one verify call per claim"
                if mode == "single"
                else "all claims of a figure as one caption"
            )
        )
        print(table(outcomes, mode))
        rows = [o for o in bad if o.mode == mode]
        print(f"\nbad input (expect: unverifiable; contradicted is always wrong), mode {mode}:")
        for kind in sorted({o.claim.bad_input for o in rows}):
            group = [o for o in rows if o.claim.bad_input == kind]
            v = Counter(o.verdict for o in group)
            print(
                f"  {kind:<15} n={len(group):>3}  unverifiable {v['unverifiable']:>3}  "
                f"supported {v['supported']:>3}  contradicted {v['contradicted']:>3}"
            )

    print("\ntrue claims (and bad input) flagged contradicted:")
    wrong = false_positives(outcomes + bad)
    for o in sorted(wrong, key=lambda o: (o.claim.id, o.mode)):
        known = "known" if o.mode in o.claim.known_false_positive else "NEW"
        print(
            f"  [{o.mode:<7} {known:>5}] {o.claim.id}: {o.claim.text}\n      evidence: {o.evidence}"
        )
    fixed = [
        (c.id, m)
        for c in claims + [b for f in figures for b in f.bad_input]
        for m in c.known_false_positive
        if not any(o.claim.id == c.id and o.mode == m for o in wrong)
    ]
    if fixed:
        print(f"  known false positives no longer flagged (remove the marks): {fixed}")

    print(
        f"\ntime: {len(figures)} programs in the sandbox in {run_wall:.2f} s wall ({args.workers} workers)"
    )
    print(
        f"{'figure':<26}{'claims':>7}{'run s':>8}{'verify single ms':>18}{'verify caption ms':>19}"
    )
    for name, run_s, single, caption, n in per_figure:
        print(f"{name:<26}{n:>7}{run_s:>8.3f}{1000 * single:>18.1f}{1000 * caption:>19.1f}")
    if per_figure:
        med = [statistics.median(col) for col in zip(*(p[1:4] for p in per_figure), strict=True)]
        print(f"{'median':<26}{'':>7}{med[0]:>8.3f}{1000 * med[1]:>18.1f}{1000 * med[2]:>19.1f}")

    if args.json:

        def summary(m: Metrics) -> dict[str, float | int | None]:
            return {**asdict(m), "precision": m.precision, "recall": m.recall}

        out: dict[str, object] = {
            mode: {
                kind: summary(
                    metrics(o for o in outcomes if o.mode == mode and o.claim.kind == kind)
                )
                for kind in ("relational", "attribute")
            }
            for mode in MODES
        }
        out["outcomes"] = [
            {"id": o.claim.id, "mode": o.mode, "truth": o.claim.truth, "verdict": o.verdict}
            for o in outcomes + bad
        ]
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
