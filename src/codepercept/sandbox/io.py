"""Writing an execution's outputs to disk (shared by the CLI and pipelines)."""

from __future__ import annotations

import json
from pathlib import Path

from codepercept._fs import atomic_write
from codepercept.sandbox.result import ExecResult


def write_exec_outputs(res: ExecResult, out: str | Path) -> list[Path]:
    """Write figure.png (figure-2.png, … for more), scene.json and result.json into ``out``.

    Returns the written paths. Files from an earlier run in the same directory are replaced;
    a directory that another command made is refused (:mod:`codepercept.jobdir`).
    """
    from codepercept.jobdir import claimed

    out = Path(out)
    with claimed(out, "exec"):
        return _write(res, out)


def _write(res: ExecResult, out: Path) -> list[Path]:
    for stale in out.glob("figure*.png"):
        stale.unlink()
    written = []
    for i, png in enumerate(res.images):
        p = out / ("figure.png" if i == 0 else f"figure-{i + 1}.png")
        atomic_write(p, png)
        written.append(p)
    if res.scene is not None:
        p = out / "scene.json"
        atomic_write(p, res.scene.to_json(indent=1).encode())
        written.append(p)
    record = res.to_dict()
    record.pop("scene", None)
    p = out / "result.json"
    atomic_write(p, json.dumps(record, indent=1).encode())
    written.append(p)
    return written
