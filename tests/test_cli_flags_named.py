"""Every ``--flag`` a message or docstring of codepercept names is a real option of its CLI
(an error once told users to pass ``--embed-dim``, which never existed)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

import codepercept
from codepercept.cli import app

#: Flags of other programs that codepercept's text names on purpose.
OTHERS = {
    "--no-sandbox", "--headless", "--disable-gpu", "--user-data-dir", "--nproc_per_node",
    "--nproc-per-node", "--standalone", "--version", "--help", "--user", "--scope",
    "--dataset",  # ms-swift's `swift sft --dataset` in the export's dataset card
    "--head", "--port", "--num-cpus", "--address",  # `ray start --head` (docs/ray.md)
    "--include-dashboard", "--disable-usage-stats",
}  # fmt: skip


def _options(cmd, seen: set[str]) -> None:
    for p in getattr(cmd, "params", []):
        for opt in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])]:
            if opt.startswith("--"):
                seen.add(opt)
    for sub in getattr(cmd, "commands", {}).values():
        _options(sub, seen)


def test_every_flag_named_in_the_source_exists():
    known: set[str] = set()
    _options(typer.main.get_command(app), known)
    root = Path(codepercept.__file__).parent
    for script in (root.parents[1] / "benchmarks").glob("*.py"):  # docs cite their flags too
        known.update(re.findall(r"add_argument\(\s*\"(--[a-z0-9-]+)\"", script.read_text()))
    missing = {}
    docs = [root.parents[1] / "README.md", *sorted((root.parents[1] / "docs").glob("*.md"))]
    for path in [*sorted(root.rglob("*.py")), *(d for d in docs if d.exists())]:
        if "families" in path.parts:  # generated matplotlib programs, not messages
            continue
        for m in re.finditer(r"(?<![\w-])--[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*", path.read_text()):
            flag = m.group(0)
            # a flag with "_" or "." is another program's (TRL, ms-swift, OpenRLHF, verl's
            # dotted keys): codepercept's options are spelled with hyphens only
            if "_" in flag or "." in flag:
                continue
            if flag not in known and flag not in OTHERS:
                missing.setdefault(flag, path.name)
    assert not missing, f"flags named but not options of the CLI: {missing}"
