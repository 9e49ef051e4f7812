"""Reference log-mel data for the TypeScript port's test: a generated signal (tones + noise, fixed seed),
its full log-mel, and the trailing-window log-mel at a few end positions (what LogMelWindow must yield).
Raw little-endian files + logmel-reference.json."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .logmel import SAMPLE_RATE, log_mel, trailing_window, window_samples


def test_signal(seconds: float, seed: int) -> np.ndarray:
    """int16: three tones (one glides) + white noise + a silent gap, so bands span a wide dynamic range."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    x = (0.30 * np.sin(2 * np.pi * 220.0 * t) + 0.15 * np.sin(2 * np.pi * 1234.5 * t + 0.3)
         + 0.10 * np.sin(2 * np.pi * (3000.0 + 1500.0 * t) * t) + 0.05 * rng.standard_normal(t.shape))
    gap = (t > 0.6) & (t < 0.75)
    x[gap] = 0.0
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)


def write_logmel_reference(out: Path, seconds: float = 2.5, seed: int = 0, window_ms: int = 1000,
                           ends: tuple[int, ...] = (4000, 16000, 23456, 40000)) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    x = test_signal(seconds, seed)
    x.astype('<i2').tofile(out / 'signal.i16')
    full = log_mel(x)
    full.astype('<f4').tofile(out / 'full.f32')
    n = window_samples(window_ms)
    windows = np.stack([log_mel(trailing_window(x, e, n)) for e in ends])
    windows.astype('<f4').tofile(out / 'windows.f32')
    meta: dict[str, object] = {'samples': int(x.shape[0]), 'seed': seed, 'windowMs': window_ms,
                               'fullShape': list(full.shape), 'windowEnds': list(ends),
                               'windowsShape': list(windows.shape)}
    (out / 'logmel-reference.json').write_text(json.dumps(meta, indent=2))
    return meta
