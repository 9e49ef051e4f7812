"""Face crops of a video at the network's size, optionally cached on disk.

Decoding through ffmpeg costs ~1 ms a frame; a training run reads every frame once per epoch, so with
--cache-dir each video is decoded once into <cache>/<video>-<size>.npy (uint8) and memory-mapped after.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from .images import decode_images, resize_uint8
from .layout import VideoRecord


class FrameStore:
    def __init__(self, size: int, cache_dir: Path | None = None) -> None:
        self.size = size
        self.cache_dir = cache_dir
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)

    def get(self, video: VideoRecord, numbers: Sequence[int]) -> np.ndarray:
        """[K, size, size, 3] uint8 for the given frame numbers (all must have an image)."""
        if self.cache_dir is None:
            return resize_uint8(decode_images([video.frames[n] for n in numbers]), self.size)
        present = video.present
        row = {n: i for i, n in enumerate(present)}
        return self._cached(video, present)[[row[n] for n in numbers]]

    def _cached(self, video: VideoRecord, present: list[int]) -> np.ndarray:
        assert self.cache_dir is not None
        path = self.cache_dir / f'{video.name}-{self.size}.npy'
        if path.is_file():
            arr = np.load(path, mmap_mode='r')
            if arr.shape[0] == len(present):
                return arr
        arr = resize_uint8(decode_images([video.frames[n] for n in present]), self.size)
        tmp = path.with_name(f'{path.name}.{os.getpid()}.tmp.npy')
        np.save(tmp, arr)
        os.replace(tmp, path)  # atomic: data-loader workers may race on the same video
        return arr
