"""Bind a caption's numbers and labels to the scene's own statements of them.

A number in a caption means something only next to its subject ("amplitude of 1.5", "vertex A
has degree 3"). We find the *evidence sentence* — a generator statement, a structured fact
rendered as words ("side 8"), or a drawn text ("E = 3 V") — whose words around one of its numbers
best match the words around the caption's number, and read the expected value there.

Scoring (per candidate number in an evidence sentence): for each content word shared by the two
windows (six words before, three after, same sentence), add ``1/(1+ds)`` for a label-like word
(drawn text, or capitalised in the caption) and ``1/((1+dc)(1+ds))`` for any other word, where
``dc``/``ds`` are the word's distances from the number in caption / evidence (words after the
number count two further). Equal units (°, %, V, kJ/mol …) add 1; different units exclude the
candidate. A match needs a score of at least :data:`MIN_SCORE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from codepercept.caption.index import SceneIndex, evidence_sentences

__all__ = ["MIN_SCORE", "Alignment", "align_label", "align_value", "evidence_sentences"]

MIN_SCORE = 0.9
_STOP = {
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
    "to",
    "at",
    "in",
    "on",
    "is",
    "are",
    "with",
    "by",
    "its",
    "it",
    "has",
    "have",
    "for",
    "as",
    "from",
    "that",
    "this",
    "each",
    "while",
    "which",
    "be",
    "we",
    "see",
    "there",
    "was",
    "were",
    "about",
    "approximately",
    "roughly",
    "only",
    "runs",
    "goes",
    "lies",
    "sits",
    "shows",
    "spans",
    "drawn",
    "than",
    "then",
    "but",
}
_SENT = re.compile(r"[.;!?](?=\s|$)|\n")
_TOKEN = re.compile(r"[-−]?\d+(?:\.\d+)?|[A-Za-z][A-Za-z'′₀-₉]*|[°%Ω]")
# Words that say the same thing about a number ("marked 6.2" / "labelled 6.2").
_SYNONYMS = {
    "marked": "labelled",
    "labeled": "labelled",
    "written": "labelled",
    "shown": "labelled",
    "reads": "labelled",
    "measures": "labelled",
    "centred": "centre",
    "center": "centre",
    "centered": "centre",
}
_UNITS = {
    "°",
    "%",
    "v",
    "ω",
    "kj",
    "j",
    "m",
    "s",
    "n",
    "kg",
    "cm",
    "mm",
    "km",
    "ml",
    "l",
    "a",
    "hz",
    "w",
    "g",
    "units",
    "years",
    "ms",
    "mol",
}


@dataclass(frozen=True)
class Alignment:
    values: tuple[float, ...]  # the tied best candidates, evidence order
    score: float
    words: float  # the part of the score from shared words (not the unit)
    specific: bool  # the evidence's two nearest words are shared, one of them not a label
    source: str


Token = tuple[str, str, int, int]


@lru_cache(maxsize=4096)
def _tokens(sentence: str) -> tuple[Token, ...]:
    """(kind, text, start, end) with kind "n" (number) or "w" (word)."""
    return tuple(
        ("n" if re.match(r"[-−]?\d", m.group()) else "w", m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(sentence)
    )


def _note(dist: dict[str, int], caps: dict[str, bool], text: str, d: int) -> None:
    w = _SYNONYMS.get(text.lower(), text.lower())
    dist.setdefault(w, d)
    caps[w] = caps.get(w, False) or text[:1].isupper()


def _window(toks: tuple[Token, ...], i: int) -> tuple[dict[str, int], dict[str, bool], str]:
    """Content words around token ``i`` → distance; which were capitalised; the unit after it."""
    dist: dict[str, int] = {}
    caps: dict[str, bool] = {}
    d = 0
    for kind, text, _, _ in reversed(toks[:i]):
        if kind == "w" and text.lower() not in _STOP:
            _note(dist, caps, text, d)
            d += 1
            if d >= 6:
                break
    unit = ""
    if i + 1 < len(toks) and toks[i + 1][0] == "w" and toks[i + 1][1].lower() in _UNITS:
        unit = toks[i + 1][1].lower()
    d = 2
    for kind, text, _, _ in toks[i + 1 : i + 6]:
        if kind == "w" and text.lower() not in _STOP and text.lower() not in _UNITS:
            _note(dist, caps, text, d)
            d += 1
            if d >= 5:
                break
    return dist, caps, unit


@lru_cache(maxsize=4096)
def _number_windows(sentence: str) -> tuple[tuple[str, dict[str, int], str], ...]:
    """Each number of an evidence sentence with its word distances and unit (read-only)."""
    toks = _tokens(sentence)
    out = []
    for j, t in enumerate(toks):
        if t[0] == "n":
            edist, _, eunit = _window(toks, j)
            out.append((t[1], edist, eunit))
    return tuple(out)


def sentence_at(text: str, pos: int) -> tuple[str, int]:
    starts = [0] + [m.end() for m in _SENT.finditer(text) if m.end() <= pos]
    s0 = starts[-1]
    nxt = _SENT.search(text, pos)
    return text[s0 : nxt.start() if nxt else len(text)], s0


def align_value(caption: str, start: int, index: SceneIndex) -> Alignment | None:
    """The evidence numbers that the caption's number at ``start`` is about, or None."""
    sent, s0 = sentence_at(caption, start)
    toks = _tokens(sent)
    here = next((i for i, t in enumerate(toks) if t[0] == "n" and t[2] == start - s0), None)
    if here is None:
        return None
    cdist, ccaps, cunit = _window(toks, here)
    label_like = {w for w, c in ccaps.items() if c and index.has_text(w)} | {
        w for w in cdist if len(w) <= 3 and w.upper() == w and index.has_text(w)
    }
    best: list[tuple[float, float, float, str, float, bool]] = []
    for ev in index.evidence:
        for number, edist, eunit in _number_windows(ev):
            if cunit and eunit and cunit != eunit:
                continue
            words = plain = 0.0
            for w, dc in cdist.items():
                if w in edist:
                    strong = w in label_like or (ccaps.get(w, False) and len(w) <= 3)
                    if strong:
                        words += 1 / (1 + edist[w])
                    else:
                        plain += 1 / ((1 + dc) * (1 + edist[w]))
            words += plain
            unit = 1.0 if cunit and cunit == eunit else 0.0
            near = [w for w, d in edist.items() if d <= 1]
            plain_near = [w for w in near if not (len(w) <= 3 and index.has_text(w))]
            specific = bool(plain_near) and all(w in cdist for w in near)
            best.append((words + unit, words, float(number.replace("−", "-")), ev, unit, specific))
    if not best:
        return None
    top = max(b[0] for b in best)
    if top < MIN_SCORE:
        return None
    tied = [b for b in best if abs(b[0] - top) < 1e-9]
    if any(b[4] for b in tied):  # equal units break ties
        tied = [b for b in tied if b[4]]
    values = tuple(dict.fromkeys(b[2] for b in tied))
    return Alignment(values, top, max(b[1] for b in tied), any(b[5] for b in tied), tied[0][3])


def stated_verbatim(caption: str, start: int, end: int, index: SceneIndex) -> str | None:
    """An evidence sentence holding the caption's number together with a neighbouring token."""
    sent, s0 = sentence_at(caption, start)
    toks = _tokens(sent)
    i = next((k for k, t in enumerate(toks) if t[2] == start - s0), None)
    if i is None:
        return None
    grams = []
    if i > 0:
        grams.append(sent[toks[i - 1][2] : toks[i][3]])
    if i + 1 < len(toks):
        grams.append(sent[toks[i][2] : toks[i + 1][3]])
    grams = [" ".join(g.lower().split()) for g in grams if toks[i][1] != g]
    for ev in index.evidence:
        low = " ".join(ev.lower().split())
        if any(re.search(rf"(?<![\w.]){re.escape(g)}(?![\w.])", low) for g in grams):
            return ev
    return None


def _letters(text: str) -> list[str]:
    out = []
    for m in re.finditer(r"(?<![\w'′])([A-Z](?:[′']|[A-Z])*)(?![\w])", text):
        out += re.findall(r"[A-Z][′']?", m.group(1)) if len(m.group(1)) <= 8 else []
    return out


def align_label(caption: str, start: int, index: SceneIndex, drawn: list[str]) -> str | None:
    """A drawn label that the best-matching statement names and the caption's sentence lacks."""
    sent, _ = sentence_at(caption, start)
    words = {
        w.lower() for w in re.findall(r"[A-Za-z]+", sent) if w.lower() not in _STOP and len(w) > 1
    }
    have = set(_letters(sent))
    scored: list[tuple[int, str]] = []
    for st in index.facts.get("statements", []):
        st = str(st)
        sw = {w.lower() for w in re.findall(r"[A-Za-z]+", st) if len(w) > 1}
        overlap = len(words & sw) + len(have & set(_letters(st)))
        scored.append((overlap, st))
    for _, st in sorted(scored, key=lambda x: -x[0])[:1]:
        for letter in _letters(st):
            if letter not in have and letter in drawn:
                return letter
    return None
