"""Per-video audio and the trailing log-mel window of each frame.

Frame number f (1-based) is shown at t = (f - 1) / fps. Causality: the window for frame f is the
`window_ms` of audio that *ends* at t (samples [round(t*16000) - W, round(t*16000))), zero-padded before
the start (and past the end) of the audio; the live LogMelWindow pads the same way until it has filled.
"""
from __future__ import annotations

import wave
from pathlib import Path
from typing import Sequence

import numpy as np

from ..features.logmel import N_MELS, SAMPLE_RATE, frame_count, log_mel, window_samples


def check_wav(w: wave.Wave_read, path: Path) -> None:
    """Only 16 kHz mono 16-bit PCM: resampling here would silently differ from the server's decoder."""
    if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (SAMPLE_RATE, 1, 2):
        raise ValueError(f'{path}: need 16 kHz mono 16-bit PCM, got {w.getframerate()} Hz, '
                         f'{w.getnchannels()} ch, {8 * w.getsampwidth()} bit; convert with '
                         f'ffmpeg -i <video> -ac 1 -ar 16000 -c:a pcm_s16le {path.name}')


def read_segment(path: Path | None, start: int, end: int) -> np.ndarray:
    """int16 samples [start, end) of a wav, zero where the range leaves the file (or there is no file).
    Reads only that range, so an 80-frame sequence of a long video costs a few kB of I/O."""
    out = np.zeros(max(end - start, 0), np.int16)
    if path is None:
        return out
    with wave.open(str(path), 'rb') as w:
        check_wav(w, path)
        a, b = max(start, 0), min(end, w.getnframes())
        if b > a:
            w.setpos(a)
            out[a - start:b - start] = np.frombuffer(w.readframes(b - a), dtype='<i2')
    return out


def frame_end_sample(frame: int, fps: float) -> int:
    return int(round((frame - 1) * SAMPLE_RATE / fps))


def frame_windows(path: Path | None, frames: Sequence[int], fps: float, window_ms: int) -> np.ndarray:
    """[K, 1, 64, T] float32 log-mel of each frame's trailing window (silence if the video has no audio)."""
    n = window_samples(window_ms)
    out = np.empty((len(frames), 1, N_MELS, frame_count(n)), np.float32)
    if not frames:
        return out
    ends = [frame_end_sample(f, fps) for f in frames]
    lo = min(ends) - n
    seg = read_segment(path, lo, max(ends))
    for i, e in enumerate(ends):
        out[i, 0] = log_mel(seg[e - n - lo:e - lo])
    return out
