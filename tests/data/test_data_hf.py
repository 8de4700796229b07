"""Parquet shards load with HuggingFace ``datasets``; image columns decode to PIL images."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from datawriter_producer import SCHEMA, produce
from PIL import Image

from codepercept.data import read_dataset

datasets = pytest.importorskip("datasets")


def test_parquet_shards_load_with_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    out = tmp_path / "d"
    produce(out, "parquet", target=12, seed=5, shard_size=5)
    files = sorted(str(p) for p in out.glob("shard-*.parquet"))
    assert len(files) == 3
    ds = datasets.load_dataset(
        "parquet", data_files=files, split="train", cache_dir=str(tmp_path / "hf")
    )
    assert isinstance(ds.features["image"], datasets.Image)
    assert ds.column_names == SCHEMA.names
    ours = list(read_dataset(out))
    assert ds["id"] == [r["id"] for r in ours]
    row = ds[0]
    assert isinstance(row["image"], Image.Image)
    assert row["image"].size == (16, 16)
    expected = Image.open(io.BytesIO(ours[0]["image"]))
    assert np.array_equal(
        np.asarray(row["image"].convert("RGB")), np.asarray(expected.convert("RGB"))
    )
    assert row["n"] == ours[0]["n"] and row["x"] == ours[0]["x"]
    assert row["blob"] == ours[0]["blob"]
