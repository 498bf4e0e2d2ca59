"""Bring the search index up to date with the working tree.

Only files whose size or modification time changed are read; only those whose content digest
changed are parsed again; and their windows and function summaries (search/summary.py) go
through the vector cache, so only text that was never embedded before costs an embedding (a
renamed file or a moved function costs none).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor import extract, git
from auditor.cache import VectorCache
from auditor.config import Config
from auditor.embed.base import Embedder
from auditor.gate import embed_cached
from auditor.model import CodeUnit, Window
from auditor.progress import Progress
from auditor.search.store import FileState, FileUnits, SearchIndex
from auditor.search.summary import summary
from auditor.select import path_filter

BATCH_WINDOWS = 2048  # windows embedded and written per transaction: a long build keeps progress


@dataclass(frozen=True)
class RefreshStats:
    files: int  # files the index covers after the refresh
    read: int  # files read because their size or time changed
    changed: int  # files whose units were written again
    removed: int
    embedded: int  # vectors computed (cache misses)


@dataclass
class _Parsed:
    path: str
    state: FileState
    units: list[tuple[CodeUnit, list[Window], str | None]]  # a unit, its windows, its summary


def _candidates(root: Path, config: Config) -> list[str]:
    keep = path_filter(root, config.include, config.exclude)
    return [
        name
        for name in git.worktree_files(root)
        if extract.language_for_path(name) is not None and keep(name)
    ]


def _parse(path: str, data: bytes, state: FileState, config: Config) -> _Parsed:
    entry = _Parsed(path, state, [])
    language = extract.language_for_path(path)
    if language is None or extract.classify(path, data, config.max_file_bytes) is not None:
        return entry  # remembered with no units, so it is not read again until it changes
    units, _ = extract.extract_units(path, extract.decode(data), language)
    entry.units = [
        (u, extract.windows(u, config.window_lines, config.window_overlap), summary(u))
        for u in units
    ]
    return entry


def refresh(
    root: Path,
    config: Config,
    index: SearchIndex,
    cache: VectorCache,
    embedder: Embedder,
) -> RefreshStats:
    known = index.files()
    present: set[str] = set()
    touched: list[tuple[str, FileState]] = []
    parsed: list[_Parsed] = []
    read = 0
    for name in _candidates(root, config):
        try:
            info = os.lstat(root / name)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue  # a link, a submodule
        present.add(name)
        old = known.get(name)
        if old is not None and (old.size, old.mtime_ns) == (info.st_size, info.st_mtime_ns):
            continue
        try:
            data = (root / name).read_bytes()
        except OSError:
            continue
        read += 1
        state = FileState(info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest())
        if old is not None and old.digest == state.digest:
            touched.append((name, state))  # touched, not changed: new stat data only
        else:
            parsed.append(_parse(name, data, state, config))
    removed = sorted(set(known) - present)
    total = sum(_texts(p) for p in parsed)
    progress = Progress("indexing", total, config.progress)
    embedded = changed = 0
    try:
        for batch in _batches(parsed):
            entries, computed = _embed(batch, embedder, cache, progress)
            embedded += computed
            changed += index.apply(entries, (), ())
        changed += index.apply((), touched, removed)
    finally:
        progress.close()
    return RefreshStats(len(present), read, changed, len(removed), embedded)


def _batches(parsed: Sequence[_Parsed]) -> list[list[_Parsed]]:
    batches: list[list[_Parsed]] = [[]]
    size = 0
    for entry in parsed:
        if size >= BATCH_WINDOWS:
            batches.append([])
            size = 0
        batches[-1].append(entry)
        size += _texts(entry)
    return [b for b in batches if b]


def _texts(entry: _Parsed) -> int:
    return sum(len(ws) + (s is not None) for _, ws, s in entry.units)


def _embed(
    batch: Sequence[_Parsed], embedder: Embedder, cache: VectorCache, progress: Progress
) -> tuple[list[FileUnits], int]:
    texts: list[str] = []
    for entry in batch:
        for _, ws, text in entry.units:
            texts += [w.text for w in ws] + ([text] if text is not None else [])
    vectors, computed = embed_cached(embedder, cache, texts, progress=progress)
    out: list[FileUnits] = []
    row = 0
    for entry in batch:
        units = []
        for unit, ws, text in entry.units:
            spans = tuple((w.start_line, w.end_line) for w in ws)
            end = row + len(ws)
            vector = vectors[end] if text is not None else None
            units.append((unit, spans, vectors[row:end], vector))
            row = end + (text is not None)
        out.append(FileUnits(entry.path, entry.state, tuple(units)))
    return out, computed
