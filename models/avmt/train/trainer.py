"""The training loop: Adam on the masked multi-task loss over shuffled fixed-length sequences, a
checkpoint every N steps and after every epoch (resumable mid-epoch), validation after each epoch when
the data has a Validation_Set, and best.pt by the mean of the task totals."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..config import ModelConfig
from ..labels import ACTION_UNITS
from ..data.sequences import SequenceDataset
from ..data.layout import list_videos
from ..net.model import build_model
from .batches import epoch_order, loader, to_device
from .checkpoint import Checkpoint
from .evaluate import evaluate
from .losses import multitask_loss
from .metrics import score
from .progress import Progress

TRAIN, VAL = 'Train_Set', 'Validation_Set'


@dataclass
class TrainOptions:
    data: Path
    out: Path
    epochs: int = 1
    seq_len: int = 80
    batch_size: int = 4
    lr: float = 1e-4
    seed: int = 0
    resume: bool = False
    device: str = 'cpu'
    workers: int = 0
    cache_dir: Path | None = None
    default_fps: float = 30.0
    stride: int | None = None
    max_steps_per_epoch: int | None = None
    checkpoint_every: int = 0
    loss_weights: tuple[float, float, float] = (1.0, 1.0, 1.0)
    validate: bool = True
    val_max_batches: int | None = None
    progress: bool = True


def labelled_counts(ds: SequenceDataset) -> dict[str, int]:
    """Labelled frames per task (and per AU, as 'au.AU20' etc.) among the frames the network is fed:
    recorded so the export marks a head, or a single AU output, 'trained' only if it saw labels."""
    va = au = ex = 0
    per_au = np.zeros(len(ACTION_UNITS), np.int64)
    for v in ds.videos:
        idx = np.asarray(v.present, dtype=np.int64) - 1
        au_labelled = (v.au[idx] == 0) | (v.au[idx] == 1)
        va += int((np.abs(v.va[idx]) <= 1).all(-1).sum())
        au += int(au_labelled.any(-1).sum())
        per_au += au_labelled.sum(0)
        ex += int((v.expr[idx] >= 0).sum())
    return {'va': va, 'au': au, 'expr': ex, **{f'au.{n}': int(c) for n, c in zip(ACTION_UNITS, per_au)}}


def train(cfg: ModelConfig, o: TrainOptions) -> Checkpoint:
    o.out.mkdir(parents=True, exist_ok=True)
    last = o.out / 'checkpoint.pt'
    ck: Checkpoint | None = Checkpoint.load(last) if o.resume and last.is_file() else None
    if ck is not None:
        if ck.config != cfg:
            print(f'resume: using the checkpoint\'s model config {ck.config}', file=sys.stderr)
        cfg, o.seq_len, o.seed = ck.config, ck.seq_len, ck.seed
    device = torch.device(o.device)
    model = build_model(cfg, o.seed).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=o.lr)
    if ck is not None:
        model.load_state_dict(ck.model)
        if ck.optimizer:
            opt.load_state_dict(ck.optimizer)
    mk = lambda split: SequenceDataset.from_folder(o.data, split, o.seq_len, cfg.audio, cfg.audio_window_ms,
                                                   o.default_fps, o.cache_dir, o.stride if split == TRAIN else None)
    train_ds = mk(TRAIN)
    val_ds = mk(VAL) if o.validate and list_videos(o.data, VAL) else None
    if ck is None:
        ck = Checkpoint(cfg, {}, seed=o.seed, data=str(o.data.resolve()), seq_len=o.seq_len,
                        labelled=labelled_counts(train_ds))
        unlabelled = [k for k, n in ck.labelled.items() if n == 0]
        if unlabelled:
            print(f'train: no labelled frames for {unlabelled}; those outputs stay untrained', file=sys.stderr)
    best = max((score(h.get('val', {})) for h in ck.history), default=float('-inf'))

    def save(epoch: int, step: int) -> None:
        ck.model, ck.optimizer, ck.epoch, ck.step_in_epoch = model.state_dict(), opt.state_dict(), epoch, step
        ck.save(last)

    for epoch in range(ck.epoch, o.epochs):
        order = epoch_order(len(train_ds), o.seed, epoch)
        steps = (len(order) + o.batch_size - 1) // o.batch_size
        if o.max_steps_per_epoch:
            steps = min(steps, o.max_steps_per_epoch)
        skip = ck.step_in_epoch if epoch == ck.epoch else 0
        order = order[skip * o.batch_size:steps * o.batch_size]
        model.train()
        bar = Progress(steps - skip, f'epoch {epoch + 1}/{o.epochs}', enabled=o.progress)
        losses = []
        for i, batch in enumerate(loader(train_ds, order, o.batch_size, o.workers), start=skip + 1):
            b = to_device(batch, device)
            parts = multitask_loss(model(b['face'], b.get('audio')), b, cfg, o.loss_weights)
            opt.zero_grad(set_to_none=True)
            parts.total.backward()
            opt.step()
            losses.append(float(parts.total))
            bar.update(loss=losses[-1], va=float(parts.va), au=float(parts.au), expr=float(parts.expr))
            if o.checkpoint_every and i % o.checkpoint_every == 0 and i < steps:
                save(epoch, i)
        bar.close()
        entry: dict = {'epoch': epoch + 1, 'train_loss': float(np.mean(losses)) if losses else None}
        if val_ds is not None:
            entry['val'] = evaluate(model, val_ds, o.batch_size, o.workers, device, o.progress, o.val_max_batches)
            ck.metrics = entry['val']
        ck.history.append(entry)
        save(epoch + 1, 0)
        if val_ds is None or score(entry['val']) > best:
            best = score(entry.get('val', {}))
            ck.save(o.out / 'best.pt')
        print(json.dumps(entry), file=sys.stderr)
    (o.out / 'history.json').write_text(json.dumps(ck.history, indent=2))
    return ck
