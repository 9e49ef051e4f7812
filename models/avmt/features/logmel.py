"""Log-mel spectrogram, defined here once in plain numpy (float64) so the TypeScript port in
src/analyzer/audio/logMel.ts can reproduce it exactly (no torchaudio/librosa on this machine, and their
defaults differ between versions). Every constant below is written into the ONNX manifest.

Recipe (16 kHz mono):
  * samples as float: int16 / 32768 (float input is used as is);
  * frames of 400 samples (25 ms) every 160 samples (10 ms), starting at sample 0, no centre padding:
    T = 1 + (n - 400) // 160 frames (0 if n < 400);
  * periodic Hann window w[k] = 0.5 - 0.5 cos(2 pi k / 400); frame zero-padded to a 512-point FFT;
  * power spectrum |X[k]|^2, k = 0..256 (bin k at k * 16000 / 512 Hz);
  * 64 HTK-mel triangles: mel(f) = 2595 log10(1 + f / 700); 66 edge points evenly spaced in mel between
    125 Hz and 7500 Hz (VGGish's band); triangle m rises linearly *in mel* from edge m to edge m+1 and
    falls to edge m+2; weights not area-normalised (HTK);
  * natural log with an additive offset: ln(mel_energy + 1e-6);
  * layout [64, T] (mel band major), cast to float32 at the end.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Final

import numpy as np

SAMPLE_RATE: Final = 16_000
WIN_LENGTH: Final = 400   # 25 ms
HOP_LENGTH: Final = 160   # 10 ms
N_FFT: Final = 512        # next power of two above the window (radix-2 FFT in TypeScript)
N_MELS: Final = 64
F_MIN_HZ: Final = 125.0
F_MAX_HZ: Final = 7500.0
LOG_OFFSET: Final = 1e-6


def recipe() -> dict[str, object]:
    """The recipe as data, for the manifest (the server checks its TypeScript constants against it)."""
    return {
        'sampleRate': SAMPLE_RATE, 'channels': 1, 'pcmScale': 'int16 / 32768',
        'winLength': WIN_LENGTH, 'hopLength': HOP_LENGTH, 'nFft': N_FFT, 'window': 'hann-periodic',
        'center': False, 'frames': 'T = 1 + floor((n - winLength) / hopLength)', 'spectrum': 'power',
        'nMels': N_MELS, 'fMinHz': F_MIN_HZ, 'fMaxHz': F_MAX_HZ,
        'melScale': 'htk: 2595*log10(1+f/700); triangles linear in mel; no area normalisation',
        'log': 'ln(mel + 1e-6)', 'logOffset': LOG_OFFSET, 'layout': '[nMels, T]',
        'implementation': 'models/avmt/features/logmel.py == src/analyzer/audio/logMel.ts',
    }


def hz_to_mel(f: np.ndarray | float) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


@lru_cache(maxsize=1)
def hann_window() -> np.ndarray:
    k = np.arange(WIN_LENGTH, dtype=np.float64)
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * k / WIN_LENGTH)


@lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """[N_MELS, N_FFT // 2 + 1] HTK triangles, evaluated in the mel domain at each FFT bin's frequency."""
    edges = np.linspace(hz_to_mel(F_MIN_HZ), hz_to_mel(F_MAX_HZ), N_MELS + 2)
    bin_mel = hz_to_mel(np.arange(N_FFT // 2 + 1, dtype=np.float64) * SAMPLE_RATE / N_FFT)
    lo, centre, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bin_mel[None, :] - lo) / (centre - lo)
    falling = (hi - bin_mel[None, :]) / (hi - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


def frame_count(n_samples: int) -> int:
    return 0 if n_samples < WIN_LENGTH else 1 + (n_samples - WIN_LENGTH) // HOP_LENGTH


def window_samples(window_ms: int) -> int:
    return window_ms * SAMPLE_RATE // 1000


def to_float(samples: np.ndarray) -> np.ndarray:
    """int16 PCM -> float64 in [-1, 1); float PCM is taken as already scaled."""
    if samples.dtype == np.int16:
        return samples.astype(np.float64) / 32768.0
    return samples.astype(np.float64)


def log_mel(samples: np.ndarray) -> np.ndarray:
    """[N_MELS, T] float32 log-mel of a 1-D signal (int16 or float)."""
    x = to_float(np.asarray(samples).reshape(-1))
    t = frame_count(x.shape[0])
    if t == 0:
        return np.zeros((N_MELS, 0), dtype=np.float32)
    idx = np.arange(WIN_LENGTH)[None, :] + HOP_LENGTH * np.arange(t)[:, None]
    spec = np.fft.rfft(x[idx] * hann_window()[None, :], n=N_FFT, axis=1)
    power = spec.real ** 2 + spec.imag ** 2                     # [T, 257]
    mel = power @ mel_filterbank().T                              # [T, 64]
    return np.log(mel + LOG_OFFSET).T.astype(np.float32)


def trailing_window(samples: np.ndarray, end: int, length: int) -> np.ndarray:
    """samples[end - length : end], zero-padded where it reaches before 0 or past the signal: what a causal
    window sees at sample `end` (the live LogMelWindow pads the same way before it has filled)."""
    out = np.zeros(length, dtype=samples.dtype)
    start = end - length
    a, b = max(start, 0), min(end, samples.shape[0])
    if b > a:
        out[a - start:b - start] = samples[a:b]
    return out
