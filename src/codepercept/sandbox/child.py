"""What runs inside a forked sandbox child: harden, run the program, capture, report, exit.

Capture policy (independent of the program's own show/savefig/close):

* every ``Figure`` the program creates is recorded in creation order;
* a figure is *captured* if it is still open in pyplot when the program ends, or the program
  showed it (``plt.show``/``fig.show``/``plt.pause``) or saved it to a path (``savefig``), even
  if it closed it later; figures with nothing on them are skipped. A figure only ever saved
  into a file object (a buffer) and closed is an off-screen helper, not an output: not captured;
* captured figures are rendered once, at the end, with the draw ``savefig`` does (the canvas in
  its saving state) as PNG at the executor's dpi (the program's figsize is kept;
  ``bbox_inches``/``pad_inches``/``facecolor``/``edgecolor`` given to its own ``savefig`` are
  honoured), then traced into a Scene; the program's globals stay alive until then, because
  code it defined (formatters, scales, artists, callbacks) runs while its figures are drawn;
* the program's ``savefig(path)`` writes nothing, so no path it names can be written outside
  its private directory; ``savefig(file_object)`` writes what the program asked for (its dpi).

Two modes: :func:`run_child` runs one program and exits (the default: nothing a program does can
reach another); :func:`run_worker` hardens once and then runs up to ``max_runs`` programs, one
per request, resetting matplotlib, numpy and the harness between them (``Executor(reuse=N)``, for
trusted generator programs; see docs/sandbox.md).
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import random
import resource
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, NoReturn

from codepercept._fs import clear_dir
from codepercept.sandbox import harden
from codepercept.sandbox.protocol import (
    MAX_SAVED_NAME,
    MAX_SAVED_NAMES,
    VIOLATION_MARK,
    WORKER_TAKEN,
    encode_result,
    unpack_program,
    worker_frame,
)

# Private references, taken at import time in the zygote, so a program that monkeypatches
# os / json / matplotlib cannot break how the harness reports.
_os_write = os.write
_os_read = os.read
_os_open = os.open
_os_exit = os._exit
_os_close = os.close
_perf = time.perf_counter
_dumps = json.dumps
_BytesIO = io.BytesIO
_getrusage = resource.getrusage
_RUSAGE_SELF = resource.RUSAGE_SELF


class SandboxViolation(PermissionError):
    """Raised into the program when it attempts something the sandbox forbids."""


class _TooManyFigures(RuntimeError):
    pass


@dataclass
class ChildConfig:
    workdir: str
    dpi: float
    timeout_s: float
    memory_mb: int
    max_pixels: int
    max_figures: int
    fsize_mb: int
    read_paths: list[str]
    landlock_abi: int
    seccomp: bool
    probes: list[str] = field(default_factory=list)  # resolved "module:factory" specs
    png: str = "savefig"  # "savefig": savefig's bytes; "fast": the same pixels, cheaper encoding
    private_root: bool = False  # the zygote pivoted into a private root: scratch is a tmpfs
    disk_mb: int = 64  # size of that tmpfs
    uid: int | None = None  # this slot's unprivileged uid (None: keep the zygote's)
    pids_max: int = 256  # processes + threads (RLIMIT_NPROC per slot uid; the cgroup's pids.max)
    memfd: bool = True  # memfd_create allowed (only where a memory cgroup counts its pages)


@dataclass
class _State:
    figs: list[Any] = field(default_factory=list)
    shown: set[int] = field(default_factory=set)  # shown, or saved to a path: captured
    saved: dict[int, dict[str, Any]] = field(default_factory=dict)  # its last savefig's options
    saved_as: dict[int, list[str]] = field(default_factory=dict)  # PNG paths it was saved to
    violation: str | None = None
    network: str | None = None  # a refused network operation (forbidden only if the program failed)
    too_many_figures: bool = False
    too_large: str | None = None
    dpi: float = 100.0  # the executor's rendering dpi

    def reset(self, dpi: float) -> None:
        """Forget the last program (a worker between programs)."""
        self.figs, self.shown, self.saved, self.saved_as = [], set(), {}, {}
        self.violation, self.too_many_figures, self.too_large = None, False, None
        self.network = None
        self.dpi = dpi


_state = _State()
SOURCE_FD = 4  # a fresh child's program source (a worker's request pipe is there instead)
_SAVEFIG_KEEP = ("bbox_inches", "pad_inches", "facecolor", "edgecolor")
#: savefig options that change what its draw does (the rest only concern the file written)
_SAVEFIG_DRAW = (*_SAVEFIG_KEEP, "dpi", "transparent", "bbox_extra_artists")


# --------------------------------------------------------------------------------------------
# Audit hook: turns forbidden operations into a clear error and a "forbidden" status.
# --------------------------------------------------------------------------------------------
def _make_audit_hook(workdir: str, pid: int) -> Any:
    root = os.path.realpath(workdir)
    prefix = root + os.sep
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    path_events = {
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.utime",
        "shutil.rmtree",
        "os.symlink",
        "os.link",
        "os.rename",
        "os.chdir",
    }
    # Refused network access raises an OSError (as an offline machine's would), and a program
    # that catches it and carries on ends normally: real scripts try a download and fall back.
    network = {
        "socket.__new__": "opening a network socket",
        "socket.connect": "connecting a socket",
        "socket.bind": "binding a socket",
        "socket.getaddrinfo": "resolving a host name",
        "socket.gethostbyname": "resolving a host name",
    }
    always = {
        "subprocess.Popen": "starting a subprocess",
        "os.system": "running a shell command",
        "os.exec": "executing another program",
        "os.posix_spawn": "spawning a process",
        "os.spawn": "spawning a process",
        "os.fork": "forking",
        "os.forkpty": "forking",
        "pty.spawn": "spawning a terminal",
    }

    def inside(p: Any) -> bool:
        if isinstance(p, int):
            return True
        try:
            p = os.fsdecode(p)
        except TypeError:
            return True
        if not p.startswith("/") and ".." not in p.split("/"):
            # below the working directory, which the hook keeps inside (chdir is checked);
            # getcwd() on every call would cost the depth of a deep tree each time, and
            # Landlock stands behind this hook anyway
            return True
        full = os.path.normpath(os.path.join(os.getcwd(), p))
        if full == root or full.startswith(prefix) or full == "/dev/null":
            return True
        full = os.path.realpath(full)  # e.g. /dev/shm, which points into the scratch tmpfs
        return full == root or full.startswith(prefix)

    def deny(what: str) -> NoReturn:
        if _state.violation is None:
            _state.violation = what
            # Out of band, at once: the parent reads it from the stderr pipe, so a program that
            # resets the flag above (it shares this process) still ends ``forbidden``.
            with contextlib.suppress(OSError):
                _os_write(2, VIOLATION_MARK + what.encode("utf-8", "replace")[:200] + b"\n")
        raise SandboxViolation(f"sandbox: {what} is not allowed")

    def deny_network(what: str) -> NoReturn:
        if _state.network is None:
            _state.network = what
        raise SandboxViolation(f"sandbox: {what} is not allowed (there is no network)")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = ((*tuple(args), None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & write_flags
            )
            if writing and not inside(path):
                deny(f"writing to {os.fsdecode(path) if not isinstance(path, int) else path}")
        elif event in network:
            deny_network(network[event])
        elif event in always:
            deny(always[event])
        elif event in path_events:
            paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
            if event == "os.chdir":
                if paths and not inside(paths[0]):
                    deny(f"changing directory to {os.fsdecode(paths[0])}")
            elif any(not inside(p) for p in paths):
                deny(f"{event.split('.')[-1]} on {os.fsdecode(paths[0])}")
        elif event in ("os.kill", "os.killpg"):
            target = args[0] if args else None
            if target not in (0, pid, -pid):
                deny(f"signalling process {target}")

    return hook


# --------------------------------------------------------------------------------------------
# Matplotlib interception
# --------------------------------------------------------------------------------------------
def _matplotlib_classes() -> list[type]:
    """Classes whose attributes a program could replace to break capture or tracing."""
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.axes._base import _AxesBase
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import Collection
    from matplotlib.figure import Figure, FigureBase
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text
    from mpl_toolkits.mplot3d import Axes3D

    return [Artist, _AxesBase, Axes, Axes3D, FigureCanvasBase, FigureCanvasAgg, Collection,
            FigureBase, Figure, Line2D, Patch, Text]  # fmt: skip


def _snapshot(classes: list[type]) -> list[tuple[type, dict[str, Any]]]:
    return [
        (cls, {k: v for k, v in vars(cls).items() if not k.startswith("__")}) for cls in classes
    ]


def _restore(snap: list[tuple[type, dict[str, Any]]]) -> None:
    """Put back every attribute the program replaced, added or deleted on these classes."""
    for cls, saved in snap:
        current = {k: v for k, v in vars(cls).items() if not k.startswith("__")}
        for k in current.keys() - saved.keys():
            delattr(cls, k)
        for k, v in saved.items():
            if current.get(k) is not v:
                setattr(cls, k, v)


def _install_matplotlib_hooks(max_figures: int, max_pixels: int) -> dict[str, Any]:
    """Intercept figure creation, show, savefig, backend switches and oversized canvases.

    Returns the original functions and a snapshot of the (hooked) classes, which the harness
    restores after the program ran, so its rendering never uses anything the program replaced.
    Everything else behaves as under a plain Agg run: ``draw_idle`` draws (unless a draw is
    already under way), ``plt.pause`` draws a stale figure (without waiting), and a savefig
    into a file object writes what the program asked for.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    orig = {
        "savefig": Figure.savefig,
        "init": Figure.__init__,
        "get_renderer": FigureCanvasAgg.get_renderer,
        "managers": Gcf.get_all_fig_managers,
    }

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(_state.figs) >= max_figures:
            _state.too_many_figures = True
            raise _TooManyFigures(f"more than {max_figures} figures")
        orig["init"](self, *args, **kwargs)
        _state.figs.append(self)

    def savefig(self: Any, fname: Any = None, *args: Any, **kwargs: Any) -> None:
        _state.saved[id(self)] = {k: kwargs[k] for k in _SAVEFIG_KEEP if k in kwargs}
        if fname is not None and hasattr(fname, "write"):
            # The program reads these bytes back (an off-screen helper, an embedded image):
            # they are what it asked for. Such a save alone does not make the figure an output.
            return orig["savefig"](self, fname, *args, **kwargs)
        _state.shown.add(id(self))  # a path: written nowhere, captured instead
        name = _png_path(fname, kwargs.get("format"), matplotlib.rcParams)
        names = _state.saved_as.setdefault(id(self), [])
        if name is not None and name not in names and len(names) < MAX_SAVED_NAMES:
            names.append(name)
        if self.canvas.callbacks.callbacks.get("draw_event"):
            # Someone listens to draws (a handler that fits the layout, an animation, a
            # widget): a plain savefig would draw here, so draw as it does (its saving state,
            # its dpi and box) and throw the pixels away; without listeners it changes nothing.
            opts = {k: v for k, v in kwargs.items() if k in _SAVEFIG_DRAW}
            orig["savefig"](self, _Sink(), format="raw", **opts)
        return None

    def get_renderer(self: Any, *args: Any, **kwargs: Any) -> Any:
        # Every Agg canvas allocation goes through here (draw, draw_idle, copy_from_bbox, the
        # renderer savefig and tight layouts ask for): refuse a giant one before it is made.
        w, h = self.figure.bbox.size
        if not (w * h <= max_pixels):
            _state.too_large = (
                f"figure of {w:.0f}x{h:.0f} pixels exceeds the limit of {max_pixels:.3g} pixels"
            )
            raise _OutputTooLarge(_state.too_large)
        return orig["get_renderer"](self, *args, **kwargs)

    def show(*args: Any, **kwargs: Any) -> None:
        for manager in orig["managers"]():
            _state.shown.add(id(manager.canvas.figure))

    def fig_show(self: Any, *args: Any, **kwargs: Any) -> None:
        _state.shown.add(id(self))

    def pause(*args: Any, **kwargs: Any) -> None:
        # pyplot's pause under Agg, less the wait: nothing is on screen to wait for.
        manager = Gcf.get_active()
        if manager is not None:
            if manager.canvas.figure.stale:
                manager.canvas.draw_idle()
            show()

    def use(backend: Any, *args: Any, **kwargs: Any) -> None:
        return None  # the sandbox renders with Agg whatever the program asks for

    Figure.__init__ = init  # type: ignore[method-assign]
    Figure.savefig = savefig  # type: ignore[method-assign]
    Figure.show = fig_show  # type: ignore[method-assign]
    FigureCanvasAgg.get_renderer = get_renderer  # type: ignore[method-assign]
    plt.show = show
    plt.pause = pause
    plt.switch_backend = use
    plt.waitforbuttonpress = lambda *a, **k: None
    plt.ginput = lambda *a, **k: []
    matplotlib.use = use
    orig["snapshot"] = _snapshot(_matplotlib_classes())
    return orig


def _png_path(fname: Any, fmt: Any, rc: Any) -> str | None:
    """The path ``savefig(fname, format=fmt)`` would write, if what it writes is a PNG (the
    image the harness captures is one); None otherwise. As matplotlib decides: ``format``,
    else the path's extension, else ``savefig.format`` (appended to the path)."""
    try:
        name = os.fsdecode(os.fspath(fname))
        if fmt is None:
            ext = os.path.splitext(name)[1][1:]
            if not ext:
                ext = str(rc["savefig.format"])
                name = f"{name}.{ext}"
            fmt = ext
        name.encode("utf-8")  # no lone surrogates: the name goes out as JSON text
        if str(fmt).lower() != "png" or len(name) > MAX_SAVED_NAME or "\0" in name:
            return None
        return name
    except Exception:  # not a path, or a path-like object of the program's that raises
        return None


def _captured_figures(orig: dict[str, Any]) -> list[Any]:
    open_ids = {id(m.canvas.figure) for m in orig["managers"]()}
    out = []
    for fig in _state.figs:
        fid = id(fig)
        if fid in open_ids or fid in _state.shown:
            has_content = bool(
                fig.axes or fig.texts or fig.patches or fig.lines or fig.images or fig.artists
            ) or bool(getattr(fig, "_suptitle", None))
            if has_content:
                out.append(fig)
    return out


def _render(
    figs: list[Any],
    orig_savefig: Any,
    dpi: float,
    max_pixels: int,
    probes: list[_Probe],
    png_mode: str = "savefig",
) -> list[bytes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    images = []
    for fig in figs:
        if not isinstance(fig.canvas, FigureCanvasAgg):
            # A closed pyplot figure has a bare canvas; an Agg one keeps the renderer after
            # savefig, so the tracer reads the same layout instead of drawing again.
            FigureCanvasAgg(fig)
        w, h = fig.get_size_inches()
        pixels = float(w) * float(h) * dpi * dpi
        if not (pixels <= max_pixels):
            raise _OutputTooLarge(
                f"figure of {w:g}x{h:g} in at dpi {dpi:g} is {pixels:.3g} pixels "
                f"(limit {max_pixels:.3g})"
            )
        own_dpi = fig.dpi
        for p in probes:
            p.call("before_draw", fig, dpi=dpi)
        png = _draw_png(
            fig, dpi, fast=png_mode == "fast", savefig=orig_savefig, **_state.saved.get(id(fig), {})
        )
        images.append(png)
        if probes:
            rgba = _pixels(fig, png)
            for p in probes:
                p.call("after_draw", fig, rgba, dpi=dpi)
            fig.dpi = own_dpi
    return images


def _pixels(fig: Any, png: bytes) -> Any:
    """A read-only RGBA copy of the pixels in ``png``: the canvas buffer when it holds them
    (the usual case), else the decoded PNG."""
    import numpy as np

    from codepercept.sandbox.protocol import png_size

    rgba = np.asarray(fig.canvas.buffer_rgba())
    if rgba.shape[1::-1] != png_size(png):
        from PIL import Image

        rgba = np.asarray(Image.open(_BytesIO(png)).convert("RGBA"))
    rgba = rgba.copy()
    rgba.flags.writeable = False
    return rgba


class _Probe:
    """One render probe of this run and what it returned per figure (see ``probes``)."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.outputs: list[dict[str, Any]] = []
        self.obj: Any = None
        self.error: str | None = None
        try:
            from codepercept.sandbox.probes import load

            self.obj = load(spec)
        except BaseException as exc:
            self.error = f"probe {spec} failed to load: {exc!r}"[:500]

    def call(self, method: str, fig: Any, *args: Any, dpi: float) -> None:
        if self.obj is None or self.error is not None:
            return
        fn = getattr(self.obj, method, None)
        if fn is None:
            return
        fig.dpi = dpi  # a probe sees the figure at the capture dpi
        try:
            out = fn(fig, *args)
        except BaseException as exc:
            self.error = f"probe {self.spec} failed: {exc!r}"[:500]
            return
        if method == "after_draw":
            data, blobs = out if isinstance(out, tuple) else (out, [])
            self.outputs.append({"data": data, "blobs": [bytes(b) for b in blobs]})

    def report(self, n_figs: int, blobs: list[bytes]) -> list[dict[str, Any]]:
        """Per-figure entries for the result header; blobs move to the frame's blob list."""
        if self.error is not None:
            return [{"error": self.error}] * n_figs
        out = []
        for entry in self.outputs:
            idx = list(range(len(blobs), len(blobs) + len(entry["blobs"])))
            blobs.extend(entry["blobs"])
            out.append({"data": entry["data"], "blobs": idx})
        return out


class _Sink:
    """A write-only target for ``savefig(format="raw")`` that keeps the buffer it is given."""

    data: Any = None

    def write(self, data: Any) -> int:
        self.data = data
        return len(data)

    def seek(self, *args: Any) -> int:  # matplotlib takes objects with seek for file handles
        return 0


def _draw_png(
    fig: Any, dpi: float, fast: bool = False, savefig: Any = None, **kwargs: Any
) -> bytes:
    """The figure as ``savefig(format="png", dpi=dpi, **kwargs)`` would write it: ``savefig``
    itself draws it (so the canvas is in its saving state, layouts, ``animated`` artists,
    ``bbox_inches``, ``savefig.*`` settings and transparency are what savefig makes of them)
    into matplotlib's ``raw`` format, whose buffer is encoded with the PNG settings savefig
    uses: the same bytes, without savefig's PNG writer (``imsave``'s extra copies).

    One shortcut: for a figure with a layout engine, savefig first draws it without ink just
    to run the layout, then draws it with the layout frozen. Unless something listens to its
    draws (the only way to tell the two apart), the figure is drawn once instead, in the same
    saving state, with the layout run inside that draw: the same bytes (tested), and about a
    quarter less time for such figures.

    ``savefig``: the unhooked ``Figure.savefig`` (default: the class's current one).
    ``fast``: the same pixels in cheaper bytes — an opaque figure (the usual case) as RGB
    instead of RGBA, compressed with zlib's run-length strategy, which suits the flat colours
    of plots (about half the encoding time and slightly smaller files than savefig's)."""
    import zlib

    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.cbook import _setattr_cm
    from PIL import Image

    rc = matplotlib.rcParams
    canvas = fig.canvas
    if (
        fig.get_layout_engine() is not None
        and not kwargs
        and isinstance(canvas, FigureCanvasAgg)
        and not canvas.callbacks.callbacks.get("draw_event")
        and rc["savefig.facecolor"] == "auto"
        and rc["savefig.edgecolor"] == "auto"
        and not rc["savefig.transparent"]
        and rc["savefig.bbox"] in (None, "standard")
    ):
        # what print_figure sets around its draw
        with (
            _setattr_cm(canvas, manager=None, _device_pixel_ratio=1, _is_saving=True),
            _setattr_cm(fig, dpi=dpi),
        ):
            FigureCanvasAgg.draw(canvas)
        data = canvas.buffer_rgba()
    else:
        sink = _Sink()
        (savefig or type(fig).savefig)(fig, sink, format="raw", dpi=dpi, **kwargs)
        data = sink.data
    rgba = np.asarray(data)  # the renderer's buffer, (h, w, 4) uint8
    h, w = rgba.shape[:2]
    image = Image.frombuffer("RGBA", (w, h), data, "raw", "RGBA", 0, 1)
    opts: dict[str, Any] = {}
    if fast:
        opts["compress_type"] = zlib.Z_RLE
        if bool((rgba[..., 3] == 255).all()):
            image = image.convert("RGB")
    buf = _BytesIO()
    image.save(buf, format="png", dpi=(dpi, dpi), **opts)
    return buf.getvalue()


class _OutputTooLarge(Exception):
    pass


def _error_line(exc: BaseException, filename: str) -> str:
    lineno = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            lineno = frame.lineno
    text = f"{type(exc).__name__}: {exc}".strip()
    text = " ".join(text.split())
    if lineno is not None:
        text += f" (line {lineno})"
    return text[:500]


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------
def run_child(cfg: ChildConfig, result_fd: int) -> NoReturn:
    """Never returns: writes one result frame to ``result_fd`` and exits the process."""
    t_start = _perf()
    header: dict[str, Any] = {"status": "crashed", "message": "", "timings": {}}
    images: list[bytes] = []
    scene_json = b""
    blobs: list[bytes] = []
    try:
        header, images, scene_json, blobs = _run(cfg, t_start)
    except BaseException as exc:  # the harness itself failed: report, never hang
        header = {"status": "crashed", "message": f"sandbox harness error: {exc!r}"[:500]}
    _write_all(result_fd, _frame(header, images, scene_json, blobs))
    # Close the pipes now: exit would close them only after unmapping the whole process, and
    # the parent, holding a frame and three EOFs, need not wait for that teardown.
    for fd in (1, 2, result_fd):
        with contextlib.suppress(OSError):
            _os_close(fd)
    _os_exit(0)


def run_worker(cfg: ChildConfig, result_fd: int, request_fd: int, max_runs: int) -> NoReturn:
    """Trusted-reuse mode: harden once, then for each request on ``request_fd`` (``u32
    length | source``) run the program and write :data:`~protocol.WORKER_TAKEN`, then
    :func:`~protocol.worker_frame` of its result, to ``result_fd``; exit after ``max_runs``
    programs or at EOF. The frame's header says ``"more": true`` when the worker will take
    another program (the executor retires it otherwise). Between programs, pyplot's figures
    are closed and rcParams, numpy's error and print settings, the standard streams, the hooked
    matplotlib classes and the harness state are put back, so a well-behaved program gives the
    bytes a fresh child would; a hostile one could still leave state behind (hence *trusted*)."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np

    t_start = _perf()
    _state.dpi = cfg.dpi
    orig = _install_matplotlib_hooks(cfg.max_figures, cfg.max_pixels)
    rc = dict(matplotlib.rcParams.copy())
    del rc["backend"]
    np_err, np_print = np.geterr(), np.get_printoptions()
    guard = [(m, dict(vars(m))) for m in _guarded_modules()]
    cpu_limit = (int(cfg.timeout_s) + 2) * max_runs
    _harden(cfg, cpu_s=cpu_limit)
    setup_s = _perf() - t_start
    for run in range(max_runs):
        head = _read_exact(request_fd, 4)
        source = _read_exact(request_fd, int.from_bytes(head, "little")) if head else None
        if source is None or not _write_all(result_fd, WORKER_TAKEN):
            break
        t_start = _perf()
        ru = _getrusage(_RUSAGE_SELF)
        used = ru.ru_utime + ru.ru_stime
        # The CPU limit counts this program only (the hard limit bounds the worker's life).
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(
                resource.RLIMIT_CPU,
                (min(int(used + cfg.timeout_s) + 2, cpu_limit), cpu_limit + 1),
            )
        try:
            header, images, scene_json, blobs = _run(cfg, t_start, orig, ru, source)
            timings = header.setdefault("timings", {})
            timings["setup_s"] = timings.get("setup_s", 0.0) + setup_s
        except BaseException as exc:
            header = {"status": "crashed", "message": f"sandbox harness error: {exc!r}"[:500]}
            images, scene_json, blobs = [], b"", []
        # Put the process back before reporting, so the report can say whether it may go on.
        try:
            _restore(orig["snapshot"])
            plt.close("all")
            matplotlib.rcParams._update_raw(rc)
            np.seterr(**np_err)
            np.set_printoptions(**np_print)
            sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
            os._exit = _os_exit  # the harness gave the program a raising stand-in
            _state.reset(cfg.dpi)
            # A program that left threads running or replaced functions of the modules the
            # harness and the next program use cannot be undone cheaply: retire the worker.
            # Otherwise empty the scratch directory for the next program (the worker does it
            # itself, inside its own sandbox: nothing privileged touches what a program made).
            more = (
                _threads() == 1
                and all(_same(vars(m), snap) for m, snap in guard)
                # a tree the program made too big or deep to empty quickly (Landlock makes
                # each step cost its depth) retires the worker: a fresh one gets a new tmpfs
                and clear_dir(cfg.workdir, max_entries=20_000, max_seconds=0.25)
            )
        except BaseException:
            more = False  # cannot put the process back: the executor starts a fresh one
        header["more"] = more and run + 1 < max_runs
        frame = _frame(header, images, scene_json, blobs)
        del images, scene_json, blobs
        if not _write_all(result_fd, worker_frame(frame)) or not header["more"]:
            break
        setup_s = 0.0
    _os_exit(0)


def _guarded_modules() -> list[Any]:
    names = ("builtins", "os", "io", "json", "math", "random", "struct", "time", "numpy",
             "matplotlib", "matplotlib.pyplot")  # fmt: skip
    return [sys.modules[n] for n in names if n in sys.modules]


def _same(now: dict[str, Any], snap: dict[str, Any]) -> bool:
    return len(now) == len(snap) and all(now.get(k, _same) is v for k, v in snap.items())


def _threads() -> int:
    """Threads of this process as the kernel counts them (``threading.active_count`` misses
    threads started with ``_thread`` or from C)."""
    try:
        fd = _os_open("/proc/self/status", os.O_RDONLY | os.O_CLOEXEC)
        try:
            text = _os_read(fd, 1 << 16)
        finally:
            _os_close(fd)
        return int(text.split(b"\nThreads:", 1)[1].split()[0])
    except (OSError, ValueError, IndexError):
        pass
    threading = sys.modules.get("threading")
    return threading.active_count() if threading is not None else 1


def _frame(
    header: dict[str, Any], images: list[bytes], scene_json: bytes, blobs: list[bytes]
) -> bytes:
    try:
        frame = encode_result(header, images, scene_json, blobs)
    except (TypeError, ValueError) as exc:
        frame = encode_result({"status": "crashed", "message": f"unencodable result: {exc}"}, [])
    try:
        for stream in (sys.__stdout__, sys.__stderr__):
            if stream is not None:
                stream.flush()
    except BaseException:
        pass
    return frame


def _write_all(fd: int, data: bytes) -> bool:
    view = memoryview(data)
    while view:
        try:
            n = _os_write(fd, view)
        except InterruptedError:
            continue
        except OSError:
            return False
        view = view[n:]
    return True


def _harden(cfg: ChildConfig, cpu_s: int | None = None) -> None:
    """Everything between the fork and the program, in the only order that works: root-only
    steps (namespaces and scratch, rlimits, bounding set), then the unprivileged uid,
    then no_new_privs, Landlock and seccomp, which need no privilege and can never be undone."""
    pid = os.getpid()
    if cfg.private_root:
        harden.enter_run_namespaces(
            cfg.disk_mb, cfg.uid if cfg.uid is not None else os.getuid(), cfg.workdir
        )
    harden.set_rlimits(
        cpu_s=int(cfg.timeout_s) + 2 if cpu_s is None else cpu_s,
        memory_mb=cfg.memory_mb,
        fsize_mb=cfg.fsize_mb,
        nofile=256,
        nproc=cfg.pids_max if cfg.uid is not None else None,
    )
    harden.drop_bounding_capabilities()
    if cfg.uid is not None:
        harden.drop_to_uid(cfg.uid)
    harden.set_parent_death_signal()  # a uid change cleared it
    os.chdir(cfg.workdir)
    harden.set_no_new_privs()
    if cfg.landlock_abi:
        harden.landlock_restrict(
            [*cfg.read_paths, "/proc/self"], [cfg.workdir, "/dev/null"], cfg.landlock_abi
        )
    harden.drop_capabilities()
    if cfg.seccomp:
        harden.install_seccomp(pid, memfd=cfg.memfd)
    sys.addaudithook(_make_audit_hook(cfg.workdir, pid))


def _read_exact(fd: int, n: int) -> bytes | None:
    """``n`` bytes from ``fd`` (None at EOF before them)."""
    parts = []
    while n > 0:
        try:
            chunk = _os_read(fd, min(n, 1 << 20))
        except InterruptedError:
            continue
        if not chunk:
            return None
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def _read_source(fd: int) -> bytes:
    """A fresh child's program: everything in the descriptor the executor sent (a sealed
    memfd or an unlinked file), read from offset 0; then the descriptor is closed."""
    parts = []
    offset = 0
    try:
        while chunk := os.pread(fd, 1 << 20, offset):
            parts.append(chunk)
            offset += len(chunk)
    finally:
        _os_close(fd)
    return b"".join(parts)


def _write_file(workdir: str, name: str, data: bytes) -> None:
    """One of the files sent with the program, at ``name`` below ``workdir`` (checked by
    ``unpack_program``: relative, no ``..``); written by the child after hardening."""
    path = os.path.join(workdir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        _write_all(fd, data)
    finally:
        _os_close(fd)


def _write_program(cfg: ChildConfig, source: bytes) -> str:
    """Put the source into the (private) working directory as ``program.py``, so tracebacks,
    ``__file__`` and ``inspect`` work as in a plain run; written by the child, after hardening,
    so no path the program could have changed is ever written by a privileged process."""
    path = os.path.join(cfg.workdir, "program.py")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        _write_all(fd, source)
    finally:
        _os_close(fd)
    return path


def _run(
    cfg: ChildConfig,
    t_start: float,
    orig: dict[str, Any] | None = None,
    ru_start: Any = None,
    source: bytes = b"",
) -> tuple[dict[str, Any], list[bytes], bytes, list[bytes]]:
    """One program: ``orig`` (a worker's hooks, already installed and hardened, and the
    ``source`` it read from its request pipe) or None (a fresh child: read the source from
    :data:`SOURCE_FD`, install the hooks and harden here); CPU times count from ``ru_start``."""
    timings: dict[str, float] = {}
    _state.dpi = cfg.dpi
    if orig is None:
        source = _read_source(SOURCE_FD)
        orig = _install_matplotlib_hooks(cfg.max_figures, cfg.max_pixels)
        _harden(cfg)
    os.chdir(cfg.workdir)
    os.environ.clear()
    os.environ.update(
        {
            "HOME": cfg.workdir,
            "TMPDIR": cfg.workdir,
            "MPLBACKEND": "Agg",
            "LANG": "C.UTF-8",
            "PATH": "/usr/bin:/bin",
        }
    )
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        tempfile.tempdir = None  # the zygote's cached answer is not this run's TMPDIR
    source, files, stdin = unpack_program(source)
    for name, data in files:
        _write_file(cfg.workdir, name, data)
    program_path = _write_program(cfg, source)
    timings["setup_s"] = _perf() - t_start

    def result(
        status: str, message: str = ""
    ) -> tuple[dict[str, Any], list[bytes], bytes, list[bytes]]:
        timings["total_s"] = _perf() - t_start
        return {"status": status, "message": message[:500], "timings": timings}, [], b"", []

    try:
        code = compile(source, program_path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return result(
            "syntax_error",
            _error_line(exc, program_path)
            if not isinstance(exc, SyntaxError)
            else f"SyntaxError: {exc.msg} (line {exc.lineno})",
        )

    random.seed(0)
    try:
        import numpy as np

        np.random.seed(0)
    except ImportError:
        pass

    def user_exit(code: int = 0) -> NoReturn:
        raise SystemExit(code)

    os._exit = user_exit  # type: ignore[assignment]
    signal.signal(signal.SIGINT, signal.default_int_handler)
    glb: dict[str, Any] = {
        "__name__": "__main__",
        "__file__": program_path,
        "__builtins__": builtins,
    }
    argv, path = sys.argv, list(sys.path)
    sys.argv = [program_path]  # as `python program.py` sees it (not the zygote's command line)
    sys.path.insert(0, cfg.workdir)  # its directory first, as for `python program.py`
    if any(name == "matplotlibrc" for name, _ in files):
        import matplotlib

        try:  # what `import matplotlib` does with ./matplotlibrc in a plain run
            matplotlib.rc_file(os.path.join(cfg.workdir, "matplotlibrc"))
        except Exception as exc:
            sys.argv, sys.path[:] = argv, path
            return result("runtime_error", f"matplotlibrc: {_error_line(exc, program_path)}")
    put_back = None
    try:
        if stdin is not None:
            try:
                put_back = _feed_stdin(cfg.workdir, stdin)
            except OSError as exc:
                return result("crashed", f"could not give the program its standard input: {exc}")
        return _exec_and_capture(cfg, code, glb, program_path, orig, result, timings, t_start,
                                 ru_start)  # fmt: skip
    finally:
        if put_back is not None:
            put_back()
        # Only now: the program's functions (formatters, scales, draw methods, callbacks) ran
        # while its figures were drawn and traced, and need their globals until then.
        glb.clear()
        sys.argv = argv
        sys.path[:] = path
        # modules imported from the scratch are this program's: a worker's next program must
        # import its own (and the path finder must not reuse the directory's cached listing)
        sys.path_importer_cache.pop(cfg.workdir, None)
        mine = cfg.workdir + os.sep
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", None) or "").startswith(mine):
                del sys.modules[name]


def _feed_stdin(workdir: str, data: bytes) -> Any:
    """Make the program's standard input read ``data``, at the descriptor level (``input()``,
    ``sys.stdin``, ``open(0)`` and ``os.read(0, n)`` all see it), as ``python program.py <
    file`` would: an unnamed file in the scratch (``O_TMPFILE``; elsewhere a named one,
    unlinked once open) becomes descriptor 0. Returns a function that puts the previous
    descriptor 0 and ``sys.stdin`` back (a worker's next program must not read this input)."""
    try:
        fd = _os_open(workdir, os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except (AttributeError, OSError):  # no O_TMPFILE here (macOS, some filesystems)
        path = os.path.join(workdir, f".stdin-{os.getpid()}-{time.monotonic_ns()}")
        fd = _os_open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                      0o600)  # fmt: skip
        os.unlink(path)
    try:
        if not _write_all(fd, data):
            raise OSError("could not write the program's standard input")
        os.lseek(fd, 0, os.SEEK_SET)
        saved = os.dup(0)
        os.dup2(fd, 0, inheritable=False)
    finally:
        _os_close(fd)
    previous = sys.stdin
    # a fresh reader: the old one may hold (buffered) what a worker's last program left unread
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "rb", closefd=False)),
                                 encoding="utf-8")  # fmt: skip

    def put_back() -> None:
        sys.stdin = previous
        os.dup2(saved, 0, inheritable=False)
        _os_close(saved)

    return put_back


def _settle_threads(grace_s: float) -> int:
    """Wait up to ``grace_s`` for the program's other threads to end (joining the non-daemon
    ones, as the interpreter does at exit); return how many are still alive, counted by the
    kernel (threads started with ``_thread`` or from C count too)."""
    end = _perf() + grace_s
    while True:
        n = _threads() - 1
        remaining = end - _perf()
        if n <= 0 or remaining <= 0:
            return max(n, 0)
        threading = sys.modules.get("threading")
        waiting = [
            t
            for t in (threading.enumerate() if threading is not None else [])
            if t is not threading.main_thread() and not t.daemon
        ]
        if waiting:
            waiting[0].join(min(remaining, 0.05))
        else:
            time.sleep(min(remaining, 0.01))


def _refused(cfg: ChildConfig) -> tuple[str, str] | None:
    """The status a sandbox refusal or limit gives the run, whatever the program caught."""
    if _state.violation is not None:
        return "forbidden", f"program tried {_state.violation}; the sandbox refused it"
    if _state.too_many_figures:
        return "output_too_large", f"program created more than {cfg.max_figures} figures"
    if _state.too_large is not None:
        return "output_too_large", _state.too_large
    return None


def _exec_and_capture(
    cfg: ChildConfig,
    code: Any,
    glb: dict[str, Any],
    program_path: str,
    orig: dict[str, Any],
    result: Any,
    timings: dict[str, float],
    t_start: float,
    ru_start: Any,
) -> tuple[dict[str, Any], list[bytes], bytes, list[bytes]]:
    t0 = _perf()
    failure: tuple[str, str] | None = None
    try:
        exec(code, glb)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            failure = ("runtime_error", f"program exited with sys.exit({exc.code!r})")
    except MemoryError as exc:
        failure = ("memory_error", _error_line(exc, program_path) or "MemoryError")
    except _TooManyFigures as exc:
        failure = ("output_too_large", f"program created {exc}")
    except _OutputTooLarge as exc:
        failure = ("output_too_large", str(exc))
    except BaseException as exc:
        failure = ("runtime_error", _error_line(exc, program_path))
    timings["exec_s"] = _perf() - t0

    refused = _refused(cfg)
    if refused is not None:
        return result(*refused)
    if failure is not None and _state.network is not None:
        return result(
            "forbidden", f"program tried {_state.network}; the sandbox refused it ({failure[1]})"
        )
    if failure is not None:
        return result(*failure)

    t0 = _perf()
    others = _settle_threads(min(1.0, cfg.timeout_s / 4))
    if others:
        return result(
            "runtime_error",
            f"program left {others} other thread(s) running; the sandbox does not capture "
            "figures another thread can still change",
        )
    try:
        _restore(orig["snapshot"])
    except BaseException as exc:
        return result("runtime_error", f"program damaged matplotlib beyond repair: {exc!r}")
    figs = _captured_figures(orig)
    timings["capture_s"] = _perf() - t0
    if not figs:
        return result("no_figure", "program ran to the end but drew no figure")
    t0 = _perf()
    probes = [_Probe(spec) for spec in cfg.probes]
    try:
        images = _render(figs, orig["savefig"], cfg.dpi, cfg.max_pixels, probes, cfg.png)
    except _OutputTooLarge as exc:
        return result("output_too_large", str(exc))
    except MemoryError:
        return result("memory_error", "rendering the figure ran out of memory")
    except BaseException as exc:
        refused = _refused(cfg)  # the program's code runs while its figures are drawn
        if refused is not None:
            return result(*refused)
        msg = _error_line(exc, program_path)
        status = "output_too_large" if "too large" in msg.lower() else "runtime_error"
        return result(status, f"rendering failed: {msg}")
    timings["render_s"] = _perf() - t0

    t0 = _perf()
    scene_json = b""
    message = ""
    try:
        from codepercept.scene.tracer import trace_figures

        scene_json = _dumps(
            trace_figures(figs).to_dict(copy=False), separators=(",", ":"), allow_nan=False
        ).encode()
    except BaseException as exc:
        scene_json = b""
        message = f"rendered, but tracing failed: {exc!r}"[:500]
    timings["trace_s"] = _perf() - t0
    refused = _refused(cfg)
    if refused is not None:
        return result(*refused)
    timings["total_s"] = _perf() - t_start
    ru = _getrusage(_RUSAGE_SELF)
    timings["cpu_user_s"], timings["cpu_sys_s"] = ru.ru_utime, ru.ru_stime
    if ru_start is not None:
        timings["cpu_user_s"] -= ru_start.ru_utime
        timings["cpu_sys_s"] -= ru_start.ru_stime
    if _state.network is not None and not message:
        message = f"the sandbox refused {_state.network}; the program carried on"
    header: dict[str, Any] = {"status": "ok", "message": message, "timings": timings}
    saved_as = [_state.saved_as.get(id(fig), []) for fig in figs]
    if any(saved_as):
        header["saved_as"] = saved_as
    blobs: list[bytes] = []
    if probes:
        header["probes"] = {p.spec: p.report(len(images), blobs) for p in probes}
    return header, images, scene_json, blobs
