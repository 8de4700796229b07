"""``codepercept caption``: describe a scene, verify a caption, correct a caption.

    codepercept caption SCENE_OR_DIR [--style dense|brief] [--seed N]
    codepercept caption verify --caption TEXT|FILE --scene scene.json [--json]
    codepercept caption correct --caption TEXT|FILE --scene scene.json [--model MODEL@URL]

A scene is a ``scene.json`` (as ``codepercept exec`` writes it) or a directory holding one;
``describe`` also takes a directory of such directories and captions each. ``facts.json``
next to a scene (generator facts) is used when present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from codepercept._cli import check_choice
from codepercept.caption import STYLES
from codepercept.caption import correct as correct_caption
from codepercept.caption import describe as describe_scene
from codepercept.caption import verify as verify_caption
from codepercept.scene.model import Scene

console = Console()


class _DescribeByDefault(TyperGroup):
    """Route ``caption PATH`` to the ``describe`` command; ``verify``/``correct`` as usual."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["describe", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DescribeByDefault,
    help="Code-grounded captions: describe, verify, correct. `codepercept caption SCENE_OR_DIR` "
    "is short for `codepercept caption describe SCENE_OR_DIR`.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _scene_files(path: Path, hint: str = "SCENE_OR_DIR") -> list[Path]:
    if path.is_file():
        return [path]
    if (path / "scene.json").is_file():
        return [path / "scene.json"]
    if path.is_dir():
        found = sorted(path.glob("*/scene.json"))
        if found:
            return found
    raise typer.BadParameter(
        f"{path} is neither a scene.json nor a directory holding one "
        "(write one with `codepercept exec PROGRAM --out DIR`)",
        param_hint=hint,
    )


def _load(path: Path, hint: str = "SCENE_OR_DIR") -> tuple[Scene, dict[str, Any] | None]:
    try:
        scene = Scene.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise typer.BadParameter(
            f"cannot read a scene from {path}: {exc}", param_hint=hint
        ) from None
    facts_path = path.with_name("facts.json")
    facts = None
    if facts_path.is_file():
        try:
            facts = json.loads(facts_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(
                f"cannot read the facts in {facts_path}: {exc}", param_hint=hint
            ) from None
        if not isinstance(facts, dict):
            raise typer.BadParameter(f"{facts_path} does not hold a JSON object", param_hint=hint)
    return scene, facts


def _check_model(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """``MODEL@BASE_URL`` with an http(s) URL (``openai:MODEL@URL``, as ``bench run`` takes
    it, is accepted too and means the same)."""
    if value is None:
        return None
    spec = value.removeprefix("openai:")
    model, at, url = spec.partition("@")
    if not at or not model.strip() or not url.startswith(("http://", "https://")):
        raise typer.BadParameter(
            f"{value!r} is not MODEL@BASE_URL with an http(s) URL "
            "(e.g. qwen3-vl@http://127.0.0.1:8000/v1)",
            ctx=ctx,
            param=param,
        )
    return spec


_TEXT_SUFFIXES = (".txt", ".md", ".caption", ".json", ".text")


def _caption_text(value: str) -> str:
    """The caption: ``value`` itself, or the text of the file it names (``-``: stdin). A value
    that looks like a path (one word with a ``/`` or a text-file suffix) but names no file is
    an error, not a caption to verify."""
    import sys

    if value == "-":
        text = sys.stdin.read().strip()
        if not text:
            raise typer.BadParameter("stdin held no caption", param_hint="--caption")
        return text
    if not value.strip():
        raise typer.BadParameter("the caption is empty", param_hint="--caption")
    p = Path(value)
    if len(value) < 4096 and "\n" not in value and p.is_dir():
        raise typer.BadParameter(
            f"{value} is a directory; give the caption text, a file holding it, or - for stdin",
            param_hint="--caption",
        )
    if len(value) < 4096 and "\n" not in value and p.is_file():
        try:
            text = p.read_text(encoding="utf-8").strip()
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(f"cannot read {p}: {exc}", param_hint="--caption") from None
        if not text:
            raise typer.BadParameter(f"{p} is empty; it holds no caption", param_hint="--caption")
        return text
    one_word = len(value.split()) == 1
    if one_word and ("/" in value or value.lower().endswith(_TEXT_SUFFIXES)):
        raise typer.BadParameter(
            f"{value!r} looks like a file name but there is no such file (give the caption "
            "text, a file that exists, or - for stdin)",
            param_hint="--caption",
        )
    return value


@app.command("describe")
def describe_cmd(
    scene_or_dir: Path = typer.Argument(
        ...,
        metavar="SCENE_OR_DIR",
        help="scene.json, a directory with one, or a directory of those.",
    ),
    style: str = typer.Option(
        "dense",
        help="dense (complete) or brief (2-3 sentences).",
        callback=check_choice("dense", "brief"),
    ),
    seed: int = typer.Option(0, help="Phrasing seed."),
) -> None:
    """Print a caption generated from the scene (one per scene)."""
    if style not in STYLES:
        raise typer.BadParameter("choose dense or brief", param_hint="--style")
    files = _scene_files(scene_or_dir)
    for f in files:
        scene, facts = _load(f)
        text = describe_scene(scene, facts, style=style, seed=seed)
        if len(files) > 1:
            console.print(f"[bold]{f.parent.name}[/bold]")
        console.print(text, highlight=False, soft_wrap=True)


@app.command("verify")
def verify_cmd(
    caption: str = typer.Option(
        ..., "--caption", help="Caption text, a file holding it, or - (stdin)."
    ),
    scene: Path = typer.Option(..., "--scene", help="scene.json or a directory with one."),
    as_json: bool = typer.Option(False, "--json", help="Print the claims as JSON lines."),
) -> None:
    """Print every checkable claim of the caption with its verdict; exit 1 if any is contradicted."""
    sc, facts = _load(_scene_files(scene, "--scene")[0], "--scene")
    claims = verify_caption(_caption_text(caption), sc, facts)
    if as_json:
        for c in claims:
            typer.echo(json.dumps(c.to_dict(), ensure_ascii=False))
    else:
        table = Table("span", "kind", "claim", "verdict", "evidence", "fix")
        colour = {"supported": "green", "contradicted": "red", "unverifiable": "yellow"}
        for c in claims:
            table.add_row(
                f"{c.start}-{c.end}",
                c.kind,
                c.text,
                f"[{colour[c.verdict]}]{c.verdict}",
                c.evidence,
                c.replacement or "",
            )
        console.print(table)
    raise typer.Exit(1 if any(c.verdict == "contradicted" for c in claims) else 0)


@app.command("correct")
def correct_cmd(
    caption: str = typer.Option(
        ..., "--caption", help="Caption text, a file holding it, or - (stdin)."
    ),
    scene: Path = typer.Option(..., "--scene", help="scene.json or a directory with one."),
    model: str | None = typer.Option(
        None,
        help="MODEL@BASE_URL of an OpenAI-compatible endpoint for refinement.",
        callback=_check_model,
    ),
) -> None:
    """Print the caption with its contradicted spans rewritten from the scene."""
    sc, facts = _load(_scene_files(scene, "--scene")[0], "--scene")
    text = _caption_text(caption)
    client = None
    if model:
        from codepercept.models.openai import OpenAIChat

        try:
            client = OpenAIChat.from_spec(model)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--model") from None
    console.print(
        correct_caption(text, sc, facts, client=client),
        highlight=False,
        soft_wrap=True,
    )
