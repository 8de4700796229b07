"""Perception → reasoning evaluation: six public STEM visual-reasoning benchmarks (MathVista,
MATH-Vision, MathVerse, DynaMath, We-Math, LogicVista) loaded from local files in their
distributed formats, each with its own rule-based answer extraction, matching and summary.

>>> from codepercept.reason import load_benchmark, extract_answer, is_correct  # doctest: +SKIP
>>> items = load_benchmark("mathvista", "MathVista/data/testmini.json")  # doctest: +SKIP
>>> ok = is_correct(items[0], extract_answer(items[0], "... The answer is (B)."))  # doctest: +SKIP

See ``docs/reason-benchmarks.md`` for the formats, the rules and their sources.
"""

from codepercept.reason.answers import extract_answer, is_correct
from codepercept.reason.benchmarks import (
    BENCHMARKS,
    ReasonItem,
    load_benchmark,
    make_record,
    summarise,
)

__all__ = [
    "BENCHMARKS",
    "ReasonItem",
    "extract_answer",
    "is_correct",
    "load_benchmark",
    "make_record",
    "summarise",
]
