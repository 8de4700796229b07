"""``codepercept export``: the command's options; :func:`~codepercept.train.export.export_sft`
does the work.

Registered on the root app by :mod:`codepercept.cli` (``app.command("export")(export_cmd)``).
Only light modules are imported here; the library is imported when the command runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from codepercept._cli import check_choice, check_in_path, check_out_dir, progress
from codepercept.train.export_formats import FORMATS

console = Console(stderr=True)
_TASKS = ("caption", "image2code", "both")


def _check_fraction(ctx: typer.Context, param: typer.CallbackParam, value: float) -> float:
    if not (math.isfinite(value) and 0 <= value < 1):
        raise typer.BadParameter(
            f"{value!r} is not a fraction from 0 up to (not including) 1", ctx=ctx, param=param
        )
    return value


def export_cmd(
    icc: Path = typer.Argument(
        ...,
        metavar="ICC_DIR",
        help="ICC dataset (`codepercept synth`, reproduce, diversify or refine-code output).",
        callback=check_in_path("dir"),
    ),
    format: str = typer.Option(
        ...,
        "--format",
        help="The trainer's layout: ms-swift (JSONL messages + images), llamafactory (sharegpt "
        "JSONL + dataset_info.json), trl (Parquet, typed message parts, images inside) or "
        "sharegpt (JSONL conversations + images).",
        callback=check_choice(*FORMATS),
    ),
    task: str = typer.Option(
        "both",
        "--task",
        help="caption (describe prompt -> the code-grounded caption), image2code (the official "
        "STEM2Code prompt -> the code in a python block) or both (two rows per record).",
        callback=check_choice(*_TASKS),
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Export directory (split files, images/, README.md card, export.json).",
        callback=check_out_dir,
    ),
    val_fraction: float = typer.Option(
        0.05,
        "--val-fraction",
        help="Share of family seeds held out for validation, 0 up to (not including) 1; a seed's "
        "records all land on one side.",
        callback=_check_fraction,
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the train/validation split."),
    overwrite: bool = typer.Option(
        False,
        "--overwrite",
        help="Start over: empty --out first if it holds an export made with other arguments "
        "(never another command's directory, nor files codepercept did not make).",
    ),
) -> None:
    """SFT data for a trainer (ms-swift, LLaMA-Factory, TRL, ShareGPT) from an ICC dataset:
    captioning and image-to-code conversations with the paper's prompts, a train/validation
    split that keeps each family seed on one side, and a dataset card (README.md)."""
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

    from codepercept.train.export import export_sft

    with progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as bar:  # fmt: skip
        job = bar.add_task("export", total=None)

        def on_progress(done: int, total: int) -> None:
            bar.update(job, completed=done, total=total)

        s = export_sft(
            icc, out, format=format, task=task, val_fraction=val_fraction, seed=seed,
            overwrite=overwrite, progress=on_progress,
        )  # fmt: skip
    for split in ("train", "val"):
        r = s["rows"][split]
        per_task = ", ".join(f"{k} {v}" for k, v in r.items() if k != "total") or "none"
        where = s["files"].get(split) or "not written (empty)"
        console.print(
            f"{split}: {r['total']} rows ({per_task}) from {s['records'][split]} records in "
            f"{s['groups'][split]} groups -> {escape(str(where))}"
        )
    if s["skipped"]:
        console.print(f"[yellow]skipped rows:[/yellow] {escape(str(s['skipped']))}")
    console.print(
        f"card: {escape(str(out / 'README.md'))}  summary: {escape(str(out / 'export.json'))}"
    )
