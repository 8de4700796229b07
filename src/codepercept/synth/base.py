"""Generator families: seeded programs that draw STEM figures, with the facts they chose.

A *family* is a function ``rng -> Emitted`` registered under a name and a domain. Given the
same seed it returns byte-identical code (it must draw only from the ``random.Random`` it is
handed, never from global state), so a dataset is reproducible from (family, seed) alone.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: Domains in the order they are listed to people.
DOMAINS: tuple[str, ...] = (
    "plane_geometry",
    "functions",
    "solid_geometry",
    "physics",
    "chemistry",
    "charts",
    "graphs",
    "puzzles",
)


@dataclass
class Emitted:
    """What a family's emitter returns for one sample."""

    code: str  # standalone matplotlib program ending with plt.show()
    params: dict[str, Any]  # the sampled parameters (JSON-able)
    facts: dict[str, Any]  # semantic facts the code provably draws (JSON-able), see Program


@dataclass
class Program:
    """One generated program.

    ``facts`` always has:
      * ``"statements"``: short factual sentences about the figure ("triangle ABC has a right
        angle at C", "the cube has 3 hidden edges, drawn dashed");
      * ``"labels"``: every text string the program draws as a label (points, values, titles),
        exactly as it appears in the figure.
    plus family-specific structured keys used by tests and captions.
    """

    family: str
    domain: str
    seed: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.family}-{self.seed}"


@dataclass(frozen=True)
class Family:
    name: str
    domain: str
    description: str
    emit: Callable[[random.Random], Emitted]

    def generate(self, seed: int) -> Program:
        rng = random.Random(_mix_seed(self.name, seed))
        out = self.emit(rng)
        facts = dict(out.facts)
        facts.setdefault("statements", [])
        facts.setdefault("labels", [])
        return Program(self.name, self.domain, seed, out.code, dict(out.params), facts)


_REGISTRY: dict[str, Family] = {}


def register(name: str, domain: str, description: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``fn(rng) -> Emitted`` as a family."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; choose one of {', '.join(DOMAINS)}")

    def wrap(fn: Callable[[random.Random], Emitted]) -> Callable[[random.Random], Emitted]:
        if name in _REGISTRY:
            raise ValueError(f"family {name!r} is registered twice")
        _REGISTRY[name] = Family(name, domain, description, fn)
        return fn

    return wrap


def _mix_seed(name: str, seed: int) -> int:
    # Different families with the same seed must not share a random stream.
    h = hashlib.blake2b(f"{name}:{seed}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big")


def _load_all() -> None:
    # Importing the family modules registers them.
    import importlib

    importlib.import_module("codepercept.synth.families")


def list_families(domains: list[str] | None = None, names: list[str] | None = None) -> list[Family]:
    """Registered families, sorted by (domain order, name), optionally filtered."""
    _load_all()
    out = list(_REGISTRY.values())
    if domains:
        bad = set(domains) - set(DOMAINS)
        if bad:
            raise ValueError(f"unknown domain(s) {sorted(bad)}; choose from {', '.join(DOMAINS)}")
        out = [f for f in out if f.domain in domains]
    if names:
        bad = set(names) - set(_REGISTRY)
        if bad:
            raise ValueError(f"unknown famil(y/ies) {sorted(bad)}; see `codepercept synth list`")
        out = [f for f in out if f.name in names]
    return sorted(out, key=lambda f: (DOMAINS.index(f.domain), f.name))


def get_family(name: str) -> Family:
    _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown family {name!r}; see `codepercept synth list`") from None


def fmt(x: float, nd: int = 2) -> str:
    """Format a number for emitted code: short, stable, no trailing zeros ("1.5", "2", "-0.25")."""
    s = f"{round(float(x), nd):.{nd}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


#: The most draws a family's rejection loop makes before it gives up on a seed.
MAX_TRIES = 10_000


def tries(what: str, limit: int = MAX_TRIES) -> Iterator[int]:
    """Attempts of a rejection-sampling loop (``for _ in tries("a triangle ..."): ... break``),
    bounded: after ``limit`` draws without a ``break`` it raises ``RuntimeError`` naming
    ``what``, which the pipeline records as a ``generator_error`` drop instead of hanging."""
    yield from range(limit)
    raise RuntimeError(f"no {what} after {limit} draws; this seed is skipped")
