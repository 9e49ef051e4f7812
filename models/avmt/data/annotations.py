"""Parsers for the per-video annotation text files of the ABAW release.

Each file has a header line, then line i labels frame i (1-based, the number in the frame's file name).
Everything is returned as arrays indexed by frame number - 1, with our own unlabelled markers:
VA -5 (either dimension outside [-1, 1] makes the frame unlabelled), AU -1, Expr -1.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..labels import (ACTION_UNITS, AU_UNLABELLED, EXPR_FILE_COLUMNS, EXPR_OTHER, EXPR_UNLABELLED,
                      VA_UNLABELLED)


def _read(path: Path) -> tuple[list[str], list[str]]:
    lines = [ln.strip() for ln in path.read_text(encoding='utf-8').splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise ValueError(f'{path}: empty annotation file')
    return [h.strip() for h in lines[0].split(',')], lines[1:]


def read_va(path: Path) -> np.ndarray:
    """[F, 2] float32 valence, arousal; unlabelled rows are (-5, -5)."""
    header, rows = _read(path)
    if [h.lower() for h in header] != ['valence', 'arousal']:
        raise ValueError(f'{path}: expected header "valence,arousal", got {header}')
    out = np.array([[float(v) for v in r.split(',')] for r in rows], dtype=np.float32).reshape(-1, 2)
    bad = (np.abs(out) > 1.0).any(axis=1)
    out[bad] = VA_UNLABELLED
    return out


def read_au(path: Path) -> np.ndarray:
    """[F, 8] float32 in our AU order, each column selected by name from the file's header; 0/1 labelled,
    -1 unlabelled. An AU the header lacks is unlabelled throughout: the 12-AU ABAW header (AU1, AU2, AU4,
    AU6, AU7, AU10, AU12, AU15, AU23, AU24, AU25, AU26) has no AU20, which only the 8-AU ABAW2020
    release (exactly our 8) labels. A header with none of our AUs is refused as the wrong file."""
    header, rows = _read(path)
    if not any(a in header for a in ACTION_UNITS):
        raise ValueError(f'{path}: header has none of {ACTION_UNITS} (header: {header})')
    full = np.array([[float(v) for v in r.split(',')] for r in rows], dtype=np.float32).reshape(-1, len(header))
    out = np.full((full.shape[0], len(ACTION_UNITS)), float(AU_UNLABELLED), dtype=np.float32)
    for i, name in enumerate(ACTION_UNITS):
        if name in header:
            out[:, i] = full[:, header.index(name)]
    out[(out != 0) & (out != 1)] = AU_UNLABELLED
    return out


def read_expr(path: Path) -> np.ndarray:
    """[F] int64 class index in our 7-class order; -1 and 'Other' (7) both become -1 (unlabelled), because
    'Other' is not one of the 7 basic expressions the network predicts."""
    header, rows = _read(path)
    if tuple(header[:7]) != EXPR_FILE_COLUMNS[:7]:
        raise ValueError(f'{path}: expected header {",".join(EXPR_FILE_COLUMNS)}, got {header}')
    out = np.array([int(r.split(',')[0]) for r in rows], dtype=np.int64)
    out[(out < 0) | (out >= EXPR_OTHER)] = EXPR_UNLABELLED
    return out
