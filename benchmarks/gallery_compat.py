"""Real-world fidelity: every script of a directory (matplotlib's own gallery) run plainly and in
the sandbox, with the pictures compared pixel for pixel.

Each ``*.py`` under DIR (sorted) runs twice, at the same dpi:

  (1) plainly: a fresh ``sys.executable`` per program (``_plain_runner.py``), in its own
      directory of a temporary copy of DIR, with ``MPLBACKEND=Agg``, ``PYTHONHASHSEED=0`` and
      ``random``/``np.random`` seeded with 0 (as the sandbox does); the figures the sandbox's
      capture policy takes (open at the end, shown, or saved to a path; not off-screen helpers
      saved only into a buffer) are rendered with ``savefig(format="png", dpi=DPI)``;
  (2) in the sandbox: ``codepercept.sandbox.Executor(workers=..., dpi=DPI, timeout_s=...)``
      ``.map(...)``.

A program *ran plainly* if it exited 0 with at least one figure. Among those the report counts
``ok`` in the sandbox, pixel-identical (both PNGs decoded with PIL, RGBA arrays equal), differing
(``ok`` with another picture: image count, size or pixels) and not ok (status and message), a
table per cause, and the wall time of each route. A differing program is run plainly twice more
to name its cause: again (is it deterministic at all?), then under the sandbox's environment
(BLAS on one thread, the executor's allow-listed variables). The sandbox gets what a plain run
finds next to the script as ``files`` (the other modules of its directory and a
``matplotlibrc``). Get the gallery (never commit it)::

    pip download --no-clean --no-deps --no-binary matplotlib matplotlib==3.11.2 -d /tmp/mplsdist
    # pip then fails to build the sdist's metadata (meson wants to download freetype), but
    # --no-clean keeps it unpacked in /tmp/pip-download-*/matplotlib_*/: copy its galleries/
    # to /tmp/mplsrc
    PYTHONPATH=src .venv/bin/python benchmarks/gallery_compat.py \\
        /tmp/mplsrc/galleries/examples [--dpi 72] [--workers 2] [--timeout 60] \\
        [--limit N] [--match SUBSTR] [--json OUT] [--reuse 1]
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from PIL import Image

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_plain_runner.py")


#: What the sandbox's processes see of the environment (the executor's allow-list, BLAS pinned
#: to one thread): a plain rerun under it tells numeric differences from sandbox bugs.
SANDBOX_ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "MPLCONFIGDIR", "XDG_CACHE_HOME",
                    "XDG_CONFIG_HOME")  # fmt: skip
SANDBOX_ENV_SET = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def plain_env(like_sandbox: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    if like_sandbox:
        env = {k: v for k, v in env.items() if k in SANDBOX_ENV_KEEP} | SANDBOX_ENV_SET
    env.pop("PYTHONPATH", None)  # the program sees what `python script.py` would see
    return env | {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}


def run_one_plain(
    path: str, out: str, dpi: float, timeout: float, env: dict[str, str]
) -> dict[str, Any]:
    """One program in a fresh interpreter, in its own directory; its PNGs land in ``out``."""
    os.makedirs(out)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, RUNNER, path, str(dpi), out],
            cwd=os.path.dirname(path),
            env=env,
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        rc: int | str = proc.returncode
        err = proc.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        rc, err = "timeout", ""
    images = []
    for k in range(len(os.listdir(out))):
        with open(os.path.join(out, f"{k}.png"), "rb") as fh:
            images.append(fh.read())
    tail = [ln for ln in err.strip().splitlines() if ln.strip()]
    return {
        "rc": rc,
        "images": images,
        "error": tail[-1][:300] if rc not in (0, "timeout") and tail else "",
        "seconds": round(time.perf_counter() - t0, 3),
    }


def run_plain(
    copy: str, rels: list[str], dpi: float, workers: int, timeout: float
) -> tuple[list[dict[str, Any]], float]:
    """Each program of ``copy`` (a scratch copy of DIR) plainly: (records, wall seconds)."""
    env = plain_env()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        records = list(
            pool.map(
                lambda i: run_one_plain(
                    os.path.join(copy, rels[i]), f"{copy}.png/{i}", dpi, timeout, env
                ),
                range(len(rels)),
            )
        )
    return records, time.perf_counter() - t0


def diagnose(
    copy: str, rel: str, first: list[bytes], boxed: list[bytes], dpi: float, timeout: float
) -> str:
    """Why a program that is ``ok`` in the sandbox drew another picture, where a rerun can say:
    a second plain run that differs from the first, a plain run under the sandbox's environment
    that gives the sandbox's picture."""
    path = os.path.join(copy, rel)
    scratch = tempfile.mkdtemp(prefix="gallery-diag-")
    try:
        again = run_one_plain(path, f"{scratch}/a", dpi, timeout, plain_env())
        if compare(first, again["images"]):
            return "not deterministic plainly (two plain runs differ)"
        env_run = run_one_plain(path, f"{scratch}/b", dpi, timeout, plain_env(like_sandbox=True))
        if not compare(env_run["images"], boxed):
            return (
                "numeric environment (plainly the same picture under the sandbox's: "
                "BLAS on one thread, no OPENBLAS_* settings)"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return "unexplained"


def run_sandbox(
    root: str, rels: list[str], dpi: float, workers: int, timeout: float, reuse: int
) -> tuple[list[Any], float]:
    from codepercept.sandbox import Executor

    codes = []
    for rel in rels:
        with open(os.path.join(root, rel), "rb") as fh:
            codes.append(fh.read())
    t0 = time.perf_counter()
    with Executor(workers=workers, dpi=dpi, timeout_s=timeout, reuse=reuse) as ex:
        with ThreadPoolExecutor(workers) as pool:
            results = list(
                pool.map(
                    lambda i: ex.run(codes[i], files=neighbours(root, rels[i])), range(len(rels))
                )
            )
    return results, time.perf_counter() - t0


def neighbours(root: str, rel: str) -> dict[str, bytes]:
    """What a plain run finds next to the script and the sandbox is given as ``files``: the
    other modules of its directory (it may import them) and a ``matplotlibrc``."""
    here = os.path.dirname(os.path.join(root, rel))
    out = {}
    for name in sorted(os.listdir(here)):
        if name == os.path.basename(rel) or not (name.endswith(".py") or name == "matplotlibrc"):
            continue
        with open(os.path.join(here, name), "rb") as fh:
            out[name] = fh.read()
    return out


def _rgba(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def compare(plain: list[bytes], boxed: list[bytes]) -> str:
    """'' when every image has the same pixels, else what differs."""
    if len(plain) != len(boxed):
        return f"image count differs ({len(plain)} plain, {len(boxed)} sandbox)"
    for k, (a, b) in enumerate(zip(plain, boxed, strict=True)):
        ra, rb = _rgba(a), _rgba(b)
        if ra.shape != rb.shape:
            return (
                f"image {k}: size differs ({ra.shape[1]}x{ra.shape[0]} plain, "
                f"{rb.shape[1]}x{rb.shape[0]} sandbox)"
            )
        diff = (ra != rb).any(axis=2)
        if diff.any():
            return f"image {k}: pixels differ ({diff.mean():.2%} of pixels)"
    return ""


def _cause(status: str, message: str) -> str:
    """A message without its program-specific details, for grouping."""
    msg = re.sub(r"\(line \d+\)", "", message)
    msg = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", msg)
    msg = re.sub(r"\d+(\.\d+)?", "N", msg)
    return f"{status}: {' '.join(msg.split())[:90]}"


def judge(
    root: str, copy: str, rel: str, p: dict[str, Any], r: Any, dpi: float, timeout: float
) -> dict[str, Any]:
    """One program's record: what each route did, the verdict and, if any, its cause."""
    rec: dict[str, Any] = {
        "program": rel,
        "plain": {k: len(v) if k == "images" else v for k, v in p.items()},
        "sandbox": {
            "status": r.status,
            "message": r.message,
            "images": len(r.images),
            "wall_s": round(r.wall_s, 3),
        },
    }
    if not (p["rc"] == 0 and p["images"]):
        why = "timeout" if p["rc"] == "timeout" else "no figure" if p["rc"] == 0 else "error"
        rec["verdict"] = f"not run plainly ({why})"
    elif r.status != "ok":
        rec["verdict"] = "not ok"
        rec["cause"] = _cause(r.status, r.message)
    else:
        diff = compare(p["images"], r.images)
        rec["verdict"] = "differs" if diff else "identical"
        if diff:
            rec["diff"] = diff
            rec["cause"] = "differs: " + diagnose(copy, rel, p["images"], r.images, dpi, timeout)
    return rec


def summary(head: str, records: list[dict[str, Any]], plain_wall: float, boxed_wall: float) -> str:
    verdicts = collections.Counter(rec["verdict"] for rec in records)
    n_plain = sum(n for v, n in verdicts.items() if not v.startswith("not run plainly"))
    n_ok = verdicts["identical"] + verdicts["differs"]
    not_plain = {v[17:-1]: n for v, n in verdicts.items() if v.startswith("not run plainly")}
    lines = [
        head,
        f"  ran plainly (exit 0, >= 1 figure): {n_plain}"
        + (f"   (not: {not_plain})" if not_plain else ""),
        f"  ok in the sandbox:                 {n_ok}",
        f"  pixel-identical:                   {verdicts['identical']}",
        f"  differing (ok, other picture):     {verdicts['differs']}",
        f"  not ok:                            {verdicts['not ok']}",
        f"  wall time: plain {plain_wall:.1f} s, sandbox {boxed_wall:.1f} s",
    ]
    extra = [
        rec["program"]
        for rec in records
        if rec["verdict"].startswith("not run plainly") and rec["sandbox"]["status"] == "ok"
    ]
    if extra:
        lines.append(f"  ok in the sandbox only: {', '.join(extra)}")
    causes = collections.Counter(rec["cause"] for rec in records if "cause" in rec)
    if causes:
        lines.append("  per cause:")
        lines += [f"    {n:4d}  {cause}" for cause, n in causes.most_common()]
        lines.append("  programs:")
        for rec in records:
            if "cause" in rec:
                detail = rec.get("diff") or rec["sandbox"]["message"]
                lines.append(f"    {rec['program']}: {rec['verdict']}: {detail[:150]}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="directory of scripts (e.g. matplotlib's galleries/examples)")
    ap.add_argument("--dpi", type=float, default=72)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per program")
    ap.add_argument("--limit", type=int, default=0, help="only the first N (after --match)")
    ap.add_argument("--match", default="", help="only paths containing this substring")
    ap.add_argument("--reuse", type=int, default=1, help="the sandbox's reuse=N")
    ap.add_argument("--json", default="", help="write per-program records here")
    args = ap.parse_args()

    root = os.path.abspath(args.dir)
    rels = sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, _, files in os.walk(root)
        for f in files
        if f.endswith(".py")
    )
    rels = [r for r in rels if args.match in r]
    if args.limit:
        rels = rels[: args.limit]
    if not rels:
        raise SystemExit(f"no *.py under {root} matching {args.match!r}")

    tmp = tempfile.mkdtemp(prefix="gallery-plain-")
    copy = os.path.join(tmp, "src")
    shutil.copytree(root, copy)
    try:
        plain, plain_wall = run_plain(copy, rels, args.dpi, args.workers, args.timeout)
        boxed, boxed_wall = run_sandbox(
            root, rels, args.dpi, args.workers, args.timeout, args.reuse
        )
        records = [
            judge(root, copy, rel, p, r, args.dpi, args.timeout)
            for rel, p, r in zip(rels, plain, boxed, strict=True)
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head = (
        f"gallery compat: {len(rels)} programs under {root} (dpi {args.dpi:g}, "
        f"{args.workers} workers, timeout {args.timeout:g} s, reuse {args.reuse})"
    )
    print(summary(head, records, plain_wall, boxed_wall))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(records, fh, indent=1)


if __name__ == "__main__":
    main()
