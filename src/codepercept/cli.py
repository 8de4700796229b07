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


def main() -> None:  # pragma: no cover
    app()
