"""Constants: literal values and the operators that fold them (guards.py: conditions that clean).

Small and syntactic on purpose: a condition folds only when every operand is a literal or a
variable the engine knows to hold one (``num = 106; if (7 * 18) + num > 200``).
"""

from __future__ import annotations

import operator as op_module
from collections.abc import Callable
from typing import Any

from auditor.analysis.values import Const

Node = Any


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": op_module.add,
    "-": op_module.sub,
    "*": op_module.mul,
    "%": op_module.mod,
    "//": op_module.floordiv,
    "<": op_module.lt,
    ">": op_module.gt,
    "<=": op_module.le,
    ">=": op_module.ge,
    "==": op_module.eq,
    "===": op_module.eq,
    "!=": op_module.ne,
    "!==": op_module.ne,
}


_TEXT_KINDS = ("string_content", "string_fragment", "interpreted_string_literal_content",
               "raw_string_content", "escape_sequence")  # fmt: skip


def number(text: str) -> int | float | None:
    cleaned = text.rstrip("lLfFdD").replace("_", "")
    try:
        return int(cleaned, 0)
    except ValueError:
        try:
            return float(cleaned)
        except ValueError:
            return None


def string_value(node: Node) -> str | None:
    """The text of a literal without its quotes (escapes as written); None if unknown."""
    kind = node.kind()
    if kind == "character_literal":
        return str(node.text()[1:-1])
    if kind == "concatenated_string":
        parts = [string_value(child) for child in node.named_children()]
        return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
    pieces = [c.text() for c in node.named_children() if c.kind() in _TEXT_KINDS]
    if pieces:
        return "".join(pieces)
    text = node.text()
    if kind == "raw_string_literal" and len(text) >= 2:
        return str(text[1:-1])
    return ""


def operator(node: Node, children: list[Node]) -> str:
    field = node.field("operator")
    if field is not None:
        return str(field.text())
    if len(children) < 2:
        return ""
    start = node.range().start.index
    text = node.text()
    gap = text[children[0].range().end.index - start : children[1].range().start.index - start]
    return " ".join(gap.split())


def _truncated(left: int, right: int) -> int:
    """Java's and Go's integer division: toward zero."""
    quotient = abs(left) // abs(right)
    return quotient if (left < 0) == (right < 0) else -quotient


def binary(op: str, consts: list[Const], integer_division: bool = False) -> Const:
    """``left op right`` for constants; ``integer_division``: ``/`` on two integers truncates
    (Java, Go), else it is true division (Python, JavaScript)."""
    left, right = consts
    if left is None or right is None:
        return None
    if op == "/" and not isinstance(left, str) and not isinstance(right, str):
        if not right:
            return None
        if integer_division and isinstance(left, int) and isinstance(right, int):
            return _truncated(left, right)
        return left / right
    if op in ("and", "&&"):
        return bool(left) and bool(right)
    if op in ("or", "||"):
        return bool(left) or bool(right)
    if op in ("in", "not in") and isinstance(left, str) and isinstance(right, str):
        return (left in right) if op == "in" else (left not in right)
    func = _ARITHMETIC.get(op)
    if func is None:
        return None
    if isinstance(left, str) != isinstance(right, str) and op not in ("==", "!=", "===", "!=="):
        return None
    try:
        result = func(left, right)
    except (TypeError, ZeroDivisionError, ValueError):
        return None
    return result if isinstance(result, str | int | float | bool) else None


def key_const(node: Node) -> Const:
    kind = node.kind()
    if kind in ("property_identifier", "identifier") and node.parent() is not None:
        return str(node.text())
    if "string" in kind:
        return string_value(node)
    if "integer" in kind or kind == "number":
        return number(node.text())
    return None


def case_matches(group: Node, value: Const) -> bool:
    label = group.field("value")
    if label is None:
        labels = [c for c in group.named_children() if c.kind() == "switch_label"]
        if not labels or not labels[0].named_children():
            return False
        label = labels[0].named_children()[0]
    if label.kind() == "expression_list" and label.named_children():
        label = label.named_children()[0]
    literal: Const
    if "string" in label.kind() or label.kind() == "character_literal":
        literal = string_value(label)
    else:
        literal = number(label.text())
    return literal is not None and literal == value


def is_default(group: Node) -> bool:
    if group.kind() in ("switch_default", "default_case"):
        return True
    labels = [c for c in group.named_children() if c.kind() == "switch_label"]
    return bool(labels) and labels[0].text().startswith("default")
