"""Fixtures for TokenIT tests: one sandbox with the ``glyphs`` probe for the whole session, and
``stem`` samples rendered from ICC programs of every synth domain through it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from codepercept.sandbox import Executor
from codepercept.tokenit.generate import render_picture
from codepercept.tokenit.render_icc import DPI, IccStem

#: TokenIT candidates 0..7 of a stem-only run with seed 0: the eight synth domains in turn.
ICC_SEED, ICC_INDICES = 0, range(8)


@pytest.fixture(scope="session")
def icc_seed() -> int:
    return ICC_SEED


@pytest.fixture(scope="session")
def glyph_executor():
    with Executor(workers=2, dpi=DPI, timeout_s=30, probes=["glyphs", "screen"]) as ex:
        yield ex


@pytest.fixture(scope="session")
def icc_stem(glyph_executor):
    with IccStem(executor=glyph_executor) as st:
        yield st


@pytest.fixture(scope="session")
def icc_rendered(icc_stem):
    """``[(index, Rendered)]`` for the stem candidates :data:`ICC_INDICES`."""

    def one(i):
        return i, render_picture(ICC_SEED, i, ["stem"], stem=icc_stem)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, ICC_INDICES))
