"""The real-style corpus: hand-written programs that load, run in the sandbox and draw content."""

from __future__ import annotations

import re

import pytest

from codepercept.bench.realstyle import REALSTYLE_DOMAINS, realstyle_programs
from codepercept.bench.validate import ValidationProgram
from codepercept.sandbox import Executor

PROGRAMS = realstyle_programs()


@pytest.fixture(scope="module")
def results():
    """Every program run once, in one map over the whole corpus."""
    with Executor(workers=2, timeout_s=30) as ex:
        res = ex.map([p.code for p in PROGRAMS])
    return dict(zip([p.id for p in PROGRAMS], res, strict=True))


def test_corpus_loads_forty_programs_with_unique_ids_and_known_domains():
    assert len(PROGRAMS) >= 40
    assert all(isinstance(p, ValidationProgram) for p in PROGRAMS)
    ids = [p.id for p in PROGRAMS]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"\d{2}_[a-z0-9_]+", i) for i in ids)
    assert {p.family for p in PROGRAMS} == {"realstyle"}
    assert all(p.domain in REALSTYLE_DOMAINS for p in PROGRAMS)
    for p in PROGRAMS:
        first, second = p.code.splitlines()[:2]
        assert first == f"# domain: {p.domain}", p.id
        assert second.startswith("# ") and len(second) > 10, p.id


@pytest.mark.parametrize("prog", PROGRAMS, ids=lambda p: p.id)
def test_program_is_self_contained_and_writes_nothing(prog):
    code = prog.code
    for banned in ("savefig", "open(", "import os", "subprocess"):
        assert banned not in code, (prog.id, banned)
    assert code.rstrip().endswith("plt.show()"), prog.id
    assert "figsize=(" in code, prog.id
    imports = re.findall(r"^(?:from|import) ([\w.]+)", code, flags=re.M)
    assert {m.split(".")[0] for m in imports} <= {"matplotlib", "numpy", "mpl_toolkits"}, prog.id
    # randomness only through a seeded Generator
    assert "np.random." not in code.replace("np.random.default_rng(", ""), prog.id
    assert not re.search(r"default_rng\(\s*\)", code), prog.id


@pytest.mark.parametrize("prog", PROGRAMS, ids=lambda p: p.id)
def test_program_runs_in_the_sandbox_and_draws_content(results, prog):
    res = results[prog.id]
    assert res.ok, (prog.id, res.status, res.message)
    assert len(res.images) == 1, prog.id
    assert len(res.scene.visible_elements()) >= 3, prog.id
    assert any(t.strip() for t in res.scene.texts()), prog.id
    # a title, an axis label or a drawn text, not only tick labels
    scene = res.scene
    named = [a.title or a.xlabel or a.ylabel for a in scene.axes]
    drawn = [e.text for e in scene.visible_elements() if e.text]
    assert any(named) or any(f.suptitle for f in scene.figures) or drawn, prog.id
