"""The first thing a search does: have the model start loading, before the index and the
ranking code are even imported (numpy, tree-sitter, the index's SQLite), so that the two overlap
(a new query's vector is most of a warm search's time). Imports nothing heavy itself."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from auditor.cache import VectorCache, text_hash
from auditor.embed.instructions import search_instruction

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.embed.base import Embedder

SEARCH_QUERY = "search-query"  # cache kind of search queries (their instruction differs)


def prepare_for(embedder: Embedder, cache: VectorCache, text: str) -> None:
    """Have ``text``'s vector (a search query) made in the background if it is not cached:
    the model runs while the rest of the search starts and the index is refreshed."""
    key = text_hash(SEARCH_QUERY, text)
    if not cache.has(embedder.key, embedder.dimensions, key):
        embedder.prepare([text])


def search_config(config: Config) -> Config:
    """``config`` with the code-search instruction for instruction-aware server models."""
    if config.backend != "openai":
        return config
    instruction = search_instruction(config.model or "", config.instruction)
    return dataclasses.replace(config, instruction=instruction)
