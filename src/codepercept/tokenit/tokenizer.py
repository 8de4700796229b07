"""BPE tokenizers with character offsets, for tying tokens to the pixels that show them.

Two sources are supported:

* a tiktoken-format BPE file (``base64(token_bytes) rank`` per line) — the default is Qwen's
  vocabulary, ``qwen.tiktoken`` shipped inside the ``dashscope`` package, loaded offline with
  Qwen's pre-tokenisation pattern and special tokens;
* a Hugging Face ``tokenizer.json`` (needs the ``tokenizers`` package).

Every tokenizer returns :class:`TokenSpan` objects whose ``text`` fields, concatenated in order,
reproduce the input exactly. Byte-level BPE can split one multi-byte character over several
tokens; the convention here is that a character *belongs* to the token holding its first byte.
A token that holds only continuation bytes therefore has ``text == ""`` and owns no pixels;
its ``char_start``/``char_end`` still name the character it is part of.

The word-initial space convention of TokenOCR holds: a word-initial piece carries its leading
space (``" the"``), because both BPE families attach the space to the following word.
"""

from __future__ import annotations

import base64
import importlib.resources
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

#: Qwen's pre-tokenisation regex (from Qwen's ``tokenization_qwen.py``).
QWEN_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
_QWEN_SPECIAL = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    *tuple(f"<|extra_{i}|>" for i in range(205)),
)
# Pattern of a generic GPT-2-like tiktoken file given by path (cl100k's pattern).
_GENERIC_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*"""
    r"""|\s*[\r\n]|\s+(?!\S)|\s+"""
)


@dataclass(frozen=True)
class TokenSpan:
    """One token of a text.

    ``text`` is the piece of the input this token owns (see the module docstring for pieces
    that split a character); ``char_start``/``char_end`` are the character offsets of the
    characters it touches; ``whitespace`` is true when ``text`` is non-empty and all
    whitespace.
    """

    token_id: int
    text: str
    char_start: int
    char_end: int

    @property
    def whitespace(self) -> bool:
        return bool(self.text) and self.text.isspace()


def leading_space(query: str) -> str:
    """TokenOCR's query rule: prepend a space unless ``query`` is empty or starts with
    whitespace, a digit, punctuation or a symbol (so ``"the"`` becomes ``" the"``)."""
    if not query or query[0].isspace() or query[0].isdigit():
        return query
    cat = unicodedata.category(query[0])
    return query if cat[0] in "PS" else " " + query


def qwen_vocab_path() -> Path:
    """Path of ``qwen.tiktoken`` inside the installed ``dashscope`` package."""
    try:
        res = importlib.resources.files("dashscope") / "resources" / "qwen.tiktoken"
    except ModuleNotFoundError:
        raise FileNotFoundError(
            "the default tokenizer needs Qwen's vocabulary from the `dashscope` package; "
            "run `pip install dashscope` or pass --tokenizer PATH"
        ) from None
    path = Path(str(res))
    if not path.is_file():
        raise FileNotFoundError(f"qwen.tiktoken not found in dashscope at {path}")
    return path


def _load_tiktoken_ranks(path: Path) -> dict[bytes, int]:
    ranks: dict[bytes, int] = {}
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                tok, rank = line.split()
                ranks[base64.b64decode(tok)] = int(rank)
            except ValueError:
                raise ValueError(
                    f"{path}:{lineno}: not a tiktoken BPE line (expected 'BASE64 RANK')"
                ) from None
    return ranks


def _byte_to_char(text: str) -> list[int]:
    """For each UTF-8 byte of ``text``, the index of the character it belongs to."""
    out: list[int] = []
    for i, ch in enumerate(text):
        out.extend([i] * len(ch.encode("utf-8")))
    return out


def spans_from_byte_pieces(text: str, ids: list[int], pieces: list[bytes]) -> list[TokenSpan]:
    """Turn token byte pieces (which concatenate to ``text.encode()``) into :class:`TokenSpan`.

    A character belongs to the token that holds its first byte.
    """
    b2c = _byte_to_char(text)
    total = sum(len(p) for p in pieces)
    if total != len(b2c):
        raise ValueError("token pieces do not concatenate to the text's UTF-8 bytes")
    spans: list[TokenSpan] = []
    pos = 0
    for tid, piece in zip(ids, pieces, strict=True):
        b0, b1 = pos, pos + len(piece)
        pos = b1
        c0, c1 = b2c[b0], b2c[b1 - 1] + 1
        # Owned characters: those whose first byte lies in [b0, b1).
        own0 = c0 if b0 == 0 or b2c[b0 - 1] != c0 else c0 + 1
        own1 = c1
        spans.append(TokenSpan(tid, text[own0:own1] if own1 > own0 else "", c0, c1))
    return spans


class Tokenizer:
    """A BPE tokenizer that reports, for each token, the characters it covers.

    Build one with :func:`load_tokenizer`.
    """

    name: str

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (ordinary text; special-token strings are not special)."""
        return [s.token_id for s in self.tokenize(text)]

    def tokenize(self, text: str) -> list[TokenSpan]:
        raise NotImplementedError  # pragma: no cover - abstract

    def query_tokens(self, query: str) -> list[TokenSpan]:
        """Tokens of a search query, following TokenOCR's inference convention.

        See :func:`leading_space`: a word-initial query matches the word-initial token
        (``"the"`` → ``" the"``).
        """
        return self.tokenize(leading_space(query))


class TiktokenTokenizer(Tokenizer):
    """A tiktoken BPE (Qwen's by default)."""

    def __init__(self, path: Path, name: str, pattern: str, special: tuple[str, ...] = ()):
        import tiktoken

        ranks = _load_tiktoken_ranks(path)
        n = len(ranks)
        self.name = name
        self._enc = tiktoken.Encoding(
            name=name,
            pat_str=pattern,
            mergeable_ranks=ranks,
            special_tokens={tok: n + i for i, tok in enumerate(special)},
        )

    @property
    def n_vocab(self) -> int:
        return self._enc.n_vocab

    def encode(self, text: str) -> list[int]:
        return self._enc.encode_ordinary(text)

    def tokenize(self, text: str) -> list[TokenSpan]:
        if not text:
            return []
        ids = self._enc.encode_ordinary(text)
        pieces = self._enc.decode_tokens_bytes(ids)
        return spans_from_byte_pieces(text, ids, pieces)


class HFTokenizer(Tokenizer):
    """A Hugging Face ``tokenizer.json``, via the ``tokenizers`` library."""

    def __init__(self, path: Path):
        try:
            from tokenizers import Tokenizer as _HFTok
        except ImportError:
            raise ImportError(
                f"{path} is a Hugging Face tokenizer.json; reading it needs the `tokenizers` "
                "package: run `pip install tokenizers`"
            ) from None
        self.name = str(path)  # loadable again from a record's "tokenizer" field
        self._tok = _HFTok.from_file(str(path))

    @property
    def n_vocab(self) -> int:
        return self._tok.get_vocab_size()

    def encode(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False).ids

    def tokenize(self, text: str) -> list[TokenSpan]:
        if not text:
            return []
        enc = self._tok.encode(text, add_special_tokens=False)
        spans: list[TokenSpan] = []
        claimed = 0  # characters [0, claimed) already belong to earlier tokens
        for i, (tid, (c0, c1)) in enumerate(zip(enc.ids, enc.offsets, strict=True)):
            # Characters no token's offsets cover (e.g. a space a normaliser folded into
            # "▁the") go to the next token, so word-initial pieces carry their space.
            own0 = claimed
            own1 = max(c1, claimed)
            if i == len(enc.ids) - 1:
                own1 = len(text)
            spans.append(TokenSpan(tid, text[own0:own1], min(c0, own0), max(c1, own1)))
            claimed = own1
        return spans


def load_tokenizer(spec: str | Path | None = "qwen") -> Tokenizer:
    """Load a tokenizer: ``"qwen"`` (default), a ``tokenizer.json`` path or a tiktoken file path."""
    if spec is None or str(spec) == "qwen":
        return TiktokenTokenizer(qwen_vocab_path(), "qwen", QWEN_PATTERN, _QWEN_SPECIAL)
    path = Path(spec)
    if not path.is_file():
        raise FileNotFoundError(
            f"tokenizer {str(spec)!r} is neither 'qwen' nor an existing file; pass 'qwen', "
            "a tokenizer.json or a tiktoken BPE file"
        )
    with open(path, "rb") as fh:
        head = fh.read(1).lstrip()
    if path.suffix == ".json" or head == b"{":
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path} looks like JSON but does not parse: {exc}") from None
        return HFTokenizer(path)
    is_qwen = "qwen" in path.name.lower()
    pattern = QWEN_PATTERN if is_qwen else _GENERIC_PATTERN
    special = _QWEN_SPECIAL if is_qwen else ()
    # The name is the path, so a record's "tokenizer" field can be loaded again.
    return TiktokenTokenizer(path, str(path), pattern, special)
