"""The TokenOCR model: a ViT backbone, a 4x upsampler and an MLP head to the LM's width D.

Read top to bottom: config → backbone (patch embedding, pre-norm blocks) → dense head
(drop the class token, reshape to the patch grid, two ``ConvTranspose2d(k4, s2, p1)`` +
BatchNorm, then ``LayerNorm → Linear → GELU → Linear``) → dynamic tiling for large images.

Contract of :meth:`TokenOCR.forward`: ``images`` float ``(B, 3, S, S)`` normalised by
:func:`normalize_images` with ``S % patch_size == 0`` → pixel features float
``(B, D, 4·S/patch, 4·S/patch)`` (not normalised; losses and maps L2-normalise them).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "CONFIGS",
    "DenseFeatures",
    "TokenOCR",
    "TokenOCRConfig",
    "default_margin",
    "dense_features",
    "get_config",
    "normalize_images",
    "plan_tiles",
]


@dataclass
class TokenOCRConfig:
    """Everything that fixes the architecture (saved in every checkpoint).

    ``tile_size`` must be a multiple of ``patch_size``; the feature map of one tile is
    ``4 * tile_size / patch_size`` pixels wide, i.e. one feature per ``patch_size / 4`` image
    pixels. ``max_tiles`` bounds dynamic tiling (larger images are scaled down to fit);
    ``thumbnail`` adds a whole-image view when an image needs more than one tile.
    """

    name: str = "tiny"
    patch_size: int = 16
    tile_size: int = 128
    dim: int = 128
    depth: int = 4
    heads: int = 4
    mlp_ratio: float = 4.0
    drop_path: float = 0.0
    up_dim: int = 32  # channels of the upsampler's ConvTranspose layers
    head_hidden: int = 128  # hidden width of the MLP head
    embed_dim: int = 128  # D: the width of the target embedding table
    max_tiles: int = 80
    thumbnail: bool = False
    stem: str = "patch"  # "patch": one linear patch projection; "conv": stride-2 3x3 convs

    def __post_init__(self) -> None:
        if self.tile_size % self.patch_size:
            raise ValueError(
                f"tile_size {self.tile_size} is not a multiple of patch_size {self.patch_size}; "
                "pick e.g. tile_size = k * patch_size"
            )
        if self.dim % self.heads:
            raise ValueError(f"dim {self.dim} is not divisible by heads {self.heads}")
        if self.stem not in ("patch", "conv"):
            raise ValueError(f"stem must be 'patch' or 'conv', not {self.stem!r}")
        if self.stem == "conv" and self.patch_size & (self.patch_size - 1):
            raise ValueError(f"a conv stem needs a power-of-two patch_size, not {self.patch_size}")

    @property
    def grid(self) -> int:
        """Patches per tile side."""
        return self.tile_size // self.patch_size

    @property
    def feature_size(self) -> int:
        """Feature-map side of one tile (4x the patch grid)."""
        return 4 * self.grid

    def to_dict(self) -> dict:
        return asdict(self)


CONFIGS: dict[str, TokenOCRConfig] = {
    # CPU scale: 128-px tiles, 16-px patches (one feature per 4 image pixels), D = 128.
    "tiny": TokenOCRConfig(),
    # ViT-S/14 at 224-px tiles.
    "small": TokenOCRConfig(
        name="small",
        patch_size=14,
        tile_size=224,
        dim=384,
        depth=12,
        heads=6,
        drop_path=0.1,
        up_dim=384,
        head_hidden=1024,
        embed_dim=1024,
        max_tiles=12,
        thumbnail=True,
    ),
    # ViT-B/14 at 448-px tiles, the paper's tile size.
    "base": TokenOCRConfig(
        name="base",
        patch_size=14,
        tile_size=448,
        dim=768,
        depth=12,
        heads=12,
        drop_path=0.1,
        up_dim=768,
        head_hidden=2048,
        embed_dim=2048,
        max_tiles=12,
        thumbnail=True,
    ),
}


def get_config(name: str, **overrides) -> TokenOCRConfig:
    """A copy of a named config (``tiny``, ``small``, ``base``) with fields overridden."""
    if name not in CONFIGS:
        raise ValueError(f"unknown config {name!r}; choose one of {sorted(CONFIGS)}")
    d = CONFIGS[name].to_dict()
    unknown = set(overrides) - set(d)
    if unknown:
        raise ValueError(f"unknown config fields {sorted(unknown)}")
    d.update({k: v for k, v in overrides.items() if v is not None})
    return TokenOCRConfig(**d)


# ------------------------------------------------------------------------------------ backbone


class DropPath(nn.Module):
    """Stochastic depth: drop a whole residual branch per sample during training."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = torch.rand(x.shape[0], *([1] * (x.ndim - 1)), device=x.device) >= self.p
        return x * keep.to(x.dtype) / (1.0 - self.p)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        if x.device.type == "cpu":
            # Written out: the same attention, but PyTorch's fused CPU kernel is ~6x slower
            # forward + backward under bf16 autocast for these short sequences (2.1 vs 12.2 ms
            # per tiny layer at batch 32), and no faster in float32.
            y = ((q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5).softmax(-1) @ v
        else:
            y = F.scaled_dot_product_attention(q, k, v)
        return self.proj(y.transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(LN(x)); x + mlp(LN(x))."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float, drop_path: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


def conv_stem(dim: int, patch: int) -> nn.Sequential:
    """The convolutional stem of Xiao et al. 2021 ("Early convolutions help transformers see
    better"): log2(patch) stride-2 3x3 conv + BatchNorm + ReLU layers, then a 1x1 projection.
    Same output grid as the patch projection; trains faster and more stably at small scale."""
    layers: list[nn.Module] = []
    c_in, n = 3, int(math.log2(patch))
    for i in range(n):
        c_out = max(dim // 2 ** (n - i), 16)
        layers += [nn.Conv2d(c_in, c_out, 3, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]
        c_in = c_out
    layers.append(nn.Conv2d(c_in, dim, 1))
    return nn.Sequential(*layers)


class ViT(nn.Module):
    """A plain ViT: patch embedding (or a conv stem) + class token + learned positions +
    pre-norm blocks.

    Returns the patch tokens (class token dropped) as a grid ``(B, dim, S/p, S/p)``. Position
    embeddings are bicubically resized when the input is not ``tile_size`` square.
    """

    def __init__(self, cfg: TokenOCRConfig) -> None:
        super().__init__()
        self.cfg = cfg
        if cfg.stem == "conv":
            self.patch_embed: nn.Module = conv_stem(cfg.dim, cfg.patch_size)
        else:
            self.patch_embed = nn.Conv2d(3, cfg.dim, cfg.patch_size, cfg.patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.pos_embed = nn.Parameter(torch.randn(1, 1 + cfg.grid**2, cfg.dim) * 0.02)
        rates = torch.linspace(0, cfg.drop_path, cfg.depth).tolist()
        self.blocks = nn.ModuleList(Block(cfg.dim, cfg.heads, cfg.mlp_ratio, r) for r in rates)
        self.norm = nn.LayerNorm(cfg.dim)

    def _pos(self, gh: int, gw: int) -> torch.Tensor:
        g = self.cfg.grid
        if (gh, gw) == (g, g):
            return self.pos_embed
        grid = self.pos_embed[:, 1:].reshape(1, g, g, -1).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=(gh, gw), mode="bicubic", align_corners=False)
        return torch.cat([self.pos_embed[:, :1], grid.flatten(2).transpose(1, 2)], dim=1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(images)  # (B, dim, gh, gw)
        b, c, gh, gw = x.shape
        x = x.flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(b, -1, -1), x], dim=1) + self._pos(gh, gw)
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)[:, 1:]  # drop the class token
        return x.transpose(1, 2).reshape(b, c, gh, gw)


# ---------------------------------------------------------------------------------- dense head


class Upsampler4x(nn.Module):
    """Two ``ConvTranspose2d(k=4, s=2, p=1)`` + BatchNorm, no activation (as released)."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.up1 = nn.ConvTranspose2d(in_dim, out_dim, 4, 2, 1)
        self.bn1 = nn.BatchNorm2d(out_dim)
        self.up2 = nn.ConvTranspose2d(out_dim, out_dim, 4, 2, 1)
        self.bn2 = nn.BatchNorm2d(out_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn2(self.up2(self.bn1(self.up1(x))))


class MLPHead(nn.Module):
    """Per-pixel ``LayerNorm → Linear → GELU → Linear`` to the embedding width D."""

    def __init__(self, in_dim: int, hidden: int, out_dim: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(in_dim)
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, out_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, D, H, W)
        y = self.fc2(F.gelu(self.fc1(self.norm(x.permute(0, 2, 3, 1)))))
        return y.permute(0, 3, 1, 2)


class TokenOCR(nn.Module):
    """Backbone + 4x upsampler + MLP head: images → dense features of width D."""

    def __init__(self, cfg: TokenOCRConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.backbone = ViT(cfg)
        self.upsampler = Upsampler4x(cfg.dim, cfg.up_dim)
        self.head = MLPHead(cfg.up_dim, cfg.head_hidden, cfg.embed_dim)
        self.apply(_init_weights)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.upsampler(self.backbone(images)))


def _init_weights(m: nn.Module) -> None:
    if isinstance(m, nn.Linear):
        nn.init.trunc_normal_(m.weight, std=0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


# ------------------------------------------------------------------------------ preprocessing

_MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
_STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def normalize_images(images: torch.Tensor) -> torch.Tensor:
    """uint8 ``(B, H, W, 3)`` → float ``(B, 3, H, W)`` with ImageNet mean/std."""
    x = images.permute(0, 3, 1, 2).float() / 255.0
    return (x - _MEAN.to(x.device)) / _STD.to(x.device)


@dataclass
class TilePlan:
    """How one image is cut: scale it by ``scale``, pad to ``rows x cols`` tiles of ``size``."""

    rows: int
    cols: int
    size: int
    scale: float
    height: int  # scaled, unpadded
    width: int
    tiles: np.ndarray = field(repr=False)  # (rows*cols, size, size, 3) uint8
    thumbnail: np.ndarray | None = field(default=None, repr=False)  # (size, size, 3) uint8
    margin: int = 0  # pixels of each tile's border that overlap its neighbours


def default_margin(cfg: TokenOCRConfig) -> int:
    """The tile overlap :func:`dense_features` uses: about an eighth of a tile, in whole patches
    (so the kept centre of a tile's feature map is a whole number of features)."""
    return cfg.patch_size * max(1, cfg.grid // 8)


def plan_tiles(image: np.ndarray, cfg: TokenOCRConfig, margin: int = 0) -> TilePlan:
    """Dynamic tiling: cut ``image`` (HxWx3 uint8) into ``tile_size`` tiles at native
    resolution; if that needs more than ``max_tiles`` tiles, scale it down until it fits.
    Padding repeats the edge pixels. With ``cfg.thumbnail`` and more than one tile, a
    whole-image thumbnail is added.

    ``margin`` > 0 makes the tiles overlap: they step by ``tile_size - 2 * margin`` over the
    image padded by ``margin``, so each tile's centre covers one step and its border sees the
    neighbours' pixels (the scale is still chosen for ``max_tiles`` tiles without overlap)."""
    from PIL import Image

    h, w = image.shape[:2]
    s = cfg.tile_size
    if not 0 <= 2 * margin < s:
        raise ValueError(f"margin {margin} must be >= 0 and below half the tile ({s})")
    scale = 1.0
    rows, cols = math.ceil(h / s), math.ceil(w / s)
    while rows * cols > cfg.max_tiles:
        scale *= 0.9
        rows, cols = math.ceil(h * scale / s), math.ceil(w * scale / s)
    img = image
    sh, sw = h, w
    if scale != 1.0:
        sh, sw = max(1, round(h * scale)), max(1, round(w * scale))
        img = np.asarray(Image.fromarray(image).resize((sw, sh), Image.BILINEAR))
    step = s - 2 * margin
    rows, cols = math.ceil(sh / step), math.ceil(sw / step)
    padded = np.pad(
        img,
        ((margin, rows * step + margin - sh), (margin, cols * step + margin - sw), (0, 0)),
        mode="edge",
    )
    if margin:
        tiles = np.stack(
            [padded[r * step : r * step + s, c * step : c * step + s]
             for r in range(rows) for c in range(cols)]
        )  # fmt: skip
    else:
        tiles = padded.reshape(rows, s, cols, s, 3).transpose(0, 2, 1, 3, 4).reshape(-1, s, s, 3)
    thumb = None
    if cfg.thumbnail and rows * cols > 1:
        thumb = np.asarray(Image.fromarray(image).resize((s, s), Image.BILINEAR))
    return TilePlan(rows, cols, s, scale, sh, sw, np.ascontiguousarray(tiles), thumb, margin)


@dataclass
class DenseFeatures:
    """Features of a whole image. ``features`` ``(D, Hf, Wf)`` covers the scaled image
    (padding cropped off), one feature per ``stride`` scaled-image pixels; ``thumbnail``
    ``(D, F, F)`` or None."""

    features: torch.Tensor
    thumbnail: torch.Tensor | None
    plan: TilePlan
    stride: float


@torch.no_grad()
def dense_features(
    model: TokenOCR,
    image: np.ndarray,
    device: str | torch.device = "cpu",
    batch: int = 16,
    margin: int | None = None,
) -> DenseFeatures:
    """Run ``model`` over the dynamic tiles of ``image`` and stitch the tile feature maps.

    Tiles overlap by ``margin`` pixels (default :func:`default_margin`; 0: edge to edge, as
    the paper tiles) and only each tile's centre is kept, so no feature comes from a tile's
    border, where the model saw a cut-off context (it removes the seams of edge-to-edge tiling
    and costs ~1.8x the compute at the default). The model is used as given (call
    ``model.eval()`` first for inference)."""
    cfg = model.cfg
    margin = default_margin(cfg) if margin is None else margin
    if (4 * margin) % cfg.patch_size:
        raise ValueError(f"margin {margin} must be a multiple of patch_size / 4")
    plan = plan_tiles(image, cfg, margin)
    views = (
        plan.tiles if plan.thumbnail is None else np.concatenate([plan.tiles, plan.thumbnail[None]])
    )
    outs = []
    for i in range(0, len(views), batch):
        x = normalize_images(torch.from_numpy(views[i : i + batch]).to(device))
        outs.append(model(x).float())
    feats = torch.cat(outs)
    thumb = feats[-1] if plan.thumbnail is not None else None
    tiles = feats[: plan.rows * plan.cols]
    if margin:
        mf = margin * tiles.shape[-1] // plan.size
        tiles = tiles[:, :, mf:-mf, mf:-mf]
    d, f = tiles.shape[1], tiles.shape[-1]
    grid = tiles.view(plan.rows, plan.cols, d, f, f).permute(2, 0, 3, 1, 4)
    grid = grid.reshape(d, plan.rows * f, plan.cols * f)
    per_px = f / (plan.size - 2 * margin)
    hf, wf = max(1, math.ceil(plan.height * per_px)), max(1, math.ceil(plan.width * per_px))
    return DenseFeatures(grid[:, :hf, :wf].contiguous(), thumb, plan, 1 / per_px)
