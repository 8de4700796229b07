"""Generation-time helpers for the plane_geometry and functions families.

Plane-vector maths (points are ``(x, y)`` tuples), a small line-oriented code builder, and the
visual themes both domains sample from. Nothing here is imported by the emitted programs.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from codepercept.synth.base import fmt

Pt = tuple[float, float]


# -- vectors -------------------------------------------------------------------------------------
def add(p: Pt, q: Pt) -> Pt:
    return (p[0] + q[0], p[1] + q[1])


def sub(p: Pt, q: Pt) -> Pt:
    return (p[0] - q[0], p[1] - q[1])


def mul(p: Pt, k: float) -> Pt:
    return (p[0] * k, p[1] * k)


def dot(p: Pt, q: Pt) -> float:
    return p[0] * q[0] + p[1] * q[1]


def cross(p: Pt, q: Pt) -> float:
    return p[0] * q[1] - p[1] * q[0]


def norm(p: Pt) -> float:
    return math.hypot(p[0], p[1])


def dist(p: Pt, q: Pt) -> float:
    return norm(sub(p, q))


def unit(p: Pt) -> Pt:
    n = norm(p)
    return (p[0] / n, p[1] / n)


def lerp(p: Pt, q: Pt, t: float) -> Pt:
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def polar(r: float, deg: float, center: Pt = (0.0, 0.0)) -> Pt:
    a = math.radians(deg)
    return (center[0] + r * math.cos(a), center[1] + r * math.sin(a))


def heading(v: Pt) -> float:
    """Direction of v in degrees, in [0, 360)."""
    return math.degrees(math.atan2(v[1], v[0])) % 360.0


def rnd(p: Pt, nd: int = 2) -> Pt:
    """Round a point the way fmt() writes it, so facts match the emitted numbers exactly."""
    return (float(fmt(p[0], nd)), float(fmt(p[1], nd)))


def centroid(pts: list[Pt]) -> Pt:
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def foot(p: Pt, a: Pt, b: Pt) -> Pt:
    """Foot of the perpendicular from p to line ab."""
    d = sub(b, a)
    return add(a, mul(d, dot(sub(p, a), d) / dot(d, d)))


def incircle(a: Pt, b: Pt, c: Pt) -> tuple[Pt, float]:
    la, lb, lc = dist(b, c), dist(a, c), dist(a, b)
    s = la + lb + lc
    center = ((la * a[0] + lb * b[0] + lc * c[0]) / s, (la * a[1] + lb * b[1] + lc * c[1]) / s)
    area = abs(cross(sub(b, a), sub(c, a))) / 2
    return center, 2 * area / s


def circumcircle(a: Pt, b: Pt, c: Pt) -> tuple[Pt, float]:
    d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
    ux = (
        (a[0] ** 2 + a[1] ** 2) * (b[1] - c[1])
        + (b[0] ** 2 + b[1] ** 2) * (c[1] - a[1])
        + (c[0] ** 2 + c[1] ** 2) * (a[1] - b[1])
    ) / d
    uy = (
        (a[0] ** 2 + a[1] ** 2) * (c[0] - b[0])
        + (b[0] ** 2 + b[1] ** 2) * (a[0] - c[0])
        + (c[0] ** 2 + c[1] ** 2) * (b[0] - a[0])
    ) / d
    return (ux, uy), dist((ux, uy), a)


def angle_at(v: Pt, p: Pt, q: Pt) -> float:
    """Interior angle pvq in degrees."""
    a, b = sub(p, v), sub(q, v)
    return math.degrees(math.acos(max(-1.0, min(1.0, dot(a, b) / (norm(a) * norm(b))))))


def arc_span(v: Pt, p: Pt, q: Pt) -> tuple[float, float]:
    """(theta1, theta2) in degrees for a counter-clockwise Arc at v from ray vp to ray vq
    covering the interior (< 180°) angle."""
    t1, t2 = heading(sub(p, v)), heading(sub(q, v))
    if (t2 - t1) % 360.0 > 180.0:
        t1, t2 = t2, t1
    if t2 < t1:
        t2 += 360.0
    return t1, t2


def bisector_dir(v: Pt, p: Pt, q: Pt) -> Pt:
    return unit(add(unit(sub(p, v)), unit(sub(q, v))))


def offset_away(p: Pt, center: Pt, pts: float = 13.0) -> tuple[int, int]:
    """Offset in typographic points that pushes a label at p away from center."""
    u = unit(sub(p, center)) if dist(p, center) > 1e-9 else (0.0, 1.0)
    return round(u[0] * pts), round(u[1] * pts)


def offset_dir(u: Pt, pts: float = 13.0) -> tuple[int, int]:
    u = unit(u)
    return round(u[0] * pts), round(u[1] * pts)


def outward_normal(a: Pt, b: Pt, inside: Pt) -> Pt:
    """Unit normal of segment ab pointing away from the point inside."""
    d = unit(sub(b, a))
    n = (-d[1], d[0])
    return n if dot(n, sub(lerp(a, b, 0.5), inside)) > 0 else (-n[0], -n[1])


def place(pts: list[Pt], deg: float, flip: bool, scale: float = 1.0) -> list[Pt]:
    """Rotate (about the centroid), optionally mirror, scale and round a point set."""
    c = centroid(pts)
    out = []
    for p in pts:
        x, y = sub(p, c)
        if flip:
            x = -x
        r = polar(1.0, deg)
        out.append(rnd((scale * (x * r[0] - y * r[1]), scale * (x * r[1] + y * r[0]))))
    return out


def bounds(pts: list[Pt], pad: float) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad


def tick_mark(a: Pt, b: Pt, n: int, size: float) -> list[tuple[Pt, Pt]]:
    """n short strokes across the middle of segment ab (equal-length marks)."""
    d = unit(sub(b, a))
    nrm = (-d[1], d[0])
    mid = lerp(a, b, 0.5)
    gap = size * 0.6
    out = []
    for i in range(n):
        c = add(mid, mul(d, (i - (n - 1) / 2) * gap))
        out.append((add(c, mul(nrm, size)), sub(c, mul(nrm, size))))
    return out


def right_mark(v: Pt, p: Pt, q: Pt, size: float) -> list[Pt]:
    """Three points of the small square marking the right angle pvq."""
    u1, u2 = unit(sub(p, v)), unit(sub(q, v))
    return [add(v, mul(u1, size)), add(v, add(mul(u1, size), mul(u2, size))), add(v, mul(u2, size))]


# -- code building --------------------------------------------------------------------------------
def vec(p: Pt) -> str:
    return f"np.array([{fmt(p[0])}, {fmt(p[1])}])"


def tup(p: Pt) -> str:
    return f"({fmt(p[0])}, {fmt(p[1])})"


def xs_ys(pts: list[Pt]) -> str:
    return f"[{', '.join(fmt(p[0]) for p in pts)}], [{', '.join(fmt(p[1]) for p in pts)}]"


class Script:
    """Accumulates the lines of an emitted program, one commented drawing step at a time."""

    def __init__(self, *imports: str) -> None:
        self.imports: list[str] = list(imports)
        self.lines: list[str] = []

    def need(self, import_line: str) -> None:
        """Add an import to the program's header (once)."""
        if import_line not in self.imports:
            self.imports.append(import_line)

    def step(self, comment: str, *lines: str) -> None:
        if self.lines:
            self.lines.append("")
        self.lines.append(f"# {comment}")
        self.lines.extend(lines)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def finish(self, tight: bool = True) -> str:
        tail = ["plt.tight_layout()", "plt.show()"] if tight else ["plt.show()"]
        self.step("show the figure", *tail)
        return "\n".join([*sorted(self.imports), "", *self.lines]) + "\n"


# -- themes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    name: str
    edge: str  # main outline
    fill: str  # polygon fill ("none" for outline-only)
    accent: str  # constructed lines / highlighted parts
    aux: str  # marks, arcs, secondary text
    text: str  # point labels
    family: str  # font family
    italic: bool


THEMES: tuple[Theme, ...] = (
    Theme("ink", "black", "none", "black", "black", "black", "serif", True),
    Theme("textbook", "#1f3b73", "#dbe7f7", "#c0392b", "#444444", "black", "sans-serif", False),
    Theme("forest", "#1b5e20", "#e8f5e9", "#d35400", "#555555", "#1b1b1b", "serif", True),
    Theme("sepia", "#4a2c0f", "#fbf1dc", "#1f77b4", "#6b4f2f", "#2b1a08", "serif", False),
    Theme("slate", "#263238", "#eceff1", "#8e24aa", "#546e7a", "#263238", "sans-serif", True),
    Theme("teal", "#00695c", "none", "#e65100", "#00695c", "black", "sans-serif", False),
)


def pick_theme(rng: random.Random) -> Theme:
    return rng.choice(THEMES)


def text_kw(theme: Theme, size: int) -> str:
    """Keyword arguments for point-label text in the theme's font."""
    kw = f'fontsize={size}, color="{theme.text}", family="{theme.family}"'
    if theme.italic:
        kw += ', style="italic"'
    return kw + ', ha="center", va="center"'


def letters(rng: random.Random, n: int) -> list[str]:
    """n consecutive capital letters from a common textbook starting letter."""
    start = rng.choice("AAAAPKDEMX")
    first = ord(start)
    if first + n > ord("Z") + 1:
        first = ord("A")
    return [chr(first + i) for i in range(n)]
