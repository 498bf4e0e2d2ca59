"""Checks on what a structural match holds, beyond its shape (as Semgrep's
``metavariable-analysis`` runs an entropy analyzer on a metavariable).

A pattern may name one with ``analyzer:``; a match counts only where the analyzer accepts the
matched node (or its ``focus``):

- ``credential``: a string literal that the secret detector takes for a credential under the
  name it is given (assigned to, passed as, keyed by or compared with): a known key format,
  or a value that is not empty, a placeholder, a label, an environment-variable name, a path
  or a regex. A name alone says
  what a variable is for; ``token = "."`` in a lexer holds no secret.
"""

from __future__ import annotations

from auditor.analysis.anchors import SYNTAX, Syntax, context_name, string_content
from auditor.analysis.detectors.secrets import find_secrets
from auditor.analysis.patterns import ANALYZERS, Node

__all__ = ["ANALYZERS", "accepts", "holds_credential"]


def accepts(analyzer: str, language: str, node: Node) -> bool:
    """Whether ``analyzer`` accepts ``node`` of a unit in ``language``."""
    if analyzer == "credential":
        syntax = SYNTAX.get(language)
        return syntax is not None and holds_credential(syntax, node)
    raise ValueError(f"unknown analyzer {analyzer!r}")


def holds_credential(syntax: Syntax, node: Node) -> bool:
    """``node`` is a string literal holding a credential (see ``credential`` above)."""
    if node.kind() not in syntax.strings:
        return False
    name = context_name(syntax, node)
    if not name or not string_content(syntax, node).strip():
        return False
    # The detector reads the literal as written, given its name: its formats (a SendGrid key
    # held in EMAIL_HOST_PASSWORD) and its keyword-context test both count.
    return bool(find_secrets(f"{name} = {node.text()}", "python"))
