"""The pipeline: select -> extract -> embed (cache misses only) -> gate -> confirm -> suppress."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import evidence, extract
from auditor.analysis.detectors.masking import LineSpan, mask_lines
from auditor.cache import VectorCache
from auditor.config import Config
from auditor.embed.base import Embedder
from auditor.git import Target
from auditor.model import (
    AuditorError,
    CodeUnit,
    Confirmation,
    Finding,
    Precision,
    Rule,
    ScanResult,
    Window,
)
from auditor.prepare import Confirmed, SourceFile, prepare
from auditor.progress import Progress

if TYPE_CHECKING:
    from auditor.embed.base import Vectors

SNIPPET_LINES = 8
# A path that holds tests or fixtures: a credential there is most likely a test value.
_TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|__tests__|spec|specs|fixtures?|testdata|test_data|__fixtures__|mocks?)/"
    r"|(?:^|/)(?:test_[^/]*|[^/]*_tests?|conftest)\.py$|_test\.go$"
    r"|\.(?:spec|test)\.[cm]?[jt]sx?$|Tests?\.(?:java|cs|kt)$|_spec\.rb$",
    re.IGNORECASE,
)


def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


# `auditor: ignore[rule-id, other-rule]` after a comment marker of any of the supported languages.
_SUPPRESS = re.compile(r"(?:#|//|/\*|--|<!--|\*)\s*.*?auditor:\s*ignore\[([A-Za-z0-9_,\s-]+)\]")


@dataclass(frozen=True)
class Candidate:
    rule: Rule
    window: Window
    score: float  # the gate's similarity of the unit's best window to the rule
    context: bool = False  # put forward by its file's module-level code, not by itself
    lines: tuple[int, int] | None = None  # where a gate-only finding points (module code)
    gated: bool = True  # False: put forward for a precise detector without passing the gate


def _suppressed(rule_id: str, lines: list[str], candidates: Sequence[int]) -> bool:
    for number in candidates:
        if 1 <= number <= len(lines):
            for m in _SUPPRESS.finditer(lines[number - 1]):
                ids = {part.strip() for part in m.group(1).split(",")}
                if rule_id in ids:
                    return True
    return False


def _snippet(unit: CodeUnit, start: int, end: int, spans: Sequence[LineSpan]) -> str:
    end = min(end, start + SNIPPET_LINES - 1)
    return mask_lines(unit.lines(start, end).split("\n"), start, spans)


def _trim(window: Window) -> tuple[int, int]:
    """A window's first and last non-blank line: module windows are mostly blank."""
    rows = window.text.split("\n")
    filled = [i for i, row in enumerate(rows) if row.strip()]
    if not filled:
        return window.start_line, window.end_line
    return window.start_line + filled[0], window.start_line + filled[-1]


@dataclass
class Scan:
    """One scan over already-selected targets. Create, then call ``run``."""

    config: Config
    rules: Sequence[Rule]
    cache: VectorCache
    make_embedder: Callable[[], Embedder]
    fallback: Callable[[], Embedder] | None = None
    warnings: list[str] = field(default_factory=list)
    # Whether a keyword-context secret (not a known format) needs the gate; see bench/secrets.py.
    gate_generic_secrets: bool = False
    # The cascade's confirmations: (rule id, id(unit)) -> what evidence found (None: no cascade).
    _confirmed: Confirmed | None = field(default=None, init=False, repr=False)

    def run(self, targets: Sequence[Target]) -> ScanResult:
        ready = prepare(
            targets,
            self.config.max_file_bytes,
            self.rules,
            confirm=self.config.cascade and self.config.precision is Precision.STRICT,
            jobs=self.config.jobs,
            progress=self.config.progress,
            cache_dir=self.cache.path.parent,
        )
        files, skipped, self._confirmed = ready.files, ready.skipped, ready.confirmed
        languages = {f.language for f in files if f.units}
        rules = [r for r in self.rules if any(r.applies_to(lang) for lang in languages)]
        wanted = _to_embed(files, rules, self._confirmed)
        # A text file that only a precise detector looks at is never embedded.
        windows = [
            w
            for f in files
            for u in f.units
            if _needs_gate(u, rules) and (wanted is None or id(u) in wanted)
            for w in extract.windows(u, self.config.window_lines, self.config.window_overlap)
        ]
        embedder = self.make_embedder()
        try:
            candidates, embedded = self._gate(embedder, windows, rules)
        except AuditorError as exc:
            if self.fallback is None:
                raise
            self.warnings.append(f"{exc}; falling back to the built-in model for this run")
            embedder.close()
            embedder = self.fallback()
            candidates, embedded = self._gate(embedder, windows, rules)
        candidates += _ungated(files, rules, candidates, wanted)
        by_path = {f.target.path: f for f in files}
        # Judge unit by unit: evidence parses a unit once and reuses it for every rule.
        candidates.sort(key=lambda c: (c.window.unit.path, c.window.unit.start_line, c.rule.id))
        findings = one_per_line([f for c in candidates for f in self._judge(c, by_path)])
        embedder.close()
        return ScanResult(
            findings=tuple(findings),
            rules=tuple(self.rules),
            units_scanned=sum(len(f.units) for f in files),
            files_scanned=len(files),
            skipped=tuple(skipped),
            embedded=embedded,
            model=embedder.key,
            warnings=tuple(self.warnings),
            parse_errors=tuple(f.target.path for f in files if f.broken),
            secrets_only=_secrets_only(files, rules),
            units_embedded=None
            if wanted is None
            else sum(
                1 for f in files for u in f.units if id(u) in wanted and _needs_gate(u, rules)
            ),
        )

    def _gate(
        self, embedder: Embedder, windows: Sequence[Window], rules: Sequence[Rule]
    ) -> tuple[list[Candidate], int]:
        """Per (unit, rule), the best window above the rule's threshold and its score.

        A file whose module-level code passes a rule's gate (imports, class headers, fields:
        what the file is about) also puts its other units forward for that rule as context
        candidates: a method's own text may be too short or generic for the gate while the
        class it lives in is plainly about, say, LDAP. Those need evidence in every mode.
        """
        if not windows or not rules:
            return [], 0
        # numpy, the index and the gate load here: a hook run with nothing to score needs none
        from auditor.gate import embed_cached, rule_vectors, score
        from auditor.index import VectorIndex

        progress = Progress("embedding", len(windows), self.config.progress)
        try:
            vectors, embedded = embed_cached(
                embedder, self.cache, [w.text for w in windows], progress=progress
            )
        finally:
            progress.close()
        per_rule, more = rule_vectors(embedder, self.cache, rules)
        index = VectorIndex(embedder.dimensions)
        index.add(vectors)
        first_window: dict[int, int] = {}
        for row, window in enumerate(windows):
            first_window.setdefault(id(window.unit), row)
        out: list[Candidate] = []
        for rule in rules:
            hits = index.above(per_rule[rule.id], rule.threshold_for(embedder.key))
            best: dict[int, tuple[Window, float]] = {}
            for key, sim in hits.items():
                window = windows[key]
                if not rule.applies_to(window.unit.language):
                    continue
                unit_id = id(window.unit)
                if unit_id not in best or sim > best[unit_id][1]:
                    best[unit_id] = (window, sim)
            out += [Candidate(rule, window, sim) for window, sim in best.values()]
            topical = {w.unit.path for w, _ in best.values() if w.unit.kind == "module"}
            extra = [
                row
                for unit_id, row in first_window.items()
                if unit_id not in best
                and windows[row].unit.path in topical
                and rule.applies_to(windows[row].unit.language)
            ]
            if extra:
                sims = score(vectors[extra], per_rule[rule.id])
                out += [
                    Candidate(rule, windows[row], float(sim), context=True)
                    for row, sim in zip(extra, sims.tolist(), strict=True)
                ]
            # A precise detector checks the units below the gate too; they keep their score.
            below = [
                row
                for unit_id, row in first_window.items()
                if unit_id not in best
                and windows[row].unit.path not in topical
                and rule.applies_to(windows[row].unit.language)
                and evidence.precise(rule, windows[row].unit.language)
            ]
            if below:
                sims = score(vectors[below], per_rule[rule.id])
                out += [
                    Candidate(rule, windows[row], float(sim), gated=False)
                    for row, sim in zip(below, sims.tolist(), strict=True)
                ]
        if self.config.precision is Precision.BROAD:
            out, pinned = self._pin_module_candidates(embedder, out, per_rule)
            more += pinned
        return out, embedded + more

    def _pin_module_candidates(
        self, embedder: Embedder, candidates: list[Candidate], per_rule: dict[str, Vectors]
    ) -> tuple[list[Candidate], int]:
        """Broad mode: a gate-only finding on module-level code points at its best block."""
        from auditor.gate import best_blocks

        picked = [i for i, c in enumerate(candidates) if c.window.unit.kind == "module"]
        items = [(candidates[i].window, per_rule[candidates[i].rule.id]) for i in picked]
        spans, embedded = best_blocks(embedder, self.cache, items)
        out = list(candidates)
        for i, span in zip(picked, spans, strict=True):
            out[i] = dataclasses.replace(candidates[i], lines=span)
        return out, embedded

    def _judge(self, candidate: Candidate, files: dict[str, SourceFile]) -> list[Finding]:
        """The candidate's findings: one per confirmation (each secret), or a gate-only one."""
        rule, window, similarity = candidate.rule, candidate.window, candidate.score
        unit = window.unit
        entry = files[unit.path]
        has_evidence = rule.evidence_for(unit.language) is not None
        if self._confirmed is not None:  # the cascade confirmed every unit already
            confirmations = self._confirmed.get((rule.id, id(unit)), [])
        else:
            confirmations = evidence.confirm(rule, unit) if has_evidence else []
        if not candidate.gated and self.gate_generic_secrets and unit.kind != "file":
            confirmations = [c for c in confirmations if c.precise]
        confirmed = bool(confirmations)
        # Strict mode drops what evidence rejected (the look-alikes) and what a rule with
        # evidence elsewhere cannot check here. A rule with no evidence at all (a team's
        # plain-language rule) still reports from the gate, marked low precision.
        if not confirmed:
            if (
                not candidate.gated
                or candidate.context
                or (
                    self.config.precision is Precision.STRICT
                    and (has_evidence or rule.has_evidence)
                )
            ):
                return []
            confirmations = [Confirmation(*(candidate.lines or _trim(window)))]
        demoted = ""
        if self.config.test_files == "lower" and evidence.precise(rule, unit.language):
            demoted = "test file" if is_test_path(unit.path) else ""
        findings: list[Finding] = []
        for found in confirmations:
            start, end = found.start_line, found.end_line
            if unit.kind == "file" and not entry.target.touches(start, end):
                continue  # a text file's unchanged lines are not part of the change
            if _suppressed(
                rule.id, entry.lines, (unit.start_line - 1, start - 1, *range(start, end + 1))
            ):
                continue
            findings.append(
                Finding(
                    rule=rule,
                    unit=unit,
                    score=_rounded(similarity),
                    start_line=start,
                    end_line=end,
                    confirmed=confirmed,
                    snippet=_snippet(unit, start, end, entry.secret_spans(start, end)),
                    detail=found.detail,
                    key=found.key,
                    demoted=demoted,
                    flow=found.flow,
                    rank=found.rank if confirmed else 30,
                    region=" ".join(unit.lines(start, end).split())
                    if len(confirmations) > 1
                    else "",
                )
            )
        return findings


def _rounded(similarity: float) -> float:
    if similarity == 0.0:  # not scored (a text file no model sees)
        return 0.0
    import numpy as np  # loaded already: a scored unit came through the gate

    return float(np.round(similarity, 4))


def one_per_line(findings: Sequence[Finding]) -> list[Finding]:
    """One finding per (file, line, rule), in reading order.

    A nested function's lines are also its outer function's, so both units can confirm the
    same line; the innermost unit (the shortest) names the place best and is kept.
    """
    best: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        key = (finding.unit.path, finding.start_line, finding.rule.id)
        kept = best.get(key)
        span = finding.unit.end_line - finding.unit.start_line
        if kept is None or span < kept.unit.end_line - kept.unit.start_line:
            best[key] = finding
    return sorted(best.values(), key=lambda f: (f.unit.path, f.start_line, f.rule.id))


def _needs_gate(unit: CodeUnit, rules: Sequence[Rule]) -> bool:
    return any(
        r.applies_to(unit.language)
        and not (unit.kind == "file" and evidence.precise(r, unit.language))
        for r in rules
    )


def _ungated(
    files: Sequence[SourceFile],
    rules: Sequence[Rule],
    candidates: Sequence[Candidate],
    wanted: set[int] | None = None,
) -> list[Candidate]:
    """Every unit a precise detector applies to and the gate did not put forward (with the
    cascade: only those that evidence confirmed; the others cannot give a finding)."""
    seen = {(c.rule.id, id(c.window.unit)) for c in candidates}
    return [
        Candidate(rule, Window(unit, unit.start_line, unit.end_line, unit.text), 0.0, gated=False)
        for f in files
        for unit in f.units
        if wanted is None or id(unit) in wanted
        for rule in rules
        if rule.applies_to(unit.language)
        and evidence.precise(rule, unit.language)
        and (rule.id, id(unit)) not in seen
    ]


def _to_embed(
    files: Sequence[SourceFile], rules: Sequence[Rule], confirmed: Confirmed | None
) -> set[int] | None:
    """The ids of the units the gate must score; None: all of them (no cascade).

    With the cascade: each confirmed unit (its score is reported, and a rule with a regex as
    evidence still needs the gate), the module-level code of its file (which can put the unit
    forward as context, exactly as in a full run), and every unit a rule without any evidence
    applies to (a plain-language rule reports from the gate alone).
    """
    if confirmed is None:
        return None
    hit = {unit_id for _, unit_id in confirmed}
    plain = [r for r in rules if not r.has_evidence]  # plain-language rules: the gate decides
    languages = {u.language for f in files for u in f.units}
    gate_only = {lang for lang in languages if any(r.applies_to(lang) for r in plain)}
    wanted: set[int] = set()
    for f in files:
        if any(id(u) in hit for u in f.units):
            wanted |= {id(u) for u in f.units if id(u) in hit or u.kind == "module"}
        wanted |= {id(u) for u in f.units if u.language in gate_only}
    return wanted


def _secrets_only(
    files: Sequence[SourceFile], rules: Sequence[Rule]
) -> tuple[tuple[str, int], ...]:
    """(kind, files) of the text files that only a precise detector looked at."""
    counts = Counter(
        f.language
        for f in files
        if f.units and f.units[0].kind == "file" and not _needs_gate(f.units[0], rules)
    )
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def default_rule_dirs(root: Path, shipped: Path) -> list[Path]:
    local = root / ".auditor" / "rules"
    return [shipped, local] if local.is_dir() else [shipped]
