"""The measurements behind the quality gates' thresholds (``codepercept.gates``, docs/gates.md).

1. **Families through the gates.** ``--seeds`` programs of every synth family are judged with
   ``mode=None``: every one should pass, and the distribution of each measure (literal sizes,
   statements, ink, content box, element and text density, overlapping labels, supported claims)
   shows how far the defaults sit from curated figures.
2. **Reproduction: Image Score separation.** For each family program (the *seed*), programs that
   reproduce it faithfully with small differences (tick formatting, line widths, font sizes,
   figure size, aspect, slightly shifted colours, all of these at once) against programs that do
   not (another domain's family; the same family with other parameters), plus hand-written
   pairs. Prints the Image Score, pHash distance and scene similarity per kind of pair, so the
   thresholds (``min_reproduction_score``, ``seed_distance``, ``max_scene_similarity``) can sit
   between them.
3. **Human-written programs** (``--gallery DIR``, e.g. matplotlib's gallery unpacked as
   ``benchmarks/gallery_compat.py`` explains): every script under DIR except the interactive
   ones (``*sgskip*``, animation, event handling, user interfaces) through the gates; prints
   the ``GateStats`` summary and every rejection but ``multiple_figures``. Usage:

    .venv/bin/python benchmarks/gate_thresholds.py [--seeds 2] [--workers 2] [--json out.json]
        [--gallery /tmp/mplsrc/galleries/examples]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from codepercept.data.phash import hamming
from codepercept.gates import GateConfig, GateStats, judge_item, scene_similarity
from codepercept.sandbox import Executor
from codepercept.score.image import image_score, prepare_image
from codepercept.synth import list_families

TICKS = """
from matplotlib.ticker import FormatStrFormatter as _Fmt
for _n in plt.get_fignums():
    for _ax in plt.figure(_n).axes:
        if not hasattr(_ax, "get_zlim"):
            _ax.xaxis.set_major_formatter(_Fmt("%.2f"))
            _ax.yaxis.set_major_formatter(_Fmt("%.2f"))
"""


def _strip_show(code: str) -> str:
    return re.sub(r"\nplt\.show\(\)\s*$", "\n", code)


def _scale(pattern: str, factor: float, code: str, add: float = 0.0) -> str:
    def sub(m: re.Match[str]) -> str:
        return f"{m.group(1)}{float(m.group(2)) * factor + add:.3g}"

    return re.sub(pattern, sub, code)


def _shift_colours(code: str) -> str:
    def sub(m: re.Match[str]) -> str:
        r, g, b = (int(m.group(1)[i : i + 2], 16) for i in (0, 2, 4))
        r, g, b = (min(255, max(0, v + d)) for v, d in zip((r, g, b), (18, -14, 10), strict=True))
        return f'"#{r:02x}{g:02x}{b:02x}"'

    return re.sub(r'"#([0-9a-fA-F]{6})"', sub, code)


def _figsize(code: str, fw: float, fh: float) -> str:
    def sub(m: re.Match[str]) -> str:
        return f"figsize=({float(m.group(1)) * fw:.3g}, {float(m.group(2)) * fh:.3g})"

    return re.sub(r"figsize=\(\s*([\d.]+)\s*,\s*([\d.]+)\s*\)", sub, code)


def faithful(code: str) -> dict[str, str]:
    """Reproductions of ``code`` with the small differences a good reproduction has."""
    lw = lambda c: _scale(r"(linewidth=)([\d.]+)", 1.5, c)  # noqa: E731
    fs = lambda c: _scale(r"(fontsize=)([\d.]+)", 1.0, c, add=2)  # noqa: E731
    ticks = lambda c: _strip_show(c) + TICKS + "plt.show()\n"  # noqa: E731
    return {
        "ticks": ticks(code),
        "linewidth": lw(code),
        "fontsize": fs(code),
        "figsize": _figsize(code, 1.15, 1.15),
        "aspect": _figsize(code, 1.2, 1.0),
        "colours": _shift_colours(code),
        "all": _shift_colours(ticks(fs(lw(code)))),
    }


# Hand-written (seed, faithful reproduction, unrelated figure) triples.
HAND = {
    "parabola": (
        "import matplotlib.pyplot as plt\nimport numpy as np\n"
        "x = np.linspace(-3, 3, 200)\nfig, ax = plt.subplots(figsize=(6, 4.5))\n"
        "ax.plot(x, x**2 - 2*x - 1, color='tab:blue', linewidth=2)\n"
        "ax.plot([1], [-2], 'o', color='tab:red')\n"
        "ax.annotate('vertex (1, -2)', (1, -2), xytext=(1.5, 4), arrowprops=dict(arrowstyle='->'))\n"
        "ax.set_xlabel('x')\nax.set_ylabel('y')\nax.grid(True, alpha=0.3)\n"
        "ax.set_title('y = x^2 - 2x - 1')\nplt.show()\n",
        "import numpy as np\nfrom matplotlib import pyplot as plt\n"
        "fig = plt.figure(figsize=(6, 4.5))\nax = fig.add_subplot(111)\n"
        "xs = np.linspace(-3, 3, 150)\nys = (xs - 1)**2 - 2\n"
        "ax.plot(xs, ys, '-', c='#1f77b4', lw=2.4)\n"
        "ax.scatter([1], [-2], color='red', zorder=3)\n"
        "ax.annotate('vertex (1, -2)', xy=(1, -2), xytext=(1.4, 4),\n"
        "            arrowprops={'arrowstyle': '->'})\n"
        "ax.set(xlabel='x', ylabel='y', title='y = x^2 - 2x - 1')\nax.grid(alpha=0.3)\n",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(6, 4.5))\n"
        "ax.bar(['A', 'B', 'C', 'D'], [3, 7, 2, 5], color='tab:green')\n"
        "ax.set_ylabel('count')\nax.set_title('Survey')\n",
    ),
    "incline": (
        "import matplotlib.pyplot as plt\nfrom matplotlib.patches import Polygon, FancyArrow\n"
        "fig, ax = plt.subplots(figsize=(6, 4))\n"
        "ax.add_patch(Polygon([[0, 0], [6, 0], [6, 3]], closed=True, fc='#eeeeee', ec='k'))\n"
        "ax.add_patch(Polygon([[3, 1.5], [4, 2], [3.6, 2.8], [2.6, 2.3]], fc='tab:orange', ec='k'))\n"
        "ax.add_patch(FancyArrow(3.3, 2.15, 0, -1.5, width=0.04, color='tab:red'))\n"
        "ax.text(3.4, 0.6, 'mg', color='tab:red', fontsize=13)\n"
        "ax.add_patch(FancyArrow(3.3, 2.15, -0.6, 1.2, width=0.04, color='tab:blue'))\n"
        "ax.text(2.5, 3.4, 'N', color='tab:blue', fontsize=13)\n"
        "ax.text(5.2, 0.2, '30°', fontsize=12)\n"
        "ax.set_xlim(-0.5, 6.5)\nax.set_ylim(-0.5, 4)\nax.set_aspect('equal')\nax.axis('off')\n",
        "import matplotlib.pyplot as plt\nimport matplotlib.patches as mp\n"
        "fig, ax = plt.subplots(figsize=(6, 4))\nax.axis('off')\n"
        "ax.add_patch(mp.Polygon([(0, 0), (6, 0), (6, 3)], facecolor='#e8e8e8', edgecolor='black'))\n"
        "ax.add_patch(mp.Polygon([(3, 1.5), (4, 2), (3.6, 2.8), (2.6, 2.3)], facecolor='orange',\n"
        "             edgecolor='black'))\n"
        "ax.arrow(3.3, 2.15, 0, -1.5, width=0.05, color='red')\n"
        "ax.text(3.4, 0.6, 'mg', color='red', fontsize=14)\n"
        "ax.arrow(3.3, 2.15, -0.6, 1.2, width=0.05, color='blue')\n"
        "ax.text(2.5, 3.4, 'N', color='blue', fontsize=14)\n"
        "ax.text(5.2, 0.2, '30°', fontsize=12)\n"
        "ax.set_xlim(-0.5, 6.5)\nax.set_ylim(-0.5, 4)\nax.set_aspect('equal')\n",
        "import matplotlib.pyplot as plt\nimport numpy as np\nfig, ax = plt.subplots(figsize=(6, 4))\n"
        "t = np.linspace(0, 10, 300)\nax.plot(t, np.exp(-0.3*t)*np.cos(2*t), color='purple')\n"
        "ax.set_xlabel('t (s)')\nax.set_ylabel('x (m)')\nax.set_title('Damped oscillator')\n",
    ),
    "circle": (
        "import matplotlib.pyplot as plt\nfrom matplotlib.patches import Circle\n"
        "fig, ax = plt.subplots(figsize=(5, 5))\n"
        "ax.add_patch(Circle((0, 0), 2, fill=False, ec='navy', lw=2))\n"
        "ax.plot([0, 2], [0, 0], 'k-')\nax.plot([0], [0], 'ko')\n"
        "ax.text(0.9, 0.15, 'r = 2', fontsize=12)\nax.text(-0.3, -0.3, 'O', fontsize=14)\n"
        "ax.set_xlim(-2.5, 2.5)\nax.set_ylim(-2.5, 2.5)\nax.set_aspect('equal')\nax.axis('off')\n",
        "import matplotlib.pyplot as plt\nimport numpy as np\n"
        "fig, ax = plt.subplots(figsize=(5, 5))\nth = np.linspace(0, 2*np.pi, 400)\n"
        "ax.plot(2*np.cos(th), 2*np.sin(th), color='navy', linewidth=1.6)\n"
        "ax.plot([0, 2], [0, 0], color='black')\nax.scatter([0], [0], color='black', s=20)\n"
        "ax.text(0.85, 0.12, 'r = 2', fontsize=11)\nax.text(-0.32, -0.32, 'O', fontsize=14)\n"
        "ax.set_xlim(-2.5, 2.5)\nax.set_ylim(-2.5, 2.5)\nax.set_aspect('equal')\nax.axis('off')\n",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(5, 5))\n"
        "for i in range(5):\n    ax.plot([0, 4], [i, 4 - i], color='C%d' % i)\n"
        "ax.text(2, 4.3, 'lines', ha='center')\nax.set_xlim(-0.5, 4.5)\n",
    ),
}


def _stats(xs: list[float]) -> str:
    if not xs:
        return "-"
    q = statistics.quantiles(xs, n=20, method="inclusive") if len(xs) > 1 else [xs[0]] * 19
    return (
        f"n={len(xs):3d} min {min(xs):7.4g}  p5 {q[0]:7.4g}  median {statistics.median(xs):7.4g}"
        f"  p95 {q[-1]:7.4g}  max {max(xs):7.4g}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2, help="programs per family")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", help="write every measured pair here")
    ap.add_argument("--gallery", help="also judge every script under this directory")
    args = ap.parse_args()
    fams = list_families()
    cfg = GateConfig()
    # jobs: (group, key, code)
    seeds = {(f.name, s): f.generate(s) for f in fams for s in range(args.seeds)}
    jobs: dict[tuple[str, ...], str] = {}
    for (name, s), prog in seeds.items():
        jobs[("seed", name, str(s))] = prog.code
        for kind, code in faithful(prog.code).items():
            jobs[("faithful", kind, name, str(s))] = code
        jobs[("other_seed", name, str(s))] = (
            next(f for f in fams if f.name == name).generate(1000 + s).code
        )
    for name, (seed, good, bad) in HAND.items():
        jobs[("hand_seed", name)] = seed
        jobs[("hand_faithful", name)] = good
        jobs[("hand_unrelated", name)] = bad
    keys = list(jobs)
    with Executor(workers=args.workers, timeout_s=30, probes=["screen"]) as ex:
        results = dict(zip(keys, ex.map([jobs[k] for k in keys]), strict=True))
    print(f"{len(keys)} programs run")

    # 1. families through the gates (mode None)
    measures: dict[str, list[float]] = defaultdict(list)
    rejected = []
    for (name, s), prog in seeds.items():
        res = results[("seed", name, str(s))]
        j = judge_item(prog.code, res, config=cfg)
        if not j.passed:
            rejected.append((name, s, j.gate, j.reason, j.rejection.detail))
        for v in j.verdicts:
            for k, x in v.values.items():
                if isinstance(x, (int, float)) and not isinstance(x, bool):
                    measures[f"{v.gate}.{k}"].append(float(x))
    print(f"\n1. families through the gates: {len(seeds) - len(rejected)}/{len(seeds)} pass")
    for r in rejected:
        print("   rejected:", *r)
    for k in sorted(measures):
        print(f"   {k:36s} {_stats(measures[k])}")

    # 2. reproduction: Image Score / pHash distance / scene similarity per kind of pair
    pairs: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def pair(group: str, ref_key: tuple[str, ...], cand_key: tuple[str, ...]) -> None:
        ref, cand = results[ref_key], results[cand_key]
        if ref.status != "ok" or cand.status != "ok":
            return
        row = {
            "ref": "/".join(ref_key[1:]),
            "cand": "/".join(cand_key[1:]),
            "image_score": image_score(prepared[ref_key], cand.images[0]).total,
            "phash_distance": hamming(phash[ref_key], phash[cand_key]),
            "scene_similarity": scene_similarity(cand.scene, ref.scene),
        }
        pairs[group].append(row)

    from codepercept.data.phash import phash64

    prepared, phash = {}, {}
    for k, res in results.items():
        if res.status == "ok":
            prepared[k] = prepare_image(res.images[0])
            phash[k] = phash64(res.images[0])
    names = [f.name for f in fams]
    domain = {f.name: f.domain for f in fams}
    for name, s in seeds:
        ref = ("seed", name, str(s))
        for kind in faithful(""):
            pair(f"faithful:{kind}", ref, ("faithful", kind, name, str(s)))
        pair("same_family_other_seed", ref, ("other_seed", name, str(s)))
        i = names.index(name)
        for step in (13, 29, 41):
            other = names[(i + step) % len(names)]
            if domain[other] != domain[name]:
                pair("unrelated_family", ref, ("seed", other, str(s)))
    for name in HAND:
        pair("hand_faithful", ("hand_seed", name), ("hand_faithful", name))
        pair("hand_unrelated", ("hand_seed", name), ("hand_unrelated", name))
    print("\n2. pairs (reference = the seed program's rendering)")
    for metric in ("image_score", "phash_distance", "scene_similarity"):
        print(f"  {metric}")
        for group in sorted(pairs):
            xs = [r[metric] for r in pairs[group]]
            scale = 100.0 if metric == "scene_similarity" else 1.0
            print(f"   {group:26s} {_stats([x * scale for x in xs])}")
    faithful_scores = [r["image_score"] for g, rs in pairs.items() if "faithful" in g for r in rs]
    unrelated_scores = [r["image_score"] for g, rs in pairs.items() if "unrelated" in g for r in rs]
    print(
        f"\n  faithful min {min(faithful_scores):.1f} vs unrelated max {max(unrelated_scores):.1f}"
        f"; threshold {cfg.min_reproduction_score}: faithful below "
        f"{sum(x < cfg.min_reproduction_score for x in faithful_scores)}/{len(faithful_scores)},"
        f" unrelated at or above "
        f"{sum(x >= cfg.min_reproduction_score for x in unrelated_scores)}/{len(unrelated_scores)}"
    )
    for group in sorted(pairs):
        low = sorted(pairs[group], key=lambda r: r["image_score"])[:3]
        print(
            f"   lowest {group}: " + ", ".join(f"{r['cand']} {r['image_score']:.1f}" for r in low)
        )
    gallery = judge_gallery(Path(args.gallery), args.workers) if args.gallery else None
    if args.json:
        with open(args.json, "w") as fh:
            out = {"rejected": rejected, "measures": measures, "pairs": pairs, "gallery": gallery}
            json.dump(out, fh, indent=1)


def judge_gallery(root: Path, workers: int) -> dict[str, Any]:
    skip = ("sgskip", "/animation/", "/event_handling/", "/user_interfaces/")
    files = [p for p in sorted(root.rglob("*.py")) if not any(k in str(p) for k in skip)]
    codes = [p.read_text(encoding="utf-8") for p in files]
    stats, rows = GateStats(), []
    with Executor(workers=workers, timeout_s=30, probes=["screen"]) as ex:
        for path, code, res in zip(files, codes, ex.map(codes), strict=True):
            j = judge_item(code, res)
            stats.note(j)
            detail = j.rejection.detail if j.rejection else ""
            rows.append([str(path.relative_to(root)), j.gate, j.reason, detail])
    print(f"\n3. {len(files)} scripts under {root}")
    print(json.dumps(stats.to_dict(), indent=1))
    for row in rows:
        if row[2] not in ("ok", "multiple_figures"):
            print("  ", *row)
    return {"stats": stats.to_dict(), "items": rows}


if __name__ == "__main__":
    main()
