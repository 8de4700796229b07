"""Words ↔ scene: number words, colour names ↔ RGBA, caption nouns ↔ element kinds.

Everything here is a pure function of its arguments (no scene state), shared by
:mod:`~codepercept.caption.describe`, :mod:`~codepercept.caption.verify` and
:mod:`~codepercept.caption.correct`.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence

__all__ = [
    "COLOUR_WORDS",
    "NOUNS",
    "colour_matches",
    "colour_name",
    "format_number",
    "noun_key",
    "number_to_words",
    "parse_number",
]

# -- numbers -----------------------------------------------------------------------------------
_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
WORD_VALUES.update({w: 10 * i for i, w in enumerate(_TENS) if w != "_"})
WORD_VALUES.update({"a dozen": 12, "a single": 1, "single": 1, "a pair of": 2, "both": 2})

#: A regex alternative matching number words ("sixty-three", "five") and digits ("63", "-2.5").
NUMBER_WORD_RE = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four"
    r"|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen)"
)
NUMBER_DIGITS_RE = r"[-−]?\d+(?:[.,]\d+)?"


def parse_number(text: str) -> float | None:
    """``"sixty-three"`` → 63, ``"5"`` → 5, ``"−2.5"`` → -2.5, ``"1,200"`` → 1200; else None."""
    t = text.strip().lower().replace("−", "-")
    if t in WORD_VALUES:
        return float(WORD_VALUES[t])
    m = re.fullmatch(r"(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](\w+)", t)
    if m and m.group(2) in WORD_VALUES and WORD_VALUES[m.group(2)] < 10:
        return float(WORD_VALUES[m.group(1)] + WORD_VALUES[m.group(2)])
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+", t):
        t = t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def number_to_words(n: int) -> str:
    """0..99 as English words (``63`` → ``"sixty-three"``); other integers as digits."""
    if 0 <= n < 20:
        return _UNITS[n]
    if 20 <= n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f"-{_UNITS[unit]}" if unit else "")
    return str(n)


def format_number(x: float, like: str | None = None) -> str:
    """Format ``x`` short ("2", "1.58", "-0.5"); with ``like``, copy its style.

    ``like`` is the text being replaced: a number word gives words back (when ``x`` is a small
    integer), a digit string with ``d`` decimals gives ``d`` decimals back.
    """
    is_word = like is not None and parse_number(like) is not None and not re.search(r"\d", like)
    if is_word and like is not None and float(x).is_integer() and 0 <= x < 100:
        word = number_to_words(int(x))
        return word.capitalize() if like[:1].isupper() else word
    if like is not None and re.fullmatch(NUMBER_DIGITS_RE, like.strip()) and "." in like:
        decimals = len(like.strip().split(".")[1])
        return f"{x:.{decimals}f}"
    s = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# -- colours -----------------------------------------------------------------------------------
def _hls(rgba: Sequence[float]) -> tuple[float, float, float]:
    h, lum, s = colorsys.rgb_to_hls(*(float(v) for v in rgba[:3]))
    return h * 360.0, lum, s


def _in_hue(h: float, lo: float, hi: float) -> bool:
    return lo <= h < hi if lo <= hi else (h >= lo or h < hi)


def colour_name(rgba: Sequence[float]) -> str:
    """The one basic colour name a person would use for ``rgba`` (alpha is ignored).

    Decided on hue / lightness / saturation, so every shade of matplotlib's ``tab:blue``,
    ``C0`` or ``#1f3b73`` is "blue". Names: black, white, grey, red, orange, brown, yellow,
    olive, green, teal, cyan, blue, navy, purple, magenta, pink.
    """
    h, lum, s = _hls(rgba)
    if lum < 0.12:
        return "black"
    if (lum > 0.93 and s < 0.5) or lum > 0.97:
        return "white"
    if s < 0.15:
        return "grey"
    if _in_hue(h, 345, 15):
        if lum > 0.7:
            return "pink"
        return "brown" if lum < 0.3 or (s < 0.45 and lum < 0.5) else "red"
    if _in_hue(h, 15, 45):
        return "brown" if (lum < 0.45 and s < 0.75) or lum < 0.3 else "orange"
    if _in_hue(h, 45, 70):
        return "olive" if lum < 0.45 else "yellow"
    if _in_hue(h, 70, 165):
        return "green"
    if _in_hue(h, 165, 200):
        return "teal" if lum < 0.4 else "cyan"
    if _in_hue(h, 200, 255):
        return "navy" if lum < 0.25 else "blue"
    if _in_hue(h, 255, 290):
        return "purple"
    return "pink" if lum > 0.7 else "magenta"


#: Colour words a caption may use, each with the basic names (from :func:`colour_name`) it covers.
#: Neighbouring names are accepted so that a person's "red" for a dark orange is not an error.
COLOUR_WORDS: dict[str, frozenset[str]] = {
    "black": frozenset({"black", "navy", "grey"}),
    "white": frozenset({"white"}),
    "grey": frozenset({"grey", "black", "white"}),
    "gray": frozenset({"grey", "black", "white"}),
    "silver": frozenset({"grey", "white"}),
    "red": frozenset({"red", "brown", "pink", "magenta"}),
    "crimson": frozenset({"red", "magenta"}),
    "orange": frozenset({"orange", "brown", "yellow"}),
    "brown": frozenset({"brown", "orange", "red", "olive"}),
    "yellow": frozenset({"yellow", "olive", "orange"}),
    "gold": frozenset({"yellow", "orange", "olive"}),
    "olive": frozenset({"olive", "yellow", "green"}),
    "green": frozenset({"green", "olive", "teal"}),
    "teal": frozenset({"teal", "cyan", "green"}),
    "cyan": frozenset({"cyan", "teal", "blue"}),
    "turquoise": frozenset({"cyan", "teal"}),
    "blue": frozenset({"blue", "navy", "cyan"}),
    "navy": frozenset({"navy", "blue"}),
    "purple": frozenset({"purple", "magenta", "navy"}),
    "violet": frozenset({"purple", "magenta"}),
    "magenta": frozenset({"magenta", "purple", "pink"}),
    "pink": frozenset({"pink", "magenta", "red"}),
}
COLOUR_RE = r"(?:(?:light|dark|pale|bright)[- ])?(?:" + "|".join(COLOUR_WORDS) + r")(?:ish)?"


def colour_matches(word: str, rgba: Sequence[float]) -> bool:
    """Whether a caption's colour ``word`` ("blue", "light blue", "reddish") fits ``rgba``."""
    base = re.sub(r"^(light|dark|pale|bright)[- ]?|ish$", "", word.lower()).strip()
    names = COLOUR_WORDS.get(base)
    return names is not None and colour_name(rgba) in names


# -- nouns -------------------------------------------------------------------------------------
#: Caption noun (singular) → canonical key. Keys are understood by
#: :func:`codepercept.caption.index.SceneIndex.count`.
NOUNS: dict[str, str] = {
    "arrow": "arrow",
    "vector": "arrow",
    "arrowhead": "arrow",
    "point": "point",
    "dot": "point",
    "marker": "point",
    "data point": "point",
    "circle": "circle",
    "disc": "circle",
    "disk": "circle",
    "node": "node",
    "vertex": "node",
    "bar": "bar",
    "line": "line",
    "segment": "line",
    "line segment": "line",
    "edge": "edge",
    "stick": "line",
    "triangle": "triangle",
    "rectangle": "rectangle",
    "polygon": "polygon",
    "quadrilateral": "quadrilateral",
    "pentagon": "pentagon",
    "hexagon": "hexagon",
    "arc": "arc",
    "ellipse": "ellipse",
    "oval": "ellipse",
    "wedge": "wedge",
    "slice": "wedge",
    "sector": "wedge",
    "label": "label",
    "letter": "letter",
    "text": "label",
    "annotation": "label",
    "curve": "curve",
    "axis": "axes",
    "axes": "axes",
    "panel": "axes",
    "subplot": "axes",
    "legend": "legend",
    "title": "title",
    "grid": "grid",
}
_PLURALS = {
    "axes": "axis",
    "vertices": "vertex",
    "boxes": "box",
    "indices": "index",
    "matches": "match",
    "dominoes": "domino",
    "data points": "data point",
    "series": "series",
}


def singular(word: str) -> str:
    """Naive English singular for caption nouns ("vertices" → "vertex", "bars" → "bar")."""
    w = word.lower()
    if w in _PLURALS:
        return _PLURALS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "sses")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def noun_key(word: str) -> str | None:
    """The canonical key of a caption noun ("Arrows" → "arrow"), or None if unknown."""
    return NOUNS.get(singular(word))
