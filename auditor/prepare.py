"""The CPU stage of a scan: cut files into units and, for the strict cascade, run every rule's
evidence on them, in this process or across processes.

A large audit spends its time here and in the model. Across processes the work is split into
contiguous runs of files (in target order), so joining the parts in order gives exactly what a
serial run gives: the same files, units, skips and confirmations, in the same order.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor import evidence, extract
from auditor.analysis.detectors.masking import LineSpan, line_spans
from auditor.analysis.detectors.secrets import find_secrets
from auditor.analysis_cache import AnalysisCache
from auditor.git import Target
from auditor.model import CodeUnit, Confirmation, Rule, Skip
from auditor.progress import Progress

# Below this many files the processes' start (about half a second each) costs more than it saves.
PARALLEL_FROM = 48
CHUNKS_PER_JOB = 4  # runs of files per process, so one slow file does not hold the others up


@dataclass
class SourceFile:
    target: Target
    language: str
    lines: list[str]
    units: list[CodeUnit] = field(default_factory=list)
    broken: bool = False  # the parse met syntax errors
    _spans: list[LineSpan] | None = None
    _unit_spans: dict[int, list[LineSpan]] = field(default_factory=dict)

    def secret_spans(self, first: int = 1, last: int | None = None) -> list[LineSpan]:
        """Where secrets sit in lines ``first``..``last`` of this file: found in the whole file
        and in each unit whose lines overlap them (a unit's secrets lie within its lines).

        Snippets are masked from these spans, never by re-detecting in the snippet's few lines
        (which may lack the keyword on the line before the value).
        """
        if self._spans is None:
            text = "\n".join(self.lines)
            self._spans = line_spans(text, find_secrets(text, self.language))
        spans = list(self._spans)
        for number, unit in enumerate(self.units):
            if unit.end_line < first or (last is not None and unit.start_line > last):
                continue
            if number not in self._unit_spans:
                found = find_secrets(unit.text, unit.language)
                self._unit_spans[number] = line_spans(unit.text, found, unit.start_line)
            spans += self._unit_spans[number]
        return spans


def _touched(unit: CodeUnit, target: Target) -> bool:
    if target.changed is None:
        return True
    if unit.kind != "module":
        return target.touches(unit.start_line, unit.end_line)
    # The module unit spans the file; only its own (non-blank) lines count.
    rows = unit.text.split("\n")
    return any(
        0 <= line - unit.start_line < len(rows) and rows[line - unit.start_line].strip()
        for line in target.changed
    )


def extract_file(target: Target, max_file_bytes: int) -> SourceFile | Skip:
    """Decode, classify and cut ``target`` into the units that its change touches."""
    reason = extract.classify(target.path, target.data, max_file_bytes, target.marked)
    language = extract.kind_for_file(target.path, target.data[:256])
    if reason is not None or language is None:
        return Skip(target.path, reason or "unsupported language")
    text = extract.decode(target.data)
    if extract.language_for_path(target.path) is None:  # a text file: one file-level unit
        unit = extract.file_unit(target.path, text, language)
        units, broken = ([unit] if unit else []), False
    else:
        units, broken = extract.extract_units(target.path, text, language)
    entry = SourceFile(target, language, text.split("\n"), broken=broken)
    entry.units = [u for u in units if _touched(u, target)]
    return entry


def extract_files(
    targets: Sequence[Target], max_file_bytes: int
) -> tuple[list[SourceFile], list[Skip]]:
    outcomes = [extract_file(t, max_file_bytes) for t in targets]
    return [o for o in outcomes if isinstance(o, SourceFile)], [
        o for o in outcomes if isinstance(o, Skip)
    ]


Confirmed = dict[tuple[str, int], list[Confirmation]]  # (rule id, id(unit)) -> confirmations
# What one file gave: its units (or why it was skipped) and, per (rule, unit number), what
# evidence confirmed.
Found = list[tuple[str, int, list[Confirmation]]]
Outcome = tuple[SourceFile | Skip, Found]


def confirm_file(entry: SourceFile, rules: Sequence[Rule]) -> Found:
    """The cascade's first stage: every rule's evidence on every unit, before any embedding.

    In strict mode a unit that no rule's evidence confirms can give no finding (a rule with
    evidence reports only what it confirms), so the transformer never needs to see it.
    """
    found: Found = []
    for number, unit in enumerate(entry.units):
        for rule in rules:
            if rule.applies_to(unit.language) and rule.evidence_for(unit.language):
                confirmations = evidence.confirm(rule, unit)
                if confirmations:
                    found.append((rule.id, number, confirmations))
    return found


def analyse(target: Target, max_file_bytes: int, rules: Sequence[Rule], confirm: bool) -> Outcome:
    entry = extract_file(target, max_file_bytes)
    if isinstance(entry, Skip) or not confirm:
        return entry, []
    return entry, confirm_file(entry, rules)


@dataclass
class Prepared:
    files: list[SourceFile]
    skipped: list[Skip]
    confirmed: Confirmed | None  # None: not confirmed ahead (no cascade)
    reused: int = 0  # files whose analysis came from the cache


def prepare(
    targets: Sequence[Target],
    max_file_bytes: int,
    rules: Sequence[Rule],
    *,
    confirm: bool,
    jobs: int = 0,
    progress: bool = False,
    cache_dir: Path | None = None,
) -> Prepared:
    """Extract (and with ``confirm``, confirm) ``targets``; ``jobs`` 0 picks by the work.

    With ``cache_dir``, files analysed before with the same bytes (and changed lines), rules
    and code are taken from there.
    """
    cache = None
    if cache_dir is not None:
        cache = AnalysisCache(cache_dir, rules, confirm=confirm, limit=max_file_bytes)
    keys = [cache.key(t) if cache else None for t in targets]
    known = cache.get_many([k for k in keys if k]) if cache else {}
    todo = [t for t, k in zip(targets, keys, strict=True) if k is None or k not in known]
    fresh = iter(_analyse_all(todo, max_file_bytes, rules, confirm, jobs, progress))
    out = Prepared([], [], {} if confirm else None)
    store: list[tuple[str, object]] = []
    for target, key in zip(targets, keys, strict=True):
        if key is not None and key in known:
            outcome = _restore(target, known[key])
            out.reused += 1
        else:
            outcome = next(fresh)
            if key is not None:
                store.append((key, _portable(outcome)))
        entry, found = outcome
        if isinstance(entry, Skip):
            out.skipped.append(entry)
            continue
        out.files.append(entry)
        if out.confirmed is not None:
            for rule_id, number, confirmations in found:
                out.confirmed[(rule_id, id(entry.units[number]))] = confirmations
    if cache is not None:
        cache.put_many(store)
        cache.close()
    return out


def _portable(outcome: Outcome) -> object:
    """An outcome without the target's bytes (the cache holds them under the key already)."""
    entry, found = outcome
    if isinstance(entry, Skip):
        return entry, found
    return (entry.language, entry.lines, entry.units, entry.broken), found


def _restore(target: Target, value: Any) -> Outcome:
    entry, found = value
    if isinstance(entry, Skip):
        return entry, found
    language, lines, units, broken = entry
    return SourceFile(target, language, lines, units, broken), found


def _analyse_all(
    targets: Sequence[Target],
    max_file_bytes: int,
    rules: Sequence[Rule],
    confirm: bool,
    jobs: int,
    progress: bool,
) -> list[Outcome]:
    workers = _workers(jobs, len(targets))
    if workers <= 1:
        return [analyse(t, max_file_bytes, rules, confirm) for t in targets]
    parts = _runs(targets, workers * CHUNKS_PER_JOB)
    bar = Progress("analysing", len(targets), progress)
    outcomes: list[Outcome] = []
    context = multiprocessing.get_context("spawn")  # no inherited state, same on every OS
    try:
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init, initargs=(list(rules),)
        ) as pool:
            jobs_ = [(p, max_file_bytes, confirm) for p in parts]
            with _sigint_held():  # the workers start (inside map) with Ctrl-C held back
                results = pool.map(_work, jobs_)
            for part, done in zip(parts, results, strict=True):
                outcomes += [(_restore(t, o)) for t, o in zip(part, done, strict=True)]
                bar.advance(len(part))
    finally:
        bar.close()
    return outcomes


def _workers(jobs: int, files: int) -> int:
    if jobs > 0:
        return min(jobs, max(1, files))
    if files < PARALLEL_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, files // (PARALLEL_FROM // 4)))


def _runs(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """``targets`` cut into at most ``count`` contiguous runs of about equal bytes."""
    total = sum(len(t.data) for t in targets) or 1
    runs: list[list[Target]] = [[]]
    done = 0
    for target in targets:
        if runs[-1] and done >= total * len(runs) / count:
            runs.append([])
        runs[-1].append(target)
        done += len(target.data)
    return [r for r in runs if r]


_RULES: list[Rule] = []


def _init(rules: list[Rule]) -> None:
    _RULES[:] = rules
    if not hasattr(signal, "pthread_sigmask"):
        return
    if signal.SIGINT in signal.sigpending():
        # Ctrl-C came while this worker was starting (held back, see _sigint_held): it
        # interrupts the worker's first run, as it would have interrupted the run itself.
        _INTERRUPTED.append(True)
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)  # discards the pending one
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, handler)
    else:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


_INTERRUPTED: list[bool] = []


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT blocked in this thread while workers are spawned: a spawned process inherits the
    mask, so a Ctrl-C during its start (Python's own imports, before ``_init``: a traceback, or
    a fatal error inside ``site``) waits for ``_init``; here it arrives on release."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _work(job: tuple[list[Target], int, bool]) -> list[object]:
    """In a worker: the outcomes of a run of files, without the bytes sent to it."""
    targets, max_file_bytes, confirm = job
    if _INTERRUPTED:
        raise KeyboardInterrupt
    return [_portable(analyse(t, max_file_bytes, _RULES, confirm)) for t in targets]
