"""Ray Data interop without Ray: importing ``codepercept.data.ray`` (and the names it exports from
``codepercept.data``) does not import ray; calling it without ray is a one-line UsageError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codepercept.data import to_ray_dataset, write_ray_dataset
from codepercept.errors import UsageError


def test_import_does_not_import_ray() -> None:
    code = (
        "import sys\n"
        "from codepercept.data import to_ray_dataset, write_ray_dataset\n"
        "import codepercept.data.ray\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_missing_ray_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # ``import ray`` now fails as if absent
    for call in (
        lambda: to_ray_dataset(tmp_path),
        lambda: write_ray_dataset(None, tmp_path, "icc"),
    ):
        with pytest.raises(UsageError) as exc:
            call()
        assert str(exc.value) == (
            "Ray Data interop needs the ray package, which is not installed; install it with "
            "pip install 'codepercept[ray]'"
        )
