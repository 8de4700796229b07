"""Shared pieces of the scores: the result record, weighted totals, colour and string helpers.

Everything here is pure and deterministic; nothing reads global state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "SCORE_VERSION",
    "ScoreResult",
    "calibrate",
    "check_version",
    "edit_similarity",
    "normalise_text",
    "rgb_to_lab",
    "weighted_total",
]


#: The version of the image and scene score formulas that functions compute by default. Every
#: stored result carries it as ``score_version`` (docs/scores.md: what changed, old numbers).
SCORE_VERSION = 2
#: Versions that can still be computed (``version=`` of the score functions).
SCORE_VERSIONS = (1, 2)


def check_version(version: int) -> None:
    """Raise ``ValueError`` for a score version that cannot be computed."""
    if version not in SCORE_VERSIONS:
        raise ValueError(f"score version {version!r} is not known; choose one of {SCORE_VERSIONS}")


def calibrate(raw: float, chance: float) -> float:
    """Chance-corrected rescaling of a raw agreement in 0..1: ``(raw - chance) / (1 - chance)``
    clipped to 0..1, so the level two unrelated figures reach by chance maps to 0 and full
    agreement stays 1 (Cohen's kappa form)."""
    if chance <= 0.0:
        return min(1.0, max(0.0, raw))
    return min(1.0, max(0.0, (raw - chance) / (1.0 - chance)))


@dataclass(frozen=True)
class ScoreResult:
    """A score in 0..100 with its sub-scores (each 0..100), free-form diagnostics and the
    version of the formula that computed it (:data:`SCORE_VERSION`)."""

    total: float
    parts: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)
    version: int = SCORE_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "parts": dict(self.parts),
            "details": dict(self.details),
            "score_version": self.version,
        }


def weighted_total(parts: dict[str, float], weights: dict[str, int]) -> float:
    """``sum(w_k * part_k) / sum(w_k)``, clipped to 0..100.

    Weights are integers so that all-100 parts give exactly 100.0 (no rounding drift).
    """
    num = sum(weights[k] * parts[k] for k in weights)
    den = sum(weights.values())
    return float(min(100.0, max(0.0, num / den)))


def clip100(x: float) -> float:
    """``100 * x`` clipped to 0..100, as a plain float."""
    return float(min(100.0, max(0.0, 100.0 * float(x))))


# -- colour ------------------------------------------------------------------------------------

_XYZ_FROM_RGB = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in 0..1 (shape ``(..., 3)``) to CIE L*a*b* (D65). L is 0..100."""
    rgb = np.asarray(rgb, dtype=np.float64)
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = lin @ _XYZ_FROM_RGB.T / _WHITE_D65
    eps = 216 / 24389
    kappa = 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


# -- strings -----------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def normalise_text(s: str) -> str:
    """Strip and collapse runs of whitespace; the only normalisation the text scores apply."""
    return _WS.sub(" ", s).strip()


@lru_cache(maxsize=65536)
def _levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def edit_similarity(a: str, b: str) -> float:
    """``1 - levenshtein(a, b) / max(len(a), len(b))``; 1.0 for two empty strings."""
    if a == b:
        return 1.0
    n = max(len(a), len(b))
    return 1.0 - _levenshtein(a, b) / n
