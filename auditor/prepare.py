"""The CPU stage of a scan: cut files into units and, for the strict cascade, run every rule's
evidence on them, in this process or across processes.

A large audit spends its time here and in the model. Across processes the work is split into
contiguous runs of files (in target order), so joining the parts in order gives exactly what a
serial run gives: the same files, units, skips and confirmations, in the same order.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from auditor import evidence, extract
from auditor.analysis.detectors.masking import LineSpan, line_spans
from auditor.analysis.detectors.secrets import find_secrets
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

    def secret_spans(self) -> list[LineSpan]:
        """Where secrets sit in this file, found in the whole file and in each of its units.

        Snippets are masked from these spans, never by re-detecting in the snippet's few lines
        (which may lack the keyword on the line before the value).
        """
        if self._spans is None:
            text = "\n".join(self.lines)
            spans = line_spans(text, find_secrets(text, self.language))
            for unit in self.units:
                spans += line_spans(
                    unit.text, find_secrets(unit.text, unit.language), unit.start_line
                )
            self._spans = spans
        return self._spans


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


def extract_files(
    targets: Sequence[Target], max_file_bytes: int
) -> tuple[list[SourceFile], list[Skip]]:
    """Decode, classify and cut each target into the units that its change touches."""
    files: list[SourceFile] = []
    skipped: list[Skip] = []
    for target in targets:
        reason = extract.classify(target.path, target.data, max_file_bytes, target.marked)
        language = extract.kind_for_file(target.path, target.data[:256])
        if reason is not None or language is None:
            skipped.append(Skip(target.path, reason or "unsupported language"))
            continue
        text = extract.decode(target.data)
        if extract.language_for_path(target.path) is None:  # a text file: one file-level unit
            unit = extract.file_unit(target.path, text, language)
            units, broken = ([unit] if unit else []), False
        else:
            units, broken = extract.extract_units(target.path, text, language)
        entry = SourceFile(target, language, text.split("\n"), broken=broken)
        entry.units = [u for u in units if _touched(u, target)]
        files.append(entry)
    return files, skipped


Confirmed = dict[tuple[str, int], list[Confirmation]]  # (rule id, id(unit)) -> confirmations


def confirm_units(files: Sequence[SourceFile], rules: Sequence[Rule]) -> Confirmed:
    """The cascade's first stage: every rule's evidence on every unit, before any embedding.

    In strict mode a unit that no rule's evidence confirms can give no finding (a rule with
    evidence reports only what it confirms), so the transformer never needs to see it.
    """
    found: Confirmed = {}
    for f in files:
        for unit in f.units:
            for rule in rules:
                if rule.applies_to(unit.language) and rule.evidence_for(unit.language):
                    confirmations = evidence.confirm(rule, unit)
                    if confirmations:
                        found[(rule.id, id(unit))] = confirmations
    return found


@dataclass
class Prepared:
    files: list[SourceFile]
    skipped: list[Skip]
    confirmed: Confirmed | None  # None: not confirmed ahead (no cascade)


def prepare(
    targets: Sequence[Target],
    max_file_bytes: int,
    rules: Sequence[Rule],
    *,
    confirm: bool,
    jobs: int = 0,
    progress: bool = False,
) -> Prepared:
    """Extract (and with ``confirm``, confirm) ``targets``; ``jobs`` 0 picks by the work."""
    workers = _workers(jobs, len(targets))
    if workers <= 1:
        files, skipped = extract_files(targets, max_file_bytes)
        return Prepared(files, skipped, confirm_units(files, rules) if confirm else None)
    parts = _runs(targets, workers * CHUNKS_PER_JOB)
    bar = Progress("analysing", len(targets), progress)
    out = Prepared([], [], {} if confirm else None)
    context = multiprocessing.get_context("spawn")  # no inherited state, same on every OS
    try:
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init, initargs=(list(rules),)
        ) as pool:
            for part, (files, skipped, found) in zip(
                parts, pool.map(_work, [(p, max_file_bytes, confirm) for p in parts]), strict=True
            ):
                out.files += files
                out.skipped += skipped
                if out.confirmed is not None:
                    for rule_id, file_no, unit_no, confirmations in found:
                        unit = files[file_no].units[unit_no]
                        out.confirmed[(rule_id, id(unit))] = confirmations
                bar.advance(len(part))
    finally:
        bar.close()
    return out


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
    return runs


_RULES: list[Rule] = []
_Found = list[tuple[str, int, int, list[Confirmation]]]


def _init(rules: list[Rule]) -> None:
    _RULES[:] = rules


def _work(job: tuple[list[Target], int, bool]) -> tuple[list[SourceFile], list[Skip], _Found]:
    targets, max_file_bytes, confirm = job
    files, skipped = extract_files(targets, max_file_bytes)
    found: _Found = []
    if confirm:
        where = {id(u): (i, j) for i, f in enumerate(files) for j, u in enumerate(f.units)}
        for (rule_id, unit_id), confirmations in confirm_units(files, _RULES).items():
            found.append((rule_id, *where[unit_id], confirmations))
    return files, skipped, found
