"""Parsing JSON we did not write: nesting is bounded *before* ``json.loads`` sees the text.

``json.loads`` recurses once per nested array or object, so 100,000 ``[`` raise
``RecursionError`` (and cost time) instead of a clean error. :func:`check_depth` bounds the
nesting with a few passes of C-speed bytes operations, ignoring brackets inside strings.
Standard library only: the sandbox parent and the scene model both use it.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Nesting that JSON from the sandbox may have (a traced scene nests 5 or 6 deep).
MAX_DEPTH = 64

# Keep only what decides the nesting: brackets (both kinds folded into ``[``/``]``, since a
# mismatched pair is invalid JSON that json.loads rejects anyway) and string quotes.
_FOLD = bytes.maketrans(b"{}", b"[]")
_DROP = bytes(c for c in range(256) if c not in b'[]{}"')
_STRING = re.compile(rb'"[^"]*"')
_LOOK_AT = 64  # backslashes looked at one by one before the text is rewritten instead


def check_depth(data: bytes | str, max_depth: int = MAX_DEPTH) -> None:
    """Raise ``ValueError`` if the JSON text ``data`` nests arrays/objects deeper than
    ``max_depth`` or its brackets do not balance (then it is not JSON either).

    Exact for any text that is valid JSON up to the point where ``json.loads`` would stop, which
    is all that matters for bounding the parser's recursion. A few linear passes at bytes speed
    (a small fraction of what ``json.loads`` takes on the same text), then at most
    ``max_depth + 1`` passes over the brackets alone.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if _escaped_quote(data):
        # Escaped quotes are string content: take them out, after the escaped backslashes (a
        # run of backslashes pairs up from its start, as the JSON parser reads it).
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Now every quote delimits a string.
    t = data.translate(_FOLD, _DROP)
    # Adjacent quotes are an empty (bracket-free) string, or the end of one string and the start
    # of the next with only separators between: removing either pair keeps every remaining
    # quote pair around string content. What is left are the strings holding brackets (rare).
    t = t.replace(b'""', b"")
    if b'"' in t:
        t = _STRING.sub(b"", t)
        if b'"' in t:
            raise ValueError("unterminated string in JSON")
    depth = 0
    while t:
        inner = t.replace(b"[]", b"")  # one level of innermost pairs per pass
        if len(inner) == len(t):
            raise ValueError("unbalanced brackets in JSON")
        depth += 1
        if depth > max_depth:
            raise ValueError(f"JSON nested deeper than {max_depth} levels")
        t = inner


def _escaped_quote(data: bytes) -> bool:
    """Whether a backslash stands right before a quote somewhere (or there are too many
    backslashes to tell cheaply). Scenes hold a few backslashes (TeX), if any."""
    pos = data.find(b"\\")
    for _ in range(_LOOK_AT):
        if pos < 0:
            return False
        if data[pos + 1 : pos + 2] == b'"':
            return True
        pos = data.find(b"\\", pos + 1)
    return pos >= 0


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed here")


def loads(data: bytes | str, max_depth: int = MAX_DEPTH, allow_nan: bool = True) -> Any:
    """``json.loads`` after :func:`check_depth`; every failure is a ``ValueError``.
    ``allow_nan=False`` refuses the ``NaN`` / ``Infinity`` / ``-Infinity`` literals."""
    check_depth(data, max_depth)
    try:
        if allow_nan:
            return json.loads(data)
        return json.loads(data, parse_constant=_no_constant)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, int digits over the limit
        raise
    except Exception as exc:  # e.g. RecursionError on a deeply nested stack of callers
        raise ValueError(f"JSON could not be parsed: {type(exc).__name__}") from None


def finite(value: Any, max_depth: int = MAX_DEPTH) -> bool:
    """Whether ``value`` is plain JSON data (dicts with string keys, lists, strings, bools,
    None, ints and *finite* floats) nested at most ``max_depth`` deep."""
    t = type(value)
    if t is float:
        return value - value == 0
    if t in (str, int, bool) or value is None:
        return True
    if max_depth <= 0:
        return False
    if t is list:
        return all(finite(v, max_depth - 1) for v in value)
    if t is dict:
        return all(type(k) is str and finite(v, max_depth - 1) for k, v in value.items())
    return False
