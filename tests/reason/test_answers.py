"""Answer extraction and matching, benchmark by benchmark, on hand-written model responses.

Each case is (item id, response, expected correctness); ``None`` responses and responses from
which nothing can be extracted must give ``extract_answer(...) is None`` and count as wrong.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from codepercept.reason import BENCHMARKS, extract_answer, is_correct, load_benchmark
from codepercept.reason.answers import evaluate_math, final_span, levenshtein

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def items():
    return {name: {it.id: it for it in load_benchmark(name, DATA / name)} for name in BENCHMARKS}


def judge(items, benchmark: str, item_id: str, response: str | None) -> bool:
    item = items[benchmark][item_id]
    return is_correct(item, extract_answer(item, response))


# -- responses no benchmark can answer from --------------------------------------------------------
NOTHING = [
    None,
    "",
    "   \n\t",
    "这个问题的答案无法从图中确定。",  # another language
    "Ответ: второй вариант, потому что угол равен шестидесяти градусам.",
]


@pytest.mark.parametrize("benchmark", BENCHMARKS)
@pytest.mark.parametrize("response", NOTHING)
def test_empty_none_or_foreign_responses_extract_nothing(items, benchmark, response):
    for item in items[benchmark].values():
        assert extract_answer(item, response) is None
        assert is_correct(item, extract_answer(item, response)) is False
        assert is_correct(item, None) is False


@pytest.mark.parametrize("benchmark", BENCHMARKS)
@pytest.mark.parametrize(
    "response",
    [
        42,
        b"B",
        "}}}{{{\\boxed{",
        "\\frac{" * 200,
        "(" * 500 + "1",
        "9" * 5000,
        "\\sqrt[0]{4}",
        "2^{99999}",
    ],
)
def test_extraction_and_matching_never_raise(items, benchmark, response):
    for item in items[benchmark].values():
        got = extract_answer(item, response)  # type: ignore[arg-type]
        assert got is None or isinstance(got, str)
        assert isinstance(is_correct(item, got), bool)
        assert isinstance(is_correct(item, str(response)), bool)


# -- MathVista -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("item_id", "response", "correct"),
    [
        ("1", "C", True),  # the letter
        ("1", "60°", True),  # the option text itself (official quick path)
        ("1", "Angle B is the base angle, so it measures 60°.", True),  # option text, no letter
        ("1", "The sum of angles is 180°.\nThe answer is (C).", True),
        ("1", "The answer is (B).", False),
        ("1", "Therefore the answer is \\boxed{C}.", True),
        ("1", "**Answer:** C", True),
        ("2", "The red bar is 12 cm long.", True),  # unit after the number
        ("2", "The answer is 12 cm.\n\nI hope this helps!", True),  # sign-off filler skipped
        ("2", "The bar measures 13 cm.", False),
        ("2", "12.4", True),  # integer answers are int(float(x)), as MathVista normalises
        ("3", "The slope is rise over run: \\boxed{3.5}", True),
        ("3", "The slope is approximately 3.54.", True),  # rounds to the 1-decimal answer
        ("3", "The slope is approximately 3.56.", False),  # rounds to 3.6
        ("3", "slope = \\frac{7}{2}", True),
        ("4", "The mean is (1 + 1.5 + 1 + 1.516)/4 = 1.254", True),  # 2-decimal precision
        ("4", "The mean is 1.26.", False),
        ("5", "The answer is [2014, 2016].", True),
        ("5", "The two peaks are in 2014 and 2016.", True),
        ("5", "[2014,2016]", True),
        ("5", "The answer is [2015, 2016].", False),
    ],
)
def test_mathvista(items, item_id, response, correct):
    assert judge(items, "mathvista", item_id, response) is correct


def test_mathvista_normalisation_follows_the_official_scorer(items):
    mc = items["mathvista"]["1"]
    # "(c) ..." -> C -> "60°"; any other text -> the nearest option by edit distance
    assert is_correct(mc, "(c) sixty")
    assert is_correct(mc, "62°")
    assert not is_correct(mc, "44°")
    assert is_correct(items["mathvista"]["2"], "12.0")
    assert not is_correct(items["mathvista"]["3"], "three point five")


def test_mathvista_accepts_chinese_responses_to_chinese_questions(items):
    item = items["mathvista"]["1"]
    chinese = dataclasses.replace(item, meta={**item.meta, "language": "chinese"})
    assert extract_answer(item, "所以，答案是 (C)。") is None  # an English question
    assert extract_answer(chinese, "所以，答案是 (C)。") == "C"
    assert is_correct(chinese, extract_answer(chinese, "所以，答案是 (C)。"))


# -- MATH-Vision ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("item_id", "response", "correct"),
    [
        ("1", "B", True),
        ("1", "circle", True),  # the option's text matches as well as its letter
        ("1", "the circle", False),  # MATH-V drops the spaces of the answer, not of the option
        ("1", "The answer is (B)", True),
        ("1", "The circle has the largest area. The answer is (C)", False),
        ("1", "Comparing areas, the answer is \\boxed{B}.", True),
        ("2", "(D)\nThe net folds into the cube.", True),
        ("2", "It folds correctly in picture D.", True),  # ends with " D."
        ("3", "There are 5 + 7 dots, so the answer is \\boxed{12}.", True),
        ("3", "The answer is 12", True),
        ("3", "The answer is 12 km", True),  # MATH-V strips km, m^3 and "units" ...
        ("3", "The answer is 12 cm", False),  # ... and no other unit
        ("4", "\\boxed{3.5}", True),
        ("4", "The final answer is $\\frac{7}{2}$.", True),
        ("4", "\\boxed{3.504}", True),  # equal after rounding to 2 decimals
        ("4", "\\boxed{3.51}", False),
        ("5", "The point is at \\boxed{(3, -4)}.", True),
        ("5", "\\boxed{(3,4)}", False),
    ],
)
def test_mathvision(items, item_id, response, correct):
    assert judge(items, "mathvision", item_id, response) is correct


def test_mathvision_extraction_matches_the_official_cleaning(items):
    item = items["mathvision"]["4"]
    assert extract_answer(item, "so $x = \\boxed{\\dfrac{7}{2}}$") == "\\frac{7}{2}"
    assert extract_answer(item, "The answer is 7/2") == "\\frac{7}{2}"
    assert extract_answer(item, "The answer is 7/2.") == "7/2"  # the period blocks the rewrite
    assert extract_answer(item, "\\boxed{0.5}") == "\\frac{1}{2}"
    assert extract_answer(items["mathvision"]["1"], "The answer is (B)") == "b"


# -- MathVerse -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("item_id", "response", "correct"),
    [
        ("1", "C", True),
        ("1", "Each base angle is 70°.", True),  # option text, no letter
        ("1", "The base angles are (180° - 40°)/2 = 70°.", False),  # states two options' texts
        ("1", "Angle B = 70°, so the answer is (C).", True),
        ("1", "The answer is B.", False),
        ("1", "\\boxed{C}", True),
        ("2", "Answer: C:70°", True),
        ("5", "Reading the question in the image, the correct option is C.", True),  # Vision Only
        ("5", "The angle is 70°.", False),  # no options in the text, so no letter
        ("6", "The area is 113.1 cm²", True),  # units and the gold's "Area =" are set aside
        ("6", "\\boxed{113.1}", True),
        ("6", "Area = 36π ≈ 113.2 cm^2", False),
        ("6", "The answer is 113.1 square centimetres.", True),
    ],
)
def test_mathverse(items, item_id, response, correct):
    assert judge(items, "mathverse", item_id, response) is correct


# -- DynaMath ------------------------------------------------------------------------------------
def short(answer: str) -> str:
    return '{"solution": "Step by step: ...", "short answer": "' + answer + '"}'


@pytest.mark.parametrize(
    ("item_id", "response", "correct"),
    [
        ("1/trial1", short("2.094"), True),  # |2.094 - 2.0944| <= 0.001
        ("1/trial1", short("2.096"), False),  # 0.0016 away
        ("1/trial1", short("2.0944 seconds"), True),  # the first word is the number
        ("1/trial1", short("0.6667π"), True),
        ("1/trial1", "```json\n" + short("2.0944") + "\n```", True),
        ("1/trial1", "The period is 2π/3, so \\boxed{2.0944}", True),  # no JSON: our fallback
        ("1/trial2", short("1.571"), True),
        ("5/trial1", short("A"), True),
        ("5/trial1", short("a"), True),
        ("5/trial1", short("(A) yes"), True),  # the gold letter in the first three characters
        ("5/trial1", "The answer is (B)", False),
        ("5/trial1", "The function goes up, so: yes", True),  # the option text
        ("21/trial1", short("5:30"), True),
        ("21/trial1", "The clock shows 5:30 in the afternoon.", True),  # gold inside the answer
        ("21/trial1", short("5:35"), False),
    ],
)
def test_dynamath(items, item_id, response, correct):
    assert judge(items, "dynamath", item_id, response) is correct


# -- We-Math -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("response", "extracted"),
    [
        ("<Thought process>: 3 cm on the map is 3 km. <Answer>: C", "C"),
        ("Answer: C. 3000", "C"),
        ("C", "C"),
        ("<Answer>: B", "B"),
        ("The answer is (C)", None),  # We-Math reads only what follows "Answer"
        ("answer: C", None),
        ("**Answer:** C", None),
    ],
)
def test_wemath_reads_the_letter_after_answer(items, response, extracted):
    item = items["wemath"]["2steps_1/2steps_1"]
    assert extract_answer(item, response) == extracted
    assert is_correct(item, extract_answer(item, response)) is (extracted == "C")


# -- LogicVista ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("item_id", "response", "correct"),
    [
        ("v1_0", "C", True),
        ("v1_0", "c", True),
        ("v1_0", "The dot moves one cell each step, so the answer is (C).", True),
        ("v1_0", "The answer is D.", False),
        ("v1_0", "G", False),  # a one-letter answer outside A-E is no answer
        ("v1_1", "A, C", True),
        ("v1_1", "C, A", True),  # order does not matter
        ("v1_1", "The answer is A and C.", True),
        ("v1_1", "The answer is A.", False),  # all of the labels, or wrong
        ("v1_2", "3", True),  # questions labelled 1-5
        ("v1_2", "The piece that fits is number 3.\nAnswer: 3", True),
        ("v1_3", "Sales grew by 20%.", True),  # the inline option's text
        ("v1_3", "B", True),
    ],
)
def test_logicvista(items, item_id, response, correct):
    assert judge(items, "logicvista", item_id, response) is correct


# -- shared helpers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("\\frac{3}{4}", 0.75),
        ("\\dfrac{7}{2}", 3.5),
        ("2\\sqrt{3}", 2 * 3**0.5),
        ("4\\pi", 4 * 3.141592653589793),
        ("1,000", 1000.0),
        ("3:2", 1.5),
        ("45%", 45.0),
        ("30^\\circ", 30.0),
        ("$\\frac{3^{1008}-1}{3^{1009}}$", 1 / 3),  # exact rational arithmetic
        ("\\sqrt[3]{27}", 3.0),
        ("-\\frac12", -0.5),
        ("5!", 120.0),
        ("x + 1", None),
        ("__import__('os')", None),
        ("1/0", None),
    ],
)
def test_evaluate_math(text, value):
    got = evaluate_math(text)
    if value is None:
        assert got is None
    else:
        assert got == pytest.approx(value)


def test_strict_evaluation_reads_only_latex():
    assert evaluate_math("45%", strict=True) is None
    assert evaluate_math("30^{\\circ}", strict=True) is None
    assert evaluate_math("8+2sqrt(2)", strict=True) is None
    assert evaluate_math("8+2\\sqrt{2}", strict=True) == pytest.approx(8 + 2 * 2**0.5)


def test_final_span_prefers_explicit_answers():
    assert final_span("x = 3\nso \\boxed{x = 4}\nThe answer is 5") == "x = 4"
    assert final_span("Work...\nThe answer is 5 apples.\nHope this helps!") == "5 apples"
    assert final_span("<think>2</think><answer>7</answer>") == "7"
    assert (
        final_span("the total is **16 m** in all\nLet me know if you have other questions.")
        == "16 m"
    )


def test_levenshtein():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("same", "same") == 0
