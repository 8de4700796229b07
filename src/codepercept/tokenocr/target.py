"""The frozen target: a language model's input token-embedding table.

Sources (:func:`load_embedding_table`):

* a ``.safetensors`` file, a PyTorch state dict (``.pt``/``.bin``) or a Hugging Face checkpoint
  directory (its ``*.safetensors`` / ``pytorch_model*.bin`` shards) — the tensor is picked by
  name (``--embed-key``; by default the first 2-D tensor whose name ends in
  ``embed_tokens.weight``, ``wte.weight``, ``word_embeddings.weight`` or
  ``tok_embeddings.weight``);
* nothing: a **seeded Gaussian table** ``N(0, 1)`` of shape ``(vocab_size, D)`` — so
  everything runs offline. Random Gaussian rows are nearly orthogonal, which makes them a
  fair stand-in for a trained table in tests.

``restrict_to`` keeps only the rows of the given token ids (memory: Qwen's 151k x 2048 table is
1.2 GB in float32; the ~1k ids of a synthetic corpus are a few MB). Lookups always take the
*global* token id; an id outside a restricted table raises ``KeyError``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import torch
from torch import nn

__all__ = ["EmbeddingTable", "load_embedding_table"]

log = logging.getLogger(__name__)

_EMBED_SUFFIXES = (
    "embed_tokens.weight",
    "wte.weight",
    "word_embeddings.weight",
    "tok_embeddings.weight",
    "embedding.weight",
)


class EmbeddingTable(nn.Module):
    """A frozen ``(V, D)`` table held as a buffer (never a parameter, never trained).

    ``ids`` is None for a full table (row i = token id i) or a sorted ``(V,)`` long tensor of the
    global ids of the kept rows. ``spec`` describes how to rebuild the table (saved in
    checkpoints).
    """

    def __init__(self, weight: torch.Tensor, ids: torch.Tensor | None, spec: dict) -> None:
        super().__init__()
        self.register_buffer("weight", weight.detach().float().contiguous(), persistent=False)
        self.register_buffer(
            "ids", None if ids is None else ids.long().contiguous(), persistent=False
        )
        self.spec = spec

    @property
    def dim(self) -> int:
        return self.weight.shape[1]

    def __len__(self) -> int:
        return self.weight.shape[0]

    def global_ids(self) -> torch.Tensor:
        """The global token id of every row."""
        if self.ids is None:
            return torch.arange(len(self), device=self.weight.device)
        return self.ids

    def rows(self, token_ids: torch.Tensor) -> torch.Tensor:
        """Row indices of global ``token_ids`` (any shape, long)."""
        if self.ids is None:
            if token_ids.numel() and int(token_ids.max()) >= len(self):
                raise KeyError(f"token id {int(token_ids.max())} outside a table of {len(self)}")
            return token_ids
        pos = torch.searchsorted(self.ids, token_ids).clamp(max=len(self.ids) - 1)
        if not bool((self.ids[pos] == token_ids).all()):
            missing = token_ids[self.ids[pos] != token_ids][:5].tolist()
            raise KeyError(f"token ids {missing} are not in the restricted table")
        return pos

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        """Embeddings ``(*, D)`` of global ``token_ids`` (no gradient ever flows here)."""
        return self.weight[self.rows(token_ids)].detach()


def _pick_tensor(tensors: dict[str, torch.Tensor], key: str | None, where: str) -> torch.Tensor:
    if key is not None:
        if key not in tensors:
            near = [k for k, v in tensors.items() if v.ndim == 2][:8]
            raise KeyError(
                f"no tensor {key!r} in {where}; pass --embed-key with one of the 2-D tensors {near}"
            )
        return tensors[key]
    for k, v in tensors.items():
        if v.ndim == 2 and k.endswith(_EMBED_SUFFIXES):
            log.info("using %s %s from %s", k, tuple(v.shape), where)
            return v
    raise KeyError(
        f"no input-embedding tensor found in {where}; pass embed_key= (--embed-key) naming it"
    )


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        return load_file(str(path))
    obj = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict):
        raise ValueError(f"{path} holds a {type(obj).__name__}, not a state dict")
    return {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}


def _load_file_tensor(path: Path, key: str | None) -> torch.Tensor:
    if path.is_dir():
        shards = sorted(path.glob("*.safetensors")) or sorted(path.glob("pytorch_model*.bin"))
        if not shards:
            raise FileNotFoundError(f"{path} has no *.safetensors or pytorch_model*.bin files")
        for shard in shards:
            try:
                return _pick_tensor(_read_tensors(shard), key, str(shard))
            except KeyError:
                continue
        raise KeyError(f"no input-embedding tensor in the shards of {path}; pass --embed-key")
    if not path.is_file():
        raise FileNotFoundError(f"embedding source {path} does not exist")
    return _pick_tensor(_read_tensors(path), key, str(path))


def load_embedding_table(
    source: str | Path | None = None,
    *,
    vocab_size: int | None = None,
    dim: int = 256,
    seed: int = 0,
    embed_key: str | None = None,
    restrict_to: Iterable[int] | None = None,
) -> EmbeddingTable:
    """Build the frozen target table.

    ``source`` None → seeded Gaussian ``(vocab_size, dim)`` (``vocab_size`` required);
    otherwise a file/directory as described in the module docstring (``dim`` is then ignored;
    the model's ``embed_dim`` must match the table's). ``restrict_to`` keeps only those ids.
    The result is deterministic in its arguments.
    """
    if source is None:
        if not vocab_size:
            raise ValueError("a Gaussian table needs vocab_size (the tokenizer's vocabulary)")
        gen = torch.Generator().manual_seed(seed)
        ids = None
        if restrict_to is not None:
            # Draw the full table's rows lazily in chunks so restricted rows equal full rows.
            ids = torch.tensor(sorted(set(int(i) for i in restrict_to)), dtype=torch.long)
        weight = _gaussian_rows(vocab_size, dim, gen, ids)
        spec = {"kind": "gaussian", "vocab_size": vocab_size, "dim": dim, "seed": seed}
    else:
        full = _load_file_tensor(Path(source), embed_key)
        ids = None
        if restrict_to is not None:
            ids = torch.tensor(sorted(set(int(i) for i in restrict_to)), dtype=torch.long)
            weight = full[ids]
        else:
            weight = full
        spec = {"kind": "file", "path": str(source), "embed_key": embed_key}
    if ids is not None:
        spec["restricted"] = True
    return EmbeddingTable(weight, ids, spec)


def _gaussian_rows(
    vocab_size: int, dim: int, gen: torch.Generator, ids: torch.Tensor | None
) -> torch.Tensor:
    """Rows of the seeded ``N(0,1)`` table, generated in fixed chunks of 8192 rows so a
    restricted table holds exactly the full table's rows."""
    chunk = 8192
    out = []
    for start in range(0, vocab_size, chunk):
        block = torch.randn(min(chunk, vocab_size - start), dim, generator=gen)
        if ids is None:
            out.append(block)
        else:
            sel = ids[(ids >= start) & (ids < start + chunk)] - start
            out.append(block[sel])
    if ids is not None and (ids.numel() and int(ids.max()) >= vocab_size):
        raise KeyError(f"token id {int(ids.max())} >= vocab_size {vocab_size}")
    return torch.cat(out)


def table_from_spec(
    spec: dict, weight: torch.Tensor | None, ids: torch.Tensor | None
) -> EmbeddingTable:
    """Rebuild a table saved by a checkpoint: ``weight``/``ids`` when they were saved, else
    regenerate from ``spec``."""
    if weight is not None:
        return EmbeddingTable(weight, ids, spec)
    if spec["kind"] == "gaussian":
        return load_embedding_table(
            None, vocab_size=spec["vocab_size"], dim=spec["dim"], seed=spec["seed"]
        )
    return load_embedding_table(spec["path"], embed_key=spec.get("embed_key"))
