"""Ray Data interop without Ray: calling it is a one-line UsageError (that importing it does
not import ray is in tests/test_lazy_imports.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from codepercept.data import to_ray_dataset, write_ray_dataset
from codepercept.errors import UsageError


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
