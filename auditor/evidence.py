"""The confirmation stage: does a candidate unit really contain what the rule describes?

Embedding similarity finds code *about* a topic; it cannot tell ``execute(f"... {name}")`` from
``execute("... %s", (name,))``. Each rule's evidence (regexes, tree-sitter queries, the
``secret`` detector) makes that call and pins the lines of the finding.

How evidence is read (see ``model.Evidence``): every ``unless`` pattern must miss, every
``requires`` pattern must hit somewhere in the unit, and the first ``match`` pattern that hits
pins the lines. A regex pins the span of its ``(?P<match>...)`` group when it has one, else the
whole match; a query pins its ``@match`` capture, else all of its captures. With the ``secret``
detector every detected secret gives its own confirmation pinned to its line (and any
``match`` patterns must also hit).
Regexes run with ``re.MULTILINE`` on the unit's text.

Matches that start inside a comment (or a Python docstring) never count; comments come from
the tree-sitter parse, which is cached per unit text and shared by all rules.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from auditor import grammars
from auditor.analysis import imports
from auditor.analysis import patterns as structural
from auditor.analysis.detectors.masking import mask, mask_text
from auditor.analysis.detectors.secrets import GENERIC, find_secrets, secret_key
from auditor.analysis.detectors.templates import find_template_sinks
from auditor.analysis.languages import SG_LANGUAGES
from auditor.analysis.prefilter import may_match
from auditor.analysis.spec import analyse
from auditor.analysis.taint import Hit
from auditor.model import (
    AuditorError,
    CodeUnit,
    Confirmation,
    Evidence,
    FlowStep,
    Pattern,
    Rule,
)

DETECTORS = frozenset({"secret", "template"})
REGEX_FLAGS = re.MULTILINE

_COMMENT_KINDS = ("comment", "line_comment", "block_comment")
# Fallback when a language has no grammar: whole lines that start with a comment marker.
_COMMENT_LINE = re.compile(r"^[ \t]*(?:#|//|/\*|\*|--)")
# PHP units cut out of a file lack the opening tag the grammar needs; the prefix keeps line
# numbers (it lands on line 0) and shifts only byte offsets, which are corrected.
_PHP_PREFIX = "<?php "


@dataclass(frozen=True)
class Region:
    """A match, as 0-based line offsets within the unit."""

    first: int
    last: int


@functools.cache
def compiled_regex(source: str) -> re.Pattern[str]:
    """The compiled form of a regex pattern (``re.error`` if it is invalid)."""
    return re.compile(source, REGEX_FLAGS)


@functools.cache
def compiled_query(language: str, source: str) -> tree_sitter.Query:
    """The compiled form of a query for ``language`` (``AuditorError`` if it is invalid)."""
    try:
        return tree_sitter.Query(grammars.language(language), source)
    except tree_sitter.QueryError as exc:
        raise AuditorError(f"invalid tree-sitter query for {language}: {exc}") from None


@functools.cache
def _comment_query(language: str) -> tree_sitter.Query | None:
    lang = grammars.language(language)
    kinds = [kind for kind in _COMMENT_KINDS if lang.id_for_node_kind(kind, True)]
    patterns = [f"({kind}) @comment" for kind in kinds]
    if language == "python":
        patterns.append("(expression_statement . (string) @comment .)")  # docstrings
    return tree_sitter.Query(lang, "\n".join(patterns)) if patterns else None


@dataclass(frozen=True)
class _Parsed:
    tree: tree_sitter.Tree
    offset: int  # bytes prepended to the text before parsing
    comment_starts: tuple[int, ...]  # character offsets in the unit text, sorted
    comment_ends: tuple[int, ...]


@functools.lru_cache(maxsize=128)
def _parse(language: str, text: str) -> _Parsed:
    """Parse once per unit text, however many rules look at it."""
    offset = 0
    source = text
    if language == "php" and not text.lstrip().startswith("<?"):
        source, offset = _PHP_PREFIX + text, len(_PHP_PREFIX)
    data = source.encode("utf-8", "replace")
    tree = grammars.parser(language).parse(data)
    spans: list[tuple[int, int]] = []
    query = _comment_query(language)
    if query is not None:
        to_char = _byte_to_char(text, offset)
        for node in tree_sitter.QueryCursor(query).captures(tree.root_node).get("comment", []):
            spans.append((to_char(node.start_byte), to_char(node.end_byte)))
    spans.sort()
    return _Parsed(tree, offset, tuple(s for s, _ in spans), tuple(e for _, e in spans))


@functools.lru_cache(maxsize=32)
def _byte_to_char(text: str, offset: int) -> Callable[[int], int]:
    if text.isascii():
        return lambda position: max(0, position - offset)
    table: list[int] = []
    for index, char in enumerate(text):
        table.extend([index] * len(char.encode("utf-8", "replace")))
    table.append(len(text))
    return lambda position: table[max(0, min(position - offset, len(table) - 1))]


@functools.lru_cache(maxsize=128)
def _comment_lines(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    starts: list[int] = []
    ends: list[int] = []
    for line in _COMMENT_LINE.finditer(text):
        end = text.find("\n", line.start())
        starts.append(line.start())
        ends.append(len(text) if end < 0 else end)
    return tuple(starts), tuple(ends)


class _Unit:
    """One unit's text; its parse tree and comments come from a cache shared by all rules."""

    def __init__(self, unit: CodeUnit, text: str | None = None) -> None:
        self.text = unit.text if text is None else text
        self.language = unit.language
        self.has_grammar = unit.language in grammars.GRAMMARS

    def in_comment(self, position: int) -> bool:
        if self.has_grammar:
            parsed = _parse(self.language, self.text)
            starts, ends = parsed.comment_starts, parsed.comment_ends
        else:
            starts, ends = _comment_lines(self.text)
        index = bisect.bisect_right(starts, position) - 1
        return index >= 0 and position < ends[index]

    # -- patterns ------------------------------------------------------------------------

    def find(self, pattern: Pattern) -> Region | None:
        """The first match of ``pattern`` outside comments, or None."""
        found = self.find_all(pattern, first=True)
        return found[0] if found else None

    def find_all(self, pattern: Pattern, first: bool = False) -> list[Region]:
        """Every match of ``pattern`` outside comments, in order."""
        if pattern.kind == "regex":
            return self._find_regex(compiled_regex(pattern.source), first)
        if pattern.kind == "pattern":
            return self._find_structural(pattern)
        return self._find_query(compiled_query(self.language, pattern.source))

    def _find_structural(self, pattern: Pattern) -> list[Region]:
        tree = structural.root(self.language, self.text)
        if tree is None:
            return []
        struct = structural.StructPattern(pattern.source, pattern.focus)
        regions = []
        for match in structural.find(tree, struct, self.text):
            nodes = structural.focus_nodes(match, struct)
            if pattern.analyzer:
                from auditor.analysis import analyzers

                nodes = [n for n in nodes if analyzers.accepts(pattern.analyzer, self.language, n)]
            if nodes:
                first_row = min(n.range().start.line for n in nodes)
                last_row = max(n.range().end.line for n in nodes)
                regions.append(Region(first_row, last_row))
        return sorted(set(regions), key=lambda r: (r.first, r.last))

    def _find_regex(self, regex: re.Pattern[str], first: bool) -> list[Region]:
        group = "match" if "match" in regex.groupindex else 0
        regions: list[Region] = []
        for found in regex.finditer(self.text):
            start, end = found.span(group)
            if start < 0 or self.in_comment(found.start()):
                continue
            last = max(start, end - 1)  # a match ending in a newline stays on its line
            regions.append(Region(self.text.count("\n", 0, start), self.text.count("\n", 0, last)))
            if first:
                break
        return regions

    def _char(self, byte_offset: int) -> int:
        parsed = _parse(self.language, self.text)
        return _byte_to_char(self.text, parsed.offset)(byte_offset)

    def _find_query(self, query: tree_sitter.Query) -> list[Region]:
        found: list[tuple[int, Region]] = []
        for _, captures in tree_sitter.QueryCursor(query).matches(
            _parse(self.language, self.text).tree.root_node
        ):
            nodes = captures.get("match") or [n for group in captures.values() for n in group]
            if not nodes:
                continue
            node = min(nodes, key=lambda n: n.start_byte)
            if self.in_comment(self._char(node.start_byte)):
                continue
            last = max(n.end_point.row for n in nodes) if "match" not in captures else None
            region = Region(node.start_point.row, node.end_point.row if last is None else last)
            found.append((node.start_byte, region))
        found.sort(key=lambda item: item[0])
        return list(dict.fromkeys(region for _, region in found))


def precise(rule: Rule, language: str) -> bool:
    """The rule's evidence here is a precise detector, a data-flow spec or structural patterns
    only: the gate must not veto it (measured on the corpus: the gate cost such findings recall,
    never precision). Scans and `rules test` decide by this one function.
    """
    found = rule.evidence_for(language)
    if found is None:
        return False
    structural = bool(found.match) and all(p.kind == "pattern" for p in found.match)
    return found.detector is not None or found.taint is not None or structural


def confirm(rule: Rule, unit: CodeUnit) -> list[Confirmation]:
    """Confirm ``rule`` in ``unit`` from the rule's evidence for the unit's language.

    One Confirmation per place the evidence pins (each sink a source reaches, each pattern
    match, each secret), in line order, with file line numbers. Empty when the evidence does
    not confirm, and also for a rule without evidence for the language; callers tell the two
    apart with ``rule.evidence_for(unit.language) is None``.
    """
    evidence = rule.evidence_for(unit.language)
    if evidence is None:
        return []
    return confirm_evidence(evidence, unit)


confirm_all = confirm


_last_views: list[tuple[CodeUnit, list[_Unit]]] = []  # the unit every rule is checking now


def _views(unit: CodeUnit) -> list[_Unit]:
    """The unit as written and, where it calls a name it imports (``Unpickler(f)`` after
    ``from pickle import Unpickler``), with those callees spelled out (``pickle.Unpickler(f)``):
    a pattern matches the unit when it matches either. Lines are the same in both."""
    last = _last_views[-1] if _last_views else None
    if last is not None and last[0] is unit:  # rules are checked unit by unit
        return last[1]
    resolved = imports.resolve(unit.language, unit.text, unit.imports)
    views = [_Unit(unit)] + ([_Unit(unit, resolved)] if resolved != unit.text else [])
    _last_views[:] = [(unit, views)]
    return views


def _may_match(language: str, structs: tuple[str, ...], text: str) -> bool:
    """Whether any of the structural rules matches ``text`` (parsed only if a word test
    leaves one that can)."""
    live = tuple(rule for rule in structs if may_match(rule, text))
    if not live:
        return False
    tree = structural.root(language, text)
    return tree is not None and structural.any_match(tree, live, text)


def _find_all(views: list[_Unit], pattern: Pattern) -> list[Region]:
    if len(views) == 1:
        return views[0].find_all(pattern)
    found = {region for view in views for region in view.find_all(pattern)}
    return sorted(found, key=lambda r: (r.first, r.last))


def confirm_evidence(evidence: Evidence, unit: CodeUnit) -> list[Confirmation]:
    """Apply one language's evidence to ``unit`` (see ``confirm``)."""
    views = _views(unit)
    view = views[0]
    base = unit.start_line
    found: dict[Region, Confirmation] = {}
    # Most candidates that pass the gate have no match at all: the cheap tests go first, and
    # requires/unless run only when something matched.
    structs = tuple(p.source for p in evidence.match if p.kind == "pattern")
    hopeless = (
        bool(structs)
        and len(structs) == len(evidence.match)
        and unit.language in SG_LANGUAGES
        and not any(_may_match(unit.language, structs, v.text) for v in views)
    )
    for pattern in () if hopeless else evidence.match:  # the first that matches pins the lines
        rank = 80 if pattern.kind == "pattern" else 60
        for region in _find_all(views, pattern):
            found.setdefault(
                region, Confirmation(base + region.first, base + region.last, rank=rank)
            )
        if found:
            break
    if evidence.match and not found:
        return []
    if evidence.taint is not None:
        # The text as written decides where it has a sink: `escape(q)` after `from
        # django.utils.html import escape` is the rule's sanitizer as written, not once spelled
        # out. The imports spelled out add the sinks only they show (`loads` from pickle).
        judged: set[int] = set()
        taint = evidence.taint
        for hit in analyse(taint, unit.language, view.text, unit.siblings, unit.qualname, judged):
            found[Region(hit.first_line, hit.last_line)] = _from_hit(hit, base, unit.language)
        for v in views[1:]:
            for hit in analyse(taint, unit.language, v.text, unit.siblings, unit.qualname):
                if hit.first_line not in judged:
                    region = Region(hit.first_line, hit.last_line)
                    found.setdefault(region, _from_hit(hit, base, unit.language))
    if evidence.detector == "secret":
        found = {}  # the detector is what confirms and pins; match patterns only gate it
        for secret in find_secrets(unit.text, unit.language):
            if secret.kind == GENERIC and view.in_comment(secret.start):
                continue
            line = base + secret.line
            found.setdefault(
                Region(secret.line, secret.line),
                Confirmation(
                    line,
                    line,
                    f"secret {mask(secret.value)}",
                    key=secret_key(secret),
                    precise=secret.precise,
                    rank=95 if secret.precise else 70,
                ),
            )
    elif evidence.detector == "template":
        found = {
            Region(sink.line, sink.line): Confirmation(
                base + sink.line, base + sink.line, f"{sink.what}: {sink.text}", rank=85
            )
            for sink in find_template_sinks(unit.text, unit.path)
        }
    elif evidence.detector is not None:
        raise AuditorError(f"unknown evidence detector {evidence.detector!r}")
    if not found:
        return []
    if any(not _find_all(views, pattern) for pattern in evidence.requires):
        return []
    if any(_find_all(views, pattern) for pattern in evidence.unless):
        return []
    return [found[region] for region in sorted(found, key=lambda r: (r.first, r.last))]


def _from_hit(hit: Hit, base: int, language: str) -> Confirmation:
    """A sink reached by a source: the best flow becomes the finding's path."""
    flow = hit.flows[0]
    steps = [FlowStep(base + flow.source.line, mask_text(flow.source.text, language), "source")]
    steps += [FlowStep(base + step.line, mask_text(step.text, language)) for step in flow.steps]
    sink = " ".join(hit.text.split())[:80]
    steps.append(FlowStep(base + hit.first_line, mask_text(sink, language), "sink"))
    rank = {"request": 90, "stored": 80, "name": 75, "printed": 75}.get(flow.kind, 70)
    detail = f"from line {base + flow.source.line} {flow.source.text}"
    return Confirmation(base + hit.first_line, base + hit.last_line, detail, tuple(steps), rank)
