"""What search, index, rules try and scan --all share: open the repository's index, refresh it."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from auditor.cache import VectorCache
from auditor.config import Config
from auditor.embed.base import Embedder, Vectors
from auditor.gate import embed_cached
from auditor.model import AuditorError
from auditor.search.early import SEARCH_QUERY
from auditor.search.refresh import RefreshStats, refresh
from auditor.search.store import SearchIndex, index_path

T = TypeVar("T")


def open_index(root: Path, config: Config, embedder: Embedder, warnings: list[str]) -> SearchIndex:
    path = index_path(Path(config.cache_dir), root, embedder.key)
    return SearchIndex(path, embedder.key, warnings)


def refreshed(
    root: Path, config: Config, cache: VectorCache, embedder: Embedder, warnings: list[str]
) -> tuple[SearchIndex, RefreshStats]:
    index = open_index(root, config, embedder, warnings)
    try:
        return index, refresh(root, config, index, cache, embedder)
    except BaseException:
        index.close()
        raise


def query_vector(
    embedder: Embedder, cache: VectorCache, text: str, *, rule: bool = False
) -> Vectors:
    """The query's vector: as a search query, or (``rule``) as a rule description is embedded."""
    if rule:
        vectors, _ = embed_cached(embedder, cache, [text], query=True)
    else:
        vectors, _ = embed_cached(embedder, cache, [text], query=True, kind=SEARCH_QUERY)
    row: Vectors = vectors[0]
    return row


def refresh_after_scan(
    root: Path, config: Config, cache: VectorCache, make_embedder: Callable[[], Embedder]
) -> list[str]:
    """Bring the search index up to date after a full audit; problems become warnings.

    The audit has just embedded every window, so this reads files, embeds the functions'
    summaries it has not seen (short texts) and writes rows.
    """
    warnings: list[str] = []
    embedder = make_embedder()
    try:
        index, _ = refreshed(
            root, dataclasses.replace(config, progress=False), cache, embedder, warnings
        )
        index.close()
    except (AuditorError, sqlite3.Error, OSError) as exc:
        warnings.append(f"search index not refreshed: {exc}")
    finally:
        embedder.close()
    return warnings


def with_fallback(
    make_embedder: Callable[[], Embedder],
    fallback: Callable[[], Embedder] | None,
    warnings: list[str],
    run: Callable[[Embedder], T],
) -> T:
    """``run`` with the configured embedder, or once more with the fallback if the server fails."""
    embedder = make_embedder()
    try:
        return run(embedder)
    except AuditorError as exc:
        if fallback is None:
            raise
        warnings.append(f"{exc}; falling back to the built-in model for this run")
        embedder.close()
        embedder = fallback()
        return run(embedder)
    finally:
        embedder.close()
