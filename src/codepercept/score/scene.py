"""Scene Score (the judge-free "Code Score"): compare what two programs drew, 0..100.

Both programs are traced to :class:`~codepercept.scene.model.Scene`; the score compares the
visible elements, not the source text. Full formulas: ``docs/scores.md``. In short:

* **Normalised geometry.** Each element's box (``bbox``, else the min/max of its ``fig``
  vertices) is re-expressed relative to the union box of all visible elements of its figure, so
  the same content at another figure size or margin lands on the same coordinates.
* **Matching.** Elements are matched one-to-one by ``scipy.optimize.linear_sum_assignment``
  within compatibility groups of kinds (:data:`KIND_GROUPS`; kinds in different groups never
  match — solved as one assignment with cross-group pairs priced out, which has the same optimum
  as one assignment per group; huge scenes are split, see
  :func:`codepercept.score._matching.match_elements`). Pair cost (0..1)::

      cost = (1*kind + 3*(1 - position) + 1*(1 - style) + 1*(1 - text)) / 6  (+ 0.01*|stack rank|)

  ``kind`` is 0 for the same kind, 1 for another kind of the same group. Pairs with cost above
  :data:`MAX_COST` are left unmatched.
* **Parts** (each 0..100), with ``N_ref``/``N_cand`` the numbers of visible elements and the sums
  over matched pairs — an unmatched element counts as 0 in the "matched F1"
  ``2*sum/(N_ref+N_cand)``:

  - ``completeness``: F1 over per-kind item counts (collections count ``count`` items); a count
    matched only at group level earns half.
  - ``position``: matched F1 of ``0.75*max(0, 1 - d/0.25) + 0.25*max(0, 1 - (|dw|+|dh|)/0.25)``
    (``d`` centre distance, ``dw``/``dh`` size differences, normalised coordinates).
  - ``style``: matched F1 of the mean of the style attributes either side sets: per colour slot
    (edge, face, text colour) ``max(0, 1 - dE76/50)`` in CIE Lab after compositing alpha over
    white (0 if only one side has it), linestyle equal, linewidth ``1 - |a-b|/max(a,b)``, marker
    equal.
  - ``relations``: coverage ``2m/(N_ref+N_cand)`` times the agreement rate over all pairs of
    matched elements of left/right, above/below (dead band 0.02), containment and — for pairs
    whose boxes overlap — stacking order (``zorder``, then drawing order).
  - ``text``: multiset of every visible string (:meth:`Scene.texts`: element texts, titles,
    axis labels, tick labels, legend entries), whitespace-normalised, exact matches first, the rest
    matched by assignment on edit similarity; ``2*sum(sim)/(L_ref+L_cand)``.

* ``total = (20*style + 20*completeness + 30*position + 20*relations + 10*text) / 100``, mirroring
  the STEM2Code Code Score rubric (layout & visual attributes 20, quantitative fidelity 20,
  positioning 30, relationships & stacking 20); the rubric's "code quality" 10 has no execution
  trace, so text fidelity takes that slot.

Edge cases: identical scenes score exactly 100. Exactly one side with no visible element scores 0
(every part). Both sides empty: every part equals ``100 * text * axes_flags`` over the axes
decorations alone (texts as above; flags is3d/axis_on/grid/xscale/yscale per axes index), which is
100 only when the decorations agree. The score is symmetric in its arguments up to tie-breaks of
the assignment.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment

from codepercept.scene.model import Scene
from codepercept.scene.relations import relation_graph
from codepercept.score._common import (
    SCORE_VERSION,
    ScoreResult,
    calibrate,
    check_version,
    clip100,
    edit_similarity,
    normalise_text,
    weighted_total,
)
from codepercept.score._matching import (
    DELTA_E_MAX,
    GROUP_OF,
    KIND_GROUPS,
    MAX_ASSIGN,
    MAX_COST,
    POS_TOL,
    Matches,
    SceneFeatures,
    canonical_kind,
    encode_pair,
    match_elements,
    scene_features,
)

__all__ = [
    "DELTA_E_MAX",
    "KIND_GROUPS",
    "MAX_ASSIGN",
    "MAX_COST",
    "POS_TOL",
    "SCENE_WEIGHTS",
    "scene_score",
    "text_fidelity",
]

#: Weights of the parts in the total (integers summing to 100; see the module docstring).
SCENE_WEIGHTS: dict[str, int] = {
    "style": 20,
    "completeness": 20,
    "position": 30,
    "relations": 20,
    "text": 10,
}

#: Version 2 weights (docs/scores.md, "Version 2").
SCENE_WEIGHTS_V2: dict[str, int] = {
    "style": 20,
    "completeness": 20,
    "position": 30,
    "relations": 20,
    "text": 10,
}
#: Version 2 chance levels: the median raw part (0..1) over pairs of programs of different
#: domains; a part is rescaled so that this level maps to 0 (docs/scores.md, "Calibration").
SCENE_CHANCE_V2: dict[str, float] = {
    "style": 0.03,
    "completeness": 0.28,
    "position": 0.07,
    "relations": 0.05,
    "text": 0.02,
}

#: Dead band for left-of / above relations, normalised coordinates.
REL_EPS = 0.02
#: At most this many matched elements enter the O(m^2) relation comparison.
MAX_RELATION_ELEMENTS = 300
#: Longest residual string list matched by assignment in text fidelity; beyond, sorted pairing.
MAX_TEXT_ASSIGN = 200


# -- parts -------------------------------------------------------------------------------------


def _kind_counts(scene: Scene, items: bool = True) -> Counter[str]:
    """Drawn items per canonical kind (a collection counts its ``count`` items), or with
    ``items=False`` elements per kind (a collection counts once)."""
    out: Counter[str] = Counter()
    for e in scene.visible_elements():
        out[canonical_kind(e.kind)] += max(int(e.count), 0) if items else 1
    return out


def _group_counts(counts: dict[str, int]) -> Counter[str]:
    out: Counter[str] = Counter()
    for k, v in counts.items():
        out[GROUP_OF.get(k, k)] += v
    return out


def _completeness(a: Scene, b: Scene, items: bool = True) -> float:
    ca, cb = _kind_counts(a, items), _kind_counts(b, items)
    ta, tb = sum(ca.values()), sum(cb.values())
    if ta + tb == 0:
        return 1.0
    exact = {k: min(ca[k], cb[k]) for k in ca.keys() & cb.keys()}
    ga, gb, ge = _group_counts(ca), _group_counts(cb), _group_counts(exact)
    matched = sum(exact.values()) + 0.5 * sum(
        min(ga[g], gb[g]) - ge[g] for g in ga.keys() & gb.keys()
    )
    return 2 * matched / (ta + tb)


def _relations(a: SceneFeatures, b: SceneFeatures, m: Matches) -> tuple[float, int]:
    """Agreement rate of pairwise relations among matched elements, and the comparison count."""
    ia, ib = m.ia, m.ib
    if len(ia) > MAX_RELATION_ELEMENTS:
        pick = np.linspace(0, len(ia) - 1, MAX_RELATION_ELEMENTS).round().astype(np.int64)
        ia, ib = ia[pick], ib[pick]
    k = len(ia)
    if k < 2:
        return 1.0, 0
    p, q = _pair_indices(k)
    valid = a.has_pos[ia][p] & a.has_pos[ia][q] & b.has_pos[ib][p] & b.has_pos[ib][q]
    n_valid = int(valid.sum())
    lr_a, ud_a, ct_a, ov_a, st_a = _pair_relations(a, ia, p, q)
    lr_b, ud_b, ct_b, ov_b, st_b = _pair_relations(b, ib, p, q)
    same = (lr_a == lr_b).astype(np.int64) + (ud_a == ud_b) + (ct_a == ct_b)
    agree = int(same[valid].sum())
    compared = 3 * n_valid
    stacked = valid & (ov_a | ov_b)
    agree += int((st_a == st_b)[stacked].sum())
    compared += int(stacked.sum())
    if compared == 0:
        return 1.0, 0
    return agree / compared, compared


@lru_cache(maxsize=64)
def _pair_indices(k: int) -> tuple[np.ndarray, np.ndarray]:
    p, q = np.triu_indices(k, 1)
    p.flags.writeable = False
    q.flags.writeable = False
    return p, q


def _pair_relations(
    f: SceneFeatures, idx: np.ndarray, p: np.ndarray, q: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Per pair (p, q) of ``f``'s elements ``idx``: left/right, above/below (-1, 0, 1),
    containment (0 none, 1 p in q, 2 q in p, 3 both), box overlap, stacking sign."""
    c = f.centre[idx]
    bp, bq = f.box[idx][p], f.box[idx][q]
    dx = c[q, 0] - c[p, 0]
    dy = c[q, 1] - c[p, 1]
    lr = (dx > REL_EPS).astype(np.int8) - (dx < -REL_EPS)
    ud = (dy > REL_EPS).astype(np.int8) - (dy < -REL_EPS)
    tol = 0.01
    p_in_q = (bp[:, 0] >= bq[:, 0] - tol) & (bp[:, 1] >= bq[:, 1] - tol)
    p_in_q &= (bp[:, 2] <= bq[:, 2] + tol) & (bp[:, 3] <= bq[:, 3] + tol)
    q_in_p = (bq[:, 0] >= bp[:, 0] - tol) & (bq[:, 1] >= bp[:, 1] - tol)
    q_in_p &= (bq[:, 2] <= bp[:, 2] + tol) & (bq[:, 3] <= bp[:, 3] + tol)
    contain = p_in_q.astype(np.int8) + 2 * q_in_p.astype(np.int8)
    overlap = (np.minimum(bp[:, 2], bq[:, 2]) > np.maximum(bp[:, 0], bq[:, 0])) & (
        np.minimum(bp[:, 3], bq[:, 3]) > np.maximum(bp[:, 1], bq[:, 1])
    )
    rank = f.rank[idx]
    stack = rank[q] > rank[p]  # ranks are distinct, so this is the sign
    return lr, ud, contain, overlap, stack


def text_fidelity(reference: list[str], candidate: list[str]) -> float:
    """Multiset string agreement, 0..1: ``2 * sum(sim) / (len(reference) + len(candidate))``.

    Strings are whitespace-normalised and empty ones dropped. Equal strings pair first; the rest
    are paired by optimal assignment on edit similarity (``1 - levenshtein / max length``), each
    pair contributing its similarity (unpaired strings contribute 0). Both lists empty: 1.0.
    Lists longer than :data:`MAX_TEXT_ASSIGN` after exact pairing are paired in sorted order.
    """
    ra = Counter(t for t in (normalise_text(s) for s in reference) if t)
    rb = Counter(t for t in (normalise_text(s) for s in candidate) if t)
    na, nb = sum(ra.values()), sum(rb.values())
    if na + nb == 0:
        return 1.0
    common = ra & rb
    total = float(sum(common.values()))
    la = sorted((ra - common).elements())
    lb = sorted((rb - common).elements())
    if la and lb:
        if max(len(la), len(lb)) <= MAX_TEXT_ASSIGN:
            sim = np.array([[edit_similarity(x, y) for y in lb] for x in la])
            r, c = linear_sum_assignment(-sim)
            total += float(sim[r, c].sum())
        else:
            total += sum(edit_similarity(x, y) for x, y in zip(la, lb, strict=False))
    return 2 * total / (na + nb)


def _axes_flags(a: Scene, b: Scene) -> float:
    n = max(len(a.axes), len(b.axes))
    if n == 0:
        return 1.0
    total = 0.0
    for i in range(min(len(a.axes), len(b.axes))):
        x, y = a.axes[i], b.axes[i]
        flags = [(x.is3d, y.is3d), (x.axis_on, y.axis_on), (x.grid, y.grid)]
        flags += [(x.xscale, y.xscale), (x.yscale, y.yscale)]
        total += sum(u == v for u, v in flags) / len(flags)
    return total / n


# -- version 2 parts (docs/scores.md, "Version 2") ---------------------------------------------


def _items_sim(x: np.ndarray, y: np.ndarray) -> float:
    """Mean colour similarity of two item colour lists (Lab), the longer resampled evenly."""
    if len(x) > len(y):
        x, y = y, x
    if len(y) > len(x):
        y = y[np.linspace(0, len(y) - 1, len(x)).round().astype(np.int64)]
    return float((1.0 - colour_distance_v2(x, y)).mean())


#: Version 2 colour distance: the CIE76 difference at which a colour pair reaches distance 1.
DELTA_E_MAX_V2 = 100.0
#: Chroma at and above which a hue difference counts in full (greys have no hue).
CHROMA_FULL = 20.0


def colour_distance_v2(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Distance 0..1 of Lab colour pairs (rows of ``x`` and ``y``), in LCh: the lightness and
    chroma difference ``hypot(dL, dC) / DELTA_E_MAX_V2`` plus the hue angle difference over 180
    degrees, the latter scaled by ``min(1, chroma / CHROMA_FULL)`` of the less saturated colour
    (greys have no hue); capped at 1. A hue turned by an angle costs in proportion to the
    angle, where dE76 saturates (red is about as far from green as from blue)."""
    ca, cb = np.hypot(x[:, 1], x[:, 2]), np.hypot(y[:, 1], y[:, 2])
    lc = np.hypot(x[:, 0] - y[:, 0], ca - cb) / DELTA_E_MAX_V2
    dh = np.abs(np.arctan2(x[:, 2], x[:, 1]) - np.arctan2(y[:, 2], y[:, 1]))
    dh = np.minimum(dh, 2 * np.pi - dh) / np.pi
    hue = dh * np.minimum(1.0, np.minimum(ca, cb) / CHROMA_FULL)
    return np.minimum(1.0, lc + hue)


def _colour_sim(a: SceneFeatures, b: SceneFeatures, i: int, j: int) -> float | None:
    """Colour agreement of one matched pair over the colour slots either side paints (edge,
    face, text); the face slot compares item by item when either side paints per-item (or
    colormapped) colours. None when neither side paints any colour."""
    total, count = 0.0, 0
    for slot in range(3):
        xa, xb = bool(a.has_col[i, slot]), bool(b.has_col[j, slot])
        ia = a.items[i] if slot == 1 else None
        ib = b.items[j] if slot == 1 else None
        if not (xa or xb or ia is not None or ib is not None):
            continue
        count += 1
        pa = ia if ia is not None else (a.lab[i, slot][None] if xa else None)
        pb = ib if ib is not None else (b.lab[j, slot][None] if xb else None)
        if pa is not None and pb is not None:
            total += _items_sim(pa, pb)
    return total / count if count else None


def _style_v2(a: SceneFeatures, b: SceneFeatures, m: Matches, coverage: float) -> float:
    """``coverage * prod_c agree_c`` over the style categories colour, linestyle, linewidth and
    marker; ``agree_c`` is the mean similarity over the matched pairs where either side sets
    ``c`` (a category no pair sets is left out; colour weighs each pair by ``1 + n * area``, see
    below). A product, so one category changed on a share ``f`` of the elements that have it
    costs ``f`` whatever else the figure sets."""
    sums = dict.fromkeys(("colour", "linestyle", "linewidth", "marker"), 0.0)
    counts = dict.fromkeys(sums, 0.0)
    ls_a, ls_b = a.codes["linestyle"], b.codes["linestyle"]
    mk_a, mk_b = a.codes["marker"], b.codes["marker"]
    # Colour weighs by the area an element covers as well as by element: a heatmap's image is
    # most of what the figure paints, its 50 cell labels little. Weight 1 + n * area, n the
    # element count and area the share of the union box its box covers.
    n = (len(a.kind) + len(b.kind)) / 2
    area_a = np.clip(a.size[:, 0] * a.size[:, 1], 0.0, 1.0) * a.has_pos
    area_b = np.clip(b.size[:, 0] * b.size[:, 1], 0.0, 1.0) * b.has_pos
    for i, j in zip(m.ia.tolist(), m.ib.tolist(), strict=True):
        c = _colour_sim(a, b, i, j)
        if c is not None:
            w = 1.0 + n * (area_a[i] + area_b[j]) / 2
            sums["colour"] += w * c
            counts["colour"] += w
        for key, xa, xb in (("linestyle", ls_a[i], ls_b[j]), ("marker", mk_a[i], mk_b[j])):
            if xa >= 0 or xb >= 0:
                sums[key] += float(xa == xb)
                counts[key] += 1
        wa, wb = a.linewidth[i], b.linewidth[j]
        if not (np.isnan(wa) and np.isnan(wb)):
            counts["linewidth"] += 1
            if not (np.isnan(wa) or np.isnan(wb)):
                top = max(wa, wb)
                sums["linewidth"] += 1.0 - abs(wa - wb) / top if top > 0 else 1.0
    agree = 1.0
    for key, n in counts.items():
        if n:
            agree *= sums[key] / n
    return coverage * agree


def _graph_agreement(
    ref: Scene, cand: Scene, a: SceneFeatures, b: SceneFeatures, m: Matches
) -> tuple[float, int]:
    """Agreement of the relation graphs (:mod:`codepercept.scene.relations`) under the
    matching: a matched text that labels an element must label the match of that element, and
    each connection (arrow) between two elements must join their matches (with the same
    direction). Returns (agreement rate, comparisons); no comparison: (1, 0)."""
    ga, gb = relation_graph(ref), relation_graph(cand)
    pos_a = {int(e): k for k, e in enumerate(a.index)}
    pos_b = {int(e): k for k, e in enumerate(b.index)}
    match = dict(zip(m.ia.tolist(), m.ib.tolist(), strict=True))
    lab_a = {pos_a[t]: pos_a[x] for t, x in ga.label_of.items() if t in pos_a and x in pos_a}
    lab_b = {pos_b[t]: pos_b[x] for t, x in gb.label_of.items() if t in pos_b and x in pos_b}
    agree = compared = 0
    for i, j in match.items():
        if i in lab_a or j in lab_b:
            compared += 1
            agree += int(i in lab_a and j in lab_b and match.get(lab_a[i]) == lab_b[j])

    def edges(g: object, pos: dict[int, int], mapping: dict[int, int] | None) -> set[tuple]:
        out: set[tuple] = set()
        for e in g.edges:  # type: ignore[attr-defined]
            x, y = g.nodes.get(e.a), g.nodes.get(e.b)  # type: ignore[attr-defined]
            if x not in pos or y not in pos:
                continue
            u, v = pos[x], pos[y]
            if mapping is not None:
                if u not in mapping or v not in mapping:
                    out.add(("unmatched", e.index))
                    continue
                u, v = mapping[u], mapping[v]
            out.add((u, v, True) if e.directed else (min(u, v), max(u, v), False))
        return out

    ea, eb = edges(ga, pos_a, match), edges(gb, pos_b, None)
    compared += len(ea) + len(eb)
    agree += 2 * len(ea & eb)
    return (agree / compared, compared) if compared else (1.0, 0)


def _relations_v2(
    ref: Scene, cand: Scene, a: SceneFeatures, b: SceneFeatures, m: Matches, coverage: float
) -> tuple[float, int]:
    """``coverage * geometric * stacking``: ``geometric`` is the agreement rate of left/right,
    above/below and containment over matched pairs together with the relation graph's label and
    connection comparisons (:func:`_graph_agreement`); ``stacking`` the agreement rate of the
    stacking order over matched pairs whose boxes overlap in either scene; each 1 with nothing
    to compare. Separate factors, so a reversed stacking order is not diluted by the geometric
    relations that stay true. (The graph's comparisons are pooled with the geometric ones, not a
    factor of their own: a figure has few of them, and one connection found on one side only,
    e.g. an arrow that ends a little further from its node at another figure size, would halve
    the part.)"""
    ia, ib = m.ia, m.ib
    if len(ia) > MAX_RELATION_ELEMENTS:
        pick = np.linspace(0, len(ia) - 1, MAX_RELATION_ELEMENTS).round().astype(np.int64)
        ia, ib = ia[pick], ib[pick]
    graph, n_geo = _graph_agreement(ref, cand, a, b, m)
    agree_geo = graph * n_geo
    stack, n_stack = 1.0, 0
    k = len(ia)
    if k >= 2:
        p, q = _pair_indices(k)
        valid = a.has_pos[ia][p] & a.has_pos[ia][q] & b.has_pos[ib][p] & b.has_pos[ib][q]
        lr_a, ud_a, ct_a, ov_a, st_a = _pair_relations(a, ia, p, q)
        lr_b, ud_b, ct_b, ov_b, st_b = _pair_relations(b, ib, p, q)
        same = (lr_a == lr_b).astype(np.int64) + (ud_a == ud_b) + (ct_a == ct_b)
        agree_geo += int(same[valid].sum())
        n_geo += 3 * int(valid.sum())
        stacked = valid & (ov_a | ov_b)
        n_stack = int(stacked.sum())
        if n_stack:
            stack = int((st_a == st_b)[stacked].sum()) / n_stack
    geo = agree_geo / n_geo if n_geo else 1.0
    return coverage * geo * stack, n_geo + n_stack


#: Weight of the tick labels of one axis, all together, against one content string (a title,
#: an axis label, a legend entry, a text or annotation) in the version 2 text part: tick labels
#: are what any chart of the kind shows; the content strings are what this figure says.
TICK_GROUP_WEIGHT = 1.0


def _text_groups(scene: Scene) -> dict[str, list[str]]:
    """Visible strings by role: ``content`` (element texts, suptitles, titles, axis labels,
    legend entries) and one group per axis of tick labels (``ticks<axes><x|y|z>``)."""
    content = [e.text for e in scene.visible_elements() if e.text]
    for f in scene.figures:
        content += ([f.suptitle] if f.suptitle else []) + list(f.legend)
    groups: dict[str, list[str]] = {}
    for ax in scene.axes:
        content += [ax.title, ax.xlabel, ax.ylabel, ax.zlabel, *ax.legend]
        if ax.axis_on:
            for letter, labels in (("x", ax.xticklabels), ("y", ax.yticklabels),
                                   ("z", ax.zticklabels)):  # fmt: skip
                kept = [t for t in labels if t and normalise_text(t)]
                if kept:
                    groups[f"ticks{ax.index}{letter}"] = kept
    groups["content"] = [t for t in content if t and normalise_text(t)]
    return groups


def _text_v2(ref: Scene, cand: Scene) -> float:
    """Role-weighted text fidelity: :func:`text_fidelity` per role group, averaged with weight
    ``(n_ref + n_cand) / 2`` for the content strings and :data:`TICK_GROUP_WEIGHT` for each
    axis's tick labels. No string on either side: 1."""
    ga, gb = _text_groups(ref), _text_groups(cand)
    num = den = 0.0
    for key in sorted(ga.keys() | gb.keys()):
        la, lb = ga.get(key, []), gb.get(key, [])
        if not la and not lb:
            continue
        w = (len(la) + len(lb)) / 2 if key == "content" else TICK_GROUP_WEIGHT
        num += w * text_fidelity(la, lb)
        den += w
    return num / den if den else 1.0


# -- the score ---------------------------------------------------------------------------------


def scene_score(reference: Scene, candidate: Scene, *, version: int = SCORE_VERSION) -> ScoreResult:
    """Compare what two programs drew; 0..100 (formulas in the module docstring).

    ``version``: 2 (the default) is the calibrated score of ``docs/scores.md``; 1 is the
    original formula, kept so published version-1 numbers can be reproduced.

    Returns:
        ``ScoreResult(total, parts={"style", "completeness", "position", "relations", "text"},
        details, version)``; ``details`` has ``n_reference``, ``n_candidate``, ``matched``
        (list of ``[reference_index, candidate_index]`` into each scene's visible elements),
        ``relation_comparisons`` and ``empty`` (which sides had no visible element).
    """
    check_version(version)
    weights = SCENE_WEIGHTS if version == 1 else SCENE_WEIGHTS_V2
    fa, fb = scene_features(reference, version), scene_features(candidate, version)
    encode_pair(fa, fb)
    na, nb = len(fa.kind), len(fb.kind)
    details: dict[str, object] = {"n_reference": na, "n_candidate": nb, "empty": [na == 0, nb == 0]}
    if na == 0 or nb == 0:
        if na == 0 and nb == 0:
            if version == 1:
                decor = text_fidelity(reference.texts(), candidate.texts())
            else:
                decor = _text_v2(reference, candidate)
            value = clip100(decor * _axes_flags(reference, candidate))
        else:
            value = 0.0
        details["matched"] = []
        return ScoreResult(value, dict.fromkeys(weights, value), details, version)

    m = match_elements(fa, fb)
    coverage = 2 * len(m.ia) / (na + nb)
    raw: dict[str, float]
    if version == 1:
        rel, n_rel = _relations(fa, fb, m)
        raw = {
            "style": 2 * float(m.style.sum()) / (na + nb),
            "completeness": _completeness(reference, candidate),
            "position": 2 * float(m.position.sum()) / (na + nb),
            "relations": coverage * rel,
            "text": text_fidelity(reference.texts(), candidate.texts()),
        }
        parts = {k: clip100(v) for k, v in raw.items()}
    else:
        relations, n_rel = _relations_v2(reference, candidate, fa, fb, m, coverage)
        raw = {
            "style": _style_v2(fa, fb, m, coverage),
            # elements and items weigh alike: a dropped 2,500-face surface is one element of
            # the figure, and a scatter of 40 points drawn with 20 is not complete
            "completeness": (
                _completeness(reference, candidate, items=False)
                + _completeness(reference, candidate)
            )
            / 2,
            "position": 2 * float(m.position.sum()) / (na + nb),
            "relations": relations,
            "text": _text_v2(reference, candidate),
        }
        parts = {k: clip100(calibrate(v, SCENE_CHANCE_V2[k])) for k, v in raw.items()}
        details["raw"] = {k: round(clip100(v), 4) for k, v in raw.items()}
    details["matched"] = [[int(i), int(j)] for i, j in zip(m.ia, m.ib, strict=True)]
    details["relation_comparisons"] = n_rel
    return ScoreResult(weighted_total(parts, weights), parts, details, version)
