"""PHP code injection on the syntax tree: assert() evaluates only a string (PHP < 8), so an
assertion over an expression is no finding (seven false findings on the App Engine PHP SDK)."""

from __future__ import annotations

import pytest

from auditor import evidence
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir

RULE = next(r for r in load_rules([shipped_rules_dir()]) if r.id == "code-injection")


def lines(statement: str) -> list[int]:
    text = f"<?php\nfunction f($domain, $code, $x) {{\n  {statement}\n}}\n"
    unit = CodeUnit("lib.php", "php", "f", "function", 1, text.count("\n"), text)
    return [c.start_line for c in evidence.confirm(RULE, unit)]


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("assert($domain !== false);", False),
        ("assert($expected['name'] === $x, 'message');", False),
        ("eval('return 1;');", False),
        ("preg_replace('/(.*)/i', $x, $code);", False),
        ("assert($code);", True),
        ('assert("$x == 1");', True),
        ("eval($x . ';');", True),
        ("$f = create_function('', $x);", True),
        ("preg_replace('/(.*)/e', $x, $code);", True),
    ],
)
def test_php_code_injection(statement: str, found: bool) -> None:
    assert evidence.precise(RULE, "php")
    assert lines(statement) == ([3] if found else [])
