"""The Scene: a typed, JSON round-trippable record of everything a program drew.

A Scene is built by the tracer (:mod:`codepercept.scene.tracer`) from live matplotlib figures and
is the single source of truth for "what was drawn" in the rest of the project (captions, scores,
rewards). It holds only plain data — numbers, strings, lists — so it can cross a process boundary
as JSON and be parsed without evaluating anything.

Coordinates
-----------
Every element carries its geometry twice:

* ``data``: vertices in the data coordinates of its axes (``[x, y]`` or ``[x, y, z]`` for 3D
  artists), or ``None`` for artists that live in figure/axes coordinates only;
* ``fig``: the same vertices in *normalised figure coordinates* (0..1, origin bottom-left),
  after the artist's transform (3D projected to 2D by the axes' view);

and a ``bbox``, the extent of everything it paints. Long vertex lists are decimated to at most
:data:`MAX_POINTS` points, keeping the first and last (collections: items sampled evenly over the
whole collection); ``n_points`` always holds the true count and ``bbox`` covers every vertex.
What each kind records is in docs/scene.md.
"""

from __future__ import annotations

import copy
import functools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from itertools import chain
from operator import itemgetter
from typing import Any

from codepercept import _jsonbound

SCHEMA_VERSION = 1

#: The closed set of element kinds. ``other`` carries the artist class name in ``cls``.
KINDS: tuple[str, ...] = (
    "line",  # Line2D with a visible line (markers, if any, are in style.marker)
    "points",  # Line2D with markers and no line
    "polygon",
    "rectangle",
    "circle",
    "ellipse",
    "wedge",
    "arc",
    "arrow",  # FancyArrow, FancyArrowPatch, Arrow, quiver arrows are a collection
    "annotation",  # Annotation (text plus optional arrow)
    "text",
    "fill",  # filled region: fill_between / fill / PolyCollection from area fills
    "image",
    "scatter",  # PathCollection from scatter()
    "line_collection",
    "poly_collection",
    "path_collection",
    "quiver",
    "line3d",
    "poly3d",
    "path3d",
    "colorbar",  # a Colorbar as one element (its bands and dividers are not elements)
    "patch",  # any other Patch with a path
    "other",
)

#: Maximum number of vertices stored per element (the true count is in ``n_points``).
MAX_POINTS = 512

Color = list[float]  # RGBA, each 0..1


def _plain_copy(v: Any) -> Any:
    """A deep copy of a JSON-like value (what ``dataclasses.asdict`` does to a field, without
    its per-value dataclass checks and ``deepcopy`` calls: ~5x faster on a traced scene)."""
    t = type(v)
    if t is list:
        return [_plain_copy(x) for x in v]
    if t is dict:
        return {k: _plain_copy(x) for k, x in v.items()}
    if t is tuple:
        return tuple(_plain_copy(x) for x in v)
    if t in (str, int, float, bool) or v is None:
        return v
    return copy.deepcopy(v)


def _fields_dict(obj: Any, copy: bool = True, drop_empty_dict: bool = False) -> dict[str, Any]:
    """``asdict(obj)`` for a dataclass of JSON-like fields, leaving out ``None`` (and ``{}``);
    with ``copy=False`` the values are the object's own (for immediate serialisation)."""
    out = {}
    for name in _field_names(type(obj)):
        v = getattr(obj, name)
        if v is None or (drop_empty_dict and type(v) is dict and not v):
            continue
        out[name] = _plain_copy(v) if copy else v
    return out


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass
class Element:
    """One rendered element (an artist, or a semantic part of one)."""

    kind: str
    cls: str  # matplotlib class name, e.g. "Line2D", "Poly3DCollection"
    figure: int = 0
    axes: int | None = None  # index into Scene.axes, None for figure-level artists
    data: list[list[float]] | None = None
    fig: list[list[float]] | None = None
    n_points: int = 0
    bbox: list[float] | None = None  # [x0, y0, x1, y1] in normalised figure coords
    # Style
    edgecolor: Color | None = None
    facecolor: Color | None = None
    linewidth: float | None = None
    linestyle: str | None = None  # "solid", "dashed", "dotted", "dashdot", "none", or "custom"
    marker: str | None = None
    markersize: float | None = None
    alpha: float | None = None
    hatch: str | None = None
    zorder: float = 0.0
    visible: bool = True
    clipped_out: bool = False  # entirely outside its clip box: drawn, but nothing shows
    # Text
    text: str | None = None
    fontsize: float | None = None
    rotation: float | None = None
    color: Color | None = None  # text colour
    # Semantics
    label: str | None = None  # legend label when the user gave one (not "_child3")
    count: int = 1  # items in a collection (63 arrows in a quiver -> 63)
    props: dict[str, Any] = field(default_factory=dict)  # kind-specific: center, radius, theta…

    def to_dict(self, copy: bool = True) -> dict[str, Any]:
        return _fields_dict(self, copy, drop_empty_dict=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Element:
        """An Element from its dict, every field checked (see :func:`_checked`); the lists
        and dicts of ``d`` are shared, not copied. Raises ``ValueError`` naming the field."""
        return _checked(cls, d)


@dataclass
class AxesInfo:
    """One axes (2D or 3D) and what its decorations show."""

    index: int
    figure: int = 0
    bbox: list[float] | None = None  # position in normalised figure coords
    is3d: bool = False
    xlim: list[float] | None = None
    ylim: list[float] | None = None
    zlim: list[float] | None = None
    xscale: str = "linear"
    yscale: str = "linear"
    aspect: str | float = "auto"
    axis_on: bool = True
    xticks: list[float] = field(default_factory=list)
    yticks: list[float] = field(default_factory=list)
    zticks: list[float] = field(default_factory=list)
    xticklabels: list[str] = field(default_factory=list)
    yticklabels: list[str] = field(default_factory=list)
    zticklabels: list[str] = field(default_factory=list)
    xlabel: str = ""
    ylabel: str = ""
    zlabel: str = ""
    title: str = ""
    legend: list[str] = field(default_factory=list)
    grid: bool = False
    facecolor: Color | None = None
    elev: float | None = None
    azim: float | None = None
    roll: float | None = None

    def to_dict(self, copy: bool = True) -> dict[str, Any]:
        return _fields_dict(self, copy)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AxesInfo:
        """An AxesInfo from its dict, every field checked (as :meth:`Element.from_dict`)."""
        return _checked(cls, d)


@dataclass
class FigureInfo:
    index: int
    width_in: float
    height_in: float
    dpi: float
    facecolor: Color | None = None
    suptitle: str = ""
    legend: list[str] = field(default_factory=list)  # entries of figure-level legends

    def to_dict(self, copy: bool = True) -> dict[str, Any]:
        return _fields_dict(self, copy)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FigureInfo:
        """A FigureInfo from its dict, every field checked (as :meth:`Element.from_dict`)."""
        return _checked(cls, d)


@dataclass
class Scene:
    """Everything a program drew, over all its figures."""

    figures: list[FigureInfo] = field(default_factory=list)
    axes: list[AxesInfo] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # artists the tracer could not fully read
    schema_version: int = SCHEMA_VERSION

    # -- serialisation -------------------------------------------------------------------------
    def to_dict(self, copy: bool = True) -> dict[str, Any]:
        """The scene as plain JSON-able data. ``copy=False`` shares the lists and dicts with
        this Scene instead of copying them: for serialising at once (as ``to_json`` does)."""
        return {
            "schema_version": self.schema_version,
            "figures": [f.to_dict(copy) for f in self.figures],
            "axes": [a.to_dict(copy) for a in self.axes],
            "elements": [e.to_dict(copy) for e in self.elements],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scene:
        """A Scene from plain data we did not necessarily write (a sandboxed child, a file):
        every field of every figure, axes and element is type- and range-checked (finite
        numbers, bounded integers and strings, colours as RGBA in 0..1, vertex lists, at most
        :data:`MAX_ITEMS` entries per list, an element's ``axes`` naming an existing axes, no
        unknown fields), so whatever comes back can be used and serialised again.
        Raises ``ValueError`` naming the offending field, e.g. ``elements[3].linewidth: ...``.
        Lists and dicts of ``d`` are shared with the Scene, not copied."""
        if type(d) is not dict:
            raise ValueError(f"a Scene must be a JSON object, got {type(d).__name__}")
        unknown = d.keys() - _SCENE_FIELDS
        if unknown:
            raise ValueError(f"unknown Scene field {_short(min(unknown, key=str))}")
        version = d.get("schema_version")
        if type(version) is not int or version != SCHEMA_VERSION:
            raise ValueError(
                f"scene schema_version {_short(version)} is not supported (this build reads "
                f"{SCHEMA_VERSION}); re-trace the program with this version"
            )
        figures = _items(d, "figures", FigureInfo)
        axes = _items(d, "axes", AxesInfo)
        elements = _items(d, "elements", Element)
        warnings = d.get("warnings", [])
        try:
            _strings(warnings)
        except ValueError as exc:
            raise ValueError(f"warnings: {exc}") from None
        n_axes = len(axes)
        for i, e in enumerate(elements):
            if e.axes is not None and e.axes >= n_axes:
                raise ValueError(f"elements[{i}].axes: {e.axes} names no axes (there are {n_axes})")
        scene = cls.__new__(cls)
        scene.__dict__.update(
            figures=figures, axes=axes, elements=elements, warnings=warnings, schema_version=version
        )
        return scene

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(copy=False), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, s: str | bytes) -> Scene:
        """:meth:`from_dict` of JSON text; nesting deeper than 64 levels is refused before
        parsing. Every failure (bad JSON, bad field) is a ``ValueError``."""
        return cls.from_dict(_jsonbound.loads(s))

    # -- queries ---------------------------------------------------------------------------------
    def visible_elements(self) -> list[Element]:
        """Elements that show on the canvas (visible and not clipped out)."""
        return [e for e in self.elements if e.visible and not e.clipped_out]

    def of_kind(self, *kinds: str) -> list[Element]:
        return [e for e in self.visible_elements() if e.kind in kinds]

    def texts(self) -> list[str]:
        """Every visible string: text elements, then axes titles, labels and tick labels."""
        out = [e.text for e in self.visible_elements() if e.text]
        for f in self.figures:
            out += ([f.suptitle] if f.suptitle else []) + [s for s in f.legend if s]
        for a in self.axes:
            out += [s for s in (a.title, a.xlabel, a.ylabel, a.zlabel) if s]
            if a.axis_on:
                out += [s for s in a.xticklabels + a.yticklabels + a.zticklabels if s]
            out += [s for s in a.legend if s]
        return out

    def palette(self, max_colors: int = 12) -> list[tuple[str, int]]:
        """Distinct visible colours as ``(#rrggbb, uses)``, most used first."""
        counter: Counter[str] = Counter()
        for e in self.visible_elements():
            for c in (e.edgecolor, e.facecolor, e.color):
                if c is not None and len(c) == 4 and c[3] > 0:
                    counter[rgba_to_hex(c)] += 1
        return counter.most_common(max_colors)

    def summary(self) -> dict[str, Any]:
        """Counts per kind (collections count their items), all text strings, colour palette."""
        counts: Counter[str] = Counter()
        for e in self.visible_elements():
            counts[e.kind] += e.count
        return {
            "figures": len(self.figures),
            "axes": len(self.axes),
            "elements": len(self.visible_elements()),
            "counts": dict(sorted(counts.items())),
            "texts": self.texts(),
            "palette": [c for c, _ in self.palette()],
        }


def rgba_to_hex(c: Color) -> str:
    r, g, b = (max(0, min(255, round(float(v) * 255))) for v in c[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


# ------------------------------------------------------------------------------------------------
# Validation: a Scene read with from_dict / from_json is data we did not necessarily write
# ------------------------------------------------------------------------------------------------
#: Longest string (characters) a Scene may hold; the tracer cuts longer texts to this.
MAX_STRING = 10_000
#: Most entries in any one list of a Scene (elements, axes, figures, warnings, ticks, …).
MAX_ITEMS = 200_000
#: Largest magnitude of an integer field (beyond it integers do not survive a float).
MAX_INT = 2**53
#: Deepest nesting inside an element's ``props``.
MAX_PROPS_DEPTH = 16

_NoneType = type(None)
_Check = Callable[[Any], Any]  # raises ValueError("what is wrong"); the caller names the field
_NUMBER = frozenset({float, int})
_STR_T = frozenset({str})
_KINDS = frozenset(KINDS)
_LIST = frozenset({list})
_FOUR = frozenset({4})
# float.conjugate returns a float itself and raises TypeError for anything else (an int, a bool,
# a string, None): ``sum(map(_conj, xs))`` checks the types and, through the sum, finiteness of
# a list of numbers in one C-level pass, a fraction of what parsing them cost.
_conj = float.conjugate


def _all_finite_floats(xs: Any) -> bool:
    """Whether every item of the iterable ``xs`` is a finite float (False may also mean finite
    floats whose sum overflows: callers then check item by item)."""
    try:
        total = sum(map(_conj, xs))
    except TypeError:
        return False
    return total - total == 0


def _short(v: Any) -> str:
    r = repr(v) if type(v) in (str, int, float, bool, _NoneType) else type(v).__name__
    return r if len(r) <= 60 else r[:57] + "..."


# -- value checks: each raises ValueError saying what is wrong ------------------------------------
def _numbers(v: list[Any]) -> None:
    """Every item a finite float, or an int within ±MAX_INT (never a bool)."""
    if _all_finite_floats(v):
        return
    for x in v:
        t = type(x)
        if t is float:
            if x - x != 0:
                raise ValueError(f"expected finite numbers, got {x!r}")
        elif t is not int:
            raise ValueError(f"expected numbers, got {_short(x)}")
        elif not -MAX_INT <= x <= MAX_INT:
            raise ValueError(f"integer {_short(x)} out of range")


def _finite(v: float) -> None:
    if v - v != 0:
        raise ValueError(f"expected a finite number, got {v!r}")


def _int(v: int) -> None:
    if not -MAX_INT <= v <= MAX_INT:
        raise ValueError(f"integer {_short(v)} out of range")


def _count(v: int) -> None:
    if not 0 <= v <= MAX_INT:
        raise ValueError(f"expected an integer in 0..2**53, got {_short(v)}")


def _string(v: str) -> None:
    if len(v) > MAX_STRING:
        raise ValueError(f"string of {len(v)} characters (at most {MAX_STRING})")


def _kind(v: str) -> None:
    if v not in _KINDS:
        raise ValueError(f"unknown element kind {_short(v)}")


def _strings(v: Any) -> None:
    if type(v) is not list:
        raise ValueError(f"expected a list of strings, got {type(v).__name__}")
    if len(v) > MAX_ITEMS:
        raise ValueError(f"list of {len(v)} entries (at most {MAX_ITEMS})")
    if v:
        if not set(map(type, v)) <= _STR_T:
            bad = next(x for x in v if type(x) is not str)
            raise ValueError(f"expected strings, got {_short(bad)}")
        if max(map(len, v)) > MAX_STRING:
            raise ValueError(f"string longer than {MAX_STRING} characters")


def _floats(v: list[Any]) -> None:
    if len(v) > MAX_ITEMS:
        raise ValueError(f"list of {len(v)} entries (at most {MAX_ITEMS})")
    _numbers(v)


def _fixed(n: int) -> _Check:
    def check(v: list[Any]) -> None:
        if len(v) != n:
            raise ValueError(f"expected {n} numbers, got {len(v)}")
        _numbers(v)

    return check


def _color(v: list[Any]) -> None:
    """RGBA, four numbers in 0..1 (what the tracer writes)."""
    if len(v) != 4 or not set(map(type, v)) <= _NUMBER:
        raise ValueError("expected an RGBA colour of 4 numbers")
    r, g, b, a = v
    if not (0 <= r <= 1 and 0 <= g <= 1 and 0 <= b <= 1 and 0 <= a <= 1):  # NaN fails too
        raise ValueError("colour components must be in 0..1")


def _quads(lists: tuple[list[Any], ...]) -> bool:
    """Fast path for the bboxes and colours of a dict: lists of 4 finite floats each."""
    return (
        set(map(type, lists)) <= _LIST
        and set(map(len, lists)) == _FOUR
        and _all_finite_floats(chain.from_iterable(lists))
    )


def _vertices(widths: frozenset[int]) -> _Check:
    """Vertex lists: at most MAX_POINTS lists of ``widths`` numbers each."""
    what = f"expected a list of vertices of {' or '.join(map(str, sorted(widths)))} numbers"

    def check(v: list[Any]) -> None:
        if len(v) > MAX_POINTS:
            raise ValueError(f"{len(v)} vertices (at most {MAX_POINTS})")
        if not set(map(type, v)) <= _LIST or not set(map(len, v)) <= widths:
            raise ValueError(what)
        if not _all_finite_floats(chain.from_iterable(v)):  # usually one pass does it all
            _numbers(list(chain.from_iterable(v)))

    return check


def _json_value(v: Any, depth: int = 1) -> None:
    """Plain JSON data: finite numbers, bounded ints, strings and lists, bounded nesting."""
    t = type(v)
    if t is float:
        _finite(v)
    elif t is str:
        _string(v)
    elif t is int:
        _int(v)
    elif t is list:
        if depth >= MAX_PROPS_DEPTH or len(v) > MAX_ITEMS:
            raise ValueError("value nested too deep or too long")
        if _all_finite_floats(v):
            return
        types = set(map(type, v))
        if types <= _NUMBER:
            _numbers(v)
        elif not types <= _STR_T:
            for x in v:
                _json_value(x, depth + 1)
        elif v and max(map(len, v)) > MAX_STRING:
            raise ValueError(f"string longer than {MAX_STRING} characters")
    elif t is dict:
        if depth >= MAX_PROPS_DEPTH or len(v) > MAX_ITEMS:
            raise ValueError("value nested too deep or too long")
        for k, x in v.items():
            if type(k) is not str or len(k) > MAX_STRING:
                raise ValueError(f"key {_short(k)} is not a string of at most {MAX_STRING}")
            _json_value(x, depth + 1)
    elif t is not bool and v is not None:
        raise ValueError(f"expected JSON data, got {t.__name__}")


def _props(v: dict[Any, Any]) -> None:
    if len(v) > MAX_ITEMS:
        raise ValueError(f"{len(v)} entries (at most {MAX_ITEMS})")
    if _plan(v, None, _PROPS_PLANS) is None:
        _slow(v, None, "props")


# -- field specs: for each field, the allowed value types and the check for each ----------------
_Spec = dict[Any, dict[type, _Check | None]]
_NUM: dict[type, _Check | None] = {float: _finite, int: _int}
_NUM_OR_NONE = {**_NUM, _NoneType: None}
_COUNT: dict[type, _Check | None] = {int: _count}
_STR: dict[type, _Check | None] = {str: _string}
_STR_OR_NONE = {**_STR, _NoneType: None}
_BOOL: dict[type, _Check | None] = {bool: None}
_COLOR: dict[type, _Check | None] = {list: _color, _NoneType: None}
_BOX: dict[type, _Check | None] = {list: _fixed(4), _NoneType: None}
_LIM: dict[type, _Check | None] = {list: _fixed(2), _NoneType: None}
_FLOATS: dict[type, _Check | None] = {list: _floats}
_STRS: dict[type, _Check | None] = {list: _strings}
#: A value in an element's ``props``: any plain JSON value (under any string key).
_JSON: dict[type, _Check | None] = {float: _finite, int: _int, str: _string, bool: None,
                                    _NoneType: None, list: _json_value, dict: _json_value}  # fmt: skip

_ELEMENT_SPEC: _Spec = {
    "kind": {str: _kind},
    "cls": _STR,
    "figure": _COUNT,
    "axes": {**_COUNT, _NoneType: None},
    "data": {list: _vertices(frozenset({2, 3})), _NoneType: None},
    "fig": {list: _vertices(frozenset({2})), _NoneType: None},
    "n_points": _COUNT,
    "bbox": _BOX,
    "edgecolor": _COLOR,
    "facecolor": _COLOR,
    "linewidth": _NUM_OR_NONE,
    "linestyle": _STR_OR_NONE,
    "marker": _STR_OR_NONE,
    "markersize": _NUM_OR_NONE,
    "alpha": _NUM_OR_NONE,
    "hatch": _STR_OR_NONE,
    "zorder": _NUM,
    "visible": _BOOL,
    "clipped_out": _BOOL,
    "text": _STR_OR_NONE,
    "fontsize": _NUM_OR_NONE,
    "rotation": _NUM_OR_NONE,
    "color": _COLOR,
    "label": _STR_OR_NONE,
    "count": _COUNT,
    "props": {dict: _props},
}
_AXES_SPEC: _Spec = {
    "index": _COUNT,
    "figure": _COUNT,
    "bbox": _BOX,
    "is3d": _BOOL,
    "xlim": _LIM,
    "ylim": _LIM,
    "zlim": _LIM,
    "xscale": _STR,
    "yscale": _STR,
    "aspect": {str: _string, float: _finite, int: _int},
    "axis_on": _BOOL,
    "xticks": _FLOATS,
    "yticks": _FLOATS,
    "zticks": _FLOATS,
    "xticklabels": _STRS,
    "yticklabels": _STRS,
    "zticklabels": _STRS,
    "xlabel": _STR,
    "ylabel": _STR,
    "zlabel": _STR,
    "title": _STR,
    "legend": _STRS,
    "grid": _BOOL,
    "facecolor": _COLOR,
    "elev": _NUM_OR_NONE,
    "azim": _NUM_OR_NONE,
    "roll": _NUM_OR_NONE,
}
_FIGURE_SPEC: _Spec = {
    "index": _COUNT,
    "width_in": _NUM,
    "height_in": _NUM,
    "dpi": _NUM,
    "facecolor": _COLOR,
    "suptitle": _STR,
    "legend": _STRS,
}
_SCENE_FIELDS = frozenset(f.name for f in fields(Scene))
_TYPE_NAMES = {float: "number", int: "integer", str: "string", bool: "bool", list: "list",
               dict: "object", _NoneType: "null"}  # fmt: skip


# -- checking a dict against a spec ---------------------------------------------------------------
def _slow(d: dict[Any, Any], spec: _Spec | None, what: str) -> None:
    """Check every field of ``d`` one by one; raises ``ValueError`` naming the first bad one."""
    for k, v in d.items():
        if spec is None:
            if type(k) is not str or len(k) > MAX_STRING:
                raise ValueError(f"{what} key {_short(k)} is not a string of at most {MAX_STRING}")
            allowed = _JSON
        else:
            allowed = spec.get(k)  # type: ignore[assignment]
            if allowed is None:
                raise ValueError(f"unknown {what} field {_short(k)}")
        try:
            check = allowed[type(v)]
        except KeyError:
            want = " or ".join(_TYPE_NAMES[t] for t in allowed)
            raise ValueError(f"{k}: expected {want}, got {_short(v)}") from None
        if check is not None:
            try:
                check(v)
            except ValueError as exc:
                raise ValueError(f"{k}: {exc}") from None


class _Plan:
    """How to check and build the dicts of one *shape* (their keys and value types, in order)
    in a few C-level calls: the fields holding floats, ints, counts and strings are fetched
    together and checked with one sum / min / max each; lists and dicts get their own check.
    Building an instance then needs only the defaults of the fields this shape leaves out."""

    __slots__ = ("calls", "colors", "counts", "defaults", "factories", "floats", "ints", "missing",
                 "quads", "strs")  # fmt: skip

    def __init__(
        self, keys: tuple[Any, ...], types: tuple[type, ...], spec: _Spec | None, cls: type | None
    ) -> None:
        groups: dict[Any, list[Any]] = {_finite: [], _int: [], _count: [], _string: [],
                                        _BOX[list]: [], _color: []}  # fmt: skip
        calls = []
        for k, t in zip(keys, types, strict=True):
            if spec is None:
                if type(k) is not str or len(k) > MAX_STRING:
                    raise LookupError(k)
                check = _JSON[t]  # KeyError: not a JSON value
            else:
                check = spec[k][t]  # KeyError: unknown field, or a type it may not hold
            if check is None:
                continue
            if check in groups:
                groups[check].append(k)
            else:
                calls.append((k, check))
        self.floats = _getter(groups[_finite])
        self.ints = _getter(groups[_int])
        self.counts = _getter(groups[_count])
        self.strs = _getter(groups[_string])
        self.quads = _getter(groups[_BOX[list]] + groups[_color])
        self.colors = _getter(groups[_color])
        self.calls = tuple(calls)
        self.defaults: dict[str, Any] = {}
        self.factories: tuple[tuple[str, Any], ...] = ()
        self.missing: tuple[str, ...] = ()
        if cls is not None:
            const, factories, required = _layout(cls)
            self.defaults = {k: v for k, v in const.items() if k not in keys}
            self.factories = tuple((k, f) for k, f in factories if k not in keys)
            self.missing = tuple(k for k in required if k not in keys)


def _getter(keys: list[Any]) -> Callable[[dict[Any, Any]], tuple[Any, ...]] | None:
    if not keys:
        return None
    if len(keys) == 1:
        (key,) = keys
        return lambda d: (d[key],)
    return itemgetter(*keys)


_MAX_PLANS = 4096  # distinct shapes remembered per spec (tracer output has a few dozen)
_ELEMENT_PLANS: dict[tuple[Any, ...], _Plan] = {}
_AXES_PLANS: dict[tuple[Any, ...], _Plan] = {}
_FIGURE_PLANS: dict[tuple[Any, ...], _Plan] = {}
_PROPS_PLANS: dict[tuple[Any, ...], _Plan] = {}


def _plan(
    d: dict[Any, Any],
    spec: _Spec | None,
    plans: dict[tuple[Any, ...], _Plan],
    cls: type | None = None,
) -> _Plan | None:
    """The plan for ``d``'s shape if ``d`` passes every check of ``spec``; None means "ask
    :func:`_slow`" (which raises naming the field, or passes a case this path is too coarse
    for, such as finite floats whose sum overflows)."""
    keys = tuple(d)
    types = tuple(map(type, d.values()))
    shape = (keys, types)
    plan = plans.get(shape)
    if plan is None:
        try:
            plan = _Plan(keys, types, spec, cls)
        except LookupError:
            return None
        if len(plans) < _MAX_PLANS:
            plans[shape] = plan
    if plan.floats is not None:
        total = sum(plan.floats(d))
        if total - total != 0:
            return None
    if plan.ints is not None:
        vals = plan.ints(d)
        if min(vals) < -MAX_INT or max(vals) > MAX_INT:
            return None
    if plan.counts is not None:
        vals = plan.counts(d)
        if min(vals) < 0 or max(vals) > MAX_INT:
            return None
    if plan.strs is not None and max(map(len, plan.strs(d))) > MAX_STRING:
        return None
    if plan.quads is not None and not _quads(plan.quads(d)):
        return None
    if plan.colors is not None:
        lists = plan.colors(d)
        if min(chain.from_iterable(lists)) < 0 or max(chain.from_iterable(lists)) > 1:
            return None
    try:
        for k, check in plan.calls:
            check(d[k])
    except ValueError:
        return None
    return plan


@functools.cache
def _layout(cls: type) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...], tuple[str, ...]]:
    """``cls``'s constant defaults, default factories and required fields."""
    const: dict[str, Any] = {}
    factories = []
    required = []
    for f in fields(cls):
        if f.default is not MISSING:
            const[f.name] = f.default
        elif f.default_factory is not MISSING:
            factories.append((f.name, f.default_factory))
        else:
            required.append(f.name)
    return const, tuple(factories), tuple(required)


_SPECS: dict[type, tuple[_Spec, dict[tuple[Any, ...], _Plan]]] = {
    Element: (_ELEMENT_SPEC, _ELEMENT_PLANS),
    AxesInfo: (_AXES_SPEC, _AXES_PLANS),
    FigureInfo: (_FIGURE_SPEC, _FIGURE_PLANS),
}


def _checked(cls: type, d: Any) -> Any:
    """An instance of dataclass ``cls`` from ``d`` after checking every field (built without
    ``__init__``: the checks already did its work, at a fraction of the cost)."""
    if type(d) is not dict:
        raise ValueError(f"{cls.__name__} must be a JSON object, got {type(d).__name__}")
    spec, plans = _SPECS[cls]
    plan = _plan(d, spec, plans, cls)
    if plan is None:
        _slow(d, spec, cls.__name__)  # raises, or d is fine after all
        plan = _Plan(tuple(d), tuple(map(type, d.values())), spec, cls)
    if plan.missing:
        raise ValueError(f"{cls.__name__} needs {plan.missing[0]!r}")
    obj = cls.__new__(cls)
    obj.__dict__ = {**plan.defaults, **d}
    for name, factory in plan.factories:
        obj.__dict__[name] = factory()
    return obj


def _items(d: dict[str, Any], key: str, cls: type) -> list[Any]:
    raw = d.get(key, [])
    if type(raw) is not list:
        raise ValueError(f"{key}: expected a list, got {type(raw).__name__}")
    if len(raw) > MAX_ITEMS:
        raise ValueError(f"{key}: {len(raw)} entries (at most {MAX_ITEMS})")
    try:
        return [_checked(cls, item) for item in raw]
    except ValueError:
        pass
    for i, item in enumerate(raw):  # again, to say which one
        try:
            _checked(cls, item)
        except ValueError as exc:
            raise ValueError(f"{key}[{i}]: {exc}") from None
    raise AssertionError("unreachable")  # pragma: no cover
