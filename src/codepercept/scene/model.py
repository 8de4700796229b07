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
  after the artist's transform (3D projected to 2D by the axes' view).

Long vertex lists are decimated to at most :data:`MAX_POINTS` points, keeping the first and last;
``n_points`` always holds the true count.
"""

from __future__ import annotations

import copy
import functools
import json
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

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
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown Element field(s): {sorted(unknown)}")
        if "kind" not in d or "cls" not in d:
            raise ValueError("an Element needs 'kind' and 'cls'")
        return cls(**d)


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
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown AxesInfo field(s): {sorted(unknown)}")
        return cls(**d)


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
        return cls(**d)


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
        if not isinstance(d, dict):
            raise ValueError(f"a Scene must be a JSON object, got {type(d).__name__}")
        version = d.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"scene schema_version {version!r} is not supported (this build reads "
                f"{SCHEMA_VERSION}); re-trace the program with this version"
            )
        return cls(
            figures=[FigureInfo.from_dict(f) for f in d.get("figures", [])],
            axes=[AxesInfo.from_dict(a) for a in d.get("axes", [])],
            elements=[Element.from_dict(e) for e in d.get("elements", [])],
            warnings=list(d.get("warnings", [])),
            schema_version=version,
        )

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(copy=False), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, s: str | bytes) -> Scene:
        return cls.from_dict(json.loads(s))

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
