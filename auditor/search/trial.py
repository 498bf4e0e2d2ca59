"""`auditor rules try`: what a would-be rule description matches, and how the scores spread.

The description is embedded exactly as a rule's description is (a query with the rule
instruction), so the scores are the ones the gate would compare with a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auditor.embed.base import Vectors
from auditor.search.filters import Filters
from auditor.search.store import SearchIndex
from auditor.search.vectors import VectorTable

QUANTILES = (1.0, 0.999, 0.99, 0.95, 0.9, 0.5)
STEP = 0.05


@dataclass(frozen=True)
class Spread:
    units: int
    quantiles: tuple[tuple[float, float], ...]  # (quantile, cosine)
    histogram: tuple[tuple[float, int], ...]  # (bucket's lower edge, units in it), high first
    above: int  # units at or above the threshold
    threshold: float


def spread(
    index: SearchIndex,
    table: VectorTable,
    vector: Vectors,
    threshold: float,
    filters: Filters | None = None,
) -> Spread:
    units, sims = table.best(vector)
    if filters:
        sims = sims[np.isin(units, np.fromiter(index.allowed(filters), dtype=np.int64))]
    if len(sims) == 0:
        return Spread(0, (), (), 0, threshold)
    quantiles = tuple((q, round(float(np.quantile(sims, q)), 4)) for q in QUANTILES)
    edges = np.floor(sims / STEP).astype(np.int64)
    counts = np.bincount(edges - edges.min())
    histogram = tuple(
        (round(float((edges.min() + i) * STEP), 2), int(c))
        for i, c in reversed(list(enumerate(counts.tolist())))
        if c
    )
    return Spread(len(sims), quantiles, histogram, int((sims >= threshold).sum()), threshold)
