"""``codepercept export``: each trainer's layout, loaded with the trainer's own tools where they
are installed (``datasets`` for every format; TRL's multimodal message preparation and its
vision collator for ``trl``), checked against the documented schema where they are not
(ms-swift, LLaMA-Factory); the split that keeps every family seed on one side; the job rules.

Data: a small dataset from the real ``codepercept synth``, and hand-made ones written through
:class:`DatasetWriter` (variants sharing a seed, model-driven items sharing a seed image,
records the export must skip).
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from codepercept.cli import main
from codepercept.data import Column, DatasetWriter, Schema, read_dataset
from codepercept.errors import UsageError
from codepercept.models.prompts import DESCRIBE, STEM2CODE
from codepercept.synth.pipeline import ICC_SCHEMA
from codepercept.train.export import export_sft, group_key, image_path, is_validation

FAST_FAMILIES = "bar_chart,line_chart,pie_chart,number_line"


# ---- fixtures ---------------------------------------------------------------------------------


def _png(i: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40 + i % 7, 30), ((37 * i) % 256, (91 * i) % 256, 128)).save(buf, "PNG")
    return buf.getvalue()


def _icc(rid: str, family: str, seed: int, *, caption: str | None = None, code: str | None = None,
         i: int = 0) -> dict[str, Any]:  # fmt: skip
    if code is None:
        code = f"import matplotlib.pyplot as plt\nplt.plot([0, {i}])\n"
    return {
        "id": rid,
        "image": _png(i),
        "code": code,
        "caption": caption if caption is not None else f"A line from 0 to {i}.",
        "scene": {},
        "domain": "functions",
        "family": family,
        "seed": seed,
        "params": {},
        "facts": {},
    }


def _write(path: Path, records: list[dict[str, Any]], schema: Schema = ICC_SCHEMA) -> Path:
    with DatasetWriter(path, schema, shard_size=4, config={"producer": "test"}) as w:
        for k, record in enumerate(records):
            w.add(k, record)
        w.finish({"kept": len(records)})
    return path


#: (id, family, seed): three variants of seed 7 and two of seed 8 share a family seed.
VARIANTS = [("var-a-0", "hand", 7), ("var-a-1", "hand", 7), ("var-a-2", "hand", 7),
            ("var-b-0", "hand", 8), ("var-b-1", "hand", 8)]  # fmt: skip


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hand-made ICC records: variants sharing a (family, seed), 14 single-seed records, and
    three the export must skip in part (no caption; a ``` in the code; <image> in a caption)."""
    recs = [_icc(rid, fam, seed, i=i) for i, (rid, fam, seed) in enumerate(VARIANTS)]
    recs += [_icc(f"one-{s}", "single", s, i=10 + s) for s in range(14)]
    recs.append(_icc("nocap", "odd", 1, caption="  ", i=40))
    recs.append(_icc("fence", "odd", 2, code="s = '```'\nprint(s)\n", i=41))
    recs.append(_icc("tagged", "odd", 3, caption="A box labelled <image>.", i=42))
    return _write(tmp_path_factory.mktemp("hand") / "icc", recs)


@pytest.fixture(scope="module")
def model_driven(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Diversify-like items: every one has family "diversity" and seed 0 (placeholders); six
    seed images with three variants each."""
    schema = Schema([*ICC_SCHEMA.columns, Column("source", "string"), Column("seed_id", "string")])
    recs = []
    for s in range(6):
        for j in range(3):
            r = _icc(f"div-s{s}-{j}", "diversity", 0, i=3 * s + j)
            recs.append({**r, "domain": "model", "source": "diversity", "seed_id": f"s{s}"})
    return _write(tmp_path_factory.mktemp("div") / "icc", recs, schema)


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real `codepercept synth` dataset (6 figures, small dpi)."""
    out = tmp_path_factory.mktemp("synth") / "icc"
    argv = ["synth", "--n", "6", "--out", str(out), "--dpi", "50", "--workers", "2",
            "--families", FAST_FAMILIES]  # fmt: skip
    assert main(argv) == 0
    return out


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _rows(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Every split's rows, as JSON objects (JSON lines) or via pyarrow (Parquet)."""
    got: dict[str, list[dict[str, Any]]] = {}
    for split in ("train", "val"):
        if (out / f"{split}.jsonl").is_file():
            got[split] = _jsonl(out / f"{split}.jsonl")
        elif (out / f"{split}.parquet").is_file():
            import pyarrow.parquet as pq

            got[split] = pq.read_table(out / f"{split}.parquet").to_pylist()
    return got


def _load(files: dict[str, str], kind: str, tmp_path: Path) -> Any:
    datasets = pytest.importorskip("datasets", reason="loading the export with `datasets`")
    datasets.disable_progress_bars()
    return datasets.load_dataset(kind, data_files=files, cache_dir=str(tmp_path / "hf"))


# ---- the split --------------------------------------------------------------------------------


def test_group_key_is_what_a_record_was_derived_from() -> None:
    assert group_key({"id": "bar_chart-5", "family": "bar_chart", "seed": 5}) == "bar_chart-5"
    # variants of one family seed share it, whatever their ids
    assert group_key({"id": "v1", "family": "f", "seed": 5}) == group_key(
        {"id": "v2", "family": "f", "seed": 5}
    )
    # a model-driven item: its seed image, not the placeholder family/seed
    div = {"id": "div-a-0", "family": "diversity", "seed": 0, "seed_id": "a"}
    assert group_key(div) == "seed:a" != group_key({**div, "seed_id": "b"})
    # a refined program: the sample it refines (a synth sample's key)
    assert group_key({"id": "refine-bar_chart-5", "reference_code": "x"}) == "bar_chart-5"
    assert group_key({"id": "lonely"}) == "lonely"


def test_is_validation_is_a_seeded_threshold() -> None:
    keys = [f"k{i}" for i in range(2000)]
    share = sum(is_validation(k, 0.1, 0) for k in keys) / len(keys)
    assert 0.08 < share < 0.12
    assert not any(is_validation(k, 0.0, 0) for k in keys)
    assert [is_validation(k, 0.1, 0) for k in keys] == [is_validation(k, 0.1, 0) for k in keys]
    assert [is_validation(k, 0.1, 0) for k in keys] != [is_validation(k, 0.1, 1) for k in keys]
    # a larger fraction only adds groups to validation (a grown split keeps its old members)
    assert all(is_validation(k, 0.3, 0) for k in keys if is_validation(k, 0.1, 0))


def test_no_family_seed_on_both_sides(hand: Path, tmp_path: Path) -> None:
    s = export_sft(hand, tmp_path / "x", format="ms-swift", val_fraction=0.3, seed=0)
    rows = _rows(tmp_path / "x")
    key_of = {r["id"]: group_key(r) for r in read_dataset(hand)}
    sides = {split: {key_of[r["id"]] for r in rs} for split, rs in rows.items()}
    assert sides["train"] and sides["val"], "both sides hold groups with this seed"
    assert not sides["train"] & sides["val"]
    for prefix in ("var-a-", "var-b-"):  # the variants of one seed are together
        where = {split for split, rs in rows.items() for r in rs if r["id"].startswith(prefix)}
        assert len(where) == 1, (prefix, where)
    # sizes are reported as they are
    assert s["records"] == {split: len({r["id"] for r in rs}) for split, rs in rows.items()}
    assert s["groups"] == {split: len(k) for split, k in sides.items()}
    assert s["rows"]["train"]["total"] + s["rows"]["val"]["total"] == sum(map(len, rows.values()))


def test_split_is_deterministic_given_the_seed(hand: Path, tmp_path: Path) -> None:
    for name, seed in (("a", 0), ("b", 0), ("c", 5)):
        export_sft(hand, tmp_path / name, format="sharegpt", val_fraction=0.3, seed=seed)
    for f in ("train.jsonl", "val.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    val = {n: {r["id"] for r in _jsonl(tmp_path / n / "val.jsonl")} for n in ("a", "c")}
    assert val["a"] != val["c"]


def test_model_driven_items_split_by_seed_image(model_driven: Path, tmp_path: Path) -> None:
    s = export_sft(model_driven, tmp_path / "x", format="ms-swift", task="image2code",
                   val_fraction=0.4, seed=1)  # fmt: skip
    per_seed: dict[str, set[str]] = {}  # div-sK-J: seed image sK, variant J
    for split, rs in _rows(tmp_path / "x").items():
        for r in rs:
            per_seed.setdefault(r["id"].rsplit("-", 1)[0], set()).add(split)
    assert len(per_seed) == 6 and all(len(v) == 1 for v in per_seed.values()), per_seed
    assert set().union(*per_seed.values()) == {"train", "val"}
    # six groups (seed images), not one lump of "diversity-0"
    assert s["groups"]["train"] + s["groups"]["val"] == 6
    assert s["sources"] == {"diversity": 18}


def test_refined_programs_follow_their_source_sample(synth: Path, tmp_path: Path) -> None:
    """A refine-code dataset (no family, seed or domain columns): each item is grouped with
    the synth sample it refines, so it lands on that sample's side."""
    schema = Schema([Column("id", "string"), Column("image", "image"), Column("code", "string"),
                     Column("reference_code", "string"), Column("caption", "string")])  # fmt: skip
    refined = [
        {"id": f"refine-{r['id']}", "image": r["image"], "code": "# step 1\n" + r["code"],
         "reference_code": r["code"], "caption": r["caption"]}
        for r in read_dataset(synth)
    ]  # fmt: skip
    ref = _write(tmp_path / "refined", refined, schema)
    s = export_sft(ref, tmp_path / "r", format="trl", task="image2code", val_fraction=0.5, seed=3)
    export_sft(synth, tmp_path / "s", format="trl", task="image2code", val_fraction=0.5, seed=3)
    side_src = {r["id"]: split for split, rs in _rows(tmp_path / "s").items() for r in rs}
    side_ref = {r["id"]: split for split, rs in _rows(tmp_path / "r").items() for r in rs}
    assert set(side_src.values()) == {"train", "val"}
    assert side_ref == {f"refine-{rid}": split for rid, split in side_src.items()}
    assert s["sources"] == {"refine-code": len(refined)}


def test_tasks_exported_apart_keep_each_record_on_one_side(hand: Path, tmp_path: Path) -> None:
    for task in ("caption", "image2code"):
        export_sft(hand, tmp_path / task, format="trl", task=task, val_fraction=0.3)
    cap, code = _rows(tmp_path / "caption"), _rows(tmp_path / "image2code")
    side_cap = {r["id"]: split for split, rs in cap.items() for r in rs}
    side_code = {r["id"]: split for split, rs in code.items() for r in rs}
    common = side_cap.keys() & side_code.keys()
    assert len(common) >= 15 and all(side_cap[i] == side_code[i] for i in common)


# ---- each format --------------------------------------------------------------------------------


def _check_answers(task: str, answer: str, record: dict[str, Any]) -> None:
    if task == "image2code":
        assert answer == f"```python\n{record['code'].rstrip()}\n```"
    else:
        assert answer == record["caption"].strip()


def test_ms_swift_rows_follow_its_documented_schema(synth: Path, tmp_path: Path) -> None:
    out = tmp_path / "swift"
    s = export_sft(synth, out, format="ms-swift", val_fraction=0.5, seed=3)
    records = {r["id"]: r for r in read_dataset(synth)}
    files = {split: str(out / name) for split, name in s["files"].items() if split != "images"}
    assert set(files) == {"train", "val"}
    ds = _load(files, "json", tmp_path)
    seen = set()
    for rows in ds.values():
        for row in rows:
            msgs, images = row["messages"], row["images"]
            assert [m["role"] for m in msgs] == ["system", "user", "assistant"]
            # one <image> tag per image, in the user turn (ms-swift inserts images at the tags)
            assert sum(m["content"].count("<image>") for m in msgs) == len(images) == 1
            assert msgs[1]["content"].startswith("<image>")
            prompt = STEM2CODE if row["task"] == "image2code" else DESCRIBE
            assert msgs[0]["content"] == prompt.system
            assert msgs[1]["content"] == "<image>" + prompt.text()
            rec = records[row["id"]]
            _check_answers(row["task"], msgs[2]["content"], rec)
            # a relative path under the export directory, holding the record's PNG
            assert images[0] == image_path(row["id"]) and not os.path.isabs(images[0])
            assert (out / images[0]).read_bytes() == rec["image"]
            seen.add((row["id"], row["task"]))
    assert seen == {(i, t) for i in records for t in ("caption", "image2code")}


def test_export_directory_can_be_moved(synth: Path, tmp_path: Path) -> None:
    export_sft(synth, tmp_path / "a", format="ms-swift", val_fraction=0)
    shutil.move(tmp_path / "a", tmp_path / "moved")
    out = tmp_path / "moved"
    assert not (out / "val.jsonl").exists()  # an empty split is not written
    for row in _jsonl(out / "train.jsonl"):
        assert (out / row["images"][0]).is_file()
    assert str(tmp_path / "a") not in (out / "train.jsonl").read_text()


def _llamafactory_like_read(dataset_dir: Path, name: str, tmp_path: Path) -> list[dict]:
    """What LLaMA-Factory does with a dataset_info.json entry (parser.py, loader.py,
    converter.py): the file under dataset_dir, loaded as json; the mapped columns; sharegpt
    turns whose role tags alternate user/assistant; each image joined to media_dir (default:
    dataset_dir) must be a file; as many <image> tags as images."""
    info = json.loads((dataset_dir / "dataset_info.json").read_text())[name]
    assert info["formatting"] == "sharegpt"
    cols, tags = info["columns"], info["tags"]
    ds = _load({"train": str(dataset_dir / info["file_name"])}, "json", tmp_path)["train"]
    assert {cols["messages"], cols["system"], cols["images"]} <= set(ds.column_names)
    out = []
    for row in ds:
        turns = row[cols["messages"]]
        for k, turn in enumerate(turns):
            assert turn[tags["role_tag"]] == (tags["user_tag"], tags["assistant_tag"])[k % 2]
        assert len(turns) % 2 == 0
        images = [str(dataset_dir / p) for p in row[cols["images"]]]
        assert all(os.path.isfile(p) for p in images)
        text = "".join(t[tags["content_tag"]] for t in turns)
        assert text.count("<image>") == len(images) == 1
        out.append({"system": row[cols["system"]], "turns": turns, "images": images, **row})
    return out


def test_llamafactory_dataset_info_maps_the_columns(synth: Path, tmp_path: Path) -> None:
    out = tmp_path / "lf"
    s = export_sft(synth, out, format="llamafactory", val_fraction=0.5, seed=3)
    info = json.loads((out / "dataset_info.json").read_text())
    assert info.keys() == {"codepercept_train", "codepercept_val"}
    records = {r["id"]: r for r in read_dataset(synth)}
    n = 0
    for name in info:
        for row in _llamafactory_like_read(out, name, tmp_path / name):
            prompt = STEM2CODE if row["task"] == "image2code" else DESCRIBE
            assert row["system"] == prompt.system
            assert row["turns"][0]["value"] == "<image>" + prompt.text()
            _check_answers(row["task"], row["turns"][1]["value"], records[row["id"]])
            n += 1
    assert n == s["rows"]["train"]["total"] + s["rows"]["val"]["total"] == 12
    card = (out / "README.md").read_text()
    assert "dataset: codepercept_train" in card and "eval_dataset: codepercept_val" in card


def test_sharegpt_rows(hand: Path, tmp_path: Path) -> None:
    out = tmp_path / "sg"
    export_sft(hand, out, format="sharegpt", task="caption", val_fraction=0)
    ds = _load({"train": str(out / "train.jsonl")}, "json", tmp_path)["train"]
    for row in ds:
        turns = row["conversations"]
        assert [t["from"] for t in turns] == ["system", "human", "gpt"]
        assert turns[0]["value"] == DESCRIBE.system
        assert turns[1]["value"] == "<image>" + DESCRIBE.text()
        assert (out / row["images"][0]).is_file() and row["task"] == "caption"


def test_trl_rows_go_through_trls_own_vision_collator(synth: Path, tmp_path: Path) -> None:
    trl_data = pytest.importorskip("trl.data_utils", reason="TRL's data utilities")
    pytest.importorskip("torch", reason="TRL's collator makes tensors")
    transformers = pytest.importorskip("transformers", reason="a processor for the collator")
    from tokenizers import Tokenizer, models, pre_tokenizers
    from trl.trainer.sft_trainer import DataCollatorForVisionLanguageModeling

    out = tmp_path / "trl"
    s = export_sft(synth, out, format="trl", val_fraction=0.5, seed=3)
    assert not (out / "images").exists()  # the figures are inside the Parquet files
    files = {"train": str(out / s["files"]["train"]), "validation": str(out / s["files"]["val"])}
    ds = _load(files, "parquet", tmp_path)
    records = {r["id"]: r for r in read_dataset(synth)}

    # A real transformers processor, built offline: a word-level tokenizer, a CLIP image
    # processor at 28 px (so 4 image tokens per image) and a chat template over typed parts.
    special = ["<pad>", "<unk>", "<s>", "</s>", "<image>"]
    tok = Tokenizer(
        models.WordLevel(vocab={t: i for i, t in enumerate(special)}, unk_token="<unk>")
    )
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>",
        additional_special_tokens=special[2:],
    )  # fmt: skip
    clip = getattr(transformers, "CLIPImageProcessorPil", None) or transformers.CLIPImageProcessor
    template = (
        "{% for m in messages %}<s>{{ m['role'] }}: {% for part in m['content'] %}"
        "{% if part['type'] == 'image' %}<image>{% else %}{{ part['text'] }}{% endif %}"
        "{% endfor %}</s>\n{% endfor %}"
    )
    processor = transformers.LlavaProcessor(
        image_processor=clip(size={"shortest_edge": 28}, crop_size={"height": 28, "width": 28}),
        tokenizer=fast, patch_size=14, vision_feature_select_strategy="full",
        chat_template=template,
    )  # fmt: skip
    collator = DataCollatorForVisionLanguageModeling(processor=processor)
    image_id = fast.convert_tokens_to_ids("<image>")

    for rows in ds.values():
        for row in rows:
            assert trl_data.is_conversational(row)
            assert isinstance(row["images"][0], Image.Image) and len(row["images"]) == 1
            rec = records[row["id"]]
            assert row["images"][0].size == Image.open(io.BytesIO(rec["image"])).size
            msgs = trl_data.prepare_multimodal_messages(row["messages"], images=row["images"])
            # the image placeholder is the one filled with the row's image
            parts = [p for m in msgs for p in m["content"]]
            assert [p["image"] for p in parts if p["type"] == "image"] == row["images"]
            rendered = processor.apply_chat_template(msgs, tokenize=False)
            assert rendered.count("<image>") == 1
            prompt = STEM2CODE if row["task"] == "image2code" else DESCRIBE
            assert prompt.system in rendered and prompt.text() in rendered
            answer = msgs[-1]["content"][0]["text"]
            _check_answers(row["task"], answer, rec)
            assert answer in rendered
        batch = collator([dict(r) for r in rows])
        assert batch["pixel_values"].shape[0] == len(rows)
        assert (batch["input_ids"] == image_id).sum(dim=1).tolist() == [4] * len(rows)
        assert batch["labels"].shape == batch["input_ids"].shape


# ---- skips, refusals, the job -------------------------------------------------------------------


def test_skipped_rows_are_counted(hand: Path, tmp_path: Path) -> None:
    tagged = export_sft(hand, tmp_path / "a", format="ms-swift", val_fraction=0)
    assert tagged["skipped"] == {
        "caption:no_caption": 1,
        "caption:text_contains_<image>": 1,
        "image2code:code_contains_fence": 1,
    }
    ids = {(r["id"], r["task"]) for r in _jsonl(tmp_path / "a" / "train.jsonl")}
    assert ("nocap", "image2code") in ids and ("nocap", "caption") not in ids
    assert ("fence", "caption") in ids and ("fence", "image2code") not in ids
    # typed parts have no tag to miscount: trl keeps the caption that mentions <image>
    typed = export_sft(hand, tmp_path / "b", format="trl", val_fraction=0)
    assert "caption:text_contains_<image>" not in typed["skipped"]
    assert typed["rows"]["train"]["total"] == tagged["rows"]["train"]["total"] + 1
    card = (tmp_path / "a" / "README.md").read_text()
    assert "`caption:no_caption`: 1" in card


def test_refusals_are_usage_errors(hand: Path, tmp_path: Path) -> None:
    plain = Schema([Column("id", "string"), Column("image", "image"), Column("code", "string")])
    no_caption = _write(
        tmp_path / "nocap", [{"id": "a", "image": _png(1), "code": "x = 1\n"}], plain
    )
    with pytest.raises(UsageError, match="no caption column"):
        export_sft(no_caption, tmp_path / "o1", format="trl", task="both")
    assert export_sft(no_caption, tmp_path / "o2", format="trl", task="image2code")["rows"]
    blank = _write(tmp_path / "blank", [_icc("b", "f", 1, caption="")])
    with pytest.raises(UsageError, match="nothing to export"):
        export_sft(blank, tmp_path / "o3", format="ms-swift", task="caption")
    with pytest.raises(UsageError, match="overlap"):
        export_sft(hand, hand / "sft", format="ms-swift")
    with pytest.raises(UsageError, match="not a dataset"):
        export_sft(tmp_path, tmp_path / "o4", format="ms-swift")
    with pytest.raises(UsageError, match="unknown format"):
        export_sft(hand, tmp_path / "o5", format="axolotl")
    with pytest.raises(UsageError, match="val_fraction"):
        export_sft(hand, tmp_path / "o6", format="trl", val_fraction=1.0)


def test_cli_reruns_refuses_and_overwrites(hand: Path, synth: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    out = tmp_path / "x"
    argv = [
        "export",
        str(hand),
        "--format",
        "llamafactory",
        "--out",
        str(out),
        "--val-fraction",
        "0.3",
    ]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "train:" in err and "val:" in err and "skipped rows" in err
    first = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".jsonl", ".json")}
    assert main(argv) == 0  # the same command again: the same files
    again = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".jsonl", ".json")}
    first.pop("job.json"), again.pop("job.json")
    assert json.loads(first.pop("export.json"))["images_written"] == 22
    assert json.loads(again.pop("export.json"))["images_written"] == 0
    assert first == again
    capsys.readouterr()
    assert main([*argv[:-1], "0.5"]) == 2  # other arguments: refused, naming the difference
    assert "val_fraction" in capsys.readouterr().err
    assert main([*argv[:-1], "0.5", "--overwrite"]) == 0
    assert json.loads((out / "export.json").read_text())["val_fraction"] == 0.5
    capsys.readouterr()
    assert main(["export", str(hand), "--format", "trl", "--out", str(synth)]) == 2
    assert "belongs to `codepercept synth`" in capsys.readouterr().err


def test_card_says_what_and_how(synth: Path, tmp_path: Path) -> None:
    s = export_sft(synth, tmp_path / "x", format="ms-swift", val_fraction=0.5, seed=3)
    card = (tmp_path / "x" / "README.md").read_text()
    assert str(synth.resolve()) in card and s["source_hash"] in card
    assert (
        f"| train | {s['rows']['train']['caption']} | {s['rows']['train']['image2code']} |" in card
    )
    for family in FAST_FAMILIES.split(","):
        if family in s["families"]:
            assert f"| {family} |" in card
    assert "stem2code@official" in card and "describe@v1" in card
    assert (
        "swift sft" in card
        and "--dataset train.jsonl" in card
        and "--val_dataset val.jsonl" in card
    )
    assert "modelscope/ms-swift@" in card and "## Licence" in card


def test_package_exports_lazily() -> None:
    import codepercept.train as train

    assert train.export_sft is export_sft
    assert set(train.TASKS) == {"caption", "image2code", "both"}
    assert set(train.EXPORT_FORMATS) == {"ms-swift", "llamafactory", "trl", "sharegpt"}
    with pytest.raises(AttributeError):
        train.nope  # noqa: B018
