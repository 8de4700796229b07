"""The contract every registered synth family keeps, checked on seeds 0..5 of each family.

* the same seed gives the identical program (code, facts, params); different seeds differ;
* the code compiles, imports only numpy / matplotlib / mpl_toolkits, has step comments, no
  ``random``, and ends with its one ``plt.show()``;
* it runs ``ok`` in the sandbox, leaves an image and a traced scene, states facts, and draws every
  ``facts["labels"]`` string.

A few domains hold themselves to stricter versions of these checks (the tables below). Programs are
executed once per (family, seed) through the ``family_runs`` memo, which the domain modules share.
Domain-specific facts-vs-scene checks live in the ``test_<domain>.py`` modules.
"""

from __future__ import annotations

import ast

import pytest

from codepercept.synth import get_family, list_families

SEEDS = range(6)
NAMES = [f.name for f in list_families()]
DOMAIN = {f.name: f.domain for f in list_families()}
KEYS = [(name, seed) for name in NAMES for seed in SEEDS]
ALLOWED_ROOTS = {"numpy", "matplotlib", "mpl_toolkits"}

# stricter per-domain versions of the generic checks
LINE_RANGE = {"plane_geometry": (15, 110), "functions": (15, 110)}
MIN_COMMENT_LINES = {"plane_geometry": 4, "functions": 4, "charts": 3, "graphs": 3}
TOP_LEVEL_COMMENTS = {"plane_geometry"}  # count only comment lines that start at column 0
LABELS_MAY_BE_LINES = {"charts"}  # a table traces as one multi-line string
TEXT_ON_CANVAS = {"charts", "graphs", "plane_geometry"}
MAX_EXEC_S = {"solid_geometry": 1.0}


def _import_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0])
    return roots


def _comment_lines(code: str, top_level: bool) -> int:
    lines = code.splitlines()
    return sum(1 for ln in lines if (ln if top_level else ln.lstrip()).startswith("#"))


def _drawn_texts(scene, split_lines: bool) -> set[str]:
    texts = set(scene.texts())
    if split_lines:
        texts |= {part for t in texts for part in t.split("\n")}
    return texts


@pytest.fixture(scope="module")
def contract_runs(request, family_runs):
    """Execute, in one batch, every (family, seed) that the selected tests here will need."""
    keys = [
        (item.callspec.params["name"], item.callspec.params["seed"])
        for item in request.session.items
        if item.module is request.module
        and "contract_runs" in getattr(item, "fixturenames", ())
        and hasattr(item, "callspec")
    ]
    family_runs.batch(keys)
    return family_runs


def test_every_family_is_checked():
    assert len(NAMES) >= 40 and len(set(NAMES)) == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_program_and_seeds_differ(family_runs, name):
    fam = get_family(name)
    for seed in SEEDS:
        again, first = fam.generate(seed), family_runs.program(name, seed)
        assert again.code == first.code, (name, seed)
        assert again.facts == first.facts, (name, seed)
        assert again.params == first.params, (name, seed)
    assert len({family_runs.program(name, s).code for s in SEEDS}) == len(SEEDS), name


@pytest.mark.parametrize(("name", "seed"), KEYS)
def test_code_is_clean_standalone_matplotlib(family_runs, name, seed):
    domain = DOMAIN[name]
    code = family_runs.program(name, seed).code
    tree = ast.parse(code)
    compile(tree, f"<{name}:{seed}>", "exec")
    roots = _import_roots(tree)
    assert roots <= ALLOWED_ROOTS, (name, seed, roots)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr) and ast.unparse(last) == "plt.show()", (name, seed)
    assert code.rstrip().endswith("plt.show()") and code.count("plt.show()") == 1
    assert "random" not in code, (name, seed)
    assert "#" in code, (name, seed)  # step comments
    if domain in LINE_RANGE:
        lo, hi = LINE_RANGE[domain]
        n_lines = len(code.splitlines())
        assert lo <= n_lines <= hi, (name, seed, n_lines)
    if domain in MIN_COMMENT_LINES:
        n_comments = _comment_lines(code, domain in TOP_LEVEL_COMMENTS)
        assert n_comments >= MIN_COMMENT_LINES[domain], (name, seed, n_comments)


@pytest.mark.parametrize(("name", "seed"), KEYS)
def test_runs_and_draws_every_label(contract_runs, name, seed):
    domain = DOMAIN[name]
    prog, res = contract_runs(name, seed)
    assert res.status == "ok", (name, seed, res.message)
    assert res.images and res.scene is not None, (name, seed)
    assert prog.facts["statements"], (name, seed)
    texts = _drawn_texts(res.scene, domain in LABELS_MAY_BE_LINES)
    missing = [lab for lab in prog.facts["labels"] if lab not in texts]
    assert not missing, (name, seed, missing, sorted(texts))
    if domain in TEXT_ON_CANVAS:
        for e in res.scene.visible_elements():
            if e.text and e.bbox and e.kind in ("annotation", "text"):
                x0, y0, x1, y1 = e.bbox
                on_canvas = x0 >= -0.01 and y0 >= -0.01 and x1 <= 1.01 and y1 <= 1.01
                assert on_canvas, (name, seed, e.text, e.bbox)
    if domain in MAX_EXEC_S:
        assert res.timings.get("exec_s", 0.0) < MAX_EXEC_S[domain], (name, seed, res.timings)
