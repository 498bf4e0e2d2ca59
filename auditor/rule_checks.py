"""What `auditor rules test` checks of a rule pack before its examples: every tree-sitter
query and structural pattern compiles for each language it serves, every regex compiles, and
the evidence lint (analysis/lint.py) passes. One message per problem, naming file and key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from auditor import evidence
from auditor.analysis import patterns
from auditor.analysis import spec as taint_spec
from auditor.analysis.lint import lint as evidence_lint
from auditor.analysis.patterns import StructPattern
from auditor.model import AuditorError, Rule
from auditor.rules import EVIDENCE_KEYS, show_path


def check_queries(rules: Sequence[Rule]) -> list[str]:
    """Compile every tree-sitter query for each language it can serve; one message per failure.

    Queries under ``javascript`` also run on TypeScript and TSX units and those under ``c`` on
    C++ units (see ``Rule.evidence_for``), so they must compile for those grammars too.
    """
    siblings = {"javascript": ("typescript", "tsx"), "c": ("cpp",)}
    problems: list[str] = []
    for rule in rules:
        own = {language for language, _ in rule.evidence}
        for language, ev in rule.evidence:
            targets = [language, *(s for s in siblings.get(language, ()) if s not in own)]
            for part in EVIDENCE_KEYS[:3]:
                for index, pattern in enumerate(getattr(ev, part)):
                    if pattern.kind != "query":
                        continue
                    for target in targets:
                        try:
                            evidence.compiled_query(target, pattern.source)
                        except AuditorError as exc:
                            problems.append(
                                f"{show_path(Path(rule.source))}: key "
                                f"'evidence.{language}.{part}[{index}].query' ({target}): {exc}"
                            )
    return problems


def check_patterns(rules: Sequence[Rule]) -> list[str]:
    """Compile every structural pattern (match/requires/unless and taint places) for the
    language it is written for; one message per failure."""
    problems: list[str] = []
    for rule in rules:
        for language, ev in rule.evidence:
            structs = [
                (f"{part}[{i}]", StructPattern(p.source, p.focus))
                for part in EVIDENCE_KEYS[:3]
                for i, p in enumerate(getattr(ev, part))
                if p.kind == "pattern"
            ]
            if ev.taint is not None:
                for regex in [ev.taint.names, *(s.literal for s in ev.taint.sinks)]:
                    try:
                        re.compile(regex)
                    except re.error as exc:
                        problems.append(
                            f"{show_path(Path(rule.source))}: key 'evidence.{language}.taint': "
                            f"invalid regex {regex!r}: {exc}"
                        )
                structs += [
                    (f"taint[{i}]", p) for i, p in enumerate(taint_spec.all_patterns(ev.taint))
                ]
            for where, struct in structs:
                try:
                    patterns.check(language, struct)
                except AuditorError as exc:
                    problems.append(
                        f"{show_path(Path(rule.source))}: key 'evidence.{language}.{where}': {exc}"
                    )
    return problems


def lint_problems(rules: Sequence[Rule], shipped: Path) -> tuple[list[str], int]:
    """The evidence lint (analysis/lint.py): messages for a team's rules; for the shipped pack,
    how many of its regexes still predate structural patterns (reported, not failed)."""
    problems: list[str] = []
    legacy = 0
    for problem in evidence_lint(rules):
        rule = next(r for r in rules if r.id == problem.rule_id)
        if Path(rule.source).resolve().parent == shipped.resolve():
            legacy += 1
            continue
        problems.append(f"{show_path(Path(rule.source))}: key '{problem.where}': {problem.reason}")
    return problems, legacy


def check_regexes(rules: Sequence[Rule]) -> list[str]:
    """Compile every evidence regex; one message per failure.

    Rules from a team's directories are checked at load; the shipped pack's are compiled on
    first use, so `auditor rules test` checks them all here.
    """
    problems: list[str] = []
    for rule in rules:
        for language, ev in rule.evidence:
            for part in EVIDENCE_KEYS[:3]:
                for index, pattern in enumerate(getattr(ev, part)):
                    if pattern.kind != "regex":
                        continue
                    try:
                        evidence.compiled_regex(pattern.source)
                    except re.error as exc:
                        problems.append(
                            f"{show_path(Path(rule.source))}: key "
                            f"'evidence.{language}.{part}[{index}].regex': {exc}"
                        )
    return problems


# -- helpers ---------------------------------------------------------------------------------
