"""Fixtures for caption tests: the corpus, built once per session from real sandbox runs."""

from __future__ import annotations

import pytest
from caption_corpus import Corpus, build_corpus


@pytest.fixture(scope="session")
def corpus(executor) -> Corpus:
    return build_corpus(executor)
