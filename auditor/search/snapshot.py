"""The index's vectors of one generation as .npy files beside it, memory-mapped by later runs.

Two variants per generation: "all" (code windows and function summaries, what search ranks)
and "code" (code windows only, what `rules try` compares as the gate does).
"""

from __future__ import annotations

import contextlib
import glob
import os
from pathlib import Path

import numpy as np

from auditor.embed.base import Vectors


def files(index: Path, generation: int, variant: str) -> tuple[Path, Path]:
    stem = f"{index.name}.g{generation}.{variant}"
    return index.with_name(f"{stem}.units.npy"), index.with_name(f"{stem}.vectors.npy")


def load(index: Path, generation: int, variant: str) -> tuple[np.ndarray, Vectors] | None:
    units, vectors = files(index, generation, variant)
    try:
        ids = np.load(units, mmap_mode="r")
        matrix = np.load(vectors, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if ids.ndim != 1 or matrix.ndim != 2 or len(ids) != len(matrix):
        return None
    return np.asarray(ids), matrix


def save(index: Path, generation: int, variant: str, ids: np.ndarray, matrix: Vectors) -> None:
    """Write the snapshot; other generations' snapshots are deleted."""
    current = f"{index.name}.g{generation}."
    for old in index.parent.glob(f"{glob.escape(index.name)}.g*.npy"):
        if not old.name.startswith(current):
            with contextlib.suppress(OSError):
                old.unlink()
    for target, array in zip(files(index, generation, variant), (ids, matrix), strict=True):
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        try:
            with partial.open("wb") as handle:
                np.save(handle, array)
            partial.replace(target)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink()
