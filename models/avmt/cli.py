"""Command line: train, evaluate, export (+ logmel-reference for the TypeScript test).

  /usr/bin/python3 -m models.avmt train --data DIR --out DIR --epochs N --seq-len 80 \\
        --variant mt-vgg|mt-vgg-rnn|av-mt-vgg-rnn --width 1.0 --expr-head softmax|arcface [--resume] ...
  /usr/bin/python3 -m models.avmt evaluate --checkpoint C --data DIR [--split Validation_Set]
  /usr/bin/python3 -m models.avmt export (--checkpoint C | --untrained) --out DIR [--width W] \\
        [--reference-steps S]
  /usr/bin/python3 -m models.avmt logmel-reference --out DIR
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from .config import EXPR_HEADS, VARIANTS, ModelConfig


def _model_args(p: argparse.ArgumentParser) -> None:
    """Architecture flags; default None so `export --checkpoint` can tell what was given explicitly."""
    p.add_argument('--variant', choices=VARIANTS, default=None, help='default av-mt-vgg-rnn')
    p.add_argument('--width', type=float, default=None, help='channel multiplier (default 1.0)')
    p.add_argument('--fc-width', type=int, default=None, help='visual FC units (default 4096*width)')
    p.add_argument('--audio-embed', type=int, default=None, help='audio FC units (default 512*width)')
    p.add_argument('--expr-head', choices=EXPR_HEADS, default=None, help='default softmax')
    p.add_argument('--arc-margin', type=float, default=None, help='ArcFace additive angular margin (0.5)')
    p.add_argument('--arc-scale', type=float, default=None, help='ArcFace scale s (30)')
    p.add_argument('--audio-window-ms', type=int, default=None, help='trailing audio window (1000)')


def _config(a: argparse.Namespace) -> ModelConfig:
    keys = ('variant', 'width', 'fc_width', 'audio_embed', 'expr_head', 'arc_margin', 'arc_scale',
            'audio_window_ms')
    return ModelConfig(**{k: getattr(a, k) for k in keys if getattr(a, k) is not None})


def _given_model_args(a: argparse.Namespace) -> list[str]:
    return [k for k in ('variant', 'width', 'fc_width', 'audio_embed', 'expr_head', 'arc_margin', 'arc_scale',
                        'audio_window_ms') if getattr(a, k) is not None]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog='python3 -m models.avmt', description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='command', required=True)

    t = sub.add_parser('train', help='train on an Aff-Wild2 folder (Train_Set; validates on Validation_Set)')
    t.add_argument('--data', type=Path, required=True)
    t.add_argument('--out', type=Path, required=True, help='checkpoint.pt, best.pt, history.json go here')
    t.add_argument('--epochs', type=int, default=1)
    t.add_argument('--seq-len', type=int, default=80)
    t.add_argument('--stride', type=int, default=None, help='frames between sequence starts (default seq-len)')
    t.add_argument('--batch-size', type=int, default=4, help='sequences per batch')
    t.add_argument('--lr', type=float, default=1e-4)
    t.add_argument('--seed', type=int, default=0)
    t.add_argument('--resume', action='store_true', help='continue from OUT/checkpoint.pt if present')
    t.add_argument('--checkpoint-every', type=int, default=0, help='also save every N steps (mid-epoch resume)')
    t.add_argument('--max-steps-per-epoch', type=int, default=None)
    t.add_argument('--loss-weights', default='1,1,1', help='VA,AU,Expr loss weights')
    t.add_argument('--no-validate', action='store_true')
    t.add_argument('--val-max-batches', type=int, default=None)
    _data_args(t)
    _model_args(t)

    e = sub.add_parser('evaluate', help='metrics of a checkpoint on a split')
    e.add_argument('--checkpoint', type=Path, required=True)
    e.add_argument('--data', type=Path, required=True)
    e.add_argument('--split', default='Validation_Set')
    e.add_argument('--seq-len', type=int, default=None, help="default: the checkpoint's")
    e.add_argument('--batch-size', type=int, default=4)
    e.add_argument('--out', type=Path, default=None, help='also write the metrics JSON here')
    _data_args(e)

    x = sub.add_parser('export', help='streaming ONNX (one time step) + manifest: OUT/avmt.onnx, OUT/avmt.json')
    src = x.add_mutually_exclusive_group(required=True)
    src.add_argument('--checkpoint', type=Path)
    src.add_argument('--untrained', action='store_true', help='random weights (benchmarks only)')
    x.add_argument('--out', type=Path, required=True)
    x.add_argument('--seed', type=int, default=0, help='initialisation seed for --untrained')
    x.add_argument('--reference-steps', type=int, default=0,
                   help='also write OUT/reference/: S steps of inputs and the PyTorch sequence outputs')
    x.add_argument('--reference-batch', type=int, default=2)
    _model_args(x)

    r = sub.add_parser('logmel-reference', help='reference log-mel data for src/analyzer/audio/logMel.ts tests')
    r.add_argument('--out', type=Path, required=True)
    r.add_argument('--seed', type=int, default=0)
    r.add_argument('--seconds', type=float, default=2.5)
    r.add_argument('--window-ms', type=int, default=1000)
    return p


def _data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--workers', type=int, default=0, help='DataLoader worker processes')
    p.add_argument('--cache-dir', type=Path, default=None, help='decode each video once into .npy here')
    p.add_argument('--default-fps', type=float, default=30.0, help='for videos missing from DATA/fps.json')
    p.add_argument('--no-progress', action='store_true')


def cmd_train(a: argparse.Namespace) -> int:
    from .train.trainer import TrainOptions, train
    w = tuple(float(v) for v in a.loss_weights.split(','))
    if len(w) != 3:
        raise SystemExit('--loss-weights needs three numbers: VA,AU,Expr')
    ck = train(_config(a), TrainOptions(
        data=a.data, out=a.out, epochs=a.epochs, seq_len=a.seq_len, batch_size=a.batch_size, lr=a.lr,
        seed=a.seed, resume=a.resume, device=a.device, workers=a.workers, cache_dir=a.cache_dir,
        default_fps=a.default_fps, stride=a.stride, max_steps_per_epoch=a.max_steps_per_epoch,
        checkpoint_every=a.checkpoint_every, loss_weights=(w[0], w[1], w[2]), validate=not a.no_validate,
        val_max_batches=a.val_max_batches, progress=not a.no_progress))
    print(json.dumps({'epochs': ck.epoch, 'metrics': ck.metrics, 'checkpoint': str(a.out / 'checkpoint.pt')}))
    return 0


def cmd_evaluate(a: argparse.Namespace) -> int:
    from .data.sequences import SequenceDataset
    from .net.model import build_model
    from .train.checkpoint import Checkpoint
    from .train.evaluate import evaluate
    ck = Checkpoint.load(a.checkpoint)
    model = build_model(ck.config)
    model.load_state_dict(ck.model)
    ds = SequenceDataset.from_folder(a.data, a.split, a.seq_len or ck.seq_len, ck.config.audio,
                                     ck.config.audio_window_ms, a.default_fps, a.cache_dir)
    metrics = evaluate(model.to(a.device), ds, a.batch_size, a.workers, torch.device(a.device), not a.no_progress)
    text = json.dumps(metrics, indent=2)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)
    print(text)
    return 0


def cmd_export(a: argparse.Namespace) -> int:
    from .export.manifest import build_manifest
    from .export.reference import write_reference
    from .export.streaming import export_step
    from .net.model import build_model
    from .train.checkpoint import Checkpoint
    ck = None
    if a.checkpoint:
        ck = Checkpoint.load(a.checkpoint)
        if _given_model_args(a):
            print(f'export: ignoring {_given_model_args(a)}; the checkpoint defines the model', file=sys.stderr)
        cfg = ck.config
        model = build_model(cfg)
        model.load_state_dict(ck.model)
    else:
        cfg = _config(a)
        model = build_model(cfg, a.seed)
    model.eval()
    onnx_path = a.out / 'avmt.onnx'
    t0 = time.monotonic()
    sig = export_step(model, onnx_path)
    seconds = time.monotonic() - t0
    manifest = build_manifest(onnx_path, sig, cfg, ck, a.seed)
    (a.out / 'avmt.json').write_text(json.dumps(manifest, indent=2) + '\n')
    if a.reference_steps > 0:
        write_reference(model, a.out / 'reference', a.reference_steps, a.reference_batch)
    print(json.dumps({'onnx': str(onnx_path), 'manifest': str(a.out / 'avmt.json'), 'bytes': manifest['bytes'],
                      'exportSeconds': round(seconds, 3)}))
    return 0


def cmd_logmel_reference(a: argparse.Namespace) -> int:
    from .features.reference import write_logmel_reference
    print(json.dumps(write_logmel_reference(a.out, a.seconds, a.seed, a.window_ms)))
    return 0


def main(argv: list[str] | None = None) -> int:
    a = parser().parse_args(argv)
    return {'train': cmd_train, 'evaluate': cmd_evaluate, 'export': cmd_export,
            'logmel-reference': cmd_logmel_reference}[a.command](a)
