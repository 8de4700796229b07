"""codepercept.score — deterministic, judge-free scores (0..100) for STEM2Code-Eval.

* :func:`image_score` — compares two renderings (PNG bytes or uint8 arrays): ink-aware SSIM,
  tolerant edge F1 and palette agreement on a content-cropped common canvas.
* :func:`scene_score` — compares what two programs drew (two :class:`~codepercept.scene.Scene`
  records): optimal element matching, then completeness, position, style, relations and text,
  weighted like the STEM2Code Code Score rubric.

Both are pure functions returning :class:`ScoreResult`; formulas and edge cases are in their
docstrings and in ``docs/scores.md``.
"""

from codepercept.score._common import ScoreResult, normalise_text
from codepercept.score.image import (
    IMAGE_WEIGHTS,
    PreparedImage,
    content_box,
    image_score,
    ink_mask,
    prepare_image,
)
from codepercept.score.scene import SCENE_WEIGHTS, scene_score, text_fidelity

__all__ = [
    "IMAGE_WEIGHTS",
    "SCENE_WEIGHTS",
    "PreparedImage",
    "ScoreResult",
    "content_box",
    "image_score",
    "ink_mask",
    "normalise_text",
    "prepare_image",
    "scene_score",
    "text_fidelity",
]
