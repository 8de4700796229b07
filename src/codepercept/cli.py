"""The command line: thin wrappers that parse arguments and call one library function each."""

from __future__ import annotations

import json
import sys
from importlib import resources
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
    file: str = typer.Argument(..., help="Python program to run ('-' reads stdin)."),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Directory for figure.png, scene.json, result.json."
    ),
    dpi: float = typer.Option(100, help="Rendering resolution."),
    timeout: float = typer.Option(30, help="Wall-clock limit in seconds."),
    memory_mb: int = typer.Option(2048, help="Memory the program may allocate."),
) -> None:
    """Run FILE in the sandbox, then write its figures, its trace and the result record."""
    from codepercept.sandbox import Executor
    from codepercept.sandbox.io import write_exec_outputs

    source = _read_source(file)
    with Executor(workers=1, dpi=dpi, timeout_s=timeout, memory_mb=memory_mb) as ex:
        res = ex.run(source)
    paths = write_exec_outputs(res, out)
    color = "green" if res.ok else "red"
    console.print(f"[{color}]{res.status}[/{color}] {res.message}  ({res.wall_s:.2f} s)")
    for p in paths:
        console.print(f"  wrote {p}")
    raise typer.Exit(0 if res.ok else 1)


@app.command("demo")
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", "-o", help="Where the demo writes."),
) -> None:
    """The main job on built-in defaults: execute and trace the bundled example program."""
    from codepercept.sandbox import Executor
    from codepercept.sandbox.io import write_exec_outputs

    source = resources.files("codepercept.examples").joinpath("triangle_incircle.py").read_bytes()
    with Executor(workers=1) as ex:
        res = ex.run(source)
        isolation = ex.isolation
    paths = write_exec_outputs(res, out / "exec")
    console.print(
        f"[bold]sandbox[/bold]: {res.status} in {res.wall_s:.2f} s; isolation {json.dumps(isolation)}"
    )
    if res.scene is not None:
        console.print(f"[bold]scene[/bold]: {json.dumps(res.scene.summary()['counts'])}")
    for p in paths:
        console.print(f"  wrote {p}")
    if not res.ok:
        raise typer.Exit(1)


def _mount(module: str, name: str, help: str) -> None:
    """Mount a sub-app from a module that may need optional dependencies (torch)."""
    import importlib

    try:
        sub = importlib.import_module(module).app
    except ImportError as exc:  # keep the rest of the CLI usable
        sub = typer.Typer(help=f"{help} (unavailable: {exc})")
    app.add_typer(sub, name=name, help=help)


_mount("codepercept.caption.cli", "caption", "Code-grounded captions: describe, verify, correct.")

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
                progress=progress,
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
) -> None:
    """Run a model on the benchmark; resumable; writes results.jsonl and summary.json."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
    from rich.table import Table

    from codepercept.bench import run_benchmark

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as bar:  # fmt: skip
        task = bar.add_task(model, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            summary = run_benchmark(
                bench, model, out, workers=workers, limit=limit, progress=progress
            )
        except (ValueError, FileNotFoundError) as exc:
            raise typer.BadParameter(str(exc)) from None
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


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
