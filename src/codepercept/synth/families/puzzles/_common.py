"""Shared pieces of the puzzles families: code-line joining and string quoting."""

from __future__ import annotations

from codepercept.synth.families._emit import join_code as _join

__all__ = ["_join", "_q"]


def _q(s: str) -> str:
    return '"' + s + '"'
