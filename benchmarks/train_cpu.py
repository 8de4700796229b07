"""S1 -> R1 on a CPU: does GRPO with codepercept's reward improve a small VLM beyond SFT?

A tiny randomly initialised Qwen2.5-VL (:func:`codepercept.train.tiny.build_tiny_vlm`, 3.2 M
parameters, Qwen's BPE cut to 16,384 ranks) learns to write the programs of a simple ICC family,
then is evaluated on held-out figures:

1. data — ICC triplets of ``--families`` for training (synth seed 1) and a held-out set (synth
   seed 2) from which every figure whose program equals a training program, or whose rendering
   is a perceptual near-duplicate of a training figure (pHash distance <= 4), is dropped;
2. per ``--seeds`` seed (``--jobs`` seeds at once, one process each): build the model (that
   seed), evaluate it untrained, train S1 (``run_sft``), evaluate, train R1 from S1
   (``run_grpo``: GRPO rewarded by ``codepercept.rewards``), evaluate;
3. each evaluation samples ``--samples`` answers per held-out figure at ``--temperature``
   (the temperature R1's rollouts are sampled at; a fixed seed per stage) and scores them twice:
   through the benchmark runner (``codepercept.bench``: the held-out figures as a STEM2Code
   benchmark, the answers as a ``predictions:`` model: Exec rate, Image and Code score, official
   convention) and with ``codepercept.rewards`` (the mean held-out reward, what R1 optimises).

The table at the end gives each stage's mean over the seeds ± half the spread (max - min);
R1 beats S1 when its mean held-out reward exceeds S1's by more than either stage's spread.

Why these defaults (measured while tuning; docs/train.md has the numbers):

* S1 is image-to-code only (``--sft-tasks code``): the paper's joint S1 adds captioning
  (``--sft-tasks code,caption``), which on this budget halves the code rows a 3 M model sees;
* S1 at lr 3e-3 for 200 steps reaches ~0.3 nats/token; its greedy programs are then well formed
  but for hex colours with a wrong digit count (a runtime error), and at temperature 1 nearly
  every sample is broken (reward ~0.06: GRPO would see groups of zeros). At 0.5 about 40 % run;
* R1: 20 steps of 2 prompts x 8 completions at temperature 0.5, lr 3e-4, no KL (TRL's default
  beta 0), TRL's default DAPO loss.

Steps whose output exists are skipped, so a re-run resumes. Usage::

    .venv/bin/python benchmarks/train_cpu.py --out /tmp/train_cpu
    .venv/bin/python benchmarks/train_cpu.py --out DIR --seeds 0,1,2 --jobs 3 --sft-steps 300
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---- data --------------------------------------------------------------------------------------


def make_data(out: Path, families: list[str], n_train: int, n_heldout: int) -> tuple[Path, Path]:
    """The training ICC set and a held-out STEM2Code benchmark (``bench.jsonl`` + images) of
    figures never seen in training."""
    from codepercept._fs import atomic_write
    from codepercept.bench.dataset import item_line
    from codepercept.data import HashIndex, dataset_phashes, phash64, read_dataset
    from codepercept.synth.pipeline import synthesize

    train, pool, bench = out / "train", out / "heldout_pool", out / "heldout_bench"
    synthesize(n_train, train, seed=1, family_names=families, workers=2)
    synthesize(n_heldout * 2, pool, seed=2, family_names=families, workers=2)
    if (bench / "bench.jsonl").is_file():
        return train, bench
    seen_codes = {rec["code"] for rec in read_dataset(train)}
    seen_hashes = HashIndex(int(h) for h in dataset_phashes(train))
    (bench / "images").mkdir(parents=True, exist_ok=True)
    lines, dropped = [], 0
    for rec in read_dataset(pool):
        if len(lines) == n_heldout:
            break
        if rec["code"] in seen_codes or seen_hashes.near(phash64(rec["image"]), 4):
            dropped += 1
            continue
        item = f"heldout-{len(lines):03d}"
        atomic_write(bench / "images" / f"{item}.png", rec["image"])
        line = item_line(item, f"images/{item}.png", rec["code"], domain=rec["domain"],
                         family=rec["family"])  # fmt: skip
        lines.append(line)
    atomic_write(bench / "bench.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    atomic_write(bench / "heldout.json", json.dumps({"n": len(lines), "dropped": dropped}))
    _log(f"held-out: {len(lines)} figures ({dropped} dropped as too close to training)")
    return train, bench


# ---- evaluation --------------------------------------------------------------------------------


def evaluate(model: Path, bench: Path, out: Path, args: argparse.Namespace, seed: int) -> dict:
    """Sample answers on the held-out figures; score them with the bench runner and the reward."""
    done = out / "eval.json"
    if done.is_file():
        return json.loads(done.read_text())
    from codepercept.bench.dataset import load_bench
    from codepercept.bench.runner import run_benchmark
    from codepercept.rewards import RewardConfig
    from codepercept.rewards.shared import shared_scorer
    from codepercept.train.generate import generate_answers

    out.mkdir(parents=True, exist_ok=True)
    items = load_bench(bench)
    t0 = time.perf_counter()
    answers = generate_answers(model, [it.image_bytes() for it in items], samples=args.samples,
                               max_new_tokens=args.max_new_tokens, temperature=args.temperature,
                               seed=1000 + seed, batch_size=args.eval_batch)  # fmt: skip
    gen_s = time.perf_counter() - t0
    # one benchmark item per (figure, sample), the answers as a predictions file
    source = [json.loads(x) for x in (bench / "bench.jsonl").read_text().splitlines() if x]
    lines, preds, responses, refs = [], [], [], []
    for it, line, texts in zip(items, source, answers, strict=True):
        for k, text in enumerate(texts):
            copy = json.loads(json.dumps(line))
            copy["id"] = f"{it.id}-s{k}"
            copy["messages"][1]["content"][0]["image"] = str(it.image_path)
            lines.append(copy)
            preds.append({"id": copy["id"], "response": text})
            responses.append(text)
            refs.append(it.code)
    sample_bench = out / "bench"
    sample_bench.mkdir(exist_ok=True)
    (sample_bench / "bench.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (out / "predictions.jsonl").write_text("".join(json.dumps(x) + "\n" for x in preds))
    summary = run_benchmark(sample_bench, f"predictions:{out / 'predictions.jsonl'}",
                            out / "run", workers=2, dpi=100)  # fmt: skip
    rewards = shared_scorer(RewardConfig(), 2).score(responses, refs)
    official = summary["overall"]["official"]
    result = {
        "exec_rate": official["exec"],
        "image": official["image"],
        "code": official["code"],
        "reward": statistics.fmean(r.total for r in rewards),
        "reward_components": {
            c: statistics.fmean(r.components[c] for r in rewards) for c in rewards[0].components
        },
        "statuses": _count(r.status for r in rewards),
        "answers": len(responses),
        "generate_s": round(gen_s, 1),
    }
    done.write_text(json.dumps(result, indent=1))
    return result


def greedy_eval(model: Path, bench: Path, out: Path, args: argparse.Namespace) -> dict:
    """One greedy answer per held-out figure, rewarded: did training fix systematic errors,
    or only sharpen the sampling distribution?"""
    done = out / "greedy.json"
    if done.is_file():
        return json.loads(done.read_text())
    from codepercept.bench.dataset import load_bench
    from codepercept.rewards import RewardConfig
    from codepercept.rewards.shared import shared_scorer
    from codepercept.train.generate import generate_answers

    items = load_bench(bench)
    greedy = generate_answers(model, [it.image_bytes() for it in items], samples=1,
                              max_new_tokens=args.max_new_tokens, temperature=0,
                              batch_size=args.eval_batch)  # fmt: skip
    got = shared_scorer(RewardConfig(), 2).score([g[0] for g in greedy], [it.code for it in items])
    result = {
        "reward": statistics.fmean(r.total for r in got),
        "exec_rate": 100.0 * sum(r.status == "ok" for r in got) / len(got),
        "statuses": _count(r.status for r in got),
    }
    done.write_text(json.dumps(result, indent=1))
    return result


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


# ---- one seed ----------------------------------------------------------------------------------


def run_seed(seed: int, train: Path, bench: Path, out: Path, args: argparse.Namespace) -> dict:
    from codepercept.train.recipes import GRPOSettings, SFTSettings, run_grpo, run_sft
    from codepercept.train.tiny import build_tiny_vlm

    root = out / f"seed{seed}"
    init = root / "init"
    if not (init / "config.json").is_file():
        build_tiny_vlm(init, seed=seed, **_spec(args))
    stages: dict[str, Any] = {}
    t = time.perf_counter()
    stages["untrained"] = evaluate(init, bench, root / "eval_untrained", args, seed)
    if args.greedy:
        stages["untrained"]["greedy"] = greedy_eval(init, bench, root / "eval_untrained", args)
    _log(f"seed {seed} untrained: {_short(stages['untrained'])} ({time.perf_counter() - t:.0f} s)")

    t = time.perf_counter()
    sft = SFTSettings(tasks=tuple(args.sft_tasks.split(",")), max_steps=args.sft_steps,
                      batch_size=args.sft_batch, lr=args.sft_lr, warmup_ratio=0.05, seed=seed,
                      threads=args.threads, save_steps=10_000, logging_steps=10)  # fmt: skip
    s1 = run_sft(init, train, root / "s1", sft)
    stages["s1_train"] = {"seconds": s1["seconds_this_run"], "s_per_step": s1["seconds_per_step"],
                          "loss": s1["last"].get("loss")}  # fmt: skip
    stages["s1"] = evaluate(root / "s1" / "model", bench, root / "eval_s1", args, seed)
    if args.greedy:
        stages["s1"]["greedy"] = greedy_eval(root / "s1" / "model", bench, root / "eval_s1", args)
    _log(f"seed {seed} S1: {_short(stages['s1'])} (train {s1['seconds_this_run']:.0f} s at "
         f"{s1['seconds_per_step']} s/step; {time.perf_counter() - t:.0f} s with eval)")  # fmt: skip

    t = time.perf_counter()
    grpo = GRPOSettings(max_steps=args.grpo_steps, num_generations=args.num_generations,
                        prompts_per_step=args.prompts_per_step,
                        max_completion_length=args.max_new_tokens, lr=args.grpo_lr,
                        beta=args.beta, temperature=args.temperature, warmup_ratio=0.0,
                        seed=seed, threads=args.threads, save_steps=10_000, logging_steps=1,
                        limit=args.grpo_limit, reward_workers=2)  # fmt: skip
    r1 = run_grpo(root / "s1" / "model", train, root / "r1", grpo)
    stages["r1_train"] = {"seconds": r1["seconds_this_run"], "s_per_step": r1["seconds_per_step"],
                          "reward_first": r1["first"].get("reward"),
                          "reward_last": r1["last"].get("reward")}  # fmt: skip
    stages["r1"] = evaluate(root / "r1" / "model", bench, root / "eval_r1", args, seed)
    if args.greedy:
        stages["r1"]["greedy"] = greedy_eval(root / "r1" / "model", bench, root / "eval_r1", args)
    _log(f"seed {seed} R1: {_short(stages['r1'])} (train {r1['seconds_this_run']:.0f} s at "
         f"{r1['seconds_per_step']} s/step; {time.perf_counter() - t:.0f} s with eval)")  # fmt: skip
    (root / "stages.json").write_text(json.dumps(stages, indent=1))
    return stages


def _spec(args: argparse.Namespace) -> dict[str, Any]:
    return {"vocab": args.vocab, "hidden": args.hidden, "layers": args.layers}


def _short(r: dict) -> str:
    return (f"exec {r['exec_rate']:.1f}%  image {r['image']:.1f}  code {r['code']:.1f}  "
            f"reward {r['reward']:.3f}")  # fmt: skip


# ---- the table ---------------------------------------------------------------------------------


def table(per_seed: dict[int, dict], args: argparse.Namespace) -> str:
    rows = [("untrained", "untrained"), ("S1 (SFT)", "s1"), ("R1 (GRPO)", "r1")]
    cols = [("Exec %", "exec_rate", 1), ("Image", "image", 1), ("Code", "code", 1),
            ("held-out reward", "reward", 3)]  # fmt: skip
    greedy = all("greedy" in per_seed[s][k] for s in per_seed for _, k in rows)
    seeds = sorted(per_seed)
    extra = ["greedy Exec %", "greedy reward"] if greedy else []
    names = [c for c, _, _ in cols] + extra
    lines = [f"| stage | {' | '.join(names)} |", "|" + "---|" * (len(names) + 1)]
    mean: dict[str, float] = {}
    spread: dict[str, float] = {}
    for label, key in rows:
        cells = []
        for _, field, nd in cols:
            vals = [per_seed[s][key][field] for s in seeds]
            m, sp = statistics.fmean(vals), max(vals) - min(vals)
            cells.append(f"{m:.{nd}f} ± {sp / 2:.{nd}f}")
            if field == "reward":
                mean[key], spread[key] = m, sp
        for field, nd in (("exec_rate", 1), ("reward", 3)) if greedy else ():
            vals = [per_seed[s][key]["greedy"][field] for s in seeds]
            m, sp = statistics.fmean(vals), max(vals) - min(vals)
            cells.append(f"{m:.{nd}f} ± {sp / 2:.{nd}f}")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    lines.append("")
    for s in seeds:
        st = per_seed[s]
        lines.append(
            f"seed {s}: reward untrained {st['untrained']['reward']:.3f}, S1 {st['s1']['reward']:.3f}"
            f", R1 {st['r1']['reward']:.3f}; S1 {st['s1_train']['seconds']:.0f} s "
            f"({st['s1_train']['s_per_step']} s/step, final loss {_num(st['s1_train']['loss'])}), "
            f"R1 {st['r1_train']['seconds']:.0f} s ({st['r1_train']['s_per_step']} s/step)"
        )
    gain = mean["r1"] - mean["s1"]
    worst = max(spread["s1"], spread["r1"])
    verdict = "beats" if gain > worst else "does NOT beat"
    lines.append(f"R1 - S1 held-out reward: {gain:+.3f}; seed spread (max-min): S1 "
                 f"{spread['s1']:.3f}, R1 {spread['r1']:.3f}. R1 {verdict} S1 by more than the "
                 "seed spread.")  # fmt: skip
    n = json.loads((args.out / "data" / "heldout_bench" / "heldout.json").read_text())["n"]
    lines.append(f"(mean ± half the max-min spread over seeds {seeds}; {n} held-out figures x "
                 f"{args.samples} answers at temperature {args.temperature}; Exec/Image/Code: "
                 "codepercept.bench, official convention (Image, Code over executed answers); "
                 "reward: codepercept.rewards, default weights)")  # fmt: skip
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=Path("out/train_cpu"))
    p.add_argument("--families", default="bar_chart", help="Comma-separated ICC families.")
    p.add_argument("--seeds", default="0,1", help="Comma-separated model/training seeds.")
    p.add_argument("--jobs", type=int, default=2, help="Seeds trained at once (processes).")
    p.add_argument("--threads", type=int, default=1, help="torch threads per seed's process.")
    p.add_argument("--n-train", type=int, default=1000)
    p.add_argument("--n-heldout", type=int, default=16)
    p.add_argument("--vocab", type=int, default=16384)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--sft-tasks", default="code", help="code, caption or code,caption.")
    p.add_argument("--sft-steps", type=int, default=200)
    p.add_argument("--sft-batch", type=int, default=8)
    p.add_argument("--sft-lr", type=float, default=3e-3)
    p.add_argument("--grpo-steps", type=int, default=20)
    p.add_argument("--grpo-limit", type=int, default=200, help="Training samples GRPO draws from.")
    p.add_argument("--num-generations", type=int, default=8)
    p.add_argument("--prompts-per-step", type=int, default=2)
    p.add_argument("--grpo-lr", type=float, default=3e-4)
    p.add_argument("--beta", type=float, default=0.0)
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--samples", type=int, default=4, help="Answers per held-out figure.")
    p.add_argument("--max-new-tokens", type=int, default=400)
    p.add_argument("--eval-batch", type=int, default=16)
    p.add_argument(
        "--no-greedy", dest="greedy", action="store_false", help="Skip the greedy evaluation."
    )
    p.add_argument("--only-seed", type=int, default=None, help=argparse.SUPPRESS)
    return p


def _quiet(threads: int) -> None:
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    torch.set_num_threads(threads)


def main() -> None:
    args = _parser().parse_args()
    # the reference programs' renderings are shared by the seeds' processes
    os.environ.setdefault("CODEPERCEPT_REWARD_CACHE", str(args.out / "reward_cache"))
    train, bench = args.out / "data" / "train", args.out / "data" / "heldout_bench"
    if args.only_seed is not None:  # one seed's process
        _quiet(args.threads)
        run_seed(args.only_seed, train, bench, args.out, args)
        return
    t0 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    make_data(args.out / "data", args.families.split(","), args.n_train, args.n_heldout)
    seeds = [int(s) for s in args.seeds.split(",")]
    pending = list(seeds)
    running: list[tuple[int, subprocess.Popen[bytes]]] = []
    while pending or running:
        while pending and len(running) < args.jobs:
            seed = pending.pop(0)
            cmd = [sys.executable, __file__, *sys.argv[1:], "--only-seed", str(seed)]
            running.append((seed, subprocess.Popen(cmd)))
        time.sleep(2)
        for seed, proc in list(running):
            if proc.poll() is not None:
                running.remove((seed, proc))
                if proc.returncode != 0:
                    raise SystemExit(f"seed {seed} failed (exit {proc.returncode})")
    per_seed = {s: json.loads((args.out / f"seed{s}" / "stages.json").read_text()) for s in seeds}
    text = table(per_seed, args)
    minutes = (time.perf_counter() - t0) / 60
    text += (f"\n(total {minutes:.1f} min wall: {args.jobs} seeds at once, {args.threads} torch "
             f"thread(s) each, on {os.cpu_count()} cores)")  # fmt: skip
    (args.out / "table.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
