"""Shared pieces of the solid_geometry families: inks, naming, label and dimension blocks, round-solid views."""

from __future__ import annotations

import math
import random
import string

import numpy as np

from codepercept.synth.base import fmt
from codepercept.synth.families.solid_geometry import _solids as S

DOMAIN = "solid_geometry"

PALE = ["#cfe2f3", "#d9ead3", "#fff2cc", "#f4cccc", "#e6d5f0", "#fce5cd"]
STRONG = ["#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf"]
INKS = ["black", "#1a1a1a", "#22313f", "#2f2f5f"]


# -- emission helpers --------------------------------------------------------------------------


def _tup(p, nd: int = 2) -> str:
    return "(" + ", ".join(fmt(v, nd) for v in p) + ")"


def _name_dict(var: str, items: list[tuple[str, object]], nd: int = 2) -> str:
    lines = [f"{var} = {{"]
    lines += [f'    "{k}": {_tup(v, nd)},' for k, v in items]
    lines.append("}")
    return "\n".join(lines)


def _pairs(var: str, pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return f"{var} = []"
    body = ", ".join(f'("{a}", "{b}")' for a, b in pairs)
    if len(body) < 80:
        return f"{var} = [{body}]"
    lines = [f"{var} = ["]
    row = "   "
    for a, b in pairs:
        item = f' ("{a}", "{b}"),'
        if len(row) + len(item) > 96:
            lines.append(row)
            row = "   "
        row += item
    lines.append(row)
    lines.append("]")
    return "\n".join(lines)


def _vertex_names(n_base: int, top: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Names for a base polygon and (optionally) a top polygon of the same size."""
    base = list(string.ascii_uppercase[:n_base])
    if not top:
        return base, []
    if n_base == 4 and rng.random() < 0.5:
        return base, list("EFGH")
    return base, [c + "'" for c in base]


def _oblique_code(scale: float, angle: int) -> str:
    kind = "Cabinet" if scale == 0.5 else "Cavalier" if scale == 1 else "Oblique"
    return (
        f"# {kind} projection: the receding y axis is drawn at {angle}° and scaled by "
        f"{fmt(scale)}\n"
        f"angle = np.radians({angle})\n"
        f"k = {fmt(scale)}\n\n\n"
        "def project(point):\n"
        "    x, y, z = point\n"
        "    return np.array([x + k * y * np.cos(angle), z + k * y * np.sin(angle)])\n"
    )


def _label_block(
    dirs: dict[str, tuple[float, float]],
    offset: float,
    fontsize: int,
    color: str,
    what: str = "Vertex labels",
) -> str:
    """Code that writes each point's name beside it, in a direction clear of its edges."""
    body = ", ".join(f'"{k}": {_tup(v)}' for k, v in dirs.items())
    head = "label_dirs = {" + body + "}"
    if len(head) > 96:
        head = (
            "label_dirs = {\n" + "".join(f'    "{k}": {_tup(v)},\n' for k, v in dirs.items()) + "}"
        )
    return (
        f"# {what}, placed in the widest gap between the edges at each point\n"
        f"{head}\n"
        "for name, direction in label_dirs.items():\n"
        f"    x, y = points[name] + {fmt(offset)} * np.array(direction)\n"
        f'    ax.text(x, y, name, fontsize={fontsize}, color="{color}", ha="center", '
        'va="center")\n'
    )


def _dims_block(dims, pts2d: dict[str, np.ndarray], offset: float, fontsize: int) -> str:
    """Code that writes edge lengths beside the middle of their edges, on the outer side."""
    centre = np.mean(list(pts2d.values()), axis=0)
    rows = []
    for (a, b), text in dims:
        n = S.side_offset(pts2d[a], pts2d[b], centre)
        rows.append(f'    ("{a}", "{b}", "{text}", {_tup(n)}),')
    return (
        "# Edge lengths beside the middle of each edge, on its outer side\n"
        "lengths = [\n" + "\n".join(rows) + "\n]\n"
        "for a, b, text, normal in lengths:\n"
        f"    x, y = (points[a] + points[b]) / 2 + {fmt(offset)} * np.array(normal)\n"
        f'    ax.text(x, y, text, fontsize={fontsize}, color="#b03030", ha="center", '
        'va="center")\n'
    )


# -- 3. solids of revolution --------------------------------------------------------------------

_ROUND_VIEW = (
    "\n\ndef project(x, y, z):\n"
    '    """Orthographic view from the front, raised by elev: depth y shrinks by sin(elev),\n'
    '    heights by cos(elev)."""\n'
    "    return x, y * np.sin(elev) + z * np.cos(elev)\n"
)


def _revolution_silhouette(r_bottom: float, r_top: float, h: float, elev: float) -> float:
    """Angle t1 where the side of a cone/frustum/cylinder is edge-on to the viewer.

    The side normal at angle t is (h cos t, h sin t, r_bottom - r_top); the view direction for
    ``project`` is (0, cos e, -sin e). Their product vanishes where
    sin t = (r_bottom - r_top) tan(e) / h, at t1 and pi - t1; the side faces away (and the
    bottom rim behind it is hidden) for t in (t1, pi - t1).
    """
    s = (r_bottom - r_top) * math.tan(math.radians(elev)) / h
    if not -1 < s < 1:
        raise ValueError("the side has no silhouette from this elevation")
    return math.asin(s)


def _seg_list(var: str, segs) -> str:
    rows = [f"    (({fmt(a[0])}, {fmt(a[1])}), ({fmt(b[0])}, {fmt(b[1])}))," for a, b in segs]
    return f"{var} = [\n" + "\n".join(rows) + "\n]"


# -- 7. inscribed and circumscribed solids ------------------------------------------------------


def _elev_view(elev: float) -> S.Projection:
    """The projection written by ``_ROUND_VIEW``: (x, y, z) -> (x, y sin e + z cos e)."""
    e = math.radians(elev)
    m = np.array([[1.0, 0.0, 0.0], [0.0, math.sin(e), math.cos(e)]])
    return S.Projection(m, np.array([0.0, math.cos(e), -math.sin(e)]))
