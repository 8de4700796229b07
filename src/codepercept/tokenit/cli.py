"""``codepercept tokenit``: generate TokenIT data and look at one token's mask.

A thin layer: each command parses its arguments and calls one library function.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from codepercept._cli import (
    EXECUTOR_OPT,
    MAX_COUNT,
    RAY_ACTORS_OPT,
    RAY_ADDRESS_OPT,
    RAY_TASK_SIZE_OPT,
    check_out_file,
    check_out_target,
    check_text,
    check_workers,
    ray_options,
)

app = typer.Typer(
    help="TokenIT: text images with exact per-BPE-token pixel masks.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)


def _check_domains(
    ctx: typer.Context, param: typer.CallbackParam, value: list[str] | None
) -> list[str] | None:
    from codepercept.tokenit.generate import check_domains

    if not value:
        return value
    doms = [d.strip() for item in value for d in item.split(",") if d.strip()]
    if not doms:
        raise typer.BadParameter(f"{','.join(value)!r} names no domain", ctx=ctx, param=param)
    try:
        check_domains(doms)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None
    return doms


def _check_tokenizer(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    """``qwen``, or a tokenizer file that loads (read here, before any work: a file that is
    not a tokenizer fails now with its name, not midway through a run)."""
    if value == "qwen":
        return value
    path = Path(value)
    if not path.is_file():
        raise typer.BadParameter(
            f"{value!r} is neither 'qwen' nor a tokenizer file that exists", ctx=ctx, param=param
        )
    try:
        if path.stat().st_size == 0:
            raise ValueError(f"{value} is empty")
        from codepercept.tokenit.tokenizer import load_tokenizer

        load_tokenizer(path)
    except (OSError, ValueError, ImportError) as exc:
        raise typer.BadParameter(
            f"{value} is not a usable tokenizer ({exc}); give 'qwen', a tokenizer.json or a "
            "tiktoken BPE file",
            ctx=ctx,
            param=param,
        ) from None
    return value


console = Console()


@app.callback()
def main(
    ctx: typer.Context,
    n: int = typer.Option(
        None, "--n", min=1, max=MAX_COUNT, help="number of samples to keep (1 to 10^9)"
    ),
    out: str | None = typer.Option(
        None,
        "--out",
        help="output dataset directory, or a filesystem URI (s3://..., file://...: written "
        "through a local staging directory, copied at each commit)",
        callback=check_out_target,
    ),
    domains: list[str] = typer.Option(
        None,
        "--domains",
        help="documents, scene, stem, code, gui, stem_synthetic (repeat; default all but "
        "stem_synthetic)",
        callback=_check_domains,
    ),
    tokenizer: str = typer.Option(
        "qwen",
        "--tokenizer",
        help="'qwen' or a tokenizer.json / tiktoken BPE file",
        callback=_check_tokenizer,
    ),
    workers: int = typer.Option(1, "--workers", help="worker processes", callback=check_workers),
    seed: int = typer.Option(0, "--seed", help="dataset seed"),
    overwrite: bool = typer.Option(
        False,
        "--overwrite",
        help="Start over: empty --out first if it holds a tokenit run made with other arguments.",
    ),
    executor: str = EXECUTOR_OPT,
    ray_address: str | None = RAY_ADDRESS_OPT,
    ray_actors: int | None = RAY_ACTORS_OPT,
    ray_task_size: int = RAY_TASK_SIZE_OPT,
) -> None:
    """Generate a dataset: `codepercept tokenit --n N --out DIR [options]`."""
    if ctx.invoked_subcommand is not None:
        return
    if n is None or out is None:
        raise typer.BadParameter("pass --n N and --out DIR (or use `tokenit show`)", ctx=ctx)
    ray = ray_options(executor, ray_address, ray_actors, ray_task_size)
    from rich.progress import Progress

    from codepercept.tokenit.generate import generate

    doms = [d for item in (domains or []) for d in item.split(",") if d]
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("rendering", total=n)
            summary = generate(
                n,
                out,
                doms or None,
                tokenizer,
                workers,
                seed,
                progress=lambda kept, total: bar.update(task, completed=kept),
                overwrite=overwrite,
                ray=ray,
            )
    except ImportError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx) from None
    console.print(summary)


@app.command("show")
def show_cmd(
    sample: str = typer.Argument(..., metavar="SAMPLE", help="DIR, DIR/ID or DIR:ID"),
    token: str = typer.Option(
        ...,
        "--token",
        help='token text, e.g. " the"',
        callback=check_text("a token's text", blank_ok=True),
    ),
    out: Path = typer.Option(
        Path("overlay.png"), "--out", help="output PNG", callback=check_out_file
    ),
) -> None:
    """Overlay one token's masks on a sample's image."""
    from codepercept.tokenit.show import show

    try:
        info = show(sample, token, out)
    except (KeyError, FileNotFoundError) as exc:
        raise typer.BadParameter(str(exc.args[0] if exc.args else exc)) from None
    console.print(
        f"{info['matches']} occurrence(s) of {info['token']!r} in {info['sample']} → {info['out']}"
    )
