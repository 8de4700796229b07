"""SceneIndex: what a caption may say about a scene — counts, labels, numbers, colours.

Built once per (scene, facts) and queried by the verifier and the describer. Everything in it
is read from the trace (and, when given, the generator's semantic ``facts``); nothing is guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from codepercept.caption.vocab import colour_matches, colour_name, noun_key, singular
from codepercept.scene.model import Element, Scene
from codepercept.scene.relations import RelationGraph, relation_graph
from codepercept.score import normalise_text

__all__ = [
    "SceneIndex",
    "build_index",
    "element_vertices",
    "evidence_sentences",
    "label_points",
    "main_colour",
    "numbers_in",
]

_NUM_RE = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?")
# Facts nouns a person would call by another name.
_FACT_SYNONYMS = {"tile": "domino", "node": "vertex", "slice": "wedge", "piece": "piece"}


def numbers_in(obj: Any) -> Iterable[float]:
    """Every number in ``obj``: numbers, numeric substrings of strings, recursively."""
    if isinstance(obj, bool):
        return
    if isinstance(obj, (int, float)):
        if math.isfinite(obj):
            yield float(obj)
    elif isinstance(obj, str):
        for m in _NUM_RE.finditer(obj):
            yield float(m.group().replace("−", "-"))
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from numbers_in(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from numbers_in(v)


def element_vertices(e: Element) -> list[list[float]]:
    """Distinct vertices of a polygon-like element in data coords (closing vertex dropped)."""
    pts = [p[:2] for p in (e.data or [])]
    if len(pts) > 1 and math.dist(pts[0], pts[-1]) < 1e-9:
        pts = pts[:-1]
    return pts


def _is_letter_label(s: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][′'₀-₉0-9]?", s.strip()))


def label_points(scene: Scene) -> dict[str, tuple[int | None, list[float]]]:
    """Point labels ("A", "B'") → (axes, data position of the labelled point).

    The position is the annotation's ``xy`` when it has one (the point it names), else the
    text's own anchor. First occurrence wins.
    """
    out: dict[str, tuple[int | None, list[float]]] = {}
    for e in scene.visible_elements():
        if e.kind not in ("text", "annotation") or not e.text or not _is_letter_label(e.text):
            continue
        xy = e.props.get("xy") if e.kind == "annotation" else None
        pos = xy if xy is not None else (e.data[0] if e.data else None)
        if pos is not None and e.text.strip() not in out:
            out[e.text.strip()] = (e.axes, [float(v) for v in pos[:2]])
    return out


def evidence_sentences(index: SceneIndex) -> list[str]:
    """Generator statements, structured facts as words, drawn texts with a number, and circle /
    ellipse measurements as words ("circle radius 2 centre 0 0")."""
    out = [str(s) for s in index.facts.get("statements", [])]
    for k, v in index.facts.items():
        name = k.replace("_", " ")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(f"{name} {v}")
        elif isinstance(v, dict):
            out += [f"{name} {kk} {vv}" for kk, vv in v.items() if isinstance(vv, (int, float))]
    lists = {k: v for k, v in index.facts.items() if isinstance(v, list) and v}
    for kn, nums in lists.items():
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in nums):
            for _ks, strs in lists.items():
                if len(strs) == len(nums) and all(isinstance(x, str) for x in strs):
                    out += [
                        f"{s} {kn.replace('_', ' ')} {x}" for s, x in zip(strs, nums, strict=False)
                    ]
    out += [t for t in index.texts if re.search(r"\d", t)]
    for e in index.scene.visible_elements():  # the scene's own measurements, as words
        p = e.props
        if "radius" in p:
            c = p.get("center") or [0, 0]
            out.append(f"{e.kind} radius {p['radius']:g} centre {c[0]:g} {c[1]:g}")
        elif e.kind in ("ellipse", "arc") and "width" in p and "height" in p:
            out.append(f"{e.kind} width {p['width']:g} height {p['height']:g}")
    return out


@dataclass
class SceneIndex:
    """Queryable view of a scene (and facts) for captions."""

    scene: Scene
    facts: dict[str, Any] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    numbers: list[float] = field(default_factory=list)
    fact_counts: dict[str, list[tuple[frozenset[str], int]]] = field(default_factory=dict)

    # -- derived once per index (a verify call judges many claims against the same index) -----
    @cached_property
    def points(self) -> dict[str, tuple[int | None, list[float]]]:
        """:func:`label_points` of the scene."""
        return label_points(self.scene)

    @cached_property
    def graph(self) -> RelationGraph:
        """The scene's relation graph (regions, names, connections, stacking)."""
        return relation_graph(self.scene)

    @cached_property
    def evidence(self) -> list[str]:
        """:func:`evidence_sentences` of this index."""
        return evidence_sentences(self)

    @cached_property
    def _normalised_texts(self) -> frozenset[str]:
        return frozenset(_norm(x) for x in self.texts)

    # -- counts --------------------------------------------------------------------------------
    def elements_for(self, key: str) -> list[Element]:
        """Visible elements a caption noun key denotes (see :data:`~.vocab.NOUNS`)."""
        vis = self.scene.visible_elements()
        if key == "arrow":
            return [
                e
                for e in vis
                if e.kind in ("arrow", "quiver")
                or (e.kind == "annotation" and e.props.get("has_arrow"))
            ]
        if key == "point":
            return [e for e in vis if e.kind in ("points", "scatter") or _small_circle(e)]
        if key in ("circle", "node"):
            return [e for e in vis if e.kind == "circle"]
        if key == "bar":
            return [
                e
                for e in vis
                if e.kind == "rectangle" and e.axes is not None and self.scene.axes[e.axes].axis_on
            ]
        if key in ("line", "edge"):
            return [e for e in vis if e.kind in ("line", "line3d", "line_collection")]
        if key == "curve":
            return [e for e in vis if e.kind in ("line", "line3d") and e.n_points > 2]
        sides = {"triangle": 3, "quadrilateral": 4, "pentagon": 5, "hexagon": 6}
        if key in sides:
            return [
                e for e in vis if e.kind == "polygon" and len(element_vertices(e)) == sides[key]
            ]
        if key in ("rectangle", "polygon", "arc", "ellipse", "wedge"):
            return [e for e in vis if e.kind == key]
        if key in ("label", "letter"):
            out = [e for e in vis if e.kind in ("text", "annotation") and e.text]
            return [e for e in out if _is_letter_label(e.text or "")] if key == "letter" else out
        return []

    def count(self, noun: str, modifiers: Iterable[str] = ()) -> list[int]:
        """Plausible true counts for "N <modifiers> <noun>", primary reading first; [] = unknown.

        Readings: the generator's count facts (``n_edges`` → edges, ``hidden_edges`` → hidden
        edges) when their words match, then the scene's elements for the noun (collections
        count their items; marker lines count their markers), filtered by colour or line-style
        modifiers.
        """
        mods = {m.lower() for m in modifiers}
        sing = singular(noun)
        out: list[int] = []
        for fnoun in {sing, _FACT_SYNONYMS.get(sing, sing)} | {
            k for k, v in _FACT_SYNONYMS.items() if v == sing
        }:
            for fmods, value in self.fact_counts.get(fnoun, []):
                if not fmods or (fmods <= mods | {"unit", "total"} and fmods & mods):
                    out.append(value)
        key = noun_key(noun)
        if key is not None and key not in ("legend", "title", "grid", "axes"):
            els = self.elements_for(key)
            styles = {"dashed", "dotted", "solid", "dashdot"} & mods
            if styles:
                els = [e for e in els if e.linestyle in styles]
            colours = [m for m in mods if any(colour_matches(m, c) for c in _COLOUR_PROBES)]
            if colours:
                # strict reading (the element's main colour is named so) before the tolerant one
                word = colours[0]
                strict = [
                    e
                    for e in els
                    if main_colour(e) == word.lower() and (e.kind != "annotation" or key != "label")
                ]
                tolerant = [
                    e for e in els if any(colour_matches(word, c) for c in _element_colours(e))
                ]
                main = [
                    e for e in els if any(colour_matches(word, c) for c in _element_colours(e)[:1])
                ]
                # a colour that fits nothing is the colour claim's error, not the count's
                if tolerant:
                    out += [_n_items(group) for group in (strict, main) if group]
                    els = tolerant
            if key == "point":
                out.append(_n_items(els))
            elif key in ("line", "edge"):
                out.append(sum(e.count for e in els))
                out.append(sum(max(e.n_points - 1, 1) for e in els))
            else:
                out.append(sum(e.count for e in els))
            if key == "point" and not styles and not colours:
                out.append(len(self.points))
                out.append(_n_items(e for e in els if e.kind != "circle"))
        elif key == "axes":
            out.append(len(self.scene.axes))
        return out

    def exists(self, key: str) -> bool | None:
        """Whether anything a noun key denotes is drawn; None when the key is not checkable."""
        if key == "legend":
            return any(a.legend for a in self.scene.axes) or any(
                f.legend for f in self.scene.figures
            )
        if key == "title":
            return any(a.title for a in self.scene.axes) or any(
                f.suptitle for f in self.scene.figures
            )
        if key == "grid":
            return any(a.grid for a in self.scene.axes) or None
        if key in ("label", "letter", "node", "edge", "axes", "curve"):
            return None  # too many ways to draw these to deny them
        if key == "circle":  # a pie or a ring of wedges is "a circle" to a reader
            return bool(self.elements_for("circle") or self.elements_for("wedge"))
        return bool(self.elements_for(key))

    # -- labels, numbers, colours --------------------------------------------------------------
    def has_text(self, s: str) -> bool:
        """Whether ``s`` is drawn as a string or a whitespace-separated token of one."""
        t = _norm(s)
        return t in self.tokens or t in self._normalised_texts

    def has_number(self, x: float, decimals: int) -> bool:
        """Whether some derivable number rounds to ``x`` at ``decimals`` places."""
        tol = 0.5 * 10.0**-decimals + 1e-9
        return any(abs(v - x) <= tol for v in self.numbers)

    def colour_names_of(self, key: str | None) -> list[str]:
        """Basic colour names of the elements of ``key`` (all elements if None), most used first."""
        els = self.elements_for(key) if key else self.scene.visible_elements()
        counts: dict[str, int] = {}
        for e in els:
            for c in _element_colours(e):
                n = colour_name(c)
                counts[n] = counts.get(n, 0) + max(e.count, 1)
        return sorted(counts, key=lambda n: -counts[n])

    def colour_present(self, word: str, key: str | None) -> bool:
        els = self.elements_for(key) if key else self.scene.visible_elements()
        return any(colour_matches(word, c) for e in els for c in _element_colours(e))


_COLOUR_PROBES = [
    [1.0, 0.0, 0.0, 1.0],
    [0.0, 0.0, 1.0, 1.0],
    [0.0, 0.5, 0.0, 1.0],
    [1.0, 0.5, 0.0, 1.0],
    [0.5, 0.5, 0.5, 1.0],
    [0.0, 0.0, 0.0, 1.0],
    [0.5, 0.0, 0.5, 1.0],
    [1.0, 1.0, 0.0, 1.0],
    [0.0, 0.7, 0.7, 1.0],
    [1.0, 0.6, 0.8, 1.0],
    [0.55, 0.3, 0.2, 1.0],
    [1.0, 1.0, 1.0, 1.0],
    [0.0, 0.0, 0.3, 1.0],
    [1.0, 0.0, 1.0, 1.0],
    [0.5, 0.5, 0.1, 1.0],
]


def _element_colours(e: Element) -> list[list[float]]:
    out = [c for c in (e.edgecolor, e.facecolor, e.color) if c is not None and c[3] > 0]
    out += [c for c in e.props.get("facecolors", []) or [] if isinstance(c, list) and len(c) == 4]
    return out


def main_colour(e: Element) -> str:
    """The basic colour name of an element's fill (else edge, else text colour); "" if none."""
    for c in (e.facecolor, e.edgecolor, e.color):
        if c is not None and c[3] > 0:
            return colour_name(c)
    return ""


def _n_items(els: Iterable[Element]) -> int:
    """Items drawn by ``els``: a marker line counts its markers, a collection its members."""
    return sum(e.n_points if e.kind == "points" else e.count for e in els)


def _small_circle(e: Element) -> bool:
    if e.kind != "circle" or not e.bbox:
        return False
    return (e.bbox[2] - e.bbox[0]) < 0.03 and (e.bbox[3] - e.bbox[1]) < 0.03


def _norm(s: str) -> str:
    return normalise_text(s.replace("−", "-").replace("’", "'")).lower()


def _fact_counts(facts: dict[str, Any]) -> dict[str, list[tuple[frozenset[str], int]]]:
    out: dict[str, list[tuple[frozenset[str], int]]] = {}
    for k, v in facts.items():
        if isinstance(v, bool) or not isinstance(v, int):
            continue
        words = (k[2:] if k.startswith("n_") else k).split("_")
        if not words or not words[-1].isalpha():
            continue
        out.setdefault(singular(words[-1]), []).append((frozenset(words[:-1]), v))
    return out


#: Element props that hold colours, sizes or indices, not numbers a figure states: a caption's
#: wrong number must not be "in the scene" because an RGBA component or an index equals it.
_NOT_NUMBERS = frozenset({"facecolors", "edgecolors", "item_colors", "cmap_colors",
                          "n_item_colors", "colors", "mappable", "item_sizes"})  # fmt: skip


def build_index(scene: Scene, facts: dict[str, Any] | None = None) -> SceneIndex:
    """Index ``scene`` (and the generator's ``facts``, when given) for caption checks."""
    from codepercept.caption.geometry import geometry_numbers

    facts = dict(facts or {})
    texts = [t for t in scene.texts() if t]
    texts += [e.label for e in scene.visible_elements() if e.label]
    texts += [str(s) for s in facts.get("labels", []) if isinstance(s, str)]
    tokens: set[str] = set()
    for t in texts:
        for line in t.splitlines():
            tokens.add(_norm(line))
            tokens.update(_norm(w) for w in re.split(r"[\s,;:()]+", line) if w)
    numbers: list[float] = []
    for t in texts:
        numbers.extend(numbers_in(t))
    for a in scene.axes:
        numbers.extend(numbers_in([a.xticks, a.yticks, a.zticks, a.xlim, a.ylim, a.zlim]))
    for e in scene.visible_elements():
        numbers.extend(numbers_in({k: v for k, v in e.props.items() if k not in _NOT_NUMBERS}))
    numbers.extend(geometry_numbers(scene))
    numbers.extend(numbers_in({k: v for k, v in facts.items()}))
    idx = SceneIndex(scene, facts, texts, tokens, sorted(set(numbers)), _fact_counts(facts))
    for key in ("point", "line", "circle", "bar", "arrow", "triangle", "rectangle", "polygon"):
        idx.numbers.extend(float(c) for c in idx.count(key))
    idx.numbers.extend([float(len(scene.axes)), float(len(scene.figures))])
    return idx
