"""The record an execution produces: what happened, what was drawn, how long it took."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from typing import Any

from codepercept.scene.model import Scene

#: The closed set of execution statuses.
STATUSES: tuple[str, ...] = (
    "ok",  # ran to the end and left at least one figure
    "syntax_error",  # did not compile
    "runtime_error",  # raised an exception (or sys.exit with a non-zero code)
    "timeout",  # passed the wall-clock or CPU-time limit
    "memory_error",  # MemoryError or an allocation refused by the address-space limit
    "no_figure",  # ran to the end but drew nothing
    "output_too_large",  # a figure larger than max_pixels, too many figures, or too much output
    "forbidden",  # tried something the sandbox refuses (network, exec, fork, writes outside)
    "crashed",  # the process died without a result (segfault, os._exit, killed by a signal)
)


@dataclass
class ExecResult:
    """Outcome of running one program in the sandbox.

    ``images`` holds PNG bytes of every figure the program left, showed or saved, in creation
    order; ``scene`` the trace of those same figures (``None`` when nothing ran far enough to be
    traced). ``message`` is one human-readable line; ``status`` is one of :data:`STATUSES`.
    ``scene_json`` is the same scene as the JSON text the child sent (kept so a writer can
    store it without encoding it again). ``saved_as`` holds, per image, the paths the program
    passed to ``savefig`` for a PNG (written nowhere: the image is what it would have held, at
    the executor's dpi). ``probes`` holds what the executor's render probes measured, per probe
    name and figure (see :mod:`codepercept.sandbox.probes`).
    """

    status: str
    message: str = ""
    images: list[bytes] = field(default_factory=list)
    scene: Scene | None = None
    stdout: str = ""
    stderr: str = ""
    wall_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    probes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    scene_json: bytes = b""  # the scene exactly as the child serialised it (``scene`` parsed)
    saved_as: list[list[str]] = field(default_factory=list)  # per image: the PNG paths it was
    # saved to (``savefig``, as the program named them; empty when it saved none)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self, with_images: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "status": self.status,
            "message": self.message,
            "n_images": len(self.images),
            "stdout": self.stdout,
            "stderr": self.stderr,
            "wall_s": round(self.wall_s, 6),
            # finite only: the dict must stay valid JSON (the executor keeps no others anyway)
            "timings": {k: round(v, 6) for k, v in self.timings.items() if math.isfinite(v)},
        }
        if with_images:
            d["images"] = [base64.b64encode(b).decode("ascii") for b in self.images]
        if self.scene is not None:
            d["scene"] = self.scene.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExecResult:
        """The inverse of :meth:`to_dict`; raises ``ValueError`` (only) on a malformed record."""
        try:
            status = d.get("status")
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}"[:200])
            scene = Scene.from_dict(d["scene"]) if d.get("scene") is not None else None
            images = [base64.b64decode(s) for s in d.get("images", [])]
            return cls(
                status=status,
                message=str(d.get("message", "")),
                images=images,
                scene=scene,
                stdout=str(d.get("stdout", "")),
                stderr=str(d.get("stderr", "")),
                wall_s=float(d.get("wall_s", 0.0)),
                timings={str(k): float(v) for k, v in d.get("timings", {}).items()},
            )
        except ValueError:
            raise
        except Exception as exc:  # a wrong type somewhere, an int too large for a float, ...
            raise ValueError(f"malformed ExecResult record: {type(exc).__name__}") from None
