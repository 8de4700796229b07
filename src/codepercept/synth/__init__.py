"""Procedural STEM figure programs (generator families) and the ICC data pipeline."""

from codepercept.synth.base import (
    DOMAINS,
    Emitted,
    Family,
    Program,
    fmt,
    get_family,
    list_families,
    register,
)

__all__ = [
    "DOMAINS",
    "Emitted",
    "Family",
    "Program",
    "fmt",
    "get_family",
    "list_families",
    "register",
]
