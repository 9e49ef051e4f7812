"""Run a model over a split's sequences and score it with the paper's metrics."""
from __future__ import annotations

import numpy as np
import torch

from ..data.sequences import SequenceDataset
from ..net.model import AffectNet
from .batches import loader, to_device
from .metrics import au_metrics, expr_metrics, va_metrics
from .progress import Progress


@torch.no_grad()
def evaluate(model: AffectNet, dataset: SequenceDataset, batch_size: int = 4, workers: int = 0,
             device: torch.device | None = None, progress: bool = True,
             max_batches: int | None = None) -> dict[str, float]:
    """Metrics over every labelled frame of `dataset` (each chunk starts from a zero GRU state)."""
    device = device or torch.device('cpu')
    model.eval()
    va_p, va_t, au_p, au_t, au_m, ex_p, ex_t = [], [], [], [], [], [], []
    n = len(dataset) if max_batches is None else min(len(dataset), max_batches * batch_size)
    bar = Progress((n + batch_size - 1) // batch_size, 'evaluate', enabled=progress)
    for batch in loader(dataset, range(n), batch_size, workers):
        b = to_device(batch, device)
        out = model(b['face'], b.get('audio'))
        m = b['va_mask']
        va_p.append(out.va[m].cpu().numpy())
        va_t.append(b['va'][m].cpu().numpy())
        m = b['au_mask'].any(-1)
        au_p.append(torch.sigmoid(out.au_logits[m]).cpu().numpy())
        au_t.append(b['au'][m].cpu().numpy())
        au_m.append(b['au_mask'][m].cpu().numpy())
        m = b['expr'] >= 0
        ex_p.append(out.expr_logits[m].argmax(-1).cpu().numpy())
        ex_t.append(b['expr'][m].cpu().numpy())
        bar.update()
    bar.close()
    return {**va_metrics(np.concatenate(va_p), np.concatenate(va_t)),
            **au_metrics(np.concatenate(au_p), np.concatenate(au_t), np.concatenate(au_m)),
            **expr_metrics(np.concatenate(ex_p), np.concatenate(ex_t))}
