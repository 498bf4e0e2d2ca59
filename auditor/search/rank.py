"""Fusing the lexical and the semantic ranking.

Two methods, both measured by bench/search.py on the tuning half of
bench/data/search-queries.yaml (the held-out half is only reported):

- ``linear``: alpha * cosine + (1 - alpha) * BM25, each min-max normalized over its own
  candidate pool (a unit missing from one pool scores 0 there), plus ``coverage`` times the
  share of the query's words (stop words aside, compared by their first five letters, a crude
  stem) that occur in the unit. BM25 rewards a few rare words; coverage rewards a unit that
  speaks of everything the query asks, which is what tells the answer from its neighbours;
- ``rrf``: weighted reciprocal rank fusion, sum(w / (k + rank)) over the rankings.

Module-level code (a file's imports, constants and class headers, every docstring of its
classes) is long and about everything in the file, so it is a strong semantic neighbour of
almost any question about that file; ``module_penalty`` is subtracted from its cosine before
ranking. ``--kind module`` still finds it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Fusion:
    method: str = "linear"  # "linear" or "rrf"
    alpha: float = 0.6  # linear: the semantic side's share
    k: float = 60.0  # rrf: rank offset
    semantic_weight: float = 1.0  # rrf: the semantic ranking's weight (lexical weighs 1)
    coverage: float = 0.0  # linear: weight of the share of query words the unit contains
    module_penalty: float = 0.0  # subtracted from module-level code's fused score


# Chosen by bench/search.py on the tuning half (MRR@10 0.386 there, against 0.327 for the
# plain linear blend and 0.28 for RRF k=60); held-out English Top-1 0.486 (lexical 0.343,
# semantic 0.314). With the docstring column (lexical.COLUMN_WEIGHTS) the grid's best on the
# tuning half is alpha=1.0 at MRR@10 0.385 against 0.382 for this one: within noise, and it
# drops BM25 altogether (tuning-half Chinese Top-1 0.034 -> 0.000), so 0.9 stays; held-out
# English Top-1 0.486 (lexical 0.429, semantic 0.314). With function summaries (summary.py)
# alpha=1.0 wins the tuning half again, MRR@10 0.428 against 0.418 (all languages), and again
# drops BM25 (tuning-half Chinese Top-1 0.069 -> 0.034), so 0.9 stayed; held-out English Top-1
# 0.529 with either. With abbreviations in coverage (lexical.query_stems) the grid chose 1.0
# a third time (MRR@10 0.441 against 0.429 over both languages; English Top-1 0.488 against
# 0.453), and this is now the grid's choice: BM25 still brings its candidates and the coverage
# term, its scores no longer weigh. Held-out English Top-1 0.543 with either.
DEFAULT_FUSION = Fusion(method="linear", alpha=1.0, coverage=2.0, module_penalty=1.0)


def _normalized(pairs: Sequence[tuple[int, float]]) -> dict[int, float]:
    if not pairs:
        return {}
    values = [v for _, v in pairs]
    low, high = min(values), max(values)
    return {unit: (value - low) / ((high - low) or 1.0) for unit, value in pairs}


def coverage(wanted: Sequence[Collection[str]], terms: str) -> float:
    """The share of the query's words present among a unit's ``terms``: each word is its
    stem and its abbreviations' (``lexical.query_stems``), present if any of them is."""
    if not wanted:
        return 0.0
    present = set(terms.split())
    return sum(1 for stems in wanted if not present.isdisjoint(stems)) / len(wanted)


def fuse(
    semantic: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    fusion: Fusion = DEFAULT_FUSION,
    covered: Mapping[int, float] | None = None,
    modules: Collection[int] = (),
) -> list[tuple[int, float]]:
    """(unit id, fused score) over both candidate lists, best first.

    Each list holds (unit id, score) best first: cosine, BM25. ``covered`` maps candidates to
    their ``coverage`` of the query; ``modules`` are the candidates that are module-level code.
    """
    scores: dict[int, float] = {}
    if fusion.method == "rrf":
        for ranking, weight in ((semantic, fusion.semantic_weight), (lexical, 1.0)):
            for rank, (unit, _) in enumerate(ranking, start=1):
                scores[unit] = scores.get(unit, 0.0) + weight / (fusion.k + rank)
    elif fusion.method == "linear":
        for pairs, share in ((semantic, fusion.alpha), (lexical, 1.0 - fusion.alpha)):
            for unit, value in _normalized(pairs).items():
                scores[unit] = scores.get(unit, 0.0) + share * value
        if fusion.coverage and covered:
            for unit in scores:
                scores[unit] += fusion.coverage * covered.get(unit, 0.0)
    else:
        raise ValueError(f"unknown fusion method {fusion.method!r}")
    if fusion.module_penalty:
        for unit in modules:
            if unit in scores:
                scores[unit] -= fusion.module_penalty
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
