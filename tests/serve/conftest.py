"""Fixtures: ``start(*args)`` runs a real ``codepercept serve`` (see :mod:`tests.serve.serving`),
stopped at the end of the session; ``dataset`` is a 12-sample ICC dataset of two fast families,
made once a session (``samples``: its records); ``offline`` and ``static`` are one server of
each kind for the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve.serving import FAST, Served, stop_all


@pytest.fixture(scope="session")
def start() -> Iterator[Any]:
    """``start(*args) -> Served``; all of them are stopped at the end of the session."""
    servers: list[Served] = []

    def _start(*args: str) -> Served:
        s = Served(*args)
        servers.append(s)
        return s

    yield _start
    stop_all(servers)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from codepercept.synth.pipeline import synthesize

    out = tmp_path_factory.mktemp("serve") / "icc"
    synthesize(12, out, family_names=FAST, workers=1)
    return out


@pytest.fixture(scope="session")
def samples(dataset: Path) -> list[dict[str, Any]]:
    from codepercept.data import read_dataset

    return list(read_dataset(dataset))


@pytest.fixture(scope="session")
def offline(start: Any, dataset: Path) -> Served:
    s = start("--backend", f"offline:{dataset}", "--model-name", "offline-test")
    s.url  # noqa: B018 (wait until ready)
    return s


@pytest.fixture(scope="session")
def static(start: Any) -> Served:
    s = start("--backend", "static")
    s.url  # noqa: B018
    return s
