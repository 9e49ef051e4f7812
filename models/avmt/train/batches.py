"""Batching shared by training and evaluation: a DataLoader over a fixed index order (so a resumed run
replays the same order and can skip the batches it had done) and moving batches to the device."""
from __future__ import annotations

from typing import Sequence

import torch
from torch.utils.data import DataLoader, Dataset


def loader(dataset: Dataset, order: Sequence[int], batch_size: int, workers: int) -> DataLoader:
    return DataLoader(torch.utils.data.Subset(dataset, list(order)), batch_size=batch_size, shuffle=False,
                      num_workers=workers, drop_last=False)


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


def epoch_order(n: int, seed: int, epoch: int) -> list[int]:
    """Shuffled order of epoch `epoch`, a pure function of (seed, epoch) for exact resumption."""
    g = torch.Generator().manual_seed(seed * 100_003 + epoch)
    return torch.randperm(n, generator=g).tolist()
