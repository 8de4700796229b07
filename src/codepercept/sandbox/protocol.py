"""Wire formats between executor, zygote and child. Everything is parsed as data, with bounds.

* Control messages (executor <-> zygote) are single ``SOCK_SEQPACKET`` datagrams holding UTF-8
  JSON objects, optionally carrying file descriptors (``SCM_RIGHTS``).
* A child's result is one frame on its private result pipe::

      b"CPR1" | u32 json_len | json | u32 scene_len | scene_json | (u32 png_len | png) * n_images
              | (u32 blob_len | blob) * n_blobs

  The JSON says ``n_images`` and ``n_blobs`` (binary outputs of render probes); the scene
  (possibly empty) travels pre-encoded so the child serialises it once; anything malformed,
  oversized or trailing is rejected. The frame is written by the process that ran the program,
  so it is hostile data: :func:`decode_result` raises nothing but :class:`ProtocolError`,
  bounds the header's JSON nesting before parsing it and refuses NaN/Infinity in it.
* A reusable worker answers each program with ``b"S"`` as it takes it, then the frame as
  ``b"CPRW" | u64 len | frame``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
from typing import Any

from codepercept import _jsonbound

# Private bindings: a child's program may replace json.dumps or struct.pack on the modules.
_json_dumps = json.dumps
_pack = struct.pack

MAGIC = b"CPR1"
WORKER_MAGIC = b"CPRW"
WORKER_TAKEN = b"S"  # a worker's first byte for each program: it has taken it
WORKER_HEADER = len(WORKER_TAKEN) + len(WORKER_MAGIC) + 8  # b"S" | b"CPRW" | u64 frame length
MAX_BLOBS = 4096
MAX_CONTROL_MESSAGE = 64 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Written by a child's audit hook on its stderr pipe the moment it refuses an operation: the
#: parent ends that run ``forbidden`` whatever its frame says (a program can rewrite the
#: harness's state, but not take back bytes already in the pipe; forging one only hurts itself).
VIOLATION_MARK = b"\x00cp-sandbox-violation:"
PROGRAM_MAGIC = b"CPP1"
MAX_FILES = 256
MAX_FILES_BYTES = 64 * 1024 * 1024
#: PNG paths a result names per image (``saved_as``: where the program saved it), and the
#: longest such path
MAX_SAVED_NAMES = 16
MAX_SAVED_NAME = 1024


def pack_program(
    source: bytes, files: dict[str, bytes] | None = None, stdin: bytes | None = None
) -> bytes:
    """What a child receives: ``b"CPP1" | u32 json_len | {"source": n, "files": [[name, n],
    ...], "stdin": n?} | file bytes... | stdin bytes? | source``. ``files`` (name -> bytes) are
    put next to the program in its scratch directory, as the files beside a script are in a
    plain run; names are checked (:func:`check_file_name`), and their count and total size
    bounded (``stdin`` counts towards the size). ``stdin`` (None: none) is what the program
    reads from its standard input."""
    entries = list((files or {}).items())
    if len(entries) > MAX_FILES:
        raise ValueError(f"{len(entries)} files: at most {MAX_FILES} go with a program")
    if stdin is not None and not isinstance(stdin, (bytes, bytearray)):
        raise ValueError("stdin must be bytes")
    if sum(len(d) for _, d in entries) + len(stdin or b"") > MAX_FILES_BYTES:
        raise ValueError(f"files and stdin larger than {MAX_FILES_BYTES >> 20} MB in all")
    for name, data in entries:
        check_file_name(name)
        if not isinstance(data, (bytes, bytearray)):
            raise ValueError(f"file {name!r}: its content must be bytes")
    layout: dict[str, Any] = {"source": len(source), "files": [[n, len(d)] for n, d in entries]}
    if stdin is not None:
        layout["stdin"] = len(stdin)
    body = json.dumps(layout).encode()
    return b"".join(
        [PROGRAM_MAGIC, _pack("<I", len(body)), body, *(d for _, d in entries), stdin or b"",
         source]
    )  # fmt: skip


def check_file_name(name: object) -> str:
    """A file name that may go next to a program: a relative POSIX path (subdirectories
    allowed) with no empty, ``.`` or ``..`` part, no NUL, parts of at most 255 bytes, and not
    ``program.py``; raises ValueError otherwise."""
    if not isinstance(name, str) or not name or "\0" in name or name.startswith("/"):
        raise ValueError(f"file name {name!r}: give a relative path such as 'data/x.csv'")
    parts = name.split("/")
    if any(p in ("", ".", "..") or len(p.encode()) > 255 for p in parts) or name == "program.py":
        raise ValueError(f"file name {name!r}: no empty, '.' or '..' parts; not program.py")
    return name


def unpack_program(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]], bytes | None]:
    """The inverse of :func:`pack_program` (in the child, before the program runs): the
    source, the files, and the standard input (None when none was sent)."""
    if not blob.startswith(PROGRAM_MAGIC):
        raise ProtocolError("program payload has no magic header")
    (n,) = struct.unpack("<I", blob[4:8])
    header = json.loads(blob[8 : 8 + n])
    pos = 8 + n
    files = []
    for name, size in header["files"]:
        files.append((check_file_name(name), blob[pos : pos + size]))
        pos += size
    stdin = None
    if header.get("stdin") is not None:
        stdin = blob[pos : pos + header["stdin"]]
        pos += header["stdin"]
    source = blob[pos : pos + header["source"]]
    if pos + header["source"] != len(blob):
        raise ProtocolError("program payload has a wrong length")
    return source, files, stdin


class ProtocolError(ValueError):
    """A message or frame that is not what the protocol allows."""


def send_message(sock: socket.socket, obj: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(obj, separators=(",", ":")).encode()
    if len(data) > MAX_CONTROL_MESSAGE:
        raise ProtocolError(f"control message of {len(data)} bytes exceeds the limit")
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.send(data)


def recv_message(sock: socket.socket, max_fds: int = 0) -> tuple[dict[str, Any] | None, list[int]]:
    """One message and its fds; ``(None, [])`` on EOF."""
    if max_fds:
        data, fds, _flags, _addr = socket.recv_fds(sock, MAX_CONTROL_MESSAGE, max_fds)
    else:
        data, fds = sock.recv(MAX_CONTROL_MESSAGE), []
    if not data:
        for fd in fds:
            _close_quietly(fd)
        return None, []
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"control message is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("control message is not a JSON object")
    return obj, list(fds)


def _close_quietly(fd: int) -> None:
    import os

    with contextlib.suppress(OSError):
        os.close(fd)


def encode_result(
    header: dict[str, Any],
    images: list[bytes],
    scene_json: bytes = b"",
    blobs: list[bytes] | None = None,
) -> bytes:
    blobs = blobs or []
    header = dict(header, n_images=len(images), n_blobs=len(blobs))
    body = _json_dumps(header, separators=(",", ":"), allow_nan=False).encode()
    parts = [MAGIC, _pack("<I", len(body)), body, _pack("<I", len(scene_json)), scene_json]
    for chunk in (*images, *blobs):
        parts += [_pack("<I", len(chunk)), chunk]
    return b"".join(parts)


def worker_frame(frame: bytes) -> bytes:
    """What a worker writes after :data:`WORKER_TAKEN`: ``b"CPRW" | u64 len | frame``."""
    return WORKER_MAGIC + _pack("<Q", len(frame)) + frame


def worker_frame_length(head: bytes) -> int:
    """The frame length announced by the first :data:`WORKER_HEADER` bytes a worker wrote for
    a program; raises :class:`ProtocolError` when they are not a worker header."""
    if len(head) < WORKER_HEADER or head[: WORKER_HEADER - 8] != WORKER_TAKEN + WORKER_MAGIC:
        raise ProtocolError("malformed result from the sandbox worker")
    return struct.unpack("<Q", head[WORKER_HEADER - 8 : WORKER_HEADER])[0]


def decode_result(
    frame: bytes, max_images: int
) -> tuple[dict[str, Any], bytes, list[bytes], list[bytes]]:
    """Parse a result frame into (header, scene JSON bytes, images, blobs); raises
    :class:`ProtocolError` on anything unexpected, and nothing else whatever the bytes."""
    try:
        return _decode_result(frame, max_images)
    except ProtocolError:
        raise
    except Exception as exc:  # e.g. an int of 5000 digits in the header (ValueError)
        raise ProtocolError(f"malformed result frame ({type(exc).__name__})") from None


def _decode_result(
    frame: bytes, max_images: int
) -> tuple[dict[str, Any], bytes, list[bytes], list[bytes]]:
    if not frame.startswith(MAGIC):
        raise ProtocolError("result frame has no magic header")
    pos = len(MAGIC)

    def take(n: int) -> bytes:
        nonlocal pos
        if n < 0 or pos + n > len(frame):
            raise ProtocolError("result frame is truncated")
        chunk = frame[pos : pos + n]
        pos += n
        return chunk

    (jlen,) = struct.unpack("<I", take(4))
    try:
        header = _jsonbound.loads(take(jlen), allow_nan=False)
    except ValueError as exc:
        raise ProtocolError(f"result header is not JSON: {str(exc)[:200]}") from None
    if type(header) is not dict:
        raise ProtocolError("result header is not an object")
    (slen,) = struct.unpack("<I", take(4))
    scene_json = take(slen)
    n = header.get("n_images")
    if type(n) is not int or n < 0 or n > max_images:
        raise ProtocolError(f"result claims {_short(n)} images")
    nb = header.get("n_blobs", 0)
    if type(nb) is not int or nb < 0 or nb > MAX_BLOBS:
        raise ProtocolError(f"result claims {_short(nb)} blobs")
    chunks = []
    for _ in range(n + nb):
        (clen,) = struct.unpack("<I", take(4))
        chunks.append(take(clen))
    if pos != len(frame):
        raise ProtocolError("result frame has trailing bytes")
    return header, scene_json, chunks[:n], chunks[n:]


def _short(v: Any) -> str:
    """A value for an error message: short, whatever a hostile header put there."""
    if type(v) in (int, float, bool, str) or v is None:
        r = repr(v) if type(v) is not int or abs(v) < 10**30 else "a huge number"
        return r if len(r) <= 40 else r[:37] + "..."
    return f"a {type(v).__name__}"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR; raises :class:`ProtocolError` if it is not a PNG."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ProtocolError("image is not a PNG")
    return struct.unpack(">II", data[16:24])
