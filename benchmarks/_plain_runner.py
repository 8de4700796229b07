"""Run one matplotlib program plainly (no sandbox) and capture its figures as the sandbox would.

    python _plain_runner.py PROGRAM DPI OUTDIR

Used by ``gallery_compat.py`` in a fresh interpreter per program, with the program's own
directory as the working directory, ``MPLBACKEND=Agg`` and ``PYTHONHASHSEED=0``. The program
runs as ``python PROGRAM`` would run it (``__name__ == "__main__"``, ``sys.argv ==
[PROGRAM]``, its directory first on ``sys.path``), after ``random.seed(0)`` and
``np.random.seed(0)`` (the sandbox's seeds). Nothing it does is changed: ``plt.show`` and
``savefig`` do what they do under Agg (the files are written); they are only watched.

Then the figures the sandbox's capture policy (docs/sandbox.md) takes are rendered with
``savefig(format="png", dpi=DPI)`` into ``OUTDIR/0.png``, ``1.png``, ... in creation order:
every figure still open in pyplot at the end, shown or saved to a path (a figure only ever
saved into a file object, such as a buffer, is an off-screen helper and is not taken), with
something on it; ``bbox_inches``/``pad_inches``/``facecolor``/``edgecolor`` given to the
program's own ``savefig`` are honoured. The exit status is the program's (0 after a normal end
or ``sys.exit(0)``; 1 after an exception; 3 if a captured figure failed to render).
"""

from __future__ import annotations

import builtins
import io
import os
import random
import sys
import traceback
from typing import Any

KEEP = ("bbox_inches", "pad_inches", "facecolor", "edgecolor")


def main() -> int:
    path, dpi, outdir = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    path = os.path.abspath(path)
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)

    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.figure import Figure

    figs: list[Any] = []
    shown: set[int] = set()
    to_path: set[int] = set()
    saved: dict[int, dict[str, Any]] = {}
    orig_init, orig_savefig, orig_fig_show, orig_show = (
        Figure.__init__,
        Figure.savefig,
        Figure.show,
        plt.show,
    )

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_init(self, *args, **kwargs)
        figs.append(self)

    def savefig(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
        saved[id(self)] = {k: kwargs[k] for k in KEEP if k in kwargs}
        if not hasattr(fname, "write"):
            to_path.add(id(self))
        return orig_savefig(self, fname, *args, **kwargs)

    def fig_show(self: Any, *args: Any, **kwargs: Any) -> Any:
        shown.add(id(self))
        return orig_fig_show(self, *args, **kwargs)

    def show(*args: Any, **kwargs: Any) -> Any:
        shown.update(id(m.canvas.figure) for m in Gcf.get_all_fig_managers())
        return orig_show(*args, **kwargs)

    Figure.__init__ = init  # type: ignore[method-assign]
    Figure.savefig = savefig  # type: ignore[method-assign]
    Figure.show = fig_show  # type: ignore[method-assign]
    plt.show = show

    with open(path, "rb") as fh:
        code = compile(fh.read(), path, "exec", dont_inherit=True)
    random.seed(0)
    np.random.seed(0)
    glb: dict[str, Any] = {"__name__": "__main__", "__file__": path, "__builtins__": builtins}
    status = 0
    try:
        exec(code, glb)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            traceback.print_exc()
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    Figure.__init__, Figure.savefig, Figure.show = orig_init, orig_savefig, orig_fig_show
    plt.show = orig_show
    if status:
        return status

    open_ids = {id(m.canvas.figure) for m in Gcf.get_all_fig_managers()}
    n = 0
    for fig in figs:
        fid = id(fig)
        if not (fid in open_ids or fid in shown or fid in to_path):
            continue
        if not (
            fig.axes or fig.texts or fig.patches or fig.lines or fig.images or fig.artists
        ) and not getattr(fig, "_suptitle", None):
            continue
        buf = io.BytesIO()
        try:
            fig.savefig(buf, format="png", dpi=dpi, **saved.get(fid, {}))
        except BaseException:
            traceback.print_exc()
            return 3
        with open(os.path.join(outdir, f"{n}.png"), "wb") as fh:
            fh.write(buf.getvalue())
        n += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
