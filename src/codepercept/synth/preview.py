"""Contact sheets: many seeds of one family side by side, for eyeballing."""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw

from codepercept.sandbox import Executor
from codepercept.synth.base import get_family


def contact_sheet(
    family: str,
    n: int = 16,
    out: str | Path = "sheet.png",
    seed: int = 0,
    cell: int = 320,
    executor: Executor | None = None,
) -> dict[str, int]:
    """Render seeds ``seed .. seed+n-1`` of ``family`` into one grid PNG at ``out``.

    Failed programs get a grey cell naming their status. Returns counts per status.
    """
    fam = get_family(family)
    progs = [fam.generate(seed + i) for i in range(n)]
    ex = executor or Executor(workers=2)
    try:
        results = ex.map([p.code for p in progs])
    finally:
        if executor is None:
            ex.close()
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    sheet = Image.new("RGB", (cols * cell, rows * (cell + 16)), "white")
    draw = ImageDraw.Draw(sheet)
    statuses: dict[str, int] = {}
    for i, (prog, res) in enumerate(zip(progs, results, strict=True)):
        statuses[res.status] = statuses.get(res.status, 0) + 1
        x, y = (i % cols) * cell, (i // cols) * (cell + 16)
        if res.ok:
            img = Image.open(io.BytesIO(res.images[0])).convert("RGB")
            img.thumbnail((cell - 8, cell - 8))
            sheet.paste(img, (x + (cell - img.width) // 2, y + 16 + (cell - img.height) // 2))
        else:
            draw.rectangle([x + 4, y + 20, x + cell - 4, y + cell + 12], fill=(220, 220, 220))
            draw.text((x + 10, y + 30), f"{res.status}: {res.message[:40]}", fill="black")
        draw.text((x + 4, y + 2), f"{family} seed {prog.seed}", fill=(90, 90, 90))
        draw.rectangle([x, y, x + cell - 1, y + cell + 15], outline=(200, 200, 200))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    return statuses
