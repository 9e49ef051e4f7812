"""VGG-FACE's convolutional trunk (13 convs in 5 blocks) + fc6, on 96x96 faces as in the paper.

The paper starts from VGG-FACE weights; those are not reachable here (not on npm or Debian), so the trunk
is initialised randomly (Kaiming) and `width` shrinks it for tests and CPU benchmarks.
"""
from __future__ import annotations

import torch
from torch import nn

from ..config import FACE_SIZE, scaled

# (convs per block, channels) of VGG-16 / VGG-FACE.
BLOCKS: tuple[tuple[int, int], ...] = ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512))


def conv_block(cin: int, cout: int, convs: int) -> nn.Sequential:
    """3x3 same-padded convs with ReLU, then a 2x2 max-pool: VGG's building block."""
    layers: list[nn.Module] = []
    for i in range(convs):
        layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1), nn.ReLU(inplace=True)]
    layers.append(nn.MaxPool2d(2, 2))
    return nn.Sequential(*layers)


def vgg_features(cin: int, blocks: tuple[tuple[int, int], ...], width: float) -> tuple[nn.Sequential, int]:
    """Stacked conv blocks of (convs, channels), channels scaled by `width`; returns them and the last width."""
    layers = []
    for convs, channels in blocks:
        cout = scaled(channels, width)
        layers.append(conv_block(cin, cout, convs))
        cin = cout
    return nn.Sequential(*layers), cin


class VggFaceTrunk(nn.Module):
    """[B, 3, 96, 96] RGB in [-1, 1] -> [B, fc] (fc6 + ReLU)."""

    def __init__(self, width: float, fc: int, size: int = FACE_SIZE) -> None:
        super().__init__()
        self.features, cin = vgg_features(3, BLOCKS, width)
        side = size // 2 ** len(BLOCKS)  # 96 -> 3
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(cin * side * side, fc), nn.ReLU(inplace=True))
        self.out_dim = fc

    def forward(self, face: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(face))
