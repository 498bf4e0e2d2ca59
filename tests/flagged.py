"""What the shipped rules confirm in a small file, per function: for data-flow tests that
check which lines of which function are flagged."""

from __future__ import annotations

import textwrap

import pytest

from auditor.evidence import confirm
from auditor.extract import extract_units
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def findings(rule_id: str, code: str, language: str, path: str) -> dict[str, list[int]]:
    """Lines each function of the file is flagged on, by qualified name."""
    text = textwrap.dedent(code).strip("\n") + "\n"
    units, _ = extract_units(path, text, language)
    return {
        unit.qualname: [c.start_line for c in confirm(RULES[rule_id], unit)]
        for unit in units
        if unit.kind != "module"
    }


# A file name per language for the probe files (tests/test_*_probes.py, test_xss_escapers.py):
# each case is (name, code) by language
PROBE_PATHS = {
    "java": "A.java",
    "python": "a.py",
    "javascript": "a.jsx",
    "typescript": "a.tsx",
    "go": "a.go",
}
Cases = dict[str, list[tuple[str, str]]]


def probes(rule_id: str, *groups: Cases) -> list[object]:
    """The cases of ``groups`` as (rule, language, code) parameters, named rule-language-name."""
    return [
        pytest.param(rule_id, language, code, id=f"{rule_id}-{language}-{name}")
        for group in groups
        for language, items in group.items()
        for name, code in items
    ]


def flagged_anywhere(rule_id: str, code: str, language: str) -> bool:
    """Whether any function of the probe's file is flagged."""
    return any(findings(rule_id, code, language, PROBE_PATHS[language]).values())
