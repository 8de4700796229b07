"""Section-5 evidence for TokenOCR on a CPU: tiny config, <= 20 minutes, <= 20k TokenIT samples.

Steps (each skipped when its output exists, so a re-run resumes):
1. generate TokenIT train / held-out sets with ``codepercept.tokenit.generate`` (different seeds);
2. train the tiny config for at most ``--minutes`` (AdamW, warmup + cosine over ``--steps``);
3. evaluate on the held-out set beside an untrained control (JSON + table);
4. draw one heat-map figure for a word of a held-out image.

Usage::

    .venv/bin/python benchmarks/tokenocr_cpu.py --work out/tokenocr_cpu            # everything
    .venv/bin/python benchmarks/tokenocr_cpu.py --work DIR --train-data T --heldout-data H

Outputs under ``--work``: ``tiny.pt``, ``tiny.metrics.csv``, ``tiny.curve.png``, ``eval.json``,
``heatmap.png``, ``summary.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--work", type=Path, default=Path("out/tokenocr_cpu"))
    ap.add_argument("--train-data", type=Path, default=None, help="existing TokenIT train dir")
    ap.add_argument("--heldout-data", type=Path, default=None, help="existing TokenIT held-out dir")
    ap.add_argument("--n-train", type=int, default=2000, help="<= 20000")
    ap.add_argument("--n-heldout", type=int, default=200)
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument(
        "--steps", type=int, default=300, help="schedule length (stops earlier at --minutes)"
    )
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--threads", type=int, default=1, help="1 is fastest on a busy 2-core machine")
    ap.add_argument("--eval-limit", type=int, default=100)
    ap.add_argument("--workers", type=int, default=1, help="TokenIT generation workers")
    args = ap.parse_args()
    if args.n_train > 20000:
        ap.error("--n-train must be <= 20000")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    log = logging.getLogger("tokenocr_cpu")
    work = args.work
    work.mkdir(parents=True, exist_ok=True)

    from codepercept.tokenit import generate

    train_dir = args.train_data or work / "tokenit_train"
    held_dir = args.heldout_data or work / "tokenit_heldout"
    if args.train_data is None:
        log.info("generating %d train samples", args.n_train)
        generate(args.n_train, train_dir, seed=1, workers=args.workers)
    if args.heldout_data is None:
        log.info("generating %d held-out samples", args.n_heldout)
        generate(args.n_heldout, held_dir, seed=2, workers=args.workers)

    from codepercept.tokenocr.evaluate import EvalConfig, evaluate, format_table
    from codepercept.tokenocr.train import TrainConfig, train

    ckpt = work / "tiny.pt"
    cfg = TrainConfig(
        out=str(ckpt),
        config="tiny",
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        warmup_steps=max(1, args.steps // 15),
        threads=args.threads,
        log_every=5,
        ckpt_every=50,
        time_limit_s=args.minutes * 60,
        limit=20000,
    )
    t0 = time.perf_counter()
    res = train(
        cfg,
        train_dir,
        on_step=lambda s, m: (
            s % 10 == 0
            and log.info(
                "step %d total=%.3f seg=%.3f sim=%.3f siglip=%.3f",
                s,
                m["total"],
                m["seg"],
                m["sim"],
                m["siglip"],
            )
        ),
    )
    train_s = time.perf_counter() - t0
    log.info("trained %d steps in %.0f s", res.steps, res.seconds)

    ev = evaluate(ckpt, held_dir, EvalConfig(limit=args.eval_limit), work / "eval.json")
    print(format_table(ev))

    # One heat map: the first held-out image, queried with a word it shows.
    from codepercept.tokenocr.data import iter_samples
    from codepercept.tokenocr.infer import heatmap

    sample = next(iter(iter_samples(held_dir, 1)))
    words = [
        t.text.strip()
        for t in sample.tokens
        if t.text.strip().isalpha() and len(t.text.strip()) > 3
    ]
    query = words[0] if words else sample.tokens[0].text.strip()
    png = heatmap(ckpt, sample.image, query, work / "heatmap.png")
    summary = {
        "train_steps": res.steps,
        "train_seconds": round(res.seconds, 1),
        "wall_seconds": round(train_s, 1),
        "train_dir": str(train_dir),
        "heldout_dir": str(held_dir),
        "query": query,
        "curve": str(res.curve_png),
        "heatmap": str(png),
        "eval": ev,
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "eval"}, indent=2))


if __name__ == "__main__":
    main()
