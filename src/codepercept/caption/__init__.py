"""Code-grounded captions: describe a Scene, verify a caption's claims, correct it surgically.

* :func:`describe` — a caption generated from the trace (dense or brief, seeded phrasing);
* :func:`verify` — checkable claims in a free-form caption, each supported / contradicted /
  unverifiable with the scene evidence;
* :func:`correct` — the caption with only its contradicted spans rewritten (optionally refined
  by a model, whose answer is verified again before it is accepted).
"""

from codepercept.caption.correct import apply_corrections, correct
from codepercept.caption.describe import STYLES, describe, figure_type
from codepercept.caption.verify import VERDICTS, Claim, verify

__all__ = [
    "STYLES",
    "VERDICTS",
    "Claim",
    "apply_corrections",
    "correct",
    "describe",
    "figure_type",
    "verify",
]
