"""The hand-written relational caption corpus: loading, structural checks, verdicts, metrics.

The corpus (``relations_corpus/``) is one matplotlib program per figure (``<name>.py``), written
by hand in the style of textbook and paper figures (never by ``codepercept.synth``), and beside
it ``<name>.json``:

``description``
    what the figure is, in one line.
``checks``
    structural facts the claims rely on, read back from the traced scene by
    :func:`check_structure` (so a program that stops drawing what its claims assume fails).
``claims``
    one sentence each: ``kind`` (``relational`` | ``attribute``), ``relation`` (region,
    membership, label_of, connection, arrow, stacking, extreme, … or the attribute type: count,
    colour, title, …), ``truth`` (bool), ``actual`` (for a false claim: what the figure really
    shows) and, for a true claim today's ``verify`` wrongly contradicts,
    ``known_false_positive``: the modes (``single`` | ``caption``) where it happens.
``bad_input``
    sentences in another language, with numbers in words, with units, or with nothing
    checkable (``bad_input`` names which); each is true or states nothing, so
    ``expect: "unverifiable"`` means any verdict but ``contradicted`` is acceptable.

Two modes: ``single`` verifies each claim alone; ``caption`` verifies all claims of a figure
as one caption and reads each claim's verdict from the claims inside its sentence. A sentence
is *flagged* when ``verify`` returns a contradicted claim inside it; its verdict is
``contradicted`` if flagged, else ``supported`` if any claim in it is supported, else
``unverifiable`` (also when nothing in it was parsed).

Metrics of contradiction detection (:func:`metrics`): a false claim flagged is a true positive,
a true claim flagged a false positive; precision = TP / (TP + FP), recall = TP / #false claims
(``None`` when the denominator is 0); ``unverifiable_true`` = true claims whose verdict is
unverifiable / #true claims.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codepercept.caption import Claim, verify
from codepercept.scene.model import Element, Scene

CORPUS_DIR = Path(__file__).with_name("relations_corpus")
MODES = ("single", "caption")
KINDS = ("relational", "attribute")
RELATIONS = {
    "relational": {
        "region",
        "membership",
        "label_of",
        "connection",
        "arrow",
        "stacking",
        "extreme",
        "on",
        "tangent",
        "parallel",
        "perpendicular",
        "position",
        "intersects",
        "comparison",
    },
    "attribute": {
        "count",
        "colour",
        "title",
        "axis_label",
        "value",
        "text",
        "legend",
        "linestyle",
        "element",
    },
}
BAD_INPUTS = {"other_language", "number_words", "units", "no_claim"}


# -- the corpus --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorpusClaim:
    """One sentence about one figure, with its hand-given label."""

    id: str  # "<figure>#<n>" (claims) or "<figure>!<n>" (bad input)
    figure: str
    text: str
    kind: str  # relational | attribute (bad input: the kind of what it says, or "none")
    relation: str
    truth: bool | None  # None: states nothing checkable
    actual: str = ""
    known_false_positive: tuple[str, ...] = ()
    bad_input: str = ""
    expect: str = ""


@dataclass
class Figure:
    name: str
    code: str
    description: str
    checks: dict[str, Any]
    claims: list[CorpusClaim]
    bad_input: list[CorpusClaim] = field(default_factory=list)


def load_corpus(directory: Path = CORPUS_DIR) -> list[Figure]:
    """Every figure of the corpus, sorted by name; raises ``ValueError`` on a malformed entry."""
    figures = []
    for meta in sorted(directory.glob("*.json")):
        name = meta.stem
        program = meta.with_suffix(".py")
        if not program.exists():
            raise ValueError(f"{meta.name} has no program {program.name}")
        d = json.loads(meta.read_text(encoding="utf-8"))
        claims = [_claim(name, f"{name}#{i}", c) for i, c in enumerate(d["claims"])]
        bad = [_claim(name, f"{name}!{i}", c) for i, c in enumerate(d.get("bad_input", []))]
        figures.append(
            Figure(
                name,
                program.read_text(encoding="utf-8"),
                d["description"],
                d["checks"],
                claims,
                bad,
            )
        )
    return figures


def _claim(figure: str, cid: str, c: dict[str, Any]) -> CorpusClaim:
    unknown = set(c) - {
        "text",
        "kind",
        "relation",
        "truth",
        "actual",
        "known_false_positive",
        "bad_input",
        "expect",
        "note",
    }
    if unknown:
        raise ValueError(f"{cid}: unknown fields {sorted(unknown)}")
    fp = c.get("known_false_positive", [])
    if isinstance(fp, str):
        fp = [fp]
    return CorpusClaim(
        cid,
        figure,
        c["text"],
        c["kind"],
        c["relation"],
        c["truth"],
        c.get("actual", ""),
        tuple(fp),
        c.get("bad_input", ""),
        c.get("expect", ""),
    )


def caption_of(claims: Sequence[CorpusClaim]) -> tuple[str, list[tuple[int, int]]]:
    """The claims joined into one caption, and each claim's span in it."""
    parts, spans, pos = [], [], 0
    for c in claims:
        spans.append((pos, pos + len(c.text)))
        parts.append(c.text)
        pos += len(c.text) + 1
    return " ".join(parts), spans


# -- verdicts ----------------------------------------------------------------------------------
def sentence_verdict(found: Iterable[Claim], span: tuple[int, int] | None = None) -> str:
    """The verdict of a sentence from ``verify``'s claims inside ``span`` (all when None)."""
    inside = [c for c in found if span is None or (c.start < span[1] and span[0] < c.end)]
    if any(c.verdict == "contradicted" for c in inside):
        return "contradicted"
    if any(c.verdict == "supported" for c in inside):
        return "supported"
    return "unverifiable"


@dataclass(frozen=True)
class Outcome:
    claim: CorpusClaim
    mode: str
    verdict: str
    evidence: str  # the contradicted claims' evidence, when flagged

    @property
    def flagged(self) -> bool:
        return self.verdict == "contradicted"


def _evidence(found: Iterable[Claim], span: tuple[int, int] | None = None) -> str:
    return "; ".join(
        f"{c.text!r}: {c.evidence}"
        for c in found
        if c.verdict == "contradicted" and (span is None or (c.start < span[1] and span[0] < c.end))
    )


def judge(
    claims: Sequence[CorpusClaim], scene: Scene, mode: str, timings: dict[str, float] | None = None
) -> list[Outcome]:
    """Verdicts of ``claims`` (one figure's) against ``scene``, one call per claim or one
    caption; the seconds spent in ``verify`` are added to ``timings[mode]`` when given."""
    t0 = time.perf_counter()
    out = []
    if mode == "single":
        for c in claims:
            found = verify(c.text, scene)
            out.append(Outcome(c, mode, sentence_verdict(found), _evidence(found)))
    elif mode == "caption":
        text, spans = caption_of(claims)
        found = verify(text, scene) if claims else []
        out = [
            Outcome(c, mode, sentence_verdict(found, s), _evidence(found, s))
            for c, s in zip(claims, spans, strict=True)
        ]
    else:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if timings is not None:
        timings[mode] = timings.get(mode, 0.0) + time.perf_counter() - t0
    return out


# -- metrics -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metrics:
    n_true: int
    n_false: int
    tp: int  # false claims flagged
    fp: int  # true claims flagged (the worst error)
    unverifiable_true: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.n_false if self.n_false else None

    @property
    def unverifiable_rate(self) -> float | None:
        return self.unverifiable_true / self.n_true if self.n_true else None


def metrics(outcomes: Iterable[Outcome]) -> Metrics:
    """Contradiction-detection counts over outcomes of labelled (true/false) claims."""
    n_true = n_false = tp = fp = unv = 0
    for o in outcomes:
        if o.claim.truth is None:
            continue
        if o.claim.truth:
            n_true += 1
            fp += o.flagged
            unv += o.verdict == "unverifiable"
        else:
            n_false += 1
            tp += o.flagged
    return Metrics(n_true, n_false, tp, fp, unv)


def _pct(x: float | None) -> str:
    return "    —" if x is None else f"{100 * x:5.1f}"


def table(outcomes: Sequence[Outcome], mode: str) -> str:
    """The per-relation table of one mode: rows per (kind, relation), a row per kind, overall."""
    rows = [o for o in outcomes if o.mode == mode]
    head = f"{'kind':<11}{'relation':<14}{'true':>5}{'false':>6}{'TP':>5}{'FP':>4}{'prec%':>7}{'recall%':>9}{'unverif(true)%':>16}"
    lines = [head, "-" * len(head)]

    def line(kind: str, rel: str, group: list[Outcome]) -> str:
        m = metrics(group)
        return (
            f"{kind:<11}{rel:<14}{m.n_true:>5}{m.n_false:>6}{m.tp:>5}{m.fp:>4}"
            f"{_pct(m.precision):>7}{_pct(m.recall):>9}{_pct(m.unverifiable_rate):>16}"
        )

    for kind in KINDS:
        group = [o for o in rows if o.claim.kind == kind]
        for rel in sorted({o.claim.relation for o in group}):
            lines.append(line(kind, rel, [o for o in group if o.claim.relation == rel]))
        lines.append(line(kind, "ALL", group))
        lines.append("")
    lines.append(line("ALL", "", rows))
    return "\n".join(lines)


def false_positives(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """True claims (or bad input) judged contradicted."""
    return [o for o in outcomes if o.flagged and o.claim.truth is not False]


# -- structural checks -------------------------------------------------------------------------
def check_structure(fig: Figure, scene: Scene) -> list[str]:
    """What ``fig.checks`` says the scene draws but it does not (empty: all hold)."""
    ch = fig.checks
    bad: list[str] = []
    drawn = scene.texts()
    for t in ch.get("texts", []):
        if t not in drawn:
            bad.append(f"text {t!r} not drawn")
    vis = scene.visible_elements()
    for kind, n in ch.get("kinds", {}).items():
        got = sum(1 for e in vis if e.kind == kind)
        if got != n:
            bad.append(f"{got} visible {kind} elements, expected {n}")
    for key, want in ch.get("axes", {}).items():
        got = [getattr(a, key) for a in scene.axes]
        if want not in got:
            bad.append(f"no axes has {key} {want!r} (got {got})")
    if "regions" in ch:
        shapes = [e for e in vis if e.kind == ch["regions"]["shape"]]
        for t, want in ch["regions"]["of"].items():
            anchors = _text_anchors(scene, t)
            if not anchors:
                bad.append(f"region text {t!r} not drawn")
                continue
            got = [i for i, e in enumerate(shapes) if _contains(e, anchors[0])]
            if got != want:
                bad.append(f"{t!r} lies in {ch['regions']['shape']}s {got}, expected {want}")
    for spec in ch.get("inside", []):
        shapes = [e for e in vis if e.kind == spec["shape"]]
        got = _contains(shapes[spec["index"]], spec["point"])
        if got != spec["inside"] or not _has_vertex(scene, spec["point"]):
            bad.append(f"point {spec['point']} inside={got} or not drawn, expected {spec}")
    for name, at in ch.get("labels", {}).items():
        anchors = _text_anchors(scene, name)
        tol = 0.12 * _span(scene)
        if not anchors or min(math.dist(a, at) for a in anchors) > tol:
            bad.append(f"label {name!r} not drawn near {at}")
        if not _has_vertex(scene, at):
            bad.append(f"nothing drawn at {at} (labelled {name!r})")
    if "arrows" in ch:
        want = sorted(tuple(a) for a in ch["arrows"])
        got = sorted(_arrows(scene, {n for a in want for n in a}))
        if got != want:
            bad.append(f"arrows {got}, expected {want}")
    if "edges" in ch:
        want = sorted(tuple(sorted(a)) for a in ch["edges"])
        got = sorted(_edges(scene, {n for a in want for n in a}))
        if got != want:
            bad.append(f"edges {got}, expected {want}")
    for spec in ch.get("arrow_at", []):
        if not any(
            math.dist(s, spec["start"]) <= 1e-3 * _span(scene)
            and math.dist(t, spec["end"]) <= 1e-3 * _span(scene)
            for s, t in _arrow_ends(scene)
        ):
            bad.append(f"no arrow from {spec['start']} to {spec['end']}")
    for top, under in ch.get("over", []):
        order = {e.label: i for i, e in enumerate(vis) if e.label}
        if top not in order or under not in order or order[top] < order[under]:
            bad.append(f"{top!r} is not drawn over {under!r}")
    if "bars" in ch:
        got = _bar_extremes(scene, ch["bars"].get("horizontal", False))
        for key in ("tallest", "shortest"):
            if key in ch["bars"] and got.get(key) != ch["bars"][key]:
                bad.append(f"{key} bar is {got.get(key)!r}, expected {ch['bars'][key]!r}")
    for spec in ch.get("tangent", []):
        c = [e for e in vis if e.kind == "circle"][spec["circle"]]
        p, q = spec["line"]
        seg = _segment(scene, p, q)
        d = _point_line_distance(c.props["center"], p, q)
        if seg is None or abs(d - c.props["radius"]) > 0.01 * c.props["radius"]:
            bad.append(f"line {p}-{q} not drawn tangent to circle {spec['circle']} (d={d:.3f})")
    for spec in ch.get("angles", []):
        a, b = (_segment(scene, *s) for s in (spec["a"], spec["b"]))
        if a is None or b is None:
            bad.append(f"segments of {spec} not drawn")
            continue
        ang = abs(_direction(*a) - _direction(*b)) % 180
        ang = min(ang, 180 - ang)
        if abs(ang - spec["deg"]) > 0.5:
            bad.append(f"angle between {spec['a']} and {spec['b']} is {ang:.1f}, not {spec['deg']}")
    for spec in ch.get("on_circle", []):
        c = [e for e in vis if e.kind == "circle"][spec["circle"]]
        d = math.dist(c.props["center"], spec["point"])
        if abs(d - c.props["radius"]) > 0.01 * c.props["radius"]:
            bad.append(f"{spec['point']} not on circle {spec['circle']}")
    return bad


def _span(scene: Scene) -> float:
    a = scene.axes[0]
    return max(a.xlim[1] - a.xlim[0], a.ylim[1] - a.ylim[0]) if a.xlim and a.ylim else 1.0


def _text_anchors(scene: Scene, s: str) -> list[list[float]]:
    """Where the texts reading ``s`` sit in data coordinates (an annotation: the point it names)."""
    out = []
    for e in scene.visible_elements():
        if e.kind not in ("text", "annotation") or (e.text or "").strip() != s:
            continue
        if e.kind == "annotation" and e.props.get("xy") is not None:
            out.append(e.props["xy"][:2])
        elif e.data:
            out.append(e.data[0][:2])
    return out


def _has_vertex(scene: Scene, at: Sequence[float]) -> bool:
    tol = 1e-3 * _span(scene)
    for e in scene.visible_elements():
        if e.kind in ("text", "annotation"):
            continue
        if any(math.dist(p[:2], at) <= tol for p in e.data or []):
            return True
        if "center" in e.props and e.kind == "circle" and math.dist(e.props["center"], at) <= tol:
            return True
    return False


def _contains(e: Element, pt: Sequence[float]) -> bool:
    x, y = pt[:2]
    if e.kind == "circle":
        return math.dist(e.props["center"], (x, y)) < e.props["radius"]
    if e.kind == "ellipse":
        cx, cy = e.props["center"]
        t = math.radians(e.props.get("angle", 0) or 0)
        dx, dy = x - cx, y - cy
        u, v = dx * math.cos(t) + dy * math.sin(t), -dx * math.sin(t) + dy * math.cos(t)
        return (u / (e.props["width"] / 2)) ** 2 + (v / (e.props["height"] / 2)) ** 2 < 1
    pts = [p[:2] for p in e.data or []]
    inside = False
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _nearest_text(scene: Scene, pt: Sequence[float], names: set[str]) -> str:
    """The node name (one of ``names``, drawn as text) whose anchor is nearest ``pt``."""
    best, name = math.inf, ""
    for e in scene.visible_elements():
        if e.kind == "text" and e.text and e.text.strip() in names and e.data:
            d = math.dist(e.data[0][:2], pt[:2])
            if d < best:
                best, name = d, e.text.strip()
    return name


def _arrow_ends(scene: Scene) -> list[tuple[list[float], list[float]]]:
    """(tail, head) in data coordinates of every arrow and annotation arrow."""
    out = []
    for e in scene.visible_elements():
        if e.kind == "arrow" and "start" in e.props:
            out.append((e.props["start"], e.props["end"]))
        elif e.kind == "annotation" and e.props.get("has_arrow"):
            out.append((e.props["xytext"], e.props["xy"]))
    return out


def _arrows(scene: Scene, names: set[str]) -> set[tuple[str, str]]:
    return {
        (_nearest_text(scene, s, names), _nearest_text(scene, t, names))
        for s, t in _arrow_ends(scene)
    }


def _edges(scene: Scene, names: set[str]) -> set[tuple[str, ...]]:
    out = set()
    for e in scene.of_kind("line"):
        if e.n_points == 2 and e.data:
            out.add(tuple(sorted(_nearest_text(scene, p, names) for p in e.data)))
    return out


def _bar_extremes(scene: Scene, horizontal: bool) -> dict[str, str]:
    ax = scene.axes[0]
    ticks, labels = (ax.yticks, ax.yticklabels) if horizontal else (ax.xticks, ax.xticklabels)
    heights: dict[str, float] = {}
    for e in scene.of_kind("rectangle"):
        if e.axes != 0 or not e.data:
            continue
        p = e.props
        centre = p["y"] + p["height"] / 2 if horizontal else p["x"] + p["width"] / 2
        size = p["width"] if horizontal else p["height"]
        i = min(range(len(ticks)), key=lambda k: abs(ticks[k] - centre))
        heights[labels[i]] = heights.get(labels[i], 0.0) + size
    if not heights:
        return {}
    return {"tallest": max(heights, key=heights.get), "shortest": min(heights, key=heights.get)}


def _segment(scene: Scene, p: Sequence[float], q: Sequence[float]) -> tuple[Any, Any] | None:
    tol = 1e-3 * _span(scene)
    for e in scene.of_kind("line"):
        pts = [v[:2] for v in e.data or []]
        for a, b in itertools.pairwise(pts):
            if (math.dist(a, p) <= tol and math.dist(b, q) <= tol) or (
                math.dist(a, q) <= tol and math.dist(b, p) <= tol
            ):
                return a, b
    return None


def _direction(a: Sequence[float], b: Sequence[float]) -> float:
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])) % 180


def _point_line_distance(c: Sequence[float], p: Sequence[float], q: Sequence[float]) -> float:
    (x0, y0), (x1, y1), (x2, y2) = c[:2], p[:2], q[:2]
    return abs((x2 - x1) * (y1 - y0) - (x1 - x0) * (y2 - y1)) / math.dist((x1, y1), (x2, y2))


def all_claims(fig: Figure) -> list[CorpusClaim]:
    """A figure's labelled claims and its bad-input sentences."""
    return fig.claims + fig.bad_input


def flagged(outcomes: Iterable[Outcome], mode: str, bad_input: bool) -> set[str]:
    """Ids of the true sentences judged contradicted in ``mode``."""
    return {
        o.claim.id
        for o in false_positives(outcomes)
        if o.mode == mode and bool(o.claim.bad_input) == bad_input
    }


def known_false_positives(figures: Iterable[Figure], mode: str, bad_input: bool) -> set[str]:
    """Ids the corpus records as judged contradicted today (``known_false_positive``)."""
    return {
        c.id
        for f in figures
        for c in all_claims(f)
        if mode in c.known_false_positive and bool(c.bad_input) == bad_input
    }


def new_false_positives(outcomes: Iterable[Outcome], figures: Iterable[Figure], mode: str,
                        bad_input: bool) -> list[str]:  # fmt: skip
    """True sentences judged contradicted beyond the recorded ones (sorted ids)."""
    outcomes = list(outcomes)
    return sorted(
        flagged(outcomes, mode, bad_input) - known_false_positives(figures, mode, bad_input)
    )


def check_labelling(figures: Iterable[Figure]) -> None:
    """Assert every figure's claims are labelled consistently: no sentence twice, known kinds
    and relations, a truth for every claim and the real value for every false one, and bad-input
    sentences that are true or state nothing (so "contradicted" is always wrong for them)."""
    for fig in figures:
        texts = [c.text for c in all_claims(fig)]
        assert len(texts) == len(set(texts)), f"{fig.name}: duplicate sentence"
        for c in fig.claims:
            assert c.kind in KINDS and c.relation in RELATIONS[c.kind], c.id
            assert isinstance(c.truth, bool), c.id
            assert bool(c.actual) == (not c.truth), f"{c.id}: a false claim says what is drawn"
            assert not c.bad_input and not c.expect, c.id
        for c in all_claims(fig):
            assert c.text.strip() == c.text and c.text[-1] in ".?!", c.id
            assert set(c.known_false_positive) <= set(MODES), c.id
            assert not c.known_false_positive or c.truth is not False, c.id
        for c in fig.bad_input:
            assert c.expect == "unverifiable" and c.bad_input in BAD_INPUTS, c.id
            # contradicted must always be wrong: the sentence is true or states nothing
            assert c.truth is True or (c.truth is None and c.bad_input == "no_claim"), c.id
