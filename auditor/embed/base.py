"""The one seam every embedding backend implements."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the first vector, not with the scan's modules
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]


def __getattr__(name: str) -> object:  # `Vectors` at run time, for modules that name it there
    if name == "Vectors":
        import numpy as np
        import numpy.typing as npt

        return npt.NDArray[np.float32]
    raise AttributeError(name)


class Embedder(abc.ABC):
    """Turns texts into L2-normalized float32 vectors, a batch at a time."""

    @property
    @abc.abstractmethod
    def model_id(self) -> str:
        """The model's name as the backend knows it (``sentence-transformers/all-MiniLM-L6-v2``)."""

    @property
    @abc.abstractmethod
    def dimensions(self) -> int:
        """The length of every vector this embedder returns."""

    @property
    def key(self) -> str:
        """What caches and thresholds are keyed by: vectors of two keys never mix."""
        return f"{self.model_id}@{self.dimensions}"

    @abc.abstractmethod
    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Vectors for code (documents): shape (len(texts), dimensions), rows L2-normalized."""

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Vectors for rule texts (queries). Instruction-aware models override this."""
        return self.embed_documents(texts)

    def prepare(self, texts: Sequence[str] = ()) -> None:  # noqa: B027 - most start at once
        """Start loading the model in the background, when a vector will soon be needed;
        ``texts`` are the ones it will be asked for first, if known."""

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release sessions or connections."""

    def known_vectors(self) -> Mapping[str, Vectors]:
        """Vectors shipped with the backend, by cache key hash (the shipped rules' texts for the
        built-in model): what a fresh cache would otherwise embed on its first run."""
        return {}


def normalize(vectors: Vectors) -> Vectors:
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out: Vectors = (vectors / np.clip(norms, 1e-12, None)).astype(np.float32, copy=False)
    return out
