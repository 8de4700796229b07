"""What validating a Scene costs: ``Scene.from_json`` against the unchecked reader it replaced.

Traces ``--seeds`` programs of every synth family in the sandbox, then times, per scene (CPU
time, best of ``--rounds``): ``json.loads`` alone, the unchecked reader (``json.loads`` and the
dataclass constructors, as ``from_json`` was before it validated), and today's ``from_json``
(nesting bound before parsing, every field checked). Prints the median per-scene ratio and the
totals. Usage:

    .venv/bin/python benchmarks/scene_validation.py [--seeds 3] [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import fields
from typing import Any

from codepercept import _jsonbound
from codepercept.sandbox import Executor
from codepercept.scene.model import AxesInfo, Element, FigureInfo, Scene
from codepercept.synth import list_families


def unchecked(text: bytes) -> Scene:
    """``Scene.from_json`` as it was before validation: parse, then the constructors."""
    d = json.loads(text)

    def build(cls: type, item: dict[str, Any]) -> Any:
        known = {f.name for f in fields(cls)}
        if set(item) - known:
            raise ValueError("unknown field")
        return cls(**item)

    return Scene(
        figures=[FigureInfo(**f) for f in d.get("figures", [])],
        axes=[build(AxesInfo, a) for a in d.get("axes", [])],
        elements=[build(Element, e) for e in d.get("elements", [])],
        warnings=list(d.get("warnings", [])),
        schema_version=d["schema_version"],
    )


def best(fn: Any, text: bytes, reps: int, rounds: int) -> float:
    out = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(reps):
            fn(text)
        out = min(out, (time.process_time() - t0) / reps)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    codes = [f.generate(s).code for f in list_families() for s in range(args.seeds)]
    with Executor(workers=2, reuse=16) as ex:
        scenes = [r.scene_json for r in ex.map(codes) if r.ok and r.scene_json]
    rows = []
    for text in scenes:
        reps = max(3, min(200, 200_000 // len(text)))
        rows.append(
            (
                len(text),
                best(json.loads, text, reps, args.rounds),
                best(_jsonbound.check_depth, text, reps, args.rounds),
                best(unchecked, text, reps, args.rounds),
                best(Scene.from_json, text, reps, args.rounds),
            )
        )
    ratios = sorted(new / old for _, _, _, old, new in rows)
    size, j, depth, old, new = sorted(rows)[len(rows) // 2]
    print(f"{len(rows)} scenes, {sum(r[0] for r in rows) / 1e6:.1f} MB of JSON")
    print(f"median-size scene ({size} B): json.loads {j * 1e6:.0f} us, depth bound "
          f"{depth * 1e6:.0f} us, unchecked reader {old * 1e6:.0f} us, from_json {new * 1e6:.0f} us")  # fmt: skip
    print(f"per scene from_json / unchecked: median {statistics.median(ratios):.2f}, "
          f"10th pct {ratios[len(ratios) // 10]:.2f}, 90th pct {ratios[9 * len(ratios) // 10]:.2f}")  # fmt: skip
    tj, td, to, tn = (sum(r[k] for r in rows) for k in range(1, 5))
    print(f"all scenes: json.loads {tj * 1e3:.1f} ms, depth bound {td * 1e3:.1f} ms, unchecked "
          f"{to * 1e3:.1f} ms, from_json {tn * 1e3:.1f} ms ({tn / to:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
