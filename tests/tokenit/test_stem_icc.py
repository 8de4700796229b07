"""The ``stem`` domain: text of real ICC programs, labelled by the ``glyphs`` render probe
inside the sandbox child (issue 6, section 2). Mask quality on these samples is checked with
every other domain in test_quality.py."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from codepercept.synth.base import DOMAINS as SYNTH_DOMAINS
from codepercept.tokenit import generate, read_samples
from codepercept.tokenit.canvas import Dropped
from codepercept.tokenit.generate import render_candidate
from codepercept.tokenit.glyph_probe import decode
from codepercept.tokenit.render_icc import rendered_from_result
from codepercept.tokenit.tokenizer import load_tokenizer

PROGRAM = """
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle
fig, ax = plt.subplots(figsize=(5, 4))
ax.plot([0, 1, 2], [0, 1, 4], label="office fluffy")
ax.set_title("Difficult fit")
ax.set_xlabel("Time (s)")
ax.set_ylabel("Distance (m)")
ax.legend(loc="lower right")
ax.text(0.2, 3.0, "HIDDEN", fontsize=12)
ax.add_patch(Rectangle((0.1, 2.7), 1.2, 0.9, color="white", zorder=10))
ax.text(-5, 2, "GONE", clip_on=True)
plt.show()
"""


@pytest.fixture(scope="module")
def qwen():
    return load_tokenizer("qwen")


def _rgba(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_probe_labels_the_capture_render(glyph_executor):
    res = glyph_executor.run(PROGRAM)
    assert res.status == "ok", res.message
    assert set(res.probes) == {"glyphs", "screen"} and "ink" in res.probes["screen"][0]["data"]
    entry = res.probes["glyphs"][0]
    data = entry["data"]
    rgba = _rgba(res.images[0])
    text, labels, background = decode(entry, rgba)
    rows = text.split("\n")
    for s in ("Difficult fit", "Time (s)", "Distance (m)", "office fluffy"):
        assert s in rows, (s, rows)
    # Text covered by another artist or clipped away shows nothing, so it is not in the text.
    assert "HIDDEN" not in text and "GONE" not in text and data["hidden_lines"] == 2
    assert data["unrecorded"] == []
    present = set(np.unique(labels[labels >= 0]).tolist())
    # Every visible character has pixels; ligatures are off, so "ffi" and "ffy" are 3 glyphs.
    for i, ch in enumerate(text):
        assert (i in present) == (not ch.isspace()), (i, ch)
    # The background is the capture without its text: they differ only at (or right next to)
    # labelled pixels, and every labelled pixel differs.
    changed = (rgba != background).any(axis=-1)
    assert changed[labels >= 0].all()
    assert not (changed & ~ndimage.binary_dilation(labels >= 0, iterations=2)).any()
    # The rotated y label is a column of characters.
    k = text.index("Distance (m)")
    ys, xs = np.nonzero((labels >= k) & (labels < k + len("Distance (m)")))
    assert np.ptp(ys) > 4 * np.ptp(xs)


def test_probe_reports_per_figure_and_what_it_cannot_record(glyph_executor):
    two = (
        "import matplotlib.pyplot as plt\n"
        "plt.figure(figsize=(3, 2)); plt.title('first')\n"
        "plt.figure(figsize=(3, 2)); plt.title(r'$\\alpha^2$ second')\n"
    )
    res = glyph_executor.run(two)
    assert res.status == "ok", res.message
    first, second = res.probes["glyphs"]
    assert decode(first, _rgba(res.images[0]))[0].startswith("first")
    assert second["data"]["unrecorded"] == [{"kind": "math", "text": "$\\alpha^2$ second"}]
    with pytest.raises(Dropped) as exc:
        rendered_from_result(res.images[1], second, {"domain": "stem"})
    assert exc.value.reason == "unrecorded_math"
    # savefig's tight box changes the canvas the probe cannot redraw: an error, not bad masks.
    tight = "import matplotlib.pyplot as plt\nplt.title('t')\nplt.savefig('a.png', bbox_inches='tight')\n"
    res = glyph_executor.run(tight)
    assert res.status == "ok" and "savefig options" in res.probes["glyphs"][0]["error"]
    assert "data" in res.probes["screen"][0]


def test_stem_samples_are_icc_programs_of_every_synth_domain(icc_rendered, icc_stem, icc_seed):
    assert [r.meta["synth_domain"] for _, r in icc_rendered] == list(SYNTH_DOMAINS)
    n_labels = 0
    for i, r in icc_rendered:
        prog = icc_stem.program(icc_seed, i, 1)
        assert (r.meta["family"], r.meta["program_seed"]) == (prog.family, prog.seed)
        # Every string the program says it draws as a label is in the sample's text.
        labels = [s for s in prog.facts["labels"] if s.strip()]
        assert [s for s in labels if s not in r.text] == [], (prog.family, r.text)
        n_labels += len(labels)
    assert n_labels >= 40


def test_same_seed_same_stem_sample(icc_rendered, icc_stem, icc_seed):
    i, r = icc_rendered[1]
    again = icc_stem.render(icc_seed, i, 1)
    assert again.text == r.text and again.meta == r.meta
    assert np.array_equal(again.image, r.image) and np.array_equal(again.labels, r.labels)


def test_generate_stem_in_parallel_writes_what_each_candidate_renders(tmp_path, icc_stem, qwen):
    """``generate`` with 2 workers (stem candidates in threads of the parent, their programs
    in one sandbox) writes exactly what rendering each candidate on its own gives, through
    another sandbox; figures with too little text are dropped with their reason."""
    summary = generate(3, tmp_path / "ds", ["stem"], "qwen", 2, 5)
    assert summary["kept"] == 3 and summary["by_domain"] == {"stem": 3}
    assert set(summary["dropped"]) <= {"too_few_tokens"}
    for smp in read_samples(tmp_path / "ds"):
        index = int(smp.id.rsplit("-", 1)[1])
        ref = render_candidate(5, index, ["stem"], qwen, stem=icc_stem)
        assert smp.record == ref.record
        assert np.array_equal(smp.image, ref.image) and np.array_equal(smp.mask, ref.mask)
