"""One self-contained HTML report (plus a CSV) for one or more benchmark runs.

The HTML needs nothing outside itself: CSS and JS are inline, images are PNG data URIs, and a
Content-Security-Policy forbids any network fetch. It holds

* a leaderboard (sorted by the official final score) with both conventions labelled, plus the
  judges' mean scores when a run was judged;
* a per-domain bar chart of the official final score (inline SVG);
* a per-item gallery: the benchmark image beside each run's rendering, with scores, sub-scores,
  judge scores and error messages; filters by status, domain and run (plain JS). Images are
  downscaled (``thumb_px``) and the gallery capped (``max_items``) to keep the file small.

The CSV (``<out>.csv``, e.g. ``report.csv``) holds every row of every run, uncapped.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from codepercept._fs import atomic_write
from codepercept.bench.dataset import load_bench
from codepercept.bench.runner import read_results
from codepercept.bench.summary import summarize
from codepercept.jobdir import read_job

log = logging.getLogger(__name__)

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")  # fmt: skip


@dataclass
class RunData:
    """One run directory, loaded: its result rows and summary (recomputed if absent)."""

    path: Path
    label: str
    model: str
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    bench: str | None = None
    key: str = ""  # short stable id used in the HTML (r0, r1, ...)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_run(path: str | Path) -> RunData:
    """Read ``RUN/results.jsonl`` (and ``summary.json`` when present).

    Raises ``FileNotFoundError`` when the directory holds no results.
    """
    path = Path(path)
    if not (path / "results.jsonl").exists():
        raise FileNotFoundError(f"{path} holds no results.jsonl (run `codepercept bench run`)")
    rows = read_results(path)
    summary: dict[str, Any] = {}
    if (path / "summary.json").exists():
        try:
            summary = json.loads((path / "summary.json").read_text())
        except ValueError:
            log.warning("ignoring unreadable %s", path / "summary.json")
    if "overall" not in summary:
        summary = {**summarize(rows), **{k: v for k, v in summary.items() if k != "overall"}}
    model = str(summary.get("model") or (rows[0].get("model") if rows else "") or path.name)
    return RunData(path=path, label=path.name, model=model, rows=rows, summary=summary,
                   bench=summary.get("bench"), by_id={r["id"]: r for r in rows})  # fmt: skip


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def judge_means(rows: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """Mean judge Image and Code scores over executed rows that the judge scored (or None)."""
    out: dict[str, float | None] = {}
    for kind in ("image", "code"):
        vals = [_number((r.get("judge") or {}).get(kind)) for r in rows if r.get("status") == "ok"]
        nums = [v for v in vals if v is not None]
        out[kind] = round(sum(nums) / len(nums), 2) if nums else None
    return out


def leaderboard(runs: Sequence[RunData]) -> list[dict[str, Any]]:
    """One entry per run, best official final first (ties: strict final, then label)."""
    entries = []
    for run in runs:
        ov = run.summary["overall"]
        entries.append({"run": run.label, "key": run.key, "model": run.model, "n": ov["n"],
                        "dpi": run.summary.get("dpi"),
                        "official": ov["official"], "strict": ov["strict"],
                        "statuses": ov.get("statuses", {}), "judge": judge_means(run.rows)})  # fmt: skip
    entries.sort(key=lambda e: (-e["official"]["final"], -e["strict"]["final"], e["run"]))
    for rank, e in enumerate(entries, 1):
        e["rank"] = rank
    return entries


def thumbnail_uri(path: Path, max_px: int = 320) -> str | None:
    """A PNG data URI of the image at ``path``, fitted into ``max_px`` x ``max_px`` (palette
    quantised to keep it small); None when the file is missing or unreadable."""
    try:
        with Image.open(path) as im:
            im = im.convert("RGB")
            im.thumbnail((max_px, max_px), Image.LANCZOS)
            im = im.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
            buf = io.BytesIO()
            im.save(buf, format="PNG", optimize=True)
    except (OSError, ValueError) as exc:
        log.warning("cannot thumbnail %s: %s", path, exc)
        return None
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def bench_candidates(run: RunData) -> list[Path]:
    """Where a run's benchmark may be, best first: the absolute path its summary records, the
    same relative to the run directory (a run moved together with its benchmark), the path its
    ``job.json`` records; for a summary from before (a path relative to wherever ``bench run``
    ran), that path against the run directory and the current one."""
    out: list[Path] = []
    recorded = run.summary.get("bench")
    if recorded and Path(recorded).is_absolute():
        out.append(Path(recorded))
    if run.summary.get("bench_relative"):
        out.append(run.path / str(run.summary["bench_relative"]))
    job = read_job(run.path) or {}
    job_bench = (job.get("inputs") or {}).get("bench")
    if isinstance(job_bench, dict) and job_bench.get("path"):
        out.append(Path(job_bench["path"]))
    if recorded and not Path(recorded).is_absolute():
        out += [run.path / recorded, Path.cwd() / recorded]
    unique: list[Path] = []
    for p in map(Path, map(os.path.normpath, out)):
        if p not in unique:
            unique.append(p)
    return unique


def _reference_images(
    runs: Sequence[RunData], bench: str | Path | None
) -> tuple[dict[str, Path], list[str], Path | None, list[str]]:
    """Benchmark image per item id, the benchmark's item order, the benchmark loaded, and
    warnings (for people) when none could be: empty maps then."""
    given = bench is not None
    candidates = [Path(bench)] if given else [c for r in runs for c in bench_candidates(r)]  # type: ignore[arg-type]
    tried: list[str] = []
    for cand in candidates:
        if not given and not cand.exists():
            tried.append(f"{cand} (absent)")
            continue
        try:
            items = load_bench(cand)
        except (OSError, ValueError) as exc:
            tried.append(f"{cand} ({exc})")
            continue
        return {it.id: it.image_path for it in items}, [it.id for it in items], cand, []
    if given:
        why = f"benchmark not found: --bench {tried[0]}"
    elif tried:
        why = f"benchmark not found: tried {'; '.join(tried)}"
    else:
        why = "benchmark not found: the runs do not record one"
    warning = f"{why}; the gallery shows renderings only (give the benchmark with --bench)"
    log.warning("%s", warning)
    return {}, [], None, [warning]


def domain_chart_svg(runs: Sequence[RunData], width: int = 760) -> str:
    """Inline SVG: horizontal bars of the official final score per domain, one bar per run."""
    domains = sorted({d for r in runs for d in r.summary.get("per_domain", {})})
    if not domains:
        return '<p class="muted">no per-domain scores</p>'
    label_w, right = 150, 50
    plot_w = width - label_w - right
    bar_h, gap = 13, 10
    group_h = bar_h * len(runs) + gap
    top = 24
    height = top + group_h * len(domains) + 10
    esc = html.escape
    parts = [f'<svg id="domain-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="official final score per domain">']  # fmt: skip
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 8}" '
                     f'stroke="#ddd"/><text x="{x:.1f}" y="{top - 8}" font-size="10" '
                     f'text-anchor="middle" fill="#666">{tick}</text>')  # fmt: skip
    for gi, dom in enumerate(domains):
        y0 = top + gi * group_h
        mid = y0 + bar_h * len(runs) / 2
        parts.append(f'<text x="{label_w - 8}" y="{mid + 4:.1f}" font-size="12" '
                     f'text-anchor="end">{esc(dom)}</text>')  # fmt: skip
        for ri, run in enumerate(runs):
            block = run.summary.get("per_domain", {}).get(dom)
            if block is None:
                continue
            val = float(block["official"]["final"])
            y = y0 + ri * bar_h
            w = max(1.0, plot_w * min(max(val, 0.0), 100.0) / 100)  # 0 stays visible
            color = PALETTE[ri % len(PALETTE)]
            parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" '
                         f'height="{bar_h - 2}" fill="{color}"><title>{esc(run.label)} · '
                         f'{esc(dom)}: {val:.2f} (n={block["n"]})</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" '
                         f'font-size="10" fill="#333">{val:.1f}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: Any, digits: int = 2) -> str:
    num = _number(value)
    return "—" if num is None else f"{num:.{digits}f}"


CSV_FIXED = ["run", "model", "id", "domain", "family", "status", "image", "code",
             "judge_image", "judge_code", "judge_error"]  # fmt: skip


def write_csv(runs: Sequence[RunData], path: str | Path) -> Path:
    """Every row of every run: fixed columns, then each sub-score, then the message."""
    path = Path(path)
    parts = sorted({f"{group}.{k}" for run in runs for r in run.rows
                    for group in ("image_parts", "code_parts")
                    for k in (r.get("scores") or {}).get(group, {})})  # fmt: skip
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow([*CSV_FIXED, *parts, "message"])
    for run in runs:
        for r in run.rows:
            sc, jd = r.get("scores") or {}, r.get("judge") or {}
            fixed = [run.label, run.model, r.get("id"), r.get("domain"), r.get("family", ""),
                     r.get("status"), sc.get("image", ""), sc.get("code", ""),
                     "" if jd.get("image") is None else jd["image"],
                     "" if jd.get("code") is None else jd["code"], jd.get("error") or ""]  # fmt: skip
            subs = [sc.get(p.split(".")[0], {}).get(p.split(".", 1)[1], "") for p in parts]
            writer.writerow([*fixed, *subs, r.get("message") or ""])
    return atomic_write(path, buf.getvalue())


_CSS = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;
background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#777}table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th{background:#f0f0f0}td.l,th.l{text-align:left}td.l{white-space:nowrap}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
.filters{position:sticky;top:0;background:#fafafa;padding:8px 0;z-index:2;
border-bottom:1px solid #ddd}
.filters label{margin-right:14px}
.item{background:#fff;border:1px solid #ddd;border-radius:6px;margin:10px 0;padding:8px}
.item h3{font-size:14px;margin:0 0 6px}.cells{display:flex;flex-wrap:wrap;gap:10px}
.cell{width:250px;font-size:12px}.cell img{max-width:240px;max-height:240px;
border:1px solid #eee;display:block;background:#fff}
.noimg{width:240px;height:120px;border:1px dashed #ccc;display:flex;align-items:center;
justify-content:center;color:#999}
.badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-size:11px}
.st-ok{background:#2e7d32}.st-bad{background:#c62828}
.msg{white-space:pre-wrap;color:#b71c1c;font-family:monospace;font-size:11px;
max-height:6em;overflow:auto}
.subs{color:#555}
.warn{background:#fff3cd;border:1px solid #e0c060;padding:6px 10px;border-radius:4px}
"""

_JS = """
function applyFilters(){
  var st=document.getElementById('f-status').value;
  var dm=document.getElementById('f-domain').value;
  var rn=document.getElementById('f-run').value;
  var shown=0;
  document.querySelectorAll('.item').forEach(function(card){
    var any=false;
    card.querySelectorAll('.cell.run').forEach(function(cell){
      var runOk=!rn||cell.dataset.run===rn;
      cell.style.display=runOk?'':'none';
      if(runOk&&(!st||cell.dataset.status===st)){any=true;}
    });
    var vis=(!dm||card.dataset.domain===dm)&&any;
    card.style.display=vis?'':'none';
    if(vis){shown++;}
  });
  document.getElementById('shown').textContent=shown;
}
// initial filters from the address, e.g. report.html#status=no_code&domain=charts
location.hash.replace(/^#/,'').split('&').forEach(function(kv){
  var p=kv.split('='), el=document.getElementById('f-'+p[0]);
  if(el&&p.length===2){el.value=decodeURIComponent(p[1]);}
});
document.querySelectorAll('.filters select').forEach(function(s){
  s.addEventListener('change',applyFilters);});
applyFilters();
"""


def _options(values: Sequence[tuple[str, str]]) -> str:
    opts = ['<option value="">all</option>']
    opts += [f'<option value="{html.escape(v)}">{html.escape(t)}</option>' for v, t in values]
    return "".join(opts)


def _dpi(value: Any) -> str:
    """A run's rendering dpi for the leaderboard; runs from before it was recorded rendered at
    100, and one not at 300 is marked as not the official setting."""
    dpi = 100.0 if value is None else float(value)
    text = f"{dpi:g}"
    return (
        text
        if dpi == 300
        else f'<span title="the official convention renders at 300">{text}*</span>'
    )


def _leaderboard_html(entries: list[dict[str, Any]], runs: Sequence[RunData]) -> str:
    colors = {r.key: PALETTE[i % len(PALETTE)] for i, r in enumerate(runs)}
    judged = any(v is not None for e in entries for v in e["judge"].values())
    head2 = ["Image", "Code", "Exec", "Final", "Avg", "Image", "Code", "Final"]
    jcols = '<th colspan="2">judge (LLM)</th>' if judged else ""
    rows = [
        '<table id="leaderboard"><thead><tr><th rowspan="2">#</th>'
        '<th class="l" rowspan="2">run</th><th class="l" rowspan="2">model</th>'
        '<th rowspan="2">n</th><th rowspan="2">dpi</th>'
        '<th colspan="5">official (Image/Code over executed items)</th>'
        f'<th colspan="3">strict (non-executed items score 0)</th>{jcols}'
        '<th class="l" rowspan="2">statuses</th></tr><tr>'
        + "".join(f"<th>{h}</th>" for h in head2)
        + ("<th>Image</th><th>Code</th>" if judged else "")
        + "</tr></thead><tbody>"
    ]
    for e in entries:
        o, s = e["official"], e["strict"]
        statuses = ", ".join(f"{k} {v}" for k, v in e["statuses"].items())
        jtd = f"<td>{_fmt(e['judge']['image'])}</td><td>{_fmt(e['judge']['code'])}</td>"
        rows.append(
            f'<tr class="lb-row" data-run="{e["key"]}"><td>{e["rank"]}</td>'
            f'<td class="l"><span class="swatch" style="background:{colors[e["key"]]}"></span>'
            f'{html.escape(e["run"])}</td><td class="l">{html.escape(e["model"])}</td>'
            f"<td>{e['n']}</td><td>{_dpi(e.get('dpi'))}</td>"
            f"<td>{_fmt(o['image'])}</td><td>{_fmt(o['code'])}</td>"
            f"<td>{_fmt(o['exec'], 1)}</td><td><b>{_fmt(o['final'])}</b></td>"
            f"<td>{_fmt(o['avg'])}</td><td>{_fmt(s['image'])}</td><td>{_fmt(s['code'])}</td>"
            f"<td>{_fmt(s['final'])}</td>{jtd if judged else ''}"
            f'<td class="l">{html.escape(statuses)}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _cell_html(run: RunData, row: dict[str, Any] | None, thumb_px: int) -> str:
    esc = html.escape
    if row is None:
        return (f'<div class="cell run" data-run="{run.key}" data-status="missing">'
                f'<div class="noimg">not in this run</div><b>{esc(run.label)}</b></div>')  # fmt: skip
    status = str(row.get("status", "unknown"))
    img = (
        thumbnail_uri(run.path / "images" / f"{row['id']}.png", thumb_px)
        if status == "ok"
        else None
    )
    pic = (f'<img alt="rendering by {esc(run.label)}" src="{img}">' if img
           else '<div class="noimg">no rendering</div>')  # fmt: skip
    sc, jd = row.get("scores") or {}, row.get("judge") or {}
    lines = [f"Image {_fmt(sc.get('image'), 1)} · Code {_fmt(sc.get('code'), 1)}"]
    for group in ("image_parts", "code_parts"):
        if sc.get(group):
            subs = ", ".join(f"{k} {_fmt(v, 0)}" for k, v in sc[group].items())
            lines.append(f'<span class="subs">{esc(group.split("_")[0])}: {esc(subs)}</span>')
    if jd:
        lines.append(f"judge: Image {_fmt(jd.get('image'), 0)} · Code {_fmt(jd.get('code'), 0)}")
    msgs = [str(m) for m in (row.get("message") if status != "ok" else None, jd.get("error")) if m]
    msg = "".join(f'<div class="msg">{esc(m[:400])}</div>' for m in msgs)
    badge = "st-ok" if status == "ok" else "st-bad"
    return (f'<div class="cell run" data-run="{run.key}" data-status="{esc(status)}">{pic}'
            f'<b>{esc(run.label)}</b> <span class="badge {badge}">{esc(status)}</span><br>'
            + "<br>".join(lines) + msg + "</div>")  # fmt: skip


def render_html(
    runs: Sequence[RunData],
    references: dict[str, Path],
    order: Sequence[str],
    max_items: int = 300,
    thumb_px: int = 320,
    title: str = "STEM2Code-Eval report",
    warnings: Sequence[str] = (),
) -> str:
    """The report page as a string (see the module docstring); ``warnings`` are shown at the
    top."""
    esc = html.escape
    entries = leaderboard(runs)
    ids = list(order) if order else []
    known = set(ids)
    for run in runs:  # items a run has that the benchmark order does not list
        for r in run.rows:
            if r["id"] not in known:
                known.add(r["id"])
                ids.append(r["id"])
    ids = [i for i in ids if any(i in run.by_id for run in runs)]
    shown_ids = ids[:max_items]
    domains = sorted({str(run.by_id[i].get("domain", "unknown")) for i in ids
                      for run in runs if i in run.by_id})  # fmt: skip
    statuses = sorted({str(r.get("status", "unknown")) for run in runs for r in run.rows})
    cards = []
    for item_id in shown_ids:
        first = next(run.by_id[item_id] for run in runs if item_id in run.by_id)
        ref = references.get(item_id)
        ref_uri = thumbnail_uri(ref, thumb_px) if ref is not None else None
        ref_pic = (f'<img alt="benchmark image {esc(item_id)}" src="{ref_uri}">' if ref_uri
                   else '<div class="noimg">benchmark image unavailable</div>')  # fmt: skip
        cells = "".join(_cell_html(run, run.by_id.get(item_id), thumb_px) for run in runs)
        domain = str(first.get("domain", "unknown"))
        cards.append(
            f'<div class="item" data-domain="{esc(domain)}" data-id="{esc(item_id)}">'
            f'<h3>{esc(item_id)} <span class="muted">{esc(domain)} · '
            f'{esc(str(first.get("family", "")))}</span></h3><div class="cells">'
            f'<div class="cell ref">{ref_pic}<b>benchmark image</b></div>{cells}</div></div>'
        )
    cap_note = (f"Showing the first {len(shown_ids)} of {len(ids)} items (gallery capped at "
                f"{max_items}; every item is in the CSV)." if len(ids) > len(shown_ids)
                else f"All {len(ids)} items.")  # fmt: skip
    legend = " ".join(f'<span class="swatch" style="background:{PALETTE[i % len(PALETTE)]}">'
                      f"</span>{esc(r.label)}" for i, r in enumerate(runs))  # fmt: skip
    csp = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
           "script-src 'unsafe-inline'")  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_CSS}</style></head><body>
<h1>{esc(title)}</h1>
{"".join(f'<p class="warn">{esc(w)}</p>' for w in warnings)}
<p class="muted">{len(runs)} run(s): {esc(", ".join(r.label for r in runs))}. Scores 0–100.
<b>official</b>: Image and Code averaged over executed items, Exec = executed / total,
Final = (Image + Code + Exec) / 3, Avg = (Image + Code) / 2 (the paper's table).
<b>strict</b>: every item counts, a non-executed item scores 0. Judge columns (when present) are
LLM rubric scores averaged over executed items; all others are deterministic.</p>
<h2>Leaderboard (by official final)</h2>
{_leaderboard_html(entries, runs)}
<h2>Official final per domain</h2>
<p>{legend}</p>
{domain_chart_svg(runs)}
<h2>Items</h2>
<p class="muted">{esc(cap_note)} Images downscaled to at most {thumb_px} px.</p>
<div class="filters">
<label>status <select id="f-status">{_options([(s, s) for s in statuses])}</select></label>
<label>domain <select id="f-domain">{_options([(d, d) for d in domains])}</select></label>
<label>run <select id="f-run">{_options([(r.key, r.label) for r in runs])}</select></label>
<span class="muted"><span id="shown">{len(shown_ids)}</span> shown</span>
</div>
<div id="gallery">{"".join(cards)}</div>
<script>{_JS}</script>
</body></html>
"""


def build_report(
    run_dirs: Sequence[str | Path],
    out: str | Path,
    bench: str | Path | None = None,
    max_items: int = 300,
    thumb_px: int = 320,
) -> dict[str, Any]:
    """Write ``out`` (HTML) and the CSV beside it (same name, ``.csv``) for ``run_dirs``.

    ``bench`` supplies the benchmark images (default: the benchmark each run recorded, see
    :func:`bench_candidates`). Without one the gallery shows renderings only, and the page, the
    log and ``warnings`` say so. Returns the paths written and counts: ``{"html", "csv",
    "runs", "items", "gallery_items", "bytes", "leaderboard", "bench" (the benchmark used, or
    None), "warnings"}``.
    Raises ``FileNotFoundError`` for a directory without results, ``ValueError`` for no runs.
    """
    if not run_dirs:
        raise ValueError("give at least one run directory")
    runs = [load_run(p) for p in run_dirs]
    labels = [r.label for r in runs]
    for i, run in enumerate(runs):
        run.key = f"r{i}"
        if labels.count(run.label) > 1:  # same directory name twice: qualify it
            run.label = f"{run.path.parent.name}/{run.path.name}#{i}"
    references, order, used, warnings = _reference_images(runs, bench)
    page = render_html(runs, references, order, max_items=max_items, thumb_px=thumb_px,
                       warnings=warnings)  # fmt: skip
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, page)
    csv_path = write_csv(runs, out.with_suffix(".csv"))
    n_items = len({r["id"] for run in runs for r in run.rows})
    return {"html": str(out), "csv": str(csv_path), "runs": len(runs), "items": n_items,
            "gallery_items": min(n_items, max_items), "bytes": out.stat().st_size,
            "bench": str(used) if used is not None else None, "warnings": warnings,
            "leaderboard": [{k: e[k] for k in ("rank", "run", "model", "official", "strict",
                                                "judge")} for e in leaderboard(runs)]}  # fmt: skip
