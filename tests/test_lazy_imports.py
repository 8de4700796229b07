"""The packages that re-export lazily: every exported name resolves, and the sandbox's screen
probe loads without pyarrow or scipy (each would add a tenth of a second to every sandbox
start-up, paid once per synth run and per executor)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "package",
    [
        "codepercept.data",
        "codepercept.score",
        "codepercept.bench",
        "codepercept.serve",
        "codepercept.rewards",
        "codepercept.train",
    ],
)
def test_every_exported_name_resolves(package: str) -> None:
    mod = importlib.import_module(package)
    for name in mod.__all__:
        value = getattr(mod, name)
        owner = getattr(value, "__module__", None)
        if owner and owner.startswith(package + "."):
            assert getattr(importlib.import_module(owner), name) is value
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mod.nope  # noqa: B018
    # ``from package import name`` goes through the same path
    ns: dict = {}
    exec(f"from {package} import {mod.__all__[0]}", ns)
    assert ns[mod.__all__[0]] is getattr(mod, mod.__all__[0])


def _loaded(code: str, roots: tuple[str, ...]) -> str:
    """The modules under ``roots`` that ``code`` imports, run in a fresh interpreter."""
    probe = (
        f"{code}\nimport sys\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {roots!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return out.stdout.strip()


def test_screen_probe_loads_without_pyarrow_or_scipy() -> None:
    code = "from codepercept.sandbox import probes\nprobes.load(probes.resolve('screen'))"
    assert _loaded(code, ("scipy", "pyarrow", "pandas")) == ""


def test_ray_is_imported_only_by_a_ray_job() -> None:
    """Ray is optional: the modules that use it import it only when a Ray job starts."""
    code = (
        "from codepercept.data import to_ray_dataset, write_ray_dataset\n"
        "import codepercept.data.ray, codepercept.cluster, codepercept.rewards.ray_pool\n"
        "import codepercept.synth.pipeline, codepercept.tokenit.generate"
    )
    assert _loaded(code, ("ray",)) == ""
