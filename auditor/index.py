"""The USearch index of window vectors, and the semantic gate that queries it with rule vectors."""

from __future__ import annotations

import numpy as np
from usearch.index import Index

from auditor.embed.base import Vectors

# Below this many vectors an exact (brute-force) search is as fast as the graph and never misses;
# measured in bench/index.py.
EXACT_BELOW = 50_000


class VectorIndex:
    """Cosine index over L2-normalized vectors; keys are the row numbers they were added with."""

    def __init__(self, dims: int) -> None:
        self.dims = dims
        self._index = Index(ndim=dims, metric="cos", dtype="f32")

    def __len__(self) -> int:
        return len(self._index)

    def add(self, vectors: Vectors) -> None:
        if len(vectors) == 0:
            return
        if vectors.shape[1] != self.dims:
            raise ValueError(f"vector size {vectors.shape[1]} != index size {self.dims}")
        start = len(self._index)
        keys = np.arange(start, start + len(vectors), dtype=np.uint64)
        self._index.add(keys, np.ascontiguousarray(vectors, dtype=np.float32))

    def above(self, queries: Vectors, threshold: float) -> dict[int, float]:
        """Best similarity per key over all queries, for keys at or above ``threshold``."""
        size = len(self._index)
        if size == 0 or len(queries) == 0:
            return {}
        exact = size < EXACT_BELOW
        # An approximate search over a large index returns a bounded neighbourhood per query.
        count = size if exact else min(size, 4096)
        matches = self._index.search(
            np.ascontiguousarray(queries, dtype=np.float32), count, exact=exact
        )
        keys = np.atleast_2d(matches.keys)
        sims = 1.0 - np.atleast_2d(matches.distances)
        best: dict[int, float] = {}
        for row_keys, row_sims in zip(keys, sims, strict=True):
            hits = row_sims >= threshold
            for key, sim in zip(row_keys[hits].tolist(), row_sims[hits].tolist(), strict=True):
                if sim > best.get(key, -1.0):
                    best[key] = sim
        return best
