"""Relational claims: what a region holds, what connects to what, what is drawn over what.

Judged against the scene's :class:`~codepercept.scene.relations.RelationGraph`. Only names the
graph knows (shape names of a set diagram, node names of a graph or flow chart) and texts it
places make a claim checkable; anything else is left to the attribute claims (and is
``unverifiable`` rather than guessed).

Region claims, for named closed shapes ``A``, ``B``, ``C`` (a Venn diagram):

* "the intersection of A and B holds 5" / "the overlap of A and B contains 5" / "A ∩ B: 5" —
  ``5`` is written in a region inside both A and B (a three-set diagram's centre counts);
  contradicted when it is not, naming what the exact region {A, B} holds;
* "5 lies only in A" / "5 is in A only" — ``5``'s region is exactly {A};
  "5 lies in A" — its region includes A; "5 lies in both A and B" — includes both;
  "5 lies in A and B only" — exactly {A, B}; "5 lies outside A and B" / "outside all the sets"
  — in none of them.

Connection claims, for nodes the graph names: "A is connected to C", "A and C are connected",
"an edge joins A and C" (either direction, any edge); "an arrow goes from Start to Check",
"Start points to Check", "Start leads to Check" (a directed edge, that direction); "A is not
connected to D" is judged as its negation.

Stacking claims: "the red line is drawn over the blue line" / "on top of" / "above"/"behind"/
"under" — when exactly one visible element of each colour and noun exists and their boxes
overlap (matplotlib's draw order: zorder, then creation order).
"""

from __future__ import annotations

import re
from functools import lru_cache

from codepercept.caption.index import SceneIndex, main_colour
from codepercept.caption.judges import Claim
from codepercept.caption.vocab import COLOUR_RE, parse_number
from codepercept.scene.relations import RelationGraph

__all__ = ["relational_claims"]

_VERB = r"(?:holds?|contains?|has|have|shows?|is|are|reads?|:|=)"
_LIES = r"(?:lies|lie|is|are|sits|sit|appears|appear|falls|fall|belongs|belong|written)"


def _alt(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _split_names(text: str, names: dict[str, str]) -> list[str] | None:
    """ "A, B and C" -> the canonical names, or None when a part is not a name."""
    parts = [
        p.strip() for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*∩\s*", text) if p.strip()
    ]
    out = []
    for p in parts:
        p = re.sub(
            r"^(?:the\s+)?(?:circle|set|ellipse|region|group|ring|oval)\s+|\s+(?:circle|set|ellipse|region|group|ring|oval)$",
            "",
            p,
            flags=re.IGNORECASE,
        )
        canon = names.get(p.lower())
        if canon is None:
            return None
        out.append(canon)
    return out


_TRIGGER = re.compile(
    r"\bonly\b|rightmost|leftmost|topmost|uppermost|bottommost|belongs?\s+to|\bboth\b|\ball\s+(?:three|the)|tallest|highest|largest|biggest|longest|shortest|lowest|smallest|intersection|overlap|common|∩|\b(?:lies?|is|are|sits?|appears?|falls?|belongs?|written)\s+"
    r"(?:not\s+)?(?:only\s+)?(?:in|inside|within|outside)\b|connected|joined|linked|\b(?:edge|line|wire|link)"
    r"\s+(?:joins|connects|links)|arrow|\b(?:points?|leads?|flows?)\s+(?:in)?to\b|\bover\b|"
    r"on\s+top\s+of|above|behind|under|below|beneath|in\s+front\s+of",
    re.IGNORECASE,
)


def relational_claims(caption: str, index: SceneIndex) -> list[Claim]:
    """Every relational claim in ``caption``, judged (see the module docstring). A caption with
    no relational wording costs one regex search (the graph is not even built)."""
    if not _TRIGGER.search(caption):
        return []
    graph: RelationGraph = index.graph
    out: list[Claim] = []
    out += _extreme_claims(caption, graph)
    out += _point_claims(caption, graph)
    out += _region_claims(caption, graph)
    out += _connection_claims(caption, graph)
    out += _stacking_claims(caption, index, graph)
    return out


# -- extremes of bar charts --------------------------------------------------------------------

_MOST = {"tallest": (max, 1), "highest": (max, 1), "largest": (max, 1), "biggest": (max, 1),
         "longest": (max, 1), "greatest": (max, 1), "topmost": (max, 1), "uppermost": (max, 1),
         "shortest": (min, 1), "lowest": (min, 1), "smallest": (min, 1), "bottommost": (min, 1),
         "rightmost": (max, 0), "leftmost": (min, 0)}  # fmt: skip
_MOST_RE = "|".join(_MOST)
_NOUNS = {"bar": "bars", "bars": "bars", "column": "bars", "stacked bar": "bars",
          "value": "values", "count": "values", "total": "values",
          "slice": "slices", "wedge": "slices", "sector": "slices", "share": "slices",
          "piece": "slices", "point": "points", "dot": "points", "marker": "points"}  # fmt: skip
_NOUN_RE = _alt(list(_NOUNS))
_NAME = r"(?P<cat>[A-Za-z][\w'-]*(?:\s[A-Z][\w'-]*)?|\d[\w'-]*)"
_EXTREME = [
    re.compile(rf"(?i:\bthe\s+(?P<most>{_MOST_RE})\s+(?P<noun>{_NOUN_RE})\s+(?:is|belongs\s+to|represents|shows|is\s+for|is\s+that\s+of)\s+(?:the\s+)?(?:(?:{_NOUN_RE})\s+)?(?:for\s+|of\s+)?){_NAME}"),
    re.compile(rf"{_NAME}\s+(?i:has|shows|gets|takes|makes\s+up)\s+(?i:the\s+)(?P<most>(?i:{_MOST_RE}))\s+(?P<noun>(?i:{_NOUN_RE}))\b"),
    re.compile(rf"{_NAME}\s+(?i:is|forms|makes)\s+(?i:the\s+)(?P<most>(?i:{_MOST_RE}))\s+(?P<noun>(?i:{_NOUN_RE}))\b"),
]  # fmt: skip


def _resolve(name: str, choices: dict[str, float]) -> str | None:
    """The choice ``name`` denotes: the same (any case), or one a prefix of the other of at
    least three letters ("January" and the tick label "Jan"); None if none or several."""
    low = name.lower()
    exact = [c for c in choices if c.lower() == low]
    if exact:
        return exact[0]
    near = [
        c
        for c in choices
        if min(len(c), len(low)) >= 3 and (c.lower().startswith(low) or low.startswith(c.lower()))
    ]
    return near[0] if len(near) == 1 else None


def _extreme_claims(caption: str, g: RelationGraph) -> list[Claim]:
    domains: dict[str, dict[str, float]] = {}
    out = []
    for pat in _EXTREME:
        for m in pat.finditer(caption):
            most = m.group("most").lower()
            noun = " ".join(m.group("noun").lower().split())
            domain = _NOUNS.get(noun)
            pick, axis = _MOST[most]
            if domain not in domains:
                domains[domain] = _domain(g, domain)
            things = domains[domain] if domain != "points" else _point_axis(g, axis)
            if (domain != "points" and axis == 0) or len(things) < 2:
                continue  # "the rightmost bar" is about position, not length
            cat = _resolve(m.group("cat"), things)
            if cat is None:
                continue
            target = pick(things.values())
            winners = sorted(
                c for c, v in things.items() if abs(v - target) <= 1e-9 * max(1.0, abs(target))
            )
            c = Claim(
                m.start("cat"),
                m.end("cat"),
                m.group("cat"),
                "relation",
                f"extreme {most} {noun}",
                cat,
            )
            if cat in winners:
                c.verdict, c.evidence = "supported", f"the {most} {noun} is {cat}"
            else:
                c.verdict = "contradicted"
                c.evidence = f"the {most} {noun} is {' and '.join(winners)}"
                c.replacement = winners[0] if len(winners) == 1 else None
            out.append(c)
    return out


def _domain(g: RelationGraph, domain: str | None) -> dict[str, float]:
    if domain == "bars":
        return g.bars()
    if domain == "slices":
        return g.slices()
    if domain == "values":
        return g.bars() or g.slices()
    return {}


def _point_axis(g: RelationGraph, axis: int) -> dict[str, float]:
    return {name: float(p[axis]) for name, p in g.points.items()}


# -- labelled points inside shapes -------------------------------------------------------------

_POINT_IN = re.compile(
    r"(?:(?i:the\s+)?(?i:point)\s+)?(?P<p>[A-Z][A-Za-z0-9′']{0,3})\s+(?i:lies|is|sits|falls)\s+"
    r"(?P<neg>(?i:not)\s+)?(?P<rel>(?i:inside|within|in|outside))\s+(?i:of\s+)?(?i:the)\s+"
    r"(?P<kind>(?i:triangle|circle|polygon|rectangle|square|ellipse|quadrilateral|pentagon|hexagon))\b"
)


def _point_claims(caption: str, g: RelationGraph) -> list[Claim]:
    if not g.points:
        return []
    out = []
    for m in _POINT_IN.finditer(caption):
        got = g.point_in(m.group("p"), m.group("kind"))
        says_inside = (m.group("rel").lower() != "outside") != bool(m.group("neg"))
        c = Claim(m.start(), m.end(), m.group(0), "relation", "membership point", m.group("p"))
        if got is not None:
            truth = got == says_inside
            c.verdict = "supported" if truth else "contradicted"
            c.evidence = f"{m.group('p')} lies {'inside' if got else 'outside'} the {m.group('kind').lower()}"
        out.append(c)
    return out


# -- regions ---------------------------------------------------------------------------------


_SETWORD = r"(?i:circle|set|ellipse|region|group|ring|oval)"
# "both"/"all three sets" alone, not "both A and B" (that names the sets)
_ALL = (
    r"(?i:both(?:\s+(?:sets|circles))?|all\s+(?:three\s+|four\s+|the\s+)?(?:sets|circles|groups|regions)"
    r"|all\s+three|all\s+of\s+them)(?=\s*(?:[.,;:)]|$|\s+(?:sets|circles)\b))"
)
_MEMBER_VERBS = (
    r"(?i:lies|lie|is|are|sits|sit|appears|appear|falls|fall|belongs|belong|is\s+written|is\s+found|"
    r"takes?|study|studies|likes?|plays?|owns?|speaks?|chose|chooses|reads?|prefers?|has|have|"
    r"learns?|visits?|attends?|does|do)"
)


@lru_cache(maxsize=256)
def _region_patterns(shape_names: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The region and membership patterns for one diagram's set names (compiled once).

    Sets are one name or several ("A and B", "French, German and Spanish", "A ∩ B"), each
    optionally called a circle or set ("circle B", "the Dogs circle"). Names match with their
    case ("a" is an article, not set A); the words around them match in any case."""
    alt = _alt(list(shape_names))
    one = rf"(?:(?i:the\s+)?{_SETWORD}\s+)?(?:{alt})(?:\s+{_SETWORD})?"
    group = rf"{one}(?:\s*(?:,\s*(?:and\s+)?|\band\b|∩)\s*{one})*"
    value = r"(?P<value>[-−]?\d+(?:\.\d+)?%?|\"[^\"]{1,40}\"|[A-Za-z][\w'-]{0,15})"
    inter = re.compile(
        rf"(?i:\b(?:the\s+)?(?:(?:centre|center|central|middle)\s+)?(?:intersection\s+of|overlap\s+of|"
        rf"(?:region|part|area)\s+common\s+to|common\s+part\s+of|(?:region|part|area)\s+shared\s+by)\s+)"
        rf"(?P<names>{group})(?P<only>(?i:\s+only))?\s*,?\s*(?i:{_VERB})\s+(?i:the\s+(?:number|value|element)\s+)?{value}"
        rf"|(?P<names2>(?:{alt})(?:\s*∩\s*(?:{alt}))+)\s*(?i:{_VERB})\s*{value.replace('value', 'value2')}",
    )
    member = re.compile(
        rf"(?:\b(?i:the\s+)?(?i:number|element|value|item|word|letter)\s+)?"
        rf"(?P<value>[-−]?\d+(?:\.\d+)?%?|\"[^\"]{{1,40}}\"|\b[A-Za-z][\w'-]{{0,15}})"
        rf"(?:\s+[a-z]+){{0,2}}?\s+(?:(?i:only|also)\s+)?{_MEMBER_VERBS}\s+"
        rf"(?:(?P<only1>(?i:only)\s+)(?:(?i:in|inside|within|to)\s+)?(?P<a>{group})"
        rf"|(?:(?i:in|inside|within|to)\s+)?(?i:the\s+)?(?:(?i:intersection|overlap)\s+of\s+(?P<i>{group})"
        rf"|(?P<all>{_ALL})"
        rf"|(?P<both>(?i:both)\s+)?(?P<b>{group})(?P<only2>(?i:\s+only|\s+but\s+not\s+(?:in\s+)?)(?P<not>{group})?)?)"
        rf"|(?i:outside)\s+(?i:of\s+)?(?:(?i:the\s+)?{_ALL}|(?P<c>{group})|(?i:every\s+set|the\s+(?:sets|circles))))",
    )
    return inter, member


def _region_claims(caption: str, g: RelationGraph) -> list[Claim]:
    shapes = g.named_shapes()
    if len(shapes) < 2:
        return []
    names = {n.lower(): n for n in shapes}
    inter, member = _region_patterns(tuple(sorted(shapes)))
    written = {_strip(t).lower() for t in _region_items(g)}
    out = []
    for m in inter.finditer(caption):
        raw = m.group("names") or m.group("names2")
        val = m.group("value") or m.group("value2")
        sets = _split_names(raw, names)
        if not sets or len(sets) < 2 or not _checkable(val, written):
            continue
        exact = bool(m.group("only"))
        vs, ve = m.span("value") if m.group("value") else m.span("value2")
        out.append(_judge_region(g, vs, ve, val, val, set(sets), exact))
    for m in member.finditer(caption):
        val = m.group("value")
        if val.lower() in names or not _checkable(val, written):
            continue  # "A lies in B" is about sets, not members; an unknown word is prose
        excluded: set[str] | None = None
        if m.group("a") is not None:
            sets, exact = _split_names(m.group("a"), names), True
        elif m.group("i") is not None:
            sets, exact = _split_names(m.group("i"), names), False
        elif m.group("all") is not None:
            sets, exact = list(shapes), False
        elif m.group("b") is not None:
            only = (m.group("only2") or "").strip().lower()
            sets, exact = _split_names(m.group("b"), names), only == "only"
            if m.group("not") is not None:
                not_in = _split_names(m.group("not"), names)
                if not_in is None:
                    continue
                excluded, exact = set(not_in), False
        else:
            sets, exact = [], True
            if m.group("c") is not None and _split_names(m.group("c"), names) is None:
                continue
        if sets is None:
            continue
        out.append(
            _judge_membership(g, m.start(), m.end(), m.group(0), val, set(sets), exact, excluded)
        )
    return out


def _region_items(g: RelationGraph) -> list[str]:
    return [(g.scene.elements[i].text or "").strip() for i in g.text_region]


def _checkable(value: str, written: set[str]) -> bool:
    """A member claim is checked for numbers (a wrong number is a claim about the figure) and
    for words the diagram writes in its regions (any other word is prose: "it", "which")."""
    v = _strip(value)
    return parse_number(v.rstrip("%")) is not None or v.lower() in written


def _strip(v: str) -> str:
    return v.strip('"').replace("−", "-").strip()


def _same(a: str, b: str) -> bool:
    a, b = _strip(a).rstrip("%").lower(), _strip(b).rstrip("%").lower()
    if a == b:
        return True
    x, y = parse_number(a), parse_number(b)
    return x is not None and y is not None and abs(x - y) < 1e-9


def _judge_region(g: RelationGraph, start: int, end: int, text: str, value: str,
                  sets: set[str], exact: bool) -> Claim:  # fmt: skip
    c = Claim(start, end, text, "relation", "region " + " ∩ ".join(sorted(sets)), _strip(value))
    holds = [
        (t, r)
        for t_i, r in g.text_region.items()
        if (r == sets if exact else r >= sets)
        for t in [(g.scene.elements[t_i].text or "").strip()]
    ]
    exact_texts = g.region_texts(sets)
    where = " and ".join(sorted(sets)) + " only"
    if any(_same(t, value) for t, _ in holds):
        c.verdict, c.evidence = (
            "supported",
            f"{_strip(value)} is written in {where if exact else 'the overlap of ' + ' and '.join(sorted(sets))}",
        )
        return c
    c.verdict = "contradicted"
    c.evidence = f"the region {where} holds {', '.join(exact_texts) or 'nothing'}"
    if len(exact_texts) == 1:
        c.replacement = exact_texts[0]
    return c


def _judge_membership(g: RelationGraph, start: int, end: int, text: str, value: str,
                      sets: set[str], exact: bool, excluded: set[str] | None = None) -> Claim:  # fmt: skip
    where = (
        ("in " + " and ".join(sorted(sets)) + (" only" if exact else ""))
        if sets
        else "outside every set"
    )
    if excluded:
        where += " but not in " + " and ".join(sorted(excluded))
    c = Claim(start, end, text, "relation", "membership " + where, _strip(value))
    regions = g.regions_of(_strip(value))
    if not regions:
        c.verdict, c.evidence = "contradicted", f"{_strip(value)} is not written in the diagram"
        return c
    ok = any(
        ((r == frozenset(sets)) if (exact or not sets) else (r >= sets))
        and not (excluded and r & excluded)
        for r in regions
    )
    if ok:
        c.verdict, c.evidence = "supported", f"{_strip(value)} lies {where}"
        return c
    actual = regions[0]
    c.verdict = "contradicted"
    c.evidence = (f"{_strip(value)} lies in {' and '.join(sorted(actual))} only" if actual
                  else f"{_strip(value)} lies outside every set")  # fmt: skip
    return c


# -- connections -----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _connection_patterns(node_names: tuple[str, ...]) -> list[tuple[re.Pattern[str], bool | None]]:
    """The connection and arrow patterns for one figure's node names (compiled once)."""
    alt = _alt(list(node_names))
    # "node A", "the box Start", "the lamp L": a word may name what the node is
    n = rf"(?:(?i:the)\s+)?(?:[a-z]+\s+)?(?P<{{}}>{alt})(?![\w'′])"
    conn = r"(?:directly\s+)?(?:connected|joined|linked|adjacent)(?:\s+directly)?"
    return [
        (re.compile(n.format("a") + r"\s+(?:is|are)\s+(?P<neg>not\s+)?" + conn + r"\s+(?:to|with)\s+" + n.format("b")), False),
        (re.compile(n.format("a") + r"\s+and\s+" + n.format("b") + r"\s+are\s+(?P<neg>not\s+)?" + conn + r"\b"), False),
        (re.compile(r"(?i:an?\s+(?:edge|line|wire|link)\s+(?:joins|connects|links))\s+" + n.format("a") + r"\s+(?:and|to|with)\s+" + n.format("b")), False),
        (re.compile(r"(?i:there\s+is\s+)(?P<neg>(?i:no)\s+)?(?i:an?\s+)?(?i:edge|line|link|connection)\s+(?i:between)\s+" + n.format("a") + r"\s+and\s+" + n.format("b")), False),
        (re.compile(r"(?i:there\s+is\s+)(?P<neg>(?i:no)\s+)?(?i:an?\s+)?(?i:arrow)\s+(?i:between)\s+" + n.format("a") + r"\s+and\s+" + n.format("b")), None),
        (re.compile(r"(?i:an?\s+arrow\s+(?:goes|points|leads|runs)\s+from)\s+" + n.format("a") + r"\s+to\s+" + n.format("b")), True),
        (re.compile(n.format("a") + r"\s+(?P<neg>does\s+not\s+)?(?:points?|leads?|flows?)\s+(?:in)?to\s+" + n.format("b")), True),
    ]  # fmt: skip


def _connection_claims(caption: str, g: RelationGraph) -> list[Claim]:
    if len(g.nodes) < 2:
        return []
    pats = _connection_patterns(tuple(sorted(g.nodes)))
    out = []
    for pat, directed in pats:
        for m in pat.finditer(caption):
            a, b = m.group("a"), m.group("b")
            neg = bool(m.groupdict().get("neg"))
            if not g.neighbours(a) and not g.neighbours(b):
                # neither node has an edge the graph could read: an isolated pair, or edges
                # drawn in a way it does not follow; either way not a contradiction to claim
                out.append(
                    Claim(m.start(), m.end(), m.group(0), "relation", "connection", f"{a}-{b}")
                )
                continue
            if directed is None:  # an arrow between the two, either way
                ab, ba = g.arrow(a, b), g.arrow(b, a)
                got = None if ab is None else bool(ab or ba)
            else:
                got = g.arrow(a, b) if directed else g.connected(a, b)
            kind = "arrow" if directed is not False else "connection"
            c = Claim(m.start(), m.end(), m.group(0), "relation", kind, f"{a}-{b}")
            if got is None:
                c.verdict = "unverifiable"
            else:
                truth = got != neg
                c.verdict = "supported" if truth else "contradicted"
                linked = g.neighbours(a)
                c.evidence = (f"{a} is connected to {', '.join(linked)}" if linked
                              else f"{a} is connected to nothing")  # fmt: skip
                if directed and not truth and not neg and g.arrow(b, a):
                    c.evidence = f"the arrow goes from {b} to {a}"
            out.append(c)
    return out


# -- stacking --------------------------------------------------------------------------------

_NOUN_KINDS: dict[str, tuple[str, ...]] = {
    "line": ("line", "line3d"),
    "curve": ("line",),
    "bar": ("rectangle",),
    "circle": ("circle",),
    "rectangle": ("rectangle",),
    "square": ("rectangle",),
    "polygon": ("polygon",),
    "triangle": ("polygon",),
    "area": ("fill", "poly_collection"),
    "region": ("fill", "poly_collection", "polygon"),
    "points": ("points", "scatter"),
    "dots": ("points", "scatter"),
    "markers": ("points", "scatter"),
}


_NOUN = _alt(list(_NOUN_KINDS))
_STACKING = re.compile(
    rf"(?i:the\s+)(?P<c1>{COLOUR_RE})\s+(?P<n1>{_NOUN})\s+(?i:is\s+)?(?i:drawn\s+|plotted\s+|shown\s+|painted\s+)?"
    rf"(?P<rel>(?i:over|on\s+top\s+of|above|in\s+front\s+of|behind|under|underneath|below|beneath))"
    rf"\s+(?i:the\s+)(?P<c2>{COLOUR_RE})\s+(?P<n2>{_NOUN})",
    re.IGNORECASE,
)


def _stacking_claims(caption: str, index: SceneIndex, g: RelationGraph) -> list[Claim]:
    pat = _STACKING
    out = []
    vis = [(i, e) for i, e in enumerate(index.scene.elements) if e.visible and not e.clipped_out]
    for m in pat.finditer(caption):
        # the span is the relation word: a correction swaps "over" and "under", nothing else
        c = Claim(
            m.start("rel"),
            m.end("rel"),
            m.group("rel"),
            "relation",
            "stacking",
            m.group("rel").lower(),
        )

        def pick(colour: str, noun: str) -> list[int]:
            kinds = _NOUN_KINDS[noun.lower()]
            return [i for i, e in vis if e.kind in kinds and main_colour(e) == colour.lower()]

        a, b = pick(m.group("c1"), m.group("n1")), pick(m.group("c2"), m.group("n2"))
        if len(a) != 1 or len(b) != 1:
            out.append(c)  # unverifiable: not exactly one of each
            continue
        over = g.over(a[0], b[0])
        if over is None:
            out.append(c)
            continue
        says_over = " ".join(m.group("rel").lower().split()) in (
            "over",
            "on top of",
            "above",
            "in front of",
        )
        truth = over == says_over
        c.verdict = "supported" if truth else "contradicted"
        top, bottom = (m.group("c1"), m.group("c2")) if over else (m.group("c2"), m.group("c1"))
        c.evidence = (
            f"the {top} {m.group('n1') if over else m.group('n2')} is drawn over the {bottom} one"
        )
        if not truth:
            c.replacement = "under" if says_over else "over"
        out.append(c)
    return out
