"""A file's named text constants: ``TEMPLATE = "<html>..." + "...%s..."`` outside any function.

A handler that formats request data into ``TEMPLATE`` builds HTML (or SQL, or a shell line)
as surely as one that writes the literal inline, but the literal is not in the function's
text. The data-flow engine looks a constant's name up here (``taint.Engine.name``) and knows
the text it holds, so a sink that asks what the built text looks like (its ``literal``) sees
it. Only UPPER_CASE names bound once, at module or class level, to string literals (joined
with ``+`` or, in Python, side by side) count: a name bound twice, or to anything computed,
is left out.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from auditor.analysis.imports import node_text

CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*[A-Z0-9]")
MAX_TEXT = 2000  # characters kept of one constant: enough to tell what it is

# Where a function's own code starts: constants are looked for outside these.
_FUNCTIONS = frozenset(
    {"function_definition", "lambda", "method_declaration", "constructor_declaration",
     "function_declaration", "method_definition", "arrow_function", "function_expression",
     "generator_function_declaration", "func_literal", "method_elem", "lambda_expression",
     "static_initializer"}
)  # fmt: skip
# Not walked into: functions (their own code) and expressions that bind no constant of the
# file (a module-level call's arguments, a literal table, a docstring).
_SKIPPED = _FUNCTIONS | {
    "call", "call_expression", "method_invocation", "object_creation_expression", "dictionary",
    "list", "tuple", "set", "array", "object", "composite_literal", "array_initializer",
    "string", "comment", "import_statement", "import_from_statement", "import_declaration",
    "import_spec_list", "package_clause", "decorator", "annotation", "marker_annotation",
}  # fmt: skip
# (binding node kind, field of its name, field of its value)
_BINDINGS = {
    "assignment": ("left", "right"),  # python
    "variable_declarator": ("name", "value"),  # java, javascript, typescript
    "const_spec": ("name", "value"),  # go
}
_STRINGS = frozenset(
    {"string", "string_literal", "interpreted_string_literal", "raw_string_literal",
     "text_block"}
)  # fmt: skip
_JOINS = frozenset(
    {"binary_operator", "binary_expression", "concatenated_string", "parenthesized_expression",
     "expression_list"}
)  # fmt: skip
_QUOTES = re.compile(r"""^[rRbBfFuU]*("{3}|'{3}|"|'|`)(.*)\1$""", re.S)


def file_constants(root: Node) -> tuple[tuple[str, str], ...]:
    """(name, text) of the file's text constants, in file order, each name bound once."""
    found: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in _SKIPPED:
            continue
        binding = _BINDINGS.get(node.type)
        if binding is not None:
            name_node = node.child_by_field_name(binding[0])
            if name_node is not None and name_node.type == "identifier":
                name = node_text(name_node)
                seen[name] = seen.get(name, 0) + 1
                value = node.child_by_field_name(binding[1])
                text = _string_text(value) if value is not None else None
                if CONSTANT_NAME.fullmatch(name) and text is not None:
                    found.append((name, text[:MAX_TEXT]))
            continue  # a binding's value binds nothing at this level (a table of 2,000 entries)
        stack.extend(reversed(node.named_children))
    return tuple((name, text) for name, text in found if seen[name] == 1)


def _string_text(node: Node) -> str | None:
    """The text of a string literal or of literals joined with ``+``; None for anything else."""
    if node.type in _STRINGS or node.type == "template_string":
        if _substitutes(node):
            return None
        quoted = _QUOTES.match(node_text(node).strip())
        return quoted.group(2) if quoted else None
    if node.type not in _JOINS:
        return None
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "comment":
            continue
        text = _string_text(child)
        if text is None:
            return None
        parts.append(text)
    if node.type in ("binary_operator", "binary_expression"):
        operator = node.child_by_field_name("operator")
        if operator is None or node_text(operator) != "+":
            return None
    return "".join(parts) if parts else None


def _substitutes(node: Node) -> bool:
    """A template literal's ``${x}`` or an f-string's ``{x}``: computed, not constant."""
    return any(c.type in ("template_substitution", "interpolation") for c in node.named_children)
