"""The reward actor pool on a real local Ray cluster: the rewards of a local scorer, hostile
completions included, in order, sync and async; a killed actor replaced."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from codepercept.rewards import RewardConfig, RewardScorer
from codepercept.rewards.ray_pool import RayRewardPool

REF_A = """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["a", "b", "c"], [3, 1, 2], color="tab:blue")
ax.set_title("counts")
plt.show()
"""
REF_B = """import matplotlib.pyplot as plt
import numpy as np
x = np.linspace(0, 6, 50)
plt.plot(x, np.sin(x), "r--")
plt.show()
"""


def fence(code: str) -> str:
    return f"```python\n{code}```"


COMPLETIONS = [
    (fence(REF_A), REF_A),  # exact
    (fence(REF_A.replace("[3, 1, 2]", "[1, 3, 2]")), REF_A),  # wrong values
    (fence(REF_B), REF_B),
    (fence(REF_B.replace('"r--"', '"b-"')), REF_B),
    ("no code at all", REF_A),
    (fence("while True:\n    pass\n"), REF_B),  # stalls: time-out, 0
    (fence("print(open('/etc/hostname').read())\n"), REF_A),  # reads a file the sandbox hides
    (fence(REF_A), REF_A),  # a duplicate: scored once by its actor
    (None, REF_B),  # not a completion
]
CONFIG = RewardConfig(timeout_s=3.0)


def _plain(rewards):
    return [r.to_dict() for r in rewards]


@pytest.fixture(scope="module")
def local():
    with RewardScorer(CONFIG, workers=2) as scorer:
        return _plain(scorer.score([c for c, _ in COMPLETIONS], [r for _, r in COMPLETIONS]))


@pytest.fixture(scope="module")
def pool(ray_cluster):
    import ray

    ray.init(address=ray_cluster)  # as a trainer's Ray job would have
    try:
        with RayRewardPool(CONFIG, workers=1, actors=2) as p:
            yield p
    finally:
        ray.shutdown()


def test_same_rewards_as_a_local_scorer(pool, local):
    got = pool.score([c for c, _ in COMPLETIONS], [r for _, r in COMPLETIONS])
    assert _plain(got) == local
    assert local[0]["score"] > 0.95 and local[5]["status"] == "timeout"
    assert local[4]["score"] == 0 and local[8]["score"] == 0


def test_async_from_an_event_loop(pool, local):
    got = asyncio.run(pool.ascore([c for c, _ in COMPLETIONS], [r for _, r in COMPLETIONS]))
    assert _plain(got) == local


def test_a_killed_actor_is_replaced(pool, local):
    before = {s["pid"] for s in pool.stats()}
    os.kill(sorted(before)[0], signal.SIGKILL)
    got = pool.score([c for c, _ in COMPLETIONS], [r for _, r in COMPLETIONS])
    assert _plain(got) == local
    after = {s["pid"] for s in pool.stats()}
    assert len(after) == 2 and after != before


def test_lengths_must_match(pool):
    with pytest.raises(ValueError):
        pool.score(["a", "b"], [REF_A])
