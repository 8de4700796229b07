"""Metric validity: corruptions do what they say, rewrites do not move the scores, validate()."""

from __future__ import annotations

from collections import Counter

import pytest

from codepercept.bench.corrupt import (
    CORRUPTIONS,
    corrupt_program,
    parse_report,
    rename_variables,
    scale_figsize,
)
from codepercept.bench.validate import (
    EQUIVALENT_PAIRS,
    SCORE_KEYS,
    ValidationProgram,
    synth_programs,
    validate,
    validity_markdown,
)
from codepercept.scene.model import Scene
from codepercept.score import image_score, scene_score
from codepercept.synth import get_family
from codepercept.synth.base import DOMAINS, list_families

#: A bar chart (bars, value labels, ticks) and a geometry figure (patches, lines, texts).
PROGRAMS = {
    "bar_chart": get_family("bar_chart").generate(3).code,
    "angle_chase": get_family("angle_chase").generate(1).code,
}


@pytest.fixture(scope="module")
def runs(executor):
    """Reference, severity 0 and severity 1 runs of every corruption on both programs."""
    jobs = [(name, None, None, code) for name, code in PROGRAMS.items()]
    for name, code in PROGRAMS.items():
        for kind in CORRUPTIONS:
            for sev in (0.0, 1.0):
                jobs.append((name, kind, sev, corrupt_program(code, kind, sev, seed=7)))
    results = executor.map([j[3] for j in jobs])
    out = {}
    for (name, kind, sev, _), res in zip(jobs, results, strict=True):
        assert res.ok, (name, kind, sev, res.status, res.message)
        out[name, kind, sev] = res
    return out


def _zorders(scene: Scene) -> list[tuple[str, float]]:
    return [(e.kind, round(e.zorder, 2)) for e in scene.visible_elements()]


def _centres(scene: Scene) -> list[tuple[float, float]]:
    return [((e.bbox[0] + e.bbox[2]) / 2, (e.bbox[1] + e.bbox[3]) / 2)
            for e in scene.visible_elements() if e.bbox]  # fmt: skip


@pytest.mark.parametrize("program", list(PROGRAMS))
@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_severity_zero_is_a_no_op(runs, program, kind):
    ref, zero = runs[program, None, None], runs[program, kind, 0.0]
    assert parse_report(zero.stdout).changed == 0
    assert zero.scene.to_dict()["elements"] == ref.scene.to_dict()["elements"]
    assert zero.scene.figures == ref.scene.figures
    assert scene_score(ref.scene, zero.scene).total == 100.0
    assert image_score(ref.images[0], zero.images[0]).total == 100.0


@pytest.mark.parametrize("program", list(PROGRAMS))
# chart_swap needs a chart series and item_colours a collection with one colour per item; these
# two programs have neither (tests/bench/test_corrupt.py covers item_colours on bubble charts).
@pytest.mark.parametrize(
    "kind", [k for k in CORRUPTIONS if k not in ("chart_swap", "item_colours")]
)
def test_full_severity_changes_the_scene_as_intended(runs, program, kind):
    ref, bad = runs[program, None, None], runs[program, kind, 1.0]
    report = parse_report(bad.stdout)
    assert report is not None and report.kind == kind and report.changed > 0
    a, b = ref.scene, bad.scene
    s = scene_score(a, b)
    if kind == "drop_elements":
        assert len(b.visible_elements()) < len(a.visible_elements())
        assert s.parts["completeness"] < 60
    elif kind == "jitter":
        assert len(b.visible_elements()) >= len(a.visible_elements()) - 2  # a few may clip
        assert _centres(a) != _centres(b)
        assert s.parts["position"] < 90
    elif kind == "recolour":
        assert a.palette() != b.palette()
        assert s.parts["style"] < 70 and s.parts["position"] == 100.0
    elif kind == "labels":
        assert Counter(a.texts()) != Counter(b.texts())
        assert s.parts["text"] < 50
    elif kind == "linestyle":
        assert [e.linestyle for e in a.visible_elements()] != [
            e.linestyle for e in b.visible_elements()
        ]
        assert s.parts["style"] < 100 and s.parts["position"] == 100.0
    elif kind == "zorder":
        assert sorted(_zorders(a)) != sorted(_zorders(b))
        assert s.parts["completeness"] == 100.0
    elif kind == "scale":
        assert b.figures[0].width_in == pytest.approx(1.6 * a.figures[0].width_in)
        assert s.total >= 95
    elif kind == "translate":
        assert b.figures[0].width_in == pytest.approx(1.6 * a.figures[0].width_in)
        assert s.total >= 99
        assert image_score(ref.images[0], bad.images[0]).total >= 95


def test_chart_swap_turns_bars_into_a_line(runs):
    ref, bad = runs["bar_chart", None, None], runs["bar_chart", "chart_swap", 1.0]
    before, after = ref.scene.summary()["counts"], bad.scene.summary()["counts"]
    assert before.get("rectangle", 0) >= 3 and after.get("rectangle", 0) == 0
    assert after.get("line", 0) == before.get("line", 0) + 1
    assert scene_score(ref.scene, bad.scene).parts["completeness"] < 80
    # No chart series in a geometry figure: nothing to swap.
    assert parse_report(runs["angle_chase", "chart_swap", 1.0].stdout).candidates == 0


def test_corrupt_program_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown corruption"):
        corrupt_program("x = 1\n", "smudge", 0.5)
    with pytest.raises(ValueError, match="severity"):
        corrupt_program("x = 1\n", "jitter", 1.5)


def test_identical_programs_score_100(runs, executor):
    for name, code in PROGRAMS.items():
        again = executor.run(code)
        ref = runs[name, None, None]
        assert scene_score(ref.scene, again.scene).total == 100.0
        assert image_score(ref.images[0], again.images[0]).total == 100.0


@pytest.mark.parametrize(
    "pair",
    list(EQUIVALENT_PAIRS),
)
def test_equivalent_pairs_keep_the_code_score(executor, pair):
    a, b = executor.map(EQUIVALENT_PAIRS[pair])
    assert a.ok and b.ok
    assert scene_score(a.scene, b.scene).total >= 95


def test_source_rewrites_keep_the_code_score(runs, executor):
    for name, code in PROGRAMS.items():
        renamed, scaled = rename_variables(code), scale_figsize(code)
        assert renamed != code and scaled is not None and scaled != code
        ref = runs[name, None, None]
        r1, r2 = executor.map([renamed, scaled])
        assert scene_score(ref.scene, r1.scene).total == 100.0
        assert scene_score(ref.scene, r2.scene).total >= 95


def test_rename_variables_keeps_imports_and_parameters():
    code = (
        "import numpy as np\ndef f(x, k=2):\n    return x * k\ny = f(np.arange(3), k=3)\nprint(y)\n"
    )
    out = rename_variables(code)
    assert "np.arange" in out and "k=3" in out and "print(" in out
    assert "\ny =" not in out and "def f(" not in out and "v1_y = v0_f(" in out
    ns: dict = {}
    exec(out.replace("print(", "(lambda *a: None)("), ns)


def test_validate_small_run(executor):
    progs = [ValidationProgram(n, c, family=n) for n, c in PROGRAMS.items()]
    res = validate(progs, levels=3, corruptions=["drop_elements", "labels"], executor=executor)
    assert res["n_programs"] == 2 and not res["failed_references"]
    assert res["identical"]["min"] == {"image.total": 100.0, "scene.total": 100.0}
    drop = res["corruptions"]["drop_elements"]
    assert set(drop["rho"]) == set(SCORE_KEYS)
    assert drop["n_programs"] == 2 and len(drop["mean_by_level"]["scene.completeness"]) == 3
    assert drop["rho"]["scene.completeness"] < -0.5
    assert drop["mean_by_level"]["scene.completeness"][0] == 100.0
    assert res["corruptions"]["labels"]["rho"]["scene.text"] < -0.5
    assert {r["rewrite"] for r in res["rewrite_records"]} == {"rename_variables", "scale_figsize"}
    assert {p["pair"] for p in res["pairs"]} == set(EQUIVALENT_PAIRS)
    # every run records the damage it did; rho is reported against it and against severity
    assert res["score_version"] == 2
    for r in res["records"]:
        assert 0.0 <= r["damage"] <= 1.0
        if r["level"] == 0:
            assert r["damage"] == 0.0
        if r["corruption"] == "drop_elements" and r["level"]:
            assert r["damage"] == pytest.approx(r["changed"] / r["candidates"], abs=1e-4)
    assert set(drop["rho_damage"]) == set(SCORE_KEYS)
    assert drop["rho_damage"]["scene.completeness"] < -0.5
    md = validity_markdown(res)
    assert "| drop_elements | scene.completeness |" in md and "| L0 | L1 | L2 |" in md
    assert "rho vs damage" in md
    assert all(f"| pair: {name} |" in md for name in EQUIVALENT_PAIRS)


def test_synth_programs_take_domains_then_families_in_turn():
    fams = list_families()
    domains = [d for d in DOMAINS if any(f.domain == d for f in fams)]
    progs = synth_programs(2 * len(domains), seed=5)
    assert [p.domain for p in progs] == domains * 2
    for k, p in enumerate(progs):
        members = [f.name for f in fams if f.domain == p.domain]
        assert p.family == members[(k // len(domains)) % len(members)]
        assert p.id == f"{p.family}-{k:03d}" and p.code.strip()
    again = synth_programs(2 * len(domains), seed=5)
    assert [p.code for p in again] == [p.code for p in progs]
    assert [p.code for p in synth_programs(len(domains), seed=6)] != [
        p.code for p in progs[: len(domains)]
    ]
