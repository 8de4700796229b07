"""correct(..., client=...) through the project's OpenAI client against a real local server."""

from __future__ import annotations

import json

from caption_corpus import Corpus

from codepercept.caption import correct, verify
from codepercept.models.openai import OpenAIChat
from tests.openai_server import serve_chat


def _item(corpus: Corpus):
    return next(i for i in corpus.planted if i.family == "network_graph" and i.error == "count")


def test_refinement_accepted_when_it_verifies(corpus: Corpus) -> None:
    item = _item(corpus)
    refined = "Drawn here: " + item.original
    with serve_chat(lambda req: refined) as server:
        client = OpenAIChat("captioner", server.base_url, retries=0)
        out = correct(item.caption, item.scene, item.facts, client=client)
        body = server.requests[-1]
    assert out == refined
    user = body["messages"][-1]["content"]
    assert item.original in user  # the surgically corrected draft is what the model sees
    facts = json.loads(user.split("Verified facts (JSON):\n", 1)[1])
    assert facts["statements"] == item.facts["statements"]


def test_refinement_rejected_when_it_hallucinates(corpus: Corpus) -> None:
    item = _item(corpus)
    bad = item.original.replace(
        f"{item.facts['n_edges']} edges", f"{item.facts['n_edges'] + 4} edges"
    )
    assert any(c.verdict == "contradicted" for c in verify(bad, item.scene, item.facts))
    with serve_chat(lambda req: bad) as server:
        client = OpenAIChat("captioner", server.base_url, retries=0)
        out = correct(item.caption, item.scene, item.facts, client=client)
    assert out == item.original  # the surgical correction stands


def test_refinement_failure_keeps_surgical_result(corpus: Corpus) -> None:
    item = _item(corpus)
    with serve_chat(lambda req: (400, {"error": {"message": "bad request"}}, {})) as server:
        client = OpenAIChat("captioner", server.base_url, retries=0)
        out = correct(item.caption, item.scene, item.facts, client=client)
    assert out == item.original
