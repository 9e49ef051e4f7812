"""The model as one time step for onnxruntime: the server keeps each tracked face's GRU state between
frames and feeds it back, so a single exported step serves any sequence length and many faces per batch.

Inputs (by variant): face [N,3,96,96] RGB in [-1,1]; audio [N,1,64,T] log-mel (A/V only); h0 [2,N,128]
(recurrent only). Outputs: va [N,2] (tanh), au [N,8] (sigmoid), expr [N,7] (softmax; s*cos(theta) logits
for ArcFace), h1 [2,N,128] (recurrent only).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..config import FACE_SIZE
from ..features.logmel import N_MELS, frame_count, window_samples
from ..net.model import AffectNet

OPSET = 13  # the opset that exports, checks and runs with this torch / onnx / onnxruntime-node combination


class _Step(nn.Module):
    def __init__(self, model: AffectNet) -> None:
        super().__init__()
        self.model = model

    def forward(self, face: torch.Tensor) -> tuple[torch.Tensor, ...]:
        o = self.model.step(face)
        return o.va, o.au, o.expr


class _RecurrentStep(_Step):
    def forward(self, face: torch.Tensor, h0: torch.Tensor) -> tuple[torch.Tensor, ...]:  # type: ignore[override]
        o = self.model.step(face, None, h0)
        assert o.state is not None
        return o.va, o.au, o.expr, o.state


class _AudioVisualStep(_Step):
    def forward(self, face: torch.Tensor, audio: torch.Tensor,  # type: ignore[override]
                h0: torch.Tensor) -> tuple[torch.Tensor, ...]:
        o = self.model.step(face, audio, h0)
        assert o.state is not None
        return o.va, o.au, o.expr, o.state


@dataclass(frozen=True)
class StepSignature:
    inputs: dict[str, list[int | str]]
    outputs: dict[str, list[int | str]]


def audio_frames(model: AffectNet) -> int:
    """T of the audio input for the window the model was trained with (98 for 1000 ms)."""
    return frame_count(window_samples(model.cfg.audio_window_ms))


def signature(model: AffectNet) -> StepSignature:
    cfg = model.cfg
    ins: dict[str, list[int | str]] = {'face': ['N', 3, FACE_SIZE, FACE_SIZE]}
    outs: dict[str, list[int | str]] = {'va': ['N', 2], 'au': ['N', 8], 'expr': ['N', 7]}
    if cfg.audio:
        ins['audio'] = ['N', 1, N_MELS, 'T']
    if cfg.recurrent:
        ins['h0'] = [cfg.gru_layers, 'N', cfg.gru_hidden]
        outs['h1'] = [cfg.gru_layers, 'N', cfg.gru_hidden]
    return StepSignature(ins, outs)


def export_step(model: AffectNet, path: Path, opset: int = OPSET) -> StepSignature:
    """Write the one-step graph with symbolic batch N (and audio frames T)."""
    model = model.eval()
    cfg = model.cfg
    sig = signature(model)
    n = 2  # trace with N > 1 so nothing gets specialised to a batch of one
    example: list[torch.Tensor] = [torch.zeros(n, 3, FACE_SIZE, FACE_SIZE)]
    wrapper: _Step = _Step(model)
    if cfg.audio:
        example.append(torch.zeros(n, 1, N_MELS, audio_frames(model)))
        wrapper = _AudioVisualStep(model)
    elif cfg.recurrent:
        wrapper = _RecurrentStep(model)
    if cfg.recurrent:
        example.append(model.zero_state(n))
    dynamic: dict[str, dict[int, str]] = {}
    for name, shape in {**sig.inputs, **sig.outputs}.items():
        dynamic[name] = {i: d for i, d in enumerate(shape) if isinstance(d, str)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad(), warnings.catch_warnings():
        # torch 1.13's two known false alarms for this graph: GRU "batch size other than 1" (h0 is an
        # input, which is its own advice; the Node test runs other batch sizes) and prim::Constant shape
        # inference (constants are folded).
        warnings.filterwarnings('ignore', message='Exporting a model to ONNX with a batch_size other than 1')
        warnings.filterwarnings('ignore', message='The shape inference of prim::Constant type is missing')
        torch.onnx.export(wrapper, tuple(example), str(path), input_names=list(sig.inputs),
                          output_names=list(sig.outputs), dynamic_axes=dynamic, opset_version=opset,
                          do_constant_folding=True)
    return sig
