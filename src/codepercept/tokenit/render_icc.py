"""STEM figure text from the ICC programs (the ``stem`` domain).

Candidate ``index`` of a TokenIT run becomes a real ICC program: the ``m``-th stem candidate
(``m = index // len(domains)``) is ICC candidate ``m`` of :func:`codepercept.synth.pipeline.
candidate` over all families (so the eight synth domains take turns, then the families within
each), with the program seed drawn from the TokenIT candidate's own seed. The program runs in
the sandbox (:class:`codepercept.sandbox.Executor`) with the ``glyphs`` render probe
(:mod:`codepercept.tokenit.glyph_probe`), which records every glyph matplotlib draws *during
the capture render*, so the PNG the sandbox returns is the picture the labels describe.

One :class:`IccStem` holds one executor for many candidates; close it (or use it as a context
manager) when done.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from codepercept.tokenit.canvas import Dropped, Rendered

if TYPE_CHECKING:
    from codepercept.sandbox import Executor
    from codepercept.synth.base import Program

log = logging.getLogger(__name__)

#: Rendering resolution, as in the ICC pipeline: figures keep their programs' figsize.
DPI = 100.0
PROBE = "glyphs"


def _program_seed(seed: int, index: int) -> int:
    from codepercept.tokenit.generate import candidate_seed

    return candidate_seed(seed, index) >> 1  # 63-bit, like ICC program seeds


class IccStem:
    """Renders TokenIT ``stem`` candidates from ICC programs through one sandbox executor.

    Args:
        workers: programs in flight at once (the executor's ``workers``).
        timeout_s: wall-clock limit per program.
        executor: an executor to use instead of starting one; it must have been made with
            ``probes=["glyphs"]`` and is not closed by :meth:`close`.
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        timeout_s: float = 20.0,
        executor: Executor | None = None,
    ) -> None:
        from codepercept.sandbox import Executor
        from codepercept.synth.base import list_families
        from codepercept.synth.pipeline import DEFAULT_REUSE

        self.families = list_families()
        if executor is not None and PROBE not in executor.probes:
            raise ValueError(f"the executor must run the {PROBE!r} probe")
        self._own = executor is None
        # codepercept's own programs: one hardened process runs many in turn (same bytes)
        self.executor = executor or Executor(
            workers=max(1, workers), dpi=DPI, timeout_s=timeout_s, probes=[PROBE],
            reuse=DEFAULT_REUSE,
        )  # fmt: skip

    def __enter__(self) -> IccStem:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the sandbox now (otherwise the first :meth:`render` does); raises when it
        cannot start."""
        self.executor.start()

    def close(self) -> None:
        """Stop the executor's sandbox (only when this object started it)."""
        if self._own:
            self.executor.close()

    def program(self, seed: int, index: int, n_domains: int) -> Program:
        """The ICC :class:`~codepercept.synth.base.Program` of TokenIT candidate ``index`` in a
        run over ``n_domains`` domains."""
        from codepercept.synth.pipeline import candidate

        pseed = _program_seed(seed, index)
        return candidate(self.families, seed, index // n_domains, seed_of=lambda _s, _k: pseed)

    def render(self, seed: int, index: int, n_domains: int) -> Rendered:
        """Run the candidate's program and turn its first figure into a :class:`Rendered`;
        raises :class:`Dropped` when the program or the probe gives nothing usable."""
        prog = self.program(seed, index, n_domains)
        if not prog.code:
            raise Dropped("icc_generator_error", str(prog.facts.get("generator_error", "")))
        res = self.executor.run(prog.code)
        if res.status != "ok":
            raise Dropped(f"icc_{res.status}", res.message)
        meta = {
            "domain": "stem",
            "family": prog.family,
            "synth_domain": prog.domain,
            "program_seed": prog.seed,
            "dpi": self.executor.dpi,
        }
        return rendered_from_result(res.images[0], (res.probes.get(PROBE) or [{}])[0], meta)


def rendered_from_result(png: bytes, entry: dict[str, Any], meta: dict[str, Any]) -> Rendered:
    """A :class:`Rendered` from a captured PNG and its ``glyphs`` probe entry; raises
    :class:`Dropped` for a probe error (``glyph_probe_error``) or text the probe could not
    record (``unrecorded_math``, ``unrecorded_tex``, ``unrecorded_path_effects``): such text
    would be ink without a mask."""
    from codepercept.tokenit.glyph_probe import decode

    if "data" not in entry:
        log.warning("glyphs probe failed: %s", entry.get("error", "no result"))
        raise Dropped("glyph_probe_error", str(entry.get("error", "no result")))
    unrecorded = entry["data"].get("unrecorded") or []
    if unrecorded:
        raise Dropped(f"unrecorded_{unrecorded[0]['kind']}", unrecorded[0]["text"])
    rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    try:
        text, labels, background = decode(entry, rgba)
    except ValueError as exc:
        raise Dropped("glyph_probe_error", str(exc)) from None
    meta = dict(meta, hidden_lines=int(entry["data"].get("hidden_lines", 0)))
    return Rendered(_over_white(rgba), text, labels, _over_white(background), meta)


def _over_white(rgba: np.ndarray) -> np.ndarray:
    """RGB of an RGBA picture composited over white (a no-op copy when it is opaque). Equal
    RGBA pixels stay equal, so the picture and its background still agree off the text."""
    if rgba[..., 3].min() == 255:
        return np.ascontiguousarray(rgba[..., :3])
    a = rgba[..., 3:].astype(np.uint32)
    rgb = (rgba[..., :3].astype(np.uint32) * a + 255 * (255 - a) + 127) // 255
    return rgb.astype(np.uint8)
