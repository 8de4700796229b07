"""``POST /reward`` and ``POST /get_reward`` of a real reward server: the scorer's rewards over
HTTP, and OpenRLHF's remote reward model as its client uses it.

The OpenRLHF-style client is written from ``openrlhf/utils/agent.py`` (OpenRLHF 3c3be62,
``SingleTurnAgentExecutor``): one sample per request, posted with ``aiohttp`` as
``{"query": [prompt + response, special tokens kept], "prompts": [prompt], "labels": [label]}``,
``raise_for_status``, up to 5 tries a second apart; it reads ``scores`` (``rewards`` when
absent) and ``extra_logs``, whose values become ``torch.tensor([value])``.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import aiohttp
import httpx

from tests.serve.serving import Served

REF = (
    "import matplotlib.pyplot as plt\n"
    "plt.plot([0, 1, 2, 3], [1, 3, 2, 4], color='tab:blue')\n"
    "plt.title('Growth')\n"
)
NEAR = REF.replace("[1, 3, 2, 4]", "[1, 3, 2, 3.5]")
PROMPT = (
    "<|im_start|>system\nYou write matplotlib code.<|im_end|>\n"
    "<|im_start|>user\nDraw the figure.<|im_end|>\n<|im_start|>assistant\n"
)


def _post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(url, json=body, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _fenced(code: str) -> str:
    return f"```python\n{code}```"


def test_reward_batch_scores_against_references(reward_server: Served) -> None:
    completions = [_fenced(REF), _fenced(NEAR), "no code at all", _fenced("while True:\n  pass\n")]
    body = {"completions": completions, "references": [REF] * len(completions)}
    r = httpx.post(f"{reward_server.root}/reward", json=body, timeout=60)
    assert r.status_code == 200, r.text
    rewards = r.json()["rewards"]
    assert len(rewards) == 4
    for item in rewards:
        assert set(item) >= {"score", "format", "execution", "image", "scene", "status", "reason"}
        assert 0.0 <= item["score"] <= 1.0
    exact, near, none, stall = rewards
    assert exact["status"] == "ok" and exact["score"] > 0.95
    assert near["status"] == "ok" and 0.3 < near["score"] < exact["score"]
    assert none["status"] == "no_code" and none["score"] == 0.0
    assert stall["status"] == "timeout" and stall["score"] == 0.0


async def _openrlhf_style(url: str, query: str, prompt: str, label: str) -> dict[str, Any]:
    timeout = aiohttp.ClientTimeout(total=180)
    data = {"query": [query], "prompts": [prompt], "labels": [label]}
    for _ in range(5):
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(url, json=data) as response:
                    response.raise_for_status()
                    return await response.json()
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(1)
    raise RuntimeError("no reward after 5 tries")


def test_an_openrlhf_style_client_gets_rewards_scores_and_scalar_logs(
    reward_server: Served,
) -> None:
    url = f"{reward_server.root}/get_reward"
    queries = {
        "exact": PROMPT + _fenced(REF) + "<|im_end|>",
        "near": PROMPT + _fenced(NEAR) + "<|im_end|><|endoftext|>",
        "chatter": PROMPT + "I cannot draw.<|im_end|>",
    }

    async def all_of_them() -> list[dict[str, Any]]:
        return await asyncio.gather(*(_openrlhf_style(url, q, PROMPT, REF)
                                      for q in queries.values()))  # fmt: skip

    replies = dict(zip(queries, asyncio.run(all_of_them()), strict=True))
    for name, info in replies.items():
        assert set(info) == {"rewards", "scores", "extra_logs"}, name
        assert len(info["rewards"]) == 1 and info["scores"] == info["rewards"]
        for key, value in info["extra_logs"].items():  # OpenRLHF makes tensor([value]) of each
            assert isinstance(value, float | int) and math.isfinite(value), (key, value)
    assert replies["exact"]["scores"][0] > 0.95
    assert 0.3 < replies["near"]["scores"][0] < replies["exact"]["scores"][0]
    assert replies["chatter"]["scores"][0] == 0.0
    assert replies["exact"]["extra_logs"]["codepercept_execution"] == 1.0

    # with several URLs OpenRLHF splits its one-sample requests over them: the others get
    # empty lists, which are answered in kind
    empty = _post_json(url, {"query": [], "prompts": [], "labels": []})
    assert empty["rewards"] == [] and empty["scores"] == []

    # without --data.label_key OpenRLHF sends "" labels: no reference, a reward of 0
    r = httpx.post(url, json={"query": [queries["exact"]], "prompts": [PROMPT]}, timeout=60)
    assert r.status_code == 200 and r.json()["rewards"] == [0.0]


def test_health_counts_the_reward_routes(reward_server: Served) -> None:
    body = {"completions": [_fenced(REF)], "references": [REF]}
    assert httpx.post(f"{reward_server.root}/reward", json=body, timeout=60).status_code == 200
    health = httpx.get(f"{reward_server.root}/health", timeout=10).json()
    assert health["requests"]["reward"]["200"] >= 1
    assert health["scorer"]["completions"] >= 1
