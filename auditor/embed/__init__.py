"""Embedding backends behind one interface, registered in an explicit table."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, assert_never

from auditor.embed.base import Embedder

if TYPE_CHECKING:  # the child of embed/ahead.py imports this package: it stays light
    from auditor.config import Config


class Backend(enum.Enum):
    BUILTIN = "builtin"
    OPENAI = "openai"


def _builtin(config: Config) -> Embedder:
    from pathlib import Path

    from auditor.embed.local import LocalEmbedder

    return LocalEmbedder(cache_dir=Path(config.cache_dir) if config.cache_dir else None)


def _openai(config: Config) -> Embedder:
    # The openai client costs ~0.3 s to import: only a server scan pays for it.
    from auditor.embed.openai import OpenAIEmbedder

    assert config.base_url is not None  # checked by load_config
    return OpenAIEmbedder(
        base_url=config.base_url,
        model=config.model or "sentence-transformers/all-MiniLM-L6-v2",
        api_key=config.api_key or "EMPTY",
        dimensions=config.dimensions,
        request_dimensions=config.request_dimensions,
        batch_size=config.batch_size,
        concurrency=config.concurrency,
        timeout=config.timeout,
        max_retries=config.max_retries,
        instruction=config.instruction,
    )


BACKENDS: dict[Backend, Callable[[Config], Embedder]] = {
    Backend.BUILTIN: _builtin,
    Backend.OPENAI: _openai,
}


def create_embedder(config: Config, backend: Backend | None = None) -> Embedder:
    chosen = backend or Backend(config.backend)
    match chosen:
        case Backend.BUILTIN | Backend.OPENAI:
            return BACKENDS[chosen](config)
        case _:
            assert_never(chosen)
