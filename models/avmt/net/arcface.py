"""ArcFace expression head (additive angular margin, Deng et al.), as in the paper's MT-ArcVGG.

The head scores cos(theta) between the L2-normalised feature and L2-normalised class weights. In training
the target class's angle gets the margin m: logit = s*cos(theta_y + m); at inference (and in the export)
there is no margin and the logits s*cos(theta) go through softmax.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class ArcFaceHead(nn.Module):
    """[B, d] -> [B, classes] logits s*cos(theta) (no margin: the margin belongs to the loss)."""

    def __init__(self, in_dim: int, classes: int, scale: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(classes, in_dim))
        nn.init.xavier_uniform_(self.weight)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * F.linear(F.normalize(x, dim=-1), F.normalize(self.weight, dim=-1))


def add_angular_margin(logits: torch.Tensor, target: torch.Tensor, scale: float, margin: float) -> torch.Tensor:
    """Replace each row's target logit s*cos(theta) with s*cos(theta + m).

    Past theta > pi - m, cos(theta + m) would stop decreasing in theta; as in insightface we fall back to
    cos(theta) - m*sin(m) there so the logit stays monotonic. `target` must hold valid class indices.
    """
    cos = (logits / scale).clamp(-1.0, 1.0)
    cos_t = cos.gather(-1, target.unsqueeze(-1))
    sin_t = (1.0 - cos_t * cos_t).clamp_min(1e-12).sqrt()
    phi = cos_t * math.cos(margin) - sin_t * math.sin(margin)
    phi = torch.where(cos_t > math.cos(math.pi - margin), phi, cos_t - margin * math.sin(margin))
    return (scale * cos).scatter(-1, target.unsqueeze(-1), scale * phi)
