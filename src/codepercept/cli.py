"""The command line: thin wrappers that parse arguments and call one library function each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    help="codepercept: executable plotting code as the ground truth of STEM figures.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


def _read_source(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    if not p.is_file():
        raise typer.BadParameter(f"{path} is not a file (give a .py file, or - for stdin)")
    return p.read_bytes()


@app.command("exec")
def exec_cmd(
    file: str | None = typer.Argument(
        None, help="Python program to run ('-' reads stdin); optional with --isolation."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Directory for figure.png, scene.json, result.json."
    ),
    dpi: float = typer.Option(100, help="Rendering resolution."),
    timeout: float = typer.Option(30, help="Wall-clock limit in seconds."),
    memory_mb: int = typer.Option(2048, help="Memory the program may allocate."),
    isolation: bool = typer.Option(
        False,
        "--isolation",
        help="Print (as JSON, on stdout) each isolation layer in force on this machine and "
        "what a missing one would need; with FILE, run it too.",
    ),
) -> None:
    """Run FILE in the sandbox, then write its figures, its trace and the result record."""
    from codepercept.sandbox import Executor
    from codepercept.sandbox.io import write_exec_outputs

    if file is None and not isolation:
        raise typer.BadParameter("give a program to run (a .py file, or - for stdin)")
    if file is not None and out is None:
        raise typer.BadParameter("--out is required to run a program", param_hint="--out")
    source = _read_source(file) if file is not None else b""
    with Executor(workers=1, dpi=dpi, timeout_s=timeout, memory_mb=memory_mb) as ex:
        if isolation:
            typer.echo(json.dumps(ex.isolation, indent=1))
        if file is None:
            return
        res = ex.run(source)
    assert out is not None
    paths = write_exec_outputs(res, out)
    from rich.markup import escape

    color = "green" if res.ok else "red"
    # The message is the program's (an exception's text, or whatever a hostile one forged):
    # escaped, so "[/]" in it is text and not Rich markup (which would raise MarkupError).
    console.print(f"[{color}]{res.status}[/{color}] {escape(res.message)}  ({res.wall_s:.2f} s)")
    for p in paths:
        console.print(f"  wrote {escape(str(p))}")
    raise typer.Exit(0 if res.ok else 1)


@app.command("demo")
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", "-o", help="Where the demo writes."),
    workers: int = typer.Option(2, help="Programs in flight."),
) -> None:
    """The main job on built-in defaults: sandbox + trace, ICC data, benchmark, report, TokenIT."""
    from codepercept.pipelines.demo import run_demo

    run_demo(out, workers=workers, say=lambda line: console.print(line))


def _mount(module: str, name: str, help: str) -> None:
    """Mount a sub-app from a module that may need optional dependencies (torch)."""
    import importlib

    try:
        sub = importlib.import_module(module).app
    except ImportError as exc:  # keep the rest of the CLI usable
        sub = typer.Typer(help=f"{help} (unavailable: {exc})")
    app.add_typer(sub, name=name, help=help)


_mount("codepercept.caption.cli", "caption", "Code-grounded captions: describe, verify, correct.")
_mount(
    "codepercept.tokenit.cli",
    "tokenit",
    "TokenIT: token-level text images with exact per-token masks.",
)
_mount(
    "codepercept.tokenocr.cli",
    "tokenocr",
    "TokenOCR: train, heat maps and evaluation (needs torch).",
)

synth_app = typer.Typer(help="ICC data engine: procedural STEM figure programs.")
app.add_typer(synth_app, name="synth")


@synth_app.callback(invoke_without_command=True)
def synth(
    ctx: typer.Context,
    n: int = typer.Option(100, "--n", help="Samples to keep."),
    seed: int = typer.Option(0, help="Run seed: same seed, same dataset."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Dataset directory."),
    domains: str | None = typer.Option(None, help="Comma-separated domains to draw from."),
    families: str | None = typer.Option(None, help="Comma-separated family names."),
    workers: int = typer.Option(2, help="Programs in flight."),
    format: str = typer.Option("parquet", help="parquet | webdataset | files"),
    shard_size: int = typer.Option(500, help="Samples per shard."),
    dpi: float = typer.Option(100, help="Rendering resolution."),
    reuse: int = typer.Option(
        32, min=1, help="Programs one sandbox process runs in turn (1: a fresh process each)."
    ),
) -> None:
    """Generate N Image–Caption–Code triplets (resumable: re-run the same command after a kill)."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise typer.BadParameter("--out is required", param_hint="--out")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from codepercept.synth.pipeline import synthesize

    def split(v: str | None) -> list[str] | None:
        return [x.strip() for x in v.split(",") if x.strip()] if v else None

    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        "{task.fields[rate]}", TimeRemainingColumn(), console=console,
    ) as bar:  # fmt: skip
        task = bar.add_task("synth", total=n, rate="")
        t0 = [0.0, 0]
        import time as _time

        def progress(kept: int, total: int) -> None:
            if t0[0] == 0.0:
                t0[0], t0[1] = _time.perf_counter(), kept
            dt = _time.perf_counter() - t0[0]
            rate = f"{(kept - t0[1]) / dt:.1f}/s" if dt > 0 else ""
            bar.update(task, completed=kept, rate=rate)

        try:
            summary = synthesize(
                n, out, seed=seed, domains=split(domains), family_names=split(families),
                workers=workers, format=format, shard_size=shard_size, dpi=dpi,
                progress=progress, reuse=reuse,
            )  # fmt: skip
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    console.print(
        f"kept {summary['kept_total']} in {out}  ({summary['triplets_per_s']} candidates/s)"
    )
    console.print(f"dropped: {json.dumps(summary['dropped'])}")
    console.print("kept ratio per domain: " + ", ".join(
        f"{d} {v['kept_ratio']:.2f}" for d, v in summary["per_domain"].items()))  # fmt: skip
    console.print(f"summary: {out / 'summary.json'}")


@synth_app.command("list")
def synth_list() -> None:
    """List the registered families by domain."""
    from codepercept.synth import list_families

    for fam in list_families():
        typer.echo(f"{fam.domain:16s} {fam.name:32s} {fam.description}")


@synth_app.command("preview")
def synth_preview(
    family: str = typer.Option(..., "--family", "-f", help="Family name (see `synth list`)."),
    n: int = typer.Option(16, "--n", help="Seeds to draw."),
    seed: int = typer.Option(0, help="First seed."),
    out: Path = typer.Option(Path("sheet.png"), "--out", "-o", help="Contact sheet PNG."),
) -> None:
    """Draw a contact sheet of one family."""
    from codepercept.synth.preview import contact_sheet

    try:
        statuses = contact_sheet(family, n=n, out=out, seed=seed)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    console.print(f"wrote {out}  {statuses}")


bench_app = typer.Typer(help="STEM2Code-Eval: build, run, report.")
app.add_typer(bench_app, name="bench")


@bench_app.command("build")
def bench_build(
    n: int = typer.Option(200, "--n", help="Items."),
    seed: int = typer.Option(
        0, help="Benchmark seed (its own seed space, never the training one)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Benchmark directory."),
    exclude_dataset: Path | None = typer.Option(
        None, help="Training dataset to stay disjoint from."
    ),
    workers: int = typer.Option(2, help="Programs in flight."),
) -> None:
    """Build a held-out synthetic benchmark (images, bench.jsonl, manifest.json)."""
    from codepercept.bench import build_benchmark

    try:
        manifest = build_benchmark(
            n, out, seed=seed, exclude_dataset=exclude_dataset, workers=workers
        )
    except (ValueError, FileNotFoundError) as exc:
        raise typer.BadParameter(str(exc)) from None
    console.print(f"wrote {manifest['n']} items to {out}: {json.dumps(manifest['per_domain'])}")


@bench_app.command("run")
def bench_run(
    bench: Path = typer.Option(..., "--bench", help="Benchmark dir or JSONL file."),
    model: str = typer.Option(
        ..., "--model", help="oracle | blank | knn:DIR | predictions:FILE | openai:MODEL@URL"
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Run directory (resumable)."),
    workers: int = typer.Option(2, help="Programs in flight."),
    limit: int | None = typer.Option(None, help="Only the first N items."),
    judge: str | None = typer.Option(
        None,
        "--judge",
        help="LLM judge for the rubric Image and Code Scores: openai:MODEL@URL (optional; "
        "stored as row['judge'] beside the deterministic scores, cached in OUT/cache).",
    ),
    code_judge: str | None = typer.Option(
        None, "--code-judge", help="Another openai:MODEL@URL for the Code Score only."
    ),
) -> None:
    """Run a model on the benchmark; resumable; writes results.jsonl and summary.json."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
    from rich.table import Table

    from codepercept.bench import run_benchmark
    from codepercept.bench.judge import make_judge

    if code_judge and not judge:
        raise typer.BadParameter("--code-judge needs --judge", param_hint="--code-judge")
    try:
        judge_fn = make_judge(judge, out, code_spec=code_judge) if judge else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--judge") from None
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as bar:  # fmt: skip
        task = bar.add_task(model, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            summary = run_benchmark(
                bench, model, out, workers=workers, limit=limit, progress=progress,
                judge=judge_fn,
            )  # fmt: skip
        except (ValueError, FileNotFoundError) as exc:
            raise typer.BadParameter(str(exc)) from None
        finally:
            if judge_fn is not None:
                judge_fn.close()
    table = Table(title=f"{summary['model']} on {bench}")
    for col in ("scope", "n", "Image", "Code", "Exec", "final", "strict final"):
        table.add_column(col)
    blocks = [("overall", summary["overall"]), *summary["per_domain"].items()]
    for name, b in blocks:
        o = b["official"]
        table.add_row(name, str(b["n"]), f"{o['image']:.2f}", f"{o['code']:.2f}",
                      f"{o['exec']:.1f}", f"{o['final']:.2f}", f"{b['strict']['final']:.2f}")  # fmt: skip
    console.print(table)
    console.print(f"results: {out / 'results.jsonl'}  summary: {out / 'summary.json'}")
    if judge_fn is not None:
        console.print(f"judge scores stored in results; compare: codepercept bench agreement {out}")


@bench_app.command("agreement")
def bench_agreement(
    run: Path = typer.Argument(..., help="Run directory (judged with `bench run --judge`)."),
) -> None:
    """Spearman and Pearson between judge and deterministic scores (table on stderr, JSON on
    stdout, also written to RUN/agreement.json)."""
    from rich.table import Table

    from codepercept.bench.agreement import run_agreement

    try:
        result = run_agreement(run)
    except FileNotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="RUN") from None

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.3f}"

    table = Table(title=f"judge vs deterministic: {run}")
    for col in ("score", "n", "Spearman", "Pearson", "mean judge", "mean det.", "mean |diff|"):
        table.add_column(col)
    for kind in ("image", "code"):
        a = result[kind]
        table.add_row(kind, str(a["n"]), fmt(a["spearman"]), fmt(a["pearson"]),
                      fmt(a["mean_judge"]), fmt(a["mean_deterministic"]),
                      fmt(a["mean_abs_diff"]))  # fmt: skip
    console.print(table)
    for kind in ("image", "code"):
        if result[kind].get("note"):
            console.print(f"{kind}: {result[kind]['note']}")
    if not result["judged"]:
        console.print("[yellow]no judged rows: run `bench run --judge openai:MODEL@URL`[/yellow]")
    elif result["judge_errors"]:
        console.print(f"[yellow]{result['judge_errors']} judged rows carry a judge error[/yellow]")
    typer.echo(json.dumps(result, indent=1))


@bench_app.command("report")
def bench_report(
    runs: list[Path] = typer.Argument(..., help="One or more run directories."),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="HTML file to write."),
    bench: Path | None = typer.Option(
        None, "--bench", help="Benchmark for the reference images (default: as recorded)."
    ),
    max_items: int = typer.Option(300, help="Items shown in the gallery (the CSV has all)."),
    thumb_px: int = typer.Option(320, help="Largest side of gallery images, in pixels."),
) -> None:
    """One self-contained HTML report (leaderboard, per-domain chart, gallery) plus a CSV."""
    from codepercept.bench.report import build_report

    try:
        info = build_report(runs, out, bench=bench, max_items=max_items, thumb_px=thumb_px)
    except (ValueError, FileNotFoundError) as exc:
        raise typer.BadParameter(str(exc)) from None
    for e in info["leaderboard"]:
        o = e["official"]
        console.print(f"{e['rank']:>3}. {e['run']} ({e['model']}): official final "
                      f"{o['final']:.2f}  strict final {e['strict']['final']:.2f}")  # fmt: skip
    console.print(f"wrote {info['html']} ({info['bytes'] / 1e6:.2f} MB, "
                  f"{info['gallery_items']} of {info['items']} items shown) and {info['csv']}")  # fmt: skip


@bench_app.command("validate")
def bench_validate(
    bench: Path | None = typer.Option(
        None, "--bench", help="Benchmark dir or JSONL file (default: generated programs)."
    ),
    n_programs: int = typer.Option(32, "--n-programs", help="Programs to corrupt."),
    levels: int = typer.Option(5, help="Severity levels, including 0."),
    seed: int = typer.Option(0, help="Seed for program generation and corruptions."),
    workers: int = typer.Option(2, help="Programs in flight."),
    corruptions: str | None = typer.Option(
        None, help="Comma-separated corruption families (default: all)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the full result JSON."),
) -> None:
    """Metric validity: Spearman rho of each score against corruption severity."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from codepercept.bench.validate import validate, validity_markdown

    kinds = [k.strip() for k in corruptions.split(",") if k.strip()] if corruptions else None
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as bar:  # fmt: skip
        task = bar.add_task("validate", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = validate(
                bench, levels=levels, n_programs=n_programs, seed=seed, workers=workers,
                corruptions=kinds, progress=progress,
            )  # fmt: skip
        except (ValueError, FileNotFoundError) as exc:
            raise typer.BadParameter(str(exc)) from None
    typer.echo(validity_markdown(result))
    timing = result["timing"]
    console.print(
        f"{result['n_programs']} programs, {timing['runs']} runs in {timing['total_s']} s"
    )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1))
        console.print(f"wrote {out}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
