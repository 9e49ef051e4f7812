"""Where things are in an Aff-Wild2 folder (the ABAW release layout), and one record per video.

    DATA/cropped_aligned/<video>/00001.jpg ...        1-based, 5-digit frame numbers; a missing number means
                                                      no face was found in that frame (skipped)
    DATA/<Task>_Challenge/{Train_Set,Validation_Set}/<video>.txt    one file per video and task
    DATA/audio/<video>.wav                            optional, 16 kHz mono 16-bit PCM; for the two-person
                                                      videos (<name>_left / <name>_right) <name>.wav is used
    DATA/fps.json                                     optional {"<video>": 30.0, ...}; default --default-fps 30

A split's videos are the union of the annotation files of the three tasks; a task a video has no file for
is unlabelled throughout that video.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..labels import ACTION_UNITS, TASK_DIRS
from .annotations import read_au, read_expr, read_va

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.ppm')
_FRAME_NAME = re.compile(r'^(\d+)$')
_PERSON_SUFFIX = re.compile(r'_(left|right)$')


@dataclass
class VideoRecord:
    """Labels of one video as arrays over frames 1..n_frames (index = frame number - 1)."""

    name: str
    frames: dict[int, Path]  # frame number -> image, only frames that have one
    n_frames: int
    va: np.ndarray    # [n, 2], -5 unlabelled
    au: np.ndarray    # [n, 8], -1 unlabelled
    expr: np.ndarray  # [n], -1 unlabelled
    fps: float
    audio: Path | None
    has_task: dict[str, bool] = field(default_factory=dict)

    @property
    def present(self) -> list[int]:
        """Frame numbers that have an image, in order (what the network is fed)."""
        return sorted(self.frames)


def _frame_images(folder: Path) -> dict[int, Path]:
    out: dict[int, Path] = {}
    if folder.is_dir():
        for p in folder.iterdir():
            m = _FRAME_NAME.match(p.stem)
            if m and p.suffix.lower() in IMAGE_EXTENSIONS:
                out[int(m.group(1))] = p
    return out


def _pad(a: np.ndarray, n: int, fill: float) -> np.ndarray:
    if a.shape[0] >= n:
        return a[:n]
    pad = np.full((n - a.shape[0],) + a.shape[1:], fill, dtype=a.dtype)
    return np.concatenate([a, pad])


def audio_path(root: Path, video: str) -> Path | None:
    for name in (video, _PERSON_SUFFIX.sub('', video)):
        p = root / 'audio' / f'{name}.wav'
        if p.is_file():
            return p
    return None


def read_fps(root: Path) -> dict[str, float]:
    p = root / 'fps.json'
    return {k: float(v) for k, v in json.loads(p.read_text()).items()} if p.is_file() else {}


def list_videos(root: Path, split: str) -> list[str]:
    names: set[str] = set()
    for task_dir in TASK_DIRS.values():
        d = root / task_dir / split
        if d.is_dir():
            names.update(p.stem for p in d.glob('*.txt'))
    return sorted(names)


def load_split(root: Path, split: str, default_fps: float = 30.0) -> list[VideoRecord]:
    """All videos of a split with their labels; raises if the split has no annotation files at all."""
    names = list_videos(root, split)
    if not names:
        raise FileNotFoundError(f'no annotation files under {root}/*_Challenge/{split}/')
    fps = read_fps(root)
    return [load_video(root, split, n, fps.get(n, fps.get(_PERSON_SUFFIX.sub('', n), default_fps))) for n in names]


def load_video(root: Path, split: str, name: str, fps: float) -> VideoRecord:
    files = {task: root / d / split / f'{name}.txt' for task, d in TASK_DIRS.items()}
    va = read_va(files['va']) if files['va'].is_file() else np.zeros((0, 2), np.float32)
    au = read_au(files['au']) if files['au'].is_file() else np.zeros((0, len(ACTION_UNITS)), np.float32)
    expr = read_expr(files['expr']) if files['expr'].is_file() else np.zeros((0,), np.int64)
    frames = _frame_images(root / 'cropped_aligned' / name)
    n = max(va.shape[0], au.shape[0], expr.shape[0], max(frames, default=0))
    return VideoRecord(
        name=name, frames=frames, n_frames=n,
        va=_pad(va, n, -5.0), au=_pad(au, n, -1.0), expr=_pad(expr, n, -1),
        fps=fps, audio=audio_path(root, name),
        has_task={task: f.is_file() for task, f in files.items()},
    )
