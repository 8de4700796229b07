"""What answers the requests: a backend turns a checked :class:`ChatRequest` into ``n`` texts.

The protocol is one coroutine, ``await backend.generate(request) -> list[str]`` (exactly
``request.n`` texts), plus a ``name`` (the spec it was made from) and a ``model_name`` (what
clients ask for by default). A backend does its CPU-heavy work off the event loop
(``anyio.to_thread``); the server cuts replies at ``max_tokens`` and counts usage itself.

Specs (:func:`make_backend`):
  ``offline:DIR``  answers every prompt role of the pipelines from a ``codepercept synth``
                   dataset, deterministically (:mod:`codepercept.serve.offline`)
  ``oracle:qa=N``, ``oracle:DIR``  the oracle captioner of the reason-eval QA set (or of an ICC
                   dataset) with the deterministic QA solver (:mod:`codepercept.serve.reason`)
  ``qa-solver``    that solver alone, text only
  ``static``       one small fixed matplotlib program, at once (for client throughput)
  ``hf:PATH``      a local transformers checkpoint (needs ``transformers``;
                   :mod:`codepercept.serve.hf`)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Protocol

from codepercept.errors import UsageError
from codepercept.serve.protocol import ChatRequest

__all__ = ["HF_MISSING", "Backend", "StaticBackend", "check_backend_spec", "make_backend"]

#: Why ``hf:PATH`` cannot run here (one line, what to do).
HF_MISSING = (
    "hf:PATH needs the transformers package, which is not installed; install it "
    "(pip install transformers) or serve --backend offline:DIR or static"
)

SPECS = "offline:DIR, oracle:qa=N, oracle:DIR, qa-solver, static or hf:PATH"
#: The largest QA set ``oracle:qa=N`` builds (as ``reason-eval --qa-set``).
MAX_QA_FIGURES = 100_000


class Backend(Protocol):
    """Answers chat requests: ``generate`` returns exactly ``request.n`` texts."""

    name: str
    model_name: str

    async def generate(self, request: ChatRequest) -> list[str]: ...


STATIC_PROGRAM = """\
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([0, 1, 2, 3], [0, 1, 4, 9], marker="o", color="tab:blue")
ax.set_title("y = x^2")
ax.set_xlabel("x")
ax.set_ylabel("y")
plt.show()
"""


class StaticBackend:
    """Every request gets the same small matplotlib program, fenced, with no work at all."""

    name = "static"
    model_name = "static"
    reply = f"```python\n{STATIC_PROGRAM}```"

    async def generate(self, request: ChatRequest) -> list[str]:
        return [self.reply] * request.n


def transformers_available() -> bool:
    return importlib.util.find_spec("transformers") is not None


def _dataset_problem(arg: str, columns: set[str], what: str) -> str | None:
    """Why ``arg`` is not a dataset directory with ``columns`` (one line), or None."""
    from codepercept.data.manifest import MANIFEST_NAME, load_manifest

    path = Path(arg)
    if not path.exists():
        return f"{arg} does not exist; give {what}"
    if not path.is_dir():
        return f"{arg} is a file; give {what}"
    if not (path / MANIFEST_NAME).is_file():
        return f"{arg} is not a dataset (no {MANIFEST_NAME}); give {what}"
    try:
        have = {c.name for c in load_manifest(path).schema.columns}
    except (ValueError, OSError) as exc:
        return f"{arg} is not a readable dataset ({exc})"
    if not columns <= have:
        return f"{arg} is a dataset without {' and '.join(sorted(columns))} columns; give {what}"
    return None


def check_backend_spec(spec: str) -> str | None:
    """Why ``spec`` cannot be served (one line), or None. Cheap: nothing is loaded."""
    kind, sep, arg = spec.partition(":")
    if kind in ("static", "qa-solver") and not sep:
        return None
    if kind == "offline" and arg:
        return _dataset_problem(
            arg, {"image", "code"}, "an ICC dataset directory written by `codepercept synth`"
        )
    if kind == "oracle" and arg:
        if arg.startswith("qa="):
            n = arg[3:]
            if not (n.isdigit() and 1 <= int(n) <= MAX_QA_FIGURES):
                return (
                    f"oracle:{arg}: N must be a whole number of figures, 1-{MAX_QA_FIGURES} "
                    "(the --qa-set N of reason-eval)"
                )
            return None
        return _dataset_problem(
            arg, {"image", "caption"}, "oracle:qa=N or an ICC dataset directory with captions"
        )
    if kind == "hf" and arg:
        if not Path(arg).exists():
            return f"{arg} does not exist; give a local transformers checkpoint directory"
        if not transformers_available():
            return HF_MISSING
        return None
    return f"{spec!r} is not a backend: use {SPECS}"


def make_backend(spec: str) -> Backend:
    """Load the backend ``spec`` names (raises :class:`UsageError`, one line, if it cannot)."""
    why = check_backend_spec(spec)
    if why is not None:
        raise UsageError(why)
    kind, _, arg = spec.partition(":")
    if kind == "static":
        return StaticBackend()
    if kind in ("oracle", "qa-solver"):
        from codepercept.serve.reason import OracleBackend, SolverBackend

        return SolverBackend() if kind == "qa-solver" else OracleBackend(arg, name=spec)
    if kind == "offline":
        from codepercept.serve.offline import OfflineBackend

        return OfflineBackend(Path(arg), name=spec)
    from codepercept.serve.hf import HfBackend

    return HfBackend(Path(arg), name=spec)
