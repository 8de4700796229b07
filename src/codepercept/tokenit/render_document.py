"""Documents: headings, paragraphs (ragged or justified), lists and tables in one or two columns.

Soft line wraps inside a paragraph are a space in the text (so the first word of every line
keeps its word-initial token); blocks are separated by a newline; table cells by a tab.
"""

from __future__ import annotations

import random

from codepercept.tokenit import corpus
from codepercept.tokenit.canvas import (
    Rendered,
    TextCanvas,
    body_fonts,
    centred_baseline,
    font_supports,
    get_font,
    line_metrics,
    solid,
    text_width,
)

#: Rough characters per token for English text, used to budget the amount of text.
CHARS_PER_TOKEN = 4.3


def _wrap(words: list[str], font, width: float) -> list[list[str]]:
    lines: list[list[str]] = []
    cur: list[str] = []
    space = text_width(font, " ")
    w = 0.0
    for word in words:
        ww = text_width(font, word)
        if cur and w + space + ww > width:
            lines.append(cur)
            cur, w = [word], ww
        else:
            w = w + space + ww if cur else ww
            cur.append(word)
    if cur:
        lines.append(cur)
    return lines


class _Flow:
    """Column flow: hands out vertical space column by column."""

    def __init__(self, cv: TextCanvas, margin: int, n_cols: int, gutter: int):
        self.cv = cv
        self.margin = margin
        self.col_w = (cv.width - 2 * margin - (n_cols - 1) * gutter) / n_cols
        self.gutter = gutter
        self.n_cols = n_cols
        self.col = 0
        self.y = float(margin)
        self.first = True  # nothing drawn yet (no block separator needed)

    @property
    def x(self) -> float:
        return self.margin + self.col * (self.col_w + self.gutter)

    def take(self, h: float) -> float | None:
        """Reserve ``h`` pixels of height; returns the top y or None when the page is full."""
        if self.y + h > self.cv.height - self.margin:
            if self.col + 1 >= self.n_cols:
                return None
            self.col += 1
            self.y = float(self.margin)
        top = self.y
        self.y += h
        return top

    def separate(self) -> None:
        if not self.first:
            self.cv.append("\n")
        self.first = False


def _paragraph(
    flow: _Flow,
    text: str,
    font,
    color,
    justify: bool,
    budget: list[int],
    leading: float = 1.3,
) -> bool:
    """Wrap ``text`` into the flow's column, one block; spends ``budget[0]`` characters and
    stops when it is spent. Returns False when the page is full."""
    asc, desc = line_metrics(font)
    lh = (asc + desc) * leading
    lines = _wrap(text.split(" "), font, flow.col_w)
    for li, words in enumerate(lines):
        if budget[0] <= 0:
            break
        top = flow.take(lh)
        if top is None:
            return False
        if li == 0:
            flow.separate()
        else:
            flow.cv.append(" ")
        line = " ".join(words)
        space_w = None
        if justify and li < len(lines) - 1 and len(words) > 1:
            free = flow.col_w - sum(text_width(font, w) for w in words)
            space_w = free / (len(words) - 1)
        flow.cv.draw_string(line, flow.x, top + asc, font, color, space_width=space_w)
        budget[0] -= len(line) + 1
    return True


def render_document(rng: random.Random, width: int, height: int) -> Rendered:
    paper = rng.choice([(255, 255, 255), (252, 250, 245), (246, 246, 240), (255, 253, 248)])
    ink = rng.choice([(0, 0, 0), (20, 20, 20), (35, 35, 60), (40, 40, 40)])
    accent = rng.choice([ink, (20, 60, 140), (140, 30, 30), (20, 100, 60)])
    cv = TextCanvas(solid(width, height, paper))
    n_cols = 2 if width >= 700 and rng.random() < 0.5 else 1
    margin = rng.randint(18, 48)
    flow = _Flow(cv, margin, n_cols, gutter=rng.randint(16, 32))
    size = rng.randint(13, 22) if n_cols == 1 else rng.randint(12, 17)
    body_name = rng.choice(body_fonts())
    serif = "serif" in body_name
    head_name = rng.choice(
        ["sans-bold", "serif-bold"] if not serif else ["serif-bold", "sans-bold"]
    )
    body = get_font(body_name, size)
    justify = rng.random() < 0.5
    # ~30-150 tokens per image.
    budget = [int(rng.randint(35, 120) * CHARS_PER_TOKEN)]
    kinds = ["para", "para", "list", "table", "heading"]
    first = True
    gap = size * rng.uniform(0.4, 1.0)
    while budget[0] > 0:
        kind = "heading" if first and rng.random() < 0.7 else rng.choice(kinds)
        if not first and flow.y > flow.margin:
            flow.y += gap  # space between blocks (none at the top of a column)
        first = False
        if kind == "heading":
            f = get_font(head_name, int(size * rng.uniform(1.2, 1.8)))
            text = rng.choice(corpus.HEADINGS)
            if rng.random() < 0.4:
                text = f"{rng.randint(1, 9)}. {text}"
            ok = _paragraph(flow, text, f, accent, False, budget, leading=1.5)
        elif kind == "para":
            text = corpus.paragraph(rng, rng.randint(1, 3))
            font = body if font_supports(body_name, text) else get_font("sans", size)
            ok = _paragraph(flow, text, font, ink, justify, budget)
        elif kind == "list":
            ok = _list(rng, flow, body_name, size, ink, budget)
        else:
            ok = _table(rng, flow, size, ink, budget)
        if not ok:
            break
    return cv.result(
        {
            "domain": "documents",
            "font": body_name,
            "size": size,
            "columns": n_cols,
            "justified": justify,
        }
    )


def _list(rng: random.Random, flow: _Flow, font_name: str, size: int, ink, budget) -> bool:
    numbered = rng.random() < 0.4
    bullet = rng.choice(["•", "–", "▪"]) if not numbered else ""
    for i in range(rng.randint(2, 4)):
        if budget[0] <= 0:
            break
        item = corpus.sentence(rng) if rng.random() < 0.5 else corpus.phrase(rng, 2, 5).capitalize()
        marker = f"{i + 1}." if numbered else bullet
        name = font_name if font_supports(font_name, item + marker) else "sans"
        f = get_font(name, size)
        asc, desc = line_metrics(f)
        lines = _wrap(item.split(" "), f, flow.col_w - 2.2 * size)
        for li, words in enumerate(lines):
            top = flow.take((asc + desc) * 1.3)
            if top is None:
                return False
            if li == 0:
                flow.separate()
                flow.cv.draw_string(marker, flow.x + 0.3 * size, top + asc, f, ink)
            flow.cv.append(" ")
            line = " ".join(words)
            flow.cv.draw_string(line, flow.x + 2.2 * size, top + asc, f, ink)
            budget[0] -= len(line) + 2
    return True


def _table(rng: random.Random, flow: _Flow, size: int, ink, budget) -> bool:
    font = get_font("sans", size)
    bold = get_font("sans-bold", size)
    n_cols = rng.randint(2, 4)
    rows = corpus.table(rng, rng.randint(2, 5), n_cols)
    asc, desc = line_metrics(font)
    row_h = (asc + desc) * 1.6
    col_w = [
        max(text_width(bold if r == 0 else font, row[c]) for r, row in enumerate(rows)) + size
        for c in range(n_cols)
    ]
    if sum(col_w) > flow.col_w:
        return True  # too wide for this column: skip the table, keep the page going
    rule = tuple(int(v) for v in rng.choice([(0, 0, 0), (120, 120, 120), (60, 60, 90)]))
    for r, row in enumerate(rows):
        if budget[0] <= 0:
            break
        top = flow.take(row_h)
        if top is None:
            return False
        if r == 0:
            flow.separate()
        else:
            flow.cv.append("\n")
        x = flow.x
        if r <= 1:  # rules above and below the header
            flow.cv.fill_rect(flow.x, top, flow.x + sum(col_w), top + 1, rule)
        f = bold if r == 0 else font
        baseline = centred_baseline(top, row_h, asc, desc)
        for c, cell in enumerate(row):
            if c:
                flow.cv.append("\t")
            flow.cv.draw_string(cell, x + size / 2, baseline, f, ink)
            x += col_w[c]
            budget[0] -= 2 * len(cell) + 1  # digits are one token each
    top = flow.take(3)
    if top is not None:
        flow.cv.fill_rect(flow.x, top + 1, flow.x + sum(col_w), top + 2, rule)
    return True
