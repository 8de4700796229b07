"""TokenIT generation throughput per domain: samples/s and token-mask pairs/s.

Runs ``codepercept.tokenit.generate`` for each domain separately with ``--workers`` processes
(2 by default, the figure in the issue) and reports wall-clock rates, including pool start-up
and shard writing, i.e. what a user of ``codepercept tokenit`` sees. A token-mask pair is a
record token with a non-empty mask. Because wall-clock rates on a shared machine depend on
its load, it also reports the CPU seconds one candidate costs (render, tokenize, PNG encode;
``time.process_time``; for ``stem`` plus the CPU time of the sandbox children that ran the ICC
programs) and the rate ``workers / cpu_s x kept fraction`` that implies on idle cores.

    .venv/bin/python benchmarks/tokenit_throughput.py --n 40 --workers 2 [--domains stem]
        [--json out.json]

``--domains`` takes any of ``codepercept.tokenit.DOMAINS`` (the default) and
``stem_synthetic`` (the in-process STEM-like figures ``stem`` replaced).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from _inprocess import sandbox_cpu

from codepercept.tokenit import DOMAINS, generate, read_samples
from codepercept.tokenit.generate import EXTRA_DOMAINS


def bench_domain(domain: str, n: int, workers: int, seed: int, root: Path) -> dict:
    out = root / domain
    t0 = time.perf_counter()
    summary = generate(n, out, [domain], "qwen", workers, seed)
    wall = time.perf_counter() - t0
    pairs = sum(1 for s in read_samples(out) for t in s.record["tokens"] if t["bbox"])
    shutil.rmtree(out)
    return {
        "domain": domain,
        "samples": summary["kept"],
        "dropped": sum(summary["dropped"].values()),
        "pairs": pairs,
        "seconds": round(wall, 2),
        "samples_per_s": round(summary["kept"] / wall, 2),
        "pairs_per_s": round(pairs / wall, 1),
    }


def cpu_per_sample(domain: str, n: int, seed: int) -> float:
    """Mean CPU seconds to build one candidate (render, tokenize, encode) in this process,
    plus, for ``stem``, in the sandbox that runs its ICC programs."""
    from codepercept.tokenit.generate import _build_row, _tokenizer
    from codepercept.tokenit.render_icc import IccStem

    _tokenizer("qwen")
    stem = IccStem(workers=1) if domain == "stem" else None
    try:
        _build_row(seed, 0, [domain], "qwen", stem)  # warm caches (fonts, matplotlib, sandbox)
        ex = stem.executor if stem is not None else None
        t0, s0 = time.process_time(), sandbox_cpu(ex)
        for i in range(1, n + 1):
            _build_row(seed, i, [domain], "qwen", stem)
        return (time.process_time() - t0 + sandbox_cpu(ex) - s0) / n
    finally:
        if stem is not None:
            stem.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="samples per domain")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--domains", nargs="*", default=list(DOMAINS), choices=DOMAINS + EXTRA_DOMAINS)
    ap.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for d in args.domains:
            r = bench_domain(d, args.n, args.workers, args.seed, Path(tmp))
            cpu = cpu_per_sample(d, max(args.n // 4, 3), args.seed)
            kept = r["samples"] / max(r["samples"] + r["dropped"], 1)
            r["cpu_s_per_sample"] = round(cpu, 3)
            r["idle_samples_per_s"] = round(args.workers / cpu * kept, 2)
            r["idle_pairs_per_s"] = round(
                args.workers / cpu * kept * r["pairs"] / max(r["samples"], 1), 1
            )
            rows.append(r)
            print(
                f"{r['domain']:<14} {r['samples']:>4} samples {r['seconds']:>7.2f} s  "
                f"{r['samples_per_s']:>6.2f} samples/s  {r['pairs_per_s']:>7.1f} pairs/s  "
                f"({r['dropped']} dropped) | cpu {cpu:.3f} s/candidate -> "
                f"{r['idle_samples_per_s']:.2f} samples/s, {r['idle_pairs_per_s']:.0f} pairs/s "
                f"on {args.workers} idle cores",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps({"workers": args.workers, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
