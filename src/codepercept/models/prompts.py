"""Every prompt codepercept sends to a model, as versioned templates in one place.

A :class:`Prompt` has a ``role`` (what it asks for), a ``version`` (bumped whenever its words
change, and recorded in every output made with it), an optional system message and a user
template with ``{field}`` placeholders. :meth:`Prompt.messages` builds OpenAI chat messages
(the image first, as a data URL, when there is one); :func:`identify` goes the other way, from a
request's messages to the prompt and the fields that made it, which is how the offline
baselines of ``codepercept serve`` answer every role the pipelines use.

Roles:

* ``stem2code`` — the official STEM2Code-Eval prompt (image → matplotlib code), word for word;
* ``describe`` — Image Reproduction, step 1: a precise description of the seed image;
* ``reproduce`` — Image Reproduction, step 2: code from the image plus its description;
* ``principle`` — Image Diversity, step 1: the STEM principle the image shows;
* ``variants`` — Image Diversity, step 2: K programs showing that principle differently;
* ``draft`` — code refinement, step 1: an explanatory program with step comments;
* ``refine`` — code refinement, step 2: the draft corrected against the ground-truth code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

__all__ = ["PROMPTS", "Prompt", "identify", "prompt", "user_text"]


@dataclass(frozen=True)
class Prompt:
    """One versioned prompt. ``template`` fields are ``{name}``; ``image`` says whether the
    user message carries an image before the text."""

    role: str
    version: str
    template: str
    system: str | None = None
    image: bool = True
    fields: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        names = tuple(n for _, n, _, _ in Formatter().parse(self.template) if n)
        object.__setattr__(self, "fields", names)

    @property
    def id(self) -> str:
        """``role@version``, as recorded in outputs."""
        return f"{self.role}@{self.version}"

    def text(self, **values: Any) -> str:
        """The user text with the fields filled in (every field must be given)."""
        missing = [n for n in self.fields if n not in values]
        if missing:
            raise ValueError(f"prompt {self.id} needs {missing}")
        return self.template.format(**{n: values[n] for n in self.fields})

    def messages(self, image_url: str | None = None, **values: Any) -> list[dict[str, Any]]:
        """OpenAI chat messages: the system message (if any), then one user message holding
        the image (``image_url``, a data URL) and the text."""
        if self.image and image_url is None:
            raise ValueError(f"prompt {self.id} is about an image: pass image_url")
        content: list[dict[str, Any]] = []
        if self.image:
            content.append({"type": "image_url", "image_url": {"url": image_url}})
        content.append({"type": "text", "text": self.text(**values)})
        out: list[dict[str, Any]] = []
        if self.system is not None:
            out.append({"role": "system", "content": self.system})
        out.append({"role": "user", "content": content})
        return out

    def parse(self, text: str) -> dict[str, str] | None:
        """The field values that made ``text`` from this template, or None if it did not."""
        m = _pattern(self).fullmatch(text)
        return None if m is None else m.groupdict()


def _pattern(p: Prompt) -> re.Pattern[str]:
    parts = []
    for literal, name, _, _ in Formatter().parse(p.template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>.*?)")
    return re.compile("".join(parts), re.DOTALL)


_CODE_RULES = (
    "Use matplotlib (and numpy if needed) only; no files, no network, no input. "
    "Put the whole program in one ```python block."
)

STEM2CODE = Prompt(
    role="stem2code",
    version="official",
    system="You are an useful assistant.",
    template=(
        "You are an expert Python developer who specializes in writing matplotlib code based on "
        "a given picture. Now, please give me the matplotlib code that reproduces the picture "
        "below."
    ),
)

DESCRIBE = Prompt(
    role="describe",
    version="v1",
    system="You describe STEM figures exactly, as a person who must redraw them would need.",
    template=(
        "Describe this figure so that someone could redraw it without seeing it: the kind of "
        "figure, every element (shapes, curves, points, arrows, bars), their positions and "
        "sizes, every label and number as written, colours, axes and their ranges, and the "
        "layout. Say only what is visible."
    ),
)

REPRODUCE = Prompt(
    role="reproduce",
    version="v1",
    system="You are an expert Python developer who reproduces figures with matplotlib.",
    template=(
        "Write a matplotlib program that reproduces the figure above exactly. A description of "
        "it:\n\n{description}\n\n" + _CODE_RULES
    ),
)

PRINCIPLE = Prompt(
    role="principle",
    version="v1",
    system="You are a STEM teacher who explains what a figure is about.",
    template=(
        "Name the STEM principle, law or concept this figure illustrates, in one line starting "
        "with 'Principle:', then explain it in two or three sentences."
    ),
)

VARIANTS = Prompt(
    role="variants",
    version="v1",
    system="You are an expert Python developer who draws STEM figures with matplotlib.",
    template=(
        "The figure above illustrates: {principle}\n\nWrite {k} different matplotlib programs "
        "that each illustrate the same principle in a visually different way (another layout, "
        "other values, another kind of diagram). Each program draws one figure. Use matplotlib "
        "(and numpy if needed) only; no files, no network, no input. Put each program in its own "
        "```python block."
    ),
)

DRAFT = Prompt(
    role="draft",
    version="v1",
    system="You are an expert Python developer and a patient teacher.",
    template=(
        "Write a matplotlib program that reproduces the figure above, as a worked explanation: "
        "before each step, a comment says what that step draws and why (its values, its "
        "geometry). " + _CODE_RULES
    ),
)

REFINE = Prompt(
    role="refine",
    version="v1",
    system="You correct programs against a reference without losing their explanations.",
    image=False,
    template=(
        "Here is an explanatory draft program:\n\n```python\n{draft}\n```\n\nand the program "
        "that really made the figure:\n\n```python\n{reference}\n```\n\nCorrect the draft so "
        "that it draws exactly what the reference draws (every value, position, label, colour "
        "and style), keeping its step comments and fixing any comment that states a wrong fact. "
        "Reply with the corrected program in one ```python block."
    ),
)

PROMPTS: dict[str, Prompt] = {
    p.role: p for p in (STEM2CODE, DESCRIBE, REPRODUCE, PRINCIPLE, VARIANTS, DRAFT, REFINE)
}


def prompt(role: str) -> Prompt:
    """The current prompt for ``role``."""
    try:
        return PROMPTS[role]
    except KeyError:
        raise ValueError(f"no prompt for role {role!r}; roles: {', '.join(PROMPTS)}") from None


def user_text(messages: list[dict[str, Any]]) -> tuple[str, bool]:
    """The last user message's text and whether it carries an image."""
    for msg in reversed(messages):
        if not isinstance(msg, dict) or msg.get("role") != "user":
            continue
        content = msg.get("content")
        if isinstance(content, str):
            return content, False
        texts, image = [], False
        for part in content if isinstance(content, list) else []:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif part.get("type") in ("image_url", "image"):
                image = True
        return "\n".join(texts), image
    return "", False


def identify(messages: list[dict[str, Any]]) -> tuple[Prompt, dict[str, str]] | None:
    """The prompt (and its field values) that made these chat messages, or None."""
    text, _ = user_text(messages)
    for p in PROMPTS.values():
        values = p.parse(text)
        if values is not None:
            return p, values
    return None
