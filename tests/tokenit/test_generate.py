"""Dataset generation: shards, determinism across workers, resume, read-back and show()."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from codepercept.tokenit import generate, read_samples, show
from codepercept.tokenit.show import contact_sheet

FAST = ["documents", "gui"]


def _records(out):
    return [(s.id, s.record, s.image.tobytes(), s.mask.tobytes()) for s in read_samples(out)]


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("tokenit") / "ds"
    summary = generate(4, out, FAST, "qwen", 1, 7, shard_size=3)
    return out, summary


def test_generate_writes_readable_samples(small_dataset):
    out, summary = small_dataset
    assert summary["kept"] == 4
    assert sum(summary["by_domain"].values()) == 4
    samples = list(read_samples(out))
    assert len(samples) == 4
    assert summary["tokens"] == sum(len(s.record["tokens"]) for s in samples)
    assert summary["by_domain"] == {
        d: sum(s.record["domain"] == d for s in samples) for d in summary["by_domain"]
    }
    for s in samples:
        assert s.image.dtype == np.uint8 and s.image.shape[2] == 3
        assert s.mask.dtype == np.uint16 and s.mask.shape == s.image.shape[:2]
        assert s.record["domain"] in FAST
        assert 30 <= len(s.record["tokens"]) <= 150
        assert int(s.mask.max()) <= len(s.record["tokens"])
        t = next(t for t in s.record["tokens"] if t["bbox"])
        assert s.token_mask(s.record["tokens"].index(t)).any()


def test_same_seed_same_dataset_any_workers(small_dataset, tmp_path):
    out, _ = small_dataset
    generate(2, tmp_path / "w2", FAST, "qwen", 2, 7, shard_size=3)
    assert _records(tmp_path / "w2") == _records(out)[:2]
    generate(1, tmp_path / "other", FAST, "qwen", 1, 8)
    assert _records(tmp_path / "other")[0][1] != _records(out)[0][1]


def test_interrupted_run_resumes_to_the_same_dataset(small_dataset, tmp_path):
    out, _ = small_dataset
    dst = tmp_path / "resumed"

    def stop_after_two(kept, n):
        if kept == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(4, dst, FAST, "qwen", 1, 7, shard_size=3, progress=stop_after_two)
    summary = generate(4, dst, FAST, "qwen", 1, 7, shard_size=3)
    assert summary["kept"] == 4
    assert _records(dst) == _records(out)


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(ValueError, match="unknown domain"):
        generate(1, tmp_path / "x", ["posters"])
    with pytest.raises(FileNotFoundError, match="tokenizer"):
        generate(1, tmp_path / "y", FAST, tokenizer=str(tmp_path / "nope.json"))


def test_show_overlays_a_token(small_dataset, tmp_path):
    out, _ = small_dataset
    smp = next(read_samples(out))
    tok = next(t for t in smp.record["tokens"] if t["bbox"] and t["token"].startswith(" "))
    info = show(f"{out}:{smp.id}", tok["token"], tmp_path / "ov.png")
    assert info["matches"] >= 1 and info["sample"] == smp.id
    ov = np.asarray(Image.open(tmp_path / "ov.png").convert("RGB")).astype(int)
    m = smp.mask == tok["mask_value"]
    # Masked pixels are painted red.
    assert (ov[m][:, 0] - ov[m][:, 1]).mean() > 100
    assert (ov[~m][:, 0] - ov[~m][:, 1]).mean() < 20
    # The bare word finds the word-initial token too.
    assert show(out / smp.id, tok["token"].strip(), tmp_path / "b.png")["matches"] >= 1
    with pytest.raises(KeyError, match="not in sample"):
        show(out, "zzzqqq", tmp_path / "c.png")
    with pytest.raises(KeyError, match="no sample 'nope'"):
        show(f"{out}:nope", tok["token"], tmp_path / "d.png")
    sheet = contact_sheet(read_samples(out), tmp_path / "sheet.png", cell=100, cols=2)
    assert Image.open(sheet).size == (400, 200)
