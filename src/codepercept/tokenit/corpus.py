"""Seeded text for the renderers: sentences, headings, table cells, code, GUI labels.

Everything is built from the small embedded vocabulary below with a ``random.Random`` the
caller hands in, so a sample's text is a function of its seed alone.
"""

from __future__ import annotations

import random

SENTENCES = [
    "The force on a charge moving through a magnetic field is perpendicular to its velocity.",
    "A right triangle has one angle of ninety degrees, and its hypotenuse is the longest side.",
    "The derivative of the position with respect to time gives the instantaneous velocity.",
    "Water boils at a lower temperature when the air pressure is reduced.",
    "Each bar in the chart shows the mean of five independent measurements.",
    "The catalyst lowers the activation energy but does not change the equilibrium constant.",
    "In a series circuit the same current flows through every resistor.",
    "The function is increasing on the interval where its first derivative is positive.",
    "A graph is connected when there is a path between every pair of its vertices.",
    "Light slows down when it enters glass, so the ray bends toward the normal.",
    "The area of a circle grows with the square of its radius.",
    "Samples were stored at four degrees and analysed within two days of collection.",
    "The model was trained for twenty epochs with a learning rate of 0.001.",
    "Energy is conserved, although it may change from one form into another.",
    "The volume of the cube is the cube of the length of its edge.",
    "Results are reported as the median and the interquartile range.",
    "The pendulum's period depends on its length but hardly on its amplitude.",
    "Two lines in a plane either intersect in one point or are parallel.",
    "The reaction rate doubled when the temperature rose by ten degrees.",
    "A histogram groups the observations into bins of equal width.",
    "The shortest path from the source visits every city exactly once.",
    "Friction converts part of the kinetic energy into heat.",
    "The table lists the melting points of the first ten alkanes.",
    "Please read the safety instructions before starting the experiment.",
    "The survey covered 1,250 households in twelve districts.",
    "An acid donates protons, while a base accepts them.",
    "The solid curve shows the measured data; the dashed curve is the fit.",
    "Our method reduces the error by 38% compared with the baseline.",
    "The velocity field is divergence-free everywhere inside the domain.",
    "Click Save to keep your changes, or Cancel to discard them.",
    "The angle at vertex B is twice the angle at vertex C.",
    "Population growth slows as the available resources run out.",
    "Café owners in Zürich reported a 5 °C rise in the average summer temperature.",
    "The resistance is R = 4.7 kΩ and the capacitance is C = 22 µF.",
    "Mean ± standard deviation: 12.4 ± 0.8 mm (n = 30).",
    "The wavelength λ equals the speed divided by the frequency.",
    "See Section 3.2 for the proof of the main theorem.",
    "The probability of two heads in a row is one quarter.",
    "Electrons fill the lowest available energy levels first.",
    "The map's scale is 1:50,000, so one centimetre is half a kilometre.",
]

HEADINGS = [
    "Introduction",
    "Methods",
    "Results",
    "Discussion",
    "Related Work",
    "Experimental Setup",
    "Summary",
    "Background",
    "Data Collection",
    "Conclusions",
    "Appendix A",
    "Safety Notes",
    "Materials and Methods",
    "Key Findings",
    "Theory",
    "Worked Example",
    "Exercises",
    "Annual Report 2024",
    "Chapter 4: Waves",
    "Lab Protocol",
    "User Guide",
    "Release Notes",
]

WORDS = [
    "energy",
    "force",
    "mass",
    "charge",
    "field",
    "angle",
    "circle",
    "triangle",
    "vector",
    "matrix",
    "graph",
    "node",
    "edge",
    "sample",
    "signal",
    "noise",
    "model",
    "error",
    "rate",
    "time",
    "speed",
    "heat",
    "light",
    "wave",
    "plane",
    "line",
    "point",
    "curve",
    "data",
    "value",
    "table",
    "chart",
    "figure",
    "result",
    "method",
    "test",
    "group",
    "cell",
    "acid",
    "base",
    "salt",
    "water",
    "metal",
    "glass",
    "pressure",
    "volume",
    "density",
    "current",
    "voltage",
    "power",
    "orbit",
    "planet",
    "star",
    "river",
    "market",
    "price",
    "growth",
    "city",
    "school",
    "paper",
    "theory",
    "proof",
    "number",
    "ratio",
    "square",
    "root",
]

NAMES = [
    "Alice",
    "Bob",
    "Chen",
    "Dana",
    "Emil",
    "Fatima",
    "Grace",
    "Hugo",
    "Ines",
    "José",
    "Kenji",
    "Lena",
    "Marta",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Ravi",
    "Sofia",
    "Tom",
]

UNITS = ["m", "s", "kg", "N", "J", "W", "V", "Ω", "Hz", "K", "mol", "Pa", "%", "°C", "mm", "km/h"]

GUI_BUTTONS = [
    "OK",
    "Cancel",
    "Apply",
    "Save",
    "Open",
    "Close",
    "Next",
    "Back",
    "Submit",
    "Delete",
    "Download",
    "Upload",
    "Sign in",
    "Log out",
    "Settings",
    "Help",
    "Retry",
    "Export",
    "Share",
    "Search",
    "Refresh",
    "Continue",
    "Add item",
    "Print",
]
GUI_MENUS = ["File", "Edit", "View", "Insert", "Format", "Tools", "Window", "Help", "Run"]
GUI_MENU_ITEMS = [
    "New",
    "Open…",
    "Save As…",
    "Recent Files",
    "Undo",
    "Redo",
    "Cut",
    "Copy",
    "Paste",
    "Select All",
    "Find",
    "Replace",
    "Zoom In",
    "Zoom Out",
    "Preferences",
    "Full Screen",
    "Show Grid",
    "About",
    "Export PDF",
    "Page Setup",
    "Quit",
]
GUI_LABELS = [
    "Username",
    "Password",
    "Email address",
    "Remember me",
    "Language",
    "Theme",
    "Notifications",
    "Font size",
    "Output folder",
    "Batch size",
    "Learning rate",
    "Status",
]

_IDENTS = [
    "x",
    "y",
    "data",
    "result",
    "total",
    "count",
    "values",
    "model",
    "path",
    "items",
    "width",
    "height",
    "scale",
    "offset",
    "name",
    "index",
    "score",
    "rows",
    "cfg",
]
_FUNCS = [
    "compute",
    "load_data",
    "normalize",
    "plot",
    "update",
    "parse",
    "train",
    "mean",
    "render",
    "solve",
    "fit",
    "main",
    "transform",
    "evaluate",
]


def sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES)


def paragraph(rng: random.Random, n_sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(n_sentences))


def phrase(rng: random.Random, lo: int = 1, hi: int = 3) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return str(rng.randint(0, 999))
    if kind < 0.8:
        return f"{rng.uniform(0, 100):.{rng.randint(1, 3)}f}"
    return f"{rng.uniform(-5, 5):.2f}"


def quantity(rng: random.Random) -> str:
    return f"{number(rng)} {rng.choice(UNITS)}"


def table(rng: random.Random, n_rows: int, n_cols: int) -> list[list[str]]:
    header = [rng.choice(WORDS).capitalize() for _ in range(n_cols)]
    header[0] = rng.choice(["Sample", "Item", "Name", "Trial", "Group"])
    rows = [header]
    for r in range(n_rows):
        row = [rng.choice(NAMES) if rng.random() < 0.5 else f"{header[0]} {r + 1}"]
        row += [quantity(rng) if rng.random() < 0.3 else number(rng) for _ in range(n_cols - 1)]
        rows.append(row)
    return rows


def code_lines(rng: random.Random, n: int) -> list[str]:
    """Python-like source lines, indentation included."""
    lines: list[str] = []
    while len(lines) < n:
        f = rng.choice(_FUNCS)
        a, b = rng.sample(_IDENTS, 2)
        lines.append(f"def {f}({a}, {b}={rng.randint(0, 9)}):")
        body = [
            f"    {rng.choice(_IDENTS)} = {a} * {rng.randint(2, 99)} + {b}",
            f"    for i in range(len({a})):",
            f"        {rng.choice(_IDENTS)}[i] += {rng.choice(_IDENTS)} / {rng.randint(2, 9)}",
            f"    if {b} > {rng.randint(0, 50)}:",
            f'        print("{rng.choice(WORDS)}:", {a})',
            f"    # {rng.choice(WORDS)} {rng.choice(WORDS)}",
            f"    return {rng.choice(_IDENTS)}",
        ]
        k = rng.randint(2, len(body))
        lines.extend([*body[: k - 1], body[-1]])
        lines.append("")
    return lines[:n]
