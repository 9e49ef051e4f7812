"""Fixed-length sequences of consecutive *present* frames of one video (80 in the paper).

Frames without an image (no face detected) are skipped, not zero-filled: the live server only steps a
face's GRU when it sees that face, so training sees the same kind of sequences. A video's last chunk is
padded at the end with masked steps (`valid` false), which cannot affect the earlier steps of a GRU.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from ..config import FACE_SIZE
from ..labels import ACTION_UNITS
from .audio import frame_windows
from .frame_store import FrameStore
from .images import to_model_input
from .layout import VideoRecord, load_split


@dataclass(frozen=True)
class Chunk:
    video: int
    frames: tuple[int, ...]


def make_chunks(videos: list[VideoRecord], seq_len: int, stride: int | None = None) -> list[Chunk]:
    """Chunks of `seq_len` present frames starting every `stride` frames (default seq_len: each frame once);
    the last chunk of a video may be shorter (padded by the dataset) so no frame is left out."""
    stride = stride or seq_len
    out = []
    for vi, v in enumerate(videos):
        present = v.present
        starts = list(range(0, max(len(present) - seq_len, 0) + 1, stride))
        while starts[-1] + seq_len < len(present):
            starts.append(starts[-1] + stride)
        out += [Chunk(vi, tuple(present[s:s + seq_len])) for s in starts if present[s:s + seq_len]]
    return out


class SequenceDataset(Dataset):
    """Items are dicts of tensors for one chunk, padded to `seq_len`:
    face [S,3,96,96] in [-1,1]; audio [S,1,64,T] (A/V only); valid [S]; va [S,2] + va_mask [S];
    au [S,8] + au_mask [S,8]; expr [S] (-1 unlabelled); frame [S] (frame numbers, 0 where padded)."""

    def __init__(self, videos: list[VideoRecord], seq_len: int, with_audio: bool, audio_window_ms: int,
                 store: FrameStore | None = None, stride: int | None = None) -> None:
        self.videos = videos
        self.seq_len = seq_len
        self.with_audio = with_audio
        self.audio_window_ms = audio_window_ms
        self.store = store or FrameStore(FACE_SIZE)
        self.chunks = make_chunks(videos, seq_len, stride)

    @classmethod
    def from_folder(cls, root: Path, split: str, seq_len: int, with_audio: bool, audio_window_ms: int,
                    default_fps: float = 30.0, cache_dir: Path | None = None,
                    stride: int | None = None) -> 'SequenceDataset':
        return cls(load_split(root, split, default_fps), seq_len, with_audio, audio_window_ms,
                   FrameStore(FACE_SIZE, cache_dir), stride)

    def __len__(self) -> int:
        return len(self.chunks)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        c = self.chunks[i]
        v = self.videos[c.video]
        k, s = len(c.frames), self.seq_len
        idx = np.asarray(c.frames) - 1
        item: dict[str, torch.Tensor] = {}
        face = torch.zeros(s, 3, self.store.size, self.store.size)
        face[:k] = to_model_input(self.store.get(v, c.frames))
        item['face'] = face
        if self.with_audio:
            mel = frame_windows(v.audio, c.frames, v.fps, self.audio_window_ms)
            audio = torch.zeros((s,) + mel.shape[1:])
            audio[:k] = torch.from_numpy(mel)
            item['audio'] = audio
        valid = torch.zeros(s, dtype=torch.bool)
        valid[:k] = True
        va = torch.full((s, 2), -5.0)
        va[:k] = torch.from_numpy(v.va[idx])
        au = torch.full((s, len(ACTION_UNITS)), -1.0)
        au[:k] = torch.from_numpy(v.au[idx])
        expr = torch.full((s,), -1, dtype=torch.long)
        expr[:k] = torch.from_numpy(v.expr[idx])
        frame = torch.zeros(s, dtype=torch.long)
        frame[:k] = torch.as_tensor(c.frames)
        item.update(valid=valid, va=va, va_mask=valid & (va.abs() <= 1).all(-1), au=au,
                    au_mask=valid[:, None] & ((au == 0) | (au == 1)), expr=expr, frame=frame,
                    video=torch.tensor(c.video))
        return item
