"""A tiny Aff-Wild2 folder in the released layout, generated at test time (no data set is reachable here).

Frames are JPEGs written by ffmpeg (the loader decodes with ffmpeg too). Their content follows the labels
(brightness ~ valence, a colour per expression, a bar per active AU1) so a few training steps can learn.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ABAW_AU_HEADER = ['AU1', 'AU2', 'AU4', 'AU6', 'AU7', 'AU10', 'AU12', 'AU15', 'AU23', 'AU24', 'AU25', 'AU26']
EXPR_HEADER = 'Neutral,Anger,Disgust,Fear,Happiness,Sadness,Surprise,Other'
COLOURS = np.array([[128, 128, 128], [220, 40, 40], [60, 160, 60], [120, 60, 200], [250, 220, 60],
                    [40, 60, 160], [240, 140, 220], [20, 20, 20]], dtype=np.float64)


def require_ffmpeg() -> None:
    # Setup installs ffmpeg: a machine without it is broken, and a silently skipped test would hide that.
    if shutil.which('ffmpeg') is None:
        raise RuntimeError('ffmpeg is not installed (scripts/setup.sh installs it)')


@dataclass
class TinyVideo:
    name: str
    split: str
    frames: int
    missing: set[int] = field(default_factory=set)
    tasks: tuple[str, ...] = ('va', 'au', 'expr')
    audio_name: str | None = None  # wav file stem, if any
    fps: float | None = None       # written to fps.json if set
    va: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    au12: np.ndarray = field(default_factory=lambda: np.zeros((0, 12)))
    expr: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def write_jpegs(folder: Path, images: np.ndarray, quality: int = 2) -> None:
    """images [K, H, W, 3] uint8 -> folder/00001.jpg ... (1-based, 5 digits) with one ffmpeg call."""
    require_ffmpeg()
    folder.mkdir(parents=True, exist_ok=True)
    k, h, w, _ = images.shape
    subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24',
                    '-s', f'{w}x{h}', '-i', '-', '-start_number', '1', '-q:v', str(quality),
                    str(folder / '%05d.jpg')], input=images.tobytes(), check=True)


def write_wav(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.astype('<i2').tobytes())


def render(va: np.ndarray, au12: np.ndarray, expr: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    k = va.shape[0]
    img = np.empty((k, size, size, 3))
    for i in range(k):
        base = COLOURS[expr[i] if expr[i] >= 0 else 0] * (0.6 + 0.4 * max(va[i, 0], -1.0))
        img[i] = base + rng.normal(0, 8, (size, size, 3))
        if au12[i, 0] == 1:
            img[i, size // 4:size // 4 + 10] = 255
    return np.clip(img, 0, 255).astype(np.uint8)


def make_video(name: str, split: str, frames: int, rng: np.random.Generator, **kw: object) -> TinyVideo:
    v = TinyVideo(name, split, frames, **kw)  # type: ignore[arg-type]
    v.va = np.round(rng.uniform(-0.9, 0.9, (frames, 2)), 3)
    v.va[1] = -5  # unlabelled frame
    v.au12 = rng.integers(0, 2, (frames, 12)).astype(np.int64)
    v.au12[2] = -1
    v.expr = rng.integers(0, 7, frames)
    v.expr[3] = 7   # 'Other': unlabelled for our 7 classes
    v.expr[4] = -1
    return v


def tiny_videos(seed: int = 0, frames: int = 14) -> list[TinyVideo]:
    rng = np.random.default_rng(seed)
    return [
        make_video('vid1', 'Train_Set', frames, rng, missing={5, 9}, audio_name='vid1'),
        make_video('vid2_left', 'Train_Set', frames + 3, rng, tasks=('va', 'expr'), audio_name='vid2', fps=25.0),
        make_video('vid3', 'Validation_Set', frames, rng, missing={2}, audio_name=None),
    ]


def write_tiny_affwild2(root: Path, seed: int = 0, frames: int = 14, size: int = 112) -> list[TinyVideo]:
    """Write the folder; returns the videos with their ground truth (12-AU rows, 'Other' = 7 kept)."""
    rng = np.random.default_rng(seed + 1)
    videos = tiny_videos(seed, frames)
    fps: dict[str, float] = {}
    for v in videos:
        write_jpegs(root / 'cropped_aligned' / v.name, render(v.va, v.au12, v.expr, rng, size))
        for f in v.missing:
            (root / 'cropped_aligned' / v.name / f'{f:05d}.jpg').unlink()
        if 'va' in v.tasks:
            _write(root / 'VA_Estimation_Challenge' / v.split / f'{v.name}.txt', 'valence,arousal',
                   [f'{a:g},{b:g}' for a, b in v.va])
        if 'au' in v.tasks:
            _write(root / 'AU_Detection_Challenge' / v.split / f'{v.name}.txt', ','.join(ABAW_AU_HEADER),
                   [','.join(str(int(x)) for x in row) for row in v.au12])
        if 'expr' in v.tasks:
            _write(root / 'EXPR_Classification_Challenge' / v.split / f'{v.name}.txt', EXPR_HEADER,
                   [str(int(x)) for x in v.expr])
        if v.audio_name:
            n = int(16000 * (v.frames / (v.fps or 30.0) + 0.5))
            write_wav(root / 'audio' / f'{v.audio_name}.wav', (rng.normal(0, 3000, n)).astype(np.int16))
        if v.fps:
            fps[v.name] = v.fps
    (root / 'fps.json').write_text(json.dumps(fps))
    return videos


def _write(path: Path, header: str, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join([header] + rows) + '\n')
