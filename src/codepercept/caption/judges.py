"""Claim records and the judges that give each claim its verdict against a scene index.

Each ``judge_*`` takes a :class:`Claim` as extracted by :func:`codepercept.caption.verify`,
sets ``verdict``, ``evidence`` and, when contradicted and the scene names the truth,
``replacement``; it never raises on odd text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass
from typing import Any

from codepercept.caption.align import (
    MIN_SCORE,
    align_label,
    align_value,
    sentence_at,
    stated_verbatim,
)
from codepercept.caption.index import SceneIndex
from codepercept.caption.vocab import (
    NUMBER_WORD_RE,
    format_number,
    noun_key,
    parse_number,
    singular,
)

__all__ = [
    "TOKEN_RE",
    "VERDICTS",
    "Claim",
    "colour_subject",
    "judge_colour",
    "judge_count",
    "judge_element",
    "judge_label",
    "judge_quote",
    "judge_value",
    "label_spans",
    "label_tokens",
    "plural_forms",
]

VERDICTS = ("supported", "contradicted", "unverifiable")
TOKEN_RE = r"[A-Z][′'₀-₉]?(?![\w])"


@dataclass
class Claim:
    """One checkable statement in a caption: ``caption[start:end] == text``."""

    start: int
    end: int
    text: str
    kind: str  # count | label | colour | value | range | quoted_text | element | relation
    subject: str  # what the claim is about: a noun, a label keyword, a value's context
    value: Any  # the asserted value (number, label, colour word, quoted string)
    verdict: str = "unverifiable"
    evidence: str = ""
    replacement: str | None = None  # the scene-supported text, when contradicted and known

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COORD_RE = re.compile(
    r"\(\s*[-−]?\d+(?:\.\d+)?\s*,\s*[-−]?\d+(?:\.\d+)?\s*(?:,\s*[-−]?\d+(?:\.\d+)?\s*)?\)"
)
_POSTMOD = {"of", "with", "that", "which", "in", "on", "whose"}


def plural_forms(w: str) -> list[str]:
    if w.endswith("ex"):
        return [w, w[:-2] + "ices", w + "es"]
    if w.endswith("y") and w[-2:-1] not in "aeiou":
        return [w, w[:-1] + "ies"]
    if w.endswith(("s", "x", "ch", "sh")):
        return [w, w + "es"]
    return [w, w + "s", w + "es"]


# -- judges ------------------------------------------------------------------------------------
def judge_quote(c: Claim, index: SceneIndex) -> Claim:
    if index.has_text(c.value):
        c.verdict, c.evidence = "supported", f"the scene draws the text {c.value!r}"
        return c
    close = difflib.get_close_matches(c.value, index.texts, n=1, cutoff=0.5)
    c.verdict = "contradicted"
    c.evidence = f"no drawn text reads {c.value!r}" + (
        f"; closest is {close[0]!r}" if close else ""
    )
    c.replacement = close[0] if close else None
    return c


def label_tokens(body: str) -> list[str]:
    out = []
    for part in re.split(r"\s*,\s*|\s+and\s+", body):
        if re.fullmatch(r"[A-Z]{2,6}", part):
            out += list(part)
        else:
            out.append(part)
    return out


def label_spans(body: str, offset: int) -> list[tuple[str, int, int]]:
    out = []
    for m in re.finditer(rf"[A-Z]{{2,6}}(?![\w])|{TOKEN_RE}|\d+(?:\.\d+)?°", body):
        if re.fullmatch(r"[A-Z]{2,6}", m.group()):
            out += [
                (ch, offset + m.start() + i, offset + m.start() + i + 1)
                for i, ch in enumerate(m.group())
            ]
        else:
            out.append((m.group(), offset + m.start(), offset + m.end()))
    return out


def judge_label(c: Claim, caption: str, index: SceneIndex, mentioned: set[str]) -> Claim:
    if index.has_text(c.value) or index.has_text(c.value + "°"):
        c.verdict, c.evidence = "supported", f"the scene draws the label {c.value!r}"
        return c
    for st in index.facts.get("statements", []):
        if re.search(rf"(?<![\w']){re.escape(c.value)}(?![\w'′])", str(st)):
            c.verdict, c.evidence = "supported", f"the generator states {st!r}"
            return c
    if c.value.endswith("°"):
        c.verdict, c.evidence = "contradicted", f"no drawn label reads {c.value!r}"
        x = float(c.value[:-1])
        degs = [t for t in index.texts if t.endswith("°")]
        close = sorted(degs, key=lambda t: abs(float(re.sub(r"[^\d.]", "", t) or 0) - x))
        c.replacement = close[0] if close else None
        return c
    letters = list(
        dict.fromkeys([*index.points, *(t for t in index.texts if re.fullmatch(r"[A-Z][′']?", t))])
    )
    unused = [n for n in letters if n not in mentioned]
    c.verdict = "contradicted"
    c.evidence = (
        f"no drawn label reads {c.value!r}; the point labels are {', '.join(letters) or 'none'}"
    )
    c.replacement = align_label(caption, c.start, index, letters) or (unused[0] if unused else None)
    return c


def _stated_counts(
    noun: str, mods: list[str], index: SceneIndex, after: str
) -> tuple[list[int], str]:
    """Counts the generator's statements give for "N <mods> <noun>" (same modifiers only).

    A statement whose noun is qualified after it ("6 vertices of odd degree") counts only when
    the caption continues with the same word (``after``).
    """
    forms = "|".join(re.escape(f) for f in {noun.lower(), *plural_forms(singular(noun))})
    want = {w.lower() for w in mods}
    out, where = [], ""
    for st in index.facts.get("statements", []):
        for m in re.finditer(
            rf"(?<![\w.])({NUMBER_WORD_RE}|\d+) ((?:[a-z-]+ ){{0,2}}?)(?:{forms})\b"
            r"(?:\s+(\w+))?",
            str(st),
            re.IGNORECASE,
        ):
            post = (m.group(3) or "").lower()
            if post in _POSTMOD and post != after:
                continue
            if {w.lower() for w in m.group(2).split()} == want:
                v = parse_number(m.group(1))
                if v is not None:
                    out.append(int(v))
                    where = where or str(st)
    return out, where


def judge_count(c: Claim, mods: list[str], index: SceneIndex, after: str = "") -> Claim:
    n = c.value
    phrase = " ".join(c.text.lower().split())
    for st in index.facts.get("statements", []):
        if phrase in str(st).lower():
            c.verdict, c.evidence = "supported", f"the generator states {st!r}"
            return c
    stated, where = _stated_counts(c.subject, mods, index, after)
    cands = index.count(c.subject, mods)
    if stated and mods:  # "2 turning points": the generator counted exactly this phrase
        cands = []
    if n in stated or n in cands:
        c.verdict = "supported"
        c.evidence = (
            f"the generator states {where!r}"
            if n in stated
            else f"{int(n)} {c.subject} in the scene"
        )
        return c
    if not stated and not cands:
        c.evidence = f"the scene has no way to count {c.subject!r}"
        return c
    truth = stated[0] if stated else cands[0]
    c.verdict = "contradicted"
    c.evidence = (
        f"the generator states {where!r}"
        if stated
        else f"the scene has {truth} {c.subject} (readings: {sorted(set(cands))})"
    )
    c.replacement = "no" if truth == 0 else format_number(truth, like=c.text.split()[0])
    return c


def colour_subject(caption: str, m: re.Match[str], nouns: str) -> str:
    after = re.match(rf"\s+(?:[a-z-]+\s+){{0,2}}?({nouns})\b", caption[m.end() :], re.IGNORECASE)
    if after:
        return after.group(1)
    before = re.findall(
        rf"\b({nouns})\b", caption[max(0, m.start() - 60) : m.start()], re.IGNORECASE
    )
    return before[-1] if before else ""


def judge_colour(c: Claim, index: SceneIndex) -> Claim:
    key = noun_key(c.subject) if c.subject else None
    if key is not None and not index.elements_for(key):
        key = None
    if index.colour_present(c.value, key):
        c.verdict, c.evidence = "supported", f"{c.subject or 'an element'} drawn in {c.value}"
        return c
    names = [n for n in index.colour_names_of(key) if key or n not in ("black", "white", "grey")]
    c.verdict = "contradicted"
    c.evidence = f"{c.subject or 'the figure'} is drawn in {', '.join(names[:4]) or 'no colour'}"
    c.replacement = names[0] if names else None
    return c


def _close(x: float, v: float, decimals: int) -> bool:
    return abs(v - x) <= 0.5 * 10.0**-decimals + 1e-9


def judge_value(c: Claim, caption: str, index: SceneIndex) -> Claim:
    decimals = len(c.text.split(".")[1]) if "." in c.text else 0
    in_scene = index.has_number(c.value, decimals)
    said = stated_verbatim(caption, c.start, c.end, index)
    if said is not None:
        c.verdict, c.evidence = "supported", f"stated as {said!r}"
        return c
    coords = any(m.start() <= c.start < m.end() for m in _COORD_RE.finditer(caption))
    if coords and in_scene:  # a position "(x, y)" is read from geometry, not from statements
        c.verdict, c.evidence = "supported", f"{c.text} is a coordinate read from the scene"
        return c
    a = align_value(caption, c.start, index)
    # A derivable number is overridden only by evidence about the same quantity ("degree 3"),
    # not by a label alone ("B at (1.5, 2)" is B's position, whatever else B has).
    if a is not None and (
        not in_scene or (c.kind == "value" and a.words >= MIN_SCORE and a.specific)
    ):
        if any(_close(c.value, v, decimals) for v in a.values):
            c.verdict, c.evidence = "supported", f"matches {a.source!r}"
            return c
        sentence, _ = sentence_at(caption, c.start)
        said = [float(x.replace("−", "-")) for x in re.findall(r"[-−]?\d+(?:\.\d+)?", sentence)]
        fresh = [v for v in a.values if not any(_close(s, v, decimals) for s in said)]
        c.verdict = "contradicted"
        c.evidence = (
            f"the scene gives {', '.join(format_number(v) for v in a.values)} here ({a.source!r})"
        )
        if len(fresh) == 1 or len(a.values) == 1:
            c.replacement = format_number((fresh or list(a.values))[0], like=c.text)
        return c
    if in_scene:
        c.verdict, c.evidence = "supported", f"{c.text} is read from the scene"
    else:
        c.evidence = f"{c.text} is not drawn or stated, and nothing in the scene names its subject"
    return c


def judge_element(c: Claim, index: SceneIndex) -> Claim:
    ex = index.exists(c.subject)
    words = {c.subject, singular(c.value)}
    mentioned = any(w in str(s).lower() for s in index.facts.get("statements", []) for w in words)
    if ex or mentioned:
        c.verdict, c.evidence = "supported", f"the scene has a {c.subject}"
    elif ex is False:
        c.verdict, c.evidence = "contradicted", f"the scene draws no {c.subject}"
    return c
