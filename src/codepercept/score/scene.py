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
from codepercept.score._common import (
    ScoreResult,
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

#: Dead band for left-of / above relations, normalised coordinates.
REL_EPS = 0.02
#: At most this many matched elements enter the O(m^2) relation comparison.
MAX_RELATION_ELEMENTS = 300
#: Longest residual string list matched by assignment in text fidelity; beyond, sorted pairing.
MAX_TEXT_ASSIGN = 200


# -- parts -------------------------------------------------------------------------------------


def _kind_counts(scene: Scene) -> Counter[str]:
    """Drawn items per canonical kind (a collection counts its ``count`` items)."""
    out: Counter[str] = Counter()
    for e in scene.visible_elements():
        out[canonical_kind(e.kind)] += max(int(e.count), 0)
    return out


def _group_counts(counts: dict[str, int]) -> Counter[str]:
    out: Counter[str] = Counter()
    for k, v in counts.items():
        out[GROUP_OF.get(k, k)] += v
    return out


def _completeness(a: Scene, b: Scene) -> float:
    ca, cb = _kind_counts(a), _kind_counts(b)
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


# -- the score ---------------------------------------------------------------------------------


def scene_score(reference: Scene, candidate: Scene) -> ScoreResult:
    """Compare what two programs drew; 0..100 (formulas in the module docstring).

    Returns:
        ``ScoreResult(total, parts={"style", "completeness", "position", "relations", "text"},
        details)``; ``details`` has ``n_reference``, ``n_candidate``, ``matched`` (list of
        ``[reference_index, candidate_index]`` into each scene's visible elements),
        ``relation_comparisons`` and ``empty`` (which sides had no visible element).
    """
    fa, fb = scene_features(reference), scene_features(candidate)
    encode_pair(fa, fb)
    na, nb = len(fa.kind), len(fb.kind)
    details: dict[str, object] = {"n_reference": na, "n_candidate": nb, "empty": [na == 0, nb == 0]}
    if na == 0 or nb == 0:
        if na == 0 and nb == 0:
            decor = text_fidelity(reference.texts(), candidate.texts())
            value = clip100(decor * _axes_flags(reference, candidate))
        else:
            value = 0.0
        details["matched"] = []
        return ScoreResult(value, dict.fromkeys(SCENE_WEIGHTS, value), details)

    m = match_elements(fa, fb)
    coverage = 2 * len(m.ia) / (na + nb)
    rel, n_rel = _relations(fa, fb, m)
    parts = {
        "style": clip100(2 * float(m.style.sum()) / (na + nb)),
        "completeness": clip100(_completeness(reference, candidate)),
        "position": clip100(2 * float(m.position.sum()) / (na + nb)),
        "relations": clip100(coverage * rel),
        "text": clip100(text_fidelity(reference.texts(), candidate.texts())),
    }
    details["matched"] = [[int(i), int(j)] for i, j in zip(m.ia, m.ib, strict=True)]
    details["relation_comparisons"] = n_rel
    return ScoreResult(weighted_total(parts, SCENE_WEIGHTS), parts, details)
