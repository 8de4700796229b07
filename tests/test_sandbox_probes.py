"""Render probes and the capture render, through the real sandbox."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from codepercept.data import phash64
from codepercept.sandbox import Executor
from codepercept.sandbox.probes import resolve
from codepercept.sandbox.protocol import ProtocolError, decode_result, encode_result
from codepercept.score import ink_mask

PROGRAMS = [
    # plain pyplot, left open
    "import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [2, 0, 1], 'r--')\nplt.title('T')\n",
    # its own dpi and a layout engine
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(dpi=150, layout='constrained')\n"
    "ax.bar([1, 2, 3], [3, 1, 2])\nax.set_xlabel('x')\n",
    # savefig settings that a plain draw would not honour
    "import matplotlib.pyplot as plt\nplt.rcParams['savefig.facecolor'] = 'yellow'\n"
    "plt.plot([1, 2])\nplt.show()\n",
    # a tight bounding box requested by the program's own savefig
    "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('a.png', bbox_inches='tight')\n",
    # two figures, one transparent
    "import matplotlib.pyplot as plt\nplt.figure(figsize=(3, 2)).patch.set_alpha(0)\n"
    "plt.scatter([1, 2], [2, 1])\nplt.figure()\nplt.pie([1, 2, 3])\n",
]


class BlobProbe:
    """A test probe: the figure's size as data and its pixel sum as a blob."""

    def before_draw(self, fig: Any) -> None:
        self.dpi_before = fig.dpi

    def after_draw(self, fig: Any, rgba: np.ndarray) -> tuple[dict, list[bytes]]:
        assert not rgba.flags.writeable
        return {"shape": list(rgba.shape), "dpi": self.dpi_before}, [
            int(rgba.astype(np.int64).sum()).to_bytes(8, "little")
        ]


class BrokenProbe:
    def after_draw(self, fig: Any, rgba: np.ndarray) -> dict:
        raise RuntimeError("probe bug")


def _in_process_png(code: str, dpi: float) -> list[bytes]:
    """What savefig(format="png", dpi=dpi) writes for each figure, in this process."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    show = plt.show
    plt.show = lambda *a, **k: None
    try:
        with matplotlib.rc_context():
            exec(compile(code, "<p>", "exec"), {"__name__": "__main__"})
            out = []
            for num in plt.get_fignums():
                buf = io.BytesIO()
                plt.figure(num).savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
                out.append(buf.getvalue())
    finally:
        plt.close("all")
        plt.show = show
    return out


@pytest.fixture(scope="module")
def ex():
    with Executor(
        workers=2,
        timeout_s=20,
        probes=["screen", "tests.test_sandbox_probes:BlobProbe"],
    ) as e:
        yield e


@pytest.mark.parametrize("code", PROGRAMS[:3] + PROGRAMS[4:])
def test_capture_png_is_byte_identical_to_savefig(ex, code):
    res = ex.run(code)
    assert res.status == "ok", res.message
    assert res.images == _in_process_png(code, ex.dpi)


def test_fast_png_has_savefig_pixels_in_fewer_bytes():
    # "fast": pixel-identical to savefig; opaque figures as RGB, transparent ones keep alpha,
    # whatever savefig settings the program made (the capture draw is savefig's own).
    with Executor(workers=1, timeout_s=20, png="fast") as fast:
        for i, code in enumerate(PROGRAMS):
            if i == 3:  # its own tight bbox: no in-process savefig reference (see above)
                continue
            res = fast.run(code)
            assert res.status == "ok", res.message
            want = _in_process_png(code, fast.dpi)
            assert len(res.images) == len(want)
            for got, ref in zip(res.images, want, strict=True):
                g, r = Image.open(io.BytesIO(got)), Image.open(io.BytesIO(ref))
                assert np.array_equal(np.asarray(g.convert("RGBA")), np.asarray(r.convert("RGBA")))
                opaque = bool((np.asarray(r.convert("RGBA"))[..., 3] == 255).all())
                assert g.mode == ("RGB" if opaque else "RGBA")
                assert g.info.get("dpi") == pytest.approx((fast.dpi, fast.dpi), abs=0.01)
        res = fast.run(PROGRAMS[0])
        assert len(res.images[0]) < len(_in_process_png(PROGRAMS[0], fast.dpi)[0])
    with pytest.raises(ValueError, match="png must be"):
        Executor(png="jpeg")


@pytest.mark.parametrize("code", PROGRAMS)
def test_screen_probe_equals_parent_side_measurement(ex, code):
    res = ex.run(code)
    assert res.status == "ok", res.message
    screen = res.probes["screen"]
    assert len(screen) == len(res.images)
    for entry, png in zip(screen, res.images, strict=True):
        rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        assert entry["data"]["ink"] == pytest.approx(float(ink_mask(rgb).mean()), abs=1e-12)
        assert int(entry["data"]["phash"], 16) == phash64(rgb)
        assert entry["blobs"] == []


def test_custom_probe_sees_capture_pixels_and_returns_blobs(ex):
    res = ex.run(PROGRAMS[1])
    (entry,) = res.probes["tests.test_sandbox_probes:BlobProbe"]
    rgba = np.asarray(Image.open(io.BytesIO(res.images[0])).convert("RGBA"))
    assert entry["data"] == {"shape": list(rgba.shape), "dpi": ex.dpi}
    assert entry["blobs"] == [int(rgba.astype(np.int64).sum()).to_bytes(8, "little")]
    # the program's own dpi is what the scene reports afterwards
    assert res.scene is not None and res.scene.figures[0].dpi == 150


def test_failing_probe_reports_error_without_changing_status():
    with Executor(workers=1, probes=["tests.test_sandbox_probes:BrokenProbe", "screen"]) as e:
        res = e.run(PROGRAMS[0])
    assert res.status == "ok"
    (bad,) = res.probes["tests.test_sandbox_probes:BrokenProbe"]
    assert "probe bug" in bad["error"]
    assert "ink" in res.probes["screen"][0]["data"]


def test_failed_runs_have_no_probe_results(ex):
    res = ex.run("raise ValueError('x')")
    assert res.status == "runtime_error" and res.probes == {}


def test_unknown_probe_names_are_rejected_up_front():
    assert resolve("screen") == "codepercept.sandbox.probes:ScreenProbe"
    for bad in ("nope", "a:b:c", ":x", "mod:"):
        with pytest.raises(ValueError, match="unknown probe"):
            Executor(probes=[bad])


def test_frame_carries_blobs_and_rejects_bad_counts():
    frame = encode_result({"status": "ok"}, [b"\x89PNG-1"], b"{}", [b"b0", b""])
    header, scene, images, blobs = decode_result(frame, max_images=4)
    assert (scene, images, blobs) == (b"{}", [b"\x89PNG-1"], [b"b0", b""])
    assert header["n_blobs"] == 2
    with pytest.raises(ProtocolError, match="truncated"):
        decode_result(frame[:-3], max_images=4)
    forged = frame.replace(b'"n_blobs":2', b'"n_blobs":9')
    with pytest.raises(ProtocolError):
        decode_result(forged, max_images=4)
