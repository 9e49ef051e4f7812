"""Reference data for the Node equivalence test: random inputs for S steps and the PyTorch model's outputs
over the *whole sequence* (GRU unrolled by torch). Node runs the exported single step S times, carrying
h1 -> h0, and must reproduce them. Raw little-endian float32, step-major ([S, N, ...]), + reference.json."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ..net.model import AffectNet
from .streaming import audio_frames


def write_reference(model: AffectNet, out: Path, steps: int, batch: int, seed: int = 1) -> dict[str, object]:
    cfg = model.cfg
    g = torch.Generator().manual_seed(seed)
    face = torch.rand(batch, steps, 3, 96, 96, generator=g) * 2 - 1
    # log-mel-like magnitudes (the export's numerics do not depend on where they came from)
    audio = (torch.randn(batch, steps, 1, 64, audio_frames(model), generator=g) * 3 - 6) if cfg.audio else None
    h0 = (torch.randn(cfg.gru_layers, batch, cfg.gru_hidden, generator=g) * 0.5) if cfg.recurrent else None
    model.eval()
    with torch.no_grad():
        o = model(face, audio, h0)
    arrays: dict[str, torch.Tensor] = {
        'face': face.transpose(0, 1), 'va': o.va.transpose(0, 1),
        'au': torch.sigmoid(o.au_logits).transpose(0, 1), 'expr': torch.softmax(o.expr_logits, -1).transpose(0, 1),
    }
    if audio is not None:
        arrays['audio'] = audio.transpose(0, 1)
    if h0 is not None and o.state is not None:
        arrays['h0'], arrays['h_final'] = h0, o.state
    out.mkdir(parents=True, exist_ok=True)
    meta: dict[str, object] = {'steps': steps, 'batch': batch, 'dtype': 'float32-le', 'arrays': {}}
    for name, t in arrays.items():
        a = np.ascontiguousarray(t.numpy().astype('<f4'))
        a.tofile(out / f'{name}.f32')
        meta['arrays'][name] = {'file': f'{name}.f32', 'shape': list(a.shape)}  # type: ignore[index]
    (out / 'reference.json').write_text(json.dumps(meta, indent=2))
    return meta
