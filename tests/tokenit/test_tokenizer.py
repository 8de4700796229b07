"""Tokenizer: offsets, byte-level pieces, word-initial spaces, loading errors."""

from __future__ import annotations

import base64

import pytest

from codepercept.tokenit.tokenizer import (
    load_tokenizer,
    qwen_vocab_path,
    spans_from_byte_pieces,
)


@pytest.fixture(scope="module")
def qwen():
    return load_tokenizer("qwen")


def test_qwen_vocab_found_in_dashscope():
    p = qwen_vocab_path()
    assert p.name == "qwen.tiktoken" and "dashscope" in str(p)


def test_ids_match_tiktoken_and_pieces_concatenate(qwen):
    text = "The force on a charge is 4.7 kΩ, café 数学!\n  def f(x):\n\treturn x"
    spans = qwen.tokenize(text)
    assert "".join(s.text for s in spans) == text
    assert [s.token_id for s in spans] == qwen._enc.encode_ordinary(text)
    assert qwen.encode(text) == [s.token_id for s in spans]


def test_known_qwen_ids(qwen):
    spans = qwen.tokenize("Hello the world")
    assert [(s.text, s.token_id) for s in spans] == [
        ("Hello", 9707),
        (" the", 279),
        (" world", 1879),
    ]


def test_word_initial_pieces_carry_their_space(qwen):
    spans = qwen.tokenize("read the paper")
    assert [s.text for s in spans] == ["read", " the", " paper"]
    assert [s.char_start for s in spans] == [0, 4, 8]
    assert [s.text for s in qwen.query_tokens("the")] == [" the"]
    assert next(s.text for s in qwen.query_tokens("3rd")) == "3"  # digits get no space
    assert [s.text for s in qwen.query_tokens(" paper")] == [" paper"]


def test_split_multibyte_character_maps_to_its_character(qwen):
    # "∮" (3 UTF-8 bytes) is split by Qwen's BPE: " ∮" holds the space plus its first bytes.
    text = "a ∮ b"
    spans = qwen.tokenize(text)
    assert "".join(s.text for s in spans) == text
    cont = [s for s in spans if s.text == ""]
    assert cont, "expected a continuation-byte token for ∮"
    for s in cont:
        assert text[s.char_start : s.char_end] == "∮"
    owner = next(s for s in spans if "∮" in s.text)
    assert owner.text == " ∮" and owner.char_start == 1


def test_spans_from_byte_pieces_hand_case():
    text = "xé"  # é = C3 A9
    spans = spans_from_byte_pieces(text, [1, 2], [b"x\xc3", b"\xa9"])
    # Two pieces: "x" + first byte of é, then the continuation byte.
    assert [(s.text, s.char_start, s.char_end) for s in spans] == [("xé", 0, 2), ("", 1, 2)]
    with pytest.raises(ValueError):
        spans_from_byte_pieces(text, [1], [b"x"])


def test_whitespace_flag(qwen):
    spans = qwen.tokenize("a\n\nb  c")
    ws = [s for s in spans if s.whitespace]
    assert ws and all(s.text.isspace() for s in ws)
    assert not any(s.whitespace for s in spans if s.text.strip())


def test_tiktoken_file_by_path(tmp_path):
    vocab = {bytes([b]): b for b in range(256)}
    vocab[b"ab"] = 256
    p = tmp_path / "tiny.tiktoken"
    p.write_text("".join(f"{base64.b64encode(k).decode()} {v}\n" for k, v in vocab.items()))
    tok = load_tokenizer(p)
    spans = tok.tokenize("ab ab")
    assert [s.token_id for s in spans] == [256, 32, 256]
    assert "".join(s.text for s in spans) == "ab ab"
    # A record's "tokenizer" field loads the same tokenizer again.
    assert load_tokenizer(tok.name).encode("ab ab") == [256, 32, 256]


def test_bad_tokenizer_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match="neither 'qwen'"):
        load_tokenizer(tmp_path / "missing.json")
    bad = tmp_path / "broken.tiktoken"
    bad.write_text("not a line\n")
    with pytest.raises(ValueError, match="BASE64 RANK"):
        load_tokenizer(bad)


def test_tokenizer_json_needs_tokenizers_package(tmp_path, monkeypatch):
    import sys

    p = tmp_path / "tokenizer.json"
    p.write_text('{"version": "1.0", "model": {"type": "BPE", "vocab": {}, "merges": []}}')
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # as if it were not installed
    with pytest.raises(ImportError, match="pip install tokenizers"):
        load_tokenizer(p)


def test_ids_match_dashscope_qwen_tokenizer(qwen):
    """Qwen's own tokenizer class (in dashscope) encodes our texts to the same ids."""
    qwen_tokenizer = pytest.importorskip("dashscope.tokenizers.qwen_tokenizer")
    theirs = qwen_tokenizer.QwenTokenizer(str(qwen_vocab_path()))
    texts = [
        "Mean ± standard deviation: 12.4 ± 0.8 mm (n = 30).\nTrial 1\t860 %\t−1.47",
        "    for i in range(len(x)):\n        y[i] += cfg / 3\n",
        "Café owners in Zürich — λ = 5 µm, ∮ E·dA, 数学 😀",
    ]
    for text in texts:
        assert qwen.encode(text) == theirs.encode(text)
