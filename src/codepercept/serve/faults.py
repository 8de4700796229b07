"""A deliberately faulty server, for testing how clients cope (``serve --fault MODE``).

Modes (what a faulted chat-completions request gets):

* ``500`` — HTTP 500 with an OpenAI error body (``type`` ``server_error``);
* ``429`` — HTTP 429 with ``Retry-After: 1`` and an OpenAI rate-limit error body;
* ``timeout`` — no answer at all: the request waits until the server shuts down (then 503);
* ``malformed`` — HTTP 200 whose body is not JSON (a stream: an event whose data is not JSON);
* ``truncated`` — HTTP 200 whose ``Content-Length`` promises more than is sent before the
  connection is dropped (a stream: the connection drops after the first content chunk, with
  no ``[DONE]``);
* ``nocode`` — HTTP 200, a well-formed reply whose text holds no code block;
* ``empty`` — HTTP 200, a well-formed reply whose content is ``""``.

Which requests: :class:`FaultSchedule` with rate ``p`` faults request ``i`` (1-based, in the
order valid chat-completions requests arrive) when ``floor(i p) > floor((i - 1) p)``: exactly
``floor(N p)`` of the first ``N``, evenly spread (``p = 1/k``: every k-th request; ``p = 1``:
all; ``p = 0``: none). Requests the protocol refuses (400/404/413) are answered as such and not
counted, and ``/health`` and ``/v1/models`` are never faulted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["FAULTS", "NOCODE_REPLY", "FaultSchedule"]

FAULTS = ("500", "429", "timeout", "malformed", "truncated", "nocode", "empty")

#: The text of a ``nocode`` reply: an answer, but no program in it.
NOCODE_REPLY = (
    "The figure is a STEM diagram with labelled elements. I would draw it with matplotlib, "
    "using one axes and the labels as shown."
)
#: The body of a ``malformed`` reply.
MALFORMED_BODY = b"<html><body>upstream error: this is not JSON</body></html>"


@dataclass
class FaultSchedule:
    """Which requests get ``mode`` (None: no fault), at ``rate`` in [0, 1]."""

    mode: str | None = None
    rate: float = 1.0
    count: int = 0

    def __post_init__(self) -> None:
        if self.mode is not None and self.mode not in FAULTS:
            raise ValueError(f"unknown fault {self.mode!r}; choose from {', '.join(FAULTS)}")
        if not (math.isfinite(self.rate) and 0 <= self.rate <= 1):
            raise ValueError(f"fault rate {self.rate!r} is not between 0 and 1")

    def next(self) -> str | None:
        """Count one more request; the fault it gets, or None."""
        self.count += 1
        if self.mode is None:
            return None
        # exact arithmetic on the rate as written (0.1 is 1/10), so every 10th is every 10th
        rate, i = Fraction(repr(float(self.rate))), self.count
        return self.mode if math.floor(i * rate) > math.floor((i - 1) * rate) else None
