"""The reward endpoints' wire format: OpenRLHF's remote reward model (``POST /get_reward``)
and the server's own batch form (``POST /reward``). Requests are checked into
:class:`RewardBatch`; nothing here does I/O.

OpenRLHF (``--reward.remote_url http://HOST:PORT/get_reward``; 0.11.x ``openrlhf/utils/
agent.py``) posts ``{"query": [...], "prompts": [...], "labels": [...]}``, one sample per
request: ``query`` is the decoded prompt + response *with* special tokens, ``prompts`` the
templated prompt, ``labels`` the dataset's label (``""`` without ``--data.label_key``) — here
the reference program. The response is cut out of the query and the reply built exactly as the
Python-file route does it (:func:`codepercept.rewards.openrlhf.response_from_query` and
:func:`~codepercept.rewards.openrlhf.openrlhf_reply`): ``rewards`` and ``scores`` the totals,
``extra_logs`` scalars.

``/reward`` takes ``{"completions": [...], "references": [...]}`` (response text, no prompt)
and answers ``{"rewards": [Reward.to_dict(), ...]}`` (``score``, each component, ``status``,
``reason``), in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from codepercept.rewards.openrlhf import response_from_query
from codepercept.rewards.sandbox_fusion import json_object
from codepercept.serve.protocol import ApiError, _type_name

__all__ = ["RewardBatch", "parse_get_reward", "parse_reward", "reward_reply"]


@dataclass(frozen=True)
class RewardBatch:
    """Completions (response text only) and their reference programs, in order."""

    completions: tuple[str, ...]
    references: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.completions)


def _texts(obj: dict[str, Any], name: str, *, null_ok: bool = False) -> list[str]:
    if name not in obj:
        raise ApiError(400, f"{name}: is required", param=name, code="missing_field")
    value = obj[name]
    if not isinstance(value, list):
        raise ApiError(
            400, f"{name}: must be an array of strings, not {_type_name(value)}", param=name,
            code="invalid_type",
        )  # fmt: skip
    out = []
    for i, v in enumerate(value):
        if v is None and null_ok:
            v = ""
        if not isinstance(v, str):
            raise ApiError(
                400, f"{name}[{i}]: must be a string, not {_type_name(v)}", param=name,
                code="invalid_type",
            )  # fmt: skip
        out.append(v)
    return out


def _same_length(first: tuple[str, list[str]], *others: tuple[str, list[str]]) -> None:
    name, items = first
    for other, values in others:
        if len(values) != len(items):
            raise ApiError(
                400, f"{other}: has {len(values)} items but {name} has {len(items)}; give one "
                f"per {name[:-1] if name.endswith('s') else name} item", param=other,
                code="invalid_value",
            )  # fmt: skip


def parse_reward(body: bytes) -> RewardBatch:
    """A ``/reward`` request: ``completions`` and ``references``, arrays of strings of one
    length (an :class:`ApiError` naming the field otherwise)."""
    obj = json_object(body)
    completions = _texts(obj, "completions")
    references = _texts(obj, "references")
    _same_length(("completions", completions), ("references", references))
    return RewardBatch(tuple(completions), tuple(references))


def parse_get_reward(body: bytes) -> RewardBatch:
    """An OpenRLHF ``/get_reward`` request: ``query`` and ``prompts`` (arrays of strings of one
    length) and ``labels`` (the reference programs; null items count as ``""``; missing: all
    ``""``, as OpenRLHF sends without ``--data.label_key``)."""
    obj = json_object(body)
    queries = _texts(obj, "query")
    prompts = _texts(obj, "prompts")
    labels = _texts(obj, "labels", null_ok=True) if "labels" in obj else [""] * len(queries)
    _same_length(("query", queries), ("prompts", prompts), ("labels", labels))
    completions = tuple(response_from_query(q, p) for q, p in zip(queries, prompts, strict=True))
    return RewardBatch(completions, tuple(labels))


def reward_reply(rewards: Sequence[Any]) -> dict[str, Any]:
    """The ``/reward`` reply: every reward's ``to_dict()``, in order."""
    return {"rewards": [r.to_dict() for r in rewards]}
