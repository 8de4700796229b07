"""Code-grounded perception QA: questions about a figure whose answers are read from its Scene.

A captioner describes an image; a text-only solver answers questions from that caption. When the
questions' answers are read exactly from the execution trace (no judge), and an exact caption
lets a competent solver answer (almost) all of them, a captioner's shortfall on this set is its
own: the set isolates *perception* from reasoning.

* :func:`questions_for` — the questions one :class:`~codepercept.scene.Scene` states
  unambiguously, in eight families (:data:`KINDS`);
* :func:`check_answer` — exact matching of a free-form response (integer equality, a float
  within the item's tolerance, text without case or spacing, a choice by letter or text);
* :func:`solve_from_caption` — a deterministic text-only solver that parses a code-grounded
  caption (:func:`codepercept.caption.describe`); no model;
* :func:`build_qa_set` — generated programs run in the sandbox → questions, PNGs and the
  oracle captions.

Each family asks only what the scene settles: a family is skipped for a figure when its
evidence is ambiguous (tied or nearly tied extremes, stacked bars, set labels the relation graph
could read two ways, lines it cannot follow between nodes). docs/reason-qa.md lists the rules and
the measured accuracies.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from codepercept.caption.vocab import NUMBER_WORD_RE, parse_number
from codepercept.reason.answers import choice_label, evaluate_math, final_span, numbers_in
from codepercept.scene.model import Element, Scene
from codepercept.scene.relations import NAME_TOL_IN, RelationGraph, relation_graph

if TYPE_CHECKING:
    from codepercept.sandbox import Executor

__all__ = [
    "ANSWER_TYPES",
    "KINDS",
    "QA_FAMILIES",
    "QAItem",
    "build_qa_set",
    "check_answer",
    "parse_question",
    "questions_for",
    "solve_from_caption",
]

#: The question families, in the order :func:`questions_for` emits them.
KINDS: tuple[str, ...] = (
    "count",
    "bar_value",
    "extreme",
    "label",
    "region",
    "connected",
    "title",
    "axis_label",
)
ANSWER_TYPES: tuple[str, ...] = ("integer", "float", "text", "choice")

#: Generator families :func:`build_qa_set` takes turns over by default: those whose figures pose
#: these questions (charts, set diagrams, graphs, labelled geometry, arrows, plots), ordered so
#: that the first sixteen include a figure type for every question family (whether a figure
#: poses one depends on its seed).
QA_FAMILIES: tuple[str, ...] = (
    "bar_chart",
    "venn_diagram",
    "network_graph",
    "pie_chart",
    "scatter_fit",
    "flow_network",
    "number_line",
    "rooted_tree",
    "histogram",
    "weighted_graph",
    "electric_field",
    "line_chart",
    "lattice_polygon",
    "grouped_bar_chart",
    "motion_graph",
    "energy_profile",
    "triangle_circles",
    "trig_wave",
    "stacked_bar_chart",
    "box_plot",
)


@dataclass(frozen=True)
class QAItem:
    """One question about one figure, with its exact answer and the scene evidence.

    ``answer`` is canonical: an integer as digits, a float as a short decimal, a text as drawn,
    a choice as the chosen option's text (``options`` lists them; the question names them with
    letters, or digits when an option is itself a single letter). ``tolerance`` is the absolute
    error :func:`check_answer` accepts for a float (0 otherwise)."""

    id: str
    figure_id: str
    question: str
    answer: str
    answer_type: str
    options: tuple[str, ...]
    kind: str
    tolerance: float
    evidence: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def labels(self) -> str:
        """The option labels the question uses ("ABCD…", or "1234…" for single-letter options)."""
        return _option_labels(self.options)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "figure_id": self.figure_id,
            "question": self.question,
            "answer": self.answer,
            "answer_type": self.answer_type,
            "options": list(self.options),
            "kind": self.kind,
            "tolerance": self.tolerance,
            "evidence": self.evidence,
        }


# ------------------------------------------------------------------------------------------------
# shared helpers
# ------------------------------------------------------------------------------------------------

_NUMERIC = re.compile(r"^[-−+]?\$?\d[\d,.]*%?\$?$")
_LETTER_LABEL = re.compile(r"[A-Za-z][′'₀-₉0-9]?")
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_MAX_COUNT = 40  # more items than a person would count exactly
_GAP = 0.05  # an extreme must beat the runner-up by this fraction of the largest value
_POINT_GAP_IN = 0.2  # a leftmost/highest point must lead the next by this much (inches)
_DISTINCT_IN = 0.05  # markers closer than this (inches) cannot be counted apart
_CAPTION_EDGE_LIMIT = 24  # describe() states at most this many connections
#: what a graph's node may be drawn as: a shape holding its name, or a labelled marker
_NODE_KINDS = ("circle", "ellipse", "rectangle", "patch", "scatter", "points")


def _option_labels(options: Sequence[str]) -> str:
    if any(len(o.strip()) == 1 and o.strip().isalpha() for o in options):
        return "123456789"[: len(options)]
    return "ABCDEFGHIJ"[: len(options)]


def _fmt(value: float) -> str:
    """A number as its canonical answer: ``7`` for 7.0, ``2.35`` (at most 6 significant)."""
    if not math.isfinite(value):
        return str(value)
    r = float(f"{value:.6g}")
    return str(int(r)) if r == int(r) and abs(r) < 1e15 else repr(r)


def _inches(scene: Scene, e: Element) -> tuple[float, float]:
    if 0 <= e.figure < len(scene.figures):
        f = scene.figures[e.figure]
        if f.width_in > 0 and f.height_in > 0:
            return float(f.width_in), float(f.height_in)
    return 1.0, 1.0


def _fig_points(scene: Scene, e: Element) -> np.ndarray:
    """An element's figure vertices in inches (``(0, 2)`` when it has none)."""
    if not e.fig:
        return np.zeros((0, 2))
    return np.asarray([p[:2] for p in e.fig], dtype=float) * _inches(scene, e)


def _visible(scene: Scene) -> list[tuple[int, Element]]:
    return [(i, e) for i, e in enumerate(scene.elements) if e.visible and not e.clipped_out]


def _plain(text: str) -> bool:
    """Text a question may quote and a caption states verbatim (no quotes, no mathtext)."""
    t = text.strip()
    return bool(t) and '"' not in t and "$" not in t and "\\" not in t and len(t) <= 80


def _is_name(text: str) -> bool:
    t = text.strip()
    return 0 < len(t) <= 16 and not _NUMERIC.match(t) and "\n" not in t


def _text_count(scene: Scene) -> Counter[str]:
    return Counter(
        (e.text or "").strip() for _, e in _visible(scene) if e.kind in ("text", "annotation")
    )


# ------------------------------------------------------------------------------------------------
# reading the scene
# ------------------------------------------------------------------------------------------------


@dataclass
class _Bar:
    index: int
    lo: float  # base-axis interval
    hi: float
    start: float  # value-axis extent
    end: float
    label: str | None = None


def _bar_group(scene: Scene) -> tuple[int, str, float, list[_Bar]] | None:
    """``(axes, "vertical" | "horizontal", baseline, bars)`` when every visible rectangle of the
    scene is a bar of one plotted axes: unrotated, all starting at one baseline, side by side
    (no two share their base interval: grouped bars pass, stacked bars do not)."""
    rects = [(i, e) for i, e in _visible(scene) if e.kind == "rectangle"]
    if len(rects) < 2:
        return None
    axes = {e.axes for _, e in rects}
    if len(axes) != 1 or None in axes:
        return None
    ax_i = next(iter(axes))
    assert ax_i is not None
    ax = scene.axes[ax_i]
    if not ax.axis_on or ax.is3d:
        return None
    boxes = []
    for i, e in rects:
        p = e.props
        if not all(k in p for k in ("x", "y", "width", "height")) or p.get("angle"):
            return None
        try:
            x, y, w, h = (float(p[k]) for k in ("x", "y", "width", "height"))
        except (TypeError, ValueError):
            return None
        boxes.append((i, x, y, w, h))
    found = []
    for orient in ("vertical", "horizontal"):
        bars = []
        for i, x, y, w, h in boxes:
            base_lo, base_hi = sorted((x, x + w)) if orient == "vertical" else sorted((y, y + h))
            v0, v1 = (y, y + h) if orient == "vertical" else (x, x + w)
            bars.append(_Bar(i, base_lo, base_hi, v0, v1))
        baselines = Counter(round(b.start, 9) for b in bars)
        base, n = baselines.most_common(1)[0]
        if n != len(bars):
            continue
        spans = sorted((b.lo, b.hi) for b in bars)
        width = max(hi - lo for lo, hi in spans) or 1.0
        if any(spans[k + 1][0] < spans[k][1] - 1e-6 * width for k in range(len(spans) - 1)):
            continue
        found.append((orient, float(base), bars))
    if len(found) != 1:
        return None
    orient, base, bars = found[0]
    ticks, labels = (
        (ax.xticks, ax.xticklabels) if orient == "vertical" else (ax.yticks, ax.yticklabels)
    )
    for b in bars:
        names = [
            lab.strip()
            for t, lab in zip(ticks, labels, strict=False)
            if b.lo <= t <= b.hi and lab.strip() and not _NUMERIC.match(lab.strip())
        ]
        b.label = names[0] if len(names) == 1 else None
    return ax_i, orient, base, bars


def _tick_step(ticks: Iterable[float], lim: list[float] | None) -> float | None:
    vals = sorted(t for t in ticks if lim is None or min(lim) - 1e-9 <= t <= max(lim) + 1e-9)
    diffs = [b - a for a, b in itertools.pairwise(vals) if b - a > 0]
    return min(diffs) if diffs else None


def _printed(scene: Scene, value: float, near: np.ndarray, tol_in: float = 0.5) -> str | None:
    """The text near ``near`` (inches) that prints ``value``, if any."""
    for _, e in _visible(scene):
        if e.kind not in ("text", "annotation") or not e.text or not e.bbox:
            continue
        t = e.text.strip().replace("−", "-").rstrip("%")
        num = parse_number(t)
        if num is None or abs(num - value) > 1e-6 * max(1.0, abs(value)):
            continue
        w, h = _inches(scene, e)
        c = np.array([(e.bbox[0] + e.bbox[2]) / 2 * w, (e.bbox[1] + e.bbox[3]) / 2 * h])
        if float(np.hypot(*(c - near))) <= tol_in:
            return t
    return None


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _winner(values: dict[str, float], pick: str) -> str | None:
    """The one key with the largest (``pick="max"``) or smallest value, leading the runner-up by
    at least :data:`_GAP` of the largest magnitude; None when it does not."""
    if len(values) < 2:
        return None
    order = sorted(values.items(), key=lambda kv: kv[1], reverse=pick == "max")
    scale = max(abs(v) for v in values.values()) or 1.0
    if abs(order[0][1] - order[1][1]) < _GAP * scale:
        return None
    return order[0][0]


def _outline_distance(poly: np.ndarray, p: np.ndarray) -> float:
    a, b = poly, np.concatenate((poly[-1:], poly[:-1]))
    d = b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.nan_to_num(np.clip(((p - a) * d).sum(axis=1) / (d * d).sum(axis=1), 0, 1))
    proj = a + d * t[:, None]
    return float(np.min(np.hypot(*(proj - p).T)))


def _label_points(scene: Scene) -> dict[str, tuple[int | None, list[float]]]:
    """Single-letter point labels → (axes, data position): the annotation's ``xy`` or the text's
    anchor, as a code-grounded caption lists them (first occurrence)."""
    out: dict[str, tuple[int | None, list[float]]] = {}
    for _, e in _visible(scene):
        if e.kind not in ("text", "annotation") or not e.text:
            continue
        name = e.text.strip()
        if not _LETTER_LABEL.fullmatch(name):
            continue
        xy = e.props.get("xy") if e.kind == "annotation" else None
        pos = xy if xy is not None else (e.data[0] if e.data else None)
        if pos is not None and name not in out:
            out[name] = (e.axes, [float(v) for v in pos[:2]])
    return out


# ------------------------------------------------------------------------------------------------
# question families
# ------------------------------------------------------------------------------------------------


@dataclass
class _Q:
    kind: str
    question: str
    answer: str
    answer_type: str
    options: tuple[str, ...] = ()
    tolerance: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)


def _choice_text(question: str, options: Sequence[str]) -> str:
    labels = _option_labels(options)
    listed = " ".join(f"({lab}) {opt}" for lab, opt in zip(labels, options, strict=True))
    return f"{question} Options: {listed}"


def _count_questions(scene: Scene, g: RelationGraph) -> list[_Q]:
    vis = _visible(scene)
    out: list[_Q] = []
    # bars: every rectangle a bar of one chart, side by side
    group = _bar_group(scene)
    if group is not None and 2 <= len(group[3]) <= _MAX_COUNT:
        out.append(
            _Q(
                "count",
                "How many bars are drawn in the chart?",
                str(len(group[3])),
                "integer",
                evidence={"noun": "bars", "elements": [b.index for b in group[3]]},
            )
        )
    # data points of a scatter plot: scatter items (and round marker-only lines), all apart
    pts = [(i, e) for i, e in vis if e.kind in ("scatter", "points")]
    if any(e.kind == "scatter" for _, e in pts) and all(
        e.kind == "scatter" or (e.marker or "") in ("o", ".", "s", "D") for _, e in pts
    ):
        total = sum(e.count if e.kind == "scatter" else e.n_points for _, e in pts)
        xy = [_fig_points(scene, e) for _, e in pts]
        complete = all(
            len(a) == (e.count if e.kind == "scatter" else e.n_points)
            for a, (_, e) in zip(xy, pts, strict=True)
        )
        axes = {e.axes for _, e in pts}
        if complete and 2 <= total <= _MAX_COUNT and len(axes) == 1 and None not in axes:
            allxy = np.vstack(xy)
            d = np.hypot(*(allxy[:, None, :] - allxy[None, :, :]).transpose(2, 0, 1))
            np.fill_diagonal(d, np.inf)
            if float(d.min()) >= _DISTINCT_IN:
                out.append(
                    _Q(
                        "count",
                        "How many points (dots or markers) are drawn?",
                        str(total),
                        "integer",
                        evidence={"noun": "points", "elements": [i for i, _ in pts]},
                    )
                )
    # circles: none drawn twice at the same place
    circles = [(i, e) for i, e in vis if e.kind == "circle"]
    if 1 <= len(circles) <= _MAX_COUNT:
        keys = {
            (
                round(float(e.props["center"][0]), 6),
                round(float(e.props["center"][1]), 6),
                round(float(e.props["radius"]), 6),
                e.axes,
            )
            for _, e in circles
            if "center" in e.props and "radius" in e.props
        }
        if len(keys) == len(circles):
            out.append(
                _Q(
                    "count",
                    "How many circles are drawn in the figure?",
                    str(len(circles)),
                    "integer",
                    evidence={"noun": "circles", "elements": [i for i, _ in circles]},
                )
            )
    # lines and curves of a plot: all on plotted axes, none continuing another, none closed
    lines = [(i, e) for i, e in vis if e.kind in ("line", "line3d", "line_collection")]
    if lines and len(lines) <= 10 and all(e.kind == "line" for _, e in lines):
        ok = all(
            e.axes is not None and scene.axes[e.axes].axis_on and not scene.axes[e.axes].is3d
            for _, e in lines
        )
        ends = []
        for _, e in lines:
            p = _fig_points(scene, e)
            if len(p) < 2:
                ok = False
                break
            if float(np.hypot(*(p[0] - p[-1]))) < _DISTINCT_IN:
                ok = False  # a closed outline reads as a shape
                break
            d = np.asarray([q[:2] for q in (e.data or [])], dtype=float)
            if len(d) and (np.abs(d[:, 0]).max() < 1e-9 or np.abs(d[:, 1]).max() < 1e-9):
                ok = False  # a line along x = 0 or y = 0 reads as a coordinate axis
                break
            ends.append((p[0], p[-1]))
        for a in range(len(ends)):
            for b in range(a + 1, len(ends)):
                if min(float(np.hypot(*(u - v))) for u in ends[a] for v in ends[b]) < _DISTINCT_IN:
                    ok = False
        if ok:
            out.append(
                _Q(
                    "count",
                    "How many lines or curves are drawn in the plot?",
                    str(len(lines)),
                    "integer",
                    evidence={"noun": "lines", "elements": [i for i, _ in lines]},
                )
            )
    # arrows: arrow patches (with a head) and quiver arrows; an annotation's leader may have none
    arrows = [(i, e) for i, e in vis if e.kind in ("arrow", "quiver")]
    leaders = [e for _, e in vis if e.kind == "annotation" and e.props.get("has_arrow")]
    total = sum(e.count for _, e in arrows)
    headless = [e for _, e in arrows if e.kind == "arrow" and e.n_points < 4]
    if arrows and not leaders and not headless and total <= _MAX_COUNT:
        out.append(
            _Q(
                "count",
                "How many arrows are drawn in the figure?",
                str(total),
                "integer",
                evidence={"noun": "arrows", "elements": [i for i, _ in arrows]},
            )
        )
    # nodes of a graph drawn as circles
    graph = _graph_evidence(scene, g)
    if graph is not None:
        nodes = graph["nodes"]
        if all(scene.elements[g.nodes[n]].kind == "circle" for n in nodes) and len(nodes) == len(
            circles
        ):
            out.append(
                _Q(
                    "count",
                    "How many nodes does the graph have?",
                    str(len(nodes)),
                    "integer",
                    evidence={"noun": "nodes", "nodes": sorted(nodes)},
                )
            )
    return out


def _bar_questions(scene: Scene, rng: random.Random) -> tuple[list[_Q], list[_Q]]:
    """(bar_value questions, extreme questions about bars)."""
    group = _bar_group(scene)
    if group is None:
        return [], []
    ax_i, orient, base, bars = group
    labels = [b.label for b in bars]
    if None in labels or len(set(labels)) != len(labels) or not all(map(_plain, labels)):  # type: ignore[arg-type]
        return [], []
    ax = scene.axes[ax_i]
    values = {b.label: b.end - b.start for b in bars if b.label is not None}
    values_q: list[_Q] = []
    step = _tick_step(*((ax.yticks, ax.ylim) if orient == "vertical" else (ax.xticks, ax.xlim)))
    printed_all = True
    if abs(base) < 1e-12:
        for b in bars:
            e = scene.elements[b.index]
            w, h = _inches(scene, e)
            x0, y0, x1, y1 = e.bbox or (0.0, 0.0, 0.0, 0.0)
            far_end = b.end >= b.start
            tip = (
                np.array([(x0 + x1) / 2 * w, (y1 if far_end else y0) * h])
                if orient == "vertical"
                else np.array([(x1 if far_end else x0) * w, (y0 + y1) / 2 * h])
            )
            value = b.end - b.start
            text = _printed(scene, value, tip)
            printed_all &= text is not None
            tol = 0.5 * 10.0 ** -_decimals(text) if text is not None else (step or 0) / 10
            if tol <= 0:
                continue
            values_q.append(
                _Q(
                    "bar_value",
                    f'What is the value of the bar labelled "{b.label}"?',
                    _fmt(value),
                    "float",
                    tolerance=tol,
                    evidence={
                        "element": b.index,
                        "value": value,
                        "printed": text,
                        "orientation": orient,
                    },
                )
            )
    else:
        printed_all = False
    extreme_q = []
    if all(v >= 0 for v in values.values()):
        opts = tuple(b.label for b in sorted(bars, key=lambda b: b.lo) if b.label is not None)
        for pick, word in (("max", "longest"), ("min", "shortest")):
            win = _winner(values, pick)
            if win is None and printed_all:
                order = sorted(values.values(), reverse=pick == "max")
                win = max(values, key=lambda k: values[k] if pick == "max" else -values[k])
                win = win if abs(order[0] - order[1]) > 1e-9 else None
            if win is None:
                continue
            extreme_q.append(
                _Q(
                    "extreme",
                    _choice_text(f"Which bar is the {word}?", opts),
                    win,
                    "choice",
                    opts,
                    evidence={"values": values, "pick": pick},
                )
            )
    return values_q, extreme_q


def _slice_questions(scene: Scene, g: RelationGraph) -> list[_Q]:
    wedges = [i for i, e in _visible(scene) if e.kind == "wedge"]
    named = {s.index: s for s in g.shapes if s.kind == "wedge" and s.name}
    slices = g.slices()
    if len(wedges) < 2 or set(named) != set(wedges) or len(slices) != len(wedges):
        return []
    if not all(_plain(n) for n in slices):
        return []
    # every name text lies in its wedge's angular range, seen from the pie's centre
    for idx, s in named.items():
        e = scene.elements[idx]
        if s.name_index is None:
            continue  # a legend label
        t = scene.elements[s.name_index]
        c, pos = e.props.get("center"), (t.data or [None])[0]
        if c is None or pos is None:
            return []
        ang = math.degrees(math.atan2(pos[1] - c[1], pos[0] - c[0])) % 360
        t1, t2 = float(e.props["theta1"]) % 360, float(e.props["theta2"]) % 360
        inside = t1 <= ang <= t2 if t1 <= t2 else (ang >= t1 or ang <= t2)
        if not inside:
            return []
    opts = tuple(named[i].name or "" for i in sorted(named))
    out = []
    for pick, word in (("max", "largest"), ("min", "smallest")):
        win = _winner(slices, pick)
        if win is not None:
            out.append(
                _Q(
                    "extreme",
                    _choice_text(f"Which slice of the pie is the {word}?", opts),
                    win,
                    "choice",
                    opts,
                    evidence={"angles": slices, "pick": pick},
                )
            )
    return out


def _point_at(scene: Scene, g: RelationGraph, name: str) -> np.ndarray | None:
    """Where the point labelled ``name`` is drawn (inches): an annotation's ``xy``, else the
    marker or vertex the relation graph found next to the label."""
    for _, e in _visible(scene):
        if e.kind == "annotation" and (e.text or "").strip() == name and e.props.get("xy_fig"):
            xy = np.asarray(e.props["xy_fig"][:2], dtype=float) * _inches(scene, e)
            return xy if np.isfinite(xy).all() else None
    p = g.points.get(name)
    return None if p is None else np.asarray(p, dtype=float)


def _label_questions(scene: Scene, g: RelationGraph) -> list[_Q]:
    lp = _label_points(scene)
    if not 3 <= len(lp) <= 12:
        return []
    texts = _text_count(scene)
    # points are named with capitals; every capital label must name a point the relation graph
    # found (a vertex label too far from its vertex leaves "the highest point" open)
    names = [n for n in lp if n[0].isupper()]
    if any(_ROMAN.fullmatch(t) for t in texts if len(t) > 1):
        return []  # "I", "V", "X" are numerals here (a clock face), not points
    at = {n: p for n in names if (p := _point_at(scene, g, n)) is not None}
    if any(n not in at or texts[n] != 1 for n in names):
        return []
    axes = {lp[n][0] for n in names}
    if len(names) < 3 or len(axes) != 1 or None in axes:
        return []
    ax = scene.axes[next(iter(axes))]  # type: ignore[index]
    if (
        ax.is3d
        or not ax.xlim
        or not ax.ylim
        or ax.xlim[0] >= ax.xlim[1]
        or ax.ylim[0] >= ax.ylim[1]
    ):
        return []
    if ax.xscale != "linear" or ax.yscale != "linear":
        return []
    opts = tuple(sorted(names))
    out = []
    for word, axis, pick in (
        ("furthest to the left", 0, min),
        ("furthest to the right", 0, max),
        ("highest", 1, max),
        ("lowest", 1, min),
    ):
        drawn = {n: float(at[n][axis]) for n in names}
        order = sorted(drawn, key=drawn.__getitem__, reverse=pick is max)
        if abs(drawn[order[0]] - drawn[order[1]]) < _POINT_GAP_IN:
            continue
        stated = {n: lp[n][1][axis] for n in names}
        if pick(stated, key=stated.__getitem__) != order[0]:
            continue  # where the label is written disagrees with the point it names
        out.append(
            _Q(
                "label",
                _choice_text(f"Which labelled point lies {word}?", opts),
                order[0],
                "choice",
                opts,
                evidence={
                    "positions_in": {n: at[n].tolist() for n in names},
                    "element": g.nodes.get(order[0]),
                },
            )
        )
    return out


def _sets_evidence(scene: Scene, g: RelationGraph) -> dict[str, Any] | None:
    """The named sets of a set diagram when the naming is unambiguous."""
    shapes = g.named_shapes()
    sets = [s for s in g.shapes if s.name and not s.frame and s.kind in ("circle", "ellipse")]
    if len(shapes) < 2 or len(sets) != len(shapes):
        return None
    if any(not _plain(n) or " and " in n or "," in n for n in shapes):
        return None
    names_lower = {n.lower() for n in shapes}
    if len(names_lower) != len(shapes):
        return None
    used = {s.name_index for s in sets}
    for i, e in _visible(scene):
        if e.kind not in ("text", "annotation") or i in used or not _is_name(e.text or ""):
            continue
        if g.text_region.get(i):
            continue
        # a label outside every set, near a set: it could name that set as well
        w, h = _inches(scene, e)
        if not e.bbox:
            continue
        c = np.array([(e.bbox[0] + e.bbox[2]) / 2 * w, (e.bbox[1] + e.bbox[3]) / 2 * h])
        if any(
            _outline_distance(s.outline, c) <= NAME_TOL_IN for s in sets if s.figure == e.figure
        ):
            return None
    regions: dict[frozenset[str], list[int]] = {}
    for i, r in g.text_region.items():
        regions.setdefault(r, []).append(i)
    if not any(len(r) >= 2 for r in regions):
        return None  # no overlap holds anything: not a set diagram
    return {"sets": sorted(shapes), "regions": regions}


def _region_questions(scene: Scene, g: RelationGraph) -> list[_Q]:
    ev = _sets_evidence(scene, g)
    if ev is None:
        return []
    out = []
    for region, idx in sorted(ev["regions"].items(), key=lambda kv: (len(kv[0]), sorted(kv[0]))):
        if not region or len(idx) != 1:
            continue
        text = (scene.elements[idx[0]].text or "").strip()
        if not _plain(text):
            continue
        names = sorted(region)
        quoted = [f'"{n}"' for n in names]
        if len(names) == 1:
            where = f"inside set {quoted[0]} only (outside every other set)"
        else:
            joined = ", ".join(quoted[:-1]) + " and " + quoted[-1]
            where = f"inside all of {joined} and outside every other set"
        answer_type = "integer" if re.fullmatch(r"[-−]?\d+", text) else "text"
        out.append(
            _Q(
                "region",
                f"In the set diagram, what is written in the region {where}?",
                text.replace("−", "-") if answer_type == "integer" else text,
                answer_type,
                evidence={"element": idx[0], "region": names, "sets": ev["sets"]},
            )
        )
    return out


def _graph_evidence(scene: Scene, g: RelationGraph) -> dict[str, Any] | None:
    """The graph's nodes and adjacency when every connector of the figure is a read edge between
    two node shapes (so a missing edge means no connection)."""
    if len(g.edges) < 2:
        return None
    nodes = {n for e in g.edges for n in (e.a, e.b)}
    texts = _text_count(scene)
    for n in nodes:
        el = scene.elements[g.nodes[n]]
        if el.kind not in _NODE_KINDS or texts[n] != 1:
            return None
        if not _plain(n) or len(n) > 16:
            return None
    if len({n.lower() for n in g.nodes}) != len(g.nodes):
        return None
    per_element = Counter(e.index for e in g.edges)
    for i, e in _visible(scene):
        if e.kind in ("line", "arrow") or (e.kind == "annotation" and e.props.get("has_arrow")):
            if per_element[i] != 1:
                return None
        elif e.kind == "line_collection" and per_element[i] != e.count:
            return None
    sentences = {(e.a, e.b, e.directed) for e in g.edges}
    if len(sentences) > _CAPTION_EDGE_LIMIT:
        return None
    adj: dict[str, set[str]] = {n: set() for n in nodes}
    for e in g.edges:
        if e.a != e.b:
            adj[e.a].add(e.b)
            adj[e.b].add(e.a)
    return {"nodes": nodes, "adj": adj}


def _connected_questions(scene: Scene, g: RelationGraph, rng: random.Random) -> list[_Q]:
    ev = _graph_evidence(scene, g)
    if ev is None:
        return []
    adj: dict[str, set[str]] = ev["adj"]
    names = sorted(adj)
    out = []
    pairs = sorted({tuple(sorted((a, b))) for a in names for b in adj[a]})
    apart = [(a, b) for k, a in enumerate(names) for b in names[k + 1 :] if b not in adj[a]]
    for candidates, answer in ((pairs, "yes"), (apart, "no")):
        if not candidates:
            continue
        a, b = rng.choice(candidates)
        if rng.random() < 0.5:
            a, b = b, a
        evidence: dict[str, Any] = {"nodes": [a, b]}
        if answer == "yes":
            evidence["edges"] = [e.index for e in g.edges if {e.a, e.b} == {a, b}]
        out.append(
            _Q(
                "connected",
                f'Is node "{a}" directly connected to node "{b}" by a line or '
                "an arrow? Answer yes or no.",
                answer,
                "text",
                evidence=evidence,
            )
        )
    n = rng.choice(names)
    out.append(
        _Q(
            "connected",
            f'To how many other nodes is node "{n}" directly connected (by a '
            "line or an arrow, in either direction)?",
            str(len(adj[n])),
            "integer",
            evidence={"node": n, "neighbours": sorted(adj[n])},
        )
    )
    return out


def _title_questions(scene: Scene) -> list[_Q]:
    titles = [(f"axes {a.index}", a.title) for a in scene.axes if a.title.strip()]
    titles += [(f"figure {f.index}", f.suptitle) for f in scene.figures if f.suptitle.strip()]
    if len(titles) != 1 or not _plain(titles[0][1]):
        return []
    where, title = titles[0]
    return [
        _Q(
            "title",
            "What is the title of the figure?",
            title.strip(),
            "text",
            evidence={"where": where},
        )
    ]


def _axis_label_questions(scene: Scene) -> list[_Q]:
    labelled = [a for a in scene.axes if a.xlabel.strip() or a.ylabel.strip()]
    if len(labelled) != 1:
        return []
    a = labelled[0]
    if not (
        a.axis_on and not a.is3d and a.xlim and a.ylim and a.xlabel.strip() and a.ylabel.strip()
    ):
        return []  # a lone axis label: a caption may not say which axis it names
    out = []
    for axis, text in (("x", a.xlabel), ("y", a.ylabel)):
        if _plain(text):
            out.append(
                _Q(
                    "axis_label",
                    f"What is the label of the {axis}-axis?",
                    text.strip(),
                    "text",
                    evidence={"axes": a.index, "axis": axis},
                )
            )
    return out


def questions_for(
    scene: Scene, figure_id: str, *, max_per_kind: int = 2, seed: int = 0
) -> list[QAItem]:
    """The questions ``scene`` answers unambiguously, at most ``max_per_kind`` per family
    (:data:`KINDS`), chosen with ``seed`` (the same scene, id and seed give the same list).
    Ids are ``f"{figure_id}-{kind}-{k}"``. A scene of several figures gets none (the questions
    are about one image)."""
    if len(scene.figures) != 1:
        return []  # one question set per image: a program that drew several figures is skipped
    rng = random.Random(f"qa:{seed}:{figure_id}")
    g = relation_graph(scene)

    def read(build: Callable[[], Any], empty: Any) -> Any:
        # a scene is the program's own word: props of an unexpected type skip the family
        try:
            return build()
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return empty

    values_q, bar_extremes = read(lambda: _bar_questions(scene, rng), ([], []))
    by_kind: dict[str, list[_Q]] = {
        "count": read(lambda: _count_questions(scene, g), []),
        "bar_value": values_q,
        "extreme": bar_extremes + read(lambda: _slice_questions(scene, g), []),
        "label": read(lambda: _label_questions(scene, g), []),
        "region": read(lambda: _region_questions(scene, g), []),
        "connected": read(lambda: _connected_questions(scene, g, rng), []),
        "title": read(lambda: _title_questions(scene), []),
        "axis_label": read(lambda: _axis_label_questions(scene), []),
    }
    items = []
    for kind in KINDS:
        qs = by_kind[kind]
        if len(qs) > max_per_kind:
            keep = sorted(rng.sample(range(len(qs)), max_per_kind))
            qs = [qs[k] for k in keep]
        for k, q in enumerate(qs):
            items.append(
                QAItem(
                    f"{figure_id}-{kind}-{k}",
                    figure_id,
                    q.question,
                    q.answer,
                    q.answer_type,
                    q.options,
                    kind,
                    float(q.tolerance),
                    q.evidence,
                )
            )
    return items


# ------------------------------------------------------------------------------------------------
# checking a response
# ------------------------------------------------------------------------------------------------


def _latin(response: str, answer: str) -> bool:
    """Whether ``response`` is written mostly in a Latin script (Greek counts for neither side),
    unless the answer itself is not."""

    def foreign_share(text: str) -> tuple[int, int]:
        latin = foreign = 0
        for ch in text:
            if ch.isalpha():
                code = ord(ch)
                if code < 0x250:
                    latin += 1
                elif not 0x370 <= code < 0x400:
                    foreign += 1
        return latin, foreign

    la, fa = foreign_share(answer)
    if fa > la:
        return True
    latin, foreign = foreign_share(response)
    return foreign <= latin


_WORD_NUMBER = re.compile(rf"(?i)(?<![\w-])({NUMBER_WORD_RE})(?![\w-])")


def _number_of(span: str) -> float | None:
    """The one number a span states: the value of the span (or of what follows its last ``=``)
    as arithmetic, else its one distinct written number, else its one number word."""
    for part in dict.fromkeys((span, span.split("=")[-1])):
        value = evaluate_math(part.strip().rstrip("."))
        if value is not None:
            return value
    nums = {float(n) for n in numbers_in(span)}
    if len(nums) == 1:
        return nums.pop()
    if nums:
        return None
    words = {parse_number(m.group(1)) for m in _WORD_NUMBER.finditer(span)}
    words.discard(None)
    return words.pop() if len(words) == 1 else None  # type: ignore[return-value]


def _clean(text: str) -> str:
    t = text.replace("−", "-").replace("**", "").replace("$", "")
    t = t.strip().strip("\"'“”‘’`*").strip().rstrip(".。!").strip().strip("\"'“”‘’`*")
    return " ".join(t.split()).lower()


def _text_candidates(span: str) -> list[str]:
    """Readings of a span as a text answer: the whole span, each quoted phrase, and what
    follows "is" / "reads" / a colon ("The title is Sales")."""
    out = [span]
    out += [a or b for a, b in re.findall(r"\"([^\"]+)\"|“([^”]+)”", span)]
    m = re.search(r"(?i)(?:\b(?:is|are|reads|says)\b|:)\s+(.+)$", span)
    if m:
        out.append(m.group(1))
    return out


def check_answer(item: QAItem, response: object) -> bool:
    r"""Whether ``response`` (free text) answers ``item`` exactly.

    The final answer is read as the reason module reads one (:func:`~codepercept.reason.answers.
    final_span`): the last ``\boxed{}``, an ``<answer>`` tag, what follows "the answer is" /
    "Answer:", a **bold** phrase, else the last line. Integers must be equal, floats within the
    item's tolerance, texts equal ignoring case, spacing, quotes and a trailing period (or the
    text after "is" / a colon, or a quoted phrase), yes/no the first yes or no; a choice by its
    label ("(B)", "B") or its option text. Not text, blank, or written mostly in another script
    than the answer: False. Never raises."""
    if not isinstance(response, str) or not response.strip():
        return False
    try:
        if not _latin(response, item.answer):
            return False
        if item.answer_type == "choice":
            labels = item.labels
            lab = choice_label(response, labels, item.options)
            if lab is not None and lab in labels:
                return item.options[labels.index(lab)] == item.answer
            span = final_span(response)
            return span is not None and any(
                _clean(c) == _clean(item.answer) for c in _text_candidates(span)
            )
        span = final_span(response)
        if span is None:
            return False
        if item.answer_type in ("integer", "float"):
            value = _number_of(span)
            if value is None:
                return False
            gold = float(item.answer)
            if item.answer_type == "integer":
                return value == gold
            return abs(value - gold) <= item.tolerance + 1e-9 * max(1.0, abs(gold))
        gold = _clean(item.answer)
        if gold in ("yes", "no"):
            m = re.search(r"(?i)\b(yes|no)\b", span)
            return m is not None and m.group(1).lower() == gold
        return any(_clean(c) == gold for c in _text_candidates(span))
    except Exception:  # a response is hostile data: never raise on it
        return False


# ------------------------------------------------------------------------------------------------
# the text-only solver
# ------------------------------------------------------------------------------------------------

_NUM = rf"(?:\d+|{NUMBER_WORD_RE})"
# words that end a count's adjectives ("one of the points" counts nothing)
_STOP = "of|the|a|an|and|in|on|with|over|than|per|each|to|from|at|by|for|or|is|are|has|have|its"
_NOUNS: dict[str, tuple[tuple[str, ...], ...]] = {
    # question noun -> caption nouns, most specific first (a later group is a fallback)
    "bars": (("bar", "bars", "column", "columns"), ("rectangle", "rectangles")),
    "points": (("point", "points", "dot", "dots", "marker", "markers"),),
    "circles": (("circle", "circles"),),
    "lines": (("line", "lines", "curve", "curves"),),
    "arrows": (("arrow", "arrows", "vector", "vectors"),),
    "nodes": (("node", "nodes", "vertex", "vertices"),),
}


#: an adjective slot of a count is not itself a number ("5 labels and two arrows")
_NUM_WORD_GUARD = rf"(?!(?:{NUMBER_WORD_RE})\b)"


def _sentences(caption: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“\d(−-])", caption) if s.strip()]


def _count_of(caption: str, nouns: Sequence[str]) -> int | None:
    """The count a caption gives for ``nouns`` ("five rectangles", "14 blue points", "(15 bars
    in all)"): a total marked "in all" / "in total" first, else the first one written."""
    alt = "|".join(sorted(map(re.escape, nouns), key=len, reverse=True))
    stop = _STOP
    pat = re.compile(
        rf"(?i)(?<![\w.-])({_NUM})\s+((?:(?!(?:{stop})\b){_NUM_WORD_GUARD}[a-z-]+\s+){{0,3}}?)(?:{alt})\b"
    )
    found = []
    for m in pat.finditer(caption):
        value = parse_number(m.group(1))
        if value is None or value != int(value):
            continue
        tail = caption[m.end() : m.end() + 12].lower()
        found.append((0 if re.match(r"\s*(?:in all|in total)", tail) else 1, m.start(), int(value)))
    return min(found)[2] if found else None


def _solve_count(item: QAItem, caption: str) -> str | None:
    m = re.search(r"How many (bars|points|circles|lines|arrows|nodes)", item.question)
    if m is None:
        return None
    noun = m.group(1).split()[-1]
    for group in _NOUNS[noun]:
        n = _count_of(caption, group)
        if n is not None:
            return str(n)
    if noun == "nodes" and re.search(r"is connected to|an arrow goes from", caption, re.I):
        n = _count_of(caption, ("circle", "circles"))
        return None if n is None else str(n)
    return None


def _quoted(question: str) -> list[str]:
    return re.findall(r"\"([^\"]+)\"", question)


def _value_of(caption: str, label: str) -> float | None:
    """The number a caption binds to ``label`` ("Mar has the value 7", "the total for Mar is 7",
    "Mar: 7", "the longest bar is Mar with 7"); None when none or several disagree."""
    lab = re.escape(label)
    num = r"([-−]?\d+(?:[.,]\d+)?)"
    pats = [
        rf"(?<![\w-])\"?{lab}\"?(?![\w-])\s*(?:has\s+(?:the\s+|a\s+)?value(?:\s+of)?|has|is|was|equals|=|:|with|of|at|reads)\s+(?:about\s+|exactly\s+|the\s+value\s+)?{num}",
        rf"(?i:value\s+of|total\s+for|total\s+of|bar\s+for|bar)\s+\"?{lab}\"?(?![\w-])\s*(?:is|=|:)\s+{num}",
    ]
    values = set()
    for p in pats:
        for m in re.finditer(p, caption):
            v = parse_number(m.group(1).replace("−", "-"))
            if v is not None:
                values.add(v)
    return values.pop() if len(values) == 1 else None


def _solve_bar_value(item: QAItem, caption: str) -> str | None:
    names = _quoted(item.question)
    if len(names) != 1:
        return None
    v = _value_of(caption, names[0])
    return None if v is None else _fmt(v)


_MOST = {
    "max": "largest|biggest|longest|tallest|highest|greatest",
    "min": "smallest|shortest|lowest|least",
}


def _solve_extreme(item: QAItem, caption: str) -> str | None:
    pick = "max" if re.search(r"\b(?:longest|largest)\b", item.question) else "min"
    noun = r"(?:bar|column|slice|wedge|sector|share|value|total|category)"
    opts = sorted(item.options, key=len, reverse=True)
    alt = "|".join(re.escape(o) for o in opts)
    stated = set()
    for p in (
        rf"(?i:the\s+(?:{_MOST[pick]})\s+{noun}\s+(?:is|belongs\s+to|is\s+for)\s+(?:the\s+)?(?:{noun}\s+)?(?:for\s+|of\s+)?)\"?({alt})(?![\w-])",
        rf"(?<![\w-])\"?({alt})\"?\s+(?i:has|is|makes\s+up)\s+(?i:the\s+)(?i:{_MOST[pick]})\s+(?:{noun})",
    ):
        stated.update(m.group(1) for m in re.finditer(p, caption))
    if len(stated) == 1:
        return stated.pop()
    if stated:
        return None
    values = {o: _value_of(caption, o) for o in item.options}
    if any(v is None for v in values.values()):
        return None
    order = sorted(values.items(), key=lambda kv: kv[1], reverse=pick == "max")  # type: ignore[arg-type,return-value]
    if len(order) < 2 or order[0][1] == order[1][1]:
        return None
    return order[0][0]


_POINT_ITEM = re.compile(
    r"(?:^|;\s*)([^;:()]+?)\s+at\s+\(([-−]?\d+(?:\.\d+)?),\s*([-−]?\d+(?:\.\d+)?)\)"
)


def _solve_label(item: QAItem, caption: str) -> str | None:
    pos: dict[str, tuple[float, float]] = {}
    for sent in _sentences(caption):
        m = re.match(r"(?i)(?:labelled points:|the labelled points are)\s*", sent)
        if not m:
            continue
        for p in _POINT_ITEM.finditer(sent[m.end() :]):
            name = p.group(1).strip()
            x, y = (float(v.replace("−", "-")) for v in (p.group(2), p.group(3)))
            if name in pos and pos[name] != (x, y):
                return None
            pos[name] = (x, y)
    if any(o not in pos for o in item.options):
        return None
    q = item.question
    axis, sign = (
        (0, -1)
        if "left" in q
        else (0, 1)
        if "right" in q
        else (1, 1)
        if "highest" in q
        else (1, -1)
    )
    order = sorted(item.options, key=lambda o: sign * pos[o][axis], reverse=True)
    if pos[order[0]][axis] == pos[order[1]][axis]:
        return None
    return order[0]


def _region_sentences(caption: str) -> list[tuple[list[str], frozenset[str]]]:
    out = []
    for sent in _sentences(caption):
        m = re.fullmatch(r"(.+?)\s+(?:lies|lie)\s+in\s+(.+?)\s+only\.?", sent)
        if not m:
            continue
        items = [
            (a or b).strip()
            for a, b in re.findall(r"\"([^\"]*)\"|([^,\s][^,]*)", m.group(1))
            if (a or b).strip()
        ]
        sets = frozenset(s.strip() for s in re.split(r"\s*,\s*|\s+and\s+", m.group(2)) if s.strip())
        out.append((items, sets))
    return out


def _solve_region(item: QAItem, caption: str) -> str | None:
    names = frozenset(_quoted(item.question))
    if not names:
        return None
    found = [items for items, sets in _region_sentences(caption) if sets == names]
    if len(found) != 1 or len(found[0]) != 1:
        return None
    return found[0][0]


_EDGE_SENTENCE = re.compile(r"(?:An arrow goes from (.+?) to (.+?)|(.+?) is connected to (.+?))\.?")


def _caption_edges(caption: str) -> list[tuple[str, str, bool]] | None:
    """The connections a caption states, as ``(a, b, a_capitalised)``: ``a_capitalised`` when
    ``a`` opens its sentence, so its first letter may have been capitalised ("s is connected to
    A" is written "S is connected to A"). None when the caption states no connection."""
    out = []
    for sent in _sentences(caption):
        m = _EDGE_SENTENCE.fullmatch(sent)
        if not m:
            continue
        if m.group(1) is not None:
            out.append((m.group(1).strip(), m.group(2).strip(), False))
        else:
            out.append((m.group(3).strip(), m.group(4).strip(), True))
    return out or None


def _names(name: str, text: str, capitalised: bool) -> bool:
    return text == name or (capitalised and text == name[:1].upper() + name[1:])


def _solve_connected(item: QAItem, caption: str) -> str | None:
    names = _quoted(item.question)
    edges = _caption_edges(caption)
    if edges is None:
        return None
    if item.answer_type == "integer":
        if len(names) != 1:
            return None
        n = names[0]
        partners = {b for a, b, cap in edges if _names(n, a, cap)}
        partners |= {a for a, b, _ in edges if b == n}
        partners.discard(n)
        return str(len(partners)) if partners else None
    if len(names) != 2:
        return None
    a, b = names
    mentioned = [any(_names(x, u, cap) or v == x for u, v, cap in edges) for x in (a, b)]
    if not all(mentioned):
        return None
    linked = any(
        (_names(a, u, cap) and v == b) or (_names(b, u, cap) and v == a) for u, v, cap in edges
    )
    return "yes" if linked else "no"


_TITLE = re.compile(
    r"(?i:\btitled|\btitle\s+(?:is|reads|reading)|\btitle:)\s*[\"“](.*?)[\"”](?=[\s.,;]|$)", re.S
)


def _solve_title(item: QAItem, caption: str) -> str | None:
    """The one title a caption quotes ('It is titled "X"', 'The title reads "X"', 'The figure
    title is "X"'); None when it quotes none or several different ones."""
    titles = {m.group(1).rstrip(".") for m in _TITLE.finditer(caption)}
    return titles.pop() if len(titles) == 1 else None


def _solve_axis_label(item: QAItem, caption: str) -> str | None:
    """The x or y label: describe's 'The axes are labelled "X" and "Y".', else a sentence naming
    the axis ('The x-axis is labelled "X"', 'the y-axis label reads "Y"')."""
    axis = "x" if "x-axis" in item.question else "y"
    pairs = set(re.findall(r"The axes are labelled \"(.*?)\" and \"(.*?)\"\.(?=\s|$)", caption))
    named = set(
        re.findall(
            rf"(?i:\b{axis}-axis\s+(?:is\s+)?(?:labell?ed|label\s+(?:is|reads))|\b{axis}-axis\s+label:)"
            r"\s*[\"“](.*?)[\"”]",
            caption,
        )
    )
    found = {x if axis == "x" else y for x, y in pairs} | named
    return found.pop() if len(found) == 1 else None


_SOLVERS = {
    "count": _solve_count,
    "bar_value": _solve_bar_value,
    "extreme": _solve_extreme,
    "label": _solve_label,
    "region": _solve_region,
    "connected": _solve_connected,
    "title": _solve_title,
    "axis_label": _solve_axis_label,
}


#: How each family's questions are worded (``questions_for`` writes them; :func:`parse_question`
#: reads one back): (family, answer type, the question's stem without its options).
_QUESTION_FORMS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("count", "integer", re.compile(
        r"How many (?:bars are drawn in the chart|points \(dots or markers\) are drawn|circles "
        r"are drawn in the figure|lines or curves are drawn in the plot|arrows are drawn in the "
        r"figure|nodes does the graph have)\?")),
    ("bar_value", "float", re.compile(r'What is the value of the bar labelled ".+"\?')),
    ("extreme", "choice", re.compile(
        r"Which (?:bar is the (?:longest|shortest)|slice of the pie is the (?:largest|smallest))"
        r"\?")),
    ("label", "choice", re.compile(
        r"Which labelled point lies (?:furthest to the (?:left|right)|highest|lowest)\?")),
    ("region", "text", re.compile(
        r"In the set diagram, what is written in the region inside (?:set |all of ).+\?")),
    ("connected", "text", re.compile(
        r'Is node ".+" directly connected to node ".+" by a line or an arrow\? Answer yes or '
        r"no\.")),
    ("connected", "integer", re.compile(
        r'To how many other nodes is node ".+" directly connected \(by a line or an arrow, in '
        r"either direction\)\?")),
    ("title", "text", re.compile(r"What is the title of the figure\?")),
    ("axis_label", "text", re.compile(r"What is the label of the [xy]-axis\?")),
)  # fmt: skip
_OPTIONS_AT = " Options: ("


def _split_options(text: str) -> tuple[str, tuple[str, ...]] | None:
    """``(stem, options)`` of a question laid out by ``_choice_text`` (no options: ``()``);
    None when the options are not labelled in order."""
    at = text.find(_OPTIONS_AT)
    if at < 0:
        return text, ()
    rest = text[at + len(_OPTIONS_AT) - 1 :]
    labels = "ABCDEFGHIJ" if rest.startswith("(A) ") else "123456789"
    opts: list[str] = []
    for k, lab in enumerate(labels):
        head = f"({lab}) "
        if not rest.startswith(head):
            return None
        rest = rest[len(head) :]
        if k + 1 < len(labels):
            nxt = rest.find(f" ({labels[k + 1]}) ")
            if nxt >= 0:
                opts.append(rest[:nxt])
                rest = rest[nxt + 1 :]
                continue
        opts.append(rest)
        break
    return text[:at], tuple(opts)


def parse_question(text: str) -> QAItem | None:
    """The QA item a question's text asks, as far as the text says (family, answer type,
    options; no answer, no evidence): enough for :func:`solve_from_caption`, which is how a
    text-only solver behind an HTTP endpoint (``codepercept serve --backend qa-solver``)
    answers the set's questions. None for a question the set does not ask."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    split = _split_options(text)
    if split is None:
        return None
    stem, options = split
    for kind, answer_type, form in _QUESTION_FORMS:
        if form.fullmatch(stem) and (answer_type == "choice") == (len(options) >= 2):
            return QAItem("", "", text, "", answer_type, options, kind, 0.0)
    return None


def solve_from_caption(item: QAItem, caption: str) -> str | None:
    """Answer ``item`` from ``caption`` alone by parsing the sentences a code-grounded caption
    (:func:`codepercept.caption.describe`, with or without the generator's fact statements)
    writes; deterministic, no model. Reads only the question, its options and its family, never
    the answer or the evidence. None when the caption does not state what is needed."""
    if not isinstance(caption, str) or not caption.strip():
        return None
    solver = _SOLVERS.get(item.kind)
    if solver is None:
        return None
    try:
        return solver(item, caption)
    except (ValueError, IndexError, KeyError):
        return None


# ------------------------------------------------------------------------------------------------
# building a set
# ------------------------------------------------------------------------------------------------


def build_qa_set(
    n_figures: int,
    seed: int = 0,
    workers: int = 2,
    *,
    families: Sequence[str] | None = None,
    max_per_kind: int = 2,
    executor: Executor | None = None,
) -> tuple[list[QAItem], dict[str, bytes], dict[str, str]]:
    """Run ``n_figures`` generated programs — families taking turns over ``families`` (default
    :data:`QA_FAMILIES`), program ``k`` with the synth pipeline's seed ``derive_seed(seed, k)`` —
    and return ``(questions, figure_id -> PNG bytes, figure_id -> oracle caption)``.

    A figure id is the program's id (``family-seed``); the oracle caption is the one the synth
    pipeline writes for it (:func:`codepercept.synth.pipeline.caption_for`: ``describe`` of the
    scene with the generator's facts). A program that fails to run, or whose figure poses no
    question, is replaced by the next candidate, so exactly ``n_figures`` figures come back
    (unless 4 × ``n_figures`` candidates fail). ``executor`` reuses a running sandbox instead of starting one with ``workers``."""
    from codepercept.sandbox import Executor as _Executor
    from codepercept.synth.base import get_family
    from codepercept.synth.pipeline import caption_for, derive_seed

    names = list(families or QA_FAMILIES)
    fams = [get_family(n) for n in names]
    items: list[QAItem] = []
    images: dict[str, bytes] = {}
    captions: dict[str, str] = {}
    if n_figures <= 0:
        return items, images, captions
    own = executor is None
    ex = executor if executor is not None else _Executor(workers=workers)
    try:
        k = 0
        while len(images) < n_figures and k < 4 * n_figures:
            want = n_figures - len(images)
            progs = []
            for j in range(k, k + want):
                try:
                    progs.append(fams[j % len(fams)].generate(derive_seed(seed, j)))
                except Exception:  # a generator that fails for this seed: the next one
                    continue
            k += want
            results = ex.map([p.code for p in progs])
            for prog, res in zip(progs, results, strict=True):
                if res.status != "ok" or res.scene is None or not res.images:
                    continue
                fid = prog.id
                if fid in images:
                    continue
                asked = questions_for(res.scene, fid, max_per_kind=max_per_kind, seed=seed)
                if not asked:
                    continue  # a figure that settles nothing: the next candidate takes its place
                images[fid] = res.images[0]
                captions[fid] = caption_for(prog, res.scene)
                items += asked
    finally:
        if own:
            ex.close()
    return items, images, captions
