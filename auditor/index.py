"""The gate's vector search over window vectors, with USearch.

Below EXACT_BELOW vectors the search is exact and needs no index at all: one matrix product
with numpy compares every query with every vector (usearch, and its import, are left for the
graph). bench/index.py on 2 cores, 75 queries: 7,000
vectors take 0.05 s exact, while building the HNSW graph alone takes 1.7 s (30,000: 0.24 s
exact vs 21 s to build). The graph only pays off for very large trees, where it is built once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from auditor.embed.base import Vectors, normalize

if TYPE_CHECKING:
    from usearch.index import Index

EXACT_BELOW = 200_000
APPROXIMATE_COUNT = 4096  # neighbours per query from the graph


class VectorIndex:
    """Cosine search over L2-normalized vectors; keys are the row numbers they were added in."""

    def __init__(self, dims: int) -> None:
        self.dims = dims
        self._parts: list[Vectors] = []
        self._data: Vectors | None = None
        self._graph: Index | None = None

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts)

    def add(self, vectors: Vectors) -> None:
        if len(vectors) == 0:
            return
        if vectors.shape[1] != self.dims:
            raise ValueError(f"vector size {vectors.shape[1]} != index size {self.dims}")
        self._parts.append(np.ascontiguousarray(vectors, dtype=np.float32))
        self._data, self._graph = None, None

    def _vectors(self) -> Vectors:
        if self._data is None:
            self._data = np.ascontiguousarray(np.vstack(self._parts), dtype=np.float32)
        return self._data

    def above(self, queries: Vectors, threshold: float) -> dict[int, float]:
        """Best similarity per key over all queries, for keys at or above ``threshold``."""
        size = len(self)
        if size == 0 or len(queries) == 0:
            return {}
        wanted = np.ascontiguousarray(queries, dtype=np.float32)
        if size < EXACT_BELOW:
            return _exact_above(self._vectors(), wanted, threshold)
        if self._graph is None:
            from usearch.index import Index

            self._graph = Index(ndim=self.dims, metric="cos", dtype="f32")
            self._graph.add(np.arange(size, dtype=np.uint64), self._vectors())
        matches = self._graph.search(wanted, min(size, APPROXIMATE_COUNT))
        keys = np.atleast_2d(matches.keys)
        distances = np.atleast_2d(matches.distances)
        counts = np.atleast_1d(getattr(matches, "counts", len(self)))  # BatchMatches: per query
        best: dict[int, float] = {}
        # An approximate answer may fill fewer than `count` slots per query: read only those.
        for row_keys, row_distances, filled in zip(keys, distances, counts, strict=True):
            row_sims = 1.0 - row_distances[:filled]
            hits = row_sims >= threshold
            for key, sim in zip(
                row_keys[:filled][hits].tolist(), row_sims[hits].tolist(), strict=True
            ):
                if sim > best.get(key, -1.0):
                    best[key] = sim
        return best


def _exact_above(data: Vectors, queries: Vectors, threshold: float) -> dict[int, float]:
    """Best cosine similarity per row of ``data`` over all queries, rows at or above threshold."""
    best = np.max(normalize(data) @ normalize(queries).T, axis=1)
    rows = np.flatnonzero(best >= threshold)
    return dict(zip(rows.tolist(), best[rows].astype(np.float64).tolist(), strict=True))
