"""graphs families: determinism, clean standalone code, facts checked against the traced scene and
against brute-force recomputation (shortest paths, max-flow = min-cut, lattice path counts)."""

from __future__ import annotations

import itertools
import math

import pytest

from codepercept.synth import list_families

FAMILIES = list_families(["graphs"])
NAMES = [f.name for f in FAMILIES]
SEEDS = range(6)
EXPECTED = {
    "network_graph",
    "rooted_tree",
    "weighted_graph",
    "flow_network",
    "venn_diagram",
    "number_line",
    "lattice_path",
}


@pytest.fixture(scope="module")
def runs(family_runs):
    """(family name, seed) -> (program, exec result), shared with test_family_contract.py."""
    return family_runs.domain("graphs", SEEDS)


def _family(name):
    return next(f for f in FAMILIES if f.name == name)


def test_domain_has_the_graph_families():
    assert set(NAMES) >= EXPECTED, NAMES


def test_node_circles_and_edge_lines_match_facts(runs):
    for name in ("network_graph", "rooted_tree", "weighted_graph"):
        for seed in SEEDS:
            prog, res = runs[name, seed]
            facts = prog.facts
            circles = res.scene.of_kind("circle")
            assert len(circles) == facts["n_nodes"], (name, seed)
            segments = [e for e in res.scene.of_kind("line") if e.n_points == 2]
            assert len(segments) == facts["n_edges"], (name, seed)
            centers = [tuple(e.props["center"]) for e in circles]
            # every edge runs between two drawn vertex centres, and each edge in facts is drawn
            drawn = set()
            for e in segments:
                ends = [
                    min(range(len(centers)), key=lambda i, p=p: math.dist(p, centers[i]))
                    for p in e.data
                ]
                assert all(
                    math.dist(p, centers[i]) < 1e-6 for p, i in zip(e.data, ends, strict=True)
                )
                drawn.add(frozenset(ends))
            assert len(drawn) == facts["n_edges"]
            assert len(facts["edges"]) == facts["n_edges"]
            if name == "rooted_tree":
                assert facts["n_edges"] == facts["n_nodes"] - 1


def test_vertices_do_not_overlap_and_edges_clear_other_vertices():
    for name in ("network_graph", "weighted_graph"):
        fam = _family(name)
        for seed in range(15):
            facts = fam.generate(seed).facts
            pos = {k: tuple(v) for k, v in fam.generate(seed).facts.get("positions", {}).items()}
            if not pos:
                continue
            for a, b in itertools.combinations(pos.values(), 2):
                assert math.dist(a, b) > 0.5
            for u, v, *_ in facts["edges"]:
                for w, p in pos.items():
                    if w in (u, v):
                        continue
                    (x1, y1), (x2, y2) = pos[u], pos[v]
                    t = ((p[0] - x1) * (x2 - x1) + (p[1] - y1) * (y2 - y1)) / (
                        (x2 - x1) ** 2 + (y2 - y1) ** 2
                    )
                    t = max(0.0, min(1.0, t))
                    assert math.dist(p, (x1 + t * (x2 - x1), y1 + t * (y2 - y1))) > 0.25


def _floyd(nodes, edges):
    d = {(a, b): (0 if a == b else math.inf) for a in nodes for b in nodes}
    for u, v, w in edges:
        d[u, v] = d[v, u] = min(d[u, v], w)
    for k in nodes:
        for i in nodes:
            for j in nodes:
                d[i, j] = min(d[i, j], d[i, k] + d[k, j])
    return d


def test_weighted_graph_distances_and_mst():
    fam = _family("weighted_graph")
    for seed in range(20):
        facts = fam.generate(seed).facts
        nodes, edges = facts["nodes"], facts["edges"]
        d = _floyd(nodes, edges)
        for v, dist in facts["shortest_distances_from_A"].items():
            assert dist == d["A", v]
        # brute-force MST over all spanning (n-1)-edge subsets for small graphs
        if len(edges) <= 12:
            best = math.inf
            for sub in itertools.combinations(edges, len(nodes) - 1):
                comp = {v: v for v in nodes}

                def find(v, comp=comp):
                    while comp[v] != v:
                        v = comp[v]
                    return v

                ok = True
                for u, v, _ in sub:
                    ru, rv = find(u), find(v)
                    if ru == rv:
                        ok = False
                        break
                    comp[ru] = rv
                if ok:
                    best = min(best, sum(w for *_, w in sub))
            assert facts["mst_weight"] == best
        if facts["shortest_path"]:
            path = facts["shortest_path"]
            w = {frozenset((u, v)): c for u, v, c in edges}
            assert sum(w[frozenset(p)] for p in itertools.pairwise(path)) == d["A", path[-1]]


def test_flow_network_max_flow_equals_min_cut_and_arrows_drawn(runs):
    for seed in range(20):
        facts = _family("flow_network").generate(seed).facts
        nodes, edges = facts["nodes"], facts["edges"]
        inner = [v for v in nodes if v not in ("s", "t")]
        best = math.inf
        for r in range(len(inner) + 1):
            for side in itertools.combinations(inner, r):
                src = {"s", *side}
                best = min(best, sum(c for u, v, c in edges if u in src and v not in src))
        assert facts["max_flow"] == best, seed
        if facts["flows"]:
            flow = {(u, v): f for u, v, f in facts["flows"]}
            cap = {(u, v): c for u, v, c in edges}
            assert all(0 <= flow[e] <= cap[e] for e in cap)
            for v in inner:
                assert sum(f for (a, _), f in flow.items() if a == v) == sum(
                    f for (_, b), f in flow.items() if b == v
                )
            assert sum(f for (a, _), f in flow.items() if a == "s") == facts["max_flow"]
    for seed in SEEDS:
        prog, res = runs["flow_network", seed]
        assert len(res.scene.of_kind("arrow")) == prog.facts["n_edges"]
        assert len(res.scene.of_kind("circle")) == prog.facts["n_nodes"]


def test_venn_circles_and_counts(runs):
    for seed in SEEDS:
        prog, res = runs["venn_diagram", seed]
        facts = prog.facts
        assert len(res.scene.of_kind("circle")) == facts["n_sets"]
        assert len(res.scene.of_kind("rectangle")) == (1 if facts["universe"] else 0)
        assert facts["union"] == sum(facts["regions"].values())
        for i, name in enumerate(facts["sets"]):
            assert facts["set_sizes"][name] == sum(
                c for code, c in facts["regions"].items() if code[i] == "1"
            )
        drawn_numbers = [t for t in res.scene.texts() if t.isdigit()]
        assert sorted(drawn_numbers) == sorted(
            [str(c) for c in facts["regions"].values()]
            + ([str(facts["outside"])] if facts["universe"] else [])
        )


def _is_white(rgba):
    return rgba is not None and all(abs(c - 1) < 1e-6 for c in rgba[:3])


def test_number_line_markers(runs):
    for seed in SEEDS:
        prog, res = runs["number_line", seed]
        facts = prog.facts
        dots = [e for e in res.scene.of_kind("points") if e.marker == "o"]
        assert len(dots) == len(facts["markers"]), seed
        assert sum(1 for e in dots if _is_white(e.facecolor)) == facts["n_open"]
        assert sorted(e.data[0][0] for e in dots) == pytest.approx(
            sorted(v for v, _ in facts["markers"])
        )
        ticks = res.scene.axes[0].xticks
        assert ticks == pytest.approx(facts["ticks"])


def _brute_paths(m, n, blocked):
    count = 0
    for ups in itertools.combinations(range(m + n), n):
        x = y = 0
        ok = True
        for i in range(m + n):
            if i in ups:
                y += 1
            else:
                x += 1
            if (x, y) in blocked:
                ok = False
                break
        count += ok
    return count


def test_lattice_path_counts_and_drawing(runs):
    fam = _family("lattice_path")
    for seed in range(20):
        facts = fam.generate(seed).facts
        m, n = facts["size"]
        blocked = {tuple(b) for b in facts["blocked"]}
        if facts["via"]:
            cx, cy = facts["via"]
            # paths through C = all paths minus those avoiding C
            total = _brute_paths(m, n, set())
            assert facts["n_paths"] == total - _brute_paths(m, n, {(cx, cy)})
            assert [cx, cy] in facts["path"]
        else:
            assert facts["n_paths"] == _brute_paths(m, n, blocked)
        path = [tuple(p) for p in facts["path"]]
        assert path[0] == (0, 0) and path[-1] == (m, n)
        assert not set(path) & blocked
        assert len(facts["moves"]) == m + n and facts["moves"].count("R") == m
    for seed in SEEDS:
        prog, res = runs["lattice_path", seed]
        facts = prog.facts
        m, n = facts["size"]
        route = [e for e in res.scene.of_kind("line") if e.n_points == m + n + 1]
        assert len(route) == 1
        offset = 0.5 if facts["mode"] == "cells" else 0.0
        drawn = [c for p in route[0].data for c in p]
        assert drawn == pytest.approx([c + offset for p in facts["path"] for c in p])
        if facts["mode"] == "cells":
            assert len(res.scene.of_kind("rectangle")) == facts["n_blocked"]
        else:
            crosses = [e for e in res.scene.of_kind("points") if e.marker == "X"]
            assert sum(e.count for e in crosses) == facts["n_blocked"]
