"""Checkpoints: one ``.pt`` file holding the model, the frozen table's recipe, the optimiser,
the schedule, the data sampler's position and the RNG state — enough to resume exactly and to
rebuild the model for inference.

Writes are crash-safe (``codepercept._fs.atomic_write``: a temporary file, then a rename).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from codepercept._fs import atomic_write
from codepercept.tokenocr.losses import LossConfig, SigLIPHead
from codepercept.tokenocr.model import TokenOCR, TokenOCRConfig
from codepercept.tokenocr.target import EmbeddingTable, table_from_spec

__all__ = ["LoadedModel", "load_checkpoint", "load_encoder", "save_checkpoint"]


def save_checkpoint(path: str | Path, state: dict) -> Path:
    """Write ``state`` to ``path`` atomically; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, lambda fh: torch.save(state, fh))  # streamed, not buffered


def table_state(table: EmbeddingTable) -> dict:
    """How a checkpoint stores the table: the spec always; the rows only when restricted
    (a full Gaussian table is regenerated from its seed; a full file table is re-read)."""
    st: dict = {"spec": table.spec, "weight": None, "ids": None}
    if table.ids is not None:
        st["weight"], st["ids"] = table.weight.cpu(), table.ids.cpu()
    return st


@dataclass
class LoadedModel:
    """A model ready for inference (eval mode), its frozen table and the checkpoint's extras."""

    model: TokenOCR
    table: EmbeddingTable
    siglip: SigLIPHead
    meta: dict


def load_plain(path: str | Path, what: str) -> dict:
    """The dict at ``path``, loaded with ``weights_only=True`` (tensors and plain containers
    only: a hostile checkpoint cannot run code through pickle). Anything else raises
    :class:`~codepercept.errors.UsageError` saying ``path`` is not ``what``."""
    from codepercept.errors import UsageError

    try:
        ck = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # pickle, zip and torch errors all mean "not our checkpoint"
        raise UsageError(
            f"{path} is not {what} ({type(exc).__name__}; a checkpoint holds "
            "tensors and plain values only)"
        ) from None
    if not isinstance(ck, dict):
        raise UsageError(f"{path} is not {what} (it holds a {type(ck).__name__})")
    return ck


def read_checkpoint(path: str | Path) -> dict:
    """The raw checkpoint dict at ``path`` (:func:`load_plain`). A file that is not a TokenOCR
    checkpoint raises :class:`~codepercept.errors.UsageError` naming it."""
    from codepercept.errors import UsageError

    ck = load_plain(path, "a TokenOCR checkpoint")
    if not {"model_config", "model", "table"} <= set(ck):
        raise UsageError(f"{path} is not a TokenOCR checkpoint (it lacks the model and table)")
    return ck


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> LoadedModel:
    """Rebuild the model and table from a checkpoint written by training (eval mode).

    ``meta`` holds ``step``, ``train_config``, ``loss_config``, ``data_info`` and ``seen_ids``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"checkpoint {path} not found; train one with `codepercept tokenocr train`"
        )
    ck = read_checkpoint(path)
    cfg = TokenOCRConfig(**ck["model_config"])
    model = TokenOCR(cfg)
    model.load_state_dict(ck["model"])
    lc = LossConfig(**ck["loss_config"])
    siglip = SigLIPHead(lc.siglip_bias, lc.siglip_bias_learnable)
    siglip.load_state_dict(ck["siglip"])
    t = ck["table"]
    table = table_from_spec(t["spec"], t["weight"], t["ids"])
    meta = {k: ck.get(k) for k in ("step", "train_config", "loss_config", "data_info", "seen_ids")}
    return LoadedModel(model.to(device).eval(), table.to(device), siglip.to(device), meta)


def load_encoder(path: str | Path, device: str | torch.device = "cpu") -> TokenOCR:
    """The image encoder of a checkpoint, in eval mode: what the linear probe and other
    encoder-only measures need (no table, no optimiser). A small dispatch on the checkpoint's
    keys — today a TokenOCR checkpoint (``model_config`` + ``model``); other kinds add a
    branch. Anything else (a missing file, another kind of file, weights that do not fit their
    config) raises :class:`~codepercept.errors.UsageError` naming the file."""
    from codepercept.errors import UsageError

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path} does not exist or is not a file (an encoder checkpoint)")
    ck = load_plain(path, "an encoder checkpoint")
    keys = set(ck)
    if {"model_config", "model"} <= keys:  # TokenOCR (`codepercept tokenocr train`)
        try:
            model = TokenOCR(TokenOCRConfig(**ck["model_config"]))
            model.load_state_dict(ck["model"])
        except (TypeError, ValueError, RuntimeError, KeyError) as exc:
            raise UsageError(
                f"{path} looks like a TokenOCR checkpoint but its model does not load "
                f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
            ) from None
        return model.to(device).eval()
    if ck.get("kind") == "tokenvl" and {"encoder_config", "model"} <= keys:  # TokenVL's encoder
        try:
            model = TokenOCR(TokenOCRConfig(**ck["encoder_config"]))
            enc = {k[8:]: v for k, v in ck["model"].items() if k.startswith("encoder.")}
            model.load_state_dict(enc)
        except (TypeError, ValueError, RuntimeError, KeyError) as exc:
            raise UsageError(
                f"{path} looks like a TokenVL checkpoint but its encoder does not load "
                f"({type(exc).__name__})"
            ) from None
        return model.to(device).eval()
    raise UsageError(
        f"{path} is not an encoder checkpoint this version reads (a TokenOCR checkpoint from "
        "`codepercept tokenocr train` holds model_config and model; one from `codepercept "
        "tokenvl train` holds its encoder)"
    )
