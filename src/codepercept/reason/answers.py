"""Answer extraction and matching, each benchmark by its own rules, without an LLM.

:func:`extract_answer` turns a free-form model response into the short answer the benchmark's
scorer compares (a letter, a number, an expression), or ``None`` when the response has none;
:func:`is_correct` applies the benchmark's matching rule to it. The rules, and where each
benchmark's official pipeline uses an LLM that a rule replaces here, are listed in
``docs/reason-benchmarks.md``.

Shared conventions: a response that is not a string, is empty, or is written mostly in a
non-Latin script yields ``None`` — unless the item's question is itself posed in another
language (MathVista's ``language`` metadata: its Chinese questions); ``is_correct(item, None)``
is False. Neither function raises on any response.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from fractions import Fraction
from typing import ClassVar

from codepercept.reason.formats._common import ReasonItem
from codepercept.score._common import _levenshtein

__all__ = [
    "evaluate_math",
    "extract_answer",
    "final_span",
    "is_correct",
    "levenshtein",
]

# -- shared helpers ------------------------------------------------------------------------------


def _usable(response: object, foreign_ok: bool = False) -> str | None:
    """The response as text, or None when it is not text, is blank, or (unless ``foreign_ok``,
    for a question posed in another language) is mostly written in a non-Latin script; Greek
    letters, common in mathematics, count for neither side."""
    if not isinstance(response, str) or not response.strip():
        return None
    if foreign_ok:
        return response
    latin = foreign = 0
    for ch in response:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if code < 0x250:
            latin += 1
        elif not 0x370 <= code < 0x400:
            foreign += 1
    if foreign > latin:
        return None
    return response


def _balanced(text: str, start: int) -> str | None:
    """The content of the brace group opening at ``text[start] == "{"`` (None if unclosed)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    return None


def boxed(text: str) -> list[str]:
    r"""The contents of every ``\boxed{...}`` / ``\fbox{...}`` in ``text``, in order."""
    out = []
    for m in re.finditer(r"\\(?:boxed|fbox)\s*\{", text):
        content = _balanced(text, m.end() - 1)
        if content is not None:
            out.append(content)
    return out


_ANSWER_TAG = re.compile(r"<answer>(.*?)</answer>", re.DOTALL | re.IGNORECASE)
_MARK = re.compile(
    r"(?i)(?:\b(?:final\s+answer|correct\s+answer|correct\s+option|correct\s+choice|answer|"
    r"option|choice)\b\s*(?:(?:is|would\s+be|should\s+be|will\s+be|=)\s*:?|:)|"
    r"答案\s*(?:是|为|為|:|：))[ \t]*"
)
_BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")
_FILLER = re.compile(
    r"(?i)hope (?:this|that|it) helps|let me know|anything else|other questions|feel free|"
    r"happy to help|do you (?:want|have)|is there anything"
)


def _trim(span: str) -> str:
    span = span.strip().strip("*").strip()
    if len(span) >= 2 and span[0] == span[-1] == "$":
        span = span.strip("$").strip()
    for left, right in (("\\(", "\\)"), ("\\[", "\\]")):
        if span.startswith(left) and span.endswith(right):
            span = span[2:-2].strip()
    return span.rstrip(".。").strip()


def _marked(text: str) -> list[str]:
    """What follows each answer marker ("answer is", "Answer:", ...) on its line, last first."""
    out = []
    for m in reversed(list(_MARK.finditer(text))):
        rest = text[m.end() :].split("\n", 1)[0]
        if _trim(rest):
            out.append(_trim(rest))
    return out


def _last_lines(text: str, k: int = 3) -> list[str]:
    """The last ``k`` non-blank lines that are not sign-off filler ("I hope this helps"), last
    first."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not _FILLER.search(ln)]
    return [_trim(ln) for ln in reversed(lines[-k:])]


def _explicit(response: str) -> list[str]:
    r"""The spans a response marks as its answer, most explicit first: each ``\boxed{}``, each
    ``<answer>...</answer>``, what follows each answer marker ("the answer is", "Answer:",
    "答案是") on its line, each **bold** phrase (each group last first)."""
    bolds = [_trim(b) for b in reversed(_BOLD.findall(response))]
    text = response.replace("**", "")
    out = [_trim(b) for b in reversed(boxed(text))]
    for tag in reversed(_ANSWER_TAG.findall(text)):
        inner = boxed(tag)
        out.append(_trim(inner[-1]) if inner else _trim(tag))
    out += _marked(text) + bolds
    return [s for s in out if s]


def _spans(response: str) -> list[str]:
    """:func:`_explicit` spans, then the last three lines that are not sign-off filler."""
    return _explicit(response) + [ln for ln in _last_lines(response.replace("**", "")) if ln]


def _first_number(response: str) -> str | None:
    """The numeric answer of the first span (:func:`_spans`) that states a number."""
    for span in _spans(response):
        number = _number(span)
        if number is not None:
            return number
    return None


def final_span(response: str) -> str | None:
    r"""The part of a response that states its final answer: the last ``\boxed{}``, else the
    last ``<answer>...</answer>``, else what follows the last answer marker ("the answer is",
    "Answer:") on its line, else the last **bold** phrase, else the last non-blank line that
    is not sign-off filler."""
    spans = _spans(response)
    return spans[0] if spans else None


# -- numbers and LaTeX arithmetic ----------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.])[-−+]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?<![\w.])[-−]?\.\d+"
)


def numbers_in(text: str) -> list[str]:
    """The plain numbers written in ``text`` (thousands separators dropped, ``−`` read as ``-``)."""
    return [n.replace(",", "").replace("−", "-").lstrip("+") for n in _NUMBER.findall(text)]


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


_UNIT_WORDS = (
    r"km|cm|mm|m|in|inch(?:es)?|ft|feet|foot|yd|yards?|mi|miles?|g|kg|mg|lbs?|s|sec|seconds?|"
    r"min|minutes?|h|hrs?|hours?|days?|years?|units?|sq|degrees?|deg|rad|radians|T|N|J|W|V|"
    r"kW|L|l|ml|mL|dollars?|cents?|pounds?|m/s|km/h|mph|cm/s|m/s\^2"
)
_TRAILING_UNIT = re.compile(
    rf"(?<=[\d.)}}\s])\s*(?:{_UNIT_WORDS})(?:\s*(?:\^\s*\{{?[23]\}}?|[²³]))?(?:\s+(?:{_UNIT_WORDS}))*\s*$"
)


def strip_units(text: str) -> str:
    r"""``text`` without the units a final answer is commonly written with: ``\mathrm{}`` /
    ``\text{}`` groups, degree signs, squared/cubed marks, and trailing unit words."""
    s = re.sub(r"\\(?:mathrm|text|mbox|operatorname)\s*\{[^{}]*\}(?:\s*\^\s*\{?\d\}?)?", " ", text)
    s = re.sub(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree|°|º", " ", s)
    s = s.replace("~", " ").replace("\\%", "").replace("%", "")
    s = re.sub(r"[²³]", "", s)
    prev = None
    while prev != s:
        prev = s
        s = _TRAILING_UNIT.sub("", s.rstrip(". "))
    return s.strip()


Num = Fraction | float


class _Parser:
    """A small evaluator of arithmetic written in LaTeX or plain text: numbers, ``+ - * / : ^``
    (``a:b`` is a ratio), parentheses and braces, ``\\frac``, ``\\sqrt`` (with an index),
    ``\\pi``, ``\\cdot``, ``\\times``, ``!``, implicit products (``4\\pi``, ``2\\sqrt{3}``), and
    sin, cos, tan, ln, log, exp. Rational arithmetic is exact (``3^{1008}`` is fine). Anything
    else (a variable, a word) is a ``ValueError``: nothing is ``eval``-ed. ``strict`` refuses the
    plain-text and Unicode ``sqrt``, ``pi``, ``√``, ``π`` too, as a LaTeX parser does."""

    _TOKEN = re.compile(
        r"\s*(\d+(?:\.\d*)?|\.\d+|\\[A-Za-z]+|sqrt|pi|[+\-*/:^(){}\[\]!,]|π|√|[A-Za-z])"
    )
    _FUNCS: ClassVar[dict[str, Callable[[float], float]]] = {
        "sin": math.sin, "cos": math.cos, "tan": math.tan, "ln": math.log,
        "log": math.log10, "exp": math.exp,
    }  # fmt: skip

    def __init__(self, text: str, strict: bool = False) -> None:
        self.tokens: list[str] = []
        self.strict = strict
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = self._TOKEN.match(text, pos)
            if not m:
                raise ValueError(f"cannot read {text[pos:]!r}")
            self.tokens.append(m.group(1))
            pos = m.end()
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, want: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            raise ValueError(f"expected {want!r}, got {tok!r}")
        self.i += 1
        return tok

    def parse(self) -> Num:
        value = self.expr()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r}")
        return value

    def expr(self) -> Num:
        value = self.term()
        while self.peek() in ("+", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def _starts_primary(self, tok: str | None) -> bool:
        if tok is None:
            return False
        return (
            tok[0].isdigit() or tok[0] == "." or tok in ("(", "{", "π", "√", "sqrt", "pi")
            or (tok.startswith("\\") and tok[1:] in ("frac", "sqrt", "pi", *self._FUNCS))
        )  # fmt: skip

    def term(self) -> Num:
        value = self.unary()
        while True:
            tok = self.peek()
            if tok == "*":
                self.take()
                value *= self.unary()
            elif tok in ("/", ":"):
                self.take()
                value /= self.unary()
            elif self._starts_primary(tok):
                value *= self.power()
            else:
                return value

    def unary(self) -> Num:
        if self.peek() in ("-", "+"):
            return -self.unary() if self.take() == "-" else self.unary()
        return self.power()

    def power(self) -> Num:
        base = self.postfix()
        if self.peek() != "^":
            return base
        self.take()
        exponent = self.arg() if self.peek() == "{" else self.unary()
        if (
            isinstance(exponent, Fraction)
            and exponent.denominator == 1
            and isinstance(base, Fraction)
        ):
            bits = max(base.numerator.bit_length(), base.denominator.bit_length(), 1)
            if abs(exponent) * bits > 200_000:
                raise ValueError("power out of range")
            return base ** int(exponent)
        result = float(base) ** float(exponent)
        if isinstance(result, complex):
            raise ValueError("complex power")
        return result

    def postfix(self) -> Num:
        value = self.primary()
        while self.peek() == "!":
            self.take()
            if value != int(value) or not 0 <= value <= 170:
                raise ValueError("factorial of a non-integer")
            value = Fraction(math.factorial(int(value)))
        return value

    def arg(self) -> Num:
        r"""A command's argument: a brace group, or one digit of a bare number (``\frac12``)."""
        tok = self.peek()
        if tok == "{":
            self.take()
            value = self.expr()
            self.take("}")
            return value
        if tok is not None and tok[0].isdigit() and len(tok) > 1 and "." not in tok:
            self.tokens[self.i] = tok[1:]
            return Fraction(int(tok[0]))
        return self.primary()

    def primary(self) -> Num:
        tok = self.take()
        if tok[0].isdigit() or tok[0] == ".":
            return Fraction(tok.rstrip(".") or "0")
        if tok in ("(", "{"):
            value = self.expr()
            self.take(")" if tok == "(" else "}")
            return value
        if self.strict and tok in ("sqrt", "pi", "π", "√"):
            raise ValueError(f"cannot evaluate {tok!r}")
        if tok in ("\\pi", "π", "pi"):
            return math.pi
        if tok == "\\frac":
            num = self.arg()
            return num / self.arg()
        if tok in ("\\sqrt", "√", "sqrt"):
            index: Num = Fraction(2)
            if tok == "\\sqrt" and self.peek() == "[":
                self.take()
                index = self.expr()
                self.take("]")
            radicand = self.arg() if tok == "\\sqrt" else self.postfix()
            if radicand < 0 or index == 0:
                raise ValueError("root of a negative number")
            return float(radicand) ** (1.0 / float(index))
        if tok.startswith("\\") and tok[1:] in self._FUNCS:
            return self._FUNCS[tok[1:]](float(self.arg()))
        raise ValueError(f"cannot evaluate {tok!r}")


_LATEX_SPACING = (
    ("\\left", ""), ("\\right", ""), ("\\,", ""), ("\\;", ""), ("\\:", ""),
    ("\\quad", ""), ("\\displaystyle", ""), ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"),
    ("\\cdot", "*"), ("\\times", "*"), ("×", "*"), ("·", "*"), ("÷", "/"), ("\\div", "/"),
    ("−", "-"), ("**", "^"),
)  # fmt: skip
_LENIENT = (("\\!", ""), ("\\%", ""), ("%", ""), ("^{\\circ}", ""), ("^\\circ", ""), ("°", ""))


def evaluate_math(text: str, strict: bool = False) -> float | None:
    r"""The value of an arithmetic expression written in LaTeX or plain text (``\frac{3}{4}``,
    ``2\sqrt{3}``, ``4\pi``, ``1,000``, ``3:2``, ``45%``, ``30^\circ``), or None when it is not
    plain arithmetic. ``strict`` reads only what a LaTeX-to-SymPy parser reads: a percent or
    degree sign, ``\!``, a plain-text ``sqrt(2)`` or a Unicode ``π`` make the text unreadable
    (None)."""
    if not isinstance(text, str) or not text.strip() or len(text) > 300:
        return None
    s = text.strip().replace("$", "")
    for old, new in _LATEX_SPACING if strict else _LATEX_SPACING + _LENIENT:
        s = s.replace(old, new)
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)  # thousands separators
    try:
        value = float(_Parser(s, strict=strict).parse())
    except (ValueError, ZeroDivisionError, OverflowError, RecursionError, IndexError, TypeError):
        return None
    return value if math.isfinite(value) else None


_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_WORDS)}
_COUNT = re.compile(
    rf"(?i)\bthere\s+(?:are|is|were|was)\s+(?:only\s+|exactly\s+)?"
    rf"([-−]?\d+(?:\.\d+)?|{'|'.join(_WORDS)})\b"
)


def _number(span: str | None) -> str | None:
    """A span's numeric answer: its value when the whole span, or what follows its last ``=`` /
    ``\\approx``, is arithmetic (units stripped); else the count a "there are N ..." sentence
    states; else the last plain number written in it; else the one number word (zero to
    twenty) it uses."""
    if not span:
        return None
    for part in dict.fromkeys((span, re.split(r"=|\\approx|≈", span)[-1])):
        value = evaluate_math(strip_units(part))
        if value is not None:
            return _fmt(value)
    count = _COUNT.search(span)
    if count:
        word = count.group(1).lower()
        return _NUMBER_WORDS.get(word, word.replace("−", "-"))
    nums = numbers_in(span)
    if nums:
        return nums[-1]
    words = {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", span.lower()) if w in _NUMBER_WORDS}
    return words.pop() if len(words) == 1 else None


def levenshtein(a: str, b: str) -> int:
    """The edit distance between ``a`` and ``b`` (insertions, deletions, substitutions); the
    scores' own implementation (cached)."""
    return _levenshtein(a, b)


# -- choices -------------------------------------------------------------------------------------


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("$", "").replace("**", "")).strip().strip(".").lower()


def _label_at_start(span: str, labels: str, loose: bool) -> str | None:
    """A label opening ``span``: ``(B)`` / ``[B]``, or a bare ``B`` followed by the end, a
    newline or ``.`` ``:`` ``;`` ``)`` — or (``loose``, after an answer marker) by a space or
    comma too. A bare capital followed by a word ("A triangle ...") is no label unless loose."""
    m = re.match(r"\s*[(\[]\s*([A-Z0-9])\s*[)\]]", span)
    if m is None:
        follow = r"(?=$|[\s.,:;)\]#*])" if loose else r"(?=$|[.:;)\]#*]|[ \t]*\n)"
        m = re.match(rf"\s*([A-Z0-9]){follow}", span)
    if m and m.group(1) in labels:
        return m.group(1)
    return None


def _option_in(span: str, options: tuple[str, ...], labels: str) -> str | None:
    """The label of the one option whose text ``span`` is, or states as a whole phrase (an
    option inside a longer one's text, "red" in "dark red", does not count; two options stated
    is none)."""
    norm = _norm_text(span)
    texts = [_norm_text(o) for o in options]
    exact = [i for i, t in enumerate(texts) if t and t == norm]
    if len(exact) == 1:
        return labels[exact[0]] if exact[0] < len(labels) else None
    found = []
    for i in sorted(range(len(texts)), key=lambda i: -len(texts[i])):
        if not texts[i]:
            continue
        pattern = rf"(?<![\w.]){re.escape(texts[i])}(?![\w]|\.\d)"
        if re.search(pattern, norm):
            found.append(i)
            norm = re.sub(pattern, " ", norm)
    return labels[found[0]] if len(found) == 1 and found[0] < len(labels) else None


def choice_label(response: str, labels: str, options: tuple[str, ...] = ()) -> str | None:
    r"""The option label a response chooses: a label opening (or the option text of) one of its
    explicit answer spans (``\boxed{}``, "the answer is ...", **bold**); else a label opening
    the response or one of its last lines; else the one ``(B)`` in one of its last lines; else
    the option text one of its last lines states. None when none names one."""
    for span in _explicit(response):
        lab = _label_at_start(span, labels, loose=True)
        if lab is None and options:
            lab = _option_in(span, options, labels)
        if lab:
            return lab
    text = response.replace("**", "").strip()
    lines = _last_lines(text)
    for candidate in (text, *lines):
        lab = _label_at_start(candidate, labels, loose=False)
        if lab:
            return lab
    for line in lines:
        parens = {m for m in re.findall(r"\(([A-Z0-9])\)", line) if m in labels}
        if len(parens) == 1:
            return parens.pop()
    if options:
        for candidate in lines:
            lab = _option_in(candidate, options, labels)
            if lab:
                return lab
    return None


def _label_list(span: str, labels: str, whole: bool = False) -> list[str]:
    """The labels a span lists at its start (``A``, ``A and C``, ``(B), (D)``, ``b, d``), or
    only when the list is the whole span (``whole``). Lower-case labels count only when
    nothing but punctuation follows the list ("a triangle" lists nothing)."""
    one = r"[(\[]?\s*([A-Za-z0-9])\s*[)\]]?"
    end = r"\s*[.。!]?\s*$" if whole else r"(?=$|[\s.,:;#*])"
    m = re.match(rf"\s*{one}(?:\s*(?:,|and|&|/|or)\s*{one})*{end}", span)
    if not m:
        return []
    listed = re.sub(r"\b(?:and|or)\b", " ", m.group(0))
    found = re.findall(r"(?<![A-Za-z0-9])[A-Za-z0-9](?![A-Za-z0-9])", listed)
    if any(f.islower() for f in found):
        if not re.fullmatch(r"\s*[.。!:;)\]]?\s*", span[m.end() :].split("\n", 1)[0]):
            return []
        found = [f.upper() for f in found]
    return [f for f in found if f in labels]


# -- MathVista -----------------------------------------------------------------------------------


def _mathvista_extract(item: ReasonItem, response: str) -> str | None:
    text = response.strip()
    if item.answer_type == "choice":
        if text in item.options:
            return text
        return choice_label(response, item.letters, item.options)
    kind = item.meta.get("answer_type")
    if kind == "integer":
        try:
            return str(int(text))
        except ValueError:
            pass
    if kind == "float":
        try:
            return str(float(text))
        except ValueError:
            pass
    quoted = re.search(r'The answer is "(.*)"\.', response)
    if quoted:
        return quoted.group(1)
    span = final_span(response)
    if kind == "list":
        lists = re.findall(r"\[[^\[\]]*\]", span or "") or re.findall(r"\[[^\[\]]*\]", response)
        if lists:
            return lists[-1]
        nums = numbers_in(span or "")
        return "[" + ", ".join(nums) + "]" if len(nums) >= 2 else None
    if kind in ("integer", "float"):
        return _first_number(response)
    return span or None


def _mathvista_correct(item: ReasonItem, extracted: str) -> bool:
    kind = item.meta.get("answer_type")
    if item.answer_type == "choice":
        text = extracted.strip()
        if not text or not item.options:
            return False
        letter = re.findall(r"\(([a-zA-Z])\)", text)
        if letter:
            text = letter[0].upper()
        if text in item.letters:
            prediction = item.options[item.letters.index(text)]
        else:
            distances = [levenshtein(text, o) for o in item.options]
            prediction = item.options[distances.index(min(distances))]
        return prediction == item.answer
    try:
        if kind == "integer":
            return str(int(float(extracted))) == item.answer
        if kind == "float":
            precision = item.meta.get("precision")
            if precision is None:
                return float(extracted) == float(item.answer)
            return str(round(float(extracted), int(precision))) == item.answer
    except (ValueError, OverflowError):
        return False
    if kind == "list":
        return re.sub(r"\s+", "", extracted) == re.sub(r"\s+", "", item.answer)
    return extracted == item.answer


# -- MATH-Vision ---------------------------------------------------------------------------------

_MATHV_PHRASES = (
    "the final answer is",
    "the answer is",
    "the correct answer is",
    "the answer should be",
)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _mathv_clean(ans: str) -> str:
    r"""MATH-V's answer cleaning: the last ``\boxed`` content (greedy to the last brace), the
    right side of ``=`` / ``\approx``, and LaTeX and unit removals; lower case, no spaces."""
    s = ans.lower().replace("{}", "")
    m = re.findall(r"oxed\{(.*)\}", s, flags=re.DOTALL)
    if m:
        s = m[-1]
    if "}" in s and ("{" not in s or s.find("}") < s.find("{")):
        s = s.split("}")[0]
    s = s.split("=")[-1].split("\\approx")[-1]
    for old, new in (
        (" ", ""), ("\\,", ""), ("∞", "\\infty"), ("+\\infty", "\\infty"), ("\\\\", "\\"),
        ("\n", ""), ("\\text", ""), ("\\mbox", ""), ("bmatrix", "pmatrix"), ("\\left", ""),
        ("\\right", ""), ("^{\\circ}", ""), ("^\\circ", ""), ("{m}^3", ""), ("m^3", ""),
        ("{units}", ""), ("units", ""), ("{km}", ""), ("km", ""),
        ("\\!", ""), ("tfrac", "frac"), ("dfrac", "frac"), ("\\$", ""), ("$", ""),
    ):  # fmt: skip
        s = s.replace(old, new)
    s = s.split("\\text{ ")[0].replace("\\%", "")
    s = s.replace("{.", "{0.")
    if s.startswith("."):
        s = "0" + s
    if "sqrt" in s:  # \sqrt3 -> \sqrt{3}, and (only then, as MATH-V does) \frac12 -> \frac{1}{2}
        s = re.sub(r"\\sqrt(?![{\[])(.)", r"\\sqrt{\1}", s)
        s = re.sub(r"\\frac(?!\{)(.)(?!\{)(.)", r"\\frac{\1}{\2}", s)
    if s == "0.5":
        return "\\frac{1}{2}"
    ratio = re.fullmatch(r"(-?\d+)/(-?\d+)", s)
    if ratio:
        return f"\\frac{{{ratio.group(1)}}}{{{ratio.group(2)}}}"
    return s


def _mathvision_extract(item: ReasonItem, response: str) -> str | None:
    ans = response.strip()
    for c in "ABCDE":
        if ans.endswith((f" {c}.", f" ({c}).")) or ans.startswith(
            (f"{c}\n", f"({c})\n", f"({c}) {c}\n")
        ):
            ans = c
    tail = ans.split("is ")[-1].rstrip(".")
    if _is_float(tail):
        ans = tail
    if "oxed{" not in ans:
        for phrase in _MATHV_PHRASES:
            for variant in (phrase, "The" + phrase[3:]):
                ans = ans.strip()
                if variant in ans:
                    ans = ans.split(variant)[-1].strip().split("\n")[0].split(". ")[0]
    elif ans.count("oxed{") > 1:
        ans = "\\boxed{" + ans.split("oxed{")[-1]
    ans = _mathv_clean(ans)
    for c in "abcde":
        ans = ans.replace(f"({c})", c).replace("{" + c + "}", c)
    ans = ans.rstrip(".").lstrip(":").strip()
    return ans or None


def _mathv_tuple(s: str) -> str:
    """A tuple or list answer with each element's value rounded to 2 places; else ``s``."""
    if len(s) < 2 or (s[0], s[-1]) not in (("(", ")"), ("[", "]")):
        return s
    parts = s[1:-1].split(",")
    if len(parts) < 2:
        return s
    out = []
    for part in parts:
        if "infty" in part or part in ("a", "-a"):
            out.append(part)
            continue
        value = evaluate_math(part, strict=True)
        if value is None:
            return s
        out.append(_fmt(round(value, 2)))
    return s[0] + ",".join(out) + s[-1]


def _mathv_equal(gold: str, answer: str) -> bool:
    answer, gold = answer.lower(), gold.lower()
    if not answer.replace(" ", "") or not gold.replace(" ", ""):
        return False
    if gold.strip() == answer.strip():
        return True
    answer, gold = _mathv_tuple(answer), _mathv_tuple(gold)
    if gold == answer:
        return True
    a, g = evaluate_math(answer, strict=True), evaluate_math(gold, strict=True)
    return a is not None and g is not None and round(a, 2) == round(g, 2)


def _mathvision_correct(item: ReasonItem, extracted: str) -> bool:
    value = ""
    if item.options and len(item.answer) == 1 and item.answer in item.letters:
        value = item.options[item.letters.index(item.answer)]
    return _mathv_equal(item.answer, extracted) or _mathv_equal(value, extracted)


# -- MathVerse -----------------------------------------------------------------------------------


def _mathverse_labels(item: ReasonItem) -> str:
    return item.letters or "ABCDE"


def _mathverse_extract(item: ReasonItem, response: str) -> str | None:
    if item.answer_type == "choice":
        return choice_label(response, _mathverse_labels(item), item.options)
    span = final_span(response)
    return span or None


def _core(text: str) -> str:
    """A free-form answer reduced for comparison: the right side of its last ``=``, without
    ``$``, ``\\(`` ``\\)``, units, spaces and case."""
    s = text.replace("$", "").replace("\\(", "").replace("\\)", "").replace("\\[", "")
    s = s.replace("\\]", "")
    if "=" in s and s.split("=")[-1].strip():
        s = s.split("=")[-1]
    s = strip_units(s)
    return re.sub(r"\s+", "", s).rstrip(".").lower()


def _mathverse_gold_letters(item: ReasonItem) -> set[str] | None:
    gold = item.answer.strip()
    letters = re.findall(r"^\(?([A-H])\)?$", gold, flags=re.MULTILINE)
    if letters and all(
        re.fullmatch(r"\(?[A-H]\)?", g.strip()) for g in gold.splitlines() if g.strip()
    ):
        return set(letters)
    lab = _option_in(gold, item.options, item.letters) if item.options else None
    return {lab} if lab else None


def _mathverse_correct(item: ReasonItem, extracted: str) -> bool:
    if item.answer_type == "choice":
        gold = _mathverse_gold_letters(item)
        pred = _label_at_start(extracted, _mathverse_labels(item), loose=False)
        if pred is None and item.options:
            pred = _option_in(extracted, item.options, item.letters)
        if gold is not None:
            return pred is not None and gold == {pred}
        return _norm_text(extracted) == _norm_text(item.answer)
    if extracted.strip() == item.answer.strip():
        return True
    a, g = _core(extracted), _core(item.answer)
    if a and a == g:
        return True
    vg = evaluate_math(g)
    if vg is None:
        return False
    va = evaluate_math(a)
    if va is None:  # a sentence stating the value: "the area is 113.1 cm²"
        number = _number(extracted)
        va = evaluate_math(number) if number is not None else None
    return va is not None and math.isclose(va, vg, rel_tol=1e-6, abs_tol=1e-9)


# -- DynaMath ------------------------------------------------------------------------------------


def _dynamath_short_answer(response: str) -> str | None:
    """The ``short answer`` of the JSON object the DynaMath prompt asks for: the text from the
    first ``{`` to the last ``}``, backslashes removed, parsed leniently."""
    start, end = response.find("{"), response.rfind("}")
    if not 0 <= start < end:
        return None
    blob = response[start : end + 1].replace("\\", "")
    try:
        doc = json.loads(blob, strict=False)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("short answer") is None:
        return None
    return str(doc["short answer"]).strip()


def _dynamath_extract(item: ReasonItem, response: str) -> str | None:
    short = _dynamath_short_answer(response)
    if short:
        return short
    if item.answer_type == "choice":
        return choice_label(response, item.letters or "ABCDE", item.options)
    if item.answer_type == "float":
        return _first_number(response)
    return final_span(response)


def _dynamath_float(text: str) -> float:
    if not text.isdigit():
        text = text.split(" ")[0]
        if "π" in text:
            return float(text.split("π")[0]) * math.pi
    return float(text)


def _dynamath_correct(item: ReasonItem, extracted: str) -> bool:
    kind = item.meta.get("question_type")
    if kind == "float":
        try:
            return abs(_dynamath_float(extracted) - float(item.answer)) <= 0.001
        except (ValueError, OverflowError):
            return False
    if kind == "multiple choice":
        if len(extracted) == 1:
            return extracted.upper() == item.answer
        return item.answer in extracted[:3]
    return item.answer in extracted


# -- We-Math -------------------------------------------------------------------------------------


def _wemath_extract(item: ReasonItem, response: str) -> str | None:
    tail = response.split("Answer")[-1].strip()
    tail = re.sub(r"[<>:.]", "", tail).strip()
    return tail[0] if tail and tail[0] in "ABCDEFGH" else None


def _wemath_correct(item: ReasonItem, extracted: str) -> bool:
    return extracted == item.answer


# -- LogicVista ----------------------------------------------------------------------------------


def _logicvista_extract(item: ReasonItem, response: str) -> str | None:
    entry = response.split("ASSISTANT:")[1] if "ASSISTANT:" in response else response
    entry = entry.strip()
    labels = item.meta.get("labels") or "ABCDE"
    if len(entry) == 1:  # LogicVista's own rule for a one-character answer
        if (entry.isalpha() and entry.lower() not in "abcde") or not entry.isalnum():
            return None
        return entry.upper() if entry.upper() in labels else None
    text = entry.replace("**", "")
    for span in _explicit(entry):
        found = _label_list(span, labels)
        if found:
            return ", ".join(sorted(set(found)))
    for span in (text, *_last_lines(text)):
        found = _label_list(span, labels, whole=True)
        if found:
            return ", ".join(sorted(set(found)))
    return choice_label(text, labels, item.options)


def _logicvista_correct(item: ReasonItem, extracted: str) -> bool:
    gold = sorted(a.strip().lower() for a in item.answer.split(", "))
    pred = sorted(a.strip().lower() for a in extracted.split(","))
    return bool(item.answer.strip()) and gold == pred


# -- dispatch ------------------------------------------------------------------------------------

_EXTRACT: dict[str, Callable[[ReasonItem, str], str | None]] = {
    "mathvista": _mathvista_extract,
    "mathvision": _mathvision_extract,
    "mathverse": _mathverse_extract,
    "dynamath": _dynamath_extract,
    "wemath": _wemath_extract,
    "logicvista": _logicvista_extract,
}
_CORRECT: dict[str, Callable[[ReasonItem, str], bool]] = {
    "mathvista": _mathvista_correct,
    "mathvision": _mathvision_correct,
    "mathverse": _mathverse_correct,
    "dynamath": _dynamath_correct,
    "wemath": _wemath_correct,
    "logicvista": _logicvista_correct,
}
_ROBUST = (
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    RecursionError,
    OverflowError,
    ZeroDivisionError,
)


def extract_answer(item: ReasonItem, response: str | None) -> str | None:
    """The short answer ``response`` gives to ``item``, by the item's benchmark's rule; None
    when it gives none (an empty or non-text response, one in another language, no answer
    found). Never raises on any response (an item of an unknown benchmark is a ValueError)."""
    language = str(item.meta.get("language") or "english").lower()
    text = _usable(response, foreign_ok=language != "english")
    if text is None:
        return None
    extract = _EXTRACT.get(item.benchmark)
    if extract is None:
        raise ValueError(f"no answer extractor for benchmark {item.benchmark!r}")
    try:
        out = extract(item, text)
    except _ROBUST:
        return None
    if out is None or not str(out).strip():
        return None
    return str(out).strip()


def is_correct(item: ReasonItem, extracted: str | None) -> bool:
    """Whether ``extracted`` (from :func:`extract_answer`, or any short answer) matches the
    gold answer by the item's benchmark's rule. False for None; never raises on any string."""
    if extracted is None or not isinstance(extracted, str) or not extracted.strip():
        return False
    match = _CORRECT.get(item.benchmark)
    if match is None:
        raise ValueError(f"no answer matcher for benchmark {item.benchmark!r}")
    try:
        return bool(match(item, extracted))
    except _ROBUST:
        return False
