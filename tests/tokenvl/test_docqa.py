"""Document-VQA from TokenIT records: exact questions and answers on hand-made records, no
ambiguous question, evidence that points at the answer's pixels, real TokenIT samples, and the
small-document renderer."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest

from codepercept.tokenit import build_sample, load_tokenizer
from codepercept.tokenit.canvas import TextCanvas, get_font, solid, text_width
from codepercept.tokenit.sample import TokenSample
from codepercept.tokenvl.docqa import (
    FORM_KEYS,
    SMALL_VOCAB,
    DocQA,
    check_vocab,
    doc_layout,
    make_qa,
    qa_dataset,
    render_small_doc,
    small_docs,
)

ALL = 100  # per_kind large enough to get every candidate


@pytest.fixture(scope="module")
def tok():
    return load_tokenizer("qwen")


def draw(tok, lines: list[list[tuple[float, str]]], sep: str = "\n", font="sans", size=14):
    """A sample from lines of ``(x, string)`` pieces; pieces of a line are joined by a tab,
    lines by ``sep`` (``" "``: one soft-wrapped paragraph)."""
    f = get_font(font, size)
    cv = TextCanvas(solid(400, 30 + 22 * len(lines), (255, 255, 255)))
    for li, pieces in enumerate(lines):
        if li:
            cv.append(sep)
        for k, (x, s) in enumerate(pieces):
            if k:
                cv.append("\t")
            cv.draw_string(s, x, 20 + 22 * li, f)
    return build_sample("hand", cv.result({"domain": "hand"}), tok)


def qa(sample: TokenSample, kind: str) -> set[tuple[str, str]]:
    return {(q.question, q.answer) for q in make_qa(sample.record, 0, [kind], ALL)}


def check_evidence(sample: TokenSample, qs: list[DocQA]) -> None:
    """Every evidence value has pixels; non-count answers are spelt by their tokens, counts by
    one run of the word's tokens per occurrence."""
    text = {t["mask_value"]: t["token"] for t in sample.record["tokens"]}
    for q in qs:
        assert q.answer and q.answer == q.answer.strip(), q
        for v in q.evidence:
            assert (sample.mask == v).any(), q
        spelt = "".join(text[v] for v in q.evidence)
        if q.kind == "count":
            assert q.answer.isdigit() and int(q.answer) >= 1, q
            word = q.question.split('"')[1]
            assert "".join(spelt.split()) == word * int(q.answer), q
        else:
            assert spelt.strip() == q.answer, q


# ---------------------------------------------------------------------------- hand-made records


@pytest.fixture(scope="module")
def form(tok):
    return draw(
        tok,
        [
            [(10, "Name: cat")],
            [(10, "Age: 12")],
            [(10, "Name: dog")],
            [(10, "City: Paris Lyon")],
            [(10, "Theme:"), (120, "dark")],
            [(10, "Mode:"), (120, "fast")],
        ],
    )


def test_form_duplicate_key_asks_nothing_and_tabbed_pairs_are_no_table(form):
    assert form.record["text"] == (
        "Name: cat\nAge: 12\nName: dog\nCity: Paris Lyon\nTheme:\tdark\nMode:\tfast"
    )
    assert qa(form, "key_value") == {
        ('What is the value for "Age"?', "12"),
        ('What is the value for "City"?', "Paris Lyon"),
        ('What is the value for "Theme"?', "dark"),
        ('What is the value for "Mode"?', "fast"),
    }
    assert doc_layout(form.record).tables == []
    assert ('How many times does the word "Name" appear?', "2") in qa(form, "count")
    check_evidence(form, make_qa(form.record, 3, per_kind=ALL))


@pytest.fixture(scope="module")
def table(tok):
    rows = [["Item", "Price", "Item"], ["apple", "3", "pear"], ["plum", "5", "fig"]]
    return draw(tok, [[(10 + 90 * c, cell) for c, cell in enumerate(r)] for r in rows])


def test_table_with_a_duplicated_header_asks_only_under_the_unique_one(table):
    assert table.record["text"] == "Item\tPrice\tItem\napple\t3\tpear\nplum\t5\tfig"
    (t,) = doc_layout(table.record).tables
    assert [c.text for c in t.header] == ["Item", "Price", "Item"] and len(t.rows) == 2
    assert qa(table, "table_cell") == {
        ('In the table, what is in row 1 under "Price"?', "3"),
        ('In the table, what is in row 2 under "Price"?', "5"),
    }
    assert qa(table, "key_value") == set()
    check_evidence(table, make_qa(table.record, 3, per_kind=ALL))


@pytest.fixture(scope="module")
def paragraph(tok):
    # One paragraph soft-wrapped over three visual lines (the wraps are spaces in the text).
    lines = ["one dog saw a cat", "and the dog ran,", "cat's toy fell"]
    return draw(tok, [[(10, s)] for s in lines], sep=" ")


def test_paragraph_visual_lines_counts_and_next_words(paragraph):
    rec = paragraph.record
    assert "\n" not in rec["text"]
    lay = doc_layout(rec)
    assert len(lay.lines) == 1 and lay.stacked
    assert [[lay.words[i].text for i in vl] for vl in lay.vlines] == [
        ["one", "dog", "saw", "a", "cat"],
        ["and", "the", "dog", "ran,"],
        ["cat's", "toy", "fell"],
    ]
    # "dog" twice; "cat" also inside "cat's", so never counted; "ran," counts as "ran".
    singles = ["one", "saw", "a", "and", "the", "ran", "toy", "fell"]
    assert qa(paragraph, "count") == {('How many times does the word "dog" appear?', "2")} | {
        (f'How many times does the word "{w}" appear?', "1") for w in singles
    }
    # "dog" and "cat" occur twice; a word at the end of a visual line has no follower.
    assert qa(paragraph, "next_word") == {
        (f'Which word follows "{x}"?', y)
        for x, y in [("one", "dog"), ("saw", "a"), ("a", "cat"), ("and", "the"),
                     ("the", "dog"), ("toy", "fell")]
    }  # fmt: skip
    read = qa(paragraph, "read_at")
    assert len(read) == 12 and ("What is word 4 of line 2?", "ran,") in read
    assert ("What is word 1 of line 3?", "cat's") in read
    check_evidence(paragraph, make_qa(rec, 5, per_kind=ALL))


def test_count_alternates_repeated_and_single_words(paragraph):
    qs = make_qa(paragraph.record, 7, ["count"], per_kind=2)
    assert [q.answer for q in qs] == ["2", "1"]
    assert len(qs[0].evidence) == 2


@pytest.fixture(scope="module")
def code(tok):
    return draw(tok, [[(10, "def area(w, h):")], [(10, "    return w * h")]], font="mono")


def test_code_snippet(code):
    assert qa(code, "read_at") == {  # line 2 holds "*", which may or may not count as a word
        ("What is word 1 of line 1?", "def"),
        ("What is word 2 of line 1?", "area(w,"),
        ("What is word 3 of line 1?", "h):"),
    }
    assert qa(code, "next_word") == {
        ('Which word follows "def"?', "area(w,"),
        ('Which word follows "return"?', "w"),
    }
    # "w" also appears inside "area(w,": ambiguous, not counted; "h):" counts as "h".
    assert qa(code, "count") == {
        ('How many times does the word "def" appear?', "1"),
        ('How many times does the word "return" appear?', "1"),
        ('How many times does the word "h" appear?', "2"),
    }
    assert qa(code, "key_value") == set() and qa(code, "table_cell") == set()
    check_evidence(code, make_qa(code.record, 1, per_kind=ALL))


def test_side_by_side_lines_have_no_line_numbers(tok):
    f = get_font("sans", 14)
    cv = TextCanvas(solid(300, 60, (255, 255, 255)))
    cv.draw_string("left side", 10, 20, f)
    cv.append("\n")
    cv.draw_string("right side", 160, 24, f)  # the second text line is beside the first
    two_columns = build_sample("cols", cv.result(), tok)
    lay = doc_layout(two_columns.record)
    assert len(lay.vlines) == 2 and not lay.stacked
    assert qa(two_columns, "read_at") == set()
    assert qa(two_columns, "next_word") == {
        ('Which word follows "left"?', "side"),
        ('Which word follows "right"?', "side"),
    }


def test_words_without_ink_are_kept_flagged_and_never_asked(tok):
    f = get_font("sans", 14)
    cv = TextCanvas(solid(120, 40, (255, 255, 255)))
    cv.draw_string("seen here", 5, 20, f)
    cv.append(" ")
    cv.draw_string("gone", 500, 20, f)  # off the canvas: no pixels
    s = build_sample("clip", cv.result(), tok)
    lay = doc_layout(s.record)
    assert [(w.text, w.inked, w.bbox is None) for w in lay.words] == [
        ("seen", True, False),
        ("here", True, False),
        ("gone", False, True),
    ]
    qs = make_qa(s.record, 0, per_kind=ALL)
    assert qs and all("gone" not in q.question and q.answer != "gone" for q in qs)
    check_evidence(s, qs)


@pytest.mark.parametrize("text", ["", "   ", " \n\t\n ", "日本 😀 ß", "x" * 5000, "a:\t\n:b"])
def test_odd_text_never_crashes(tok, text):
    cv = TextCanvas(solid(64, 48, (255, 255, 255)))
    for i, line in enumerate(text.split("\n")):
        if i:
            cv.append("\n")
        cv.draw_string(line, 2, 12 + 14 * i, get_font("sans", 12))
    s = build_sample("odd", cv.result(), tok)
    assert s.record["text"] == text
    doc_layout(s.record)
    check_evidence(s, make_qa(s.record, 0, per_kind=ALL))
    assert make_qa({"text": text, "tokens": []}, 0) == []
    assert make_qa({}, 0) == []


def test_deterministic_and_serialisable(paragraph, form):
    for s in (paragraph, form):
        a, b = make_qa(s.record, 11), make_qa(s.record, random.Random(11))
        assert a == b and a
        assert [DocQA.from_dict(q.to_dict()) for q in a] == a
    assert make_qa(paragraph.record, 1, per_kind=3) != make_qa(paragraph.record, 2, per_kind=3)
    with pytest.raises(ValueError, match="unknown question kind"):
        make_qa(form.record, 0, ["colour"])


# --------------------------------------------------------------------------- real TokenIT data


@pytest.fixture(scope="module")
def tokenit_dir(tmp_path_factory):
    from codepercept.tokenit import generate

    out = tmp_path_factory.mktemp("tokenit") / "ds"
    generate(6, out, domains=["documents", "code"], workers=1, seed=0)  # about 2 s
    return out


@pytest.fixture(scope="module")
def tokenit_samples(tokenit_dir):
    from codepercept.tokenit import read_samples

    return list(read_samples(tokenit_dir))


def test_real_tokenit_documents_and_code(tokenit_samples):
    domains = {s.record["domain"] for s in tokenit_samples}
    assert domains == {"documents", "code"}
    kinds = set()
    for s in tokenit_samples:
        qs = make_qa(s.record, 0, per_kind=ALL)
        assert qs == make_qa(s.record, 0, per_kind=ALL)
        check_evidence(s, qs)
        assert len({q.question for q in qs}) == len(qs)
        kinds |= {q.kind for q in qs}
    assert {"read_at", "next_word", "count"} <= kinds
    rows = qa_dataset(tokenit_samples, seed=3, per_kind=1)
    assert rows and set(rows[0]) == {"sample_id", "question", "answer", "kind", "evidence"}
    assert rows == qa_dataset(tokenit_samples, seed=3, per_kind=1)


# ---------------------------------------------------------------------------- small documents


def test_small_vocab_is_one_token_everywhere(tok):
    assert 35 <= len(SMALL_VOCAB) <= 45 and len(set(SMALL_VOCAB)) == len(SMALL_VOCAB)
    assert check_vocab(SMALL_VOCAB, tok) == [] and check_vocab(FORM_KEYS, tok) == []
    assert check_vocab(["milk"], tok) == ["milk"]  # " milk" is one token, "\tmilk" is not


@pytest.fixture(scope="module")
def sdocs():
    return small_docs(30, seed=0)


def test_small_docs_are_legible_and_do_not_overlap(sdocs):
    assert {s.record["meta"]["layout"] for s in sdocs} == {"form", "rows", "table"}
    for s in sdocs:
        rec = s.record
        assert (rec["width"], rec["height"]) == (128, 128)
        inked = [t for t in rec["tokens"] if t["token"].strip()]
        boxes = []
        for t in inked:
            assert t["bbox"] is not None, t
            x0, y0, x1, y1 = t["bbox"]
            assert 0 < x0 < x1 < 128 and 0 < y0 < y1 < 128, t
            if any(c.isalpha() for c in t["token"]):
                assert (s.mask == t["mask_value"]).sum() >= 20, (s.id, t)
            boxes.append(t["bbox"])
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (s.id, a, b)
        # Every word is one token; the first word of a line has no leading space.
        words = rec["text"].replace(":", " ").split()
        word_toks = [t["token"] for t in inked if t["token"] != ":"]
        assert [w.strip() for w in word_toks] == words, rec["text"]
        text = rec["text"]
        starts = [t for t in inked if t["text_index"] == 0 or text[t["text_index"] - 1] == "\n"]
        assert len(starts) == text.count("\n") + 1
        assert all(not t["token"][0].isspace() for t in starts)


def test_small_docs_are_deterministic_and_questions_need_no_meta(sdocs, tok):
    again = small_docs(3, seed=0)
    assert [s.id for s in again] == ["sdoc-0-0", "sdoc-0-1", "sdoc-0-2"]
    for a, b in zip(again, sdocs, strict=False):
        assert a.record == b.record and np.array_equal(a.image, b.image)
    assert small_docs(2, seed=1)[0].record["text"] != sdocs[0].record["text"]
    kinds_by_layout: dict[str, set[str]] = {}
    for s in sdocs:
        qs = make_qa(s.record, 0, per_kind=ALL)
        bare = {k: v for k, v in s.record.items() if k != "meta"}
        assert make_qa(bare, 0, per_kind=ALL) == qs
        check_evidence(s, qs)
        kinds_by_layout.setdefault(s.record["meta"]["layout"], set()).update(q.kind for q in qs)
    assert "key_value" in kinds_by_layout["form"] and "table_cell" in kinds_by_layout["table"]
    assert "count" in kinds_by_layout["rows"]


def test_ocr_samples_without_whitespace_tokens(sdocs):
    """OcrSample-like inputs (whitespace tokens dropped) give the same form and row questions;
    a table's cells, far apart, come back as separate lines: fewer questions, none new."""
    for s in sdocs[:12]:
        ocr = SimpleNamespace(
            id=s.id,
            tokenizer="qwen",
            tokens=[
                SimpleNamespace(
                    token_id=t["token_id"], mask_value=t["mask_value"], text=t["token"],
                    bbox=tuple(t["bbox"]) if t["bbox"] else None,
                )
                for t in s.record["tokens"]
                if not t["whitespace"]
            ],
        )  # fmt: skip
        got = {(r["question"], r["answer"]) for r in qa_dataset([ocr], seed=0, per_kind=ALL)}
        want = {(r["question"], r["answer"]) for r in qa_dataset([s], seed=0, per_kind=ALL)}
        if s.record["meta"]["layout"] == "table":
            assert got and got < want
        else:
            assert got == want, s.record["text"]


def test_ocr_samples_from_a_tokenit_directory(tokenit_dir, tokenit_samples):
    pytest.importorskip("torch")  # codepercept.tokenocr.data needs it
    from codepercept.tokenocr.data import iter_samples

    ocr = list(iter_samples(tokenit_dir))
    assert [o.id for o in ocr] == [s.id for s in tokenit_samples]

    def rows(sample) -> set[tuple]:
        return {
            (r["question"], r["answer"], tuple(r["evidence"]))
            for r in qa_dataset([sample], per_kind=ALL)
        }

    for s, o in zip(tokenit_samples, ocr, strict=True):
        got = rows(o)
        assert got and got <= rows(s)


def test_render_small_doc_fits_any_rng():
    for seed in range(40):
        r = render_small_doc(random.Random(seed))
        assert r.image.shape == (128, 128, 3) and r.meta["layout"] in {"form", "rows", "table"}
        ys, xs = np.nonzero(r.labels >= 0)
        assert ys.min() > 0 and xs.min() > 0 and ys.max() < 127 and xs.max() < 127
    assert text_width(get_font("sans", 14), "Shape: stone") < 128
