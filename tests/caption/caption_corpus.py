"""A deterministic (caption, scene) corpus: free-style correct captions and planted hallucinations.

Scenes come from running synth family programs in the real sandbox. Correct captions are
written here by hand per family (templates filled from the generator's facts and the scene,
worded as a person would, not by ``describe``); each template marks the spans a hallucination
may hit (counts, labels, values, colours). Planted errors perturb one marked span, or add a
sentence about an element the figure does not have.

Colour names for templates use this module's own nearest-reference table, independent of the
library's hue rules.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codepercept.scene.model import Scene
from codepercept.synth import get_family

# -- caption pieces --------------------------------------------------------------------------


@dataclass
class Slot:
    """A marked span of a caption that a hallucination may replace."""

    kind: str  # count | label | value | colour
    text: str


Piece = str | Slot


@dataclass
class Item:
    """One corpus entry: a caption for a scene, correct or with one planted error."""

    id: str
    family: str
    domain: str
    scene: Scene
    facts: dict[str, Any]
    caption: str
    correct: bool
    error: str = ""  # count | label | value | colour | element ("" for correct captions)
    span: tuple[int, int] = (0, 0)  # where the planted error sits in ``caption``
    original: str = ""  # the correct caption the error was planted in


_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def C(n: int, words: bool = False) -> Slot:
    return Slot("count", _WORDS[n] if words and n < len(_WORDS) else str(n))


def V(x: float | str) -> Slot:
    return Slot("value", str(x))


def L(s: str) -> Slot:
    return Slot("label", s)


def K(s: str) -> Slot:
    return Slot("colour", s)


def colour_word(rgba: list[float] | None) -> str:
    """A plain colour word from HSV: greys by value, else the hue's name."""
    import colorsys

    r, g, b = (rgba or [0.0, 0.0, 0.0])[:3]
    h, sat, val = colorsys.rgb_to_hsv(r, g, b)
    if val < 0.2:
        return "black"
    if sat < 0.2:
        return "white" if val > 0.95 else "grey"
    deg = h * 360
    for limit, name in (
        (15, "red"),
        (40, "orange"),
        (70, "yellow"),
        (160, "green"),
        (195, "teal"),
        (250, "blue"),
        (300, "purple"),
        (340, "pink"),
        (361, "red"),
    ):
        if deg < limit:
            return name
    return "red"


def _main(scene: Scene, kind: str) -> str | None:
    """The one colour word shared by every element of ``kind``; None when they differ."""
    words = {colour_word(e.facecolor or e.edgecolor) for e in scene.of_kind(kind)}
    return words.pop() if len(words) == 1 else None


# -- hand-written free-style captions, one template per family ---------------------------------
Template = Callable[[dict[str, Any], Scene], list[Piece]]


def _bar(f: dict[str, Any], s: Scene) -> list[Piece]:
    colour = _main(s, "rectangle")
    tail: list[Piece] = [" The bars are filled in ", K(colour), "."] if colour else []
    return [
        f"This {f['orientation']} bar chart compares ",
        C(f["n_bars"], True),
        " bars. ",
        str(f["max_category"]),
        " comes out on top at ",
        V(f["max_value"]),
        ", while ",
        str(f["min_category"]),
        " is lowest at ",
        V(f["min_value"]),
        ".",
        *tail,
    ]


def _hist(f: dict[str, Any], s: Scene) -> list[Piece]:
    w = f["bin_edges"][1] - f["bin_edges"][0]
    return [
        "Frequencies are shown as ",
        C(f["n_bars"]),
        " adjacent bars, each of width ",
        V(w),
        ", and together they add up to ",
        V(f["n"]),
        " observations.",
    ]


def _pie(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "The circle is divided into ",
        C(f["n_slices"], True),
        " slices; ",
        str(f["max_category"]),
        " takes the largest share with ",
        V(max(f["percentages"])),
        "%.",
    ]


def _scatter(f: dict[str, Any], s: Scene) -> list[Piece]:
    colour = _main(s, "scatter")
    return [
        "We see ",
        C(f["n_points"]),
        " ",
        *([K(colour), " "] if colour else []),
        "markers with a fitted line; the correlation coefficient is ",
        V(round(f["r"], 2)),
        ".",
    ]


def _network(f: dict[str, Any], s: Scene) -> list[Piece]:
    v = f["nodes"][0]
    return [
        "A simple graph on ",
        C(f["n_nodes"], True),
        " vertices with ",
        C(f["n_edges"]),
        " edges. Vertex ",
        L(v),
        " has degree ",
        V(f["degrees"][v]),
        ".",
    ]


def _tree(f: dict[str, Any], s: Scene) -> list[Piece]:
    root = str(f["root"])
    return [
        "Drawn top to bottom is a tree of ",
        C(f["n_nodes"]),
        " nodes and ",
        C(f["n_edges"]),
        " edges, hanging from the root node ",
        L(root) if root.isalpha() else V(root),
        ".",
    ]


def _weighted(f: dict[str, Any], s: Scene) -> list[Piece]:
    a, b, w = f["edges"][0]
    return [
        "Here ",
        C(f["n_nodes"], True),
        " vertices are joined by ",
        C(f["n_edges"]),
        " weighted edges; the edge ",
        L(f"{a}{b}"),
        " carries weight ",
        V(w),
        ".",
    ]


def _incircle(f: dict[str, Any], s: Scene) -> list[Piece]:
    st = " ".join(f["statements"])
    m = re.search(r"(incircle|circumcircle) of (\w+) has centre (\w) and radius ([\d.]+)", st)
    assert m, st
    return [
        "Triangle ",
        L(m.group(2)),
        " is shown with its ",
        m.group(1),
        ", drawn around centre ",
        L(m.group(3)),
        " with radius ",
        V(m.group(4)),
        ".",
    ]


def _quad(f: dict[str, Any], s: Scene) -> list[Piece]:
    st = " ".join(f["statements"])
    m = re.search(r"side (\w\w) is labelled ([\d.]+)", st)
    tail: list[Piece] = [" One side, ", m.group(1), ", is marked ", V(m.group(2)), "."] if m else []
    name = "".join(f["vertices"])
    centre = re.search(r"diagonals \w+ and \w+ meet at (\w)", st)
    assert centre, st
    return [
        "In quadrilateral ",
        L(name),
        " the two diagonals cross at point ",
        L(centre.group(1)),
        ".",
        *tail,
    ]


def _poly(f: dict[str, Any], s: Scene) -> list[Piece]:
    roots = f["roots"]
    pieces: list[Piece] = ["The curve has real roots at "]
    for i, r in enumerate(roots):
        pieces += [V(r), ", " if i < len(roots) - 2 else (" and " if i == len(roots) - 2 else "")]
    st = " ".join(f["statements"])
    m = re.search(r"it has (\d) turning points", st)
    if m:
        pieces += ["; it has ", C(int(m.group(1))), " turning points"]
    return [*pieces, "."]


def _trig(f: dict[str, Any], s: Scene) -> list[Piece]:
    st = " ".join(f["statements"])
    m = re.search(r"the amplitude is ([\d.]+)", st)
    if not m:
        return ["A periodic wave is drawn on a single set of axes."]
    return ["A sinusoid oscillates about its midline with an amplitude of ", V(m.group(1)), "."]


def _net(f: dict[str, Any], s: Scene) -> list[Piece]:
    a, b = f["opposite_pairs"][0]
    return [
        "Unfolded, the cube becomes ",
        C(f["n_squares"], True),
        " squares; faces ",
        L(a),
        " and ",
        L(b),
        " end up opposite each other.",
    ]


def _oblique(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "An oblique drawing of a solid in which ",
        C(f["hidden_edges"]),
        " hidden edges are shown dashed.",
    ]


def _incline(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "A block rests on a ramp tilted at ",
        V(f["theta_deg"]),
        "°, with ",
        C(f["n_arrows"], True),
        " force arrows drawn on it.",
    ]


def _circuit(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "The schematic wires ",
        C(f["n_resistors"], True),
        " resistors to a ",
        V(f["emf"]),
        " V supply.",
    ]


def _wave(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "This wave has wavelength ",
        V(f["wavelength"]),
        " m and amplitude ",
        V(f["amplitude"]),
        " m, and ",
        C(f["n_crests"]),
        " crests are visible.",
    ]


def _energy(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "On this energy diagram the reactants sit at ",
        V(f["reactants"]),
        " kJ/mol and the products at ",
        V(f["products"]),
        " kJ/mol, with an activation energy of ",
        V(f["activation_energy"]),
        " kJ/mol.",
    ]


def _skeletal(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "A skeletal structure with ",
        C(f["n_carbons"]),
        " carbon atoms and ",
        C(f["n_double_bonds"]),
        " double bonds.",
    ]


def _clock(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "The clock reads ",
        f["time"],
        ", and the hands are ",
        V(f["angle_between_hands"]),
        "° apart.",
    ]


def _dominoes(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "There are ",
        C(f["n_tiles"], True),
        " dominoes, carrying ",
        C(f["n_pips"]),
        " pips between them.",
    ]


def _matches(f: dict[str, Any], s: Scene) -> list[Piece]:
    return ["Built from ", C(f["n_matchsticks"]), " matchsticks laid end to end."]


def _dissection(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "A square of side ",
        V(f["side"]),
        " has been cut into ",
        C(f["n_pieces"], True),
        " pieces.",
    ]


def _triangles(f: dict[str, Any], s: Scene) -> list[Piece]:
    return [
        "Count them: ",
        C(f["n_segments"]),
        " segments make ",
        C(f["n_triangles"]),
        " triangles.",
    ]


TEMPLATES: dict[str, Template] = {
    "bar_chart": _bar,
    "histogram": _hist,
    "pie_chart": _pie,
    "scatter_fit": _scatter,
    "network_graph": _network,
    "rooted_tree": _tree,
    "weighted_graph": _weighted,
    "triangle_circles": _incircle,
    "quadrilateral_diagonals": _quad,
    "polynomial_features": _poly,
    "trig_wave": _trig,
    "cube_net": _net,
    "oblique_polyhedron": _oblique,
    "inclined_plane_fbd": _incline,
    "dc_circuit": _circuit,
    "transverse_wave": _wave,
    "energy_profile": _energy,
    "skeletal_formula": _skeletal,
    "clock_face": _clock,
    "dominoes": _dominoes,
    "matchsticks": _matches,
    "dissection": _dissection,
    "counting_triangles": _triangles,
}
SEEDS = (0, 1)


# -- planting errors ---------------------------------------------------------------------------
_SWAP_COLOUR = {
    "red": "green",
    "green": "red",
    "blue": "orange",
    "orange": "blue",
    "purple": "yellow",
    "grey": "red",
    "black": "yellow",
    "brown": "blue",
    "pink": "green",
    "yellow": "purple",
    "teal": "red",
    "navy": "orange",
    "white": "red",
}


def _perturb(slot: Slot, scene: Scene, rng: random.Random) -> str:
    if slot.kind == "count":
        n = _WORDS.index(slot.text) if slot.text in _WORDS else int(slot.text)
        m = n + rng.choice([1, 2, 3]) if n < 3 else n + rng.choice([-2, -1, 1, 2, 3])
        return _WORDS[m] if slot.text in _WORDS and m < len(_WORDS) else str(m)
    if slot.kind == "value":
        x = float(slot.text)
        decimals = len(slot.text.split(".")[1]) if "." in slot.text else 0
        y = x * 1.5 + 3 if x >= 0 else x * 1.5 - 3
        return f"{y:.{decimals}f}"
    if slot.kind == "label":
        drawn = set(scene.texts())
        fresh = [ch for ch in "XYZWKJQMN" if ch not in drawn and ch != slot.text]
        i = rng.randrange(len(slot.text))
        return slot.text[:i] + fresh[0] + slot.text[i + 1 :]
    return _SWAP_COLOUR[slot.text]


def _invented(scene: Scene) -> str:
    if not any(a.legend for a in scene.axes):
        return " A legend in the corner explains the symbols."
    if not scene.of_kind("ellipse"):
        return " A dashed ellipse surrounds the whole drawing."
    return " A red triangle sits in the middle."


def make_items(
    family: str, seed: int, scene: Scene, facts: dict[str, Any], domain: str
) -> list[Item]:
    """The correct caption for one scene and one planted error per marked slot kind + an invention."""
    pieces = TEMPLATES[family](facts, scene)
    text = "".join(p if isinstance(p, str) else p.text for p in pieces)
    base = f"{family}-{seed}"
    items = [Item(base, family, domain, scene, facts, text, True)]
    rng = random.Random(f"{family}:{seed}")
    done: set[str] = set()
    pos = 0
    for p in pieces:
        if isinstance(p, Slot) and p.kind not in done:
            done.add(p.kind)
            new = _perturb(p, scene, rng)
            bad = text[:pos] + new + text[pos + len(p.text) :]
            items.append(
                Item(
                    f"{base}-{p.kind}",
                    family,
                    domain,
                    scene,
                    facts,
                    bad,
                    False,
                    p.kind,
                    (pos, pos + len(new)),
                    text,
                )
            )
        pos += len(p) if isinstance(p, str) else len(p.text)
    extra = _invented(scene)
    items.append(
        Item(
            f"{base}-element",
            family,
            domain,
            scene,
            facts,
            text + extra,
            False,
            "element",
            (len(text), len(text) + len(extra)),
            text,
        )
    )
    return items


@dataclass
class Corpus:
    items: list[Item] = field(default_factory=list)

    @property
    def correct(self) -> list[Item]:
        return [i for i in self.items if i.correct]

    @property
    def planted(self) -> list[Item]:
        return [i for i in self.items if not i.correct]


def programs() -> list[tuple[str, int, Any]]:
    """(family, seed, Program) for every template family present in this checkout."""
    from codepercept.synth import list_families

    present = {f.name for f in list_families()}
    return [
        (name, seed, get_family(name).generate(seed))
        for name in TEMPLATES
        if name in present
        for seed in SEEDS
    ]


def build_corpus(executor: Any) -> Corpus:
    """Run the programs in ``executor`` (``.map(codes)``) and build the corpus deterministically."""
    progs = programs()
    results = executor.map([p.code for _, _, p in progs])
    corpus = Corpus()
    for (name, seed, prog), res in zip(progs, results, strict=False):
        assert res.ok and res.scene is not None, f"{name}-{seed}: {res.status} {res.message}"
        corpus.items += make_items(name, seed, res.scene, prog.facts, prog.domain)
    return corpus
