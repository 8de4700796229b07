"""Synth fixtures: every (family, seed) program is generated and executed at most once a session.

``family_runs`` is a :class:`FamilyRuns` memo over the session ``executor``:

* ``family_runs(name, seed) -> (Program, ExecResult)``
* ``family_runs.many(name, seeds) -> [(Program, ExecResult), ...]`` (one batch)
* ``family_runs.batch(keys) -> {(name, seed): (Program, ExecResult)}`` (one batch)
* ``family_runs.program(name, seed) -> Program`` (generated, not executed)

Whatever is not yet cached is run in a single ``executor.map`` call, so both the family-contract
module and the domain modules share one execution of each program.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from codepercept.sandbox import ExecResult
from codepercept.synth import Program, get_family, list_families

Key = tuple[str, int]
Run = tuple[Program, ExecResult]


class FamilyRuns:
    """Memo of generated programs and their sandbox results, keyed by (family name, seed)."""

    def __init__(self, executor) -> None:
        self._executor = executor
        self._programs: dict[Key, Program] = {}
        self._results: dict[Key, ExecResult] = {}

    def program(self, name: str, seed: int) -> Program:
        key = (name, seed)
        if key not in self._programs:
            self._programs[key] = get_family(name).generate(seed)
        return self._programs[key]

    def batch(self, keys: Iterable[Key]) -> dict[Key, Run]:
        keys = list(dict.fromkeys(keys))
        todo = [k for k in keys if k not in self._results]
        if todo:
            results = self._executor.map([self.program(*k).code for k in todo])
            self._results.update(zip(todo, results, strict=True))
        return {k: (self.program(*k), self._results[k]) for k in keys}

    def many(self, name: str, seeds: Iterable[int]) -> list[Run]:
        return list(self.batch((name, s) for s in seeds).values())

    def __call__(self, name: str, seed: int) -> Run:
        return self.batch([(name, seed)])[(name, seed)]

    def domain(self, domain: str, seeds: Iterable[int]) -> dict[Key, Run]:
        """Every family of ``domain`` on every seed, as one batch."""
        seeds = list(seeds)
        return self.batch((f.name, s) for f in list_families([domain]) for s in seeds)


@pytest.fixture(scope="session")
def family_runs(executor) -> FamilyRuns:
    return FamilyRuns(executor)
