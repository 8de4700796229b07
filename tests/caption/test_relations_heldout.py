"""The held-out relational caption corpus (``relations_heldout/``).

Fifteen figures written independently of ``relations_corpus/`` (the development set the
caption checker was tuned on) and never used to change it, so their numbers estimate how the
checker does on figures and phrasings it has not seen. Same format and harness as the dev
corpus (see ``relations_harness.py``).

Asserted: every figure runs in the real sandbox and draws what its claims assume; the corpus is
well-formed, balanced and disjoint from the dev corpus; and ``verify`` contradicts no true claim
and no bad-input sentence beyond the ones recorded in the data as ``known_false_positive``
(real bugs, listed so that the set can only shrink). Unlike the dev corpus no recall floor is
asserted: recall here is a measurement, printed by
``benchmarks/caption_relations.py --corpus tests/caption/relations_heldout``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from relations_harness import (
    BAD_INPUTS,
    CORPUS_DIR,
    KINDS,
    MODES,
    RELATIONS,
    Outcome,
    all_claims,
    check_labelling,
    check_structure,
    judge,
    load_corpus,
    metrics,
    new_false_positives,
)

from codepercept.sandbox import ExecResult

HELDOUT_DIR = Path(__file__).with_name("relations_heldout")
FIGURES = load_corpus(HELDOUT_DIR)
NAMES = [f.name for f in FIGURES]


@pytest.fixture(scope="module")
def runs(executor) -> dict[str, ExecResult]:
    return dict(zip(NAMES, executor.map([f.code for f in FIGURES]), strict=True))


@pytest.fixture(scope="module")
def outcomes(runs) -> list[Outcome]:
    out: list[Outcome] = []
    for fig in FIGURES:
        scene = runs[fig.name].scene
        if scene is None:
            continue
        for mode in MODES:
            out += judge(fig.claims, scene, mode) + judge(fig.bad_input, scene, mode)
    return out


# -- the figures draw what the claims assume ---------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_figure_runs_and_draws_what_its_claims_assume(name: str, runs) -> None:
    res = runs[name]
    assert res.ok, f"{name}: {res.status} {res.message}"
    fig = next(f for f in FIGURES if f.name == name)
    assert check_structure(fig, res.scene) == []


# -- the corpus is well-formed, balanced and held out ------------------------------------------
def test_corpus_size_and_balance() -> None:
    claims = [c for f in FIGURES for c in f.claims]
    assert len(FIGURES) == 15
    truths = Counter(c.truth for c in claims)
    assert 0.45 <= truths[True] / len(claims) <= 0.55, truths
    kinds = Counter(c.kind for c in claims)
    assert 0.6 <= kinds["relational"] / len(claims) <= 0.75, kinds
    for fig in FIGURES:
        assert 10 <= len(fig.claims) <= 14, fig.name
        assert {c.truth for c in fig.claims} == {True, False}, fig.name
        assert {c.kind for c in fig.claims} == set(KINDS), fig.name
        assert fig.bad_input, fig.name
        assert fig.description and fig.checks, fig.name
    # the relational claims exercise many relation types, each with true and false sentences
    both = [
        rel
        for rel in RELATIONS["relational"]
        if {c.truth for c in claims if c.relation == rel} == {True, False}
    ]
    assert len(both) >= 10, both


def test_every_claim_is_labelled_consistently() -> None:
    check_labelling(FIGURES)


def test_bad_input_covers_each_kind() -> None:
    got = Counter(c.bad_input for f in FIGURES for c in f.bad_input)
    assert set(got) == BAD_INPUTS
    assert min(got.values()) >= 3, got


def test_held_out_from_the_dev_corpus() -> None:
    dev = load_corpus(CORPUS_DIR)
    assert not {f.name for f in dev} & set(NAMES)
    dev_texts = {c.text for f in dev for c in all_claims(f)}
    shared = [c.id for f in FIGURES for c in all_claims(f) if c.text in dev_texts]
    assert not shared, shared
    dev_codes = {f.code for f in dev}
    for fig in FIGURES:
        assert fig.code not in dev_codes, fig.name
        assert "codepercept" not in fig.code, fig.name
        assert "import matplotlib" in fig.code, fig.name


# -- no wrong "contradicted" beyond the recorded bugs (no recall floor: this is held out) ------
@pytest.mark.parametrize("mode", MODES)
def test_no_true_claim_is_newly_judged_contradicted(mode: str, outcomes) -> None:
    new = new_false_positives(outcomes, FIGURES, mode, bad_input=False)
    assert not new, f"true claims judged contradicted ({mode}): {sorted(new)}"


@pytest.mark.parametrize("mode", MODES)
def test_bad_input_is_never_newly_judged_contradicted(mode: str, outcomes) -> None:
    new = new_false_positives(outcomes, FIGURES, mode, bad_input=True)
    assert not new, f"bad-input sentences judged contradicted ({mode}): {sorted(new)}"


def test_metrics_are_recorded(outcomes, record_property) -> None:
    """Measured, not asserted: precision and recall per mode and kind on the held-out set."""
    for mode in MODES:
        for kind in KINDS:
            m = metrics(o for o in outcomes if o.mode == mode and o.claim.kind == kind)
            assert m.n_true and m.n_false, (mode, kind)
            record_property(f"{mode}_{kind}_recall", m.recall)
            record_property(f"{mode}_{kind}_precision", m.precision)
