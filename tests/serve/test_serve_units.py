"""The pieces of `codepercept serve` that need no server: the fault schedule, token counts,
the offline backend's step comments and comment carrying, and the command's one-line errors
(`hf:PATH` without transformers, a port in use)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from codepercept.cli import main
from codepercept.serve.backends import HF_MISSING
from codepercept.serve.faults import FaultSchedule
from codepercept.serve.offline import carry_comments, step_comments
from codepercept.serve.protocol import count_tokens, truncate_tokens

PROGRAM = """\
import matplotlib.pyplot as plt
import numpy as np

# Data
xs = np.linspace(0, 1, 5)
ys = xs**2

fig, ax = plt.subplots()
for x, y in zip(xs, ys):
    ax.plot([x], [y], "o")
ax.set_title("squares")

plt.show()
"""


def _faulted(rate: float, n: int) -> list[int]:
    s = FaultSchedule("500", rate)
    return [i for i in range(1, n + 1) if s.next()]


def test_fault_schedule_is_every_kth_and_exact() -> None:
    assert _faulted(1.0, 5) == [1, 2, 3, 4, 5]
    assert _faulted(0.0, 5) == []
    assert _faulted(0.25, 12) == [4, 8, 12]
    assert _faulted(0.5, 6) == [2, 4, 6]
    assert len(_faulted(0.1, 1000)) == 100  # 0.1 as written, not as a binary fraction
    assert len(_faulted(0.3, 1000)) == 300
    assert FaultSchedule(None).next() is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultSchedule("500", 1.5)


def test_tokens_are_counted_and_cut_deterministically() -> None:
    assert count_tokens("fig, ax = plt.subplots()") == 9  # fig , ax = plt . subplots ( )
    assert count_tokens("") == 0
    assert truncate_tokens("a b c d", 2) == ("a b", True)
    assert truncate_tokens("a b", 2) == ("a b", False)
    assert truncate_tokens("a b  ", 2) == ("a b", False)  # trailing space is no token
    assert truncate_tokens("x", None) == ("x", False)


def test_step_comments_only_add_step_lines() -> None:
    out = step_comments(PROGRAM)
    steps = [line for line in out.splitlines() if line.startswith("# Step ")]
    assert [s.split(":")[0] for s in steps] == [f"# Step {i}" for i in range(1, 5)]
    assert "# Step 2: set xs; set ys\n# Data\n" in out  # above the group's own comment
    assert "for each x, y in zip(xs, ys)" in out
    assert "".join(line for line in out.splitlines(keepends=True)
                   if not line.startswith("# Step ")) == PROGRAM  # fmt: skip
    assert step_comments("def broken(:\n") == "# Step 1: the whole program\ndef broken(:\n"


def test_carry_comments_follows_the_statements() -> None:
    draft = step_comments(PROGRAM)
    # the same program: every comment lands where it was, the reference's own ones kept once
    assert carry_comments(draft, PROGRAM) == draft
    # a corrected value and an extra statement: the comments still find their statements
    fixed = PROGRAM.replace("np.linspace(0, 1, 5)", "np.linspace(0, 2, 9)").replace(
        'ax.set_title("squares")\n', 'ax.set_title("squares")\nax.grid(True)\n'
    )
    out = carry_comments(draft, fixed)
    assert "# Step 2: set xs; set ys\n# Data\nxs = np.linspace(0, 2, 9)\n" in out
    assert "".join(line for line in out.splitlines(keepends=True)
                   if not line.startswith("# Step ")) == fixed  # fmt: skip
    # indented statements keep their indentation; comments with no counterpart are dropped
    assert carry_comments("if x:\n    # why\n    y = 1\n# gone\n", "if x:\n    y = 1\n") == (
        "if x:\n    # why\n    y = 1\n"
    )


def test_hf_backend_without_transformers_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # as if it were not installed
    (tmp_path / "ckpt").mkdir()
    assert main(["serve", "--backend", f"hf:{tmp_path / 'ckpt'}", "--port", "0"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and HF_MISSING in lines[0], captured.err
    assert lines[0].startswith("codepercept serve: error: ") and not captured.out


def test_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--backend", "static", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err and "--port" in err
