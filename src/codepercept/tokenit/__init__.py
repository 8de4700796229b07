"""codepercept.tokenit — TokenIT: text images with exact per-BPE-token pixel masks.

We render the text ourselves (documents, scene text, STEM figures, code, GUIs), recording which
character every ink pixel belongs to; a token's mask is the union of its characters' masks.
"""

from codepercept.tokenit.canvas import Rendered
from codepercept.tokenit.generate import (
    DOMAINS,
    generate,
    read_samples,
    render_candidate,
)
from codepercept.tokenit.sample import TokenSample, build_sample
from codepercept.tokenit.show import contact_sheet, show
from codepercept.tokenit.tokenizer import Tokenizer, TokenSpan, load_tokenizer

__all__ = [
    "DOMAINS",
    "Rendered",
    "TokenSample",
    "TokenSpan",
    "Tokenizer",
    "build_sample",
    "contact_sheet",
    "generate",
    "load_tokenizer",
    "read_samples",
    "render_candidate",
    "show",
]
