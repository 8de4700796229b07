"""``codepercept serve``: an OpenAI-compatible chat-completions server.

:mod:`.protocol` is the wire format (requests checked, replies and errors shaped as OpenAI
does), :mod:`.backends` what answers (``offline:DIR``, ``static``, ``hf:PATH``),
:mod:`.faults` a deliberately faulty server for client tests, :mod:`.app` the Starlette app and
:mod:`.server` the uvicorn runner. Names are re-exported lazily, so ``import codepercept.serve``
loads neither starlette nor uvicorn.
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
    from codepercept.serve.app import ServeState, build_app
    from codepercept.serve.backends import Backend, StaticBackend, make_backend
    from codepercept.serve.faults import FAULTS, FaultSchedule
    from codepercept.serve.offline import OfflineBackend
    from codepercept.serve.protocol import ApiError, ChatRequest, parse_chat_request
    from codepercept.serve.server import serve

__all__ = [
    "FAULTS",
    "ApiError",
    "Backend",
    "ChatRequest",
    "FaultSchedule",
    "OfflineBackend",
    "ServeState",
    "StaticBackend",
    "build_app",
    "make_backend",
    "parse_chat_request",
    "serve",
]

__getattr__ = lazy_getattr(
    __name__,
    {
        "ServeState": "app", "build_app": "app", "Backend": "backends",
        "StaticBackend": "backends", "make_backend": "backends", "FAULTS": "faults",
        "FaultSchedule": "faults", "OfflineBackend": "offline", "ApiError": "protocol",
        "ChatRequest": "protocol", "parse_chat_request": "protocol", "serve": "server",
    },
)  # fmt: skip
