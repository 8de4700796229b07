"""``codepercept tokenit``: generate TokenIT data and look at one token's mask.

A thin layer: each command parses its arguments and calls one library function.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    help="TokenIT: text images with exact per-BPE-token pixel masks.",
    invoke_without_command=True,
    no_args_is_help=False,
)
console = Console()


@app.callback()
def main(
    ctx: typer.Context,
    n: int = typer.Option(None, "--n", help="number of samples to keep"),
    out: Path = typer.Option(None, "--out", help="output dataset directory"),
    domains: list[str] = typer.Option(
        None,
        "--domains",
        help="documents, scene, stem, code, gui, stem_synthetic (repeat; default all but "
        "stem_synthetic)",
    ),
    tokenizer: str = typer.Option(
        "qwen", "--tokenizer", help="'qwen' or a tokenizer.json / tiktoken BPE file"
    ),
    workers: int = typer.Option(1, "--workers", help="worker processes"),
    seed: int = typer.Option(0, "--seed", help="dataset seed"),
) -> None:
    """Generate a dataset: `codepercept tokenit --n N --out DIR [options]`."""
    if ctx.invoked_subcommand is not None:
        return
    if n is None or out is None:
        console.print("[red]error:[/red] pass --n N and --out DIR (or use `tokenit show`)")
        raise typer.Exit(2)
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
            )
    except (ValueError, FileNotFoundError, ImportError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(summary)


@app.command("show")
def show_cmd(
    sample: str = typer.Argument(..., help="DIR, DIR/ID or DIR:ID"),
    token: str = typer.Option(..., "--token", help='token text, e.g. " the"'),
    out: Path = typer.Option(Path("overlay.png"), "--out", help="output PNG"),
) -> None:
    """Overlay one token's masks on a sample's image."""
    from codepercept.tokenit.show import show

    try:
        info = show(sample, token, out)
    except (KeyError, FileNotFoundError) as exc:
        console.print(f"[red]error:[/red] {exc.args[0] if exc.args else exc}")
        raise typer.Exit(2) from None
    console.print(
        f"{info['matches']} occurrence(s) of {info['token']!r} in {info['sample']} → {info['out']}"
    )
