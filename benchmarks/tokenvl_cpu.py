"""TokenVL at CPU scale: does the TokenOCR encoder, and does the token-alignment stage, help
a document MLLM answer questions about held-out pages? Three variants at equal TokenVL compute,
several seeds, one table.

Data: small generated documents (``codepercept.tokenvl.docqa.small_docs``: forms, rows of
words, tables; 128 px) with questions whose answers are exact (read the word at a place, the
word after a word, the value for a key, a count, a table cell); held-out pages come from
another seed. Every variant uses the same randomly initialised Qwen-vocabulary language model
(``tiny_lm``), whose input embeddings are also the TokenOCR targets.

Per seed (the seed sets the encoder/abstractor/projector initialisation and the batch order):

* ``tokenocr+align`` — the TokenOCR encoder pretrained once on the training pages (the
  ``cpu_edge`` recipe of ``benchmarks/tokenocr_cpu.py``, ``--pretrain-steps``, seed 0: the
  encoder is an input, as a released checkpoint would be), then stage 1 with the
  alignment losses (weight 0.5, LM frozen), then stage 2 SFT;
* ``tokenocr`` — the same encoder, stage 1 with the language-modelling loss alone, then SFT;
* ``frozen+align`` — ``tokenocr+align`` with the encoder frozen in both stages (only the
  abstractor, the projector and, in stage 2, the language model train): added after the
  read-out showed that training the encoder through a random language model erased what it
  could read;
* ``plain`` — an encoder of the same size without token supervision: randomly initialised and
  trained only through the answers' language-modelling loss (``--plain-extra-steps`` more
  stage-1 steps; 0 by default: equal TokenVL compute, the encoder's pretraining is the others'
  head start and is reported beside the table).

The language model is initialised with standard deviation 0.1 (``--lm-init-std``; Qwen's is
0.02): with a tied head a 128-wide random model at 0.02 has logits below ~2.6 and spent a
whole 400-step stage just learning the answers' prior. Stage 2 trains the embedding table too
(``--sft-freeze-embeddings`` keeps it fixed: faster steps, but the prior was still not learnt
in 600 steps).

**What the visual tokens carry**, whatever the language model learnt to do with them: a linear
read-out from the mean visual token under an answer word (its TokenIT pixels on the grid) to the
word, trained on the training questions and scored on the held-out ones, for each variant before
and after its TokenVL training.

**The encoders themselves** are compared as item 7 of the issue asks: linear-probe text
segmentation (``codepercept.tokenocr.evaluate`` with ``probe_steps``) on the held-out pages
for the pretrained TokenOCR encoder, its untrained control, and the encoders each TokenVL
variant ended with (the ``plain`` one never had token supervision).

Every step writes its output under ``--work`` and is skipped when it exists, so a re-run
resumes. Prints a table of exact match and ANLS per variant (mean ± sd over seeds) and per
question kind, and for each pair of variants the per-seed differences with a verdict: a
difference is called beyond the seed spread when every seed agrees on its sign and
``|mean| > 2·sd/√n`` of the paired differences.

Usage::

    .venv/bin/python benchmarks/tokenvl_cpu.py --work /tmp/tokenvl_cpu --threads 2
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

log = logging.getLogger("tokenvl_cpu")

VARIANTS = ("tokenocr+align", "tokenocr", "plain", "frozen+align")


def _pretrain(args, lm_dir: Path, train_docs, out: Path, seed: int) -> float:
    from tokenocr_cpu import RECIPES

    from codepercept.tokenocr.data import _from_tokenit
    from codepercept.tokenocr.losses import LossConfig
    from codepercept.tokenocr.train import TrainConfig, train

    recipe = RECIPES["cpu_edge"]
    cfg = TrainConfig(
        out=str(out),
        config="tiny",
        model_overrides={**recipe["model_overrides"], "embed_dim": args.hidden},
        loss=LossConfig(**recipe["loss"]),
        steps=args.pretrain_steps,
        batch_size=args.batch_size,
        lr=recipe["lr"],
        warmup_steps=20,
        threads=args.threads,
        seed=seed,
        log_every=50,
        ckpt_every=0,
        embed_source=str(lm_dir),
        restrict_vocab=True,
        **recipe.get("train", {}),
    )
    t0 = time.perf_counter()
    train(cfg, [_from_tokenit(s) for s in train_docs])
    return time.perf_counter() - t0


def _run_variant(args, variant, seed, lm_dir, enc_ckpt, train_ex, held_ex, work: Path) -> dict:
    from codepercept.tokenvl.evaluate import answer_examples, score_records
    from codepercept.tokenvl.train import StageConfig, train_stage

    summary = work / "summary.json"
    if summary.is_file():
        return json.loads(summary.read_text())
    common = dict(batch_size=args.batch_size, seed=seed, threads=args.threads, log_every=25)
    s1 = work / "stage1.pt"
    s2 = work / "stage2.pt"
    t0 = time.perf_counter()
    model = _fresh(args, variant, seed, lm_dir, enc_ckpt)
    if variant == "plain":
        steps1, weight = args.align_steps + args.plain_extra_steps, 0.0
    else:
        steps1, weight = args.align_steps, 0.0 if variant == "tokenocr" else 0.5
    common["freeze_encoder"] = variant == "frozen+align"
    r1 = train_stage(
        StageConfig(str(s1), "align", steps1, lr=args.lr, align_weight=weight, **common),
        model,
        train_ex,
    )
    r2 = train_stage(
        StageConfig(
            str(s2),
            "sft",
            args.sft_steps,
            lr=args.sft_lr,
            freeze_embeddings=args.sft_freeze_embeddings,
            **common,
        ),
        s1,
        train_ex,
    )
    from codepercept.tokenvl.train import load_tokenvl

    net, _ = load_tokenvl(s2)
    records = answer_examples(net, held_ex, batch_size=64)
    untrained = _fresh(args, variant, seed, lm_dir, enc_ckpt)
    res = {
        "readout": readout(net, train_ex, held_ex, seed=seed),
        "readout_before": readout(untrained, train_ex, held_ex, seed=seed),
        "variant": variant,
        "seed": seed,
        "stage1": {"steps": r1.steps, "seconds": r1.seconds, "last": r1.last},
        "stage2": {"steps": r2.steps, "seconds": r2.seconds, "last": r2.last},
        "seconds": time.perf_counter() - t0,
        "scores": score_records(records),
    }
    (work / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    summary.write_text(json.dumps(res, indent=2))
    return res


def _fresh(args, variant, seed, lm_dir, enc_ckpt):
    """The variant's model before TokenVL training (same seed: same abstractor/projector)."""
    from codepercept.tokenvl.train import build_model

    if variant == "plain":
        return build_model(lm_dir, None, encoder_overrides=_enc_overrides(args), seed=seed)
    return build_model(lm_dir, enc_ckpt, seed=seed)


def _enc_overrides(args) -> dict:
    from tokenocr_cpu import RECIPES

    return {**RECIPES["cpu_edge"]["model_overrides"], "embed_dim": args.hidden}


def _mean_sd(xs: list[float]) -> str:
    if len(xs) == 1:
        return f"{100 * xs[0]:5.1f}"
    return f"{100 * statistics.mean(xs):5.1f} ± {100 * statistics.stdev(xs):4.1f}"


def _verdict(diffs: list[float]) -> str:
    if len(diffs) < 2:
        return "one seed: no spread"
    m, sd = statistics.mean(diffs), statistics.stdev(diffs)
    same_sign = all(d > 0 for d in diffs) or all(d < 0 for d in diffs)
    beyond = same_sign and abs(m) > 2 * sd / math.sqrt(len(diffs))
    return "beyond the seed spread" if beyond else "within the seed spread"


def report(results: list[dict], metric: str = "exact") -> str:
    seeds = sorted({r["seed"] for r in results})
    by = {(r["variant"], r["seed"]): r for r in results}
    groups = sorted({g for r in results for g in r["scores"] if g.startswith("kind:")})
    lines = [f"metric: {metric} (%), mean ± sd over seeds {seeds}", ""]
    head = ["variant", "all", *[g.split(":", 1)[1] for g in groups], "anls(all)"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for v in VARIANTS:
        rs = [by[(v, s)] for s in seeds if (v, s) in by]
        if not rs:
            continue
        cells = [_mean_sd([r["scores"]["all"][metric] for r in rs])]
        cells += [
            _mean_sd([r["scores"][g][metric] for r in rs if g in r["scores"]]) for g in groups
        ]
        cells.append(_mean_sd([r["scores"]["all"]["anls"] for r in rs]))
        lines.append(f"| {v} | " + " | ".join(cells) + " |")
    n = next(iter(results))["scores"]["all"]["n"] if results else 0
    lines += ["", f"{n} held-out questions per run", "", "paired differences (points, per seed):"]
    for a, b in (
        ("tokenocr+align", "tokenocr"),
        ("tokenocr", "plain"),
        ("tokenocr+align", "plain"),
        ("frozen+align", "tokenocr+align"),
        ("frozen+align", "plain"),
    ):
        common = [s for s in seeds if (a, s) in by and (b, s) in by]
        diffs = [
            by[(a, s)]["scores"]["all"][metric] - by[(b, s)]["scores"]["all"][metric]
            for s in common
        ]
        if diffs:
            per = ", ".join(f"{100 * d:+.1f}" for d in diffs)
            lines.append(
                f"  {a} − {b}: {100 * statistics.mean(diffs):+.1f} ({per}) → {_verdict(diffs)}"
            )
    return "\n".join(lines)


def _visual_features(net, ex) -> tuple:
    """Per aligned one-token answer of ``ex``: the mean visual token under the answer's pixels
    (what the language model sees of that word) and the answer's token id."""
    import numpy as np
    import torch

    from codepercept.tokenocr.model import normalize_images

    rows = [r for r in ex.rows if r.align is not None and len(r.answer_ids) == 2]
    vis = []
    net.eval()
    with torch.no_grad():
        for k in range(0, len(ex.images), 64):
            x = normalize_images(torch.from_numpy(ex.images[k : k + 64]))
            vis.append(net.visual_tokens(x))
    vis = torch.cat(vis)  # (N, T, H)
    masks = torch.from_numpy(np.stack([r.align[0].reshape(-1) for r in rows])).float()
    feats = (masks[..., None] * vis[[r.image for r in rows]]).sum(1) / masks.sum(1, keepdim=True)
    return feats, [r.answer_ids[0] for r in rows]


def readout(net, train_ex, held_ex, steps: int = 300, seed: int = 0) -> float:
    """Held-out accuracy of a linear classifier from the visual tokens under an answer word to
    that word (softmax over the training answers' ids, features standardised with the training
    statistics): whether the visual side has read the word, whatever the language model
    learnt to do with it. Answers never seen in training count as errors."""
    import torch

    xtr, ytr = _visual_features(net, train_ex)
    xte, yte = _visual_features(net, held_ex)
    classes = sorted(set(ytr))
    index = {c: i for i, c in enumerate(classes)}
    mu, sd = xtr.mean(0), xtr.std(0).clamp_min(1e-6)
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    torch.manual_seed(seed)
    head = torch.nn.Linear(xtr.shape[1], len(classes))
    opt = torch.optim.Adam(head.parameters(), lr=1e-2)
    target = torch.tensor([index[y] for y in ytr])
    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(head(xtr), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        pred = head(xte).argmax(-1).tolist()
    return sum(index.get(y) == p for y, p in zip(yte, pred, strict=True)) / max(len(yte), 1)


def _probes(args, held_docs, variants) -> list[dict]:
    """Linear-probe text segmentation of the encoders, per seed (first half of the held-out
    pages train the head, the second half test it)."""
    from codepercept.tokenocr.checkpoint import load_encoder
    from codepercept.tokenocr.data import _from_tokenit
    from codepercept.tokenocr.evaluate import EvalConfig, evaluate

    samples = [_from_tokenit(s) for s in held_docs]
    out = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        sdir = args.work / f"seed{seed}"
        path = sdir / "probe.json"
        if path.is_file():
            out.append(json.loads(path.read_text()))
            continue
        enc = args.work / "tokenocr.pt"
        compare = {
            f"after TokenVL: {v}": load_encoder(sdir / v / "stage2.pt")
            for v in variants
            if (sdir / v / "stage2.pt").is_file()
        }
        cfg = EvalConfig(limit=None, probe_steps=300, control_seed=seed)
        res = evaluate(enc, samples, cfg, compare=compare)
        row = {"seed": seed, **{k: v["text_iou"] for k, v in res["probe"].items()}}
        row["zero-shot (TokenOCR)"] = res["trained"]["text_iou"]
        row["zero-shot (control)"] = res["untrained"]["text_iou"]
        path.write_text(json.dumps(row))
        out.append(row)
    return out


def readout_report(results: list[dict]) -> str:
    lines = [
        "visual read-out (%): a linear classifier from the visual tokens under an answer word "
        "to the word, held-out pages; before = the same model before TokenVL training",
        "",
        "| variant | before | after |",
        "|---|---|---|",
    ]
    for v in VARIANTS:
        rs = [r for r in results if r["variant"] == v and "readout" in r]
        if rs:
            before = _mean_sd([r["readout_before"] for r in rs])
            lines.append(f"| {v} | {before} | {_mean_sd([r['readout'] for r in rs])} |")
    return "\n".join(lines)


def probe_report(probes: list[dict]) -> str:
    if not probes:
        return "no encoder probes"
    names = [k for k in probes[0] if k != "seed"]
    lines = ["text segmentation IoU (%) of the encoders, mean ± sd over seeds", ""]
    lines += ["| encoder | IoU |", "|---|---|"]
    for k in names:
        lines.append(f"| {k} | {_mean_sd([p[k] for p in probes if k in p])} |")
    lines.append("")
    lines.append(
        "rows without 'zero-shot' are linear probes; 'trained' is the pretrained TokenOCR "
        "encoder, 'untrained' its random control"
    )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--work", type=Path, default=Path("out/tokenvl_cpu"))
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--n-train", type=int, default=800)
    ap.add_argument("--n-heldout", type=int, default=120)
    ap.add_argument("--hidden", type=int, default=128, help="language-model width")
    ap.add_argument("--lm-init-std", type=float, default=0.1)
    ap.add_argument("--pretrain-steps", type=int, default=1500)
    ap.add_argument("--plain-extra-steps", type=int, default=0)
    ap.add_argument("--align-steps", type=int, default=150)
    ap.add_argument("--sft-steps", type=int, default=250)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--sft-lr", type=float, default=3e-3)
    ap.add_argument("--sft-freeze-embeddings", action=argparse.BooleanOptionalAction, default=False)
    ap.add_argument("--per-kind", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    torch.set_num_threads(args.threads)
    from codepercept.tokenocr.model import get_config
    from codepercept.tokenvl.data import build_examples
    from codepercept.tokenvl.docqa import small_docs
    from codepercept.tokenvl.lm import tiny_lm
    from codepercept.tokenvl.model import TokenVLConfig

    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    lm_dir = args.work / "lm"
    if not (lm_dir / "config.json").is_file():
        tiny_lm(
            lm_dir,
            hidden=args.hidden,
            intermediate=2 * args.hidden,
            init_std=args.lm_init_std,
            seed=0,
        )
    train_docs = small_docs(args.n_train, seed=1000)
    held_docs = small_docs(args.n_heldout, seed=2000)
    vl = TokenVLConfig()
    grid = vl.grid_side(get_config("tiny", **_enc_overrides(args)))
    train_ex = build_examples(train_docs, vl.image_size, grid, seed=1, per_kind=args.per_kind)
    held_ex = build_examples(held_docs, vl.image_size, grid, seed=2, per_kind=args.per_kind)
    log.info(
        "data: %d train questions (%d aligned) on %d pages, %d held-out questions; %.0f s",
        len(train_ex),
        sum(r.align is not None for r in train_ex.rows),
        len(train_ex.images),
        len(held_ex),
        time.perf_counter() - t0,
    )
    results = []
    variants = [v for v in args.variants.split(",") if v]
    for seed in [int(s) for s in args.seeds.split(",")]:
        sdir = args.work / f"seed{seed}"
        sdir.mkdir(exist_ok=True)
        enc = args.work / "tokenocr.pt"
        if not (args.work / "tokenocr.done").exists():
            secs = _pretrain(args, lm_dir, train_docs, enc, 0)
            (args.work / "tokenocr.done").write_text(f"{secs:.1f}\n")
            log.info("TokenOCR pretraining %.0f s", secs)
        for v in variants:
            res = _run_variant(args, v, seed, lm_dir, enc, train_ex, held_ex, sdir / v)
            log.info(
                "seed %d %s: exact %.3f anls %.3f (%.0f s)",
                seed,
                v,
                res["scores"]["all"]["exact"],
                res["scores"]["all"]["anls"],
                res["seconds"],
            )
            results.append(res)
    probes = _probes(args, held_docs, variants)
    table = "\n\n".join(
        [report(results), report(results, "anls"), readout_report(results), probe_report(probes)]
    )
    (args.work / "report.md").write_text(table + "\n")
    (args.work / "results.json").write_text(
        json.dumps({"runs": results, "probes": probes}, indent=2)
    )
    print(table)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s; wrote {args.work / 'report.md'}")


if __name__ == "__main__":
    main()
