"""What the shipped rules confirm in a small file, per function: for data-flow tests that
check which lines of which function are flagged."""

from __future__ import annotations

import textwrap

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
