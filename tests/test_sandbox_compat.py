"""Fidelity on realistic programs: the sandbox must draw what a plain run draws.

Each program below is the kind of script people (and models) write: sample data, mathtext, 3D,
colorbars, tables, images, custom tick formatters and scales, savefig to paths and buffers,
animations, ``animated=True`` artists, draw-triggered callbacks, argparse. Each runs in the
sandbox (a fresh child, and a reused worker) and plainly in this process, seeded like the
sandbox, with the capture policy of docs/sandbox.md applied by hand (figures open at the end,
shown or saved to a path, rendered with ``savefig(format="png", dpi=dpi)``), and the two must
give the same pixels. ``benchmarks/gallery_compat.py`` does the same on matplotlib's gallery.
"""

from __future__ import annotations

import builtins
import io
import os
import random
import sys
from typing import Any

import numpy as np
import pytest
from PIL import Image

from codepercept.sandbox import Executor

DPI = 72
KEEP = ("bbox_inches", "pad_inches", "facecolor", "edgecolor")

PROGRAMS: dict[str, str] = {}

PROGRAMS["sample_data"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cbook

with cbook.get_sample_data("msft.csv") as fh:
    rows = np.genfromtxt(fh, delimiter=",", names=True, dtype=None, encoding="utf-8")
close = rows["Close"][::-1]
volume = rows["Volume"][::-1] / 1e6
fig, (top, bottom) = plt.subplots(2, 1, sharex=True, height_ratios=[3, 1])
top.plot(close, color="tab:blue")
top.fill_between(np.arange(close.size), close.min(), close, alpha=0.2)
top.set_ylabel("close (USD)")
bottom.bar(np.arange(volume.size), volume, color="grey")
bottom.set_ylabel("volume (M)")
fig.suptitle("MSFT, Sept. 2003")
plt.show()
"""

PROGRAMS["mathtext"] = r"""
import matplotlib.pyplot as plt
import numpy as np

t = np.linspace(0, 4 * np.pi, 400)
fig, ax = plt.subplots(figsize=(6, 4))
for zeta in (0.1, 0.3, 0.7):
    wd = np.sqrt(1 - zeta ** 2)
    ax.plot(t, np.exp(-zeta * t) * np.cos(wd * t), label=rf"$\zeta = {zeta}$")
ax.set_title(r"$x(t) = e^{-\zeta\omega_0 t}\cos(\omega_d t)$, $\omega_d = \omega_0\sqrt{1-\zeta^2}$")
ax.set_xlabel(r"$t\ [\mathrm{s}]$")
ax.text(6, 0.6, r"$\frac{d^2x}{dt^2} + 2\zeta\omega_0\frac{dx}{dt} + \omega_0^2 x = 0$")
ax.legend(loc="lower right")
plt.show()
"""

PROGRAMS["surface_3d"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cm

x = np.linspace(-3, 3, 60)
X, Y = np.meshgrid(x, x)
Z = np.sinc(np.hypot(X, Y))
fig = plt.figure(figsize=(7, 5))
ax = fig.add_subplot(projection="3d")
surf = ax.plot_surface(X, Y, Z, cmap=cm.viridis, linewidth=0, antialiased=True)
ax.contour(X, Y, Z, zdir="z", offset=-0.4, cmap=cm.viridis)
ax.set_zlim(-0.4, 1)
ax.view_init(elev=25, azim=-60)
fig.colorbar(surf, shrink=0.6, label="sinc(r)")
plt.show()
"""

PROGRAMS["colorbar_table"] = """
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(3)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
x, y = np.meshgrid(np.linspace(-2, 2, 80), np.linspace(-2, 2, 80))
cs = ax1.contourf(x, y, np.exp(-(x**2 + y**2)) * np.cos(3 * x), levels=12, cmap="RdBu_r")
cb = fig.colorbar(cs, ax=ax1, orientation="horizontal", label="amplitude")
cb.set_ticks([-0.5, 0, 0.5])
sales = rng.integers(10, 60, size=(3, 4))
quarters = ["Q1", "Q2", "Q3", "Q4"]
bottom = np.zeros(4)
for row, name in zip(sales, ["north", "south", "west"]):
    ax2.bar(quarters, row, bottom=bottom, label=name)
    bottom += row
ax2.set_xticks([])
ax2.table(cellText=sales, rowLabels=["north", "south", "west"], colLabels=quarters, loc="bottom")
ax2.legend()
plt.show()
"""

PROGRAMS["images"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cbook

with cbook.get_sample_data("grace_hopper.jpg") as fh:
    photo = plt.imread(fh)
grey = photo.mean(axis=2)
fig, axs = plt.subplots(1, 3, figsize=(9, 3.2))
axs[0].imshow(photo)
axs[0].set_title("original")
im = axs[1].imshow(grey, cmap="magma", interpolation="bilinear")
fig.colorbar(im, ax=axs[1], fraction=0.046)
axs[2].imshow(np.abs(np.diff(grey, axis=1)) > 20, cmap="gray_r", interpolation="nearest")
for ax in axs:
    ax.axis("off")
plt.show()
"""

PROGRAMS["tick_formatters"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, Formatter, MultipleLocator

CURRENCY = "EUR "
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

def thousands(value, pos):
    return f"{CURRENCY}{value / 1000:.0f}k"

class MonthFormatter(Formatter):
    def __call__(self, x, pos=None):
        return MONTHS[int(x) % 12] if 0 <= x < 12 else ""

revenue = 20000 + 5000 * np.sin(np.arange(12) / 2) + np.arange(12) * 800
fig, ax = plt.subplots()
ax.bar(np.arange(12), revenue)
ax.yaxis.set_major_formatter(FuncFormatter(thousands))
ax.xaxis.set_major_locator(MultipleLocator(1))
ax.xaxis.set_major_formatter(MonthFormatter())
ax.set_title("revenue per month")
plt.show()
"""

PROGRAMS["custom_scale"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import scale as mscale
from matplotlib import transforms as mtransforms
from matplotlib.ticker import AutoLocator, ScalarFormatter

POWER = 0.5

class SqrtTransform(mtransforms.Transform):
    input_dims = output_dims = 1
    def transform_non_affine(self, a):
        return np.sign(a) * np.abs(a) ** POWER
    def inverted(self):
        return SquareTransform()

class SquareTransform(mtransforms.Transform):
    input_dims = output_dims = 1
    def transform_non_affine(self, a):
        return np.sign(a) * np.abs(a) ** (1 / POWER)
    def inverted(self):
        return SqrtTransform()

class SqrtScale(mscale.ScaleBase):
    name = "signed_sqrt"
    def __init__(self):
        pass
    def get_transform(self):
        return SqrtTransform()
    def set_default_locators_and_formatters(self, axis):
        axis.set_major_locator(AutoLocator())
        axis.set_major_formatter(ScalarFormatter())

mscale.register_scale(SqrtScale)
OFFSET = 10.0

def forward(x):
    return np.log10(np.maximum(x + OFFSET, 1e-9))

def inverse(y):
    return 10 ** y - OFFSET

x = np.linspace(0, 100, 200)
fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.5))
a.plot(x, x ** 2)
a.set_yscale("signed_sqrt")
a.set_title("signed sqrt scale")
b.plot(x, np.sqrt(x))
b.set_xscale("function", functions=(forward, inverse))
b.set_title("function scale")
plt.show()
"""

PROGRAMS["savefig_paths"] = """
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 1, 50)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(x, x ** 3, label="cubic")
ax.legend()
ax.set_title("saved with a tight box")
fig.savefig("cubic.png", dpi=150, bbox_inches="tight", facecolor="lightyellow")
plt.close(fig)
plt.figure(figsize=(4, 3))
plt.hist(np.random.randn(500), bins=20)
plt.savefig("hist.pdf")
plt.close()
"""

PROGRAMS["savefig_buffer"] = """
import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

def render_badge(text, dpi):
    # an off-screen helper figure, rendered into a buffer and read back as pixels
    badge = Figure(figsize=(2, 0.6))
    badge.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, color="white")
    badge.patch.set_facecolor("tab:green")
    buf = io.BytesIO()
    badge.savefig(buf, format="png", dpi=dpi)
    buf.seek(0)
    return plt.imread(buf)

def sparkline(values):
    # a pyplot helper figure, saved into a buffer and closed
    fig = plt.figure(figsize=(1.5, 0.4))
    plt.plot(values, color="black", linewidth=1)
    plt.axis("off")
    buf = io.BytesIO()
    plt.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    buf.seek(0)
    return plt.imread(buf)

badge = render_badge("build passing", dpi=150)
spark = sparkline(np.cumsum(np.random.randn(40)))
print("badge", badge.shape, "spark", spark.shape)
fig, ax = plt.subplots()
ax.plot(np.arange(10), np.arange(10) ** 1.5)
fig.figimage(badge, 20, 20)
fig.figimage(spark, 300, 40)
plt.show()
"""

PROGRAMS["animation_blit"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

x = np.linspace(0, 2 * np.pi, 200)
fig, ax = plt.subplots()
ax.set_xlim(0, 2 * np.pi)
ax.set_ylim(-1.1, 1.1)
line, = ax.plot(x, np.sin(x), color="tab:red")
dot, = ax.plot([], [], "ko")

def init():
    line.set_data(x, np.sin(x))
    dot.set_data([0], [0])
    return line, dot

def update(frame):
    line.set_ydata(np.sin(x + frame / 10))
    dot.set_data([frame / 10], [np.sin(frame / 10)])
    return line, dot

ani = FuncAnimation(fig, update, frames=60, init_func=init, blit=True, interval=30)
plt.show()
"""

PROGRAMS["animation_hist"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

rng = np.random.default_rng(0)
HIST_BINS = np.linspace(-4, 4, 40)
data = rng.standard_normal(1000)
n, _ = np.histogram(data, HIST_BINS)

def animate(frame_number):
    n, _ = np.histogram(rng.standard_normal(1000), HIST_BINS)
    for count, rect in zip(n, bar_container.patches):
        rect.set_height(count)
    return bar_container.patches

fig, ax = plt.subplots()
_, _, bar_container = ax.hist(data, HIST_BINS, lw=1, ec="yellow", fc="green", alpha=0.5)
ax.set_ylim(top=55)
ani = FuncAnimation(fig, animate, 50, repeat=False, blit=True)
plt.show()
"""

PROGRAMS["animated_artist"] = """
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 2 * np.pi, 100)
fig, ax = plt.subplots()
(ln,) = ax.plot(x, np.sin(x), animated=True, lw=3)
ax.set_title("manual blitting")
plt.show(block=False)
plt.pause(0.1)
bg = fig.canvas.copy_from_bbox(fig.bbox)
ax.draw_artist(ln)
fig.canvas.blit(fig.bbox)
for j in range(20):
    fig.canvas.restore_region(bg)
    ln.set_ydata(np.sin(x + (j / 100) * np.pi))
    ax.draw_artist(ln)
    fig.canvas.blit(fig.bbox)
    fig.canvas.flush_events()
"""

PROGRAMS["draw_idle_callback"] = """
import matplotlib.pyplot as plt
from matplotlib.transforms import Bbox

fig, ax = plt.subplots(figsize=(5, 3))
ax.barh(["a rather long category name", "short", "another long label here"], [3, 5, 2])

def on_draw(event):
    # make room for the y tick labels once their sizes are known (the draw tells us)
    boxes = [t.get_window_extent().transformed(fig.transFigure.inverted())
             for t in ax.get_yticklabels()]
    width = Bbox.union(boxes).width
    fig.subplots_adjust(left=1.1 * width)
    fig.canvas.mpl_disconnect(cid)

cid = fig.canvas.mpl_connect("draw_event", on_draw)
fig.canvas.draw_idle()
ax.set_title("labels fit")
plt.show()
"""

PROGRAMS["savefig_path_draw_handler"] = """
import matplotlib.pyplot as plt
from matplotlib.transforms import Bbox

fig, ax = plt.subplots(figsize=(5, 3))
ax.barh(["first quarter of the year", "second", "second half of the year"], [4, 1, 6])

def fit_labels(event):
    # runs on the draw that saving does, and changes the layout for what comes after it
    boxes = [t.get_window_extent().transformed(fig.transFigure.inverted())
             for t in ax.get_yticklabels()]
    fig.subplots_adjust(left=1.05 * Bbox.union(boxes).width)
    fig.canvas.mpl_disconnect(cid)

cid = fig.canvas.mpl_connect("draw_event", fit_labels)
fig.savefig("bars.png", dpi=200)
ax.set_title("saved once, then titled")
"""

PROGRAMS["layout_draw_listener"] = """
import matplotlib.pyplot as plt

fig, axs = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
axs[0].plot([1, 3, 2])
axs[1].bar(["a", "b"], [2, 5])
draws = []

def stamp(event):
    # savefig draws a figure with a layout engine twice (layout, then ink): this sees both
    draws.append(event.renderer)
    fig.suptitle(f"drawn {len(draws)} times")

fig.canvas.mpl_connect("draw_event", stamp)
plt.show()
"""

PROGRAMS["callback_kept_by_global"] = """
import matplotlib.pyplot as plt
from matplotlib.transforms import Bbox

class AutoMargin:
    # widens the left margin to fit the y tick labels, at each draw (matplotlib's FAQ recipe)
    def __init__(self, fig, ax):
        self.fig, self.ax = fig, ax
        fig.canvas.mpl_connect("draw_event", self.on_draw)  # a weak reference to self

    def on_draw(self, event):
        boxes = [t.get_window_extent().transformed(self.fig.transFigure.inverted())
                 for t in self.ax.get_yticklabels()]
        width = Bbox.union(boxes).width
        if self.fig.subplotpars.left < width:
            self.fig.subplots_adjust(left=1.1 * width)
            self.fig.canvas.draw()

fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(range(10))
ax.set_yticks([2, 7], labels=["a very long tick label", "and another long one"])
margin = AutoMargin(fig, ax)  # kept alive by this global only
plt.show()
"""

PROGRAMS["custom_artist"] = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.patches import Circle

RADIUS = 0.15

def ring_color(i):
    return plt.cm.viridis(i / 5)

class Rings(Artist):
    # an artist whose drawing code lives in the program
    def __init__(self, centers):
        super().__init__()
        self.centers = centers

    def draw(self, renderer):
        for i, (x, y) in enumerate(self.centers):
            c = Circle((x, y), RADIUS, color=ring_color(i), transform=self.axes.transData)
            c.set_figure(self.figure)
            c.draw(renderer)

fig, ax = plt.subplots()
ax.set_xlim(0, 1)
ax.set_ylim(0, 1)
ax.set_aspect("equal")
rings = Rings(np.random.rand(5, 2))
rings.axes = ax
ax.add_artist(rings)
plt.show()
"""

PROGRAMS["argparse_defaults"] = """
import argparse
import sys

import matplotlib.pyplot as plt
import numpy as np

parser = argparse.ArgumentParser(description="plot a damped oscillation")
parser.add_argument("--periods", type=float, default=3.0)
parser.add_argument("--damping", type=float, default=0.25)
parser.add_argument("-o", "--output", default="oscillation.png")
args = parser.parse_args()
print("argv", len(sys.argv), sys.argv[0].endswith("program.py"))
t = np.linspace(0, args.periods * 2 * np.pi, 300)
plt.plot(t, np.exp(-args.damping * t) * np.cos(t))
plt.title(f"{args.periods:g} periods, damping {args.damping:g}")
plt.savefig(args.output, dpi=120)
"""


def _rgba(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _plain(code: str, workdir: str, dpi: float = DPI) -> tuple[list[np.ndarray], str]:
    """The program run plainly in this process (Agg, seeded as the sandbox seeds, its
    directory as cwd, ``sys.argv == [its path]``), then each figure the capture policy takes
    rendered with ``savefig(format="png", dpi=dpi)``: (RGBA arrays, what it printed)."""
    import contextlib

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.figure import Figure

    figs: list[Any] = []
    taken: set[int] = set()
    kept: dict[int, dict[str, Any]] = {}
    init, savefig, show = Figure.__init__, Figure.savefig, plt.show

    def rec_init(self: Any, *a: Any, **k: Any) -> None:
        init(self, *a, **k)
        figs.append(self)

    def rec_savefig(self: Any, fname: Any, *a: Any, **k: Any) -> Any:
        kept[id(self)] = {x: k[x] for x in KEEP if x in k}
        if not hasattr(fname, "write"):
            taken.add(id(self))
        return savefig(self, fname, *a, **k)

    def rec_show(*a: Any, **k: Any) -> None:
        taken.update(id(m.canvas.figure) for m in Gcf.get_all_fig_managers())

    path = os.path.join(workdir, "program.py")
    with open(path, "w") as fh:
        fh.write(code)
    argv, cwd, out = sys.argv, os.getcwd(), io.StringIO()
    Figure.__init__, Figure.savefig, plt.show = rec_init, rec_savefig, rec_show
    try:
        with matplotlib.rc_context(), contextlib.redirect_stdout(out):
            os.chdir(workdir)
            sys.argv = [path]
            random.seed(0)
            np.random.seed(0)
            glb = {"__name__": "__main__", "__file__": path, "__builtins__": builtins}
            exec(compile(code, path, "exec"), glb)
            Figure.__init__, Figure.savefig, plt.show = init, savefig, show
            open_ids = {id(m.canvas.figure) for m in Gcf.get_all_fig_managers()}
            images = []
            for fig in figs:
                if id(fig) in taken or id(fig) in open_ids:
                    buf = io.BytesIO()
                    fig.savefig(buf, format="png", dpi=dpi, **kept.get(id(fig), {}))
                    images.append(_rgba(buf.getvalue()))
    finally:
        Figure.__init__, Figure.savefig, plt.show = init, savefig, show
        plt.close("all")
        os.chdir(cwd)
        sys.argv = argv
    return images, out.getvalue()


@pytest.fixture(scope="module", params=[1, 4], ids=["fresh", "reuse4"])
def ex(request):
    with Executor(workers=2, dpi=DPI, timeout_s=30, reuse=request.param) as e:
        yield e


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    cache: dict[str, tuple[list[np.ndarray], str]] = {}

    def get(name: str) -> tuple[list[np.ndarray], str]:
        if name not in cache:
            cache[name] = _plain(PROGRAMS[name], str(tmp_path_factory.mktemp(name)))
        return cache[name]

    return get


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_sandbox_draws_what_a_plain_run_draws(ex, plain, name):
    want, _ = plain(name)
    assert want, "the reference run captured nothing"
    res = ex.run(PROGRAMS[name])
    assert res.status == "ok", res.message
    got = [_rgba(png) for png in res.images]
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g.shape == w.shape, f"image {k}"
        assert np.array_equal(g, w), f"image {k}: {(g != w).any(axis=2).mean():.2%} pixels differ"


def test_buffer_savefig_writes_what_the_program_asked_for(ex, plain):
    # the helper figures' own dpi (150 and 100), and they are not captured as extra images
    _, printed = plain("savefig_buffer")
    assert "badge (90, 300, 4) spark (40, 150, 4)" in printed
    res = ex.run(PROGRAMS["savefig_buffer"])
    assert res.status == "ok" and len(res.images) == 1
    assert "badge (90, 300, 4) spark (40, 150, 4)" in res.stdout


def test_program_sees_only_its_own_path_in_argv(ex, plain):
    assert "argv 1 True" in plain("argparse_defaults")[1]
    res = ex.run(PROGRAMS["argparse_defaults"])
    assert res.status == "ok", res.message
    assert "argv 1 True" in res.stdout


def test_animated_artists_are_drawn(ex):
    # savefig draws artists marked animated=True (a plain draw leaves them to the blitting code)
    res = ex.run(PROGRAMS["animated_artist"])
    assert res.status == "ok", res.message
    still = ex.run(PROGRAMS["animated_artist"].replace("animated=True", "animated=False"))
    assert np.array_equal(_rgba(res.images[0]), _rgba(still.images[0]))


def test_code_that_runs_while_drawing_keeps_the_sandbox_rules(ex):
    # the program's globals live on through the capture draw, and so do its functions: a
    # refused operation there (caught or not) still makes the run "forbidden" (a caught
    # network error does not: an offline plain run would carry on too)
    code = (
        "import subprocess\nimport matplotlib.pyplot as plt\n"
        "from matplotlib.ticker import FuncFormatter\n"
        "def spawn(x, pos):\n    try:\n        subprocess.run(['true'])\n    except OSError:\n"
        "        pass\n    return f'{x:g}'\n"
        "plt.plot([1, 2, 3])\nplt.gca().yaxis.set_major_formatter(FuncFormatter(spawn))\n"
    )
    res = ex.run(code)
    assert res.status == "forbidden" and "subprocess" in res.message


@pytest.mark.parametrize(
    "call", ["fig.canvas.draw_idle()", "fig.canvas.copy_from_bbox(fig.bbox)", "plt.pause(1)"]
)
def test_a_giant_canvas_is_refused_before_it_is_allocated(call):
    # draw_idle draws as under plain Agg, at the figure's own dpi: every Agg canvas is checked
    # against max_pixels before it is made, even when the capture (at dpi 10) would be small
    code = (
        "import matplotlib.pyplot as plt\nfig = plt.figure(figsize=(8, 8), dpi=100)\n"
        f"plt.plot([1, 2])\ntry:\n    {call}\nexcept Exception:\n    pass\n"
    )
    with Executor(workers=1, dpi=10, max_pixels=100_000) as small:
        res = small.run(code)
        assert res.status == "output_too_large" and "pixels" in res.message
        assert small.run(code.replace("dpi=100", "dpi=10")).status == "ok"
