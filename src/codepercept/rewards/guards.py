"""Static and dynamic guards against the reward hacks a policy finds first.

A policy rewarded for reproducing a picture will, given time, stop writing plotting code and
start smuggling the picture in: the pixels as a literal array drawn with ``imshow`` or
``figimage``, a base64 PNG decoded at run time, or a scatter of ten thousand literal points.
It will also try what costs the trainer most: programs that stall until the deadline.

Every guard here looks at information, not at names: the reference program bounds how much
literal data a faithful answer needs, so a completion that carries far more literal data than
its reference (numbers, or characters of string literals) is refused before it runs, and a
completion whose figure holds a raster image where the reference drew none is refused after.
Each refusal is a :class:`Verdict` with a one-line reason, and the reward is 0.

Thresholds (see :class:`GuardConfig`) leave a faithful answer ample room: a reference of 40
numbers allows 2,000; one of 5,000 numbers allows 20,000.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from codepercept.scene.model import Scene

__all__ = ["GuardConfig", "LiteralStats", "Verdict", "literal_stats", "raster_verdict",
           "static_verdict"]  # fmt: skip


@dataclass(frozen=True)
class GuardConfig:
    """The limits a completion is held to, each relative to its reference with a floor.

    A completion is refused when any of these holds:
    * it has more than ``max(literal_numbers_floor, literal_numbers_factor * ref)`` numeric
      literals (each number in the source counts once, wherever it sits);
    * its string literals hold more than ``max(literal_chars_floor, literal_chars_factor * ref)``
      characters in total, or one string literal longer than ``max(string_floor, longest ref)``;
    * it draws a raster image (``imshow``, ``figimage``, ``matshow``...) of more than
      ``raster_cells`` cells, or an RGB(A) one of any size over 16 x 16, while its reference
      draws none; or its images hold more than ``raster_factor`` times the reference's cells;
    * one of its collections (markers, patches, mesh cells) holds more than
      ``max(marker_floor, raster_factor * the reference's largest)`` items.
    """

    literal_numbers_floor: int = 2_000
    literal_numbers_factor: float = 4.0
    literal_chars_floor: int = 4_000
    literal_chars_factor: float = 4.0
    string_floor: int = 1_000
    raster_cells: int = 1_024
    raster_factor: float = 4.0
    marker_floor: int = 4_096


@dataclass(frozen=True)
class LiteralStats:
    """How much literal data a program carries."""

    numbers: int  # numeric literals (a negative number counts once)
    string_chars: int  # characters in all string and bytes literals (docstrings included)
    longest_string: int


@dataclass(frozen=True)
class Verdict:
    """A guard's refusal: ``status`` (a short name for counting) and ``reason`` (one line)."""

    status: str
    reason: str


def literal_stats(tree: ast.AST) -> LiteralStats:
    """Count the literal data in a parsed program."""
    numbers = chars = longest = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or v is None or v is Ellipsis:
                continue
            if isinstance(v, int | float | complex):
                numbers += 1
            elif isinstance(v, str | bytes):
                chars += len(v)
                longest = max(longest, len(v))
    return LiteralStats(numbers, chars, longest)


def static_verdict(stats: LiteralStats, ref: LiteralStats, cfg: GuardConfig) -> Verdict | None:
    """Refuse a program whose literal data far exceeds what its reference needs."""
    max_numbers = max(cfg.literal_numbers_floor, int(cfg.literal_numbers_factor * ref.numbers))
    if stats.numbers > max_numbers:
        return Verdict(
            "giant_literal",
            f"{stats.numbers} numeric literals where the reference needs {ref.numbers} "
            f"(limit {max_numbers}): data smuggled in, not drawn",
        )
    max_chars = max(cfg.literal_chars_floor, int(cfg.literal_chars_factor * ref.string_chars))
    if stats.string_chars > max_chars:
        return Verdict(
            "giant_literal",
            f"{stats.string_chars} characters of string literals where the reference has "
            f"{ref.string_chars} (limit {max_chars}): data smuggled in, not drawn",
        )
    max_string = max(cfg.string_floor, ref.longest_string)
    if stats.longest_string > max_string:
        return Verdict(
            "giant_literal",
            f"a string literal of {stats.longest_string} characters (limit {max_string}): "
            f"an encoded payload, not a figure",
        )
    return None


def _images(scene: Scene) -> list[tuple[int, bool]]:
    """(cells, is_rgb) of every image artist the scene holds."""
    out = []
    for el in scene.elements:
        if el.kind != "image":
            continue
        shape: Any = el.props.get("shape") or []
        if len(shape) < 2:
            continue
        cells = int(shape[0]) * int(shape[1])
        rgb = len(shape) == 3 and int(shape[2]) in (3, 4)
        out.append((cells, rgb))
    return out


def _largest_collection(scene: Scene) -> int:
    return max((el.count for el in scene.elements if el.kind != "image"), default=0)


def raster_verdict(
    candidate: Scene | None, reference: Scene | None, cfg: GuardConfig
) -> Verdict | None:
    """Refuse a figure that shows a raster its reference does not call for: an image artist,
    or one collection of far more markers or patches than the reference's largest (a picture
    drawn point by point)."""
    if candidate is None:
        return None
    biggest = _largest_collection(candidate)
    ref_biggest = _largest_collection(reference) if reference is not None else 0
    limit = max(cfg.marker_floor, int(cfg.raster_factor * ref_biggest))
    if biggest > limit:
        return Verdict(
            "raster",
            f"one collection of {biggest} items where the reference's largest has "
            f"{ref_biggest} (limit {limit}): a picture drawn point by point",
        )
    cand = _images(candidate)
    if not cand:
        return None
    ref = _images(reference) if reference is not None else []
    cells = sum(c for c, _ in cand)
    if not ref:
        rgb_big = any(rgb and c > 256 for c, rgb in cand)
        if rgb_big or cells > cfg.raster_cells:
            what = "an RGB image" if rgb_big else f"raster images of {cells} cells"
            return Verdict(
                "raster",
                f"the figure shows {what} where the reference draws none: a picture pasted in, "
                f"not drawn",
            )
        return None
    ref_cells = sum(c for c, _ in ref)
    if cells > cfg.raster_factor * ref_cells and cells > cfg.raster_cells:
        return Verdict(
            "raster",
            f"raster images of {cells} cells where the reference's hold {ref_cells}: a picture "
            f"pasted in, not drawn",
        )
    if any(rgb for _, rgb in cand) and not any(rgb for _, rgb in ref):
        big = max(c for c, rgb in cand if rgb)
        if big > 256:
            return Verdict(
                "raster",
                "the figure shows an RGB image where the reference maps scalar data through a "
                "colormap: a picture pasted in, not drawn",
            )
    return None
