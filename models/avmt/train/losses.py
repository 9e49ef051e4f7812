"""Masked multi-task loss: 1 - CCC for valence/arousal, binary cross-entropy for AUs, cross-entropy (or
ArcFace) for expressions.

Aff-Wild2 labels each task on different frames, so every term selects its labelled entries by boolean
indexing before computing anything: unlabelled (and padded) frames' predictions never enter the loss,
not even multiplied by zero (a NaN there would otherwise poison the sum).
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F

from ..config import ModelConfig
from ..net.arcface import add_angular_margin
from ..net.model import SequenceOutput


class LossParts(NamedTuple):
    total: torch.Tensor
    va: torch.Tensor
    au: torch.Tensor
    expr: torch.Tensor


def ccc(x: torch.Tensor, y: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Concordance correlation coefficient of two 1-D tensors (population moments)."""
    mx, my = x.mean(), y.mean()
    vx, vy = (x - mx).pow(2).mean(), (y - my).pow(2).mean()
    cov = ((x - mx) * (y - my)).mean()
    return 2.0 * cov / (vx + vy + (mx - my).pow(2) + eps)


def _empty(selected: torch.Tensor) -> torch.Tensor:
    """A zero that stays in the graph (sum of an empty selection), for a batch without labels of a task."""
    return selected.sum() * 0.0


def va_loss(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """1 - (CCC_valence + CCC_arousal) / 2 over the labelled frames of the batch (CCC needs >= 2 frames)."""
    p, t = pred[mask], target[mask]
    if p.shape[0] < 2:
        return _empty(p)
    return 1.0 - 0.5 * (ccc(p[:, 0], t[:, 0]) + ccc(p[:, 1], t[:, 1]))


def au_loss(logits: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy over labelled (frame, AU) entries."""
    z = logits[mask]
    if z.numel() == 0:
        return _empty(z)
    return F.binary_cross_entropy_with_logits(z, target[mask])


def expr_loss(logits: torch.Tensor, target: torch.Tensor, cfg: ModelConfig) -> torch.Tensor:
    """Cross-entropy over frames with an expression label (target >= 0); with the ArcFace head the target
    logit first gets the additive angular margin."""
    sel = target >= 0
    z, y = logits[sel], target[sel]
    if y.numel() == 0:
        return _empty(z)
    if cfg.expr_head == 'arcface':
        z = add_angular_margin(z, y, cfg.arc_scale, cfg.arc_margin)
    return F.cross_entropy(z, y)


def multitask_loss(out: SequenceOutput, batch: dict[str, torch.Tensor], cfg: ModelConfig,
                   weights: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> LossParts:
    va = va_loss(out.va, batch['va'], batch['va_mask'])
    au = au_loss(out.au_logits, batch['au'], batch['au_mask'])
    ex = expr_loss(out.expr_logits, batch['expr'], cfg)
    return LossParts(weights[0] * va + weights[1] * au + weights[2] * ex, va, au, ex)
