"""Checkpoints: everything needed to resume training exactly (model, optimiser, position in the epoch)
and to export later with honest provenance (config, data, epochs, labelled-frame counts, metrics)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from ..config import ModelConfig

FORMAT = 'avmt-checkpoint/1'


@dataclass
class Checkpoint:
    config: ModelConfig
    model: dict[str, Any]
    optimizer: dict[str, Any] | None = None
    epoch: int = 0          # completed epochs
    step_in_epoch: int = 0  # batches already done in epoch `epoch` (mid-epoch resume)
    seed: int = 0
    data: str = ''
    seq_len: int = 80
    labelled: dict[str, int] = field(default_factory=dict)   # training frames labelled per task
    metrics: dict[str, float] = field(default_factory=dict)  # latest validation metrics
    history: list[dict[str, Any]] = field(default_factory=list)

    def save(self, path: Path) -> None:
        """Atomic (temp file + rename): a run killed mid-save keeps the previous checkpoint."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + '.tmp')
        torch.save({'format': FORMAT, **{k: getattr(self, k) for k in self.__dataclass_fields__
                                         if k != 'config'}, 'config': self.config.to_dict()}, tmp)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> 'Checkpoint':
        raw = torch.load(path, map_location='cpu')
        if raw.get('format') != FORMAT:
            raise ValueError(f'{path}: not an {FORMAT} file')
        raw.pop('format')
        raw['config'] = ModelConfig.from_dict(raw['config'])
        return cls(**raw)
