"""codepercept.tokenvl.vqa: loaders for the four distributed formats (+ TokenIT QA rows), their
metrics on hand-computed cases, malformed files and hostile predictions."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from PIL import Image

from codepercept.errors import UsageError
from codepercept.tokenvl.vqa import (
    METRIC_OF,
    VQAItem,
    anls,
    exact_match,
    load_vqa,
    make_record,
    ocrbench_match,
    relaxed_accuracy,
    score_item,
    summarise,
    tokenit_image,
    vqa_accuracy,
    vqa_normalise,
)


def _png(path, colour=(255, 255, 255)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 6), colour).save(path)
    return path


def _write(path, doc):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# -- fixtures: one small file per format, as distributed -------------------------------------


@pytest.fixture
def docvqa(tmp_path):
    split = tmp_path / "val"
    _png(split / "documents" / "a.png")
    doc = {
        "dataset_name": "docvqa",
        "dataset_version": "1.0",
        "dataset_split": "val",
        "data": [
            {
                "questionId": 337,
                "question": "what is the date mentioned in this letter?",
                "question_types": ["handwritten", "form"],
                "image": "documents/a.png",
                "docId": 279,
                "answers": ["1/8/93"],
                "data_split": "val",
            },
            {
                "questionId": 338,
                "question": "what is the contact person name?",
                "question_types": ["layout"],
                "image": "documents/missing.png",
                "docId": 280,
                "answers": ["P. Carter", "p. carter"],
            },
        ],
    }
    return _write(split / "val_v1.0.json", doc)


@pytest.fixture
def chartqa(tmp_path):
    test = tmp_path / "test"
    _png(test / "png" / "41699051005347.png")
    rows = [
        {"imgname": "41699051005347.png", "query": "How many food items?", "label": "14"},
        {"imgname": "nope.png", "query": "Is Madagascar more than Fiji?", "label": "No"},
    ]
    return _write(test / "test_human.json", rows)


@pytest.fixture
def textvqa(tmp_path):
    _png(tmp_path / "train_images" / "003a8ae2ef43b901.jpg")
    ten = ["nous les gosses"] * 9 + ["dakota"]
    doc = {
        "dataset_type": "val",
        "dataset_name": "textvqa",
        "dataset_version": "0.5.1",
        "data": [
            {
                "question": "what is the brand of this camera?",
                "image_id": "003a8ae2ef43b901",
                "question_id": 34602,
                "answers": ten,
                "set_name": "val",
            },
            {
                "question": "what does the small white text spell?",
                "image_id": "0000000000000000",
                "question_id": 34603,
                "answers": ["copenhagen"] * 10,
                "set_name": "val",
            },
        ],
    }
    return _write(tmp_path / "TextVQA_0.5.1_val.json", doc)


@pytest.fixture
def ocrbench(tmp_path):
    _png(tmp_path / "OCRBench_Images" / "IIIT5K" / "test" / "918_1.png")
    _png(tmp_path / "OCRBench_Images" / "HME100K" / "test" / "x.jpg")
    rows = [
        {
            "dataset_name": "IIIT5K",
            "id": 2843,
            "image_path": "IIIT5K/test/918_1.png",
            "question": "what is written in the image?",
            "answers": "CENTRE",
            "type": "Regular Text Recognition",
        },
        {
            "dataset_name": "HME100k",
            "id": 8740,
            "image_path": "HME100K/test/x.jpg",
            "question": "Please write out the expression of the formula in the image using LaTeX.",
            "answers": ["x _ { 3 } = - 2\n", "x_3 = - 2\n"],
            "type": "Handwritten Mathematical Expression Recognition",
        },
        {
            "dataset_name": "docVQA",
            "id": 5,
            "image_path": "docVQA/gone.png",
            "question": "what is the total?",
            "answers": ["$12.50"],
            "type": "Doc-oriented VQA",
        },
    ]
    # OCRBench/OCRBench.json with the images unpacked beside the OCRBench/ directory
    return _write(tmp_path / "OCRBench" / "OCRBench.json", rows)


# -- loaders ---------------------------------------------------------------------------------


def test_docvqa_items_images_and_categories(docvqa):
    items = load_vqa(docvqa, "docvqa")
    assert [it.id for it in items] == ["337", "338"]
    a, b = items
    assert a.benchmark == "docvqa" and a.answers == ["1/8/93"]
    assert a.image == (docvqa.parent / "documents" / "a.png").resolve() and a.status == "ok"
    assert a.category == "handwritten" and a.meta["question_types"] == ["handwritten", "form"]
    assert b.status == "image_missing" and b.image.name == "missing.png"
    assert load_vqa(docvqa) == items  # detected from the shape


def test_docvqa_test_split_without_answers_loads(tmp_path):
    _png(tmp_path / "documents" / "a.png")
    doc = {"data": [{"questionId": 1, "question": "q?", "image": "documents/a.png"}]}
    (item,) = load_vqa(_write(tmp_path / "test_v1.0.json", doc))
    assert item.answers == [] and item.status == "no_answers"
    assert score_item(item, "anything") == 0.0


def test_chartqa_items(chartqa):
    items = load_vqa(chartqa)
    assert [it.id for it in items] == ["test_human/0", "test_human/1"]
    assert items[0].answers == ["14"] and items[0].category == "human"
    assert items[0].image == (chartqa.parent / "png" / "41699051005347.png").resolve()
    assert items[0].status == "ok" and items[1].status == "image_missing"
    assert items[0].question == "How many food items?"


def test_textvqa_items(textvqa):
    items = load_vqa(textvqa, "textvqa")
    assert [it.id for it in items] == ["34602", "34603"]
    assert items[0].image.name == "003a8ae2ef43b901.jpg" and items[0].status == "ok"
    assert len(items[0].answers) == 10
    assert items[1].status == "image_missing"


def test_ocrbench_items_and_image_root(ocrbench, tmp_path):
    items = load_vqa(ocrbench)
    assert [it.id for it in items] == ["IIIT5K/2843", "HME100k/8740", "docVQA/5"]
    assert items[0].answers == ["CENTRE"] and items[1].answers == [
        "x _ { 3 } = - 2\n",
        "x_3 = - 2\n",
    ]
    assert items[0].category == "Regular Text Recognition"
    assert items[1].meta["dataset_name"] == "HME100k"
    assert [it.status for it in items] == ["ok", "ok", "image_missing"]
    # an explicit image root
    again = load_vqa(ocrbench, "ocrbench", images=tmp_path / "OCRBench_Images")
    assert [it.image for it in again[:2]] == [it.image for it in items[:2]]


def test_explicit_images_root_elsewhere(chartqa, tmp_path):
    other = tmp_path / "elsewhere"
    _png(other / "nope.png")
    items = load_vqa(chartqa, "chartqa", images=other)
    assert [it.status for it in items] == ["image_missing", "ok"]
    with pytest.raises(UsageError, match="does not exist"):
        load_vqa(chartqa, "chartqa", images=tmp_path / "no-such-dir")


def test_tokenit_rows_and_image(tmp_path):
    from codepercept.tokenit import generate, read_samples

    out = tmp_path / "ds"
    generate(1, out, ["documents"], "qwen", 1, 7)
    (sample,) = list(read_samples(out))
    qa = tmp_path / "qa.jsonl"
    rows = [
        {"sample_id": sample.id, "question": "first word?", "answer": "Hello", "kind": "read"},
        {"sample_id": sample.id, "question": "second?", "answer": "World", "kind": "read"},
    ]
    qa.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    items = load_vqa(qa, images=out)
    assert [it.id for it in items] == [f"{sample.id}#0", f"{sample.id}#1"]
    assert all(it.image is None and it.benchmark == "tokenit" for it in items)
    assert items[0].meta["sample_id"] == sample.id and items[0].category == "read"
    img = tokenit_image(out, items[0].meta["sample_id"])
    assert isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.shape[2] == 3
    assert np.array_equal(img, sample.image)
    assert score_item(items[0], "  Hello ") == 1.0 and score_item(items[0], "hello") == 0.0
    with pytest.raises(UsageError, match="no sample"):
        tokenit_image(out, "no-such-sample")
    with pytest.raises(UsageError, match="not a readable TokenIT dataset"):
        tokenit_image(tmp_path / "nowhere", sample.id)


def test_tokenit_one_row_file_without_dataset(tmp_path):
    qa = tmp_path / "one.jsonl"
    qa.write_text('{"sample_id": "s1", "question": "q?", "answer": 42, "kind": "count"}\n')
    (item,) = load_vqa(qa)
    assert item.id == "s1#0" and item.answers == ["42"] and item.meta["tokenit_dir"] is None
    with pytest.raises(UsageError, match="TokenIT directory .* does not exist"):
        load_vqa(qa, "tokenit", images=tmp_path / "nope")


# -- malformed files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bench", "content", "message"),
    [
        ("docvqa", "{not json", "not JSON"),
        ("docvqa", json.dumps([1, 2]), "expected"),
        ("docvqa", json.dumps({"data": [{"questionId": 1, "image": "a.png"}]}), "'question'"),
        (
            "docvqa",
            json.dumps({"data": [{"questionId": 1, "question": "q", "image": "a", "answers": "x"}]}),
            "'answers' is a str",
        ),
        ("chartqa", json.dumps({"data": []}), "expected"),
        ("chartqa", json.dumps([{"imgname": "a.png", "query": "q"}]), "'label'"),
        ("chartqa", json.dumps(["just a string"]), "item 0 is a str"),
        (
            "textvqa",
            json.dumps({"data": [{"question_id": 1, "question": "q", "image_id": "i", "answers": 3}]}),
            "'answers' is a int",
        ),
        (
            "textvqa",
            json.dumps({"data": [{"question_id": 1, "question": "q", "image_id": "i", "answers": [None]}]}),
            "holds null",
        ),
        (
            "ocrbench",
            json.dumps([{"dataset_name": "x", "id": 1, "image_path": "a", "question": "q", "type": "t"}]),
            "'answers'",
        ),
        (
            "ocrbench",
            json.dumps(
                [{"dataset_name": "x", "id": 1, "image_path": "a", "question": "q", "answers": 7, "type": "t"}]
            ),
            "'answers' is a int",
        ),
        ("tokenit", '{"sample_id": "a", "question": "q"}\n{"sample_id": "b"', "line 2"),
        ("tokenit", '{"sample_id": "a", "question": "q"}\n', "'answer'"),
    ],
)  # fmt: skip
def test_malformed_files_raise_one_line_naming_the_file(tmp_path, bench, content, message):
    path = tmp_path / f"bad-{bench}.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as err:
        load_vqa(path, bench)
    text = str(err.value)
    assert str(path) in text and "\n" not in text and text.startswith(f"{bench}: ")


def test_missing_file_directory_and_binary(tmp_path):
    with pytest.raises(UsageError, match="no such file") as err:
        load_vqa(tmp_path / "absent.json", "docvqa")
    assert "absent.json" in str(err.value)
    with pytest.raises(UsageError, match="is a directory"):
        load_vqa(tmp_path, "chartqa")
    blob = tmp_path / "blob.json"
    blob.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UsageError, match="not UTF-8") as err:
        load_vqa(blob)
    assert "blob.json" in str(err.value)


def test_undetectable_shape_and_unknown_benchmark(tmp_path):
    path = _write(tmp_path / "mystery.json", [{"foo": 1}])
    with pytest.raises(UsageError, match="cannot tell which benchmark") as err:
        load_vqa(path)
    assert "mystery.json" in str(err.value)
    with pytest.raises(UsageError, match="cannot tell"):
        load_vqa(_write(tmp_path / "empty.json", []))
    with pytest.raises(UsageError, match="unknown benchmark 'mathvqa'.*docvqa"):
        load_vqa(path, "mathvqa")
    item = VQAItem("1", None, "q", ["a"], "nonesuch")
    with pytest.raises(UsageError, match="unknown benchmark"):
        score_item(item, "a")


def test_benchmark_names_are_forgiving_about_case_and_dashes(chartqa):
    assert load_vqa(chartqa, "ChartQA") == load_vqa(chartqa, "chart-qa")


# -- metrics on hand-computed cases ----------------------------------------------------------


def test_anls_partial_credit_threshold_and_max_over_answers():
    assert anls("Hello World", ["hello world"]) == 1.0  # lower-cased
    assert anls("  hello   world ", ["hello world"]) == 1.0  # stripped, spaces collapsed
    assert anls("helo world", ["hello world"]) == pytest.approx(1 - 1 / 11)
    assert anls("abcd", ["ab"]) == pytest.approx(0.5)  # NL = 2/4 = 0.5: kept (NL <= 0.5)
    assert anls("abcde", ["ab"]) == 0.0  # NL = 3/5 > 0.5: cut
    assert anls("kitten", ["sitting"]) == pytest.approx(1 - 3 / 7)
    assert anls("kitten", ["zzz", "kitten"]) == 1.0
    # the threshold applies to NL: abc/abd has NL = 1/3
    assert anls("abc", ["abd"], threshold=0.3) == 0.0
    assert anls("abc", ["abd"], threshold=0.4) == pytest.approx(2 / 3)
    assert anls("", [""]) == 1.0 and anls("", ["a"]) == 0.0 and anls("a", []) == 0.0


def test_relaxed_accuracy_tolerance_percent_and_text():
    assert relaxed_accuracy("104.9", ["100"]) == 1.0  # 4.9 %
    assert relaxed_accuracy("105.1", ["100"]) == 0.0  # 5.1 %
    assert relaxed_accuracy("95.1", ["100"]) == 1.0 and relaxed_accuracy("94.9", ["100"]) == 0.0
    assert relaxed_accuracy("12%", ["12%"]) == 1.0
    assert relaxed_accuracy("12.5%", ["12%"]) == 1.0  # 0.125 vs 0.12: 4.2 %
    assert relaxed_accuracy("62%", ["62"]) == 0.0  # pix2struct: 0.62 vs 62
    assert relaxed_accuracy("0.62", ["62%"]) == 1.0
    assert relaxed_accuracy(" Yes\n", ["yes"]) == 1.0 and relaxed_accuracy("No", ["yes"]) == 0.0
    assert (
        relaxed_accuracy("0", ["0"]) == 1.0 and relaxed_accuracy("0.0", ["0"]) == 0.0
    )  # zero label: text
    assert relaxed_accuracy("nan", ["1"]) == 0.0 and relaxed_accuracy("inf", ["inf"]) == 0.0
    assert relaxed_accuracy("1e999", ["5"]) == 0.0


def _ten(k, answer="2", other="blue"):
    return [answer] * k + [other] * (10 - k)


def test_vqa_accuracy_leave_one_out():
    assert vqa_accuracy("2", _ten(1)) == pytest.approx(0.3)
    assert vqa_accuracy("2", _ten(2)) == pytest.approx(0.6)
    assert vqa_accuracy("2", _ten(3)) == pytest.approx(0.9)
    assert vqa_accuracy("2", _ten(4)) == pytest.approx(1.0)
    assert vqa_accuracy("2", _ten(10)) == 1.0
    assert vqa_accuracy("3", _ten(4)) == 0.0
    # the same numbers by brute force over the ten leave-one-out subsets
    for k in range(11):
        gts = _ten(k)
        brute = (
            sum(min(1, sum(g == "2" for g in gts[:i] + gts[i + 1 :]) / 3) for i in range(10)) / 10
        )
        assert vqa_accuracy("2", gts) == pytest.approx(brute)


def test_vqa_normalisation_numbers_articles_punctuation_contractions():
    assert vqa_accuracy("two", _ten(3)) == pytest.approx(0.9)  # "two" -> "2"
    assert vqa_accuracy("Two.", _ten(3)) == pytest.approx(0.9)
    assert vqa_accuracy("the dog", _ten(4, "a dog")) == 1.0  # articles dropped on both sides
    assert vqa_normalise("The Cat!") == "cat"
    assert vqa_normalise("dont") == "don't" and vqa_normalise("Whats up?") == "what's up"
    assert vqa_normalise("3.5 mph.") == "3.5 mph"  # a period before a digit stays
    assert vqa_normalise("1,000") == "1000" and vqa_normalise("none") == "0"
    assert vqa_normalise("red/blue") == "red blue" and vqa_normalise("red / blue") == "red blue"
    assert vqa_normalise("line\nbreak\ttab") == "line break tab"
    assert vqa_accuracy("nous les gosses", ["nous les gosses"]) == 1.0  # a single answer


def test_ocrbench_containment_rules():
    assert ocrbench_match("The word is CENTRE.", "CENTRE", "IIIT5K") == 1.0  # case-insensitive
    assert ocrbench_match("centr", ["CENTRE"], "IIIT5K") == 0.0
    assert ocrbench_match("a\nb c", ["A B"], "svt") == 1.0  # newlines read as spaces
    assert ocrbench_match("ab", ["a b"], "svt") == 0.0  # spaces count outside HME100k
    latex = ["x _ { 3 } = - 2\n", "x_3 = - 2\n"]
    assert ocrbench_match("$$x_{3}=-2$$", latex, "HME100k") == 1.0  # spaces removed
    assert ocrbench_match("X_{3}=-2", latex, "HME100k") == 0.0  # formulas keep their case
    assert ocrbench_match("anything", [], "IIIT5K") == 0.0


def test_exact_match_and_metric_table():
    assert exact_match(" a  b ", ["a b"]) == 1.0 and exact_match("A b", ["a b"]) == 0.0
    expected = {
        "docvqa": anls,
        "chartqa": relaxed_accuracy,
        "textvqa": vqa_accuracy,
        "ocrbench": ocrbench_match,
        "tokenit": exact_match,
    }
    assert {k: METRIC_OF[k] for k in expected} == expected and len(METRIC_OF) == 5


# -- hostile predictions ---------------------------------------------------------------------

HOSTILE = [None, 3.5, b"bytes", ["list"], "", " ", "\x00", "\ud800", "🙂" * 50, "ǅ", "İ" * 5]


@pytest.mark.parametrize("pred", HOSTILE)
def test_metrics_never_raise_on_hostile_predictions(pred):
    for metric in (anls, relaxed_accuracy, vqa_accuracy, exact_match):
        value = metric(pred, ["answer", "🙂"])
        assert 0.0 <= value <= 1.0
    assert 0.0 <= ocrbench_match(pred, ["answer"], "HME100k") <= 1.0
    assert anls(None, ["a"]) == 0.0 and vqa_accuracy(None, ["a"] * 10) == 0.0


def test_metrics_on_hostile_answers_do_not_raise():
    for metric in (anls, relaxed_accuracy, vqa_accuracy, exact_match):
        assert metric("a", None) == 0.0
        assert metric("a", [None, 3, "a"]) == 1.0


def test_million_character_predictions_finish_quickly():
    huge = "ab" * 500_000
    t0 = time.perf_counter()
    assert anls(huge, ["abab"]) == 0.0  # length bound: decided without the edit distance
    assert anls(huge, [huge]) == 1.0  # both cut to ANLS_MAX_CHARS
    # equal lengths: both cut to ANLS_MAX_CHARS, where one shift costs 2 edits of 4096
    assert anls(huge, ["ba" * 500_000]) == pytest.approx(1 - 2 / 4096)
    assert relaxed_accuracy(huge, ["14"]) == 0.0
    assert relaxed_accuracy("9" * 1_000_000, ["14"]) == 0.0
    assert vqa_accuracy(huge, ["ab"] * 10) == 0.0
    assert ocrbench_match(huge, ["abab"], "IIIT5K") == 1.0
    assert ocrbench_match(huge, ["abab"], "HME100k") == 1.0
    assert exact_match(huge, ["ab"]) == 0.0
    assert time.perf_counter() - t0 < 10


# -- records and summaries -------------------------------------------------------------------


def test_records_and_summary(docvqa, ocrbench, chartqa):
    d = load_vqa(docvqa)
    o = load_vqa(ocrbench)
    c = load_vqa(chartqa)
    records = [
        make_record(d[0], "1/8/93"),
        make_record(d[1], "P Carter"),  # image_missing: counted, scored 0
        make_record(o[0], "CENTRE"),
        make_record(o[1], "x_{3}=-2"),
        make_record(o[2], "no idea"),
        make_record(c[0], "14.5"),
        make_record(c[0], None, status="timeout"),
    ]
    assert records[1]["status"] == "image_missing" and records[1]["score"] == 0.0
    assert records[-1]["score"] == 0.0 and records[-1]["status"] == "timeout"
    s = summarise(records)
    assert s["docvqa"]["n"] == 2 and s["docvqa"]["mean"] == pytest.approx(0.5)
    assert s["docvqa"]["by_category"]["form"] == {"n": 1, "mean": 1.0}
    assert s["docvqa"]["by_category"]["handwritten"] == {"n": 1, "mean": 1.0}
    assert s["docvqa"]["by_category"]["layout"] == {"n": 1, "mean": 0.0}
    assert s["docvqa"]["status"] == {"ok": 1, "image_missing": 1}
    assert s["chartqa"]["mean"] == pytest.approx(0.5) and s["chartqa"]["status"]["timeout"] == 1
    ob = s["ocrbench"]["ocrbench"]
    assert ob["final_score"] == 2.0 and ob["text_recognition"] == 1.0 and not ob["complete"]
    assert ob["by_type"]["Regular Text Recognition"] == {"score": 1.0, "n": 1, "of": 50}
    hme = "Handwritten Mathematical Expression Recognition"
    assert ob["by_type"][hme]["score"] == 1.0
    assert ob["by_dataset"]["docVQA"] == {"n": 1, "mean": 0.0}
    assert s["ocrbench"]["status"] == {"ok": 2, "image_missing": 1}
