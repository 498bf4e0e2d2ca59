"""Fusing the lexical and the semantic ranking.

Weighted reciprocal rank fusion: a unit scores sum(w / (k + rank)) over the rankings it
appears in. Ranks, not raw scores, so BM25 (unbounded) and cosine (-1..1) need no common
scale. The weight and k were chosen on the tuning half of bench/data/search-queries.yaml
(bench/search.py prints the held-out half).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Fusion:
    k: float = 60.0
    semantic_weight: float = 1.0  # the lexical ranking weighs 1


DEFAULT_FUSION = Fusion()


def fuse(
    semantic: Sequence[int], lexical: Sequence[int], fusion: Fusion = DEFAULT_FUSION
) -> list[tuple[int, float]]:
    """Unit ids of both rankings (best first) by fused score, best first."""
    scores: dict[int, float] = {}
    for ranking, weight in ((semantic, fusion.semantic_weight), (lexical, 1.0)):
        for rank, unit in enumerate(ranking, start=1):
            scores[unit] = scores.get(unit, 0.0) + weight / (fusion.k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
