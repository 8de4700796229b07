"""Lazy package attributes (PEP 562): a package re-exports names from its submodules without
importing them all on first import, so a process that needs one light submodule (the sandbox's
screen probe needs ``data.phash`` and ``score.image``) does not pay for pyarrow or scipy."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_getattr(package: str, origins: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``package.<origins[name]>`` on first access of
    ``name`` and returns its attribute of the same name."""

    def __getattr__(name: str) -> Any:
        sub = origins.get(name)
        if sub is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{sub}"), name)

    return __getattr__
