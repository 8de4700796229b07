"""Shared pieces of the chemistry families: code-line joining."""

from __future__ import annotations

from codepercept.synth.families._emit import join_code as _join

__all__ = ["_join"]
