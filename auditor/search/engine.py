"""One query over the index: semantic, lexical or hybrid ranking, then the hits' snippets."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from auditor import secrets
from auditor.embed.base import Vectors
from auditor.search.filters import Filters
from auditor.search.lexical import match_expression, query_stems
from auditor.search.rank import DEFAULT_FUSION, Fusion, coverage, fuse
from auditor.search.store import SearchIndex, UnitRow
from auditor.search.vectors import GRAPH_ABOVE, VectorTable, graph_table

POOL = 100  # candidates each ranking contributes before fusion
SNIPPET_LINES = 3


class Mode(enum.Enum):
    HYBRID = "hybrid"
    SEMANTIC = "semantic"
    LEXICAL = "lexical"


@dataclass(frozen=True)
class Hit:
    rank: int
    unit: UnitRow
    score: float  # what the ranking used: fused score, cosine, or BM25
    semantic: float | None  # best cosine over the unit's windows (and summary)
    lexical: float | None  # BM25 (higher is better), None when no word matched
    window: tuple[int, int]  # the best-matching code window's lines (the unit's without vectors)
    snippet: str  # SNIPPET_LINES non-blank lines from the window's start, secrets masked


def load_table(index: SearchIndex, summaries: bool = True) -> VectorTable:
    """The index's vectors: code windows and, with ``summaries``, function summaries."""
    generation, unit_ids, matrix = index.vectors(summaries)
    if len(unit_ids) >= GRAPH_ABOVE:
        tag = f"{generation}.{'all' if summaries else 'code'}"
        return graph_table(index.path, generation, tag, unit_ids, matrix)
    return VectorTable(unit_ids, matrix)


def search(
    index: SearchIndex,
    table: VectorTable,
    query: str,
    vector: Vectors | None,
    *,
    mode: Mode = Mode.HYBRID,
    top: int = 10,
    filters: Filters | None = None,
    min_score: float | None = None,
    fusion: Fusion = DEFAULT_FUSION,
) -> list[Hit]:
    """The ``top`` best units for ``query``; ``vector`` is its embedding (unused if lexical).

    ``min_score`` bounds the cosine in semantic and hybrid mode, BM25 in lexical mode.
    """
    filters = filters or Filters()
    cosine: dict[int, float] = {}
    semantic: list[int] = []
    semantic_pairs: list[tuple[int, float]] = []
    if mode is not Mode.LEXICAL and vector is not None:
        units, sims = table.best(vector)
        if filters:
            keep = np.isin(units, np.fromiter(index.allowed(filters), dtype=np.int64))
            units, sims = units[keep], sims[keep]
        if min_score is not None:
            keep = sims >= min_score
            units, sims = units[keep], sims[keep]
        order = _best_rows(sims, max(POOL, top))
        semantic_pairs = list(zip(units[order].tolist(), sims[order].tolist(), strict=True))
        semantic = [u for u, _ in semantic_pairs]
        cosine = dict(semantic_pairs)
    lexical: dict[int, float] = {}
    if mode is not Mode.SEMANTIC:
        limit = max(POOL, top)
        lexical = dict(index.lexical(match_expression(query), limit, filters))
        if mode is Mode.LEXICAL and min_score is not None:
            lexical = {u: s for u, s in lexical.items() if s >= min_score}
    if mode is Mode.SEMANTIC:
        ranked = [(u, cosine[u]) for u in semantic]
    elif mode is Mode.LEXICAL:
        ranked = list(lexical.items())
    else:
        allowed_lexical = [(u, s) for u, s in lexical.items() if min_score is None or u in cosine]
        pool = list(dict.fromkeys([*semantic, *(u for u, _ in allowed_lexical)]))
        candidates = index.units(pool)
        wanted = query_stems(query)
        covered = {u: coverage(wanted, row.terms) for u, row in candidates.items()}
        modules = [u for u, row in candidates.items() if row.kind == "module"]
        ranked = fuse(semantic_pairs, allowed_lexical, fusion, covered, modules)
    ranked = ranked[:top]
    digits = 6 if mode is Mode.HYBRID else 4  # fused scores are small (1/(k + rank) sums)
    rows = index.units([u for u, _ in ranked])
    hits = []
    for rank, (unit_id, value) in enumerate(ranked, start=1):
        row = rows[unit_id]
        window = _best_window(index, row, vector)
        hits.append(
            Hit(
                rank=rank,
                unit=row,
                score=round(float(value), digits),
                semantic=_rounded(cosine.get(unit_id)),
                lexical=_rounded(lexical.get(unit_id)),
                window=window,
                snippet=_snippet(row, window[0]),
            )
        )
    return hits


def _best_rows(sims: np.ndarray, count: int) -> np.ndarray:
    """Rows of the ``count`` highest values, highest first, without sorting all of them."""
    if len(sims) > count:
        part = np.argpartition(-sims, count - 1)[:count]
        return part[np.argsort(-sims[part], kind="stable")]
    return np.argsort(-sims, kind="stable")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _best_window(index: SearchIndex, row: UnitRow, vector: Vectors | None) -> tuple[int, int]:
    windows = index.windows_of(row.id)
    if vector is None or not windows:
        return row.start_line, row.end_line
    best = max(windows, key=lambda w: float(w[2] @ vector))
    return best[0], best[1]


def _snippet(row: UnitRow, start: int) -> str:
    lines = row.text.split("\n")[max(0, start - row.start_line) :]
    kept = [line for line in lines if line.strip()][:SNIPPET_LINES]
    return secrets.mask_text("\n".join(kept), row.language)
