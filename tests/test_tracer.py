"""Tests for codepercept.scene.tracer: hand-written programs, executed in-process, traced."""

from __future__ import annotations

import io
import math
import textwrap
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib import patches

from codepercept.scene.model import MAX_POINTS, Element, Scene
from codepercept.scene.tracer import trace_figures


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


def run(code: str, render: bool = True) -> tuple[Scene, dict]:
    """Exec a program, render every figure to PNG like the sandbox does, trace. Returns the
    scene and the program's namespace (figures stay open for geometry checks)."""
    plt.close("all")
    ns: dict = {"__name__": "__main__"}
    exec(compile(textwrap.dedent(code), "<program>", "exec"), ns)
    if render:
        for num in plt.get_fignums():
            plt.figure(num).savefig(io.BytesIO(), format="png", dpi=100)
    return trace_figures(), ns


def only(scene: Scene, kind: str) -> Element:
    found = [e for e in scene.elements if e.kind == kind]
    assert len(found) == 1, [(e.kind, e.cls) for e in scene.elements]
    return found[0]


def to_fig(ax, fig, pts) -> np.ndarray:
    """Data points -> normalised figure coordinates, the way the test expects them."""
    disp = ax.transData.transform(np.asarray(pts, dtype=float))
    return disp / [fig.bbox.width, fig.bbox.height]


# --------------------------------------------------------------------------------------------
# lines and points
# --------------------------------------------------------------------------------------------
def test_lines_linestyles_colors_labels_and_legend():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [0, 1, 0], "-", color="red", label="solid one")
        ax.plot([0, 1, 2], [1, 2, 1], "--", color="blue", label="dashed one")
        ax.plot([0, 1, 2], [2, 3, 2], ":", color="green")
        ax.plot([0, 1, 2], [3, 4, 3], "-.", lw=3)
        ax.plot([0, 1, 2], [3, 4, 3], linestyle=(0, (1, 10)))
        ax.plot([0, 1, 2, 3], [5, 5, 6, 6], "o", markersize=4, label="pts")
        ax.legend()
        """
    )
    lines = [e for e in scene.elements if e.kind == "line"]
    assert [e.linestyle for e in lines] == ["solid", "dashed", "dotted", "dashdot", "dotted"]
    assert lines[0].edgecolor == [1.0, 0.0, 0.0, 1.0]
    assert lines[1].edgecolor == [0.0, 0.0, 1.0, 1.0]
    assert lines[0].label == "solid one" and lines[2].label is None
    assert lines[3].linewidth == 3.0
    assert lines[0].data == [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]
    assert lines[0].n_points == 3 and lines[0].count == 1 and lines[0].marker is None
    pts = only(scene, "points")
    assert pts.count == 4 and pts.n_points == 4
    assert pts.marker == "o" and pts.markersize == 4.0 and pts.linestyle == "none"
    assert scene.axes[0].legend == ["solid one", "dashed one", "pts"]
    # the legend's own lines and texts are not elements
    assert len(scene.elements) == 6


def test_line_fig_coordinates_follow_the_data_transform():
    scene, ns = run(
        """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 10], [0, 5])
        ax.set_xlim(-1, 11); ax.set_ylim(-1, 6)
        """
    )
    line = only(scene, "line")
    expect = to_fig(ns["ax"], ns["fig"], [[0, 0], [10, 5]])
    assert np.allclose(line.fig, expect, atol=1e-5)
    assert line.bbox == pytest.approx([*expect.min(0), *expect.max(0)], abs=1e-5)
    assert line.clipped_out is False and line.visible is True


def test_huge_line_is_decimated_fast_and_keeps_extremes():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    fig.canvas.draw()  # rendered once, like the sandbox did before tracing
    n = 10_000_000
    x = np.arange(n, dtype=float)
    y = np.zeros(n)
    y[n // 3] = 7.0  # an extreme that decimation would skip
    line.set_data(x, y)
    line.recache()  # the sandbox's PNG render has already done this
    t0 = time.perf_counter()
    scene = trace_figures([fig])
    elapsed = time.perf_counter() - t0
    el = only(scene, "line")
    assert elapsed < 2.5, elapsed  # vectorised: ~0.1 s; a Python loop over 10^7 points: > 5 s
    assert el.n_points == n
    assert 2 <= len(el.data) <= MAX_POINTS and len(el.fig) == len(el.data)
    assert el.data[0] == [0.0, 0.0] and el.data[-1] == [n - 1.0, 0.0]
    top = ax.transData.transform([[0, 7.0]])[0][1] / fig.bbox.height
    assert el.bbox[3] == pytest.approx(top, abs=1e-6)
    assert len(scene.to_json()) < 100_000


def test_axhline_gets_data_coordinates_through_its_blended_transform():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.set_xlim(0, 4); ax.set_ylim(0, 2)
        ax.axhline(1.5, color="k")
        """
    )
    el = only(scene, "line")
    assert np.allclose(el.data, [[0, 1.5], [4, 1.5]])


# --------------------------------------------------------------------------------------------
# patches
# --------------------------------------------------------------------------------------------
def test_circle_props_and_fig_bbox():
    scene, ns = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Circle
        fig, ax = plt.subplots(figsize=(5, 5))
        ax.add_patch(Circle((1, 2), 0.5, facecolor="red", edgecolor="black", lw=2))
        ax.set_xlim(0, 3); ax.set_ylim(0, 3)
        """
    )
    el = only(scene, "circle")
    assert el.props["center"] == [1, 2] and el.props["radius"] == 0.5
    assert el.facecolor == [1.0, 0.0, 0.0, 1.0] and el.edgecolor == [0.0, 0.0, 0.0, 1.0]
    assert el.linewidth == 2.0
    expect = to_fig(ns["ax"], ns["fig"], [[0.5, 1.5], [1.5, 2.5]])
    assert el.bbox == pytest.approx([*expect[0], *expect[1]], abs=1e-4)
    # vertices lie on the circle (curves flattened, not Bezier control points)
    d = np.asarray(el.data)
    assert np.allclose(np.hypot(d[:, 0] - 1, d[:, 1] - 2), 0.5, atol=2e-3)
    assert el.data[0] == pytest.approx(el.data[-1])  # a closed ring


def test_rectangle_ellipse_arc_wedge_polygon_patch_props():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib import patches as P
        from matplotlib.path import Path
        fig, ax = plt.subplots()
        ax.add_patch(P.Rectangle((1, 2), 3, 4, angle=30, facecolor="none", edgecolor="b",
                                 linestyle="--", hatch="//"))
        ax.add_patch(P.Ellipse((0, 0), 4, 2, angle=10))
        ax.add_patch(P.Arc((1, 1), 2, 3, theta1=0, theta2=90))
        ax.add_patch(P.Wedge((2, 2), 1.5, 30, 120, width=0.5))
        ax.add_patch(P.Polygon([[0, 0], [1, 0], [0, 1]], closed=True))
        ax.add_patch(P.PathPatch(Path([(0, 0), (1, 1), (2, 0)])))
        ax.set_xlim(-3, 6); ax.set_ylim(-3, 7)
        """
    )
    rect = only(scene, "rectangle")
    assert rect.props == {"x": 1, "y": 2, "width": 3, "height": 4, "angle": 30.0}
    assert rect.facecolor is None and rect.linestyle == "dashed" and rect.hatch == "//"
    assert rect.edgecolor == [0.0, 0.0, 1.0, 1.0]
    assert len(rect.data) == 5 and rect.data[0] == pytest.approx(rect.data[-1])
    assert rect.data[0] == pytest.approx([1, 2])
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    assert rect.data[1] == pytest.approx([1 + 3 * c, 2 + 3 * s])
    ell = only(scene, "ellipse")
    assert ell.props == {"center": [0, 0], "width": 4, "height": 2, "angle": 10.0}
    arc = only(scene, "arc")
    assert arc.props["theta1"] == 0 and arc.props["theta2"] == 90
    assert arc.props["center"] == [1, 1] and arc.props["width"] == 2
    assert arc.facecolor is None and arc.visible
    wedge = only(scene, "wedge")
    assert wedge.props == {"center": [2, 2], "r": 1.5, "theta1": 30, "theta2": 120, "width": 0.5}
    radii = np.hypot(*(np.asarray(wedge.data) - 2).T)
    assert radii.min() == pytest.approx(1.0, abs=1e-3) and radii.max() == pytest.approx(1.5)
    poly = only(scene, "polygon")
    assert poly.data == [[0, 0], [1, 0], [0, 1], [0, 0]] and poly.props["closed"] is True
    patch = only(scene, "patch")
    assert patch.data == [[0, 0], [1, 1], [2, 0]] and patch.cls == "PathPatch"


def test_arrows_fancyarrow_arrow_fancyarrowpatch():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib import patches as P
        fig, ax = plt.subplots()
        ax.arrow(0, 0, 2, 1, width=0.05)
        ax.add_patch(P.Arrow(1, 1, -1, 2))
        ax.add_patch(P.FancyArrowPatch((0, 3), (3, 0), arrowstyle="->", mutation_scale=20))
        ax.set_xlim(-1, 4); ax.set_ylim(-1, 4)
        """
    )
    arrows = [e for e in scene.elements if e.kind == "arrow"]
    assert [e.cls for e in arrows] == ["FancyArrow", "Arrow", "FancyArrowPatch"]
    assert arrows[0].props["start"] == [0, 0] and arrows[0].props["end"] == [2, 1]
    assert arrows[1].props["start"] == [1, 1] and arrows[1].props["end"] == [0, 3]
    assert arrows[2].props["start"] == pytest.approx([0, 3])
    assert arrows[2].props["end"] == pytest.approx([3, 0])
    assert all(e.visible for e in arrows)


# --------------------------------------------------------------------------------------------
# texts and annotations
# --------------------------------------------------------------------------------------------
def test_texts_annotations_and_figure_level_artists():
    scene, ns = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
        fig, ax = plt.subplots()
        fig.suptitle("The Suptitle")
        fig.text(0.02, 0.02, "footer", fontsize=8)
        fig.add_artist(Rectangle((0.9, 0.9), 0.05, 0.05, transform=fig.transFigure))
        t = ax.text(1, 1, "hello", fontsize=14, rotation=45, color="purple")
        ax.annotate("max", xy=(2, 3), xytext=(3, 4), arrowprops=dict(arrowstyle="->"))
        ax.annotate("", xy=(0, 0), xytext=(1, 2), arrowprops=dict(arrowstyle="-|>"))
        ax.set_xlim(0, 5); ax.set_ylim(0, 5)
        ax.set_title("center"); ax.set_title("left", loc="left")
        """
    )
    kinds = [(e.kind, e.axes) for e in scene.elements]
    # figure-level artists first (axes None), then the axes content
    assert kinds == [
        ("rectangle", None),
        ("text", None),
        ("text", 0),
        ("annotation", 0),
        ("arrow", 0),
    ]
    assert scene.figures[0].suptitle == "The Suptitle"
    assert scene.axes[0].title == "left | center"
    footer, rect = scene.elements[1], scene.elements[0]
    assert footer.text == "footer" and footer.data is None and footer.fontsize == 8
    assert rect.data is None and rect.fig[0] == pytest.approx([0.9, 0.9])
    hello = scene.elements[2]
    assert hello.text == "hello" and hello.fontsize == 14 and hello.rotation == 45
    assert hello.color == pytest.approx([0.502, 0.0, 0.502, 1.0], abs=1e-3)
    assert hello.data == [[1.0, 1.0]]
    fig = ns["fig"]
    ext = ns["t"].get_window_extent(fig.canvas.get_renderer()).extents
    expect = np.asarray(ext) / np.tile([fig.bbox.width, fig.bbox.height], 2)
    assert hello.bbox == pytest.approx(expect, abs=1e-5)
    ann = scene.elements[3]
    assert ann.text == "max" and ann.props["has_arrow"] is True
    assert ann.props["xy"] == [2, 3] and ann.props["xytext"] == [3, 4]
    arrow = scene.elements[4]
    assert arrow.cls == "Annotation" and arrow.text is None
    assert arrow.props["start"] == [1, 2] and arrow.props["end"] == [0, 0]
    assert "The Suptitle" in scene.texts() and scene.texts().count("The Suptitle") == 1


def test_annotation_in_offset_points_reports_data_position():
    scene, ns = run(
        """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.set_xlim(0, 10); ax.set_ylim(0, 10)
        ax.annotate("here", xy=(5, 5), xytext=(10, 0), textcoords="offset points")
        """
    )
    ann = only(scene, "annotation")
    assert ann.props["xy"] == [5, 5]
    fig = ns["fig"]
    dx_data = 10 * fig.dpi / 72 / (ns["ax"].bbox.width / 10)
    assert ann.props["xytext"] == pytest.approx([5 + dx_data, 5], abs=1e-6)
    assert ann.props["has_arrow"] is False


# --------------------------------------------------------------------------------------------
# collections
# --------------------------------------------------------------------------------------------
def test_quiver_counts_arrows():
    scene, _ = run(
        """
        import numpy as np, matplotlib.pyplot as plt
        X, Y = np.meshgrid(np.arange(9), np.arange(7))
        fig, ax = plt.subplots()
        ax.quiver(X, Y, np.cos(X), np.sin(Y), color="k")
        """
    )
    q = only(scene, "quiver")
    assert q.count == 63 and q.n_points == 63
    assert q.data[0] == [0, 0] and q.data[-1] == [8, 6]
    assert scene.summary()["counts"] == {"quiver": 63}


def test_scatter_counts_and_color_summary():
    scene, _ = run(
        """
        import numpy as np, matplotlib.pyplot as plt
        rng = np.random.default_rng(0)
        fig, ax = plt.subplots()
        ax.scatter(rng.random(1000), rng.random(1000), s=10, c="tab:orange", label="a")
        ax.scatter([1, 2, 3], [1, 2, 3], c=["red", "blue", "red"], marker="s", s=[5, 10, 20])
        """
    )
    a, b = (e for e in scene.elements if e.kind == "scatter")
    assert a.count == 1000 and a.n_points == 1000 and len(a.data) == MAX_POINTS
    assert a.label == "a" and a.props["size_range"] == [10.0, 10.0] and a.marker == "o"
    assert a.facecolor == pytest.approx([1.0, 0.498, 0.0549, 1.0], abs=1e-3)
    assert "facecolors" not in a.props  # one colour: no per-point list
    assert b.count == 3 and b.props["n_facecolors"] == 2 and b.marker == "s"
    assert b.props["facecolors"] == [[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]]
    assert b.props["size_range"] == [5.0, 20.0]


def test_line_collection_counts_dashed_segments():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
        fig, ax = plt.subplots()
        segs = [[(i, 0), (i, 1)] for i in range(5)]
        lc = LineCollection(segs, linestyles=["-", "--", "-", ":", "--"], colors="k")
        ax.add_collection(lc)
        ax.set_xlim(-1, 5); ax.set_ylim(-1, 2)
        """
    )
    lc = only(scene, "line_collection")
    assert lc.count == 5 and lc.n_points == 10
    assert lc.props["dashed_segments"] == 3
    assert lc.props["linestyles"] == {"solid": 2, "dashed": 2, "dotted": 1}
    assert lc.props["item_sizes"] == [2] * 5
    assert lc.data[2:4] == [[1, 0], [1, 1]]


def test_fill_poly_and_patch_collections():
    scene, _ = run(
        """
        import numpy as np, matplotlib.pyplot as plt
        from matplotlib.collections import PolyCollection, PatchCollection
        from matplotlib.patches import Circle
        x = np.linspace(0, 1, 50)
        fig, ax = plt.subplots()
        ax.fill_between(x, 0, x ** 2, color="C1", alpha=0.5)
        ax.add_collection(PolyCollection([[(0, 0), (1, 0), (1, 1)], [(2, 2), (3, 2), (3, 3)]]))
        ax.add_collection(PatchCollection([Circle((0, 0), 1), Circle((2, 2), 1)]))
        """
    )
    fill = only(scene, "fill")
    assert fill.cls == "FillBetweenPolyCollection" and fill.alpha == 0.5
    assert fill.facecolor[3] == pytest.approx(0.5)
    pc = only(scene, "poly_collection")
    assert pc.count == 2 and pc.props["item_sizes"] == [4, 4]
    assert pc.data[:4] == [[0, 0], [1, 0], [1, 1], [0, 0]]
    patches_ = only(scene, "path_collection")
    assert patches_.count == 2 and patches_.cls == "PatchCollection"


def test_images_axes_and_figure():
    scene, _ = run(
        """
        import numpy as np, matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.imshow(np.arange(12).reshape(3, 4), extent=(0, 4, 0, 3), cmap="gray")
        fig.figimage(np.zeros((5, 6)), xo=10, yo=20)
        """
    )
    fimg, aimg = scene.elements
    assert aimg.kind == "image" and aimg.axes == 0
    assert aimg.props["extent"] == [0, 4, 0, 3] and aimg.props["shape"] == [3, 4]
    assert aimg.props["cmap"] == "gray"
    assert fimg.kind == "image" and fimg.axes is None and fimg.props["shape"] == [5, 6]
    assert fimg.data is None


# --------------------------------------------------------------------------------------------
# 3D
# --------------------------------------------------------------------------------------------
CUBE = """
import itertools
import numpy as np, matplotlib.pyplot as plt
from mpl_toolkits.mplot3d.art3d import Poly3DCollection
V = np.array(list(itertools.product([0, 1], repeat=3)), dtype=float)
faces = [[0, 1, 3, 2], [4, 5, 7, 6], [0, 1, 5, 4], [2, 3, 7, 6], [0, 2, 6, 4], [1, 3, 7, 5]]
fig = plt.figure()
ax = fig.add_subplot(projection="3d")
ax.add_collection3d(Poly3DCollection([V[f] for f in faces], facecolor="cyan", edgecolor="k",
                                     alpha=0.3))
for name, v in zip("ABCDEFGH", V):
    ax.text(*v, name)
ax.set_xlim(0, 1); ax.set_ylim(0, 1); ax.set_zlim(0, 1)
ax.view_init(elev=20, azim=35)
"""


def test_cube_poly3d_and_vertex_labels():
    scene, ns = run(CUBE)
    poly = only(scene, "poly3d")
    assert poly.count == 6 and poly.n_points == 24
    assert poly.props["item_sizes"] == [4] * 6
    assert poly.data[:4] == [[0, 0, 0], [0, 0, 1], [0, 1, 1], [0, 1, 0]]
    assert poly.facecolor == pytest.approx([0.0, 1.0, 1.0, 0.3])
    texts = [e for e in scene.elements if e.kind == "text"]
    assert sorted(e.text for e in texts) == list("ABCDEFGH")
    info = scene.axes[0]
    assert info.is3d and info.elev == 20 and info.azim == 35 and info.zlim == [0, 1]
    # the projected anchor of "H" (1,1,1) is where mplot3d draws it
    from mpl_toolkits.mplot3d import proj3d

    ax, fig = ns["ax"], ns["fig"]
    px, py, _ = proj3d.proj_transform(1, 1, 1, ax.get_proj())
    expect = ax.transData.transform([[px, py]])[0] / [fig.bbox.width, fig.bbox.height]
    h = next(e for e in texts if e.text == "H")
    assert h.data == [[1, 1, 1]] and h.fig[0] == pytest.approx(expect, abs=1e-5)
    assert h.bbox[0] == pytest.approx(expect[0], abs=2e-3)  # left-aligned at the anchor
    assert all(0 <= v <= 1 for e in scene.elements for p in e.fig for v in p)


def test_line3d_scatter3d_surface_and_3d_quiver():
    scene, _ = run(
        """
        import numpy as np, matplotlib.pyplot as plt
        fig = plt.figure()
        ax = fig.add_subplot(projection="3d")
        t = np.linspace(0, 1, 30)
        ax.plot(t, t ** 2, t ** 3, "r--")
        ax.scatter([0, 1, 2], [0, 1, 2], [0, 1, 2], c="g")
        ax.plot([0, 1], [0, 1], [1, 1], "D")
        X, Y = np.meshgrid(np.arange(4), np.arange(3))
        ax.plot_surface(X, Y, X * 0.0 + 1)
        ax.quiver([0, 1], [0, 1], [0, 1], [1, 1], [0, 0], [0, 0])
        """
    )
    line = next(e for e in scene.elements if e.cls == "Line3D")
    assert line.kind == "line3d" and line.n_points == 30 and line.linestyle == "dashed"
    assert line.data[-1] == pytest.approx([1, 1, 1])
    dots = [e for e in scene.elements if e.kind == "line3d" and e.marker == "D"]
    assert len(dots) == 1 and dots[0].count == 2 and dots[0].props["markers_only"] is True
    sc = only(scene, "path3d")
    assert sc.count == 3 and sc.data == [[0, 0, 0], [1, 1, 1], [2, 2, 2]]
    assert sc.facecolor == [0.0, 0.5, 0.0, 1.0] and sc.edgecolor == sc.facecolor  # no shading
    surf = only(scene, "poly3d")
    assert surf.count == 6  # (4-1) x (3-1) quads
    q = next(e for e in scene.elements if e.cls == "Line3DCollection")
    assert q.kind == "line3d" and q.count == 6  # 2 arrows x (shaft + 2 head lines)


# --------------------------------------------------------------------------------------------
# axes info
# --------------------------------------------------------------------------------------------
def test_axes_info_ticks_labels_scale_grid():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3))
        a.plot([0, 10], [0, 1]); a.set_xticks([0, 5, 10, 15])
        a.set_xlim(0, 10); a.set_ylim(0, 1); a.set_xlabel("time"); a.set_ylabel("value")
        a.grid(True); a.set_aspect(2)
        b.semilogy([1, 2, 3], [1, 100, 1000]); b.axis("off"); b.set_facecolor("yellow")
        """
    )
    a, b = scene.axes
    assert a.xticks == [0, 5, 10] and a.xticklabels == ["0", "5", "10"]  # 15 is out of view
    assert a.yticklabels[0] == "0.0" and a.xlabel == "time" and a.ylabel == "value"
    assert a.grid is True and a.aspect == 2.0 and a.axis_on is True
    assert a.xlim == [0, 10] and a.bbox[0] < a.bbox[2] <= b.bbox[0]
    assert b.yscale == "log" and b.axis_on is False and b.grid is False
    assert b.facecolor == [1.0, 1.0, 0.0, 1.0]
    assert all("10^" in s for s in b.yticklabels)
    assert "time" in scene.texts() and "0" in scene.texts()


def test_subfigures_and_inset_axes_are_traced_once():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        fig = plt.figure()
        left, right = fig.subfigures(1, 2)
        ax1 = left.add_subplot(); ax1.plot([0, 1])
        ax2 = right.add_subplot(); ax2.bar([1, 2], [3, 4])
        inset = ax1.inset_axes([0.5, 0.5, 0.4, 0.4]); inset.plot([1, 0])
        right.suptitle("right side")
        """
    )
    assert len(scene.axes) == 3
    assert [e.kind for e in scene.elements] == ["text", "line", "line", "rectangle", "rectangle"]
    assert scene.elements[0].text == "right side" and scene.elements[0].axes is None
    assert [e.axes for e in scene.elements[1:]] == [0, 1, 2, 2]


# --------------------------------------------------------------------------------------------
# visibility, clipping, order
# --------------------------------------------------------------------------------------------
def test_invisible_transparent_and_clipped_out():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Circle, Rectangle
        fig, ax = plt.subplots()
        ax.set_xlim(0, 1); ax.set_ylim(0, 1)
        ax.add_patch(Circle((0.5, 0.5), 0.1))
        ax.add_patch(Circle((5, 5), 0.1))                       # far outside the view
        ax.add_patch(Circle((5, 5), 0.1, clip_on=False))        # outside, not clipped
        ax.plot([0, 1], [0, 1], visible=False)
        ax.add_patch(Rectangle((0, 0), 0.5, 0.5, alpha=0.0))
        ax.text(0.5, 0.5, "")
        """
    )
    c_in, c_out, c_noclip = (e for e in scene.elements if e.kind == "circle")
    assert not c_in.clipped_out and c_out.clipped_out and not c_noclip.clipped_out
    assert only(scene, "line").visible is False
    assert only(scene, "rectangle").visible is False
    assert only(scene, "text").visible is False
    assert [e.kind for e in scene.visible_elements()] == ["circle", "circle"]
    assert scene.summary()["counts"] == {"circle": 2}


def test_elements_follow_draw_order_and_figure_order():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Circle
        fig1, ax = plt.subplots()
        ax.plot([0, 1], zorder=5, label="top")
        ax.add_patch(Circle((0, 0), 1, zorder=0.5, label="bottom"))
        ax.add_artist(Circle((1, 1), 1, label="middle"))   # patch zorder 1
        ax.plot([1, 0], zorder=1, label="middle2")          # same zorder: insertion order
        fig2, ax2 = plt.subplots()
        ax2.text(0, 0, "second figure")
        """
    )
    assert [e.label for e in scene.elements[:4]] == ["bottom", "middle", "middle2", "top"]
    assert [e.figure for e in scene.elements] == [0, 0, 0, 0, 1]
    assert [a.figure for a in scene.axes] == [0, 1]
    assert scene.elements[-1].axes == 1


def test_never_drawn_figure_is_drawn_once():
    _fig, ax = plt.subplots()
    ax.plot([0, 3], [0, 3])
    scene = trace_figures()  # no savefig: tracer must draw to get tick labels
    assert scene.axes[0].xticklabels[:2] == ["0.0", "0.5"]


# --------------------------------------------------------------------------------------------
# robustness
# --------------------------------------------------------------------------------------------
def test_exotic_artist_becomes_other_with_warning():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch

        class Weird(Patch):
            def draw(self, renderer):
                pass
            def get_path(self):
                raise RuntimeError("no path for you")

        fig, ax = plt.subplots()
        ax.add_artist(Weird())
        ax.plot([0, 1])
        """
    )
    weird = scene.elements[0]
    assert weird.kind == "other" and weird.cls == "Weird" and weird.axes == 0
    assert len(scene.warnings) == 1 and "Weird" in scene.warnings[0]
    assert "no path for you" in scene.warnings[0]
    assert scene.elements[1].kind == "line"


def test_other_artists_keep_their_texts():
    scene, _ = run(
        """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.table(cellText=[["a1", "b1"], ["a2", "b2"]], loc="bottom")
        """
    )
    table = only(scene, "other")
    assert table.cls == "Table" and sorted(table.text.split("\n")) == ["a1", "a2", "b1", "b2"]


def test_non_finite_values_are_json_safe():
    scene, _ = run(
        """
        import numpy as np, matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([0, 1, np.nan, 3, np.inf], [0, 1, 2, np.nan, 4])
        ax.scatter([0, np.nan], [1, 2])
        """
    )
    line = only(scene, "line")
    assert line.n_points == 5 and line.data == [[0, 0], [1, 1]]
    s = scene.to_json()  # allow_nan=False: raises on any NaN
    assert "NaN" not in s and "Infinity" not in s


def test_json_round_trip_and_summary():
    scene, _ = run(CUBE)
    scene2, _ = run(
        """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0], color="red", label="r")
        ax.bar([1, 2, 3], [1, 2, 3], color="blue")
        ax.legend()
        """
    )
    for sc in (scene, scene2):
        back = Scene.from_json(sc.to_json())
        assert back == sc
        assert back.to_dict() == sc.to_dict()
    summary = scene2.summary()
    assert summary["counts"] == {"line": 1, "rectangle": 3}
    assert summary["palette"][:2] == ["#0000ff", "#ff0000"]
    assert scene2.axes[0].legend == ["r"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.floats(-50, 50),
            st.floats(-50, 50),
            st.floats(0.1, 20),
            st.floats(0.1, 20),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_rectangles_round_trip_positions(rects):
    plt.close("all")
    fig, ax = plt.subplots(figsize=(4, 3), dpi=50)
    for x, y, w, h in rects:
        ax.add_patch(patches.Rectangle((x, y), w, h))
    ax.set_xlim(-60, 80)
    ax.set_ylim(-60, 80)
    fig.canvas.draw()
    scene = Scene.from_json(trace_figures([fig]).to_json())
    els = scene.of_kind("rectangle")
    assert len(els) == len(rects)
    for el, (x, y, w, h) in zip(els, rects, strict=True):
        assert el.props["x"] == x and el.props["width"] == w
        assert np.allclose(el.data, [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]])
        expect = to_fig(ax, fig, [[x, y], [x + w, y + h]])
        assert el.bbox == pytest.approx([*expect[0], *expect[1]], abs=1e-5)
    plt.close(fig)


def test_figure_level_legend_entries_are_texts():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from codepercept.scene.tracer import trace_figures

    fig, (a, b) = plt.subplots(1, 2)
    a.plot([0, 1], label="alpha")
    b.plot([1, 0], label="beta")
    fig.legend(title="series")
    fig.canvas.draw()
    scene = trace_figures([fig])
    plt.close(fig)
    assert scene.figures[0].legend == ["series", "alpha", "beta"]
    assert {"series", "alpha", "beta"} <= set(scene.texts())


def _flatten_with_bezier_segments(path):
    """The reference: matplotlib's own iter_bezier and BezierSegment, one object per segment."""
    from matplotlib.path import Path

    from codepercept.scene.tracer import _BEZIER_SAMPLES

    out = []
    for seg, code in path.iter_bezier(simplify=False):
        cp = np.asarray(seg.control_points, dtype=float)
        if code == Path.MOVETO:
            out.append(cp[:1])
        elif seg.degree <= 1:
            out.append(cp[-1:])
        else:
            out.append(np.asarray(seg(_BEZIER_SAMPLES), dtype=float)[1:])
    return np.concatenate(out) if out else np.zeros((0, 2))


_CODE_STEPS = {"move": 1, "line": 1, "close": 1, "quad": 2, "cubic": 3, "stop": 1}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(_CODE_STEPS)), min_size=0, max_size=12),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_curve_flattening_equals_matplotlibs_bezier_segments(steps, seed, with_nan):
    # The same floats as BezierSegment for any mix of moves, lines, closes, quadratic and cubic
    # curves, NaN vertices and STOP, including curves after a CLOSEPOLY.
    from matplotlib.path import Path

    from codepercept.scene.tracer import _flatten

    code_of = {"move": Path.MOVETO, "line": Path.LINETO, "close": Path.CLOSEPOLY,
               "quad": Path.CURVE3, "cubic": Path.CURVE4, "stop": Path.STOP}  # fmt: skip
    codes = [Path.MOVETO]
    for step in steps:
        codes += [code_of[step]] * _CODE_STEPS[step]
    rng = np.random.default_rng(seed)
    verts = rng.normal(size=(len(codes), 2)) * 10
    if with_nan and len(verts) > 2:
        verts[rng.integers(1, len(verts))] = np.nan
    path = Path(verts, codes)
    expected = _flatten_with_bezier_segments(path)
    got = _flatten(path)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected, equal_nan=True)
