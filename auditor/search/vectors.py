"""Nearest units to a query vector: exact below GRAPH_ABOVE windows, an HNSW graph above.

bench/search_scale.py on 2 shared cores, one query, 384 dims, synthetic vectors: the exact
float32 scan costs ~0.18 us per vector (100k: 25 ms, 250k: 45 ms, 1M: 185 ms); a USearch HNSW
graph (int8, connectivity 16, 1,000 candidates re-scored on the float vectors) answers in
26 ms at 250k and 40 ms at 1M, but took 11 and 25 minutes to build on the loaded machine. So
exact search until the scan alone would pass the 50 ms budget, the graph beyond, built once
per index generation and memory-mapped by later runs. On structureless random vectors the
graph always found the query's source vector (recall@1 1.00 at 250k) while its other nine
neighbours matched the exact ones less often (recall@10 0.39 at 250k, 0.17 at 1M): random
vectors are a graph's worst case, where every neighbour is nearly as far as any other.
"""

from __future__ import annotations

import contextlib
import glob
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from auditor.embed.base import Vectors

if TYPE_CHECKING:  # usearch (and the tqdm it imports) loads only for a graph
    from usearch.index import Index

GRAPH_ABOVE = 250_000
GRAPH_NEIGHBOURS = 1000  # windows asked from the graph per query


class VectorTable:
    """Window vectors grouped by unit (``unit_ids`` sorted, a unit's windows adjacent)."""

    def __init__(self, unit_ids: np.ndarray, matrix: Vectors, graph: Index | None = None) -> None:
        self.unit_ids = unit_ids
        self.matrix = matrix
        self.graph = graph
        self.units: np.ndarray = unit_ids
        self._starts: np.ndarray = unit_ids
        if len(unit_ids):
            self.units, self._starts = np.unique(unit_ids, return_index=True)

    @classmethod
    def empty(cls) -> VectorTable:
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.unit_ids)

    def best(self, query: Vectors) -> tuple[np.ndarray, np.ndarray]:
        """(unit ids, each unit's best cosine over its windows); approximate with a graph."""
        if len(self.unit_ids) == 0:
            return self.units, np.zeros(0, dtype=np.float32)
        if self.graph is not None:
            return self._from_graph(query)
        sims = self.matrix @ np.asarray(query, dtype=np.float32)
        return self.units, np.maximum.reduceat(sims, self._starts)

    def _from_graph(self, query: Vectors) -> tuple[np.ndarray, np.ndarray]:
        assert self.graph is not None
        found = self.graph.search(np.asarray(query, dtype=np.float32), GRAPH_NEIGHBOURS)
        rows = np.asarray(found.keys, dtype=np.int64)[: len(found)]
        # The graph holds int8 copies; the candidates are scored again on the float vectors.
        sims = np.asarray(self.matrix[rows] @ np.asarray(query, dtype=np.float32))
        best: dict[int, float] = {}
        for unit, sim in zip(self.unit_ids[rows].tolist(), sims.tolist(), strict=True):
            if sim > best.get(unit, -2.0):
                best[unit] = sim
        return np.asarray(list(best), dtype=np.int64), np.asarray(list(best.values()))


def build_graph(matrix: Vectors) -> Index:
    from usearch.index import Index

    graph = Index(ndim=matrix.shape[1], metric="cos", dtype="i8", connectivity=16, expansion_add=64)
    graph.add(np.arange(len(matrix), dtype=np.uint64), matrix)
    return graph


def graph_table(
    stem: Path, generation: int, tag: str, unit_ids: np.ndarray, matrix: Vectors
) -> VectorTable:
    """A table searched through the graph saved as ``tag`` (a variant of ``generation``),
    building it if missing; other generations' graphs are deleted."""
    from usearch.index import Index

    graph_file = stem.with_name(f"{stem.name}.g{tag}.usearch")
    if graph_file.exists():
        with contextlib.suppress(Exception):  # a damaged graph file is simply rebuilt
            return VectorTable(unit_ids, matrix, Index.restore(str(graph_file), view=True))
    graph = build_graph(matrix)
    for old in stem.parent.glob(f"{glob.escape(stem.name)}.g*.usearch"):
        if not old.name.startswith(f"{stem.name}.g{generation}."):
            with contextlib.suppress(OSError):
                old.unlink()
    partial = graph_file.with_suffix(".partial")
    graph.save(str(partial))
    partial.replace(graph_file)
    return VectorTable(unit_ids, matrix, graph)
