"""STEM2Code-Eval items and the official JSONL format.

Each line holds ``messages``; the image path is ``messages[1].content[0].image`` (relative to the
benchmark root) and the ground-truth code ``messages[3].content[0].text``. We write
``[system, user(image), user(prompt), assistant(code)]``, which satisfies those two paths, and
keep our own fields (``id``, ``domain``, ``family``) beside ``messages``; the loader reads only the
two official paths plus optional extras, so official files load unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codepercept._fs import read_text
from codepercept.models.prompts import STEM2CODE

#: The official STEM2Code-Eval system message and prompt, word for word (kept in
#: :mod:`codepercept.models.prompts` with every other prompt).
SYSTEM: str = STEM2CODE.system or ""
PROMPT: str = STEM2CODE.template


@dataclass
class BenchItem:
    id: str
    image_path: Path  # absolute
    code: str  # ground truth
    domain: str = "unknown"
    family: str = ""
    scene_path: Path | None = None  # pre-computed ground-truth scene, when the builder wrote one

    def image_bytes(self) -> bytes:
        return self.image_path.read_bytes()


def item_line(item_id: str, image_rel: str, code: str, **extra: Any) -> dict[str, Any]:
    """One benchmark line in the official format (plus our extra fields)."""
    messages = [
        {"role": "system", "content": [{"type": "text", "text": SYSTEM}]},
        {"role": "user", "content": [{"type": "image", "image": image_rel}]},
        {"role": "user", "content": [{"type": "text", "text": PROMPT}]},
        {"role": "assistant", "content": [{"type": "text", "text": code}]},
    ]
    return {"id": item_id, "messages": messages, **extra}


def load_bench(path: str | Path, root: str | Path | None = None) -> list[BenchItem]:
    """Load a benchmark: a JSONL file, or a directory holding ``bench.jsonl``.

    Image paths resolve against ``root`` (default: the JSONL file's directory). Raises
    ``ValueError`` naming the line for anything malformed, ``FileNotFoundError`` for a missing
    image.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "bench.jsonl"
    if not path.exists():
        raise FileNotFoundError(
            f"no benchmark at {path} (expected a .jsonl file or a dir with bench.jsonl)"
        )
    base = Path(root) if root else path.parent
    items: list[BenchItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(read_text(path, "benchmark").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            msgs = rec["messages"]
            image = msgs[1]["content"][0]["image"]
            code = msgs[3]["content"][0]["text"]
        except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
            raise ValueError(
                f"{path}:{lineno}: not a STEM2Code-Eval line ({type(exc).__name__}: {exc}); "
                "expected messages[1].content[0].image and messages[3].content[0].text"
            ) from None
        item_id = str(rec.get("id") or hashlib.sha1(f"{image}\n{code}".encode()).hexdigest()[:12])
        if item_id in seen:
            raise ValueError(f"{path}:{lineno}: duplicate id {item_id!r}")
        seen.add(item_id)
        img = Path(image) if Path(image).is_absolute() else base / image
        if not img.exists():
            raise FileNotFoundError(f"{path}:{lineno}: image {img} does not exist")
        scene = base / "scenes" / f"{item_id}.json"
        items.append(
            BenchItem(
                id=item_id,
                image_path=img,
                code=str(code),
                domain=str(rec.get("domain", "unknown")),
                family=str(rec.get("family", "")),
                scene_path=scene if scene.exists() else None,
            )
        )
    return items
