"""Code extraction from a model's response, following the official rules, made robust.

Official: the first ```python block, else a bare ``` block. Beyond that we handle several
blocks (the first python block wins; ``prefer_last`` for models that think first and answer
last), a response cut off inside a block (the open block is taken), and responses with no fence
that are plain code.
"""

from __future__ import annotations

import ast
import re

_BLOCK = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_PY_TAGS = {"python", "py", "python3"}


def extract_code(response: str | None, prefer_last: bool = False) -> str:
    """The program in ``response`` ("" when there is none)."""
    if not response:
        return ""
    blocks = [(m.group(1).lower(), m.group(2)) for m in _BLOCK.finditer(response)]
    python = [code for tag, code in blocks if tag in _PY_TAGS]
    bare = [code for tag, code in blocks if tag == ""]
    for group in (python, bare):
        if group:
            return (group[-1] if prefer_last else group[0]).strip("\n") + "\n"
    text = response.strip()
    if "```" in text:
        return ""
    if _looks_like_code(text):
        return text + "\n"
    return ""


def _looks_like_code(text: str) -> bool:
    if not re.search(r"^\s*(import|from)\s+\w", text, re.MULTILINE):
        return False
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def extract_codes(response: str | None) -> list[str]:
    """Every program in ``response``, in order: its ```python blocks, else its bare ``` blocks
    (a response asked for K programs answers with K blocks); [] when there is none."""
    if not response:
        return []
    blocks = [(m.group(1).lower(), m.group(2)) for m in _BLOCK.finditer(response)]
    python = [code for tag, code in blocks if tag in _PY_TAGS]
    bare = [code for tag, code in blocks if tag == ""]
    return [c.strip("\n") + "\n" for c in (python or bare) if c.strip()]
