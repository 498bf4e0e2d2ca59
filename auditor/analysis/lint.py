"""The evidence lint: a regex may read one literal or one identifier, never code structure.

A regex over a unit's raw text cannot see quoting, strings, comments or where a value comes
from; that is what structural patterns and data flow are for. A regex that crosses a token
boundary (a call's parenthesis, an `=`, a member access, whitespace between tokens) is matching
code structure as text, and `auditor rules test` reports it. Regexes in the places made for
them are fine: `literal:` of a sink (the text a value was built into), `names:` (one
identifier), and ast-grep's `regex:` on a single node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from auditor.model import Rule

# Outside character classes, these say the regex reaches across tokens.
_STRUCTURE = re.compile(
    r"""\\[()\[\]{}.]      # an escaped parenthesis, bracket, brace or dot: call, index, member
      | \\s | [ ]          # whitespace between tokens
      | [=,;]              # assignment, argument separator, statement end
      | \(\?P?<?[=!]       # lookarounds that peek at the code around a match
    """,
    re.VERBOSE,
)
_CLASS = re.compile(r"\[(?:\\.|[^\]\\])*\]")  # a character class: one character, no structure
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]+\)")


@dataclass(frozen=True)
class LintProblem:
    rule_id: str
    where: str  # "evidence.python.match[0]"
    reason: str


def spans_structure(source: str) -> bool:
    """Whether a raw-text regex reaches across code tokens (see the module docstring)."""
    body = _INLINE_FLAGS.sub("", _CLASS.sub("x", source))
    if "(?x)" in source or re.match(r"\(\?[a-z]*x", source):
        body = re.sub(r"#[^\n]*", "", body)  # verbose mode: comments and spaces are not text
        body = re.sub(r"(?<!\\)\s+", "", body)
    return bool(_STRUCTURE.search(body))


def lint(rules: Sequence[Rule]) -> Iterator[LintProblem]:
    """Every raw-text regex in the rules' evidence that spans code structure."""
    for rule in rules:
        for language, evidence in rule.evidence:
            for part in ("match", "requires", "unless"):
                for index, pattern in enumerate(getattr(evidence, part)):
                    if pattern.kind == "regex" and spans_structure(pattern.source):
                        yield LintProblem(
                            rule.id,
                            f"evidence.{language}.{part}[{index}]",
                            "a regex over the unit's text spans code structure; use a "
                            "structural `pattern` or a `taint` spec (a regex may read one "
                            "literal or one name)",
                        )
