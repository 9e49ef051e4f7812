"""The three task heads. The paper has one 17-unit output layer (2 VA + 8 AU + 7 Expr); three linear
layers over the same features are the same function and keep each task's activation beside its units."""
from __future__ import annotations

import torch
from torch import nn

from ..labels import ACTION_UNITS, EXPRESSIONS
from .arcface import ArcFaceHead


class MultiTaskHeads(nn.Module):
    """features [.., d] -> (valence/arousal in [-1, 1] (tanh), AU logits, expression logits)."""

    def __init__(self, in_dim: int, expr_head: str, arc_scale: float) -> None:
        super().__init__()
        self.va = nn.Linear(in_dim, 2)
        self.au = nn.Linear(in_dim, len(ACTION_UNITS))
        self.expr: nn.Module = (ArcFaceHead(in_dim, len(EXPRESSIONS), arc_scale) if expr_head == 'arcface'
                                else nn.Linear(in_dim, len(EXPRESSIONS)))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return torch.tanh(self.va(x)), self.au(x), self.expr(x)
