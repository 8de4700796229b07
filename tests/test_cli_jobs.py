"""Through the command line: no command writes into another command's directory, nor into files
codepercept did not make; refusals are one line, exit 2, and leave every byte as it was."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from codepercept.cli import main
from codepercept.jobdir import claim


def _snapshot(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            key = str(p.relative_to(root))
            out[key] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def owned(tmp_path):
    """A directory made by each of three commands, each with a file of its own."""
    dirs = {}
    for command in ("bench run", "synth", "bench build"):
        d = tmp_path / command.replace(" ", "_")
        claim(d, command, {"model": "oracle"}).release()
        (d / "summary.json").write_text('{"model": "oracle", "overall": 68.07}')
        dirs[command] = d
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter1.tex").write_text("precious")
    dirs["foreign"] = foreign
    return dirs


CASES = [
    ("synth", "bench run", "synth --n 2 --out {d}"),
    ("synth overwrite", "bench run", "synth --n 2 --out {d} --overwrite"),
    ("synth foreign", "foreign", "synth --n 2 --out {d} --overwrite"),
    ("bench build", "synth", "bench build --n 2 --out {d}"),
    ("bench build overwrite", "bench run", "bench build --n 2 --out {d} --overwrite"),
    ("tokenit", "synth", "tokenit --n 2 --out {d} --domains documents"),
    ("tokenit foreign", "foreign", "tokenit --n 2 --out {d} --domains documents --overwrite"),
    ("exec", "bench run", "exec {prog} --out {d}"),
    ("exec foreign", "foreign", "exec {prog} --out {d}"),
    ("report", "bench run", "bench report {d} --out {d}/report.html"),
    ("preview", "synth", "synth preview --family cube_net --n 1 --out {d}/sheet.png"),
]


@pytest.mark.parametrize(("name", "owner", "argv"), CASES, ids=[c[0] for c in CASES])
def test_a_command_never_writes_into_another_commands_directory(
    name, owner, argv, owned, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    prog = tmp_path / "p.py"
    prog.write_text("import matplotlib.pyplot as plt\nplt.plot([0, 1])\n")
    before = _snapshot(tmp_path)
    rc = main(argv.format(d=owned[owner], prog=prog).split())
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert rc == 2, err
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert "belongs to" in err[0] or "not empty" in err[0] or "report" in name, err[0]
    assert _snapshot(tmp_path) == before
