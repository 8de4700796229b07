"""The scaling grid: every captioner × every solver, plus each solver's floor, in one go.

:func:`run_grid` runs :func:`~codepercept.reason.runner.run_reason_eval` in ``captioner`` mode
for every (captioner, solver) pair into ``OUT/<captioner>__<solver>/`` and in ``solver-only``
mode for every solver into ``OUT/solver-only__<solver>/`` (names sanitised; each one an
ordinary, resumable ``reason-eval`` run directory). The model clients of all the runs share one
response cache, ``OUT/cache``: a captioner's request for an item is the same whatever the
solver, so an endpoint captions each item once and the other solvers read the caption from the
cache (the offline captioners compute theirs for free). Then it writes

* ``OUT/grid.csv`` — one row per (captioner, solver, benchmark, category): ``accuracy``, ``n``,
  ``correct`` and the count per status; ``category`` ``all`` is the benchmark's own overall
  number (its ``summarise``), the others the plain fraction correct of that category;
* ``OUT/grid.html`` — a self-contained page (inline CSS and SVG, no script, a
  Content-Security-Policy that forbids every fetch): a heat map of overall accuracy (captioners
  as rows, solvers as columns, the solver-only floor as the last row), per-benchmark bars and
  the captions of a few items. Every model-written string is escaped.

See ``docs/reason-eval.md`` ("Scaling grid").
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from codepercept._fs import atomic_write
from codepercept.errors import JobError, UsageError
from codepercept.jobdir import claimed
from codepercept.reason.formats._common import ReasonItem
from codepercept.reason.qa import QAItem
from codepercept.reason.runner import (
    FINAL_STATUSES,
    PROMPTS_V1,
    EvalItem,
    check_spec,
    read_results,
    run_reason_eval,
)

__all__ = ["FLOOR", "STATUSES", "check_specs", "grid_rows", "run_grid", "run_name", "sanitise"]

#: The captioner column's value for a solver-only run.
FLOOR = "solver-only"
STATUSES = ("ok", "no_answer", "image_missing", "model_error")
CSV_FIELDS = ["captioner", "solver", "benchmark", "category", "accuracy", "n", "correct",
              *STATUSES, "pending", "run"]  # fmt: skip


def sanitise(spec: str) -> str:
    """``spec`` as a directory-name part: letters, digits, ``.``, ``-`` and ``_`` only (no
    ``__``, which separates captioner and solver); a long one is cut and given a hash."""
    name = re.sub(r"[^A-Za-z0-9.-]+", "-", spec).strip("-.") or "model"
    if len(name) > 60:
        name = name[:51].rstrip("-.") + "-" + hashlib.sha1(spec.encode()).hexdigest()[:8]
    return name


def run_name(captioner: str | None, solver: str) -> str:
    """The directory of a pair (``captioner`` None: the solver's floor)."""
    return f"{sanitise(captioner) if captioner else FLOOR}__{sanitise(solver)}"


def check_specs(values: Sequence[str], role: str) -> list[str]:
    """``values`` (``role``: captioner or solver) checked and normalised; UsageError if empty,
    repeated, unknown, or an offline model of the other role."""
    flag = f"--{role}s"
    if isinstance(values, str) or not values:
        raise UsageError(f"{flag} needs at least one model spec (comma-separated)")
    specs: list[str] = []
    for v in values:
        if not str(v).strip():
            raise UsageError(f"{flag} holds an empty spec: {','.join(map(str, values))!r}")
        spec = check_spec(v)
        if spec in specs:
            raise UsageError(f"{flag} names {spec!r} twice")
        specs.append(spec)
    wrong = {"captioner": "qa-solver", "solver": "oracle-caption"}[role]
    if wrong in specs:
        raise UsageError(f"{wrong} cannot be a {role}: it belongs in "
                         f"--{'solvers' if role == 'captioner' else 'captioners'}")  # fmt: skip
    names = [sanitise(s) for s in specs]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise UsageError(f"two {flag} specs share the directory name {dup!r}; rename one")
    return specs


def run_grid(
    items: Sequence[ReasonItem | QAItem | EvalItem],
    out: str | Path,
    captioners: Sequence[str],
    solvers: Sequence[str],
    *,
    concurrency: int = 8,
    overwrite: bool = False,
    source: dict[str, Any] | None = None,
    inputs: dict[str, str | Path | None] | None = None,
    images: dict[str, bytes] | None = None,
    captions: dict[str, str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    caption_examples: int = 3,
) -> dict[str, Any]:
    """Run the grid (see the module docstring) and write ``grid.csv`` and ``grid.html``.

    Returns ``{"runs": [{captioner, solver, dir, summary | error}], "rows": [...], "csv",
    "html"}``. ``OUT`` is claimed as a ``reason-grid`` job with ``source`` (the lists of models
    are not settings: the grid may grow); each run directory is claimed as its own
    ``reason-eval`` job. An endpoint that is down stops its runs only: the others go on, the
    grid is written with what there is, then a JobError names the runs that stopped.
    ``progress(run_name, done, total)`` follows each run."""
    caps = check_specs(captioners, "captioner")
    sols = check_specs(solvers, "solver")
    out = Path(out)
    plan: list[tuple[str | None, str]] = [(c, s) for c in caps for s in sols]
    plan += [(None, s) for s in sols]
    runs: list[dict[str, Any]] = []
    stopped: list[str] = []
    settings = {"source": source, "prompts": PROMPTS_V1["version"]}
    with claimed(out, "reason-grid", settings, inputs, overwrite=overwrite):
        for cap, sol in plan:
            name = run_name(cap, sol)
            cb = (lambda d, t, _n=name: progress(_n, d, t)) if progress else None
            kw: dict[str, Any] = {"captioner": cap, "solver": sol} if cap else {"solver": sol}
            entry: dict[str, Any] = {"captioner": cap or FLOOR, "solver": sol, "dir": name}
            try:
                entry["summary"] = run_reason_eval(
                    items, "captioner" if cap else "solver-only", out / name,
                    concurrency=concurrency, overwrite=overwrite, source=source, inputs=inputs,
                    images=images, captions=captions, progress=cb, cache_dir=out / "cache", **kw,
                )  # fmt: skip
            except JobError as exc:
                entry["error"] = str(exc)
                stopped.append(name)
            runs.append(entry)
        ids = [str(it.id) for it in items]
        rows = grid_rows(out, runs, ids)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write(out / "grid.csv", buf.getvalue())
        page = render_html(out, runs, rows, caps, sols, ids, caption_examples)
        atomic_write(out / "grid.html", page)
    result = {"runs": runs, "rows": rows, "csv": str(out / "grid.csv"),
              "html": str(out / "grid.html")}  # fmt: skip
    if stopped:
        raise JobError(f"reason-grid: {len(stopped)} of {len(plan)} runs stopped (an endpoint "
                       f"is down): {', '.join(stopped)}; the grid holds the rest; re-run to "
                       "resume")  # fmt: skip
    return result


def _acc(rs: list[dict[str, Any]]) -> tuple[int, int, float]:
    final = [r for r in rs if r.get("status") in FINAL_STATUSES]
    correct = sum(1 for r in final if r.get("status") == "ok" and r.get("correct"))
    return len(final), correct, correct / len(final) if final else 0.0


def grid_rows(out: Path, runs: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """The CSV's rows, from each run directory's results (and summary for ``all``)."""
    wanted = set(ids)
    rows: list[dict[str, Any]] = []
    for run in runs:
        results = [r for r in read_results(out / run["dir"]) if r["id"] in wanted]
        summary = run.get("summary") or {}
        if not summary and (out / run["dir"] / "summary.json").exists():
            summary = json.loads((out / run["dir"] / "summary.json").read_text())
        by_bench: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in results:
            by_bench[str(r.get("benchmark"))].append(r)
        for bench, rs in sorted(by_bench.items()):
            groups: dict[str, list[dict[str, Any]]] = {"all": rs}
            for r in rs:
                groups.setdefault(f"cat:{r.get('category')}", []).append(r)
            for key, grs in groups.items():
                n, correct, acc = _acc(grs)
                if key == "all":
                    official = (summary.get("benchmarks") or {}).get(bench) or {}
                    if isinstance(official.get("accuracy"), (int, float)):
                        acc = float(official["accuracy"])
                statuses = Counter(str(r.get("status")) for r in grs)
                rows.append({"captioner": run["captioner"], "solver": run["solver"],
                             "benchmark": bench, "category": key.removeprefix("cat:"),
                             "accuracy": round(acc, 6), "n": n, "correct": correct,
                             **{s: statuses.get(s, 0) for s in STATUSES},
                             "pending": len(grs) - n, "run": run["dir"]})  # fmt: skip
    return rows


# -- the page ------------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:6px 10px}
th{background:#f3f3f3}td.hm-cell{text-align:center;font-weight:600;min-width:90px}
tr.floor th,tr.floor td{border-top:3px solid #555}.muted{color:#666;font-size:90%}
.warn{background:#fff3cd;padding:6px}.item{border:1px solid #ddd;padding:8px;margin:10px 0}
pre{white-space:pre-wrap;word-break:break-word;background:#f8f8f8;padding:6px;margin:4px 0}
.right{color:#1a7f37}.wrong{color:#b42318}"""


def _colour(acc: float) -> str:
    """White (0) to green (1)."""
    a = max(0.0, min(1.0, acc))
    r, g, b = (int(255 + (x - 255) * a) for x in (46, 160, 67))
    return f"#{r:02x}{g:02x}{b:02x}"


def _overall(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, int]]:
    """(captioner, solver) -> (accuracy over every benchmark's items, n)."""
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for r in rows:
        if r["category"] == "all":
            a = acc[(r["captioner"], r["solver"])]
            a[0] += r["accuracy"] * r["n"]
            a[1] += r["n"]
    return {k: (v[0] / v[1] if v[1] else 0.0, int(v[1])) for k, v in acc.items()}


def _bars_svg(rows: list[dict[str, Any]], bench: str, width: int = 720) -> str:
    esc = html.escape
    mine = [r for r in rows if r["benchmark"] == bench and r["category"] == "all"]
    label_w, bar_h, gap = 300, 18, 6
    height = len(mine) * (bar_h + gap) + 10
    parts = [f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" role="img" aria-label="accuracy on {esc(bench)}">']  # fmt: skip
    for i, r in enumerate(mine):
        y = 5 + i * (bar_h + gap)
        w = (width - label_w - 70) * r["accuracy"]
        fill = "#999" if r["captioner"] == FLOOR else "#4e79a7"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{esc(r['captioner'])} → {esc(r['solver'])}</text>"
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{fill}"><title>{100 * r["accuracy"]:.1f} % of {r["n"]}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="12">'
            f"{100 * r['accuracy']:.1f} %</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(
    out: Path,
    runs: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    caps: list[str],
    sols: list[str],
    ids: list[str],
    caption_examples: int = 3,
) -> str:
    """The grid page (see the module docstring) as a string."""
    esc = html.escape
    overall = _overall(rows)
    head = "".join(f"<th>{esc(s)}</th>" for s in sols)
    body = []
    for cap in [*caps, FLOOR]:
        cells = []
        for sol in sols:
            got = overall.get((cap, sol))
            if got is None:
                cells.append(f'<td class="hm-cell missing" data-captioner="{esc(cap)}" '
                             f'data-solver="{esc(sol)}">–</td>')  # fmt: skip
                continue
            acc, n = got
            cells.append(
                f'<td class="hm-cell" data-captioner="{esc(cap)}" data-solver="{esc(sol)}" '
                f'style="background:{_colour(acc)}" title="{n} items">{100 * acc:.1f} %</td>'
            )
        label = f'{esc(cap)} <span class="muted">(floor)</span>' if cap == FLOOR else esc(cap)
        cls = ' class="floor"' if cap == FLOOR else ""
        body.append(f"<tr{cls}><th>{label}</th>{''.join(cells)}</tr>")
    heat = (f'<table class="heatmap"><tr><th>captioner ↓ / solver →</th>{head}</tr>'
            f'{"".join(body)}</table>')  # fmt: skip
    benches = sorted({r["benchmark"] for r in rows})
    bars = "".join(f"<h3>{esc(b)}</h3>{_bars_svg(rows, b)}" for b in benches)
    warns = "".join(f'<p class="warn">{esc(r["dir"])}: {esc(r["error"])}</p>'
                    for r in runs if r.get("error"))  # fmt: skip
    examples = _examples(out, runs, caps, sols, ids, caption_examples)
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>Perception → reasoning grid</title><style>{_CSS}</style></head><body>
<h1>Perception → reasoning grid</h1>
{warns}
<p class="muted">{len(caps)} captioner(s) × {len(sols)} solver(s) over {len(ids)} item(s).
Overall accuracy: correct / items with a result, over every benchmark's items (a benchmark's
own overall rule where it has one). The last row is each solver's floor: the question alone,
no caption.</p>
<h2>Overall accuracy</h2>
{heat}
<h2>Per benchmark</h2>
{bars}
<h2>Captions of a few items</h2>
{examples}
</body></html>
"""


def _examples(
    out: Path,
    runs: list[dict[str, Any]],
    caps: list[str],
    sols: list[str],
    ids: list[str],
    k: int,
) -> str:
    esc = html.escape
    by_run = {r["dir"]: {x["id"]: x for x in read_results(out / r["dir"])} for r in runs}
    cards = []
    for item_id in ids[:k]:
        parts = []
        for cap in caps:
            caption = None
            answers = []
            for sol in sols:
                row = by_run.get(run_name(cap, sol), {}).get(item_id)
                if row is None:
                    continue
                caption = caption if caption is not None else row.get("caption")
                verdict = "right" if row.get("correct") else "wrong"
                answers.append(f'<li>{esc(sol)}: <span class="{verdict}">'
                               f'{esc(str(row.get("extracted")))}</span> '
                               f'<span class="muted">({esc(str(row.get("status")))})</span></li>')  # fmt: skip
            parts.append(f'<div class="caption"><b>{esc(cap)}</b><pre>'
                         f'{esc(str(caption) if caption is not None else "(no caption)")}</pre>'
                         f'<ul>{"".join(answers)}</ul></div>')  # fmt: skip
        cards.append(f'<div class="item" data-id="{esc(item_id)}"><h3>{esc(item_id)}</h3>'
                     f'{"".join(parts)}</div>')  # fmt: skip
    return "".join(cards) or '<p class="muted">No items.</p>'
