"""The reward's scale, components, weights, caching and concurrency, on hand-made figures."""

from __future__ import annotations

import asyncio
import threading

import pytest

from codepercept.rewards import DEFAULT_WEIGHTS, RewardConfig, RewardScorer, check_format
from tests.rewards.test_reward_attacks import REF, fence

COLOUR = REF.replace('"tab:blue"', '"tab:green"').replace('"tab:red"', '"black"')
DATA = REF.replace("[1, 3, 2, 5, 4, 6]", "[6, 2, 5, 1, 3, 0]")
BARS = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.bar(["a", "b", "c"], [3, 1, 2], color="tab:orange")
ax.set_title("Sales")
"""
CRASH = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n1 / 0\n"


@pytest.fixture(scope="module")
def scorer():
    with RewardScorer(workers=2) as s:
        yield s


def test_the_reward_orders_answers_as_a_reader_would(scorer):
    answers = [REF, COLOUR, DATA, BARS, CRASH]
    rewards = scorer.score([fence(a) for a in answers] + ["no code here"], [REF] * 6)
    totals = [r.total for r in rewards]
    print("\nexact, colour, data, other chart, crash, no code:", totals)
    assert totals == sorted(totals, reverse=True) and len(set(totals)) == 6
    assert totals[0] == 1.0 and totals[-1] == 0.0
    assert rewards[4].status == "runtime_error" and totals[4] == pytest.approx(0.1)
    for r in rewards:
        assert set(r.components) == {"format", "execution", "image", "scene"}
        assert all(0.0 <= v <= 1.0 for v in r.components.values())
        d = r.to_dict()
        assert d["score"] == r.total and d["status"] == r.status and "reason" in d


@pytest.mark.parametrize(
    "text, score",
    [
        (fence(REF), 1.0),
        (f"```\n{REF}```", 0.5),  # a bare fence
        (REF, 0.5),  # no fence at all
        (f"```python\n{REF}```\n```python\n{REF}```", 0.5),  # two blocks
        (f"```python\n{REF}", 0.5),  # cut off inside the block
        ("```python\nprint(\n```", 0.0),
        ("just words", 0.0),
    ],
    ids=["exact", "bare", "unfenced", "two-blocks", "unclosed", "syntax", "words"],
)
def test_format_component(text, score):
    assert check_format(text)[0] == score


def test_weights_are_the_users_and_checked(scorer):
    only_image = RewardConfig(weights={"image": 1.0})
    with RewardScorer(only_image, executor=scorer.executor) as s:
        r = s.score_one(fence(COLOUR), REF)
    assert r.total == pytest.approx(r.components["image"], abs=1e-6)
    default = scorer.score_one(fence(COLOUR), REF)
    expected = sum(DEFAULT_WEIGHTS[k] * default.components[k] for k in DEFAULT_WEIGHTS)
    assert default.total == pytest.approx(expected / sum(DEFAULT_WEIGHTS.values()), abs=1e-6)
    for bad, match in [({"beauty": 1.0}, "unknown reward components"),
                       ({"image": -1.0}, "finite number >= 0"),
                       ({"image": float("nan")}, "finite number >= 0"),
                       ({"image": 0.0}, "must not all be 0")]:  # fmt: skip
        with pytest.raises(ValueError, match=match):
            RewardConfig(weights=bad)


def test_identical_completions_run_once_within_a_group_and_across_calls(scorer):
    novel = REF.replace("Run 7", "Run 8")
    before = scorer.stats.get("executed", 0)
    bars = BARS.replace("Sales", "Sales 2")
    group = [fence(novel)] * 6 + [f"Sure:\n```python\n{novel}```"] * 2 + [fence(bars)]
    rewards = scorer.score(group, [REF] * len(group))
    assert scorer.stats["executed"] - before == 2  # the novel program once, the bars once
    assert {r.total for r in rewards[:6]} == {rewards[0].total}
    assert rewards[6].components["format"] == 1.0  # prose around one block is fine
    scorer.score([fence(novel)], [REF])
    assert scorer.stats["executed"] - before == 2


def test_threads_asking_for_the_same_program_share_one_run(scorer):
    novel = REF.replace("Run 7", "Run 9")
    before = scorer.stats.get("executed", 0)
    out: list[float] = []
    threads = [threading.Thread(target=lambda: out.append(scorer.score_one(fence(novel), REF).total))
               for _ in range(8)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(out)) == 1 and len(out) == 8
    assert scorer.stats["executed"] - before == 1


def test_async_matches_sync_and_survives_a_fresh_loop_per_call(scorer):
    """ms-swift runs async rewards under asyncio.run on every step; verl sends each sample as
    its own task. Neither may see a different reward, or a reference run more than once."""
    texts = [fence(REF), fence(COLOUR), fence(BARS), "nothing"]
    sync = [r.total for r in scorer.score(texts, [REF] * 4)]
    first = asyncio.run(scorer.ascore(texts, [REF] * 4))
    second = asyncio.run(scorer.ascore(texts, [REF] * 4))
    assert [r.total for r in first] == [r.total for r in second] == sync

    fresh = REF.replace("Run 7", "Run 10")
    with RewardScorer(executor=scorer.executor) as s:

        async def many() -> list[float]:
            rs = await asyncio.gather(*(s.ascore_one(fence(COLOUR), fresh) for _ in range(32)))
            return [r.total for r in rs]

        totals = asyncio.run(many())
        assert len(set(totals)) == 1
        assert s.stats["reference_runs"] == 1 and s.stats["executed"] == 1


def test_references_are_cached_on_disk_across_scorers(scorer, tmp_path):
    with RewardScorer(executor=scorer.executor, cache_dir=tmp_path) as a:
        want = a.score_one(fence(COLOUR), REF).total
        assert a.stats["reference_runs"] == 1
    with RewardScorer(executor=scorer.executor, cache_dir=tmp_path) as b:
        assert b.score_one(fence(COLOUR), REF).total == want
        assert b.stats.get("reference_runs", 0) == 0
    (next(tmp_path.glob("*.png"))).write_bytes(b"torn")  # a damaged entry is rebuilt, not trusted
    with RewardScorer(executor=scorer.executor, cache_dir=tmp_path) as c:
        assert c.score_one(fence(COLOUR), REF).total == want
        assert c.stats["reference_runs"] == 1


def test_mismatched_lengths_are_the_callers_error(scorer):
    with pytest.raises(ValueError, match="2 completions but 1 references"):
        scorer.score(["a", "b"], [REF])
