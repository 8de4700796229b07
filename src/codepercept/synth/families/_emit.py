"""Generation-time helpers shared by the chemistry, physics and puzzles families.

Nothing here is imported by the emitted programs; it only shapes their source text.
"""

from __future__ import annotations


def join_code(lines: list[str]) -> str:
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
