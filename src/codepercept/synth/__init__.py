"""Procedural STEM figure programs (generator families) and the ICC data pipeline."""

from codepercept.synth.base import (
    DOMAINS,
    Emitted,
    Family,
    Program,
    families,
    fmt,
    get_family,
    register,
)

__all__ = ["DOMAINS", "Emitted", "Family", "Program", "families", "fmt", "get_family", "register"]
