"""MT-VGG, MT-VGG-RNN and A/V-MT-VGG-RNN in one module, chosen by ModelConfig.variant.

Two entry points with the same weights: `forward` over whole sequences (training, evaluation, the export's
reference) and `step` over one time step with an explicit GRU state (what the streaming ONNX graph runs).
"""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from ..config import ModelConfig
from .audio_vgg import AudioVgg
from .heads import MultiTaskHeads
from .vgg_face import VggFaceTrunk


class SequenceOutput(NamedTuple):
    va: torch.Tensor           # [B, S, 2] in [-1, 1]
    au_logits: torch.Tensor    # [B, S, 8]
    expr_logits: torch.Tensor  # [B, S, 7] (s*cos(theta) for the ArcFace head)
    state: torch.Tensor | None  # [layers, B, hidden] after the last step


class StepOutput(NamedTuple):
    va: torch.Tensor    # [N, 2]
    au: torch.Tensor    # [N, 8] probabilities
    expr: torch.Tensor  # [N, 7] probabilities
    state: torch.Tensor | None  # [layers, N, hidden]


class AffectNet(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.visual = VggFaceTrunk(cfg.width, cfg.visual_fc)
        self.audio = AudioVgg(cfg.width, cfg.audio_fc) if cfg.audio else None
        fused = cfg.visual_fc + (cfg.audio_fc if cfg.audio else 0)
        self.gru = (nn.GRU(fused, cfg.gru_hidden, cfg.gru_layers, batch_first=True) if cfg.recurrent else None)
        self.heads = MultiTaskHeads(cfg.gru_hidden if cfg.recurrent else fused, cfg.expr_head, cfg.arc_scale)
        init_weights(self)

    def features(self, face: torch.Tensor, audio: torch.Tensor | None) -> torch.Tensor:
        """Per-frame fused features [M, fused] of M frames (visual fc6, concatenated with the audio embedding)."""
        x = self.visual(face)
        if self.audio is not None:
            if audio is None:
                raise ValueError('the A/V variant needs the audio log-mel input')
            x = torch.cat([x, self.audio(audio)], dim=-1)
        return x

    def forward(self, face: torch.Tensor, audio: torch.Tensor | None = None,
                state: torch.Tensor | None = None) -> SequenceOutput:
        """face [B, S, 3, 96, 96], audio [B, S, 1, 64, T] -> per-step outputs; the GRU starts from `state` (zeros)."""
        b, s = face.shape[:2]
        x = self.features(face.flatten(0, 1), None if audio is None else audio.flatten(0, 1)).view(b, s, -1)
        new_state = None
        if self.gru is not None:
            x, new_state = self.gru(x, state)
        va, au, expr = self.heads(x)
        return SequenceOutput(va, au, expr, new_state)

    def step(self, face: torch.Tensor, audio: torch.Tensor | None = None,
             state: torch.Tensor | None = None) -> StepOutput:
        """One time step: face [N, 3, 96, 96], audio [N, 1, 64, T], state [layers, N, hidden] -> probabilities."""
        x = self.features(face, audio)
        new_state = None
        if self.gru is not None:
            y, new_state = self.gru(x.unsqueeze(1), state)
            x = y.squeeze(1)
        va, au, expr = self.heads(x)
        return StepOutput(va, torch.sigmoid(au), torch.softmax(expr, dim=-1), new_state)

    def zero_state(self, n: int) -> torch.Tensor:
        return torch.zeros(self.cfg.gru_layers, n, self.cfg.gru_hidden)


def init_weights(model: AffectNet) -> None:
    """Kaiming for the ReLU convs/FCs of both streams (there are no VGG-FACE weights to start from);
    the GRU and the heads keep torch's defaults."""
    streams = [model.visual] + ([model.audio] if model.audio is not None else [])
    for stream in streams:
        for m in stream.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
                nn.init.zeros_(m.bias)


def build_model(cfg: ModelConfig, seed: int | None = None) -> AffectNet:
    if seed is not None:
        torch.manual_seed(seed)
    return AffectNet(cfg)
