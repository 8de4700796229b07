"""Loaders (hand-made files in each benchmark's distributed format), bad input, and summaries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codepercept.reason import (
    BENCHMARKS,
    ReasonItem,
    extract_answer,
    is_correct,
    load_benchmark,
    make_record,
    summarise,
)
from codepercept.reason.answers import _CORRECT, _EXTRACT

DATA = Path(__file__).parent / "data"
PNG = (DATA / "logicvista" / "images" / "v1_0.png").read_bytes()


def test_every_benchmark_has_a_loader_a_matcher_and_a_data_file():
    assert BENCHMARKS == (
        "mathvista",
        "mathvision",
        "mathverse",
        "dynamath",
        "wemath",
        "logicvista",
    )
    for name in BENCHMARKS:
        assert name in _EXTRACT and name in _CORRECT
        items = load_benchmark(name, DATA / name)
        assert 3 <= len(items) <= 9
        assert len({it.id for it in items}) == len(items)
        for it in items:
            assert isinstance(it, ReasonItem) and it.benchmark == name
            assert it.answer_type in ("choice", "integer", "float", "text", "list")
            assert it.image is None or Path(it.image).is_absolute()
            assert isinstance(is_correct(it, extract_answer(it, it.answer)), bool)
        records = [make_record(it, it.answer) for it in items]
        summary = summarise(name, records)
        assert summary["n"] == len(items) and summary["benchmark"] == name


# -- loaders -------------------------------------------------------------------------------------
def test_mathvista_loader():
    items = {it.id: it for it in load_benchmark("mathvista", DATA / "mathvista" / "testmini.json")}
    mc = items["1"]
    assert mc.answer_type == "choice" and mc.answer == "60°" and mc.letters == "ABCD"
    assert mc.options == ("30°", "45°", "60°", "90°")
    assert mc.question.endswith("Choices:\n(A) 30°\n(B) 45°\n(C) 60°\n(D) 90°")
    assert mc.category == "geometry problem solving" and mc.subset == "testmini"
    assert mc.meta["skills"] == ["geometry reasoning", "algebraic reasoning"]
    assert mc.meta["prompt"].startswith("Hint:")  # from query.json beside the file
    assert mc.image == str((DATA / "mathvista" / "images" / "1.jpg").resolve())
    assert "image_missing" not in mc.meta
    assert items["2"].question.endswith("(Unit: cm)") and items["2"].answer_type == "integer"
    assert items["3"].meta["precision"] == 1 and items["3"].answer_type == "float"
    assert items["5"].answer_type == "list"
    # an image that is not on disk: the item loads, keeps the resolved path, and says so
    assert items["5"].meta["image_missing"] is True
    assert items["5"].image == str((DATA / "mathvista" / "images" / "5.jpg").resolve())


def test_mathvision_loader():
    items = {it.id: it for it in load_benchmark("mathvision", DATA / "mathvision")}
    assert items["1"].answer_type == "choice" and items["1"].answer == "B"
    assert items["1"].question.endswith(
        "(A) square\n(B) circle\n(C) triangle\n(D) hexagon\n(E) star"
    )
    assert items["2"].options == ("A", "B", "C", "D", "E")
    assert "(A)" not in items["2"].question  # options drawn in the image are not spelled out
    assert (items["3"].answer_type, items["4"].answer_type) == ("integer", "text")
    assert items["4"].subset == "level3" and items["4"].category == "algebra"
    assert items["4"].meta["split"] == "testmini"


def test_mathverse_loader():
    items = load_benchmark("mathverse", DATA / "mathverse")
    assert [it.subset for it in items[:5]] == [
        "Text Dominant", "Text Lite", "Vision Intensive", "Vision Dominant", "Vision Only",
    ]  # fmt: skip
    assert items[0].options == ("40°", "60°", "70°", "80°") and items[0].answer == "C"
    assert items[4].options == () and items[4].question == ""
    assert items[4].image.endswith("images_version_5/image_1.png")
    assert items[0].meta["prompt"].startswith("Reason step by step")
    assert items[0].meta["subfield"] == "Angle" and items[0].category == "Plane Geometry"
    assert items[5].answer_type == "text"  # "Area $=113.1 ...$" is no plain number


def test_dynamath_loader_reads_every_variant():
    items = load_benchmark("dynamath", DATA / "dynamath")
    assert len(items) == 9
    assert [it.subset for it in items[::3]] == ["trial1", "trial2", "trial3"]
    first = items[0]
    assert first.id == "1/trial1" and first.answer_type == "float" and first.answer == "2.0944"
    assert first.meta["seed"] == "1" and first.meta["level"] == "high school"
    assert first.image == str((DATA / "dynamath" / "trial1" / "image" / "image1.png").resolve())
    mc = items[1]
    assert mc.answer_type == "choice" and mc.options == ("yes", "no")
    # one variant alone: its directory, or its dataset.json
    one = load_benchmark("dynamath", DATA / "dynamath" / "trial2" / "dataset.json")
    assert [it.id for it in one] == ["1/trial2", "5/trial2", "21/trial2"]


def test_wemath_loader():
    items = {it.id: it for it in load_benchmark("wemath", DATA / "wemath")}
    assert len(items) == 7
    sub = items["3steps_1/3steps_2"]
    assert sub.options == ("4", "3", "2", "1", "No correct answer") and sub.answer == "C"
    assert sub.subset == "3steps_2" and sub.category == "Area of Triangles"
    assert sub.meta["domains"] == ["Calculation of Plane Figures"]  # knowledge_structure_nodes.json
    assert sub.meta["step"] == "2" and sub.meta["steps"] == 3 and sub.meta["problem"] == "3steps_1"
    assert items["3steps_1/3steps_multi"].meta["step"] == "multi"
    assert items["2steps_1/2steps_1"].question.endswith("E. No correct answer")


def test_logicvista_loader():
    items = {it.id: it for it in load_benchmark("logicvista", DATA / "logicvista")}
    assert items["v1_1"].answer == "A, C" and items["v1_1"].meta["multi_select"] is True
    assert items["v1_2"].meta["labels"] == "12345ABCDE"
    assert items["v1_3"].options == ("10%", "20%", "25%", "30%")
    assert items["v1_0"].category == "inductive" and items["v1_3"].meta["broad_capability"] == "ocr"
    assert items["v1_0"].image == str((DATA / "logicvista" / "images" / "v1_0.png").resolve())


def test_limit_keeps_whole_groups_where_the_metrics_need_them():
    assert [it.id for it in load_benchmark("mathvista", DATA / "mathvista", limit=2)] == ["1", "2"]
    assert load_benchmark("logicvista", DATA / "logicvista", limit=0) == []
    dyna = load_benchmark("dynamath", DATA / "dynamath", limit=2)  # 2 seeds x 3 variants
    assert sorted(it.id for it in dyna) == sorted(
        f"{seed}/trial{t}" for seed in ("1", "5") for t in (1, 2, 3)
    )
    we = load_benchmark("wemath", DATA / "wemath", limit=1)  # one problem with its sub-problems
    assert sorted(it.id for it in we) == [
        "2steps_1/2steps_1",
        "2steps_1/2steps_2",
        "2steps_1/2steps_multi",
    ]
    with pytest.raises(ValueError, match="non-negative"):
        load_benchmark("mathvista", DATA / "mathvista", limit=-1)


def test_unknown_answer_types_load_as_text(tmp_path):
    doc = json.loads((DATA / "mathvista" / "testmini.json").read_text())
    doc["3"]["answer_type"] = "fraction"
    (tmp_path / "testmini.json").write_text(json.dumps(doc))
    item = {it.id: it for it in load_benchmark("mathvista", tmp_path)}["3"]
    assert item.answer_type == "text" and item.meta["unknown_answer_type"] == "fraction"
    dyna = json.loads((DATA / "dynamath" / "trial1" / "dataset.json").read_text())
    dyna["21"]["answer_type"] = "single answer"
    (tmp_path / "dataset.json").write_text(json.dumps(dyna))
    item = {
        it.id.split("/")[0]: it for it in load_benchmark("dynamath", tmp_path / "dataset.json")
    }["21"]
    assert item.answer_type == "text" and item.meta["unknown_answer_type"] == "single answer"


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", BENCHMARKS)
def test_missing_path_names_the_benchmark_and_the_file(tmp_path, name):
    with pytest.raises(ValueError) as err:
        load_benchmark(name, tmp_path / "nope.json")
    message = str(err.value)
    assert message.startswith(f"{name}: ") and "nope.json" in message and "expected" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "filename", "content", "says"),
    [
        ("mathvista", "testmini.json", "[1, 2]", "expected a JSON object of pid → problem"),
        ("mathvista", "testmini.json", '{"1": {"question": "q"}}', "problem 1 without answer"),
        ("mathvista", "testmini.json", "{not json", "invalid JSON"),
        ("mathvision", "test.jsonl", '{"id": "1"}\n', "record 1 without question, options, answer"),
        ("mathvision", "test.jsonl", "[1]\n", "record 1 is a list"),
        ("mathverse", "testmini.json", '{"a": 1}', "expected a JSON list of samples"),
        ("dynamath", "dataset.json", "[]", "expected a JSON object of seed id → question"),
        ("wemath", "testmini.json", '[{"ID": "2steps_1"}]', "question 0 without key"),
        ("logicvista", "dataset.json", '{"v1_0": "C"}', "question v1_0 is a str"),
    ],
)
def test_a_file_in_another_schema_is_one_clear_error(tmp_path, name, filename, content, says):
    path = tmp_path / filename
    path.write_text(content)
    with pytest.raises(ValueError, match=f"^{name}: .*{filename}: .*{says}"):
        load_benchmark(name, path)


def test_a_directory_without_the_data_file_and_an_unknown_benchmark(tmp_path):
    with pytest.raises(ValueError, match="a directory without testmini.json"):
        load_benchmark("wemath", tmp_path)
    with pytest.raises(ValueError, match="unknown benchmark 'mmmu': expected one of mathvista"):
        load_benchmark("mmmu", tmp_path)
    assert load_benchmark("MATH-V", DATA / "mathvision")[0].benchmark == "mathvision"


# -- the Hugging Face Parquet layouts ------------------------------------------------------------
def test_parquet_with_embedded_images(tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    doc = json.loads((DATA / "mathvista" / "testmini.json").read_text())
    rows = [
        dict(p, query=f"Question: {p['question']}", decoded_image={"bytes": PNG, "path": None})
        for p in doc.values()
    ]
    (tmp_path / "data").mkdir()
    pq.write_table(
        pa.Table.from_pylist(rows), tmp_path / "data" / "testmini-00000-of-00001.parquet"
    )
    items = load_benchmark("mathvista", tmp_path)  # finds data/testmini-*.parquet
    assert [it.id for it in items] == ["1", "2", "3", "4", "5"]
    assert items[0].meta["prompt"].startswith("Question:") and items[0].options[2] == "60°"
    for it in items:  # no images/ beside the file: the embedded bytes are written to the cache
        assert "image_missing" not in it.meta
        assert Path(it.image).read_bytes() == PNG and str(tmp_path / "cache") in it.image
    # images unpacked beside data/ win over the embedded bytes
    shutil.copytree(DATA / "mathvista" / "images", tmp_path / "images")
    again = load_benchmark("mathvista", tmp_path)
    assert again[0].image == str((tmp_path / "images" / "1.jpg").resolve())


def test_dynamath_parquet_variants(tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for k in (1, 2):
        doc = json.loads((DATA / "dynamath" / f"trial{k}" / "dataset.json").read_text())
        rows = [
            {"id": seed, "question": q["question"], "image": q["image"],
             "decoded_image": {"bytes": PNG, "path": None}, "ground_truth": q["answer"],
             "answer_type": q["answer_type"], "subject": q["subject"], "knowledge_level": q["level"]}
            for seed, q in doc.items()
        ]  # fmt: skip
        pq.write_table(
            pa.Table.from_pylist(rows), tmp_path / f"sample_variant{k}-00000-of-00001.parquet"
        )
    items = load_benchmark("dynamath", tmp_path)
    assert [it.id for it in items] == [f"{s}/variant{k}" for k in (1, 2) for s in ("1", "5", "21")]
    assert items[3].answer == "1.5708" and items[0].meta["level"] == "high school"
    assert all(Path(it.image).read_bytes() == PNG for it in items)
    assert len({it.image for it in items}) == 6


# -- records and summaries -----------------------------------------------------------------------
def test_summary_counts_error_statuses_as_wrong_and_separately():
    items = load_benchmark("mathvista", DATA / "mathvista")
    records = [
        make_record(items[0], "The answer is (C)."),
        make_record(items[1], "12 cm"),
        make_record(items[2], "The slope is 9."),
        make_record(items[3], status="timeout"),
        make_record(items[4], "[2014, 2016]", status="image_missing"),  # never correct
    ]
    assert [r["correct"] for r in records] == [True, True, False, False, False]
    s = summarise("mathvista", records)
    assert (s["n"], s["correct"], s["accuracy"]) == (5, 2, 0.4)
    assert s["errors"] == {"image_missing": 1, "timeout": 1}
    assert s["by_task"]["geometry problem solving"] == {"n": 1, "correct": 1, "accuracy": 1.0}
    assert s["by_skill"]["statistical reasoning"]["n"] == 3  # a record counts for each skill
    assert s["by_subset"]["testmini"]["n"] == 5


def test_summary_of_plain_records():
    records = [
        {"id": "1", "category": "algebra", "subset": "level1", "correct": True, "status": "ok"},
        {"id": "2", "category": "algebra", "subset": "level2", "correct": True, "status": "error"},
        {"id": "3", "category": "logic", "subset": "level2", "correct": False, "status": "ok"},
    ]
    s = summarise("mathvision", records)
    assert s["correct"] == 1 and s["errors"] == {"error": 1}
    assert s["by_level"]["level2"] == {"n": 2, "correct": 0, "accuracy": 0.0}
    assert s["by_subject_level"]["algebra_level1"]["accuracy"] == 1.0
    with pytest.raises(ValueError, match="record 0 without correct"):
        summarise("mathvision", [{"id": "1"}])


def test_mathverse_summary_by_version():
    items = load_benchmark("mathverse", DATA / "mathverse")
    records = [make_record(it, "C") for it in items]
    s = summarise("mathverse", records)
    assert s["by_version"]["Vision Only"]["accuracy"] == 1.0
    assert s["by_version"]["Text Dominant"] == {"n": 2, "correct": 1, "accuracy": 0.5}
    assert set(s["by_subject_subfield"]) == {"Plane Geometry-Angle", "Plane Geometry-Area"}


def test_dynamath_worst_case_needs_every_variant_right():
    items = {it.id: it for it in load_benchmark("dynamath", DATA / "dynamath")}
    answers = {  # seed 1 right on 2 of 3 variants; seed 5 right on all; seed 21 on none
        "1/trial1": "2.0944", "1/trial2": "1.5708", "1/trial3": "9.9",
        "5/trial1": "A", "5/trial2": "B", "5/trial3": "A",
        "21/trial1": "1:00", "21/trial2": "1:00", "21/trial3": "1:00",
    }  # fmt: skip
    records = [make_record(items[i], extracted=a) for i, a in answers.items()]
    s = summarise("dynamath", records)
    assert s["average"]["correct"] == 5 and s["average"]["accuracy"] == pytest.approx(5 / 9)
    worst = s["worst_case"]
    assert (worst["n"], worst["correct"]) == (3, 1)  # seed 1 counts wrong: one variant failed
    assert worst["by_subject"]["analytic geometry"]["accuracy"] == 0.0
    assert worst["by_subject"]["algebra"]["accuracy"] == 1.0
    assert worst["variants_per_seed"] == {"min": 3, "max": 3}
    assert s["by_subset"]["trial1"]["correct"] == 2
    # plain records: the seed is the id's part before "/"
    plain = [{k: r[k] for k in ("id", "category", "subset", "correct", "status")} for r in records]
    assert summarise("dynamath", plain)["worst_case"]["correct"] == 1


def test_wemath_step_accuracy_and_four_dimensional_metrics():
    items = {it.id: it for it in load_benchmark("wemath", DATA / "wemath")}
    answers = {  # 2-step: both sub-problems right, composite wrong (IG)
        "2steps_1/2steps_1": "C", "2steps_1/2steps_2": "A", "2steps_1/2steps_multi": "B",
        # 3-step: one sub-problem wrong, composite right (RM strict, CM loose)
        "3steps_1/3steps_1": "B", "3steps_1/3steps_2": "A", "3steps_1/3steps_3": "B",
        "3steps_1/3steps_multi": "B",
    }  # fmt: skip
    records = [make_record(items[i], f"<Answer>: {a}") for i, a in answers.items()]
    s = summarise("wemath", records)
    assert s["one_step"] == {"n": 5, "correct": 4, "accuracy": 0.8}
    assert s["two_step"]["accuracy"] == 0.0 and s["three_step"]["accuracy"] == 1.0
    four = s["four_dimensional"]
    assert four["problems"] == 2
    assert four["counts"] == {
        "IK": 0, "IG": 1, "CM_strict": 0, "CM_loose": 1, "RM_strict": 1, "RM_loose": 0,
    }  # fmt: skip
    assert four["rates"]["IG"] == 0.5 and four["rates"]["RM_strict"] == 1.0
    assert four["score_strict"] == pytest.approx((2 - 0.5 - 1 - 0) / 2)
    assert four["score_loose"] == pytest.approx((2 - 0.5 - 0 - 0) / 2)
    # a domain's accuracy is the mean over its knowledge concepts
    assert s["by_domain"]["Calculation of Plane Figures"] == {"concepts": 1, "accuracy": 0.0}
    assert s["by_domain"]["Direction"]["accuracy"] == 1.0
    # a problem missing its composite question is left out of the four dimensions
    assert summarise("wemath", records[:-1])["four_dimensional"]["problems"] == 1


def test_logicvista_summary_by_skill_and_capability():
    items = load_benchmark("logicvista", DATA / "logicvista")
    records = [make_record(it, r) for it, r in zip(items, ["C", "A", "3", "B"], strict=True)]
    s = summarise("logicvista", records)
    assert s["correct"] == 3
    assert s["by_skill"]["deductive"]["accuracy"] == 0.0
    assert s["by_capability"]["diagram"] == {"n": 3, "correct": 2, "accuracy": pytest.approx(2 / 3)}
    assert s["by_specific_capability"]["table"]["accuracy"] == 1.0


def test_mathvista_summary_keeps_the_task_as_category_beside_the_metadata_category():
    items = load_benchmark("mathvista", DATA / "mathvista")
    s = summarise("mathvista", [make_record(it, it.answer) for it in items])
    assert s["by_category"] == s["by_task"]
    assert set(s["by_metadata_category"]) == {"general-vqa", "math-targeted-vqa"}
