"""Document-VQA pairs with exact answers, generated from TokenIT records, and small documents.

A TokenIT record knows the text of its picture and, per BPE token, the pixels that show it
(``mask_value``, ``bbox``). :func:`doc_layout` recovers the structure of the text from the record
alone — no renderer metadata — and :func:`make_qa` asks questions whose answers are read from
known pixels; each :class:`DocQA` names them in ``evidence`` (the answer tokens' mask values).

Layout (:func:`doc_layout`)

* **words**: maximal runs of non-whitespace characters of ``text``. A word's tokens are the
  tokens owning one of its characters; it is *inked* when it has tokens and every one has a
  bbox (it is fully visible), *exact* when its tokens' texts, concatenated and stripped, are
  the word (no token is shared with a neighbour). A word with some ink has the union bbox.
* **text lines**: ``text`` split at ``"\\n"`` (a soft-wrapped paragraph is one text line).
* **visual lines**: inside a text line, words with ink in text order; a word starts a new
  visual line when its bbox overlaps the previous word's vertically by less than half the
  smaller height, or starts left of it (a soft wrap). Visual lines are numbered by the
  vertical centre of their union bbox, top to bottom. They are *stacked* when no line's
  centre lies inside another's vertical extent (one column): only then is "line 3" meaningful.
* **tables**: runs of consecutive text lines with the same number ``>= 1`` of tabs, at least
  two rows; cells are the tab-separated pieces (stripped); the first row is the header. A line
  that is itself a key–value pair (``"Theme:\\tdark"`` in a GUI form) is no table row.
* **key–value pairs**: a text line, or else a table cell, matching ``<key>:<value>`` (spaces
  or a tab may follow the colon) with a key of 1–4 words starting with a letter and a value
  of 1–6 words with no tab, no further ``": "`` and not starting with ``//`` (a URL).

Question kinds (:data:`KINDS`) and what makes them unambiguous

* ``read_at`` — "What is word 2 of line 3?": only in stacked documents, only on visual lines
  whose words are all inked and each contain a letter or digit (so bullets, dashes or ``=``
  cannot shift the count). The answer is the whole word as printed, punctuation included
  (``"cat,"``): stripping it would answer with something the image does not show as a word.
* ``next_word`` — 'Which word follows "X"?': X is an inked all-alphanumeric word that occurs
  exactly once in the text (case-sensitive, also counting it inside compounds such as
  ``"X-ray"`` or ``"X's"``); the answer is the next word on the same visual line, and must
  contain a letter or digit (whether ``"-"`` is a word is a matter of opinion).
* ``key_value`` — 'What is the value for "Key"?': the key (case-insensitively) names one pair.
* ``count`` — 'How many times does the word "X" appear?': X is an alphanumeric word with a
  letter; occurrences are words equal to X once leading/trailing punctuation is removed
  (``"X,"`` counts); X is skipped when it also appears in another case or inside a compound,
  or when an occurrence is not inked. Answer in digits; repeated and single words alternate.
* ``table_cell`` — 'In the table, what is in row R under "Header"?': R is the 1-based data
  row; the header text occurs once among the headers of all tables of the record.

Every answer must be non-empty, inked, and exact (its tokens, concatenated and stripped, spell
it); otherwise the question is not asked. Questions are drawn with the given ``rng`` from
candidates listed in text order, so the output is deterministic in the seed.

Small documents (:func:`render_small_doc`, :func:`small_docs`) are 128 px pictures for CPU
training: a key–value form, rows of words or a small table, in DejaVu Sans at 11–14 px, with
words from :data:`SMALL_VOCAB` (one Qwen token each, with or without a leading space — the
first word of a line has none, as in all TokenIT text — and after a tab).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from codepercept.tokenit.canvas import Rendered, TextCanvas, get_font, line_metrics, solid
from codepercept.tokenit.canvas import text_width as _text_width
from codepercept.tokenit.sample import TokenSample, build_sample
from codepercept.tokenit.tokenizer import Tokenizer, load_tokenizer

__all__ = [
    "FORM_KEYS",
    "KINDS",
    "SMALL_VOCAB",
    "DocQA",
    "KeyValue",
    "Layout",
    "Table",
    "Word",
    "check_vocab",
    "doc_layout",
    "make_qa",
    "qa_dataset",
    "record_of",
    "render_small_doc",
    "small_docs",
]

KINDS: tuple[str, ...] = ("read_at", "next_word", "key_value", "count", "table_cell")

#: Longest value of a key–value pair, in words (a longer "Note: …" is a sentence, not a value).
MAX_VALUE_WORDS = 6


@dataclass(frozen=True)
class DocQA:
    """One question about a picture; ``evidence`` are the mask values of the tokens the answer
    is read from, in text order (for ``count``: of every occurrence). :func:`make_qa` never
    leaves it empty, but readers should allow an empty one (a count of 0 has no pixels)."""

    question: str
    answer: str
    kind: str
    evidence: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocQA:
        return cls(d["question"], d["answer"], d["kind"], tuple(int(v) for v in d["evidence"]))


# ------------------------------------------------------------------------------------ layout

BBox = tuple[int, int, int, int]


@dataclass(frozen=True)
class Word:
    """A maximal non-whitespace run of the text, ``text[start:end]``."""

    text: str
    start: int
    end: int
    values: tuple[int, ...]  # mask values of the tokens owning its characters
    bbox: BBox | None  # union of those tokens' bboxes; None when none has ink
    inked: bool  # has tokens and every one has ink
    exact: bool  # its tokens' texts, concatenated and stripped, are the word
    line: int  # index of its text line


@dataclass(frozen=True)
class Cell:
    text: str  # stripped
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]  # data rows
    lines: tuple[int, ...]  # text lines, header first


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str
    value_start: int
    value_end: int
    line: int


@dataclass
class Layout:
    """The structure of a record's text (see the module docstring)."""

    text: str
    words: list[Word] = field(default_factory=list)
    lines: list[tuple[int, int]] = field(default_factory=list)  # char spans of text lines
    vlines: list[list[int]] = field(default_factory=list)  # word indices, top to bottom
    stacked: bool = False  # visual lines form one column (numbering them is meaningful)
    tables: list[Table] = field(default_factory=list)
    pairs: list[KeyValue] = field(default_factory=list)
    # token bookkeeping: owned char spans, sorted; mask values, texts and bboxes by position
    _tok_start: list[int] = field(default_factory=list, repr=False)
    _tok_end: list[int] = field(default_factory=list, repr=False)
    _tok: list[tuple[int, str, BBox | None]] = field(default_factory=list, repr=False)

    def span_tokens(self, start: int, end: int) -> list[tuple[int, str, BBox | None]]:
        """``(mask_value, token, bbox)`` of the non-whitespace tokens owning a character of
        ``text[start:end]``, in text order."""
        out = []
        i = bisect.bisect_right(self._tok_end, start)
        while i < len(self._tok) and self._tok_start[i] < end:
            if self._tok[i][1].strip():
                out.append(self._tok[i])
            i += 1
        return out

    def evidence(self, start: int, end: int, answer: str) -> tuple[int, ...] | None:
        """Mask values of the tokens spelling ``answer`` at ``text[start:end]``, or None when
        they do not spell it exactly or one of them shows no ink."""
        toks = self.span_tokens(start, end)
        if not toks or any(b is None for _, _, b in toks):
            return None
        if "".join(t for _, t, _ in toks).strip() != answer:
            return None
        return tuple(v for v, _, _ in toks)


def _union(boxes: list[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _same_row(a: BBox, b: BBox) -> bool:
    """Whether two boxes overlap vertically by at least half the smaller height."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap * 2 >= min(a[3] - a[1], b[3] - b[1]) and overlap > 0


_KEY_VALUE = re.compile(
    r"(?P<key>[^\W\d_][\w'&/.()-]*(?: [\w'&/.()-]+){0,3}):[ \t]*(?P<value>(?!//)[^\t]*[^\s])"
)


def _key_value(text: str, start: int, end: int, line: int) -> KeyValue | None:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    m = _KEY_VALUE.fullmatch(seg.strip())
    if m is None:
        return None
    value = m["value"]
    if ": " in value or len(value.split()) > MAX_VALUE_WORDS:
        return None
    v0 = start + lead + m.start("value")
    return KeyValue(m["key"], value, v0, v0 + len(value), line)


def _cells(text: str, start: int, end: int) -> tuple[Cell, ...]:
    out, pos = [], start
    for piece in text[start:end].split("\t"):
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        out.append(Cell(body, pos + lead, pos + lead + len(body)))
        pos += len(piece) + 1
    return tuple(out)


def doc_layout(record: dict) -> Layout:
    """Words, text and visual lines, tables and key–value pairs of a TokenIT record, from its
    ``text`` and ``tokens`` (``token``, ``mask_value``, ``text_index``, ``bbox``) alone."""
    text = record.get("text") or ""
    lay = Layout(text)
    toks = []
    for t in record.get("tokens") or []:
        s = t.get("token") or ""
        if not s:  # continuation bytes: own no character and no ink
            continue
        i0 = int(t.get("text_index", 0))
        bb = t.get("bbox")
        toks.append((i0, i0 + len(s), int(t["mask_value"]), s, tuple(bb) if bb else None))
    toks.sort(key=lambda x: x[0])
    lay._tok_start = [x[0] for x in toks]
    lay._tok_end = [x[1] for x in toks]
    lay._tok = [(x[2], x[3], x[4]) for x in toks]

    pos = 0
    for piece in text.split("\n"):
        lay.lines.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    line_starts = [a for a, _ in lay.lines]

    for m in re.finditer(r"\S+", text):
        w0, w1 = m.span()
        own = lay.span_tokens(w0, w1)
        boxes = [b for _, _, b in own if b is not None]
        lay.words.append(
            Word(
                text=m.group(),
                start=w0,
                end=w1,
                values=tuple(v for v, _, _ in own),
                bbox=_union(boxes),
                inked=bool(own) and len(boxes) == len(own),
                exact="".join(t for _, t, _ in own).strip() == m.group(),
                line=bisect.bisect_right(line_starts, w0) - 1,
            )
        )

    # Visual lines: split each text line's inked words at soft wraps.
    vlines: list[list[int]] = []
    prev_line, prev_box = -1, None
    for i, w in enumerate(lay.words):
        if w.bbox is None:
            continue
        if (
            w.line != prev_line
            or prev_box is None
            or not _same_row(prev_box, w.bbox)
            or w.bbox[0] < prev_box[0]
        ):
            vlines.append([])
        vlines[-1].append(i)
        prev_line, prev_box = w.line, w.bbox
    boxes = [_union([lay.words[i].bbox for i in vl]) for vl in vlines]  # type: ignore[misc]
    order = sorted(range(len(vlines)), key=lambda k: ((boxes[k][1] + boxes[k][3]) / 2, k))
    lay.vlines = [vlines[k] for k in order]
    lay.stacked = True
    max_bottom, last_centre = -1.0, None
    for k in order:
        y0, y1 = boxes[k][1], boxes[k][3]
        centre = (y0 + y1) / 2
        if max_bottom > centre or (last_centre is not None and y0 <= last_centre):
            lay.stacked = False
            break
        max_bottom, last_centre = max(max_bottom, y1), centre

    # Key–value pairs: a whole line, else each of its cells.
    line_pairs: set[int] = set()
    for li, (a, b) in enumerate(lay.lines):
        kv = _key_value(text, a, b, li)
        if kv is not None:
            line_pairs.add(li)
            lay.pairs.append(kv)
        elif "\t" in text[a:b]:
            for c in _cells(text, a, b):
                kv = _key_value(text, c.start, c.end, li)
                if kv is not None:
                    lay.pairs.append(kv)

    # Tables: runs of consecutive lines with the same number (>= 1) of tabs.
    run: list[int] = []

    def close() -> None:
        if len(run) >= 2:
            rows = [_cells(text, *lay.lines[li]) for li in run]
            lay.tables.append(Table(rows[0], tuple(rows[1:]), tuple(run)))
        run.clear()

    for li, (a, b) in enumerate(lay.lines):
        n_tabs = text.count("\t", a, b) if li not in line_pairs else 0
        if run and n_tabs != text.count("\t", *lay.lines[run[0]]):
            close()
        if n_tabs:
            run.append(li)
    close()
    return lay


# ---------------------------------------------------------------------------------- questions


def _core(word: str) -> tuple[str, int, int]:
    """A word without leading/trailing punctuation: (core, offset of core start, core end)."""
    a, b = 0, len(word)
    while a < b and not word[a].isalnum():
        a += 1
    while b > a and not word[b - 1].isalnum():
        b -= 1
    return word[a:b], a, b


def _pieces(word: str) -> list[str]:
    """Alphanumeric pieces of a word (``"X-ray's"`` → X, ray, s)."""
    return re.findall(r"[^\W_]+", word)


def _quotable(s: str) -> bool:
    return bool(s) and '"' not in s and "\n" not in s and "\t" not in s


def _read_at(lay: Layout) -> list[DocQA]:
    if not lay.stacked:
        return []
    out = []
    for ln, vl in enumerate(lay.vlines, start=1):
        words = [lay.words[i] for i in vl]
        if not all(w.inked and any(c.isalnum() for c in w.text) for w in words):
            continue
        for k, w in enumerate(words, start=1):
            ev = lay.evidence(w.start, w.end, w.text)
            if ev is not None:
                out.append(DocQA(f"What is word {k} of line {ln}?", w.text, "read_at", ev))
    return out


def _next_word(lay: Layout) -> list[DocQA]:
    mentions = Counter(p for w in lay.words for p in _pieces(w.text))
    out = []
    for vl in lay.vlines:
        for i, j in itertools.pairwise(vl):
            x, y = lay.words[i], lay.words[j]
            if not (x.text.isalnum() and x.inked and mentions[x.text] == 1):
                continue
            if not any(c.isalnum() for c in y.text):  # "-" or "=" may not count as a word
                continue
            ev = lay.evidence(y.start, y.end, y.text)
            if ev is not None:
                out.append(DocQA(f'Which word follows "{x.text}"?', y.text, "next_word", ev))
    return out


def _key_values(lay: Layout) -> list[DocQA]:
    keys = Counter(kv.key.casefold() for kv in lay.pairs)
    out = []
    for kv in lay.pairs:
        if keys[kv.key.casefold()] != 1 or not _quotable(kv.key):
            continue
        ev = lay.evidence(kv.value_start, kv.value_end, kv.value)
        if ev is not None:
            out.append(DocQA(f'What is the value for "{kv.key}"?', kv.value, "key_value", ev))
    return out


def _counts(lay: Layout) -> tuple[list[DocQA], list[DocQA]]:
    """(repeated, single) count questions, in order of first occurrence."""
    by_piece: dict[str, list[int]] = defaultdict(list)  # casefolded piece -> words mentioning it
    for i, w in enumerate(lay.words):
        for p in dict.fromkeys(_pieces(w.text.casefold())):
            by_piece[p].append(i)
    seen: set[str] = set()
    repeated, single = [], []
    for w in lay.words:
        x = _core(w.text)[0]
        if x in seen or not x.isalnum() or not any(c.isalpha() for c in x):
            continue
        seen.add(x)
        ev: list[int] = []
        for i in by_piece[x.casefold()]:
            o = lay.words[i]
            core, a, b = _core(o.text)
            got = lay.evidence(o.start + a, o.start + b, x) if core == x else None
            if got is None:  # other case, inside a compound, or not readable
                break
            ev.extend(got)
        else:
            n = len(by_piece[x.casefold()])
            q = DocQA(f'How many times does the word "{x}" appear?', str(n), "count", tuple(ev))
            (repeated if n > 1 else single).append(q)
    return repeated, single


def _table_cells(lay: Layout) -> list[DocQA]:
    headers = Counter(c.text for t in lay.tables for c in t.header)
    out = []
    for t in lay.tables:
        for col, h in enumerate(t.header):
            if headers[h.text] != 1 or not _quotable(h.text):
                continue
            for r, row in enumerate(t.rows, start=1):
                c = row[col]
                ev = lay.evidence(c.start, c.end, c.text) if c.text else None
                if ev is not None:
                    q = f'In the table, what is in row {r} under "{h.text}"?'
                    out.append(DocQA(q, c.text, "table_cell", ev))
    return out


def make_qa(
    record: dict,
    rng: random.Random | int,
    kinds: Sequence[str] = KINDS,
    per_kind: int = 2,
) -> list[DocQA]:
    """Up to ``per_kind`` unambiguous questions of each kind in ``kinds`` (in that order) about
    a TokenIT record; deterministic given the seed (``rng`` may be an int)."""
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown question kind(s) {bad}; choose from {', '.join(KINDS)}")
    if not isinstance(rng, random.Random):
        rng = random.Random(rng)
    lay = doc_layout(record)
    out: list[DocQA] = []
    for kind in kinds:
        if kind == "count":
            repeated, single = _counts(lay)
            rng.shuffle(repeated)
            rng.shuffle(single)
            mixed = [q for pair in zip(repeated, single, strict=False) for q in pair]
            n = min(len(repeated), len(single))
            out += (mixed + repeated[n:] + single[n:])[:per_kind]
            continue
        cands = {
            "read_at": _read_at,
            "next_word": _next_word,
            "key_value": _key_values,
            "table_cell": _table_cells,
        }[kind](lay)
        out += rng.sample(cands, min(per_kind, len(cands)))
    return out


# ------------------------------------------------------------------------------ sample input


def record_of(sample: Any) -> dict:
    """The TokenIT record of a sample: a :class:`TokenSample`'s own record, or one rebuilt from
    an OcrSample-like object (``tokens`` with ``mask_value``, ``text``, ``bbox``).

    OcrSamples drop whitespace tokens, so their text is rebuilt: where mask values skip (a
    dropped whitespace token), a space is put back when the next token's ink continues the
    previous ink's row within a gap of one ink height, else a newline. Tabs are
    lost where they were tokens of their own, so the ones left inside tokens (``"\\tcat"``)
    become spaces too: a half-kept table would be misread. Such samples give no table
    questions."""
    rec = getattr(sample, "record", None)
    if isinstance(rec, dict):
        return rec
    parts: list[str] = []
    tokens = []
    pos, last_value, last_box = 0, None, None
    for t in sorted(sample.tokens, key=lambda t: t.mask_value):
        box = tuple(t.bbox) if t.bbox else None
        if last_value is not None and t.mask_value > last_value + 1:
            sep = "\n" if _apart(last_box, box) else ("" if t.text[:1].isspace() else " ")
            parts.append(sep)
            pos += len(sep)
        piece = t.text.replace("\t", " ")
        tokens.append(
            {
                "token": piece,
                "token_id": int(t.token_id),
                "mask_value": int(t.mask_value),
                "text_index": pos,
                "bbox": list(box) if box else None,
                "whitespace": False,
            }
        )
        parts.append(piece)
        pos += len(piece)
        last_value = t.mask_value
        last_box = box or last_box
    return {"text": "".join(parts), "tokens": tokens, "tokenizer": sample.tokenizer}


def _apart(a: BBox | None, b: BBox | None) -> bool:
    """Whether ink ``b`` does not continue ink ``a``'s row after at most a word space."""
    if a is None or b is None:
        return False
    gap = b[0] - a[2]
    return not _same_row(a, b) or b[0] < a[0] or gap > max(a[3] - a[1], b[3] - b[1])


def qa_dataset(samples: Iterable[Any], seed: int = 0, per_kind: int = 2) -> list[dict]:
    """Question rows ``{"sample_id", "question", "answer", "kind", "evidence"}`` for TokenIT
    samples (or OcrSample-like ones, see :func:`record_of`); each sample's questions are drawn
    with a seed derived from ``seed`` and its id."""
    rows = []
    for s in samples:
        sid = str(s.id)
        sub = zlib.crc32(f"{seed}:{sid}".encode())
        for qa in make_qa(record_of(s), sub, per_kind=per_kind):
            rows.append({"sample_id": sid, **qa.to_dict()})
    return rows


# --------------------------------------------------------------------------- small documents

#: Short common words, each one Qwen token with a leading space, at a line start (no space)
#: and after a tab (``"\tcat"`` or ``"\t"`` + ``"cat"``); see :func:`check_vocab`.
SMALL_VOCAB: tuple[str, ...] = (
    "cat", "red", "blue", "tree", "book", "box", "hat", "pen", "map", "key",
    "egg", "tea", "apple", "road", "fire", "stone", "black", "white", "old", "new",
    "day", "home", "time", "boat", "train", "bus", "star", "sea", "rock", "wood",
    "leaf", "rose", "bean", "roof", "clock", "coin", "coat", "king", "land", "river",
)  # fmt: skip

#: Keys of forms and table headers (the same three-way check as :data:`SMALL_VOCAB`).
FORM_KEYS: tuple[str, ...] = (
    "Name", "Size", "Color", "Type", "Kind", "Place", "Item", "Note",
    "Age", "Year", "Day", "Time", "Shape", "Owner", "Price", "Date",
)  # fmt: skip


def check_vocab(words: Iterable[str], tokenizer: Tokenizer) -> list[str]:
    """The words of ``words`` that are NOT one token in all three positions."""
    bad = []
    for w in words:
        after_tab = [s.text for s in tokenizer.tokenize("x\t" + w)][1:]
        if (
            len(tokenizer.encode(" " + w)) != 1
            or len(tokenizer.encode(w)) != 1
            or after_tab not in (["\t" + w], ["\t", w])
        ):
            bad.append(w)
    return bad


def render_small_doc(
    rng: random.Random,
    width: int = 128,
    height: int = 128,
    vocab: Sequence[str] = SMALL_VOCAB,
) -> Rendered:
    """A small, legible document: a key–value form, rows of words or a 2–3 column table with a
    header, on a plain light background in DejaVu Sans at 11–14 px; every line lies inside
    the canvas and lines do not overlap. ``meta["layout"]`` says which, with its content."""
    paper = rng.choice([(255, 255, 255), (250, 248, 240), (242, 244, 246), (255, 252, 235)])
    ink = rng.choice([(0, 0, 0), (25, 25, 25), (20, 30, 80), (60, 20, 20)])
    cv = TextCanvas(solid(width, height, paper))
    size = rng.randint(11, 14)
    font = get_font("sans", size)
    bold = get_font("sans-bold", size)
    asc, desc = line_metrics(font)
    line_h = asc + desc + rng.randint(2, 5)
    margin = rng.randint(4, 8)
    room = width - 2 * margin
    n_fit = max(1, (height - 2 * margin) // line_h)
    layout = rng.choice(["form", "rows", "table"])
    lines: list[list[str]] = []  # cells of each line
    if layout == "form":
        keys = rng.sample(FORM_KEYS, min(len(FORM_KEYS), rng.randint(3, 5), n_fit))
        for k in keys:
            cell = f"{k}: {rng.choice(vocab)}"
            longer = f"{cell} {rng.choice(vocab)}"
            if rng.random() < 0.3 and _text_width(font, longer) <= room:
                cell = longer
            lines.append([cell])
    elif layout == "rows":
        pool = rng.sample(vocab, rng.randint(5, 12))  # a small pool: some words repeat
        for _ in range(min(rng.randint(3, 5), n_fit)):
            words = [rng.choice(pool)]
            for _ in range(rng.randint(1, 3)):
                w = rng.choice(pool)
                if _text_width(font, " ".join([*words, w])) <= room:
                    words.append(w)
            lines.append([" ".join(words)])
    else:
        n_cols = rng.randint(2, 3)
        gap = size // 2 + 2
        for _ in range(20):  # draw until the table fits the width
            header = rng.sample(FORM_KEYS, n_cols)
            body = [
                [rng.choice(vocab) for _ in range(n_cols)]
                for _ in range(min(rng.randint(2, 4), n_fit - 1))
            ]
            rows = [header, *body]
            col_w = [
                max(_text_width(bold if r == 0 else font, row[c]) for r, row in enumerate(rows))
                for c in range(n_cols)
            ]
            if sum(col_w) + gap * (n_cols - 1) <= room:
                break
            n_cols = 2
        else:  # pragma: no cover - two short words always fit
            rows, col_w = [["Name", "cat"]], [_text_width(font, "Name"), 0.0]
        lines = rows
    y = margin + asc
    xs: list[float] = []
    for li, cells in enumerate(lines):
        if li:
            cv.append("\n")
        x = float(margin)
        if layout == "table":
            xs = [margin + sum(col_w[:c]) + gap * c for c in range(len(cells))]
        for c, cell in enumerate(cells):
            if c:
                cv.append("\t")
            f = bold if layout == "table" and li == 0 else font
            cv.draw_string(cell, xs[c] if layout == "table" else x, y, f, ink)
        y += line_h
    meta: dict[str, Any] = {"domain": "small_doc", "layout": layout, "font": "sans", "size": size}
    if layout == "form":
        meta["pairs"] = [cells[0].split(": ", 1) for cells in lines]
    elif layout == "rows":
        meta["lines"] = [cells[0] for cells in lines]
    else:
        meta["header"], meta["rows"] = lines[0], lines[1:]
    return cv.result(meta)


@functools.cache
def _tokenizer(spec: str) -> Tokenizer:
    return load_tokenizer(spec)


def small_docs(
    n: int,
    seed: int = 0,
    size: tuple[int, int] = (128, 128),
    tokenizer: str | Tokenizer = "qwen",
) -> list[TokenSample]:
    """``n`` small documents as TokenIT samples (ids ``"sdoc-{seed}-{i}"``), deterministic in
    ``seed``: document ``i`` is drawn with its own ``random.Random`` seeded from (seed, i)."""
    tok = _tokenizer(tokenizer) if isinstance(tokenizer, str) else tokenizer
    out = []
    for i in range(n):
        rng = random.Random(f"sdoc:{seed}:{i}")
        out.append(build_sample(f"sdoc-{seed}-{i}", render_small_doc(rng, *size), tok))
    return out
