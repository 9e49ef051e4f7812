"""Face images -> [K, 96, 96, 3] uint8, through ffmpeg.

There is no Python image decoder on this machine (no PIL, OpenCV or torchvision), while ffmpeg is already a
run-time dependency of the server, so frames are decoded by one ffmpeg process per batch of files (concat
demuxer -> PPM stream on stdout). Accepted: .jpg/.jpeg/.png/.bmp/.ppm. Within one ffmpeg call every frame
comes out at the first frame's size (Aff-Wild2's cropped_aligned frames are all 112x112); the resize to
96x96 is then done here (bilinear, antialiased, rounded to uint8), identically with or without the cache.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

FFMPEG = os.environ.get('AVMT_FFMPEG', 'ffmpeg')


def _ffmpeg() -> str:
    exe = shutil.which(FFMPEG)
    if exe is None:
        raise RuntimeError(f'ffmpeg not found ({FFMPEG!r}); the loader decodes frame images with it '
                           '(apt-get install ffmpeg, or set AVMT_FFMPEG)')
    return exe


def parse_ppm_stream(buf: bytes) -> list[np.ndarray]:
    """Split ffmpeg's image2pipe PPM (P6, maxval 255) output into HxWx3 uint8 frames."""
    frames, pos = [], 0
    while pos < len(buf):
        fields: list[bytes] = []
        while len(fields) < 4:  # magic, width, height, maxval, separated by whitespace
            while buf[pos:pos + 1].isspace():
                pos += 1
            start = pos
            while not buf[pos:pos + 1].isspace():
                pos += 1
            fields.append(buf[start:pos])
        pos += 1  # the single whitespace byte before the raster
        if fields[0] != b'P6' or fields[3] != b'255':
            raise ValueError(f'unexpected PPM header {fields}')
        w, h = int(fields[1]), int(fields[2])
        frames.append(np.frombuffer(buf, np.uint8, w * h * 3, pos).reshape(h, w, 3).copy())
        pos += w * h * 3
    return frames


def _decode_run(paths: Sequence[Path]) -> list[np.ndarray]:
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        for p in paths:
            f.write("file '" + str(Path(p).resolve()).replace("'", "'\\''") + "'\n")
        listing = f.name
    try:
        r = subprocess.run([_ffmpeg(), '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0',
                            '-i', listing, '-fps_mode', 'passthrough', '-f', 'image2pipe', '-c:v', 'ppm',
                            '-pix_fmt', 'rgb24', '-'], capture_output=True, check=False)
    finally:
        os.unlink(listing)
    frames = parse_ppm_stream(r.stdout) if r.returncode == 0 else []
    if len(frames) != len(paths):
        if len(paths) == 1:
            raise ValueError(f'cannot decode {paths[0]}: {r.stderr.decode(errors="replace").strip()}')
        # a corrupt file in the batch: decode one by one so the error names it
        return [f for p in paths for f in _decode_run([p])]
    return frames


def decode_images(paths: Sequence[Path]) -> list[np.ndarray]:
    """HxWx3 uint8 RGB per path, in order. One ffmpeg call per run of files sharing an extension (the
    concat demuxer needs one codec per call)."""
    out: list[np.ndarray] = []
    i = 0
    while i < len(paths):
        j = i
        while j < len(paths) and paths[j].suffix.lower() == paths[i].suffix.lower():
            j += 1
        out += _decode_run(paths[i:j])
        i = j
    return out


def resize_uint8(frames: Sequence[np.ndarray], size: int) -> np.ndarray:
    """[K, size, size, 3] uint8: bilinear with antialiasing (a downscale from 112 must not alias)."""
    if not frames:
        return np.zeros((0, size, size, 3), np.uint8)
    if all(f.shape[:2] == (size, size) for f in frames):
        return np.stack(frames)
    out = []
    for f in frames:  # sizes may differ between runs of files
        x = torch.from_numpy(np.ascontiguousarray(f)).permute(2, 0, 1)[None].float()
        y = F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False, antialias=True)
        out.append(y[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy())
    return np.stack(out)


def to_model_input(frames: np.ndarray) -> torch.Tensor:
    """[K, H, W, 3] uint8 RGB -> [K, 3, H, W] float32 in [-1, 1] (x / 127.5 - 1), the network's scaling."""
    return torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 127.5 - 1.0
