"""Hand-written, real-world-style matplotlib programs: ground truth for the validity study.

Each ``NN_name.py`` file here is a self-contained chart program in the style of the matplotlib
gallery, StackOverflow answers and paper figures (not of codepercept's generators). The files
are data: :func:`realstyle_programs` reads them as text and never imports them. The first line
of each names its domain (``# domain: chart``), the second describes the figure.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codepercept.bench.validate import ValidationProgram

#: Domains a real-style program may declare on its first line.
REALSTYLE_DOMAINS: tuple[str, ...] = (
    "chart", "geometry", "graph", "function", "physics", "statistics", "3d", "other",
)  # fmt: skip
FAMILY = "realstyle"

_PROGRAM_NAME = re.compile(r"^\d{2}_[a-z0-9_]+\.py$")
_DOMAIN_LINE = re.compile(r"^#\s*domain:\s*(\S+)\s*$")


def _domain(name: str, code: str) -> str:
    first = code.split("\n", 1)[0]
    m = _DOMAIN_LINE.match(first)
    if m is None or m.group(1) not in REALSTYLE_DOMAINS:
        raise ValueError(
            f"{name}: the first line must be '# domain: <one of {', '.join(REALSTYLE_DOMAINS)}>',"
            f" got {first!r}"
        )
    return m.group(1)


def realstyle_programs() -> list[ValidationProgram]:
    """The real-style corpus, one :class:`ValidationProgram` per file, sorted by file name.

    ``id`` is the file stem (``"01_surface3d"``), ``domain`` comes from the file's first-line
    comment and ``family`` is ``"realstyle"``. Raises ``ValueError`` for a file whose first line
    does not name a known domain.
    """
    # imported here: validate loads the sandbox and the scorers
    from codepercept.bench.validate import ValidationProgram

    root = resources.files(__name__)
    names = sorted(p.name for p in root.iterdir() if _PROGRAM_NAME.match(p.name))
    out = []
    for name in names:
        code = root.joinpath(name).read_text(encoding="utf-8")
        out.append(ValidationProgram(name[:-3], code, _domain(name, code), FAMILY))
    return out
