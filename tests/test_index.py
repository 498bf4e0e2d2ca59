"""The gate's search returns exactly the vectors above a threshold, exact or approximate."""

from __future__ import annotations

import numpy as np
import pytest

from auditor import index as index_module
from auditor.index import VectorIndex


def unit_rows(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = rng.standard_normal((count, 16)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize("exact_below", [10**9, 0])
def test_above_matches_brute_force(exact_below: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "EXACT_BELOW", exact_below)
    data, queries = unit_rows(300), unit_rows(4, seed=1)
    index = VectorIndex(16)
    index.add(data[:100])
    index.add(data[100:])  # keys continue across additions
    found = index.above(queries, 0.3)
    sims = (queries @ data.T).max(axis=0)
    expected = {i: float(s) for i, s in enumerate(sims) if s >= 0.3}
    if exact_below:
        assert set(found) == set(expected)
    else:  # the HNSW graph is approximate: nearly all, and nothing that is not there
        assert set(found) <= set(expected)
        assert len(found) >= 0.9 * len(expected)
    for key, sim in found.items():
        assert sim == pytest.approx(expected[key], abs=1e-5)


def test_empty_and_wrong_size() -> None:
    index = VectorIndex(16)
    assert index.above(unit_rows(2), 0.0) == {}
    with pytest.raises(ValueError):
        index.add(np.zeros((1, 8), dtype=np.float32))
