"""The three quality gates a model-written program passes before it becomes an ICC triplet.

The paper (CodePercept, ICC-1M) judges every Image Reproduction and Image Diversity sample by
*image quality*, *code quality* and *image–code consistency*, without publishing the criteria.
These are ours: deterministic, measured from what the sandbox returns (the PNG, the traced
:class:`~codepercept.scene.model.Scene`) and from the source's syntax tree, with every threshold
in one :class:`GateConfig`. ``docs/gates.md`` gives each measure, its default and why.

:func:`judge_item` runs the gates in order — code, image, consistency — and stops at the first
failure, so a rejected item has exactly one failing :class:`GateVerdict` (its ``gate`` and
``reason`` are what a job summary counts, see :class:`GateStats`). Each gate is also a function
of its own (:func:`code_gate`, :func:`image_gate`, :func:`consistency_gate`).

Reasons (``GateVerdict.reason``; ``"ok"`` when the gate passed):

* code: ``forbidden`` (an operation named in the source, whatever the sandbox made of it),
  then the execution status when it is not ``"ok"`` (``runtime_error``, ``forbidden``,
  ``timeout``, ``syntax_error``, ``no_figure``, … verbatim from
  :data:`~codepercept.sandbox.result.STATUSES`), ``no_scene``, ``raster_literal``,
  ``too_short``;
* image: ``multiple_figures``, ``tiny``, ``blank``, ``ink_blob``, ``text_outside``,
  ``overcrowded``, ``labels_overlap``;
* consistency: ``caption_unsupported``, ``far_from_seed`` (reproduction), ``duplicate_of_seed``
  and ``too_similar_to_seed`` (diversity), ``duplicate`` (of an accepted item).
"""

from __future__ import annotations

import ast
import io
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from codepercept.caption import describe, verify
from codepercept.data.phash import HashIndex, hamming, phash64
from codepercept.sandbox.result import ExecResult
from codepercept.scene.model import Element, Scene
from codepercept.score.image import PreparedImage, image_score, ink_fraction, ink_mask
from codepercept.synth.pipeline import text_outside

__all__ = [
    "GATES",
    "MODES",
    "GateConfig",
    "GateStats",
    "GateVerdict",
    "ItemJudgement",
    "RenderedImage",
    "code_gate",
    "consistency_gate",
    "forbidden_operations",
    "image_gate",
    "judge_item",
    "measure_source",
    "scene_similarity",
]

#: The gates in the order :func:`judge_item` runs them.
GATES: tuple[str, ...] = ("code", "image", "consistency")
#: What the item is: a reproduction of a seed image, a variant of a seed, or neither (no seed).
MODES: tuple[str | None, ...] = ("reproduction", "diversity", None)


@dataclass(frozen=True)
class GateConfig:
    """Every threshold of the three gates (defaults and the measurements behind them:
    ``docs/gates.md``). Areas and positions are in normalised figure coordinates (0..1)."""

    # -- code -------------------------------------------------------------------------------
    #: Fewest statements (imports, docstrings, ``pass`` and show/savefig/close calls not
    #: counted): below it the program is ``too_short``.
    min_statements: int = 3
    #: Most numeric constants in one literal list/tuple/set/dict display (nested ones
    #: included); above it the literal is a raster (``raster_literal``). Our 60 families write
    #: at most 114; a 32x32 grey raster is 1,024.
    max_literal_numbers: int = 1000
    #: Most numeric constants in all literal displays of the program together.
    max_total_literal_numbers: int = 4000
    #: Longest string/bytes constant that looks encoded (bytes, or base64/hex-like text without
    #: spaces) — a base64 PNG is thousands of characters.
    max_blob_chars: int = 256
    #: Most encoded-looking characters over all such constants (pieces joined with ``+``).
    max_total_blob_chars: int = 1024
    #: Longest string constant of any kind (docstrings excluded): a raster as digits with
    #: commas or spaces (a 32x32 8-bit one is about 4,000 characters).
    max_string_chars: int = 4000
    #: A raster in the scene (an image or quad mesh with at least ``raster_min_pixels`` cells
    #: covering at least ``raster_cover`` of its axes, or of the figure) is smuggled when the
    #: source also decodes data (``b64decode``, ``frombuffer``, ``imread``, …) or holds at
    #: least ``raster_literal_numbers`` literal numbers or ``raster_blob_chars`` encoded
    #: characters. A raster computed from a formula passes.
    raster_min_pixels: int = 256
    #: ... and at least this many cells along each side (a colorbar is 256 x 1).
    raster_min_side: int = 8
    raster_cover: float = 0.5
    raster_literal_numbers: int = 256
    raster_blob_chars: int = 64

    # -- image ------------------------------------------------------------------------------
    #: Figures a program may leave: an ICC item is one image.
    max_figures: int = 1
    #: Smallest rendered width and height in pixels.
    min_side_px: int = 100
    #: Ink fraction (pixels away from the border colour) below it: ``blank`` (the synthesis
    #: pipeline's bound).
    min_ink: float = 0.003
    #: ``ink_blob`` when the commonest ink colour (RGB quantised to 16 levels a channel)
    #: covers more than ``max_solid_share`` of the image (one flat colour: a filled face of
    #: our ``oblique_polyhedron`` reaches 0.44), or the ink more than ``max_ink`` of it
    #: (nothing of the background left). The pipeline's flat ``ink > 0.60`` would also
    #: reject heatmaps and contour plots.
    max_solid_share: float = 0.50
    max_ink: float = 0.90
    #: The ink's bounding box must span at least this share of the image's width or of its
    #: height, and cover at least ``min_content_area`` of its area; else ``tiny``.
    min_content_side: float = 0.15
    min_content_area: float = 0.02
    #: Text may overhang the canvas by this much (the pipeline's ``text_margin``).
    text_margin: float = 0.005
    #: ``overcrowded`` above any of: visible elements (artists; a collection counts once) per
    #: square inch of figure, text elements per square inch, share of the figure covered by
    #: the union of text boxes. Our families reach 3.7, 1.1 and 0.041.
    max_elements_per_in2: float = 20.0
    max_texts_per_in2: float = 4.0
    max_text_cover: float = 0.20
    #: Two labels overlap when their boxes share at least ``label_overlap`` of the smaller
    #: one's area; ``labels_overlap`` when more than ``max_overlapping_labels`` labels overlap
    #: another (and more than ``max_overlapping_share`` of all labels do).
    label_overlap: float = 0.3
    max_overlapping_labels: int = 2
    max_overlapping_share: float = 0.10

    # -- consistency ------------------------------------------------------------------------
    #: The caption must have no more contradicted claims than this, and at least this many
    #: supported ones (``verify`` against the scene).
    max_contradicted_claims: int = 0
    min_supported_claims: int = 2
    #: Reproduction: Image Score of the rendering against the seed image, at least. Measured
    #: (benchmarks/gate_thresholds.py, 4 seeds of 60 families): faithful reproductions with
    #: small differences 65.1 to 100 (0.5th percentile 74.7), another domain's figure 18.9 to
    #: 65.1 (99.5th percentile 57.6). At 60 no faithful one fails and 3 of 723 unrelated pass
    #: (an unrelated pass still makes a consistent triplet; a lost faithful one is lost data).
    min_reproduction_score: float = 60.0
    #: Diversity: pHash distance to the seed at most this → ``duplicate_of_seed``: catches
    #: 95.7 % of faithful re-renderings, 5.4 % of same-template variants with other parameters,
    #: no figure of another family (those are 16 bits or more away).
    seed_distance: int = 8
    #: Diversity: scene similarity to the seed's scene at least this → ``too_similar_to_seed``
    #: (the same element counts per kind and the same texts: the seed redrawn elsewhere).
    max_scene_similarity: float = 0.9
    #: pHash distance to an accepted item at most this → ``duplicate`` (the pipeline's).
    dedup_distance: int = 2


@dataclass(frozen=True)
class GateVerdict:
    """One gate's decision: ``reason`` is ``"ok"`` when it passed, else a short machine-readable
    word; ``detail`` is one line for people; ``values`` what was measured (JSON-able)."""

    gate: str
    passed: bool
    reason: str
    detail: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ItemJudgement:
    """What :func:`judge_item` decided: the verdicts of the gates it ran, in order (the last one
    failed when the item is rejected), the caption it verified and the image's pHash (add it
    to the accepted index when storing the item)."""

    verdicts: list[GateVerdict]
    caption: str | None = None
    phash: int | None = None

    @property
    def passed(self) -> bool:
        return len(self.verdicts) == len(GATES) and all(v.passed for v in self.verdicts)

    @property
    def rejection(self) -> GateVerdict | None:
        """The failing verdict, or None when every gate passed."""
        return None if self.passed else self.verdicts[-1]

    @property
    def gate(self) -> str | None:
        r = self.rejection
        return r.gate if r else None

    @property
    def reason(self) -> str:
        r = self.rejection
        return r.reason if r else "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "gate": self.gate,
            "reason": self.reason,
            "verdicts": [v.to_dict() for v in self.verdicts],
            "phash": f"{self.phash:016x}" if self.phash is not None else None,
        }


def _ok(gate: str, detail: str, values: dict[str, Any]) -> GateVerdict:
    return GateVerdict(gate, True, "ok", detail, values)


def _fail(gate: str, reason: str, detail: str, values: dict[str, Any]) -> GateVerdict:
    return GateVerdict(gate, False, reason, " ".join(detail.split()), values)


# ------------------------------------------------------------------------------------------------
# Code quality
# ------------------------------------------------------------------------------------------------
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Calls that draw something (pyplot/Axes/Figure methods and artist constructors).
DRAW_CALLS = _words(
    """plot scatter bar barh hist hist2d fill fill_between fill_betweenx text annotate arrow quiver
    quiverkey streamplot barbs imshow matshow pcolor pcolormesh pcolorfast contour contourf
    tricontour tricontourf tripcolor triplot add_patch add_artist add_collection add_line add_table
    add_image figimage figtext pie step stem errorbar hlines vlines axhline axvline axline axhspan
    axvspan plot_surface plot_wireframe plot_trisurf add_collection3d bar3d voxels text2D polar
    semilogx semilogy loglog boxplot violinplot table spy broken_barh eventplot hexbin stackplot
    stairs ecdf grouped_bar bar_label xcorr acorr specgram psd csd cohere magnitude_spectrum
    angle_spectrum phase_spectrum Circle Rectangle Polygon Ellipse Wedge Arc FancyArrow
    FancyArrowPatch FancyBboxPatch RegularPolygon CirclePolygon PathPatch Arrow ConnectionPatch
    Annulus Line2D LineCollection PolyCollection PatchCollection Poly3DCollection Line3DCollection
    Text"""
)
#: Calls that turn bytes or text into pixels: with a raster in the scene, a smuggled image.
DECODE_CALLS = _words(
    """b64decode b32decode b16decode a85decode b85decode decodebytes standard_b64decode
    urlsafe_b64decode unhexlify a2b_base64 a2b_hex fromhex frombuffer fromstring frombytes
    decompress imread loads"""
)
#: Builtins a plotting program never calls (files, dynamic code, the terminal).
FORBIDDEN_BUILTINS = _words("open eval exec compile __import__ input breakpoint")
#: Functions of ``os`` (also ``posix``, ``io.open``, ``codecs.open``) a plotting program never
#: calls: the shell, processes, signals, changing or listing the file system.
FORBIDDEN_OS = _words(
    """system popen spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe execl execle
    execlp execlpe execv execve execvp execvpe fork forkpty kill killpg remove unlink rmdir
    removedirs rename renames replace chmod chown lchown symlink link truncate putenv unsetenv
    listdir scandir walk chdir chroot open"""
)
_OS_MODULES = frozenset({"os", "posix", "nt", "io", "codecs"})
#: Modules a plotting program never needs to import.
FORBIDDEN_MODULES = _words(
    """subprocess socket ctypes cffi multiprocessing shutil urllib http requests ftplib smtplib
    telnetlib ssl pty signal resource pickle marshal shelve importlib builtins gc sysconfig
    webbrowser asyncio"""
)
_NOT_COUNTED_CALLS = frozenset({"show", "savefig", "close", "tight_layout"})
_BASE64ISH = re.compile(r"[A-Za-z0-9+/=_\-\\]+")


def _call_name(node: ast.Call) -> str:
    f = node.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _literal_leaves(node: ast.AST, covered: set[int]) -> int:
    """Numeric constants of a literal display (through nested displays and unary signs); marks
    every node it went through as ``covered`` (so nested displays are not counted again)."""
    n = 0
    stack = [node]
    while stack:
        x = stack.pop()
        covered.add(id(x))
        if isinstance(x, ast.Constant):
            n += type(x.value) in (int, float, complex)
        elif isinstance(x, (ast.List, ast.Tuple, ast.Set)):
            stack.extend(x.elts)
        elif isinstance(x, ast.Dict):
            stack.extend(k for k in x.keys if k is not None)
            stack.extend(x.values)
        elif isinstance(x, ast.UnaryOp) and isinstance(x.op, (ast.USub, ast.UAdd)):
            stack.append(x.operand)
    return n


def _blob_chars(value: str | bytes) -> int:
    """Characters of a constant that look like encoded data: all of a bytes literal; all of a
    string with no spaces made of base64/hex characters and escapes; 0 otherwise."""
    if isinstance(value, bytes):
        return len(value)
    s = value.replace("\n", "")
    return len(s) if len(s) >= 16 and _BASE64ISH.fullmatch(s) else 0


def measure_source(code: str | bytes | ast.AST) -> dict[str, Any]:
    """What the code gate reads from the syntax tree (no execution): ``statements`` (counted as
    :attr:`GateConfig.min_statements` says), ``draw_calls`` (calls named in
    :data:`DRAW_CALLS`), ``decode_calls`` (names from :data:`DECODE_CALLS`, sorted),
    ``max_literal_numbers`` / ``total_literal_numbers`` (numeric constants per outermost
    literal display / over all of them), ``max_blob_chars`` / ``total_blob_chars`` (encoded-
    looking string and bytes constants) and ``max_string_chars`` (longest non-docstring
    string). ``code`` may be a parsed tree. Raises ``SyntaxError`` (or ``ValueError``/
    ``RecursionError``) for unparsable code.
    """
    tree = code if isinstance(code, ast.AST) else ast.parse(code)
    docstrings = {id(n.value) for n in ast.walk(tree) if _is_docstring(n)}
    statements = draw = 0
    decode: set[str] = set()
    max_numbers = total_numbers = max_blob = total_blob = max_string = 0
    covered: set[int] = set()
    for node in ast.walk(tree):  # breadth first: an outer display before the ones inside it
        if isinstance(node, ast.stmt):
            skip = (
                isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass))
                or _is_docstring(node)
                or (
                    isinstance(node, ast.Expr)
                    and isinstance(node.value, ast.Call)
                    and _call_name(node.value) in _NOT_COUNTED_CALLS
                )
            )
            statements += not skip
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            draw += name in DRAW_CALLS
            if name in DECODE_CALLS:
                decode.add(name)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            if id(node) not in covered:
                n = _literal_leaves(node, covered)
                max_numbers = max(max_numbers, n)
                total_numbers += n
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            if id(node) in docstrings:
                continue
            b = _blob_chars(node.value)
            max_blob = max(max_blob, b)
            total_blob += b
            if isinstance(node.value, str):
                max_string = max(max_string, len(node.value))
    return {
        "statements": statements,
        "draw_calls": draw,
        "decode_calls": sorted(decode),
        "max_literal_numbers": max_numbers,
        "total_literal_numbers": total_numbers,
        "max_blob_chars": max_blob,
        "total_blob_chars": total_blob,
        "max_string_chars": max_string,
    }


def _area(b: list[float] | tuple[float, ...]) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _intersection(a: list[float], b: list[float] | tuple[float, ...]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def scene_rasters(scene: Scene, cfg: GateConfig) -> list[dict[str, Any]]:
    """Rasters in the scene: visible elements with a ``shape`` (images, quad meshes) of at least
    ``cfg.raster_min_pixels`` cells (``cfg.raster_min_side`` a side) covering at least ``cfg.raster_cover`` of their axes (of
    the figure for a figure-level image such as ``figimage``)."""
    out = []
    for e in scene.visible_elements():
        shape = e.props.get("shape")  # props are not type-checked: the child's data
        if not (isinstance(shape, list) and len(shape) >= 2 and e.bbox):
            continue
        if not all(type(v) is int for v in shape[:2]):
            continue
        if min(shape[0], shape[1]) < cfg.raster_min_side:
            continue
        pixels = shape[0] * shape[1]
        box: list[float] | tuple[float, ...] = (0.0, 0.0, 1.0, 1.0)
        if e.axes is not None and scene.axes[e.axes].bbox:
            box = scene.axes[e.axes].bbox  # type: ignore[assignment]
        cover = _intersection(e.bbox, box) / _area(box) if _area(box) > 0 else 0.0
        if pixels >= cfg.raster_min_pixels and cover >= cfg.raster_cover:
            out.append({"cls": e.cls, "shape": shape, "cover": round(cover, 3)})
    return out


def forbidden_operations(tree: ast.AST) -> list[str]:
    """Operations a plotting program has no business doing, as written: bare calls of
    :data:`FORBIDDEN_BUILTINS` (``open``, ``eval``, …), ``os.<f>`` calls and ``from os import
    <f>`` of :data:`FORBIDDEN_OS` (``os.system``, ``os.remove``, …), and imports of
    :data:`FORBIDDEN_MODULES` (``subprocess``, ``socket``, ``ctypes``, …); sorted, unique.
    Methods of the same names (``re.compile``, ``list.remove``, ``Image.open``) are fine."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in FORBIDDEN_BUILTINS:
                found.add(f.id)
            elif (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id in _OS_MODULES
                and f.attr in FORBIDDEN_OS
                and (f.value.id in ("os", "posix", "nt") or f.attr == "open")
            ):
                found.add(f"{f.value.id}.{f.attr}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    found.add(f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top in FORBIDDEN_MODULES:
                found.add(f"import {node.module}")
            elif top in ("os", "posix", "nt"):
                found.update(f"{top}.{a.name}" for a in node.names if a.name in FORBIDDEN_OS)
    return sorted(found)


def code_gate(
    code: str | bytes, result: ExecResult, config: GateConfig | None = None
) -> GateVerdict:
    """Code quality: no ``forbidden`` operation in the source (whatever the sandbox made of it:
    refused, or a hidden file that made it raise), the program ran (any status but ``ok`` is
    the reason: ``forbidden`` too when the sandbox refused something at run time), holds no
    raster smuggled in as data (``raster_literal``), and is more than a stub (``too_short``:
    fewer than ``min_statements`` statements, or no drawing call and nothing drawn)."""
    cfg = config or GateConfig()
    values: dict[str, Any] = {"status": result.status}
    try:
        tree = ast.parse(code)
        src = measure_source(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        # the sandbox compiled the same text, so it failed there too (or hit a limit here)
        reason = result.status if result.status != "ok" else "syntax_error"
        return _fail("code", reason, f"cannot parse: {exc!r}"[:200], values)
    forbidden = forbidden_operations(tree)
    values["forbidden"] = forbidden
    if forbidden:
        return _fail("code", "forbidden", "forbidden: " + ", ".join(forbidden)[:180], values)
    if result.status != "ok":
        return _fail("code", result.status, f"did not run: {result.message}"[:200], values)
    if result.scene is None or not result.images:
        return _fail("code", "no_scene", "ran but returned no image or scene", values)
    values.update(src)
    rasters = scene_rasters(result.scene, cfg)
    values["scene_rasters"] = rasters
    smuggled = []
    if src["max_literal_numbers"] > cfg.max_literal_numbers:
        smuggled.append(f"a literal of {src['max_literal_numbers']} numbers")
    elif src["total_literal_numbers"] > cfg.max_total_literal_numbers:
        smuggled.append(f"literals of {src['total_literal_numbers']} numbers in all")
    if src["max_blob_chars"] > cfg.max_blob_chars:
        smuggled.append(f"an encoded constant of {src['max_blob_chars']} characters")
    elif src["total_blob_chars"] > cfg.max_total_blob_chars:
        smuggled.append(f"encoded constants of {src['total_blob_chars']} characters in all")
    if src["max_string_chars"] > cfg.max_string_chars:
        smuggled.append(f"a string of {src['max_string_chars']} characters")
    if rasters and (
        src["decode_calls"]
        or src["total_literal_numbers"] >= cfg.raster_literal_numbers
        or src["total_blob_chars"] >= cfg.raster_blob_chars
    ):
        fed = (
            f"decoded by {', '.join(src['decode_calls'])}"
            if src["decode_calls"]
            else "fed by literal data"
        )
        smuggled.append(f"a {rasters[0]['cls']} covering {rasters[0]['cover']:.0%} {fed}")
    if smuggled:
        return _fail("code", "raster_literal", "raster smuggled in: " + "; ".join(smuggled), values)
    drawn = len(result.scene.visible_elements())
    values["visible_elements"] = drawn
    if src["statements"] < cfg.min_statements:
        return _fail(
            "code",
            "too_short",
            f"{src['statements']} statements (at least {cfg.min_statements})",
            values,
        )
    if src["draw_calls"] == 0 and drawn == 0:
        return _fail("code", "too_short", "no drawing call and nothing drawn", values)
    return _ok(
        "code", f"ran; {src['statements']} statements, {src['draw_calls']} draw calls", values
    )


# ------------------------------------------------------------------------------------------------
# Image quality
# ------------------------------------------------------------------------------------------------
class RenderedImage:
    """The first image of a result, decoded once: pixels, ink fraction, pHash, content box and
    the share of the image covered by its commonest ink colour (``solid_share``). Ink and pHash
    come from the sandbox's ``screen`` probe when it ran (the same numbers)."""

    def __init__(self, result: ExecResult) -> None:
        rgb = np.asarray(Image.open(io.BytesIO(result.images[0])).convert("RGB"))
        self.prepared = PreparedImage(rgb)
        self.solid_share = solid_share(rgb)
        self.height, self.width = rgb.shape[:2]
        probe = result.probes.get("screen")
        data = probe[0].get("data") if probe and isinstance(probe[0], dict) else None
        try:
            self.ink = float(data["ink"])  # type: ignore[index]
            self.phash = int(data["phash"], 16)  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            self.ink = ink_fraction(rgb)
            self.phash = phash64(rgb)


def solid_share(rgb: np.ndarray) -> float:
    """Share of the image (0..1) covered by its commonest ink colour, colours quantised to 16
    levels a channel (antialiasing and JPEG noise fall into the same bin)."""
    ink = ink_mask(rgb)
    if not ink.any():
        return 0.0
    q = rgb[ink] >> 4
    codes = (q[:, 0].astype(np.int32) << 8) | (q[:, 1].astype(np.int32) << 4) | q[:, 2]
    return float(np.bincount(codes, minlength=4096).max() / ink.size)


def _texts(scene: Scene, figure: int = 0) -> list[Element]:
    return [
        e
        for e in scene.of_kind("text", "annotation")
        if e.figure == figure and e.bbox and e.text and e.text.strip() and _area(e.bbox) > 0
    ]


#: Cells per side of the grid on which :func:`union_cover` rasterises boxes.
COVER_GRID = 256


def union_cover(boxes: list[list[float]]) -> float:
    """Share of the figure (0..1) covered by the union of boxes in figure coordinates, on a
    :data:`COVER_GRID` square grid (a cell counts when its centre is inside a box; boxes piled
    on each other count once)."""
    grid = np.zeros((COVER_GRID, COVER_GRID), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        c0, c1 = (int(np.clip(round(v * COVER_GRID), 0, COVER_GRID)) for v in (x0, x1))
        r0, r1 = (int(np.clip(round(v * COVER_GRID), 0, COVER_GRID)) for v in (y0, y1))
        grid[r0:r1, c0:c1] = True
    return float(grid.mean())


def overlapping_labels(boxes: np.ndarray, threshold: float) -> int:
    """How many of the ``N x 4`` boxes share at least ``threshold`` of the smaller box's area
    with some other box."""
    if len(boxes) < 2:
        return 0
    x0, y0, x1, y1 = (boxes[:, i] for i in range(4))
    w = np.clip(np.minimum(x1[:, None], x1[None]) - np.maximum(x0[:, None], x0[None]), 0, None)
    h = np.clip(np.minimum(y1[:, None], y1[None]) - np.maximum(y0[:, None], y0[None]), 0, None)
    area = (x1 - x0) * (y1 - y0)
    share = (w * h) / np.minimum(area[:, None], area[None])
    np.fill_diagonal(share, 0.0)
    return int(np.count_nonzero((share >= threshold).any(axis=1)))


def image_gate(
    result: ExecResult, config: GateConfig | None = None, image: RenderedImage | None = None
) -> GateVerdict:
    """Image quality of the first figure: one figure, not ``tiny`` (rendered size or content
    box), not ``blank``, not an ``ink_blob``, no ``text_outside`` the canvas, not
    ``overcrowded``, no ``labels_overlap``. Needs ``result.status == "ok"`` (run
    :func:`code_gate` first)."""
    cfg = config or GateConfig()
    _check_ran(result, "image_gate")
    assert result.scene is not None
    scene = result.scene
    img = image or RenderedImage(result)
    values: dict[str, Any] = {
        "figures": len(result.images),
        "width": img.width,
        "height": img.height,
        "ink": round(img.ink, 5),
        "solid_share": round(img.solid_share, 4),
    }
    if len(result.images) > cfg.max_figures:
        return _fail(
            "image",
            "multiple_figures",
            f"{len(result.images)} figures (at most {cfg.max_figures})",
            values,
        )
    if min(img.width, img.height) < cfg.min_side_px:
        return _fail(
            "image",
            "tiny",
            f"rendered {img.width}x{img.height} px (sides at least {cfg.min_side_px})",
            values,
        )
    if img.ink < cfg.min_ink:
        return _fail("image", "blank", f"ink {img.ink:.4f} < {cfg.min_ink}", values)
    if img.solid_share > cfg.max_solid_share or img.ink > cfg.max_ink:
        return _fail(
            "image",
            "ink_blob",
            f"one colour covers {img.solid_share:.0%} of the image (at most "
            f"{cfg.max_solid_share:.0%}), ink {img.ink:.0%} (at most {cfg.max_ink:.0%})",
            values,
        )
    box = img.prepared.box
    assert box is not None  # ink > 0
    side = max((box[2] - box[0]) / img.width, (box[3] - box[1]) / img.height)
    area = (box[2] - box[0]) * (box[3] - box[1]) / (img.width * img.height)
    values.update(content_side=round(side, 4), content_area=round(area, 4))
    if side < cfg.min_content_side or area < cfg.min_content_area:
        return _fail(
            "image",
            "tiny",
            f"content spans {side:.1%} of a side and {area:.1%} of the image "
            f"(at least {cfg.min_content_side:.0%} and {cfg.min_content_area:.0%})",
            values,
        )
    if text_outside(scene, cfg.text_margin):
        return _fail("image", "text_outside", "a text leaves the canvas", values)
    fig = scene.figures[0] if scene.figures else None
    inches = fig.width_in * fig.height_in if fig else 30.72
    elements = sum(1 for e in scene.visible_elements() if e.figure == 0)
    texts = _texts(scene)
    cover = union_cover([e.bbox for e in texts])  # type: ignore[misc]
    values.update(
        elements=elements,
        texts=len(texts),
        elements_per_in2=round(elements / inches, 3),
        texts_per_in2=round(len(texts) / inches, 3),
        text_cover=round(cover, 4),
    )
    crowded = []
    if elements / inches > cfg.max_elements_per_in2:
        crowded.append(f"{elements / inches:.1f} elements per in² (> {cfg.max_elements_per_in2})")
    if len(texts) / inches > cfg.max_texts_per_in2:
        crowded.append(f"{len(texts) / inches:.1f} texts per in² (> {cfg.max_texts_per_in2})")
    if cover > cfg.max_text_cover:
        crowded.append(f"text covers {cover:.0%} of the figure (> {cfg.max_text_cover:.0%})")
    if crowded:
        return _fail("image", "overcrowded", "; ".join(crowded), values)
    boxes = np.array([e.bbox for e in texts], dtype=float).reshape(-1, 4)
    piled = overlapping_labels(boxes, cfg.label_overlap)
    values["overlapping_labels"] = piled
    if piled > cfg.max_overlapping_labels and piled > cfg.max_overlapping_share * len(texts):
        return _fail(
            "image",
            "labels_overlap",
            f"{piled} of {len(texts)} labels overlap another by ≥ {cfg.label_overlap:.0%}",
            values,
        )
    return _ok(
        "image", f"{img.width}x{img.height} px, ink {img.ink:.3f}, {elements} elements", values
    )


# ------------------------------------------------------------------------------------------------
# Image–code consistency
# ------------------------------------------------------------------------------------------------
def scene_similarity(a: Scene, b: Scene) -> float:
    """How alike two scenes' content is, 0..1: the mean of the weighted Jaccard similarity of
    their element counts per kind (collections count their items) and the Jaccard similarity
    of their multisets of visible strings (``Scene.texts()``, stripped). Both empty: 1 each."""

    def jaccard(x: Counter[str], y: Counter[str]) -> float:
        union = sum((x | y).values())
        return sum((x & y).values()) / union if union else 1.0

    kinds_a, kinds_b = Counter(a.summary()["counts"]), Counter(b.summary()["counts"])
    texts_a = Counter(t.strip() for t in a.texts() if t.strip())
    texts_b = Counter(t.strip() for t in b.texts() if t.strip())
    return 0.5 * jaccard(kinds_a, kinds_b) + 0.5 * jaccard(texts_a, texts_b)


def _seed_prepared(seed_image: Any) -> PreparedImage:
    return seed_image if isinstance(seed_image, PreparedImage) else PreparedImage(seed_image)


def consistency_gate(
    result: ExecResult,
    *,
    mode: str | None = None,
    caption: str | None = None,
    facts: dict[str, Any] | None = None,
    seed_image: Any = None,
    seed_hash: int | None = None,
    seed_scene: Scene | None = None,
    accepted: HashIndex | None = None,
    config: GateConfig | None = None,
    image: RenderedImage | None = None,
) -> tuple[GateVerdict, str]:
    """Image–code consistency; returns the verdict and the caption it verified.

    1. ``caption`` (default: ``describe(scene)``, dense) is verified against the scene: at most
       ``max_contradicted_claims`` contradicted and at least ``min_supported_claims`` supported
       claims, else ``caption_unsupported``;
    2. ``mode="reproduction"``: Image Score against ``seed_image`` (PNG bytes, array or
       :class:`PreparedImage`) at least ``min_reproduction_score``, else ``far_from_seed``;
    3. ``mode="diversity"``: pHash within ``seed_distance`` of the seed's (``seed_hash``, or
       hashed from ``seed_image``) → ``duplicate_of_seed``; with ``seed_scene``,
       :func:`scene_similarity` at least ``max_scene_similarity`` → ``too_similar_to_seed``;
    4. pHash within ``dedup_distance`` of one in ``accepted`` → ``duplicate``.

    Raises ``ValueError`` for an unknown mode, a reproduction without ``seed_image`` or a
    variant without ``seed_hash``/``seed_image`` (caller errors, not item outcomes).
    """
    cfg = config or GateConfig()
    _check_mode(mode, seed_image, seed_hash)
    _check_ran(result, "consistency_gate")
    assert result.scene is not None
    scene = result.scene
    img = image or RenderedImage(result)
    text = caption if caption is not None else describe(scene, facts=facts, style="dense")
    claims = verify(text, scene, facts)
    verdicts = Counter(c.verdict for c in claims)
    values: dict[str, Any] = {
        "claims": len(claims),
        "supported": verdicts["supported"],
        "contradicted": verdicts["contradicted"],
        "unverifiable": verdicts["unverifiable"],
        "phash": f"{img.phash:016x}",
    }
    if (
        verdicts["contradicted"] > cfg.max_contradicted_claims
        or verdicts["supported"] < cfg.min_supported_claims
    ):
        bad = next((c.text for c in claims if c.verdict == "contradicted"), None)
        return _fail(
            "consistency",
            "caption_unsupported",
            f"{verdicts['supported']} supported, {verdicts['contradicted']} contradicted claims"
            + (f" (first: {bad!r})" if bad else "")
            + f"; need ≥ {cfg.min_supported_claims} and ≤ {cfg.max_contradicted_claims}",
            values,
        ), text
    if mode == "reproduction":
        # Version 1: the gate's thresholds were calibrated on it (docs/gates.md); the version 2
        # scale is stretched (chance level at 0), so its numbers would not match them.
        score = image_score(_seed_prepared(seed_image), img.prepared, version=1)
        values["image_score"] = round(score.total, 2)
        values["image_score_parts"] = {k: round(v, 2) for k, v in score.parts.items()}
        if score.total < cfg.min_reproduction_score:
            return _fail(
                "consistency",
                "far_from_seed",
                f"Image Score {score.total:.1f} against the seed < {cfg.min_reproduction_score}",
                values,
            ), text
    elif mode == "diversity":
        if seed_hash is None:
            seed_hash = phash64(_seed_prepared(seed_image).rgb)
        distance = hamming(img.phash, seed_hash)
        values["seed_distance"] = distance
        if distance <= cfg.seed_distance:
            return _fail(
                "consistency",
                "duplicate_of_seed",
                f"pHash {distance} bits from the seed (≤ {cfg.seed_distance})",
                values,
            ), text
        if seed_scene is not None:
            sim = scene_similarity(scene, seed_scene)
            values["scene_similarity"] = round(sim, 4)
            if sim >= cfg.max_scene_similarity:
                return _fail(
                    "consistency",
                    "too_similar_to_seed",
                    f"same elements and texts as the seed (similarity {sim:.2f} ≥ "
                    f"{cfg.max_scene_similarity})",
                    values,
                ), text
    if accepted is not None and accepted.near(img.phash, cfg.dedup_distance):
        return _fail(
            "consistency",
            "duplicate",
            f"pHash within {cfg.dedup_distance} bits of an accepted item",
            values,
        ), text
    return _ok("consistency", f"caption: {verdicts['supported']} claims supported", values), text


def _check_ran(result: ExecResult, gate: str) -> None:
    if result.status != "ok" or result.scene is None or not result.images:
        raise ValueError(
            f"{gate} needs a result that ran and drew (status {result.status!r}); "
            "run code_gate first, or judge_item"
        )


def _check_mode(mode: str | None, seed_image: Any, seed_hash: int | None) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode == "reproduction" and seed_image is None:
        raise ValueError("mode='reproduction' needs seed_image (the image being reproduced)")
    if mode == "diversity" and seed_hash is None and seed_image is None:
        raise ValueError("mode='diversity' needs seed_hash or seed_image (variants must differ)")


def judge_item(
    code: str,
    result: ExecResult,
    *,
    mode: str | None = None,
    caption: str | None = None,
    facts: dict[str, Any] | None = None,
    seed_image: Any = None,
    seed_hash: int | None = None,
    seed_scene: Scene | None = None,
    accepted: HashIndex | None = None,
    config: GateConfig | None = None,
) -> ItemJudgement:
    """Run the code, image and consistency gates in order on one executed program, stopping at
    the first failure. ``code`` is the source that produced ``result`` (``Executor.run``);
    the other arguments are :func:`consistency_gate`'s. The item is accepted when
    ``judgement.passed``; the caller then adds ``judgement.phash`` to ``accepted``.
    Deterministic: the same inputs give the same judgement."""
    cfg = config or GateConfig()
    _check_mode(mode, seed_image, seed_hash)
    verdicts = [code_gate(code, result, cfg)]
    if not verdicts[-1].passed:
        return ItemJudgement(verdicts)
    img = RenderedImage(result)
    verdicts.append(image_gate(result, cfg, img))
    if not verdicts[-1].passed:
        return ItemJudgement(verdicts, phash=img.phash)
    verdict, text = consistency_gate(
        result,
        mode=mode,
        caption=caption,
        facts=facts,
        seed_image=seed_image,
        seed_hash=seed_hash,
        seed_scene=seed_scene,
        accepted=accepted,
        config=cfg,
        image=img,
    )
    verdicts.append(verdict)
    return ItemJudgement(verdicts, caption=text, phash=img.phash)


# ------------------------------------------------------------------------------------------------
# Job summaries
# ------------------------------------------------------------------------------------------------
class GateStats:
    """Attempts, passes and rejection reasons per gate over many judged items (thread-safe).

    An item is an *attempt* at every gate it reached: one rejected by the image gate attempted
    the code and image gates. ``to_dict()`` gives, per gate, attempts, passed, rejected, the
    acceptance rate (passed / attempts) and the reasons; and overall items, accepted and rate.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items = 0
        self.accepted = 0
        self.attempts: Counter[str] = Counter()
        self.passes: Counter[str] = Counter()
        self.reasons: dict[str, Counter[str]] = {g: Counter() for g in GATES}

    def note(self, judgement: ItemJudgement) -> None:
        with self._lock:
            self.items += 1
            self.accepted += judgement.passed
            for v in judgement.verdicts:
                self.attempts[v.gate] += 1
                if v.passed:
                    self.passes[v.gate] += 1
                else:
                    self.reasons[v.gate][v.reason] += 1

    def merge(self, other: GateStats) -> None:
        """Add ``other``'s counts (e.g. a Ray worker's) to these."""
        with self._lock:
            self.items += other.items
            self.accepted += other.accepted
            self.attempts.update(other.attempts)
            self.passes.update(other.passes)
            for g, reasons in other.reasons.items():
                self.reasons.setdefault(g, Counter()).update(reasons)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # a lock does not travel (pickle, Ray); a new one is made
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            gates = {}
            for g in GATES:
                n, ok = self.attempts[g], self.passes[g]
                gates[g] = {
                    "attempts": n,
                    "passed": ok,
                    "rejected": n - ok,
                    "acceptance_rate": round(ok / n, 4) if n else None,
                    "reasons": dict(sorted(self.reasons[g].items())),
                }
            return {
                "items": self.items,
                "accepted": self.accepted,
                "acceptance_rate": round(self.accepted / self.items, 4) if self.items else None,
                "gates": gates,
            }
