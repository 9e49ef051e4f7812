"""The manifest beside the ONNX file (src/models/manifest.ts, ModelManifestSchema): what the server checks
before loading, and the exact preprocessing the weights expect."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import torch

from .. import __version__
from ..config import FACE_SIZE, ModelConfig
from ..features.logmel import frame_count, recipe, window_samples
from ..labels import ACTION_UNITS, EXPRESSIONS, VA_LABELS
from ..train.checkpoint import Checkpoint
from .streaming import OPSET, StepSignature

# InsightFace/ArcFace 112x112 5-point template (x, y), the alignment of Aff-Wild2's cropped_aligned release.
ALIGN_TEMPLATE_112 = {
    'leftEye': [38.2946, 51.6963], 'rightEye': [73.5318, 51.5014], 'nose': [56.0252, 71.7366],
    'mouthLeft': [41.5493, 92.3655], 'mouthRight': [70.7299, 92.2041],
}

DESCRIPTIONS = {
    'face': 'aligned face crop, RGB, NCHW, x/127.5 - 1 (see preprocessing.face)',
    'audio': 'log-mel of the trailing audio window (see preprocessing.audio)',
    'h0': 'GRU state of this face from the previous step; zeros for a new face track',
    'va': 'valence, arousal in [-1, 1] (tanh)',
    'au': 'per-AU probability (sigmoid); the paper thresholds at 0.5',
    'expr': 'expression probabilities (softmax)',
    'h1': 'new GRU state: feed back as h0 with the next frame of the same face',
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def preprocessing(cfg: ModelConfig, seq_len: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        'face': {
            'input': 'face', 'size': [FACE_SIZE, FACE_SIZE], 'colour': 'RGB', 'layout': 'NCHW',
            'scaling': 'uint8 x -> x / 127.5 - 1 (range [-1, 1])',
            'alignment': ('similarity-aligned crop as in Aff-Wild2 cropped_aligned: 5 landmarks warped to the '
                          '112x112 ArcFace template (template112), then resized to 96x96 (bilinear, '
                          'antialiased). With BlazeFace keypoints use the eyes, nose tip and the mouth '
                          'centre (mean of mouthLeft/mouthRight).'),
            'template112': ALIGN_TEMPLATE_112,
            'templateNote': ('assumed: the standard InsightFace 5-point template; the ABAW organisers describe '
                             'cropped_aligned only as aligned 112x112 crops, so compare a few frames of your copy'),
        },
    }
    if cfg.audio:
        n = window_samples(cfg.audio_window_ms)
        out['audio'] = {
            'input': 'audio', 'windowMs': cfg.audio_window_ms, 'windowSamples': n,
            'frames': frame_count(n),
            'alignment': ('causal: the window is the audio that ends at the face frame\'s timestamp; before '
                          'enough audio has arrived the window is zero-padded on the left (silence)'),
            'logMel': recipe(),
        }
    if cfg.recurrent:
        out['state'] = {
            'input': 'h0', 'output': 'h1', 'shape': [cfg.gru_layers, 'N', cfg.gru_hidden],
            'init': 'zeros when a face track starts; carry h1 -> h0 per face; step only when the face is seen',
            'trainedSequenceLength': seq_len,
        }
    return out


def provenance(cfg: ModelConfig, ck: Checkpoint | None, seed: int) -> dict[str, Any]:
    if ck is None:
        return {
            'status': 'untrained',
            'source': f'random initialisation by models/avmt {__version__} (torch.manual_seed({seed})); no data',
            'licence': 'no third-party weights or data (affectcast code)',
            'heads': {'va': 'untrained', 'au': 'untrained', 'expr': 'untrained'},
            'notes': 'benchmark/shape use only; the server refuses it unless --allow-untrained',
        }
    heads = {t: ('trained' if ck.labelled.get(t, 0) > 0 else 'untrained') for t in ('va', 'au', 'expr')}
    # single AU outputs that never saw a label (AU20 with the 12-AU ABAW release)
    heads.update({k: 'untrained' for k, n in ck.labelled.items() if k.startswith('au.') and n == 0})
    return {
        'status': 'trained',
        'source': f'models/avmt {__version__}, trained from random initialisation on {ck.data}',
        'licence': ('weights derived from the training data named in training.data; for Aff-Wild2 that is '
                    'its EULA (non-commercial research only)'),
        'heads': heads,
        'training': {'data': ck.data, 'epochs': ck.epoch,
                     'labelled': {k: int(v) for k, v in ck.labelled.items()},
                     'metrics': {k: float(v) for k, v in ck.metrics.items()}},
        'notes': (f'variant {cfg.variant}, width {cfg.width:g}, expression head {cfg.expr_head}, '
                  f'sequence length {ck.seq_len}; labelled training frames {ck.labelled}; '
                  'metrics: Validation_Set after the last epoch'),
    }


def build_manifest(onnx_path: Path, sig: StepSignature, cfg: ModelConfig, ck: Checkpoint | None,
                   seed: int) -> dict[str, Any]:
    digest = sha256(onnx_path)
    labels = {'va': list(VA_LABELS), 'au': list(ACTION_UNITS), 'expr': list(EXPRESSIONS)}

    def spec(name: str, shape: list[int | str]) -> dict[str, Any]:
        d: dict[str, Any] = {'name': name, 'shape': shape, 'dtype': 'float32'}
        if name in labels:
            d['labels'] = labels[name]
        desc = DESCRIPTIONS[name]
        if name == 'audio':
            desc += f'; T = {frame_count(window_samples(cfg.audio_window_ms))} for the trained window'
        d['description'] = desc
        return d

    tag = (f'e{ck.epoch}-{digest[:8]}' if ck is not None else f'untrained-seed{seed}')
    return {
        'manifestVersion': 1,
        'id': 'avmt',
        'version': f'{cfg.variant}-w{cfg.width:g}-{cfg.expr_head}-{tag}',
        'file': onnx_path.name,
        'sha256': digest,
        'bytes': onnx_path.stat().st_size,
        'inputs': [spec(k, v) for k, v in sig.inputs.items()],
        'outputs': [spec(k, v) for k, v in sig.outputs.items()],
        'preprocessing': preprocessing(cfg, ck.seq_len if ck is not None else None),
        'provenance': provenance(cfg, ck, seed),
        'createdBy': f'models/avmt {__version__} export (torch {torch.__version__}, ONNX opset {OPSET})',
    }
