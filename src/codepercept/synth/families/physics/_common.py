"""Shared pieces of the physics families: g, code-line joining, hatched ground."""

from __future__ import annotations

from codepercept.synth.base import fmt

G = 9.8  # m/s^2, used in every statement about weight


def _join(lines: list[str]) -> str:
    """Join code lines, dropping imports (numpy, patch classes) that this variant never uses."""
    code = "\n".join(lines).rstrip() + "\n"
    head, sep, body = code.partition("\n\n")
    kept = []
    for line in head.splitlines():
        if line == "import numpy as np" and "np." not in body:
            continue
        if line.startswith("from matplotlib.patches import "):
            names = [n for n in line.split(" import ")[1].split(", ") if f"{n}(" in body]
            if not names:
                continue
            line = f"from matplotlib.patches import {', '.join(names)}"
        kept.append(line)
    return "\n".join(kept) + sep + body


def _hatch_ground(lines: list[str], x0: float, x1: float, y: float, below: bool = True) -> None:
    """Emit a hatched support surface (ground or ceiling) from x0 to x1 at height y."""
    depth = -0.3 if below else 0.3
    lines += [
        f"ax.add_patch(Rectangle(({fmt(x0)}, {fmt(min(y, y + depth))}), {fmt(x1 - x0)}, 0.3, "
        'facecolor="none", edgecolor="none", hatch="///"))',
        f'ax.plot([{fmt(x0)}, {fmt(x1)}], [{fmt(y)}, {fmt(y)}], color="black", linewidth=1.5)',
    ]
