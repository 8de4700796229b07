"""Shared pieces of the physics families: g, code-line joining, hatched ground."""

from __future__ import annotations

from codepercept.synth.base import fmt
from codepercept.synth.families._emit import join_code as _join

__all__ = ["G", "_hatch_ground", "_join"]

G = 9.8  # m/s^2, used in every statement about weight


def _hatch_ground(lines: list[str], x0: float, x1: float, y: float, below: bool = True) -> None:
    """Emit a hatched support surface (ground or ceiling) from x0 to x1 at height y."""
    depth = -0.3 if below else 0.3
    lines += [
        f"ax.add_patch(Rectangle(({fmt(x0)}, {fmt(min(y, y + depth))}), {fmt(x1 - x0)}, 0.3, "
        'facecolor="none", edgecolor="none", hatch="///"))',
        f'ax.plot([{fmt(x0)}, {fmt(x1)}], [{fmt(y)}, {fmt(y)}], color="black", linewidth=1.5)',
    ]
