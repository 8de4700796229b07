"""The tracer's geometry against matplotlib's own, on real-world-style charts written by hand.

Each chart below is the kind of program found in the wild (a 3D surface, filled contours with a
colorbar, a bubble chart, a heatmap, a NonUniformImage, polar bars, big markers at the axes'
edge, annotation arrows, a quiver). Every recorded bbox is checked against what matplotlib says
the artist covers, in normalised figure coordinates, after the figure is drawn:

* ``window_box``: ``artist.get_window_extent()`` where matplotlib computes it (lines with their
  markers, patches, texts, annotations with their arrows, images, the colorbar outline) —
  tolerance :data:`EXACT` (the tracer rounds to 6 decimals);
* ``painted_box``: the pixels the artist alone paints (every other artist hidden, the figure
  drawn again) where matplotlib's extent is missing or wrong (collections give ``inf``, quiver
  mixes units, NonUniformImage has none) — tolerance :data:`PIXEL_TOL` pixels (antialiasing)
  plus half the stroke width, after clipping the recorded box as the artist is clipped.

The ``sandbox`` tests run the same programs through the real sandbox (how scenes are produced) and
checks that its scenes carry the same geometry as the in-process trace.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from codepercept.scene.model import MAX_POINTS, Scene
from codepercept.scene.tracer import (
    MAX_ITEM_COLORS,
    _decimate_index,
    _path_extents,
    _sample_items,
    trace_figures,
)

#: Tolerance against matplotlib's own window extents (normalised figure units).
EXACT = 2e-6
#: Tolerance against the painted pixels: antialiasing reaches about a pixel past the geometry.
PIXEL_TOL = 2.0


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


# --------------------------------------------------------------------------------------------
# the charts
# --------------------------------------------------------------------------------------------
SURFACE = """
import numpy as np, matplotlib.pyplot as plt
x = np.linspace(-3, 3, 50)
X, Y = np.meshgrid(x, x)
Z = np.sin(np.hypot(X, Y)) * np.exp(-0.1 * (X ** 2 + Y ** 2))
fig = plt.figure(figsize=(7, 5))
ax = fig.add_subplot(projection="3d")
surf = ax.plot_surface(X, Y, Z, rstride=1, cstride=1, cmap="viridis", linewidth=0)
ax.set_xlabel("x"); ax.set_ylabel("y"); ax.set_zlabel("z")
cb = fig.colorbar(surf, shrink=0.6, pad=0.1, label="height")
"""

CONTOURF = """
import numpy as np, matplotlib.pyplot as plt
x = np.linspace(-2.5, 2.5, 200)
X, Y = np.meshgrid(x, x)
Z = np.exp(-(X - 0.7) ** 2 - Y ** 2) - 0.8 * np.exp(-(X + 0.9) ** 2 - (Y - 0.6) ** 2)
fig, ax = plt.subplots(figsize=(6.4, 4.8))
cf = ax.contourf(X, Y, Z, levels=14, cmap="RdBu_r", extend="both")
cl = ax.contour(X, Y, Z, levels=7, colors="k", linewidths=0.6)
ax.clabel(cl, fontsize=7)
cb = fig.colorbar(cf, ax=ax)
cb.set_label("potential (V)")
ax.set_title("Potential")
"""

BUBBLE = """
import numpy as np, matplotlib.pyplot as plt
rng = np.random.default_rng(7)
gdp = rng.uniform(1, 60, 45)
life = 55 + 25 * np.log(gdp) / np.log(60) + rng.normal(0, 2, 45)
pop = rng.uniform(5, 1400, 45)
region = rng.integers(0, 5, 45)
colors = np.array(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"])[region]
fig, ax = plt.subplots(figsize=(8, 5))
sc = ax.scatter(gdp, life, s=pop * 2, c=colors, alpha=0.6, edgecolors="k", linewidths=0.5)
ax.set_xlabel("GDP per capita (k$)"); ax.set_ylabel("Life expectancy")
"""

HEATMAP = """
import numpy as np, matplotlib.pyplot as plt
rng = np.random.default_rng(1)
data = rng.random((9, 12))
fig, ax = plt.subplots(figsize=(8, 6))
im = ax.imshow(data, cmap="magma", vmin=0, vmax=1)
for i in range(9):
    for j in range(12):
        ax.text(j, i, f"{data[i, j]:.1f}", ha="center", va="center", fontsize=6, color="w")
ax.set_xticks(range(12), [f"c{j}" for j in range(12)])
cb = fig.colorbar(im, ax=ax)
cb.set_label("correlation")
"""

NONUNIFORM = """
import numpy as np, matplotlib.pyplot as plt
from matplotlib.image import NonUniformImage
x = np.linspace(-4, 4, 9) ** 3
y = np.linspace(-4, 4, 9)
z = np.sqrt(x[np.newaxis, :] ** 2 + y[:, np.newaxis] ** 2)
fig, ax = plt.subplots()
im = NonUniformImage(ax, interpolation="bilinear", cmap="Purples")
im.set_data(x[2:7], y[2:7], z[2:7, 2:7])
ax.add_image(im)
ax.set_xlim(-64, 64); ax.set_ylim(-4, 4)
ax.set_title("NonUniformImage: bilinear")
"""

PCOLOR_FIGIMAGE = """
import numpy as np, matplotlib.pyplot as plt
fig, ax = plt.subplots()
pc = ax.pcolorfast(np.array([0, 1, 3, 7, 8]), np.array([0, 2, 3, 6]), np.arange(12).reshape(3, 4))
ax.set_xlim(-2, 10); ax.set_ylim(-1, 7)
fi = fig.figimage(np.linspace(0, 1, 2400).reshape(40, 60), xo=30, yo=50, cmap="gray")
"""

POLAR = """
import numpy as np, matplotlib.pyplot as plt
theta = np.linspace(0, 2 * np.pi, 8, endpoint=False)
radii = [3, 5, 2, 4, 6, 1, 3, 4]
fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
bars = ax.bar(theta, radii, width=0.7, bottom=1, color=plt.cm.viridis(np.linspace(0, 1, 8)),
              edgecolor="k")
wide = ax.bar([np.pi / 2], [2], width=[np.pi], bottom=0.5, color="none", edgecolor="r")
ax.set_theta_zero_location("N"); ax.set_theta_direction(-1)
"""

MARKERS = """
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
line, = ax.plot([0, 1, 2], [0, 1, 0], "o-", markersize=30, clip_on=False)
sc = ax.scatter([0, 2], [1, 1], s=[2000, 500], c=["r", "g"], clip_on=False)
ax.set_xlim(0, 2); ax.set_ylim(0, 1)
"""

ARROWS = """
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch
fig, ax = plt.subplots()
ax.plot([0, 10], [0, 10], color="0.7")
ann = ax.annotate("peak", xy=(5, 5), xytext=(1, 9),
                  arrowprops=dict(arrowstyle="-|>", lw=2, mutation_scale=40))
bare = ax.annotate("", xy=(8, 2), xytext=(3, 2),
                   arrowprops=dict(facecolor="red", width=8, headwidth=30))
fa = ax.arrow(2, 6, 4, -2, width=0.5, head_width=1.5)
fap = ax.add_patch(FancyArrowPatch((9, 9), (7, 6), arrowstyle="simple", mutation_scale=50))
ax.set_xlim(0, 10); ax.set_ylim(0, 10)
"""

QUIVER = """
import numpy as np, matplotlib.pyplot as plt
X, Y = np.meshgrid(np.linspace(0, 5, 6), np.linspace(0, 4, 5))
U, V = -Y + 2, X - 2.5
fig, ax = plt.subplots()
q = ax.quiver(X, Y, U, V, np.hypot(U, V), cmap="coolwarm", scale=25)
ax.set_xlim(-1, 6); ax.set_ylim(-1, 5)
"""

CHARTS = {
    "surface": SURFACE,
    "contourf": CONTOURF,
    "bubble": BUBBLE,
    "heatmap": HEATMAP,
    "nonuniform": NONUNIFORM,
    "pcolor_figimage": PCOLOR_FIGIMAGE,
    "polar": POLAR,
    "markers": MARKERS,
    "arrows": ARROWS,
    "quiver": QUIVER,
}


def run(code: str) -> tuple[Scene, dict, plt.Figure]:
    """Exec a program, render it to PNG like the sandbox does, trace it."""
    ns: dict = {"__name__": "__main__"}
    exec(compile(textwrap.dedent(code), "<chart>", "exec"), ns)
    fig = plt.gcf()
    fig.savefig(io.BytesIO(), format="png", dpi=100)
    return trace_figures([fig]), ns, fig


# --------------------------------------------------------------------------------------------
# matplotlib's answers
# --------------------------------------------------------------------------------------------
def _norm(fig, extents) -> np.ndarray:
    w, h = fig.bbox.width, fig.bbox.height
    return np.asarray(extents, dtype=float) / [w, h, w, h]


def window_box(fig, artist) -> np.ndarray:
    """``artist.get_window_extent()``, normalised by the figure size."""
    return _norm(fig, artist.get_window_extent(fig.canvas.get_renderer()).extents)


def painted_box(fig, artist) -> np.ndarray:
    """Bbox of the pixels ``artist`` alone paints (everything else hidden, figure redrawn)."""
    ax = artist.axes
    keep = {id(artist), id(fig), id(ax)}
    inside = {id(a) for a in artist.findobj()}
    hidden = []
    for a in fig.findobj():
        if id(a) not in keep and id(a) not in inside and a.get_visible():
            a.set_visible(False)
            hidden.append(a)
    axis_state = (ax.axison, getattr(ax, "_axis3don", None)) if ax is not None else None
    if ax is not None:
        ax.set_axis_off()  # 3D panes are drawn by the axes itself
    try:
        fig.canvas.draw()
        alpha = np.asarray(fig.canvas.buffer_rgba())[..., 3].copy()  # the redraw reuses it
    finally:
        for a in hidden:
            a.set_visible(True)
        if ax is not None:
            ax.axison = axis_state[0]
            if axis_state[1] is not None:
                ax._axis3don = axis_state[1]
        fig.canvas.draw()
    ys, xs = np.nonzero(alpha)
    assert len(xs), "the artist painted nothing"
    h, w = alpha.shape
    return np.array([xs.min() / w, 1 - (ys.max() + 1) / h, (xs.max() + 1) / w, 1 - ys.min() / h])


def clip_box(fig, artist) -> np.ndarray:
    """Where the artist's painting is cut: its clip box (if clipping) and the canvas."""
    box = np.array([0.0, 0.0, 1.0, 1.0])
    if artist.get_clip_on() and artist.get_clip_box() is not None:
        c = _norm(fig, artist.get_clip_box().extents)
        box = np.array([max(box[0], c[0]), max(box[1], c[1]), min(box[2], c[2]), min(box[3], c[3])])
    return box


def assert_painted(fig, artist, bbox, stroke_pt: float = 0.0) -> None:
    """The recorded ``bbox``, clipped as the artist is, matches its painted pixels within
    PIXEL_TOL pixels plus half the stroke width."""
    got = np.asarray(bbox, dtype=float)
    c = clip_box(fig, artist)
    got = np.array([max(got[0], c[0]), max(got[1], c[1]), min(got[2], c[2]), min(got[3], c[3])])
    want = painted_box(fig, artist)
    px = PIXEL_TOL + 0.5 * stroke_pt * fig.dpi / 72
    tol = px / np.array([fig.bbox.width, fig.bbox.height] * 2)
    assert np.all(np.abs(got - want) <= tol), (got.round(4), want.round(4), tol.round(4))


def elements(scene: Scene, kind: str, cls: str | None = None) -> list:
    return [e for e in scene.elements if e.kind == kind and (cls is None or e.cls == cls)]


# --------------------------------------------------------------------------------------------
# collections: the bbox covers every item, samples span the whole collection
# --------------------------------------------------------------------------------------------
def test_surface_bbox_covers_all_2401_faces():
    scene, ns, fig = run(SURFACE)
    (surf,) = elements(scene, "poly3d")
    assert surf.count == 49 * 49 and surf.n_points == 4 * 49 * 49
    assert_painted(fig, ns["surf"], surf.bbox)
    # the sampled faces span the surface instead of its first rows
    assert len(surf.data) <= MAX_POINTS and sum(surf.props["item_sizes"]) == len(surf.data)
    assert len(surf.props["item_sizes"]) == 128  # faces _decimate_index(2401, 128)
    kept = _decimate_index(surf.count, len(surf.props["item_sizes"]))
    faces = ns["surf"]._faces[kept]  # the faces the sample names are the ones it holds
    assert np.allclose(np.asarray(surf.data), faces.reshape(-1, 3))
    ys = np.asarray(surf.data)[:, 1]
    assert ys.min() == pytest.approx(-3) and ys.max() == pytest.approx(3)
    # per-face colours of the colormapped surface, evenly sampled
    assert len(surf.props["item_colors"]) == MAX_ITEM_COLORS
    assert surf.props["n_item_colors"] > 100


def test_contourf_levels_and_their_colorbar():
    scene, ns, fig = run(CONTOURF)
    filled = next(e for e in scene.elements if e.props.get("filled") is True)
    lines = next(e for e in scene.elements if e.props.get("filled") is False)
    assert filled.n_points > MAX_POINTS  # long level paths: sampled, not truncated
    assert_painted(fig, ns["cf"], filled.bbox)
    assert_painted(fig, ns["cl"], lines.bbox, stroke_pt=0.6)
    assert filled.props["item_sizes"] and len(filled.props["item_sizes"]) == filled.count
    assert len(filled.props["item_colors"]) == filled.count  # one colour per band
    (cb,) = elements(scene, "colorbar")
    assert cb.count == 1 and cb.props["label"] == "potential (V)"
    assert cb.props["cmap"] == "RdBu_r" and cb.props["extend"] == "both"
    assert cb.props["n_colors"] == len(ns["cf"].levels) - 1 + 2  # the bands, both extends
    assert scene.elements[cb.props["mappable"]] is filled
    # the outline with its two extend triangles, as matplotlib draws it
    outline = ns["cb"].outline
    want = _norm(fig, outline.get_path().get_extents(outline.get_transform()).extents)
    assert cb.bbox == pytest.approx(want, abs=EXACT)
    assert_painted(fig, ns["cb"].solids, cb.bbox)  # the bands fill the bar ...
    assert "path_collection" not in {e.kind for e in scene.elements if e.axes == cb.axes}


def test_bubble_chart_sizes_and_colours_per_point():
    scene, ns, fig = run(BUBBLE)
    (sc,) = elements(scene, "scatter")
    assert sc.count == 45
    assert_painted(fig, ns["sc"], sc.bbox, stroke_pt=0.5)
    # every point's own colour, in point order
    want = ns["sc"].get_facecolor()
    assert np.allclose(sc.props["item_colors"], want, atol=1e-4)
    assert sc.props["n_item_colors"] == len({tuple(c) for c in np.round(want, 4)})
    # the biggest bubble reaches beyond its centre by its radius
    centres = np.asarray(sc.fig)
    assert sc.bbox[2] > centres[:, 0].max() + 0.01


def test_quiver_bbox_holds_the_arrows():
    scene, ns, fig = run(QUIVER)
    (q,) = elements(scene, "quiver")
    assert q.count == 30
    assert_painted(fig, ns["q"], q.bbox)
    tails = np.asarray(q.fig)
    assert q.bbox[0] < tails[:, 0].min() - 0.01  # arrows pointing left reach past the tails
    assert len(q.props["item_colors"]) == 30


# --------------------------------------------------------------------------------------------
# images
# --------------------------------------------------------------------------------------------
def test_heatmap_image_and_colorbar():
    scene, ns, fig = run(HEATMAP)
    (img,) = elements(scene, "image")
    assert img.bbox == pytest.approx(window_box(fig, ns["im"]), abs=EXACT)
    assert img.props["extent"] == [-0.5, 11.5, 8.5, -0.5]
    (cb,) = elements(scene, "colorbar")
    assert cb.props["clim"] == [0, 1] and cb.props["cmap"] == "magma"
    assert cb.props["label"] == "correlation" and cb.props["orientation"] == "vertical"
    assert cb.props["n_colors"] == 256 and len(cb.props["colors"]) == 16
    assert scene.elements[cb.props["mappable"]] is img
    assert cb.bbox == pytest.approx(_norm(fig, ns["cb"].ax.bbox.extents), abs=EXACT)
    assert_painted(fig, ns["cb"].solids, cb.bbox)
    # the heatmap is 2 elements of structure (image, colorbar) plus its 108 cell texts
    assert [e.kind for e in scene.elements if e.kind != "text"] == ["image", "colorbar"]


def test_nonuniform_image_paints_its_whole_axes():
    scene, ns, fig = run(NONUNIFORM)
    (img,) = elements(scene, "image")
    assert img.bbox == pytest.approx(_norm(fig, ns["ax"].bbox.extents), abs=EXACT)
    assert img.bbox[2] - img.bbox[0] > 0.7  # not the zero-width box of before
    assert_painted(fig, ns["im"], img.bbox)
    assert img.props["extent"] == pytest.approx([-8, 8, -2, 2])  # the cell centres' span


def test_pcolor_image_and_figure_image():
    scene, ns, fig = run(PCOLOR_FIGIMAGE)
    fimg = next(e for e in scene.elements if e.cls == "FigureImage")
    pimg = next(e for e in scene.elements if e.cls == "PcolorImage")
    assert pimg.props["extent"] == [0, 8, 0, 6]
    assert pimg.bbox == pytest.approx(window_box(fig, ns["pc"]), abs=EXACT)
    assert_painted(fig, ns["pc"], pimg.bbox)
    assert fimg.props["extent"] == [30, 90, 50, 90]
    assert fimg.bbox == pytest.approx([30 / 640, 50 / 480, 90 / 640, 90 / 480], abs=EXACT)
    assert_painted(fig, ns["fi"], fimg.bbox)


# --------------------------------------------------------------------------------------------
# patches on polar axes, markers, arrows
# --------------------------------------------------------------------------------------------
def test_polar_bars_follow_the_polar_transform():
    scene, ns, fig = run(POLAR)
    rects = elements(scene, "rectangle")
    artists = [*ns["bars"], *ns["wide"]]
    assert len(rects) == len(artists) == 9
    for el, bar in zip(rects, artists, strict=True):
        assert el.bbox == pytest.approx(window_box(fig, bar), abs=EXACT)
        assert_painted(fig, bar, el.bbox, stroke_pt=bar.get_linewidth())
        # the outline runs along the arcs: every vertex at the bar's inner or outer radius,
        # or on a radial side
        assert el.data[0] == pytest.approx([bar.get_x(), bar.get_y()])
    wide = rects[-1]  # a half-disc: its chords would give a box a fraction of its height
    assert wide.bbox[3] - wide.bbox[1] > 0.6 * (wide.bbox[2] - wide.bbox[0])
    r = np.asarray(wide.data)[:, 1]
    assert set(np.round(r, 9)) >= {0.5, 2.5} and len(wide.data) > 20


def test_markers_at_the_axes_edge_enter_the_bbox():
    scene, ns, fig = run(MARKERS)
    (line,) = elements(scene, "line")
    (sc,) = elements(scene, "scatter")
    assert line.bbox == pytest.approx(window_box(fig, ns["line"]), abs=EXACT)
    assert_painted(fig, ns["line"], line.bbox, stroke_pt=ns["line"].get_markeredgewidth())
    assert_painted(fig, ns["sc"], sc.bbox, stroke_pt=1.5)
    ax_box = _norm(fig, ns["ax"].bbox.extents)
    assert line.bbox[0] < ax_box[0] - 0.02 and sc.bbox[3] > ax_box[3] + 0.05


def test_arrows_bbox_is_their_drawn_path():
    scene, ns, fig = run(ARROWS)
    ann = elements(scene, "annotation")[0]
    bare = elements(scene, "arrow", "Annotation")[0]
    fa = elements(scene, "arrow", "FancyArrow")[0]
    fap = elements(scene, "arrow", "FancyArrowPatch")[0]
    for el, artist in ((ann, ns["ann"]), (fa, ns["fa"]), (fap, ns["fap"])):
        assert el.bbox == pytest.approx(window_box(fig, artist), abs=EXACT)
    arrow = ns["bare"].arrow_patch
    assert bare.bbox == pytest.approx(window_box(fig, arrow), abs=EXACT)
    assert_painted(fig, ns["bare"], bare.bbox, stroke_pt=arrow.get_linewidth())
    assert_painted(fig, ns["fa"], fa.bbox, stroke_pt=ns["fa"].get_linewidth())
    assert_painted(fig, ns["fap"], fap.bbox, stroke_pt=ns["fap"].get_linewidth())
    # the annotation's box holds its text and its arrow down to the point it names (less the
    # arrow's default shrink of 2 points)
    xy = ann.props["xy_fig"]
    assert ann.bbox[2] >= xy[0] - 0.01 and ann.bbox[1] <= xy[1] + 0.01


# --------------------------------------------------------------------------------------------
# unit checks
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sizes",
    [[4] * 2401, [2] * 5000, [475, 300, 900, 12, 5, 1200, 40, 3, 3, 600, 800], [1] * 600,
     [0, 0, 700, 0], list(range(1, 400))],
)  # fmt: skip
def test_sample_items_stays_in_budget_and_spans_the_collection(sizes):
    sizes = np.array(sizes)
    chosen, quota = _sample_items(sizes, MAX_POINTS)
    assert quota.sum() <= MAX_POINTS and np.all(quota <= sizes[chosen])
    assert np.array_equal(chosen, _decimate_index(len(sizes), len(chosen)))  # re-derivable
    assert chosen[0] == 0 and chosen[-1] == len(sizes) - 1
    assert np.all(np.diff(chosen) > 0)
    assert np.all(quota >= np.minimum(sizes[chosen], 2))  # every ring keeps its ends
    gaps = np.diff(chosen)
    assert gaps.max() <= gaps.min() + 1  # evenly spread


@pytest.mark.parametrize("seed", range(20))
def test_path_extents_equal_matplotlibs(seed):
    from matplotlib.path import Path

    rng = np.random.default_rng(seed)
    codes, verts = [Path.MOVETO], [rng.normal(size=2)]
    for _ in range(rng.integers(1, 8)):
        code = rng.choice([Path.LINETO, Path.CURVE3, Path.CURVE4])
        k = {Path.LINETO: 1, Path.CURVE3: 2, Path.CURVE4: 3}[code]
        codes += [code] * k
        verts += list(rng.normal(size=(k, 2)) * rng.uniform(0.1, 10))
    if rng.random() < 0.3:
        codes.append(Path.CLOSEPOLY)
        verts.append([99.0, 99.0])  # a CLOSEPOLY vertex is not drawn
    path = Path(np.array(verts), codes)
    assert _path_extents(path) == pytest.approx(path.get_extents().extents, abs=1e-9)
    circle = Path.circle((seed, 1.0), 2.0 + seed)
    assert _path_extents(circle) == pytest.approx(circle.get_extents().extents, abs=1e-9)


def test_item_colors_follow_the_decimated_items():
    scene, _, _ = run(
        """
        import numpy as np, matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        sc = ax.scatter(np.arange(500), np.arange(500), c=np.arange(500), cmap="viridis")
        lc = ax.vlines([1, 2, 3], 0, 1, colors=["r", "g", "b"])
        one = ax.scatter([1, 2], [3, 4], c="k")
        """
    )
    sc, one = elements(scene, "scatter")
    (lc,) = elements(scene, "line_collection")
    idx = _decimate_index(500, MAX_ITEM_COLORS)
    want = plt.get_cmap("viridis")(idx / 499)
    assert np.allclose(sc.props["item_colors"], want, atol=1e-4)
    assert sc.props["n_item_colors"] == 256  # the colormap's 256 entries
    assert lc.props["item_colors"] == [[1, 0, 0, 1], [0, 0.5, 0, 1], [0, 0, 1, 1]]
    assert "item_colors" not in one.props  # one colour: no per-item list


def test_colorbar_json_round_trip_and_old_scenes_still_load():
    scene, _, _ = run(HEATMAP)
    again = Scene.from_json(scene.to_json())
    assert again.to_dict() == scene.to_dict()
    old = scene.to_dict()  # a scene written before colorbars: their mesh as a collection
    old["elements"] = [
        {**e, "kind": "path_collection", "cls": "QuadMesh", "count": 256}
        if e["kind"] == "colorbar"
        else e
        for e in old["elements"]
    ]
    assert Scene.from_dict(old).elements[-1].count == 256
    assert scene.summary()["counts"]["colorbar"] == 1


def test_horizontal_colorbar_without_mappable_in_the_scene():
    scene, ns, fig = run(
        """
        import matplotlib.pyplot as plt
        from matplotlib import cm, colors
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        sm = cm.ScalarMappable(norm=colors.LogNorm(1, 1000), cmap="plasma")
        cb = fig.colorbar(sm, ax=ax, orientation="horizontal", label="flux")
        """
    )
    (cb,) = elements(scene, "colorbar")
    assert cb.props["orientation"] == "horizontal" and cb.props["norm"] == "LogNorm"
    assert cb.props["clim"] == pytest.approx([1, 1000]) and cb.props["label"] == "flux"
    assert "mappable" not in cb.props
    assert cb.bbox == pytest.approx(_norm(fig, ns["cb"].ax.bbox.extents), abs=EXACT)


def test_colorbar_without_its_bands_is_not_visible():
    scene, _, _ = run(HEATMAP + "cb.solids.remove()\n")
    (cb,) = elements(scene, "colorbar")
    assert cb.visible is False and "colorbar" not in scene.summary()["counts"]


def test_huge_scatter_extent_is_vectorised():
    import time

    fig, ax = plt.subplots()
    rng = np.random.default_rng(0)
    n = 1_000_000
    sizes = rng.uniform(1, 400, n)
    sc = ax.scatter(rng.random(n), rng.random(n), s=sizes, c=rng.random(n))
    # the state a draw leaves (drawing a million markers takes 15 s): marker transforms at the
    # figure's dpi, mapped colours, a renderer
    sc.set_sizes(sizes, fig.dpi)
    sc.update_scalarmappable()
    fig.canvas.get_renderer()
    t0 = time.perf_counter()
    scene = trace_figures([fig])
    elapsed = time.perf_counter() - t0
    (el,) = elements(scene, "scatter")
    assert el.count == n and len(el.data) <= MAX_POINTS
    assert elapsed < 3.0, elapsed  # ~0.8 s; a Python loop over a million items takes far longer
    ext = sc.get_offset_transform().transform(sc.get_offsets())
    r = np.sqrt(sc.get_sizes()) / 2 * fig.dpi / 72  # marker radius, pixels
    want = _norm(fig, [(ext[:, 0] - r).min(), (ext[:, 1] - r).min(),
                       (ext[:, 0] + r).max(), (ext[:, 1] + r).max()])  # fmt: skip
    assert el.bbox == pytest.approx(want, abs=EXACT)


# --------------------------------------------------------------------------------------------
# the same charts through the real sandbox
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sandboxed(executor):
    """Every chart run once through the real sandbox, by name."""
    names = list(CHARTS)
    return dict(zip(names, executor.map([CHARTS[n] for n in names]), strict=True))


@pytest.mark.parametrize("name", list(CHARTS))
def test_sandbox_scene_has_the_in_process_geometry(sandboxed, name):
    """Scenes come from the sandbox child: it records the geometry checked above."""
    res = sandboxed[name]
    assert res.status == "ok", res.message
    local, _, _ = run(CHARTS[name])
    got, want = res.scene.elements, local.elements
    assert [(e.kind, e.cls, e.count) for e in got] == [(e.kind, e.cls, e.count) for e in want]
    for a, b in zip(got, want, strict=True):
        if b.bbox is None:
            assert a.bbox is None
        else:
            assert a.bbox == pytest.approx(b.bbox, abs=1e-4), (b.kind, b.cls)
        for key in ("item_colors", "item_sizes", "mappable", "extent", "clim"):
            assert a.props.get(key) == b.props.get(key), key


def test_sandbox_heatmap_counts_the_colorbar_once(sandboxed):
    counts = sandboxed["heatmap"].scene.summary()["counts"]
    assert counts["colorbar"] == 1 and "path_collection" not in counts
