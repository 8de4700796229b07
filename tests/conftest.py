"""Shared fixtures.

``executor``: one real sandbox :class:`~codepercept.sandbox.Executor` for the whole session
(``.run(code) -> ExecResult``, ``.map(codes)``), so tests exercise the same isolation users get.
"""

from __future__ import annotations

import pytest

from codepercept.sandbox import Executor


@pytest.fixture(scope="session")
def executor():
    with Executor(workers=2, timeout_s=30) as ex:
        yield ex
