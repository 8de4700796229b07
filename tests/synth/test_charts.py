"""charts families: determinism, clean standalone code, and facts that match the traced scene."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from matplotlib import cbook

from codepercept.synth import list_families

FAMILIES = list_families(["charts"])
NAMES = [f.name for f in FAMILIES]
SEEDS = range(6)
EXPECTED = {
    "bar_chart",
    "grouped_bar_chart",
    "stacked_bar_chart",
    "line_chart",
    "pie_chart",
    "histogram",
    "box_plot",
    "scatter_fit",
    "value_table",
}


@pytest.fixture(scope="module")
def runs(family_runs):
    """(family name, seed) -> (program, exec result), shared with test_family_contract.py."""
    return family_runs.domain("charts", SEEDS)


def _family(name):
    return next(f for f in FAMILIES if f.name == name)


def _bars(scene):
    return [e for e in scene.of_kind("rectangle") if e.axes is not None]


def test_domain_has_the_chart_families():
    assert set(NAMES) >= EXPECTED, NAMES


def test_bar_chart_bars_have_the_values(runs):
    for seed in SEEDS:
        prog, res = runs["bar_chart", seed]
        bars = _bars(res.scene)
        assert len(bars) == prog.facts["n_bars"]
        horizontal = prog.facts["orientation"] == "horizontal"
        size = [e.props["width"] if horizontal else e.props["height"] for e in bars]
        assert size == pytest.approx(prog.facts["values"])


def test_grouped_and_stacked_bars_match_values(runs):
    for name in ("grouped_bar_chart", "stacked_bar_chart"):
        for seed in SEEDS:
            prog, res = runs[name, seed]
            bars = _bars(res.scene)
            assert len(bars) == prog.facts["n_bars"], (name, seed)
            horizontal = prog.facts["orientation"] == "horizontal"
            sizes = Counter(
                round(e.props["width"] if horizontal else e.props["height"], 6) for e in bars
            )
            assert sizes == Counter(float(v) for row in prog.facts["values"] for v in row)


def test_stacked_totals_are_column_sums():
    fam = _family("stacked_bar_chart")
    for seed in range(10):
        facts = fam.generate(seed).facts
        cols = list(zip(*facts["values"], strict=True))
        assert facts["totals"] == [sum(c) for c in cols]


def test_histogram_bars_are_the_bin_counts(runs):
    for seed in SEEDS:
        prog, res = runs["histogram", seed]
        bars = sorted(_bars(res.scene), key=lambda e: e.props["x"])
        assert len(bars) == prog.facts["n_bars"]
        assert [e.props["height"] for e in bars] == pytest.approx(prog.facts["values"])
        assert [e.props["x"] for e in bars] == pytest.approx(prog.facts["bin_edges"][:-1])
        data = prog.params["data"]
        assert np.histogram(data, bins=prog.facts["bin_edges"])[0].tolist() == prog.facts["values"]


def test_pie_wedges_are_the_shares(runs):
    for seed in SEEDS:
        prog, res = runs["pie_chart", seed]
        wedges = res.scene.of_kind("wedge")
        assert len(wedges) == prog.facts["n_slices"]
        spans = [e.props["theta2"] - e.props["theta1"] for e in wedges]
        expected = [360 * p / 100 for p in prog.facts["percentages"]]
        assert spans == pytest.approx(expected, abs=1e-3)
        assert sum(prog.facts["values"]) == prog.facts["total"]


def test_line_chart_lines_carry_the_data(runs):
    for seed in SEEDS:
        prog, res = runs["line_chart", seed]
        n = prog.facts["n_points"]
        lines = [e for e in res.scene.of_kind("line") if e.n_points == n and e.marker]
        assert len(lines) == prog.facts["n_lines"], seed
        ys = sorted(tuple(p[1] for p in e.data) for e in lines)
        assert ys == sorted(tuple(r) for r in prog.facts["values"])


def test_box_plot_medians_and_quartiles(runs):
    for seed in SEEDS:
        prog, res = runs["box_plot", seed]
        horizontal = prog.facts["orientation"] == "horizontal"
        axis = 0 if horizontal else 1
        # a median is a two-point segment at constant value along the value axis
        flat = {
            round(e.data[0][axis], 6)
            for e in res.scene.of_kind("line")
            if e.n_points == 2 and abs(e.data[0][axis] - e.data[1][axis]) < 1e-9
        }
        for vals, st in zip(prog.facts["values"], prog.facts["stats"], strict=True):
            ref = cbook.boxplot_stats(vals)[0]
            assert st["median"] == pytest.approx(ref["med"])
            assert st["q1"] == pytest.approx(ref["q1"]) and st["q3"] == pytest.approx(ref["q3"])
            assert st["whisker_low"] == pytest.approx(ref["whislo"])
            assert st["whisker_high"] == pytest.approx(ref["whishi"])
            assert sorted(st["outliers"]) == pytest.approx(sorted(ref["fliers"]))
            assert round(st["median"], 6) in flat, (seed, st["median"], flat)


def test_scatter_fit_points_and_line(runs):
    for seed in SEEDS:
        prog, res = runs["scatter_fit", seed]
        pts = res.scene.of_kind("scatter")
        assert len(pts) == 1 and pts[0].count == prog.facts["n_points"]
        m, b = np.polyfit(prog.facts["x"], prog.facts["y"], 1)
        assert prog.facts["slope"] == pytest.approx(m) and prog.facts["intercept"] == pytest.approx(
            b
        )
        fit = [e for e in res.scene.of_kind("line") if e.n_points == 2 and e.linestyle == "solid"]
        assert any(
            all(abs(y - (m * x + b)) < 1e-6 * max(1.0, abs(y)) for x, y in e.data) for e in fit
        )


def test_value_table_cells(runs):
    for seed in SEEDS:
        prog, res = runs["value_table", seed]
        facts = prog.facts
        if prog.params["kind"] == "table":
            (table,) = [e for e in res.scene.of_kind("other") if e.cls == "Table"]
            cells = table.text.split("\n")
            assert len(cells) == facts["n_rows"] * (facts["n_cols"] + 1) + facts["n_cols"]
            if prog.params["totals"]:
                assert all(sum(r[:-1]) == r[-1] for r in facts["values"])
        else:
            # 3 horizontal rules, one vertical per column boundary and the left edge
            rules = [e for e in res.scene.of_kind("line") if e.n_points == 2]
            assert len(rules) == 3 + facts["n_cols"] + 2
            assert sum(facts["values"]) == facts["total"]
