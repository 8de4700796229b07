"""OpenRLHF rewards (checked against openrlhf 0.11.2: ``openrlhf/utils/agent.py``
``SingleTurnAgentExecutor``, ``openrlhf/cli/serve_rm.py``).

OpenRLHF (>= 0.10.2: ``--reward.remote_url``; the old ``--remote_rm_url`` no longer parses)
rewards each sample right after generation, one sample per call, from many actors at once:

* a **Python file**: ``--reward.remote_url $(python -c "import codepercept.rewards.openrlhf as m;
  print(m.__file__)")`` — this module is such a file: OpenRLHF loads it with
  ``spec_from_file_location`` and calls :func:`reward_func` in a thread;
* an **HTTP URL**: ``--reward.remote_url http://HOST:PORT/get_reward`` of
  ``codepercept reward-server`` (the same body and reply, see docs/reward-server.md).

Either way the request is ``query`` (the decoded prompt *and* response, special tokens kept),
``prompts`` (the templated prompt) and ``labels`` (``--data.label_key``: the column holding the
reference program), and the reply ``rewards``, ``scores`` (used for dynamic filtering) and
``extra_logs`` (scalars).
"""

from __future__ import annotations

from typing import Any

from codepercept.rewards.core import COMPONENTS, Reward
from codepercept.rewards.shared import shared_scorer

__all__ = ["openrlhf_reply", "response_from_query", "reward_func"]

_ASSISTANT = ("<|im_start|>assistant\n", "<|im_start|>assistant", "<|assistant|>", "[/INST]")
_ENDINGS = (
    "<|im_end|>",
    "<|endoftext|>",
    "</s>",
    "<|eot_id|>",
    "<end_of_turn>",
    "<|eom_id|>",
    "<|return|>",
    "<｜end▁of▁sentence｜>",
    "<|end|>",
    "<eos>",
    "<|end_of_text|>",
)


def response_from_query(query: Any, prompt: Any = None) -> Any:
    """The response inside an OpenRLHF ``query``.

    The query is the prompt's tokens and the response's tokens decoded together; for a VLM the
    prompt's image placeholder comes back expanded (hundreds of ``<|image_pad|>``), so the
    query does not start with the ``prompts`` string. The response is therefore what follows
    the last assistant turn marker; failing that, what follows the prompt; failing that, the
    whole query. Trailing end-of-turn tokens are dropped."""
    if not isinstance(query, str):
        return query
    text = query
    cut = max((text.rfind(m) + len(m) if text.rfind(m) >= 0 else -1) for m in _ASSISTANT)
    if cut >= 0:
        text = text[cut:]
    elif isinstance(prompt, str) and prompt and text.startswith(prompt):
        text = text[len(prompt) :]
    changed = True
    while changed:
        changed = False
        stripped = text.rstrip()
        for end in _ENDINGS:
            if stripped.endswith(end):
                text, changed = stripped[: -len(end)], True
    return text


def openrlhf_reply(rewards: list[Reward]) -> dict[str, Any]:
    """The reply body: ``rewards`` and ``scores`` (one float per sample), ``extra_logs``
    (means of the components and outcome rates)."""
    values = [r.total for r in rewards]
    n = max(1, len(rewards))
    logs = {f"codepercept_{k}": sum(r.components[k] for r in rewards) / n for k in COMPONENTS}
    logs["codepercept_exec_rate"] = sum(r.status == "ok" for r in rewards) / n
    logs["codepercept_guarded_rate"] = (
        sum(r.status in ("giant_literal", "raster") for r in rewards) / n
    )
    return {"rewards": values, "scores": values, "extra_logs": logs}


def reward_func(
    queries: list[Any], prompts: list[Any], labels: list[Any], **kwargs: Any
) -> dict[str, Any]:
    """OpenRLHF's ``reward_func(queries, prompts, labels)``: a reward per query, never raising
    for what a query holds."""
    responses = [response_from_query(q, p) for q, p in zip(queries, prompts, strict=True)]
    return openrlhf_reply(shared_scorer().score(responses, list(labels)))
