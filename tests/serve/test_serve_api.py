"""`codepercept serve --backend offline:DIR` as a client sees it, over real HTTP: the model list,
health, every prompt role the pipelines use, n choices, streaming, usage, max_tokens, and an
OpenAI-shaped error with the right status for every bad request."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from codepercept.models.prompts import PROMPTS
from codepercept.serve.offline import TEXT_REPLY
from tests.serve.serving import Served, chat, data_url, http

MODEL = "offline-test"
FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)
STEP = re.compile(r"^# Step \d+: .*\n", re.MULTILINE)


def _ask(server: Served, messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    r = chat(server.url, {"model": MODEL, "messages": messages, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def _text(reply: dict[str, Any], i: int = 0) -> str:
    return reply["choices"][i]["message"]["content"]


def _codes(text: str) -> list[str]:
    return [c.rstrip("\n") for c in FENCE.findall(text)]


def test_ready_line_models_and_health(offline: Served, dataset: Path) -> None:
    assert offline.line == f"serving offline:{dataset} as {MODEL} at {offline.url}\n"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", offline.url)
    models = http().get(f"{offline.url}/models").json()
    assert models["object"] == "list"
    assert [m["id"] for m in models["data"]] == [MODEL]
    assert http().get(f"{offline.url}/models/{MODEL}").json()["id"] == MODEL
    health = http().get(f"{offline.root}/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"


@pytest.mark.parametrize("index", [0, 7])
def test_image_roles_answer_from_the_nearest_sample(
    offline: Served, samples: list[dict[str, Any]], index: int
) -> None:
    """The sample's own image is its own nearest neighbour, so each role's answer is exact."""
    s = samples[index]
    url = data_url(s["image"])
    code = s["code"].rstrip("\n")
    family = [x for x in samples if x["family"] == s["family"]]

    for role, fields in (("stem2code", {}), ("reproduce", {"description": "a chart"})):
        reply = _ask(offline, PROMPTS[role].messages(url, **fields))
        assert _codes(_text(reply)) == [code], role
        assert reply["choices"][0]["finish_reason"] == "stop"

    assert _text(_ask(offline, PROMPTS["describe"].messages(url))) == s["caption"]

    principle = _text(_ask(offline, PROMPTS["principle"].messages(url)))
    first, _, rest = principle.partition("\n")
    assert first.startswith("Principle: ") and s["domain"] in first
    assert s["facts"]["statements"][0] in rest

    variants = _text(_ask(offline, PROMPTS["variants"].messages(url, principle=first, k=3)))
    programs = _codes(variants)
    assert len(programs) == 3 and len(set(programs)) == 3
    assert code not in programs  # other samples: other seeds, other pictures
    assert set(programs) <= {x["code"].rstrip("\n") for x in family}

    draft = _codes(_text(_ask(offline, PROMPTS["draft"].messages(url))))[0]
    assert len(STEP.findall(draft + "\n")) >= 3
    assert STEP.sub("", draft + "\n").rstrip("\n") == code  # only the step comments were added

    # refine: the reference with the draft's comments where the statements correspond; here
    # the draft drew one value wrong, the reference has it right
    reference = code + "\n"
    wrong = draft.replace("plt.subplots(", "plt.subplots(dpi=50, ", 1)
    refined = _codes(_text(_ask(offline, PROMPTS["refine"].messages(draft=wrong,
                                                                   reference=reference))))[0]  # fmt: skip
    assert STEP.findall(refined + "\n") == STEP.findall(draft + "\n")
    assert STEP.sub("", refined + "\n") == reference


def test_unidentified_prompts(offline: Served, samples: list[dict[str, Any]]) -> None:
    s = samples[2]
    with_image = [
        {"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": data_url(s["image"])}},
            {"type": "text", "text": "What is this? Code please."},
        ]},
    ]  # fmt: skip
    assert _codes(_text(_ask(offline, with_image))) == [s["code"].rstrip("\n")]
    text_only = [{"role": "user", "content": "hello"}]
    assert _text(_ask(offline, text_only)) == TEXT_REPLY


def test_n_choices_and_seeded_draws(offline: Served, samples: list[dict[str, Any]]) -> None:
    s = samples[5]
    messages = PROMPTS["stem2code"].messages(data_url(s["image"]))
    code = s["code"].rstrip("\n")
    greedy = _ask(offline, messages, n=3, temperature=0)
    assert [_codes(_text(greedy, i)) for i in range(3)] == [[code]] * 3
    assert [c["index"] for c in greedy["choices"]] == [0, 1, 2]

    drawn = [_ask(offline, messages, n=3, temperature=1.0, seed=7) for _ in range(2)]
    texts = [[_text(d, i) for i in range(3)] for d in drawn]
    assert texts[0] == texts[1]  # the same seed, the same choices
    every = {x["code"].rstrip("\n") for x in samples}
    assert all(_codes(t)[0] in every for t in texts[0])
    seeds = {tuple(_text(_ask(offline, messages, n=3, temperature=1.0, seed=k), i)
                   for i in range(3)) for k in range(6)}  # fmt: skip
    assert len(seeds) > 1  # seeds draw among the 3 nearest


def test_stream_reassembles_to_the_same_reply(
    offline: Served, samples: list[dict[str, Any]]
) -> None:
    messages = PROMPTS["draft"].messages(data_url(samples[1]["image"]))
    plain = _ask(offline, messages, n=2, temperature=0, max_tokens=40)
    with http().stream(
        "POST", f"{offline.url}/chat/completions", timeout=30,
        json={"model": MODEL, "messages": messages, "n": 2, "temperature": 0, "max_tokens": 40,
              "stream": True, "stream_options": {"include_usage": True}},
    ) as r:  # fmt: skip
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1
    texts, finish = ["", ""], [None, None]
    for c in chunks:
        for ch in c["choices"]:
            texts[ch["index"]] += ch["delta"].get("content", "")
            finish[ch["index"]] = ch["finish_reason"] or finish[ch["index"]]
    assert texts == [_text(plain, 0), _text(plain, 1)]
    assert finish == ["length", "length"]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"] == plain["usage"]


def test_usage_and_max_tokens(offline: Served, samples: list[dict[str, Any]]) -> None:
    messages = PROMPTS["stem2code"].messages(data_url(samples[0]["image"]))
    full = _ask(offline, messages)
    usage = full["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert _ask(offline, messages)["usage"] == usage  # counted deterministically
    cut = _ask(offline, messages, max_tokens=5)
    assert cut["choices"][0]["finish_reason"] == "length"
    assert cut["usage"]["completion_tokens"] == 5
    assert _text(full).startswith(_text(cut)) and len(_text(cut)) < len(_text(full))
    three = _ask(offline, messages, n=3, temperature=0)
    assert three["usage"]["completion_tokens"] == 3 * usage["completion_tokens"]


IMG = "data:image/png;base64,"
USER = [{"role": "user", "content": "hi"}]


def _part(part: Any) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [part]}]


BAD: list[tuple[str, Any, int, str | None, str | None]] = [
    # (case, body: dict or raw bytes, status, param, code)
    ("not-json", b"{not json", 400, None, "invalid_json"),
    ("not-utf8", b"\xff\xfe{", 400, None, "invalid_json"),
    ("json-array", b"[1, 2]", 400, None, "invalid_json"),
    ("no-model", {"messages": USER}, 400, "model", "missing_required_parameter"),
    ("model-number", {"model": 3, "messages": USER}, 400, "model", "invalid_type"),
    ("unknown-model", {"model": "gpt-9", "messages": USER}, 404, "model", "model_not_found"),
    ("no-messages", {"model": MODEL}, 400, "messages", "missing_required_parameter"),
    ("empty-messages", {"model": MODEL, "messages": []}, 400, "messages", "invalid_value"),
    ("messages-string", {"model": MODEL, "messages": "hi"}, 400, "messages", "invalid_type"),
    ("message-number", {"model": MODEL, "messages": [1]}, 400, "messages[0]", "invalid_type"),
    ("bad-role", {"model": MODEL, "messages": [{"role": "robot", "content": "x"}]}, 400,
     "messages[0].role", "invalid_value"),
    ("content-number", {"model": MODEL, "messages": [{"role": "user", "content": 5}]}, 400,
     "messages[0].content", "invalid_type"),
    ("content-empty-list", {"model": MODEL, "messages": [{"role": "user", "content": []}]}, 400,
     "messages[0].content", "invalid_value"),
    ("user-content-null", {"model": MODEL, "messages": [{"role": "user", "content": None}]},
     400, "messages[0].content", "missing_required_parameter"),
    ("part-audio", {"model": MODEL, "messages": _part({"type": "input_audio"})}, 400,
     "messages[0].content[0].type", "invalid_value"),
    ("text-not-string", {"model": MODEL, "messages": _part({"type": "text", "text": 1})}, 400,
     "messages[0].content[0].text", "invalid_type"),
    ("http-image", {"model": MODEL, "messages": _part(
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}})}, 400,
     "messages[0].content[0].image_url.url", "invalid_image_url"),
    ("bad-base64", {"model": MODEL, "messages": _part(
        {"type": "image_url", "image_url": {"url": IMG + "%%%"}})}, 400,
     "messages[0].content[0].image_url.url", "invalid_image_url"),
    ("not-an-image", {"model": MODEL, "messages": _part(
        {"type": "image_url", "image_url": {"url": IMG + "aGVsbG8="}})}, 400,
     "messages[0].content[0].image_url.url", "invalid_image"),
    ("n-zero", {"model": MODEL, "messages": USER, "n": 0}, 400, "n", "invalid_value"),
    ("n-17", {"model": MODEL, "messages": USER, "n": 17}, 400, "n", "invalid_value"),
    ("n-string", {"model": MODEL, "messages": USER, "n": "3"}, 400, "n", "invalid_type"),
    ("n-bool", {"model": MODEL, "messages": USER, "n": True}, 400, "n", "invalid_type"),
    ("temperature-3", {"model": MODEL, "messages": USER, "temperature": 3}, 400,
     "temperature", "invalid_value"),
    ("temperature-string", {"model": MODEL, "messages": USER, "temperature": "hot"}, 400,
     "temperature", "invalid_type"),
    ("max-tokens-zero", {"model": MODEL, "messages": USER, "max_tokens": 0}, 400,
     "max_tokens", "invalid_value"),
    ("max-tokens-float", {"model": MODEL, "messages": USER, "max_tokens": 1.5}, 400,
     "max_tokens", "invalid_type"),
    ("seed-float", {"model": MODEL, "messages": USER, "seed": 0.5}, 400, "seed", "invalid_type"),
    ("stream-string", {"model": MODEL, "messages": USER, "stream": "yes"}, 400, "stream",
     "invalid_type"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "status", "param", "code"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])  # fmt: skip
def test_bad_requests_get_openai_errors(
    offline: Served, body: Any, status: int, param: str | None, code: str | None
) -> None:
    url = f"{offline.url}/chat/completions"
    r = http().post(url, content=body) if isinstance(body, bytes) else http().post(url, json=body)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["type"] == "invalid_request_error"
    assert (err["param"], err["code"]) == (param, code)
    assert err["message"] and "\n" not in err["message"]


def test_unknown_route_and_method(offline: Served) -> None:
    r = http().get(f"{offline.url}/completions")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = http().get(f"{offline.url}/chat/completions")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    r = http().get(f"{offline.url}/models/gpt-9")
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"


def test_body_over_the_limit_is_413_before_it_is_kept(offline: Served) -> None:
    """33 MiB with a Content-Length, and the same without one (chunked): both refused with
    413, and the server goes on serving."""
    big = b'{"model": "' + b"x" * (33 * 2**20) + b'"}'

    def chunks() -> Any:
        for i in range(0, len(big), 2**20):
            yield big[i : i + 2**20]

    for content in (big, chunks()):
        r = http().post(f"{offline.url}/chat/completions", content=content, timeout=30)
        assert r.status_code == 413, r.text[:200]
        assert r.json()["error"]["code"] == "request_too_large"
    assert http().get(f"{offline.root}/health").json()["status"] == "ok"


def test_the_bench_client_gets_code(offline: Served, samples: list[dict[str, Any]],
                                    tmp_path: Path) -> None:  # fmt: skip
    """The benchmark's model path (OpenAIModel over the sync OpenAIChat client, the official
    STEM2Code prompt) against the server: preflight, then the sample's code back."""
    from codepercept.bench.dataset import BenchItem
    from codepercept.bench.extract import extract_code
    from codepercept.models.adapters import make_model

    s = samples[4]
    (tmp_path / "fig.png").write_bytes(s["image"])
    item = BenchItem(id="x", image_path=tmp_path / "fig.png", code=s["code"])
    model = make_model(f"openai:{MODEL}@{offline.url}")
    try:
        model.preflight()  # type: ignore[attr-defined]
        reply = model.respond(item)
    finally:
        model.close()  # type: ignore[attr-defined]
    assert extract_code(reply).rstrip("\n") == s["code"].rstrip("\n")
