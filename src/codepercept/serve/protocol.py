"""The OpenAI chat-completions wire format: requests checked into :class:`ChatRequest`, replies
and errors built as the OpenAI API shapes them.

Nothing here does I/O; :mod:`codepercept.serve.app` only translates between HTTP and these
functions, and the backends only see a checked :class:`ChatRequest`.

Checks (each failure is an :class:`ApiError`, answered as
``{"error": {"message", "type": "invalid_request_error", "param", "code"}}``):

* the body is a JSON object (400 ``invalid_json``), at most ``MAX_BODY_BYTES`` (413);
* ``model`` is a string (400) naming the served model (404 ``model_not_found``);
* ``messages`` is a non-empty list of ``{"role", "content"}``; content is a string or a
  non-empty list of ``text`` and ``image_url`` parts; an image is a base64 ``data:`` URL of an
  image Pillow can read (the server fetches nothing);
* ``n`` is an integer 1..16, ``temperature`` a number 0..2, ``max_tokens`` (or
  ``max_completion_tokens``) an integer at least 1, ``seed`` an integer, ``stream`` a boolean.
  Other fields (``top_p``, ``stop``, ...) are accepted and ignored.

Token counts are deterministic approximations, the same for the same text: a word (``\\w+``)
or one punctuation character is a token, and an image of W x H pixels is
``ceil(W/28) * ceil(H/28)`` tokens (one per 28-pixel patch, as Qwen-VL counts them).
``max_tokens`` cuts a reply after that many such tokens (``finish_reason`` ``"length"``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_N",
    "ApiError",
    "ChatRequest",
    "chunk_events",
    "completion_body",
    "count_tokens",
    "error_body",
    "models_body",
    "parse_chat_request",
    "truncate_tokens",
]

#: The largest request body read (a few large images fit; a runaway client does not).
MAX_BODY_BYTES = 32 * 1024 * 1024
#: The most choices one request may ask for.
MAX_N = 16
#: Pixels per side of one image token (Qwen-VL's patch size after merging).
IMAGE_PATCH = 28

_ROLES = ("system", "developer", "user", "assistant", "tool")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_DATA_URL = re.compile(r"data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^;,]*)*?);base64,", re.I)


class ApiError(Exception):
    """A request the server will not serve, with the HTTP status and OpenAI error fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type: str = "invalid_request_error",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.type = type
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.message, type=self.type, param=self.param, code=self.code)


def error_body(
    message: str,
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """``{"error": {"message", "type", "param", "code"}}``, as the OpenAI API answers."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


@dataclass(frozen=True)
class ChatRequest:
    """A checked chat-completions request.

    ``messages`` are as sent; ``images`` the decoded bytes of every image part, in order;
    ``key`` a digest of ``model`` and ``messages`` (the same conversation, the same key), for
    backends that draw deterministically per request; ``prompt_tokens`` the counted prompt."""

    model: str
    messages: list[dict[str, Any]]
    images: tuple[bytes, ...] = ()
    n: int = 1
    temperature: float = 1.0
    max_tokens: int | None = None
    seed: int | None = None
    stream: bool = False
    include_usage: bool = False
    prompt_tokens: int = 0
    key: str = ""
    image_sizes: tuple[tuple[int, int], ...] = field(default=(), repr=False)


def count_tokens(text: str) -> int:
    """Tokens in ``text``: each word (``\\w+``) and each other non-space character is one."""
    return sum(1 for _ in _TOKEN.finditer(text))


def truncate_tokens(text: str, max_tokens: int | None) -> tuple[str, bool]:
    """``text`` cut after its ``max_tokens``-th token, and whether it was cut."""
    if max_tokens is None:
        return text, False
    for i, m in enumerate(_TOKEN.finditer(text), 1):
        if i == max_tokens:
            end = m.end()
            return text[:end], bool(_TOKEN.search(text, end))
    return text, False


def image_tokens(width: int, height: int) -> int:
    """Tokens of a ``width`` x ``height`` image: one per 28-pixel patch."""
    return math.ceil(width / IMAGE_PATCH) * math.ceil(height / IMAGE_PATCH)


# ---- requests ------------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _type_name(v: Any) -> str:
    return {
        dict: "an object", list: "an array", str: "a string", bool: "a boolean",
        int: "an integer", float: "a number", type(None): "null",
    }.get(type(v), type(v).__name__)  # fmt: skip


def _bad(message: str, param: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


def _wrong_type(param: str, want: str, got: Any) -> ApiError:
    return _bad(f"{param} must be {want}, not {_type_name(got)}", param, "invalid_type")


def decode_data_url(url: str, param: str) -> bytes:
    """The bytes of a base64 ``data:`` URL (an ``ApiError`` for anything else)."""
    m = _DATA_URL.match(url)
    if m is None:
        what = "an http(s) URL" if url.startswith(("http://", "https://")) else repr(url[:40])
        raise _bad(
            f"{param}: the server fetches no images; send a base64 data URL "
            f"(data:image/png;base64,...), not {what}",
            param,
            "invalid_image_url",
        )
    if m.group("mime") and not m.group("mime").lower().startswith("image/"):
        raise _bad(f"{param}: {m.group('mime')} is not an image type", param, "invalid_image_url")
    payload = "".join(url[m.end() :].split())  # line breaks inside a data URL are allowed
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(
            f"{param}: the data URL is not valid base64", param, "invalid_image_url"
        ) from None


def _image_size(data: bytes, param: str) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:  # reads the header only
            return img.size
    except Exception as exc:  # Pillow raises many kinds for bytes that are not an image
        raise _bad(
            f"{param}: not a readable image ({type(exc).__name__})", param, "invalid_image"
        ) from None


def _content(
    content: Any, param: str, role: str, images: list[bytes], sizes: list[tuple[int, int]]
) -> int:
    """Check one message's content; append its images; return its prompt tokens."""
    if isinstance(content, str):
        return count_tokens(content)
    if content is None:
        if role == "assistant":
            return 0
        raise _bad(f"{param} is required for a {role} message", param, "missing_required_parameter")
    if not isinstance(content, list):
        raise _wrong_type(param, "a string or an array of content parts", content)
    if not content:
        raise _bad(f"{param} is an empty array; give at least one content part", param)
    tokens = 0
    for j, part in enumerate(content):
        where = f"{param}[{j}]"
        if not isinstance(part, dict):
            raise _wrong_type(where, "an object", part)
        kind = part.get("type")
        if kind == "text":
            text = part.get("text")
            if not isinstance(text, str):
                raise _wrong_type(f"{where}.text", "a string", text)
            tokens += count_tokens(text)
        elif kind == "image_url":
            spec = part.get("image_url")
            url = spec.get("url") if isinstance(spec, dict) else spec
            if not isinstance(url, str):
                raise _wrong_type(f"{where}.image_url.url", "a string", url)
            data = decode_data_url(url, f"{where}.image_url.url")
            size = _image_size(data, f"{where}.image_url.url")
            images.append(data)
            sizes.append(size)
            tokens += image_tokens(*size)
        elif not isinstance(kind, str):
            raise _wrong_type(f"{where}.type", "a string", kind)
        else:
            raise _bad(
                f"{where}.type {kind!r} is not supported; use 'text' or 'image_url'",
                f"{where}.type",
            )
    return tokens


def parse_chat_request(body: bytes, served: str) -> ChatRequest:
    """Check a chat-completions request body for the model named ``served``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ApiError(400, f"the body is not valid JSON ({exc})", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ApiError(
            400, f"the body must be a JSON object, not {_type_name(data)}", code="invalid_json"
        )

    model = data.get("model")
    if model is None:
        raise _bad("model is required", "model", "missing_required_parameter")
    if not isinstance(model, str):
        raise _wrong_type("model", "a string", model)
    if model != served:
        raise ApiError(
            404,
            f"the model {model!r} does not exist; this server serves {served!r}",
            param="model",
            code="model_not_found",
        )

    messages = data.get("messages")
    if messages is None:
        raise _bad("messages is required", "messages", "missing_required_parameter")
    if not isinstance(messages, list):
        raise _wrong_type("messages", "an array", messages)
    if not messages:
        raise _bad("messages is an empty array; give at least one message", "messages")
    images: list[bytes] = []
    sizes: list[tuple[int, int]] = []
    prompt_tokens = 0
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            raise _wrong_type(where, "an object", msg)
        role = msg.get("role")
        if not isinstance(role, str):
            raise _wrong_type(f"{where}.role", "a string", role)
        if role not in _ROLES:
            raise _bad(f"{where}.role {role!r} is not one of {', '.join(_ROLES)}", f"{where}.role")
        prompt_tokens += _content(msg.get("content"), f"{where}.content", role, images, sizes)

    n = data.get("n", 1)
    if n is None:
        n = 1
    if not _is_int(n):
        raise _wrong_type("n", "an integer", n)
    if not 1 <= n <= MAX_N:
        raise _bad(f"n is {n}; it must be between 1 and {MAX_N}", "n")

    temperature = data.get("temperature", 1.0)
    if temperature is None:
        temperature = 1.0
    if not _is_number(temperature):
        raise _wrong_type("temperature", "a number", temperature)
    if not (math.isfinite(temperature) and 0 <= temperature <= 2):
        raise _bad(f"temperature is {temperature}; it must be between 0 and 2", "temperature")

    max_tokens = None
    for name in ("max_tokens", "max_completion_tokens"):
        value = data.get(name)
        if value is None:
            continue
        if not _is_int(value):
            raise _wrong_type(name, "an integer", value)
        if value < 1:
            raise _bad(f"{name} is {value}; it must be at least 1", name)
        max_tokens = value if max_tokens is None else min(max_tokens, value)

    seed = data.get("seed")
    if seed is not None and not _is_int(seed):
        raise _wrong_type("seed", "an integer", seed)

    stream = data.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise _wrong_type("stream", "a boolean", stream)
    options = data.get("stream_options")
    if options is not None and not isinstance(options, dict):
        raise _wrong_type("stream_options", "an object", options)
    include_usage = bool(options and options.get("include_usage") is True)

    key = hashlib.sha256(
        json.dumps([model, messages], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return ChatRequest(
        model=model, messages=messages, images=tuple(images), n=n,
        temperature=float(temperature), max_tokens=max_tokens, seed=seed, stream=stream,
        include_usage=include_usage, prompt_tokens=prompt_tokens, key=key,
        image_sizes=tuple(sizes),
    )  # fmt: skip


# ---- replies -------------------------------------------------------------------------------


def models_body(model: str, created: int) -> dict[str, Any]:
    """``GET /v1/models``: the one served model."""
    return {"object": "list", "data": [model_card(model, created)]}


def model_card(model: str, created: int) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": created, "owned_by": "codepercept"}


def _usage(prompt_tokens: int, texts: list[str]) -> dict[str, int]:
    completion = sum(count_tokens(t) for t in texts)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
    }


def completion_body(
    completion_id: str,
    model: str,
    texts: list[str],
    finish: list[str],
    prompt_tokens: int,
    fingerprint: str,
    created: int | None = None,
) -> dict[str, Any]:
    """A ``chat.completion`` object with one choice per text."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()) if created is None else created,
        "model": model,
        "system_fingerprint": fingerprint,
        "choices": [
            {
                "index": i,
                "message": {"role": "assistant", "content": text},
                "logprobs": None,
                "finish_reason": reason,
            }
            for i, (text, reason) in enumerate(zip(texts, finish, strict=True))
        ],
        "usage": _usage(prompt_tokens, texts),
    }


def _pieces(text: str, size: int = 64) -> list[str]:
    """``text`` in stream deltas: line by line, long lines in ``size``-character pieces."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        out.extend(line[i : i + size] for i in range(0, len(line), size))
    return out


def chunk_events(
    completion_id: str,
    model: str,
    texts: list[str],
    finish: list[str],
    prompt_tokens: int,
    fingerprint: str,
    include_usage: bool = False,
    created: int | None = None,
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a streamed reply, in order: per choice, a
    role delta, the content deltas (their concatenation is the choice's text) and a delta
    with its ``finish_reason``; then, when ``include_usage``, one chunk with no choices and
    the usage (as ``stream_options.include_usage`` asks). ``data: [DONE]`` is not included."""
    created = int(time.time()) if created is None else created

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return {
            "id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": model, "system_fingerprint": fingerprint, "choices": choices, **extra,
        }  # fmt: skip

    def choice(i: int, delta: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
        return {"index": i, "delta": delta, "logprobs": None, "finish_reason": reason}

    events = []
    for i, (text, reason) in enumerate(zip(texts, finish, strict=True)):
        events.append(chunk([choice(i, {"role": "assistant", "content": ""})]))
        events.extend(chunk([choice(i, {"content": p})]) for p in _pieces(text))
        events.append(chunk([choice(i, {}, reason)]))
    if include_usage:
        events.append(chunk([], usage=_usage(prompt_tokens, texts)))
    return events
