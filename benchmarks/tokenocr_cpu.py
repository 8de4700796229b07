"""Section-5 evidence for TokenOCR on a CPU: tiny config, <= 20 minutes, <= 20k TokenIT samples.

Steps (each skipped when its output exists, so a re-run resumes):
1. generate TokenIT train / held-out sets with ``codepercept.tokenit.generate`` (seeds 1 and 2,
   so no held-out sample is a training sample);
2. train the tiny config for at most ``--minutes`` of training time (the cosine schedule is
   stretched over that time, so the run ends at the low learning rate on any machine);
3. evaluate on the held-out set beside an untrained control (JSON + table), with the maps
   drawn from features averaged over 12 px (the default) and from single features;
4. draw one heat-map figure for a word of a held-out image.

Recipes (``--recipe``):

* ``cpu`` — the first CPU recipe (top-1 0.75, pointing 0.55 in 20 minutes; see
  docs/tokenocr.md): documents-only data, a restricted
  table (the training data's ~630 ids plus the space token; evaluation ranks those ids), the
  conv stem, segmentation logits ``10·cos − 5``, similarity, and our addition ``vocab_ce``
  (softmax cross-entropy of pooled tokens over the table); no SigLIP (with its released
  learnable bias −2.71 it halved the training top-1 after 200 steps).
* ``cpu_bg`` — ``cpu`` plus background learning over whole pages: a fifth of the
  crops placed anywhere on the page (blank paper and margins too) and every ink-free feature
  cell labelled with the space token (``bg_fill``) instead of two small boxes. With ``--bf16``
  top-1 0.86, pointing 0.71 in 20 minutes on 2 cores.
* ``cpu_px`` — ``cpu_bg`` plus per-pixel recognition (``pixel_ce``, weight 4, pixels drawn
  with weight area(owner)^-0.5). With ``--bf16`` top-1 0.84, pointing 0.855 (single features)
  in 20 minutes on 2 cores.
* ``cpu_pt`` — ``cpu_px`` plus ``point_ce`` (weight 2): per token, a softmax over the
  same pixels, so its cosine peaks on its own pixels rather than another word's. The best CPU
  recipe measured: with ``--bf16``, top-1 0.85 / 0.88 / 0.86, pointing 0.892 / 0.904 / 0.892
  (single features) in 20 minutes on 2 cores with training seeds 0 / 1 / 2 (the issue asks
  0.8 / 0.9); point_ce weight 4 gave 0.80 / 0.87.
* ``cpu_edge`` (default) — ``cpu_pt`` plus ``edge_ce``: per token, a softmax over its mask and
  the ring of cells around it, so its cosine does not peak on the blank paper right next to its
  ink (a third of ``cpu_pt``'s misses). With ``--bf16``, top-1 0.861 / 0.861 / 0.861, pointing
  0.905 / 0.902 / 0.902 (single features) in 20 minutes on 2 cores with training seeds 0 / 1 / 2.
* ``paper`` — the released losses alone (raw-cosine segmentation, similarity, SigLIP with a
  learnable bias), patch stem, lr 1.5e-3: the comparison row.
* ``gpu`` — ``cpu_bg`` for the ``small`` config on a GPU (``--config small --device cuda``):
  16-px patches (the conv stem needs a power of two; 224-px tiles stay), lr 1e-3 with a longer
  warmup for the 12-block ViT-S, crops made by ``--loader-workers`` processes.

The summary reports training throughput (crops per second, ``images_per_s``) beside the steps.

Usage::

    .venv/bin/python benchmarks/tokenocr_cpu.py --work /tmp/tokenocr_cpu --threads 2 --bf16
    .venv/bin/python benchmarks/tokenocr_cpu.py --work DIR --recipe cpu_pt --loss point_ce_scale=32
    python benchmarks/tokenocr_cpu.py --work /tmp/g --recipe gpu --config small --device cuda \
        --minutes 3.5 --workers 16 --loader-workers 12 --batch-size 128 --n-train 16000
    .venv/bin/python benchmarks/tokenocr_cpu.py --work DIR --train-data T --heldout-data H

Outputs under ``--work`` (CONFIG is ``--config``): ``CONFIG.pt``, ``CONFIG.metrics.csv``,
``CONFIG.curve.png``, ``eval.json``, ``eval_single.json``, ``heatmap.png``, ``summary.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

RECIPES: dict[str, dict] = {
    "cpu": dict(
        lr=3e-3,
        model_overrides={"stem": "conv"},
        loss=dict(siglip=False, vocab_ce=True, seg_logit_scale=10.0, seg_logit_bias=-5.0),
    ),
    "cpu_bg": dict(
        lr=3e-3,
        model_overrides={"stem": "conv"},
        train=dict(random_crops=0.2),
        loss=dict(
            siglip=False, vocab_ce=True, seg_logit_scale=10.0, seg_logit_bias=-5.0, bg_fill=True
        ),
    ),
    "paper": dict(lr=1.5e-3, model_overrides={}, loss={}),
}
# cpu_bg plus per-pixel recognition (pixel_ce, weight 4) over pixels drawn with weight
# area(owner)^-0.5, so word pixels are not swamped by the page's one big background mask.
RECIPES["cpu_px"] = {
    **RECIPES["cpu_bg"],
    "loss": {
        **RECIPES["cpu_bg"]["loss"],
        "pixel_ce": True,
        "pixel_ce_weight": 4.0,
        "pixel_ce_balance": 0.5,
    },
}
# cpu_px plus point_ce (weight 2): per token, a softmax over the same pixels, so that its
# cosine peaks on its own pixels rather than on another word's.
RECIPES["cpu_pt"] = {
    **RECIPES["cpu_px"],
    "loss": {**RECIPES["cpu_px"]["loss"], "point_ce": True, "point_ce_weight": 2.0},
}
# cpu_pt plus edge_ce: per token, a softmax over its mask and the ring of cells around it, so its
# cosine does not peak on the blank paper right next to its ink.
RECIPES["cpu_edge"] = {
    **RECIPES["cpu_pt"],
    "loss": {**RECIPES["cpu_pt"]["loss"], "edge_ce": True},
}
# cpu_bg for the small config on a GPU: 16-px patches for the conv stem, gentler lr, longer warmup.
RECIPES["gpu"] = {
    **RECIPES["cpu_bg"],
    "lr": 1e-3,
    "warmup": 200,
    "model_overrides": {"stem": "conv", "patch_size": 16},
}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--work", type=Path, default=Path("out/tokenocr_cpu"))
    ap.add_argument("--train-data", type=Path, default=None, help="existing TokenIT train dir")
    ap.add_argument("--heldout-data", type=Path, default=None, help="existing TokenIT held-out dir")
    ap.add_argument("--domains", default="documents", help="comma-separated TokenIT domains")
    ap.add_argument("--n-train", type=int, default=6000, help="<= 20000")
    ap.add_argument("--n-heldout", type=int, default=200)
    ap.add_argument("--recipe", choices=sorted(RECIPES), default="cpu_edge")
    ap.add_argument("--config", default="tiny", help="tiny | small | base")
    ap.add_argument("--device", default="cpu", help="cpu | cuda")
    ap.add_argument(
        "--loader-workers", type=int, default=0, help="crop-making processes (0: in-process)"
    )
    ap.add_argument("--minutes", type=float, default=20.0, help="training time limit")
    ap.add_argument(
        "--steps", type=int, default=100000, help="schedule length in steps (time usually ends it)"
    )
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument(
        "--seed", type=int, default=0, help="training seed (initialisation, crops and their order)"
    )
    ap.add_argument("--lr", type=float, default=None, help="default: the recipe's")
    ap.add_argument("--tile-size", type=int, default=None, help="default: the tiny config's")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 on a busy machine)")
    ap.add_argument(
        "--bf16", action="store_true", help="bf16 autocast on a CPU too (on by default on CUDA)"
    )
    ap.add_argument(
        "--loss",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a LossConfig field of the recipe (repeatable), e.g. point_ce_scale=32",
    )
    ap.add_argument("--eval-limit", type=int, default=100)
    ap.add_argument("--workers", type=int, default=1, help="TokenIT generation workers")
    args = ap.parse_args()
    if args.n_train > 20000:
        ap.error("--n-train must be <= 20000")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    log = logging.getLogger("tokenocr_cpu")
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    domains = [d.strip() for d in args.domains.split(",") if d.strip()]

    from codepercept.tokenit import generate

    train_dir = args.train_data or work / "tokenit_train"
    held_dir = args.heldout_data or work / "tokenit_heldout"
    t_gen = time.perf_counter()
    if args.train_data is None:
        log.info("generating %d train samples (%s)", args.n_train, ",".join(domains))
        generate(args.n_train, train_dir, domains=domains, seed=1, workers=args.workers)
    if args.heldout_data is None:
        log.info("generating %d held-out samples", args.n_heldout)
        generate(args.n_heldout, held_dir, domains=domains, seed=2, workers=args.workers)
    gen_s = time.perf_counter() - t_gen

    from codepercept.tokenocr.evaluate import EvalConfig, evaluate, format_table
    from codepercept.tokenocr.losses import LossConfig
    from codepercept.tokenocr.train import TrainConfig, train

    recipe = RECIPES[args.recipe]
    loss_kw = {**recipe["loss"], **dict(parse_setting(kv) for kv in args.loss)}
    overrides = dict(recipe["model_overrides"])
    if args.tile_size:
        overrides["tile_size"] = args.tile_size
    ckpt = work / f"{args.config}.pt"
    cfg = TrainConfig(
        out=str(ckpt),
        config=args.config,
        device=args.device,
        workers=args.loader_workers,
        bf16=True if args.bf16 else None,
        model_overrides=overrides,
        loss=LossConfig(**loss_kw),
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr or recipe["lr"],
        warmup_steps=recipe.get("warmup", 50),
        threads=args.threads,
        seed=args.seed,
        log_every=10,
        ckpt_every=100,
        time_limit_s=args.minutes * 60,
        time_schedule=True,
        restrict_vocab=True,  # every training id (records scanned, no image decoded)
        limit=20000,
        **recipe.get("train", {}),
    )

    def on_step(step: int, m: dict[str, float]) -> None:
        if step % 50 == 0:
            log.info("step %d %s", step, " ".join(f"{k}={v:.3f}" for k, v in m.items()))

    t0 = time.perf_counter()
    res = train(cfg, train_dir, on_step=on_step)
    train_s = time.perf_counter() - t0
    log.info("trained %d steps in %.0f s", res.steps, res.seconds)

    dev = args.device
    ev = evaluate(ckpt, held_dir, EvalConfig(limit=args.eval_limit, device=dev), work / "eval.json")
    print(f"maps from features averaged over {EvalConfig.local_pool:g} px (the default)")
    print(format_table(ev))
    single = evaluate(
        ckpt,
        held_dir,
        EvalConfig(limit=args.eval_limit, local_pool=0, device=dev),
        work / "eval_single.json",
    )
    print("maps from single features (local_pool 0, as the paper draws them)")
    print(format_table(single))

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
    png = heatmap(ckpt, sample.image, query, work / "heatmap.png", dev)
    summary = {
        "recipe": args.recipe,
        "seed": args.seed,
        "loss": loss_kw,
        "config": args.config,
        "device": args.device,
        "device_name": device_name(args.device),
        "domains": domains,
        "threads": args.threads,
        "bf16": args.bf16 or args.device.startswith("cuda"),
        "loader_workers": args.loader_workers,
        "batch_size": args.batch_size,
        "train_steps": res.steps,
        "train_seconds": round(res.seconds, 1),
        "images_per_s": round(res.steps * args.batch_size / max(res.seconds, 1e-9), 1),
        "images_per_s_steady": steady_rate(res.metrics_csv, args.batch_size),
        "wall_seconds": round(train_s, 1),
        "generation_seconds": round(gen_s, 1),
        "train_dir": str(train_dir),
        "heldout_dir": str(held_dir),
        "query": query,
        "curve": str(res.curve_png),
        "heatmap": str(png),
        "eval": ev,
        "eval_single_features": single,
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if not k.startswith("eval")}, indent=2))


def parse_setting(kv: str) -> tuple[str, object]:
    """``KEY=VALUE`` with VALUE a Python literal (``32``, ``True``, ``0.5``) or else a string."""
    import ast

    key, sep, value = kv.partition("=")
    if not sep or not key:
        raise SystemExit(f"--loss wants KEY=VALUE, not {kv!r}")
    try:
        return key.strip(), ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return key.strip(), value.strip()


def steady_rate(csv_path: Path, batch_size: int) -> float | None:
    """Crops per second over the last 80% of the logged steps (start-up left out)."""
    import csv

    if not Path(csv_path).is_file():
        return None
    with open(csv_path) as fh:
        rows = [(int(r["step"]), float(r["seconds"])) for r in csv.DictReader(fh)]
    if len(rows) < 5:
        return None
    (s0, t0), (s1, t1) = rows[len(rows) // 5], rows[-1]
    return round((s1 - s0) * batch_size / max(t1 - t0, 1e-9), 1)


def device_name(device: str) -> str:
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        return torch.cuda.get_device_name(torch.device(device))
    import platform

    return platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
