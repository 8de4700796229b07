"""chemistry families: determinism, clean standalone code, and chemistry that matches the scene."""

from __future__ import annotations

import numpy as np
import pytest

from codepercept.synth import list_families
from codepercept.synth.families.chemistry.skeletal import _Mol, _substituent

FAMILIES = list_families(["chemistry"])
NAMES = [f.name for f in FAMILIES]
EXPECTED = {"skeletal_formula", "lab_apparatus", "energy_profile"}
SEEDS = range(6)


@pytest.fixture(scope="module")
def runs(family_runs):
    """(family name, seed) -> (program, exec result), shared with test_family_contract.py."""
    return family_runs.domain("chemistry", SEEDS)


def _family(name):
    return next(f for f in FAMILIES if f.name == name)


def _each(runs, name):
    return [runs[(name, seed)] for seed in SEEDS]


def test_domain_has_the_families():
    assert set(NAMES) >= EXPECTED, NAMES


def _benzene(group=None):
    mol = _Mol()
    ring = [mol.add("C", np.cos(k), np.sin(k)) for k in range(6)]
    for k in range(6):
        mol.bond(ring[k], ring[(k + 1) % 6], 2 if k % 2 == 0 else 1)
    if group:
        _substituent(mol, ring[0], 1.0, 0.0, group)
    return mol


@pytest.mark.parametrize(
    ("group", "formula"),
    [
        (None, "C6H6"),
        ("OH", "C6H6O"),
        ("CH3", "C7H8"),
        ("COOH", "C7H6O2"),
        ("NH2", "C6H7N"),
        ("Cl", "C6H5Cl"),
        ("CHO", "C7H6O"),
        ("OCH3", "C7H8O"),
    ],
)
def test_molecular_formula_of_known_molecules(group, formula):
    assert _benzene(group).formula() == formula


def test_skeletal_formula_bond_lines_and_labels(runs):
    scaffolds = set()
    for prog, res in _each(runs, "skeletal_formula"):
        f = prog.facts
        scaffolds.add(f["scaffold"])
        lines = res.scene.of_kind("line")
        assert len(lines) == f["n_bond_lines"], prog.seed
        assert all(e.n_points == 2 for e in lines)
        assert sorted(res.scene.texts()) == sorted(f["labels"])  # heteroatom labels only
        assert f["formula"].startswith(f"C{f['n_carbons']}") or f["n_carbons"] == 1
    seeds = range(6, 30)
    scaffolds |= {_family("skeletal_formula").generate(s).facts["scaffold"] for s in seeds}
    assert scaffolds == {"benzene", "chain"}


def test_lab_apparatus_levels_match_readings(runs):
    for prog, res in _each(runs, "lab_apparatus"):
        f = prog.facts
        rects = res.scene.of_kind("rectangle")
        if f["setup"] in ("beaker", "cylinder"):
            liquid = [r for r in rects if r.props["x"] == 0 and r.props["y"] == 0]
            assert len(liquid) == 1
            assert liquid[0].props["height"] == pytest.approx(
                4.0 * f["volume_ml"] / f["capacity_ml"]
            )
        elif f["setup"] == "titration":
            column = [r for r in rects if r.props["y"] == pytest.approx(3.0) and r.facecolor]
            level = 3.0 + column[0].props["height"]
            assert level == pytest.approx(8.5 - 0.1 * f["reading_ml"])
        else:
            polys = res.scene.of_kind("polygon")
            assert len(polys) == 2 * f["n_tubes"]  # liquid + glass for each tube
            tops = sorted(max(p[1] for p in e.data) for e in polys if e.facecolor)
            assert tops == pytest.approx(sorted(f["levels"]))


def test_energy_profile_levels(runs):
    for prog, res in _each(runs, "energy_profile"):
        f = prog.facts
        curves = sorted(
            (e for e in res.scene.of_kind("line") if e.n_points > 100),
            key=lambda e: e.linestyle != "solid",
        )
        main = np.array(curves[0].data)
        assert main[:, 1].max() == pytest.approx(f["peak"])
        assert main[0, 1] == pytest.approx(f["reactants"]) and main[-1, 1] == pytest.approx(
            f["products"]
        )
        assert f["exothermic"] == (f["products"] < f["reactants"])
        assert f["delta_h"] == f["products"] - f["reactants"]
        assert len(curves) == (2 if f["catalysed"] else 1)
        if f["catalysed"]:
            cat = np.array(curves[1].data)
            assert (
                cat[:, 1].max() == pytest.approx(f["catalysed_peak"])
                and f["catalysed_peak"] < f["peak"]
            )
