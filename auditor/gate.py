"""The semantic gate: embed texts through the cache, and score code against rules.

A rule is represented by several vectors: its description (embedded as a query) and each of its
violating examples (embedded as documents, since they are code). A window's score for a rule is its
best cosine similarity to any of them; the rule's threshold for the active model decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from auditor.cache import VectorCache, text_hash
from auditor.embed.base import Embedder, Vectors
from auditor.model import Rule, Window
from auditor.progress import Progress


def embed_cached(
    embedder: Embedder,
    cache: VectorCache,
    texts: Sequence[str],
    *,
    query: bool = False,
    progress: Progress | None = None,
    chunk: int = 256,
    kind: str | None = None,
) -> tuple[Vectors, int]:
    """Vectors for ``texts`` (rows in order) and how many had to be computed.

    ``kind`` names what the texts are for the cache key ("query" or "doc" by default); a query
    embedded with another instruction (a search rather than a rule) needs a kind of its own.

    Misses are embedded in chunks and each chunk is stored as soon as it is complete, so an
    interrupted audit keeps what it paid for, and a failing backend leaves nothing half-written.
    """
    kind = kind or ("query" if query else "doc")
    hashes = [text_hash(kind, t) for t in texts]
    key, dims = embedder.key, embedder.dimensions
    found = cache.get_many(key, dims, hashes)
    missing = list(dict.fromkeys(h for h in hashes if h not in found))
    known = embedder.known_vectors() if missing else {}
    shipped = [(h, known[h]) for h in missing if h in known]
    if shipped:  # the shipped rules' texts: stored, not computed
        cache.put_many(key, shipped)
        found.update(shipped)
        missing = [h for h in missing if h not in found]
    by_hash = dict(zip(hashes, texts, strict=True))
    uses = Counter(hashes)
    if progress is not None:
        progress.advance(len(texts) - sum(uses[h] for h in missing))
    for start in range(0, len(missing), chunk):
        part = missing[start : start + chunk]
        batch = [by_hash[h] for h in part]
        vectors = embedder.embed_queries(batch) if query else embedder.embed_documents(batch)
        cache.put_many(key, zip(part, vectors, strict=True))
        found.update(zip(part, vectors, strict=True))
        if progress is not None:
            progress.advance(sum(uses[h] for h in part))
    out = np.zeros((len(texts), dims), dtype=np.float32)
    for row, digest in enumerate(hashes):
        out[row] = found[digest]
    return out, len(missing)


def rule_vectors(
    embedder: Embedder, cache: VectorCache, rules: Sequence[Rule]
) -> tuple[dict[str, Vectors], int]:
    """Per rule id, the stacked vectors of its description and violating examples."""
    desc_vecs, computed = embed_cached(embedder, cache, [r.description for r in rules], query=True)
    examples = [ex.code for r in rules for ex in r.violating]
    ex_vecs, more = embed_cached(embedder, cache, examples)
    out: dict[str, Vectors] = {}
    row = 0
    for i, rule in enumerate(rules):
        count = len(rule.violating)
        out[rule.id] = np.vstack([desc_vecs[i : i + 1], ex_vecs[row : row + count]])
        row += count
    return out, computed + more


def score(vectors: Vectors, rule_vecs: Vectors) -> np.ndarray:
    """Gate score of each row of ``vectors``: its best cosine to any of the rule's vectors."""
    if len(vectors) == 0:
        return np.zeros(0, dtype=np.float32)
    return (vectors @ rule_vecs.T).max(axis=1)  # type: ignore[no-any-return]


def leave_one_out(vectors: Vectors) -> list[float]:
    """Gate score of each violating example (rows 1..) against the rule's other vectors.

    ``vectors`` is a rule's stack from ``rule_vectors``: row 0 the description, then examples.
    An example must not be scored against itself, or it would always pass.
    """
    return [
        float((np.delete(vectors, row, axis=0) @ vectors[row]).max())
        for row in range(1, len(vectors))
    ]


BLOCK_LINES = 8  # a block of module-level code is at most this many lines


def blocks(window: Window) -> list[tuple[int, int]]:
    """A window's runs of non-blank lines (file line numbers), cut to BLOCK_LINES each."""
    rows = window.text.split("\n")
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i, row in enumerate([*rows, ""]):
        if row.strip() and start is None:
            start = i
        if start is not None and (not row.strip() or i - start == BLOCK_LINES):
            out.append((window.start_line + start, window.start_line + i - 1))
            start = i if row.strip() else None
    return out


def best_blocks(
    embedder: Embedder, cache: VectorCache, items: Sequence[tuple[Window, Vectors]]
) -> tuple[list[tuple[int, int]], int]:
    """Per (window, rule vectors), the block of the window that scores best for the rule.

    Module-level code is mostly imports and settings; the window as a whole passed the gate,
    and a block says which of its lines did. Returns the blocks and how many were embedded.
    """
    spans = [blocks(window) for window, _ in items]
    texts = [
        "\n".join(window.text.split("\n")[a - window.start_line : b - window.start_line + 1])
        for (window, _), found in zip(items, spans, strict=True)
        for a, b in found
    ]
    vectors, embedded = embed_cached(embedder, cache, texts)
    best: list[tuple[int, int]] = []
    row = 0
    for (window, rule_vecs), found in zip(items, spans, strict=True):
        if not found:
            best.append((window.start_line, window.end_line))
            continue
        scores = score(vectors[row : row + len(found)], rule_vecs)
        best.append(found[int(np.argmax(scores))])
        row += len(found)
    return best, embedded
