"""Prompts are versioned templates; identify() recovers role and fields from a request."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from codepercept.bench.dataset import PROMPT, SYSTEM
from codepercept.models.images import MAX_PIXELS, fit_pixels, image_data_url
from codepercept.models.prompts import PROMPTS, identify, prompt

URL = "data:image/png;base64,AAAA"


def test_the_official_prompt_is_word_for_word():
    p = prompt("stem2code")
    assert p.version == "official" and p.system == SYSTEM and p.template == PROMPT
    assert SYSTEM == "You are an useful assistant."  # sic, as the public harness sends it


@pytest.mark.parametrize("role", sorted(PROMPTS))
def test_identify_recovers_role_and_fields(role):
    p = PROMPTS[role]
    values = {n: f"value of {n}\nwith {{braces}} and ```fences```" for n in p.fields}
    msgs = p.messages(image_url=URL if p.image else None, **values)
    found = identify(msgs)
    assert found is not None
    got, fields = found
    assert got.id == p.id
    assert fields == values


def test_unknown_messages_are_not_identified():
    assert identify([{"role": "user", "content": "hello"}]) is None
    assert identify([]) is None
    assert identify([{"role": "user", "content": [{"type": "text", "text": 3}]}]) is None


def test_missing_fields_and_images_are_errors():
    with pytest.raises(ValueError, match="needs"):
        prompt("variants").messages(image_url=URL, principle="x")
    with pytest.raises(ValueError, match="image_url"):
        prompt("describe").messages()
    with pytest.raises(ValueError, match="no prompt for role"):
        prompt("poem")


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 10, 10)).save(buf, format="PNG")
    return buf.getvalue()


def test_small_png_is_sent_as_is_and_large_is_scaled_to_the_budget():
    small = _png(64, 48)
    assert image_data_url(small) == "data:image/png;base64," + base64.b64encode(small).decode()
    big = image_data_url(_png(3000, 1000))
    img = Image.open(io.BytesIO(base64.b64decode(big.split(",", 1)[1])))
    w, h = img.size
    assert w * h <= MAX_PIXELS and abs(w / h - 3.0) < 0.01
    assert fit_pixels(1280, 1024) == (1280, 1024)
    assert fit_pixels(10_000, 1)[0] * fit_pixels(10_000, 1)[1] <= MAX_PIXELS


def test_not_an_image_is_a_value_error():
    with pytest.raises(ValueError, match="not a readable image"):
        image_data_url(b"\xff\xfe not an image")
