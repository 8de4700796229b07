"""TokenVL: a TokenOCR encoder as the eyes of a causal language model.

Read top to bottom: config → encoder (:class:`~codepercept.tokenocr.model.TokenOCR`, run tile
by tile over a fixed grid) → token abstractor (one learned query attends over each
``window × window`` cell of the feature map) → pixel shuffle (``shuffle × shuffle``
neighbours stacked into channels, as InternVL does) → MLP projector to the language model's
width → the visual tokens are placed before the prompt's token embeddings → the language model.

Shapes for an image of ``S × S`` pixels, encoder patch ``p`` and width ``D``: features
``(B, D, 4S/p, 4S/p)`` → abstractor ``(B, D, 4S/(p·w), ·)`` → shuffle
``(B, D·s², 4S/(p·w·s), ·)`` → projector ``(B, T, H)`` with ``T = (4S/(p·w·s))²`` visual
tokens of the language model's hidden width ``H``. The visual tokens keep their grid order
(row-major), so :meth:`TokenVL.visual_grid` can lay them back out as a map for the alignment
losses.

The language model is any ``transformers`` causal LM (a local directory; nothing is
downloaded). Text goes through the Qwen BPE tokenizer that TokenIT and TokenOCR use, so the
language model must share that vocabulary (:func:`check_vocab`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from codepercept.tokenocr.model import TokenOCR, TokenOCRConfig

__all__ = [
    "PROMPT_TEMPLATE",
    "TokenAbstractor",
    "TokenVL",
    "TokenVLConfig",
    "pixel_shuffle",
]

#: How a question is put to the model; the answer follows, then end-of-text.
PROMPT_TEMPLATE = "Question: {question}\nAnswer:"


@dataclass
class TokenVLConfig:
    """The parts of the architecture that are TokenVL's own (the encoder and the language
    model carry their own configs). ``image_size`` is the side every image is letterboxed to;
    it must be a multiple of the encoder's ``tile_size`` and the feature map must divide by
    ``window · shuffle``."""

    image_size: int = 128
    window: int = 2  # the abstractor pools window × window feature cells into one
    shuffle: int = 2  # pixel shuffle: shuffle × shuffle cells become one token
    proj_hidden: int = 0  # projector hidden width (0: the language model's width)
    max_answer_tokens: int = 16

    def to_dict(self) -> dict:
        return asdict(self)

    def check(self, enc: TokenOCRConfig) -> None:
        if self.image_size % enc.tile_size:
            raise ValueError(
                f"image_size {self.image_size} is not a multiple of the encoder's tile_size "
                f"{enc.tile_size}"
            )
        side = self.feature_side(enc)
        if side % (self.window * self.shuffle):
            raise ValueError(
                f"the {side}x{side} feature map does not divide into windows of "
                f"{self.window}x{self.shuffle}; change window, shuffle or image_size"
            )

    def feature_side(self, enc: TokenOCRConfig) -> int:
        return self.image_size // enc.tile_size * enc.feature_size

    def grid_side(self, enc: TokenOCRConfig) -> int:
        """Visual tokens per side."""
        return self.feature_side(enc) // (self.window * self.shuffle)


class TokenAbstractor(nn.Module):
    """One learned query per model attends over the ``w × w`` features of each window
    (single-head attention with key/value projections); the result replaces the window."""

    def __init__(self, dim: int, window: int) -> None:
        super().__init__()
        self.window = window
        self.query = nn.Parameter(torch.randn(dim) * dim**-0.5)
        self.norm = nn.LayerNorm(dim)
        self.kv = nn.Linear(dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, D, H, W) -> (B, D, H/w, W/w)
        b, d, h, w = x.shape
        k = self.window
        cells = x.unfold(2, k, k).unfold(3, k, k)  # (B, D, H/k, W/k, k, k)
        cells = cells.reshape(b, d, h // k, w // k, k * k).permute(0, 2, 3, 4, 1)
        key, value = self.kv(self.norm(cells)).chunk(2, dim=-1)  # (B, H/k, W/k, k², D)
        attn = (key @ self.query / d**0.5).softmax(dim=-1)  # (B, H/k, W/k, k²)
        pooled = self.out((attn.unsqueeze(-1) * value).sum(dim=-2))  # (B, H/k, W/k, D)
        return pooled.permute(0, 3, 1, 2)


def pixel_shuffle(x: torch.Tensor, s: int) -> torch.Tensor:
    """``(B, C, H, W) → (B, C·s², H/s, W/s)``: each ``s × s`` block of cells becomes one cell
    with the block's channels stacked (InternVL's downsampling of visual tokens)."""
    return F.pixel_unshuffle(x, s)


class TokenVL(nn.Module):
    """Encoder + abstractor + pixel shuffle + projector + language model.

    :meth:`forward` returns the language model's last hidden states ``(B, L, H)`` of the
    sequence ``[visual tokens, prompt tokens, answer tokens]`` and the visual tokens
    ``(B, T, H)``; the training losses pick positions from them (:mod:`codepercept.tokenvl.train`).
    """

    def __init__(self, cfg: TokenVLConfig, encoder: TokenOCR, lm: nn.Module) -> None:
        super().__init__()
        cfg.check(encoder.cfg)
        self.cfg = cfg
        self.encoder = encoder
        d = encoder.cfg.embed_dim
        hidden = int(lm.config.hidden_size)
        self.abstractor = TokenAbstractor(d, cfg.window)
        shuffled = d * cfg.shuffle**2
        mid = cfg.proj_hidden or hidden
        self.projector = nn.Sequential(
            nn.LayerNorm(shuffled), nn.Linear(shuffled, mid), nn.GELU(), nn.Linear(mid, hidden)
        )
        self.lm = lm

    # -- the visual side ---------------------------------------------------------------
    @property
    def n_visual(self) -> int:
        return self.cfg.grid_side(self.encoder.cfg) ** 2

    def encode_tiles(self, images: torch.Tensor) -> torch.Tensor:
        """Encoder features of ``(B, 3, S, S)`` normalised images, tile by tile, stitched:
        ``(B, D, F, F)``."""
        t = self.encoder.cfg.tile_size
        b, _, s, _ = images.shape
        n = s // t
        tiles = images.unfold(2, t, t).unfold(3, t, t)  # (B, 3, n, n, t, t)
        tiles = tiles.permute(0, 2, 3, 1, 4, 5).reshape(b * n * n, 3, t, t)
        feats = self.encoder(tiles)  # (B·n·n, D, f, f)
        d, f = feats.shape[1], feats.shape[2]
        feats = feats.reshape(b, n, n, d, f, f).permute(0, 3, 1, 4, 2, 5)
        return feats.reshape(b, d, n * f, n * f)

    def visual_tokens(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, 3, S, S)`` normalised images → ``(B, T, H)`` visual tokens (row-major grid)."""
        x = self.abstractor(self.encode_tiles(images))
        x = pixel_shuffle(x, self.cfg.shuffle)  # (B, D·s², g, g)
        return self.projector(x.flatten(2).transpose(1, 2))

    # -- the whole model ---------------------------------------------------------------
    def embed_text(self, ids: torch.Tensor) -> torch.Tensor:
        return self.lm.get_input_embeddings()(ids)

    def forward(
        self, images: torch.Tensor, text_ids: torch.Tensor, text_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``text_ids``/``text_mask`` ``(B, L)`` (right-padded) → (last hidden states of the
        whole sequence ``(B, T + L, H)``, visual tokens ``(B, T, H)``)."""
        vis = self.visual_tokens(images)
        text = self.embed_text(text_ids)
        emb = torch.cat([vis.to(text.dtype), text], 1)
        ones = torch.ones(vis.shape[:2], dtype=text_mask.dtype, device=vis.device)
        mask = torch.cat([ones, text_mask], 1)
        return self.decode(emb, mask), vis

    def decode(self, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The language model's final hidden states for input embeddings (no logits: callers
        project only the positions they need). Positions count real tokens only, so padding
        anywhere (generation pads between the visual tokens and a shorter prompt) leaves every
        real token where training put it."""
        pos = (mask.cumsum(1) - 1).clamp_min(0)
        decoder = self.lm.get_decoder() if hasattr(self.lm, "get_decoder") else None
        if decoder is not None and decoder is not self.lm:
            out = decoder(inputs_embeds=embeds, attention_mask=mask, position_ids=pos)
            return out.last_hidden_state
        out = self.lm(
            inputs_embeds=embeds, attention_mask=mask, position_ids=pos, output_hidden_states=True
        )
        return out.hidden_states[-1]

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.lm.get_output_embeddings()(hidden)

    @torch.no_grad()
    def generate(
        self, images: torch.Tensor, prompt_ids: list[list[int]], eos_id: int, max_new: int
    ) -> list[list[int]]:
        """Greedy answers for a batch (one prompt per image), stopping at ``eos_id``. Each
        step re-runs the whole (short) sequence: simple and exact for any language model."""
        vis = self.visual_tokens(images)
        dev = vis.device
        seqs = [list(p) for p in prompt_ids]
        done = [False] * len(seqs)
        answers: list[list[int]] = [[] for _ in seqs]
        for _ in range(max_new):
            width = max(len(s) for s in seqs)
            ids = torch.zeros(len(seqs), width, dtype=torch.long, device=dev)
            am = torch.zeros(len(seqs), width, dtype=torch.long, device=dev)
            for i, s in enumerate(seqs):  # left-pad so every last position is a real token
                ids[i, width - len(s) :] = torch.tensor(s, device=dev)
                am[i, width - len(s) :] = 1
            emb = torch.cat([vis, self.embed_text(ids)], 1)
            vmask = torch.ones(vis.shape[:2], dtype=am.dtype, device=dev)
            h = self.decode(emb, torch.cat([vmask, am], 1))
            nxt = self.logits(h[:, -1]).argmax(-1).tolist()
            for i, t in enumerate(nxt):
                if done[i]:
                    continue
                if t == eos_id:
                    done[i] = True
                    continue
                answers[i].append(int(t))
                seqs[i].append(int(t))
            if all(done):
                break
        return answers
