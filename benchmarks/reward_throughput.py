"""Reward throughput: 64-completion GRPO groups rewarded through the library, the adapters and
(when given) the reward server, beside the unisolated in-process rate on the same cores.

Every group is the completions a policy writes for one prompt, in a realistic mix: correct
programs (each a little different), slightly-off ones (colour, data), other chart types,
crashing programs, duplicates, non-code and, in the "with stalls" groups, two programs that
time out. Printed side by side, at equal workers (N sandbox workers vs N forked in-process
workers):

* completions/s and distinct programs/s through ``RewardScorer.score`` (sync),
  ``RewardScorer.ascore`` (async), the TRL function (one call per group), verl's
  ``compute_score_async`` (one task per sample, as verl's reward loop sends them) and
  OpenRLHF's ``reward_func`` (one call per sample from many threads);
* the physical limit: the same distinct programs exec'd, rendered, traced and scored in forked
  worker processes with no isolation at all, and each route's ratio to it;
* group latency p50/p95 and, for the groups with stalls, how it compares with the time-out
  (group latency should be the slowest program, not queueing).

Usage: python benchmarks/reward_throughput.py [--workers 2] [--groups 6] [--timeout-s 3]
       [--server URL]   (a running `codepercept reward-server`; default: start one on 127.0.0.1
                         with the same workers, time-out and dpi; `--server none` skips it)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REFERENCES = [
    """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3.5))
x = [0, 1, 2, 3, 4, 5]
ax.plot(x, [1, 3, 2, 5, 4, 6], color="tab:blue", marker="o", label="measured")
ax.plot(x, [1, 2, 3, 4, 5, 6], color="tab:red", linestyle="--", label="model")
ax.set_xlabel("time (s)"); ax.set_ylabel("distance (m)"); ax.set_title("Run 7"); ax.legend()
""",
    """import matplotlib.pyplot as plt
import numpy as np
fig, ax = plt.subplots(figsize=(4, 4))
t = np.linspace(0, 2 * np.pi, 200)
ax.plot(np.cos(t), np.sin(t), color="black")
ax.plot([0, 0.6], [0, 0.8], color="tab:green")
ax.annotate("r = 1", (0.3, 0.45))
ax.set_aspect("equal"); ax.set_title("Unit circle")
""",
    """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(["A", "B", "C", "D"], [4, 7, 2, 5], color=["#4c72b0", "#dd8452", "#55a868", "#c44e52"])
for i, v in enumerate([4, 7, 2, 5]):
    ax.text(i, v + 0.2, str(v), ha="center")
ax.set_ylabel("count"); ax.set_title("Votes")
""",
]
CRASH = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nraise RuntimeError('bad')\n"
STALL = "import time\nimport matplotlib.pyplot as plt\nplt.plot([1])\ntime.sleep(1000)\n"
OTHER = "import matplotlib.pyplot as plt\nplt.pie([3, 2, 1], labels=['a', 'b', 'c'])\nplt.title('{t}')\n"


def fence(code: str) -> str:
    return f"```python\n{code}```"


def group(ref: str, g: int, stalls: bool) -> list[str]:
    """64 completions for one prompt, every program unique to (route, group) so that no route
    profits from another's cache."""
    out: list[str] = []
    for i in range(16):  # correct, each a little different (a comment, a title spacing)
        out.append(fence(f"# attempt {g}-{i}\n" + ref))
    for i in range(16):  # slightly off
        off = ref.replace("tab:blue", "tab:purple").replace("black", "tab:gray")
        out.append(fence(f"# off {g}-{i}\n" + off))
    for i in range(8):
        out.append(fence(OTHER.replace("{t}", f"other {g}-{i}")))
    for i in range(8):
        out.append(fence(f"# crash {g}-{i}\n" + CRASH))
    out += out[:8]  # duplicates of the first eight
    out += ["I cannot produce code for this image."] * 4 + ["```python\nplt.plot([1,\n```"] * 4
    if stalls:
        out[-2:] = [fence(f"# stall {g}-{k}\n" + STALL) for k in range(2)]
    assert len(out) == 64
    return out


# -- the physical limit: exec + render + trace + score in forked processes, no isolation ---------


def _inproc_one(args: tuple[str, str, float]) -> float:
    """Exec, render (the sandbox's own PNG capture), trace and score one program against its
    reference, in this process: what the sandbox route does, minus every isolation layer."""
    code, ref, dpi = args
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from codepercept.bench.extract import extract_code
    from codepercept.sandbox.child import _draw_png
    from codepercept.scene.tracer import trace_figures
    from codepercept.score import image_score, prepare_image, scene_score

    def run(src: str):
        plt.close("all")
        exec(compile(src, "<prog>", "exec"), {"__name__": "__main__"})
        figs = [plt.figure(n) for n in plt.get_fignums()]
        if not figs:
            return None, None
        return _draw_png(figs[0], dpi, fast=True), trace_figures(figs)

    t0 = time.perf_counter()
    try:
        if ref not in _REF_CACHE:
            png, scene = run(ref)
            _REF_CACHE[ref] = (prepare_image(png), scene)
        ref_img, ref_scene = _REF_CACHE[ref]
        png, scene = run(extract_code(code))
        if png is not None:
            image_score(ref_img, png)
            scene_score(ref_scene, scene)
    except Exception:
        pass
    finally:
        plt.close("all")
    return time.perf_counter() - t0


_REF_CACHE: dict[str, tuple] = {}


def in_process(jobs: list[tuple[str, str]], workers: int, dpi: float) -> float:
    """Wall seconds for the distinct (program, reference) pairs in ``workers`` forked
    processes (warm: references rendered in each worker first)."""
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        refs = list(dict.fromkeys(r for _, r in jobs))
        pool.map(_inproc_one, [(fence(r), r, dpi) for r in refs for _ in range(workers)])
        t0 = time.perf_counter()
        pool.map(_inproc_one, [(c, r, dpi) for c, r in jobs], chunksize=1)
        return time.perf_counter() - t0


# -- routes through codepercept ---------------------------------------------------------------


def distinct(groups: list[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    """The (completion, reference) pairs that need a run: parseable code, once each."""
    import ast

    from codepercept.bench.extract import extract_code

    seen: dict[tuple[str, str], None] = {}
    for ref, comps in groups:
        for c in comps:
            code = extract_code(c)
            try:
                ast.parse(code)
            except SyntaxError:
                continue
            if code.strip() and STALL not in code:
                seen[(c, ref)] = None
    return list(seen)


def timed_groups(groups, reward_group) -> tuple[float, list[float]]:
    lat = []
    t0 = time.perf_counter()
    for ref, comps in groups:
        g0 = time.perf_counter()
        reward_group(ref, comps)
        lat.append(time.perf_counter() - g0)
    return time.perf_counter() - t0, lat


def start_server(workers: int, timeout_s: float, dpi: float):
    """``codepercept reward-server`` on a free port; returns (process, base URL)."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "codepercept.cli", "reward-server", "--port", "0",
         "--workers", str(workers), "--timeout-s", str(timeout_s), "--dpi", str(dpi),
         "--queue", "4096"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving rewards at" not in line:
        proc.kill()
        raise SystemExit(f"reward-server did not start: {line!r}")
    return proc, line.rsplit(" ", 1)[1].strip()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--groups", type=int, default=6)
    ap.add_argument("--timeout-s", type=float, default=3.0)
    ap.add_argument("--dpi", type=float, default=100.0)
    ap.add_argument("--server", default=None, help="URL of a running codepercept reward-server")
    a = ap.parse_args()

    from codepercept.rewards import RewardConfig, RewardScorer
    from codepercept.rewards.openrlhf import reward_func as openrlhf_reward
    from codepercept.rewards.shared import shared_scorer
    from codepercept.rewards.trl import CodeperceptReward
    from codepercept.rewards.verl import compute_score_async

    os.environ["CODEPERCEPT_REWARD_WORKERS"] = str(a.workers)
    os.environ["CODEPERCEPT_REWARD_TIMEOUT_S"] = str(a.timeout_s)
    os.environ["CODEPERCEPT_REWARD_DPI"] = str(a.dpi)
    cfg = RewardConfig(timeout_s=a.timeout_s, dpi=a.dpi)

    def make(stalls: bool, tag: str) -> list[tuple[str, list[str]]]:
        return [(REFERENCES[g % len(REFERENCES)], group(REFERENCES[g % len(REFERENCES)], hash((tag, g)) % 10**6, stalls))
                for g in range(a.groups)]  # fmt: skip

    rows: list[tuple[str, float, float, list[float]]] = []
    n_comp = a.groups * 64

    # warm: the sandbox started and every reference prepared, for every route's scorer
    warm = shared_scorer(cfg, a.workers)
    warm.prepare_many(REFERENCES)

    def route(name: str, fn, stalls: bool = False) -> None:
        groups = make(stalls, name)
        n_distinct = len(distinct(groups))
        wall, lat = timed_groups(groups, fn)
        rows.append((name, n_comp / wall, n_distinct / wall, lat))

    with RewardScorer(cfg, workers=a.workers) as lib:
        lib.prepare_many(REFERENCES)
        route("library score() (sync)", lambda r, cs: lib.score(cs, [r] * len(cs)))
        route("library ascore() (async)", lambda r, cs: asyncio.run(lib.ascore(cs, [r] * len(cs))))
    trl = CodeperceptReward(config=cfg, workers=a.workers)
    route(
        "TRL reward function",
        lambda r, cs: trl(prompts=[""] * len(cs), completions=cs, reference=[r] * len(cs)),
    )

    async def verl_group(r: str, cs: list[str]) -> None:
        await asyncio.gather(*(compute_score_async("s", c, r, {}) for c in cs))

    route("verl compute_score_async", lambda r, cs: asyncio.run(verl_group(r, cs)))

    async def openrlhf_group(r: str, cs: list[str]) -> None:
        await asyncio.gather(*(asyncio.to_thread(openrlhf_reward, [c], [""], [r]) for c in cs))

    route("OpenRLHF reward_func (threads)", lambda r, cs: asyncio.run(openrlhf_group(r, cs)))
    server = None
    if a.server is None:
        server, base = start_server(a.workers, a.timeout_s, a.dpi)
    elif a.server != "none":
        base = a.server
    if a.server != "none":
        url = base.rstrip("/") + "/reward"

        def post(r: str, cs: list[str]) -> None:
            body = json.dumps({"completions": cs, "references": [r] * len(cs)}).encode()
            req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=600) as resp:
                resp.read()

        post(REFERENCES[0], [fence(r) for r in REFERENCES])  # warm: its sandbox and references
        route("reward server /reward", post)
        if server is not None:
            server.terminate()
            server.wait(30)

    # the physical limit, on the same distinct programs
    groups = make(False, "inproc")
    jobs = distinct(groups)
    wall = in_process(jobs, a.workers, a.dpi)
    limit_prog = len(jobs) / wall
    limit_comp = n_comp / wall

    stall_wall, stall_lat = timed_groups(make(True, "stalls"),
                                         lambda r, cs: shared_scorer(cfg, a.workers).score(cs, [r] * len(cs)))  # fmt: skip

    print(f"\nreward throughput: {a.groups} groups x 64 completions, {a.workers} workers, "
          f"dpi {a.dpi:g}, {len(jobs) // a.groups} distinct programs per group, cpu {os.cpu_count()}")  # fmt: skip
    print(
        f"{'route':34s} {'compl/s':>8s} {'progs/s':>8s} {'ratio':>6s} {'p50 s':>7s} {'p95 s':>7s}"
    )
    for name, cps, pps, lat in rows:
        q = statistics.quantiles(lat, n=20) if len(lat) > 1 else [lat[0]] * 19
        print(
            f"{name:34s} {cps:8.1f} {pps:8.2f} {pps / limit_prog:6.2f} {statistics.median(lat):7.2f} {q[18]:7.2f}"
        )
    print(
        f"{'in-process, no isolation (limit)':34s} {limit_comp:8.1f} {limit_prog:8.2f} {1.0:6.2f}"
    )
    q = statistics.quantiles(stall_lat, n=20) if len(stall_lat) > 1 else [stall_lat[0]] * 19
    # the floor for a group with stalls: the stalls' deadlines and the rest's work, spread
    # over the workers, and never less than one deadline
    floor = max(
        a.timeout_s, (2 * a.timeout_s + (len(jobs) / a.groups) / limit_prog * a.workers) / a.workers
    )
    print(
        f"\nwith 2 stalling programs per group (time-out {a.timeout_s:g} s): group latency p50 "
        f"{statistics.median(stall_lat):.2f} s, p95 {q[18]:.2f} s (floor {floor:.2f} s: the deadlines "
        f"plus the other programs' in-process work over {a.workers} workers), "
        f"{n_comp / stall_wall:.1f} completions/s"
    )
    print("ratio = distinct programs/s of the route / the in-process limit at equal workers")


if __name__ == "__main__":
    main()
