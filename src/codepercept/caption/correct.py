"""Surgical caption correction: rewrite only the contradicted spans, keep every other character.

Optionally a model refines the result: it is shown the draft and the verified facts, and its
answer is accepted only if it verifies with no contradicted claim and keeps at least as many
supported claims; otherwise the surgical correction stands.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from codepercept.caption.index import SceneIndex, build_index
from codepercept.caption.verify import Claim, claims_in
from codepercept.scene.model import Scene

__all__ = ["ChatClient", "apply_corrections", "correct"]

log = logging.getLogger(__name__)


class ChatClient(Protocol):
    """Anything with ``complete(messages) -> str`` (e.g. ``codepercept.models.openai.OpenAIChat``)."""

    def complete(self, messages: list[dict[str, Any]]) -> str: ...


def apply_corrections(caption: str, claims: list[Claim]) -> str:
    """``caption`` with each contradicted claim's span replaced by its ``replacement``.

    Claims without a replacement (e.g. an invented element) are left as written. Spans are
    non-overlapping (as :func:`verify` returns them) and applied right to left.
    """
    out = caption
    for c in sorted(claims, key=lambda c: c.start, reverse=True):
        if c.verdict == "contradicted" and c.replacement is not None:
            out = out[: c.start] + c.replacement + out[c.end :]
    return out


def _checked_corrections(caption: str, index: SceneIndex, claims: list[Claim]) -> str:
    """:func:`apply_corrections` with a self-check: each replacement (right to left) is kept
    only if the caption it gives, verified again, has fewer contradicted claims and every claim
    that was supported outside the replaced span is still supported. A replacement that would
    write a fact the scene contradicts (or break a true one) is not made."""
    current = caption
    before = claims_in(current, index)
    for c in sorted(claims, key=lambda c: c.start, reverse=True):
        if c.verdict != "contradicted" or c.replacement is None:
            continue
        candidate = current[: c.start] + c.replacement + current[c.end :]
        after = claims_in(candidate, index)
        if _better(before, after, c):
            current, before = candidate, after
        else:
            log.info("correction of %r to %r refused: it does not verify", c.text, c.replacement)
    return current


def _better(before: list[Claim], after: list[Claim], fix: Claim) -> bool:
    def contradicted(cs: list[Claim]) -> int:
        return sum(x.verdict == "contradicted" for x in cs)

    if contradicted(after) >= contradicted(before):
        return False
    shift = len(fix.replacement or "") - (fix.end - fix.start)
    # a claim is known by where it starts and its kind (its text may reach past its span: a
    # count's text includes the words it counts, which a colour fix inside them changes)
    supported_after = {(x.start, x.kind) for x in after if x.verdict == "supported"}
    for x in before:
        if x.verdict != "supported" or (x.end > fix.start and x.start < fix.end):
            continue
        start = x.start + shift if x.start >= fix.end else x.start
        if (start, x.kind) not in supported_after:
            return False
    return True


_SYSTEM = (
    "You correct figure captions. Keep the draft's wording; change only statements that the "
    "verified facts contradict, and never add facts that are not listed. Reply with the "
    "corrected caption only."
)


def _refine_prompt(draft: str, index: SceneIndex, claims: list[Claim]) -> str:
    summary = index.scene.summary()
    verified = {
        "counts": summary["counts"],
        "texts": summary["texts"][:60],
        "statements": list(index.facts.get("statements", [])),
        "claims": [
            {"text": c.text, "verdict": c.verdict, "evidence": c.evidence}
            for c in claims
            if c.verdict != "supported"
        ],
        "colours": index.colour_names_of(None)[:8],
    }
    return f"Draft caption:\n{draft}\n\nVerified facts (JSON):\n{json.dumps(verified, ensure_ascii=False)}"


def correct(
    caption: str,
    scene: Scene,
    facts: dict[str, Any] | None = None,
    client: ChatClient | None = None,
) -> str:
    """``caption`` with contradicted counts, labels, values, colours and quotes fixed in place.

    With ``client``, the surgically corrected draft and the verified facts are sent to the model;
    its reply replaces the draft only if :func:`verify` finds no contradicted claim in it and it
    keeps at least as many supported claims. A failing or unusable model reply is logged and
    ignored, never raised.
    """
    # Values are judged by the words around them (labels included), so fix everything else
    # first and re-judge the values against the repaired wording.
    index = build_index(scene, facts)  # every caption below is judged against this one scene
    claims = claims_in(caption, index)
    fixed = _checked_corrections(
        caption, index, [c for c in claims if c.kind not in ("value", "range")]
    )
    fixed = _checked_corrections(fixed, index, claims_in(fixed, index))
    if client is None:
        return fixed
    after = claims_in(fixed, index)
    messages = [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": _refine_prompt(fixed, index, after)},
    ]
    try:
        reply = client.complete(messages).strip()
    except Exception:  # a model outage must not lose the surgical correction
        log.warning("caption refinement failed; keeping the surgical correction", exc_info=True)
        return fixed
    if not reply:
        return fixed
    checked = claims_in(reply, index)
    supported = sum(c.verdict == "supported" for c in checked)
    if any(c.verdict == "contradicted" for c in checked) or supported < sum(
        c.verdict == "supported" for c in after
    ):
        log.info("model refinement rejected: it does not verify against the scene")
        return fixed
    return reply
