"""Metric validity: do the scores fall as a program is corrupted, and stay put when it is not?

For a set of ground-truth programs, :func:`validate` runs, in the real sandbox,

* each program twice (the second run is the *identical* candidate: both scores must be 100);
* every corruption of :data:`~codepercept.bench.corrupt.CORRUPTIONS` at ``levels - 1``
  severities ``s = l / (levels - 1)``, ``l = 1..levels-1`` (level 0 is the identical candidate,
  because every corruption is a no-op at severity 0);
* two rendering-equivalent rewrites of every program (variables renamed, figsize scaled) and
  the hand-written equivalent pairs of :data:`EQUIVALENT_PAIRS`,

and scores each candidate against its program's reference run with
:func:`~codepercept.score.image_score` and :func:`~codepercept.score.scene_score`. A candidate
that fails to run scores 0 (as in the benchmark).

Per corruption and score it reports Spearman's rho between severity and score over all
``(program, level)`` pairs of the programs the corruption applies to (it changed something at
the highest severity), the mean of the per-program rhos, and the mean score per level.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from codepercept.bench.corrupt import (
    CORRUPTIONS,
    corrupt_program,
    parse_report,
    rename_variables,
    scale_figsize,
)
from codepercept.sandbox import Executor
from codepercept.sandbox.result import ExecResult
from codepercept.score import SCORE_VERSION, image_score, prepare_image, scene_score

log = logging.getLogger(__name__)

VALIDITY_VERSION = 1
#: Score keys reported for every candidate.
SCORE_KEYS: tuple[str, ...] = (
    "image.total", "image.structure", "image.edges", "image.colour",
    "scene.total", "scene.completeness", "scene.position", "scene.style", "scene.relations",
    "scene.text",
)  # fmt: skip
#: Corruptions that change a share ``changed / candidates`` of what they act on (a count that
#: rounds up: one line of one is all of it at any severity); the others scale continuously with
#: the severity. The *damage* of a run is that share for these; the severity times the share of
#: the figure's content artists acted on for ``hue`` (artists with a hue), ``item_colours``
#: (collections with one colour per item) and ``jitter`` (in 3D axes it moves only lines and
#: texts); the severity for the others (``chart_swap`` turns the first
#: ``ceil(s m)`` marks of every series, so its share is the severity).
COUNTED: frozenset[str] = frozenset({"drop_elements", "labels", "text", "linestyle", "zorder"})
#: A score meant to see a corruption should reach rho <= this.
RHO_TARGET = -0.9
#: Rendering-equivalent rewrites should keep the scene score at or above this.
EQUIVALENT_MIN = 95.0


@dataclass
class ValidationProgram:
    id: str
    code: str
    domain: str = "unknown"
    family: str = ""


def _seed(*parts: object) -> int:
    h = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") >> 1


def synth_programs(
    n: int, seed: int = 0, domains: list[str] | None = None
) -> list[ValidationProgram]:
    """``n`` generated programs, round-robin over domains, then over families in each domain."""
    from codepercept.synth.pipeline import candidate_family, list_families

    fams = list_families(domains)
    if not fams:
        raise ValueError("no generator families to draw validation programs from")
    out = []
    for k in range(n):
        fam = candidate_family(fams, k)
        prog = fam.generate(_seed("validate", seed, k))
        out.append(ValidationProgram(f"{fam.name}-{k:03d}", prog.code, fam.domain, fam.name))
    return out


def bench_programs(path: str | Path, n: int | None = None) -> list[ValidationProgram]:
    """Ground-truth programs of a benchmark (``n`` evenly spaced items, or all)."""
    from codepercept.bench.dataset import load_bench

    items = load_bench(path)
    if n is not None and n < len(items):
        items = [items[int(i)] for i in np.linspace(0, len(items) - 1, n).round()]
    return [ValidationProgram(it.id, it.code, it.domain, it.family) for it in items]


# -- hand-written rendering-equivalent pairs ---------------------------------------------------

_HEAD = "import matplotlib.pyplot as plt\nimport numpy as np\n"
EQUIVALENT_PAIRS: dict[str, tuple[str, str]] = {
    "loop_vs_unrolled": (
        _HEAD + "fig, ax = plt.subplots(figsize=(5, 4))\n"
        "for i, c in enumerate(['C0', 'C1', 'C2', 'C3']):\n"
        "    ax.add_patch(plt.Circle((i * 2.0, 1.0), 0.8, color=c))\n"
        "    ax.text(i * 2.0, -0.3, f'P{i}', ha='center')\n"
        "ax.set_xlim(-1, 7)\nax.set_ylim(-1, 2)\nax.set_aspect('equal')\nplt.show()\n",
        _HEAD + "fig, ax = plt.subplots(figsize=(5, 4))\n"
        "ax.add_patch(plt.Circle((0.0, 1.0), 0.8, color='C0'))\n"
        "ax.text(0.0, -0.3, 'P0', ha='center')\n"
        "ax.add_patch(plt.Circle((2.0, 1.0), 0.8, color='C1'))\n"
        "ax.text(2.0, -0.3, 'P1', ha='center')\n"
        "ax.add_patch(plt.Circle((4.0, 1.0), 0.8, color='C2'))\n"
        "ax.text(4.0, -0.3, 'P2', ha='center')\n"
        "ax.add_patch(plt.Circle((6.0, 1.0), 0.8, color='C3'))\n"
        "ax.text(6.0, -0.3, 'P3', ha='center')\n"
        "ax.set_xlim(-1, 7)\nax.set_ylim(-1, 2)\nax.set_aspect('equal')\nplt.show()\n",
    ),
    "plot_vs_line2d": (
        _HEAD + "fig, ax = plt.subplots()\nx = np.linspace(0, 6, 50)\n"
        "ax.plot(x, np.sin(x), color='tab:red', linewidth=2, linestyle='--')\n"
        "ax.plot(x, np.cos(x), color='tab:blue', linewidth=1)\n"
        "ax.set_xlim(0, 6)\nax.set_ylim(-1.2, 1.2)\nax.set_title('waves')\nplt.show()\n",
        _HEAD + "from matplotlib.lines import Line2D\nfig, ax = plt.subplots()\n"
        "x = np.linspace(0, 6, 50)\n"
        "ax.add_line(Line2D(x, np.sin(x), color='tab:red', linewidth=2, linestyle='--'))\n"
        "ax.add_line(Line2D(x, np.cos(x), color='tab:blue', linewidth=1))\n"
        "ax.set_xlim(0, 6)\nax.set_ylim(-1.2, 1.2)\nax.set_title('waves')\nplt.show()\n",
    ),
    "pyplot_vs_object_api": (
        _HEAD
        + "plt.figure(figsize=(6, 4))\nplt.plot([0, 1, 2, 3], [1, 3, 2, 4], 'o-', color='k')\n"
        "plt.fill_between([0, 1, 2, 3], 0, [1, 3, 2, 4], color='gold', alpha=0.4)\n"
        "plt.xlabel('t')\nplt.ylabel('v')\nplt.grid(True)\nplt.show()\n",
        _HEAD + "fig = plt.figure(figsize=(6, 4))\nax = fig.add_subplot(1, 1, 1)\n"
        "t = [0, 1, 2, 3]\nv = [1, 3, 2, 4]\n"
        "ax.plot(t, v, marker='o', linestyle='-', color='k')\n"
        "ax.fill_between(t, 0, v, color='gold', alpha=0.4)\n"
        "ax.set_xlabel('t')\nax.set_ylabel('v')\nax.grid(True)\nplt.show()\n",
    ),
    "bar_vs_rectangles": (
        _HEAD + "fig, ax = plt.subplots()\n"
        "ax.bar([1, 2, 3], [4, 2, 5], width=0.6, color='teal')\n"
        "ax.set_xlim(0, 4)\nax.set_ylim(0, 6)\nplt.show()\n",
        _HEAD + "from matplotlib.patches import Rectangle\nfig, ax = plt.subplots()\n"
        "for x, h in zip([1, 2, 3], [4, 2, 5]):\n"
        "    ax.add_patch(Rectangle((x - 0.3, 0), 0.6, h, facecolor='teal'))\n"
        "ax.set_xlim(0, 4)\nax.set_ylim(0, 6)\nplt.show()\n",
    ),
    "scatter_vs_plot_markers": (
        _HEAD + "fig, ax = plt.subplots()\nx = np.arange(8)\ny = (x * 7) % 5\n"
        "ax.scatter(x, y, s=36, color='C2')\nax.set_xlim(-1, 8)\nax.set_ylim(-1, 5)\nplt.show()\n",
        _HEAD + "fig, ax = plt.subplots()\nx = np.arange(8)\ny = (x * 7) % 5\n"
        "ax.plot(x, y, 'o', markersize=6, color='C2')\nax.set_xlim(-1, 8)\nax.set_ylim(-1, 5)\n"
        "plt.show()\n",
    ),
}


# -- running and scoring -----------------------------------------------------------------------


@dataclass
class _Job:
    program: int  # index into programs (-1 for hand-written pairs)
    kind: str  # "reference", "identical", "corrupt", "rewrite", "pair_a", "pair_b"
    name: str = ""  # corruption / rewrite / pair name
    level: int = 0
    code: str = ""


def _scores(
    ref: ExecResult, ref_image: Any, cand: ExecResult, version: int = SCORE_VERSION
) -> dict[str, float]:
    if not cand.ok or cand.scene is None or not cand.images:
        return dict.fromkeys(SCORE_KEYS, 0.0)
    im = image_score(ref_image, cand.images[0], version=version)
    sc = scene_score(ref.scene, cand.scene, version=version)  # type: ignore[arg-type]
    out = {"image.total": im.total, "scene.total": sc.total}
    out.update({f"image.{k}": v for k, v in im.parts.items()})
    out.update({f"scene.{k}": v for k, v in sc.parts.items()})
    return {k: round(float(out[k]), 4) for k in SCORE_KEYS}


def _spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    from scipy.stats import spearmanr

    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    rho = float(spearmanr(x, y).statistic)
    return None if np.isnan(rho) else round(rho, 4)


def validate(
    programs: str | Path | Sequence[ValidationProgram] | None = None,
    levels: int = 5,
    n_programs: int = 32,
    seed: int = 0,
    workers: int = 2,
    corruptions: Sequence[str] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    version: int = SCORE_VERSION,
) -> dict[str, Any]:
    """Run the validity study with score ``version``; returns a JSON-able dict (see
    :func:`validity_markdown`).

    ``programs``: a benchmark directory / JSONL file, a list of :class:`ValidationProgram`, or
    ``None`` for ``n_programs`` generated programs (balanced over domains). ``levels`` counts
    severity levels including 0 (at least 2). ``executor``: reuse a running one (``workers``
    is then ignored). Programs whose reference run fails are left out and listed.
    """
    if levels < 2:
        raise ValueError(f"levels must be >= 2 (0 and at least one severity), got {levels}")
    kinds = list(corruptions or CORRUPTIONS)
    bad = [k for k in kinds if k not in CORRUPTIONS]
    if bad:
        raise ValueError(f"unknown corruption(s) {bad}; choose from {', '.join(CORRUPTIONS)}")
    if programs is None:
        progs = synth_programs(n_programs, seed)
    elif isinstance(programs, (str, Path)):
        progs = bench_programs(programs, n_programs)
    else:
        progs = list(programs)
    t0 = time.perf_counter()
    jobs = validity_jobs(progs, kinds, levels, seed)
    done = [0]

    def tick(_i: int, _r: ExecResult) -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(jobs))

    if executor is None:
        with Executor(workers=workers) as ex:
            results = ex.map([j.code for j in jobs], progress=tick)
    else:
        results = executor.map([j.code for j in jobs], progress=tick)
    t_exec = time.perf_counter() - t0
    result = score_validity(progs, jobs, results, kinds, levels, seed, version)
    result["timing"] = {
        "runs": len(jobs),
        "exec_s": round(t_exec, 1),
        "total_s": round(time.perf_counter() - t0, 1),
    }
    return result


def validity_jobs(
    progs: Sequence[ValidationProgram], kinds: Sequence[str], levels: int, seed: int
) -> list[_Job]:
    """Every sandbox run of the study, in a fixed order (references first per program)."""
    jobs: list[_Job] = []
    for i, p in enumerate(progs):
        jobs.append(_Job(i, "reference", code=p.code))
        jobs.append(_Job(i, "identical", code=p.code))
        for kind in kinds:
            for lv in range(1, levels):
                code = corrupt_program(p.code, kind, lv / (levels - 1), _seed(seed, p.id, kind))
                jobs.append(_Job(i, "corrupt", kind, lv, code))
        try:
            jobs.append(_Job(i, "rewrite", "rename_variables", code=rename_variables(p.code)))
        except SyntaxError:
            pass
        scaled = scale_figsize(p.code)
        if scaled is not None:
            jobs.append(_Job(i, "rewrite", "scale_figsize", code=scaled))
    for name, (a, b) in EQUIVALENT_PAIRS.items():
        jobs.append(_Job(-1, "pair_a", name, code=a))
        jobs.append(_Job(-1, "pair_b", name, code=b))

    return jobs


def score_validity(
    progs: Sequence[ValidationProgram],
    jobs: Sequence[_Job],
    results: Sequence[ExecResult],
    kinds: Sequence[str],
    levels: int,
    seed: int,
    version: int = SCORE_VERSION,
) -> dict[str, Any]:
    """Score the runs of :func:`validity_jobs` with score ``version`` and summarise (the study
    without executing)."""
    refs: dict[int, tuple[ExecResult, Any]] = {}
    failed_refs = []
    for j, r in zip(jobs, results, strict=True):
        if j.kind == "reference":
            if r.ok and r.scene is not None and r.images:
                refs[j.program] = (r, prepare_image(r.images[0]))
            else:
                failed_refs.append({"id": progs[j.program].id, "status": r.status,
                                    "message": r.message[:300]})  # fmt: skip

    records: list[dict[str, Any]] = []
    rewrites: list[dict[str, Any]] = []
    pair_runs: dict[str, dict[str, ExecResult]] = {}
    for j, r in zip(jobs, results, strict=True):
        if j.kind in ("pair_a", "pair_b"):
            pair_runs.setdefault(j.name, {})[j.kind] = r
            continue
        if j.kind == "reference" or j.program not in refs:
            continue
        ref, ref_img = refs[j.program]
        p = progs[j.program]
        scores = _scores(ref, ref_img, r, version)
        if j.kind == "rewrite":
            rewrites.append({"program": p.id, "rewrite": j.name, "status": r.status, **scores})
            continue
        rep = parse_report(r.stdout) if j.kind == "corrupt" else None
        base = {"program": p.id, "domain": p.domain, "family": p.family, "status": r.status}
        if j.kind == "identical":
            for kind in kinds:
                records.append({**base, "corruption": kind, "level": 0, "severity": 0.0,
                                "damage": 0.0, "changed": 0, "candidates": None, **scores})  # fmt: skip
        else:
            sev = round(j.level / (levels - 1), 4)
            damage = sev
            if j.name in COUNTED:
                damage = round(rep.changed / rep.candidates, 4) if rep and rep.candidates else 0.0
            elif j.name in ("hue", "item_colours", "jitter") and rep is not None:
                # the angle, colour shift or move, on the share of the figure's artists it acts
                # on (artists with a hue; collections with one colour per item; artists it could
                # move: in 3D axes only lines and texts)
                artists = rep.extra.get("artists") or 0
                acted = rep.extra.get("collections", 0) if j.name == "item_colours" else rep.changed
                damage = round(sev * acted / artists, 4) if artists else 0.0
            records.append({**base, "corruption": j.name, "level": j.level, "severity": sev,
                            "damage": damage, "changed": rep.changed if rep else None,
                            "pairs_flipped": rep.extra.get("pairs_flipped") if rep else None,
                            "candidates": rep.candidates if rep else None, **scores})  # fmt: skip

    pairs = []
    for name, runs in pair_runs.items():
        a, b = runs["pair_a"], runs["pair_b"]
        if a.ok and a.scene is not None and a.images:
            scores = _scores(a, prepare_image(a.images[0]), b, version)
        else:
            scores = dict.fromkeys(SCORE_KEYS, 0.0)
        pairs.append({"pair": name, "status": [a.status, b.status], **scores})

    # The damage of a stacking change is the share of overlapping pairs whose order flipped;
    # a full reversal (the top level) flips every overlapping pair of the candidates.
    full = {r["program"]: r.get("pairs_flipped") for r in records
            if r["corruption"] == "zorder" and r["level"] == levels - 1}  # fmt: skip
    for r in records:
        flipped = r.get("pairs_flipped")
        if r["corruption"] == "zorder" and flipped is not None and full.get(r["program"]):
            r["damage"] = round(flipped / full[r["program"]], 4)
    identical = [r for r in records if r["level"] == 0 and r["corruption"] == kinds[0]]
    result = {
        "version": VALIDITY_VERSION,
        "score_version": version,
        "args": {"levels": levels, "n_programs": len(progs), "seed": seed, "corruptions": kinds},
        "n_programs": len(refs),
        "failed_references": failed_refs,
        "domains": sorted({progs[i].domain for i in refs}),
        "identical": {
            "n": len(identical),
            "min": {
                k: min((r[k] for r in identical), default=None)
                for k in ("image.total", "scene.total")
            },
        },
        "corruptions": {k: _summarise(k, records, levels) for k in kinds},
        "rewrites": _summarise_rewrites(rewrites),
        "pairs": pairs,
        "records": records,
        "rewrite_records": rewrites,
    }
    return result


def _summarise(kind: str, records: list[dict[str, Any]], levels: int) -> dict[str, Any]:
    rows = [r for r in records if r["corruption"] == kind]
    top = {r["program"] for r in rows if r["level"] == levels - 1 and (r["changed"] or 0) > 0}
    rows = [r for r in rows if r["program"] in top]
    failed = sum(1 for r in rows if r["status"] != "ok")
    desc, targets = CORRUPTIONS[kind]
    out: dict[str, Any] = {
        "description": desc,
        "targets": list(targets) if targets else None,
        "n_programs": len(top),
        "failed_runs": failed,
        "rho": {},
        "rho_damage": {},
        "rho_per_program": {},
        "mean_by_level": {},
    }
    sev = [r["severity"] for r in rows]
    dmg = [r.get("damage", r["severity"]) for r in rows]
    for key in SCORE_KEYS:
        vals = [r[key] for r in rows]
        out["rho"][key] = _spearman(sev, vals)
        out["rho_damage"][key] = _spearman(dmg, vals)
        per = []
        for prog in sorted(top):
            pr = sorted((r["severity"], r[key]) for r in rows if r["program"] == prog)
            rho = _spearman([a for a, _ in pr], [b for _, b in pr])
            if rho is not None:
                per.append(rho)
        out["rho_per_program"][key] = round(float(np.mean(per)), 4) if per else None
        out["mean_by_level"][key] = [
            round(float(np.mean([r[key] for r in rows if r["level"] == lv])), 2)
            if any(r["level"] == lv for r in rows) else None
            for lv in range(levels)
        ]  # fmt: skip
    if targets:
        out["meets_target"] = {
            t: (out["rho_damage"][t] is not None and out["rho_damage"][t] <= RHO_TARGET)
            for t in targets
        }
    return out


def _summarise_rewrites(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for name in sorted({r["rewrite"] for r in rows}):
        sel = [r for r in rows if r["rewrite"] == name]
        out[name] = {
            "n": len(sel),
            "failed": sum(1 for r in sel if r["status"] != "ok"),
            "scene_min": round(min(r["scene.total"] for r in sel), 2),
            "scene_mean": round(float(np.mean([r["scene.total"] for r in sel])), 2),
            "image_min": round(min(r["image.total"] for r in sel), 2),
            "image_mean": round(float(np.mean([r["image.total"] for r in sel])), 2),
            "below_95": sorted(r["program"] for r in sel if r["scene.total"] < EQUIVALENT_MIN),
        }
    return out


# -- report ------------------------------------------------------------------------------------

_TABLE_KEYS = ("image.total", "image.colour", "scene.total", "scene.completeness",
               "scene.position", "scene.style", "scene.relations", "scene.text")  # fmt: skip


def _fmt(x: float | None, bold: bool = False) -> str:
    if x is None:
        return "–"
    s = f"{x:+.2f}"
    return f"**{s}**" if bold else s


def validity_markdown(result: dict[str, Any]) -> str:
    """Markdown tables: rho per corruption x score, mean target score per level, rewrites."""
    levels = result["args"]["levels"]
    lines = [
        "| corruption | target score | n | rho vs damage (pooled) | rho vs severity (pooled) "
        "| mean per-program rho | rho vs damage <= -0.9 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind, c in result["corruptions"].items():
        for t in c["targets"] or ():
            ok = "yes" if c["meets_target"][t] else "**no**"
            lines.append(f"| {kind} | {t} | {c['n_programs']} | {_fmt(c['rho_damage'].get(t))} | "
                         f"{_fmt(c['rho'][t])} | {_fmt(c['rho_per_program'][t])} | {ok} |")  # fmt: skip
    lines.append("")
    heads = [k.replace("scene.", "s.").replace("image.", "i.") for k in _TABLE_KEYS]
    lines += [
        "Spearman rho (pooled over all program x level pairs; target scores in bold):",
        "",
        "| corruption | n | " + " | ".join(heads) + " |",
        "| --- | --- | " + " | ".join("---" for _ in heads) + " |",
    ]
    for kind, c in result["corruptions"].items():
        targets = set(c["targets"] or ())
        cells = [_fmt(c["rho"][k], k in targets) for k in _TABLE_KEYS]
        lines.append(f"| {kind} | {c['n_programs']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Mean score per severity level (level 0 = identical program):",
        "",
        "| corruption | score | " + " | ".join(f"L{lv}" for lv in range(levels)) + " |",
        "| --- | --- | " + " | ".join("---" for _ in range(levels)) + " |",
    ]
    for kind, c in result["corruptions"].items():
        keys = [*(c["targets"] or ()), "image.total", "scene.total"]
        for key in dict.fromkeys(keys):
            vals = " | ".join("–" if v is None else f"{v:.1f}" for v in c["mean_by_level"][key])
            lines.append(f"| {kind} | {key} | {vals} |")
    lines += ["", "| rendering-equivalent rewrite | n | scene min | scene mean | image min | image mean |",
              "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, r in result["rewrites"].items():
        lines.append(f"| {name} | {r['n']} | {r['scene_min']:.1f} | {r['scene_mean']:.1f} | "
                     f"{r['image_min']:.1f} | {r['image_mean']:.1f} |")  # fmt: skip
    for p in result["pairs"]:
        lines.append(f"| pair: {p['pair']} | 1 | {p['scene.total']:.1f} | {p['scene.total']:.1f} | "
                     f"{p['image.total']:.1f} | {p['image.total']:.1f} |")  # fmt: skip
    return "\n".join(lines) + "\n"
