"""The parent treats every result frame as hostile data.

The program runs in the process that writes its result frame, so it can write any bytes as its
"result" (a forged frame, then the real exit). What we promise is containment and a status within
the deadline, never the honesty of the report: whatever arrives, ``run`` returns an ExecResult,
``map`` loses no batch, and what comes back serialises again. The attacks below are real
programs in the real sandbox writing to the result pipe (fd 3) and leaving through
``posix._exit`` (``os._exit`` is the harness's stand-in).
"""

from __future__ import annotations

import json
import math
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codepercept.sandbox import STATUSES, ExecResult, Executor
from codepercept.sandbox.executor import _Pending
from codepercept.sandbox.protocol import MAGIC, ProtocolError, decode_result

TIMEOUT = 10.0
PLOT = "import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [2, 0, 1])\nplt.title('T')\n"
OK_HEADER = {"status": "ok", "message": "", "timings": {"exec_s": 0.1}}

# The forger: ``FRAME`` is a Python expression (evaluated in the child, so large frames need not
# be in the source); the frame is written whole to the result pipe, then the process exits.
FORGE = """\
import os, posix, struct
FRAME = {expr}
view = memoryview(FRAME)
while view:
    view = view[os.write(3, view):]
posix._exit(0)
"""


def frame_expr(
    header: bytes | dict,
    scene: str = "b''",
    chunks: tuple[bytes, ...] = (),
    jlen: int | None = None,
    slen: str | None = None,
    worker: bool = False,
) -> str:
    """An expression building ``CPR1 | u32 json_len | json | u32 scene_len | scene | chunks``
    (``scene`` and ``slen`` are expressions; ``jlen`` overrides the header length)."""
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    head = MAGIC + struct.pack("<I", len(h) if jlen is None else jlen) + h
    tail = b"".join(struct.pack("<I", len(c)) + c for c in chunks)
    scene_len = slen or "len(SCENE)"
    body = f"(lambda SCENE: {head!r} + struct.pack('<I', {scene_len}) + SCENE + {tail!r})({scene})"
    if worker:  # a worker frame: CPRW | u64 len | frame (the worker already wrote b"S")
        return f"(lambda F: b'CPRW' + struct.pack('<Q', len(F)) + F)({body})"
    return body


def forge(*args, **kwargs) -> str:
    return FORGE.format(expr=frame_expr(*args, **kwargs))


def scene_text(**element) -> str:
    """A scene JSON with one line element (fields overridden by ``element``)."""
    el = {"kind": "line", "cls": "Line2D", "axes": 0, "data": [[0.0, 1.0], [1.0, 2.0]],
          "fig": [[0.1, 0.1], [0.9, 0.9]], "n_points": 2, "zorder": 2.0}  # fmt: skip
    el.update(element)
    return json.dumps(
        {
            "schema_version": 1,
            "figures": [{"index": 0, "width_in": 6.4, "height_in": 4.8, "dpi": 100.0}],
            "axes": [{"index": 0, "xlim": [0.0, 1.0], "ylim": [0.0, 2.0]}],
            "elements": [el],
            "warnings": [],
        }
    )


def hdr(**kw) -> dict:
    return {**OK_HEADER, "n_images": 0, "n_blobs": 0, **kw}


def raw_header(text: str) -> bytes:
    return text.encode()


def scene_expr(text: str) -> str:
    return repr(text.encode())


HUGE = "1" + "0" * 400
HUGE_TIMING = (
    '{"status":"ok","message":"","timings":{"exec_s":' + HUGE + '},"n_images":0,"n_blobs":0}'
)
DEEP = "b'[' * 100_000 + b']' * 100_000"
NAN_LIMIT = scene_text().replace('"xlim": [0.0', '"xlim": [NaN')
INF_VERTEX = scene_text().replace("[1.0, 2.0]", "[1.0, Infinity]")
OVERFLOW_VERTEX = scene_text().replace("[1.0, 2.0]", "[1.0, 1e999]")
TEN_MB_TEXT = scene_expr(scene_text(text="@@")).replace("@@", "' + b'x' * 10_000_000 + b'")

ATTACKS = {
    # (a) numbers no float can hold
    "huge_timing": forge(raw_header(HUGE_TIMING)),
    "huge_n_images": forge(raw_header('{"status":"ok","n_images":' + HUGE + ',"n_blobs":0}')),
    "huge_n_blobs": forge(raw_header('{"status":"ok","n_images":0,"n_blobs":' + HUGE + "}")),
    "huge_int_5000_digits": forge(raw_header('{"status":"ok","n_images":1' + "0" * 5000 + "}")),
    "bool_n_images": forge(hdr(n_images=True)),
    # (b) nesting that would blow json.loads' recursion
    "deep_scene": forge(hdr(), scene=DEEP),
    "deep_header": forge(raw_header('{"status":"ok","x":' + "[" * 100_000 + "]" * 100_000 + "}")),
    # (c) NaN / Infinity / strings where scene numbers belong
    "nan_limit": forge(hdr(), scene=scene_expr(NAN_LIMIT)),
    "inf_vertex": forge(hdr(), scene=scene_expr(INF_VERTEX)),
    "overflow_vertex": forge(hdr(), scene=scene_expr(OVERFLOW_VERTEX)),
    "string_count": forge(hdr(), scene=scene_expr(scene_text(count="12"))),
    "bool_in_vertex": forge(hdr(), scene=scene_expr(scene_text(fig=[[0.1, True], [0.9, 0.9]]))),
    "nan_in_header": forge(raw_header('{"status":"ok","message":NaN,"n_images":0}')),
    # (d) a header that is not an object
    "list_header": forge(raw_header('["ok", 0]')),
    # (e) lengths that do not match the bytes
    "truncated_header": forge(hdr(), jlen=10_000),
    "huge_header_len": forge(hdr(), jlen=0xFFFFFFFF),
    "huge_scene_len": forge(hdr(), slen="0xFFFFFFFF"),
    "truncated_image": forge(hdr(n_images=1), chunks=(b"\x89PNG",)),
    "trailing_bytes": forge(hdr(), chunks=(b"junk",)),
    "magic_only": FORGE.format(expr=repr(MAGIC)),
    # (f) bytes that are not UTF-8
    "bad_utf8_header": forge(b'{"status":"ok","message":"\xff\xfe","n_images":0}'),
    # (g) a well-formed frame whose scene breaks the schema
    "unknown_kind": forge(hdr(), scene=scene_expr(scene_text(kind="hologram"))),
    "unknown_field": forge(hdr(), scene=scene_expr(scene_text(secret=1))),
    "string_10mb": forge(hdr(), scene=TEN_MB_TEXT),
    "axes_out_of_range": forge(hdr(), scene=scene_expr(scene_text(axes=7))),
    "scene_not_json": forge(hdr(), scene="b'{not json'"),
    # a status outside the closed set; a message with markup, line breaks and control characters
    "bad_status": forge(hdr(status={"ok": 1})),
    "hostile_message": forge(hdr(status="runtime_error", message="a\n[/]\x00\u2028b" * 200)),
    # savefig paths that do not fit the images (the reward server returns files by them)
    "saved_as_wrong_length": forge(hdr(saved_as=[["plot.png"]])),
    "saved_as_string": forge(hdr(saved_as="plot.png")),
}


@pytest.fixture(scope="module")
def ex():
    with Executor(workers=1, timeout_s=TIMEOUT) as e:
        yield e


def _check_clean(res: ExecResult) -> None:
    assert res.status in STATUSES
    assert res.wall_s < TIMEOUT + 5
    assert "\n" not in res.message and len(res.message) <= 500
    record = json.dumps(res.to_dict(with_images=True), allow_nan=False)  # never NaN, never raises
    assert ExecResult.from_dict(json.loads(record)).status == res.status
    if res.scene is not None:
        res.scene.to_json()


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_forged_frame_is_handled(ex, name):
    res = ex.run(ATTACKS[name])  # never raises
    _check_clean(res)
    again, plain = ex.map([ATTACKS[name], PLOT])  # the batch survives the attack
    assert again.status == res.status and plain.status == "ok" and len(plain.images) == 1
    if name == "huge_timing":  # otherwise a valid (empty) report: kept, the number dropped
        assert res.status == "ok" and "exec_s" not in res.timings
    elif name == "hostile_message":
        assert res.status == "runtime_error" and res.message.startswith("a [/] b")
    else:
        assert res.status == "crashed", (name, res.message)
        assert res.message.startswith("malformed result from the sandbox"), res.message


def test_errors_name_what_is_wrong(ex):
    assert "nested deeper" in ex.run(ATTACKS["deep_scene"]).message
    assert "elements[0]: count" in ex.run(ATTACKS["string_count"]).message
    assert "axes[0]: xlim" in ex.run(ATTACKS["nan_limit"]).message
    assert "unknown element kind" in ex.run(ATTACKS["unknown_kind"]).message
    assert "elements[0]: text: string of 10000000 characters" in (
        ex.run(ATTACKS["string_10mb"]).message
    )


def test_map_keeps_the_batch_and_its_order(ex):
    codes = [ATTACKS["huge_n_images"], PLOT, ATTACKS["deep_scene"], PLOT, ATTACKS["huge_timing"]]
    res = ex.map(codes)
    assert [r.status for r in res] == ["crashed", "ok", "crashed", "ok", "ok"]
    assert len(res[1].images) == 1 and res[1].scene is not None


def test_map_survives_a_run_that_raises(ex, monkeypatch):
    real_run = Executor.run

    def flaky(self, code):
        if "boom" in code:
            raise OverflowError("int too large to convert to float")
        return real_run(self, code)

    monkeypatch.setattr(Executor, "run", flaky)
    res = ex.map(["# boom", PLOT, "# boom"])
    assert [r.status for r in res] == ["crashed", "ok", "crashed"]
    assert "OverflowError" in res[0].message


def test_result_larger_than_the_cap_is_stopped():
    with Executor(workers=1, timeout_s=TIMEOUT, max_output_mb=1) as ex:
        res = ex.run(forge(hdr(), scene="b'x' * 3_000_000"))
    assert res.status == "output_too_large" and res.wall_s < TIMEOUT + 5


def test_reuse_mode_forged_worker_frames():
    with Executor(workers=1, timeout_s=TIMEOUT, reuse=8) as ex:
        absurd = FORGE.format(expr="b'CPRW' + struct.pack('<Q', 2**64 - 1) + b'x' * 64")
        res = ex.run(absurd)
        assert res.status == "output_too_large", res.message
        bad = forge(raw_header('{"status":"ok","n_images":' + HUGE + "}"), worker=True)
        res = ex.run(bad)
        assert res.status == "crashed" and res.message.startswith("malformed result")
        deep = forge(hdr(), scene="b'[' * 100_000 + b']' * 100_000", worker=True)
        assert ex.run(deep).status == "crashed"
        not_magic = FORGE.format(expr="b'XXXX' + struct.pack('<Q', 4) + b'abcd'")
        assert ex.run(not_magic).status == "crashed"
        after = ex.map([bad, PLOT, absurd, PLOT])
        assert [r.status for r in after] == ["crashed", "ok", "output_too_large", "ok"]


def test_exec_cli_prints_a_hostile_message(tmp_path):
    from typer.testing import CliRunner

    from codepercept.cli import app

    prog = tmp_path / "p.py"
    prog.write_text(ATTACKS["hostile_message"])
    out = CliRunner().invoke(app, ["exec", str(prog), "--out", str(tmp_path / "o")])
    assert out.exit_code == 1, out.output
    assert isinstance(out.exception, SystemExit)
    record = json.loads((tmp_path / "o" / "result.json").read_text())
    assert record["status"] == "runtime_error"


# -- the decoder and the interpreter on arbitrary bytes ----------------------------------------
def _frames() -> st.SearchStrategy[bytes]:
    json_values = st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=20,
    )
    headers = st.fixed_dictionaries(
        {},
        optional={
            "status": st.sampled_from([*STATUSES, "nope"]) | json_values,
            "n_images": st.integers(-2, 3) | json_values,
            "n_blobs": st.integers(-2, 3) | json_values,
            "message": json_values,
            "timings": st.dictionaries(st.text(max_size=8), json_values) | json_values,
            "probes": json_values,
            "more": json_values,
        },
    )

    @st.composite
    def structured(draw):
        header = json.dumps(draw(headers)).encode()
        if draw(st.booleans()):
            header = draw(st.binary(max_size=40))
        scene = draw(st.binary(max_size=40) | st.just(scene_text().encode()))
        chunks = draw(st.lists(st.binary(max_size=30), max_size=3))
        frame = MAGIC + struct.pack("<I", len(header)) + header
        frame += struct.pack("<I", len(scene)) + scene
        frame += b"".join(struct.pack("<I", len(c)) + c for c in chunks)
        cut = draw(st.integers(0, len(frame)))
        return frame if draw(st.booleans()) else frame[:cut]

    with_magic = st.binary(max_size=200).map(lambda b: MAGIC + b)
    return st.binary(max_size=200) | with_magic | structured()


@settings(max_examples=400, deadline=None)
@given(_frames())
def test_decode_result_raises_only_protocol_errors(frame):
    try:
        header, scene, images, _ = decode_result(frame, max_images=4)
    except ProtocolError:
        return
    assert type(header) is dict and isinstance(scene, bytes)
    assert len(images) <= 4


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames(), st.integers(-1, 300) | st.none())
def test_interpret_never_raises(frame, wait_status):
    ex = Executor(workers=1, probes=["screen"])  # never started: _interpret needs no zygote
    p = _Pending(1)
    p.wait_status = wait_status
    res = ex._interpret(p, frame, "out", "err")
    assert res.status in STATUSES
    assert all(math.isfinite(v) and v >= 0 for v in res.timings.values())
    json.dumps(res.to_dict(), allow_nan=False)
