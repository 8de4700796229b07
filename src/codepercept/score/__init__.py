"""codepercept.score — deterministic, judge-free scores (0..100) for STEM2Code-Eval.

* :func:`image_score` — compares two renderings (PNG bytes or uint8 arrays): ink-aware SSIM,
  tolerant edge F1 and palette agreement on a content-cropped common canvas.
* :func:`scene_score` — compares what two programs drew (two :class:`~codepercept.scene.Scene`
  records): optimal element matching, then completeness, position, style, relations and text,
  weighted like the STEM2Code Code Score rubric.

Both are pure functions returning :class:`ScoreResult`; formulas and edge cases are in their
docstrings and in ``docs/scores.md``.
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
    from codepercept.score._common import SCORE_VERSION, SCORE_VERSIONS, ScoreResult, normalise_text
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
    "SCORE_VERSION",
    "SCORE_VERSIONS",
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

# Lazy: the sandbox's screen probe imports ``codepercept.score.image`` and must not pay for
# scipy.optimize through this package.
__getattr__ = lazy_getattr(
    __name__,
    {
        "SCORE_VERSION": "_common",
        "SCORE_VERSIONS": "_common",
        "ScoreResult": "_common",
        "normalise_text": "_common",
        "IMAGE_WEIGHTS": "image",
        "PreparedImage": "image",
        "content_box": "image",
        "image_score": "image",
        "ink_mask": "image",
        "prepare_image": "image",
        "SCENE_WEIGHTS": "scene",
        "scene_score": "scene",
        "text_fidelity": "scene",
    },
)
