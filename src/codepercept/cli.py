"""The command line: thin wrappers that parse arguments and call one library function each."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from codepercept import __version__
from codepercept._cli import (
    EXECUTOR_OPT,
    MAX_COUNT,
    RAY_ACTORS_OPT,
    RAY_ADDRESS_OPT,
    RAY_TASK_SIZE_OPT,
    check_bench,
    check_choice,
    check_dpi,
    check_float,
    check_in_path,
    check_out_dir,
    check_out_file,
    check_out_target,
    check_text,
    check_workers,
    counting,
    progress,
    ray_options,
)
from codepercept._cli import run as _run
from codepercept.errors import CodeperceptError
from codepercept.rewards.cli import reward_server_cmd

app = typer.Typer(
    help="codepercept: executable plotting code as the ground truth of STEM figures.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True)

WORKERS_HELP = "Programs in flight (1-512; each is a sandbox process)."
OVERWRITE_HELP = (
    "Start over: empty --out first if it holds this command's run made with other arguments "
    "(never another command's directory, nor files codepercept did not make)."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"codepercept {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """codepercept: executable plotting code as the ground truth of STEM figures."""


def _read_source(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def _check_program(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    if value is None or value == "-":
        return value
    p = Path(value)
    if not p.exists():
        why = "does not exist"
    elif p.is_dir():
        why = "is a directory"
    elif not os.access(p, os.R_OK):
        why = "is not readable"
    else:
        return value
    raise typer.BadParameter(
        f"{value} {why}; give a .py file, or - for stdin", ctx=ctx, param=param
    )


@app.command("exec")
def exec_cmd(
    file: str | None = typer.Argument(
        None,
        metavar="FILE",
        help="Python program to run ('-' reads stdin); optional with --isolation.",
        callback=_check_program,
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Directory for figure.png, scene.json, result.json.",
        callback=check_out_dir,
    ),
    dpi: float = typer.Option(100, help="Rendering resolution (10-1200).", callback=check_dpi),
    timeout: float = typer.Option(
        30,
        help="Wall-clock limit in seconds (more than 0, at most 86400).",
        callback=check_float(0, 86400, lo_open=True, what=" seconds"),
    ),
    memory_mb: int = typer.Option(
        2048, min=64, max=1 << 20, help="Memory the program may allocate, in MB (at least 64)."
    ),
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
        raise typer.BadParameter(
            "give a program to run (a .py file, or - for stdin)", param_hint="FILE"
        )
    if file is not None and out is None:
        raise typer.BadParameter("--out is required to run a program", param_hint="--out")
    source = _read_source(file) if file is not None else b""
    if out is not None:
        from codepercept.jobdir import check_claimable

        check_claimable(out, "exec")  # refuse another command's directory before running
    with Executor(workers=1, dpi=dpi, timeout_s=timeout, memory_mb=memory_mb) as ex:
        if isolation:
            typer.echo(json.dumps(ex.isolation, indent=1))
        if file is None:
            return
        res = ex.run(source)
    assert out is not None
    paths = write_exec_outputs(res, out)

    color = "green" if res.ok else "red"
    # The message is the program's (an exception's text, or whatever a hostile one forged):
    # escaped, so "[/]" in it is text and not Rich markup (which would raise MarkupError).
    console.print(f"[{color}]{res.status}[/{color}] {escape(res.message)}  ({res.wall_s:.2f} s)")
    for p in paths:
        console.print(f"  wrote {escape(str(p))}")
    raise typer.Exit(0 if res.ok else 1)


@app.command("demo")
def demo(
    out: Path = typer.Option(
        Path("out/demo"), "--out", "-o", help="Where the demo writes.", callback=check_out_dir
    ),
    workers: int = typer.Option(2, help=WORKERS_HELP, callback=check_workers),
) -> None:
    """The main job on built-in defaults: sandbox + trace, ICC data, benchmark, report, TokenIT."""
    from codepercept.pipelines.demo import run_demo

    run_demo(out, workers=workers, say=lambda line: console.print(line))


def _check_backend(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    from codepercept.serve.backends import check_backend_spec

    why = check_backend_spec(value)
    if why is not None:
        raise typer.BadParameter(why, ctx=ctx, param=param)
    return value


def _check_fault(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    from codepercept.serve.faults import FAULTS

    return check_choice(*FAULTS)(ctx, param, value)


@app.command("serve")
def serve_cmd(
    backend: str = typer.Option(
        ...,
        "--backend",
        help="What answers: offline:DIR (every pipeline prompt answered from a `codepercept "
        "synth` dataset, deterministically; the reason-eval prompts with the nearest sample's "
        "caption), oracle:qa=N or oracle:DIR (the code-grounded captions of the reason-eval QA "
        "set or of a dataset, and the deterministic QA solver), qa-solver (that solver alone), "
        "static (one fixed program, at once) or hf:PATH (a local transformers checkpoint).",
        callback=_check_backend,
    ),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on (0.0.0.0: every interface).",
        callback=check_text("a host name or address"),
    ),
    port: int = typer.Option(
        8000, "--port", min=0, max=65535, help="Port to listen on (0-65535; 0 picks a free one)."
    ),
    model_name: str | None = typer.Option(
        None,
        "--model-name",
        help="The model name clients ask for (default: offline-DIRNAME, static, or the "
        "checkpoint's directory name).",
        callback=check_text("a model name"),
    ),
    latency_ms: float = typer.Option(
        0,
        "--latency-ms",
        help="Every completion waits this many milliseconds before it is answered, without "
        "holding up other requests (0-3600000).",
        callback=check_float(0, 3_600_000, what=" milliseconds"),
    ),
    fault: str | None = typer.Option(
        None,
        "--fault",
        help="Be a faulty server, for testing clients: 500, 429 (Retry-After: 1), timeout (no "
        "answer), malformed (a body that is not JSON), truncated (cut short), nocode (text, no "
        "code block) or empty (content '').",
        callback=_check_fault,
    ),
    fault_rate: float | None = typer.Option(
        None,
        "--fault-rate",
        help="Share of chat requests that get --fault, 0-1 (default 1): request i is faulted "
        "when floor(i*P) > floor((i-1)*P), so 0.25 is every 4th, reproducibly.",
        callback=check_float(0, 1),
    ),
) -> None:
    """Serve an OpenAI-compatible API (/v1/chat/completions, /v1/models, /health) until
    Ctrl-C or SIGTERM; prints one line when ready: serving BACKEND as MODEL at URL."""
    if fault_rate is not None and fault is None:
        raise typer.BadParameter("--fault-rate needs --fault", param_hint="--fault-rate")
    from codepercept.serve.app import ServeState, build_app
    from codepercept.serve.backends import make_backend
    from codepercept.serve.server import serve

    engine = make_backend(backend)
    name = model_name or engine.model_name
    state = ServeState()
    web = build_app(
        engine, model_name=name, latency_ms=latency_ms, fault=fault,
        fault_rate=1.0 if fault_rate is None else fault_rate, state=state,
    )  # fmt: skip

    def ready(url: str) -> None:
        sys.stdout.write(f"serving {backend} as {name} at {url}\n")
        sys.stdout.flush()

    serve(web, host, port, state=state, on_ready=ready, quiet_truncation=fault == "truncated")


app.command("reward-server")(reward_server_cmd)


def _mount(module: str, name: str, help: str) -> None:
    """Mount a sub-app from a module that may need optional dependencies (torch)."""
    import importlib

    try:
        sub = importlib.import_module(module).app
    except ImportError as exc:  # keep the rest of the CLI usable
        sub = typer.Typer(help=f"{help} (unavailable: {exc})")
    # The sub-app's own help (it documents its shortcuts, e.g. `caption SCENE_OR_DIR`); ``help``
    # is the fallback for a sub-app without one.
    app.add_typer(sub, name=name, help=sub.info.help or help)


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
_mount(
    "codepercept.tokenvl.cli",
    "tokenvl",
    "TokenVL: a document MLLM on the TokenOCR encoder (needs torch, transformers).",
)
_mount("codepercept.train.cli", "train", "S1 (sft) and R1 (grpo) on TRL (needs torch, trl).")

from codepercept.train.export_cli import export_cmd  # noqa: E402  (its options live there)

app.command("export")(export_cmd)

synth_app = typer.Typer(
    help="ICC data engine: procedural STEM figure programs.", rich_markup_mode=None
)
app.add_typer(synth_app, name="synth")


def _names(value: str | None) -> list[str] | None:
    """``a, b,c`` as ``["a", "b", "c"]`` (None when not given)."""
    return None if value is None else [x.strip() for x in value.split(",") if x.strip()]


def _check_names(
    what: str, known: Callable[[], Sequence[str]], see: str, *, single: bool = False
) -> Callable[[typer.Context, typer.CallbackParam, str | None], str | None]:
    """A callback for a comma-separated list of names (one name when ``single``), each one of
    ``known()`` (listed in the message when there are few, else ``see`` says where to look)."""

    def callback(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
        names = _names(value)
        if names is None:
            return value
        every = list(known())
        hint = f"choose from {', '.join(every)}" if len(every) <= 12 else f"see {see}"
        if not names:
            raise typer.BadParameter(f"{value!r} names no {what}; {hint}", ctx=ctx, param=param)
        if single and (len(names) > 1 or names[0] != value.strip()):
            raise typer.BadParameter(f"{value!r} is not one {what}; {hint}", ctx=ctx, param=param)
        bad = [x for x in names if x not in every]
        if bad:
            raise typer.BadParameter(
                f"unknown {what} {', '.join(map(repr, bad))}; {hint}", ctx=ctx, param=param
            )
        return value

    return callback


def _synth_domains() -> list[str]:
    from codepercept.synth.base import DOMAINS

    return list(DOMAINS)


def _synth_families() -> list[str]:
    from codepercept.synth import list_families

    return [f.name for f in list_families()]


def _corruptions() -> list[str]:
    from codepercept.bench.validate import CORRUPTIONS

    return list(CORRUPTIONS)


_SYNTH_LIST = "`codepercept synth list`"


@synth_app.callback(invoke_without_command=True)
def synth(
    ctx: typer.Context,
    n: int = typer.Option(100, "--n", min=1, max=MAX_COUNT, help="Samples to keep (1 to 10^9)."),
    seed: int = typer.Option(0, help="Run seed: same seed, same dataset."),
    out: str | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Dataset directory (required), or a filesystem URI (s3://bucket/icc, gs://..., "
        "file://...: written through a local staging directory, copied at each commit).",
        callback=check_out_target,
    ),
    domains: str | None = typer.Option(
        None,
        help="Comma-separated domains to draw from (see `synth list`).",
        callback=_check_names("domain", _synth_domains, _SYNTH_LIST),
    ),
    families: str | None = typer.Option(
        None,
        help="Comma-separated family names (see `synth list`).",
        callback=_check_names("family", _synth_families, _SYNTH_LIST),
    ),
    workers: int = typer.Option(2, help=WORKERS_HELP, callback=check_workers),
    format: str = typer.Option(
        "parquet",
        help="Shard format: parquet, webdataset or files.",
        callback=check_choice("parquet", "webdataset", "files"),
    ),
    shard_size: int = typer.Option(500, min=1, help="Samples per shard (at least 1)."),
    dpi: float = typer.Option(100, help="Rendering resolution (10-1200).", callback=check_dpi),
    reuse: int = typer.Option(
        32, min=1, help="Programs one sandbox process runs in turn (1: a fresh process each)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
    executor: str = EXECUTOR_OPT,
    ray_address: str | None = RAY_ADDRESS_OPT,
    ray_actors: int | None = RAY_ACTORS_OPT,
    ray_task_size: int = RAY_TASK_SIZE_OPT,
) -> None:
    """Generate N Image–Caption–Code triplets (resumable: re-run the same command after a kill)."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise typer.BadParameter("--out is required", param_hint="--out")
    ray = ray_options(executor, ray_address, ray_actors, ray_task_size)
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

    from codepercept.synth import list_families
    from codepercept.synth.pipeline import synthesize

    if not list_families(_names(domains), _names(families)):
        raise typer.BadParameter(
            f"none of {families} is in the domains {domains}; {_SYNTH_LIST} shows each "
            "family's domain",
            param_hint="--families",
        )
    with progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        "{task.fields[rate]}", TimeRemainingColumn(), console=console,
    ) as bar:  # fmt: skip
        task = bar.add_task("synth", total=n, rate="")
        t0 = [0.0, 0]
        import time as _time

        def on_progress(kept: int, total: int) -> None:
            if t0[0] == 0.0:
                t0[0], t0[1] = _time.perf_counter(), kept
            dt = _time.perf_counter() - t0[0]
            rate = f"{(kept - t0[1]) / dt:.1f}/s" if dt > 0 else ""
            bar.update(task, completed=kept, rate=rate)

        try:
            summary = synthesize(
                n, out, seed=seed, domains=_names(domains), family_names=_names(families),
                workers=workers, format=format, shard_size=shard_size, dpi=dpi,
                progress=on_progress, reuse=reuse, overwrite=overwrite, ray=ray,
            )  # fmt: skip
        except ValueError as exc:
            if isinstance(exc, CodeperceptError):
                raise
            raise typer.BadParameter(str(exc)) from None
    console.print(
        f"kept {summary['kept_total']} in {out}  ({summary['triplets_per_s']} candidates/s)"
    )
    console.print(f"dropped: {json.dumps(summary['dropped'])}")
    console.print("kept ratio per domain: " + ", ".join(
        f"{d} {v['kept_ratio']:.2f}" for d, v in summary["per_domain"].items()))  # fmt: skip
    console.print(f"summary: {str(out).rstrip('/')}/summary.json")


@synth_app.command("list")
def synth_list() -> None:
    """List the registered families by domain."""
    from codepercept.synth import list_families

    for fam in list_families():
        typer.echo(f"{fam.domain:16s} {fam.name:32s} {fam.description}")


@synth_app.command("preview")
def synth_preview(
    family: str = typer.Option(
        ...,
        "--family",
        "-f",
        help="Family name (see `synth list`).",
        callback=_check_names("family", _synth_families, _SYNTH_LIST, single=True),
    ),
    n: int = typer.Option(16, "--n", min=1, max=256, help="Seeds to draw (1-256)."),
    seed: int = typer.Option(0, help="First seed."),
    out: Path = typer.Option(
        Path("sheet.png"), "--out", "-o", help="Contact sheet PNG.", callback=check_out_file
    ),
) -> None:
    """Draw a contact sheet of one family."""
    from codepercept.synth.preview import contact_sheet

    try:
        statuses = contact_sheet(family, n=n, out=out, seed=seed)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0]), param_hint="--family") from None
    console.print(f"wrote {out}  {statuses}")


bench_app = typer.Typer(help="STEM2Code-Eval: build, run, report.", rich_markup_mode=None)
app.add_typer(bench_app, name="bench")


@bench_app.command("build")
def bench_build(
    n: int = typer.Option(200, "--n", min=1, max=MAX_COUNT, help="Items (1 to 10^9)."),
    seed: int = typer.Option(
        0, help="Benchmark seed (its own seed space, never the training one)."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Benchmark directory.", callback=check_out_dir
    ),
    exclude_dataset: Path | None = typer.Option(
        None, help="Training dataset to stay disjoint from.", callback=check_in_path("dir")
    ),
    workers: int = typer.Option(2, help=WORKERS_HELP, callback=check_workers),
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
    dpi: float = typer.Option(
        300,
        help="Resolution of the images and scenes (300: the official setting).",
        callback=check_dpi,
    ),
) -> None:
    """Build a held-out synthetic benchmark (images, bench.jsonl, manifest.json)."""
    from codepercept.bench import build_benchmark

    try:
        manifest = build_benchmark(
            n, out, seed=seed, exclude_dataset=exclude_dataset, workers=workers,
            overwrite=overwrite, dpi=dpi,
        )  # fmt: skip
    except (ValueError, FileNotFoundError) as exc:
        if isinstance(exc, CodeperceptError):
            raise
        raise typer.BadParameter(str(exc)) from None
    console.print(f"wrote {manifest['n']} items to {out}: {json.dumps(manifest['per_domain'])}")


def _check_openai_spec(
    ctx: typer.Context, param: typer.CallbackParam, value: str | None
) -> str | None:
    if value is None:
        return None
    kind, _, rest = value.partition(":")
    model, at, url = rest.partition("@")
    if kind != "openai" or not model or not at or not url.startswith(("http://", "https://")):
        raise typer.BadParameter(
            ctx=ctx,
            param=param,
            message=f"{value!r} is not openai:MODEL@BASE_URL (e.g. openai:qwen3-vl@http://127.0.0.1:8000/v1)",
        )
    return value


def _check_model(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    kind, sep, arg = value.partition(":")
    if kind in ("oracle", "blank") and not sep:
        return value
    if kind == "knn" and arg:
        check_in_path("dir")(ctx, param, Path(arg))
        return value
    if kind == "predictions" and arg:
        check_in_path("file")(ctx, param, Path(arg))
        return value
    if kind == "openai":
        return str(_check_openai_spec(ctx, param, value))
    raise typer.BadParameter(
        ctx=ctx,
        param=param,
        message=f"{value!r} is not a model: use oracle, blank, knn:TRAIN_DIR, predictions:FILE.jsonl "
        "or openai:MODEL@BASE_URL",
    )


@bench_app.command("run")
def bench_run(
    bench: Path = typer.Option(
        ..., "--bench", help="Benchmark dir or JSONL file.", callback=check_bench
    ),
    model: str = typer.Option(
        ...,
        "--model",
        help="oracle | blank | knn:DIR | predictions:FILE | openai:MODEL@URL",
        callback=_check_model,
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Run directory (resumable).", callback=check_out_dir
    ),
    workers: int = typer.Option(2, help=WORKERS_HELP, callback=check_workers),
    limit: int | None = typer.Option(None, min=1, help="Only the first N items (at least 1)."),
    judge: str | None = typer.Option(
        None,
        "--judge",
        help="LLM judge for the rubric Image and Code Scores: openai:MODEL@URL (optional; "
        "stored as row['judge'] beside the deterministic scores, cached in OUT/cache).",
        callback=_check_openai_spec,
    ),
    code_judge: str | None = typer.Option(
        None,
        "--code-judge",
        help="Another openai:MODEL@URL for the Code Score only.",
        callback=_check_openai_spec,
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
    dpi: float = typer.Option(
        300,
        help="Resolution the model's programs render at (300: the official convention, as "
        "the public harness saves them).",
        callback=check_dpi,
    ),
    concurrency: int = typer.Option(
        64,
        "--concurrency",
        min=1,
        max=4096,
        help="Requests an openai: model keeps in flight (a vLLM/SGLang server batches them).",
    ),
    executor: str = EXECUTOR_OPT,
    ray_address: str | None = RAY_ADDRESS_OPT,
    ray_actors: int | None = RAY_ACTORS_OPT,
    ray_task_size: int = RAY_TASK_SIZE_OPT,
) -> None:
    """Run a model on the benchmark; resumable; writes results.jsonl and summary.json."""
    from rich.table import Table

    from codepercept.bench import run_benchmark
    from codepercept.bench.judge import make_judge

    if code_judge and not judge:
        raise typer.BadParameter("--code-judge needs --judge", param_hint="--code-judge")
    ray = ray_options(executor, ray_address, ray_actors, ray_task_size)
    try:
        judge_fn = (
            make_judge(judge, out, code_spec=code_judge, max_concurrency=concurrency)
            if judge
            else None
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--judge") from None
    with counting(model, console) as on_progress:
        try:
            summary = run_benchmark(
                bench, model, out, workers=workers, limit=limit, progress=on_progress,
                judge=judge_fn, overwrite=overwrite, concurrency=concurrency, dpi=dpi, ray=ray,
            )  # fmt: skip
        except (ValueError, FileNotFoundError) as exc:
            if isinstance(exc, CodeperceptError):
                raise
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
    for w in summary.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {escape(str(w))}")
    if summary["overall"].get("model_errors"):
        console.print(
            f"[yellow]{summary['overall'].get('model_errors', 0)} items got no answer from the "
            "model (not scored; a re-run asks again)[/yellow]"
        )
    console.print(f"results: {out / 'results.jsonl'}  summary: {out / 'summary.json'}")
    if judge_fn is not None:
        console.print(f"judge scores stored in results; compare: codepercept bench agreement {out}")


@bench_app.command("agreement")
def bench_agreement(
    run: Path = typer.Argument(
        ...,
        metavar="RUN",
        help="Run directory (judged with `bench run --judge`).",
        callback=check_in_path("dir"),
    ),
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
    runs: list[Path] = typer.Argument(
        ..., metavar="RUNS", help="One or more run directories.", callback=check_in_path("dir")
    ),
    out: Path = typer.Option(
        Path("report.html"), "--out", "-o", help="HTML file to write.", callback=check_out_file
    ),
    bench: Path | None = typer.Option(
        None,
        "--bench",
        help="Benchmark for the reference images (default: as recorded).",
        callback=check_in_path(),
    ),
    max_items: int = typer.Option(
        300, min=0, help="Items shown in the gallery (0: none; the CSV has all)."
    ),
    thumb_px: int = typer.Option(
        320, min=16, max=4096, help="Largest side of gallery images, in pixels (16-4096)."
    ),
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
    for w in info.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {escape(str(w))}")
    console.print(f"wrote {info['html']} ({info['bytes'] / 1e6:.2f} MB, "
                  f"{info['gallery_items']} of {info['items']} items shown) and {info['csv']}")  # fmt: skip


@bench_app.command("validate")
def bench_validate(
    bench: Path | None = typer.Option(
        None,
        "--bench",
        help="Benchmark dir or JSONL file (default: generated programs).",
        callback=check_bench,
    ),
    n_programs: int = typer.Option(
        32, "--n-programs", min=2, max=MAX_COUNT, help="Programs to corrupt (2 to 10^9)."
    ),
    levels: int = typer.Option(5, min=2, max=50, help="Severity levels, including 0 (2-50)."),
    seed: int = typer.Option(0, help="Seed for program generation and corruptions."),
    workers: int = typer.Option(2, help=WORKERS_HELP, callback=check_workers),
    corruptions: str | None = typer.Option(
        None,
        help="Comma-separated corruption families (default: all).",
        callback=_check_names("corruption", _corruptions, "docs/bench.md"),
    ),
    realstyle: bool = typer.Option(
        False,
        "--realstyle",
        help="Use the built-in hand-written real-world-style charts instead of generated "
        "programs (docs/scores.md).",
    ),
    score_version: int = typer.Option(
        2, "--score-version", min=1, max=2, help="Score formulas to validate (1 or 2)."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the full result JSON.", callback=check_out_file
    ),
) -> None:
    """Metric validity: Spearman rho of each score against corruption severity and damage."""

    from codepercept._fs import atomic_write
    from codepercept.bench.validate import validate, validity_markdown

    with counting("validate", console) as on_progress:
        try:
            if realstyle and bench is not None:
                raise ValueError("--realstyle and --bench both name the programs: pass one")
            from codepercept.bench.realstyle import realstyle_programs

            programs = realstyle_programs() if realstyle else bench
            result = validate(
                programs, levels=levels, n_programs=n_programs, seed=seed, workers=workers,
                corruptions=_names(corruptions), progress=on_progress, version=score_version,
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
        atomic_write(out, json.dumps(result, indent=1))
        console.print(f"wrote {out}")


def _model_job_report(summary: dict) -> None:
    """The lines every model-driven job ends with: kept, drops, gates, the client's numbers."""
    console.print(f"kept {summary['kept']} of {summary['units']} units' candidates")
    if summary.get("drops"):
        console.print(f"dropped: {json.dumps(summary['drops'])}")
    gates = summary.get("gates") or {}
    for name, g in (gates.get("gates") or {}).items():
        if g.get("attempts"):
            console.print(f"  gate {name}: {g['passed']}/{g['attempts']} passed "
                          f"{json.dumps(g['reasons'])}")  # fmt: skip
    c = summary.get("client") or {}
    console.print(
        f"model: {c.get('answers', 0)} answers, {c.get('cache_hits', 0)} from cache, "
        f"{c.get('retries', 0)} retries, errors {json.dumps(c.get('errors', {}))}, "
        f"tokens {c.get('prompt_tokens', 0)} in / {c.get('completion_tokens', 0)} out, "
        f"latency p50 {c.get('latency_s', {}).get('p50')} s"
    )


def _run_model_job(name: str, fn, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]

    with counting(name, console) as on_progress:
        summary = fn(*args, progress=on_progress, **kwargs)
    _model_job_report(summary)
    console.print(f"summary: {kwargs.get('out') or args[2]}/summary.json")


# The options every model-driven job shares (an Option is read-only metadata: one serves all).
_SEEDS_HELP = 'Seed images: a directory of image files, one image, or a .jsonl of {"id", "image"}.'
_MODEL_OPT = typer.Option(
    ...,
    "--model",
    help="The model: openai:MODEL@BASE_URL (e.g. a `codepercept serve` or vLLM server).",
    callback=_check_openai_spec,
)
_DATASET_OUT_OPT = typer.Option(
    ...,
    "--out",
    "-o",
    help="Dataset directory (resumable), or a filesystem URI (s3://..., file://...: written "
    "through a local staging directory, copied at each commit).",
    callback=check_out_target,
)
_WORKERS_OPT = typer.Option(2, help=WORKERS_HELP, callback=check_workers)
_CONCURRENCY_OPT = typer.Option(
    64, "--concurrency", min=1, max=4096,
    help="Requests kept in flight (a vLLM/SGLang server batches them).",
)  # fmt: skip
_MODEL_TIMEOUT_OPT = typer.Option(
    120,
    "--model-timeout",
    help="Seconds one model request may take before it is retried (more than 0).",
    callback=check_float(0, 3600, lo_open=True),
)
_JOB_DPI_OPT = typer.Option(100, help="Rendering resolution (10-1200).", callback=check_dpi)
_OVERWRITE_OPT = typer.Option(False, "--overwrite", help=OVERWRITE_HELP)


@app.command("reproduce")
def reproduce_cmd(
    images: Path = typer.Option(
        ...,
        "--images",
        help=_SEEDS_HELP,
        callback=check_in_path(),
    ),
    model: str = _MODEL_OPT,
    out: str = _DATASET_OUT_OPT,
    workers: int = _WORKERS_OPT,
    concurrency: int = _CONCURRENCY_OPT,
    model_timeout: float = _MODEL_TIMEOUT_OPT,
    dpi: float = _JOB_DPI_OPT,
    overwrite: bool = _OVERWRITE_OPT,
    executor: str = EXECUTOR_OPT,
    ray_address: str | None = RAY_ADDRESS_OPT,
    ray_actors: int | None = RAY_ACTORS_OPT,
    ray_task_size: int = RAY_TASK_SIZE_OPT,
) -> None:
    """Image Reproduction: the model describes each seed image, then writes code for it; the
    program is run and gated, and a kept one becomes an ICC triplet with a code-grounded
    caption (the seed, the model's description and the prompt versions stored beside it)."""
    from codepercept.pipelines.modeldata import reproduce

    ray = ray_options(executor, ray_address, ray_actors, ray_task_size)
    _run_model_job("reproduce", reproduce, images, model, out, workers=workers,
                   concurrency=concurrency, dpi=dpi, overwrite=overwrite,
                   model_timeout_s=model_timeout, ray=ray)  # fmt: skip


@app.command("diversify")
def diversify_cmd(
    seeds: Path = typer.Option(
        ...,
        "--seeds",
        help=_SEEDS_HELP,
        callback=check_in_path(),
    ),
    model: str = _MODEL_OPT,
    out: str = _DATASET_OUT_OPT,
    k: int = typer.Option(4, "--k", min=1, max=16, help="Variants per seed (1-16)."),
    workers: int = _WORKERS_OPT,
    concurrency: int = _CONCURRENCY_OPT,
    model_timeout: float = _MODEL_TIMEOUT_OPT,
    dpi: float = _JOB_DPI_OPT,
    overwrite: bool = _OVERWRITE_OPT,
    executor: str = EXECUTOR_OPT,
    ray_address: str | None = RAY_ADDRESS_OPT,
    ray_actors: int | None = RAY_ACTORS_OPT,
    ray_task_size: int = RAY_TASK_SIZE_OPT,
) -> None:
    """Image Diversity: the model names the principle behind each seed, then writes K programs
    showing it differently; each is run, gated and kept only if it differs from its seed and
    from every kept item."""
    from codepercept.pipelines.modeldata import diversify

    ray = ray_options(executor, ray_address, ray_actors, ray_task_size)
    _run_model_job("diversify", diversify, seeds, model, out, k=k, workers=workers,
                   concurrency=concurrency, dpi=dpi, overwrite=overwrite,
                   model_timeout_s=model_timeout, ray=ray)  # fmt: skip


@app.command("refine-code")
def refine_code_cmd(
    data: Path = typer.Option(
        ...,
        "--data",
        help="ICC dataset (`codepercept synth --out DIR`).",
        callback=check_in_path("dir"),
    ),
    model: str = _MODEL_OPT,
    out: str = _DATASET_OUT_OPT,
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N samples."),
    workers: int = _WORKERS_OPT,
    concurrency: int = _CONCURRENCY_OPT,
    model_timeout: float = _MODEL_TIMEOUT_OPT,
    overwrite: bool = _OVERWRITE_OPT,
) -> None:
    """The image-to-code training target: a model's explanatory draft (step comments) corrected
    against the ground-truth code; kept only when it renders exactly the same pixels."""
    from codepercept.pipelines.modeldata import refine_code

    _run_model_job("refine-code", refine_code, data, model, out, limit=limit, workers=workers,
                   concurrency=concurrency, overwrite=overwrite,
                   model_timeout_s=model_timeout)  # fmt: skip


_REASON_MODEL_HELP = (
    "openai:MODEL@BASE_URL, or an offline baseline: oracle-caption (captioner; the QA set's "
    "code-grounded caption), qa-solver (solver; the QA set's deterministic caption reader), "
    "blank (answers nothing)."
)


def _check_reason_model(
    ctx: typer.Context, param: typer.CallbackParam, value: str | None
) -> str | None:
    if value is None:
        return None
    from codepercept.reason.runner import check_spec

    try:
        return check_spec(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None


_REASON_BENCHMARK_OPT = typer.Option(
    None,
    "--benchmark",
    help="mathvista | mathvision | mathverse | dynamath | wemath | logicvista (with --data).",
)
_REASON_DATA_OPT = typer.Option(
    None,
    "--data",
    help="The benchmark's distributed data file, or the directory holding it.",
    callback=check_in_path(),
)
_REASON_QA_SET_OPT = typer.Option(
    None,
    "--qa-set",
    min=1,
    max=100_000,
    help="Instead of a benchmark: the code-grounded QA set of N generated figures.",
)
_REASON_CONCURRENCY_OPT = typer.Option(
    8, "--concurrency", min=1, max=4096, help="Items in flight per run (1-4096)."
)
_REASON_LIMIT_OPT = typer.Option(
    None, "--limit", min=1, help="Only the first N items (at least 1; grows into the full run)."
)


@app.command("reason-eval")
def reason_eval_cmd(
    mode: str = typer.Option(
        ...,
        "--mode",
        help="captioner (captioner describes the image, a text-only solver answers), direct "
        "(one model answers from the image) or solver-only (the solver sees the question "
        "alone: the floor).",
        callback=check_choice("captioner", "direct", "solver-only"),
    ),
    benchmark: str | None = _REASON_BENCHMARK_OPT,
    data: Path | None = _REASON_DATA_OPT,
    qa_set: int | None = _REASON_QA_SET_OPT,
    captioner: str | None = typer.Option(
        None,
        "--captioner",
        help="Captioner (captioner mode). " + _REASON_MODEL_HELP,
        callback=_check_reason_model,
    ),
    solver: str | None = typer.Option(
        None,
        "--solver",
        help="Text-only solver (captioner and solver-only modes).",
        callback=_check_reason_model,
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        help="Multimodal model (direct mode).",
        callback=_check_reason_model,
    ),
    concurrency: int = _REASON_CONCURRENCY_OPT,
    limit: int | None = _REASON_LIMIT_OPT,
    out: Path = typer.Option(
        ..., "--out", "-o", help="Run directory (resumable).", callback=check_out_dir
    ),
    overwrite: bool = _OVERWRITE_OPT,
) -> None:
    """Perception -> reasoning: answer STEM visual-reasoning questions through a captioner and
    a text-only solver, directly, or from the question alone; resumable; writes results.jsonl
    and summary.json."""
    from codepercept.jobdir import check_claimable
    from codepercept.reason.runner import run_reason_eval

    _check_reason_source(benchmark, data, qa_set)
    need = {"captioner": ("captioner", "solver"), "direct": ("model",),
            "solver-only": ("solver",)}[mode]  # fmt: skip
    given = {"captioner": captioner, "solver": solver, "model": model}
    for name in need:
        if not given[name]:
            raise typer.BadParameter(f"--mode {mode} needs --{name}", param_hint=f"--{name}")
    for name, value in given.items():
        if value and name not in need:
            raise typer.BadParameter(f"--mode {mode} does not use --{name}",
                                     param_hint=f"--{name}")  # fmt: skip
    check_claimable(out, "reason-eval")
    items, kwargs = _reason_items(benchmark, data, qa_set, limit)
    with counting(f"reason-eval {mode}", console) as on_progress:
        summary = run_reason_eval(items, mode, out, captioner=captioner, solver=solver,
                                  model=model, concurrency=concurrency, progress=on_progress,
                                  overwrite=overwrite, **kwargs)  # fmt: skip
    for name, b in summary["benchmarks"].items():
        console.print(f"{name}: {b['correct']}/{b['n']} correct ({100 * b['accuracy']:.1f} %), "
                      f"errors {json.dumps(b['errors'])}")  # fmt: skip
    console.print(f"statuses {json.dumps(summary['statuses'])}; pending {summary['pending']}")
    console.print(f"results: {out / 'results.jsonl'}  summary: {out / 'summary.json'}")


def _check_reason_models(
    ctx: typer.Context, param: typer.CallbackParam, value: str | None
) -> str | None:
    """Comma-separated model specs, each checked; returned normalised, joined by commas."""
    if value is None:
        return None
    from codepercept.reason.runner import check_spec

    specs = [v.strip() for v in value.split(",")]
    if not any(specs):
        raise typer.BadParameter("needs at least one model spec (comma-separated)", ctx=ctx,
                                 param=param)  # fmt: skip
    if not all(specs):
        raise typer.BadParameter(f"holds an empty spec: {value!r}", ctx=ctx, param=param)
    try:
        return ",".join(check_spec(v) for v in specs)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None


def _check_reason_source(benchmark: str | None, data: Path | None, qa_set: int | None) -> None:
    """``--benchmark`` with ``--data``, or ``--qa-set``: exactly one item source."""
    if (qa_set is None) == (benchmark is None and data is None):
        raise typer.BadParameter(
            "give --benchmark NAME --data PATH, or --qa-set N (not both)", param_hint="--qa-set"
        )
    if qa_set is None and (benchmark is None or data is None):
        hint = "--data" if data is None else "--benchmark"
        raise typer.BadParameter(f"--benchmark and --data go together: give {hint}",
                                 param_hint=hint)  # fmt: skip


def _reason_items(
    benchmark: str | None, data: Path | None, qa_set: int | None, limit: int | None
) -> tuple[list, dict]:
    """The items of ``--benchmark``/``--data`` or ``--qa-set``, and run_reason_eval's keywords
    (images, captions, source, inputs)."""
    _check_reason_source(benchmark, data, qa_set)
    if qa_set is not None:
        from codepercept.reason.qa import build_qa_set

        items, images, captions = build_qa_set(qa_set)
        items = items[:limit] if limit is not None else items
        return items, {"images": images, "captions": captions,
                       "source": {"qa_set": qa_set, "seed": 0}}  # fmt: skip
    from codepercept.reason import load_benchmark

    assert benchmark is not None and data is not None
    try:
        items = load_benchmark(benchmark, data, limit=limit)
    except ValueError as exc:
        if isinstance(exc, CodeperceptError):
            raise
        raise typer.BadParameter(str(exc), param_hint="--data") from None
    return items, {"source": {"benchmark": items[0].benchmark if items else benchmark},
                   "inputs": {"data": data}}  # fmt: skip


@app.command("reason-grid")
def reason_grid_cmd(
    captioners: str = typer.Option(
        ...,
        "--captioners",
        help="Comma-separated captioner specs (the grid's rows). " + _REASON_MODEL_HELP,
        callback=_check_reason_models,
    ),
    solvers: str = typer.Option(
        ...,
        "--solvers",
        help="Comma-separated text-only solver specs (the grid's columns; each also runs "
        "solver-only, the floor).",
        callback=_check_reason_models,
    ),
    benchmark: str | None = _REASON_BENCHMARK_OPT,
    data: Path | None = _REASON_DATA_OPT,
    qa_set: int | None = _REASON_QA_SET_OPT,
    concurrency: int = _REASON_CONCURRENCY_OPT,
    limit: int | None = _REASON_LIMIT_OPT,
    out: Path = typer.Option(
        ..., "--out", "-o", help="Grid directory (resumable).", callback=check_out_dir
    ),
    overwrite: bool = _OVERWRITE_OPT,
) -> None:
    """The scaling grid: reason-eval in captioner mode for every captioner x solver pair, plus
    each solver's solver-only floor, one resumable run directory each; writes grid.csv and a
    self-contained grid.html (heat map, per-benchmark bars, captions)."""
    from codepercept.jobdir import check_claimable
    from codepercept.reason.grid import check_specs, run_grid

    caps = check_specs(captioners.split(","), "captioner")  # each spec checked by the callback
    sols = check_specs(solvers.split(","), "solver")
    items, kwargs = _reason_items(benchmark, data, qa_set, limit)
    check_claimable(out, "reason-grid")
    with progress("[progress.description]{task.description}", console=console) as bar:
        task = bar.add_task("reason-grid", total=None)

        def on_progress(name: str, done: int, total: int) -> None:
            bar.update(task, description=f"reason-grid {name}", completed=done, total=total)

        result = run_grid(items, out, caps, sols, concurrency=concurrency, overwrite=overwrite,
                          progress=on_progress, **kwargs)  # fmt: skip
    for r in result["rows"]:
        if r["category"] == "all":
            console.print(f"{escape(r['captioner'])} -> {escape(r['solver'])} "
                          f"({escape(r['benchmark'])}): "
                          f"{r['correct']}/{r['n']} ({100 * r['accuracy']:.1f} %)")  # fmt: skip
    console.print(f"grid: {result['csv']}  page: {result['html']}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: the process's) and return the exit status;
    every error is one line on stderr (see :mod:`codepercept._cli`)."""
    return _run(app, argv)


def entry() -> None:  # pragma: no cover - the console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
