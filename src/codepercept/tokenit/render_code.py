"""Code and GUI-like text: syntax-coloured monospace blocks, and windows with menus, form
labels and buttons.

In code, line breaks are newlines and indentation is kept as spaces in the text (spaces draw
nothing). In GUIs, widgets are read left to right, top to bottom, separated by newlines.
"""

from __future__ import annotations

import random
import re

from codepercept.tokenit import corpus
from codepercept.tokenit.canvas import (
    Rendered,
    TextCanvas,
    centred_baseline,
    get_font,
    line_metrics,
    solid,
    text_width,
)

_KEYWORDS = {
    "def",
    "return",
    "for",
    "in",
    "if",
    "else",
    "import",
    "from",
    "while",
    "print",
    "range",
    "len",
}
_THEMES = {
    "light": {
        "bg": (255, 255, 255),
        "fg": (30, 30, 30),
        "kw": (0, 0, 200),
        "str": (160, 20, 20),
        "com": (0, 128, 0),
        "num": (9, 134, 88),
        "gutter": (150, 150, 150),
    },
    "dark": {
        "bg": (30, 30, 30),
        "fg": (212, 212, 212),
        "kw": (86, 156, 214),
        "str": (206, 145, 120),
        "com": (106, 153, 85),
        "num": (181, 206, 168),
        "gutter": (110, 110, 110),
    },
    "solarized": {
        "bg": (253, 246, 227),
        "fg": (88, 110, 117),
        "kw": (133, 153, 0),
        "str": (42, 161, 152),
        "com": (147, 161, 161),
        "num": (211, 54, 130),
        "gutter": (147, 161, 161),
    },
}
_TOKEN_RE = re.compile(r"#.*|\"[^\"]*\"|'[^']*'|\d+(?:\.\d+)?|[A-Za-z_]\w*|\s+|.")


def _framed_rect(cv: TextCanvas, x0: float, y0: float, x1: float, y1: float, edge, face) -> None:
    """A ``face``-coloured rectangle with a one-pixel ``edge`` border (fields, buttons)."""
    cv.fill_rect(x0, y0, x1, y1, edge)
    cv.fill_rect(x0 + 1, y0 + 1, x1 - 1, y1 - 1, face)


def render_code(rng: random.Random, width: int, height: int) -> Rendered:
    theme_name = rng.choice(sorted(_THEMES))
    theme = _THEMES[theme_name]
    cv = TextCanvas(solid(width, height, theme["bg"]))
    font = get_font(rng.choice(["mono", "mono", "mono-bold"]), rng.randint(12, 20))
    asc, desc = line_metrics(font)
    lh = (asc + desc) * rng.uniform(1.1, 1.4)
    numbers = rng.random() < 0.5
    margin = rng.randint(8, 24)
    x0 = margin + (text_width(font, "000 ") if numbers else 0)
    n_lines = min(int((height - 2 * margin) / lh), rng.randint(6, 22))
    lines = corpus.code_lines(rng, n_lines)
    # Budget ~150 tokens: drop trailing lines once the text is long.
    y = margin + asc
    budget = 600
    for i, line in enumerate(lines):
        if budget <= 0 or y + desc > height - margin:
            break
        if i:
            cv.append("\n")
        if numbers:
            cv.draw_string(f"{i + 1:>3} ", margin, y, font, theme["gutter"])
        x = x0
        for m in _TOKEN_RE.finditer(line):
            tok = m.group()
            if tok.startswith("#"):
                col = theme["com"]
            elif tok[0] in "\"'":
                col = theme["str"]
            elif tok[0].isdigit():
                col = theme["num"]
            elif tok in _KEYWORDS:
                col = theme["kw"]
            else:
                col = theme["fg"]
            x = cv.draw_string(tok, x, y, font, col)
        budget -= len(line) + 1
        y += lh
    return cv.result({"domain": "code", "theme": theme_name, "line_numbers": numbers})


def render_gui(rng: random.Random, width: int, height: int) -> Rendered:
    dark = rng.random() < 0.3
    win_bg = (
        (45, 45, 48) if dark else rng.choice([(240, 240, 240), (250, 250, 250), (236, 239, 244)])
    )
    fg = (230, 230, 230) if dark else (20, 20, 20)
    cv = TextCanvas(solid(width, height, win_bg))
    size = rng.randint(12, 18)
    font = get_font(rng.choice(["sans", "sans", "serif"]), size)
    bold = get_font("sans-bold", size)
    asc, desc = line_metrics(font)
    # Title bar.
    bar_h = int((asc + desc) * 1.8)
    bar_col = rng.choice([(60, 90, 160), (30, 30, 30), (210, 210, 215), (0, 120, 90)])
    cv.fill_rect(0, 0, width, bar_h, bar_col)
    title_col = (255, 255, 255) if sum(bar_col) < 400 else (0, 0, 0)
    title = rng.choice(
        [
            "Settings",
            "Export Data",
            "Experiment Runner",
            "Untitled - Editor",
            "Plot Options",
            "Preferences",
            "Lab Notebook",
        ]
    )
    cv.draw_string(title, 12, centred_baseline(0, bar_h, asc, desc), bold, title_col)
    # Menu bar.
    menu_y = bar_h
    menu_h = int((asc + desc) * 1.6)
    cv.fill_rect(
        0,
        menu_y,
        width,
        menu_y + menu_h,
        tuple(int(c * 0.93) for c in win_bg) if not dark else (60, 60, 64),
    )
    x = 10.0
    menu_baseline = centred_baseline(menu_y, menu_h, asc, desc)
    for name in rng.sample(corpus.GUI_MENUS, rng.randint(3, 6)):
        cv.append("\n")
        cv.draw_string(name, x, menu_baseline, font, fg)
        x += text_width(font, name) + 1.5 * size
    y = menu_y + menu_h + size
    # An open drop-down menu under one of the menus (sometimes).
    if rng.random() < 0.5:
        items = rng.sample(corpus.GUI_MENU_ITEMS, rng.randint(3, 6))
        mw = max(text_width(font, it) for it in items) + 2 * size
        mx = rng.uniform(10, max(11, width * 0.5 - mw))
        ih = (asc + desc) * 1.6
        my = menu_y + menu_h
        cv.fill_rect(mx - 1, my - 1, mx + mw + 1, my + ih * len(items) + 1, (120, 120, 120))
        cv.fill_rect(
            mx, my, mx + mw, my + ih * len(items), (255, 255, 255) if not dark else (37, 37, 38)
        )
        for k, it in enumerate(items):
            if k == 1:
                cv.fill_rect(mx, my + ih * k, mx + mw, my + ih * (k + 1), (0, 120, 215))
            col = (255, 255, 255) if k == 1 else fg
            cv.append("\n")
            cv.draw_string(it, mx + size, centred_baseline(my + ih * k, ih, asc, desc), font, col)
        form_x = mx + mw + 2 * size
        y = menu_y + menu_h + size
    else:
        form_x = 2.0 * size
    # Form rows: label, text field with a value.
    field_w = width - form_x - 2 * size
    for lab in rng.sample(corpus.GUI_LABELS, rng.randint(2, 5)):
        row_h = (asc + desc) * 2.0
        if y + row_h > height * 0.75 or field_w < 8 * size:
            break
        cv.append("\n")
        cv.draw_string(lab + ":", form_x, y + asc, font, fg)
        fx = form_x + max(text_width(font, lab + ":") + size, 9 * size)
        fw = min(field_w - (fx - form_x), 16 * size)
        if fw > 4 * size:
            _framed_rect(
                cv,
                fx,
                y - 0.3 * size,
                fx + fw,
                y + asc + desc + 0.3 * size,
                (150, 150, 150),
                (255, 255, 255) if not dark else (30, 30, 30),
            )
            value = rng.choice(
                [corpus.number(rng), rng.choice(corpus.NAMES).lower(), corpus.phrase(rng, 1, 2)]
            )
            while value and text_width(font, value) > fw - size:
                value = value[:-1]
            if value.strip():
                cv.append("\t")
                cv.draw_string(value, fx + size / 2, y + asc, font, fg)
        y += row_h
    # Buttons along the bottom right.
    btn_h = (asc + desc) * 2.0
    by = height - btn_h - size
    bx = width - size
    buttons = rng.sample(corpus.GUI_BUTTONS, rng.randint(2, 4))
    placed = []
    for label in buttons:
        bw = text_width(bold, label) + 2 * size
        if bx - bw < size:
            break
        bx -= bw
        placed.append((bx, label, bw))
        bx -= size
    primary = rng.choice([(0, 120, 215), (46, 125, 50), (200, 60, 60)])
    btn_baseline = centred_baseline(by, btn_h, asc, desc)
    for k, (bx, label, bw) in enumerate(reversed(placed)):
        is_primary = k == len(placed) - 1
        face = primary if is_primary else ((225, 225, 225) if not dark else (70, 70, 74))
        _framed_rect(cv, bx, by, bx + bw, by + btn_h, (110, 110, 110), face)
        col = (255, 255, 255) if is_primary else fg
        cv.append("\n")
        cv.draw_string(label, bx + size, btn_baseline, bold, col)
    return cv.result({"domain": "gui", "dark": dark})
