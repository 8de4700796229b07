"""``offline:DIR``: a deterministic stand-in for a multimodal model, built from an ICC dataset.

It answers every prompt role the pipelines use (:mod:`codepercept.models.prompts`), so a
pipeline or a benchmark can run end to end with no model at all. :func:`identify` finds the
role and its fields; the request's image (the last one sent) finds the nearest samples of the
dataset by :func:`codepercept.models.adapters.image_embedding` (the ``knn`` baseline's idea). Then:

* ``stem2code``, ``reproduce`` — the nearest sample's code in a ```python block;
* ``describe`` — the nearest sample's caption;
* ``principle`` — ``Principle: ...`` from the sample's family and domain, then a sentence built
  from its facts;
* ``variants`` (field ``k``) — ``k`` programs of the nearest sample's family from *other*
  samples (other seeds, so other pictures), each fenced; when the dataset has too few, the
  family generates more (new seeds, derived from the sample's);
* ``draft`` — the nearest sample's code with a ``# Step i: ...`` comment before each top-level
  group of statements (:func:`step_comments`);
* ``refine`` (fields ``draft``, ``reference``; no image) — the reference code with the draft's
  comment lines carried over to the statements they stood above (:func:`carry_comments`).

The prompts of ``codepercept reason-eval`` are answered by :mod:`codepercept.serve.reason`
with the nearest sample's caption as the eyes (the native-caption baseline: a caption of a
figure that looks like the request's) and the deterministic QA solver.

A prompt that is none of these is answered as ``stem2code`` when it carries an image, and
with a short fixed text when it does not. A role about an image sent without one gets a short
fixed text saying so.

Choices: at temperature 0, or with one choice and no seed, every choice is the nearest sample;
otherwise choice ``j`` takes one of the 3 nearest by a hash of (seed or 0, request, j) — the
same request and seed give the same choices.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from codepercept.errors import UsageError
from codepercept.models.prompts import identify
from codepercept.serve.protocol import ChatRequest
from codepercept.serve.reason import answer_reason, reason_role

__all__ = ["OfflineBackend", "carry_comments", "step_comments"]

log = logging.getLogger(__name__)

#: Neighbours a drawn choice picks among.
TOP = 3
#: The most programs one ``variants`` reply holds.
MAX_VARIANTS = 16

TEXT_REPLY = (
    "This is codepercept's offline backend; it answers questions about STEM figures. Send the "
    "figure as an image_url part (a base64 data URL) to get its matplotlib code."
)
NO_IMAGE_REPLY = (
    "No figure came with this request; send it as an image_url part (a base64 data URL) and "
    "ask again."
)
_IMAGE_ROLES = {"stem2code", "reproduce", "describe", "principle", "variants", "draft"}


@dataclass(frozen=True)
class Sample:
    id: str
    code: str
    caption: str
    family: str
    domain: str
    seed: int
    facts: dict[str, Any] = field(default_factory=dict)


def _fence(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def _draw(*parts: object) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class OfflineBackend:
    """Answers from the ICC dataset in ``root`` (see the module docstring)."""

    def __init__(self, root: Path, name: str | None = None) -> None:
        from codepercept.data import read_dataset
        from codepercept.models.adapters import image_embedding

        self.root = Path(root)
        self.name = name or f"offline:{root}"
        self.model_name = f"offline-{self.root.resolve().name}"
        self.samples: list[Sample] = []
        vectors = []
        for rec in read_dataset(self.root):
            if not rec.get("image") or not rec.get("code"):
                continue
            self.samples.append(
                Sample(
                    id=str(rec.get("id", len(self.samples))),
                    code=str(rec["code"]),
                    caption=str(rec.get("caption") or ""),
                    family=str(rec.get("family") or ""),
                    domain=str(rec.get("domain") or ""),
                    seed=int(rec.get("seed") or 0),
                    facts=rec.get("facts") if isinstance(rec.get("facts"), dict) else {},
                )
            )
            vectors.append(image_embedding(rec["image"]))
        if not self.samples:
            raise UsageError(
                f"{root} holds no samples with an image and code; give a dataset written by "
                "`codepercept synth`"
            )
        self._emb = np.stack(vectors)
        self._by_family: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.samples):
            self._by_family[s.family].append(i)

    async def generate(self, request: ChatRequest) -> list[str]:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.answer, request)

    # -- the answers ---------------------------------------------------------------------------
    def nearest(self, image: bytes, k: int = TOP) -> list[int]:
        """Indices of the ``k`` samples whose images are nearest ``image`` (nearest first;
        ties go to the earlier sample)."""
        from codepercept.models.adapters import image_embedding

        sims = self._emb @ image_embedding(image)
        return [int(i) for i in np.argsort(-sims, kind="stable")[:k]]

    def answer(self, request: ChatRequest) -> list[str]:
        """The ``request.n`` reply texts (blocking; :meth:`generate` runs it in a thread)."""
        image = request.images[-1] if request.images else None
        reason = reason_role(request)
        if reason is not None:  # the perception → reasoning prompts: the nearest caption
            text = answer_reason(
                *reason, image, lambda png: self.samples[self.nearest(png, 1)[0]].caption
            )
            return [text] * request.n
        found = identify(request.messages)
        role, fields = (found[0].role, found[1]) if found else (None, {})
        if role is None:
            role = "stem2code" if image is not None else "text"
        if role == "refine":
            return [_fence(carry_comments(fields["draft"], fields["reference"]))] * request.n
        if role == "text":
            return [TEXT_REPLY] * request.n
        if image is None and role in _IMAGE_ROLES:
            return [NO_IMAGE_REPLY] * request.n
        assert image is not None
        ranking = self.nearest(image)
        draw = request.temperature > 0 and (request.seed is not None or request.n > 1)
        out = []
        for j in range(request.n):
            salt = _draw(request.seed or 0, request.key, j) if draw else 0
            sample = self.samples[ranking[salt % len(ranking)]]
            out.append(self._reply(role, sample, fields, salt))
        return out

    def _reply(self, role: str, s: Sample, fields: dict[str, str], salt: int) -> str:
        if role == "describe":
            return s.caption
        if role == "principle":
            return principle_text(s)
        if role == "variants":
            try:
                k = int(str(fields.get("k", "")).strip())
            except ValueError:
                k = TOP
            k = max(1, min(MAX_VARIANTS, k))
            return "\n\n".join(_fence(code) for code in self.variants(s, k, salt))
        if role == "draft":
            return _fence(step_comments(s.code))
        return _fence(s.code)  # stem2code, reproduce

    def variants(self, s: Sample, k: int, salt: int = 0) -> list[str]:
        """``k`` programs of ``s``'s family other than ``s`` (other seeds): the dataset's
        first (from an offset of ``salt``), then new ones the family generates."""
        others = [i for i in self._by_family[s.family] if self.samples[i].seed != s.seed]
        if others:
            start = salt % len(others)
            others = others[start:] + others[:start]
        codes = [self.samples[i].code for i in others[:k]]
        if len(codes) < k:
            codes += _generate(s.family, s.seed, k - len(codes), {self.samples[i].seed for i in
                               self._by_family[s.family]})  # fmt: skip
        while len(codes) < k:  # a family this installation does not know: repeat what there is
            codes.append(codes[len(codes) % max(1, len(codes))] if codes else s.code)
        return codes


def _generate(family: str, seed: int, count: int, taken: set[int]) -> list[str]:
    """``count`` new programs of ``family``, seeds derived from ``seed``, none in ``taken``
    (an empty list when the family is not registered here)."""
    from codepercept.synth import get_family

    try:
        fam = get_family(family)
    except (KeyError, ValueError):
        return []
    codes, m = [], 0
    while len(codes) < count and m < 100 * count:
        s = _draw("variant", seed, m) % (2**63)
        m += 1
        if s in taken:
            continue
        try:
            codes.append(fam.generate(s).code)
        except Exception as exc:  # a family's rejection sampling gave up on this seed
            log.debug("variant seed %d of %s: %s", s, family, exc)
    return codes


def principle_text(s: Sample) -> str:
    """``Principle: <the family's subject> (<domain>)`` and a sentence from the facts."""
    description = ""
    try:
        from codepercept.synth import get_family

        description = get_family(s.family).description
    except (KeyError, ValueError):
        pass
    words = s.family.replace("_", " ")
    domain = s.domain.replace("_", " ")
    head = description.split(":")[0].split(".")[0].strip() if description else words
    statements = [str(x) for x in s.facts.get("statements", []) if str(x).strip()]
    line = f"Principle: {head} ({domain})."
    if statements:
        facts = "; ".join(statements[:2])
        return f"{line}\nThe figure is an example of a {words} in {domain}: {facts}."
    return f"{line}\nThe figure is an example of a {words} in {domain}."


# ---- step comments -----------------------------------------------------------------------------


def _short(node: ast.AST, limit: int = 32) -> str:
    if isinstance(node, ast.Tuple):  # ``fig, ax``, not ``(fig, ax)``
        text = ", ".join(ast.unparse(e) for e in node.elts)
    else:
        text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _what(stmt: ast.stmt) -> str:
    """A few words on what a top-level statement does."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return "import " + ", ".join(a.name for a in stmt.names)
    if isinstance(stmt, ast.Assign):
        return "set " + ", ".join(_short(t) for t in stmt.targets)
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        return "update " + _short(stmt.target)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _short(stmt.value.func)
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return f"for each {_short(stmt.target)} in {_short(stmt.iter)}"
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return f"define {stmt.name}"
    return type(stmt).__name__.lower()


def step_comments(code: str) -> str:
    """``code`` with ``# Step i: ...`` before each top-level group of statements (groups are
    separated by blank lines; a group's own comments stay under its step comment). Removing
    the lines that start with ``# Step `` gives ``code`` back."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return "# Step 1: the whole program\n" + code
    lines = code.splitlines(keepends=True)
    groups: list[list[ast.stmt]] = []
    prev_end = 0
    for stmt in body:
        start = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
        gap = lines[prev_end : start - 1]
        if not groups or any(not g.strip() for g in gap):
            groups.append([stmt])
        else:
            groups[-1].append(stmt)
        prev_end = stmt.end_lineno or start
    inserts: dict[int, str] = {}
    for i, group in enumerate(groups, 1):
        first = group[0]
        at = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])]) - 1
        while at > 0 and lines[at - 1].lstrip().startswith("#"):
            at -= 1  # above the group's own comments
        parts = list(dict.fromkeys(_what(s) for s in group))
        what = "; ".join(parts[:3]) + ("; ..." if len(parts) > 3 else "")
        inserts[at] = f"# Step {i}: {what}\n"
    out = []
    for n, line in enumerate(lines):
        if n in inserts:
            out.append(inserts[n])
        out.append(line)
    return "".join(out)


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _norm(line: str) -> str:
    return "".join(line.split())


def carry_comments(draft: str, reference: str) -> str:
    """``reference`` with the comment lines of ``draft`` carried over: each draft comment
    stands above a draft statement line; where that line corresponds to a reference line
    (the same line up to whitespace, or one that took its place, by ``difflib`` alignment),
    the comment is put above that reference line (before the reference's own comments there,
    skipping any it already has). Comments above draft lines with no counterpart are dropped.
    Removing the carried lines gives ``reference`` back."""
    d_code: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    for line in draft.splitlines():
        if _is_comment(line):
            pending.append(line.strip())
        elif line.strip():
            d_code.append((_norm(line), pending))
            pending = []
    r_lines = reference.splitlines(keepends=True)
    r_code = [i for i, line in enumerate(r_lines) if line.strip() and not _is_comment(line)]
    matcher = difflib.SequenceMatcher(
        None, [c for c, _ in d_code], [_norm(r_lines[i]) for i in r_code], autojunk=False
    )
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            mapping.update(zip(range(i1, i2), range(j1, j2), strict=False))
    carried: dict[int, list[str]] = defaultdict(list)
    for a, (_, comments) in enumerate(d_code):
        if comments and a in mapping:
            carried[r_code[mapping[a]]].extend(comments)
    inserts: dict[int, list[str]] = {}
    for target, comments in carried.items():
        at = target
        while at > 0 and _is_comment(r_lines[at - 1]):
            at -= 1
        have = {r_lines[i].strip() for i in range(at, target)}
        indent = r_lines[target][: len(r_lines[target]) - len(r_lines[target].lstrip())]
        new = [indent + c + "\n" for c in dict.fromkeys(comments) if c not in have]
        if new:
            inserts[at] = new
    out: list[str] = []
    for n, line in enumerate(r_lines):
        out.extend(inserts.get(n, ()))
        out.append(line)
    return "".join(out)
