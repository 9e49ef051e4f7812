"""VGG-style CNN over the log-mel window of the trailing audio: the A/V variant's second stream.

Blocks of 3x3 convs (64 | 128 | 256,256 | 512,512 channels, VGGish's layout) with 2x2 max-pools. Time is
averaged after the last block (frequency is kept), so any window of >= 16 frames works; the export and the
server use the window the model was trained with (config.audio_window_ms).
"""
from __future__ import annotations

import torch
from torch import nn

from ..features.logmel import N_MELS
from .vgg_face import vgg_features

BLOCKS: tuple[tuple[int, int], ...] = ((1, 64), (1, 128), (2, 256), (2, 512))


class AudioVgg(nn.Module):
    """[B, 1, 64, T] log-mel -> [B, embed]."""

    def __init__(self, width: float, embed: int) -> None:
        super().__init__()
        self.features, cin = vgg_features(1, BLOCKS, width)
        freq = N_MELS // 2 ** len(BLOCKS)  # 64 -> 4
        self.fc = nn.Sequential(nn.Linear(cin * freq, embed), nn.ReLU(inplace=True))
        self.out_dim = embed

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        x = self.features(mel).mean(dim=3)  # average over time: [B, C, 4]
        return self.fc(x.flatten(1))
