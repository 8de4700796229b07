"""The family registry and its shared helpers."""

from __future__ import annotations

import pytest

from codepercept.synth import DOMAINS, fmt, get_family, list_families


@pytest.mark.parametrize(
    ("x", "nd", "want"),
    [(10, 0, "10"), (100, 0, "100"), (1.5, 2, "1.5"), (2.0, 2, "2"), (-0.25, 2, "-0.25"),
     (-0.001, 2, "0"), (1234.5678, 1, "1234.6"), (0, 0, "0"), (-3, 0, "-3")],
)  # fmt: skip
def test_fmt(x, nd, want):
    assert fmt(x, nd) == want


def test_registry_covers_every_domain_with_forty_families():
    fams = list_families()
    assert len(fams) >= 40
    assert {f.domain for f in fams} == set(DOMAINS)


def test_same_family_and_seed_gives_identical_program():
    for fam in list_families():
        a, b = fam.generate(7), fam.generate(7)
        assert a.code == b.code and a.facts == b.facts, fam.name


def test_unknown_names_give_clear_errors():
    with pytest.raises(KeyError, match="synth list"):
        get_family("no_such_family")
    with pytest.raises(ValueError, match="unknown domain"):
        list_families(domains=["astrology"])


def test_rejection_loops_are_bounded_and_say_what_they_wanted():
    """A family's `while True` draw that never succeeds must end (as a generator_error drop)."""
    import pytest

    from codepercept.synth.base import tries

    n = 0
    with pytest.raises(RuntimeError, match="no triangle with angles in range after 5 draws"):
        for _ in tries("triangle with angles in range", limit=5):
            n += 1
    assert n == 5
    for i in tries("anything"):
        if i == 2:
            break
