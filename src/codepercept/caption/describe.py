"""Trace-derived captions: a natural-language description generated from a Scene.

Every number and label in the output is read from the scene (or the generator's facts): counts
from :meth:`SceneIndex.count`, coordinates/lengths/angles from
:mod:`codepercept.caption.geometry`, texts from :meth:`Scene.texts`. Phrasing varies with
``seed`` (synonyms and sentence frames), never the content.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from codepercept.caption.geometry import relations, segments
from codepercept.caption.index import SceneIndex, build_index, main_colour
from codepercept.caption.vocab import format_number, number_to_words
from codepercept.scene.model import Element, Scene
from codepercept.scene.relations import describe_edges, describe_regions

__all__ = ["STYLES", "describe", "figure_type"]

STYLES = ("dense", "brief")

# kind → (singular, plural) noun used in captions; keys of vocab.NOUNS so verify() reads them.
_NOUN = {
    "line": ("line", "lines"),
    "points": ("point", "points"),
    "scatter": ("point", "points"),
    "polygon": ("polygon", "polygons"),
    "rectangle": ("rectangle", "rectangles"),
    "circle": ("circle", "circles"),
    "ellipse": ("ellipse", "ellipses"),
    "wedge": ("wedge", "wedges"),
    "arc": ("arc", "arcs"),
    "arrow": ("arrow", "arrows"),
    "quiver": ("arrow", "arrows"),
    "text": ("label", "labels"),
    "annotation": ("label", "labels"),
    "line3d": ("line", "lines"),
}


def figure_type(scene: Scene) -> str:
    """A short noun phrase for the kind of figure ("a bar chart", "a geometric diagram")."""
    kinds = Counter(e.kind for e in scene.visible_elements())
    axis_on = any(a.axis_on for a in scene.axes)
    if any(a.is3d for a in scene.axes):
        return "a three-dimensional figure"
    if kinds["wedge"] >= 2:
        return "a pie chart"
    if kinds["scatter"]:
        return "a scatter plot"
    if kinds["rectangle"] >= 3 and axis_on:
        return "a bar chart"
    if axis_on and kinds["line"]:
        return "a plot of curves on axes"
    if kinds["polygon"] or kinds["circle"] or kinds["line"]:
        return "a diagram"
    return "a figure"


def _n(rng: random.Random, n: int) -> str:
    return number_to_words(n) if n < 20 and rng.random() < 0.5 else str(n)


def _element_groups(index: SceneIndex) -> list[tuple[str, str, int, list[tuple[int, str]]]]:
    """Per caption noun: (singular, plural, total, [(n, "style colour"), ...] breakdown).

    Totals and breakdowns are the readings :meth:`SceneIndex.count` gives for the same words
    (a breakdown filters by exact line style and main colour), so a described count verifies.
    """
    totals: Counter[str] = Counter()
    parts: dict[str, Counter[str]] = {}
    for e in index.scene.visible_elements():
        if e.kind not in _NOUN:
            continue
        sing = _NOUN[e.kind][0]
        n = e.n_points if e.kind == "points" else e.count
        style = (
            e.linestyle
            if sing in ("line", "arc", "polygon", "circle")
            and e.linestyle in ("solid", "dashed", "dotted", "dashdot")
            else ""
        )
        adj = " ".join(w for w in (style, _main_colour(e)) if w)
        totals[sing] += n
        parts.setdefault(sing, Counter())[adj] += n
        if e.kind == "annotation" and e.props.get("has_arrow"):
            totals["arrow"] += 1
            parts.setdefault("arrow", Counter())[""] += 1
    plural = {v[0]: v[1] for v in _NOUN.values()}
    return [
        (sing, plural[sing], totals[sing], [(n, a) for a, n in parts[sing].items()])
        for sing in totals
    ]


def _main_colour(e: Element) -> str:
    return "" if e.kind in ("text", "annotation") else main_colour(e)


def _axes_sentences(index: SceneIndex, rng: random.Random) -> list[str]:
    out = []
    for a in index.scene.axes:
        if a.title:
            out.append(rng.choice(['It is titled "{}".', 'The title reads "{}".']).format(a.title))
        if a.axis_on and not a.is3d and a.xlim and a.ylim:
            xr = f"{format_number(a.xlim[0])} to {format_number(a.xlim[1])}"
            yr = f"{format_number(a.ylim[0])} to {format_number(a.ylim[1])}"
            out.append(
                rng.choice(
                    [
                        "The x-axis runs from {} and the y-axis from {}.",
                        "The axes span x from {} and y from {}.",
                    ]
                ).format(xr, yr)
            )
            if a.xlabel or a.ylabel:
                out.append(
                    f'The axes are labelled "{a.xlabel}" and "{a.ylabel}".'
                    if a.xlabel and a.ylabel
                    else f'The axis is labelled "{a.xlabel or a.ylabel}".'
                )
            ticks = [t for t in a.xticklabels if t][:8]
            if ticks:
                out.append("The x tick labels are " + ", ".join(f'"{t}"' for t in ticks) + ".")
        if a.legend:
            out.append(
                rng.choice(["A legend lists ", "The legend shows "])
                + ", ".join(f'"{t}"' for t in a.legend)
                + "."
            )
    for f in index.scene.figures:
        if f.suptitle:
            out.append(f'The figure title is "{f.suptitle}".')
    return out


def _geometry_sentences(index: SceneIndex, rng: random.Random) -> list[str]:
    out = []
    pts = index.points
    if pts:
        items = [
            f"{n} at ({format_number(p[0])}, {format_number(p[1])})" for n, (_, p) in pts.items()
        ]
        out.append(
            rng.choice(["Labelled points: ", "The labelled points are "])
            + "; ".join(items[:12])
            + "."
        )
    for e in index.scene.of_kind("circle"):
        c, r = e.props.get("center"), e.props.get("radius")
        if c is not None and r is not None and len(out) < 6:
            out.append(
                f"A circle has centre ({format_number(c[0])}, {format_number(c[1])}) "
                f"and radius {format_number(r)}."
            )
    segs = segments(index.scene)[:4]
    if segs:
        parts = [
            f"from ({format_number(s.p[0])}, {format_number(s.p[1])}) to "
            f"({format_number(s.q[0])}, {format_number(s.q[1])}), length {format_number(s.length)}"
            f" at {format_number(round(s.angle, 1))}°"
            for s in segs
        ]
        out.append(rng.choice(["Straight segments run ", "Segments go "]) + "; ".join(parts) + ".")
    rels = relations(index.scene)
    if rels:
        phr = [
            f"{r.subject} are collinear"
            if r.relation == "collinear"
            else f"{r.subject} {'' if r.relation == 'intersects' else 'is '}{r.relation} {r.object}"
            for r in rels
        ]
        out.append(rng.choice(["Spatially, ", "In the layout, "]) + "; ".join(phr) + ".")
    return out


def _relation_sentences(index: SceneIndex) -> list[str]:
    """What lies in each region of a set diagram, and what connects to what (from the scene's
    relation graph; each sentence is one :mod:`~codepercept.caption.relational` claim)."""
    g = index.graph
    out = [s[0].upper() + s[1:] + "." for s in describe_regions(g)]
    out += [s[0].upper() + s[1:] + "." for s in describe_edges(g)]
    return out


def describe(
    scene: Scene, facts: dict[str, Any] | None = None, style: str = "dense", seed: int = 0
) -> str:
    """A caption of ``scene``: ``dense`` (complete, for training) or ``brief`` (2–3 sentences).

    Reading order: figure type and title, counts per kind with colours and line styles, drawn
    texts, axes (ranges, labels, ticks, legends), geometry (labelled points, circles, segments,
    relations), then the generator's fact statements when ``facts`` is given. Deterministic for
    a given (scene, facts, style, seed). Raises ``ValueError`` for an unknown style.
    """
    if style not in STYLES:
        raise ValueError(f"unknown caption style {style!r}; choose one of {', '.join(STYLES)}")
    rng = random.Random(seed)
    index = build_index(scene, facts)
    ftype = figure_type(scene)
    groups = _element_groups(index)
    parts = []
    for sing, plur, total, breakdown in groups:
        phrase = f"{_n(rng, total)} {sing if total == 1 else plur}"
        if len(breakdown) == 1 and breakdown[0][1]:
            phrase = f"{_n(rng, total)} {breakdown[0][1]} {sing if total == 1 else plur}"
        elif len(breakdown) > 1 and style == "dense":
            # an unstyled group would read as a count of all of them, so it is left implicit
            inner = [f"{_n(rng, n)} {a} {sing if n == 1 else plur}" for n, a in breakdown if a]
            phrase += " (" + ", ".join(inner) + ")"
        parts.append(phrase)
    counts = (
        ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + (parts[-1] if parts else "")
    )
    opener = rng.choice(["The image shows {}", "This is {}", "Shown is {}", "The figure is {}"])
    first = opener.format(ftype)
    if counts:
        first += rng.choice([" made of {}.", " containing {}.", " with {}."]).format(counts)
    else:
        first += "."
    texts = [t for t in dict.fromkeys(scene.texts()) if t and "\n" not in t]
    if style == "brief":
        sents = [first]
        title = next((a.title for a in scene.axes if a.title), "")
        if title:
            sents.append(f'Its title is "{title}".')
        elif texts:
            sents.append("It is labelled " + ", ".join(f'"{t}"' for t in texts[:6]) + ".")
        stmts = (facts or {}).get("statements", [])
        if stmts:
            s = str(stmts[0])
            sents.append(s[0].upper() + s[1:] + ("" if s.endswith(".") else "."))
        return " ".join(sents[:3])
    sents = [first]
    if texts:
        sents.append(
            rng.choice(["The drawn texts are ", "Text in the figure reads "])
            + ", ".join(f'"{t}"' for t in texts[:30])
            + "."
        )
    sents += _axes_sentences(index, rng)
    sents += _geometry_sentences(index, rng)
    sents += _relation_sentences(index)
    for s in (facts or {}).get("statements", []):
        s = str(s)
        sents.append(s[0].upper() + s[1:] + ("" if s.endswith(".") else "."))
    return " ".join(sents)
