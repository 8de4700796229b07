"""Extract checkable claims from a free-form caption and judge each against a scene.

Claim kinds: ``count`` ("five points", "63 arrows"), ``label`` ("point A", "triangle ABC",
"the angle marked 30°"), ``colour`` ("red circle", "bars in blue"), ``value`` (a number),
``range`` ("from -5 to 4"), ``quoted_text`` ('"Reaction Times"'), ``element`` ("a legend",
"an ellipse") and ``relation`` (region contents, connections, arrows, stacking: see
:mod:`codepercept.caption.relational`). Verdicts: ``supported`` (the scene shows it), ``contradicted`` (the scene shows
otherwise; ``replacement`` then holds the text the scene supports, when one can be named) and
``unverifiable`` (the caption says something the scene neither confirms nor denies — we do not
guess).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from codepercept.caption.index import SceneIndex, build_index
from codepercept.caption.judges import (
    TOKEN_RE,
    VERDICTS,
    Claim,
    colour_subject,
    judge_colour,
    judge_count,
    judge_element,
    judge_label,
    judge_quote,
    judge_value,
    label_spans,
    label_tokens,
    plural_forms,
)
from codepercept.caption.relational import relational_claims
from codepercept.caption.vocab import (
    COLOUR_RE,
    NOUNS,
    NUMBER_WORD_RE,
    noun_key,
    parse_number,
    singular,
)
from codepercept.scene.model import Scene

__all__ = ["VERDICTS", "Claim", "claims_in", "verify"]


_STOP = {
    "intersects",
    "meets",
    "has",
    "have",
    "was",
    "were",
    "be",
    "of",
    "and",
    "or",
    "the",
    "to",
    "at",
    "from",
    "in",
    "on",
    "with",
    "by",
    "is",
    "are",
    "for",
    "than",
    "as",
    "per",
    "each",
    "every",
    "between",
    "into",
    "over",
    "under",
}
_LABEL_KEYS = (
    r"points?|vertex|vertices|nodes?|corners?|labell?ed|marked|named|called|angles?"
    r"|triangles?|quadrilateral|polygon|pentagon|hexagon|segments?|sides?|faces?"
    r"|parallelogram|rectangle|square|rhombus|trapezoid|kite|edges?|lines?|centre|center"
)
_LABEL_RE = re.compile(
    rf"\b(?P<key>(?i:{_LABEL_KEYS}))\s+(?P<body>(?:[A-Z]{{2,6}}(?![\w])|{TOKEN_RE}|\d+(?:\.\d+)?°)"
    rf"(?:(?:\s*,\s*|\s+and\s+)(?:{TOKEN_RE}|\d+(?:\.\d+)?°))*)"
)
_QUOTE_RE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’")
_NUMBER_RE = re.compile(
    r"(?<![\w.′'])[-−]?\d+(?:\.\d+)?(?![\w.]*[A-Za-z_₀-₉])|(?<![\w.])[-−]?\d+(?:\.\d+)?(?=°|%)"
)
_RANGE_RE = re.compile(
    r"\b(?:from|between)\s+([-−]?\d+(?:\.\d+)?)\s*\S{0,6}\s+(?:to|and)\s+([-−]?\d+(?:\.\d+)?)"
)
_STOP_RE = "|".join(sorted(_STOP))
_NAMED = {
    "line",
    "polygon",
    "segment",
    "piece",
    "figure",
    "step",
    "part",
    "question",
    "case",
    "panel",
}
_NUMBERED = {
    "piece",
    "group",
    "week",
    "day",
    "year",
    "class",
    "step",
    "figure",
    "part",
    "row",
    "column",
    "quadrant",
    "stage",
    "level",
    "case",
    "question",
    "face",
    "table",
}
_ELEMENT_KEYS = {
    "arrow",
    "circle",
    "bar",
    "triangle",
    "rectangle",
    "ellipse",
    "wedge",
    "arc",
    "legend",
    "title",
    "grid",
    "quadrilateral",
    "pentagon",
    "hexagon",
}


def _noun_regex(index: SceneIndex) -> str:
    return _noun_alternation(frozenset(index.fact_counts))


@lru_cache(maxsize=256)
def _noun_alternation(fact_nouns: frozenset[str]) -> str:
    words = set(NOUNS) | fact_nouns | {"domino", "vertex"}
    forms = sorted({f for w in words for f in plural_forms(w)}, key=len, reverse=True)
    return "|".join(re.escape(f) for f in forms)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


def verify(caption: str, scene: Scene, facts: dict[str, Any] | None = None) -> list[Claim]:
    """Claims in ``caption`` with their verdicts against ``scene`` (and generator ``facts``).

    Claims come back sorted by position and never overlap. Deterministic; never raises on odd
    text (an unparseable phrase simply yields no claim).
    """
    return claims_in(caption, build_index(scene, facts))


def claims_in(caption: str, index: SceneIndex) -> list[Claim]:
    """:func:`verify` against a prebuilt index (one index serves many captions of one scene)."""
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []

    def add(c: Claim) -> None:
        if not _overlaps((c.start, c.end), taken):
            claims.append(c)
            taken.append((c.start, c.end))

    # relational claims first: "the intersection of A and B holds 7" is about a region, and
    # its number must not be judged as a free-standing value
    for c in relational_claims(caption, index):
        add(c)
    for m in _QUOTE_RE.finditer(caption):
        g = next(i for i in (1, 2, 3) if m.group(i) is not None)
        add(
            judge_quote(
                Claim(m.start(g), m.end(g), m.group(g), "quoted_text", "text", m.group(g)), index
            )
        )
    mentioned = {t for m in _LABEL_RE.finditer(caption) for t in label_tokens(m.group("body"))}
    for m in _LABEL_RE.finditer(caption):
        for tok, s, e in label_spans(m.group("body"), m.start("body")):
            add(
                judge_label(
                    Claim(s, e, tok, "label", m.group("key").lower(), tok),
                    caption,
                    index,
                    mentioned,
                )
            )
    nouns = _noun_regex(index)
    count_re = re.compile(
        rf"(?<![\w.,])(?P<num>{NUMBER_WORD_RE}|\d+)\s+(?P<mods>(?:(?!(?:{_STOP_RE})\b)[A-Za-z-]+\s+){{0,2}})"
        rf"(?P<noun>{nouns})\b",
        re.IGNORECASE,
    )
    for m in count_re.finditer(caption):
        mods = m.group("mods").split()
        prev = re.findall(r"([A-Za-z]+)\s+$", caption[: m.start()])
        if prev and (
            noun_key(prev[-1])
            or singular(prev[-1]) in index.fact_counts
            or prev[-1].lower() in _NUMBERED
        ):
            continue  # "line 3", "piece 2": an ordinal name, not a count
        if any(w.lower() in _STOP or parse_number(w) is not None for w in mods):
            continue
        nxt = re.match(r"\s+(\w+)", caption[m.end() :])
        add(
            judge_count(
                Claim(
                    m.start("num"),
                    m.end("num"),
                    m.group(0),
                    "count",
                    m.group("noun"),
                    parse_number(m.group("num")),
                ),
                mods,
                index,
                nxt.group(1).lower() if nxt else "",
            )
        )
    for m in re.finditer(rf"\b(?P<c>{COLOUR_RE})\b", caption, re.IGNORECASE):
        word = m.group("c")
        if word[:1].isupper() and index.has_text(word) and m.start() > 0:
            continue  # a category called "Orange" is a label, not a colour
        add(
            judge_colour(
                Claim(
                    m.start(),
                    m.end(),
                    word,
                    "colour",
                    colour_subject(caption, m, nouns),
                    word.lower(),
                ),
                index,
            )
        )
    for m in _RANGE_RE.finditer(caption):
        if not (_overlaps(m.span(1), taken) or _overlaps(m.span(2), taken)):
            for g in (1, 2):
                add(
                    judge_value(
                        Claim(
                            m.start(g),
                            m.end(g),
                            m.group(g),
                            "range",
                            _context(caption, m.start()),
                            float(m.group(g).replace("−", "-")),
                        ),
                        caption,
                        index,
                    )
                )
    for m in _NUMBER_RE.finditer(caption):
        prev = re.findall(r"([A-Za-z]+)\s+$", caption[: m.start()])
        if prev and prev[-1].lower() in _NAMED:
            continue  # "line 4", "polygon 2": a name, not a value
        add(
            judge_value(
                Claim(
                    m.start(),
                    m.end(),
                    m.group(),
                    "value",
                    _context(caption, m.start()),
                    float(m.group().replace("−", "-")),
                ),
                caption,
                index,
            )
        )
    el_re = re.compile(
        rf"\b(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}?(?P<noun>{nouns})\b", re.IGNORECASE
    )
    for m in el_re.finditer(caption):
        key = noun_key(m.group("noun"))
        if key in _ELEMENT_KEYS and singular(m.group("noun")) == m.group("noun").lower():
            add(
                judge_element(
                    Claim(
                        m.start("noun"),
                        m.end("noun"),
                        m.group("noun"),
                        "element",
                        key or "",
                        m.group("noun"),
                    ),
                    index,
                )
            )
    return sorted(claims, key=lambda c: c.start)


def _context(caption: str, pos: int) -> str:
    clause = re.split(r"[.;:()]", caption[:pos])[-1]
    words = [w for w in re.findall(r"[A-Za-z][\w'′]*", clause) if w.lower() not in _STOP]
    return " ".join(words[-3:])
